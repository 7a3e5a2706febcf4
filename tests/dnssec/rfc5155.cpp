// RFC 5155 Appendix A (the hashes of every name in the example zone) and Appendix B (the
// example responses), with the NSEC3 records built from the RFC's text.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "dane/core/codec.hpp"
#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "denial_support.hpp"

using namespace dane;
using namespace dane::dnssec;
using denial_test::backend;
using denial_test::dn;
using denial_test::zone;

namespace {

const byte_buffer salt = from_hex("aabbccdd").value();

// Every NSEC3 record of the Appendix A zone, as printed there. They all have the Opt-Out
// flag set.
constexpr std::string_view appendix_a_nsec3 = R"(
0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 1 12 aabbccdd ( 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG )
2t7b4g4vsa5smi47k61mv5bv1a22bojr NSEC3 1 1 12 aabbccdd ( 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG )
2vptu5timamqttgl4luu9kg21e0aor3s NSEC3 1 1 12 aabbccdd ( 35mthgpgcu1qg68fab165klnsnk3dpvl MX RRSIG )
35mthgpgcu1qg68fab165klnsnk3dpvl NSEC3 1 1 12 aabbccdd ( b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG )
b4um86eghhds6nea196smvmlo4ors995 NSEC3 1 1 12 aabbccdd ( gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG )
gjeqe526plbf1g8mklp59enfd789njgi NSEC3 1 1 12 aabbccdd ( ji6neoaepv8b5o6k4ev33abha8ht9fgc HINFO A AAAA RRSIG )
ji6neoaepv8b5o6k4ev33abha8ht9fgc NSEC3 1 1 12 aabbccdd ( k8udemvp1j2f7eg6jebps17vp3n8i58h )
k8udemvp1j2f7eg6jebps17vp3n8i58h NSEC3 1 1 12 aabbccdd ( kohar7mbb8dc2ce8a9qvl8hon4k53uhi )
kohar7mbb8dc2ce8a9qvl8hon4k53uhi NSEC3 1 1 12 aabbccdd ( q04jkcevqvmu85r014c7dkba38o0ji5r A RRSIG )
q04jkcevqvmu85r014c7dkba38o0ji5r NSEC3 1 1 12 aabbccdd ( r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG )
r53bq7cc2uvmubfu5ocmm6pers9tk9en NSEC3 1 1 12 aabbccdd ( t644ebqk9bibcna874givr6joj62mlhv MX RRSIG )
t644ebqk9bibcna874givr6joj62mlhv NSEC3 1 1 12 aabbccdd ( 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom HINFO A AAAA RRSIG )
)";

// The records of a response: the lines of Appendix A whose owner hash is listed. With
// `opt_out` false the flags are cleared, to show the same proofs without opt-out.
std::vector<dns::record> response(std::initializer_list<std::string_view> owners,
                                  bool opt_out = true) {
    std::string text;
    std::string_view all = appendix_a_nsec3;
    for (auto owner : owners) {
        auto at = all.find(std::string("\n") + std::string(owner) + " ");
        REQUIRE_MESSAGE(at != std::string_view::npos, owner);
        auto end = all.find('\n', at + 1);
        std::string line(all.substr(at + 1, end - at - 1));
        if (!opt_out) line.replace(line.find(" 1 1 12 "), 8, " 1 0 12 ");
        text += line + "\n";
    }
    return zone(text);
}

denial_result nodata(std::string_view q, dns::rr_type t, const std::vector<dns::record>& rrs) {
    nsec3_budget budget;
    return nsec3_prove_nodata(backend(), dn(q), t, dn("example."), rrs, budget);
}
denial_result nxdomain(std::string_view q, const std::vector<dns::record>& rrs) {
    nsec3_budget budget;
    return nsec3_prove_nxdomain(backend(), dn(q), dn("example."), rrs, budget);
}

} // namespace

