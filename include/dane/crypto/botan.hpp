// The Botan implementation of the crypto backend concept (dane/crypto/backend.hpp), for
// Botan 2.19 and Botan 3. Every call catches Botan's exceptions at this boundary and
// returns an error value instead.
//
// Key formats (the DNSKEY public key field, RFC 4034 §2.1.4):
// - RSA (5, 7, 8, 10): RFC 3110 §2: exponent length in one octet, or a zero octet and
//   two length octets, then the exponent, then the modulus, both big-endian.
// - ECDSA (13, 14): RFC 6605 §4: x || y, 32 or 48 octets each.
// - EdDSA (15, 16): RFC 8080 §3: the 32- or 57-octet public key of RFC 8032.
// Signatures (the RRSIG signature field): RSA as long as the modulus (RFC 3110 §3);
// ECDSA r || s (RFC 6605 §4); EdDSA the 64- or 114-octet RFC 8032 signature (RFC 8080 §4).
#pragma once

#include <initializer_list>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <span>

#include <botan/auto_rng.h>
#include <botan/build.h>
#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#if defined(BOTAN_HAS_RSA)
#include <botan/rsa.h>
#endif
#if defined(BOTAN_HAS_ED25519)
#include <botan/ed25519.h>
#endif
#if defined(BOTAN_HAS_ED448)
#include <botan/ed448.h>
#endif

#include "dane/core/bytes.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/crypto/detail/botan_compat.hpp"

namespace dane::crypto {

class botan_backend {
public:
    // A decoded DNSKEY. Copies share the decoded key (immutable, so that is safe). Each
    // object also keeps a Botan verifier for reuse, because building one costs more than
    // a verification for ECDSA (precomputed multiples of the public point). The cache is
    // behind a mutex that verify() only tries: a thread that finds it busy builds a
    // verifier of its own for that call. So one public_key, like the const backend, may
    // be used from any number of threads at once, and none of them waits for another.
    class public_key {
    public:
        public_key() = default;
        public_key(const public_key& o)
            : alg_(o.alg_), bits_(o.bits_), signature_size_(o.signature_size_), key_(o.key_),
              cache_(o.key_ ? std::make_unique<verifier_cache>() : nullptr) {}
        public_key& operator=(const public_key& o) {
            if (this != &o) {
                alg_ = o.alg_;
                bits_ = o.bits_;
                signature_size_ = o.signature_size_;
                cache_ = o.key_ ? std::make_unique<verifier_cache>() : nullptr;
                key_ = o.key_;
            }
            return *this;
        }
        public_key(public_key&&) noexcept = default;
        public_key& operator=(public_key&&) noexcept = default;
        ~public_key() = default;

        algorithm alg() const noexcept { return alg_; }
        // RSA modulus bits; the curve size for ECDSA and EdDSA (256, 384, 255, 448).
        std::size_t bits() const noexcept { return bits_; }
        // The only signature length that can verify with this key.
        std::size_t signature_size() const noexcept { return signature_size_; }
        // False for a default-constructed or moved-from key.
        bool valid() const noexcept { return key_ != nullptr && cache_ != nullptr; }

    private:
        friend class botan_backend;

        struct verifier_cache {
            std::mutex lock;
            std::unique_ptr<Botan::PK_Verifier> verifier; // guarded by lock
        };

        // Declared before cache_, so the verifier, which may refer to the key, goes
        // first.
        algorithm alg_{};
        std::size_t bits_ = 0;
        std::size_t signature_size_ = 0;
        std::shared_ptr<const Botan::Public_Key> key_;
        // Owned by this object alone (copies make their own); the pointer never changes
        // while the object is shared, only what the mutex guards does.
        std::unique_ptr<verifier_cache> cache_;
    };

    // A signing key, for fixtures. Copies share the key.
    class private_key {
    public:
        private_key() = default;
        algorithm alg() const noexcept { return alg_; }
        bool valid() const noexcept { return key_ != nullptr; }

    private:
        friend class botan_backend;
        algorithm alg_{};
        std::shared_ptr<const Botan::Private_Key> key_;
    };

