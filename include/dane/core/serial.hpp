// RFC 1982 serial-number arithmetic on 32-bit values: RRSIG inception and expiration
// (RFC 4034 §3.1.5) and SOA serials wrap around, so "later than" is a comparison within
// half the number space, not an integer comparison.
#pragma once

#include "dane/core/config.hpp"

#include <chrono>
#include <cstdint>

namespace dane {

// True when s1 is later than s2 (RFC 1982 §3.2). Values exactly 2^31 apart are
// incomparable; both serial_gt(a, b) and serial_gt(b, a) are then false.
constexpr bool serial_gt(std::uint32_t s1, std::uint32_t s2) noexcept {
    return s1 != s2 && static_cast<std::uint32_t>(s1 - s2) < 0x80000000u;
}
constexpr bool serial_lt(std::uint32_t s1, std::uint32_t s2) noexcept {
    return serial_gt(s2, s1);
}

// Maps a wall-clock time onto the 32-bit seconds field of RRSIG times.
constexpr std::uint32_t to_serial_time(std::chrono::sys_seconds t) noexcept {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(t.time_since_epoch().count()));
}

// The signed number of seconds from `now` to the serial time `t`, taking the
// interpretation of `t` closest to `now` (the one RFC 4034 §3.1.5 implies).
constexpr std::int64_t serial_seconds_from(std::uint32_t t, std::chrono::sys_seconds now) noexcept {
    return static_cast<std::int32_t>(t - to_serial_time(now));
}

} // namespace dane
