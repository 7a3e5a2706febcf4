// DNS over TCP to one server: each message goes with a two-octet length in network order
// before it (RFC 1035 §4.2.2, RFC 7766 §8). One exchange is one connection, one query and
// its one response: a stub sends few TCP queries (truncated answers), and RFC 7766 §6.2.1
// lets a client close after its answer.
//
// tcp_exchange is a non-blocking state machine, so that a caller can poll() many of them
// and a UDP socket at once (io/blocking_resolve.hpp does); tcp_query() runs one to its end.
// Writes and reads may be partial and are resumed; EINTR is retried; a connection closed
// inside a message is errc::connection_closed.
#pragma once

#include "dane/core/config.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/error.hpp"
#include "dane/io/socket.hpp"

namespace dane::io {

// The largest DNS message: its length must fit the two-octet prefix.
inline constexpr std::size_t max_tcp_message = 65535;

class tcp_exchange {
public:
    // Opens a non-blocking connection to `server` and frames `message` for sending. The
    // connection completes in advance().
    static result<tcp_exchange> start(const endpoint& server, bytes_view message) {
        if (message.empty()) return fail(errc::empty_message);
        if (message.size() > max_tcp_message) return fail(errc::too_large);
        auto to = to_socket_address(server);
        if (!to) return fail(to.error());
        auto fd = open_socket(*to, SOCK_STREAM);
        if (!fd) return fail(fd.error());
        tcp_exchange x(std::move(*fd));
        x.out_.reserve(message.size() + 2);
        x.out_.push_back(static_cast<std::byte>(message.size() >> 8));
        x.out_.push_back(static_cast<std::byte>(message.size() & 0xff));
        x.out_.insert(x.out_.end(), message.begin(), message.end());
        for (;;) {
            if (::connect(x.fd_.get(), to->get(), to->size) == 0) {
                x.state_ = state::writing;
                break;
            }
            if (errno == EINPROGRESS) break;
            // Interrupted: the connection goes on in the background (POSIX connect()).
            if (errno == EINTR) break;
            return fail(last_system_error());
        }
        return x;
    }

    int fd() const noexcept { return fd_.get(); }
    // What to poll() for: POLLOUT while connecting or writing, POLLIN while reading.
    short events() const noexcept {
        return state_ == state::connecting || state_ == state::writing ? POLLOUT : POLLIN;
    }
    bool done() const noexcept { return state_ == state::done; }

    // Does what the socket allows now without blocking. true once the whole response has
    // been read (then take_response()); an error ends the exchange.
    result<bool> advance() {
        if (state_ == state::connecting) {
            // Writable (or failed) once the handshake is over; until then, nothing to do.
            pollfd p{fd_.get(), POLLOUT, 0};
            const int ready = ::poll(&p, 1, 0);
            if (ready < 0 && errno != EINTR) return fail(last_system_error());
            if (ready <= 0) return false;
            if (auto e = pending_socket_error(fd_.get())) return fail(e);
            state_ = state::writing;
        }
        while (state_ == state::writing) {
            const auto n =
                ::send(fd_.get(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
                return fail(last_system_error());
            }
            sent_ += static_cast<std::size_t>(n);
            if (sent_ == out_.size()) state_ = state::reading_length;
        }
        while (state_ == state::reading_length || state_ == state::reading_message) {
            std::byte* into;
            std::size_t want;
            if (state_ == state::reading_length) {
                into = length_ + got_;
                want = sizeof length_ - got_;
            } else {
                into = in_.data() + got_;
                want = in_.size() - got_;
            }
            const auto n = ::recv(fd_.get(), into, want, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
                return fail(last_system_error());
            }
            if (n == 0) return fail(errc::connection_closed);
            got_ += static_cast<std::size_t>(n);
            if (state_ == state::reading_length && got_ == sizeof length_) {
                const std::size_t size = std::to_integer<std::size_t>(length_[0]) << 8 |
                                         std::to_integer<std::size_t>(length_[1]);
                if (size == 0) return fail(errc::empty_message);
                in_.resize(size);
                got_ = 0;
                state_ = state::reading_message;
            } else if (state_ == state::reading_message && got_ == in_.size()) {
                state_ = state::done;
                fd_.reset(); // one query per connection: close as soon as the answer is in
            }
        }
        return state_ == state::done;
    }

    // The response, without its length prefix; once done().
    byte_buffer take_response() { return std::move(in_); }

private:
    enum class state : std::uint8_t { connecting, writing, reading_length, reading_message, done };
    explicit tcp_exchange(file_descriptor fd) noexcept : fd_(std::move(fd)) {}

    file_descriptor fd_;
    state state_ = state::connecting;
    byte_buffer out_; // length prefix and message
    std::size_t sent_ = 0;
    std::byte length_[2]{};
    byte_buffer in_;
    std::size_t got_ = 0; // octets of the length or of the message read so far
};

// Sends `message` over a new connection and waits for its response until the deadline:
// the response without its length prefix, or the error (errc::timed_out at the deadline).
inline result<byte_buffer> tcp_query(const endpoint& server, bytes_view message,
                                     std::chrono::steady_clock::time_point deadline) {
    auto x = tcp_exchange::start(server, message);
    if (!x) return fail(x.error());
    for (;;) {
        auto finished = x->advance();
        if (!finished) return fail(finished.error());
        if (*finished) return x->take_response();
        if (auto w = wait_for(x->fd(), x->events(), deadline); !w) return fail(w.error());
    }
}

} // namespace dane::io
