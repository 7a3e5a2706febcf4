// The Botan TLS glue, in a real handshake: a Botan TLS::Server and a TLS::Client whose
// callbacks derive from tlsa::dane_callbacks, exchanging records in memory. Checks that
// the client sends the TLSA base domain as SNI (RFC 7672 §8.1), that a DANE failure aborts
// the handshake, and that an SMTP connection with no usable records goes on unauthenticated
// (RFC 7672 §2.2).
#include <doctest/doctest.h>

#include <botan/auto_rng.h>
#include <botan/build.h>
#include <botan/credentials_manager.h>
#include <botan/tls_client.h>
#include <botan/tls_policy.h>
#include <botan/tls_server.h>
#if BOTAN_VERSION_MAJOR >= 3
#include <botan/tls_session_manager_noop.h>
#else
#include <botan/tls_session_manager.h>
#endif

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "dane/tlsa/botan_tls.hpp"
#include "dane/tlsa/generate.hpp"
#include "pki.hpp"

using namespace dane;
using namespace dane::tlsa;
using namespace tlsa_test;

namespace {

using bytes = std::vector<std::uint8_t>;

// The server's certificate and key; records the SNI it was asked for.
class server_credentials : public Botan::Credentials_Manager {
public:
    server_credentials(std::vector<Botan::X509_Certificate> chain,
                       std::shared_ptr<Botan::Private_Key> key)
        : chain_(std::move(chain)), key_(std::move(key)) {}

#if BOTAN_VERSION_MAJOR >= 3
    std::vector<Botan::X509_Certificate>
    find_cert_chain(const std::vector<std::string>& key_types,
                    const std::vector<Botan::AlgorithmIdentifier>&,
                    const std::vector<Botan::X509_DN>&, const std::string& type,
                    const std::string& context) override {
        return chain_for(key_types, type, context);
    }
    std::shared_ptr<Botan::Private_Key> private_key_for(const Botan::X509_Certificate&,
                                                        const std::string&,
                                                        const std::string&) override {
        return key_;
    }
#else
    std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& key_types,
                                                    const std::string& type,
                                                    const std::string& context) override {
        return chain_for(key_types, type, context);
    }
    Botan::Private_Key* private_key_for(const Botan::X509_Certificate&, const std::string&,
                                        const std::string&) override {
        return key_.get();
    }
#endif

    std::string sni;

private:
    std::vector<Botan::X509_Certificate> chain_for(const std::vector<std::string>& key_types,
                                                   const std::string& type,
                                                   const std::string& context) {
        if (type != "tls-server") return {};
        sni = context;
        for (const auto& t : key_types)
            if (t == key_->algo_name()) return chain_;
        return {};
    }

    std::vector<Botan::X509_Certificate> chain_;
    std::shared_ptr<Botan::Private_Key> key_;
};

// What both ends share: where their outgoing bytes go.
struct wire {
    bytes to_client, to_server;
};

#if BOTAN_VERSION_MAJOR >= 3
#define DANE_TEST_EMIT                                                                             \
    void tls_emit_data(std::span<const std::uint8_t> d) override {                                 \
        out->insert(out->end(), d.begin(), d.end());                                               \
    }                                                                                              \
    void tls_record_received(std::uint64_t, std::span<const std::uint8_t>) override {}
#else
#define DANE_TEST_EMIT                                                                             \
    void tls_emit_data(const std::uint8_t d[], std::size_t n) override {                           \
        out->insert(out->end(), d, d + n);                                                         \
    }                                                                                              \
    void tls_record_received(std::uint64_t, const std::uint8_t[], std::size_t) override {}         \
    bool tls_session_established(const Botan::TLS::Session&) override {                            \
        return false;                                                                              \
    }
#endif

struct server_callbacks : Botan::TLS::Callbacks {
    bytes* out = nullptr;
    DANE_TEST_EMIT
    void tls_alert(Botan::TLS::Alert a) override { alerts.push_back(a.type_string()); }
    std::vector<std::string> alerts;
};

struct client_callbacks : dane_callbacks {
    using dane_callbacks::dane_callbacks;
    bytes* out = nullptr;
    DANE_TEST_EMIT
    void tls_alert(Botan::TLS::Alert) override {}
};

