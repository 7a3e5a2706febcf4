// NSEC3 proofs (RFC 5155 §8, RFC 6840 §4, RFC 9276) beyond the RFC 5155 examples: chains
// built here with nsec3_hash, every failure, the iteration limits, parameter handling,
// and the hash budget against the CVE-2023-50868 closest-encloser attack.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dane/core/codec.hpp"
#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "denial_support.hpp"

using namespace dane;
using namespace dane::dnssec;
using denial_test::backend;
using denial_test::concat;
using denial_test::dn;
using denial_test::zone;

namespace {

struct params {
    std::string salt = "-"; // hex, or "-" for none
    std::uint16_t iterations = 0;
    std::uint8_t algorithm = 1;
};

struct node {
    std::string name;  // absolute
    std::string types; // mnemonics, may be empty (an empty non-terminal)
    bool opt_out = false;
};

// An NSEC3 chain over `nodes` of `zone_name` (RFC 5155 §7.1): hash each name, sort by hash,
// link each record to the next, the last to the first. Each record carries the opt-out flag
// of its node.
std::vector<dns::record> chain(std::string_view zone_name, const std::vector<node>& nodes,
                               const params& p = {}) {
    byte_buffer salt;
    if (p.salt != "-") salt = from_hex(p.salt).value();
    std::vector<std::pair<std::string, const node*>> hashed;
    for (const auto& n : nodes) {
        auto h = nsec3_hash_text(backend(), dn(n.name), salt, p.iterations);
        REQUIRE(h.has_value());
        hashed.emplace_back(*h, &n);
    }
    std::sort(hashed.begin(), hashed.end());
    std::string text;
    for (std::size_t i = 0; i < hashed.size(); ++i) {
        const auto& next = hashed[(i + 1) % hashed.size()].first;
        text += hashed[i].first + "." + std::string(zone_name) + " NSEC3 " +
                std::to_string(p.algorithm) + " " + (hashed[i].second->opt_out ? "1" : "0") + " " +
                std::to_string(p.iterations) + " " + p.salt + " " + next + " " +
                hashed[i].second->types + "\n";
    }
    return zone(text, zone_name);
}

// The records of `all` whose hash owner is the hash of one of `names`.
std::vector<dns::record> pick(const std::vector<dns::record>& all,
                              std::initializer_list<std::string_view> names, const params& p = {}) {
    byte_buffer salt;
    if (p.salt != "-") salt = from_hex(p.salt).value();
    std::vector<dns::record> out;
    for (auto n : names) {
        auto h = nsec3_hash_text(backend(), dn(n), salt, p.iterations).value();
        for (const auto& r : all)
            if (dns::name_view(r.owner).first_label() == h) out.push_back(r);
    }
    return out;
}

// The record whose span covers the hash of `name` (it must not be in the chain).
std::vector<dns::record> covering(const std::vector<dns::record>& all, std::string_view name,
                                  const params& p = {}) {
    byte_buffer salt;
    if (p.salt != "-") salt = from_hex(p.salt).value();
    auto h = nsec3_hash(backend(), dn(name), salt, p.iterations).value();
    for (const auto& r : all)
        if (nsec3_covers(parse_nsec3(r).value(), h.bytes())) return {r};
    FAIL("nothing covers ", name);
    return {};
}

// A small signed zone: apex, a host, an empty non-terminal, a wildcard, a signed and an
// unsigned delegation, a DNAME and a CNAME.
std::vector<node> zone_nodes(bool opt_out_unsigned = false) {
    return {
        {"example.", "NS SOA MX RRSIG DNSKEY NSEC3PARAM"},
        {"host.example.", "A AAAA RRSIG"},
        {"ent.example.", ""},
        {"a.ent.example.", "TXT RRSIG"},
        {"w.example.", ""},
        {"*.w.example.", "MX RRSIG"},
        {"signed.example.", "NS DS RRSIG"},
        {"unsigned.example.", "NS", opt_out_unsigned},
        {"d.example.", "DNAME RRSIG"},
        {"alias.example.", "CNAME RRSIG"},
    };
}

const dns::name ex = dns::name::parse("example.").value();

denial_result nxdomain(std::string_view q, const std::vector<dns::record>& rrs,
                       const denial_limits& l = {}) {
    nsec3_budget budget(l);
    return nsec3_prove_nxdomain(backend(), dn(q), ex, rrs, budget, l);
}
denial_result nodata(std::string_view q, dns::rr_type t, const std::vector<dns::record>& rrs,
                     const denial_limits& l = {}) {
    nsec3_budget budget(l);
    return nsec3_prove_nodata(backend(), dn(q), t, ex, rrs, budget, l);
}

void check_proven(const denial_result& r, proof p, security s = security::secure) {
    CHECK(r.proven == p);
    CHECK(r.security == s);
}
void check_nothing(const denial_result& r, ede_code code, security s = security::bogus) {
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == s);
    CHECK(r.why.code == code);
    CHECK_FALSE(r.why.text.empty());
}

} // namespace

