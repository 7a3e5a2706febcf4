// Trust decisions that stripping or replacing signatures must not be able to turn into
// "secure" or "insecure": the DNSKEY RRset signed by the key a DS matches (RFC 4035 §5.2,
// §5.3.1), unsigned apex NS RRsets (RFC 4035 §2.2), the owner inside the signer's zone
// (§5.3.1), and keys refused by policy (RSA below the floor, treated as an unsupported
// algorithm: RFC 4035 §5.2, RFC 6840 §5.2).
//
// The zones of tests/data/dnssec/bind/ are made by BIND's dnssec-keygen and
// dnssec-signzone -z (scripts/make-bind-fixtures.sh): the parent example. and the one-key
// child onekey.example., unmodified and with one thing broken per file.
#include <doctest/doctest.h>

#include "dane/dnssec/key_policy.hpp"
#include "dane/dnssec/rrsig.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dane::dnssec::proof;
using dane::dnssec::security;
using dane::dnssec::ede_code;
using dns::rr_type;

namespace {

dnssec::trust_anchors anchors_from(std::string_view text) {
    dnssec::trust_anchors a;
    for (const auto& r : zone(text))
        REQUIRE(a.add(r).has_value());
    REQUIRE_FALSE(a.empty());
    return a;
}
dnssec::trust_anchors parent_anchor() {
    return anchors_from(data_file("bind/parent.ds"));
}
dnssec::trust_anchors child_ds_anchor() {
    return anchors_from(data_file("bind/onekey.ds"));
}

std::vector<dns::record> with_parent(std::string_view child_file) {
    return cat({zone(data_file("bind/parent.signed")), zone(data_file(child_file))});
}

std::vector<dnssec::rrset_result> validate(const dnssec::trust_anchors& a,
                                           const std::vector<dns::record>& records,
                                           std::chrono::sys_seconds now = test_now()) {
    validator_t v(backend(), a, now);
    REQUIRE(v.add(records).has_value());
    return v.validate_all();
}

std::string describe(const dnssec::rrset_result& r) {
    return r.rrset.owner.to_string() + " " + dns::to_string(r.rrset.type) + " " +
           verdict_text(r.verdict);
}

// Every RRset of the child zone at or below onekey.example. (its DS, in the parent, aside).
std::vector<dnssec::rrset_result> child_results(const std::vector<dnssec::rrset_result>& all) {
    std::vector<dnssec::rrset_result> out;
    for (const auto& r : all)
        if (r.rrset.owner.is_subdomain_of(dn("onekey.example.")) && r.rrset.type != rr_type::ds &&
            !(r.rrset.type == rr_type::nsec && r.zone == dn("example.")))
            out.push_back(r);
    REQUIRE(out.size() > 8);
    return out;
}

std::vector<dns::record> without(std::vector<dns::record> records, std::string_view owner,
                                 rr_type type) {
    std::erase_if(records, [&](const dns::record& r) {
        return r.owner == dn(owner) &&
               (r.type == type ||
                (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == type));
    });
    return records;
}

} // namespace

TEST_CASE("BIND one-key zone (dnssec-signzone -z), unmodified: secure from either anchor") {
    for (const auto& anchors : {parent_anchor(), child_ds_anchor()}) {
        auto all = validate(anchors, with_parent("bind/onekey.signed"));
        for (const auto& r : child_results(all))
            CHECK_MESSAGE(r.verdict.secure(), describe(r));
        validator_t v(backend(), anchors, test_now());
        REQUIRE(v.add(with_parent("bind/onekey.signed")).has_value());
        auto a = v.validate_answer(dn("www.onekey.example."), rr_type::a);
        CHECK(a.verdict.secure());
        CHECK(a.proven == proof::answer);
        a = v.validate_answer(dn("onekey.example."), rr_type::ns);
        CHECK_MESSAGE(a.verdict.secure(), verdict_text(a.verdict));
        a = v.validate_answer(dn("nothing.onekey.example."), rr_type::a, dns::rcode::nxdomain);
        CHECK(a.verdict.secure());
        CHECK(a.proven == proof::nxdomain);
    }
}

