// Whole signed zones of 1,000+ names, signed by dnssec-signzone (NSEC and NSEC3) and
// ldns-signzone -n (scripts/make-large-zones.sh), validated as `dane verify` does: every
// kind of answer, the same verdict whatever the order of calls, chains built out of the
// whole zone. Also the order and caching rules on a zone signed here, and the cost of
// grouping counted in comparisons.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dane/dnssec/chain.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dane::dnssec::proof;
using dane::dnssec::security;
using dns::rr_type;

namespace {

// The text of tests/data/zones/large/NAME.
std::string large_file(const std::string& name) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    std::string path = std::string(root ? root : ".") + "/tests/data/zones/large/" + name;
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Inside the fixtures' validity window (2025-01-01 to 2035-01-01).
std::chrono::sys_seconds fixture_now() {
    using namespace std::chrono;
    return sys_days{year{2027} / 1 / 1};
}

struct large_zone {
    std::string apex;
    std::vector<dns::record> records;
    dnssec::trust_anchors anchors;
};

large_zone load(const std::string& apex) {
    large_zone z;
    z.apex = apex;
    z.records = zone(large_file(apex + "signed"));
    auto a = dnssec::load_trust_anchors(large_file(apex + "ds"), fixture_now());
    REQUIRE(a.has_value());
    z.anchors = std::move(*a);
    return z;
}

const std::vector<std::string>& fixture_apexes() {
    static const std::vector<std::string> names{"bind-nsec.example.", "bind-nsec3.example.",
                                                "ldns-nsec3.example."};
    return names;
}

struct query {
    std::string name; // relative to the apex
    rr_type type;
    proof proven;
    security state;
};

const std::vector<query>& queries() {
    static const std::vector<query> q{
        {"h5.", rr_type::a, proof::answer, security::secure},
        {"h999.", rr_type::a, proof::answer, security::secure},
        {"alias.", rr_type::a, proof::cname, security::secure},
        {"nohost.", rr_type::a, proof::nxdomain, security::secure},
        {"a.b.c.nohost.", rr_type::aaaa, proof::nxdomain, security::secure},
        {"h500x.", rr_type::a, proof::nxdomain, security::secure},
        {"h5.", rr_type::mx, proof::nodata, security::secure},
        {"h10.", rr_type::aaaa, proof::nodata, security::secure},
        {"ent.", rr_type::a, proof::nodata, security::secure},
        {"x.wild.", rr_type::a, proof::wildcard_nodata, security::secure},
        {"x.deleg.", rr_type::a, proof::no_ds, security::insecure},
        {"deleg.", rr_type::ds, proof::no_ds, security::secure},
        {"", rr_type::mx, proof::answer, security::secure},
        {"", rr_type::aaaa, proof::nodata, security::secure},
    };
    return q;
}

// The expansion of *.wild.APEX TXT at x.wild.APEX, as a server sends it: the records and
// their RRSIG with the owner replaced (RFC 4035 §5.3.4).
std::vector<dns::record> wildcard_expansion(const large_zone& z) {
    std::vector<dns::record> out;
    const auto wild = dn("*.wild." + z.apex);
    for (auto r : z.records)
        if (r.owner == wild &&
            (r.type == rr_type::txt ||
             (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == rr_type::txt))) {
            r.owner = dn("x.wild." + z.apex);
            out.push_back(r);
        }
    REQUIRE(out.size() >= 2);
    return out;
}

// Counts NSEC3 name hashes where they are made: one SHA-1 hasher per name.
struct hash_counting_backend : counting_backend {
    mutable std::size_t hashers = 0;
    result<hasher> make_hasher(crypto::hash_algorithm h) const {
        ++hashers;
        return inner->make_hasher(h);
    }
};
static_assert(crypto::verifier_backend<hash_counting_backend>);

} // namespace

