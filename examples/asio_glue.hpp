// Asio glue shared by the examples that drive the sans-I/O resolver on one io_context
// (resolve_asio.cpp, deliver_asio.cpp): the clocks, the upstream's endpoint, and one lookup
// (a resolver::resolution with its UDP socket, its TCP exchanges and its timer). The resolver
// never touches a socket or a clock; this file owns both.
#pragma once

#include <asio.hpp>

#include <array>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/resolv_conf.hpp"
#include "dane/resolver/resolver.hpp"

namespace asio_glue {

using namespace dane;
using steady = std::chrono::steady_clock;

// With --time the wall clock is pinned (signature validity as of then); deadlines always use
// the monotonic clock, which the wall clock's jumps cannot move.
inline std::optional<std::chrono::sys_seconds> pinned_time;
inline resolver::clock_reading now() {
    auto wall = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return {pinned_time.value_or(wall), steady::now()};
}

// One lookup: its resolution, a UDP socket of its own (so lookups outstanding at once ask
// from different source ports, which the kernel picks at random: RFC 5452 §9.2), a timer
// for resolution.deadline(), and its TCP exchanges. `on_done` is posted to the io_context
// once the resolution is over; the lookup must outlive the io_context's run (its handlers
// hold `this`).
class lookup {
public:
    lookup(asio::io_context& io, asio::ip::udp::endpoint upstream,
           resolver::resolution<crypto::botan_backend> r, std::function<void()> on_done = {})
        : io_(io), upstream_(upstream), udp_(io), timer_(io), resolution_(std::move(r)),
          on_done_(std::move(on_done)) {}

    void begin() {
        udp_.connect(upstream_); // the kernel then drops datagrams from anyone else
        read_udp();
        advance();
    }
    const resolver::lookup_result& result() const { return resolution_.result(); }

private:
    // After every event: send what the resolution asks for, re-arm the timer on its
    // earliest deadline, and when it is done, close everything so that io_context::run
    // returns once every lookup is.
    void advance() {
        if (resolution_.done()) {
            udp_.close();
            timer_.cancel();
            for (auto& x : tcp_)
                x->socket.close();
            if (on_done_) asio::post(io_, std::exchange(on_done_, {}));
            return;
        }
        for (auto& q : resolution_.take_queries()) {
            if (q.transport == resolver::transport::udp) {
                udp_sent_.push_back(q.handle);
                auto wire = std::make_shared<byte_buffer>(std::move(q.wire));
                udp_.async_send(asio::buffer(*wire), [wire](std::error_code, std::size_t) {
                    // A lost datagram shows as a timeout; the resolution retries it.
                });
            } else {
                auto x = std::make_unique<tcp_exchange>(io_, q.handle, std::move(q.wire));
                tcp_step(*tcp_.emplace_back(std::move(x)), {});
            }
        }
        if (auto when = resolution_.deadline()) {
            timer_.expires_at(*when);
            timer_.async_wait([this](std::error_code ec) {
                if (ec || resolution_.done()) return; // re-armed, or finished
                resolution_.on_timer(now());
                advance();
            });
        }
    }

    void read_udp() {
        udp_.async_receive(asio::buffer(datagram_), [this](std::error_code ec, std::size_t n) {
            if (resolution_.done() || ec == asio::error::operation_aborted) return;
            // A stray or forged datagram is the resolution's to ignore (it matches ID and
            // question).
            if (!ec) resolution_.receive(bytes_view(datagram_.data(), n), now());
            // An ICMP port unreachable: nothing listens there, so no query sent so far will
            // be answered (those already answered are no longer pending: ignored).
            if (ec == asio::error::connection_refused)
                for (auto handle : std::exchange(udp_sent_, {}))
                    resolution_.transport_failed(handle, now());
            read_udp();
            advance();
        });
    }

    // RFC 1035 §4.2.2: over TCP each message is preceded by its length in two octets. One
    // connection per query keeps the example short; a client may also keep one open for
    // several. The exchange is four steps, each started when the previous one completes
    // (C++20 coroutines would read better, but Asio 1.22 enables them with GCC only).
    struct tcp_exchange {
        tcp_exchange(asio::io_context& io, std::uint64_t h, byte_buffer w)
            : socket(io), handle(h),
              wire(std::move(w)), length{static_cast<std::uint8_t>(wire.size() >> 8),
                                         static_cast<std::uint8_t>(wire.size())} {}
        asio::ip::tcp::socket socket;
        std::uint64_t handle;
        byte_buffer wire; // the query, then the response
        std::array<std::uint8_t, 2> length;
        int step = 0;
    };

    void tcp_step(tcp_exchange& x, std::error_code ec) {
        auto next = [this, &x](std::error_code e, std::size_t = 0) { tcp_step(x, e); };
        switch (ec ? -1 : x.step++) {
        case 0:
            return x.socket.async_connect({upstream_.address(), upstream_.port()}, next);
        case 1:
            return asio::async_write(
                x.socket,
                std::array<asio::const_buffer, 2>{asio::buffer(x.length), asio::buffer(x.wire)},
                next);
        case 2:
            return asio::async_read(x.socket, asio::buffer(x.length), next);
        case 3:
            x.wire.resize(std::size_t{x.length[0]} << 8 | x.length[1]);
            return asio::async_read(x.socket, asio::buffer(x.wire), next);
        }
        x.socket.close();
        if (resolution_.done()) return; // advance() closed the socket: nobody waits
        if (ec)
            resolution_.transport_failed(x.handle, now()); // refused, reset: retried or given up
        else
            resolution_.receive(x.wire, now());
        advance();
    }

    asio::io_context& io_;
    asio::ip::udp::endpoint upstream_;
    asio::ip::udp::socket udp_;
    asio::steady_timer timer_;
    resolver::resolution<crypto::botan_backend> resolution_;
    std::array<std::byte, 65535> datagram_{};
    std::vector<std::unique_ptr<tcp_exchange>> tcp_; // kept until the lookup ends
    std::vector<std::uint64_t> udp_sent_;            // handles of UDP queries sent
    std::function<void()> on_done_;
};

// An io::endpoint as the Asio endpoint of the same sockaddr.
inline std::optional<asio::ip::udp::endpoint> to_asio(const io::endpoint& e) {
    auto native = io::to_socket_address(e);
    if (!native) return std::nullopt;
    asio::ip::udp::endpoint out;
    std::memcpy(out.data(), native->get(), native->size);
    out.resize(native->size);
    return out;
}

// The upstream: --resolver in `dane lookup`'s forms, or the first nameserver of
// /etc/resolv.conf, read by the library's io layer.
inline std::optional<asio::ip::udp::endpoint>
upstream_endpoint(const std::optional<std::string>& text) {
    std::optional<io::endpoint> parsed;
    if (text) {
        if (auto e = io::parse_endpoint(*text)) parsed = *e;
    } else if (auto conf = io::read_resolv_conf(); conf && !conf->nameservers.empty()) {
        parsed = conf->nameservers.front();
    }
    if (!parsed) return std::nullopt;
    return to_asio(*parsed);
}

} // namespace asio_glue
