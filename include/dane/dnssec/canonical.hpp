// Canonical form for DNSSEC (RFC 4034 §6): names lowercased where §6.2 (with RFC 6840
// §5.1's corrected list) says so, RRsets in canonical order with duplicates removed, and
// the octets an RRSIG signs (RFC 4034 §3.1.8.1). Also the grouping of loose records into
// RRsets with the RRSIGs that cover them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
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
// octets.
//
// Every step is a hash lookup: RRsets are indexed by (lowercased owner, type, class) and
// each RRset's RDATAs by their octets, so adding a record costs amortised O(1) whatever the
// size of its RRset (a linear scan for duplicates made one 20,000-record RRset cost 2×10^8
// comparisons). comparisons() counts the octet-string comparisons made on the way, so
// tests can check that the work stays linear without timing it.
enum class grouper_change_kind : std::uint8_t { none, new_set, new_rdata, new_signature };

class rrset_grouper {
public:
    // What one add() changed.
    struct outcome {
        grouper_change_kind kind = grouper_change_kind::none;
        std::size_t set = 0; // the RRset (index into sets()) that changed
    };

    outcome add(const dns::record& r) {
        if (r.type == dns::rr_type::rrsig) {
            auto covered = rrsig_type_covered(r.rdata);
            if (!covered) return {};
            std::string key = set_key(r.owner, *covered, r.klass);
            if (auto it = sets_index_.find(key); it != sets_index_.end()) {
                if (!add_unique(it->second, 1, r.rdata)) return {};
                sets_[it->second].signatures.push_back(r.rdata);
                return {grouper_change_kind::new_signature, it->second};
            }
            auto& waiting = pending_[std::move(key)];
            if (std::find_if(waiting.begin(), waiting.end(),
                             [&](const byte_buffer& b) {
                                 ++*comparisons_;
                                 return b == r.rdata;
                             }) == waiting.end() &&
                waiting.size() < max_waiting_signatures)
                waiting.push_back(r.rdata);
            return {};
        }
        std::string key = set_key(r.owner, r.type, r.klass);
        auto [it, created] = sets_index_.try_emplace(key, sets_.size());
        if (created) {
            sets_.push_back(rrset{r.owner, r.type, r.klass, r.ttl, {r.rdata}, {}});
            (void)add_unique(it->second, 0, r.rdata);
            if (auto p = pending_.find(key); p != pending_.end()) {
                for (auto& sig : p->second)
                    if (add_unique(it->second, 1, sig))
                        sets_[it->second].signatures.push_back(std::move(sig));
                pending_.erase(p);
            }
            return {grouper_change_kind::new_set, it->second};
        }
        rrset& s = sets_[it->second];
        s.ttl = std::min(s.ttl, r.ttl);
        if (!add_unique(it->second, 0, r.rdata)) return {};
        s.rdatas.push_back(r.rdata);
        return {grouper_change_kind::new_rdata, it->second};
    }

    std::span<const rrset> sets() const noexcept { return sets_; }
    std::vector<rrset> take() && { return std::move(sets_); }
    // The index of the RRset owner/type/class, if there is one.
    std::optional<std::size_t> find(dns::name_view owner, dns::rr_type type,
                                    dns::rr_class klass) const {
        auto it = sets_index_.find(set_key(owner, type, klass));
        if (it == sets_index_.end()) return std::nullopt;
        return it->second;
    }
    // Octet-string comparisons made so far (equal hashes compared, duplicates looked for).
    std::size_t comparisons() const noexcept { return *comparisons_; }

private:
    // RRSIGs kept for one RRset that has not arrived yet: a few per algorithm and key.
    static constexpr std::size_t max_waiting_signatures = 16;

    static std::string set_key(dns::name_view owner, dns::rr_type type, dns::rr_class klass) {
        std::string k(as_chars(dns::name(owner).lowercased().wire()));
        const auto t = static_cast<std::uint16_t>(type), c = static_cast<std::uint16_t>(klass);
        k.push_back(static_cast<char>(t >> 8));
        k.push_back(static_cast<char>(t & 0xff));
        k.push_back(static_cast<char>(c >> 8));
        k.push_back(static_cast<char>(c & 0xff));
        return k;
    }
    // True when `rd` is new among the RDATAs (part 0) or signatures (part 1) of set `index`.
    bool add_unique(std::size_t index, unsigned part, bytes_view rd) {
        std::string k;
        k.reserve(9 + rd.size());
        for (int shift = 56; shift >= 0; shift -= 8)
            k.push_back(static_cast<char>((std::uint64_t{index} >> shift) & 0xff));
        k.push_back(static_cast<char>(part));
        k.append(as_chars(rd));
        return members_.insert(std::move(k)).second;
    }

    // Equality of member keys, counted. (The count lives on the heap so that the set's copy
    // of this functor stays valid when the grouper moves.)
    struct counted_equal {
        std::shared_ptr<std::size_t> count;
        bool operator()(const std::string& a, const std::string& b) const noexcept {
            ++*count;
            return a == b;
        }
    };

    std::vector<rrset> sets_;
    std::shared_ptr<std::size_t> comparisons_ = std::make_shared<std::size_t>(0);
    std::unordered_map<std::string, std::size_t> sets_index_;
    std::unordered_set<std::string, std::hash<std::string>, counted_equal> members_{
        16, std::hash<std::string>{}, counted_equal{comparisons_}};
    std::unordered_map<std::string, std::vector<byte_buffer>> pending_;
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
