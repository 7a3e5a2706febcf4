// The Botan implementation of crypto::x509_backend (x509.hpp), for Botan 2.19 and 3.x.
// Certificates are parsed once into Botan's X509_Certificate and shared by pointer; path
// checks run Botan's PKIX::check_chain and then set aside what does not apply to a trust
// anchor that DNS (DANE-TA, RFC 7671 §5.2) or the caller (PKIX) vouches for.
//
// Every Botan call is wrapped: no Botan exception leaves this header. Version differences
// are marked with BOTAN_VERSION_MAJOR.
#pragma once

#include <botan/build.h>

#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/x509_key.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/x509.hpp"

namespace dane::crypto {

namespace detail {
inline const std::uint8_t* x509_u8(bytes_view b) noexcept {
    return reinterpret_cast<const std::uint8_t*>(b.data());
}
inline bytes_view x509_bytes(const std::vector<std::uint8_t>& v) noexcept {
    return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}
inline std::chrono::sys_seconds x509_time(const Botan::X509_Time& t) {
    return std::chrono::sys_seconds{
        std::chrono::seconds{static_cast<std::int64_t>(t.time_since_epoch())}};
}

// Certificate status codes about the top certificate's own issuer. The top certificate is
// the trust anchor, so these say nothing: a DANE-TA(2) anchor need not be self-signed
// (RFC 7671 §5.2.2 names intermediates), and a bare-key anchor has no issuer at all.
inline bool about_own_issuer(Botan::Certificate_Status_Code c) noexcept {
    using C = Botan::Certificate_Status_Code;
    switch (c) {
    case C::CHAIN_LACKS_TRUST_ROOT:
    case C::CHAIN_NAME_MISMATCH:
    case C::SIGNATURE_ERROR:
    case C::SIGNATURE_ALGO_UNKNOWN:
    case C::SIGNATURE_ALGO_BAD_PARAMS:
    case C::SIGNATURE_METHOD_TOO_WEAK:
    case C::UNTRUSTED_HASH:
    case C::CA_CERT_NOT_FOR_CERT_ISSUER:
    case C::CERT_PUBKEY_INVALID:
        return true;
    default:
        return false;
    }
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
    default:
        return 3;
    }
}
} // namespace detail

class botan_x509 {
public:
    // Parsed once, shared by every copy.
    struct cert_data {
        Botan::X509_Certificate cert;
        byte_buffer der;
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
            Botan::X509_Certificate c(detail::x509_u8(der), der.size());
            if (!equal_bytes(detail::x509_bytes(c.BER_encode()), der))
                return fail(x509_errc::bad_certificate);
            auto d = std::make_shared<cert_data>(cert_data{std::move(c), {}});
            d->der.assign(der.begin(), der.end());
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

    bytes_view spki(const certificate& c) const noexcept {
        // A reference into the certificate's data: valid as long as `c`.
        return detail::x509_bytes(c.p->cert.subject_public_key_info());
    }

    byte_buffer digest(digest_algorithm alg, bytes_view data) const noexcept {
        try {
            auto h = Botan::HashFunction::create_or_throw(
                alg == digest_algorithm::sha2_256 ? "SHA-256" : "SHA-512");
            h->update(detail::x509_u8(data), data.size());
            byte_buffer out(h->output_length());
            h->final(reinterpret_cast<std::uint8_t*>(out.data()));
            return out;
        } catch (...) {
            return {}; // matches nothing
        }
    }

    presented_identifiers identifiers(const certificate& c) const noexcept {
        presented_identifiers out;
        try {
            const auto& san = c.p->cert.subject_alt_name();
#if BOTAN_VERSION_MAJOR >= 3
            for (const auto& d : san.dns())
                out.dns_ids.push_back(d);
#else
            for (const auto& d : san.get_attribute("DNS"))
                out.dns_ids.push_back(d);
#endif
            for (const auto& cn : c.p->cert.subject_dn().get_attribute("X520.CommonName"))
                out.common_names.push_back(cn);
        } catch (...) {
        }
        return out;
    }

    bool is_self_issued(const certificate& c) const noexcept {
        try {
            return c.p->cert.subject_dn() == c.p->cert.issuer_dn();
        } catch (...) {
            return false;
        }
    }

    // RFC 5280 §4.2.1.1: when both key identifiers are present they must agree; names
    // must always (§6.1.3 (a)(4)).
    bool may_have_issued(const certificate& issuer, const certificate& subject) const noexcept {
        try {
            const auto& i = issuer.p->cert;
            const auto& s = subject.p->cert;
            if (!(s.issuer_dn() == i.subject_dn())) return false;
            const auto& akid = s.authority_key_id();
            const auto& skid = i.subject_key_id();
            return akid.empty() || skid.empty() || akid == skid;
        } catch (...) {
            return false;
        }
    }

