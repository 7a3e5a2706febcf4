// Bounds on the work one validation may do, so that crafted records cannot make it
// expensive. Every loop of the validator over attacker-supplied data stops at one of
// these, and the result says when it did (validation cut short is never secure and is not
// to be cached).
//
// Sources of the defaults. After KeyTrap (CVE-2023-50387) and the NSEC3 closest-encloser
// attack (CVE-2023-50868) every major validator bounded this work: PowerDNS Recursor
// (security advisory 2024-01: at most 2 DNSKEYs tried per key tag and algorithm, 2 RRSIGs
// per record, 30 signature validations per query, 8 DS per zone), Unbound 1.19.1
// (suspends a validation after a fixed number of failed attempts), BIND 9.18.24 (likewise,
// per fetch). The defaults below sit a little above PowerDNS's, leaving room for key
// rollovers (a pre-published key, double signatures during an algorithm roll, RFC 6781
// §4.1), and stay far below the thousands of verifications KeyTrap needs.
#pragma once

#include <cstddef>

#include "dane/core/work.hpp"
#include "dane/dnssec/proof.hpp"

namespace dane::dnssec {

struct validation_limits {
    // DNSKEYs tried for one RRSIG: keys whose tag and algorithm both match it. A tag is
    // 16 bits, so honest zones almost never have two keys share one (RFC 4034 Appendix B);
    // KeyTrap fills a DNSKEY RRset with hundreds that do.
    std::size_t max_keys_per_tag = 4;
    // RRSIGs looked at for one RRset. Honest zones have one per algorithm, two during a
    // key or algorithm rollover.
    std::size_t max_signatures_per_rrset = 8;
    // Signature verifications (the expensive step) for one RRset, whatever the keys and
    // signatures: after this many failures the RRset is bogus.
    std::size_t max_verifications_per_rrset = 8;
    // Signature verifications for one answer or one validation run: every RRset of a
    // CNAME chain, the denial records, the DNSKEY and DS RRsets up from the anchor.
    std::size_t max_verifications_per_answer = 64;
    // DS records looked at for one delegation, and digests computed for them.
    std::size_t max_ds_per_zone = 8;
    // DNSKEY records looked at in one DNSKEY RRset.
    std::size_t max_dnskeys_per_rrset = 64;
    // Links of a CNAME/DNAME chain in one answer (BIND and Unbound stop near 16).
    std::size_t max_cname_chain = 16;
    // Zone cuts between a trust anchor and the data (a name has at most 127 labels).
    std::size_t max_zone_depth = 128;
    // Records accepted by one validation run.
    std::size_t max_records = 100000;
    // NSEC/NSEC3 work: RFC 9276 iteration limits, the NSEC3 hash budget (dnssec/proof.hpp).
    denial_limits denial{};
};

// The work a validation did, reported with its result: dane::work_done (core/work.hpp),
// of which validation fills verifications, digests, nsec3_hashes and cut_short.
using dane::work_done;

} // namespace dane::dnssec
