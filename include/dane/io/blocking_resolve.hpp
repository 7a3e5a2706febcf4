// Runs one resolution of the sans-I/O stub resolver to its end against one upstream
// recursive resolver, blocking the calling thread: for programs without an event loop.
//
// All UDP queries of the resolution go through one socket connected to the upstream (so
// the kernel drops datagrams from anyone else; the resolver still matches ID and question),
// each TCP query through a connection of its own. Between events the driver sleeps in
// poll() until a socket is ready or the resolution's next deadline passes, then hands the
// resolver the response or the timer. It reads the clocks itself: that is what an I/O
// layer is for (the resolver never does).
#pragma once

#include "dane/core/config.hpp"

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/socket.hpp"
#include "dane/io/tcp.hpp"
#include "dane/io/udp.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "dane/resolver/query.hpp"
#include "dane/resolver/resolver.hpp"

namespace dane::io {

struct blocking_options {
    // The wall time validation starts at (signature validity, TTLs), advancing with the
    // monotonic clock from there; none: the system clock. Deadlines always use the
    // monotonic clock.
    std::optional<std::chrono::sys_seconds> wall_time;
    // Told about every query the transport could not send or read the answer of (the
    // resolver treats those as timeouts); for logs, may be empty.
    std::function<void(const resolver::outgoing_query&, std::error_code)> on_transport_error;
};

namespace detail {

class driver_clock {
public:
    explicit driver_clock(std::optional<std::chrono::sys_seconds> wall)
        : start_(std::chrono::steady_clock::now()), wall_(wall) {}
    resolver::clock_reading now() const {
        const auto steady = std::chrono::steady_clock::now();
        const auto wall =
            wall_ ? *wall_ + std::chrono::floor<std::chrono::seconds>(steady - start_)
                  : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        return {wall, steady};
    }

private:
    std::chrono::steady_clock::time_point start_;
    std::optional<std::chrono::sys_seconds> wall_;
};

struct tcp_in_flight {
    resolver::outgoing_query query; // kept for its handle, deadline and the error report
    tcp_exchange exchange;
};

} // namespace detail

// Resolves QNAME/QTYPE through `upstream` and returns the result. Network failures do not
// fail the call: they reach the resolver as failed or timed-out queries, and the result
// says `indeterminate` with its reason. The stub (and its cache) is the caller's, shared
// by consecutive calls.
template <crypto::verifier_backend B>
resolver::lookup_result resolve_blocking(resolver::stub_resolver<B>& stub, const endpoint& upstream,
                                         dns::name_view qname, dns::rr_type qtype,
                                         const blocking_options& options = {}) {
    const detail::driver_clock clock(options.wall_time);
    auto resolution = stub.start(qname, qtype, clock.now());

    std::optional<udp_socket> udp;
    std::error_code udp_open_error;
    // Queries sent over UDP (their wire dropped), for an ICMP error that names none of them.
    std::vector<resolver::outgoing_query> udp_sent;
    std::vector<detail::tcp_in_flight> tcp;
    byte_buffer datagram(max_udp_payload);
    std::vector<pollfd> fds;

    auto failed = [&](const resolver::outgoing_query& q, std::error_code why) {
        if (options.on_transport_error) options.on_transport_error(q, why);
        resolution.transport_failed(q.handle, clock.now());
    };

    while (!resolution.done()) {
        auto queries = resolution.take_queries();
        bool any_failed = false;
        for (auto& q : queries) {
            if (q.transport == resolver::transport::udp) {
                if (!udp && !udp_open_error) {
                    auto s = udp_socket::connect(upstream);
                    if (s)
                        udp.emplace(std::move(*s));
                    else
                        udp_open_error = s.error();
                }
                auto sent =
                    udp ? udp->send(q.wire, q.deadline) : result<void>(fail(udp_open_error));
                if (!sent) {
                    failed(q, sent.error());
                    any_failed = true;
                    continue;
                }
                q.wire = {};
                udp_sent.push_back(std::move(q));
            } else {
                auto x = tcp_exchange::start(upstream, q.wire);
                if (!x) {
                    failed(q, x.error());
                    any_failed = true;
                    continue;
                }
                tcp.push_back({std::move(q), std::move(*x)});
            }
        }
        if (resolution.done()) break;
        if (any_failed) continue; // the failures may have queued retries: send them first

        const auto deadline = resolution.deadline();
        if (!deadline) {
            // Nothing outstanding and not done: let the resolver decide with a timer, and
            // stop if it still waits for nothing (it cannot, but the loop must not spin).
            resolution.on_timer(clock.now());
            if (!resolution.done() && !resolution.deadline()) {
                auto more = resolution.take_queries();
                if (more.empty()) break;
                for (auto& q : more)
                    failed(q, make_error_code(std::errc::operation_canceled));
            }
            continue;
        }

        fds.clear();
        if (udp) fds.push_back({udp->fd(), POLLIN, 0});
        for (const auto& t : tcp)
            fds.push_back({t.exchange.fd(), t.exchange.events(), 0});
        auto ready = poll_until(fds.data(), fds.size(), *deadline);
        if (!ready) {
            // poll() itself failed (out of memory): no answer can be read any more.
            for (auto& t : tcp)
                failed(t.query, ready.error());
            tcp.clear();
            resolution.on_timer(clock.now());
            continue;
        }
        if (*ready == 0) {
            resolution.on_timer(clock.now());
        } else {
            std::size_t at = 0;
            if (udp) {
                if (fds[at].revents != 0) {
                    // Drain every datagram waiting: each is matched by the resolver.
                    for (;;) {
                        auto n = udp->try_receive(datagram);
                        if (n) {
                            resolution.receive(bytes_view(datagram).first(*n), clock.now());
                            continue;
                        }
                        if (n.error() != errc::timed_out) {
                            // ECONNREFUSED: the upstream's "port unreachable" for one of
                            // the datagrams; which one is not said, so every query sent is
                            // failed (the resolver ignores handles already answered).
                            auto sent = std::move(udp_sent);
                            udp_sent.clear();
                            for (const auto& q : sent)
                                failed(q, n.error());
                        }
                        break;
                    }
                }
                ++at;
            }
            std::vector<detail::tcp_in_flight> still;
            for (std::size_t k = 0; k < tcp.size(); ++k, ++at) {
                auto& t = tcp[k];
                if (fds[at].revents == 0) {
                    still.push_back(std::move(t));
                    continue;
                }
                auto finished = t.exchange.advance();
                if (!finished)
                    failed(t.query, finished.error());
                else if (*finished)
                    resolution.receive(t.exchange.take_response(), clock.now());
                else
                    still.push_back(std::move(t));
            }
            tcp = std::move(still);
        }
        // A TCP exchange whose query is past its deadline is given up: the resolver has
        // retried or failed that query by now.
        const auto now = std::chrono::steady_clock::now();
        std::erase_if(tcp, [&](const detail::tcp_in_flight& t) { return t.query.deadline <= now; });
    }
    return resolution.result();
}

} // namespace dane::io
