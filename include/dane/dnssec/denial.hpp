// Denial of existence, one front for NSEC and NSEC3: what the authenticated NSEC or NSEC3
// records of a zone prove for QNAME/QTYPE. The validator calls these for negative answers
// (NXDOMAIN, NOERROR without an answer, referrals without DS) and for wildcard answers.
//
// Inputs, for every function here:
// - `records`: records of the answer whose signatures the caller has verified with the
//   keys of `zone` (RRSIG signer = zone), and, for NSEC, whose RRSIG labels field equals
//   the owner's label count (see dnssec/nsec.hpp). Other records are ignored, so the
//   whole authority section can be passed;
// - `zone`: the zone whose records deny; for QTYPE DS, the parent of the delegation;
// - `budget`: the NSEC3 hash budget of the whole answer (one per answer);
// - NSEC3 records with more iterations than the limits are classified before anything is
//   hashed (insecure or bogus, EDE 27; RFC 9276 §3.2): the caller verifies their
//   signatures first, so that the classification rests on an authentic iteration count.
#pragma once

#include <span>

#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/nsec.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "dane/dnssec/proof.hpp"

namespace dane::dnssec {

namespace detail {
inline bool has_denial_records(std::span<const dns::record> records, dns::rr_type type,
                               dns::name_view zone) noexcept {
    for (const auto& r : records) {
        if (r.type != type) continue;
        if (type == dns::rr_type::nsec3 ? r.owner.view().parent() == zone
                                        : r.owner.is_subdomain_of(zone))
            return true;
    }
    return false;
}

// NSEC first (no hashing); NSEC3 when the zone has no NSEC records in the answer, or when
// the NSEC proof fails and NSEC3 records are there too (a zone changing chains).
template <class NsecProof, class Nsec3Proof>
denial_result either(std::span<const dns::record> records, dns::name_view zone, NsecProof&& nsec,
                     Nsec3Proof&& nsec3) {
    const bool have_nsec = has_denial_records(records, dns::rr_type::nsec, zone);
    const bool have_nsec3 = has_denial_records(records, dns::rr_type::nsec3, zone);
    if (have_nsec) {
        denial_result r = nsec();
        if (r.secure() || !have_nsec3) return r;
    }
    if (have_nsec3) return nsec3();
    return not_proven(ede_code::nsec_missing, "no NSEC or NSEC3 records for the zone");
}
} // namespace detail

// What the records prove for a response with RCODE `rc` (NXDOMAIN, or NOERROR with no
// answer): nxdomain, nodata, wildcard-nodata, no-ds, no-ds-opt-out, or nothing.
template <nsec3_hasher_source Backend>
denial_result prove_denial(const Backend& backend, dns::name_view qname, dns::rr_type qtype,
                           dns::rcode rc, dns::name_view zone, std::span<const dns::record> records,
                           nsec3_budget& budget, const denial_limits& limits = {},
                           nsec3_hash_cache* cache = nullptr) {
    return detail::either(
        records, zone, [&] { return nsec_prover(zone, records, limits).prove(qname, qtype, rc); },
        [&] {
            return nsec3_prover<Backend>(backend, zone, records, budget, limits, cache)
                .prove(qname, qtype, rc);
        });
}

// A wildcard answer for QNAME whose RRSIG labels field is `rrsig_labels`: QNAME and every
// name closer than the wildcard do not exist (wildcard-answer), or nothing.
template <nsec3_hasher_source Backend>
denial_result prove_wildcard_answer(const Backend& backend, dns::name_view qname,
                                    std::size_t rrsig_labels, dns::name_view zone,
                                    std::span<const dns::record> records, nsec3_budget& budget,
                                    const denial_limits& limits = {},
                                    nsec3_hash_cache* cache = nullptr) {
    return detail::either(
        records, zone,
        [&] {
            return nsec_prover(zone, records, limits).prove_wildcard_answer(qname, rrsig_labels);
        },
        [&] {
            return nsec3_prover<Backend>(backend, zone, records, budget, limits, cache)
                .prove_wildcard_answer(qname, rrsig_labels);
        });
}

// A referral to `delegation` without DS: no-ds (an unsigned delegation), no-ds-opt-out
// (insecure: RFC 5155 §9.2), or nothing.
template <nsec3_hasher_source Backend>
denial_result prove_no_ds(const Backend& backend, dns::name_view delegation, dns::name_view zone,
                          std::span<const dns::record> records, nsec3_budget& budget,
                          const denial_limits& limits = {}, nsec3_hash_cache* cache = nullptr) {
    return detail::either(
        records, zone, [&] { return nsec_prover(zone, records, limits).prove_no_ds(delegation); },
        [&] {
            return nsec3_prove_no_ds(backend, delegation, zone, records, budget, limits, cache);
        });
}

} // namespace dane::dnssec
