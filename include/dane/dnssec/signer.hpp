// A signer for fixtures and small zones: make keys, sign RRsets, build NSEC and NSEC3
// chains, produce DS records, sign a whole zone. Every field of a signature can be set,
// so tests can build signed hierarchies with any fault (an expired signature, a wrong
// labels field, a key without the zone flag, a DS that does not match ...).
//
// The backend is mutable here: it owns the random number generator that key generation
// and (for ECDSA) signing use.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/core/result.hpp"
#include "dane/core/serial.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/ds.hpp"
#include "dane/dnssec/error.hpp"
#include "dane/dnssec/keytag.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "dane/dnssec/rrsig.hpp"

namespace dane::dnssec {

// A key pair of a zone: the DNSKEY RDATA and the private key.
template <crypto::signing_backend B>
struct signing_key {
    dns::name zone;
    byte_buffer dnskey; // DNSKEY RDATA: flags, protocol, algorithm, public key
    typename B::private_key private_key;

    std::uint16_t tag() const noexcept { return key_tag(dnskey); }
    crypto::algorithm algorithm() const noexcept {
        return crypto::algorithm{std::to_integer<std::uint8_t>(dnskey[3])};
    }
    dns::record record(std::uint32_t ttl = 3600) const {
        return {zone, dns::rr_type::dnskey, dns::rr_class::in, ttl, dnskey};
    }
};

// 257 makes a key-signing key (zone + SEP flags), 256 a zone-signing key (RFC 4034
// §2.1.1). `rsa_bits` only applies to RSA (0: the backend's default).
template <crypto::signing_backend B>
result<signing_key<B>> make_key(B& backend, dns::name_view zone, crypto::algorithm alg,
                                std::uint16_t flags = 257, std::size_t rsa_bits = 0) {
    auto g = [&] {
        if constexpr (requires { backend.generate_key(alg, rsa_bits); })
            return backend.generate_key(alg, rsa_bits);
        else
            return backend.generate_key(alg);
    }();
    if (!g) return fail(g.error());
    signing_key<B> k{zone, {}, std::move(g->private_key)};
    byte_writer w(k.dnskey);
    w.u16(flags);
    w.u8(dnskey_protocol);
    w.u8(static_cast<std::uint8_t>(alg));
    w.bytes(g->public_key);
    return k;
}

// What goes into an RRSIG. Unset fields take the correct value; set ones let tests
// make any fault.
struct sign_options {
    std::chrono::sys_seconds inception{};
    std::chrono::sys_seconds expiration{};
    std::optional<std::uint8_t> labels;        // default: owner labels, less one for "*"
    std::optional<std::uint32_t> original_ttl; // default: the RRset's TTL
    std::optional<std::uint16_t> key_tag;      // default: the key's
    std::optional<dns::name> signer;           // default: the key's zone
    std::optional<dns::rr_type> type_covered;  // default: the RRset's type
    bool corrupt_signature = false;            // flip a bit of the signature
};

// A window around `now`: valid from an hour before to thirty days after.
inline sign_options window_around(std::chrono::sys_seconds now) {
    sign_options o;
    o.inception = now - std::chrono::hours(1);
    o.expiration = now + std::chrono::days(30);
    return o;
}

// The RRSIG record over `set` made with `key`.
template <crypto::signing_backend B>
result<dns::record> sign_rrset(B& backend, const rrset& set, const signing_key<B>& key,
                               const sign_options& o) {
    if (set.rdatas.empty()) return fail(errc::empty_rrset);
    std::size_t owner_labels = set.owner.label_count();
    const std::uint8_t labels = o.labels.value_or(
        static_cast<std::uint8_t>(set.owner.is_wildcard() ? owner_labels - 1 : owner_labels));
    const std::uint32_t ttl = o.original_ttl.value_or(set.ttl);
    const dns::name signer = o.signer.value_or(key.zone);
    byte_buffer rd;
    byte_writer w(rd);
    w.u16(static_cast<std::uint16_t>(o.type_covered.value_or(set.type)));
    w.u8(static_cast<std::uint8_t>(key.algorithm()));
    w.u8(labels);
    w.u32(ttl);
    w.u32(to_serial_time(o.expiration));
    w.u32(to_serial_time(o.inception));
    w.u16(o.key_tag.value_or(key.tag()));
    w.bytes(signer.lowercased().wire());
    const std::size_t prefix = rd.size();
    byte_buffer data;
    const std::size_t sig_labels = std::min<std::size_t>(labels, owner_labels);
    append_signed_data(data, rd, signed_owner(set.owner, sig_labels), set.type, set.klass, ttl,
                       canonical_rdatas(set.type, set.rdatas));
    auto sig = backend.sign(key.private_key, bytes_view(data));
    if (!sig) return fail(sig.error());
    if (o.corrupt_signature && !sig->empty()) (*sig)[sig->size() / 2] ^= std::byte{1};
    rd.resize(prefix);
    rd.insert(rd.end(), sig->begin(), sig->end());
    return dns::record{set.owner, dns::rr_type::rrsig, set.klass, set.ttl, std::move(rd)};
}

// Signs the records of one RRset given loose.
template <crypto::signing_backend B>
result<dns::record> sign_records(B& backend, std::span<const dns::record> records,
                                 const signing_key<B>& key, const sign_options& o) {
    auto sets = group_rrsets(records);
    if (sets.empty()) return fail(errc::empty_rrset);
    if (sets.size() != 1) return fail(errc::mixed_rrset);
    return sign_rrset(backend, sets.front(), key, o);
}

// The DS record a parent publishes for `key`.
template <crypto::verifier_backend B>
result<dns::record> make_ds(const B& backend, dns::name_view owner, bytes_view dnskey,
                            crypto::digest_type type = crypto::digest_type::sha256,
                            std::uint32_t ttl = 3600) {
    auto rd = make_ds_rdata(backend, owner, dnskey, type);
    if (!rd) return fail(rd.error());
    return dns::record{owner, dns::rr_type::ds, dns::rr_class::in, ttl, std::move(*rd)};
}

namespace detail {

// A type bitmap (RFC 4034 §4.1.2) of a set of types.
inline byte_buffer make_bitmap(const std::set<std::uint16_t>& types) {
    byte_buffer out;
    std::array<std::array<std::uint8_t, 32>, 256> bits{};
    std::array<std::uint8_t, 256> len{};
    for (auto v : types) {
        const unsigned window = v >> 8, octet = (v & 0xff) / 8;
        bits[window][octet] |= static_cast<std::uint8_t>(0x80u >> (v % 8));
        len[window] = std::max(len[window], static_cast<std::uint8_t>(octet + 1));
    }
    for (unsigned w = 0; w < 256; ++w) {
        if (!len[w]) continue;
        out.push_back(std::byte(w));
        out.push_back(std::byte(len[w]));
        for (unsigned i = 0; i < len[w]; ++i)
            out.push_back(std::byte(bits[w][i]));
    }
    return out;
}

// The zone's names and their types, as a signer sees them: names at or below a
// delegation point keep only what the parent side holds (NS and DS at the cut; glue below
// is not authoritative and gets no NSEC, RFC 4035 §2.3).
struct zone_names {
    std::map<dns::name, std::set<std::uint16_t>, dns::canonical_less> types;
    std::set<dns::name, dns::canonical_less> delegations; // NS without SOA
};

inline zone_names collect_names(dns::name_view zone, std::span<const dns::record> records) {
    zone_names z;
    for (const auto& r : records)
        if (r.type == dns::rr_type::ns && !(r.owner == zone) && r.owner.is_subdomain_of(zone))
            z.delegations.insert(r.owner);
    auto below_cut = [&](const dns::name& n) {
        for (const auto& d : z.delegations)
            if (n.is_strict_subdomain_of(d)) return true;
        return false;
    };
    for (const auto& r : records) {
        if (!r.owner.is_subdomain_of(zone) || below_cut(r.owner)) continue;
        if (r.type == dns::rr_type::rrsig || r.type == dns::rr_type::nsec ||
            r.type == dns::rr_type::nsec3)
            continue;
        if (z.delegations.count(r.owner) && r.type != dns::rr_type::ns &&
            r.type != dns::rr_type::ds)
            continue;
        z.types[r.owner.lowercased()].insert(static_cast<std::uint16_t>(r.type));
    }
    return z;
}

} // namespace detail

// The NSEC chain of a zone (RFC 4034 §4, RFC 4035 §2.3): one NSEC per authoritative name
// and per delegation point, in canonical order, the last pointing back at the apex. Bitmaps
// list the name's types plus NSEC and RRSIG (an unsigned delegation without DS gets no
// RRSIG bit, RFC 4035 §2.3).
inline std::vector<dns::record> build_nsec_chain(dns::name_view zone,
                                                 std::span<const dns::record> records,
                                                 std::uint32_t ttl = 3600) {
    auto z = detail::collect_names(zone, records);
    std::vector<dns::record> out;
    std::vector<dns::name> names;
    for (const auto& [n, _] : z.types)
        names.push_back(n);
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto types = z.types[names[i]];
        types.insert(static_cast<std::uint16_t>(dns::rr_type::nsec));
        const bool unsigned_cut = z.delegations.count(names[i]) &&
                                  !types.count(static_cast<std::uint16_t>(dns::rr_type::ds));
        if (!unsigned_cut) types.insert(static_cast<std::uint16_t>(dns::rr_type::rrsig));
        byte_buffer rd;
        const auto& next = names[(i + 1) % names.size()];
        rd.insert(rd.end(), next.wire().begin(), next.wire().end());
        auto bm = detail::make_bitmap(types);
        rd.insert(rd.end(), bm.begin(), bm.end());
        out.push_back(dns::record{names[i], dns::rr_type::nsec, dns::rr_class::in, ttl, rd});
    }
    return out;
}

