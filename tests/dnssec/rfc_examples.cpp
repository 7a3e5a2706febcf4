// The examples of the RFCs, with their real signatures, validated at a time inside their
// signature windows: RFC 4034 §5.4 (key tag and DS), RFC 4509 §2.3, RFC 4035 Appendix B,
// RFC 5155 Appendix B, RFC 5702 §6, RFC 6605 §6 and RFC 8080 §6 (as erratum 4935
// corrected it; the printed RRSIGs stay as bogus cases).
#include <doctest/doctest.h>

#include "dane/dnssec/ds.hpp"
#include "dane/dnssec/keytag.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dane::dnssec::ede_code;
using dane::dnssec::proof;
using dane::dnssec::security;
using dns::rr_type;

namespace {

std::chrono::sys_seconds at(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}};
}

// The RFC examples use RSA keys of 512 bits, below the default floor of 1024.
const backend_t& small_rsa_backend() {
    static const backend_t b(crypto::key_limits{512, 4096, 64});
    return b;
}

std::vector<dns::record> of_type(const std::vector<dns::record>& records, std::string_view owner,
                                 rr_type type) {
    std::vector<dns::record> out;
    for (const auto& r : records)
        if (r.owner == dn(owner) &&
            (r.type == type ||
             (r.type == rr_type::rrsig && dnssec::rrsig_type_covered(r.rdata) == type)))
            out.push_back(r);
    return out;
}

struct expected_answer {
    const char* file;
    const char* qname;
    rr_type qtype;
    proof proven;
    security state;
};

void check_answers(const backend_t& b, const dnssec::trust_anchors& anchors,
                   const std::vector<dns::record>& keys, std::chrono::sys_seconds now,
                   std::initializer_list<expected_answer> cases) {
    for (const auto& c : cases) {
        const std::string file = c.file;
        CAPTURE(file);
        dnssec::validator<backend_t> v(b, anchors, now);
        REQUIRE(v.add(cat({zone(data_file(c.file)), keys})).has_value());
        auto a = v.validate_answer(dn(c.qname), c.qtype);
        CAPTURE(dnssec::to_string(a.verdict));
        CHECK(a.proven == c.proven);
        CHECK(a.verdict.state == c.state);
    }
}

} // namespace

TEST_CASE("RFC 4034 §5.4 and RFC 4509 §2.3: key tag 60485 and its SHA-1 and SHA-256 DS") {
    auto r = zone(R"(
dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz
    fwJr1AYtsmx3TGkJaNXVbfi/ 2pHm822aJ5iI9BMzNXxeYCmZ DRD99WYwYqUSdjMmmAphXdvx
    egXd/M5+X7OrzKBaMbCVdFLU Uh6DhweJBjEVv5f2wwjM9Xzc nOf+EPbtG9DMBmADjFDc2w/r
    ljwvFw== )
dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A 98631FAD1A292118 )
dskey.example.com. 86400 IN DS 60485 5 2 ( D4B7D520E7BB5F0F67674A0CCEB1E3E0
    614B93C4F9E99B8383F6A1E4469DA50A )
)");
    REQUIRE(r.size() == 3);
    CHECK(dnssec::key_tag(r[0].rdata) == 60485);
    for (std::size_t i : {1, 2}) {
        auto ds = dnssec::parse_ds(r[i].rdata);
        REQUIRE(ds.has_value());
        CHECK(dnssec::ds_matches(backend(), r[0].owner, *ds, r[0].rdata));
        auto made = dnssec::make_ds_rdata(backend(), r[0].owner, r[0].rdata, ds->digest_type);
        REQUIRE(made.has_value());
        CHECK(*made == r[i].rdata);
    }
}

TEST_CASE("RFC 4035 Appendix A: every RRset of the example zone") {
    auto anchors = dnssec::load_trust_anchors(data_file("rfc4035-anchor.txt"));
    REQUIRE(anchors.has_value());
    validator_t v(backend(), *anchors, at(2004, 4, 20));
    REQUIRE(v.add(zone(data_file("rfc4035-example.zone"))).has_value());
    auto all = v.validate_all();
    CHECK(find_result(all, "*.w.example.", rr_type::mx).verdict.secure());
    CHECK(find_result(all, "x.y.w.example.", rr_type::mx).verdict.secure());
    CHECK(find_result(all, "a.example.", rr_type::ds).verdict.secure());
    CHECK(find_result(all, "b.example.", rr_type::ns).verdict.state == security::insecure);
    // Glue of the unsigned delegation b.example. is insecure, proven by b.example.'s NSEC.
    CHECK(find_result(all, "ns1.b.example.", rr_type::a).verdict.state == security::insecure);
    // a.example.'s own DNSKEY RRset is not in the file: its glue cannot be decided.
    auto glue = find_result(all, "ns1.a.example.", rr_type::a);
    CHECK(glue.verdict.state == security::bogus);
    CHECK(glue.verdict.why.code == ede_code::dnskey_missing);
    // After the validity window, every signature has expired.
    v.set_time(at(2004, 6, 1));
    auto later = find_result(v.validate_all(), "xx.example.", rr_type::a);
    CHECK(later.verdict.why.code == ede_code::signature_expired);
    CHECK(later.verdict.state == security::bogus);
}

