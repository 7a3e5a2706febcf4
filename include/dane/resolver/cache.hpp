// The resolver's cache: validated answers (positive and negative) and the zones of the
// chains of trust above them, shared by consecutive resolutions.
//
// A zone entry holds what validating the zone established: for a secure zone its DNSKEY
// RRset (the keys a later resolution trusts without verifying them again) and the DS
// RRset above it, with their RRSIGs so that an RFC 9102 chain can still be written; for a
// zone proven unsigned, the parent's denial records. A later resolution under the zone
// sends no DS or DNSKEY query for it and does no crypto for it.
//
// Lifetimes follow the records: the TTLs the validator capped by each RRSIG's original
// TTL and expiration (RFC 4035 §5.3.3), no longer than the zone above the entry (a chain
// outlives none of its links), and never more than cache_limits::max_ttl. Failures are
// kept briefly (RFC 9520 §3.2) so that a failing zone is not asked again at once.
//
// The cache is bounded in entries and in bytes (records' octets plus a fixed overhead per
// entry) and evicts the least recently used entry first. It reads no clock: every call
// that depends on time takes it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/verdict.hpp"
#include "dane/resolver/lookup_result.hpp"

namespace dane::resolver {

namespace detail {

// A question as a key: the lowercased owner in wire form, then the type. The cache and a
// resolution's own bookkeeping key questions this one way.
inline std::string question_key(dns::name_view n, dns::rr_type t) {
    const dns::name lower = dns::name(n).lowercased();
    std::string k(reinterpret_cast<const char*>(lower.wire().data()), lower.wire().size());
    const auto type = static_cast<std::uint16_t>(t);
    k += static_cast<char>(type >> 8);
    k += static_cast<char>(type & 0xff);
    return k;
}

} // namespace detail

struct cache_limits {
    std::size_t max_entries = 10000;
    std::size_t max_bytes = 16 * 1024 * 1024;
    // No entry is kept longer than this, whatever its TTL (Unbound's cache-max-ttl
    // defaults to a day).
    std::chrono::seconds max_ttl{86400};
    // Failures are kept briefly so that a failing zone is not asked again at once (RFC
    // 9520 §3.2: at least 1 second, at most 5 minutes).
    std::chrono::seconds bogus_ttl{60};
    std::chrono::seconds indeterminate_ttl{5};
};

// What the cache knows of one zone.
struct cached_zone {
    dns::name zone;
    std::optional<dns::name> parent;  // the zone above, none at a trust anchor
    dnssec::verdict verdict{};        // secure, insecure (proven unsigned) or bogus
    std::vector<byte_buffer> dnskeys; // secure: the validated DNSKEY RDATAs
    // The records that proved it, with their RRSIGs: the DNSKEY RRset and the DS RRset for a
    // secure zone, the parent's denial records for an unsigned one.
    std::vector<dns::record> records;
    zone_link link; // as the chain of a lookup result shows it
    std::chrono::sys_seconds expires{};
};

class cache {
public:
    explicit cache(cache_limits limits = {}) : limits_(limits) {}

    const cache_limits& limits() const noexcept { return limits_; }
    std::size_t entries() const noexcept { return lru_.size(); }
    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t evictions() const noexcept { return evictions_; }
    void clear() noexcept {
        lru_.clear();
        index_.clear();
        bytes_ = 0;
    }

    // The answer for QNAME/QTYPE if one is held and not expired; the result's ttl is the
    // time it has left.
    std::optional<lookup_result> find_answer(dns::name_view qname, dns::rr_type qtype,
                                             std::chrono::sys_seconds now) {
        auto* e = find(answer_key(qname, qtype), now);
        if (!e) return std::nullopt;
        lookup_result r = std::get<lookup_result>(e->value);
        r.ttl = static_cast<std::uint32_t>((e->expires - now).count());
        return r;
    }

    // The zone at `apex` if held and not expired.
    const cached_zone* find_zone(dns::name_view apex, std::chrono::sys_seconds now) {
        auto* e = find(zone_key(apex), now);
        return e ? &std::get<cached_zone>(e->value) : nullptr;
    }

