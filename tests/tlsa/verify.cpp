// DANE verification with chains made here: every usage x selector x matching type, with
// RSA, ECDSA and Ed25519 keys, expired and not-yet-valid certificates, wrong names,
// wildcards, incomplete chains, and the SMTP rules of RFC 7672 one by one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/verify.hpp"
#include "pki.hpp"

using namespace dane;
using namespace dane::tlsa;
using namespace tlsa_test;

namespace {

const crypto::botan_x509 x509;

dns::name n(std::string_view text) {
    return dns::name::parse(text).value();
}

record rec(const issued& c, cert_usage u, selector_type s, matching_type m) {
    return generate(x509, c.der, u, s, m).value();
}
record rec(const issued& c, int u, int s, int m) {
    return rec(c, static_cast<cert_usage>(u), static_cast<selector_type>(s),
               static_cast<matching_type>(m));
}

verify_options options(profile p, std::vector<std::string> names = {"mx.example.net."}) {
    verify_options o;
    o.mode = p;
    for (const auto& s : names)
        o.reference_ids.push_back(n(s));
    o.now = now;
    return o;
}

verification run(const std::vector<record>& records, const std::vector<const issued*>& chain,
                 const verify_options& o) {
    std::vector<bytes_view> der;
    for (const auto* c : chain)
        der.push_back(c->der);
    return verify(x509, records, der, o);
}

// A three-level PKI per key kind: root -> intermediate -> leaf for mx.example.net.
struct hierarchy {
    issued root, inter, leaf;
};
hierarchy make_hierarchy(key_kind k, cert_options leaf_opts = {}) {
    auto& p = shared_pki();
    hierarchy h;
    h.root = p.root(std::string("Root ") + kind_name(k), p.key(k, 0));
    cert_options io;
    io.ca = true;
    h.inter = p.sign(h.root, std::string("Intermediate ") + kind_name(k), p.key(k, 1), io);
    if (leaf_opts.dns.empty() && leaf_opts.cn.empty()) leaf_opts.dns = {"mx.example.net"};
    h.leaf = p.sign(h.inter, "leaf", p.key(k, 2), leaf_opts);
    return h;
}
const hierarchy& ecdsa_pki() {
    static hierarchy h = make_hierarchy(key_kind::ecdsa);
    return h;
}

cert_options named(std::string dns) {
    cert_options o;
    o.dns = {std::move(dns)};
    return o;
}

const key_kind all_kinds[] = {key_kind::rsa, key_kind::ecdsa, key_kind::ed25519};
const int selectors[] = {0, 1};
const int mtypes[] = {0, 1, 2};

} // namespace

TEST_CASE("DANE-EE(3): every selector and matching type, every key kind, both profiles") {
    for (auto k : all_kinds) {
        auto h = make_hierarchy(k);
        for (int s : selectors)
            for (int m : mtypes)
                for (auto p : {profile::smtp, profile::generic}) {
                    CAPTURE(kind_name(k));
                    CAPTURE(s);
                    CAPTURE(m);
                    CAPTURE(to_string(p));
                    std::vector<record> rs{rec(h.leaf, 3, s, m)};
                    auto v = run(rs, {&h.leaf, &h.inter, &h.root}, options(p));
                    CHECK(v.authenticated());
                    CHECK(v.depth == 0);
                    CHECK(v.matched_record == 0u);
                    CHECK(!v.name); // RFC 7672 §3.2.1: no name checks
                    CHECK(v.records[0].authenticated);
                    // The leaf alone is enough: no issuer is needed for DANE-EE.
                    CHECK(run(rs, {&h.leaf}, options(p)).authenticated());
                    // A record for another key does not match.
                    std::vector<record> other{rec(h.inter, 3, s, m)};
                    auto f = run(other, {&h.leaf, &h.inter}, options(p));
                    CHECK(f.status == outcome::failed);
                    CHECK(f.failure == rpt_result::validation_failure);
                    CHECK(f.reason == "tlsa-no-match");
                    CHECK(f.depth == -1);
                }
    }
}