TEST_CASE("NSEC3 hashing: salt, iterations, no salt") {
    // RFC 5155 Appendix A with other parameters still agrees with a direct computation.
    auto zero = nsec3_hash(backend(), dn("example."), {}, 0).value();
    auto direct = backend().digest(crypto::hash_algorithm::sha1, dn("example.").wire()).value();
    CHECK(zero == direct);
    auto one = nsec3_hash(backend(), dn("example."), {}, 1).value();
    CHECK(one == backend().digest(crypto::hash_algorithm::sha1, direct.bytes()).value());
    CHECK(nsec3_hash_text(backend(), dn("EXAMPLE."), {}, 0).value() ==
          nsec3_hash_text(backend(), dn("example."), {}, 0).value());
    CHECK(nsec3_hash_text(backend(), dn("example."), {}, 0).value().size() == 32);
}

TEST_CASE("NSEC3 covering with wrap-around, and records that cannot be parsed") {
    auto rec = parse_nsec3(zone("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 0 0 - "
                                "2t7b4g4vsa5smi47k61mv5bv1a22bojr A")
                               .front())
                   .value();
    auto h = [](std::string_view b32) { return from_base32hex(b32).value(); };
    CHECK(nsec3_covers(rec, h("1000000000000000000000000000000g")));
    CHECK_FALSE(nsec3_covers(rec, h("3000000000000000000000000000000g")));
    // The last record: from its owner past the end, and from the start to its next hash.
    auto last = parse_nsec3(zone("t644ebqk9bibcna874givr6joj62mlhv NSEC3 1 0 0 - "
                                 "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A")
                                .front())
                    .value();
    CHECK(nsec3_covers(last, h("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv")));
    CHECK(nsec3_covers(last, h("00000000000000000000000000000000")));
    CHECK_FALSE(nsec3_covers(last, h("1000000000000000000000000000000g")));
    CHECK_FALSE(nsec3_covers(last, last.owner_hash));
    // A chain of one: every hash but its own.
    auto lone = parse_nsec3(zone("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 0 0 - "
                                 "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A")
                                .front())
                    .value();
    CHECK(nsec3_covers(lone, h("00000000000000000000000000000000")));
    CHECK_FALSE(nsec3_covers(lone, lone.owner_hash));
    // A hash of another length never matches or is covered.
    CHECK_FALSE(nsec3_covers(rec, h("10000000")));
    // An owner label that is not base32hex.
    dns::record bad = zone("x NSEC3 1 0 0 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A").front();
    bad.owner = dn("not-base32.example.");
    CHECK_FALSE(parse_nsec3(bad).has_value());
    CHECK_FALSE(parse_nsec3(zone("x A 192.0.2.1").front()).has_value());
}

