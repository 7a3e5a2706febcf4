// io/blocking_resolve.hpp: the driver runs a resolution to its end over real sockets. A
// silent or closed upstream gives `indeterminate` within the resolution's deadline; a fake
// upstream on loopback (a thread of the test) sends truncated UDP answers, so the driver
// must carry the TCP query; with DANE_TESTBED_ENV set, real lookups through the test bed.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "dane/crypto/botan.hpp"
#include "dane/dns/message.hpp"
#include "dane/io/blocking_resolve.hpp"

using namespace dane;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

// A loopback socket of the test's, on a port the kernel picks.
io::file_descriptor bound(int type, io::endpoint& where) {
    io::file_descriptor fd(::socket(AF_INET, type, 0));
    REQUIRE(fd.valid());
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
    where = *io::parse_endpoint("127.0.0.1");
    where.port = ntohs(a.sin_port);
    if (type == SOCK_STREAM) REQUIRE(::listen(fd.get(), 8) == 0);
    return fd;
}

resolver::resolver_options quick() {
    resolver::resolver_options o;
    o.limits.query_timeout = 100ms;
    o.limits.max_attempts = 2;
    o.limits.resolution_timeout = 1500ms;
    return o;
}

const dns::name& tlsa_name() {
    static const dns::name n = *dns::name::parse("_25._tcp.mail.alg13.danebed.");
    return n;
}

std::uint16_t counter_ids() {
    static std::uint16_t next = 1000;
    return next++;
}

} // namespace

TEST_CASE("blocking driver: a silent upstream is indeterminate at the resolution's deadline") {
    io::endpoint where;
    auto server = bound(SOCK_DGRAM, where);
    const crypto::botan_backend backend;
    resolver::stub_resolver<crypto::botan_backend> stub(backend, dnssec::iana_root_anchors(),
                                                        counter_ids, quick());
    const auto start = steady::now();
    const auto r = io::resolve_blocking(stub, where, tlsa_name(), dns::rr_type::tlsa);
    const auto took = steady::now() - start;
    CHECK(r.verdict.state == dnssec::security::indeterminate);
    CHECK_FALSE(r.rcode.has_value());
    CHECK(r.answer() == nullptr);
    CHECK(r.stats.retries >= 1);
    CHECK(took >= 200ms); // two attempts of 100 ms at least
    CHECK(took < 3s);

    // What reached the "upstream": queries for the name, with CD and DO set (RFC 4035
    // §3.2.2: bogus data must reach our validator).
    std::size_t queries = 0;
    byte_buffer in(io::max_udp_payload);
    for (;;) {
        const auto n = ::recv(server.get(), in.data(), in.size(), MSG_DONTWAIT);
        if (n <= 0) break;
        auto m = dns::message_view::parse(bytes_view(in).first(static_cast<std::size_t>(n)));
        REQUIRE(m);
        CHECK_FALSE(m->qr());
        CHECK(m->cd());
        REQUIRE(m->edns());
        CHECK(m->edns()->dnssec_ok());
        ++queries;
    }
    CHECK(queries == r.stats.queries_sent);
    CHECK(queries >= 2);
}

TEST_CASE("blocking driver: a closed port fails fast, and the failures are reported") {
    io::endpoint where;
    { auto gone = bound(SOCK_DGRAM, where); }
    const crypto::botan_backend backend;
    auto options = quick();
    options.limits.query_timeout = 1000ms; // refusals must end it long before timeouts would
    options.limits.resolution_timeout = 10s;
    resolver::stub_resolver<crypto::botan_backend> stub(backend, dnssec::iana_root_anchors(),
                                                        counter_ids, options);
    std::size_t reported = 0;
    io::blocking_options b;
    b.on_transport_error = [&](const resolver::outgoing_query&, std::error_code why) {
        CHECK(why == std::errc::connection_refused);
        ++reported;
    };
    const auto start = steady::now();
    const auto r = io::resolve_blocking(stub, where, tlsa_name(), dns::rr_type::tlsa, b);
    CHECK(steady::now() - start < 1500ms);
    CHECK(r.verdict.state == dnssec::security::indeterminate);
    CHECK(reported >= 1);
}

