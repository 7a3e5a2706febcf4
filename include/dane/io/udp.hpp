// A UDP socket connected to one DNS server. Connecting (RFC 5452 §9.3 asks a resolver to
// accept answers only from the address it asked) makes the kernel drop datagrams from
// any other sender, and report the server's ICMP "port unreachable" as ECONNREFUSED on
// the next receive.
#pragma once

#include "dane/core/config.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <span>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/error.hpp"
#include "dane/io/socket.hpp"

namespace dane::io {

// The largest UDP payload (65535 octets less the IPv4 and UDP headers); a receive buffer of
// this size never truncates a datagram.
inline constexpr std::size_t max_udp_payload = 65507;

class udp_socket {
public:
    // A non-blocking socket connected to `server` (connect() on UDP sends nothing).
    static result<udp_socket> connect(const endpoint& server) {
        auto to = to_socket_address(server);
        if (!to) return fail(to.error());
        auto fd = open_socket(*to, SOCK_DGRAM);
        if (!fd) return fail(fd.error());
        if (::connect(fd->get(), to->get(), to->size) != 0) return fail(last_system_error());
        return udp_socket(std::move(*fd));
    }

    int fd() const noexcept { return fd_.get(); }

    // Sends one datagram. A full socket buffer (EAGAIN) is waited out until the deadline.
    result<void> send(bytes_view datagram, std::chrono::steady_clock::time_point deadline) {
        for (;;) {
            const auto n = ::send(fd_.get(), datagram.data(), datagram.size(), MSG_NOSIGNAL);
            if (n >= 0) {
                if (static_cast<std::size_t>(n) != datagram.size())
                    return fail(std::make_error_code(std::errc::message_size));
                return {};
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return fail(last_system_error());
            if (auto w = wait_for(fd_.get(), POLLOUT, deadline); !w) return w;
        }
    }

    // One datagram if one is waiting: its size, or errc::timed_out when none is (the
    // socket is non-blocking). `buffer` should hold max_udp_payload octets: a longer
    // datagram is cut, and reported as std::errc::message_size.
    result<std::size_t> try_receive(std::span<std::byte> buffer) {
        for (;;) {
            const auto n = ::recv(fd_.get(), buffer.data(), buffer.size(), MSG_TRUNC);
            if (n >= 0) {
                if (static_cast<std::size_t>(n) > buffer.size())
                    return fail(std::make_error_code(std::errc::message_size));
                return static_cast<std::size_t>(n);
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return fail(errc::timed_out);
            return fail(last_system_error());
        }
    }

    // Waits for one datagram until the deadline: its size, or errc::timed_out.
    result<std::size_t> receive(std::span<std::byte> buffer,
                                std::chrono::steady_clock::time_point deadline) {
        for (;;) {
            auto n = try_receive(buffer);
            if (n || n.error() != errc::timed_out) return n;
            if (auto w = wait_for(fd_.get(), POLLIN, deadline); !w) return fail(w.error());
        }
    }

private:
    explicit udp_socket(file_descriptor fd) noexcept : fd_(std::move(fd)) {}
    file_descriptor fd_;
};

} // namespace dane::io