TEST_CASE("RFC 4035 §5.2: the key a DS matches must sign the DNSKEY RRset (BIND fixtures)") {
    struct broken {
        const char* file;
        ede_code code;
    };
    for (const auto& c : {
             broken{"bind/dnskey-rrsig-removed.signed", ede_code::rrsigs_missing},
             broken{"bind/dnskey-rrsig-expired.signed", ede_code::signature_expired},
             broken{"bind/dnskey-rrsig-future.signed", ede_code::signature_not_yet_valid},
             broken{"bind/dnskey-other-key.signed", ede_code::dnskey_missing},
             broken{"bind/dnskey-foreign-rrsig.signed", ede_code::dnskey_missing},
         }) {
        const std::string file = c.file;
        CAPTURE(file);
        // From the parent's DS, and from the child's DS configured as the anchor: a DS is
        // not a key, so its key must sign the set either way.
        for (const auto& anchors : {parent_anchor(), child_ds_anchor()}) {
            auto all = validate(anchors, with_parent(c.file));
            auto keys = find_result(all, "onekey.example.", rr_type::dnskey);
            CHECK(keys.verdict.state == security::bogus);
            CHECK_MESSAGE(keys.verdict.why.code == c.code, verdict_text(keys.verdict));
            for (const auto& r : child_results(all)) {
                CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
                CHECK(r.verdict.why.code == c.code);
            }
            validator_t v(backend(), anchors, test_now());
            REQUIRE(v.add(with_parent(c.file)).has_value());
            auto a = v.validate_answer(dn("www.onekey.example."), rr_type::a);
            CHECK(a.verdict.state == security::bogus);
            CHECK(a.proven == proof::nothing);
        }
    }
}

TEST_CASE("a configured DNSKEY anchor may stand unsigned; without the Zone flag it verifies "
          "nothing") {
    auto records = with_parent("bind/dnskey-rrsig-removed.signed");
    dns::record key{};
    for (const auto& r : records)
        if (r.type == rr_type::dnskey && r.owner == dn("onekey.example.")) key = r;
    REQUIRE(key.type == rr_type::dnskey);
    dnssec::trust_anchors anchors;
    REQUIRE(anchors.add(key).has_value());
    auto all = validate(anchors, records);
    for (const auto& r : child_results(all))
        CHECK_MESSAGE(r.verdict.secure(), describe(r));

    // The same key with the Zone flag cleared (flags 257 -> 1) as the anchor: bogus, EDE 11.
    dns::record nonzone = key;
    nonzone.rdata[0] = std::byte{0};
    dnssec::trust_anchors bad;
    REQUIRE(bad.add(nonzone).has_value());
    auto changed = records;
    for (auto& r : changed)
        if (r.type == rr_type::dnskey && r.owner == dn("onekey.example.")) r = nonzone;
    for (const auto& r : child_results(validate(bad, changed))) {
        CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
        CHECK(r.verdict.why.code == ede_code::no_zone_key_bit_set);
    }
}

TEST_CASE("RFC 4035 §5.3.3: the DNSKEY RRset's TTL is capped like any other") {
    using namespace std::chrono;
    // Half an hour before every signature of the fixtures expires (2045-01-01).
    const auto now = sys_seconds(sys_days{year{2045} / 1 / 1}) - seconds(1800);
    auto all = validate(parent_anchor(), with_parent("bind/onekey.signed"), now);
    auto keys = find_result(all, "onekey.example.", rr_type::dnskey);
    REQUIRE(keys.verdict.secure());
    CHECK(keys.rrset.ttl == 3600);
    CHECK(keys.ttl == 1800);
    CHECK(find_result(all, "example.", rr_type::dnskey).ttl == 1800);
    // Well inside the window: the RRset's own TTL.
    all = validate(parent_anchor(), with_parent("bind/onekey.signed"));
    CHECK(find_result(all, "onekey.example.", rr_type::dnskey).ttl == 3600);
}

