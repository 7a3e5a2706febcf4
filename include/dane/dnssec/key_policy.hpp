// Keys refused by policy, as opposed to keys that do not decode: an RSA modulus below the
// backend's floor (crypto::key_limits::min_rsa_bits, 1024 bits by default). RFC 8624 §3.1
// leaves RSA sizes to local policy. A validator treats a refused key as it treats an
// unsupported algorithm (RFC 4035 §5.2, RFC 6840 §5.2): a zone whose every authentication
// path leads to refused keys is insecure; a zone with one path to an acceptable key must
// be signed by an acceptable key, so removing signatures cannot make it insecure.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/backend.hpp"

namespace dane::dnssec {

// The size in bits of the modulus in an RSA public key field (RFC 3110 §2: exponent
// length in one octet, or a zero octet and two; the exponent; the modulus), leading zero
// octets not counted; nullopt when the field is too short to hold one.
inline std::optional<std::size_t> rsa_modulus_bits(bytes_view field) noexcept {
    byte_reader in(field);
    auto first = in.u8();
    if (!first) return std::nullopt;
    std::size_t exponent_length = *first;
    if (exponent_length == 0) {
        auto longer = in.u16();
        if (!longer) return std::nullopt;
        exponent_length = *longer;
    }
    if (!in.take(exponent_length)) return std::nullopt;
    bytes_view modulus = in.rest();
    std::size_t i = 0;
    while (i < modulus.size() && modulus[i] == std::byte{0})
        ++i;
    if (i == modulus.size()) return std::nullopt;
    std::size_t top_bits = 0;
    for (auto top = std::to_integer<unsigned>(modulus[i]); top != 0; top >>= 1)
        ++top_bits;
    return (modulus.size() - i - 1) * 8 + top_bits;
}

// The RSA floor of a backend that states one (as crypto::botan_backend does), or nullopt.
template <class B>
std::optional<std::size_t> min_rsa_bits(const B& backend) noexcept {
    if constexpr (requires {
                      { backend.limits().min_rsa_bits } -> std::convertible_to<std::size_t>;
                  })
        return backend.limits().min_rsa_bits;
    else
        return std::nullopt;
}

// Whether decoding failed because policy refuses the key, not because it is malformed.
template <class K>
bool refused_by_policy(const result<K>& decoded) noexcept {
    return !decoded.has_value() && decoded.error() == crypto::errc::key_too_small;
}

// Why policy refuses an RSA key field: "RSA key of 512 bits is below the 1024-bit
// minimum".
template <class B>
std::string policy_refusal_text(const B& backend, bytes_view rsa_key_field) {
    std::string out = "RSA key";
    if (auto bits = rsa_modulus_bits(rsa_key_field))
        out += " of " + std::to_string(*bits) + " bits";
    out += " is below the ";
    if (auto floor = min_rsa_bits(backend))
        out += std::to_string(*floor) + "-bit minimum";
    else
        out += "backend's minimum";
    return out;
}

} // namespace dane::dnssec
