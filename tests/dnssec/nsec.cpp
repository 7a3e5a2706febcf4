// NSEC proofs (RFC 4035 §5.4, RFC 6840 §4.1-4.4) over the NSEC chain of the RFC 4035
// Appendix A zone, with the responses of RFC 4035 Appendix B and every way they can fail.
#include <doctest/doctest.h>

#include <string_view>

#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/nsec.hpp"
#include "denial_support.hpp"

using namespace dane;
using namespace dane::dnssec;
using denial_test::backend;
using denial_test::concat;
using denial_test::dn;
using denial_test::zone;

namespace {

// The NSEC records of RFC 4035 Appendix A, one per owner.
std::vector<dns::record> apex() {
    return zone("example. NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY");
}
std::vector<dns::record> a() {
    return zone("a.example. NSEC ai.example. NS DS RRSIG NSEC");
}
std::vector<dns::record> ai() {
    return zone("ai.example. NSEC b.example. A HINFO AAAA RRSIG NSEC");
}
std::vector<dns::record> b() {
    return zone("b.example. NSEC ns1.example. NS RRSIG NSEC");
}
std::vector<dns::record> ns1() {
    return zone("ns1.example. NSEC ns2.example. A RRSIG NSEC");
}
std::vector<dns::record> ns2() {
    return zone("ns2.example. NSEC *.w.example. A RRSIG NSEC");
}
std::vector<dns::record> wild() {
    return zone("*.w.example. NSEC x.w.example. MX RRSIG NSEC");
}
std::vector<dns::record> xw() {
    return zone("x.w.example. NSEC x.y.w.example. MX RRSIG NSEC");
}
std::vector<dns::record> xyw() {
    return zone("x.y.w.example. NSEC xx.example. MX RRSIG NSEC");
}
std::vector<dns::record> xx() {
    return zone("xx.example. NSEC example. A HINFO AAAA RRSIG NSEC");
}

const dns::name ex = dns::name::parse("example.").value();

denial_result nxdomain(std::string_view q, const std::vector<dns::record>& rrs) {
    return nsec_prove_nxdomain(dn(q), ex, rrs);
}
denial_result nodata(std::string_view q, dns::rr_type t, const std::vector<dns::record>& rrs) {
    return nsec_prove_nodata(dn(q), t, ex, rrs);
}

void check_proven(const denial_result& r, proof p) {
    CHECK(r.proven == p);
    CHECK(r.security == security::secure);
}
void check_nothing(const denial_result& r, ede_code code) {
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == security::bogus);
    CHECK(r.why.code == code);
    CHECK_FALSE(r.why.text.empty());
}

} // namespace

TEST_CASE("NSEC covering in canonical order, with the last record wrapping to the apex") {
    auto rec = [](const std::vector<dns::record>& r) { return parse_nsec(r.front()).value(); };
    CHECK(nsec_covers(rec(b()), dn("ml.example."), ex));
    CHECK(nsec_covers(rec(b()), dn("MC.Example."), ex));        // case does not matter
    CHECK_FALSE(nsec_covers(rec(b()), dn("b.example."), ex));   // the owner matches
    CHECK_FALSE(nsec_covers(rec(b()), dn("ns1.example."), ex)); // the next name exists
    CHECK_FALSE(nsec_covers(rec(b()), dn("ns2.example."), ex));
    // Below the delegation b.example: in canonical order, but the child's business.
    CHECK_FALSE(nsec_covers(rec(b()), dn("mc.b.example."), ex));
    CHECK(nsec_covers(rec(apex()), dn("*.example."), ex));
    CHECK(nsec_covers(rec(xyw()), dn("z.w.example."), ex));
    CHECK(nsec_covers(rec(xyw()), dn("a.z.w.example."), ex));
    // The last NSEC: everything after xx.example up to the end of the zone.
    CHECK(nsec_covers(rec(xx()), dn("zz.example."), ex));
    CHECK(nsec_covers(rec(xx()), dn("a.xx.example."), ex));
    CHECK_FALSE(nsec_covers(rec(xx()), dn("example."), ex));
    CHECK_FALSE(nsec_covers(rec(xx()), dn("a.example."), ex));
    CHECK_FALSE(nsec_covers(rec(xx()), dn("zz.other."), ex)); // outside the zone
    // A zone of one name: its NSEC points to itself and covers every other name.
    auto lone = parse_nsec(zone("example. NSEC example. NS SOA").front()).value();
    CHECK(nsec_covers(lone, dn("anything.example."), ex));
    CHECK_FALSE(nsec_covers(lone, ex, ex));
    CHECK(nsec_matches(rec(ns1()), dn("NS1.example.")));
}