TEST_CASE("NSEC3 proofs over a chain built here") {
    auto all = chain("example.", zone_nodes());
    // Name error: QNAME below host.example.
    auto r = nxdomain("a.b.host.example.",
                      concat({pick(all, {"host.example."}), covering(all, "b.host.example."),
                              covering(all, "*.host.example.")}));
    check_proven(r, proof::nxdomain);
    CHECK(r.closest_encloser == dn("host.example."));
    // No data, at a host, at an empty non-terminal, at the apex.
    check_proven(nodata("host.example.", dns::rr_type::mx, pick(all, {"host.example."})),
                 proof::nodata);
    check_proven(nodata("ent.example.", dns::rr_type::a, pick(all, {"ent.example."})),
                 proof::nodata);
    check_proven(nodata("example.", dns::rr_type::txt, pick(all, {"example."})), proof::nodata);
    // The bitmap has the type, or CNAME (RFC 6840 §4.3).
    check_nothing(nodata("host.example.", dns::rr_type::a, pick(all, {"host.example."})),
                  ede_code::dnssec_bogus);
    check_nothing(nodata("alias.example.", dns::rr_type::a, pick(all, {"alias.example."})),
                  ede_code::dnssec_bogus);
    // Wildcard no data and wildcard answer.
    auto wild = concat({pick(all, {"w.example.", "*.w.example."}), covering(all, "z.w.example.")});
    r = nodata("a.z.w.example.", dns::rr_type::a, wild);
    check_proven(r, proof::wildcard_nodata);
    CHECK(r.closest_encloser == dn("w.example."));
    check_nothing(nodata("a.z.w.example.", dns::rr_type::mx, wild), ede_code::dnssec_bogus);
    nsec3_budget budget;
    r = nsec3_prove_wildcard_answer(backend(), dn("a.z.w.example."), 2, ex,
                                    covering(all, "z.w.example."), budget);
    check_proven(r, proof::wildcard_answer);
    // A wildcard answer for a name that exists: the next closer name is matched.
    r = nsec3_prove_wildcard_answer(backend(), dn("b.host.example."), 1, ex,
                                    pick(all, {"host.example."}), budget);
    check_nothing(r, ede_code::dnssec_bogus);
    // Missing wildcard proof.
    check_nothing(nxdomain("a.b.host.example.", concat({pick(all, {"host.example."}),
                                                        covering(all, "b.host.example.")})),
                  ede_code::nsec_missing);
    // The existing wildcard makes a name error bogus.
    check_nothing(nxdomain("z.w.example.", wild), ede_code::dnssec_bogus);
}

TEST_CASE("NSEC3 closest encloser: wrong encloser, delegations, DNAME") {
    auto all = chain("example.", zone_nodes());
    // The wrong closest encloser: the apex matched, but the name one label below it on the
    // way to QNAME (host.example) exists, so it is not covered; no proof.
    check_nothing(nxdomain("a.b.host.example.",
                           concat({pick(all, {"example."}), covering(all, "b.host.example."),
                                   covering(all, "*.host.example.")})),
                  ede_code::nsec_missing);
    // A closest encloser that is a delegation (NS without SOA): the names below belong to
    // the child; the parent's NSEC3 cannot deny them (RFC 5155 §8.3, RFC 6840 §4.1).
    check_nothing(nxdomain("www.signed.example.", concat({pick(all, {"signed.example."}),
                                                          covering(all, "www.signed.example."),
                                                          covering(all, "*.signed.example.")})),
                  ede_code::dnssec_bogus);
    // No data at the cut for anything but DS.
    check_nothing(nodata("unsigned.example.", dns::rr_type::a, pick(all, {"unsigned.example."})),
                  ede_code::dnssec_bogus);
    // Below a DNAME.
    check_nothing(
        nxdomain("x.d.example.", concat({pick(all, {"d.example."}), covering(all, "x.d.example."),
                                         covering(all, "*.d.example.")})),
        ede_code::dnssec_bogus);
    // Records of another zone are not used.
    auto other = chain("other.", {{"other.", "NS SOA"}, {"x.other.", "A"}});
    check_nothing(nxdomain("a.b.host.example.", other), ede_code::nsec_missing);
    nsec3_budget budget;
    auto r = nsec3_prove_nxdomain(backend(), dn("q.other."), ex, pick(all, {"example."}), budget);
    check_nothing(r, ede_code::dnssec_bogus); // QNAME outside the zone
}

