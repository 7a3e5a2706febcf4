// RRSIG verification (RFC 4035 §5.3): the checks of §5.3.1 on each signature, the
// reconstruction of the signed data (§5.3.2, with wildcard expansion), the cryptographic
// check (§5.3.3), and the TTL a validated RRset may be kept for. Time is a parameter.
//
// Work is bounded (dnssec/limits.hpp): keys are tried only when their tag and algorithm
// match the signature, at most max_keys_per_tag of them, at most max_signatures_per_rrset
// signatures are looked at, and verifications count against per-RRset and per-answer
// budgets, so KeyTrap's keys × signatures cannot multiply (CVE-2023-50387).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/core/serial.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/error.hpp"
#include "dane/dnssec/key_policy.hpp"
#include "dane/dnssec/keytag.hpp"
#include "dane/dnssec/limits.hpp"
#include "dane/dnssec/verdict.hpp"

namespace dane::dnssec {

// DNSKEY flags (RFC 4034 §2.1.1, RFC 5011 §3).
inline constexpr std::uint16_t dnskey_zone_flag = 0x0100;
inline constexpr std::uint16_t dnskey_revoke_flag = 0x0080;
inline constexpr std::uint16_t dnskey_sep_flag = 0x0001;
inline constexpr std::uint8_t dnskey_protocol = 3; // RFC 4034 §2.1.2

// The fields of DNSKEY RDATA (RFC 4034 §2.1), viewing the caller's buffer.
struct dnskey_view {
    std::uint16_t flags = 0;
    std::uint8_t protocol = 0;
    crypto::algorithm algorithm{};
    bytes_view public_key{};
    std::uint16_t tag = 0;

    bool zone_key() const noexcept { return (flags & dnskey_zone_flag) != 0; }
    bool revoked() const noexcept { return (flags & dnskey_revoke_flag) != 0; }
    bool sep() const noexcept { return (flags & dnskey_sep_flag) != 0; }
    // RFC 4035 §5.3.1: only keys with the Zone Key flag and protocol 3 verify RRSIGs.
    bool usable_for_rrsig() const noexcept { return zone_key() && protocol == dnskey_protocol; }
};

inline result<dnskey_view> parse_dnskey(bytes_view rdata) noexcept {
    if (rdata.size() < 4) return fail(errc::bad_dnskey);
    byte_reader in(rdata);
    dnskey_view k;
    k.flags = in.u16().value();
    k.protocol = in.u8().value();
    k.algorithm = crypto::algorithm{in.u8().value()};
    k.public_key = in.take_rest();
    k.tag = key_tag(rdata);
    return k;
}

// The fields of RRSIG RDATA (RFC 4034 §3.1), viewing the caller's buffer: the signer
// name and the signature point into it, so the RDATA must outlive the view.
struct rrsig_view {
    dns::rr_type type_covered{};
    crypto::algorithm algorithm{};
    std::uint8_t labels = 0;
    std::uint32_t original_ttl = 0;
    std::uint32_t expiration = 0;
    std::uint32_t inception = 0;
    std::uint16_t key_tag = 0;
    dns::name_view signer{};
    std::size_t prefix_size = 0; // octets of RDATA before the signature
    bytes_view signature{};
};

inline result<rrsig_view> parse_rrsig(bytes_view rdata) noexcept {
    if (rdata.size() < 19) return fail(errc::bad_rrsig);
    byte_reader in(rdata);
    rrsig_view s;
    s.type_covered = static_cast<dns::rr_type>(in.u16().value());
    s.algorithm = crypto::algorithm{in.u8().value()};
    s.labels = in.u8().value();
    s.original_ttl = in.u32().value();
    s.expiration = in.u32().value();
    s.inception = in.u32().value();
    s.key_tag = in.u16().value();
    auto signer = dns::name_view::from_wire(in.rest());
    if (!signer) return fail(errc::bad_rrsig);
    s.signer = *signer;
    s.prefix_size = 18 + signer->size();
    s.signature = rdata.subspan(s.prefix_size);
    return s;
}

// A DNSKEY of a zone as the validator holds it: the RDATA, its fields, and the backend's
// decoded key, made on first use (so keys no signature points at are never decoded).
// Making it is the one mutation behind a const zone_key: a zone_key, like the validator
// that owns it, is for one thread at a time. The backend may be shared by all threads.
template <crypto::verifier_backend B>
class zone_key {
public:
    explicit zone_key(byte_buffer rdata) : rdata_(std::move(rdata)) {
        if (auto k = parse_dnskey(rdata_)) {
            fields_ = *k;
            ok_ = true;
        }
    }
    zone_key(const zone_key& o) : rdata_(o.rdata_), ok_(o.ok_), parsed_(o.parsed_) { refields(); }
    zone_key& operator=(const zone_key& o) {
        rdata_ = o.rdata_;
        ok_ = o.ok_;
        parsed_ = o.parsed_;
        refields();
        return *this;
    }

