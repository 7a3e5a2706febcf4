// What a resolution yields: the validated answer, its verdict and reason, and the chain of
// zones it passed from the trust anchor down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "dane/core/work.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/proof.hpp"
#include "dane/dnssec/verdict.hpp"

namespace dane::resolver {

// A DS record as the chain shows it.
struct ds_summary {
    std::uint16_t key_tag = 0;
    std::uint8_t algorithm = 0;
    std::uint8_t digest_type = 0;
    friend bool operator==(const ds_summary&, const ds_summary&) = default;
};

// A DNSKEY record as the chain shows it.
struct dnskey_summary {
    std::uint16_t key_tag = 0;
    std::uint8_t algorithm = 0;
    std::uint16_t flags = 0; // 257 a key-signing key (SEP), 256 a zone-signing key
    friend bool operator==(const dnskey_summary&, const dnskey_summary&) = default;
};

// One zone on the way from a trust anchor to the answer.
struct zone_link {
    dns::name zone;
    dnssec::verdict verdict{};  // secure, insecure (proven unsigned), or bogus
    bool trust_anchor = false;  // a configured anchor stands at this zone
    std::vector<ds_summary> ds; // the parent's DS records for it (none at an anchor)
    std::vector<dnskey_summary> dnskeys;
};

// Counters of one resolution: what it cost on the wire and in the cache.
struct resolution_stats {
    std::size_t queries_sent = 0;  // retries and TCP repeats included
    std::size_t responses = 0;     // responses matched to a query
    std::size_t ignored = 0;       // datagrams that matched no outstanding query
    std::size_t retries = 0;       // UDP attempts after a timeout
    std::size_t tcp_fallbacks = 0; // truncated UDP answers asked again over TCP
    std::size_t zone_cache_hits = 0;
    bool answer_from_cache = false; // the whole answer came from the cache
};

struct lookup_result {
    dns::name qname;
    dns::rr_type qtype = dns::rr_type::a;
    // The upstream's response code for the question (none when it never answered).
    std::optional<dns::rcode> rcode;
    dnssec::verdict verdict{};
    dnssec::proof proven = dnssec::proof::nothing;
    // The answer's RRsets, each with its RRSIGs: the CNAME/DNAME links in order, then the
    // RRset of QTYPE at final_name (none for a denial).
    std::vector<dnssec::rrset> rrsets;
    dns::name final_name;
    // Zones from the trust anchor down: for each zone the answer's RRsets and denial
    // records were judged in, the zones above it up to the anchor, parents first.
    std::vector<zone_link> chain;
    // The records that prove the answer offline (RFC 9102 §3): the answer's RRsets, the
    // denial records, and the DNSKEY and DS RRsets of every zone of the chain, each with
    // its RRSIGs. write_chain() (dnssec/chain.hpp) makes the extension's bytes of them.
    std::vector<dns::record> chain_records;
    // Seconds the result stays valid (TTLs capped as RFC 4035 §5.3.3 says).
    std::uint32_t ttl = 0;
    resolution_stats stats{};
    work_done work{}; // crypto work done by this resolution (none from the cache)

    bool secure() const noexcept { return verdict.secure(); }
    // The records of the RRset of QTYPE at final_name, if any.
    const dnssec::rrset* answer() const noexcept {
        if (rrsets.empty() || rrsets.back().type != qtype) return nullptr;
        return &rrsets.back();
    }
};

} // namespace dane::resolver
