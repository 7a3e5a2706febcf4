// A small private PKI for the TLSA tests: roots, intermediates and leaves made with
// Botan's X509_CA at fixed dates, with RSA, ECDSA or Ed25519 keys. Keys are random (the
// outcome of every test is not), and cached per (kind, slot) so that a test run makes
// only a few RSA keys.
#pragma once

#include <botan/auto_rng.h>
#include <botan/build.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pkcs10.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509_ca.h>
#include <botan/x509_ext.h>
#include <botan/x509self.h>

#if BOTAN_VERSION_MAJOR >= 3
#include <botan/ec_group.h>
#endif

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"

namespace tlsa_test {

using namespace std::chrono_literals;
using sys_seconds = std::chrono::sys_seconds;

// 2025-01-01T00:00:00Z: the validation time of the tests.
inline constexpr sys_seconds now{std::chrono::seconds{1735689600}};
inline constexpr sys_seconds year_ago = now - std::chrono::seconds{365 * 86400};
inline constexpr sys_seconds in_a_year = now + std::chrono::seconds{365 * 86400};

enum class key_kind { rsa, ecdsa, ed25519 };

inline const char* kind_name(key_kind k) {
    switch (k) {
    case key_kind::rsa:
        return "RSA";
    case key_kind::ecdsa:
        return "ECDSA";
    case key_kind::ed25519:
        return "Ed25519";
    }
    return "?";
}

struct cert_options {
    std::vector<std::string> dns; // subjectAltName DNS-IDs
    std::string cn;               // subject CN
    sys_seconds not_before = year_ago;
    sys_seconds not_after = in_a_year;
    bool server_auth_eku = true; // extendedKeyUsage serverAuth (else clientAuth only)
    bool ca = false;
    std::size_t path_limit = 4;
};

struct issued {
    Botan::X509_Certificate cert;
    std::shared_ptr<Botan::Private_Key> key;
    dane::byte_buffer der;

    dane::bytes_view view() const { return der; }
    std::string pem() const { return cert.PEM_encode(); }
};

inline dane::byte_buffer to_buffer(const std::vector<std::uint8_t>& v) {
    const auto* p = reinterpret_cast<const std::byte*>(v.data());
    return dane::byte_buffer(p, p + v.size());
}

class pki {
public:
    // The key of kind `k` in slot `slot`: the same object every time it is asked for.
    std::shared_ptr<Botan::Private_Key> key(key_kind k, int slot = 0) {
        auto& p = keys_[{k, slot}];
        if (!p) {
            switch (k) {
            case key_kind::rsa:
                p = std::make_shared<Botan::RSA_PrivateKey>(rng_, 2048);
                break;
            case key_kind::ecdsa:
#if BOTAN_VERSION_MAJOR >= 3
                p = std::make_shared<Botan::ECDSA_PrivateKey>(
                    rng_, Botan::EC_Group::from_name("secp256r1"));
#else
                p = std::make_shared<Botan::ECDSA_PrivateKey>(rng_, Botan::EC_Group("secp256r1"));
#endif
                break;
            case key_kind::ed25519:
                p = std::make_shared<Botan::Ed25519_PrivateKey>(rng_);
                break;
            }
        }
        return p;
    }

    issued root(const std::string& cn, std::shared_ptr<Botan::Private_Key> k, cert_options o = {}) {
        auto opts = make_options(cn, o);
        opts.CA_key(o.path_limit);
        auto c = Botan::X509::create_self_signed_cert(opts, *k, hash_for(*k), rng_);
        return {c, k, to_buffer(c.BER_encode())};
    }

