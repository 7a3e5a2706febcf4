// io/udp.hpp and io/tcp.hpp over real sockets on loopback: the test plays the server with
// plain socket calls, step by step, so that partial writes, early closes and silence
// happen exactly when the test says. With DANE_TESTBED_ENV naming the test bed's env file
// (scripts/testbed/testbed.sh), real queries also go to its Unbound.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"
#include "dane/io/tcp.hpp"
#include "dane/io/udp.hpp"
#include "local_socket.hpp"

using namespace dane;
using namespace std::chrono_literals;
using io::errc;
using steady = std::chrono::steady_clock;

namespace {

bytes_view text(const char* s) {
    return as_bytes(std::string_view(s));
}

std::string as_string(bytes_view b) {
    return std::string(as_chars(b));
}

// Reads exactly n octets from a blocking socket.
std::string read_exactly(int fd, std::size_t n) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const auto r = ::recv(fd, out.data() + got, n - got, 0);
        REQUIRE(r > 0);
        got += static_cast<std::size_t>(r);
    }
    return out;
}

void write_all(int fd, std::string_view s) {
    REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
}

// Runs advance() until it completes, fails, or `rounds` tries found nothing to do.
result<bool> advance_a_while(io::tcp_exchange& x, int rounds = 50) {
    for (int i = 0; i < rounds; ++i) {
        auto r = x.advance();
        if (!r || *r) return r;
        pollfd p{x.fd(), x.events(), 0};
        (void)::poll(&p, 1, 20);
    }
    return false;
}

} // namespace

TEST_CASE("udp: a datagram out and the answer back, IPv4 and IPv6") {
    for (bool ipv6 : {false, true}) {
        CAPTURE(ipv6);
        local_socket server(SOCK_DGRAM, ipv6);
        auto client = io::udp_socket::connect(server.where);
        REQUIRE(client);
        REQUIRE(client->send(text("question"), steady::now() + 1s));

        char buf[64];
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        const auto n = ::recvfrom(server.fd.get(), buf, sizeof buf, 0,
                                  reinterpret_cast<sockaddr*>(&from), &len);
        REQUIRE(n == 8);
        CHECK(std::string(buf, 8) == "question");
        REQUIRE(::sendto(server.fd.get(), "answer", 6, 0, reinterpret_cast<sockaddr*>(&from),
                         len) == 6);

        byte_buffer in(io::max_udp_payload);
        auto got = client->receive(in, steady::now() + 1s);
        REQUIRE(got);
        CHECK(as_string(bytes_view(in).first(*got)) == "answer");
    }
}

TEST_CASE("udp: silence ends at the deadline, not before") {
    local_socket server(SOCK_DGRAM);
    auto client = io::udp_socket::connect(server.where);
    REQUIRE(client);
    byte_buffer in(io::max_udp_payload);
    const auto start = steady::now();
    auto got = client->receive(in, start + 150ms);
    const auto waited = steady::now() - start;
    REQUIRE(!got);
    CHECK(got.error() == errc::timed_out);
    CHECK(waited >= 150ms);
    CHECK(waited < 2s);
    // Nothing waiting: try_receive says so at once.
    CHECK(client->try_receive(in).error() == errc::timed_out);
}

TEST_CASE("udp: a datagram from another sender is dropped by the connected socket") {
    local_socket server(SOCK_DGRAM);
    local_socket stranger(SOCK_DGRAM);
    auto client = io::udp_socket::connect(server.where);
    REQUIRE(client);
    REQUIRE(client->send(text("q"), steady::now() + 1s));
    // Learn the client's address from its datagram, then send to it from elsewhere.
    char buf[8];
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    REQUIRE(::recvfrom(server.fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from),
                       &len) == 1);
    REQUIRE(::sendto(stranger.fd.get(), "spoof", 5, 0, reinterpret_cast<sockaddr*>(&from), len) ==
            5);
    REQUIRE(::sendto(server.fd.get(), "real", 4, 0, reinterpret_cast<sockaddr*>(&from), len) == 4);
    byte_buffer in(io::max_udp_payload);
    auto got = client->receive(in, steady::now() + 1s);
    REQUIRE(got);
    CHECK(as_string(bytes_view(in).first(*got)) == "real");
    CHECK(client->receive(in, steady::now() + 100ms).error() == errc::timed_out);
}