TEST_CASE("NSEC closest encloser comes from the owner and next names") {
    auto rec = [](const std::vector<dns::record>& r) { return parse_nsec(r.front()).value(); };
    CHECK(nsec_closest_encloser(rec(b()), dn("ml.example."), ex) == ex);
    CHECK(nsec_closest_encloser(rec(xyw()), dn("a.z.w.example."), ex) == dn("w.example."));
    CHECK(nsec_closest_encloser(rec(xw()), dn("a.b.x.w.example."), ex) == dn("x.w.example."));
    CHECK(nsec_closest_encloser(rec(xx()), dn("zz.example."), ex) == ex);
    // Never above the zone, whatever the next name says.
    auto odd = parse_nsec(zone("xx.example. NSEC other. A").front()).value();
    CHECK(nsec_closest_encloser(odd, dn("zz.example."), ex) == ex);
}

TEST_CASE("RFC 4035 B.2: name error") {
    auto r = nxdomain("ml.example.", concat({b(), apex()}));
    check_proven(r, proof::nxdomain);
    CHECK(r.closest_encloser == ex);
    // Missing wildcard proof.
    check_nothing(nxdomain("ml.example.", b()), ede_code::nsec_missing);
    // Missing the record that covers QNAME.
    check_nothing(nxdomain("ml.example.", apex()), ede_code::nsec_missing);
    // Nothing at all.
    check_nothing(nxdomain("ml.example.", {}), ede_code::nsec_missing);
    // The last NSEC wraps to the apex.
    check_proven(nxdomain("zz.example.", concat({xx(), apex()})), proof::nxdomain);
    // A name of the zone, a name below an existing name, and an empty non-terminal.
    check_nothing(nxdomain("ns1.example.", concat({ns1(), apex()})), ede_code::dnssec_bogus);
    r = nxdomain("a.b.x.w.example.", concat({xw()}));
    CHECK(r.proven == proof::nxdomain);
    CHECK(r.closest_encloser == dn("x.w.example."));
    check_nothing(nxdomain("y.w.example.", concat({xw(), apex()})), ede_code::dnssec_bogus);
    check_nothing(nxdomain("w.example.", concat({ns2(), apex()})), ede_code::dnssec_bogus);
}

TEST_CASE("RFC 4035 B.3: no data") {
    check_proven(nodata("ns1.example.", dns::rr_type::mx, ns1()), proof::nodata);
    // The bitmap has the type.
    check_nothing(nodata("ns1.example.", dns::rr_type::a, ns1()), ede_code::dnssec_bogus);
    // RFC 6840 §4.3: CNAME in the bitmap.
    auto cname = zone("alias.example. NSEC b.example. CNAME RRSIG NSEC");
    check_nothing(nodata("alias.example.", dns::rr_type::a, cname), ede_code::dnssec_bogus);
    check_nothing(nodata("alias.example.", dns::rr_type::cname, cname), ede_code::dnssec_bogus);
    check_proven(nodata("ai.example.", dns::rr_type::mx, ai()), proof::nodata);
    // No record for the name.
    check_nothing(nodata("ns1.example.", dns::rr_type::mx, apex()), ede_code::nsec_missing);
}

TEST_CASE("no data at an empty non-terminal") {
    // w.example has no records but names below it: the NSEC before it points below it.
    auto r = nodata("w.example.", dns::rr_type::a, ns2());
    check_proven(r, proof::nodata);
    CHECK(r.closest_encloser == dn("w.example."));
    check_proven(nodata("y.w.example.", dns::rr_type::txt, xw()), proof::nodata);
    check_proven(nodata("y.w.example.", dns::rr_type::ds, xw()), proof::nodata);
    // Not an empty non-terminal when the next name is elsewhere.
    check_nothing(nodata("v.example.", dns::rr_type::a, ns2()), ede_code::nsec_missing);
}

TEST_CASE("RFC 4035 B.4: referral to a signed zone proves no missing DS") {
    // The NSEC at a.example lists DS: the delegation is signed.
    check_nothing(nsec_prove_no_ds(dn("a.example."), ex, a()), ede_code::dnssec_bogus);
    // A referral without NSEC: nothing proves the DS absent.
    check_nothing(nsec_prove_no_ds(dn("a.example."), ex, {}), ede_code::nsec_missing);
}