    bool well_formed() const noexcept { return ok_; }
    const dnskey_view& fields() const noexcept { return fields_; }
    const byte_buffer& rdata() const noexcept { return rdata_; }

    // The decoded key, or why it cannot be decoded.
    const result<typename B::public_key>& decoded(const B& backend) const {
        if (!parsed_)
            parsed_.emplace(backend.parse_public_key(fields_.algorithm, fields_.public_key));
        return *parsed_;
    }

private:
    void refields() {
        if (ok_) fields_ = parse_dnskey(rdata_).value();
    }
    byte_buffer rdata_;
    dnskey_view fields_{};
    bool ok_ = false;
    mutable std::optional<result<typename B::public_key>> parsed_;
};

template <crypto::verifier_backend B>
std::vector<zone_key<B>>
make_zone_keys(std::span<const byte_buffer> rdatas,
               std::size_t max = validation_limits{}.max_dnskeys_per_rrset) {
    std::vector<zone_key<B>> out;
    for (const auto& rd : rdatas) {
        if (out.size() >= max) break;
        out.emplace_back(rd);
    }
    return out;
}

// What verifying one RRset concluded.
struct rrset_verification {
    dnssec::verdict verdict{};
    // For a secure RRset: the TTL to keep it for (RFC 4035 §5.3.3: no longer than the
    // original TTL, nor past the signature's expiration), the labels field of the
    // signature that validated it, and that signature's key tag.
    std::uint32_t ttl = 0;
    std::uint8_t labels = 0;
    std::uint16_t key_tag = 0;
    // The validating signature has fewer labels than the owner: the RRset was synthesized
    // from the wildcard signed_owner() names, and is secure only with a proof that the
    // owner itself does not exist (RFC 4035 §5.3.4), which the caller must check.
    bool wildcard = false;
    std::size_t verifications = 0; // signature verifications done for this RRset
    bool cut_short = false;
};

namespace detail {
// How far a signature got before failing; the furthest decides the reason reported.
enum class sig_failure : std::uint8_t {
    none,
    malformed,      // RDATA that does not parse
    not_this_rrset, // wrong type covered or too many labels
    wrong_signer,   // signer is not the zone of the RRset, or the owner is outside it
    unsupported,    // an algorithm the backend does not implement
    no_key,         // no DNSKEY of the zone with this tag and algorithm
    no_zone_key,    // keys with this tag, but without the zone flag or protocol 3
    not_yet_valid,  // inception in the future
    expired,        // expiration in the past
    bad_key,        // the key does not decode
    refused_key,    // the key decodes but policy refuses it (dnssec/key_policy.hpp)
    mismatch,       // the cryptographic check failed
};

inline verdict failure_verdict(sig_failure f) {
    switch (f) {
    case sig_failure::none:
        return bogus_verdict(ede_code::rrsigs_missing, "no RRSIG covers the RRset");
    case sig_failure::malformed:
        return bogus_verdict(ede_code::dnssec_bogus, "malformed RRSIG");
    case sig_failure::not_this_rrset:
        return bogus_verdict(ede_code::dnssec_bogus,
                             "RRSIG labels field exceeds the owner's labels");
    case sig_failure::wrong_signer:
        return bogus_verdict(ede_code::dnssec_bogus, "RRSIG signer is not the zone of the RRset");
    case sig_failure::unsupported:
        return bogus_verdict(ede_code::dnssec_bogus, "only RRSIGs of unsupported algorithms");
    case sig_failure::no_key:
        return bogus_verdict(ede_code::dnskey_missing, "no trusted DNSKEY matches the RRSIG");
    case sig_failure::no_zone_key:
        return bogus_verdict(ede_code::no_zone_key_bit_set,
                             "the matching DNSKEY has no zone key bit");
    case sig_failure::not_yet_valid:
        return bogus_verdict(ede_code::signature_not_yet_valid, "RRSIG not yet valid");
    case sig_failure::expired:
        return bogus_verdict(ede_code::signature_expired, "RRSIG expired");
    case sig_failure::bad_key:
        return bogus_verdict(ede_code::dnssec_bogus, "the matching DNSKEY does not decode");
    case sig_failure::refused_key:
        return bogus_verdict(ede_code::dnssec_bogus, "the matching DNSKEY is refused by policy");
    case sig_failure::mismatch:
        return bogus_verdict(ede_code::dnssec_bogus, "RRSIG does not verify");
    }
    return bogus_verdict(ede_code::dnssec_bogus, "RRSIG does not verify");
}
} // namespace detail

// Reusable buffers for verify_rrset, so that validating many RRsets allocates once.
struct verify_scratch {
    byte_buffer signed_data;
    byte_buffer canonical_sig;
};

// Verifies `set` against the keys of `zone` at time `now` (RFC 4035 §5.3). The RRset is
// secure when one of its signatures passes every check of §5.3.1 and verifies with one of
// `keys`; otherwise bogus, with the reason of the signature that came closest. `work`
// accumulates the verifications of the whole answer and is checked against
// limits.max_verifications_per_answer.
template <crypto::verifier_backend B>
rrset_verification verify_rrset(const B& backend, const rrset& set, dns::name_view zone,
                                std::span<const zone_key<B>> keys, std::chrono::sys_seconds now,
                                const validation_limits& limits, work_done& work,
                                verify_scratch* scratch = nullptr) {
    rrset_verification out;
    detail::sig_failure worst = detail::sig_failure::none;
    auto note = [&](detail::sig_failure f) { worst = std::max(worst, f); };
    verify_scratch local;
    verify_scratch& buf = scratch ? *scratch : local;
    const std::uint32_t t = to_serial_time(now);
    const std::size_t owner_labels = set.owner.label_count();
    std::optional<std::vector<byte_buffer>> canonical; // made once, for the first signature
    const zone_key<B>* refused = nullptr;              // a key policy refused, for the reason
    std::size_t looked = 0;
    for (const auto& sig_rdata : set.signatures) {
        if (looked++ >= limits.max_signatures_per_rrset) {
            out.cut_short = true;
            break;
        }
        auto sig = parse_rrsig(sig_rdata);
        if (!sig) {
            note(detail::sig_failure::malformed);
            continue;
        }
        // RFC 4035 §5.3.1, in order: the signer name is the zone, the type covered is the
        // RRset's type, the labels field is not more than the owner's labels.
        if (sig->type_covered != set.type || sig->labels > owner_labels) {
            note(detail::sig_failure::not_this_rrset);
            continue;
        }
        // The signer is the zone, and the zone holds the RRset: its owner is at or below
        // the signer's name. A caller that passes a zone not above the owner gets bogus.
        if (!(sig->signer == zone) || !set.owner.is_subdomain_of(zone)) {
            note(detail::sig_failure::wrong_signer);
            continue;
        }
        if (!backend.supports(sig->algorithm)) {
            note(detail::sig_failure::unsupported);
            continue;
        }
        // Keys with this tag and algorithm (the signer name is the zone's already).
        bool any_key = false, any_zone_key = false;
        std::size_t tried = 0;
        // Time (RFC 4035 §5.3.1: inception <= now <= expiration, RFC 1982 arithmetic) is
        // checked after the key lookup so that the reason names the nearer failure, but
        // before any cryptography.
        const bool expired = serial_lt(sig->expiration, t);
        const bool early = serial_gt(sig->inception, t);
        for (const auto& key : keys) {
            if (!key.well_formed()) continue;
            const auto& f = key.fields();
            if (f.tag != sig->key_tag || f.algorithm != sig->algorithm) continue;
            any_key = true;
            if (!f.usable_for_rrsig()) continue;
            any_zone_key = true;
            if (expired || early) break;
            if (tried++ >= limits.max_keys_per_tag) {
                out.cut_short = true;
                break;
            }
            if (out.verifications >= limits.max_verifications_per_rrset ||
                work.verifications >= limits.max_verifications_per_answer) {
                out.cut_short = work.cut_short = true;
                break;
            }
            const auto& pk = key.decoded(backend);
            if (!pk) {
                if (refused_by_policy(pk)) {
                    if (worst < detail::sig_failure::refused_key) refused = &key;
                    note(detail::sig_failure::refused_key);
                } else {
                    note(detail::sig_failure::bad_key);
                }
                continue;
            }
            if (!canonical) canonical = canonical_rdatas(set.type, set.rdatas);
            // The RRSIG RDATA prefix with the signer name lowercased (RFC 4034 §6.2).
            buf.canonical_sig = dns::canonical_rdata(dns::rr_type::rrsig, sig_rdata);
            buf.signed_data.clear();
            const dns::name name = signed_owner(set.owner, sig->labels);
            append_signed_data(buf.signed_data,
                               bytes_view(buf.canonical_sig).first(sig->prefix_size), name,
                               set.type, set.klass, sig->original_ttl, *canonical);
            ++out.verifications;
            ++work.verifications;
            if (backend.verify(*pk, bytes_view(buf.signed_data), sig->signature)) {
                out.verdict = secure_verdict();
                out.labels = sig->labels;
                out.key_tag = sig->key_tag;
                // The labels field does not count a leading "*" (RFC 4034 §3.1.3): the
                // wildcard RRset itself, at its own name, is no expansion.
                out.wildcard =
                    sig->labels < (set.owner.is_wildcard() ? owner_labels - 1 : owner_labels);
                const std::int64_t left = serial_seconds_from(sig->expiration, now);
                std::uint32_t ttl = std::min(set.ttl, sig->original_ttl);
                if (left >= 0 && static_cast<std::uint64_t>(left) < ttl)
                    ttl = static_cast<std::uint32_t>(left);
                out.ttl = ttl;
                return out;
            }
            note(detail::sig_failure::mismatch);
        }
        if (!any_key)
            note(detail::sig_failure::no_key);
        else if (!any_zone_key)
            note(detail::sig_failure::no_zone_key);
        else if (expired)
            note(detail::sig_failure::expired);
        else if (early)
            note(detail::sig_failure::not_yet_valid);
        if (work.cut_short) break;
    }
    out.verdict = detail::failure_verdict(worst);
    if (worst == detail::sig_failure::refused_key && refused)
        out.verdict.why.text = policy_refusal_text(backend, refused->fields().public_key);
    if (out.cut_short && worst < detail::sig_failure::mismatch)
        out.verdict = bogus_verdict(ede_code::dnssec_bogus, "validation work limit reached");
    return out;
}

// One-shot form: keys given as DNSKEY RDATAs of `zone`, default limits.
template <crypto::verifier_backend B>
rrset_verification verify_rrset(const B& backend, const rrset& set, dns::name_view zone,
                                std::span<const byte_buffer> dnskeys, std::chrono::sys_seconds now,
                                const validation_limits& limits = {}) {
    auto keys = make_zone_keys<B>(dnskeys, limits.max_dnskeys_per_rrset);
    work_done work;
    return verify_rrset(backend, set, zone, std::span<const zone_key<B>>(keys), now, limits, work);
}

} // namespace dane::dnssec
