// Helpers shared by the denial-of-existence tests (nsec.cpp, nsec3.cpp, rfc5155.cpp).
#pragma once

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/proof.hpp"

namespace denial_test {

inline dane::dns::name dn(std::string_view text) {
    auto n = dane::dns::name::parse(text);
    REQUIRE_MESSAGE(n.has_value(), text);
    return *n;
}

// Records from zone-file text; relative names complete with `origin`, TTL 3600.
inline std::vector<dane::dns::record> zone(std::string_view text,
                                           std::string_view origin = "example.") {
    const auto o = dn(origin);
    auto r = dane::dns::parse_zone(text, &o, 3600);
    REQUIRE_MESSAGE(r.has_value(), r.error().message());
    return *r;
}

inline std::vector<dane::dns::record>
concat(std::initializer_list<std::vector<dane::dns::record>> parts) {
    std::vector<dane::dns::record> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline const dane::crypto::botan_backend& backend() {
    static const dane::crypto::botan_backend b;
    return b;
}

} // namespace denial_test

namespace doctest {
template <>
struct StringMaker<dane::dnssec::proof> {
    static String convert(dane::dnssec::proof p) {
        auto s = dane::dnssec::to_string(p);
        return String(s.data(), static_cast<String::size_type>(s.size()));
    }
};
template <>
struct StringMaker<dane::dnssec::security> {
    static String convert(dane::dnssec::security s) {
        switch (s) {
        case dane::dnssec::security::bogus:
            return "bogus";
        case dane::dnssec::security::indeterminate:
            return "indeterminate";
        case dane::dnssec::security::insecure:
            return "insecure";
        case dane::dnssec::security::secure:
            return "secure";
        }
        return "?";
    }
};
} // namespace doctest
