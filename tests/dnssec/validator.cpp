// The validator over signed hierarchies built with the signer: a positive case per
// algorithm and digest type, a test per RFC 8914 reason code, insecure delegations
// (NSEC, NSEC3, opt-out), CNAME and DNAME chains, wildcards, RFC 9276 iteration limits,
// the KeyTrap and NSEC3 hashing regressions, and the incremental interface.
#include <doctest/doctest.h>

#include "dane/dnssec/chain.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dane::dnssec::ede_code;
using dane::dnssec::proof;
using dane::dnssec::security;
using dns::rr_type;

namespace {

// The hierarchy test. (anchored by DS) → sub.test. (signed, DS) and unsigned.test.
// (no DS, proven by NSEC).
struct hierarchy {
    skey_t ksk = make_key("test.");
    skey_t zsk = make_key("test.", crypto::algorithm::ecdsap256sha256, 256);
    skey_t sub_key = make_key("sub.test.");

    std::vector<dns::record> parent_data() const {
        return zone(R"(
test. SOA ns.test. admin.test. 1 3600 600 86400 300
test. NS ns.test.
ns.test. A 192.0.2.1
www.test. A 192.0.2.2
alias.test. CNAME www.test.
dangling.test. CNAME nowhere.test.
*.wild.test. TXT "wild"
sub.test. NS ns.sub.test.
unsigned.test. NS ns.unsigned.test.
ns.unsigned.test. A 192.0.2.9
)");
    }
    std::vector<dns::record> child_data() const {
        return zone(R"(
sub.test. SOA ns.sub.test. admin.test. 1 3600 600 86400 300
sub.test. NS ns.sub.test.
www.sub.test. A 192.0.2.3
)");
    }
    std::vector<dns::record> parent(dnssec::zone_sign_options o = {}) const {
        auto data = parent_data();
        data.push_back(ds_of(sub_key));
        return sign_zone("test.", data, {ksk, zsk}, o);
    }
    std::vector<dns::record> child() const {
        return sign_zone("sub.test.", child_data(), {sub_key});
    }
    dnssec::trust_anchors anchors() const { return anchor_ds(ksk); }
};

hierarchy& shared() {
    static hierarchy h;
    return h;
}

std::vector<dnssec::rrset_result> validate(const dnssec::trust_anchors& a,
                                           const std::vector<dns::record>& records) {
    validator_t v(backend(), a, test_now());
    REQUIRE(v.add(records).has_value());
    return v.validate_all();
}

dnssec::answer_result answer(const dnssec::trust_anchors& a,
                             const std::vector<dns::record>& records, std::string_view qname,
                             rr_type qtype) {
    validator_t v(backend(), a, test_now());
    REQUIRE(v.add(records).has_value());
    return v.validate_answer(dn(qname), qtype);
}

std::string describe(const dnssec::rrset_result& r) {
    return r.rrset.owner.to_string() + " " + dns::to_string(r.rrset.type) + " " +
           verdict_text(r.verdict);
}

// Records of `all` except those of owner/type (and their RRSIGs).
std::vector<dns::record> without(const std::vector<dns::record>& all, std::string_view owner,
                                 rr_type type) {
    std::vector<dns::record> out;
    for (const auto& r : all) {
        bool match = r.owner == dn(owner) &&
                     (r.type == type ||
                      (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == type));
        if (!match) out.push_back(r);
    }
    return out;
}
std::vector<dns::record> only_rrsigs_removed(const std::vector<dns::record>& all,
                                             std::string_view owner, rr_type type) {
    std::vector<dns::record> out;
    for (const auto& r : all)
        if (!(r.owner == dn(owner) && r.type == rr_type::rrsig &&
              dnssec::rrsig_type_covered(r.rdata) == type))
            out.push_back(r);
    return out;
}

} // namespace

TEST_CASE("a signed hierarchy validates: every authoritative RRset is secure") {
    auto& h = shared();
    auto all = validate(h.anchors(), cat({h.parent(), h.child()}));
    for (const auto& r : all) {
        if ((r.rrset.owner == dn("unsigned.test.") && r.rrset.type != rr_type::nsec) ||
            r.rrset.owner == dn("ns.unsigned.test.") ||
            (r.rrset.type == rr_type::ns && r.rrset.signatures.empty()))
            CHECK(r.verdict.state == security::insecure);
        else
            CHECK_MESSAGE(r.verdict.secure(), describe(r));
    }
    CHECK(find_result(all, "www.sub.test.", rr_type::a).verdict.secure());
    auto u = find_result(all, "ns.unsigned.test.", rr_type::a);
    CHECK(u.verdict.state == security::insecure);
}

