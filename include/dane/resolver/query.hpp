// What the resolver hands its caller to send, and the time it takes back: the values of
// its sans-I/O interface (docs/ARCHITECTURE.md). The caller owns sockets and timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"

namespace dane::resolver {

// The two clocks a resolution needs, read by the caller: wall time for signature validity
// and TTLs, monotonic time for deadlines (a wall clock may jump).
struct clock_reading {
    std::chrono::sys_seconds wall{};
    std::chrono::steady_clock::time_point steady{};
};

enum class transport : std::uint8_t { udp, tcp };

constexpr std::string_view to_string(transport t) noexcept {
    return t == transport::udp ? "udp" : "tcp";
}

// One DNS query to send to the upstream recursive resolver. Over UDP the wire is one
// datagram; over TCP the caller adds the two-octet length (RFC 1035 §4.2.2, RFC 7766).
struct outgoing_query {
    std::uint64_t handle = 0; // unique within its resolution; names it in receive()
    resolver::transport transport = transport::udp;
    byte_buffer wire;
    std::chrono::steady_clock::time_point deadline{}; // late after this: on_timer() retries
    dns::name qname;                                  // for the caller's logs
    dns::rr_type qtype = dns::rr_type::a;
};

} // namespace dane::resolver
