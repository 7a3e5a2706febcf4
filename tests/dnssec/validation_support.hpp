// Helpers shared by the validation tests: records from text, a deterministic signing
// backend, a backend that counts its verifications, and signed test hierarchies.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/signer.hpp"
#include "dane/dnssec/validator.hpp"

namespace dnssec_test {

using namespace dane;
using backend_t = crypto::botan_backend;
using skey_t = dnssec::signing_key<backend_t>;

inline dns::name dn(std::string_view text) {
    const dns::name root;
    auto n = dns::name::parse(text, &root);
    REQUIRE_MESSAGE(n.has_value(), text);
    return *n;
}

inline std::vector<dns::record> zone(std::string_view text, std::string_view origin = ".") {
    const auto o = dn(origin);
    auto r = dns::parse_zone(text, &o, 3600);
    REQUIRE_MESSAGE(r.has_value(), r.error().message());
    return *r;
}

inline std::vector<dns::record> cat(std::initializer_list<std::vector<dns::record>> parts) {
    std::vector<dns::record> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The text of a file under tests/data/dnssec/ (the test runner sets DANE_SOURCE_ROOT).
inline std::string data_file(std::string_view name) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    std::string path = std::string(root ? root : ".") + "/tests/data/dnssec/" + std::string(name);
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Signing with fixed seeds, so fixtures repeat run to run.
// Never destroyed: its random number generator holds Botan secure memory, whose pool may
// be gone by the time function-local statics are destroyed at exit.
inline backend_t& signing_backend() {
    static backend_t* b =
        new backend_t(backend_t::deterministic(as_bytes(std::string_view("dane dnssec tests"))));
    return *b;
}
inline const backend_t& backend() {
    return signing_backend();
}

// 2026-01-01, the validation time of the signed fixtures.
inline std::chrono::sys_seconds test_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 1 / 1};
}

inline skey_t make_key(std::string_view zone_name,
                       crypto::algorithm alg = crypto::algorithm::ecdsap256sha256,
                       std::uint16_t flags = 257) {
    auto k = dnssec::make_key(signing_backend(), dn(zone_name), alg, flags);
    REQUIRE(k.has_value());
    return std::move(*k);
}

inline dns::record sign(const std::vector<dns::record>& rrset, const skey_t& key,
                        dnssec::sign_options o = dnssec::window_around(test_now())) {
    auto r = dnssec::sign_records(signing_backend(), rrset, key, o);
    REQUIRE(r.has_value());
    return *r;
}

inline dns::record ds_of(const skey_t& key, crypto::digest_type t = crypto::digest_type::sha256) {
    auto r = dnssec::make_ds(backend(), key.zone, key.dnskey, t);
    REQUIRE(r.has_value());
    return *r;
}

inline dnssec::trust_anchors anchor_ds(const skey_t& key,
                                       crypto::digest_type t = crypto::digest_type::sha256) {
    dnssec::trust_anchors a;
    REQUIRE(a.add(ds_of(key, t)).has_value());
    return a;
}

// A signed zone: records plus its keys' DNSKEY RRset, chain and signatures.
inline std::vector<dns::record> sign_zone(std::string_view zone_name,
                                          const std::vector<dns::record>& records,
                                          const std::vector<skey_t>& keys,
                                          dnssec::zone_sign_options o = {}) {
    if (o.signature.expiration == std::chrono::sys_seconds{})
        o.signature = dnssec::window_around(test_now());
    auto r = dnssec::sign_zone(signing_backend(), dn(zone_name), records,
                               std::span<const skey_t>(keys), o);
    REQUIRE(r.has_value());
    return *r;
}

using validator_t = dnssec::validator<backend_t>;

inline std::string verdict_text(const dnssec::verdict& v) {
    return dnssec::to_string(v);
}

// The result for the RRset owner/type among validate_all()'s results.
inline dnssec::rrset_result find_result(const std::vector<dnssec::rrset_result>& all,
                                        std::string_view owner, dns::rr_type type) {
    for (const auto& r : all)
        if (r.rrset.type == type && r.rrset.owner == dn(owner)) return r;
    FAIL("no RRset " << owner << " " << dns::to_string(type));
    return {};
}

// A backend that counts verifications and parsed keys: the KeyTrap regression asserts
// on what the crypto library was asked to do, not on the validator's own count. It has
// no private_key, generate_key or sign: a verify-only backend.
struct counting_backend {
    using public_key = backend_t::public_key;
    using hasher = backend_t::hasher;
    const backend_t* inner;
    mutable std::size_t verifies = 0;
    mutable std::size_t parses = 0;

    bool supports(crypto::algorithm a) const { return inner->supports(a); }
    bool supports_digest(crypto::digest_type t) const { return inner->supports_digest(t); }
    result<public_key> parse_public_key(crypto::algorithm a, bytes_view k) const {
        ++parses;
        return inner->parse_public_key(a, k);
    }
    result<void> verify(const public_key& k, bytes_view d, bytes_view s) const {
        ++verifies;
        return inner->verify(k, d, s);
    }
    result<void> verify(const public_key& k, std::span<const bytes_view> d, bytes_view s) const {
        ++verifies;
        return inner->verify(k, d, s);
    }
    result<crypto::digest_value> digest(crypto::hash_algorithm h, bytes_view d) const {
        return inner->digest(h, d);
    }
    result<crypto::digest_value> digest(crypto::hash_algorithm h,
                                        std::span<const bytes_view> d) const {
        return inner->digest(h, d);
    }
    result<hasher> make_hasher(crypto::hash_algorithm h) const { return inner->make_hasher(h); }
};
static_assert(crypto::verifier_backend<counting_backend>);
static_assert(!crypto::signing_backend<counting_backend>);

} // namespace dnssec_test

namespace doctest {
template <>
struct StringMaker<dane::dnssec::verdict> {
    static String convert(const dane::dnssec::verdict& v) {
        auto s = dane::dnssec::to_string(v);
        return String(s.data(), static_cast<String::size_type>(s.size()));
    }
};
} // namespace doctest
