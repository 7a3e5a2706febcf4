// The small pieces of JSON and time text the report writer needs, without a JSON library
// (the writer only writes): string escaping for I-JSON (RFC 7493, which RFC 8460 §4
// requires) and RFC 3339 §5.6 date-times.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dane/core/civil_time.hpp"

namespace dane::tlsrpt {

namespace detail {
// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4), or 0 when there is none:
// no overlong forms, no surrogates, nothing above U+10FFFF.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
    return n;
}
} // namespace detail

// Appends `text` as a JSON string with its quotes (RFC 8259 §7): '"' and '\' escaped, control
// characters as \n, \t ... or \u00XX, well-formed UTF-8 copied as it is. I-JSON allows only
// well-formed UTF-8 (RFC 7493 §2.1), so an octet that starts no valid sequence becomes
// U+FFFD rather than making the whole report unreadable.
inline void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            const std::size_t n = detail::utf8_sequence_length(text, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
                ++i;
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (u < 0x20 || u == 0x7F) {
                // DEL is legal raw JSON but invisible; escaping it costs nothing.
                constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

inline std::string json_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

// Seconds since 1970-01-01T00:00:00Z that a report can name: 1970 to 2106, as the library's
// other UTC times (dane/core/civil_time.hpp).
inline constexpr std::int64_t max_unix_time = 0xFFFFFFFFll;

// "2016-04-01T00:00:00Z" (RFC 3339 §5.6, always UTC). The time must be in [0, max_unix_time].
inline std::string format_rfc3339(std::int64_t unix_seconds) {
    if (unix_seconds < 0) unix_seconds = 0;
    if (unix_seconds > max_unix_time) unix_seconds = max_unix_time;
    const civil_time c = civil_from_seconds(static_cast<std::uint32_t>(unix_seconds));
    char buf[32];
    const auto two = [](char* p, unsigned v) {
        p[0] = static_cast<char>('0' + v / 10 % 10);
        p[1] = static_cast<char>('0' + v % 10);
    };
    const auto y = static_cast<unsigned>(c.year);
    buf[0] = static_cast<char>('0' + y / 1000 % 10);
    buf[1] = static_cast<char>('0' + y / 100 % 10);
    two(buf + 2, y % 100);
    buf[4] = '-';
    two(buf + 5, c.month);
    buf[7] = '-';
    two(buf + 8, c.day);
    buf[10] = 'T';
    two(buf + 11, c.hour);
    buf[13] = ':';
    two(buf + 14, c.minute);
    buf[16] = ':';
    two(buf + 17, c.second);
    buf[19] = 'Z';
    return std::string(buf, 20);
}

// Reads an RFC 3339 §5.6 date-time ("2016-04-01T00:00:00Z", "...T01:02:03.5+02:00"; 'T'
// and 'Z' in either case, §5.6 NOTE) into seconds since 1970 (fractions dropped). nullopt
// for anything else, including a leap second or a time outside [0, max_unix_time].
inline std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
    const auto digits = [&](std::size_t at, std::size_t n) -> std::optional<unsigned> {
        if (at + n > s.size()) return std::nullopt;
        unsigned v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
        }
        return v;
    };
    if (s.size() < 20) return std::nullopt;
    const auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2), hour = digits(11, 2),
               minute = digits(14, 2), second = digits(17, 2);
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return std::nullopt;
    if (!valid_date(*year, *month, *day) || *hour > 23 || *minute > 59 || *second > 59)
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
            ++pos;
        if (pos == start) return std::nullopt;
    }
    std::int64_t offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
        if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 23 || *om > 59)
            return std::nullopt;
        offset = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const std::int64_t t = days_from_civil(*year, *month, *day) * 86400 +
                           static_cast<std::int64_t>(*hour * 3600 + *minute * 60 + *second) -
                           offset;
    if (t < 0 || t > max_unix_time) return std::nullopt;
    return t;
}

} // namespace dane::tlsrpt