TEST_CASE("NSEC3 DS denial at delegations") {
    auto all = chain("example.", zone_nodes());
    nsec3_budget budget;
    // An unsigned delegation with its own NSEC3: NS, no DS, no SOA.
    auto r = nsec3_prove_no_ds(backend(), dn("unsigned.example."), ex,
                               pick(all, {"unsigned.example."}), budget);
    check_proven(r, proof::no_ds);
    // A signed delegation: the bitmap has DS.
    r = nsec3_prove_no_ds(backend(), dn("signed.example."), ex, pick(all, {"signed.example."}),
                          budget);
    check_nothing(r, ede_code::dnssec_bogus);
    // Not a delegation: DS no data, but no unsigned delegation.
    check_proven(nodata("host.example.", dns::rr_type::ds, pick(all, {"host.example."})),
                 proof::nodata);
    r = nsec3_prove_no_ds(backend(), dn("host.example."), ex, pick(all, {"host.example."}), budget);
    check_nothing(r, ede_code::dnssec_bogus);
    // Opt-out misuse: a DS denial for a name without a matching NSEC3 needs an opt-out
    // record over the next closer name (RFC 5155 §8.6).
    auto no_match = concat({pick(all, {"example."}), covering(all, "gone.example.")});
    r = nsec3_prove_no_ds(backend(), dn("gone.example."), ex, no_match, budget);
    check_nothing(r, ede_code::dnssec_bogus);
}

TEST_CASE("NSEC3 opt-out: insecure delegations and what opt-out cannot prove") {
    // The unsigned delegation is in an opt-out span: no NSEC3 of its own.
    auto nodes = zone_nodes();
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                               [](const node& n) { return n.name == "unsigned.example."; }),
                nodes.end());
    for (auto& n : nodes)
        n.opt_out = true;
    auto all = chain("example.", nodes);
    auto proof_records = concat({pick(all, {"example."}), covering(all, "unsigned.example.")});
    nsec3_budget budget;
    auto r = nsec3_prove_no_ds(backend(), dn("unsigned.example."), ex, proof_records, budget);
    check_proven(r, proof::no_ds_opt_out, security::insecure);
    CHECK(r.opt_out);
    // RFC 5155 §9.2: a name error whose next closer is in the opt-out span is insecure.
    r = nxdomain("unsigned.example.", concat({proof_records, covering(all, "*.example.")}));
    check_proven(r, proof::nxdomain, security::insecure);
    // An empty non-terminal that leads only to unsigned delegations has no NSEC3 (RFC 5155
    // §7.1): no data there is insecure, not secure.
    r = nodata("unsigned.example.", dns::rr_type::a,
               concat({proof_records, covering(all, "*.example.")}));
    check_proven(r, proof::nodata, security::insecure);
    // Opt-out on a matching record changes nothing: host.example has its own NSEC3.
    check_proven(nodata("host.example.", dns::rr_type::mx, pick(all, {"host.example."})),
                 proof::nodata);
    // Opt-out with a closest encloser that is a delegation is still bogus.
    check_nothing(nsec3_prove_no_ds(backend(), dn("x.signed.example."), ex,
                                    concat({pick(all, {"example.", "signed.example."}),
                                            covering(all, "x.signed.example.")}),
                                    budget),
                  ede_code::dnssec_bogus);
}

