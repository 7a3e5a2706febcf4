// The crypto backend concept: what the DNSSEC layer needs from a crypto library, and the
// vocabulary shared by every backend (algorithm numbers, DS digest types, hashes, errors).
// This header names no crypto library; dane/crypto/botan.hpp implements the concept.
//
// The shape follows how a validator spends its time: a DNSKEY is decoded once into a
// backend key object (RFC 3110 / RFC 6605 / RFC 8080 public key field), then verifies many
// RRSIGs. Parsing and verification return errors as values and never throw, so a hostile
// key or signature can only make an answer bogus, never unwind the validator.
#pragma once

#include <array>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/dns/types.hpp"

namespace dane::crypto {

// DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"; RFC 4034 App. A.1,
// RFC 8624 §3.1). Any octet is a valid value: numbers without a name here are simply
// unsupported.
enum class algorithm : std::uint8_t {
    rsamd5 = 1,
    dh = 2,
    dsa = 3,
    rsasha1 = 5,
    dsa_nsec3_sha1 = 6,
    rsasha1_nsec3_sha1 = 7,
    rsasha256 = 8,
    rsasha512 = 10,
    ecc_gost = 12,
    ecdsap256sha256 = 13,
    ecdsap384sha384 = 14,
    ed25519 = 15,
    ed448 = 16,
    indirect = 252,
    privatedns = 253,
    privateoid = 254,
};

// DS digest types (IANA "Delegation Signer (DS) Resource Record Type Digest Algorithms";
// RFC 4034 App. A.2, RFC 4509, RFC 6605 §2, RFC 8624 §3.3).
enum class digest_type : std::uint8_t {
    sha1 = 1,
    sha256 = 2,
    gost = 3,
    sha384 = 4,
};

// The hash functions a backend computes: the DS digests, SHA-1 for NSEC3 owner hashing
// (RFC 5155 §5), and SHA-256/SHA-512 for TLSA matching types 1 and 2 (RFC 6698 §2.1.3).
enum class hash_algorithm : std::uint8_t { sha1, sha256, sha384, sha512 };

constexpr std::size_t digest_size(hash_algorithm h) noexcept {
    switch (h) {
    case hash_algorithm::sha1:
        return 20;
    case hash_algorithm::sha256:
        return 32;
    case hash_algorithm::sha384:
        return 48;
    case hash_algorithm::sha512:
        return 64;
    }
    return 0;
}

// The hash behind a DS digest type; nullopt for GOST (RFC 8624 §3.3 makes it optional and
// no supported backend has it) and for unassigned numbers.
constexpr std::optional<hash_algorithm> ds_hash(digest_type t) noexcept {
    switch (t) {
    case digest_type::sha1:
        return hash_algorithm::sha1;
    case digest_type::sha256:
        return hash_algorithm::sha256;
    case digest_type::sha384:
        return hash_algorithm::sha384;
    default:
        return std::nullopt;
    }
}

namespace detail {
struct algorithm_name {
    std::uint8_t value;
    std::string_view text;
};
inline constexpr algorithm_name digest_names[] = {
    {1, "SHA-1"}, {2, "SHA-256"}, {3, "GOST R 34.11-94"}, {4, "SHA-384"}};

template <std::size_t N>
constexpr std::string_view find_name(const algorithm_name (&table)[N], std::uint8_t v) noexcept {
    for (const auto& n : table)
        if (n.value == v) return n.text;
    return {};
}
} // namespace detail

// The mnemonic ("RSASHA256"), or an empty view for a number without one; the dns layer
// holds the table (dns::dnssec_algorithm_mnemonic).
constexpr std::string_view mnemonic(algorithm a) noexcept {
    return dns::dnssec_algorithm_mnemonic(static_cast<std::uint8_t>(a));
}
// The mnemonic, or the decimal number where there is none (as zone files print it).
inline std::string to_string(algorithm a) {
    auto m = mnemonic(a);
    return m.empty() ? std::to_string(static_cast<unsigned>(a)) : std::string(m);
}
// The registry's name ("SHA-256"), or the decimal number.
inline std::string to_string(digest_type t) {
    auto m = detail::find_name(detail::digest_names, static_cast<std::uint8_t>(t));
    return m.empty() ? std::to_string(static_cast<unsigned>(t)) : std::string(m);
}
inline std::string_view to_string(hash_algorithm h) noexcept {
    switch (h) {
    case hash_algorithm::sha1:
        return "SHA-1";
    case hash_algorithm::sha256:
        return "SHA-256";
    case hash_algorithm::sha384:
        return "SHA-384";
    case hash_algorithm::sha512:
        return "SHA-512";
    }
    return "?";
}

// A mnemonic (any case) or a decimal number 0-255, as RFC 4034 §2.2 allows in zone files.
inline std::optional<algorithm> parse_algorithm(std::string_view text) noexcept {
    if (auto m = dns::parse_dnssec_algorithm_mnemonic(text)) return algorithm{*m};
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > 255)
        return std::nullopt;
    return algorithm{static_cast<std::uint8_t>(v)};
}