TEST_CASE("zones signed by dnssec-signzone and ldns-signzone: every kind of answer") {
    for (const auto& apex : fixture_apexes()) {
        CAPTURE(apex);
        auto z = load(apex);
        CHECK(z.records.size() > 4000);
        for (const auto& q : queries()) {
            const std::string qname = q.name + apex;
            CAPTURE(qname);
            validator_t v(backend(), z.anchors, fixture_now());
            REQUIRE(v.add(z.records).has_value());
            auto a = v.validate_answer(dn(qname), q.type);
            CHECK(a.proven == q.proven);
            CHECK(a.verdict.state == q.state);
            CHECK_FALSE(a.work.cut_short);
            // Only the records that bear on the name were verified, not the zone's chain.
            CHECK(a.work.verifications <= 12);
            CHECK(a.work.nsec3_hashes <= dn(qname).label_count() + 2);
        }
        // A wildcard answer (the expansion added as a response carries it).
        validator_t v(backend(), z.anchors, fixture_now());
        REQUIRE(v.add(z.records).has_value());
        REQUIRE(v.add(wildcard_expansion(z)).has_value());
        auto a = v.validate_answer(dn("x.wild." + apex), rr_type::txt);
        CHECK(a.proven == proof::wildcard_answer);
        CHECK(a.verdict.secure());
        // Every RRset of the zone file is secure but those below the unsigned delegation.
        for (const auto& r : v.validate_all()) {
            const bool below = r.rrset.owner.is_subdomain_of(dn("deleg." + apex)) &&
                               r.rrset.type != rr_type::nsec && r.rrset.type != rr_type::ds;
            CAPTURE(r.rrset.owner.to_string());
            CHECK(r.verdict.state == (below ? security::insecure : security::secure));
        }
    }
}

TEST_CASE("large zones: the verdict is the same whatever the order of calls") {
    for (const auto& apex : fixture_apexes()) {
        CAPTURE(apex);
        auto z = load(apex);
        // validate_all first.
        validator_t all_first(backend(), z.anchors, fixture_now());
        REQUIRE(all_first.add(z.records).has_value());
        (void)all_first.validate_all();
        // validate_rrset of every denial RRset first.
        validator_t rrset_first(backend(), z.anchors, fixture_now());
        REQUIRE(rrset_first.add(z.records).has_value());
        for (std::size_t i = 0; i < rrset_first.rrsets().size(); ++i)
            if (rrset_first.rrsets()[i].type == rr_type::nsec ||
                rrset_first.rrsets()[i].type == rr_type::nsec3)
                CHECK(rrset_first.validate_rrset(i).verdict.secure());
        // One validator asked every question in turn, each twice.
        validator_t shared_v(backend(), z.anchors, fixture_now());
        REQUIRE(shared_v.add(z.records).has_value());
        for (const auto& q : queries()) {
            const std::string qname = q.name + apex;
            CAPTURE(qname);
            // validate_answer first, then again.
            validator_t fresh(backend(), z.anchors, fixture_now());
            REQUIRE(fresh.add(z.records).has_value());
            auto first = fresh.validate_answer(dn(qname), q.type);
            auto again = fresh.validate_answer(dn(qname), q.type);
            auto after_all = all_first.validate_answer(dn(qname), q.type);
            auto after_rrsets = rrset_first.validate_answer(dn(qname), q.type);
            auto in_turn = shared_v.validate_answer(dn(qname), q.type);
            for (const auto* r : {&first, &again, &after_all, &after_rrsets, &in_turn}) {
                CHECK(r->proven == q.proven);
                CHECK(r->verdict.state == q.state);
                CHECK(r->verdict.why.code == first.verdict.why.code);
            }
        }
    }
}

TEST_CASE("large zones: build_chain takes only what the proof needs, and it validates") {
    for (const auto& apex : fixture_apexes()) {
        CAPTURE(apex);
        auto z = load(apex);
        for (const auto& q : queries()) {
            const std::string qname = q.name + apex;
            CAPTURE(qname);
            auto chain = dnssec::build_chain(backend(), z.anchors, fixture_now(), z.records,
                                             dn(qname), q.type);
            REQUIRE(chain.has_value());
            CHECK(chain->size() < 40);
            auto a =
                dnssec::validate_chain(backend(), z.anchors, fixture_now(),
                                       std::span<const dns::record>(*chain), dn(qname), q.type);
            CHECK(a.proven == q.proven);
            CHECK(a.verdict.state == q.state);
        }
    }
}

TEST_CASE("build_chain hashes NSEC3 names within the validator's budget, each once") {
    for (const auto& apex :
         {std::string("bind-nsec3.example."), std::string("ldns-nsec3.example.")}) {
        CAPTURE(apex);
        auto z = load(apex);
        for (const auto& q : queries()) {
            const std::string qname = q.name + apex;
            CAPTURE(qname);
            hash_counting_backend b{{&signing_backend()}};
            auto chain =
                dnssec::build_chain(b, z.anchors, fixture_now(), z.records, dn(qname), q.type);
            REQUIRE(chain.has_value());
            // The proof's names, hashed once (a hash per record and name made thousands).
            CHECK(b.hashers <= dn(qname).label_count() + 2);
            CHECK(b.hashers <= dnssec::denial_limits{}.nsec3_hash_budget);
        }
    }
}