    // An incremental hash. final() returns the digest and resets it for the next message.
    class hasher {
    public:
        void update(bytes_view data) { hash_->update(detail::u8(data), data.size()); }
        digest_value final() {
            digest_value d;
            hash_->final(reinterpret_cast<std::uint8_t*>(d.data()));
            d.resize(hash_->output_length());
            return d;
        }

    private:
        friend class botan_backend;
        explicit hasher(std::unique_ptr<Botan::HashFunction> h) noexcept : hash_(std::move(h)) {}
        std::unique_ptr<Botan::HashFunction> hash_;
    };

    botan_backend() = default;
    explicit botan_backend(key_limits limits) noexcept : limits_(limits) {}

    // A backend whose key generation and signatures repeat for the same seed (with the
    // same Botan version): for fixtures only; see detail::deterministic_rng.
    static botan_backend deterministic(bytes_view seed, key_limits limits = {}) {
        botan_backend b(limits);
        b.seed_ = byte_buffer(seed.begin(), seed.end());
        return b;
    }

    const key_limits& limits() const noexcept { return limits_; }

    // The algorithms this build can validate. Others (RSAMD5, DSA, ECC-GOST, private and
    // unassigned numbers; ED448 before Botan 3.4) are unsupported, which a validator
    // treats as insecure (RFC 6840 §5.2, RFC 4035 §5.2).
    static constexpr bool supports(algorithm a) noexcept {
        switch (a) {
        case algorithm::rsasha1:
        case algorithm::rsasha1_nsec3_sha1:
        case algorithm::rsasha256:
        case algorithm::rsasha512:
#if defined(BOTAN_HAS_RSA)
            return true;
#else
            return false;
#endif
        case algorithm::ecdsap256sha256:
        case algorithm::ecdsap384sha384:
#if defined(BOTAN_HAS_ECDSA)
            return true;
#else
            return false;
#endif
        case algorithm::ed25519:
#if defined(BOTAN_HAS_ED25519)
            return true;
#else
            return false;
#endif
        case algorithm::ed448:
#if defined(BOTAN_HAS_ED448)
            return true;
#else
            return false;
#endif
        default:
            return false;
        }
    }

    // DS digest types 1, 2 and 4 (RFC 4034 §5.1.4, RFC 4509 §2.1, RFC 6605 §2).
    static constexpr bool supports_digest(digest_type t) noexcept {
        return ds_hash(t).has_value();
    }

    // ------------------------------------------------------------------ public keys

    // Decodes the public key field of a DNSKEY for `alg`. Checks the length and form the
    // algorithm's RFC requires, the RSA size limits, and that an ECDSA point lies on its
    // curve.
    result<public_key> parse_public_key(algorithm alg, bytes_view field) const noexcept {
        if (!supports(alg)) return fail(errc::unsupported_algorithm);
        try {
            auto k = [&] {
                switch (alg) {
                case algorithm::ecdsap256sha256:
                case algorithm::ecdsap384sha384:
                    return parse_ecdsa(alg, field);
                case algorithm::ed25519:
                case algorithm::ed448:
                    return parse_eddsa(alg, field);
                default:
                    return parse_rsa(alg, field);
                }
            }();
            if (k) k->cache_ = std::make_unique<public_key::verifier_cache>();
            return k;
        } catch (const std::bad_alloc&) {
            return fail(errc::backend_failure);
        } catch (...) {
            // Botan rejected what passed our checks: a key it cannot use.
            return fail(errc::bad_key);
        }
    }

    // ------------------------------------------------------------------ verification