TEST_CASE("udp: a closed port is reported as connection refused") {
    io::endpoint closed;
    {
        local_socket gone(SOCK_DGRAM);
        closed = gone.where;
    } // closed here: nothing listens on that port any more
    auto client = io::udp_socket::connect(closed);
    REQUIRE(client);
    REQUIRE(client->send(text("q"), steady::now() + 1s));
    byte_buffer in(io::max_udp_payload);
    auto got = client->receive(in, steady::now() + 1s);
    REQUIRE(!got);
    CHECK(got.error() == std::errc::connection_refused);
}

TEST_CASE("tcp: the length prefix goes out, the response comes back in pieces") {
    local_socket listener(SOCK_STREAM);
    auto x = io::tcp_exchange::start(listener.where, text("hello"));
    REQUIRE(x);
    io::file_descriptor peer(::accept(listener.fd.get(), nullptr, nullptr));
    REQUIRE(peer.valid());
    // The query: two octets of length (5), then the message.
    REQUIRE(advance_a_while(*x, 5));
    CHECK(read_exactly(peer.get(), 7) == std::string("\0\5hello", 7));
    CHECK(x->events() == POLLIN);

    // The answer one octet at a time: the exchange waits for the rest each time.
    const std::string reply("\0\4abcd", 6);
    for (std::size_t i = 0; i + 1 < reply.size(); ++i) {
        write_all(peer.get(), reply.substr(i, 1));
        auto r = advance_a_while(*x, 3);
        REQUIRE(r);
        CHECK_FALSE(*r);
    }
    write_all(peer.get(), reply.substr(reply.size() - 1));
    auto r = advance_a_while(*x);
    REQUIRE(r);
    REQUIRE(*r);
    CHECK(x->done());
    CHECK(as_string(x->take_response()) == "abcd");
}