TEST_CASE("RFC 4035 B.5: referral to an unsigned zone") {
    auto r = nsec_prove_no_ds(dn("b.example."), ex, b());
    check_proven(r, proof::no_ds);
    check_proven(nodata("b.example.", dns::rr_type::ds, b()), proof::no_ds);
    // RFC 6840 §4.4: a name without NS is no delegation.
    check_nothing(nsec_prove_no_ds(dn("ns1.example."), ex, ns1()), ede_code::dnssec_bogus);
    // The parent's NSEC at the cut cannot deny anything else at or below it (RFC 6840
    // §4.1): no data for A at b.example, a name error below it.
    check_nothing(nodata("b.example.", dns::rr_type::a, b()), ede_code::dnssec_bogus);
    check_nothing(nxdomain("mc.b.example.", concat({b(), apex()})), ede_code::nsec_missing);
    check_nothing(nodata("mc.b.example.", dns::rr_type::mx, concat({b(), apex()})),
                  ede_code::nsec_missing);
    // A nonexistent name is no delegation either.
    check_nothing(nsec_prove_no_ds(dn("ml.example."), ex, concat({b(), apex()})),
                  ede_code::dnssec_bogus);
}

TEST_CASE("an NSEC at a DNAME cannot deny the names below it") {
    auto d = zone("d.example. NSEC ns1.example. DNAME RRSIG NSEC");
    check_nothing(nxdomain("x.d.example.", concat({d, apex()})), ede_code::nsec_missing);
    check_proven(nodata("d.example.", dns::rr_type::a, d), proof::nodata);
}

TEST_CASE("RFC 4035 B.6: wildcard expansion") {
    auto r = nsec_prove_wildcard_answer(dn("a.z.w.example."), 2, ex, xyw());
    check_proven(r, proof::wildcard_answer);
    CHECK(r.closest_encloser == dn("w.example."));
    // The wrong closest encloser: labels 1 claims *.example, but w.example exists and the
    // NSEC shows it, so *.example cannot have answered.
    check_nothing(nsec_prove_wildcard_answer(dn("a.z.w.example."), 1, ex, xyw()),
                  ede_code::dnssec_bogus);
    // Labels that are no wildcard.
    check_nothing(nsec_prove_wildcard_answer(dn("a.z.w.example."), 4, ex, xyw()),
                  ede_code::dnssec_bogus);
    check_nothing(nsec_prove_wildcard_answer(dn("a.z.w.example."), 0, ex, xyw()),
                  ede_code::dnssec_bogus);
    // No NSEC, or one that does not cover QNAME.
    check_nothing(nsec_prove_wildcard_answer(dn("a.z.w.example."), 2, ex, {}),
                  ede_code::nsec_missing);
    check_nothing(nsec_prove_wildcard_answer(dn("a.z.w.example."), 2, ex, xw()),
                  ede_code::nsec_missing);
    // QNAME exists.
    check_nothing(nsec_prove_wildcard_answer(dn("x.w.example."), 2, ex, xw()),
                  ede_code::dnssec_bogus);
}

TEST_CASE("RFC 4035 B.7: wildcard no data") {
    auto r = nodata("a.z.w.example.", dns::rr_type::aaaa, concat({xyw(), wild()}));
    check_proven(r, proof::wildcard_nodata);
    CHECK(r.closest_encloser == dn("w.example."));
    // The wildcard has MX.
    check_nothing(nodata("a.z.w.example.", dns::rr_type::mx, concat({xyw(), wild()})),
                  ede_code::dnssec_bogus);
    // Missing the wildcard's NSEC, or the one covering QNAME.
    check_nothing(nodata("a.z.w.example.", dns::rr_type::aaaa, xyw()), ede_code::nsec_missing);
    check_nothing(nodata("a.z.w.example.", dns::rr_type::aaaa, wild()), ede_code::nsec_missing);
    // As a name error: the wildcard exists.
    check_nothing(nxdomain("a.z.w.example.", concat({xyw(), wild()})), ede_code::dnssec_bogus);
    // The wrong closest encloser: a covering NSEC for the wildcard one level up does not
    // stand in for the wildcard at w.example.
    check_nothing(nxdomain("z.w.example.", concat({xyw(), apex()})), ede_code::nsec_missing);
}

