// The signer: NSEC and NSEC3 chains are well formed and prove what they should, whole
// zones validate, every key is usable.
#include <doctest/doctest.h>

#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/signer.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dns::rr_type;

namespace {
const char* zone_text = R"(
sign.test. SOA ns.sign.test. admin.sign.test. 1 3600 600 86400 300
sign.test. NS ns.sign.test.
ns.sign.test. A 192.0.2.1
a.b.c.sign.test. TXT "deep"
deleg.sign.test. NS ns.deleg.sign.test.
ns.deleg.sign.test. A 192.0.2.2
secure.sign.test. NS ns.secure.sign.test.
secure.sign.test. DS 1 13 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
)";
}

TEST_CASE("NSEC chain: canonical order, wrap-around, delegations and glue") {
    auto chain = dnssec::build_nsec_chain(dn("sign.test."), zone(zone_text));
    std::vector<std::string> owners;
    for (const auto& r : chain)
        owners.push_back(r.owner.to_string());
    CHECK(owners == std::vector<std::string>{"sign.test.", "a.b.c.sign.test.", "deleg.sign.test.",
                                             "ns.sign.test.", "secure.sign.test."});
    auto last = dnssec::parse_nsec(chain.back());
    REQUIRE(last.has_value());
    CHECK(last->next == dn("sign.test."));
    auto deleg = dnssec::parse_nsec(chain[2]);
    CHECK(deleg->has(rr_type::ns));
    CHECK_FALSE(deleg->has(rr_type::rrsig)); // unsigned delegation (RFC 4035 §2.3)
    CHECK(dnssec::parse_nsec(chain[4])->has(rr_type::ds));
    CHECK(dnssec::parse_nsec(chain[4])->has(rr_type::rrsig));
    CHECK(dnssec::parse_nsec(chain[0])->has(rr_type::soa));
}

TEST_CASE("NSEC3 chain: empty non-terminals, opt-out, NSEC3PARAM") {
    dnssec::nsec3_options o;
    o.salt = {std::byte{0xaa}, std::byte{0xbb}};
    o.iterations = 3;
    auto chain = dnssec::build_nsec3_chain(backend(), dn("sign.test."), zone(zone_text), o);
    REQUIRE(chain.has_value());
    // apex, ns, a.b.c, b.c and c (empty non-terminals), deleg, secure + NSEC3PARAM
    CHECK(chain->size() == 8);
    CHECK(chain->back().type == rr_type::nsec3param);
    o.opt_out = true;
    auto opt = dnssec::build_nsec3_chain(backend(), dn("sign.test."), zone(zone_text), o);
    REQUIRE(opt.has_value());
    CHECK(opt->size() == 7); // the unsigned delegation is left out
    auto r = dnssec::parse_nsec3(opt->front());
    REQUIRE(r.has_value());
    CHECK(r->opt_out());
    CHECK(r->iterations == 3);
    // Each owner is the hash of a name in the zone, and the chain closes.
    std::set<std::string> hashes;
    for (const auto& x : *chain)
        if (x.type == rr_type::nsec3) hashes.insert(std::string(x.owner.view().first_label()));
    auto h = dnssec::nsec3_hash_text(backend(), dn("b.c.sign.test."), o.salt, 3);
    CHECK(hashes.count(*h) == 1);
}

TEST_CASE("signed zones validate with KSK/ZSK split, NSEC or NSEC3") {
    auto ksk = make_key("sign.test.");
    auto zsk = make_key("sign.test.", crypto::algorithm::ed25519, 256);
    for (auto kind : {dnssec::denial_kind::nsec, dnssec::denial_kind::nsec3}) {
        dnssec::zone_sign_options o;
        o.denial = kind;
        auto records = sign_zone("sign.test.", zone(zone_text), {ksk, zsk}, o);
        // The DNSKEY RRset carries the KSK's signature, the rest the ZSK's.
        for (const auto& r : records) {
            if (r.type != rr_type::rrsig) continue;
            auto s = dnssec::parse_rrsig(r.rdata);
            CHECK(s->key_tag == (s->type_covered == rr_type::dnskey ? ksk.tag() : zsk.tag()));
            CHECK_FALSE(r.owner.is_strict_subdomain_of(dn("deleg.sign.test.")));
        }
        validator_t v(backend(), anchor_ds(ksk), test_now());
        REQUIRE(v.add(records).has_value());
        for (const auto& r : v.validate_all()) {
            bool delegated = r.rrset.owner.is_subdomain_of(dn("deleg.sign.test.")) ||
                             (r.rrset.type == rr_type::ns && r.rrset.signatures.empty());
            bool secure_child = r.rrset.owner == dn("secure.sign.test.") &&
                                r.rrset.type != rr_type::ds && r.rrset.type != rr_type::nsec;
            if (!delegated && !secure_child)
                CHECK_MESSAGE(r.verdict.secure(),
                              (r.rrset.owner.to_string() + " " + dns::to_string(r.rrset.type)));
        }
        auto a = v.validate_answer(dn("x.deleg.sign.test."), rr_type::a);
        CHECK(a.proven == dane::dnssec::proof::no_ds);
        a = v.validate_answer(dn("b.c.sign.test."), rr_type::a);
        CHECK(a.proven == dane::dnssec::proof::nodata);
        CHECK(a.verdict.secure());
    }
}

TEST_CASE("sign_records refuses mixed and empty input; sign_zone refuses foreign keys") {
    auto k = make_key("sign.test.");
    auto mixed = zone("a.sign.test. A 192.0.2.1\nb.sign.test. A 192.0.2.1\n");
    CHECK(dnssec::sign_records(signing_backend(), mixed, k, dnssec::window_around(test_now()))
              .error() == dnssec::errc::mixed_rrset);
    CHECK(dnssec::sign_records(signing_backend(), std::span<const dns::record>(), k,
                               dnssec::window_around(test_now()))
              .error() == dnssec::errc::empty_rrset);
    auto other = make_key("other.test.");
    std::vector<skey_t> keys{other};
    auto r = dnssec::sign_zone(signing_backend(), dn("sign.test."), zone(zone_text),
                               std::span<const skey_t>(keys), dnssec::zone_sign_options{});
    CHECK(r.error() == dnssec::errc::key_not_for_zone);
}
