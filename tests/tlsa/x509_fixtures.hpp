// The certificates scripts/make-x509-fixtures.sh made with `openssl ca` (tests/data/x509/),
// read as DER. The test runner sets DANE_SOURCE_ROOT to the repository.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "dane/core/bytes.hpp"
#include "dane/crypto/x509.hpp"

namespace x509_fixtures {

inline std::string path(const std::string& name) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    REQUIRE_MESSAGE(root != nullptr, "DANE_SOURCE_ROOT is not set");
    return std::string(root) + "/tests/data/x509/" + name;
}

inline std::string text(const std::string& name) {
    // The path is made before the assertion: doctest does not allow one assertion inside
    // another's message (with -s it deadlocks).
    const std::string file = path(name);
    std::ifstream f(file);
    REQUIRE_MESSAGE(f.good(), "cannot read ", file);
    return {std::istreambuf_iterator<char>(f), {}};
}

// The one certificate in tests/data/x509/<name>.pem, as DER.
inline dane::byte_buffer der(const std::string& name) {
    auto blocks = dane::crypto::pem_blocks(text(name + ".pem"), "CERTIFICATE");
    REQUIRE(blocks.has_value());
    REQUIRE(blocks->size() == 1);
    return (*blocks)[0];
}

} // namespace x509_fixtures