TEST_CASE("answers: data, CNAME, NXDOMAIN, NODATA, wildcard, no DS") {
    auto& h = shared();
    auto records = cat({h.parent(), h.child()});
    auto a = answer(h.anchors(), records, "www.test.", rr_type::a);
    CHECK(a.proven == proof::answer);
    CHECK(a.verdict.secure());
    a = answer(h.anchors(), records, "alias.test.", rr_type::a);
    CHECK(a.proven == proof::cname);
    CHECK(a.verdict.secure());
    a = answer(h.anchors(), records, "nope.test.", rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.verdict.secure());
    a = answer(h.anchors(), records, "www.test.", rr_type::mx);
    CHECK(a.proven == proof::nodata);
    CHECK(a.verdict.secure());
    a = answer(h.anchors(), records, "dangling.test.", rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.verdict.secure());
    a = answer(h.anchors(), records, "x.unsigned.test.", rr_type::a);
    CHECK(a.proven == proof::no_ds);
    CHECK(a.verdict.state == security::insecure);
    a = answer(h.anchors(), records, "www.sub.test.", rr_type::a);
    CHECK(a.proven == proof::answer);
    CHECK(a.verdict.secure());
}

TEST_CASE("a verify-only backend (no private_key, generate_key or sign) runs the validator") {
    static_assert(crypto::verifier_backend<counting_backend>);
    static_assert(!crypto::signing_backend<counting_backend>);
    auto& h = shared();
    const counting_backend verify_only{&backend()};
    auto records = cat({h.parent(), h.child()});
    dnssec::validator<counting_backend> v(verify_only, h.anchors(), test_now());
    REQUIRE(v.add(records).has_value());
    auto a = v.validate_answer(dn("www.sub.test."), rr_type::a);
    CHECK(a.proven == proof::answer);
    CHECK(a.verdict.secure());
    a = v.validate_answer(dn("nope.test."), rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.verdict.secure());
    // The verdicts came from the wrapper's verifications.
    CHECK(verify_only.verifies > 0);
    CHECK(verify_only.parses > 0);
    // The RFC 9102 chain builder and its offline check take it too.
    auto chain =
        dnssec::build_chain(verify_only, h.anchors(), test_now(),
                            std::span<const dns::record>(records), dn("www.sub.test."), rr_type::a);
    REQUIRE(chain.has_value());
    auto offline = dnssec::validate_chain(verify_only, h.anchors(), test_now(),
                                          std::span<const dns::record>(*chain), dn("www.sub.test."),
                                          rr_type::a);
    CHECK(offline.verdict.secure());

    // And it fails closed like the full backend: a corrupted signature is bogus.
    auto data = zone("www.test. A 192.0.2.2\n");
    auto o = dnssec::window_around(test_now());
    o.corrupt_signature = true;
    auto bad = cat({h.parent(), data});
    std::erase_if(bad, [](const dns::record& r) {
        return r.owner == dn("www.test.") && (r.type == rr_type::a || r.type == rr_type::rrsig);
    });
    auto sig = dnssec::sign_records(signing_backend(), data, h.zsk, o);
    REQUIRE(sig.has_value());
    bad.push_back(*sig);
    dnssec::validator<counting_backend> w(verify_only, h.anchors(), test_now());
    REQUIRE(w.add(bad).has_value());
    CHECK(w.validate_answer(dn("www.test."), rr_type::a).verdict.state == security::bogus);
}

