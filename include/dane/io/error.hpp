// Errors of the I/O layer (include/dane/io/: POSIX transports outside the sans-I/O core).
// Text that does not parse (an endpoint, a resolv.conf line) and what the network did
// (a timeout, a connection closed early) are io::errc values; a failing system call is
// reported as its errno in std::system_category().
#pragma once

#include "dane/core/config.hpp"

#include <cerrno>
#include <string>
#include <system_error>

namespace dane::io {

enum class errc {
    bad_address = 1,   // not an IPv4 or IPv6 address in presentation form
    bad_port,          // a port that is not a decimal number from 1 to 65535
    bad_scope,         // an IPv6 zone index ("%eth0") that is empty, or names no interface
    scope_not_allowed, // a zone index on an IPv4 address
    no_nameserver,     // a resolv.conf without a usable nameserver line
    too_large,         // a file or message over the size the caller allows
    timed_out,         // the deadline passed before the operation completed
    connection_closed, // the peer closed the TCP connection inside a message
    empty_message,     // a TCP length prefix of zero: no DNS message is that short
};

namespace detail {
class io_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.io"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::bad_address:
            return "not an IPv4 or IPv6 address";
        case errc::bad_port:
            return "bad port (want 1 to 65535)";
        case errc::bad_scope:
            return "bad IPv6 zone index (want an interface name or number)";
        case errc::scope_not_allowed:
            return "a zone index (%...) is only for IPv6 addresses";
        case errc::no_nameserver:
            return "no usable nameserver";
        case errc::too_large:
            return "too large";
        case errc::timed_out:
            return "timed out";
        case errc::connection_closed:
            return "connection closed inside a message";
        case errc::empty_message:
            return "zero-length message";
        }
        return "unknown I/O error";
    }
};
} // namespace detail

inline const std::error_category& io_category() noexcept {
    static const detail::io_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), io_category()};
}

// The error of the system call that just failed.
inline std::error_code last_system_error() noexcept {
    return {errno, std::system_category()};
}

} // namespace dane::io

template <>
struct std::is_error_code_enum<dane::io::errc> : std::true_type {};