TEST_CASE("RFC 5155 Appendix A: the hash of every name of the example zone") {
    struct vector {
        std::string_view name, hash;
    };
    constexpr vector vectors[] = {
        {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
        {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
        {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
        {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
        {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
        {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
        {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
        {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
        {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
        {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
        {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
        {"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi"},
        // Appendix B names that are not in the zone.
        {"c.x.w.example.", "0va5bpr2ou0vk0lbqeeljri88laipsfh"},
        {"*.x.w.example.", "92pqneegtaue7pjatc3l3qnk738c6v5m"},
        {"c.example.", "4g6p9u5gvfshp30pqecj98b3maqbn1ck"},
        {"z.w.example.", "qlu7gtfaeh0ek0c05ksfhdpbcgglbe03"},
        // Case does not matter: the name is lowercased first (RFC 5155 §5).
        {"X.W.Example.", "b4um86eghhds6nea196smvmlo4ors995"},
    };
    for (const auto& v : vectors) {
        CAPTURE(v.name);
        auto h = nsec3_hash_text(backend(), dn(v.name), salt, 12);
        REQUIRE(h.has_value());
        CHECK(*h == v.hash);
    }
    auto owner = nsec3_owner_name(backend(), dn("ns1.example."), dn("example."), salt, 12);
    REQUIRE(owner.has_value());
    CHECK(*owner == dn("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."));
}

TEST_CASE("RFC 5155 Appendix A: each record matches its own name and covers up to the next") {
    auto all = zone(appendix_a_nsec3);
    REQUIRE(all.size() == 12);
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto r = parse_nsec3(all[i]);
        REQUIRE(r.has_value());
        CHECK(r->opt_out());
        CHECK(r->iterations == 12);
        CHECK(r->zone() == dn("example."));
        CHECK(nsec3_matches(*r, r->owner_hash));
        CHECK_FALSE(nsec3_covers(*r, r->owner_hash));
        CHECK_FALSE(nsec3_covers(*r, r->next_hash));
        // Every other record's owner hash is outside this span: the chain has no gaps or
        // overlaps.
        for (std::size_t k = 0; k < all.size(); ++k)
            if (k != i) CHECK_FALSE(nsec3_covers(*r, parse_nsec3(all[k])->owner_hash));
    }
}

TEST_CASE("RFC 5155 B.1: name error") {
    auto rrs = response({"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "b4um86eghhds6nea196smvmlo4ors995",
                         "35mthgpgcu1qg68fab165klnsnk3dpvl"});
    // The next closer name c.x.w.example is covered by an opt-out record: the name might
    // exist as an unsigned delegation, so the proof is insecure (RFC 5155 §9.2).
    auto r = nxdomain("a.c.x.w.example.", rrs);
    CHECK(r.proven == proof::nxdomain);
    CHECK(r.security == security::insecure);
    CHECK(r.opt_out);
    CHECK(r.closest_encloser == dn("x.w.example."));
    // QNAME, then the apex, w, x.w (the closest encloser), c.x.w (the next closer), and
    // the wildcard *.x.w: six hashes of 13 SHA-1 computations each.
    CHECK(r.nsec3_hashes == 6);
    CHECK(r.nsec3_digests == 6 * 13);

    // The same records without opt-out: secure.
    auto plain = response({"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "b4um86eghhds6nea196smvmlo4ors995",
                           "35mthgpgcu1qg68fab165klnsnk3dpvl"},
                          false);
    r = nxdomain("a.c.x.w.example.", plain);
    CHECK(r.proven == proof::nxdomain);
    CHECK(r.security == security::secure);
    CHECK_FALSE(r.opt_out);
    CHECK(r.closest_encloser == dn("x.w.example."));

    // Without the record that covers the wildcard, or the one that matches the closest
    // encloser, or the one that covers the next closer: nothing.
    for (auto missing : {"35mthgpgcu1qg68fab165klnsnk3dpvl", "b4um86eghhds6nea196smvmlo4ors995",
                         "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"}) {
        CAPTURE(missing);
        std::vector<std::string_view> keep;
        for (auto o : {"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "b4um86eghhds6nea196smvmlo4ors995",
                       "35mthgpgcu1qg68fab165klnsnk3dpvl"})
            if (std::string_view(o) != missing) keep.push_back(o);
        auto partial = response({keep[0], keep[1]}, false);
        r = nxdomain("a.c.x.w.example.", partial);
        CHECK(r.proven == proof::nothing);
        CHECK(r.security == security::bogus);
        CHECK(r.why.code == ede_code::nsec_missing);
    }
}

TEST_CASE("RFC 5155 B.2: no data") {
    auto rrs = response({"2t7b4g4vsa5smi47k61mv5bv1a22bojr"});
    auto r = nodata("ns1.example.", dns::rr_type::mx, rrs);
    CHECK(r.proven == proof::nodata);
    CHECK(r.security == security::secure);
    CHECK(r.nsec3_hashes == 1);
    // The bitmap has A: no data for A is not proven.
    r = nodata("ns1.example.", dns::rr_type::a, rrs);
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == security::bogus);
    CHECK(r.why.code == ede_code::dnssec_bogus);
    // The same response as a name error: the name exists.
    r = nxdomain("ns1.example.", rrs);
    CHECK(r.proven == proof::nothing);
}

TEST_CASE("RFC 5155 B.2.1: no data at an empty non-terminal") {
    auto rrs = response({"ji6neoaepv8b5o6k4ev33abha8ht9fgc"});
    auto r = nodata("y.w.example.", dns::rr_type::a, rrs);
    CHECK(r.proven == proof::nodata);
    CHECK(r.security == security::secure);
    // An empty bitmap denies DS too; there is no NS, so it is not a delegation.
    r = nodata("y.w.example.", dns::rr_type::ds, rrs);
    CHECK(r.proven == proof::nodata);
    nsec3_budget budget;
    r = nsec3_prove_no_ds(backend(), dn("y.w.example."), dn("example."), rrs, budget);
    CHECK(r.proven == proof::nothing);
}

TEST_CASE("RFC 5155 B.3: referral to an opt-out unsigned zone") {
    auto rrs = response({"35mthgpgcu1qg68fab165klnsnk3dpvl", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"});
    nsec3_budget budget;
    auto r = nsec3_prove_no_ds(backend(), dn("c.example."), dn("example."), rrs, budget);
    CHECK(r.proven == proof::no_ds_opt_out);
    CHECK(r.security == security::insecure);
    CHECK(r.opt_out);
    CHECK(r.closest_encloser == dn("example."));
    // Asked for the QNAME of the example (mc.c.example DS) the proof is the same.
    r = nodata("mc.c.example.", dns::rr_type::ds, rrs);
    CHECK(r.proven == proof::no_ds_opt_out);
    // Opt-out misuse: the same span without the flag proves no DS for nothing.
    auto plain =
        response({"35mthgpgcu1qg68fab165klnsnk3dpvl", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"}, false);
    r = nsec3_prove_no_ds(backend(), dn("c.example."), dn("example."), plain, budget);
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == security::bogus);
    // And opt-out does not turn a missing closest encloser into a proof.
    auto half = response({"35mthgpgcu1qg68fab165klnsnk3dpvl"});
    r = nsec3_prove_no_ds(backend(), dn("c.example."), dn("example."), half, budget);
    CHECK(r.proven == proof::nothing);
    CHECK(r.why.code == ede_code::nsec_missing);
}

TEST_CASE("RFC 5155 B.4: wildcard expansion") {
    auto rrs = response({"q04jkcevqvmu85r014c7dkba38o0ji5r"});
    nsec3_budget budget;
    // a.z.w.example MX with RRSIG labels 2: the wildcard *.w.example answered.
    auto r = nsec3_prove_wildcard_answer(backend(), dn("a.z.w.example."), 2, dn("example."), rrs,
                                         budget);
    CHECK(r.proven == proof::wildcard_answer);
    CHECK(r.closest_encloser == dn("w.example."));
    CHECK(r.security == security::insecure); // the covering record has opt-out
    CHECK(r.nsec3_hashes == 1);
    auto plain = response({"q04jkcevqvmu85r014c7dkba38o0ji5r"}, false);
    r = nsec3_prove_wildcard_answer(backend(), dn("a.z.w.example."), 2, dn("example."), plain,
                                    budget);
    CHECK(r.proven == proof::wildcard_answer);
    CHECK(r.security == security::secure);
    // A labels field that claims a different wildcard (*.z.w.example): its next closer
    // a.z.w.example is not covered by this record.
    r = nsec3_prove_wildcard_answer(backend(), dn("a.z.w.example."), 3, dn("example."), plain,
                                    budget);
    CHECK(r.proven == proof::nothing);
    // Labels that are no wildcard at all.
    r = nsec3_prove_wildcard_answer(backend(), dn("a.z.w.example."), 4, dn("example."), plain,
                                    budget);
    CHECK(r.proven == proof::nothing);
    // The wrong record: no proof that the next closer name does not exist.
    auto other = response({"r53bq7cc2uvmubfu5ocmm6pers9tk9en"}, false);
    r = nsec3_prove_wildcard_answer(backend(), dn("a.z.w.example."), 2, dn("example."), other,
                                    budget);
    CHECK(r.proven == proof::nothing);
    CHECK(r.why.code == ede_code::nsec_missing);
}

TEST_CASE("RFC 5155 B.5: wildcard no data") {
    auto rrs = response({"k8udemvp1j2f7eg6jebps17vp3n8i58h", "q04jkcevqvmu85r014c7dkba38o0ji5r",
                         "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
                        false);
    auto r = nodata("a.z.w.example.", dns::rr_type::aaaa, rrs);
    CHECK(r.proven == proof::wildcard_nodata);
    CHECK(r.security == security::secure);
    CHECK(r.closest_encloser == dn("w.example."));
    // The wildcard has MX.
    r = nodata("a.z.w.example.", dns::rr_type::mx, rrs);
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == security::bogus);
    // As printed (opt-out): insecure.
    auto printed = response({"k8udemvp1j2f7eg6jebps17vp3n8i58h", "q04jkcevqvmu85r014c7dkba38o0ji5r",
                             "r53bq7cc2uvmubfu5ocmm6pers9tk9en"});
    r = nodata("a.z.w.example.", dns::rr_type::aaaa, printed);
    CHECK(r.proven == proof::wildcard_nodata);
    CHECK(r.security == security::insecure);
    // Missing the wildcard's record.
    auto partial =
        response({"k8udemvp1j2f7eg6jebps17vp3n8i58h", "q04jkcevqvmu85r014c7dkba38o0ji5r"}, false);
    r = nodata("a.z.w.example.", dns::rr_type::aaaa, partial);
    CHECK(r.proven == proof::nothing);
    // As a name error, the existing wildcard contradicts it.
    r = nxdomain("a.z.w.example.", rrs);
    CHECK(r.proven == proof::nothing);
    CHECK(r.why.code == ede_code::dnssec_bogus);
}

TEST_CASE("RFC 5155 B.6: DS asked of the child zone") {
    auto rrs = response({"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"});
    auto r = nodata("example.", dns::rr_type::ds, rrs);
    CHECK(r.proven == proof::nothing);
    CHECK(r.security == security::bogus);
    // The same record does prove no data for other types at the apex.
    r = nodata("example.", dns::rr_type::a, rrs);
    CHECK(r.proven == proof::nodata);
    CHECK(r.security == security::secure);
}

TEST_CASE("RFC 5155 responses through the common front") {
    auto rrs = response({"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "b4um86eghhds6nea196smvmlo4ors995",
                         "35mthgpgcu1qg68fab165klnsnk3dpvl"},
                        false);
    nsec3_budget budget;
    auto r = prove_denial(backend(), dn("a.c.x.w.example."), dns::rr_type::a, dns::rcode::nxdomain,
                          dn("example."), rrs, budget);
    CHECK(r.proven == proof::nxdomain);
    CHECK(r.secure());
    // NOERROR with the same records claims no data for a name that does not exist.
    r = prove_denial(backend(), dn("a.c.x.w.example."), dns::rr_type::a, dns::rcode::noerror,
                     dn("example."), rrs, budget);
    CHECK(r.proven == proof::nothing);
    // The budget is shared: both calls counted.
    CHECK(budget.hashes >= 6);
}