    issued sign(const issued& ca, const std::string& cn, std::shared_ptr<Botan::Private_Key> k,
                cert_options o = {}) {
        auto opts = make_options(cn, o);
        if (o.ca)
            opts.CA_key(o.path_limit);
        else
            opts.add_ex_constraint(o.server_auth_eku ? "PKIX.ServerAuth" : "PKIX.ClientAuth");
        auto req = Botan::X509::create_cert_req(opts, *k, hash_for(*k), rng_);
#if BOTAN_VERSION_MAJOR >= 3
        // Botan 3.7 loses the extendedKeyUsage between X509_Cert_Options and the request,
        // so the extensions are chosen here and the certificate made from them.
        auto ext = Botan::X509_CA::choose_extensions(req, ca.cert, hash_for(*ca.key));
        if (!o.ca)
            ext.replace(std::make_unique<Botan::Cert_Extension::Extended_Key_Usage>(
                std::vector<Botan::OID>{Botan::OID::from_string(
                    o.server_auth_eku ? "PKIX.ServerAuth" : "PKIX.ClientAuth")}));
        auto signer = Botan::X509_Object::choose_sig_format(*ca.key, rng_, hash_for(*ca.key), "");
        auto c = Botan::X509_CA::make_cert(
            *signer, rng_, signer->algorithm_identifier(), req.raw_public_key(), time(o.not_before),
            time(o.not_after), ca.cert.subject_dn(), req.subject_dn(), ext);
#else
        Botan::X509_CA x509ca(ca.cert, *ca.key, hash_for(*ca.key), rng_);
        auto c = x509ca.sign_request(req, rng_, time(o.not_before), time(o.not_after));
#endif
        return {c, k, to_buffer(c.BER_encode())};
    }

    // A self-signed end-entity certificate (no CA flag).
    issued self_signed(const std::string& cn, std::shared_ptr<Botan::Private_Key> k,
                       cert_options o = {}) {
        auto opts = make_options(cn, o);
        opts.add_ex_constraint("PKIX.ServerAuth");
        auto c = Botan::X509::create_self_signed_cert(opts, *k, hash_for(*k), rng_);
        return {c, k, to_buffer(c.BER_encode())};
    }

    // A certificate signed by `not_ca`'s key under its name, although `not_ca` is no CA:
    // X509_CA refuses a non-CA certificate, so it is given a self-signed CA twin with the
    // same name and key (the issued certificate carries only the name and key identifier).
    issued sign_with_non_ca(const issued& not_ca, const std::string& cn,
                            std::shared_ptr<Botan::Private_Key> k, cert_options o = {}) {
        cert_options twin_opts;
        twin_opts.path_limit = 4;
        auto twin_cn = not_ca.cert.subject_dn().get_first_attribute("X520.CommonName");
        auto twin = root(twin_cn, not_ca.key, twin_opts);
        return sign(twin, cn, std::move(k), std::move(o));
    }

    Botan::RandomNumberGenerator& rng() {
        return rng_;
    }

private:
    static Botan::X509_Time time(sys_seconds t) {
        return Botan::X509_Time(std::chrono::system_clock::time_point(t));
    }
    static std::string hash_for(const Botan::Private_Key& k) {
        // Ed25519 signs the message itself; both Botan 2 and 3 accept SHA-512 as the
        // "hash" for it (and sign Pure).
        if (k.algo_name() == "Ed25519") return "SHA-512";
        return "SHA-256";
    }
    Botan::X509_Cert_Options make_options(const std::string& cn, const cert_options& o) {
        Botan::X509_Cert_Options opts;
        opts.common_name = o.cn.empty() ? cn : o.cn;
        opts.organization = "dane tests";
        opts.country = "NL";
        if (!o.dns.empty()) {
            opts.dns = o.dns[0];
            opts.more_dns.assign(o.dns.begin() + 1, o.dns.end());
        }
        opts.start = time(o.not_before);
        opts.end = time(o.not_after);
        return opts;
    }

    Botan::AutoSeeded_RNG rng_;
    std::map<std::pair<key_kind, int>, std::shared_ptr<Botan::Private_Key>> keys_;
};

// One shared PKI per test program: key generation is the slow part.
inline pki& shared_pki() {
    static pki p;
    return p;
}

} // namespace tlsa_test
