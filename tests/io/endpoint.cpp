// io/endpoint.hpp: the address forms a user types, what each one means, and the sockaddr
// the socket calls get.
#include <doctest/doctest.h>

#include <net/if.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "dane/io/endpoint.hpp"

using namespace dane;
using io::errc;

namespace {
std::string shown(std::string_view text) {
    auto e = io::parse_endpoint(text);
    REQUIRE_MESSAGE(e.has_value(), text);
    return io::to_string(*e);
}
std::error_code error_of(std::string_view text) {
    auto e = io::parse_endpoint(text);
    REQUIRE_MESSAGE(!e.has_value(), text);
    return e.error();
}
} // namespace

TEST_CASE("endpoint: IPv4 with and without a port") {
    auto e = io::parse_endpoint("192.0.2.1");
    REQUIRE(e);
    CHECK(e->family == io::address_family::ipv4);
    CHECK(e->port == 53);
    CHECK(e->octets[0] == 192);
    CHECK(e->octets[3] == 1);
    CHECK(shown("192.0.2.1") == "192.0.2.1:53");
    CHECK(shown("192.0.2.1:5353") == "192.0.2.1:5353");
    CHECK(shown("127.0.0.1:1") == "127.0.0.1:1");
    CHECK(shown("127.0.0.1:65535") == "127.0.0.1:65535");
    // The default port is the caller's.
    auto d = io::parse_endpoint("192.0.2.1", 853);
    REQUIRE(d);
    CHECK(d->port == 853);
}

TEST_CASE("endpoint: IPv6 bare, in brackets, with a port") {
    CHECK(shown("::1") == "[::1]:53");
    CHECK(shown("[::1]") == "[::1]:53");
    CHECK(shown("[2001:db8::53]:5353") == "[2001:db8::53]:5353");
    CHECK(shown("2001:DB8:0:0:0:0:0:1") == "[2001:db8::1]:53");
    // Without brackets every colon belongs to the address: "::1:53" is ::0.1:0.53 on port 53.
    auto e = io::parse_endpoint("::1:53");
    REQUIRE(e);
    CHECK(e->is_ipv6());
    CHECK(e->port == 53);
    CHECK(e->octets[13] == 0x01);
    CHECK(e->octets[15] == 0x53);
    CHECK(shown("::ffff:192.0.2.1") == "[::ffff:192.0.2.1]:53");
}

TEST_CASE("endpoint: IPv6 zone indexes are kept as written") {
    auto e = io::parse_endpoint("fe80::1%eth0");
    REQUIRE(e);
    CHECK(e->scope == "eth0");
    CHECK(io::to_string(*e) == "[fe80::1%eth0]:53");
    auto n = io::parse_endpoint("[fe80::1%2]:5300");
    REQUIRE(n);
    CHECK(n->scope == "2");
    CHECK(n->port == 5300);
    CHECK(error_of("fe80::1%") == errc::bad_scope);
    CHECK(error_of("fe80::1%0123456789abcdef") == errc::bad_scope); // longer than IF_NAMESIZE
    CHECK(error_of("fe80::1%a b") == errc::bad_scope);
    CHECK(error_of("[fe80::1%]:53") == errc::bad_scope);
    CHECK(error_of("192.0.2.1%eth0") == errc::scope_not_allowed);
}

TEST_CASE("endpoint: malformed text is refused with the reason") {
    for (const char* text :
         {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "example.net", "localhost", ":53",
          "[::1", "[::1]53", "[]", "[192.0.2.1]:53", "::1::2", "1.2.3.4 ", " 1.2.3.4"})
        CHECK_MESSAGE(error_of(text) == errc::bad_address, text);
    for (const char* text :
         {"1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:5x", "1.2.3.4:-1", "1.2.3.4:+53",
          "1.2.3.4:100000", "[::1]:", "[::1]:0", "[::1]:x", "[::1]:53:53"})
        CHECK_MESSAGE(error_of(text) == errc::bad_port, text);
}

TEST_CASE("endpoint: to_socket_address gives the family, address and port") {
    auto v4 = io::parse_endpoint("192.0.2.7:5353");
    REQUIRE(v4);
    auto a = io::to_socket_address(*v4);
    REQUIRE(a);
    REQUIRE(a->family() == AF_INET);
    CHECK(a->size == sizeof(sockaddr_in));
    sockaddr_in in4;
    std::memcpy(&in4, &a->storage, sizeof in4);
    CHECK(ntohs(in4.sin_port) == 5353);
    CHECK(ntohl(in4.sin_addr.s_addr) == 0xc0000207u);

    auto v6 = io::parse_endpoint("[fe80::1%7]:53");
    REQUIRE(v6);
    auto b = io::to_socket_address(*v6);
    REQUIRE(b);
    REQUIRE(b->family() == AF_INET6);
    sockaddr_in6 in6;
    std::memcpy(&in6, &b->storage, sizeof in6);
    CHECK(ntohs(in6.sin6_port) == 53);
    CHECK(in6.sin6_scope_id == 7);
    CHECK(in6.sin6_addr.s6_addr[0] == 0xfe);
    CHECK(in6.sin6_addr.s6_addr[15] == 0x01);
}

TEST_CASE("endpoint: an interface name is looked up, an unknown one refused") {
    // The loopback interface exists wherever these tests run; its index is the system's.
    const unsigned lo = ::if_nametoindex("lo");
    REQUIRE(lo != 0);
    auto e = io::parse_endpoint("fe80::1%lo");
    REQUIRE(e);
    auto a = io::to_socket_address(*e);
    REQUIRE(a);
    sockaddr_in6 in6;
    std::memcpy(&in6, &a->storage, sizeof in6);
    CHECK(in6.sin6_scope_id == lo);

    auto missing = io::parse_endpoint("fe80::1%nosuchif9");
    REQUIRE(missing); // parsing does not look at the system
    auto m = io::to_socket_address(*missing);
    REQUIRE(!m);
    CHECK(m.error() == errc::bad_scope);
    auto huge = io::parse_endpoint("fe80::1%4294967296");
    REQUIRE(huge);
    CHECK(io::to_socket_address(*huge).error() == errc::bad_scope);
}

TEST_CASE("endpoint: to_string reads back to the same endpoint") {
    for (const char* text : {"192.0.2.1", "10.0.0.1:1053", "::", "[2001:db8::1]:853",
                             "fe80::abcd%eth1", "[::ffff:10.1.2.3]:53"}) {
        auto e = io::parse_endpoint(text);
        REQUIRE_MESSAGE(e, text);
        auto again = io::parse_endpoint(io::to_string(*e));
        REQUIRE(again);
        CHECK_MESSAGE(*again == *e, text);
    }
}
