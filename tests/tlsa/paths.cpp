// Issue 8, with certificates made by `openssl ca` (tests/data/x509/, written by
// scripts/make-x509-fixtures.sh):
//  1. validity dates over the whole RFC 5280 §4.1.2.5 range (UTCTime to 2049,
//     GeneralizedTime from 2050 to 9999), which Botan 2 could not turn into time points and
//     both Botan versions refuse above 3100;
//  2. path building that backtracks over cross-signed intermediates, impostor CAs with the
//     issuer's name, loops, and more candidates than the limits, and name constraints.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/verify.hpp"
#include "x509_fixtures.hpp"

using namespace dane;
using namespace dane::tlsa;
using x509_fixtures::der;

namespace {

const crypto::botan_x509 x509;

// 2025-01-01T00:00:00Z, inside every fixture's validity but the future leaf's.
constexpr std::chrono::sys_seconds test_now{std::chrono::seconds{1735689600}};

record rec(const byte_buffer& cert, int u, int s, int m) {
    return generate(x509, cert, static_cast<cert_usage>(u), static_cast<selector_type>(s),
                    static_cast<matching_type>(m))
        .value();
}

verify_options options(profile p = profile::generic) {
    verify_options o;
    o.mode = p;
    o.reference_ids = {dns::name::parse("mx.example.net.").value()};
    o.now = test_now;
    o.describe_certificates = true;
    return o;
}

verification run(const std::vector<record>& rs, const std::vector<byte_buffer>& chain,
                 const verify_options& o) {
    return verify(x509, rs, chain, o);
}

std::chrono::sys_seconds end_of_year(int y) {
    using namespace std::chrono;
    return sys_seconds{sys_days{year{y} / December / 31}} + hours{23} + minutes{59} + seconds{59};
}

} // namespace

TEST_CASE("chains ending in 2049, 2050, 2262, 3015 and 9999 verify as DANE-EE, DANE-TA, PKIX") {
    for (int y : {2049, 2050, 2262, 3015, 9999}) {
        CAPTURE(y);
        auto tag = "y" + std::to_string(y);
        auto root = der(tag + "-root"), inter = der(tag + "-inter"), leaf = der(tag + "-leaf");
        std::vector<byte_buffer> chain{leaf, inter, root};

        // The true dates, to the second (what `dane tlsa verify -v` prints).
        auto ee = run({rec(leaf, 3, 1, 1)}, chain, options());
        CHECK(ee.authenticated());
        REQUIRE(ee.chain.size() == 3);
        for (const auto& c : ee.chain) {
            REQUIRE(c.validity.has_value());
            CHECK(c.validity->not_after == end_of_year(y));
            CHECK(c.validity->not_before ==
                  std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2020} / 1 / 1}});
        }

        auto ta = run({rec(root, 2, 0, 1)}, chain, options());
        CHECK_MESSAGE(ta.authenticated(), ta.reason);
        CHECK(ta.depth == 2);
        auto ta_inter = run({rec(inter, 2, 1, 1)}, chain, options(profile::smtp));
        CHECK_MESSAGE(ta_inter.authenticated(), ta_inter.reason);
        CHECK(ta_inter.depth == 1);

        auto o = options();
        o.trust_anchors = {root};
        auto pkix = run({rec(root, 0, 0, 1)}, chain, o);
        CHECK_MESSAGE(pkix.authenticated(), pkix.reason);
        CHECK(pkix.depth == 2);
        auto pkix_ee = run({rec(leaf, 1, 0, 1)}, chain, o);
        CHECK_MESSAGE(pkix_ee.authenticated(), pkix_ee.reason);

        // The last second of the validity still passes; the next one is after notAfter
        // (for 9999, a time in the year 10000).
        auto last = options();
        last.now = end_of_year(y);
        CHECK(run({rec(root, 2, 0, 1)}, chain, last).authenticated());
        last.now += std::chrono::seconds{1};
        auto after = run({rec(root, 2, 0, 1)}, chain, last);
        CHECK_FALSE(after.authenticated());
        CHECK(after.failure == rpt_result::certificate_expired);
        CHECK(after.reason == "certificate-expired at depth 0");
        // DANE-EE ignores dates (RFC 7671 §5.1).
        CHECK(run({rec(leaf, 3, 1, 1)}, chain, last).authenticated());
    }
}