TEST_CASE("record selection fails closed: a forged NSEC next to the real one") {
    auto z = load("bind-nsec.example.");
    const auto owner = dn("h500.bind-nsec.example.");
    // A second NSEC at the owner of the record that covers h500a, claiming a span of its
    // own, with the real record's RRSIG (which cannot verify it).
    auto forged = zone("h500.bind-nsec.example. 300 NSEC h500b.bind-nsec.example. A RRSIG NSEC");
    std::vector<dns::record> genuine_nsec, rest;
    for (const auto& r : z.records) {
        const bool nsec_part =
            r.owner == owner &&
            (r.type == rr_type::nsec ||
             (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == rr_type::nsec));
        (nsec_part ? genuine_nsec : rest).push_back(r);
    }
    REQUIRE(genuine_nsec.size() == 2);
    for (const auto& r : genuine_nsec)
        if (r.type == rr_type::rrsig) forged.push_back(r);
    // Both: the forged one is left out, the real one proves the name error.
    validator_t both(backend(), z.anchors, fixture_now());
    REQUIRE(both.add(z.records).has_value());
    REQUIRE(both.add(forged).has_value());
    auto a = both.validate_answer(dn("h500a.bind-nsec.example."), rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.verdict.secure());
    // Only the forged one: no proof.
    validator_t only_forged(backend(), z.anchors, fixture_now());
    REQUIRE(only_forged.add(rest).has_value());
    REQUIRE(only_forged.add(forged).has_value());
    a = only_forged.validate_answer(dn("h500a.bind-nsec.example."), rr_type::a);
    CHECK(a.proven == proof::nothing);
    CHECK(a.verdict.state == security::bogus);
}

TEST_CASE("a 150-name NSEC zone signed here: validate_answer before or after validate_all") {
    auto ksk = make_key("test.");
    std::string text = "test. SOA ns.test. admin.test. 1 3600 600 86400 300\ntest. NS ns.test.\n";
    for (int i = 0; i < 150; ++i)
        text += "host" + std::to_string(i) + ".test. A 192.0.2.1\n";
    for (auto kind : {dnssec::denial_kind::nsec, dnssec::denial_kind::nsec3}) {
        dnssec::zone_sign_options o;
        o.denial = kind;
        auto records = sign_zone("test.", zone(text), {ksk}, o);
        for (auto [qname, qtype, proven] :
             {std::tuple{"host99x.test.", rr_type::a, proof::nxdomain},
              std::tuple{"host7.test.", rr_type::mx, proof::nodata},
              std::tuple{"host7.test.", rr_type::a, proof::answer}}) {
            const std::string shown = qname;
            CAPTURE(shown);
            validator_t answer_first(backend(), anchor_ds(ksk), test_now());
            REQUIRE(answer_first.add(records).has_value());
            auto a1 = answer_first.validate_answer(dn(qname), qtype);
            (void)answer_first.validate_all();
            auto a2 = answer_first.validate_answer(dn(qname), qtype);
            validator_t all_first(backend(), anchor_ds(ksk), test_now());
            REQUIRE(all_first.add(records).has_value());
            (void)all_first.validate_all();
            auto a3 = all_first.validate_answer(dn(qname), qtype);
            for (const auto* a : {&a1, &a2, &a3}) {
                CHECK(a->proven == proven);
                CHECK(a->verdict.secure());
            }
        }
    }
}

TEST_CASE("a verdict that a work budget cut short is not kept") {
    auto ksk = make_key("test.");
    auto records = sign_zone("test.", zone(R"(
test. SOA ns.test. admin.test. 1 3600 600 86400 300
test. NS ns.test.
www.test. A 192.0.2.1
)"),
                             {ksk});
    dnssec::validation_limits tight;
    tight.max_verifications_per_answer = 0; // nothing can be verified in one answer
    validator_t v(backend(), anchor_ds(ksk), test_now(), tight);
    REQUIRE(v.add(records).has_value());
    auto a = v.validate_answer(dn("www.test."), rr_type::a);
    CHECK(a.verdict.state == security::bogus);
    CHECK(a.work.cut_short);
    // Asked again, the work is tried again (and cut short again), not read from a cache
    // (a cached verdict would come back with no work done and nothing cut short).
    auto b = v.validate_answer(dn("www.test."), rr_type::a);
    CHECK(b.verdict.state == security::bogus);
    CHECK(b.work.cut_short);
    // validate_all has an allowance per RRset: complete, secure, and kept from then on.
    auto all = v.validate_all();
    CHECK(find_result(all, "www.test.", rr_type::a).verdict.secure());
    auto c = v.validate_answer(dn("www.test."), rr_type::a);
    CHECK(c.verdict.secure());
    CHECK(c.work.verifications == 0);
}

