// ASCII case folding and trimming: only A-Z fold, only space, tab, CR and LF are trimmed.
#include <doctest/doctest.h>

#include <string>

#include "dane/core/ascii.hpp"

TEST_CASE("ascii: case folds A-Z only") {
    CHECK(dane::ascii_iequals("MX.Example.NET", "mx.example.net"));
    CHECK_FALSE(dane::ascii_iequals("mx", "mx."));
    // Octets outside A-Z compare exactly (RFC 4343 §3): no folding of Latin-1 letters.
    CHECK_FALSE(dane::ascii_iequals("\xC9", "\xE9"));
    CHECK(dane::ascii_lowercase("Content-Type: Multipart/Report") ==
          "content-type: multipart/report");
    CHECK(dane::ascii_lowercase("\xC9[@`{") == "\xC9[@`{");
}

TEST_CASE("ascii: trim removes spaces, tabs, CR and LF at both ends, nothing inside") {
    CHECK(dane::ascii_trim(" \t\r\n a b \n\t") == "a b");
    CHECK(dane::ascii_trim("") == "");
    CHECK(dane::ascii_trim(" \r\n\t ") == "");
    CHECK(dane::ascii_trim("\va\f") == "\va\f"); // vertical tab and form feed stay
    static_assert(dane::ascii_trim("  x  ") == "x");
}
