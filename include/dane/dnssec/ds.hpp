// DS records (RFC 4034 §5, RFC 4509, RFC 6605 §2): the digest of a DNSKEY, computing one,
// matching a DS to a DNSKEY, and which DS records of a set to use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dnssec/error.hpp"
#include "dane/dnssec/keytag.hpp"

namespace dane::dnssec {

// The fields of DS RDATA, viewing the caller's buffer. The digest is kept whatever its
// length: a digest that does not fit its type simply never matches.
struct ds_view {
    std::uint16_t key_tag = 0;
    crypto::algorithm algorithm{};
    crypto::digest_type digest_type{};
    bytes_view digest{};
};

inline result<ds_view> parse_ds(bytes_view rdata) noexcept {
    if (rdata.size() < 4) return fail(errc::bad_ds);
    byte_reader in(rdata);
    ds_view d;
    d.key_tag = in.u16().value();
    d.algorithm = crypto::algorithm{in.u8().value()};
    d.digest_type = crypto::digest_type{in.u8().value()};
    d.digest = in.take_rest();
    return d;
}

// digest = hash(canonical owner name | DNSKEY RDATA) (RFC 4034 §5.1.4).
template <crypto::verifier_backend B>
result<crypto::digest_value> ds_digest(const B& backend, dns::name_view owner,
                                       bytes_view dnskey_rdata, crypto::digest_type type) {
    auto h = crypto::ds_hash(type);
    if (!h || !backend.supports_digest(type)) return fail(crypto::errc::unsupported_digest);
    const dns::name lower = dns::name(owner).lowercased();
    const bytes_view pieces[] = {lower.wire(), dnskey_rdata};
    return backend.digest(*h, std::span<const bytes_view>(pieces));
}

// DS RDATA for a DNSKEY (what a parent publishes for it).
template <crypto::verifier_backend B>
result<byte_buffer> make_ds_rdata(const B& backend, dns::name_view owner, bytes_view dnskey_rdata,
                                  crypto::digest_type type) {
    if (dnskey_rdata.size() < 4) return fail(errc::bad_dnskey);
    auto d = ds_digest(backend, owner, dnskey_rdata, type);
    if (!d) return fail(d.error());
    byte_buffer out;
    byte_writer w(out);
    w.u16(key_tag(dnskey_rdata));
    w.u8(std::to_integer<std::uint8_t>(dnskey_rdata[3]));
    w.u8(static_cast<std::uint8_t>(type));
    w.bytes(d->bytes());
    return out;
}

// True when the DS points at this DNSKEY: same tag and algorithm, and the digest matches
// (RFC 4035 §5.2). A DS of an unsupported digest type never matches.
template <crypto::verifier_backend B>
bool ds_matches(const B& backend, dns::name_view owner, const ds_view& ds,
                bytes_view dnskey_rdata) {
    if (dnskey_rdata.size() < 4) return false;
    if (ds.key_tag != key_tag(dnskey_rdata) ||
        static_cast<std::uint8_t>(ds.algorithm) != std::to_integer<std::uint8_t>(dnskey_rdata[3]))
        return false;
    auto h = crypto::ds_hash(ds.digest_type);
    if (!h || ds.digest.size() != crypto::digest_size(*h)) return false;
    auto d = ds_digest(backend, owner, dnskey_rdata, ds.digest_type);
    return d && *d == ds.digest;
}

// Preference among digest types: the stronger first. RFC 4509 §3: a validator "SHOULD
// ignore DS RRs containing SHA-1 digests if DS RRs with SHA-256 digests are present in the
// DS RRset"; the same reasoning puts SHA-384 above SHA-256, so an attacker who can forge
// only the weaker digest gains nothing.
constexpr int digest_preference(crypto::digest_type t) noexcept {
    switch (t) {
    case crypto::digest_type::sha384:
        return 3;
    case crypto::digest_type::sha256:
        return 2;
    case crypto::digest_type::sha1:
        return 1;
    default:
        return 0;
    }
}

// How a DS set stands before any key is looked at (RFC 4035 §5.2, RFC 6840 §5.2).
enum class ds_usability : std::uint8_t {
    usable,                // some DS has an algorithm and digest type the backend supports
    unsupported_algorithm, // none does, and some have unsupported algorithms
    unsupported_digest,    // none does, because of their digest types
    empty,
};

// The DS records to use: those whose algorithm and digest type the backend supports,
// and among them only the most preferred digest type present (RFC 4509 §3). At most
// `max` records are looked at.
template <crypto::verifier_backend B>
std::vector<ds_view> select_ds(const B& backend, std::span<const byte_buffer> ds_rdatas,
                               ds_usability* usability = nullptr, std::size_t max = 8) {
    std::vector<ds_view> supported;
    bool bad_alg = false, bad_digest = false;
    std::size_t seen = 0;
    for (const auto& rd : ds_rdatas) {
        if (seen++ >= max) break;
        auto d = parse_ds(rd);
        if (!d) continue;
        if (!backend.supports(d->algorithm)) {
            bad_alg = true;
            continue;
        }
        if (!backend.supports_digest(d->digest_type) || digest_preference(d->digest_type) == 0) {
            bad_digest = true;
            continue;
        }
        supported.push_back(*d);
    }
    if (usability) {
        *usability = !supported.empty() ? ds_usability::usable
                     : bad_alg          ? ds_usability::unsupported_algorithm
                     : bad_digest       ? ds_usability::unsupported_digest
                                        : ds_usability::empty;
    }
    int best = 0;
    for (const auto& d : supported)
        best = std::max(best, digest_preference(d.digest_type));
    std::erase_if(supported,
                  [&](const ds_view& d) { return digest_preference(d.digest_type) != best; });
    return supported;
}

} // namespace dane::dnssec
