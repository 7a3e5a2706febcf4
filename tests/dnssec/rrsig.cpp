// RRSIG checks of RFC 4035 §5.3.1 one at a time, RFC 1982 time arithmetic, TTL capping
// and the bounds on keys and signatures tried.
#include <doctest/doctest.h>

#include "dane/dnssec/rrsig.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dane::dnssec::ede_code;
using dns::rr_type;

namespace {

dnssec::rrset rrset_of(const std::vector<dns::record>& records) {
    auto sets = dnssec::group_rrsets(records);
    REQUIRE(sets.size() == 1);
    return sets[0];
}

dnssec::rrset_verification check(const std::vector<dns::record>& data, const dns::record& sig,
                                 const skey_t& key, std::chrono::sys_seconds now = test_now(),
                                 std::string_view zone_name = "rr.test.") {
    auto set = rrset_of(data);
    set.signatures.push_back(sig.rdata);
    byte_buffer keys[] = {key.dnskey};
    return dnssec::verify_rrset(backend(), set, dn(zone_name), keys, now);
}

} // namespace

TEST_CASE("parse_rrsig and parse_dnskey") {
    auto k = make_key("rr.test.");
    auto sig = sign(zone("www.rr.test. A 192.0.2.1"), k);
    auto s = dnssec::parse_rrsig(sig.rdata);
    REQUIRE(s.has_value());
    CHECK(s->type_covered == rr_type::a);
    CHECK(s->labels == 3);
    CHECK(s->signer == dn("rr.test."));
    CHECK(s->prefix_size + s->signature.size() == sig.rdata.size());
    CHECK_FALSE(dnssec::parse_rrsig(byte_buffer(18)).has_value());
    auto f = dnssec::parse_dnskey(k.dnskey);
    REQUIRE(f.has_value());
    CHECK(f->zone_key());
    CHECK(f->sep());
    CHECK(f->usable_for_rrsig());
    CHECK_FALSE(dnssec::parse_dnskey(byte_buffer(3)).has_value());
}

TEST_CASE("every §5.3.1 check, one fault at a time") {
    auto k = make_key("rr.test.");
    auto data = zone("www.rr.test. A 192.0.2.1");
    auto ok = check(data, sign(data, k), k);
    CHECK(ok.verdict.secure());
    CHECK(ok.verifications == 1);
    CHECK_FALSE(ok.wildcard);

    auto o = dnssec::window_around(test_now());
    o.type_covered = rr_type::aaaa; // an RRSIG for another type covers nothing here
    {
        auto set = rrset_of(data);
        auto sig = sign(data, k, o);
        CHECK(dnssec::rrsig_type_covered(sig.rdata) == rr_type::aaaa);
        set.signatures.push_back(sig.rdata);
        byte_buffer keys[] = {k.dnskey};
        CHECK(dnssec::verify_rrset(backend(), set, dn("rr.test."), keys, test_now())
                  .verdict.why.text == "RRSIG labels field exceeds the owner's labels");
    }
    // Signer other than the zone.
    CHECK(check(data, sign(data, k), k, test_now(), "test.").verdict.why.text ==
          "RRSIG signer is not the zone of the RRset");
    // Labels above the owner's.
    o = dnssec::window_around(test_now());
    o.labels = 4;
    CHECK(check(data, sign(data, k, o), k).verdict.why.text ==
          "RRSIG labels field exceeds the owner's labels");
    // Time window, in RFC 1982 arithmetic.
    o = dnssec::window_around(test_now());
    CHECK(check(data, sign(data, k, o), k, test_now() + std::chrono::days(31)).verdict.why.code ==
          ede_code::signature_expired);
    CHECK(check(data, sign(data, k, o), k, test_now() - std::chrono::days(1)).verdict.why.code ==
          ede_code::signature_not_yet_valid);
    // Key tag that matches no key.
    o = dnssec::window_around(test_now());
    o.key_tag = static_cast<std::uint16_t>(k.tag() ^ 1);
    CHECK(check(data, sign(data, k, o), k).verdict.why.code == ede_code::dnskey_missing);
    // A bad signature.
    o = dnssec::window_around(test_now());
    o.corrupt_signature = true;
    CHECK(check(data, sign(data, k, o), k).verdict.why.code == ede_code::dnssec_bogus);
    // A key without the zone flag, and one with protocol 2.
    auto nz = make_key("rr.test.", crypto::algorithm::ecdsap256sha256, 0);
    CHECK(check(data, sign(data, nz), nz).verdict.why.code == ede_code::no_zone_key_bit_set);
    auto p2 = k;
    p2.dnskey[2] = std::byte{2};
    CHECK(check(data, sign(data, k), p2).verdict.why.code == ede_code::dnskey_missing);
}

TEST_CASE("RRSIG times wrap around (RFC 1982, RFC 4034 §3.1.5)") {
    // A window that spans the 2106 wrap of the 32-bit field.
    using namespace std::chrono;
    auto k = make_key("rr.test.");
    auto data = zone("www.rr.test. A 192.0.2.1");
    sys_seconds wrap{seconds{0x100000000LL}};
    auto o = dnssec::window_around(wrap);
    auto sig = sign(data, k, o);
    CHECK(dnssec::parse_rrsig(sig.rdata)->inception > dnssec::parse_rrsig(sig.rdata)->expiration);
    CHECK(check(data, sig, k, wrap).verdict.secure());
    CHECK(check(data, sig, k, wrap + days(40)).verdict.why.code == ede_code::signature_expired);
}

TEST_CASE("TTL cap and wildcard flag") {
    auto k = make_key("rr.test.");
    auto data = zone("www.rr.test. 7200 A 192.0.2.1");
    auto o = dnssec::window_around(test_now());
    o.original_ttl = 600;
    auto r = check(data, sign(data, k, o), k);
    REQUIRE(r.verdict.secure());
    CHECK(r.ttl == 600);
    o.expiration = test_now() + std::chrono::seconds(42);
    CHECK(check(data, sign(data, k, o), k).ttl == 42);
    // Signed as *.rr.test. and served as www.rr.test.
    o = dnssec::window_around(test_now());
    o.labels = 2;
    r = check(data, sign(data, k, o), k);
    CHECK(r.verdict.secure());
    CHECK(r.wildcard);
    CHECK(r.labels == 2);
    // The wildcard RRset at its own name is no expansion.
    auto w = zone("*.rr.test. A 192.0.2.1");
    r = check(w, sign(w, k), k);
    CHECK(r.verdict.secure());
    CHECK_FALSE(r.wildcard);
}

TEST_CASE("signatures and keys tried are bounded") {
    auto k = make_key("rr.test.");
    auto data = zone("www.rr.test. A 192.0.2.1");
    auto set = rrset_of(data);
    for (int i = 0; i < 20; ++i) {
        auto o = dnssec::window_around(test_now());
        o.corrupt_signature = true;
        o.original_ttl = 100u + static_cast<std::uint32_t>(i);
        set.signatures.push_back(sign(data, k, o).rdata);
    }
    set.signatures.push_back(sign(data, k).rdata); // the good one comes too late
    byte_buffer keys[] = {k.dnskey};
    dnssec::validation_limits limits;
    auto r = dnssec::verify_rrset(backend(), set, dn("rr.test."), keys, test_now(), limits);
    CHECK(r.verdict.state == dnssec::security::bogus);
    CHECK(r.verifications <= limits.max_verifications_per_rrset);
    CHECK(r.cut_short);
}