TEST_CASE("RFC 4035 Appendix B responses") {
    auto anchors = dnssec::load_trust_anchors(data_file("rfc4035-anchor.txt"));
    REQUIRE(anchors.has_value());
    auto keys = zone(data_file("rfc4035-dnskey.txt"));
    check_answers(
        backend(), *anchors, keys, at(2004, 4, 20),
        {
            {"rfc4035-b1.txt", "x.w.example.", rr_type::mx, proof::answer, security::secure},
            {"rfc4035-b2.txt", "ml.example.", rr_type::a, proof::nxdomain, security::secure},
            {"rfc4035-b3.txt", "ns1.example.", rr_type::mx, proof::nodata, security::secure},
            // A referral to a signed zone: the child's DNSKEY RRset is still needed.
            {"rfc4035-b4.txt", "mc.a.example.", rr_type::mx, proof::nothing, security::bogus},
            {"rfc4035-b5.txt", "mc.b.example.", rr_type::mx, proof::no_ds, security::insecure},
            {"rfc4035-b6.txt", "a.z.w.example.", rr_type::mx, proof::wildcard_answer,
             security::secure},
            {"rfc4035-b7.txt", "a.z.w.example.", rr_type::aaaa, proof::wildcard_nodata,
             security::secure},
            // The child's apex NSEC cannot deny the parent's DS (RFC 4035 §5.4).
            {"rfc4035-b8.txt", "example.", rr_type::ds, proof::nothing, security::bogus},
        });
    validator_t v(backend(), *anchors, at(2004, 4, 20));
    REQUIRE(v.add(cat({zone(data_file("rfc4035-b4.txt")), keys})).has_value());
    (void)v.validate_answer(dn("mc.a.example."), rr_type::mx);
    auto needs = v.needs();
    CHECK(std::find(needs.begin(), needs.end(),
                    dnssec::need_records{dn("a.example."), rr_type::dnskey}) != needs.end());
}

TEST_CASE("RFC 4035 Appendix B: outside the signature window, and a wrong trust anchor") {
    auto anchors = dnssec::load_trust_anchors(data_file("rfc4035-anchor.txt"));
    REQUIRE(anchors.has_value());
    auto keys = zone(data_file("rfc4035-dnskey.txt"));
    check_answers(
        backend(), *anchors, keys, at(2004, 4, 1),
        {{"rfc4035-b1.txt", "x.w.example.", rr_type::mx, proof::nothing, security::bogus}});
    validator_t v(backend(), *anchors, at(2004, 6, 1));
    REQUIRE(v.add(cat({zone(data_file("rfc4035-b1.txt")), keys})).has_value());
    auto a = v.validate_answer(dn("x.w.example."), rr_type::mx);
    CHECK(a.verdict.why.code == ede_code::signature_expired);
}

