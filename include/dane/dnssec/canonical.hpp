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
#include <tuple>
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

// Groups records into RRsets in the order their first record appears. RRSIG records do
// not form RRsets of their own: each joins the RRset of its owner, class and type covered
// (RFC 4034 §3: an RRSIG covers exactly one RRset), or is dropped when there is none.
// Each RRset's RDATAs and signatures are deduplicated by exact octets.
inline std::vector<rrset> group_rrsets(std::span<const dns::record> records) {
    std::vector<rrset> out;
    // Keyed by lowercased owner, type and class, so grouping stays O(n log n).
    std::map<std::tuple<std::string, std::uint16_t, std::uint16_t>, std::size_t> index;
    auto key = [](const dns::name& owner, dns::rr_type type, dns::rr_class klass) {
        return std::tuple(std::string(as_chars(owner.lowercased().wire())),
                          static_cast<std::uint16_t>(type), static_cast<std::uint16_t>(klass));
    };
    auto find = [&](const dns::name& owner, dns::rr_type type, dns::rr_class klass) -> rrset* {
        auto it = index.find(key(owner, type, klass));
        return it == index.end() ? nullptr : &out[it->second];
    };
    auto add_unique = [](std::vector<byte_buffer>& v, const byte_buffer& rd) {
        if (std::find(v.begin(), v.end(), rd) == v.end()) v.push_back(rd);
    };
    for (const auto& r : records) {
        if (r.type == dns::rr_type::rrsig) continue;
        rrset* s = find(r.owner, r.type, r.klass);
        if (!s) {
            index.emplace(key(r.owner, r.type, r.klass), out.size());
            out.push_back(rrset{r.owner, r.type, r.klass, r.ttl, {}, {}});
            s = &out.back();
        }
        s->ttl = std::min(s->ttl, r.ttl);
        add_unique(s->rdatas, r.rdata);
    }
    for (const auto& r : records) {
        if (r.type != dns::rr_type::rrsig) continue;
        auto covered = rrsig_type_covered(r.rdata);
        if (!covered) continue;
        if (rrset* s = find(r.owner, *covered, r.klass)) add_unique(s->signatures, r.rdata);
    }
    return out;
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
