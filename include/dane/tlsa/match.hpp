// Which TLSA records can be used, and whether one matches a certificate.
//
// RFC 6698 §4.1: records with parameters the client does not support are unusable, and
// unusable records are ignored (not errors). RFC 7671 §9 adds: after dropping unusable
// records (unknown digest, wrong digest length), use for each usage and selector only the
// Full(0) records and those of the strongest digest present. RFC 7672 §3.1.3 lets an SMTP
// client treat PKIX-TA(0) and PKIX-EE(1) as unusable, which this library does.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/tlsa/record.hpp"

namespace dane::tlsa {

// The rules a verification follows.
enum class profile {
    generic, // RFC 6698 as updated by RFC 7671: all four usages
    smtp,    // RFC 7672: DANE-TA(2) and DANE-EE(3) only
};

inline std::string_view to_string(profile p) noexcept {
    return p == profile::smtp ? "smtp" : "generic";
}

// Why a record takes no part in a verification.
enum class unusable_reason : std::uint8_t {
    none = 0,
    unknown_usage,         // not 0-3 (RFC 6698 §4.1)
    unknown_selector,      // not 0-1
    unknown_matching_type, // not 0-2
    pkix_in_smtp,          // PKIX-TA(0)/PKIX-EE(1) under RFC 7672 §3.1.3
    bad_digest_length,     // a SHA2-256 digest that is not 32 octets, SHA2-512 not 64
    bad_certificate,       // Cert(0) Full(0) data that is not a DER certificate
    bad_public_key,        // SPKI(1) Full(0) data that is not a DER SubjectPublicKeyInfo
    weaker_digest,         // a stronger digest is published for the same usage and selector
    over_limit,            // past verify_limits::max_records
};

inline std::string_view to_string(unusable_reason r) noexcept {
    switch (r) {
    case unusable_reason::none:
        return "usable";
    case unusable_reason::unknown_usage:
        return "unknown certificate usage";
    case unusable_reason::unknown_selector:
        return "unknown selector";
    case unusable_reason::unknown_matching_type:
        return "unknown matching type";
    case unusable_reason::pkix_in_smtp:
        return "PKIX usages are not used for SMTP (RFC 7672 section 3.1.3)";
    case unusable_reason::bad_digest_length:
        return "digest of the wrong length";
    case unusable_reason::bad_certificate:
        return "association data is not a certificate";
    case unusable_reason::bad_public_key:
        return "association data is not a public key";
    case unusable_reason::weaker_digest:
        return "ignored: a stronger digest is published (RFC 7671 section 9)";
    case unusable_reason::over_limit:
        return "ignored: too many TLSA records";
    }
    return "unusable";
}

constexpr bool is_ta_usage(cert_usage u) noexcept {
    return u == cert_usage::pkix_ta || u == cert_usage::dane_ta;
}
constexpr bool is_pkix_usage(cert_usage u) noexcept {
    return u == cert_usage::pkix_ta || u == cert_usage::pkix_ee;
}

// The digest length a matching type implies; nullopt for Full(0) and unknown types.
constexpr std::optional<std::size_t> digest_length(matching_type m) noexcept {
    switch (m) {
    case matching_type::sha2_256:
        return 32;
    case matching_type::sha2_512:
        return 64;
    default:
        return std::nullopt;
    }
}

// RFC 7671 §9's order of digest strength; Full(0) is outside it (never dropped).
constexpr int digest_strength(matching_type m) noexcept {
    switch (m) {
    case matching_type::sha2_256:
        return 1;
    case matching_type::sha2_512:
        return 2;
    default:
        return 0;
    }
}

// The checks that need no certificate parser: known parameters, allowed in the profile,
// digests of the right length.
constexpr unusable_reason check_parameters(const record& r, profile p) noexcept {
    if (static_cast<std::uint8_t>(r.usage) > 3) return unusable_reason::unknown_usage;
    if (static_cast<std::uint8_t>(r.selector) > 1) return unusable_reason::unknown_selector;
    if (static_cast<std::uint8_t>(r.matching) > 2) return unusable_reason::unknown_matching_type;
    if (p == profile::smtp && is_pkix_usage(r.usage)) return unusable_reason::pkix_in_smtp;
    if (auto len = digest_length(r.matching); len && r.data.size() != *len)
        return unusable_reason::bad_digest_length;
    return unusable_reason::none;
}

// Marks, among the records still usable (state none), the digests weaker than the
// strongest one published for the same usage and selector (RFC 7671 §9).
inline void apply_digest_agility(std::span<const record> records,
                                 std::span<unusable_reason> state) {
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (state[i] != unusable_reason::none) continue;
        int s = digest_strength(records[i].matching);
        if (s == 0) continue;
        for (std::size_t j = 0; j < records.size(); ++j) {
            if (state[j] != unusable_reason::none && state[j] != unusable_reason::weaker_digest)
                continue;
            if (records[j].usage == records[i].usage &&
                records[j].selector == records[i].selector &&
                digest_strength(records[j].matching) > s) {
                state[i] = unusable_reason::weaker_digest;
                break;
            }
        }
    }
}

// The order in which records are tried against one certificate, which decides the record
// reported when several match: DANE usages before PKIX ones, DANE-EE(3) first, then
// SPKI(1) before Cert(0), stronger matching types first. OpenSSL sorts its records the same
// way (SSL_dane_tlsa_add), so both report the same record.
inline std::vector<std::size_t> preference_order(std::span<const record> records) {
    std::vector<std::size_t> order(records.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    auto key = [&](std::size_t i) {
        const auto& r = records[i];
        int m = r.matching == matching_type::full ? 0 : digest_strength(r.matching);
        return std::tuple(static_cast<int>(r.usage), static_cast<int>(r.selector), m);
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
    return order;
}

// The forms of one certificate that TLSA records compare against, with digests computed
// on first use: a chain is matched against many records, each digest is needed once.
template <crypto::x509_backend B>
class association_forms {
public:
    association_forms(const B& backend, const typename B::certificate& cert)
        : backend_(&backend), cert_(&cert) {}

    // The octets record `r` is compared with (RFC 6698 §2.1.2-3): the DER certificate or
    // SubjectPublicKeyInfo, or its digest. Empty for unknown parameters.
    bytes_view for_record(const record& r) {
        bool spki = r.selector == selector_type::spki;
        if (r.selector != selector_type::cert && !spki) return {};
        bytes_view base = spki ? backend_->spki(*cert_) : backend_->der(*cert_);
        switch (r.matching) {
        case matching_type::full:
            return base;
        case matching_type::sha2_256:
            return cached(spki ? 1 : 0, crypto::hash_algorithm::sha256, base);
        case matching_type::sha2_512:
            return cached(spki ? 3 : 2, crypto::hash_algorithm::sha512, base);
        default:
            return {};
        }
    }

    bool matches(const record& r) {
        auto v = for_record(r);
        return !v.empty() && equal_bytes(v, r.data);
    }

private:
    bytes_view cached(int slot, crypto::hash_algorithm alg, bytes_view base) {
        auto& d = digests_[static_cast<std::size_t>(slot)];
        if (!d) {
            // A digest the backend cannot compute matches nothing (fail closed).
            auto computed = backend_->digest(alg, base);
            d = computed ? std::move(*computed) : byte_buffer{};
        }
        return *d;
    }

    const B* backend_;
    const typename B::certificate* cert_;
    std::optional<byte_buffer> digests_[4]; // cert/256, spki/256, cert/512, spki/512
};

} // namespace dane::tlsa