TEST_CASE("RFC 5155 Appendix B responses") {
    auto example = zone(data_file("rfc5155-example.zone"));
    auto keys = of_type(example, "example.", rr_type::dnskey);
    dnssec::trust_anchors anchors;
    for (const auto& k : keys)
        if (k.type == rr_type::dnskey && dnssec::parse_dnskey(k.rdata)->sep())
            REQUIRE(anchors.add(k).has_value());
    REQUIRE(!anchors.empty());
    check_answers(
        small_rsa_backend(), anchors, keys, at(2010, 1, 1),
        {
            // Every NSEC3 of the example has the Opt-Out flag, so the name error cannot be
            // secure (RFC 5155 §9.2: an unsigned delegation may exist there); without the
            // RCODE, that is all the records prove.
            {"rfc5155-b1.txt", "a.c.x.w.example.", rr_type::a, proof::no_ds_opt_out,
             security::insecure},
            {"rfc5155-b2.txt", "ns1.example.", rr_type::mx, proof::nodata, security::secure},
            {"rfc5155-b2-1.txt", "y.w.example.", rr_type::a, proof::nodata, security::secure},
            {"rfc5155-b3.txt", "mc.c.example.", rr_type::mx, proof::no_ds_opt_out,
             security::insecure},
            // The next closer names of the wildcard cases fall in opt-out spans too.
            {"rfc5155-b4.txt", "a.z.w.example.", rr_type::mx, proof::wildcard_answer,
             security::insecure},
            {"rfc5155-b5.txt", "a.z.w.example.", rr_type::aaaa, proof::wildcard_nodata,
             security::insecure},
            {"rfc5155-b6.txt", "example.", rr_type::ds, proof::nothing, security::bogus},
        });
    {
        dnssec::validator<backend_t> v(small_rsa_backend(), anchors, at(2010, 1, 1));
        REQUIRE(v.add(cat({zone(data_file("rfc5155-b1.txt")), keys})).has_value());
        auto a = v.validate_answer(dn("a.c.x.w.example."), rr_type::a, dns::rcode::nxdomain);
        CHECK(a.proven == proof::nxdomain);
        CHECK(a.verdict.state == security::insecure);
    }
    // The whole zone validates too.
    dnssec::validator<backend_t> v(small_rsa_backend(), anchors, at(2010, 1, 1));
    REQUIRE(v.add(example).has_value());
    for (const auto& r : v.validate_all())
        if (r.rrset.type != rr_type::ns || !r.rrset.signatures.empty())
            if (!(r.rrset.owner.is_subdomain_of(dn("c.example.")) ||
                  r.rrset.owner.is_subdomain_of(dn("a.example."))))
                CHECK_MESSAGE(r.verdict.secure(), r.rrset.owner.to_string());
}

TEST_CASE("RFC 5702 §6: RSA/SHA-256 and RSA/SHA-512") {
    for (const char* text : {R"(
example.net. 3600 IN DNSKEY (256 3 8 AwEAAcFcGsaxxdgiuuGmCkVI
    my4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8P kxUdp6p/DlUmObdk= )
www.example.net. 3600 IN A 192.0.2.91
www.example.net. 3600 IN RRSIG (A 8 3 3600 20300101000000
    20000101000000 9033 example.net. kRCOH6u7l0QGy9qpC9
    l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEa cFYK/lPtPiVYP4bwg==)
)",
                             R"(
example.net. 3600 IN DNSKEY (256 3 10 AwEAAdHoNTOW+et86KuJOWRD
    p1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFD
    xj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8g
    pMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL )
www.example.net. 3600 IN A 192.0.2.91
www.example.net. 3600 IN RRSIG (A 10 3 3600 20300101000000
    20000101000000 3740 example.net. tsb4wnjRUDnB1BUi+t
    6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRa
    eUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOL
    DiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw =)
)"}) {
        auto records = zone(text);
        dnssec::trust_anchors anchors;
        REQUIRE(anchors.add(records[0]).has_value());
        dnssec::validator<backend_t> v(small_rsa_backend(), anchors, at(2020, 1, 1));
        REQUIRE(v.add(records).has_value());
        auto r = find_result(v.validate_all(), "www.example.net.", rr_type::a);
        CHECK_MESSAGE(r.verdict.secure(), dnssec::to_string(r.verdict));
        // With the default 1024-bit floor, the 512-bit key of §6.1 is refused.
        validator_t strict(backend(), anchors, at(2020, 1, 1));
        REQUIRE(strict.add(records).has_value());
        auto s = find_result(strict.validate_all(), "www.example.net.", rr_type::a);
        CHECK(s.verdict.secure() ==
              (dnssec::parse_dnskey(records[0].rdata)->public_key.size() > 100));
    }
}

