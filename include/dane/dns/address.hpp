// IPv4 and IPv6 addresses in presentation form, for A and AAAA RDATA, without <arpa/inet.h>
// (a POSIX header that drags in socket declarations and is missing on some platforms). The
// accepted and printed forms are those of inet_pton and inet_ntop as glibc implements them,
// which tests/dns/address.cpp checks:
// - IPv4: four decimal octets 0-255 without leading zeros ("192.0.2.1");
// - IPv6 (RFC 4291 §2.2): up to eight groups of 1-4 hex digits, one "::" for one or more
//   zero groups, optionally ending in an IPv4 dotted quad; printed in lower case with the
//   longest run of two or more zero groups (the first of equal runs) as "::", and with a
//   dotted quad for IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses.
#pragma once

#include "dane/core/config.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dane::dns {

using ipv4_octets = std::array<std::uint8_t, 4>;
using ipv6_octets = std::array<std::uint8_t, 16>;

inline std::optional<ipv4_octets> parse_ipv4(std::string_view text) noexcept {
    ipv4_octets out{};
    std::size_t octet = 0, digits = 0;
    unsigned value = 0;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            if (digits > 0 && value == 0) return std::nullopt; // a leading zero
            value = value * 10 + static_cast<unsigned>(c - '0');
            if (value > 255) return std::nullopt;
            ++digits;
        } else if (c == '.') {
            if (digits == 0 || octet == 3) return std::nullopt;
            out[octet++] = static_cast<std::uint8_t>(value);
            value = 0;
            digits = 0;
        } else {
            return std::nullopt;
        }
    }
    if (digits == 0 || octet != 3) return std::nullopt;
    out[3] = static_cast<std::uint8_t>(value);
    return out;
}

inline std::optional<ipv6_octets> parse_ipv6(std::string_view text) noexcept {
    ipv6_octets out{};
    std::size_t at = 0;             // octets written
    std::optional<std::size_t> gap; // where "::" stands
    std::size_t i = 0;
    if (text.starts_with("::")) {
        gap = 0;
        i = 2;
    } else if (text.starts_with(":")) {
        return std::nullopt;
    }
    while (i < text.size()) {
        // One group: hex digits up to ':' or the end, or a dotted quad at the end.
        std::size_t end = text.find(':', i);
        if (end == std::string_view::npos) end = text.size();
        std::string_view group = text.substr(i, end - i);
        if (group.find('.') != std::string_view::npos) {
            if (end != text.size() || at + 4 > out.size()) return std::nullopt;
            auto v4 = parse_ipv4(group);
            if (!v4) return std::nullopt;
            for (auto b : *v4)
                out[at++] = b;
            i = end;
            break;
        }
        if (group.empty() || group.size() > 4 || at + 2 > out.size()) return std::nullopt;
        unsigned value = 0;
        for (char c : group) {
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0) return std::nullopt;
            value = value * 16 + static_cast<unsigned>(d);
        }
        out[at++] = static_cast<std::uint8_t>(value >> 8);
        out[at++] = static_cast<std::uint8_t>(value & 0xff);
        if (end == text.size()) {
            i = end;
            break;
        }
        // After ':' comes a group, or a second ':' for the gap (once).
        i = end + 1;
        if (i < text.size() && text[i] == ':') {
            if (gap) return std::nullopt;
            gap = at;
            ++i;
        } else if (i == text.size()) {
            return std::nullopt; // a trailing single ':'
        }
    }
    if (gap) {
        if (at == out.size()) return std::nullopt; // "::" must stand for at least one group
        const std::size_t tail = at - *gap;
        for (std::size_t k = 0; k < tail; ++k) {
            out[out.size() - 1 - k] = out[at - 1 - k];
            out[at - 1 - k] = 0;
        }
    } else if (at != out.size()) {
        return std::nullopt;
    }
    return out;
}

inline void append_ipv4(std::string& out, const std::uint8_t* p) {
    for (int k = 0; k < 4; ++k) {
        if (k) out += '.';
        out += std::to_string(p[k]);
    }
}

inline void append_ipv6(std::string& out, const std::uint8_t* p) {
    unsigned words[8];
    for (int k = 0; k < 8; ++k)
        words[k] = static_cast<unsigned>(p[2 * k]) << 8 | p[2 * k + 1];
    // The first longest run of two or more zero groups.
    int best = -1, best_len = 0;
    for (int k = 0; k < 8;) {
        if (words[k] != 0) {
            ++k;
            continue;
        }
        int len = 0;
        while (k + len < 8 && words[k + len] == 0)
            ++len;
        if (len > best_len) {
            best = k;
            best_len = len;
        }
        k += len;
    }
    if (best_len < 2) best = -1;
    constexpr char digits[] = "0123456789abcdef";
    for (int k = 0; k < 8; ++k) {
        if (k == best) {
            out += "::";
            k += best_len - 1;
            continue;
        }
        if (k && k != best + best_len) out += ':';
        // IPv4-compatible and IPv4-mapped addresses end in a dotted quad.
        if (k == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
            append_ipv4(out, p + 12);
            break;
        }
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = words[k] >> shift & 0xf;
            if (d || started || shift == 0) {
                out += digits[d];
                started = true;
            }
        }
    }
}

} // namespace dane::dns
