// Where a DNS server listens: an IPv4 or IPv6 address and a port, parsed from the forms a
// user types ("192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353",
// "fe80::1%eth0", "[fe80::1%2]:53"), and turned into a sockaddr for the socket calls.
//
// A bare IPv6 address takes no port: "::1:53" is the address ::0.1:0.53, so a port after
// an IPv6 address needs the brackets (RFC 3986 §3.2.2). The zone index after '%' (RFC 4007
// §11) is kept as written, an interface name or number, and looked up only when the
// address is turned into a sockaddr (the interface may come and go; parsing stays pure).
#pragma once

#include "dane/core/config.hpp"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "dane/core/result.hpp"
#include "dane/dns/address.hpp"
#include "dane/io/error.hpp"

namespace dane::io {

inline constexpr std::uint16_t dns_port = 53; // RFC 1035 §4.2

// The longest zone index kept: an interface name is shorter than IF_NAMESIZE (16 on Linux
// and the BSDs) and a decimal interface number has at most 10 digits.
inline constexpr std::size_t max_scope_length = 15;

enum class address_family : std::uint8_t { ipv4, ipv6 };

struct endpoint {
    address_family family = address_family::ipv4;
    std::array<std::uint8_t, 16> octets{}; // an IPv4 address in the first four
    std::uint16_t port = dns_port;
    std::string scope; // IPv6 zone index as written after '%', or empty

    bool is_ipv6() const noexcept { return family == address_family::ipv6; }
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

// "192.0.2.1:53", "[2001:db8::1]:53", "[fe80::1%eth0]:53": a form parse_endpoint reads back.
inline std::string to_string(const endpoint& e) {
    std::string out;
    if (e.is_ipv6()) {
        out += '[';
        dns::append_ipv6(out, e.octets.data());
        if (!e.scope.empty()) {
            out += '%';
            out += e.scope;
        }
        out += ']';
    } else {
        dns::append_ipv4(out, e.octets.data());
    }
    out += ':';
    out += std::to_string(e.port);
    return out;
}

// A port: 1 to 65535 in decimal. Port 0 is no port a server listens on.
inline result<std::uint16_t> parse_port(std::string_view text) noexcept {
    if (text.empty() || text.size() > 5) return fail(errc::bad_port);
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return fail(errc::bad_port);
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return fail(errc::bad_port);
    return static_cast<std::uint16_t>(value);
}

// An address without a port: IPv4, or IPv6 with an optional "%zone".
inline result<endpoint> parse_address(std::string_view text, std::uint16_t port = dns_port) {
    endpoint e;
    e.port = port;
    std::string_view scope;
    if (auto pct = text.find('%'); pct != std::string_view::npos) {
        scope = text.substr(pct + 1);
        text = text.substr(0, pct);
        if (dns::parse_ipv4(text)) return fail(errc::scope_not_allowed);
        if (scope.empty() || scope.size() > max_scope_length) return fail(errc::bad_scope);
        for (char c : scope) // interface names are printable and have no separators
            if (c <= ' ' || c > '~' || c == '%' || c == '[' || c == ']' || c == '/')
                return fail(errc::bad_scope);
    }
    if (auto v4 = dns::parse_ipv4(text)) {
        std::memcpy(e.octets.data(), v4->data(), v4->size());
        return e;
    }
    if (auto v6 = dns::parse_ipv6(text)) {
        e.family = address_family::ipv6;
        e.octets = *v6;
        e.scope = std::string(scope);
        return e;
    }
    return fail(errc::bad_address);
}

// "ADDR", "ADDR:PORT" (IPv4), "[V6]" or "[V6]:PORT", and a bare IPv6 address.
inline result<endpoint> parse_endpoint(std::string_view text,
                                       std::uint16_t default_port = dns_port) {
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return fail(errc::bad_address);
        auto e = parse_address(text.substr(1, close - 1), default_port);
        if (!e) return e;
        if (!e->is_ipv6()) return fail(errc::bad_address); // brackets hold IPv6 only
        const auto rest = text.substr(close + 1);
        if (rest.empty()) return e;
        if (rest[0] != ':') return fail(errc::bad_address);
        auto p = parse_port(rest.substr(1));
        if (!p) return fail(p.error());
        e->port = *p;
        return e;
    }
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        // One colon: IPv4 and a port.
        auto e = parse_address(text.substr(0, colon), default_port);
        if (!e) return e;
        if (e->is_ipv6()) return fail(errc::bad_address);
        auto p = parse_port(text.substr(colon + 1));
        if (!p) return fail(p.error());
        e->port = *p;
        return e;
    }
    return parse_address(text, default_port);
}

// A sockaddr for the socket calls, big enough for either family.
struct socket_address {
    sockaddr_storage storage{};
    socklen_t size = 0;

    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
    int family() const noexcept { return storage.ss_family; }
};

// The zone index as an interface number: digits are the number, anything else an interface
// name looked up with if_nametoindex (which reads the system's interfaces).
inline result<std::uint32_t> scope_id(std::string_view scope) {
    if (scope.empty()) return std::uint32_t{0};
    if (scope.find_first_not_of("0123456789") == std::string_view::npos) {
        std::uint64_t v = 0;
        for (char c : scope) {
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
            if (v > UINT32_MAX) return fail(errc::bad_scope);
        }
        return static_cast<std::uint32_t>(v);
    }
    const unsigned index = ::if_nametoindex(std::string(scope).c_str());
    if (index == 0) return fail(errc::bad_scope);
    return static_cast<std::uint32_t>(index);
}

inline result<socket_address> to_socket_address(const endpoint& e) {
    socket_address out;
    if (e.is_ipv6()) {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(e.port);
        std::memcpy(&a.sin6_addr, e.octets.data(), 16);
        auto id = scope_id(e.scope);
        if (!id) return fail(id.error());
        a.sin6_scope_id = *id;
        std::memcpy(&out.storage, &a, sizeof a);
        out.size = sizeof a;
    } else {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(e.port);
        std::memcpy(&a.sin_addr, e.octets.data(), 4);
        std::memcpy(&out.storage, &a, sizeof a);
        out.size = sizeof a;
    }
    return out;
}

} // namespace dane::io
