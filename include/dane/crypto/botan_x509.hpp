// The Botan implementation of crypto::x509_backend (x509.hpp), for Botan 2.19 and 3.x.
// Certificates are parsed once into Botan's X509_Certificate and shared by pointer; path
// checks follow RFC 5280 §6.1 with Botan's accessors and extension validators, for a
// trust anchor that DNS (DANE-TA, RFC 7671 §5.2) or the caller (PKIX) vouches for.
//
// Every Botan call is wrapped: no Botan exception leaves this header. Version differences
// are marked with BOTAN_VERSION_MAJOR.
//
// The DER, the names as DER, the SubjectPublicKeyInfo and the validity times come from
// x509_der.hpp's reader, not from Botan: Botan 2 cannot turn years from 2262 into a
// time_point, and both versions refuse years above 3100 (RFC 5280 §4.1.2.5 allows 9999).
// When Botan refuses a certificate, it is parsed again from a copy whose validity is
// replaced, for the names and extensions only; its signature is then checked over the
// original TBSCertificate with Botan's X509_Object.
#pragma once

#include <botan/build.h>

#include <botan/data_src.h>
#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/x509_ext.h>
#include <botan/x509_key.h>
#include <botan/x509_obj.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/crypto/x509_der.hpp"

namespace dane::crypto {

namespace detail {
inline const std::uint8_t* x509_u8(bytes_view b) noexcept {
    return reinterpret_cast<const std::uint8_t*>(b.data());
}
inline bytes_view x509_bytes(const std::vector<std::uint8_t>& v) noexcept {
    return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}

// Any signed X.509 object, read only as far as X509_Object reads it (the TBS octets, the
// signature algorithm and value): what checks the signature of a certificate whose
// contents Botan refuses.
class x509_signed_object final : public Botan::X509_Object {
public:
    explicit x509_signed_object(bytes_view der) {
        Botan::DataSource_Memory src(x509_u8(der), der.size());
        load_data(src);
    }
    std::string PEM_label() const override { return "CERTIFICATE"; }

private:
    void force_decode() override {}
};

// The signature of `o` checked with `key`, as an error value.
inline result<void> x509_verify(const Botan::X509_Object& o, const Botan::Public_Key& key) {
#if BOTAN_VERSION_MAJOR >= 3
    auto code = o.verify_signature(key).first;
#else
    auto code = o.verify_signature(key);
#endif
    using C = Botan::Certificate_Status_Code;
    if (code == C::VERIFIED || code == C::OK) return {};
    if (code == C::SIGNATURE_ERROR) return fail(x509_errc::bad_signature);
    return fail(x509_errc::unsupported_signature);
}

// A validity Botan accepts (UTCTime 2020-01-01 to 2049-12-31), put in place of one it
// refuses so that the rest of the certificate can be read.
inline bytes_view placeholder_validity() noexcept {
    static constexpr unsigned char v[] = {
        0x30, 0x1e, 0x17, 0x0d, '2', '0', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0',
        'Z',  0x17, 0x0d, '4',  '9', '1', '2', '3', '1', '2', '3', '5', '9', '5', '9', 'Z'};
    return {reinterpret_cast<const std::byte*>(v), sizeof v};
}

inline path_error classify(Botan::Certificate_Status_Code c) noexcept {
    using C = Botan::Certificate_Status_Code;
    switch (c) {
    case C::SIGNATURE_ERROR:
    case C::SIGNATURE_ALGO_UNKNOWN:
    case C::SIGNATURE_ALGO_BAD_PARAMS:
    case C::CERT_PUBKEY_INVALID:
        return path_error::bad_signature;
    case C::CHAIN_NAME_MISMATCH:
    case C::CHAIN_LACKS_TRUST_ROOT:
    case C::CERT_ISSUER_NOT_FOUND:
    case C::CANNOT_ESTABLISH_TRUST:
    case C::CERT_CHAIN_LOOP:
        return path_error::broken_chain;
    case C::CA_CERT_NOT_FOR_CERT_ISSUER:
        return path_error::issuer_not_ca;
    case C::INVALID_USAGE:
        return path_error::bad_usage;
    case C::CERT_CHAIN_TOO_LONG:
        return path_error::path_too_long;
    case C::NAME_CONSTRAINT_ERROR:
        return path_error::name_constraints;
    case C::UNKNOWN_CRITICAL_EXTENSION:
        return path_error::critical_extension;
    case C::SIGNATURE_METHOD_TOO_WEAK:
    case C::UNTRUSTED_HASH:
        return path_error::weak_crypto;
    case C::CERT_NOT_YET_VALID:
        return path_error::not_yet_valid;
    case C::CERT_HAS_EXPIRED:
        return path_error::expired;
    default:
        return path_error::other;
    }
}

// An extendedKeyUsage extension, when present, must allow serverAuth or any purpose
// (RFC 5280 §4.2.1.12), checked on the OIDs so that it does not depend on Botan's names.
inline bool eku_allows_server(const Botan::X509_Certificate& c) {
    const auto& eku = c.extended_key_usage();
    if (eku.empty()) return true;
    for (const auto& oid : eku) {
        auto s = oid.to_string();
        if (s == "1.3.6.1.5.5.7.3.1" || s == "2.5.29.37.0") return true;
    }
    return false;
}

// Signatures over MD5 or SHA-1 are refused, as OpenSSL's security level 1 and up do.
inline bool weak_hash(const Botan::X509_Certificate& c) {
#if BOTAN_VERSION_MAJOR >= 3
    auto oid = c.signature_algorithm().oid().to_string();
#else
    auto oid = c.signature_algorithm().get_oid().to_string();
#endif
    static constexpr const char* weak[] = {
        "1.2.840.113549.1.1.4", // md5WithRSAEncryption
        "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
        "1.2.840.10045.4.1",    // ecdsa-with-SHA1
        "1.2.840.10040.4.3",    // dsa-with-sha1
        "1.3.14.3.2.29",        // sha1WithRSASignature (OIW)
    };
    for (const char* w : weak)
        if (oid == w) return true;
    return false;
}

// Which problem to report when a path has several: structural ones first, since a chain
// that is not signed properly is untrusted whatever its dates; then dates.
inline int severity(path_error e) noexcept {
    switch (e) {
    case path_error::none:
        return 0;
    case path_error::not_yet_valid:
        return 1;
    case path_error::expired:
        return 2;
    case path_error::bad_validity:
        return 4; // nothing about such a certificate can be trusted
    default:
        return 3;
    }
}
} // namespace detail

class botan_x509 {
public:
    // Parsed once, shared by every copy. `fields` are views into `der`.
    struct cert_data {
        byte_buffer der;
        certificate_fields fields;
        // Names and extensions. When Botan refused the certificate, this was parsed from a
        // copy with a placeholder validity: its dates and signature are not the
        // certificate's, and `original` checks the signature instead.
        std::optional<Botan::X509_Certificate> cert;
        std::unique_ptr<detail::x509_signed_object> original;

