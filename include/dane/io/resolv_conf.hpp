// The nameservers of /etc/resolv.conf, read as the GNU C library's resolver reads them
// (resolv/res_init.c), so that a program using them asks the server the system asks:
// - a line whose first character is '#' or ';' is a comment (resolv.conf(5));
// - `nameserver` starts the line and is followed by a blank (space or tab); the address
//   is the next word and anything after it on the line is ignored;
// - the address is IPv4 or IPv6, an IPv6 address optionally with "%zone" (an interface
//   name or number); glibc also accepts the old inet_aton forms ("127.1", "0x7f.0.0.1"),
//   which this reader refuses and reports;
// - only the first max_nameservers (glibc's MAXNS, 3) are used; every other line
//   (domain, search, options, sortlist, unknown words) is ignored.
// Lines that look like nameserver lines but do not parse are skipped, as glibc skips
// them, and reported with their line number so that a tool can say why.
#pragma once

#include "dane/core/config.hpp"

#include <cstddef>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/error.hpp"
#include "dane/core/result.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/error.hpp"

namespace dane::io {

struct resolv_conf_limits {
    std::size_t max_nameservers = 3;   // glibc's MAXNS
    std::size_t max_reported = 16;     // skipped lines reported at most
    std::size_t max_file_size = 65536; // read_resolv_conf refuses larger files
};

struct resolv_conf {
    std::vector<endpoint> nameservers; // in file order, port 53
    // Nameserver lines that were skipped: the line number and why (errc::bad_address ...).
    std::vector<located_error> skipped;
};

namespace detail {
inline bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t';
}
} // namespace detail

// Parses resolv.conf text. Never fails: what cannot be used is skipped and reported.
inline resolv_conf parse_resolv_conf(std::string_view text, const resolv_conf_limits& limits = {}) {
    resolv_conf out;
    constexpr std::string_view keyword = "nameserver";
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.ends_with('\r')) line.remove_suffix(1); // a file written on Windows
        auto report = [&](std::error_code why, std::string context) {
            if (out.skipped.size() < limits.max_reported)
                out.skipped.push_back(located_error::at_line(why, line_number, std::move(context)));
        };
        if (line == keyword) { // glibc ignores it as an unknown word; it is a mistake
            report(make_error_code(errc::bad_address), "nameserver without an address");
            continue;
        }
        if (!line.starts_with(keyword) || line.size() == keyword.size() ||
            !detail::is_blank(line[keyword.size()]))
            continue; // a comment, another keyword, or "nameserverX"
        line.remove_prefix(keyword.size());
        while (!line.empty() && detail::is_blank(line.front()))
            line.remove_prefix(1);
        std::size_t word_end = 0;
        while (word_end < line.size() && !detail::is_blank(line[word_end]))
            ++word_end;
        const std::string_view word = line.substr(0, word_end);
        if (word.empty()) {
            report(make_error_code(errc::bad_address), "nameserver without an address");
            continue;
        }
        auto e = parse_address(word, dns_port);
        if (!e) {
            report(e.error(),
                   "nameserver '" + std::string(word.substr(0, 64)) + "': " + e.error().message());
            continue;
        }
        if (out.nameservers.size() >= limits.max_nameservers) {
            report(make_error_code(errc::too_large), "nameserver beyond the first " +
                                                         std::to_string(limits.max_nameservers) +
                                                         " ignored");
            continue;
        }
        out.nameservers.push_back(std::move(*e));
    }
    return out;
}

inline constexpr const char* default_resolv_conf_path = "/etc/resolv.conf";

// Reads and parses the file. Fails when it cannot be read or is over max_file_size; a file
// without nameservers parses to an empty list (the caller decides what that means: glibc
// then asks the local host).
inline result<resolv_conf> read_resolv_conf(const char* path = default_resolv_conf_path,
                                            const resolv_conf_limits& limits = {}) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno != 0) return fail(last_system_error());
        return fail(std::make_error_code(std::errc::no_such_file_or_directory));
    }
    std::string text;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > limits.max_file_size) return fail(errc::too_large);
    }
    if (in.bad()) return fail(std::make_error_code(std::errc::io_error));
    return parse_resolv_conf(text, limits);
}

} // namespace dane::io
