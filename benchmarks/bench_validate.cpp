// RRset validation throughput per algorithm: dnssec::verify_rrset (canonical form, the
// RFC 4035 §5.3.1 checks, signed-data reconstruction, the Botan backend's verify) against
// the raw Botan verification of the same signature over the same octets, and against
// ldns's ldns_verify_rrsig_keylist_time, in the same run.
//
// Usage: bench_validate [MILLISECONDS_PER_ROUND]   (default 300)
//
// The RRset is two A records signed once per algorithm; keys are made with a fixed seed
// (RSA 2048 bits). The library's key object is decoded once and reused, as a validator
// with a key cache does; the raw loop also reuses one Botan verifier. Rounds of the three
// are interleaved so that load from other processes falls on all alike; each figure is
// the median of 7 rounds. Overhead = dane time per verification / raw time - 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "dane/crypto/botan.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/rrsig.hpp"
#include "dane/dnssec/signer.hpp"

// Last: ldns's headers define names (bool) that upset C++ headers included after them.
#include <ldns/ldns.h>

namespace {

using namespace dane;
using backend_t = crypto::botan_backend;
using clock_type = std::chrono::steady_clock;

dns::name dn(const char* t) {
    const dns::name root;
    return dns::name::parse(t, &root).value();
}

std::vector<std::uint8_t> u8v(bytes_view b) {
    auto p = reinterpret_cast<const std::uint8_t*>(b.data());
    return {p, p + b.size()};
}

// The raw Botan key for a DNSKEY public key field (RFC 3110, RFC 6605, RFC 8080).
std::unique_ptr<Botan::Public_Key> raw_key(crypto::algorithm alg, bytes_view field) {
    using crypto::algorithm;
    switch (alg) {
    case algorithm::ecdsap256sha256:
    case algorithm::ecdsap384sha384: {
        std::vector<std::uint8_t> sec1{0x04};
        auto f = u8v(field);
        sec1.insert(sec1.end(), f.begin(), f.end());
        auto group =
            crypto::detail::ec_group(alg == algorithm::ecdsap256sha256 ? "secp256r1" : "secp384r1");
        return crypto::detail::ecdsa_public_key(group, sec1);
    }
    case algorithm::ed25519:
        return std::make_unique<Botan::Ed25519_PublicKey>(u8v(field));
    default: {
        auto f = u8v(field);
        std::size_t at = 1, elen = f[0];
        if (elen == 0) {
            elen = std::size_t{f[1]} << 8 | f[2];
            at = 3;
        }
        Botan::BigInt e(f.data() + at, elen), n(f.data() + at + elen, f.size() - at - elen);
        return std::make_unique<Botan::RSA_PublicKey>(n, e);
    }
    }
}

template <class F>
double ns_per_op(F&& f, int ms) {
    std::size_t n = 0;
    auto start = clock_type::now(), end = start + std::chrono::milliseconds(ms);
    auto now = start;
    while (now < end) {
        for (int i = 0; i < 8; ++i)
            f();
        n += 8;
        now = clock_type::now();
    }
    return std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(n);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    const int ms = argc > 1 ? std::atoi(argv[1]) : 300;
    backend_t backend = backend_t::deterministic(as_bytes(std::string_view("bench_validate")));
    using namespace std::chrono;
    const sys_seconds now = sys_days{year{2026} / 1 / 1};
    const dns::name zone = dn("bench.test.");
    const dns::name root;
    auto records = dns::parse_zone("www.bench.test. 3600 IN A 192.0.2.1\n"
                                   "www.bench.test. 3600 IN A 192.0.2.2\n",
                                   &root)
                       .value();
    auto set = dnssec::group_rrsets(records).front();

    std::printf("%-18s %12s %12s %12s %10s %10s\n", "algorithm", "raw Botan/s", "dane/s", "ldns/s",
                "overhead", "ldns/dane");
    for (auto alg : {crypto::algorithm::rsasha256, crypto::algorithm::rsasha512,
                     crypto::algorithm::ecdsap256sha256, crypto::algorithm::ecdsap384sha384,
                     crypto::algorithm::ed25519}) {
        auto key = dnssec::make_key(backend, zone, alg, 256, 2048);
        if (!key) {
            std::printf("%-18s unsupported\n", crypto::to_string(alg).c_str());
            continue;
        }
        auto sig = dnssec::sign_rrset(backend, set, *key, dnssec::window_around(now)).value();
        auto s = set;
        s.signatures = {sig.rdata};

        // The octets that were signed, built once for the raw verifier.
        auto fields = dnssec::parse_rrsig(sig.rdata).value();
        byte_buffer data;
        dnssec::append_signed_data(data, bytes_view(sig.rdata).first(fields.prefix_size),
                                   set.owner.lowercased(), set.type, set.klass, fields.original_ttl,
                                   dnssec::canonical_rdatas(set.type, set.rdatas));
        auto raw = raw_key(alg, dnssec::parse_dnskey(key->dnskey)->public_key);
        Botan::PK_Verifier verifier(*raw, crypto::detail::botan_padding(alg));
        auto msg = u8v(data);
        auto sigbytes = u8v(fields.signature);
        if (!verifier.verify_message(msg, sigbytes)) {
            std::printf("raw verification failed for %s\n", crypto::to_string(alg).c_str());
            return 1;
        }

        std::vector<byte_buffer> keyrd{key->dnskey};
        auto keys = dnssec::make_zone_keys<backend_t>(keyrd);
        dnssec::validation_limits limits;
        limits.max_verifications_per_answer = ~std::size_t{0};
        dnssec::verify_scratch scratch;
        auto dane_verify = [&] {
            dnssec::work_done work;
            auto r = dnssec::verify_rrset(backend, s, zone,
                                          std::span<const dnssec::zone_key<backend_t>>(keys), now,
                                          limits, work, &scratch);
            if (!r.verdict.secure()) std::abort();
        };
        dane_verify();

        // ldns: the same records through its presentation parser.
        ldns_rr_list* l_set = ldns_rr_list_new();
        for (const auto& r : records) {
            ldns_rr* rr = nullptr;
            ldns_rr_new_frm_str(&rr, dns::to_string(r).c_str(), 0, nullptr, nullptr);
            ldns_rr_list_push_rr(l_set, rr);
        }
        ldns_rr *l_sig = nullptr, *l_key = nullptr;
        ldns_rr_new_frm_str(&l_sig, dns::to_string(sig).c_str(), 0, nullptr, nullptr);
        ldns_rr_new_frm_str(&l_key, dns::to_string(key->record()).c_str(), 0, nullptr, nullptr);
        ldns_rr_list* l_keys = ldns_rr_list_new();
        ldns_rr_list_push_rr(l_keys, l_key);
        const time_t t = static_cast<time_t>(now.time_since_epoch().count());
        auto ldns_verify = [&] {
            if (ldns_verify_rrsig_keylist_time(l_set, l_sig, l_keys, t, nullptr) != LDNS_STATUS_OK)
                std::abort();
        };
        ldns_verify();

        std::vector<double> r_raw, r_dane, r_ldns;
        for (int round = 0; round < 7; ++round) {
            r_raw.push_back(ns_per_op(
                [&] {
                    if (!verifier.verify_message(msg, sigbytes)) std::abort();
                },
                ms));
            r_dane.push_back(ns_per_op(dane_verify, ms));
            r_ldns.push_back(ns_per_op(ldns_verify, ms));
        }
        const double raw_ns = median(r_raw), dane_ns = median(r_dane), ldns_ns = median(r_ldns);
        std::printf("%-18s %12.0f %12.0f %12.0f %9.1f%% %9.2fx\n", crypto::to_string(alg).c_str(),
                    1e9 / raw_ns, 1e9 / dane_ns, 1e9 / ldns_ns, (dane_ns / raw_ns - 1) * 100,
                    ldns_ns / dane_ns);
        ldns_rr_list_deep_free(l_set);
        ldns_rr_list_deep_free(l_keys);
        ldns_rr_free(l_sig);
    }
    return 0;
}
