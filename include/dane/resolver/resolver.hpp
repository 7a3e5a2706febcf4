// The validating stub resolver (sans-I/O). API SKETCH: the implementation lands next.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/limits.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/resolver/cache.hpp"
#include "dane/resolver/limits.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "dane/resolver/query.hpp"

namespace dane::resolver {

struct resolver_options {
    resolution_limits limits{};
    dnssec::validation_limits validation{};
    cache_limits cache{};
};

// Draws query IDs; the caller passes a good random source (RFC 5452 §9.2).
using id_source = std::function<std::uint16_t()>;

template <crypto::verifier_backend B>
class stub_resolver;

// One lookup in progress. The caller loops: send take_queries() to the upstream, feed each
// response to receive(), call on_timer() when deadline() passes, until done().
template <crypto::verifier_backend B>
class resolution {
public:
    // Queries to send now; each is returned once.
    std::vector<outgoing_query> take_queries();
    // A response from the upstream: a UDP datagram, or one TCP message without its length
    // prefix. It is matched to an outstanding query by ID, question and flags; anything
    // else is ignored (counted in stats().ignored).
    void receive(bytes_view message, clock_reading now);
    // The caller could not send the query or read its answer (connection refused or
    // reset): as a timeout, it is retried or counted as unanswered.
    void transport_failed(std::uint64_t handle, clock_reading now);
    // Handles every deadline that has passed.
    void on_timer(clock_reading now);
    // The earliest deadline of an outstanding query; none when nothing is outstanding.
    std::optional<std::chrono::steady_clock::time_point> deadline() const;
    bool done() const noexcept;
    // The outcome; meaningful once done().
    const lookup_result& result() const noexcept;
};

template <crypto::verifier_backend B>
class stub_resolver {
public:
    // The backend is referenced and must outlive the resolver and its resolutions.
    stub_resolver(const B& backend, dnssec::trust_anchors anchors, id_source ids,
                  resolver_options options = {});
    // Starts a lookup; with the answer in the cache it is done at once.
    resolution<B> start(dns::name_view qname, dns::rr_type qtype, clock_reading now);
    resolver::cache& cache() noexcept;
    const dnssec::trust_anchors& anchors() const noexcept;
};

} // namespace dane::resolver
