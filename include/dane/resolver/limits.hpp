// Bounds on the work one resolution may do and the timing of its queries. Validation has
// its own bounds (dnssec/limits.hpp); these cover what the resolver adds on top: how many
// queries it sends, how many zone cuts it walks, how long it waits.
//
// Sources of the defaults. Unbound caps a resolution near 32 upstream queries per
// dependency chain (`max-sent-count` 32), BIND at 100 fetches per query (`max-recursion-
// queries`) but a stub only asks one upstream, which recurses for it: a DS and a DNSKEY
// query per zone cut and one or two discovery queries per unsigned owner is all it needs.
// RFC 9520 §3 asks resolvers to give up on a failing name quickly and to cache the failure.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace dane::resolver {

struct resolution_limits {
    // DNS queries one resolution sends, retries and TCP repeats included.
    std::size_t max_queries = 64;
    // Zones whose keys one resolution establishes (the chain from the anchor down, for
    // every zone of a CNAME chain); a name has at most 127 labels, real chains 3 to 6.
    std::size_t max_zones = 32;
    // Rounds of "validate, then fetch what was missing" before the resolver stops and
    // judges with what it has (each round sends at least one new query).
    std::size_t max_rounds = 16;
    // Times one question is sent over UDP before it counts as unanswered (RFC 9520 §3.2:
    // no more than twice more after the first).
    std::size_t max_attempts = 3;
    // How long one attempt waits for its answer, and the whole resolution at most.
    std::chrono::milliseconds query_timeout{1500};
    std::chrono::milliseconds resolution_timeout{10000};
    // EDNS UDP payload size advertised (the DNS Flag Day 2020 value).
    std::uint16_t udp_payload_size = 1232;
};

} // namespace dane::resolver