TEST_CASE("RFC 9276: iterations limits at 100, 101, 500, 501") {
    auto run = [](std::uint16_t iterations, const denial_limits& l = {}) {
        params p{"aabb", iterations};
        auto all = chain("example.", zone_nodes(), p);
        auto rrs = pick(all, {"host.example."}, p);
        return nodata("host.example.", dns::rr_type::mx, rrs, l);
    };
    CHECK(classify_nsec3_iterations(0) == iterations_class::acceptable);
    CHECK(classify_nsec3_iterations(100) == iterations_class::acceptable);
    CHECK(classify_nsec3_iterations(101) == iterations_class::insecure);
    CHECK(classify_nsec3_iterations(500) == iterations_class::insecure);
    CHECK(classify_nsec3_iterations(501) == iterations_class::bogus);
    CHECK(classify_nsec3_iterations(65535) == iterations_class::bogus);

    auto r = run(100);
    check_proven(r, proof::nodata);
    CHECK(r.nsec3_hashes == 1);
    CHECK(r.nsec3_digests == 101);
    for (std::uint16_t it : {101, 500}) {
        CAPTURE(it);
        r = run(it);
        check_nothing(r, ede_code::unsupported_nsec3_iterations, security::insecure);
        CHECK(r.nsec3_hashes == 0); // classified before any hashing
    }
    r = run(501);
    check_nothing(r, ede_code::unsupported_nsec3_iterations, security::bogus);
    CHECK(r.nsec3_hashes == 0);
    // The limits are configurable.
    denial_limits strict;
    strict.nsec3_iterations_insecure = 0;
    strict.nsec3_iterations_bogus = 10;
    check_nothing(run(1, strict), ede_code::unsupported_nsec3_iterations, security::insecure);
    check_nothing(run(11, strict), ede_code::unsupported_nsec3_iterations, security::bogus);
    check_proven(run(0, strict), proof::nodata);
}

TEST_CASE("NSEC3 parameters: unknown hash algorithm, flags, mixed parameters") {
    auto all = chain("example.", zone_nodes());
    auto host = pick(all, {"host.example."});
    // Only records with an unknown hash algorithm: ignored (RFC 5155 §8.1), so nothing is
    // proven, and the zone is treated as unsigned.
    params unknown;
    unknown.algorithm = 2;
    auto strange = chain("example.", zone_nodes(), unknown);
    auto r = nodata("host.example.", dns::rr_type::mx, strange);
    check_nothing(r, ede_code::other, security::insecure);
    CHECK(r.nsec3_hashes == 0);
    // Known records next to them are used.
    check_proven(nodata("host.example.", dns::rr_type::mx, concat({strange, host})), proof::nodata);
    // Flags other than 0 and 1: ignored (RFC 5155 §8.2).
    auto flagged = host;
    flagged.front().rdata[1] = std::byte{2};
    check_nothing(nodata("host.example.", dns::rr_type::mx, flagged), ede_code::nsec_missing);
    // Different salts or iterations in one answer (RFC 5155 §8.2): bogus.
    params salted{"01", 0};
    auto other = pick(chain("example.", zone_nodes(), salted), {"w.example."}, salted);
    check_nothing(nodata("host.example.", dns::rr_type::mx, concat({host, other})),
                  ede_code::dnssec_bogus);
    // Too many records.
    denial_limits tight;
    tight.max_denial_records = 3;
    check_nothing(nodata("host.example.", dns::rr_type::mx, all, tight), ede_code::dnssec_bogus);
    // No records at all.
    check_nothing(nodata("host.example.", dns::rr_type::mx, {}), ede_code::nsec_missing);
}

