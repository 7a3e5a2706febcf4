#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dane/dns/address.hpp"

using namespace dane::dns;

// dns/address.hpp replaces inet_pton and inet_ntop in the DNS layer: on every input here
// both must agree with glibc's, which the layer used before.
namespace {

std::optional<ipv6_octets> libc_pton6(const std::string& s) {
    ipv6_octets out{};
    if (inet_pton(AF_INET6, s.c_str(), out.data()) != 1) return std::nullopt;
    return out;
}
std::optional<ipv4_octets> libc_pton4(const std::string& s) {
    ipv4_octets out{};
    if (inet_pton(AF_INET, s.c_str(), out.data()) != 1) return std::nullopt;
    return out;
}
std::string libc_ntop6(const ipv6_octets& a) {
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
}
std::string ours_ntop6(const ipv6_octets& a) {
    std::string s;
    append_ipv6(s, a.data());
    return s;
}

const char* const ipv6_cases[] = {
    "::",
    "::1",
    "1::",
    "::2",
    "1::2",
    "2001:db8::25",
    "2001:DB8::25",
    "2001:db8:0:0:1:0:0:1",
    "2001:db8::1:0:0:1",
    "0:0:0:0:0:0:0:0",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::8",
    "1:2:3:4:5:6:7:8:9",
    "::ffff:192.0.2.1",
    "::192.0.2.1",
    "::ffff:0.0.0.0",
    "1::192.0.2.1",
    "1:2:3:4:5:6:192.0.2.1",
    "1:2:3:4:5:6:7:192.0.2.1",
    "::ffff:192.0.2.256",
    "::ffff:192.0.2",
    "::ffff:1.2.3.04",
    "12345::",
    "1:::2",
    "1::2::3",
    ":1::2",
    "1::2:",
    "1:2:",
    ":",
    "",
    "g::",
    "1 ::",
    "fe80::1%eth0",
    "::0.0.0.1",
    "0::0",
    "00000::",
    "0000::",
    "a:b:c:d:e:f:0:1",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "::ffff",
    "::ffff:1",
    "::1:2:3:4:5:6",
    "1.2.3.4",
    "::1.2.3.4.5",
    "::.1.2.3",
};

const char* const ipv4_cases[] = {
    "0.0.0.0",  "192.0.2.1", "255.255.255.255", "256.0.0.1", "1.2.3",  "1.2.3.4.5",
    "01.2.3.4", "1.2.3.04",  "1..2.3",          ".1.2.3",    "1.2.3.", "1.2.3.4 ",
    "a.b.c.d",  "",          "1000.1.1.1",      "0.0.0.00",
};

} // namespace

TEST_CASE("parse_ipv6 accepts and rejects what inet_pton does") {
    for (const char* text : ipv6_cases) {
        CAPTURE(text);
        CHECK(parse_ipv6(text) == libc_pton6(text));
    }
}

TEST_CASE("parse_ipv4 accepts and rejects what inet_pton does") {
    for (const char* text : ipv4_cases) {
        CAPTURE(text);
        CHECK(parse_ipv4(text) == libc_pton4(text));
    }
    ipv4_octets a{192, 0, 2, 1};
    std::string s;
    append_ipv4(s, a.data());
    CHECK(s == "192.0.2.1");
}

TEST_CASE("append_ipv6 prints what inet_ntop does, and parse_ipv6 reads it back") {
    std::vector<ipv6_octets> inputs;
    for (const char* text : ipv6_cases)
        if (auto a = libc_pton6(text)) inputs.push_back(*a);
    // Random addresses whose 16-bit groups are mostly zero, so runs of every length and
    // position occur, and the IPv4-mapped and -compatible forms.
    std::mt19937 rng(20251129);
    for (int n = 0; n < 20000; ++n) {
        ipv6_octets a{};
        for (int g = 0; g < 8; ++g) {
            unsigned v = rng() % 4 == 0 ? rng() & 0xffff : 0;
            if (rng() % 8 == 0) v = 0xffff;
            a[2 * g] = static_cast<std::uint8_t>(v >> 8);
            a[2 * g + 1] = static_cast<std::uint8_t>(v);
        }
        inputs.push_back(a);
    }
    for (const auto& a : inputs) {
        const std::string expected = libc_ntop6(a);
        CAPTURE(expected);
        REQUIRE(ours_ntop6(a) == expected);
        REQUIRE(parse_ipv6(expected) == a);
    }
}
