// The SMTP TLS reporting policy: the TXT record at `_smtp._tls.<policy domain>` (RFC 8460 §3),
//   v=TLSRPTv1; rua=mailto:tlsrpt@example.net,https://reports.example.net/tlsrpt
// parse_record() follows §3's ABNF exactly: the version first and case-sensitive, fields
// separated by *WSP ";" *WSP, an optional trailing separator, rua= with one or more URIs
// separated by *WSP "," *WSP, and extension fields name=value, which are kept but have no
// meaning here (§3: unknown fields SHALL be ignored). select_record() picks the one record
// a domain publishes among all its TXT records. Errors are values with the reason.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/error.hpp"
#include "dane/core/result.hpp"
#include "dane/tlsrpt/error.hpp"

namespace dane::tlsrpt {

// No TXT record is longer than a DNS message; anything longer is not from DNS.
inline constexpr std::size_t max_record_length = 65535;

enum class uri_scheme { mailto, https, other };

struct report_uri {
    uri_scheme scheme = uri_scheme::other;
    std::string uri;    // as published, e.g. "mailto:tlsrpt@example.net"
    std::string target; // mailto: the address part; https: the whole URI; other: empty
};

struct extension_field {
    std::string name, value;
};

struct record {
    std::vector<report_uri> rua; // in published order; never empty in a parsed record
    std::vector<extension_field> extensions;