// ---------------------------------------------------------------------------------------
// Errors

enum class errc {
    unsupported_algorithm = 1, // not implemented, or forbidden (RFC 8624 §3.1 MUST NOT)
    unsupported_digest,        // a DS digest type or hash the backend does not compute
    bad_key,                   // a public key field that does not decode for its algorithm
    key_too_small,             // an RSA modulus below the configured minimum
    key_too_large,             // an RSA modulus or exponent above the configured maximum
    bad_signature_format,      // a signature of the wrong length for its key
    signature_mismatch,        // a well-formed signature that does not verify
    backend_failure,           // the crypto library failed (no entropy, internal error)
};

namespace detail {
class crypto_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.crypto"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::unsupported_algorithm:
            return "unsupported DNSSEC algorithm";
        case errc::unsupported_digest:
            return "unsupported digest type";
        case errc::bad_key:
            return "malformed public key";
        case errc::key_too_small:
            return "key too small";
        case errc::key_too_large:
            return "key too large";
        case errc::bad_signature_format:
            return "malformed signature";
        case errc::signature_mismatch:
            return "signature does not verify";
        case errc::backend_failure:
            return "crypto library failure";
        }
        return "unknown crypto error";
    }
};
} // namespace detail

inline const std::error_category& crypto_category() noexcept {
    static const detail::crypto_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), crypto_category()};
}

// ---------------------------------------------------------------------------------------
// Values shared by backends

// A digest of up to 64 octets, held inline: NSEC3 hashing loops over these, and a heap
// allocation per iteration would dominate the cost of SHA-1 itself.
class digest_value {
public:
    static constexpr std::size_t max_size = 64;

    constexpr digest_value() = default;
    // Copies `b` (at most max_size octets; the rest is cut off).
    explicit digest_value(bytes_view b) noexcept
        : size_(b.size() < max_size ? b.size() : max_size) {
        for (std::size_t i = 0; i < size_; ++i)
            data_[i] = b[i];
    }

    bytes_view bytes() const noexcept { return {data_.data(), size_}; }
    std::byte* data() noexcept { return data_.data(); }
    const std::byte* data() const noexcept { return data_.data(); }
    std::size_t size() const noexcept { return size_; }
    // Sets the length (at most max_size) for a backend that wrote into data().
    void resize(std::size_t n) noexcept { size_ = n < max_size ? n : max_size; }

    friend bool operator==(const digest_value& a, const digest_value& b) noexcept {
        return equal_bytes(a.bytes(), b.bytes());
    }
    friend bool operator==(const digest_value& a, bytes_view b) noexcept {
        return equal_bytes(a.bytes(), b);
    }

private:
    std::array<std::byte, max_size> data_{};
    std::size_t size_ = 0;
};