TEST_CASE("stripped signatures or records give bogus, never insecure (BIND fixtures)") {
    SUBCASE("apex NS without its RRSIG: the child's copy, bogus; a referral's copy is not") {
        auto records = with_parent("bind/apex-ns-rrsig-removed.signed");
        auto ns = find_result(validate(parent_anchor(), records), "onekey.example.", rr_type::ns);
        CHECK(ns.verdict.state == security::bogus);
        CHECK(ns.verdict.why.code == ede_code::rrsigs_missing);
        validator_t v(backend(), parent_anchor(), test_now());
        REQUIRE(v.add(records).has_value());
        auto a = v.validate_answer(dn("onekey.example."), rr_type::ns);
        CHECK(a.verdict.state == security::bogus);
        // Only the apex data removed as well (the child's DNSKEY and SOA): as an answer
        // for the name, NS still comes from the child, whose keys are then missing.
        auto stripped = without(without(records, "onekey.example.", rr_type::dnskey),
                                "onekey.example.", rr_type::soa);
        validator_t w(backend(), parent_anchor(), test_now());
        REQUIRE(w.add(stripped).has_value());
        a = w.validate_answer(dn("onekey.example."), rr_type::ns);
        CHECK(a.verdict.state == security::bogus);
        CHECK(a.verdict.why.code == ede_code::dnskey_missing);
        CHECK(w.needs() ==
              std::vector<dnssec::need_records>{{dn("onekey.example."), rr_type::dnskey}});
        // The referral alone (the parent zone): its NS is unsigned by design.
        auto referral =
            find_result(validate(parent_anchor(), zone(data_file("bind/parent.signed"))),
                        "onekey.example.", rr_type::ns);
        CHECK(referral.verdict.state == security::insecure);
        CHECK(referral.zone == dn("example."));
    }
    SUBCASE("data without its RRSIG") {
        auto r = find_result(validate(parent_anchor(), with_parent("bind/a-rrsig-removed.signed")),
                             "www.onekey.example.", rr_type::a);
        CHECK(r.verdict.state == security::bogus);
        CHECK(r.verdict.why.code == ede_code::rrsigs_missing);
    }
    SUBCASE("every RRSIG of the child removed") {
        for (const auto& anchors : {parent_anchor(), child_ds_anchor()})
            for (const auto& r :
                 child_results(validate(anchors, with_parent("bind/all-rrsigs-removed.signed"))))
                CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
    }
    SUBCASE("the RRSIG of the DS, or of the parent's DNSKEY RRset, removed") {
        for (auto covered : {rr_type::ds, rr_type::dnskey}) {
            auto records = with_parent("bind/onekey.signed");
            const auto owner = covered == rr_type::ds ? dn("onekey.example.") : dn("example.");
            std::erase_if(records, [&](const dns::record& r) {
                return r.owner == owner && r.type == rr_type::rrsig &&
                       dnssec::rrsig_type_covered(r.rdata) == covered;
            });
            for (const auto& r : child_results(validate(parent_anchor(), records))) {
                CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
                CHECK(r.verdict.why.code == ede_code::rrsigs_missing);
            }
        }
    }
    SUBCASE("the DS removed from the parent: its NSEC says there is one") {
        auto records = without(with_parent("bind/onekey.signed"), "onekey.example.", rr_type::ds);
        for (const auto& r : child_results(validate(parent_anchor(), records)))
            CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
    }
    SUBCASE("the DS and the parent's NSEC at the delegation removed") {
        auto records = without(with_parent("bind/onekey.signed"), "onekey.example.", rr_type::ds);
        std::erase_if(records, [](const dns::record& r) {
            return r.owner == dn("onekey.example.") &&
                   (r.type == rr_type::nsec ||
                    (r.type == rr_type::rrsig &&
                     dnssec::rrsig_type_covered(r.rdata) == rr_type::nsec));
        });
        for (const auto& r : child_results(validate(parent_anchor(), records)))
            CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
    }
    SUBCASE("the child's DNSKEY RRset removed") {
        auto records =
            without(with_parent("bind/onekey.signed"), "onekey.example.", rr_type::dnskey);
        for (const auto& anchors : {parent_anchor(), child_ds_anchor()})
            for (const auto& r : child_results(validate(anchors, records))) {
                CHECK_MESSAGE(r.verdict.state == security::bogus, describe(r));
                CHECK(r.verdict.why.code == ede_code::dnskey_missing);
            }
    }
    SUBCASE("the denial records removed from a negative answer") {
        auto records = zone(data_file("bind/onekey.signed"));
        std::erase_if(records, [](const dns::record& r) {
            return r.type == rr_type::nsec ||
                   (r.type == rr_type::rrsig &&
                    dnssec::rrsig_type_covered(r.rdata) == rr_type::nsec);
        });
        validator_t v(backend(), child_ds_anchor(), test_now());
        REQUIRE(v.add(records).has_value());
        auto a = v.validate_answer(dn("nothing.onekey.example."), rr_type::a);
        CHECK(a.verdict.state == security::bogus);
        a = v.validate_answer(dn("www.onekey.example."), rr_type::txt);
        CHECK(a.verdict.state == security::bogus);
    }
}