        // Work done once per certificate, however many paths it is on: its own key, and
        // the keys its signature verified with (held, so that a pointer is never reused).
        // Guarded by `memo`: a certificate may be shared between threads.
        mutable std::mutex memo;
        mutable std::optional<result<std::shared_ptr<const Botan::Public_Key>>> key;
        mutable std::vector<std::shared_ptr<const Botan::Public_Key>> verified_by;
    };
    struct certificate {
        std::shared_ptr<const cert_data> p;
    };
    struct public_key {
        std::shared_ptr<const Botan::Public_Key> key;
    };

    struct config {
        // Botan's default (Path_Validation_Restrictions): 110 bits refuses RSA below 2048
        // bits and SHA-1 signatures, as OpenSSL's security level 2 on Debian does.
        std::size_t minimum_key_strength = 110;
    };

    botan_x509() = default;
    explicit botan_x509(config c) : config_(c) {}

    result<certificate> parse_certificate(bytes_view der) const noexcept {
        // Botan also reads PEM and BER; TLS and TLSA carry DER (RFC 5246 §7.4.2, RFC 6698
        // §2.1.2), and Cert(0) matching hashes these exact octets, so refuse anything else.
        if (!detail::is_single_der_sequence(der)) return fail(x509_errc::bad_certificate);
        try {
            auto d = std::make_shared<cert_data>();
            d->der.assign(der.begin(), der.end());
            auto fields = read_certificate_fields(d->der);
            if (!fields) return fail(fields.error());
            d->fields = std::move(*fields);
            if (auto c = botan_parse(d->der)) {
                d->cert.emplace(std::move(*c));
            } else {
                // Botan refuses the dates (years above 3100, or unreadable ones), or
                // something else: read the rest from a copy with dates it accepts. When
                // that fails too, the certificate is malformed beyond its dates.
                auto copy = with_validity(d->fields, detail::placeholder_validity());
                auto c2 = botan_parse(copy);
                if (!c2) return fail(x509_errc::bad_certificate);
                d->cert.emplace(std::move(*c2));
                d->original = std::make_unique<detail::x509_signed_object>(d->der);
            }
            return certificate{std::move(d)};
        } catch (...) {
            return fail(x509_errc::bad_certificate);
        }
    }

