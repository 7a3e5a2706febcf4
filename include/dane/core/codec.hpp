// Text encodings of binary data used in presentation formats: hex (DS digests, TLSA,
// NSEC3 salt), base64 (DNSKEY, RRSIG; RFC 4648 §4) and base32hex (NSEC3 next hashed
// owner; RFC 4648 §7, no padding, as RFC 5155 §3.3 prints it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/core/error.hpp"
#include "dane/core/result.hpp"

namespace dane {

namespace detail {
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
constexpr int base64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
constexpr int base32hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'v') return c - 'a' + 10;
    if (c >= 'A' && c <= 'V') return c - 'A' + 10;
    return -1;
}
inline constexpr char hex_digits[] = "0123456789abcdef";
inline constexpr char hex_digits_upper[] = "0123456789ABCDEF";
inline constexpr char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char base32hex_digits[] = "0123456789abcdefghijklmnopqrstuv";
} // namespace detail

// Lowercase hex, two digits per octet.
inline void append_hex(std::string& out, bytes_view data) {
    for (auto b : data) {
        auto v = std::to_integer<unsigned>(b);
        out += detail::hex_digits[v >> 4];
        out += detail::hex_digits[v & 15];
    }
}
inline std::string to_hex(bytes_view data) {
    std::string s;
    s.reserve(data.size() * 2);
    append_hex(s, data);
    return s;
}
// Uppercase hex: what presentation-format RDATA uses throughout the library (TLSA and DS
// data, NSEC3 salt), as BIND's named-checkzone and Knot print them.
inline void append_hex_upper(std::string& out, bytes_view data) {
    for (auto b : data) {
        auto v = std::to_integer<unsigned>(b);
        out += detail::hex_digits_upper[v >> 4];
        out += detail::hex_digits_upper[v & 15];
    }
}
inline std::string to_hex_upper(bytes_view data) {
    std::string s;
    s.reserve(data.size() * 2);
    append_hex_upper(s, data);
    return s;
}
// Appends the octets that `text` spells in hex (either case) to `out`.
inline result<void> append_from_hex(byte_buffer& out, std::string_view text) {
    if (text.size() % 2 != 0) return fail(core::errc::bad_hex);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = detail::hex_value(text[i]), lo = detail::hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return fail(core::errc::bad_hex);
        out.push_back(std::byte(hi << 4 | lo));
    }
    return {};
}
inline result<byte_buffer> from_hex(std::string_view text) {
    byte_buffer out;
    out.reserve(text.size() / 2);
    DANE_TRY(append_from_hex(out, text));
    return out;
}

// Reads a hex dump as the shipped examples/data/*.hex files and test fixtures write them:
// hex digits in either case, any whitespace between them (an octet may be split across
// it), and comments from '#' or ';' to the end of the line. Any other character is an
// error (core::errc::bad_hex) at its offset and line; so is a final lone digit, at its
// own position. Never reads past `text`.
inline result<byte_buffer, located_error> from_hex_dump(std::string_view text) {
    byte_buffer out;
    out.reserve(text.size() / 2);
    std::size_t line = 1;
    std::size_t line_start = 0;
    bool comment = false;
    int high = -1; // the first digit of an octet, while waiting for the second
    std::size_t high_at = 0, high_line = 1;
    auto bad = [](std::size_t at, std::size_t on_line, std::string context) {
        auto e = located_error::at_line(make_error_code(core::errc::bad_hex), on_line,
                                        std::move(context));
        e.offset = at;
        return e;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            comment = false;
            ++line;
            line_start = i + 1;
            continue;
        }
        if (comment) continue;
        if (c == '#' || c == ';') {
            comment = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') continue;
        const int v = detail::hex_value(c);
        if (v < 0)
            return fail(bad(i, line,
                            "not a hex digit at column " + std::to_string(i - line_start + 1) +
                                " (offset " + std::to_string(i) + ")"));
        if (high < 0) {
            high = v;
            high_at = i;
            high_line = line;
        } else {
            out.push_back(std::byte(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0)
        return fail(bad(high_at, high_line,
                        "odd number of hex digits: the last one (offset " +
                            std::to_string(high_at) + ") has no pair"));
    return out;
}

// Base64 with padding, no line breaks.
inline void append_base64(std::string& out, bytes_view data) {
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return std::to_integer<unsigned>(data[k]); };
    for (; i + 3 <= data.size(); i += 3) {
        unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        out += detail::base64_digits[v >> 18];
        out += detail::base64_digits[(v >> 12) & 63];
        out += detail::base64_digits[(v >> 6) & 63];
        out += detail::base64_digits[v & 63];
    }
    if (std::size_t left = data.size() - i; left > 0) {
        unsigned v = at(i) << 16 | (left == 2 ? at(i + 1) << 8 : 0);
        out += detail::base64_digits[v >> 18];
        out += detail::base64_digits[(v >> 12) & 63];
        out += left == 2 ? detail::base64_digits[(v >> 6) & 63] : '=';
        out += '=';
    }
}
inline std::string to_base64(bytes_view data) {
    std::string s;
    s.reserve((data.size() + 2) / 3 * 4);
    append_base64(s, data);
    return s;
}
// Decodes base64; the text must be a whole number of 4-character groups with canonical
// padding (unused bits zero), as DNSSEC presentation requires.
inline result<void> append_from_base64(byte_buffer& out, std::string_view text) {
    if (text.size() % 4 != 0) return fail(core::errc::bad_base64);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        int pad = 0;
        if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            if (k >= 4 - pad) {
                v <<= 6;
                continue;
            }
            int d = detail::base64_value(text[i + k]);
            if (d < 0) return fail(core::errc::bad_base64);
            v = v << 6 | static_cast<unsigned>(d);
        }
        if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0))
            return fail(core::errc::bad_base64);
        out.push_back(std::byte(v >> 16));
        if (pad < 2) out.push_back(std::byte((v >> 8) & 0xff));
        if (pad < 1) out.push_back(std::byte(v & 0xff));
    }
    return {};
}
inline result<byte_buffer> from_base64(std::string_view text) {
    byte_buffer out;
    out.reserve(text.size() / 4 * 3);
    DANE_TRY(append_from_base64(out, text));
    return out;
}

// Base32hex, lowercase, unpadded.
inline void append_base32hex(std::string& out, bytes_view data) {
    std::uint64_t acc = 0;
    int bits = 0;
    for (auto b : data) {
        acc = acc << 8 | std::to_integer<unsigned>(b);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += detail::base32hex_digits[(acc >> bits) & 31];
        }
    }
    if (bits > 0) out += detail::base32hex_digits[(acc << (5 - bits)) & 31];
}
inline std::string to_base32hex(bytes_view data) {
    std::string s;
    s.reserve((data.size() * 8 + 4) / 5);
    append_base32hex(s, data);
    return s;
}
inline result<void> append_from_base32hex(byte_buffer& out, std::string_view text) {
    // Unpadded lengths that are possible: 8n + {0, 2, 4, 5, 7}.
    switch (text.size() % 8) {
    case 1:
    case 3:
    case 6:
        return fail(core::errc::bad_base32hex);
    default:
        break;
    }
    std::uint64_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int d = detail::base32hex_value(c);
        if (d < 0) return fail(core::errc::bad_base32hex);
        acc = acc << 5 | static_cast<unsigned>(d);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(std::byte((acc >> bits) & 0xff));
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0) return fail(core::errc::bad_base32hex);
    return {};
}
inline result<byte_buffer> from_base32hex(std::string_view text) {
    byte_buffer out;
    DANE_TRY(append_from_base32hex(out, text));
    return out;
}

} // namespace dane
