#include <doctest/doctest.h>

#include <string>

#include "dane/core/error.hpp"

using namespace dane;

TEST_CASE("located_error: a code, a position where the input has one, and context") {
    located_error wire(core::errc::truncated, 12);
    CHECK(wire == core::errc::truncated);
    CHECK(wire == make_error_code(core::errc::truncated));
    CHECK_FALSE(wire == core::errc::bad_hex);
    CHECK(wire.offset == std::optional<std::size_t>(12));
    CHECK(!wire.line);
    CHECK(wire.message() == "input ends inside a field at offset 12");

    auto text = located_error::at_line(make_error_code(core::errc::bad_number), 3, "bad TTL 'x'");
    CHECK(text.line == std::optional<std::size_t>(3));
    CHECK(text.message() == "line 3: bad TTL 'x'");
    CHECK(located_error::at_line(make_error_code(core::errc::bad_hex), 2).message() ==
          "line 2: malformed hex");

    located_error bare(core::errc::bad_base64);
    CHECK(bare.message() == "malformed base64");
}