    result<public_key> parse_public_key(bytes_view der) const noexcept {
        if (!detail::is_single_der_sequence(der)) return fail(x509_errc::bad_public_key);
        try {
            std::vector<std::uint8_t> v(detail::x509_u8(der), detail::x509_u8(der) + der.size());
#if BOTAN_VERSION_MAJOR >= 3
            std::shared_ptr<const Botan::Public_Key> k = Botan::X509::load_key(v);
#else
            std::shared_ptr<const Botan::Public_Key> k(Botan::X509::load_key(v));
#endif
            if (!k) return fail(x509_errc::bad_public_key);
            return public_key{std::move(k)};
        } catch (...) {
            return fail(x509_errc::bad_public_key);
        }
    }

    bytes_view der(const certificate& c) const noexcept {
        return c.p->der;
    }

    // The exact octets of the certificate's SubjectPublicKeyInfo (valid as long as `c`).
    bytes_view spki(const certificate& c) const noexcept {
        return c.p->fields.spki;
    }

    result<byte_buffer> digest(hash_algorithm alg, bytes_view data) const noexcept {
        try {
            // crypto::to_string spells the hashes as Botan names them ("SHA-256").
            auto h = Botan::HashFunction::create(std::string(to_string(alg)));
            if (!h) return fail(x509_errc::digest_unavailable);
            h->update(detail::x509_u8(data), data.size());
            byte_buffer out(h->output_length());
            h->final(reinterpret_cast<std::uint8_t*>(out.data()));
            return out;
        } catch (...) {
            return fail(x509_errc::digest_unavailable);
        }
    }

    result<presented_identifiers> identifiers(const certificate& c) const noexcept {
        presented_identifiers out;
        try {
            const auto& san = c.p->cert->subject_alt_name();
#if BOTAN_VERSION_MAJOR >= 3
            for (const auto& d : san.dns())
                out.dns_ids.push_back(d);
#else
            for (const auto& d : san.get_attribute("DNS"))
                out.dns_ids.push_back(d);
#endif
            for (const auto& cn : c.p->cert->subject_dn().get_attribute("X520.CommonName"))
                out.common_names.push_back(cn);
        } catch (...) {
            return fail(x509_errc::unsupported_certificate);
        }
        return out;
    }

    result<validity_period> validity(const certificate& c) const noexcept {
        const auto& f = c.p->fields;
        if (!f.not_before) return fail(f.not_before.error());
        if (!f.not_after) return fail(f.not_after.error());
        return validity_period{*f.not_before, *f.not_after};
    }

    result<public_key> subject_key(const certificate& c) const noexcept {
        std::lock_guard lock(c.p->memo);
        if (!c.p->key) {
            auto k = parse_public_key(spki(c));
            if (k)
                c.p->key.emplace(std::move(k->key));
            else
                c.p->key.emplace(fail(k.error()));
        }
        if (!*c.p->key) return fail(c.p->key->error());
        return public_key{c.p->key->value()};
    }

    // Botan's comparison of names (RFC 5280 §7.1 lets case and spacing differ); the DER
    // octets when it cannot compare.
    bool is_self_issued(const certificate& c) const noexcept {
        return same_name(c, true, c, false);
    }

    // RFC 5280 §4.2.1.1: when both key identifiers are present they must agree; names
    // must always (§6.1.3 (a)(4)).
    bool may_have_issued(const certificate& issuer, const certificate& subject) const noexcept {
        if (!same_name(subject, false, issuer, true)) return false;
        try {
            const auto& akid = subject.p->cert->authority_key_id();
            const auto& skid = issuer.p->cert->subject_key_id();
            return akid.empty() || skid.empty() || akid == skid;
        } catch (...) {
            return false;
        }
    }

