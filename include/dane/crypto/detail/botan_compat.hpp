// Differences between Botan 2.19 (Debian 12) and Botan 3 (Debian 13 ships 3.7), kept in
// one place so that dane/crypto/botan.hpp reads the same for both. Not API.
#pragma once

#include <botan/build.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <botan/bigint.h>
#include <botan/hash.h>
#include <botan/pubkey.h>
#include <botan/rng.h>

#if defined(BOTAN_HAS_ECDSA)
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#endif

#include "dane/core/bytes.hpp"
#include "dane/crypto/backend.hpp"

// Botan 3.6 added EC_AffinePoint and deprecated the EC_Point API and the EC_Group
// constructor from a name.
#if BOTAN_VERSION_MAJOR > 3 || (BOTAN_VERSION_MAJOR == 3 && BOTAN_VERSION_MINOR >= 6)
#define DANE_BOTAN_HAS_EC_AFFINE_POINT 1
#include <botan/ec_apoint.h>
#endif

namespace dane::crypto::detail {

inline const std::uint8_t* u8(bytes_view b) noexcept {
    return reinterpret_cast<const std::uint8_t*>(b.data());
}

// Botan's name for a hash function; the same in both versions.
inline const char* botan_hash_name(hash_algorithm h) noexcept {
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
    return "";
}

// The padding (Botan 3) or EMSA (Botan 2) string that PK_Verifier and PK_Signer take.
// RSA algorithms sign with PKCS #1 v1.5 (RFC 3110 §3, RFC 5702 §3), ECDSA hashes then
// signs (RFC 6605 §4), EdDSA signs the message itself (RFC 8080 §4: "pure" EdDSA).
// Botan 2 names these EMSA3 and EMSA1; Botan 3 calls them PKCS1v15 and takes a bare hash
// name for ECDSA.
inline std::string botan_padding(algorithm a) {
#if BOTAN_VERSION_MAJOR >= 3
    const std::string rsa = "PKCS1v15(", ecdsa = "";
    const char* ecdsa_end = "";
#else
    const std::string rsa = "EMSA3(", ecdsa = "EMSA1(";
    const char* ecdsa_end = ")";
#endif
    switch (a) {
    case algorithm::rsasha1:
    case algorithm::rsasha1_nsec3_sha1:
        return rsa + "SHA-1)";
    case algorithm::rsasha256:
        return rsa + "SHA-256)";
    case algorithm::rsasha512:
        return rsa + "SHA-512)";
    case algorithm::ecdsap256sha256:
        return ecdsa + "SHA-256" + ecdsa_end;
    case algorithm::ecdsap384sha384:
        return ecdsa + "SHA-384" + ecdsa_end;
    default:
        return "Pure";
    }
}

// A BigInt from big-endian octets.
inline Botan::BigInt to_bigint(bytes_view b) {
    return Botan::BigInt(u8(b), b.size());
}

// Appends the big-endian octets of `n` (no leading zeros). byte_at exists in both
// versions, where the encoding functions were renamed.
inline void append_bigint(byte_buffer& out, const Botan::BigInt& n) {
    for (std::size_t i = n.bytes(); i > 0; --i)
        out.push_back(std::byte{n.byte_at(i - 1)});
}

#if defined(BOTAN_HAS_ECDSA)
inline Botan::EC_Group ec_group(const char* name) {
#if defined(DANE_BOTAN_HAS_EC_AFFINE_POINT)
    return Botan::EC_Group::from_name(name);
#else
    return Botan::EC_Group(name);
#endif
}

// An ECDSA public key from the SEC 1 uncompressed encoding (0x04 || x || y), or null when
// the point is not on the curve. Both decoders check curve membership.
inline std::unique_ptr<Botan::ECDSA_PublicKey>
ecdsa_public_key(const Botan::EC_Group& group, std::span<const std::uint8_t> sec1) {
#if defined(DANE_BOTAN_HAS_EC_AFFINE_POINT)
    auto point = Botan::EC_AffinePoint::deserialize(group, sec1);
    if (!point || point->is_identity()) return nullptr;
    return std::make_unique<Botan::ECDSA_PublicKey>(group, *point);
#else
    auto point = group.OS2ECP(sec1.data(), sec1.size());
    if (point.is_zero()) return nullptr;
    return std::make_unique<Botan::ECDSA_PublicKey>(group, point);
#endif
}
#endif

// A random number generator that repeats its output for the same seed: for fixtures that
// must come out the same on every run (test zones, golden files). It is SHA-512 in counter
// mode over SHA-512(seed): fine for making test keys, not for keys anyone relies on.
// Inputs Botan offers (Botan 2 mixes in timestamps) are ignored so that the output
// depends on the seed alone.
class deterministic_rng final : public Botan::RandomNumberGenerator {
public:
    explicit deterministic_rng(bytes_view seed)
        : hash_(Botan::HashFunction::create_or_throw("SHA-512")) {
        hash_->update(u8(seed), seed.size());
        hash_->final(key_.data());
    }

    bool accepts_input() const override { return false; }
    std::string name() const override { return "dane_deterministic_rng"; }
    void clear() override {}
    bool is_seeded() const override { return true; }

#if BOTAN_VERSION_MAJOR >= 3
    void fill_bytes_with_input(std::span<std::uint8_t> out,
                               std::span<const std::uint8_t>) override {
        generate(out.data(), out.size());
    }
#else
    void randomize(std::uint8_t out[], std::size_t n) override {
        generate(out, n);
    }
    void add_entropy(const std::uint8_t[], std::size_t) override {}
    void randomize_with_ts_input(std::uint8_t out[], std::size_t n) override {
        generate(out, n);
    }
#endif

private:
    void generate(std::uint8_t* out, std::size_t n) {
        std::array<std::uint8_t, 64> block{};
        while (n > 0) {
            std::array<std::uint8_t, 8> ctr{};
            for (std::size_t i = 0; i < 8; ++i)
                ctr[i] = static_cast<std::uint8_t>(counter_ >> (56 - 8 * i));
            ++counter_;
            hash_->update(key_.data(), key_.size());
            hash_->update(ctr.data(), ctr.size());
            hash_->final(block.data());
            std::size_t k = n < block.size() ? n : block.size();
            std::memcpy(out, block.data(), k);
            out += k;
            n -= k;
        }
    }

    std::unique_ptr<Botan::HashFunction> hash_;
    std::array<std::uint8_t, 64> key_{};
    std::uint64_t counter_ = 0;
};

} // namespace dane::crypto::detail