TEST_CASE("tcp: a large message is written whole despite partial writes") {
    local_socket listener(SOCK_STREAM);
    std::string big(io::max_tcp_message, 'x');
    auto x = io::tcp_exchange::start(listener.where, as_bytes(std::string_view(big)));
    REQUIRE(x);
    io::file_descriptor peer(::accept(listener.fd.get(), nullptr, nullptr));
    REQUIRE(peer.valid());
    // A small receive buffer on the peer forces the sender to stop and resume.
    int small = 4096;
    ::setsockopt(peer.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    std::string got;
    while (got.size() < big.size() + 2) {
        if (auto r = x->advance(); !r) FAIL("advance: " << r.error().message());
        char buf[8192];
        const auto n = ::recv(peer.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    }
    CHECK(got.size() == big.size() + 2);
    CHECK(got.substr(0, 2) == "\xff\xff");
    CHECK(got.substr(2) == big);
    CHECK(x->events() == POLLIN);
}

TEST_CASE("tcp: a connection closed inside the response is an error, not a short message") {
    for (std::string partial :
         {std::string(""), std::string("\0", 1), std::string("\0\12abc", 5)}) {
        CAPTURE(partial.size());
        local_socket listener(SOCK_STREAM);
        auto x = io::tcp_exchange::start(listener.where, text("q"));
        REQUIRE(x);
        {
            io::file_descriptor peer(::accept(listener.fd.get(), nullptr, nullptr));
            REQUIRE(peer.valid());
            REQUIRE(advance_a_while(*x, 5));
            CHECK(read_exactly(peer.get(), 3) == std::string("\0\1q", 3));
            if (!partial.empty()) write_all(peer.get(), partial);
        } // closed
        auto r = advance_a_while(*x);
        REQUIRE(!r);
        CHECK(r.error() == errc::connection_closed);
    }
}

TEST_CASE("tcp: a zero length prefix is refused") {
    local_socket listener(SOCK_STREAM);
    auto x = io::tcp_exchange::start(listener.where, text("q"));
    REQUIRE(x);
    io::file_descriptor peer(::accept(listener.fd.get(), nullptr, nullptr));
    REQUIRE(advance_a_while(*x, 5));
    write_all(peer.get(), std::string("\0\0", 2));
    auto r = advance_a_while(*x);
    REQUIRE(!r);
    CHECK(r.error() == errc::empty_message);
}

TEST_CASE("tcp: tcp_query times out on a silent server and reports a refused connection") {
    {
        local_socket listener(SOCK_STREAM); // accepts (in the kernel) but never answers
        const auto start = steady::now();
        auto r = io::tcp_query(listener.where, text("q"), start + 150ms);
        REQUIRE(!r);
        CHECK(r.error() == errc::timed_out);
        CHECK(steady::now() - start >= 150ms);
    }
    io::endpoint closed;
    {
        local_socket gone(SOCK_STREAM);
        closed = gone.where;
    }
    auto r = io::tcp_query(closed, text("q"), steady::now() + 1s);
    REQUIRE(!r);
    CHECK(r.error() == std::errc::connection_refused);
    // Messages the prefix cannot carry are refused before any connection.
    CHECK(io::tcp_exchange::start(closed, bytes_view{}).error() == errc::empty_message);
    const byte_buffer huge(io::max_tcp_message + 1);
    CHECK(io::tcp_exchange::start(closed, huge).error() == errc::too_large);
}

namespace {
// The test bed's env file as name=value pairs.
std::string testbed_value(const char* key) {
    const char* path = std::getenv("DANE_TESTBED_ENV");
    REQUIRE(path);
    std::ifstream in(path);
    REQUIRE(in);
    std::string line;
    const std::string prefix = std::string(key) + "=";
    while (std::getline(in, line))
        if (line.starts_with(prefix)) return line.substr(prefix.size());
    FAIL("no " << key << " in " << path);
    return {};
}
bool no_testbed() {
    return std::getenv("DANE_TESTBED_ENV") == nullptr;
}

byte_buffer query_for(std::uint16_t id, const char* name, dns::rr_type type) {
    const dns::name root;
    auto n = dns::name::parse(name, &root);
    REQUIRE(n);
    dns::query_options o;
    o.checking_disabled = true;
    auto wire = dns::message_builder::query(id, *n, type, o).build();
    REQUIRE(wire);
    return *wire;
}
} // namespace

TEST_CASE("testbed: UDP and TCP queries to the non-validating Unbound" *
          doctest::skip(no_testbed())) {
    auto server = io::parse_endpoint(testbed_value("TESTBED_NONVALIDATING"));
    REQUIRE(server);
    auto udp = io::udp_socket::connect(*server);
    REQUIRE(udp);
    const auto q = query_for(0x1234, "danebed.", dns::rr_type::soa);
    REQUIRE(udp->send(q, steady::now() + 2s));
    byte_buffer in(io::max_udp_payload);
    auto n = udp->receive(in, steady::now() + 3s);
    REQUIRE(n);
    auto m = dns::message_view::parse(bytes_view(in).first(*n));
    REQUIRE(m);
    CHECK(m->id() == 0x1234);
    CHECK(m->qr());
    CHECK(m->rcode() == dns::rcode::noerror);
    CHECK(m->answer().begin() != m->answer().end());

    // The TXT RRset too large for UDP, whole over TCP.
    const auto big = query_for(0x4321, "big.alg8.danebed.", dns::rr_type::txt);
    auto t = io::tcp_query(*server, big, steady::now() + 3s);
    REQUIRE(t);
    auto tm = dns::message_view::parse(*t);
    REQUIRE(tm);
    CHECK(tm->id() == 0x4321);
    CHECK_FALSE(tm->tc());
    CHECK(tm->rcode() == dns::rcode::noerror);
    CHECK(t->size() > 1232);
}