    result<void> signed_by(const certificate& c, const public_key& k) const noexcept {
        try {
            {
                std::lock_guard lock(c.p->memo);
                for (const auto& seen : c.p->verified_by)
                    if (seen == k.key) return {};
            }
            auto r = c.p->original ? detail::x509_verify(*c.p->original, *k.key)
                                   : detail::x509_verify(*c.p->cert, *k.key);
            if (r) {
                std::lock_guard lock(c.p->memo);
                if (c.p->verified_by.size() < 4) c.p->verified_by.push_back(k.key);
            }
            return r;
        } catch (...) {
            return fail(x509_errc::unsupported_signature);
        }
    }

    // RFC 5280 §6.1 for path[0..top] with path[top] (or `anchor_key`) as trust anchor.
    //
    // Not PKIX::check_chain: it checks the top certificate against its own key, which for
    // a DANE-TA(2) intermediate fails, and Botan 3 then returns before the other checks;
    // it also loads every issuer key twice over. So the steps are spelled out here with
    // Botan's certificate accessors, and Botan's own extension validators (name
    // constraints, unknown critical extensions) run as check_chain runs them.
    path_check check_path(std::span<const certificate* const> path, const public_key* anchor_key,
                          const path_options& opt) const noexcept {
        if (path.empty()) return {path_error::malformed, 0, "empty path"};
        using code = Botan::Certificate_Status_Code;
        path_check worst;
        // Reports the most severe problem, the one nearest the leaf among equals.
        auto note = [&](path_error e, std::size_t depth, std::string what) {
            if (detail::severity(e) > detail::severity(worst.error))
                worst = {e, depth, std::move(what)};
        };
        try {
            const std::size_t top = path.size() - 1;
            auto cert = [&](std::size_t i) -> const Botan::X509_Certificate& {
                return *path[i]->p->cert;
            };

            // Dates that cannot be read make the certificate unusable in a path.
            for (std::size_t i = 0; i <= top; ++i)
                if (!validity(*path[i]))
                    note(path_error::bad_validity, i, "validity times cannot be read");

            // Signatures, issuer names, CA flags and key strength, each issuer key loaded
            // once (RFC 5280 §6.1.3 (a), §6.1.4 (k) and (n)).
            for (std::size_t i = 0; i < top; ++i) {
                const auto& subject = cert(i);
                const auto& issuer = cert(i + 1);
                if (!(subject.issuer_dn() == issuer.subject_dn()))
                    note(path_error::broken_chain, i, "issuer name mismatch");
                if (!issuer.is_CA_cert()) note(path_error::issuer_not_ca, i, "issuer is not a CA");
#if BOTAN_VERSION_MAJOR >= 3
                if (!issuer.allowed_usage(Botan::Key_Constraints::KeyCertSign))
                    note(path_error::issuer_not_ca, i, "issuer key usage lacks keyCertSign");
#else
                if (!issuer.allowed_usage(Botan::Key_Constraints::KEY_CERT_SIGN))
                    note(path_error::issuer_not_ca, i, "issuer key usage lacks keyCertSign");
#endif
                auto key = subject_key(*path[i + 1]);
                if (!key) {
                    note(path_error::bad_signature, i, "issuer public key unusable");
                    continue;
                }
                if (key->key->estimated_strength() < config_.minimum_key_strength)
                    note(path_error::weak_crypto, i, "issuer key too weak");
                if (auto sig = signed_by(*path[i], *key); !sig) {
                    note(path_error::bad_signature, i,
                         sig.error() == x509_errc::bad_signature ? "signature does not verify"
                                                                 : "signature cannot be checked");
                    continue;
                }
                if (detail::weak_hash(subject))
                    note(path_error::weak_crypto, i, "signature hash too weak");
            }
            if (anchor_key && !signed_by(*path[top], *anchor_key))
                note(path_error::bad_signature, top, "not signed by the trust anchor key");

            // The leaf: TLS server authentication (RFC 5280 §4.2.1.3, §4.2.1.12), and no
            // keyCertSign without cA (§4.2.1.9).
            if (opt.server_auth && (!cert(0).allowed_usage(Botan::Usage_Type::TLS_SERVER_AUTH) ||
                                    !detail::eku_allows_server(cert(0))))
                note(path_error::bad_usage, 0, "not for TLS server authentication");
#if BOTAN_VERSION_MAJOR >= 3
            if (cert(0).has_constraints(Botan::Key_Constraints::KeyCertSign) &&
                !cert(0).is_CA_cert())
#else
            if (cert(0).has_constraints(Botan::Key_Constraints::KEY_CERT_SIGN) &&
                !cert(0).is_CA_cert())
#endif
                note(path_error::bad_usage, 0, "keyCertSign without cA");

            // Dates. Like OpenSSL 3 (internal_verify), the anchor's own dates count only
            // when it is self-issued (a root); a DANE-TA(2) intermediate is trusted as it
            // stands, as RFC 5280 §6.1.1 (d) treats trust anchors.
            for (std::size_t i = 0; i <= top; ++i) {
                if (i == top && !is_self_issued(*path[i])) continue;
                auto period = validity(*path[i]);
                if (!period) continue; // noted above
                if (opt.now < period->not_before)
                    note(path_error::not_yet_valid, i, "certificate is not yet valid");
                else if (opt.now > period->not_after)
                    note(path_error::expired, i, "certificate has expired");
            }

            // Extensions, with Botan's validators: name constraints (§6.1.4 (g)), unknown
            // critical extensions (§6.1.4 (o)).
            Botan::CertificatePathStatusCodes status(path.size());
#if BOTAN_VERSION_MAJOR >= 3
            std::vector<Botan::X509_Certificate> certs;
            for (const auto* c : path)
                certs.push_back(*c->p->cert);
#else
            std::vector<std::shared_ptr<const Botan::X509_Certificate>> certs;
            for (const auto* c : path)
                certs.push_back(std::shared_ptr<const Botan::X509_Certificate>(c->p, &*c->p->cert));
#endif
            for (std::size_t i = 0; i <= top; ++i) {
                const auto& subject = cert(i);
                const auto& issuer = cert(i < top ? i + 1 : i);
                if (subject.x509_version() < 3 && !subject.v3_extensions().extensions().empty())
                    note(path_error::other, i, "extensions in a version 1 or 2 certificate");
                for (const auto& ext : subject.v3_extensions().extensions())
                    ext.first->validate(subject, issuer, certs, status, i);
            }
            for (std::size_t i = 0; i < status.size(); ++i)
                for (auto c : status[i])
                    if (c >= code::FIRST_ERROR_STATUS)
                        note(detail::classify(c), i, Botan::to_string(c));

            // Path length (§6.1.4 (l), (m)), counted from the anchor down as Botan does.
            std::size_t max_path_length = path.size();
            for (std::size_t i = top; i > 0; --i) {
                const auto& subject = cert(i);
                if (!(subject.subject_dn() == subject.issuer_dn())) {
                    if (max_path_length > 0)
                        --max_path_length;
                    else
                        note(path_error::path_too_long, i, "path length constraint exceeded");
                }
                if (subject.path_limit() != Botan::Cert_Extension::NO_CERT_PATH_LIMIT &&
                    subject.path_limit() < max_path_length)
                    max_path_length = subject.path_limit();
            }
            return worst;
        } catch (const std::exception& e) {
            return {path_error::malformed, 0, e.what()};
        } catch (...) {
            return {path_error::malformed, 0, "certificate processing failed"};
        }
    }