    // Verifies `signature` (the RRSIG signature field) over the concatenation of `pieces`.
    // Safe to call from several threads at once, with the same key or not.
    result<void> verify(const public_key& key, std::span<const bytes_view> pieces,
                        bytes_view signature) const noexcept {
        if (!key.valid()) return fail(errc::bad_key);
        // Botan would reject these too, but only after hashing the data; the length is
        // also the cheapest tell of a signature made with another key.
        if (signature.size() != key.signature_size_) return fail(errc::bad_signature_format);
        auto& cache = *key.cache_;
        std::unique_lock<std::mutex> held(cache.lock, std::try_to_lock);
        std::unique_ptr<Botan::PK_Verifier> own; // when another thread holds the cache
        try {
            auto& slot = held.owns_lock() ? cache.verifier : own;
            if (!slot)
                slot = std::make_unique<Botan::PK_Verifier>(*key.key_,
                                                            detail::botan_padding(key.alg_));
            auto& v = *slot;
            for (auto p : pieces)
                v.update(detail::u8(p), p.size());
            // check_signature also resets the verifier's hash for the next message.
            if (v.check_signature(detail::u8(signature), signature.size())) return {};
            return fail(errc::signature_mismatch);
        } catch (const std::bad_alloc&) {
            if (held.owns_lock()) cache.verifier.reset(); // it may hold half a message
            return fail(errc::backend_failure);
        } catch (...) {
            // Botan throws for some invalid signatures (an RSA value not below the
            // modulus, in some versions) rather than returning false.
            if (held.owns_lock()) cache.verifier.reset();
            return fail(errc::signature_mismatch);
        }
    }
    result<void> verify(const public_key& key, bytes_view data,
                        bytes_view signature) const noexcept {
        return verify(key, std::span<const bytes_view>(&data, 1), signature);
    }
    result<void> verify(const public_key& key, std::initializer_list<bytes_view> pieces,
                        bytes_view signature) const noexcept {
        return verify(key, std::span<const bytes_view>(pieces.begin(), pieces.size()), signature);
    }

    // ------------------------------------------------------------------ digests

    result<hasher> make_hasher(hash_algorithm h) const noexcept {
        try {
            auto fn = Botan::HashFunction::create(detail::botan_hash_name(h));
            if (!fn) return fail(errc::unsupported_digest);
            return hasher(std::move(fn));
        } catch (...) {
            return fail(errc::backend_failure);
        }
    }
    result<digest_value> digest(hash_algorithm h,
                                std::span<const bytes_view> pieces) const noexcept {
        auto hs = make_hasher(h);
        if (!hs) return fail(hs.error());
        try {
            for (auto p : pieces)
                hs->update(p);
            return hs->final();
        } catch (...) {
            return fail(errc::backend_failure);
        }
    }
    result<digest_value> digest(hash_algorithm h, bytes_view data) const noexcept {
        return digest(h, std::span<const bytes_view>(&data, 1));
    }
    result<digest_value> digest(hash_algorithm h,
                                std::initializer_list<bytes_view> pieces) const noexcept {
        return digest(h, std::span<const bytes_view>(pieces.begin(), pieces.size()));
    }

    // ------------------------------------------------------------------ fixtures

    // Makes a key pair. `rsa_bits` applies to RSA algorithms only (within limits());
    // 2048 when zero.
    result<generated_key<private_key>> generate_key(algorithm alg,
                                                    std::size_t rsa_bits = 0) noexcept {
        if (!supports(alg)) return fail(errc::unsupported_algorithm);
        try {
            auto& rng = this->rng();
            generated_key<private_key> out;
            out.private_key.alg_ = alg;
            switch (alg) {
#if defined(BOTAN_HAS_ECDSA)
            case algorithm::ecdsap256sha256:
            case algorithm::ecdsap384sha384: {
                auto group =
                    detail::ec_group(alg == algorithm::ecdsap256sha256 ? "secp256r1" : "secp384r1");
                auto key = std::make_shared<Botan::ECDSA_PrivateKey>(rng, group);
                // SEC 1 uncompressed point; DNSSEC drops the 0x04 (RFC 6605 §4).
                auto bits = key->public_key_bits();
                if (bits.size() != 1 + 2 * ecdsa_field_size(alg) || bits[0] != 0x04)
                    return fail(errc::backend_failure);
                out.public_key.assign(reinterpret_cast<const std::byte*>(bits.data()) + 1,
                                      reinterpret_cast<const std::byte*>(bits.data()) +
                                          bits.size());
                out.private_key.key_ = std::move(key);
                return out;
            }
#endif
#if defined(BOTAN_HAS_ED25519)
            case algorithm::ed25519: {
                auto key = std::make_shared<Botan::Ed25519_PrivateKey>(rng);
                auto bits = key->public_key_bits();
                out.public_key = copy_bytes(bits);
                out.private_key.key_ = std::move(key);
                return out;
            }
#endif
#if defined(BOTAN_HAS_ED448)
            case algorithm::ed448: {
                auto key = std::make_shared<Botan::Ed448_PrivateKey>(rng);
                auto bits = key->public_key_bits();
                out.public_key = copy_bytes(bits);
                out.private_key.key_ = std::move(key);
                return out;
            }
#endif
            default: {
#if defined(BOTAN_HAS_RSA)
                if (rsa_bits == 0) rsa_bits = 2048;
                if (rsa_bits < limits_.min_rsa_bits) return fail(errc::key_too_small);
                if (rsa_bits > limits_.max_rsa_bits) return fail(errc::key_too_large);
                auto key = std::make_shared<Botan::RSA_PrivateKey>(rng, rsa_bits, 65537);
                out.public_key = rsa_key_field(key->get_e(), key->get_n());
                out.private_key.key_ = std::move(key);
                return out;
#else
                return fail(errc::unsupported_algorithm);
#endif
            }
            }
        } catch (const std::bad_alloc&) {
            return fail(errc::backend_failure);
        } catch (...) {
            return fail(errc::backend_failure);
        }
    }