TEST_CASE("wildcard expansion: secure with its proof, bogus without") {
    auto& h = shared();
    auto signed_parent = h.parent();
    // Expand *.wild.test. TXT to a.wild.test.: same RDATA and RRSIG, owner replaced.
    std::vector<dns::record> expanded;
    for (const auto& r : signed_parent)
        if (r.owner == dn("*.wild.test.") &&
            (r.type == rr_type::txt ||
             (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == rr_type::txt))) {
            auto c = r;
            c.owner = dn("a.wild.test.");
            expanded.push_back(c);
        }
    REQUIRE(expanded.size() == 2);
    std::vector<dns::record> nsecs;
    for (const auto& r : signed_parent)
        if (r.type == rr_type::nsec || r.type == rr_type::dnskey || r.type == rr_type::soa ||
            (r.type == rr_type::rrsig && (dnssec::rrsig_type_covered(r.rdata) == rr_type::nsec ||
                                          dnssec::rrsig_type_covered(r.rdata) == rr_type::dnskey ||
                                          dnssec::rrsig_type_covered(r.rdata) == rr_type::soa)))
            nsecs.push_back(r);
    auto a = answer(h.anchors(), cat({expanded, nsecs}), "a.wild.test.", rr_type::txt);
    CHECK(a.proven == proof::wildcard_answer);
    CHECK(a.verdict.secure());
    // Without the NSEC that covers a.wild.test. the expansion is not proven.
    std::vector<dns::record> no_nsec;
    for (const auto& r : nsecs)
        if (r.type != rr_type::nsec &&
            !(r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == rr_type::nsec))
            no_nsec.push_back(r);
    a = answer(h.anchors(), cat({expanded, no_nsec}), "a.wild.test.", rr_type::txt);
    CHECK(a.verdict.state == security::bogus);
    CHECK(a.proven == proof::nothing);
}

TEST_CASE("positive: every supported algorithm") {
    using crypto::algorithm;
    for (auto alg : {algorithm::rsasha1, algorithm::rsasha1_nsec3_sha1, algorithm::rsasha256,
                     algorithm::rsasha512, algorithm::ecdsap256sha256, algorithm::ecdsap384sha384,
                     algorithm::ed25519, algorithm::ed448}) {
        CAPTURE(static_cast<int>(alg));
        if (!backend().supports(alg)) {
            // Unsupported here (Ed448 before Botan 3.4): a DS of it leaves the zone insecure.
            dnssec::trust_anchors a;
            byte_buffer rd{std::byte{0x12}, std::byte{0x34}, std::byte(alg), std::byte{2}};
            rd.resize(4 + 32);
            REQUIRE(a.add_ds(dn("alg.test."), rd).has_value());
            auto r = validate(a, zone("www.alg.test. A 192.0.2.1\nalg.test. NS ns.alg.test.\n"));
            CHECK(r.front().verdict.state == security::insecure);
            CHECK(r.front().verdict.why.code == ede_code::unsupported_dnskey_algorithm);
            continue;
        }
        auto k = dnssec::make_key(signing_backend(), dn("alg.test."), alg, 257, 1024);
        REQUIRE(k.has_value());
        auto records = sign_zone("alg.test.", zone(R"(
alg.test. SOA ns.alg.test. admin.alg.test. 1 3600 600 86400 300
alg.test. NS ns.alg.test.
www.alg.test. A 192.0.2.1
)"),
                                 {*k});
        for (const auto& r : validate(anchor_ds(*k), records))
            CHECK_MESSAGE(r.verdict.secure(), describe(r));
    }
}

TEST_CASE("positive: every DS digest type, and DNSKEY anchors") {
    auto& h = shared();
    auto records = h.parent();
    for (auto t :
         {crypto::digest_type::sha1, crypto::digest_type::sha256, crypto::digest_type::sha384}) {
        auto r = find_result(validate(anchor_ds(h.ksk, t), records), "www.test.", rr_type::a);
        CHECK(r.verdict.secure());
    }
    dnssec::trust_anchors a;
    REQUIRE(a.add(h.ksk.record()).has_value());
    CHECK(find_result(validate(a, records), "www.test.", rr_type::a).verdict.secure());
}