struct nsec3_options {
    std::uint16_t iterations = 0; // RFC 9276 §3.1: 0
    byte_buffer salt;             // RFC 9276 §3.1: none
    bool opt_out = false;         // unsigned delegations get no NSEC3 (RFC 5155 §6)
    std::uint8_t algorithm = 1;
    std::uint32_t ttl = 3600;
    bool nsec3param = true; // add the NSEC3PARAM record at the apex
};

// The NSEC3 chain of a zone (RFC 5155 §7.1): a record per authoritative name, per
// delegation point (except unsigned ones under opt-out) and per empty non-terminal, named
// by hash and linked in hash order.
template <class Backend>
result<std::vector<dns::record>> build_nsec3_chain(const Backend& backend, dns::name_view zone,
                                                   std::span<const dns::record> records,
                                                   const nsec3_options& o = {}) {
    auto z = detail::collect_names(zone, records);
    std::map<dns::name, std::set<std::uint16_t>, dns::canonical_less> names;
    for (const auto& [n, types] : z.types) {
        const bool unsigned_cut =
            z.delegations.count(n) && !types.count(static_cast<std::uint16_t>(dns::rr_type::ds));
        if (unsigned_cut && o.opt_out) continue;
        auto t = types;
        if (!unsigned_cut) t.insert(static_cast<std::uint16_t>(dns::rr_type::rrsig));
        if (n == zone && o.nsec3param)
            t.insert(static_cast<std::uint16_t>(dns::rr_type::nsec3param));
        names[n] = t;
        // Empty non-terminals between the name and the apex (RFC 5155 §7.1).
        for (dns::name p = n.parent(); p.is_strict_subdomain_of(zone); p = p.parent())
            names.try_emplace(p);
    }
    std::vector<std::pair<byte_buffer, const std::set<std::uint16_t>*>> hashed;
    for (const auto& [n, types] : names) {
        auto h = nsec3_hash(backend, n, o.salt, o.iterations);
        if (!h) return fail(h.error());
        hashed.emplace_back(byte_buffer(h->bytes().begin(), h->bytes().end()), &types);
    }
    std::sort(hashed.begin(), hashed.end(),
              [](const auto& a, const auto& b) { return canonical_rdata_less(a.first, b.first); });
    std::vector<dns::record> out;
    for (std::size_t i = 0; i < hashed.size(); ++i) {
        byte_buffer rd;
        byte_writer w(rd);
        w.u8(o.algorithm);
        w.u8(o.opt_out ? 1 : 0);
        w.u16(o.iterations);
        w.u8(static_cast<std::uint8_t>(o.salt.size()));
        w.bytes(o.salt);
        const auto& next = hashed[(i + 1) % hashed.size()].first;
        w.u8(static_cast<std::uint8_t>(next.size()));
        w.bytes(next);
        w.bytes(detail::make_bitmap(*hashed[i].second));
        auto owner = dns::name(zone).prepend(to_base32hex(hashed[i].first));
        if (!owner) return fail(owner.error());
        out.push_back(dns::record{*owner, dns::rr_type::nsec3, dns::rr_class::in, o.ttl, rd});
    }
    if (o.nsec3param) {
        byte_buffer rd;
        byte_writer w(rd);
        w.u8(o.algorithm);
        w.u8(0);
        w.u16(o.iterations);
        w.u8(static_cast<std::uint8_t>(o.salt.size()));
        w.bytes(o.salt);
        out.push_back(dns::record{zone, dns::rr_type::nsec3param, dns::rr_class::in, 0, rd});
    }
    return out;
}