TEST_CASE("a self-signed leaf valid to 9999 passes DANE-EE 3 1 1 and its own 2 1 0 key") {
    auto self = der("self-9999");
    std::vector<byte_buffer> chain{self};
    auto ee = run({rec(self, 3, 1, 1)}, chain, options(profile::smtp));
    CHECK_MESSAGE(ee.authenticated(), ee.reason);
    CHECK(ee.depth == 0);
    auto key = run({rec(self, 2, 1, 0)}, chain, options(profile::smtp));
    CHECK_MESSAGE(key.authenticated(), key.reason);
    CHECK(key.bare_key_anchor);
    REQUIRE(ee.chain.size() == 1);
    REQUIRE(ee.chain[0].validity);
    CHECK(ee.chain[0].validity->not_after == end_of_year(9999));
}

TEST_CASE("a leaf valid only from 2030 is not yet valid, under a chain to 3015") {
    std::vector<byte_buffer> chain{der("future-leaf"), der("y3015-inter"), der("y3015-root")};
    auto v = run({rec(chain[2], 2, 0, 1)}, chain, options());
    CHECK_FALSE(v.authenticated());
    CHECK(v.failure == rpt_result::validation_failure);
    CHECK(v.reason == "certificate-not-yet-valid at depth 0");
    auto o = options();
    o.now = std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2030} / 1 / 1}};
    CHECK(run({rec(chain[2], 2, 0, 1)}, chain, o).authenticated());
}

TEST_CASE("a certificate whose dates cannot be read fails with a reason of its own") {
    // y2050-leaf with its notAfter month changed from 12 to 13 (the signature no longer
    // covers it either, but the dates are what is reported).
    auto leaf = der("y2050-leaf");
    std::string text(reinterpret_cast<const char*>(leaf.data()), leaf.size());
    auto at = text.find("20501231235959Z");
    REQUIRE(at != std::string::npos);
    leaf[at + 4] = std::byte{'1'};
    leaf[at + 5] = std::byte{'3'};
    std::vector<byte_buffer> chain{leaf, der("y2050-inter"), der("y2050-root")};

    auto ta = run({rec(chain[2], 2, 0, 1)}, chain, options());
    CHECK_FALSE(ta.authenticated());
    CHECK(ta.failure == rpt_result::validation_failure);
    CHECK(ta.reason == "certificate-validity-unreadable at depth 0");
    REQUIRE(ta.chain.size() == 3);
    CHECK_FALSE(ta.chain[0].validity.has_value());
    // DANE-EE needs only the SPKI.
    CHECK(run({rec(leaf, 3, 1, 1)}, chain, options()).authenticated());
}

TEST_CASE("cross-signed intermediate: the copy signed by root B comes first, the record names "
          "root A") {
    auto leaf = der("x-leaf"), inter_a = der("x-inter-a"), inter_b = der("x-inter-b");
    auto root_a = der("x-root-a"), root_b = der("x-root-b");

    // Root A sent, named by certificate and by key.
    std::vector<byte_buffer> sent{leaf, inter_b, root_b, inter_a, root_a};
    for (auto r : {rec(root_a, 2, 0, 1), rec(root_a, 2, 1, 1), rec(root_a, 2, 1, 2)}) {
        CAPTURE(r.to_string());
        auto v = run({r}, sent, options());
        CHECK_MESSAGE(v.authenticated(), v.reason);
        CHECK(v.depth == 2);
        CHECK(v.path_number == 1); // leaf, inter B, root B matches nothing and is no path
        REQUIRE(v.path.size() == 3);
        CHECK(v.path[1].issuer == v.path[2].subject);
        CHECK(v.work.signature_checks >= 4);
    }
    // Root A as a bare key, not sent: the key signed inter A, not inter B.
    std::vector<byte_buffer> no_root{leaf, inter_b, inter_a};
    auto spki = run({rec(root_a, 2, 1, 0)}, no_root, options());
    CHECK_MESSAGE(spki.authenticated(), spki.reason);
    CHECK(spki.bare_key_anchor);
    CHECK(spki.depth == 1);
    // Root A as a full certificate from DNS.
    auto full = run({rec(root_a, 2, 0, 0)}, no_root, options());
    CHECK_MESSAGE(full.authenticated(), full.reason);
    CHECK(full.depth == 2);
    // PKIX-TA with root A the caller's trust anchor.
    auto o = options();
    o.trust_anchors = {root_a};
    auto pkix = run({rec(root_a, 0, 0, 1)}, no_root, o);
    CHECK_MESSAGE(pkix.authenticated(), pkix.reason);
    CHECK(pkix.depth == 2);
    // Root B works too, through the first copy.
    auto b = run({rec(root_b, 2, 0, 1)}, sent, options());
    CHECK(b.authenticated());
    CHECK(b.depth == 2);
    // Both records: the report names the path each matched on.
    auto both = run({rec(root_b, 2, 0, 1), rec(root_a, 2, 0, 1)}, sent, options());
    CHECK(both.authenticated());
    CHECK(format_report(both, std::vector<record>{rec(root_b, 2, 0, 1), rec(root_a, 2, 0, 1)})
              .find("on path 1") != std::string::npos);
}