TEST_CASE("RFC 4509 §3: a SHA-256 DS that fails is not rescued by a SHA-1 DS that matches") {
    auto& h = shared();
    dnssec::trust_anchors a = anchor_ds(h.ksk, crypto::digest_type::sha1);
    auto bad = ds_of(h.ksk, crypto::digest_type::sha256);
    bad.rdata.back() ^= std::byte{1};
    REQUIRE(a.add(bad).has_value());
    auto r = find_result(validate(a, h.parent()), "www.test.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code == ede_code::dnskey_missing);
}

TEST_CASE("EDE 1 and 2: unsupported algorithm or digest type in the DS set is insecure") {
    auto& h = shared();
    auto parent_data = h.parent_data();
    // DS for sub.test. with algorithm 3 (DSA, unsupported), then with digest type 3 (GOST).
    for (auto [alg, dt, code] : {std::tuple{3, 2, ede_code::unsupported_dnskey_algorithm},
                                 std::tuple{13, 3, ede_code::unsupported_ds_digest_type}}) {
        byte_buffer rd{std::byte{0x12}, std::byte{0x34}, std::byte(alg), std::byte(dt)};
        rd.resize(4 + 32, std::byte{0xab});
        auto data = parent_data;
        data.push_back(dns::record{dn("sub.test."), rr_type::ds, dns::rr_class::in, 3600, rd});
        auto records = cat({sign_zone("test.", data, {h.ksk, h.zsk}), h.child()});
        auto r = find_result(validate(h.anchors(), records), "www.sub.test.", rr_type::a);
        CHECK(r.verdict.state == security::insecure);
        CHECK(r.verdict.why.code == code);
    }
}

TEST_CASE("EDE 6, 7, 8: corrupt, expired and not yet valid signatures") {
    auto& h = shared();
    auto base = only_rrsigs_removed(h.parent(), "www.test.", rr_type::a);
    auto www = zone("www.test. A 192.0.2.2");
    struct fault {
        dnssec::sign_options o;
        ede_code code;
    };
    auto now = test_now();
    std::vector<fault> faults;
    auto o = dnssec::window_around(now);
    o.corrupt_signature = true;
    faults.push_back({o, ede_code::dnssec_bogus});
    o = dnssec::window_around(now);
    o.inception = now - std::chrono::days(60);
    o.expiration = now - std::chrono::days(1);
    faults.push_back({o, ede_code::signature_expired});
    o = dnssec::window_around(now);
    o.inception = now + std::chrono::days(1);
    faults.push_back({o, ede_code::signature_not_yet_valid});
    o = dnssec::window_around(now);
    o.labels = 1; // a wildcard claim, while the NSEC chain shows that www.test. exists
    faults.push_back({o, ede_code::dnssec_bogus});
    o = dnssec::window_around(now);
    o.signer = dn("other.");
    faults.push_back({o, ede_code::dnssec_bogus});
    o = dnssec::window_around(now);
    o.key_tag = static_cast<std::uint16_t>(h.zsk.tag() + 1);
    faults.push_back({o, ede_code::dnskey_missing});
    for (const auto& f : faults) {
        auto records = base;
        records.push_back(sign(www, h.zsk, f.o));
        auto r = find_result(validate(h.anchors(), records), "www.test.", rr_type::a);
        CHECK(r.verdict.state == security::bogus);
        CHECK(r.verdict.why.code == f.code);
    }
}

TEST_CASE("EDE 9: DS that matches no DNSKEY; EDE 10: RRSIGs missing") {
    auto& h = shared();
    auto other = make_key("test.");
    auto r = find_result(validate(anchor_ds(other), h.parent()), "www.test.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code == ede_code::dnskey_missing);

    auto stripped = only_rrsigs_removed(h.parent(), "www.test.", rr_type::a);
    r = find_result(validate(h.anchors(), stripped), "www.test.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code == ede_code::rrsigs_missing);

    // A DNSKEY RRset without its RRSIG: every other RRset of the zone falls with it.
    stripped = only_rrsigs_removed(h.parent(), "test.", rr_type::dnskey);
    r = find_result(validate(h.anchors(), stripped), "www.test.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code == ede_code::rrsigs_missing);
}

TEST_CASE("EDE 11: a key without the zone flag cannot sign") {
    auto& h = shared();
    auto nonzone = make_key("test.", crypto::algorithm::ecdsap256sha256, 0);
    auto data = h.parent_data();
    data.push_back(nonzone.record());
    auto records = sign_zone("test.", data, {h.ksk, h.zsk});
    records = only_rrsigs_removed(records, "www.test.", rr_type::a);
    records.push_back(sign(zone("www.test. A 192.0.2.2"), nonzone));
    auto r = find_result(validate(h.anchors(), records), "www.test.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code == ede_code::no_zone_key_bit_set);
}

TEST_CASE("EDE 12: a negative answer without NSEC records; a delegation without DS proof") {
    auto& h = shared();
    auto records = h.parent(dnssec::zone_sign_options{{}, dnssec::denial_kind::none, {}, 3600});
    auto a = answer(h.anchors(), records, "nope.test.", rr_type::a);
    CHECK(a.verdict.state == security::bogus);
    CHECK(a.verdict.why.code == ede_code::nsec_missing);
    CHECK(a.proven == proof::nothing);
    auto r = find_result(validate(h.anchors(), records), "ns.unsigned.test.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code == ede_code::nsec_missing);
}

TEST_CASE("NSEC3: proofs, opt-out, and the RFC 9276 iteration limits (EDE 27)") {
    auto& h = shared();
    dnssec::zone_sign_options o;
    o.denial = dnssec::denial_kind::nsec3;
    auto records = cat({h.parent(o), h.child()});
    auto a = answer(h.anchors(), records, "nope.test.", rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.verdict.secure());
    a = answer(h.anchors(), records, "x.unsigned.test.", rr_type::a);
    CHECK(a.proven == proof::no_ds);
    CHECK(a.verdict.state == security::insecure);

    o.nsec3.opt_out = true;
    records = cat({h.parent(o), h.child()});
    a = answer(h.anchors(), records, "x.unsigned.test.", rr_type::a);
    CHECK(a.proven == proof::no_ds_opt_out);
    CHECK(a.verdict.state == security::insecure);

    o.nsec3.opt_out = false;
    o.nsec3.iterations = 101;
    a = answer(h.anchors(), h.parent(o), "nope.test.", rr_type::a);
    CHECK(a.verdict.state == security::insecure);
    CHECK(a.verdict.why.code == ede_code::unsupported_nsec3_iterations);
    o.nsec3.iterations = 501;
    a = answer(h.anchors(), h.parent(o), "nope.test.", rr_type::a);
    CHECK(a.verdict.state == security::bogus);
    CHECK(a.verdict.why.code == ede_code::unsupported_nsec3_iterations);
    // The signatures over the NSEC3 records are checked first (RFC 9276 §3.2): corrupt
    // ones make the answer bogus for lack of a proof, not insecure.
    o.nsec3.iterations = 101;
    auto recs = h.parent(o);
    for (auto& r : recs)
        if (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == rr_type::nsec3)
            r.rdata.back() ^= std::byte{1};
    a = answer(h.anchors(), recs, "nope.test.", rr_type::a);
    CHECK(a.verdict.state == security::bogus);
}

TEST_CASE("no trust anchor above the data: insecure, with its own reason") {
    auto& h = shared();
    dnssec::trust_anchors elsewhere = anchor_ds(make_key("elsewhere."));
    auto r = find_result(validate(elsewhere, h.parent()), "www.test.", rr_type::a);
    CHECK(r.verdict.state == security::insecure);
    CHECK(r.verdict.why.text == "no trust anchor above the zone");
}

TEST_CASE("DNAME: a synthesized CNAME is checked against the DNAME") {
    auto& h = shared();
    auto data = h.parent_data();
    auto extra = zone("old.test. DNAME sub.test.\n");
    data.insert(data.end(), extra.begin(), extra.end());
    data.push_back(ds_of(h.sub_key));
    auto records = cat({sign_zone("test.", data, {h.ksk, h.zsk}), h.child(),
                        zone("www.old.test. CNAME www.sub.test.\n")});
    auto a = answer(h.anchors(), records, "www.old.test.", rr_type::a);
    CHECK(a.proven == proof::cname);
    CHECK(a.verdict.secure());
    const auto evil = dn("evil.example.");
    records.back().rdata.assign(evil.wire().begin(), evil.wire().end());
    a = answer(h.anchors(), records, "www.old.test.", rr_type::a);
    CHECK(a.verdict.state == security::bogus);
}

TEST_CASE("CNAME chains are bounded") {
    auto& h = shared();
    std::string text;
    for (int i = 0; i < 40; ++i)
        text += "c" + std::to_string(i) + ".test. CNAME c" + std::to_string(i + 1) + ".test.\n";
    auto data = cat({h.parent_data(), zone(text)});
    auto records = sign_zone("test.", data, {h.ksk, h.zsk});
    auto a = answer(h.anchors(), records, "c0.test.", rr_type::a);
    CHECK(a.verdict.state == security::bogus);
    CHECK(a.work.cut_short);
}

TEST_CASE("KeyTrap (CVE-2023-50387): colliding key tags times many RRSIGs stay bounded") {
    auto& h = shared();
    counting_backend counter{&signing_backend()};
    // A real RSA zone-signing key and 60 variants with the same key tag: adding d to one
    // octet of the modulus and taking it from another octet at the same parity keeps the
    // RFC 4034 Appendix B checksum.
    auto zsk =
        dnssec::make_key(signing_backend(), dn("test."), crypto::algorithm::rsasha256, 256, 1024);
    REQUIRE(zsk.has_value());
    std::vector<dns::record> keys{zsk->record()};
    for (int i = 1; i <= 60; ++i) {
        auto rd = zsk->dnskey;
        std::size_t at = 8 + 2 * static_cast<std::size_t>(i); // inside the modulus
        rd[at] = std::byte(std::to_integer<int>(rd[at]) + 1);
        rd[at + 2] = std::byte(std::to_integer<int>(rd[at + 2]) - 1);
        if (dnssec::key_tag(rd) != zsk->tag()) continue;
        keys.push_back(dns::record{dn("test."), rr_type::dnskey, dns::rr_class::in, 3600, rd});
    }
    REQUIRE(keys.size() > 40);
    auto data = cat({zone("test. SOA ns.test. admin.test. 1 3600 600 86400 300\n"
                          "test. NS ns.test.\n"),
                     keys});
    auto records = sign_zone("test.", data, {h.ksk},
                             dnssec::zone_sign_options{{}, dnssec::denial_kind::none, {}, 3600});
    auto txt = zone("trap.test. TXT \"keytrap\"\n");
    records.insert(records.end(), txt.begin(), txt.end());
    for (int i = 0; i < 60; ++i) {
        auto o = dnssec::window_around(test_now());
        o.corrupt_signature = true;
        o.original_ttl = 3600u + static_cast<std::uint32_t>(i); // distinct RRSIGs
        auto sig = dnssec::sign_records(signing_backend(), txt, *zsk, o);
        REQUIRE(sig.has_value());
        records.push_back(*sig);
    }
    dnssec::validation_limits limits;
    dnssec::validator<counting_backend> v(counter, h.anchors(), test_now(), limits);
    REQUIRE(v.add(records).has_value());
    auto i = std::find_if(v.rrsets().begin(), v.rrsets().end(),
                          [](const auto& s) { return s.type == rr_type::txt; });
    auto r = v.validate_rrset(static_cast<std::size_t>(i - v.rrsets().begin()));
    CHECK(r.verdict.state == security::bogus);
    // Unbounded, this is 60 signatures × 60 keys = 3600 verifications.
    CHECK(counter.verifies <= limits.max_verifications_per_rrset + 1);
    CHECK(v.work().verifications == counter.verifies);
    CHECK(counter.parses <= limits.max_keys_per_tag + 2);
    // And an answer never exceeds its allowance, however many RRsets are in it.
    auto a = v.validate_answer(dn("trap.test."), rr_type::txt);
    CHECK(a.verdict.state == security::bogus);
    CHECK(a.work.verifications <= limits.max_verifications_per_answer);
}

TEST_CASE("NSEC3 hashing stays within the budget for deep QNAMEs (CVE-2023-50868)") {
    auto& h = shared();
    dnssec::zone_sign_options o;
    o.denial = dnssec::denial_kind::nsec3;
    o.nsec3.iterations = 100;
    auto records = h.parent(o);
    std::string qname;
    for (int i = 0; i < 100; ++i)
        qname += "a.";
    qname += "test.";
    validator_t v(backend(), h.anchors(), test_now());
    REQUIRE(v.add(records).has_value());
    auto a = v.validate_answer(dn(qname), rr_type::a);
    CHECK(a.work.nsec3_hashes <= dnssec::denial_limits{}.nsec3_hash_budget);
}

TEST_CASE("incremental: needs() names the DNSKEY and DS RRsets to fetch") {
    auto& h = shared();
    validator_t v(backend(), h.anchors(), test_now());
    auto child = h.child();
    auto www = without(without(child, "sub.test.", rr_type::dnskey), "sub.test.", rr_type::soa);
    REQUIRE(v.add(www).has_value());
    auto a = v.validate_answer(dn("www.sub.test."), rr_type::a);
    CHECK(a.verdict.state == security::bogus);
    auto needs = v.needs();
    CHECK(std::find(needs.begin(), needs.end(),
                    dnssec::need_records{dn("test."), rr_type::dnskey}) != needs.end());
    REQUIRE(v.add(h.parent()).has_value());
    a = v.validate_answer(dn("www.sub.test."), rr_type::a);
    CHECK(a.verdict.state == security::bogus);
    needs = v.needs();
    CHECK(std::find(needs.begin(), needs.end(),
                    dnssec::need_records{dn("sub.test."), rr_type::dnskey}) != needs.end());
    std::vector<dns::record> keys;
    for (const auto& r : child)
        if (r.owner == dn("sub.test.") &&
            (r.type == rr_type::dnskey ||
             (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == rr_type::dnskey)))
            keys.push_back(r);
    REQUIRE(v.add(keys).has_value());
    a = v.validate_answer(dn("www.sub.test."), rr_type::a);
    CHECK(a.verdict.secure());
    CHECK(v.needs().empty());
}

TEST_CASE("TTL of a secure RRset is capped by the original TTL and the signature's lifetime") {
    auto& h = shared();
    auto base = only_rrsigs_removed(h.parent(), "www.test.", rr_type::a);
    auto o = dnssec::window_around(test_now());
    o.expiration = test_now() + std::chrono::seconds(100);
    o.original_ttl = 300;
    base.push_back(sign(zone("www.test. 3600 A 192.0.2.2"), h.zsk, o));
    auto r = find_result(validate(h.anchors(), base), "www.test.", rr_type::a);
    REQUIRE(r.verdict.secure());
    CHECK(r.ttl == 100);
}

TEST_CASE("a whole zone file with a long NSEC chain: proofs pick their records") {
    auto& h = shared();
    std::string text;
    for (int i = 0; i < 150; ++i)
        text += "host" + std::to_string(i) + ".test. A 192.0.2.1\n";
    auto records = sign_zone("test.", cat({h.parent_data(), zone(text)}), {h.ksk, h.zsk});
    validator_t v(backend(), h.anchors(), test_now());
    REQUIRE(v.add(records).has_value());
    auto all = v.validate_all();
    CHECK(find_result(all, "ns.unsigned.test.", rr_type::a).verdict.state == security::insecure);
    auto a = v.validate_answer(dn("host99x.test."), rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.verdict.secure());
    a = v.validate_answer(dn("host7.test."), rr_type::mx);
    CHECK(a.proven == proof::nodata);
    CHECK(a.verdict.secure());
}

TEST_CASE("a zone marked unsigned (negative anchor) is insecure for its reason, keys unread") {
    auto& h = shared();
    auto records = cat({h.parent(), h.child()});
    auto anchors = h.anchors();
    anchors.add_insecure(dn("sub.test."), {ede_code::other, "known unsigned"});
    validator_t v(backend(), anchors, test_now());
    REQUIRE(v.add(records).has_value());
    auto a = v.validate_answer(dn("www.sub.test."), rr_type::a);
    CHECK(a.verdict.state == security::insecure);
    CHECK(a.verdict.why.text == "known unsigned");
    // The parent is untouched.
    CHECK(v.validate_answer(dn("www.test."), rr_type::a).verdict.secure());
    // Merging keeps the mark.
    dnssec::trust_anchors merged;
    merged.merge(anchors);
    REQUIRE(merged.find(dn("sub.test.")));
    CHECK(merged.find(dn("sub.test."))->insecure.has_value());
}

TEST_CASE("known_zone reports what a validation concluded, and computes nothing itself") {
    auto& h = shared();
    auto records = cat({h.parent(), h.child()});
    validator_t v(backend(), h.anchors(), test_now());
    REQUIRE(v.add(records).has_value());
    CHECK_FALSE(v.known_zone(dn("sub.test.")));
    REQUIRE(v.validate_answer(dn("www.sub.test."), rr_type::a).verdict.secure());
    const auto work = v.work().verifications;
    auto z = v.known_zone(dn("sub.test."));
    REQUIRE(z);
    CHECK(z->verdict.secure());
    CHECK(z->dnskey_ttl > 0);
    CHECK(z->ds_ttl > 0);
    CHECK(v.work().verifications == work);
    REQUIRE(v.validate_answer(dn("x.unsigned.test."), rr_type::a).verdict.state ==
            security::insecure);
    auto u = v.known_zone(dn("unsigned.test."));
    REQUIRE(u);
    CHECK(u->proven == proof::no_ds);
    CHECK_FALSE(u->denial.empty());
}