TEST_CASE("DANE-EE(3) ignores names and dates (RFC 7671 §5.1, RFC 7672 §3.1.1)") {
    auto& p = shared_pki();
    const auto& h = ecdsa_pki();
    cert_options expired;
    expired.dns = {"other.example.org"};
    expired.not_before = now - std::chrono::seconds{10 * 365 * 86400};
    expired.not_after = now - std::chrono::seconds{5 * 365 * 86400};
    auto old_leaf = p.sign(h.inter, "old", p.key(key_kind::ecdsa, 3), expired);
    cert_options future;
    future.not_before = now + std::chrono::seconds{86400};
    future.not_after = now + std::chrono::seconds{2 * 86400};
    auto new_leaf = p.sign(h.inter, "new", p.key(key_kind::ecdsa, 3), future);
    auto self = p.self_signed("self", p.key(key_kind::ecdsa, 3), expired);
    for (const auto* leaf : {&old_leaf, &new_leaf, &self})
        for (auto pr : {profile::smtp, profile::generic}) {
            auto v = run({rec(*leaf, 3, 1, 1)}, {leaf}, options(pr));
            CHECK(v.authenticated());
            CHECK(v.depth == 0);
        }
    // The same key in another certificate: SPKI(1) matches, Cert(0) does not.
    CHECK(run({rec(old_leaf, 3, 1, 1)}, {&new_leaf}, options(profile::smtp)).authenticated());
    CHECK(!run({rec(old_leaf, 3, 0, 1)}, {&new_leaf}, options(profile::smtp)).authenticated());
}

TEST_CASE("DANE-TA(2): every selector and matching type, anchor at the root or intermediate") {
    for (auto k : all_kinds) {
        auto h = make_hierarchy(k);
        for (int s : selectors)
            for (int m : mtypes)
                for (auto p : {profile::smtp, profile::generic}) {
                    CAPTURE(kind_name(k));
                    CAPTURE(s);
                    CAPTURE(m);
                    CAPTURE(to_string(p));
                    auto root =
                        run({rec(h.root, 2, s, m)}, {&h.leaf, &h.inter, &h.root}, options(p));
                    CHECK(root.authenticated());
                    CHECK(root.depth == 2);
                    REQUIRE(root.name);
                    CHECK(root.name->reference == "mx.example.net");
                    auto inter =
                        run({rec(h.inter, 2, s, m)}, {&h.leaf, &h.inter, &h.root}, options(p));
                    CHECK(inter.authenticated());
                    CHECK(inter.depth == 1);
                    // The leaf is never a trust anchor: depth 0 is DANE-EE's (OpenSSL's
                    // check_dane_issuer starts at depth 1).
                    CHECK(!run({rec(h.leaf, 2, s, m)}, {&h.leaf, &h.inter, &h.root}, options(p))
                               .authenticated());
                }
    }
}

TEST_CASE("DANE-TA(2) needs the anchor in the chain unless DNS carries it in full") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    // Root not sent: a digest cannot stand in for it (RFC 7671 §5.2.2).
    auto v = run({rec(h.root, 2, 0, 1)}, {&h.leaf, &h.inter}, o);
    CHECK(v.status == outcome::failed);
    CHECK(v.reason == "tlsa-no-match");
    CHECK(v.records[0].detail == "no certificate in the chain matches");
    // "2 0 0" publishes the certificate: the path is completed from DNS, depth as if sent.
    v = run({rec(h.root, 2, 0, 0)}, {&h.leaf, &h.inter}, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 2);
    // Even the intermediate may come from DNS.
    v = run({rec(h.inter, 2, 0, 0)}, {&h.leaf}, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 1);
    // "2 1 0": a bare key that signed the topmost certificate sent (RFC 7671 §5.2.3); the
    // depth is that certificate's, as OpenSSL's check_dane_pkeys reports it.
    v = run({rec(h.root, 2, 1, 0)}, {&h.leaf, &h.inter}, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 1);
    CHECK(v.bare_key_anchor);
    v = run({rec(h.inter, 2, 1, 0)}, {&h.leaf}, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 0);
    CHECK(v.bare_key_anchor);
    // A key that signed nothing here.
    v = run({rec(h.leaf, 2, 1, 0)}, {&h.leaf, &h.inter}, o);
    CHECK(!v.authenticated());
    // "0 0 0" completes chains too, in the generic profile (OpenSSL does the same).
    auto g = options(profile::generic);
    g.trust_anchors = {h.root.der};
    v = run({rec(h.inter, 0, 0, 0)}, {&h.leaf}, g);
    CHECK(v.authenticated());
    CHECK(v.depth == 1);
}

