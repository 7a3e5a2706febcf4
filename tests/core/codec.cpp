#include <doctest/doctest.h>

#include <optional>

#include "dane/core/codec.hpp"

using namespace dane;

namespace {
std::string s(const byte_buffer& b) {
    return std::string(as_chars(b));
}
} // namespace

TEST_CASE("hex round-trips and rejects odd or non-hex text") {
    CHECK(to_hex(as_bytes(std::string_view("\x01\xab\xff", 3))) == "01abff");
    CHECK(s(from_hex("01ABff").value()) == std::string("\x01\xab\xff", 3));
    CHECK(from_hex("").value().empty());
    CHECK(from_hex("abc").error() == core::errc::bad_hex);
    CHECK(from_hex("zz").error() == core::errc::bad_hex);
}

TEST_CASE("base64 follows the RFC 4648 §10 test vectors") {
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; ++i) {
        CHECK(to_base64(as_bytes(std::string_view(plain[i]))) == coded[i]);
        CHECK(s(from_base64(coded[i]).value()) == plain[i]);
    }
    CHECK(from_base64("Zg=").error() == core::errc::bad_base64);
    CHECK(from_base64("Zh==").error() == core::errc::bad_base64); // non-zero unused bits
    CHECK(from_base64("Z!==").error() == core::errc::bad_base64);
    CHECK(from_base64("Zg==Zg==").error() == core::errc::bad_base64); // padding mid-text
}

TEST_CASE("base32hex follows the RFC 4648 §10 test vectors, lowercase and unpadded") {
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* coded[] = {"", "co", "cpng", "cpnmu", "cpnmuog", "cpnmuoj1", "cpnmuoj1e8"};
    for (int i = 0; i < 7; ++i) {
        CHECK(to_base32hex(as_bytes(std::string_view(plain[i]))) == coded[i]);
        CHECK(s(from_base32hex(coded[i]).value()) == plain[i]);
    }
    CHECK(s(from_base32hex("CPNMUOJ1E8").value()) == "foobar");
    CHECK(from_base32hex("c").error() == core::errc::bad_base32hex);
    CHECK(from_base32hex("cw").error() == core::errc::bad_base32hex);
    CHECK(from_base32hex("cp").error() == core::errc::bad_base32hex); // non-zero unused bits
}

TEST_CASE("hex dumps: comments and whitespace skipped, a bad digit reported where it is") {
    auto ok = from_hex_dump("# a comment with 'zz' in it\n00 0c\t84\r\n0 0 ; split octet\n ff");
    REQUIRE(ok.has_value());
    CHECK(to_hex(*ok) == "000c8400ff");
    CHECK(from_hex_dump("").value().empty());
    CHECK(from_hex_dump("# only a comment").value().empty());

    auto bad = from_hex_dump("0011\n22zz33\n");
    REQUIRE(!bad);
    CHECK(bad.error() == core::errc::bad_hex);
    CHECK(bad.error().offset == std::optional<std::size_t>(7));
    CHECK(bad.error().line == std::optional<std::size_t>(2));
    CHECK(bad.error().message() == "line 2: not a hex digit at column 3 (offset 7)");

    auto odd = from_hex_dump("00 11\n2 # the 2 has no pair\n");
    REQUIRE(!odd);
    CHECK(odd.error().offset == std::optional<std::size_t>(6));
    CHECK(odd.error().line == std::optional<std::size_t>(2));
}
