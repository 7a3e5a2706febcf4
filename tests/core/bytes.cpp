#include <doctest/doctest.h>

#include "dane/core/bytes.hpp"

using namespace dane;

TEST_CASE("byte_reader reads big-endian fields and stops at the end") {
    const std::uint8_t raw[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
    byte_reader r(as_bytes(raw));
    CHECK(r.u8().value() == 0x12);
    CHECK(r.u16().value() == 0x3456);
    CHECK(r.position() == 3);
    CHECK(r.u32().value() == 0x789abcde);
    CHECK(r.empty());
    CHECK(r.u8().error() == core::errc::truncated);
    byte_reader r2(as_bytes(raw), 5);
    CHECK(r2.u32().error() == core::errc::truncated);
    CHECK(r2.position() == 5); // a failed read consumes nothing
    CHECK(r2.take(2).value().size() == 2);
    CHECK(r2.skip(1).error() == core::errc::truncated);
}

TEST_CASE("byte_writer writes big-endian fields and patches lengths") {
    byte_buffer out;
    byte_writer w(out);
    w.u16(0);
    w.u32(0x01020304);
    w.u48(0x0000aabbccddeeffull);
    w.patch16(0, 0xbeef);
    byte_reader r(out);
    CHECK(r.u16().value() == 0xbeef);
    CHECK(r.u32().value() == 0x01020304);
    CHECK(r.u48().value() == 0xaabbccddeeffull);
}