TEST_CASE("chains: order from what the server sent, extra and misordered certificates") {
    auto& p = shared_pki();
    const auto& h = ecdsa_pki();
    auto stray = p.root("Stray", p.key(key_kind::ecdsa, 5));
    auto o = options(profile::smtp);
    auto v = run({rec(h.root, 2, 0, 1)}, {&h.leaf, &stray, &h.root, &h.inter}, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 2);
    // A record for the stray root matches a certificate that is not on the path.
    v = run({rec(stray, 2, 0, 1)}, {&h.leaf, &stray, &h.root, &h.inter}, o);
    CHECK(!v.authenticated());
    CHECK(v.reason == "tlsa-no-match");
    // Duplicates do not loop.
    v = run({rec(stray, 2, 0, 1)}, {&h.leaf, &h.inter, &h.inter, &h.leaf}, o);
    CHECK(!v.authenticated());
}

TEST_CASE("DANE-TA(2) checks dates at the given time") {
    auto& p = shared_pki();
    const auto& h = ecdsa_pki();
    cert_options expired;
    expired.dns = {"mx.example.net"};
    expired.not_before = now - std::chrono::seconds{2 * 365 * 86400};
    expired.not_after = now - std::chrono::seconds{86400};
    auto old_leaf = p.sign(h.inter, "old", p.key(key_kind::ecdsa, 2), expired);
    auto o = options(profile::smtp);
    auto v = run({rec(h.root, 2, 0, 1)}, {&old_leaf, &h.inter, &h.root}, o);
    CHECK(v.status == outcome::failed);
    CHECK(v.failure == rpt_result::certificate_expired);
    CHECK(v.reason == "certificate-expired at depth 0");
    CHECK(v.depth == 2);
    CHECK(v.matched_record == 0u);
    CHECK(v.records[0].matched);
    CHECK(v.records[0].failure == rpt_result::certificate_expired);
    // The same chain at a time it was valid.
    auto then = o;
    then.now = now - std::chrono::seconds{365 * 86400};
    CHECK(run({rec(h.root, 2, 0, 1)}, {&old_leaf, &h.inter, &h.root}, then).authenticated());

    cert_options future = expired;
    future.not_before = now + std::chrono::seconds{86400};
    future.not_after = now + std::chrono::seconds{2 * 86400};
    auto new_leaf = p.sign(h.inter, "new", p.key(key_kind::ecdsa, 2), future);
    v = run({rec(h.root, 2, 0, 1)}, {&new_leaf, &h.inter, &h.root}, o);
    CHECK(v.failure == rpt_result::validation_failure);
    CHECK(v.reason == "certificate-not-yet-valid at depth 0");

    // An expired intermediate, and an expired trust anchor (checked too, as OpenSSL does).
    cert_options old_ca;
    old_ca.ca = true;
    old_ca.not_before = expired.not_before;
    old_ca.not_after = expired.not_after;
    auto old_inter = p.sign(h.root, "Old intermediate", p.key(key_kind::ecdsa, 6), old_ca);
    auto leaf2 = p.sign(old_inter, "leaf", p.key(key_kind::ecdsa, 2), named("mx.example.net"));
    v = run({rec(h.root, 2, 0, 1)}, {&leaf2, &old_inter, &h.root}, o);
    CHECK(v.failure == rpt_result::certificate_expired);
    CHECK(v.reason == "certificate-expired at depth 1");
    // An intermediate trust anchor is trusted as it stands, its dates included, as OpenSSL
    // does; a root trust anchor's dates count.
    v = run({rec(old_inter, 2, 0, 1)}, {&leaf2, &old_inter, &h.root}, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 1);
    cert_options old_root_opts;
    old_root_opts.not_before = expired.not_before;
    old_root_opts.not_after = expired.not_after;
    auto old_root = p.root("Old root", p.key(key_kind::ecdsa, 6), old_root_opts);
    auto leaf3 = p.sign(old_root, "leaf", p.key(key_kind::ecdsa, 2), named("mx.example.net"));
    v = run({rec(old_root, 2, 0, 1)}, {&leaf3, &old_root}, o);
    CHECK(v.failure == rpt_result::certificate_expired);
    CHECK(v.reason == "certificate-expired at depth 1");
}