TEST_CASE("blocking driver: a truncated UDP answer is asked again over TCP") {
    io::endpoint where;
    auto udp = bound(SOCK_DGRAM, where);
    io::endpoint tcp_where;
    auto tcp = bound(SOCK_STREAM, tcp_where);
    // Both on the same port: close and retry until the kernel gives one port to both.
    for (int i = 0; i < 50 && tcp_where.port != where.port; ++i) {
        tcp.reset();
        tcp = io::file_descriptor(::socket(AF_INET, SOCK_STREAM, 0));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(where.port);
        if (::bind(tcp.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::listen(tcp.get(), 8) == 0)
            tcp_where = where;
    }
    REQUIRE(tcp_where.port == where.port);

    // The fake upstream: every UDP query comes back with TC set and no records; every TCP
    // query with REFUSED. The resolver must move to TCP and end indeterminate.
    std::atomic<bool> stop{false};
    std::atomic<int> tcp_queries{0};
    std::thread upstream([&] {
        while (!stop) {
            pollfd fds[2] = {{udp.get(), POLLIN, 0}, {tcp.get(), POLLIN, 0}};
            if (::poll(fds, 2, 20) <= 0) continue;
            if (fds[0].revents) {
                std::uint8_t q[1500];
                sockaddr_in from{};
                socklen_t len = sizeof from;
                const auto n =
                    ::recvfrom(udp.get(), q, sizeof q, 0, reinterpret_cast<sockaddr*>(&from), &len);
                if (n >= 12) {
                    q[2] |= 0x82; // QR, TC
                    (void)::sendto(udp.get(), q, static_cast<std::size_t>(n), 0,
                                   reinterpret_cast<sockaddr*>(&from), len);
                }
            }
            if (fds[1].revents) {
                io::file_descriptor c(::accept(tcp.get(), nullptr, nullptr));
                std::uint8_t q[1502];
                std::size_t got = 0;
                while (got < 2 || got < 2u + (q[0] << 8 | q[1])) {
                    const auto n = ::recv(c.get(), q + got, sizeof q - got, 0);
                    if (n <= 0) break;
                    got += static_cast<std::size_t>(n);
                }
                if (got >= 14) {
                    ++tcp_queries;
                    q[4] |= 0x80;             // QR
                    q[5] = (q[5] & 0xf0) | 5; // REFUSED
                    (void)::send(c.get(), q, got, MSG_NOSIGNAL);
                }
            }
        }
    });
    const crypto::botan_backend backend;
    auto options = quick();
    options.limits.query_timeout = 500ms;
    resolver::stub_resolver<crypto::botan_backend> stub(backend, dnssec::iana_root_anchors(),
                                                        counter_ids, options);
    const auto r = io::resolve_blocking(stub, where, tlsa_name(), dns::rr_type::tlsa);
    stop = true;
    upstream.join();
    CHECK(r.stats.tcp_fallbacks >= 1);
    CHECK(tcp_queries >= 1);
    CHECK(r.verdict.state == dnssec::security::indeterminate);
}

namespace {
std::string testbed_value(const char* key) {
    const char* path = std::getenv("DANE_TESTBED_ENV");
    REQUIRE(path);
    std::ifstream in(path);
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

dnssec::trust_anchors testbed_anchors() {
    std::ifstream in(testbed_value("TESTBED_ANCHOR"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto a = dnssec::load_trust_anchors(text);
    REQUIRE(a);
    return std::move(*a);
}
} // namespace

TEST_CASE("blocking driver: real lookups through the test bed" * doctest::skip(no_testbed())) {
    auto upstream = io::parse_endpoint(testbed_value("TESTBED_NONVALIDATING"));
    REQUIRE(upstream);
    const crypto::botan_backend backend;
    resolver::stub_resolver<crypto::botan_backend> stub(backend, testbed_anchors(), counter_ids);

    const auto r = io::resolve_blocking(stub, *upstream, tlsa_name(), dns::rr_type::tlsa);
    CHECK(r.verdict.state == dnssec::security::secure);
    REQUIRE(r.answer());
    CHECK(r.answer()->type == dns::rr_type::tlsa);
    CHECK(r.stats.queries_sent > 0);

    // Again: from the cache, no query.
    const auto again = io::resolve_blocking(stub, *upstream, tlsa_name(), dns::rr_type::tlsa);
    CHECK(again.verdict.state == dnssec::security::secure);
    CHECK(again.stats.answer_from_cache);
    CHECK(again.stats.queries_sent == 0);

    // Too large for UDP: the driver carries the TCP repeat.
    const auto big = io::resolve_blocking(stub, *upstream, *dns::name::parse("big.alg8.danebed."),
                                          dns::rr_type::txt);
    CHECK(big.verdict.state == dnssec::security::secure);
    CHECK(big.stats.tcp_fallbacks >= 1);
    REQUIRE(big.answer());
    CHECK(big.answer()->rdatas.size() == 40);

    // The wall time given is the one validation uses: long after the signatures, bogus.
    resolver::stub_resolver<crypto::botan_backend> later(backend, testbed_anchors(), counter_ids);
    io::blocking_options o;
    o.wall_time = std::chrono::sys_days(std::chrono::year(2037) / 1 / 1);
    const auto expired = io::resolve_blocking(later, *upstream, tlsa_name(), dns::rr_type::tlsa, o);
    CHECK(expired.verdict.state == dnssec::security::bogus);
}