struct handshake_result {
    bool client_active = false;
    bool threw = false;
    std::string error;
    std::string sni;
    std::vector<std::string> server_alerts;
};

handshake_result handshake(dane_tls_verifier& dane, const std::vector<const issued*>& chain) {
    std::vector<Botan::X509_Certificate> certs;
    for (const auto* c : chain)
        certs.push_back(c->cert);
    wire w;
    handshake_result res;
#if BOTAN_VERSION_MAJOR >= 3
    auto rng = std::make_shared<Botan::AutoSeeded_RNG>();
    auto sessions = std::make_shared<Botan::TLS::Session_Manager_Noop>();
    auto policy = std::make_shared<Botan::TLS::Policy>();
    auto creds = std::make_shared<server_credentials>(certs, chain.front()->key);
    auto client_creds = std::make_shared<Botan::Credentials_Manager>();
    auto scb = std::make_shared<server_callbacks>();
    auto ccb = std::make_shared<client_callbacks>(dane);
    scb->out = &w.to_client;
    ccb->out = &w.to_server;
    Botan::TLS::Server server(scb, sessions, creds, policy, rng);
    Botan::TLS::Client client(ccb, sessions, client_creds, policy, rng,
                              server_information(dane, 25));
    auto& server_cb = *scb;
    auto& server_creds = *creds;
#else
    Botan::AutoSeeded_RNG rng;
    Botan::TLS::Session_Manager_Noop sessions;
    Botan::TLS::Policy policy;
    server_credentials server_creds(certs, chain.front()->key);
    Botan::Credentials_Manager client_creds;
    server_callbacks server_cb;
    client_callbacks client_cb(dane);
    server_cb.out = &w.to_client;
    client_cb.out = &w.to_server;
    Botan::TLS::Server server(server_cb, sessions, server_creds, policy, rng);
    Botan::TLS::Client client(client_cb, sessions, client_creds, policy, rng,
                              server_information(dane, 25));
#endif
    try {
        for (int round = 0; round < 20 && !client.is_active(); ++round) {
            if (!w.to_server.empty()) {
                bytes b;
                b.swap(w.to_server);
                server.received_data(b.data(), b.size());
            }
            if (!w.to_client.empty()) {
                bytes b;
                b.swap(w.to_client);
                client.received_data(b.data(), b.size());
            }
        }
    } catch (const std::exception& e) {
        res.threw = true;
        res.error = e.what();
        // Deliver the alert the client sent to the server.
        try {
            if (!w.to_server.empty()) server.received_data(w.to_server.data(), w.to_server.size());
        } catch (...) {
        }
    }
    res.client_active = client.is_active();
    res.sni = server_creds.sni;
    res.server_alerts = server_cb.alerts;
    return res;
}

verify_options smtp_options() {
    verify_options o;
    o.mode = profile::smtp;
    o.reference_ids = {dns::name::parse("mx.example.net.").value(),
                       dns::name::parse("example.net.").value()};
    o.now = now;
    return o;
}

struct tls_pki {
    issued root, leaf;
};
const tls_pki& pki_for_tls() {
    static tls_pki t = [] {
        auto& p = shared_pki();
        tls_pki x;
        x.root = p.root("TLS root", p.key(key_kind::ecdsa, 40));
        cert_options o;
        o.dns = {"mx.example.net"};
        x.leaf = p.sign(x.root, "leaf", p.key(key_kind::ecdsa, 41), o);
        return x;
    }();
    return t;
}

record rec(const issued& c, cert_usage u, selector_type s = selector_type::spki) {
    return generate(crypto::botan_x509{}, c.der, u, s, matching_type::sha2_256).value();
}

} // namespace

TEST_CASE("TLS glue: a DANE-EE match completes the handshake; SNI is the TLSA base domain") {
    const auto& t = pki_for_tls();
    dane_tls_verifier dane({rec(t.leaf, cert_usage::dane_ee)}, smtp_options());
    CHECK(dane.sni_name() == "mx.example.net");
    auto r = handshake(dane, {&t.leaf, &t.root});
    CHECK(r.client_active);
    CHECK(!r.threw);
    CHECK(r.sni == "mx.example.net");
    REQUIRE(dane.result());
    CHECK(dane.result()->authenticated());
    CHECK(dane.result()->depth == 0);
}