TEST_CASE("SMTP: DANE-TA(2) reference identifiers (RFC 7672 §3.2.2, §3.2.3)") {
    auto& p = shared_pki();
    const auto& h = ecdsa_pki();
    auto leaf_for = [&](std::vector<std::string> dns, std::string cn = {}) {
        cert_options o;
        o.dns = std::move(dns);
        o.cn = std::move(cn);
        return p.sign(h.inter, "leaf", p.key(key_kind::ecdsa, 2), o);
    };
    auto check = [&](const issued& leaf, std::vector<std::string> names) {
        return run({rec(h.root, 2, 0, 1)}, {&leaf, &h.inter, &h.root},
                   options(profile::smtp, std::move(names)));
    };
    // TLSA base domain first; the MX host and the next-hop domain are also accepted.
    auto base = leaf_for({"mx.example.net"});
    CHECK(check(base, {"mx.example.net."}).name->reference == "mx.example.net");
    auto domain = leaf_for({"example.com"});
    auto v = check(domain, {"mx.example.net.", "example.com."});
    CHECK(v.authenticated());
    CHECK(v.name->reference == "example.com");
    v = check(domain, {"mx.example.net."});
    CHECK(v.failure == rpt_result::certificate_host_mismatch);
    CHECK(v.reason == "name-mismatch");
    CHECK(v.depth == 2);
    // Case does not matter.
    CHECK(check(leaf_for({"MX.Example.NET"}), {"mx.example.net."}).authenticated());
    // Wildcards: the whole leftmost label, exactly one label.
    auto wild = leaf_for({"*.example.net"});
    v = check(wild, {"mx.example.net."});
    CHECK(v.authenticated());
    CHECK(v.name->presented == "*.example.net");
    CHECK(!check(wild, {"a.mx.example.net."}).authenticated());
    CHECK(!check(wild, {"example.net."}).authenticated());
    CHECK(!check(leaf_for({"mx*.example.net"}), {"mx1.example.net."}).authenticated());
    CHECK(!check(leaf_for({"*mx.example.net"}), {"amx.example.net."}).authenticated());
    CHECK(!check(leaf_for({"m*x.example.net"}), {"mx.example.net."}).authenticated());
    CHECK(!check(leaf_for({"*.net"}), {"example.net."}).authenticated());
    // CN-ID only when there is no DNS-ID.
    CHECK(check(leaf_for({}, "mx.example.net"), {"mx.example.net."}).authenticated());
    CHECK(!check(leaf_for({"other.example.net"}, "mx.example.net"), {"mx.example.net."})
               .authenticated());
    // No reference identifier at all: nothing can match.
    v = check(base, {});
    CHECK(v.failure == rpt_result::certificate_host_mismatch);
    CHECK(v.reason == "no-reference-identifiers");
}