TEST_CASE("RFC 6605 §6: ECDSA P-256 and P-384 with SHA-256 and SHA-384 DS") {
    for (const char* text : {R"(
example.net. 3600 IN DNSKEY 257 3 13 ( GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
    krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )
www.example.net. 3600 IN A 192.0.2.1
www.example.net. 3600 IN RRSIG A 13 3 3600 ( 20100909100439 20100812100439 55648 example.net.
    qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw== )
example.net. 3600 IN DS 55648 13 2 ( b4c8c1fe2e7477127b27115656ad6256f424625bf5c1
    e2770ce6d6e37df61d17 )
)",
                             R"(
example.net. 3600 IN DNSKEY 257 3 14 ( xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1
    w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8 /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40 )
www.example.net. 3600 IN A 192.0.2.1
www.example.net. 3600 IN RRSIG A 14 3 3600 ( 20100909102025 20100812102025 10771 example.net.
    /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP 95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz
    WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm )
example.net. 3600 IN DS 10771 14 4 ( 72d7b62976ce06438e9c0bf319013cf801f09ecc84b8
    d7e9495f27e305c6a9b0563a9b5f4d288405c3008a94 6df983d6 )
)"}) {
        auto records = zone(text);
        dnssec::trust_anchors by_ds;
        REQUIRE(by_ds.add(records.back()).has_value()); // the DS
        records.pop_back();
        // The DNSKEY RRset is not signed in the example. A DS is not a key: the key it
        // matches must sign the set (RFC 4035 §5.2), so from the DS the set is bogus.
        validator_t from_ds(backend(), by_ds, at(2010, 8, 20));
        REQUIRE(from_ds.add(records).has_value());
        auto keys = find_result(from_ds.validate_all(), "example.net.", rr_type::dnskey);
        CHECK(keys.verdict.state == security::bogus);
        CHECK(keys.verdict.why.code == ede_code::rrsigs_missing);
        // The DS matches the example's key, and that key configured as the anchor may stand
        // unsigned.
        dnssec::trust_anchors anchors;
        REQUIRE(anchors.add(records[0]).has_value()); // the DNSKEY
        validator_t v(backend(), anchors, at(2010, 8, 20));
        REQUIRE(v.add(records).has_value());
        auto r = find_result(v.validate_all(), "www.example.net.", rr_type::a);
        CHECK_MESSAGE(r.verdict.secure(), dnssec::to_string(r.verdict));
        CHECK(find_result(v.validate_all(), "example.net.", rr_type::dnskey).verdict.secure());
        CHECK(dnssec::ds_matches(backend(), dn("example.net."),
                                 *dnssec::parse_ds(by_ds.anchors().front().ds.front()),
                                 records[0].rdata));
        v.set_time(at(2010, 9, 10));
        CHECK(find_result(v.validate_all(), "www.example.net.", rr_type::a).verdict.why.code ==
              ede_code::signature_expired);
    }
}

TEST_CASE("RFC 8080 §6 as corrected by erratum 4935; the printed labels field is bogus") {
    for (const char* file : {"rfc8080-ed25519-3613.zone", "rfc8080-ed25519-35217.zone",
                             "rfc8080-ed448-9713.zone", "rfc8080-ed448-38353.zone"}) {
        CAPTURE(file);
        auto records = zone(data_file(file));
        dnssec::trust_anchors anchors;
        REQUIRE(anchors.add(records[0]).has_value());
        validator_t v(backend(), anchors, at(2015, 8, 1));
        REQUIRE(v.add(records).has_value());
        auto r = find_result(v.validate_all(), "example.com.", rr_type::mx);
        if (!backend().supports(dnssec::parse_dnskey(records[0].rdata)->algorithm)) {
            CHECK(r.verdict.state == security::insecure);
            CHECK(r.verdict.why.code == ede_code::unsupported_dnskey_algorithm);
            continue;
        }
        CHECK_MESSAGE(r.verdict.secure(), dnssec::to_string(r.verdict));
        // As printed: labels 3 for the two-label owner example.com. (RFC 4035 §5.3.1).
        auto printed = records;
        for (auto& rec : printed)
            if (rec.type == rr_type::rrsig) rec.rdata[3] = std::byte{3};
        validator_t p(backend(), anchors, at(2015, 8, 1));
        REQUIRE(p.add(printed).has_value());
        auto b = find_result(p.validate_all(), "example.com.", rr_type::mx);
        CHECK(b.verdict.state == security::bogus);
        CHECK(b.verdict.why.code == ede_code::dnssec_bogus);
    }
}

TEST_CASE("RFC 8080 §6 with the signatures exactly as printed") {
    // The Ed25519 example of §6.1 with its printed RRSIG (labels 3, the signature the RFC
    // shows): bogus for the labels field before any cryptography.
    auto records = zone(R"(
example.com. 3600 IN DNSKEY 257 3 15 ( l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 15 3 3600 ( 1440021600 1438207200 3613 example.com. (
    Edk+IB9KNNWg0HAjm7FazXyrd5m3Rk8zNZbvNpAcM+eysqcUOMIjWoevFkj H5GaMWeG96GUVZu6ECKOQmemHDg== ) )
)");
    dnssec::trust_anchors anchors;
    REQUIRE(anchors.add(records[0]).has_value());
    validator_t v(backend(), anchors, at(2015, 8, 1));
    REQUIRE(v.add(records).has_value());
    auto r = find_result(v.validate_all(), "example.com.", rr_type::mx);
    CHECK(r.verdict.state == security::bogus);
    CHECK(v.work().verifications == 0);
}