TEST_CASE("TLS glue: DANE-TA with the caller's time") {
    const auto& t = pki_for_tls();
    dane_tls_verifier dane({rec(t.root, cert_usage::dane_ta, selector_type::cert)}, smtp_options());
    auto r = handshake(dane, {&t.leaf, &t.root});
    CHECK(r.client_active);
    CHECK(dane.result()->depth == 1);
    CHECK(dane.result()->name->reference == "mx.example.net");
    // Ten years on, the chain has expired: the handshake is refused.
    dane.set_time(now + std::chrono::seconds{10 * 365 * 86400});
    r = handshake(dane, {&t.leaf, &t.root});
    CHECK(!r.client_active);
    CHECK(r.threw);
    CHECK(dane.result()->failure == rpt_result::certificate_expired);
    CHECK(r.error.find("certificate-expired") != std::string::npos);
}

TEST_CASE("TLS glue: no match aborts the handshake with an alert") {
    const auto& t = pki_for_tls();
    dane_tls_verifier dane({rec(t.root, cert_usage::dane_ee)}, smtp_options());
    auto r = handshake(dane, {&t.leaf, &t.root});
    CHECK(!r.client_active);
    CHECK(r.threw);
    CHECK(r.error.find("validation-failure") != std::string::npos);
    CHECK(dane.result()->failure == rpt_result::validation_failure);
    CHECK(!dane.accepts());
    REQUIRE(!r.server_alerts.empty());
    CHECK(r.server_alerts.front() == "bad_certificate");
}

TEST_CASE("TLS glue: SMTP with no usable records encrypts without authenticating (§2.2)") {
    const auto& t = pki_for_tls();
    auto pkix = rec(t.leaf, cert_usage::pkix_ee);
    dane_tls_verifier dane({pkix}, smtp_options());
    auto r = handshake(dane, {&t.leaf, &t.root});
    CHECK(r.client_active);
    CHECK(dane.result()->status == outcome::unusable);
    CHECK(dane.accepts());
    // In the generic profile the same records leave it to PKIX (RFC 6698 §4.1), and with
    // no trusted CA configured Botan refuses the chain.
    auto generic = smtp_options();
    generic.mode = profile::generic;
    dane_tls_verifier g({record{static_cast<cert_usage>(9), selector_type::spki,
                                matching_type::sha2_256, byte_buffer(32)}},
                        generic);
    r = handshake(g, {&t.leaf, &t.root});
    CHECK(!r.client_active);
    CHECK(r.threw);
    CHECK(g.result()->status == outcome::unusable);
}

TEST_CASE("TLS glue: the verifier owns its PKIX trust anchors; the caller's buffer may go") {
    const auto& t = pki_for_tls();
    auto opt = smtp_options();
    opt.mode = profile::generic;
    auto anchor = std::make_unique<byte_buffer>(t.root.der);
    opt.trust_anchors = {bytes_view(*anchor)};
    dane_tls_verifier dane({rec(t.leaf, cert_usage::pkix_ee)}, opt);
    // The caller's buffer is wiped and freed before the handshake.
    std::fill(anchor->begin(), anchor->end(), std::byte{0});
    anchor.reset();
    opt.trust_anchors.clear();
    REQUIRE(dane.trust_anchors().size() == 1);
    CHECK(dane.trust_anchors()[0] == t.root.der);
    REQUIRE(dane.options().trust_anchors.size() == 1);
    CHECK(dane.options().trust_anchors[0].data() == dane.trust_anchors()[0].data());
    // A copy views its own bytes, not the original's.
    dane_tls_verifier copy = dane;
    CHECK(copy.options().trust_anchors[0].data() == copy.trust_anchors()[0].data());
    CHECK(copy.options().trust_anchors[0].data() != dane.trust_anchors()[0].data());
    auto r = handshake(copy, {&t.leaf, &t.root});
    CHECK(r.client_active);
    REQUIRE(copy.result());
    CHECK(copy.result()->authenticated());
    // Without the anchor, PKIX-EE has no trusted path.
    copy.set_trust_anchors({});
    r = handshake(copy, {&t.leaf, &t.root});
    CHECK(!r.client_active);
    CHECK(copy.result()->failure == rpt_result::certificate_not_trusted);
}