TEST_CASE("SMTP: reference identifiers from the MX lookup (RFC 7672 §3.2.2)") {
    // RFC 7672 §3.2.2's example: exchange.example.org -> CNAME example.com, MX
    // mx15.example.com -> CNAME mxbackup.example.com (TLSA found at mx15.example.com).
    auto ids = smtp_reference_ids(n("mx15.example.com."), n("mx15.example.com."),
                                  n("exchange.example.org."), n("example.com."));
    REQUIRE(ids.size() == 3);
    CHECK(ids[0] == n("mx15.example.com."));
    CHECK(ids[1] == n("exchange.example.org."));
    CHECK(ids[2] == n("example.com."));
    // Insecure MX: the MX host only.
    CHECK(smtp_reference_ids(n("mx.example.net.")).size() == 1);
    // A certificate for the email domain passes with those names.
    auto& p = shared_pki();
    const auto& h = ecdsa_pki();
    cert_options o;
    o.dns = {"example.com"};
    auto leaf = p.sign(h.inter, "domain", p.key(key_kind::ecdsa, 2), o);
    auto opt = options(profile::smtp);
    opt.reference_ids = ids;
    auto v = run({rec(h.root, 2, 0, 1)}, {&leaf, &h.inter, &h.root}, opt);
    CHECK(v.authenticated());
    CHECK(v.name->reference == "example.com");
}

TEST_CASE("SMTP: PKIX-TA(0) and PKIX-EE(1) are unusable (RFC 7672 §3.1.3)") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    auto v = run({rec(h.leaf, 1, 1, 1), rec(h.root, 0, 0, 1)}, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(v.status == outcome::unusable);
    CHECK(v.failure == rpt_result::tlsa_invalid);
    CHECK(v.records[0].unusable == unusable_reason::pkix_in_smtp);
    CHECK(v.records[1].unusable == unusable_reason::pkix_in_smtp);
    // Mixed with a usable record, only that one counts.
    v = run({rec(h.leaf, 1, 1, 1), rec(h.inter, 3, 1, 1)}, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(v.status == outcome::failed);
    CHECK(v.reason == "tlsa-no-match");
}

TEST_CASE("SMTP: a secure RRset without usable records means TLS unauthenticated (§2.2)") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    std::vector<record> rs{
        parse_rdata_text("4 1 1 " + std::string(64, 'a')).value(),        // unknown usage
        parse_rdata_text("3 2 1 " + std::string(64, 'a')).value(),        // unknown selector
        parse_rdata_text("3 1 3 " + std::string(64, 'a')).value(),        // unknown matching type
        parse_rdata_text("3 1 1 " + std::string(62, 'a')).value(),        // 31-octet SHA2-256
        parse_rdata_text("3 1 2 " + std::string(64, 'a')).value(),        // 32-octet SHA2-512
        parse_rdata_text("3 0 0 3003020100").value(),                     // not a certificate
        parse_rdata_text("3 1 0 300d06092a864886f70d0101010500").value(), // not a key
        parse_rdata_text("255 1 1 " + std::string(64, 'a')).value(),      // PrivCert
    };
    auto v = run(rs, {&h.leaf}, o);
    CHECK(v.status == outcome::unusable);
    CHECK(v.failure == rpt_result::tlsa_invalid);
    CHECK(v.reason == "no-usable-tlsa-records");
    CHECK(v.records[0].unusable == unusable_reason::unknown_usage);
    CHECK(v.records[1].unusable == unusable_reason::unknown_selector);
    CHECK(v.records[2].unusable == unusable_reason::unknown_matching_type);
    CHECK(v.records[3].unusable == unusable_reason::bad_digest_length);
    CHECK(v.records[4].unusable == unusable_reason::bad_digest_length);
    CHECK(v.records[5].unusable == unusable_reason::bad_certificate);
    CHECK(v.records[6].unusable == unusable_reason::bad_public_key);
    CHECK(v.records[7].unusable == unusable_reason::unknown_usage);
    // An empty RRset is no different.
    CHECK(run({}, {&h.leaf}, o).status == outcome::unusable);
    // Unusable records next to a usable one are ignored, not errors.
    rs.push_back(rec(h.leaf, 3, 1, 1));
    v = run(rs, {&h.leaf}, o);
    CHECK(v.authenticated());
    CHECK(v.matched_record == rs.size() - 1);
}

