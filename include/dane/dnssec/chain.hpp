// RFC 9102 serialized DNSSEC chains: the records that prove an answer from a trust anchor
// down, as one blob of uncompressed wire-form RRs (the TLS dnssec_chain extension's
// AuthenticationChain, §2.3), written from a pool of records and validated offline.
//
// Wire form, RFC 9102 §2.3: `uint16 ExtSupportLifetime`, then the AuthenticationChain, a
// sequence of RRs `{owner, type, class, TTL, RDATA length, RDATA}` in no particular order.
// The structure declares the chain `opaque <1..2^16-1>` (a 16-bit length first), while
// the test vector of Appendix A.1 has no length; the reader accepts both and the writer
// follows the test vector unless asked for the length.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/error.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/validator.hpp"

namespace dane::dnssec {

struct chain_limits {
    // RRs in one chain. A chain to a name six zones down with two keys per zone, NSEC3
    // denial and a CNAME is about 40 RRs; the extension cannot exceed 65535 octets anyway.
    std::size_t max_records = 1000;
};

struct dnssec_chain {
    std::uint16_t ext_support_lifetime = 0;
    std::vector<dns::record> records;
};

// Appends the RRs in uncompressed wire form (RFC 1035 §3.2.1).
inline void append_chain_records(byte_buffer& out, std::span<const dns::record> records) {
    byte_writer w(out);
    for (const auto& r : records) {
        w.bytes(r.owner.wire());
        w.u16(static_cast<std::uint16_t>(r.type));
        w.u16(static_cast<std::uint16_t>(r.klass));
        w.u32(r.ttl);
        w.u16(static_cast<std::uint16_t>(r.rdata.size()));
        w.bytes(r.rdata);
    }
}

// The extension_data: lifetime, then the chain (with a 16-bit length when asked).
inline result<byte_buffer> write_chain(std::span<const dns::record> records,
                                       std::uint16_t ext_support_lifetime = 0,
                                       bool length_prefix = false) {
    byte_buffer out;
    byte_writer w(out);
    w.u16(ext_support_lifetime);
    if (length_prefix) w.u16(0);
    append_chain_records(out, records);
    if (out.size() > 0xffff) return fail(errc::too_much_input);
    if (length_prefix) w.patch16(2, static_cast<std::uint16_t>(out.size() - 4));
    return out;
}

// Reads a sequence of RRs that fills `data` exactly; names may not be compressed.
inline result<std::vector<dns::record>> read_chain_records(bytes_view data,
                                                           const chain_limits& limits = {}) {
    std::vector<dns::record> out;
    byte_reader in(data);
    while (!in.empty()) {
        if (out.size() >= limits.max_records) return fail(errc::too_much_input);
        auto owner = dns::name::from_wire(in.rest());
        if (!owner) return fail(errc::bad_chain);
        (void)in.skip(owner->wire().size());
        auto type = in.u16(), klass = in.u16();
        auto ttl = in.u32();
        auto len = in.u16();
        if (!type || !klass || !ttl || !len) return fail(errc::bad_chain);
        auto rdata = in.take(*len);
        if (!rdata) return fail(errc::bad_chain);
        dns::record r{*owner, static_cast<dns::rr_type>(*type), static_cast<dns::rr_class>(*klass),
                      *ttl, byte_buffer(rdata->begin(), rdata->end())};
        if (!dns::check_rdata(r.type, r.rdata)) return fail(errc::bad_chain);
        out.push_back(std::move(r));
    }
    return out;
}

// Reads extension_data: the lifetime, then the chain with or without its length.
inline result<dnssec_chain> read_chain(bytes_view data, const chain_limits& limits = {}) {
    byte_reader in(data);
    auto lifetime = in.u16();
    if (!lifetime) return fail(errc::bad_chain);
    dnssec_chain c;
    c.ext_support_lifetime = *lifetime;
    bytes_view rest = in.rest();
    if (rest.size() >= 2) {
        const std::size_t declared = byte_reader(rest).load16(0);
        if (declared == rest.size() - 2) {
            // A length that fits exactly; a bare chain starts with an owner name, whose
            // first two octets read as this length only by coincidence, so try both.
            if (auto r = read_chain_records(rest.subspan(2), limits)) {
                c.records = std::move(*r);
                return c;
            }
        }
    }
    auto r = read_chain_records(rest, limits);
    if (!r) return fail(r.error());
    c.records = std::move(*r);
    return c;
}

// The zones an answer rests on, parents first: those its RRsets and denial records were
// judged in, the zone where a denial ends, and the zones above each of them up to a trust
// anchor. `parent_of(zone)` names the zone above (the validator's knowledge by default; a
// resolver that holds zones in a cache knows more); at most `max_zones` are returned.
template <crypto::verifier_backend B, class ParentOf>
std::vector<dns::name> answer_zones(const validator<B>& v, const trust_anchors& anchors,
                                    const answer_result& a, std::size_t max_zones,
                                    ParentOf&& parent_of) {
    std::vector<dns::name> zones;
    auto add = [&](const std::optional<dns::name>& z) {
        if (!z || zones.size() >= max_zones) return;
        const dns::name lower = z->lowercased();
        if (std::find(zones.begin(), zones.end(), lower) == zones.end()) zones.push_back(lower);
    };
    for (auto i : a.rrsets)
        add(v.zone_of_rrset(i));
    for (auto i : a.denial_rrsets)
        add(v.zone_of_rrset(i));
    // Where the answer is a denial (or failed), the zone of the name it ends at.
    if (a.proven != proof::answer && a.proven != proof::cname && a.proven != proof::wildcard_answer)
        add(v.apex_at_or_above(a.final_name));
    // Each step adds a zone strictly above one already listed, or nothing.
    for (std::size_t k = 0; k < zones.size(); ++k)
        if (!anchors.find(zones[k])) add(parent_of(zones[k]));
    std::stable_sort(zones.begin(), zones.end(), [](const dns::name& x, const dns::name& y) {
        return x.label_count() < y.label_count();
    });
    return zones;
}

template <crypto::verifier_backend B>
std::vector<dns::name> answer_zones(const validator<B>& v, const trust_anchors& anchors,
                                    const answer_result& a, std::size_t max_zones) {
    return answer_zones(v, anchors, a, max_zones,
                        [&](const dns::name& z) { return v.apex_above(z); });
}

// The records of `pool` that prove the answer for QNAME/QTYPE from the anchors down: the
// answer's RRsets (CNAME/DNAME links included), the denial records of the zones involved,
// and for each zone on the way the DNSKEY RRset and the DS RRset, with their RRSIGs (RFC
// 9102 §3). The pool is whatever the server has (responses to the queries the chain
// needs). Fails when the pool does not make the answer secure or provably insecure.
template <crypto::verifier_backend B>
result<std::vector<dns::record>>
build_chain(const B& backend, const trust_anchors& anchors, std::chrono::sys_seconds now,
            std::span<const dns::record> pool, dns::name_view qname, dns::rr_type qtype,
            const validation_limits& limits = {}) {
    validator<B> v(backend, anchors, now, limits);
    if (auto ok = v.add(pool); !ok) return fail(ok.error());
    auto a = v.validate_answer(qname, qtype);
    if (a.verdict.state == security::bogus || a.verdict.state == security::indeterminate)
        return fail(errc::bad_chain);
    const auto sets = v.rrsets();
    std::vector<bool> take(sets.size(), false);
    for (auto i : a.rrsets)
        take[i] = true;
    // For each zone on the way: the DNSKEY RRset, the DS RRset (or the NS RRset of an
    // insecure delegation).
    for (const auto& z : answer_zones(v, anchors, a, limits.max_zone_depth * 4))
        for (std::size_t i = 0; i < sets.size(); ++i) {
            const auto& s = sets[i];
            if (s.owner == z && (s.type == dns::rr_type::dnskey || s.type == dns::rr_type::ds ||
                                 s.type == dns::rr_type::ns))
                take[i] = true;
        }
    // Denial records: those the validator's proofs used (it picks the records that match
    // or cover the names a proof asks about, hashing NSEC3 names within the answer's
    // budget and once each), so that the rest of a zone's NSEC or NSEC3 chain stays out.
    for (auto i : a.denial_rrsets)
        if (i < take.size()) take[i] = true;
    std::vector<dns::record> out;
    for (std::size_t i = 0; i < sets.size(); ++i)
        if (take[i]) {
            auto recs = to_records(sets[i]);
            out.insert(out.end(), recs.begin(), recs.end());
        }
    return out;
}

// Validates a chain offline: what the records prove for QNAME/QTYPE.
template <crypto::verifier_backend B>
answer_result validate_chain(const B& backend, const trust_anchors& anchors,
                             std::chrono::sys_seconds now, std::span<const dns::record> chain,
                             dns::name_view qname, dns::rr_type qtype,
                             const validation_limits& limits = {}) {
    validator<B> v(backend, anchors, now, limits);
    if (!v.add(chain)) {
        answer_result r;
        r.verdict = bogus_verdict(ede_code::dnssec_bogus, "too many records in the chain");
        return r;
    }
    return v.validate_answer(qname, qtype);
}

// The same from extension_data bytes; a blob that does not parse is bogus.
template <crypto::verifier_backend B>
answer_result validate_chain(const B& backend, const trust_anchors& anchors,
                             std::chrono::sys_seconds now, bytes_view extension_data,
                             dns::name_view qname, dns::rr_type qtype,
                             const validation_limits& limits = {}) {
    chain_limits cl;
    cl.max_records = std::min(cl.max_records, limits.max_records);
    auto c = read_chain(extension_data, cl);
    if (!c) {
        answer_result r;
        r.verdict = bogus_verdict(ede_code::dnssec_bogus, "malformed DNSSEC chain");
        return r;
    }
    return validate_chain(backend, anchors, now, std::span<const dns::record>(c->records), qname,
                          qtype, limits);
}

} // namespace dane::dnssec