TEST_CASE("CVE-2023-50868: a deep QNAME with many labels at high iterations") {
    // The attack: a QNAME of ~120 labels under a zone whose NSEC3 records use the most
    // iterations still accepted, with records that never complete a closest encloser
    // proof, so that a validator hashes every ancestor of QNAME at full cost, again for
    // each proof in the answer.
    std::string q;
    for (int i = 0; i < 118; ++i)
        q += "a.";
    q += "attack.example.";
    REQUIRE(dn(q).label_count() == 120);
    const params p{"aabbccdd", 100};
    // One record whose span is a single hash wide: it matches and covers none of the
    // ancestors of QNAME, so every level of the walk is "unknown" and no proof completes.
    auto h =
        nsec3_hash(backend(), dn("host.example."), from_hex(p.salt).value(), p.iterations).value();
    byte_buffer next(h.bytes().begin(), h.bytes().end());
    next.back() = std::byte(std::to_integer<unsigned>(next.back()) + 1);
    auto rrs = zone(to_base32hex(h.bytes()) + ".example. NSEC3 1 0 100 aabbccdd " +
                        to_base32hex(next) + " A",
                    "example.");
    denial_limits limits; // defaults: 128 hashes per answer
    nsec3_budget budget(limits);
    std::size_t proofs = 0;
    denial_result r;
    // A response that asks for many proofs (e.g. a long CNAME chain) shares one budget.
    for (int i = 0; i < 10; ++i) {
        r = nsec3_prove_nxdomain(backend(), dn(q), dn("example."), rrs, budget, limits);
        ++proofs;
        CHECK(r.security != security::secure);
        CHECK(r.proven == proof::nothing);
    }
    CHECK(budget.hashes <= limits.nsec3_hash_budget);
    CHECK(budget.digests <= limits.nsec3_hash_budget * 101);
    CHECK(r.cut_short); // the later proofs found the budget spent
    MESSAGE("NSEC3 hashes for ", proofs,
            " proofs of a 120-label QNAME at 100 iterations: ", budget.hashes, " (", budget.digests,
            " SHA-1)");

    // A smaller budget stops the walk early.
    nsec3_budget small(10);
    r = nsec3_prove_nxdomain(backend(), dn(q), dn("example."), rrs, small, limits);
    CHECK(r.cut_short);
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == security::bogus);
    CHECK(r.nsec3_hashes == 10);
    CHECK(small.hashes == 10);

    // Above the insecure limit nothing is hashed at all.
    const params high{"aabbccdd", 150};
    auto high_all = chain("example.", {{"example.", "NS SOA RRSIG"}, {"host.example.", "A"}}, high);
    nsec3_budget unused(limits);
    r = nsec3_prove_nxdomain(backend(), dn(q), dn("example."), high_all, unused, limits);
    check_nothing(r, ede_code::unsupported_nsec3_iterations, security::insecure);
    CHECK(unused.hashes == 0);

    // With a real proof the walk stops at the first covered name below the apex, however
    // deep QNAME is: apex, attack.example (covered), the wildcard, and QNAME itself.
    auto zone_all = chain("example.", {{"example.", "NS SOA RRSIG"}, {"host.example.", "A"}}, p);
    nsec3_budget fresh(limits);
    r = nsec3_prove_nxdomain(backend(), dn(q), dn("example."), zone_all, fresh, limits);
    check_proven(r, proof::nxdomain);
    CHECK(r.nsec3_hashes == 4);
}

TEST_CASE("NSEC3 responses through the common front choose NSEC3") {
    auto all = chain("example.", zone_nodes());
    nsec3_budget budget;
    auto r = prove_denial(backend(), dn("host.example."), dns::rr_type::mx, dns::rcode::noerror, ex,
                          pick(all, {"host.example."}), budget);
    check_proven(r, proof::nodata);
    CHECK(budget.hashes == 1);
    r = prove_no_ds(backend(), dn("unsigned.example."), ex, pick(all, {"unsigned.example."}),
                    budget);
    check_proven(r, proof::no_ds);
    r = prove_wildcard_answer(backend(), dn("a.z.w.example."), 2, ex, covering(all, "z.w.example."),
                              budget);
    check_proven(r, proof::wildcard_answer);
    // A broken NSEC next to good NSEC3 records: the NSEC3 proof is used.
    auto mixed =
        concat({zone("host.example. NSEC zz.example. A AAAA MX"), pick(all, {"host.example."})});
    r = prove_denial(backend(), dn("host.example."), dns::rr_type::mx, dns::rcode::noerror, ex,
                     mixed, budget);
    check_proven(r, proof::nodata);
}

namespace {
std::vector<dns::record> signed_zone(std::string_view file) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    std::string path = std::string(root ? root : ".") + "/tests/data/zones/" + std::string(file);
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return zone(text.str(), "example.net.");
}
} // namespace