TEST_CASE("SMTP: DANE-EE(3) matches the leaf without name or expiry checks (§3.1.1)") {
    auto& p = shared_pki();
    cert_options o;
    o.dns = {"unrelated.example.org"};
    o.not_after = now - std::chrono::seconds{1};
    auto leaf = p.self_signed("whatever", p.key(key_kind::rsa, 0), o);
    auto v = run({rec(leaf, 3, 1, 1)}, {&leaf}, options(profile::smtp));
    CHECK(v.authenticated());
    CHECK(format_report(v, std::vector<record>{rec(leaf, 3, 1, 1)})
              .starts_with("pass: DANE-EE(3) SPKI(1) SHA2-256(1) matched at depth 0\n"));
}

TEST_CASE("digest agility: only the strongest digest per usage and selector (RFC 7671 §9)") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    auto good256 = rec(h.leaf, 3, 1, 1), good512 = rec(h.leaf, 3, 1, 2);
    auto bad256 = rec(h.inter, 3, 1, 1), bad512 = rec(h.inter, 3, 1, 2);
    // A matching SHA2-256 record is ignored when a SHA2-512 one exists for 3 1.
    auto v = run({good256, bad512}, {&h.leaf}, o);
    CHECK(!v.authenticated());
    CHECK(v.records[0].unusable == unusable_reason::weaker_digest);
    CHECK(v.records[1].usable());
    v = run({bad256, good512}, {&h.leaf}, o);
    CHECK(v.authenticated());
    CHECK(v.matched_record == 1u);
    // Full(0) is never dropped.
    v = run({rec(h.leaf, 3, 1, 0), bad512}, {&h.leaf}, o);
    CHECK(v.authenticated());
    // Other selector or usage: separate groups.
    v = run({good256, rec(h.inter, 3, 0, 2)}, {&h.leaf}, o);
    CHECK(v.authenticated());
    v = run({rec(h.root, 2, 1, 1), bad512}, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(v.authenticated());
    // An unusable stronger digest (wrong length) does not push the weaker one out.
    auto broken512 = parse_rdata_text("3 1 2 " + std::string(64, 'a')).value();
    v = run({good256, broken512}, {&h.leaf}, o);
    CHECK(v.authenticated());
}

