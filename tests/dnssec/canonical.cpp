// Canonical form (RFC 4034 §6, RFC 6840 §5.1): RDATA names lowercased for the listed types
// only, canonical RRset order, duplicate removal, wildcard owners, grouping.
#include <doctest/doctest.h>

#include "dane/dnssec/canonical.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dns::rr_type;

TEST_CASE("RDATA names are lowercased for RFC 4034 §6.2's types, not for NSEC (RFC 6840 §5.1)") {
    auto r = zone("a.test. MX 10 MAIL.Test.\n"
                  "a.test. NSEC B.Test. A\n"
                  "a.test. CNAME Www.TEST.\n"
                  "a.test. RRSIG A 13 2 3600 20260101000000 20250101000000 1 TEST. AAAA\n");
    CHECK(dnssec::canonical_rdatas(rr_type::mx, {&r[0].rdata, 1})[0] ==
          zone("a.test. MX 10 mail.test.")[0].rdata);
    CHECK(dnssec::canonical_rdatas(rr_type::nsec, {&r[1].rdata, 1})[0] == r[1].rdata);
    CHECK(dnssec::canonical_rdatas(rr_type::cname, {&r[2].rdata, 1})[0] ==
          zone("a.test. CNAME www.test.")[0].rdata);
    auto sig = dnssec::canonical_rdatas(rr_type::rrsig, {&r[3].rdata, 1})[0];
    CHECK(dnssec::parse_rrsig(sig)->signer.identical(dn("test.").view()));
}

TEST_CASE("canonical order: octet strings, shorter first; duplicates removed") {
    auto r = zone("a.test. TXT \"b\"\n"
                  "a.test. TXT \"ab\"\n"
                  "a.test. TXT \"a\"\n"
                  "a.test. TXT \"b\"\n");
    std::vector<byte_buffer> rd;
    for (const auto& x : r)
        rd.push_back(x.rdata);
    auto c = dnssec::canonical_rdatas(rr_type::txt, rd);
    REQUIRE(c.size() == 3);
    CHECK(c[0] == r[2].rdata); // 01 61
    CHECK(c[1] == r[0].rdata); // 01 62: the length octet decides first
    CHECK(c[2] == r[1].rdata); // 02 61 62
    // Case differences in names that canonical form lowercases are duplicates too.
    auto ns = zone("a.test. NS NS.test.\na.test. NS ns.TEST.\n");
    std::vector<byte_buffer> nsrd{ns[0].rdata, ns[1].rdata};
    CHECK(dnssec::canonical_rdatas(rr_type::ns, nsrd).size() == 1);
}

TEST_CASE("the signed owner of a wildcard expansion (RFC 4035 §5.3.2)") {
    CHECK(dnssec::signed_owner(dn("a.b.Z.w.example."), 2)
              .view()
              .identical(dn("*.w.example.").view()));
    CHECK(dnssec::signed_owner(dn("WWW.example."), 2).view().identical(dn("www.example.").view()));
    CHECK(dnssec::signed_owner(dn("www.example."), 0).view().identical(dn("*.").view()));
}

TEST_CASE("grouping: RRsets in first-seen order, RRSIGs joined to what they cover") {
    auto r = zone("b.test. A 192.0.2.1\n"
                  "a.test. A 192.0.2.2\n"
                  "B.TEST. 60 A 192.0.2.3\n"
                  "b.test. RRSIG A 13 2 3600 20260101000000 20250101000000 1 test. AAAA\n"
                  "b.test. RRSIG MX 13 2 3600 20260101000000 20250101000000 1 test. AAAA\n");
    auto sets = dnssec::group_rrsets(r);
    REQUIRE(sets.size() == 2);
    CHECK(sets[0].owner == dn("b.test."));
    CHECK(sets[0].rdatas.size() == 2);
    CHECK(sets[0].ttl == 60);
    CHECK(sets[0].signatures.size() == 1);
    CHECK(sets[1].signatures.empty());
    CHECK(dnssec::to_records(sets[0]).size() == 3);
}

TEST_CASE("signed data: RRSIG prefix, then each RR with the original TTL") {
    auto r = zone("a.test. 60 A 192.0.2.1");
    byte_buffer out;
    byte_buffer prefix{std::byte{1}, std::byte{2}};
    std::vector<byte_buffer> c{r[0].rdata};
    dnssec::append_signed_data(out, prefix, dn("a.test."), rr_type::a, dns::rr_class::in, 300, c);
    CHECK(out.size() == 2 + 8 + 10 + 4);
    byte_reader in(out);
    CHECK(in.load32(2 + 8 + 4) == 300);
}