    // Signs the concatenation of `pieces`; the result is the RRSIG signature field.
    result<byte_buffer> sign(const private_key& key, std::span<const bytes_view> pieces) noexcept {
        if (!key.valid()) return fail(errc::bad_key);
        try {
            auto& rng = this->rng();
            Botan::PK_Signer signer(*key.key_, rng, detail::botan_padding(key.alg_));
            for (auto p : pieces)
                signer.update(detail::u8(p), p.size());
            auto sig = signer.signature(rng);
            return copy_bytes(sig);
        } catch (...) {
            return fail(errc::backend_failure);
        }
    }
    result<byte_buffer> sign(const private_key& key, bytes_view data) noexcept {
        return sign(key, std::span<const bytes_view>(&data, 1));
    }
    result<byte_buffer> sign(const private_key& key,
                             std::initializer_list<bytes_view> pieces) noexcept {
        return sign(key, std::span<const bytes_view>(pieces.begin(), pieces.size()));
    }

private:
    static constexpr std::size_t ecdsa_field_size(algorithm a) noexcept {
        return a == algorithm::ecdsap256sha256 ? 32 : 48;
    }

    template <class Vec>
    static byte_buffer copy_bytes(const Vec& v) {
        const auto* p = reinterpret_cast<const std::byte*>(v.data());
        return byte_buffer(p, p + v.size());
    }

    // Number of significant bits in a big-endian number with its leading zeros removed.
    static std::size_t bit_length(bytes_view b) noexcept {
        if (b.empty()) return 0;
        auto top = std::to_integer<unsigned>(b[0]);
        std::size_t n = 0;
        while (top != 0) {
            ++n;
            top >>= 1;
        }
        return (b.size() - 1) * 8 + n;
    }
    static bytes_view strip_leading_zeros(bytes_view b) noexcept {
        std::size_t i = 0;
        while (i < b.size() && b[i] == std::byte{0})
            ++i;
        return b.subspan(i);
    }

    result<public_key> parse_rsa(algorithm alg, bytes_view field) const {
#if defined(BOTAN_HAS_RSA)
        // RFC 3110 §2.
        byte_reader r(field);
        auto first = r.u8();
        if (!first) return fail(errc::bad_key);
        std::size_t exponent_length = *first;
        if (exponent_length == 0) {
            auto longer = r.u16();
            if (!longer || *longer == 0) return fail(errc::bad_key);
            exponent_length = *longer;
        }
        auto exponent_field = r.take(exponent_length);
        if (!exponent_field) return fail(errc::bad_key);
        // RFC 3110 prohibits leading zero octets; validators accept them (the number is
        // the same), and so does this one, sizing the numbers without them.
        auto exponent = strip_leading_zeros(*exponent_field);
        auto modulus = strip_leading_zeros(r.rest());
        if (exponent.empty() || modulus.empty()) return fail(errc::bad_key);

        std::size_t exponent_bits = bit_length(exponent);
        if (exponent_bits > limits_.max_rsa_exponent_bits) return fail(errc::key_too_large);
        // An exponent of 1 would make every padded message its own signature; an even
        // exponent or modulus is not RSA.
        auto odd = [](bytes_view b) { return (std::to_integer<unsigned>(b.back()) & 1) != 0; };
        if (exponent_bits < 2 || !odd(exponent) || !odd(modulus)) return fail(errc::bad_key);

        std::size_t modulus_bits = bit_length(modulus);
        if (modulus_bits < limits_.min_rsa_bits) return fail(errc::key_too_small);
        if (modulus_bits > limits_.max_rsa_bits) return fail(errc::key_too_large);

        public_key k;
        k.alg_ = alg;
        k.bits_ = modulus_bits;
        k.signature_size_ = modulus.size();
        k.key_ = std::make_shared<Botan::RSA_PublicKey>(detail::to_bigint(modulus),
                                                        detail::to_bigint(exponent));
        return k;
#else
        (void)alg;
        (void)field;
        return fail(errc::unsupported_algorithm);
#endif
    }

