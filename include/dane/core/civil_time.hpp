// UTC calendar dates and times without <chrono>. RRSIG times print and parse as
// YYYYMMDDHHmmSS (RFC 4034 §3.2), and the DNS layer, which parsers and fuzzers include on
// its own, should not pay for <chrono>'s calendar and time-zone machinery (about half of
// what dns/message.hpp preprocesses to with GCC 12). Proleptic Gregorian calendar, as
// std::chrono's year_month_day.
#pragma once

#include "dane/core/config.hpp"

#include <cstdint>

namespace dane {

struct civil_time {
    std::int64_t year = 1970;
    unsigned month = 1; // 1-12
    unsigned day = 1;   // 1-31
    unsigned hour = 0, minute = 0, second = 0;
};

constexpr bool is_leap_year(std::int64_t y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return lengths[m - 1] + (m == 2 && is_leap_year(y) ? 1 : 0);
}

constexpr bool valid_date(std::int64_t y, unsigned m, unsigned d) noexcept {
    return d >= 1 && d <= days_in_month(y, m);
}

namespace detail {
// Division rounding towards minus infinity (years before 1 AD count leap days too).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
}
// Leap days in the years [1, y) of the proleptic calendar, counted from year 0.
constexpr std::int64_t leap_days_before(std::int64_t y) noexcept {
    const std::int64_t p = y - 1;
    return floor_div(p, 4) - floor_div(p, 100) + floor_div(p, 400);
}
} // namespace detail

// Days from 1970-01-01 to the date y-m-d (negative before it). The date must be valid.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    constexpr unsigned before_month[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    const std::int64_t year_days =
        365 * (y - 1970) + detail::leap_days_before(y) - detail::leap_days_before(1970);
    const unsigned leap = m > 2 && is_leap_year(y) ? 1 : 0;
    return year_days + before_month[m - 1] + leap + d - 1;
}

// The UTC date and time `seconds` after 1970-01-01T00:00:00 (a 32-bit RRSIG time read as
// an unsigned number of seconds reaches 2106).
constexpr civil_time civil_from_seconds(std::uint32_t seconds) noexcept {
    civil_time c;
    std::uint32_t days = seconds / 86400;
    const std::uint32_t rest = seconds % 86400;
    c.hour = rest / 3600;
    c.minute = rest / 60 % 60;
    c.second = rest % 60;
    // At most 137 years to step over.
    for (;;) {
        const std::uint32_t n = is_leap_year(c.year) ? 366 : 365;
        if (days < n) break;
        days -= n;
        ++c.year;
    }
    for (;;) {
        const unsigned n = days_in_month(c.year, c.month);
        if (days < n) break;
        days -= n;
        ++c.month;
    }
    c.day = days + 1;
    return c;
}

} // namespace dane
