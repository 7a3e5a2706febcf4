// DS digests and matching (RFC 4034 §5, RFC 4509, RFC 6605 §2), digest preference.
#include <doctest/doctest.h>

#include "dane/dnssec/ds.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;

TEST_CASE("make_ds_rdata and ds_matches for every digest type") {
    auto k = make_key("ds.test.");
    for (auto t :
         {crypto::digest_type::sha1, crypto::digest_type::sha256, crypto::digest_type::sha384}) {
        auto rd = dnssec::make_ds_rdata(backend(), dn("ds.test."), k.dnskey, t);
        REQUIRE(rd.has_value());
        auto ds = dnssec::parse_ds(*rd);
        REQUIRE(ds.has_value());
        CHECK(ds->digest.size() == crypto::digest_size(*crypto::ds_hash(t)));
        CHECK(dnssec::ds_matches(backend(), dn("DS.Test."), *ds, k.dnskey));
        CHECK_FALSE(dnssec::ds_matches(backend(), dn("other.test."), *ds, k.dnskey));
        // A digest cut short is kept, and never matches.
        auto cut = *rd;
        cut.pop_back();
        CHECK_FALSE(
            dnssec::ds_matches(backend(), dn("ds.test."), *dnssec::parse_ds(cut), k.dnskey));
    }
    CHECK_FALSE(
        dnssec::make_ds_rdata(backend(), dn("ds.test."), k.dnskey, crypto::digest_type::gost)
            .has_value());
    CHECK_FALSE(dnssec::parse_ds(byte_buffer(3)).has_value());
}

TEST_CASE("select_ds keeps the strongest supported digest type (RFC 4509 §3)") {
    auto k = make_key("ds.test.");
    std::vector<byte_buffer> set;
    for (auto t : {crypto::digest_type::sha1, crypto::digest_type::sha256})
        set.push_back(*dnssec::make_ds_rdata(backend(), dn("ds.test."), k.dnskey, t));
    dnssec::ds_usability u{};
    auto sel = dnssec::select_ds(backend(), set, &u);
    CHECK(u == dnssec::ds_usability::usable);
    REQUIRE(sel.size() == 1);
    CHECK(sel[0].digest_type == crypto::digest_type::sha256);

    byte_buffer dsa{std::byte{0}, std::byte{1}, std::byte{3}, std::byte{2}};
    byte_buffer gost{std::byte{0}, std::byte{1}, std::byte{13}, std::byte{3}};
    byte_buffer dsa_set[] = {dsa};
    CHECK(dnssec::select_ds(backend(), dsa_set, &u).empty());
    CHECK(u == dnssec::ds_usability::unsupported_algorithm);
    byte_buffer gost_set[] = {gost};
    CHECK(dnssec::select_ds(backend(), gost_set, &u).empty());
    CHECK(u == dnssec::ds_usability::unsupported_digest);
    CHECK(dnssec::select_ds(backend(), std::span<const byte_buffer>(), &u).empty());
    CHECK(u == dnssec::ds_usability::empty);
}