    // Keeps a result for its ttl (capped by max_ttl; failures for bogus_ttl or
    // indeterminate_ttl). Stats and work are not kept: a cached answer costs nothing.
    void store_answer(lookup_result r, std::chrono::sys_seconds now) {
        std::chrono::seconds keep = capped(std::chrono::seconds(r.ttl));
        if (r.verdict.state == dnssec::security::bogus) keep = limits_.bogus_ttl;
        if (r.verdict.state == dnssec::security::indeterminate) keep = limits_.indeterminate_ttl;
        if (keep.count() <= 0) return;
        r.stats = {};
        r.work = {};
        r.ttl = static_cast<std::uint32_t>(keep.count());
        const std::size_t size = answer_size(r);
        put(answer_key(r.qname, r.qtype), entry_value(std::move(r)), now + keep, size);
    }

    // Keeps a zone until z.expires (capped by max_ttl, and by the entry of its parent, if
    // held); bogus zones for bogus_ttl.
    void store_zone(cached_zone z, std::chrono::sys_seconds now) {
        std::chrono::sys_seconds until = z.expires;
        if (z.verdict.state == dnssec::security::bogus) until = now + limits_.bogus_ttl;
        until = std::min(until, now + limits_.max_ttl);
        if (z.parent)
            if (const cached_zone* p = find_zone(*z.parent, now))
                until = std::min(until, p->expires);
        if (until <= now) return;
        z.expires = until;
        const std::size_t size = zone_size(z);
        put(zone_key(z.zone), entry_value(std::move(z)), until, size);
    }

private:
    using entry_value = std::variant<lookup_result, cached_zone>;
    struct entry {
        std::string key;
        entry_value value;
        std::chrono::sys_seconds expires{};
        std::size_t size = 0;
    };
    // A fixed charge per entry for the containers around the records.
    static constexpr std::size_t entry_overhead = 256;

    // A zone is held under its DNSKEY question, an answer under its own; the first octet
    // keeps the two kinds apart.
    static std::string zone_key(dns::name_view n) {
        return 'z' + detail::question_key(n, dns::rr_type::dnskey);
    }
    static std::string answer_key(dns::name_view n, dns::rr_type t) {
        return 'a' + detail::question_key(n, t);
    }
    static std::size_t records_size(const std::vector<dns::record>& rs) {
        std::size_t n = 0;
        for (const auto& r : rs)
            n += r.owner.wire().size() + r.rdata.size() + 16;
        return n;
    }
    static std::size_t answer_size(const lookup_result& r) {
        std::size_t n = entry_overhead + records_size(r.chain_records);
        for (const auto& s : r.rrsets) {
            n += s.owner.wire().size() + 16;
            for (const auto& rd : s.rdatas)
                n += rd.size() + 8;
            for (const auto& sig : s.signatures)
                n += sig.size() + 8;
        }
        return n + r.chain.size() * 64;
    }
    static std::size_t zone_size(const cached_zone& z) {
        std::size_t n = entry_overhead + records_size(z.records);
        for (const auto& k : z.dnskeys)
            n += k.size() + 8;
        return n;
    }
    std::chrono::seconds capped(std::chrono::seconds s) const {
        return std::min(s, limits_.max_ttl);
    }

    entry* find(const std::string& key, std::chrono::sys_seconds now) {
        auto it = index_.find(key);
        if (it == index_.end()) return nullptr;
        if (it->second->expires <= now) {
            erase(it->second);
            return nullptr;
        }
        lru_.splice(lru_.begin(), lru_, it->second); // most recently used first
        return &*it->second;
    }
    void erase(std::list<entry>::iterator e) {
        bytes_ -= e->size;
        index_.erase(e->key);
        lru_.erase(e);
    }
    void put(std::string key, entry_value v, std::chrono::sys_seconds expires, std::size_t size) {
        if (size > limits_.max_bytes || limits_.max_entries == 0) return;
        if (auto it = index_.find(key); it != index_.end()) erase(it->second);
        while (!lru_.empty() &&
               (lru_.size() + 1 > limits_.max_entries || bytes_ + size > limits_.max_bytes)) {
            erase(std::prev(lru_.end()));
            ++evictions_;
        }
        lru_.push_front(entry{key, std::move(v), expires, size});
        index_.emplace(std::move(key), lru_.begin());
        bytes_ += size;
    }

    cache_limits limits_;
    std::list<entry> lru_; // most recently used first
    std::unordered_map<std::string, std::list<entry>::iterator> index_;
    std::size_t bytes_ = 0;
    std::size_t evictions_ = 0;
};

} // namespace dane::resolver