TEST_CASE("the record reported when several match is OpenSSL's choice") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    // DANE-EE before DANE-TA; SPKI before Cert; SHA2-512 before SHA2-256 before Full.
    std::vector<record> rs{rec(h.root, 2, 0, 1), rec(h.leaf, 3, 0, 1), rec(h.leaf, 3, 1, 0),
                           rec(h.leaf, 3, 1, 1)};
    auto v = run(rs, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(v.matched_record == 3u);
    CHECK(v.depth == 0);
    rs = {rec(h.root, 2, 0, 1), rec(h.inter, 2, 0, 1)};
    v = run(rs, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(v.matched_record == 1u);
    CHECK(v.depth == 1);
    CHECK(v.records[0].matched == false); // the path stops at the first anchor
}

TEST_CASE("path checks: signatures, CA flags, key usage") {
    auto& p = shared_pki();
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    // A leaf whose signature is damaged.
    auto bad = h.leaf;
    bad.der.back() ^= std::byte{0x01};
    auto v = run({rec(h.root, 2, 0, 1)}, {&bad, &h.inter, &h.root}, o);
    CHECK(v.failure == rpt_result::certificate_not_trusted);
    CHECK(v.reason == "bad-signature at depth 0");
    // ... which DANE-EE does not look at (the record matches the damaged certificate).
    CHECK(run({rec(bad, 3, 0, 1)}, {&bad}, o).authenticated());
    // An end-entity certificate used as an issuer.
    cert_options leafy;
    leafy.dns = {"mx.example.net"};
    auto fake_ca = p.sign(h.inter, "Fake CA", p.key(key_kind::ecdsa, 7), leafy);
    auto below = p.sign_with_non_ca(fake_ca, "below", p.key(key_kind::ecdsa, 8), leafy);
    v = run({rec(h.root, 2, 0, 1)}, {&below, &fake_ca, &h.inter, &h.root}, o);
    CHECK(v.failure == rpt_result::certificate_not_trusted);
    CHECK(v.reason == "issuer-not-ca at depth 0");
    // A leaf for client authentication only.
    cert_options client;
    client.dns = {"mx.example.net"};
    client.server_auth_eku = false;
    auto client_leaf = p.sign(h.inter, "client", p.key(key_kind::ecdsa, 2), client);
    v = run({rec(h.root, 2, 0, 1)}, {&client_leaf, &h.inter, &h.root}, o);
    CHECK(v.failure == rpt_result::certificate_not_trusted);
    CHECK(v.reason == "invalid-key-usage at depth 0");
    // The same with an intermediate anchor: the checks below the anchor all still apply.
    v = run({rec(h.inter, 2, 0, 1)}, {&client_leaf, &h.inter, &h.root}, o);
    CHECK(v.reason == "invalid-key-usage at depth 0");
    v = run({rec(h.inter, 2, 0, 1)}, {&bad, &h.inter}, o);
    CHECK(v.reason == "bad-signature at depth 0");
    // Path length: the root allows no intermediate below it.
    cert_options tight;
    tight.path_limit = 0;
    auto root0 = p.root("Root0", p.key(key_kind::ecdsa, 9), tight);
    cert_options ca;
    ca.ca = true;
    auto inter0 = p.sign(root0, "Inter0", p.key(key_kind::ecdsa, 10), ca);
    auto leaf0 = p.sign(inter0, "leaf", p.key(key_kind::ecdsa, 2), named("mx.example.net"));
    v = run({rec(root0, 2, 0, 1)}, {&leaf0, &inter0, &root0}, o);
    CHECK(v.failure == rpt_result::certificate_not_trusted);
    CHECK(v.reason.starts_with("path-length-exceeded"));
    // Anchored at the intermediate, the root's constraint does not apply.
    CHECK(run({rec(inter0, 2, 0, 1)}, {&leaf0, &inter0, &root0}, o).authenticated());
}

TEST_CASE("no certificate, or a leaf that does not parse") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    std::vector<record> rs{rec(h.leaf, 3, 1, 1)};
    auto v = verify(x509, rs, std::span<const bytes_view>{}, o);
    CHECK(v.failure == rpt_result::validation_failure);
    CHECK(v.reason == "no-certificate");
    byte_buffer junk{std::byte{0x30}, std::byte{0x03}, std::byte{1}, std::byte{2}, std::byte{3}};
    std::vector<bytes_view> chain{junk};
    v = verify(x509, rs, chain, o);
    CHECK(v.failure == rpt_result::validation_failure);
    CHECK(v.reason == "malformed-leaf-certificate");
    // A certificate with trailing octets is not DER.
    auto padded = h.leaf.der;
    padded.push_back(std::byte{0});
    chain = {padded};
    CHECK(verify(x509, rs, chain, o).reason == "malformed-leaf-certificate");
    // A bad extra certificate is skipped.
    chain = {h.leaf.der, junk};
    CHECK(verify(x509, rs, chain, o).authenticated());
}