    // The URIs a reporter can deliver to: mailto: and https: (§3 defines only these two).
    std::vector<report_uri> deliverable() const {
        std::vector<report_uri> out;
        for (const auto& u : rua)
            if (u.scheme != uri_scheme::other) out.push_back(u);
        return out;
    }
};

namespace detail {

constexpr bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}
constexpr bool is_alpha(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_hexdig(char c) noexcept {
    return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

inline located_error record_error(errc e, std::size_t at, std::string why) {
    located_error err(e, at);
    err.context = std::move(why);
    return err;
}

// RFC 3986 §3: scheme ":" followed by characters a URI may hold (unreserved, sub-delims,
// ":" "@" "/" "?" "#" "[" "]", and %HH). RFC 8460 §3 adds: ",", "!" and ";" MUST be
// percent-encoded, so they never appear raw.
inline bool is_uri(std::string_view u) {
    const auto colon = u.find(':');
    if (colon == std::string_view::npos || colon == 0 || !is_alpha(u[0])) return false;
    for (std::size_t i = 1; i < colon; ++i) {
        const char c = u[i];
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    for (std::size_t i = colon + 1; i < u.size(); ++i) {
        const char c = u[i];
        if (c == '%') {
            if (i + 2 >= u.size() || !is_hexdig(u[i + 1]) || !is_hexdig(u[i + 2])) return false;
            i += 2;
            continue;
        }
        if (is_alpha(c) || is_digit(c)) continue;
        if (std::string_view("-._~$&'()*+=:@/?#[]").find(c) == std::string_view::npos) return false;
    }
    return true;
}

inline bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

inline result<report_uri, located_error> parse_report_uri(std::string_view u, std::size_t at) {
    if (!is_uri(u))
        return fail(record_error(errc::bad_uri, at, "rua: not a URI: " + std::string(u)));
    report_uri r;
    r.uri = std::string(u);
    // Schemes are case-insensitive (RFC 3986 §3.1).
    if (starts_with_nocase(u, "mailto:")) {
        // RFC 6068: mailto:addr-spec[?hfields]; the address must be there.
        std::string_view addr = u.substr(7);
        addr = addr.substr(0, addr.find('?'));
        const auto atsign = addr.find('@');
        if (addr.empty() || atsign == std::string_view::npos || atsign == 0 ||
            atsign + 1 == addr.size())
            return fail(record_error(errc::bad_uri, at, "rua: mailto: without an address"));
        r.scheme = uri_scheme::mailto;
        r.target = std::string(addr);
    } else if (starts_with_nocase(u, "https:")) {
        // RFC 3986 §3.2: https needs an authority with a host.
        if (u.size() < 9 || u.substr(6, 2) != "//" || u[8] == '/' || u[8] == '?' || u[8] == '#')
            return fail(record_error(errc::bad_uri, at, "rua: https: URI without a host"));
        r.scheme = uri_scheme::https;
        r.target = r.uri;
    }
    return r;
}

} // namespace detail

// Parses one record (the strings of a multi-string TXT record already concatenated, §3).
inline result<record, located_error> parse_record(std::string_view text) {
    using detail::record_error;
    if (text.size() > max_record_length)
        return fail(record_error(errc::too_large, 0, "record longer than a TXT record can be"));
    constexpr std::string_view version = "v=TLSRPTv1";
    if (!text.starts_with(version))
        return fail(record_error(errc::bad_version, 0, "record must start with v=TLSRPTv1"));
    std::size_t pos = version.size();
    record rec;
    bool have_rua = false;
    // 1*(field-delim tlsrpt-field) [field-delim]
    for (;;) {
        // field-delim = *WSP ";" *WSP
        const std::size_t delim_at = pos;
        while (pos < text.size() && detail::is_wsp(text[pos]))
            ++pos;
        if (pos == text.size()) {
            if (delim_at == version.size())
                return fail(record_error(errc::missing_rua, pos, "no field after the version"));
            if (delim_at != pos)
                return fail(record_error(errc::bad_delimiter, delim_at,
                                         "white space after the last field"));
            break;
        }
        if (text[pos] != ';')
            return fail(record_error(errc::bad_delimiter, pos,
                                     delim_at == version.size() && pos == delim_at
                                         ? "v=TLSRPTv1 must be followed by ';'"
                                         : "expected ';' between fields"));
        ++pos;
        while (pos < text.size() && detail::is_wsp(text[pos]))
            ++pos;
        if (pos == text.size()) {
            // A trailing field-delim needs at least one field before it.
            if (delim_at == version.size())
                return fail(record_error(errc::missing_rua, pos, "no field after the version"));
            break;
        }
        // The field runs to the next ';' (neither a URI nor an extension value holds one raw).
        const std::size_t field_at = pos;
        std::size_t end = text.find(';', pos);
        if (end == std::string_view::npos) end = text.size();
        // Trailing WSP belongs to the next field-delim.
        std::size_t field_end = end;
        while (field_end > pos && detail::is_wsp(text[field_end - 1]))
            --field_end;
        if (field_end == pos) return fail(record_error(errc::bad_delimiter, pos, "empty field"));
        const std::string_view field = text.substr(pos, field_end - pos);
        pos = field_end;

        const auto eq = field.find('=');
        if (eq == std::string_view::npos)
            return fail(record_error(errc::bad_field, field_at, "field without '='"));
        const std::string_view name = field.substr(0, eq), value = field.substr(eq + 1);
        if (name == "rua") { // %s"rua=": case-sensitive
            // tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
            std::size_t p = 0;
            for (;;) {
                std::size_t comma = value.find(',', p);
                std::string_view item = value.substr(
                    p, comma == std::string_view::npos ? std::string_view::npos : comma - p);
                std::size_t lead = 0;
                // WSP before a URI only after a comma; WSP after one only before a comma.
                if (p > 0)
                    while (lead < item.size() && detail::is_wsp(item[lead]))
                        ++lead;
                std::size_t trail = item.size();
                if (comma != std::string_view::npos)
                    while (trail > lead && detail::is_wsp(item[trail - 1]))
                        --trail;
                const std::string_view uri = item.substr(lead, trail - lead);
                const std::size_t uri_at = field_at + eq + 1 + p + lead;
                if (uri.empty()) return fail(record_error(errc::bad_uri, uri_at, "rua: empty URI"));
                auto u = detail::parse_report_uri(uri, uri_at);
                if (!u) return fail(u.error());
                rec.rua.push_back(std::move(*u));
                if (comma == std::string_view::npos) break;
                p = comma + 1;
            }
            have_rua = true;
            continue;
        }
        // tlsrpt-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
        bool good_name = !name.empty() && name.size() <= 32 &&
                         (detail::is_alpha(name[0]) || detail::is_digit(name[0]));
        for (char c : name)
            if (!detail::is_alpha(c) && !detail::is_digit(c) && c != '_' && c != '-' && c != '.')
                good_name = false;
        if (!good_name)
            return fail(record_error(errc::bad_field, field_at,
                                     "bad field name '" + std::string(name) + "'"));
        // tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): no '=', ';', space or control.
        bool good_value = !value.empty();
        for (char c : value) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x21 || u > 0x7E || c == '=' || c == ';') good_value = false;
        }
        if (!good_value)
            return fail(record_error(errc::bad_field, field_at,
                                     "bad value of field '" + std::string(name) + "'"));
        rec.extensions.push_back({std::string(name), std::string(value)});
    }
    if (!have_rua) return fail(record_error(errc::missing_rua, 0, "the rua field is required"));
    return rec;
}

// Picks the policy among all TXT records at `_smtp._tls.<domain>`, each given with its
// strings concatenated without spaces (§3, as RFC 7208 §3.3). Records that do not start with
// the version are discarded; the version must be followed by ';' or WSP (so
// "v=TLSRPTv10;..." is discarded, and "v=TLSRPTv1 ;..." still counts). §3: if the number of
// remaining records is not one, the domain does not implement TLSRPT (no_record or
// several_records); the one remaining record must then parse.
inline result<record, located_error> select_record(std::span<const std::string> txt_records) {
    const std::string* chosen = nullptr;
    std::size_t count = 0;
    for (const auto& t : txt_records) {
        std::string_view v(t);
        if (!v.starts_with("v=TLSRPTv1")) continue;
        if (v.size() > 10 && v[10] != ';' && !detail::is_wsp(v[10])) continue;
        ++count;
        chosen = &t;
    }
    if (count == 0) return fail(located_error(errc::no_record));
    if (count > 1) return fail(located_error(errc::several_records));
    return parse_record(*chosen);
}

// The same for TXT records given as their separate character strings.
inline result<record, located_error>
select_record(std::span<const std::vector<std::string>> txt_records) {
    std::vector<std::string> joined;
    for (const auto& strings : txt_records) {
        std::string all;
        for (const auto& s : strings) {
            // Past the limit, one more octet is enough for parse_record to refuse the record
            // as too long (a cut record must not parse as a shorter valid one).
            all.append(s, 0, std::min(s.size(), max_record_length + 1 - all.size()));
            if (all.size() > max_record_length) break;
        }
        joined.push_back(std::move(all));
    }
    return select_record(std::span<const std::string>(joined));
}

} // namespace dane::tlsrpt