TEST_CASE("RFC 4035 §5.3.1: verify_rrset refuses an owner outside the signer's zone") {
    auto k = make_key("example.com.");
    for (const char* owner : {"www.evil.org.", "example.org.", "com.", "."}) {
        CAPTURE(owner);
        auto data = zone(std::string(owner) + " 3600 IN A 192.0.2.1");
        auto o = dnssec::window_around(test_now());
        o.signer = dn("example.com.");
        auto sig = sign(data, k, o);
        auto set = dnssec::group_rrsets(data).at(0);
        set.signatures.push_back(sig.rdata);
        byte_buffer keys[] = {k.dnskey};
        auto r = dnssec::verify_rrset(backend(), set, dn("example.com."), keys, test_now());
        CHECK(r.verdict.state == security::bogus);
        CHECK(r.verdict.why.code == ede_code::dnssec_bogus);
        CHECK(r.verifications == 0);
    }
    // The same signature over a name in the zone verifies.
    auto data = zone("www.example.com. 3600 IN A 192.0.2.1");
    auto set = dnssec::group_rrsets(data).at(0);
    set.signatures.push_back(sign(data, k).rdata);
    byte_buffer keys[] = {k.dnskey};
    CHECK(dnssec::verify_rrset(backend(), set, dn("example.com."), keys, test_now())
              .verdict.secure());
}

namespace {

// Validating with RSA keys below the default floor of 1024 bits.
const backend_t& small_rsa_backend() {
    static const backend_t b(crypto::key_limits{512, 4096, 64});
    return b;
}

std::chrono::sys_seconds at(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}};
}

const char* const refused_512 = "RSA key of 512 bits is below the 1024-bit minimum";

} // namespace

TEST_CASE("policy: RFC 5702 §6.1's 512-bit key is insecure (EDE 1) under the 1024-bit floor") {
    auto records = zone(R"(
example.net. 3600 IN DNSKEY (256 3 8 AwEAAcFcGsaxxdgiuuGmCkVI
    my4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8P kxUdp6p/DlUmObdk= )
www.example.net. 3600 IN A 192.0.2.91
www.example.net. 3600 IN RRSIG (A 8 3 3600 20300101000000
    20000101000000 9033 example.net. kRCOH6u7l0QGy9qpC9
    l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEa cFYK/lPtPiVYP4bwg==)
)");
    CHECK(dnssec::rsa_modulus_bits(dnssec::parse_dnskey(records[0].rdata)->public_key) == 512);
    dnssec::trust_anchors anchors;
    REQUIRE(anchors.add(records[0]).has_value());
    validator_t strict(backend(), anchors, at(2020, 1, 1));
    REQUIRE(strict.add(records).has_value());
    auto r = find_result(strict.validate_all(), "www.example.net.", rr_type::a);
    CHECK(r.verdict.state == security::insecure);
    CHECK(r.verdict.why.code == ede_code::unsupported_dnskey_algorithm);
    CHECK(r.verdict.why.text == refused_512);
    CHECK(verdict_text(r.verdict) == std::string("insecure (") + refused_512 + ")");
    // The key decodes: with the floor at 512 bits it validates.
    validator_t lenient(small_rsa_backend(), anchors, at(2020, 1, 1));
    REQUIRE(lenient.add(records).has_value());
    CHECK(find_result(lenient.validate_all(), "www.example.net.", rr_type::a).verdict.secure());
}

TEST_CASE("policy: the RFC 5155 example zone (512-bit keys) is insecure, or secure at 512") {
    auto example = zone(data_file("rfc5155-example.zone"));
    dnssec::trust_anchors anchors;
    for (const auto& k : example)
        if (k.type == rr_type::dnskey && dnssec::parse_dnskey(k.rdata)->sep())
            REQUIRE(anchors.add(k).has_value());
    REQUIRE_FALSE(anchors.empty());
    validator_t strict(backend(), anchors, at(2010, 1, 1));
    REQUIRE(strict.add(example).has_value());
    std::size_t checked = 0;
    for (const auto& r : strict.validate_all()) {
        if (!r.rrset.owner.is_subdomain_of(dn("example."))) continue;
        ++checked;
        CHECK_MESSAGE(r.verdict.state == security::insecure, describe(r));
        CHECK(r.verdict.why.code == ede_code::unsupported_dnskey_algorithm);
        CHECK(r.verdict.why.text == refused_512);
    }
    CHECK(checked > 20);
    CHECK(strict.zone_verdict(dn("example.")).state == security::insecure);
    validator_t lenient(small_rsa_backend(), anchors, at(2010, 1, 1));
    REQUIRE(lenient.add(example).has_value());
    CHECK(lenient.zone_verdict(dn("example.")).secure());
    CHECK(find_result(lenient.validate_all(), "a.example.", rr_type::ds).verdict.secure());
}