TEST_CASE("generic profile: PKIX-EE(1) and PKIX-TA(0) need a trusted path") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::generic);
    auto chain = std::vector<const issued*>{&h.leaf, &h.inter, &h.root};
    // No trust anchors: PKIX cannot succeed.
    auto v = run({rec(h.leaf, 1, 1, 1)}, chain, o);
    CHECK(v.failure == rpt_result::certificate_not_trusted);
    CHECK(v.reason == "pkix-no-trusted-path");
    CHECK(v.records[0].matched);
    o.trust_anchors = {h.root.der};
    v = run({rec(h.leaf, 1, 1, 1)}, chain, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 0);
    REQUIRE(v.name);
    // PKIX-EE does check names (RFC 7671 §5.3).
    auto wrong = options(profile::generic, {"www.example.org."});
    wrong.trust_anchors = o.trust_anchors;
    v = run({rec(h.leaf, 1, 1, 1)}, chain, wrong);
    CHECK(v.failure == rpt_result::certificate_host_mismatch);
    // PKIX-TA at the root and at the intermediate.
    v = run({rec(h.root, 0, 0, 1)}, chain, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 2);
    v = run({rec(h.inter, 0, 1, 2)}, chain, o);
    CHECK(v.authenticated());
    CHECK(v.depth == 1);
    // A PKIX-TA record for a CA not on the path.
    v = run({rec(h.leaf, 0, 1, 1)}, chain, o);
    CHECK(!v.authenticated());
    // The root need not be sent when it is a trust anchor.
    CHECK(run({rec(h.root, 0, 0, 1)}, {&h.leaf, &h.inter}, o).authenticated());
    // RFC 7671 §5.4: a trusted intermediate does not end the search for a PKIX-TA match.
    auto via_inter = options(profile::generic);
    via_inter.trust_anchors = {h.inter.der};
    v = run({rec(h.root, 0, 0, 1)}, chain, via_inter);
    CHECK(v.authenticated());
    CHECK(v.depth == 2);
    // DANE-TA in the generic profile also checks names.
    auto g = options(profile::generic, {"www.example.org."});
    CHECK(run({rec(h.root, 2, 0, 1)}, chain, g).failure == rpt_result::certificate_host_mismatch);
    // ... but DANE-EE does not (RFC 7671 §5.1).
    CHECK(run({rec(h.leaf, 3, 0, 1)}, chain, g).authenticated());
}

TEST_CASE("per-record diagnostics") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    o.describe_certificates = true;
    std::vector<record> rs{rec(h.inter, 3, 1, 1), rec(h.root, 2, 0, 1),
                           parse_rdata_text("1 1 1 " + std::string(64, '0')).value()};
    auto v = run(rs, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(v.authenticated());
    CHECK(v.records[0].detail == "does not match the server's certificate");
    CHECK(v.records[1].authenticated);
    CHECK(v.records[1].depth == 2);
    CHECK(v.records[2].unusable == unusable_reason::pkix_in_smtp);
    CHECK(v.work.certificates_parsed == 3);
    CHECK(v.work.paths_checked == 1);
    REQUIRE(v.chain.size() == 3);
    CHECK(v.chain[0].dns_ids == std::vector<std::string>{"mx.example.net"});
    CHECK(v.chain[0].subject.find("leaf") != std::string::npos);
    CHECK(v.path.size() == 3);
    auto text = format_report(v, rs);
    CHECK(text.starts_with("pass: DANE-TA(2) Cert(0) SHA2-256(1) matched at depth 2 on path 1, "
                           "name mx.example.net\n"));
    CHECK(text.find("unusable, PKIX usages") != std::string::npos);
}

TEST_CASE("limits bound the work") {
    const auto& h = ecdsa_pki();
    auto o = options(profile::smtp);
    o.limits.max_records = 2;
    std::vector<record> rs{rec(h.inter, 3, 1, 1), rec(h.inter, 3, 0, 1), rec(h.leaf, 3, 1, 1)};
    auto v = run(rs, {&h.leaf}, o);
    CHECK(!v.authenticated());
    CHECK(v.records[2].unusable == unusable_reason::over_limit);
    o = options(profile::smtp);
    o.limits.max_path = 2;
    v = run({rec(h.root, 2, 0, 1)}, {&h.leaf, &h.inter, &h.root}, o);
    CHECK(!v.authenticated());
    o.limits.max_path = 3;
    CHECK(run({rec(h.root, 2, 0, 1)}, {&h.leaf, &h.inter, &h.root}, o).authenticated());
    o.limits.max_chain = 2;
    CHECK(!run({rec(h.root, 2, 0, 1)}, {&h.leaf, &h.inter, &h.root}, o).authenticated());
}
