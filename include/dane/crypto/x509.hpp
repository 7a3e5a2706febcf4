// What DANE needs from X.509, as a concept: a TLSA record is matched against the DER of a
// certificate or of its SubjectPublicKeyInfo, or a digest of either (RFC 6698 §2.1.2-3);
// a DANE-TA(2) or PKIX match also needs the names a certificate presents (RFC 6125 §6.4)
// and a certification path checked up to a trust anchor (RFC 5280 §6). The tlsa layer
// builds paths and decides; the backend parses and checks. crypto/botan_x509.hpp is the
// Botan implementation; a test can bring its own. A backend reports failures as error
// values (x509_errc), never as `false` or an empty buffer: "the signature does not verify"
// and "the signature could not be checked" are different answers.
//
// Also here, because it is plain text processing every caller of the backend needs: PEM
// (RFC 7468) decoding.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/core/error.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/backend.hpp"

namespace dane::crypto {

// Errors of X.509 parsing. Kept apart from crypto::errc (backend.hpp), which speaks of
// DNSSEC keys and signatures; these are about certificates.
enum class x509_errc {
    bad_certificate = 1,   // not exactly one DER X.509 certificate the backend can read
    bad_public_key,        // not exactly one DER SubjectPublicKeyInfo of a usable algorithm
    bad_validity,          // validity times that are not RFC 5280 §4.1.2.5 UTCTime/GeneralizedTime
    bad_signature,         // the signature does not verify with the key
    unsupported_signature, // a signature algorithm or key the backend cannot check with
    unsupported_certificate, // parts (names, extensions) the backend's parser refuses
    digest_unavailable,      // the backend has no implementation of the digest
};

namespace detail {
class x509_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.x509"; }
    std::string message(int code) const override {
        switch (static_cast<x509_errc>(code)) {
        case x509_errc::bad_certificate:
            return "malformed or unsupported certificate";
        case x509_errc::bad_public_key:
            return "malformed or unsupported public key";
        case x509_errc::bad_validity:
            return "unreadable certificate validity";
        case x509_errc::bad_signature:
            return "signature does not verify";
        case x509_errc::unsupported_signature:
            return "signature cannot be checked";
        case x509_errc::unsupported_certificate:
            return "certificate content the backend cannot read";
        case x509_errc::digest_unavailable:
            return "digest unavailable";
        }
        return "unknown X.509 error";
    }
};
} // namespace detail

inline const std::error_category& x509_category() noexcept {
    static const detail::x509_category instance;
    return instance;
}
inline std::error_code make_error_code(x509_errc e) noexcept {
    return {static_cast<int>(e), x509_category()};
}

// The digests TLSA matching types name (RFC 6698 §2.1.3) are crypto::hash_algorithm
// values (sha256, sha512), the hash enum of the whole library (crypto/backend.hpp).

// The reference-identifier material of a certificate (RFC 6125 §6.4): DNS-IDs from the
// subjectAltName and CN-IDs from the subject, as the certificate spells them.
struct presented_identifiers {
    std::vector<std::string> dns_ids;
    std::vector<std::string> common_names;
};

// Why a certification path does not validate, in classes coarse enough to report
// (RFC 8460 §4.3 wants "expired" apart from "not trusted").
enum class path_error {
    none = 0,
    bad_signature,      // a certificate is not signed by the next one's key
    broken_chain,       // issuer name does not match the next certificate's subject
    issuer_not_ca,      // an issuer without the cA flag or keyCertSign
    bad_usage,          // the leaf may not authenticate a TLS server (key usage, EKU)
    path_too_long,      // a pathLenConstraint is exceeded
    name_constraints,   // a name outside the issuer's name constraints
    critical_extension, // an unknown critical extension
    weak_crypto,        // a key or signature hash below the configured strength
    not_yet_valid,      // the validation time is before notBefore
    expired,            // the validation time is after notAfter
    bad_validity,       // validity times that cannot be read (RFC 5280 §4.1.2.5)
    malformed,          // the backend could not process a certificate
    other,
};

inline std::string_view to_string(path_error e) noexcept {
    switch (e) {
    case path_error::none:
        return "ok";
    case path_error::bad_signature:
        return "bad-signature";
    case path_error::broken_chain:
        return "issuer-name-mismatch";
    case path_error::issuer_not_ca:
        return "issuer-not-ca";
    case path_error::bad_usage:
        return "invalid-key-usage";
    case path_error::path_too_long:
        return "path-length-exceeded";
    case path_error::name_constraints:
        return "name-constraints-violated";
    case path_error::critical_extension:
        return "unknown-critical-extension";
    case path_error::weak_crypto:
        return "weak-key-or-hash";
    case path_error::not_yet_valid:
        return "certificate-not-yet-valid";
    case path_error::expired:
        return "certificate-expired";
    case path_error::bad_validity:
        return "certificate-validity-unreadable";
    case path_error::malformed:
        return "malformed-certificate";
    case path_error::other:
        return "path-validation-error";
    }
    return "path-validation-error";
}

// The outcome of a path check: the first problem found and at which depth (0 = leaf).
struct path_check {
    path_error error = path_error::none;
    std::size_t depth = 0;
    std::string detail; // the backend's own words, for logs
    bool ok() const noexcept { return error == path_error::none; }
};

struct path_options {
    std::chrono::sys_seconds now{};
    // Check the leaf's key usage and extended key usage for TLS server authentication
    // (RFC 5280 §4.2.1.3 and §4.2.1.12), as OpenSSL's "ssl_server" purpose does.
    bool server_auth = true;
};