enum class denial_kind : std::uint8_t { none, nsec, nsec3 };

struct zone_sign_options {
    sign_options signature{};
    denial_kind denial = denial_kind::nsec;
    nsec3_options nsec3{};
    std::uint32_t dnskey_ttl = 3600;
};

// Signs a zone: adds the DNSKEY RRset (every key given), the NSEC or NSEC3 chain, and an
// RRSIG for every authoritative RRset: the DNSKEY RRset with the key-signing keys (flag
// 257), everything else with the zone-signing keys (or with all keys when there are only
// KSKs). Delegation NS RRsets and glue stay unsigned (RFC 4035 §2.2).
template <crypto::signing_backend B>
result<std::vector<dns::record>>
sign_zone(B& backend, dns::name_view zone, std::span<const dns::record> records,
          std::span<const signing_key<B>> keys, const zone_sign_options& o) {
    std::vector<dns::record> all(records.begin(), records.end());
    for (const auto& k : keys) {
        if (!(k.zone == zone)) return fail(errc::key_not_for_zone);
        all.push_back(k.record(o.dnskey_ttl));
    }
    if (o.denial == denial_kind::nsec) {
        auto chain = build_nsec_chain(zone, all);
        all.insert(all.end(), chain.begin(), chain.end());
    } else if (o.denial == denial_kind::nsec3) {
        auto chain = build_nsec3_chain(backend, zone, all, o.nsec3);
        if (!chain) return fail(chain.error());
        all.insert(all.end(), chain->begin(), chain->end());
    }
    auto z = detail::collect_names(zone, all);
    bool have_zsk = false;
    for (const auto& k : keys)
        have_zsk = have_zsk || (parse_dnskey(k.dnskey) && !parse_dnskey(k.dnskey)->sep());
    std::vector<dns::record> out = all;
    for (const auto& set : group_rrsets(all)) {
        if (!set.owner.is_subdomain_of(zone)) continue;
        bool below = false;
        for (const auto& d : z.delegations)
            below = below || set.owner.is_strict_subdomain_of(d);
        if (below) continue;
        if (z.delegations.count(set.owner) && set.type != dns::rr_type::ds &&
            set.type != dns::rr_type::nsec)
            continue;
        for (const auto& k : keys) {
            const bool ksk = parse_dnskey(k.dnskey) && parse_dnskey(k.dnskey)->sep();
            const bool use =
                set.type == dns::rr_type::dnskey ? (ksk || !have_zsk) : (!ksk || !have_zsk);
            if (!use) continue;
            auto sig = sign_rrset(backend, set, k, o.signature);
            if (!sig) return fail(sig.error());
            out.push_back(std::move(*sig));
        }
    }
    return out;
}

} // namespace dane::dnssec
