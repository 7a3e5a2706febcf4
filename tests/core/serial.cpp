#include <doctest/doctest.h>

#include "dane/core/serial.hpp"

using namespace dane;

TEST_CASE("RFC 1982 comparison wraps around") {
    CHECK(serial_gt(1, 0));
    CHECK(serial_gt(0, 0xffffffffu)); // 0 follows 2^32-1
    CHECK(!serial_gt(0xffffffffu, 0));
    CHECK(serial_lt(0x7fffffffu, 0xfffffffeu));
    CHECK(!serial_gt(5, 5));
    CHECK(!serial_gt(0, 0x80000000u)); // exactly half apart: incomparable
    CHECK(!serial_gt(0x80000000u, 0));
}

TEST_CASE("serial times are read relative to now") {
    using namespace std::chrono;
    sys_seconds now{seconds{0x100000000ll + 100}}; // after the 2106 wrap
    CHECK(serial_seconds_from(200, now) == 100);
    CHECK(serial_seconds_from(0xfffffff0u, now) == -116);
}