TEST_CASE("the zone signed by ldns-signzone: every NSEC3 owner is the hash of a name") {
    auto rrs = signed_zone("example.net.nsec3.signed");
    std::vector<std::string> owners;
    for (const auto& r : rrs)
        if (r.type == dns::rr_type::nsec3)
            owners.emplace_back(dns::name_view(r.owner).first_label());
    std::sort(owners.begin(), owners.end());
    // The names of the zone, with its two empty non-terminals (RFC 5155 §7.1).
    std::vector<std::string> expected;
    for (auto n : {"example.net.", "_tls.example.net.", "_smtp._tls.example.net.",
                   "mail.example.net.", "_tcp.mail.example.net.", "_25._tcp.mail.example.net.",
                   "ns1.example.net.", "www.example.net."})
        expected.push_back(nsec3_hash_text(backend(), dn(n), {}, 0).value());
    std::sort(expected.begin(), expected.end());
    CHECK(owners == expected);
}

TEST_CASE("the zone signed by ldns-signzone: proofs with NSEC and with NSEC3") {
    const auto zone_name = dn("example.net.");
    for (std::string_view file : {"example.net.nsec.signed", "example.net.nsec3.signed"}) {
        CAPTURE(file);
        // The whole zone stands in for the authority section: the proofs pick what they
        // need from the NSEC or NSEC3 records and ignore the rest.
        auto rrs = signed_zone(file);
        auto run = [&](std::string_view q, dns::rr_type t, dns::rcode rc) {
            nsec3_budget budget;
            return prove_denial(backend(), dn(q), t, rc, zone_name, rrs, budget);
        };
        check_proven(run("nosuch.example.net.", dns::rr_type::a, dns::rcode::nxdomain),
                     proof::nxdomain);
        auto r = run("a.b.mail.example.net.", dns::rr_type::a, dns::rcode::nxdomain);
        check_proven(r, proof::nxdomain);
        CHECK(r.closest_encloser == dn("mail.example.net."));
        check_proven(run("mail.example.net.", dns::rr_type::txt, dns::rcode::noerror),
                     proof::nodata);
        check_proven(run("_tls.example.net.", dns::rr_type::txt, dns::rcode::noerror),
                     proof::nodata); // an empty non-terminal
        check_proven(run("_tcp.mail.example.net.", dns::rr_type::tlsa, dns::rcode::noerror),
                     proof::nodata);
        check_proven(run("example.net.", dns::rr_type::aaaa, dns::rcode::noerror), proof::nodata);
        // Wrong claims.
        CHECK(run("mail.example.net.", dns::rr_type::a, dns::rcode::noerror).proven ==
              proof::nothing);
        CHECK(run("www.example.net.", dns::rr_type::a, dns::rcode::noerror).proven ==
              proof::nothing); // CNAME in the bitmap
        CHECK(run("mail.example.net.", dns::rr_type::a, dns::rcode::nxdomain).proven ==
              proof::nothing);
        CHECK(run("_tls.example.net.", dns::rr_type::txt, dns::rcode::nxdomain).proven ==
              proof::nothing);
        CHECK(run("nosuch.example.net.", dns::rr_type::a, dns::rcode::noerror).proven ==
              proof::nothing);
        // A wildcard answer: the records show only that no closer name exists; that the
        // wildcard itself exists is shown by the answer's own signature, which the
        // validator checks.
        nsec3_budget budget;
        r = prove_wildcard_answer(backend(), dn("x.nosuch.example.net."), 2, zone_name, rrs,
                                  budget);
        CHECK(r.proven == proof::wildcard_answer);
        // An answer said to come from *.mail.example.net, for a name below an existing one.
        r = prove_wildcard_answer(backend(), dn("x.mail.example.net."), 3, zone_name, rrs, budget);
        CHECK(r.proven == proof::wildcard_answer);
        r = prove_wildcard_answer(backend(), dn("x._25._tcp.mail.example.net."), 2, zone_name, rrs,
                                  budget);
        CHECK(r.proven == proof::nothing); // mail.example.net exists, closer than *.example.net
    }
}