    bool valid_at(const certificate& c, std::chrono::sys_seconds now) const noexcept {
        auto s = summary_times(c);
        return s.first <= now && now <= s.second;
    }

    bool signed_by(const certificate& c, const public_key& k) const noexcept {
        try {
            return c.p->cert.check_signature(*k.key);
        } catch (...) {
            return false;
        }
    }

    path_check check_path(std::span<const certificate* const> path, const public_key* anchor_key,
                          const path_options& opt) const noexcept {
        if (path.empty()) return {path_error::malformed, 0, "empty path"};
        try {
            auto ref = std::chrono::system_clock::time_point(opt.now);
            auto usage = opt.server_auth ? Botan::Usage_Type::TLS_SERVER_AUTH
                                         : Botan::Usage_Type::UNSPECIFIED;
#if BOTAN_VERSION_MAJOR >= 3
            std::vector<Botan::X509_Certificate> certs;
            for (const auto* c : path)
                certs.push_back(c->p->cert);
            Botan::Path_Validation_Restrictions restrictions(false, config_.minimum_key_strength);
            auto status = Botan::PKIX::check_chain(certs, ref, "", usage, restrictions);
#else
            std::vector<std::shared_ptr<const Botan::X509_Certificate>> certs;
            for (const auto* c : path)
                certs.push_back(std::shared_ptr<const Botan::X509_Certificate>(c->p, &c->p->cert));
            Botan::Path_Validation_Restrictions restrictions(false, config_.minimum_key_strength);
            auto status =
                Botan::PKIX::check_chain(certs, ref, "", usage, restrictions.minimum_key_strength(),
                                         restrictions.trusted_hashes());
#endif
            path_check worst;
            // Reports the most severe problem, the one nearest the leaf among equals.
            auto note = [&](path_error e, std::size_t depth, std::string what) {
                if (detail::severity(e) > detail::severity(worst.error))
                    worst = {e, depth, std::move(what)};
            };
            const std::size_t top = path.size() - 1;
            for (std::size_t depth = 0; depth < path.size(); ++depth) {
                // Dates are checked here rather than by Botan, whose versions differ on the
                // top certificate. Like OpenSSL 3 (internal_verify), the anchor's own dates
                // count only when it is self-issued (a root); a DANE-TA(2) intermediate is
                // trusted as it stands, as RFC 5280 §6.1.1 (d) treats trust anchors.
                if (depth < top || is_self_issued(*path[depth])) {
                    auto [nb, na] = summary_times(*path[depth]);
                    if (opt.now < nb)
                        note(path_error::not_yet_valid, depth, "certificate is not yet valid");
                    else if (opt.now > na)
                        note(path_error::expired, depth, "certificate has expired");
                }
                if (depth >= status.size()) continue;
                for (auto code : status[depth]) {
                    if (code < Botan::Certificate_Status_Code::FIRST_ERROR_STATUS) continue;
                    if (code == Botan::Certificate_Status_Code::CERT_HAS_EXPIRED ||
                        code == Botan::Certificate_Status_Code::CERT_NOT_YET_VALID)
                        continue;
                    if (depth == top && detail::about_own_issuer(code)) continue;
                    note(detail::classify(code), depth, Botan::to_string(code));
                }
            }
            if (anchor_key && !signed_by(*path[top], *anchor_key) &&
                detail::severity(path_error::bad_signature) > detail::severity(worst.error))
                worst = {path_error::bad_signature, top, "not signed by the trust anchor key"};
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
            s.subject = c.p->cert.subject_dn().to_string();
            s.issuer = c.p->cert.issuer_dn().to_string();
            auto [nb, na] = summary_times(c);
            s.not_before = nb;
            s.not_after = na;
            s.dns_ids = identifiers(c).dns_ids;
        } catch (...) {
        }
        return s;
    }

private:
    std::pair<std::chrono::sys_seconds, std::chrono::sys_seconds>
    summary_times(const certificate& c) const noexcept {
        try {
            return {detail::x509_time(c.p->cert.not_before()),
                    detail::x509_time(c.p->cert.not_after())};
        } catch (...) {
            // Unreadable dates: a window no time falls into.
            return {std::chrono::sys_seconds::max(), std::chrono::sys_seconds::min()};
        }
    }

    config config_{};
};

static_assert(x509_backend<botan_x509>);

} // namespace dane::crypto