    cert_summary summary(const certificate& c) const noexcept {
        cert_summary s;
        try {
            s.subject = c.p->cert->subject_dn().to_string();
            s.issuer = c.p->cert->issuer_dn().to_string();
        } catch (...) {
        }
        if (auto v = validity(c)) s.validity = *v;
        if (auto ids = identifiers(c)) s.dns_ids = std::move(ids->dns_ids);
        return s;
    }

private:
    static std::optional<Botan::X509_Certificate> botan_parse(bytes_view der) {
        try {
            Botan::X509_Certificate c(detail::x509_u8(der), der.size());
            if (!equal_bytes(detail::x509_bytes(c.BER_encode()), der)) return std::nullopt;
            return c;
        } catch (...) {
            return std::nullopt;
        }
    }

    // Whether the subject (or issuer) name of `a` is the subject (or issuer) name of `b`.
    static bool same_name(const certificate& a, bool a_subject, const certificate& b,
                          bool b_subject) noexcept {
        try {
            const auto& ca = *a.p->cert;
            const auto& cb = *b.p->cert;
            return (a_subject ? ca.subject_dn() : ca.issuer_dn()) ==
                   (b_subject ? cb.subject_dn() : cb.issuer_dn());
        } catch (...) {
            const auto& fa = a.p->fields;
            const auto& fb = b.p->fields;
            return equal_bytes(a_subject ? fa.subject : fa.issuer,
                               b_subject ? fb.subject : fb.issuer);
        }
    }

    config config_{};
};

static_assert(x509_backend<botan_x509>);

} // namespace dane::crypto