TEST_CASE("policy: a DS to an acceptable key makes refused keys bogus, not insecure") {
    // Zones signed by ldns-signzone with 512-bit RSA keys (scripts/make-weak-rsa-fixtures.sh).
    auto weak = [](const char* file) { return zone(data_file(std::string("weak-rsa/") + file)); };
    auto ksk2048 = anchors_from(data_file("weak-rsa/ksk2048.ds"));
    auto ksk512 = anchors_from(data_file("weak-rsa/ksk512.ds"));
    auto both = anchors_from(data_file("weak-rsa/ksk2048.ds") + data_file("weak-rsa/ksk512.ds"));

    SUBCASE("DS to a 2048-bit KSK, data signed by a 512-bit ZSK: bogus, the reason names both") {
        auto records = weak("weak-zsk.signed");
        auto all = validate(ksk2048, records);
        CHECK(find_result(all, "weak.example.", rr_type::dnskey).verdict.secure());
        auto r = find_result(all, "www.weak.example.", rr_type::a);
        CHECK(r.verdict.state == security::bogus);
        CHECK(r.verdict.why.code == ede_code::dnssec_bogus);
        CHECK(r.verdict.why.text == refused_512);
        validator_t lenient(small_rsa_backend(), ksk2048, test_now());
        REQUIRE(lenient.add(records).has_value());
        for (const auto& res : lenient.validate_all())
            CHECK_MESSAGE(res.verdict.secure(), describe(res));
    }
    SUBCASE("DS only to a 512-bit key: insecure with EDE 1, signatures or not") {
        auto records = weak("weak-only.signed");
        for (const auto& variant : {records, without(records, "www.weak.example.", rr_type::a)})
            for (const auto& r : validate(ksk512, variant)) {
                CHECK_MESSAGE(r.verdict.state == security::insecure, describe(r));
                CHECK(r.verdict.why.code == ede_code::unsupported_dnskey_algorithm);
                CHECK(r.verdict.why.text == refused_512);
            }
        validator_t lenient(small_rsa_backend(), ksk512, test_now());
        REQUIRE(lenient.add(records).has_value());
        for (const auto& res : lenient.validate_all())
            CHECK_MESSAGE(res.verdict.secure(), describe(res));
    }
    SUBCASE("DS to a 512-bit and a 2048-bit key: the weak path does not make it insecure") {
        auto records = weak("weak-and-strong.signed");
        auto all = validate(both, records);
        CHECK(find_result(all, "weak.example.", rr_type::dnskey).verdict.secure());
        auto r = find_result(all, "www.weak.example.", rr_type::a);
        CHECK(r.verdict.state == security::bogus);
        CHECK(r.verdict.why.text == refused_512);
        // The strong key removed from the DNSKEY RRset (its signature with it): its DS then
        // matches nothing, which may not pass for a zone of weak keys only.
        auto strong = zone(data_file("weak-rsa/keys/ksk2048.key")).at(0);
        std::erase_if(records, [&](const dns::record& rec) {
            return (rec.type == rr_type::dnskey && rec.rdata == strong.rdata) ||
                   (rec.type == rr_type::rrsig &&
                    dnssec::parse_rrsig(rec.rdata)->key_tag == dnssec::key_tag(strong.rdata));
        });
        for (const auto& res : validate(both, records))
            CHECK_MESSAGE(res.verdict.state == security::bogus, describe(res));
    }
}

TEST_CASE("policy: rsa_modulus_bits reads RFC 3110 key fields and refuses short ones") {
    auto zsk = zone(data_file("weak-rsa/keys/zsk512.key")).at(0);
    CHECK(dnssec::rsa_modulus_bits(dnssec::parse_dnskey(zsk.rdata)->public_key) == 512);
    auto ksk = zone(data_file("weak-rsa/keys/ksk2048.key")).at(0);
    CHECK(dnssec::rsa_modulus_bits(dnssec::parse_dnskey(ksk.rdata)->public_key) == 2048);
    const std::byte none[] = {std::byte{3}, std::byte{1}, std::byte{0}, std::byte{1}};
    CHECK_FALSE(dnssec::rsa_modulus_bits(none).has_value());
    const std::byte truncated[] = {std::byte{0}, std::byte{0}};
    CHECK_FALSE(dnssec::rsa_modulus_bits(truncated).has_value());
    CHECK_FALSE(dnssec::rsa_modulus_bits({}).has_value());
    const std::byte long_form[] = {std::byte{0}, std::byte{0}, std::byte{1},
                                   std::byte{3}, std::byte{0}, std::byte{0x81}};
    CHECK(dnssec::rsa_modulus_bits(long_form) == 8);
    CHECK(dnssec::policy_refusal_text(backend(), bytes_view(long_form)) ==
          "RSA key of 8 bits is below the 1024-bit minimum");
}
