// What the UDP, TCP and SMTP transports share: a file descriptor that closes itself,
// non-blocking sockets, waiting for readiness with poll() until a deadline of the monotonic
// clock (the clock the resolver's deadlines use), retrying when a signal interrupts the
// wait, and the local address of a socket.
#pragma once

#include "dane/core/config.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <system_error>
#include <utility>

#include "dane/core/result.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/error.hpp"

namespace dane::io {

class file_descriptor {
public:
    file_descriptor() = default;
    explicit file_descriptor(int fd) noexcept : fd_(fd) {}
    file_descriptor(file_descriptor&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    file_descriptor& operator=(file_descriptor&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() { reset(); }

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    void reset() noexcept {
        // close() is not retried on EINTR: on Linux the descriptor is gone either way.
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// A non-blocking socket of the endpoint's family (close-on-exec, so that a child process
// of the caller does not inherit it).
inline result<file_descriptor> open_socket(const socket_address& to, int type) {
    file_descriptor fd(::socket(to.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fail(last_system_error());
    return fd;
}

// Milliseconds poll() should wait to reach `deadline`, rounded up so that the wait does
// not end just before it; 0 once it has passed.
inline int poll_timeout(std::chrono::steady_clock::time_point deadline,
                        std::chrono::steady_clock::time_point now) noexcept {
    if (deadline <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// poll() over `fds` until one is ready or the deadline passes; a signal restarts the wait
// with the time left. The number of ready descriptors, 0 at the deadline.
inline result<int> poll_until(pollfd* fds, nfds_t count,
                              std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        const int n = ::poll(fds, count, poll_timeout(deadline, std::chrono::steady_clock::now()));
        if (n >= 0) return n;
        if (errno != EINTR) return fail(last_system_error());
    }
}

// Waits until `fd` has one of `events` (POLLIN, POLLOUT); errc::timed_out at the deadline.
// Error and hang-up conditions count as ready: the next read or write reports them.
inline result<void> wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    pollfd p{fd, events, 0};
    auto n = poll_until(&p, 1, deadline);
    if (!n) return fail(n.error());
    if (*n == 0) return fail(errc::timed_out);
    return {};
}

// The error a non-blocking connect() ended with (SO_ERROR), once poll() says writable.
inline std::error_code pending_socket_error(int fd) noexcept {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return last_system_error();
    return err == 0 ? std::error_code{} : std::error_code(err, std::system_category());
}

// The local address and port of a bound or connected socket: the port the kernel picked,
// or the sending MTA's address that TLS-RPT reports (RFC 8460 §4.4, "sending-mta-ip").
inline result<endpoint> local_endpoint(int fd) {
    socket_address a;
    a.size = sizeof a.storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a.storage), &a.size) != 0)
        return fail(last_system_error());
    endpoint e;
    if (a.family() == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, &a.storage, sizeof in6);
        e.family = address_family::ipv6;
        std::memcpy(e.octets.data(), &in6.sin6_addr, 16);
        e.port = ntohs(in6.sin6_port);
    } else if (a.family() == AF_INET) {
        sockaddr_in in4{};
        std::memcpy(&in4, &a.storage, sizeof in4);
        std::memcpy(e.octets.data(), &in4.sin_addr, 4);
        e.port = ntohs(in4.sin_port);
    } else {
        return fail(make_error_code(std::errc::address_family_not_supported));
    }
    return e;
}

} // namespace dane::io