TEST_CASE("an unrelated CA with the issuer's name and another key, sent first, is passed over") {
    std::vector<byte_buffer> chain{der("x-leaf"), der("x-impostor-1"), der("x-inter-a"),
                                   der("x-root-a")};
    auto v = run({rec(chain[3], 2, 0, 1)}, chain, options());
    CHECK_MESSAGE(v.authenticated(), v.reason);
    CHECK(v.depth == 2);
    CHECK(v.work.paths_checked == 1);
    CHECK(v.work.signature_checks == 3); // impostor (fails), inter A, root A
    auto o = options();
    o.trust_anchors = {chain[3]};
    auto pkix = run({rec(chain[3], 0, 0, 1)}, chain, o);
    CHECK_MESSAGE(pkix.authenticated(), pkix.reason);
}

TEST_CASE("two CAs issuing each other: the search ends, and a record for one still passes") {
    std::vector<byte_buffer> chain{der("loop-leaf"), der("loop-p"), der("loop-q")};
    auto none = run({rec(der("x-root-a"), 2, 0, 1)}, chain, options());
    CHECK_FALSE(none.authenticated());
    CHECK(none.reason == "tlsa-no-match");
    CHECK(none.work.signature_checks == 2); // leaf by P, P by Q; Q's issuer P is on the path
    CHECK_FALSE(none.work.cut_short);
    auto q = run({rec(chain[2], 2, 0, 1)}, chain, options());
    CHECK_MESSAGE(q.authenticated(), q.reason);
    CHECK(q.depth == 2);
}

TEST_CASE("more issuer candidates than the limits: a clear failure after bounded work") {
    std::vector<byte_buffer> chain{der("x-leaf")};
    for (int i = 1; i <= 6; ++i)
        chain.push_back(der("x-impostor-" + std::to_string(i)));
    chain.push_back(der("x-inter-a"));
    chain.push_back(der("x-root-a"));
    auto r = rec(chain.back(), 2, 0, 1);

    CHECK(run({r}, chain, options()).authenticated()); // within the default limits

    auto o = options();
    o.limits.max_signature_checks = 4;
    auto v = run({r}, chain, o);
    CHECK_FALSE(v.authenticated());
    CHECK(v.failure == rpt_result::certificate_not_trusted);
    CHECK(v.reason == "path-search-limit");
    CHECK(v.work.cut_short);
    CHECK(v.work.signature_checks == 4);

    // One complete path allowed, and it fails (the leaf does not name www.example.org):
    // the second, through root A, is not checked.
    auto sent = std::vector<byte_buffer>{der("x-leaf"), der("x-inter-b"), der("x-root-b"),
                                         der("x-inter-a"), der("x-root-a")};
    auto p = options();
    p.reference_ids = {dns::name::parse("www.example.org.").value()};
    p.limits.max_paths = 1;
    auto paths = run({rec(sent[2], 2, 0, 1), rec(sent[4], 2, 0, 1)}, sent, p);
    CHECK_FALSE(paths.authenticated());
    CHECK(paths.work.paths_checked == 1);
    CHECK(paths.reason == "path-search-limit");
}

TEST_CASE("a name-constrained intermediate that excludes the leaf fails DANE-TA and PKIX-TA, "
          "not DANE-EE") {
    std::vector<byte_buffer> chain{der("nc-leaf"), der("nc-inter"), der("nc-root")};
    auto ta = run({rec(chain[2], 2, 0, 1)}, chain, options());
    CHECK_FALSE(ta.authenticated());
    CHECK(ta.reason == "name-constraints-violated at depth 0");
    auto o = options();
    o.trust_anchors = {chain[2]};
    auto pkix = run({rec(chain[2], 0, 0, 1)}, chain, o);
    CHECK_FALSE(pkix.authenticated());
    CHECK(pkix.reason == "name-constraints-violated at depth 0");
    // RFC 7672 §3.1.1: DANE-EE(3) ignores everything but the key.
    auto ee = run({rec(chain[0], 3, 1, 1)}, chain, options(profile::smtp));
    CHECK(ee.authenticated());
}
