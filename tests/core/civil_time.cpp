#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

#include "dane/core/civil_time.hpp"

using namespace dane;

namespace {
// The reference: std::chrono's calendar.
std::int64_t chrono_days(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}
} // namespace

TEST_CASE("days_from_civil agrees with std::chrono for every day of years 0 to 2200") {
    std::size_t checked = 0;
    for (int y = 0; y <= 2200; ++y)
        for (unsigned m = 1; m <= 12; ++m)
            for (unsigned d = 1; d <= days_in_month(y, m); ++d) {
                REQUIRE(days_from_civil(y, m, d) == chrono_days(y, m, d));
                ++checked;
            }
    CHECK(checked == 803899); // 2201 years, 534 of them leap
}

TEST_CASE("valid_date follows the Gregorian leap rules") {
    CHECK(valid_date(2024, 2, 29));
    CHECK(!valid_date(2023, 2, 29));
    CHECK(!valid_date(1900, 2, 29)); // divisible by 100
    CHECK(valid_date(2000, 2, 29));  // divisible by 400
    CHECK(!valid_date(2025, 4, 31));
    CHECK(!valid_date(2025, 13, 1));
    CHECK(!valid_date(2025, 0, 1));
    CHECK(!valid_date(2025, 1, 0));
}

TEST_CASE("civil_from_seconds agrees with std::chrono across the 32-bit range") {
    using namespace std::chrono;
    // Every 9973 seconds (a prime, so the time of day varies) plus the ends of the range.
    auto check = [](std::uint32_t t) {
        sys_seconds tp{seconds{t}};
        auto dp = floor<days>(tp);
        year_month_day ymd{dp};
        hh_mm_ss hms{tp - dp};
        civil_time c = civil_from_seconds(t);
        REQUIRE(c.year == static_cast<int>(ymd.year()));
        REQUIRE(c.month == static_cast<unsigned>(ymd.month()));
        REQUIRE(c.day == static_cast<unsigned>(ymd.day()));
        REQUIRE(c.hour == hms.hours().count());
        REQUIRE(c.minute == hms.minutes().count());
        REQUIRE(c.second == hms.seconds().count());
    };
    for (std::uint64_t t = 0; t <= 0xffffffffu; t += 9973)
        check(static_cast<std::uint32_t>(t));
    check(0xffffffffu);
    civil_time end = civil_from_seconds(0xffffffffu);
    CHECK(end.year == 2106);
    CHECK(end.month == 2);
    CHECK(end.day == 7);
    CHECK(end.hour == 6);
    CHECK(end.minute == 28);
    CHECK(end.second == 15);
}