    result<public_key> parse_ecdsa(algorithm alg, bytes_view field) const {
#if defined(BOTAN_HAS_ECDSA)
        // RFC 6605 §4: x || y, each exactly the field size, no point-format octet.
        std::size_t n = ecdsa_field_size(alg);
        if (field.size() != 2 * n) return fail(errc::bad_key);
        std::array<std::uint8_t, 1 + 2 * 48> sec1{};
        sec1[0] = 0x04; // SEC 1 §2.3.3 uncompressed point
        std::memcpy(sec1.data() + 1, field.data(), field.size());
        auto group =
            detail::ec_group(alg == algorithm::ecdsap256sha256 ? "secp256r1" : "secp384r1");
        auto key = detail::ecdsa_public_key(group, std::span(sec1.data(), 1 + 2 * n));
        if (!key) return fail(errc::bad_key);
        public_key k;
        k.alg_ = alg;
        k.bits_ = 8 * n;
        k.signature_size_ = 2 * n; // r || s (RFC 6605 §4)
        k.key_ = std::move(key);
        return k;
#else
        (void)alg;
        (void)field;
        return fail(errc::unsupported_algorithm);
#endif
    }

    result<public_key> parse_eddsa(algorithm alg, bytes_view field) const {
        public_key k;
        k.alg_ = alg;
        // RFC 8080 §3 (key) and §4 (signature): RFC 8032's sizes.
        if (alg == algorithm::ed25519) {
#if defined(BOTAN_HAS_ED25519)
            if (field.size() != 32) return fail(errc::bad_key);
            k.bits_ = 255;
            k.signature_size_ = 64;
            k.key_ = std::make_shared<Botan::Ed25519_PublicKey>(detail::u8(field), field.size());
            return k;
#endif
        } else {
#if defined(BOTAN_HAS_ED448)
            if (field.size() != 57) return fail(errc::bad_key);
            k.bits_ = 448;
            k.signature_size_ = 114;
            k.key_ = std::make_shared<Botan::Ed448_PublicKey>(
                std::span<const std::uint8_t>(detail::u8(field), field.size()));
            return k;
#endif
        }
        (void)field;
        return fail(errc::unsupported_algorithm);
    }

    // The RFC 3110 §2 field for a generated key.
    static byte_buffer rsa_key_field(const Botan::BigInt& e, const Botan::BigInt& n) {
        byte_buffer out;
        std::size_t elen = e.bytes();
        if (elen <= 255) {
            out.push_back(std::byte(elen));
        } else {
            out.push_back(std::byte{0});
            out.push_back(std::byte(elen >> 8));
            out.push_back(std::byte(elen & 0xff));
        }
        detail::append_bigint(out, e);
        detail::append_bigint(out, n);
        return out;
    }

    // Made on first use, inside the callers' try blocks: seeding can fail, and a backend
    // that only verifies never needs it.
    Botan::RandomNumberGenerator& rng() {
        if (!rng_) {
            if (seed_)
                rng_ = std::make_unique<detail::deterministic_rng>(*seed_);
            else
                rng_ = std::make_unique<Botan::AutoSeeded_RNG>();
        }
        return *rng_;
    }

    key_limits limits_{};
    std::optional<byte_buffer> seed_;
    std::unique_ptr<Botan::RandomNumberGenerator> rng_;
};

static_assert(signing_backend<botan_backend>);

} // namespace dane::crypto
