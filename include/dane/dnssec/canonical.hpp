// Canonical form for DNSSEC (RFC 4034 §6): names lowercased where §6.2 (with RFC 6840
// §5.1's corrected list) says so, RRsets in canonical order with duplicates removed, and
// the octets an RRSIG signs (RFC 4034 §3.1.8.1). Also the grouping of loose records into
// RRsets with the RRSIGs that cover them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"

namespace dane::dnssec {

// An owning RRset: records of one owner, class and type (RFC 2181 §5), with the RRSIG
// RDATAs of the same owner and class whose type covered is this type.
struct rrset {
    dns::name owner;
    dns::rr_type type = dns::rr_type::a;
    dns::rr_class klass = dns::rr_class::in;
    std::uint32_t ttl = 0;               // the lowest TTL of the records (RFC 2181 §5.2)
    std::vector<byte_buffer> rdatas;     // uncompressed wire form, as given
    std::vector<byte_buffer> signatures; // RRSIG RDATAs covering this RRset
};

// RFC 4034 §6.3: RRs sort by their canonical RDATA as left-justified unsigned octet
// strings, where absence of an octet sorts before a zero octet.
inline bool canonical_rdata_less(bytes_view a, bytes_view b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    if (n > 0)
        if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c < 0;
    return a.size() < b.size();
}

// The RDATAs of an RRset in canonical form and order, duplicates removed (RFC 4034 §6.3:
// "it is an error to have duplicate RRs in an RRset"; servers that send them anyway sign
// the set without them).
inline std::vector<byte_buffer> canonical_rdatas(dns::rr_type type,
                                                 std::span<const byte_buffer> rdatas) {
    std::vector<byte_buffer> out;
    out.reserve(rdatas.size());
    for (const auto& rd : rdatas)
        out.push_back(dns::canonical_rdata(type, rd));
    std::sort(out.begin(), out.end(), [](const byte_buffer& a, const byte_buffer& b) {
        return canonical_rdata_less(a, b);
    });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// The name an RRSIG with `labels` signed for an RRset at `owner` (RFC 4035 §5.3.2): the
// owner itself, or, when the signature has fewer labels (a wildcard expansion, RFC 4034
// §3.1.3), "*." followed by the owner's rightmost `labels` labels. Lowercased. Callers
// check labels <= owner's label count first.
inline dns::name signed_owner(dns::name_view owner, std::size_t labels) {
    dns::name n = owner;
    if (labels < owner.label_count()) {
        auto w = dns::name(owner.suffix(labels)).prepend("*");
        // A suffix plus two octets fits: the owner had at least one more label.
        if (w) n = *w;
    }
    return n.lowercased();
}

// Appends the octets that an RRSIG signs (RFC 4034 §3.1.8.1): `rrsig_prefix`, the RRSIG
// RDATA up to and including the signer name (which must already be lowercase, as in
// canonical form), then every RR of the set in canonical form, each with `name` as owner
// and the RRSIG's original TTL. `canonical` comes from canonical_rdatas.
inline void append_signed_data(byte_buffer& out, bytes_view rrsig_prefix, dns::name_view name,
                               dns::rr_type type, dns::rr_class klass, std::uint32_t original_ttl,
                               std::span<const byte_buffer> canonical) {
    out.insert(out.end(), rrsig_prefix.begin(), rrsig_prefix.end());
    byte_writer w(out);
    for (const auto& rd : canonical) {
        w.bytes(name.wire());
        w.u16(static_cast<std::uint16_t>(type));
        w.u16(static_cast<std::uint16_t>(klass));
        w.u32(original_ttl);
        w.u16(static_cast<std::uint16_t>(rd.size()));
        w.bytes(rd);
    }
}

// The RRSIG's type covered, or nullopt when the RDATA is too short to have one.
inline std::optional<dns::rr_type> rrsig_type_covered(bytes_view rdata) noexcept {
    if (rdata.size() < 2) return std::nullopt;
    return static_cast<dns::rr_type>(byte_reader(rdata).load16(0));
}

// Groups records into RRsets one record at a time, in the order their first record
// appears. RRSIG records do not form RRsets of their own: each joins the RRset of its
// owner, class and type covered (RFC 4034 §3: an RRSIG covers exactly one RRset); one that
// arrives before its RRset waits for it. RDATAs and signatures are deduplicated by exact
// octets. With `one_set_per_nsec`, each NSEC record is an RRset of its own, with the
// RRSIGs of its owner (the validator's view: at a zone cut the parent's and the child's
// NSEC share an owner, and each is judged on its own).
//
// Every step is a hash lookup: RRsets are found by a hash of (lowercased owner, type,
// class) and each RRset's RDATAs by a hash of their octets, so adding a record costs
// amortised O(1) whatever the size of its RRset (a linear scan for duplicates made one
// 20,000-record RRset cost 2×10^8 comparisons). comparisons() counts the name and octet
// comparisons made on the way, so tests can check that the work stays linear without
// timing it.
enum class grouper_change_kind : std::uint8_t { none, new_set, new_rdata, new_signature };

class rrset_grouper {
public:
    // What one add() changed.
    struct outcome {
        grouper_change_kind kind = grouper_change_kind::none;
        std::size_t set = 0; // the RRset (index into sets()) made or grown
    };

    explicit rrset_grouper(bool one_set_per_nsec = false) : split_nsec_(one_set_per_nsec) {}

    outcome add(const dns::record& r) {
        if (r.type == dns::rr_type::rrsig) {
            auto covered = rrsig_type_covered(r.rdata);
            if (!covered) return {};
            const std::size_t h = set_hash(r.owner, *covered, r.klass);
            if (auto first = find_first(h, r.owner, *covered, r.klass)) {
                if (!add_member(*first, true, r.rdata)) return {};
                for (auto i : group(*first))
                    sets_[i].signatures.push_back(r.rdata);
                return {grouper_change_kind::new_signature, *first};
            }
            std::size_t waiting = 0;
            auto [b, e] = pending_.equal_range(h);
            for (; b != e; ++b) {
                ++comparisons_;
                if (!b->second.same_set(r.owner, *covered, r.klass)) continue;
                if (b->second.signature == r.rdata) return {};
                ++waiting;
            }
            if (waiting < max_waiting_signatures)
                pending_.emplace(h, waiting_signature{r.owner, *covered, r.klass, r.rdata});
            return {};
        }
        const std::size_t h = set_hash(r.owner, r.type, r.klass);
        auto first = find_first(h, r.owner, r.type, r.klass);
        if (!first) {
            const std::size_t i = sets_.size();
            sets_.push_back(rrset{r.owner, r.type, r.klass, r.ttl, {}, {}});
            groups_.emplace(h, i);
            (void)add_member(i, false, r.rdata);
            sets_[i].rdatas.push_back(r.rdata);
            auto [b, e] = pending_.equal_range(h);
            while (b != e) {
                ++comparisons_;
                if (b->second.same_set(r.owner, r.type, r.klass)) {
                    if (add_member(i, true, b->second.signature))
                        sets_[i].signatures.push_back(std::move(b->second.signature));
                    b = pending_.erase(b);
                } else {
                    ++b;
                }
            }
            return {grouper_change_kind::new_set, i};
        }
        if (!add_member(*first, false, r.rdata)) {
            lower_ttl(*first, r.ttl);
            return {};
        }
        lower_ttl(*first, r.ttl);
        if (split_nsec_ && r.type == dns::rr_type::nsec) {
            const std::size_t i = sets_.size();
            const rrset& f = sets_[*first];
            sets_.push_back(rrset{f.owner, f.type, f.klass, f.ttl, {r.rdata}, f.signatures});
            auto& g = split_[*first];
            if (g.empty()) g.push_back(*first);
            g.push_back(i);
            return {grouper_change_kind::new_set, i};
        }
        sets_[*first].rdatas.push_back(r.rdata);
        return {grouper_change_kind::new_rdata, *first};
    }

    std::span<const rrset> sets() const noexcept { return sets_; }
    std::vector<rrset> take() && { return std::move(sets_); }
    // Name and octet-string comparisons made so far.
    std::size_t comparisons() const noexcept { return comparisons_; }

private:
    // RRSIGs kept for one RRset that has not arrived yet: a few per algorithm and key.
    static constexpr std::size_t max_waiting_signatures = 16;

    struct waiting_signature {
        dns::name owner;
        dns::rr_type type;
        dns::rr_class klass;
        byte_buffer signature;
        bool same_set(dns::name_view o, dns::rr_type t, dns::rr_class c) const noexcept {
            return type == t && klass == c && owner == o;
        }
    };
    // Where an RDATA (or signature) already in the RRsets is: sets_[set], position pos.
    struct member {
        std::size_t first; // the group
        std::size_t set;
        std::size_t pos;
        bool signature;
    };

    static std::size_t mix(std::size_t h, std::size_t v) noexcept {
        return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
    }
    static std::size_t set_hash(dns::name_view owner, dns::rr_type type, dns::rr_class klass) {
        const dns::name lower = dns::name(owner).lowercased();
        std::size_t h = std::hash<std::string_view>{}(as_chars(lower.wire()));
        return mix(h, std::size_t{static_cast<std::uint16_t>(type)} << 16 |
                          static_cast<std::uint16_t>(klass));
    }
    std::optional<std::size_t> find_first(std::size_t h, dns::name_view owner, dns::rr_type type,
                                          dns::rr_class klass) {
        auto [b, e] = groups_.equal_range(h);
        for (; b != e; ++b) {
            ++comparisons_;
            const rrset& s = sets_[b->second];
            if (s.type == type && s.klass == klass && s.owner == owner) return b->second;
        }
        return std::nullopt;
    }
    // The RRsets of the group that `first` starts: itself, or every NSEC RRset of the owner.
    std::span<const std::size_t> group(const std::size_t& first) const {
        if (split_nsec_)
            if (auto it = split_.find(first); it != split_.end()) return it->second;
        return {&first, 1};
    }
    void lower_ttl(std::size_t first, std::uint32_t ttl) {
        for (auto i : group(first))
            sets_[i].ttl = std::min(sets_[i].ttl, ttl);
    }
    // Records `rd` as an RDATA or signature of the group `first`; false when it is there
    // already. The new one is about to be appended (to the newest RRset of a split group).
    bool add_member(std::size_t first, bool signature, bytes_view rd) {
        const std::size_t h =
            mix(mix(std::hash<std::string_view>{}(as_chars(rd)), first), signature ? 1 : 0);
        auto [b, e] = members_.equal_range(h);
        for (; b != e; ++b) {
            const member& m = b->second;
            if (m.signature != signature || m.first != first) continue;
            const rrset& s = sets_[m.set];
            ++comparisons_;
            if (equal_bytes(signature ? s.signatures[m.pos] : s.rdatas[m.pos], rd)) return false;
        }
        member m{first, first, 0, signature};
        if (signature) {
            m.pos = sets_[first].signatures.size();
        } else if (split_nsec_ && sets_[first].type == dns::rr_type::nsec &&
                   !sets_[first].rdatas.empty()) {
            m.set = sets_.size(); // the RRset about to be made for this NSEC record
        } else {
            m.pos = sets_[first].rdatas.size();
        }
        members_.emplace(h, m);
        return true;
    }

    bool split_nsec_ = false;
    std::vector<rrset> sets_;
    std::size_t comparisons_ = 0;
    std::unordered_multimap<std::size_t, std::size_t> groups_; // hash → first RRset of a group
    std::unordered_map<std::size_t, std::vector<std::size_t>> split_; // first → NSEC RRsets
    std::unordered_multimap<std::size_t, member> members_;
    std::unordered_multimap<std::size_t, waiting_signature> pending_;
};

// Groups records into RRsets in the order their first record appears (rrset_grouper).
inline std::vector<rrset> group_rrsets(std::span<const dns::record> records) {
    rrset_grouper g;
    for (const auto& r : records)
        g.add(r);
    return std::move(g).take();
}

// The RRset's records (RRSIGs included) as loose records again, e.g. to print them.
inline std::vector<dns::record> to_records(const rrset& s) {
    std::vector<dns::record> out;
    for (const auto& rd : s.rdatas)
        out.push_back(dns::record{s.owner, s.type, s.klass, s.ttl, rd});
    for (const auto& rd : s.signatures)
        out.push_back(dns::record{s.owner, dns::rr_type::rrsig, s.klass, s.ttl, rd});
    return out;
}

} // namespace dane::dnssec