// Bounds on the keys a backend accepts. Defaults: RFC 8624 §3.1 leaves RSA sizes to
// policy; 1024 bits is the floor of RFC 5702 §2 for RSASHA512 and what current validators
// apply to every RSA algorithm, 4096 bits the ceiling of RFC 3110 §2 and RFC 5702 §2. The
// exponent bound caps the cost of one verification (work grows with the exponent's
// length, and a DNSKEY's exponent is the attacker's choice); 65537 needs 17 bits.
struct key_limits {
    std::size_t min_rsa_bits = 1024;
    std::size_t max_rsa_bits = 4096;
    std::size_t max_rsa_exponent_bits = 64;
};

// A key made by a backend for fixtures: the DNSKEY public key field in wire form (what
// goes after flags, protocol and algorithm) and the backend's private key object.
template <class PrivateKey>
struct generated_key {
    byte_buffer public_key;
    PrivateKey private_key;
};

// ---------------------------------------------------------------------------------------
// The concepts

// What validation needs. A verifier backend B provides
// - B::public_key: a decoded DNSKEY, copyable, reporting its algorithm in alg() and its
//   size in bits(); verifying with it needs no further decoding;
// - B::hasher: an incremental hash, reusable after final();
// and, on a const B, callable from many threads at once (a validator per thread, one B):
// - supports(alg), supports_digest(type): what it implements;
// - parse_public_key(alg, key_field) -> result<public_key>;
// - verify(key, data, signature) -> result<void>, with data one buffer or a span of
//   pieces taken in order (an RRSIG's RDATA prefix, then the canonical RRset: RFC 4034
//   §3.1.8.1), the signature in RRSIG wire form; errc::signature_mismatch when it does not
//   verify;
// - digest(hash, data or pieces) -> result<digest_value>, make_hasher(hash).
// A backend that cannot sign (a verify-only hardware or FIPS module) is a complete
// verifier_backend: the validator, the chain builder and every verify-side template
// require nothing more.
template <class B>
concept verifier_backend = std::copy_constructible<typename B::public_key> &&
    std::movable<typename B::hasher> &&
    requires(const B& cb, algorithm alg, digest_type dt, hash_algorithm h, bytes_view data,
             std::span<const bytes_view> pieces, const typename B::public_key& pk,
             typename B::hasher& hs) {
    { cb.supports(alg) } -> std::same_as<bool>;
    { cb.supports_digest(dt) } -> std::same_as<bool>;
    { cb.parse_public_key(alg, data) } -> std::same_as<result<typename B::public_key>>;
    { pk.alg() } -> std::same_as<algorithm>;
    { pk.bits() } -> std::same_as<std::size_t>;
    { cb.verify(pk, data, data) } -> std::same_as<result<void>>;
    { cb.verify(pk, pieces, data) } -> std::same_as<result<void>>;
    { cb.digest(h, data) } -> std::same_as<result<digest_value>>;
    { cb.digest(h, pieces) } -> std::same_as<result<digest_value>>;
    { cb.make_hasher(h) } -> std::same_as<result<typename B::hasher>>;
    hs.update(data);
    { hs.final() } -> std::same_as<digest_value>;
};

// What the signer (dnssec/signer.hpp) needs on top: B::private_key, movable, and, on a
// mutable B (it owns the random number generator):
// - generate_key(alg) -> result<generated_key<private_key>>;
// - sign(private_key, data) -> result<byte_buffer> in RRSIG wire form.
template <class B>
concept signing_backend = verifier_backend<B> && std::movable<typename B::private_key> &&
    requires(B& b, algorithm alg, bytes_view data, const typename B::private_key& sk) {
    { b.generate_key(alg) } -> std::same_as<result<generated_key<typename B::private_key>>>;
    { b.sign(sk, data) } -> std::same_as<result<byte_buffer>>;
};

} // namespace dane::crypto

template <>
struct std::is_error_code_enum<dane::crypto::errc> : std::true_type {};
