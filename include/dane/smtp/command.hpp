// SMTP commands (RFC 5321 §4.1.1) as the octets a client sends, the DATA body encoding
// (§4.5.2, §2.3.8) and the EHLO capability list (§4.1.1.1).
//
// Every argument is checked before it is put on the wire: CR, LF or NUL in an argument
// would let the caller's data end the command early and start another one (command
// injection), so such an argument is an error value, never sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/result.hpp"
#include "dane/smtp/error.hpp"
#include "dane/smtp/reply.hpp"

namespace dane::smtp {

// RFC 5321 §4.5.3.1.4: a command line holds at most 512 octets including CRLF.
inline constexpr std::size_t max_command_line = 512;

namespace detail {

inline bool has_line_break_or_nul(std::string_view s) noexcept {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

inline result<std::string, errc> command_line(std::string line) {
    line += "\r\n";
    if (line.size() > max_command_line) return fail(errc::command_too_long);
    return line;
}

// A domain or address literal for EHLO/HELO: no empty name, no line break, no space (the
// argument is one token of the command grammar).
inline result<void, errc> check_client_name(std::string_view name) {
    if (name.empty()) return fail(errc::empty_argument);
    if (has_line_break_or_nul(name) || name.find_first_of(" \t") != std::string_view::npos)
        return fail(errc::bad_argument);
    return {};
}

// A path inside "<...>": no line break, no angle bracket (it would close the path early).
inline result<void, errc> check_path(std::string_view address) {
    if (has_line_break_or_nul(address) || address.find_first_of("<>") != std::string_view::npos)
        return fail(errc::bad_argument);
    return {};
}

// ESMTP parameters after the path ("SIZE=123 BODY=8BITMIME"): no line break.
inline result<void, errc> check_parameters(std::string_view parameters) {
    if (has_line_break_or_nul(parameters)) return fail(errc::bad_argument);
    return {};
}

} // namespace detail

inline result<std::string, errc> ehlo(std::string_view client_name) {
    DANE_TRY(detail::check_client_name(client_name));
    return detail::command_line("EHLO " + std::string(client_name));
}
inline result<std::string, errc> helo(std::string_view client_name) {
    DANE_TRY(detail::check_client_name(client_name));
    return detail::command_line("HELO " + std::string(client_name));
}
inline std::string starttls() {
    return "STARTTLS\r\n";
}
// MAIL FROM:<reverse-path> [SP parameters]. An empty reverse path is the null sender "<>"
// of bounces (§4.5.5).
inline result<std::string, errc> mail_from(std::string_view reverse_path,
                                           std::string_view parameters = {}) {
    DANE_TRY(detail::check_path(reverse_path));
    DANE_TRY(detail::check_parameters(parameters));
    std::string line = "MAIL FROM:<" + std::string(reverse_path) + '>';
    if (!parameters.empty()) line += ' ' + std::string(parameters);
    return detail::command_line(std::move(line));
}
// RCPT TO:<forward-path> [SP parameters]. The forward path may not be empty.
inline result<std::string, errc> rcpt_to(std::string_view forward_path,
                                         std::string_view parameters = {}) {
    if (forward_path.empty()) return fail(errc::empty_argument);
    DANE_TRY(detail::check_path(forward_path));
    DANE_TRY(detail::check_parameters(parameters));
    std::string line = "RCPT TO:<" + std::string(forward_path) + '>';
    if (!parameters.empty()) line += ' ' + std::string(parameters);
    return detail::command_line(std::move(line));
}
inline std::string data() {
    return "DATA\r\n";
}
inline std::string rset() {
    return "RSET\r\n";
}
inline std::string quit() {
    return "QUIT\r\n";
}

// The message as sent after "354": every line end (CRLF, bare LF, bare CR) becomes CRLF
// (§2.3.8: a client MUST NOT send bare CR or LF), a line starting with "." gets one more
// "." (transparency, §4.5.2), the last line gets a CRLF if it had none, and ".\r\n" ends
// the data (§4.1.1.4), so the stream always ends in CRLF "." CRLF.
inline std::string encode_data(std::string_view message) {
    std::string out;
    out.reserve(message.size() + message.size() / 64 + 5);
    bool line_start = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const char c = message[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
            out += "\r\n";
            line_start = true;
            continue;
        }
        if (line_start && c == '.') out += '.';
        out += c;
        line_start = false;
    }
    if (!line_start) out += "\r\n";
    out += ".\r\n";
    return out;
}

// What the server said it supports in its EHLO reply (RFC 5321 §4.1.1.1: the first line is
// the greeting, each further line an ehlo-keyword and optional parameters). Keywords are
// case-insensitive.
struct capabilities {
    bool starttls = false;              // RFC 3207
    bool pipelining = false;            // RFC 2920
    bool eight_bit_mime = false;        // RFC 6152
    bool smtputf8 = false;              // RFC 6531
    bool enhanced_status_codes = false; // RFC 2034
    bool chunking = false;              // RFC 3030
    bool size = false;                  // RFC 1870: SIZE advertised
    // The SIZE limit in octets; nullopt when SIZE is absent, has no number, or is 0 (no
    // fixed limit), or when the number does not parse.
    std::optional<std::uint64_t> size_limit;
    std::vector<std::string> keywords; // every keyword, upper-cased, in order
};

namespace detail {
inline std::string upper_ascii(std::string_view s) {
    std::string u(s);
    for (auto& c : u)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return u;
}
inline std::optional<std::uint64_t> parse_size(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt; // 19 digits fit in 64 bits
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}
} // namespace detail

inline capabilities parse_capabilities(const reply& ehlo_reply) {
    capabilities caps;
    if (!ehlo_reply.positive_completion()) return caps;
    for (std::size_t i = 1; i < ehlo_reply.lines.size(); ++i) {
        std::string_view line = ehlo_reply.lines[i];
        auto sp = line.find(' ');
        std::string keyword = detail::upper_ascii(line.substr(0, sp));
        std::string_view params = sp == std::string_view::npos ? "" : line.substr(sp + 1);
        if (keyword.empty()) continue;
        if (keyword == "STARTTLS")
            caps.starttls = true;
        else if (keyword == "PIPELINING")
            caps.pipelining = true;
        else if (keyword == "8BITMIME")
            caps.eight_bit_mime = true;
        else if (keyword == "SMTPUTF8")
            caps.smtputf8 = true;
        else if (keyword == "ENHANCEDSTATUSCODES")
            caps.enhanced_status_codes = true;
        else if (keyword == "CHUNKING")
            caps.chunking = true;
        else if (keyword == "SIZE") {
            caps.size = true;
            auto n = detail::parse_size(params.substr(0, params.find(' ')));
            caps.size_limit = (n && *n > 0) ? n : std::nullopt;
        }
        caps.keywords.push_back(std::move(keyword));
    }
    return caps;
}

} // namespace dane::smtp
