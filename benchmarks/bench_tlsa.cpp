// DANE verification cost: tlsa::verify (Botan backend) against OpenSSL's DANE
// (SSL_dane_tlsa_add + X509_verify_cert, what a TLS handshake runs), in the same run, for
//   - DANE-EE 3 1 1 matching the leaf (the server sends leaf + intermediate), and
//   - DANE-TA 2 1 1 matching the root of a leaf + intermediate + root chain.
// Each operation starts from the DER certificates and the TLSA record and ends with the
// verdict, as in a handshake: both libraries parse the chain every time.
//
// Usage: bench_tlsa [ITERATIONS]   (default 2000)
//
// Runs of the two are interleaved so that load from other processes falls on both alike;
// each figure is the median over the runs. Keys are ECDSA P-256 (the common case) and
// RSA-2048; chains are made in memory with Botan, at fixed dates.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../tests/tlsa/pki.hpp"
#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/verify.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace {

using namespace dane;
using namespace tlsa_test;
using clock_type = std::chrono::steady_clock;

struct bench_case {
    std::string label;
    std::vector<const issued*> chain;
    tlsa::record rr;
};

// tlsa::verify from DER to verdict.
bool run_dane(const crypto::botan_x509& x509, const bench_case& c) {
    tlsa::verify_options o;
    o.mode = tlsa::profile::smtp;
    o.reference_ids = {dns::name::parse("mx.example.net.").value()};
    o.now = now;
    std::vector<bytes_view> der;
    for (const auto* i : c.chain)
        der.push_back(i->der);
    return tlsa::verify(x509, std::span(&c.rr, 1), der, o).authenticated();
}

// An SSL object with DANE enabled for the TLSA base domain: per connection, made before a
// handshake verifies anything, so it is made outside the timed loop.
SSL* dane_ssl(SSL_CTX* ctx) {
    SSL* ssl = SSL_new(ctx);
    if (!ssl || SSL_dane_enable(ssl, "mx.example.net") <= 0) {
        std::fprintf(stderr, "bench_tlsa: SSL_dane_enable failed\n");
        std::exit(1);
    }
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    return ssl;
}

// OpenSSL from DER to verdict: the record added to the connection, then what
// ssl_verify_cert_chain does with DANE enabled.
bool run_openssl(SSL_CTX* ctx, SSL* ssl, const bench_case& c) {
    bool ok = false;
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    X509* leaf = nullptr;
    X509_STORE_CTX* vctx = X509_STORE_CTX_new();
    for (std::size_t i = 0; i < c.chain.size(); ++i) {
        const auto* p = reinterpret_cast<const unsigned char*>(c.chain[i]->der.data());
        X509* x = d2i_X509(nullptr, &p, static_cast<long>(c.chain[i]->der.size()));
        if (i == 0) leaf = x;
        sk_X509_push(untrusted, x);
    }
    const auto* d = reinterpret_cast<const unsigned char*>(c.rr.data.data());
    if (leaf && vctx &&
        SSL_dane_tlsa_add(ssl, static_cast<std::uint8_t>(c.rr.usage),
                          static_cast<std::uint8_t>(c.rr.selector),
                          static_cast<std::uint8_t>(c.rr.matching), d, c.rr.data.size()) > 0 &&
        X509_STORE_CTX_init(vctx, SSL_CTX_get_cert_store(ctx), leaf, untrusted) == 1) {
        X509_STORE_CTX_set0_dane(vctx, SSL_get0_dane(ssl));
        X509_STORE_CTX_set_default(vctx, "ssl_server");
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(vctx);
        X509_VERIFY_PARAM_set1(param, SSL_get0_param(ssl));
        X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now.time_since_epoch().count()));
        ok = X509_verify_cert(vctx) == 1;
    }
    X509_STORE_CTX_free(vctx);
    sk_X509_pop_free(untrusted, X509_free);
    return ok;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class F>
double per_op_us(int iterations, F&& f) {
    auto start = clock_type::now();
    int ok = 0;
    for (int i = 0; i < iterations; ++i)
        ok += f(i);
    auto us = std::chrono::duration<double, std::micro>(clock_type::now() - start).count();
    if (ok != iterations) {
        std::fprintf(stderr, "bench_tlsa: a verification failed\n");
        std::exit(1);
    }
    return us / iterations;
}

} // namespace

int main(int argc, char** argv) {
    int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
    if (iterations <= 0) iterations = 2000;
    const int runs = 7;

    auto& p = shared_pki();
    crypto::botan_x509 x509;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_dane_enable(ctx) <= 0) {
        std::fprintf(stderr, "bench_tlsa: OpenSSL DANE unavailable\n");
        return 1;
    }

    std::vector<issued> store;
    store.reserve(16);
    std::vector<bench_case> cases;
    for (auto kind : {key_kind::ecdsa, key_kind::rsa}) {
        std::string k = kind_name(kind);
        auto& root = store.emplace_back(p.root("Bench root " + k, p.key(kind, 0)));
        cert_options ca;
        ca.ca = true;
        auto& inter =
            store.emplace_back(p.sign(root, "Bench intermediate " + k, p.key(kind, 1), ca));
        cert_options lo;
        lo.dns = {"mx.example.net"};
        auto& leaf = store.emplace_back(p.sign(inter, "leaf", p.key(kind, 2), lo));
        cases.push_back({"DANE-EE 3 1 1, " + k + " leaf+int",
                         {&leaf, &inter},
                         tlsa::generate(x509, leaf.der).value()});
        cases.push_back({"DANE-TA 2 1 1, " + k + " leaf+int+root",
                         {&leaf, &inter, &root},
                         tlsa::generate(x509, root.der, tlsa::cert_usage::dane_ta).value()});
    }

    std::printf("TLSA verification, DER chain + record to verdict, median of %d runs of %d\n", runs,
                iterations);
    std::printf("  %-34s %12s %12s %8s\n", "case", "dane us/op", "openssl", "ratio");
    for (const auto& c : cases) {
        // One SSL per operation, as one per connection; made and freed outside the timing.
        std::vector<SSL*> ssls;
        auto openssl_run = [&](int n) {
            for (int i = 0; i < n; ++i)
                ssls.push_back(dane_ssl(ctx));
            double us = per_op_us(n, [&](int i) { return run_openssl(ctx, ssls[i], c); });
            for (auto* s : ssls)
                SSL_free(s);
            ssls.clear();
            return us;
        };
        // Warm up both (and check that both say yes).
        per_op_us(10, [&](int) { return run_dane(x509, c); });
        openssl_run(10);
        std::vector<double> d, o;
        for (int r = 0; r < runs; ++r) {
            d.push_back(per_op_us(iterations, [&](int) { return run_dane(x509, c); }));
            o.push_back(openssl_run(iterations));
        }
        double md = median(d), mo = median(o);
        std::printf("  %-34s %12.1f %12.1f %7.2fx\n", c.label.c_str(), md, mo, md / mo);
    }
    SSL_CTX_free(ctx);
    return 0;
}