TEST_CASE("RFC 4035 B.8: DS asked of the child zone") {
    check_nothing(nodata("example.", dns::rr_type::ds, apex()), ede_code::dnssec_bogus);
    check_proven(nodata("example.", dns::rr_type::a, apex()), proof::nodata);
}

TEST_CASE("NSEC proofs refuse names outside the zone and too many records") {
    check_nothing(nsec_prove_nxdomain(dn("ml.other."), ex, concat({b(), apex()})),
                  ede_code::dnssec_bogus);
    // Records of another zone are ignored.
    check_nothing(nsec_prove_nxdomain(dn("ml.example."), dn("other."), concat({b(), apex()})),
                  ede_code::nsec_missing);
    denial_limits tight;
    tight.max_denial_records = 1;
    check_nothing(nsec_prove_nxdomain(dn("ml.example."), ex, concat({b(), apex()}), tight),
                  ede_code::dnssec_bogus);
    // Malformed records and other types are skipped.
    dns::record junk{dn("c.example."), dns::rr_type::nsec, dns::rr_class::in, 0, {std::byte{1}}};
    auto with_junk = concat({b(), apex(), zone("b.example. A 192.0.2.1")});
    with_junk.push_back(junk);
    check_proven(nsec_prove_nxdomain(dn("ml.example."), ex, with_junk), proof::nxdomain);
}

TEST_CASE("NSEC responses through the common front") {
    nsec3_budget budget;
    auto r = prove_denial(backend(), dn("ml.example."), dns::rr_type::a, dns::rcode::nxdomain, ex,
                          concat({b(), apex()}), budget);
    check_proven(r, proof::nxdomain);
    r = prove_denial(backend(), dn("ns1.example."), dns::rr_type::mx, dns::rcode::noerror, ex,
                     ns1(), budget);
    check_proven(r, proof::nodata);
    r = prove_denial(backend(), dn("ns1.example."), dns::rr_type::mx, dns::rcode::servfail, ex,
                     ns1(), budget);
    CHECK(r.proven == proof::nothing);
    r = prove_wildcard_answer(backend(), dn("a.z.w.example."), 2, ex, xyw(), budget);
    check_proven(r, proof::wildcard_answer);
    r = prove_no_ds(backend(), dn("b.example."), ex, b(), budget);
    check_proven(r, proof::no_ds);
    r = prove_denial(backend(), dn("ml.example."), dns::rr_type::a, dns::rcode::nxdomain, ex, {},
                     budget);
    check_nothing(r, ede_code::nsec_missing);
    CHECK(budget.hashes == 0); // NSEC needs no hashing
    CHECK(to_string(proof::wildcard_nodata) == "wildcard-nodata");
    CHECK(to_string(proof::no_ds_opt_out) == "no-ds-opt-out");
}

TEST_CASE("RFC 6840 §4.2: no data for ANY means no RRsets at all") {
    // ns1.example has A: no data for ANY is false.
    check_nothing(nodata("ns1.example.", dns::rr_type::any, ns1()), ede_code::dnssec_bogus);
    // A name with only its NSEC and RRSIG (an empty non-terminal in NSEC3 terms).
    auto bare = zone("bare.example. NSEC ns1.example. RRSIG NSEC");
    check_proven(nodata("bare.example.", dns::rr_type::any, bare), proof::nodata);
    // The wildcard's types answer ANY too.
    check_nothing(nodata("a.z.w.example.", dns::rr_type::any, concat({xyw(), wild()})),
                  ede_code::dnssec_bogus);
    auto bits = parse_nsec(bare.front()).value().types;
    CHECK_FALSE(bitmap_answers(bits, dns::rr_type::any));
    CHECK(bitmap_answers(parse_nsec(ns1().front()).value().types, dns::rr_type::any));
    CHECK(bitmap_answers(parse_nsec(ns1().front()).value().types, dns::rr_type::a));
    CHECK_FALSE(bitmap_answers(parse_nsec(ns1().front()).value().types, dns::rr_type::mx));
    // Types in higher windows.
    auto high = parse_nsec(zone("h.example. NSEC i.example. RRSIG NSEC TYPE1234").front()).value();
    CHECK(bitmap_has(high.types, static_cast<dns::rr_type>(1234)));
    CHECK(bitmap_answers(high.types, dns::rr_type::any));
    CHECK_FALSE(bitmap_has(high.types, static_cast<dns::rr_type>(1235)));
    CHECK_FALSE(bitmap_has(high.types, dns::rr_type::caa));
}