// A certificate's validity period (RFC 5280 §4.1.2.5), to the second: years 1950 to 9999.
struct validity_period {
    std::chrono::sys_seconds not_before{};
    std::chrono::sys_seconds not_after{};
    bool contains(std::chrono::sys_seconds t) const noexcept {
        return not_before <= t && t <= not_after;
    }
};

// One line per certificate for diagnostics (what danecheck prints about a chain). What the
// backend cannot read is left empty (names) or absent (dates).
struct cert_summary {
    std::string subject;
    std::string issuer;
    std::optional<validity_period> validity;
    std::vector<std::string> dns_ids;
};

// A backend owns parsed certificates and keys in its own types; the tlsa layer only holds
// them and hands them back.
//
// check_path(path, anchor_key, options) validates path[0] (the leaf) up to path.back():
// each certificate signed by the next, issuer constraints, validity at options.now for
// every certificate including the top one. The top certificate is trusted: nothing about
// its own issuer is checked. With anchor_key non-null, the top certificate must also be
// signed by that key (a bare DANE-TA(2) SPKI(1) Full(0) trust anchor, RFC 7671 §5.2.3).
template <class B>
concept x509_backend = requires {
    typename B::certificate;
    typename B::public_key;
}
&&requires(const B& b, bytes_view der, const typename B::certificate& c,
           const typename B::public_key& k, std::span<const typename B::certificate* const> path,
           const typename B::public_key* anchor_key, const path_options& opt,
           hash_algorithm alg) {
    // Exactly one DER certificate, nothing before or after it. A certificate whose
    // validity or extensions the backend cannot read still parses when its DER, names and
    // SubjectPublicKeyInfo can be read: DANE-EE(3) needs nothing more (RFC 7671 §5.1).
    { b.parse_certificate(der) } -> std::same_as<result<typename B::certificate>>;
    // Exactly one DER SubjectPublicKeyInfo of an algorithm the backend can verify with.
    { b.parse_public_key(der) } -> std::same_as<result<typename B::public_key>>;
    { b.der(c) } -> std::same_as<bytes_view>;
    { b.spki(c) } -> std::same_as<bytes_view>;
    { b.digest(alg, der) } -> std::same_as<result<byte_buffer>>;
    { b.identifiers(c) } -> std::same_as<result<presented_identifiers>>;
    { b.validity(c) } -> std::same_as<result<validity_period>>;
    // The certificate's own key, to check what it signed.
    { b.subject_key(c) } -> std::same_as<result<typename B::public_key>>;
    // Predicates over names and key identifiers, which cannot fail.
    { b.is_self_issued(c) } -> std::same_as<bool>;
    // Issuer name and key identifiers fit; no signature check (that is signed_by's).
    { b.may_have_issued(c, c) } -> std::same_as<bool>;
    // The certificate's signature verifies with `k`: bad_signature when it does not,
    // unsupported_signature when it cannot be checked.
    { b.signed_by(c, k) } -> std::same_as<result<void>>;
    { b.check_path(path, anchor_key, opt) } -> std::same_as<path_check>;
    { b.summary(c) } -> std::same_as<cert_summary>;
};

namespace detail {
// True when `der` is exactly one DER SEQUENCE (tag, definite length, contents), the outer
// form of both Certificate and SubjectPublicKeyInfo (RFC 5280 §4.1). Backends use it to
// refuse trailing garbage and indefinite lengths that lenient BER parsers accept.
inline bool is_single_der_sequence(bytes_view der) noexcept {
    if (der.size() < 2 || der[0] != std::byte{0x30}) return false;
    std::size_t len = std::to_integer<std::size_t>(der[1]);
    std::size_t header = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7f;
        // DER: long form only for lengths >= 128, minimal octets, at most 4 (4 GiB).
        if (n == 0 || n > 4 || der.size() < 2 + n) return false;
        if (der[2] == std::byte{0}) return false;
        len = 0;
        for (std::size_t i = 0; i < n; ++i)
            len = len << 8 | std::to_integer<std::size_t>(der[2 + i]);
        if (len < 128) return false;
        header += n;
    }
    return der.size() - header == len;
}
} // namespace detail

// The contents of every PEM block labelled `label` ("CERTIFICATE", "PUBLIC KEY") in
// `text`, in order (RFC 7468 §2: text outside the blocks is ignored; base64 lines may be
// split anywhere and may carry whitespace).
inline result<std::vector<byte_buffer>> pem_blocks(std::string_view text, std::string_view label) {
    std::vector<byte_buffer> out;
    const std::string begin = "-----BEGIN " + std::string(label) + "-----";
    const std::string end = "-----END " + std::string(label) + "-----";
    std::size_t pos = 0;
    for (;;) {
        auto b = text.find(begin, pos);
        if (b == std::string_view::npos) break;
        auto body_start = b + begin.size();
        auto e = text.find(end, body_start);
        if (e == std::string_view::npos) return fail(core::errc::bad_base64);
        std::string b64;
        for (char c : text.substr(body_start, e - body_start))
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') b64 += c;
        auto der = from_base64(b64);
        if (!der) return fail(der.error());
        out.push_back(std::move(*der));
        pos = e + end.size();
    }
    return out;
}

} // namespace dane::crypto

template <>
struct std::is_error_code_enum<dane::crypto::x509_errc> : std::true_type {};