TEST_CASE("NSEC3: hashes are shared by record selection and proofs, within the budget") {
    auto z = load("bind-nsec3.example.");
    validator_t v(backend(), z.anchors, fixture_now());
    REQUIRE(v.add(z.records).has_value());
    // QNAME three labels below the apex: QNAME itself (RFC 5155 §8.4 first looks for a
    // match), the apex (closest encloser), nohost (next closer) and the wildcard at the
    // apex; nothing more, though the zone has 1,000+ NSEC3 records.
    auto a = v.validate_answer(dn("a.b.nohost.bind-nsec3.example."), rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.work.nsec3_hashes == 4);
    // The same question again hashes nothing: the names are in the validator's cache.
    a = v.validate_answer(dn("a.b.nohost.bind-nsec3.example."), rr_type::a);
    CHECK(a.proven == proof::nxdomain);
    CHECK(a.work.nsec3_hashes == 0);
    // A budget too small for the proof: bogus and cut short, never secure.
    dnssec::validation_limits tight;
    tight.denial.nsec3_hash_budget = 1;
    validator_t t(backend(), z.anchors, fixture_now(), tight);
    REQUIRE(t.add(z.records).has_value());
    auto b = t.validate_answer(dn("a.b.nohost.bind-nsec3.example."), rr_type::a);
    CHECK(b.verdict.state == security::bogus);
    CHECK(b.work.cut_short);
    CHECK(b.work.nsec3_hashes <= 1);
}

TEST_CASE("grouping stays linear: a 20,000-record RRset, in one add() or in many") {
    std::vector<dns::record> records;
    const auto owner = dn("big.test.");
    for (std::uint32_t i = 0; i < 20000; ++i)
        records.push_back(dns::record{
            owner, rr_type::a, dns::rr_class::in, 300,
            byte_buffer{std::byte{10}, std::byte(i >> 16), std::byte(i >> 8), std::byte(i)}});
    // Every record again: duplicates are dropped.
    auto twice = cat({records, records});
    dnssec::rrset_grouper g;
    for (const auto& r : twice)
        g.add(r);
    REQUIRE(g.sets().size() == 1);
    CHECK(g.sets()[0].rdatas.size() == 20000);
    // One comparison per duplicate found, a few for hash collisions: linear. A scan for
    // duplicates would make about 2×10^8.
    CHECK(g.comparisons() <= 2 * twice.size());

    dnssec::validation_limits limits;
    validator_t v(backend(), {}, test_now(), limits);
    for (std::size_t i = 0; i < twice.size(); i += 100)
        REQUIRE(v.add(std::span<const dns::record>(twice).subspan(i, 100)).has_value());
    REQUIRE(v.rrsets().size() == 1);
    CHECK(v.rrsets()[0].rdatas.size() == 20000);
    CHECK(v.grouping_comparisons() <= 2 * twice.size());
    // Found by its name and type, not by a scan: the answer is the one RRset.
    auto a = v.validate_answer(owner, rr_type::a);
    REQUIRE(a.rrsets.size() == 1);
    CHECK(a.rrsets[0] == 0);
}

TEST_CASE("incremental grouping matches grouping all at once, RRSIGs before their RRsets too") {
    auto ksk = make_key("test.");
    auto records = sign_zone("test.", zone(R"(
test. SOA ns.test. admin.test. 1 3600 600 86400 300
test. NS ns.test.
www.test. A 192.0.2.1
www.test. A 192.0.2.2
)"),
                             {ksk});
    // RRSIGs first, then the rest in reverse order, one record per add().
    std::vector<dns::record> reordered;
    for (const auto& r : records)
        if (r.type == rr_type::rrsig) reordered.push_back(r);
    for (auto it = records.rbegin(); it != records.rend(); ++it)
        if (it->type != rr_type::rrsig) reordered.push_back(*it);
    validator_t v(backend(), anchor_ds(ksk), test_now());
    for (const auto& r : reordered)
        REQUIRE(v.add(std::span<const dns::record>(&r, 1)).has_value());
    auto grouped = dnssec::group_rrsets(records);
    CHECK(v.rrsets().size() == grouped.size());
    for (const auto& r : v.validate_all())
        CHECK(r.verdict.secure());
    auto a = v.validate_answer(dn("www.test."), rr_type::a);
    CHECK(a.verdict.secure());
    REQUIRE(a.rrsets.size() == 1);
    CHECK(v.rrsets()[a.rrsets[0]].rdatas.size() == 2);
}
