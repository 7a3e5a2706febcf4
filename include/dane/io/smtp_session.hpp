// An SMTP session over a blocking TCP connection: connecting to a mail server with a
// deadline, and running the sans-I/O SMTP client (smtp/client.hpp) on the socket until it
// needs its caller (ready{}) or is over (done{}, failed{}). The client's own deadlines
// (RFC 5321 §4.5.3.2) bound every wait; the driver reads the monotonic clock for them.
#pragma once

#include "dane/core/config.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <variant>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/error.hpp"
#include "dane/io/socket.hpp"
#include "dane/smtp/client.hpp"
#include "dane/smtp/policy.hpp"

namespace dane::io {

// The endpoint of a mail server's address from the delivery plan.
inline endpoint to_endpoint(const smtp::host_address& a, std::uint16_t port) {
    endpoint e;
    e.family = a.v6 ? address_family::ipv6 : address_family::ipv4;
    e.octets = a.octets;
    e.port = port;
    return e;
}

// Opens a TCP connection to `to`, waiting at most until `deadline`: the connected
// (non-blocking) socket, or the error (errc::timed_out at the deadline).
inline result<file_descriptor> connect_stream(const endpoint& to,
                                              std::chrono::steady_clock::time_point deadline) {
    auto address = to_socket_address(to);
    if (!address) return fail(address.error());
    auto fd = open_socket(*address, SOCK_STREAM);
    if (!fd) return fail(fd.error());
    if (::connect(fd->get(), address->get(), address->size) == 0) return fd;
    if (errno != EINPROGRESS && errno != EINTR) return fail(last_system_error());
    if (auto w = wait_for(fd->get(), POLLOUT, deadline); !w) return fail(w.error());
    if (auto e = pending_socket_error(fd->get())) return fail(e);
    return fd;
}

namespace detail {

// Writes all of `bytes`, waiting for the socket as needed until `deadline`.
inline result<void> write_all(int fd, bytes_view bytes,
                              std::chrono::steady_clock::time_point deadline) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n >= 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return fail(last_system_error());
        if (auto w = wait_for(fd, POLLOUT, deadline); !w) return fail(w.error());
    }
    return {};
}

} // namespace detail

// Octets read from the server per call into the client: a bound on what one feed() can
// make the TLS engine decrypt at once.
inline constexpr std::size_t smtp_read_size = 16 * 1024;

// Runs `client` on the connected socket `fd` until it returns ready{}, done{} or failed{},
// and returns that action. A write or read error is the server closing the connection
// (the client records errc::connection_closed); a passed deadline is the client's timer.
template <smtp::tls_engine Engine>
smtp::action run_smtp_session(smtp::client<Engine>& client, int fd) {
    using clock = std::chrono::steady_clock;
    std::byte buffer[smtp_read_size];
    for (;;) {
        auto action = client.next_action();
        if (auto* out = std::get_if<smtp::send_bytes>(&action)) {
            const auto deadline = client.deadline().value_or(clock::now());
            if (!detail::write_all(fd, out->bytes, deadline)) {
                client.feed_eof(clock::now());
                continue;
            }
            client.on_sent(clock::now());
            continue;
        }
        if (!std::holds_alternative<smtp::need_data>(action)) return action;
        const auto deadline = client.deadline().value_or(clock::now());
        if (auto w = wait_for(fd, POLLIN, deadline); !w) {
            if (w.error() == make_error_code(errc::timed_out)) {
                client.on_timer(clock::now());
            } else {
                client.feed_eof(clock::now());
            }
            continue;
        }
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            client.feed(bytes_view(buffer, static_cast<std::size_t>(n)), clock::now());
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
            client.feed_eof(clock::now());
        }
    }
}

} // namespace dane::io
