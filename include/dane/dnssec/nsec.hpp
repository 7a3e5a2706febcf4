// NSEC (RFC 4034 §4, RFC 4035 §5.4, RFC 6840 §4.1-4.4): the proofs a set of authenticated
// NSEC records of one zone gives for a query: name error, no data (also at empty
// non-terminals and for DS at a delegation), wildcard answers and wildcard no data.
//
// What the caller passes: NSEC records whose RRSIGs it has verified, signed by `zone`
// (the RRSIG signer name), and only those whose RRSIG labels field equals the number of
// labels of the owner name. RFC 4035 §5.4: only then does the record prove that wildcard
// expansion did not produce it; a wildcard NSEC replayed under an expanded owner would
// otherwise cover names that the wildcard should answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/proof.hpp"

namespace dane::dnssec {

// A parsed NSEC record (RFC 4034 §4.2), owning its fields.
struct nsec_record {
    dns::name owner;
    dns::name next;    // Next Domain Name
    byte_buffer types; // Type Bit Maps, wire form

    bool has(dns::rr_type t) const noexcept { return bitmap_has(types, t); }
    // RFC 6840 §4.1: NS without SOA marks the parent's side of a zone cut; with DNAME, the
    // names below the owner are elsewhere. Either way the record says nothing about them.
    bool hides_descendants() const noexcept {
        return has(dns::rr_type::dname) || (has(dns::rr_type::ns) && !has(dns::rr_type::soa));
    }
};

inline result<nsec_record> parse_nsec(dns::name_view owner, bytes_view rdata) {
    if (auto ok = dns::check_rdata(dns::rr_type::nsec, rdata); !ok) return fail(ok.error().code);
    auto next = dns::name_view::from_wire(rdata);
    if (!next) return fail(next.error().code);
    nsec_record r;
    r.owner = owner;
    r.next = *next;
    auto types = rdata.subspan(next->size());
    r.types.assign(types.begin(), types.end());
    return r;
}
inline result<nsec_record> parse_nsec(const dns::record& rr) {
    if (rr.type != dns::rr_type::nsec) return fail(dns::errc::bad_rdata);
    return parse_nsec(rr.owner, rr.rdata);
}

// The record's owner is the name (RFC 4035 §5.4, first rule).
inline bool nsec_matches(const nsec_record& r, dns::name_view n) noexcept {
    return r.owner == n;
}

// The name falls strictly between the owner and the next name in canonical order (RFC
// 4034 §6.1), so it does not exist in the zone (RFC 4035 §5.4, second rule). The last
// NSEC of a zone names the apex as next (RFC 4034 §4.1.1) and covers every name of the
// zone after its owner. Names below a delegation or a DNAME are never covered (RFC 6840
// §4.1), though they sort between the owner and the next name.
inline bool nsec_covers(const nsec_record& r, dns::name_view n, dns::name_view zone) noexcept {
    if (!n.is_subdomain_of(zone)) return false;
    if (canonical_compare(r.owner.view(), n) >= 0) return false;
    if (r.hides_descendants() && n.is_strict_subdomain_of(r.owner)) return false;
    if (canonical_compare(r.owner.view(), r.next.view()) < 0)
        return canonical_compare(n, r.next.view()) < 0;
    return true; // the wrap-around record: everything after the owner, up to the zone's end
}

namespace detail {
// Labels that two names share from the right (their deepest common ancestor).
inline std::size_t common_labels(dns::name_view a, dns::name_view b) noexcept {
    const std::size_t la = a.label_count(), lb = b.label_count();
    std::size_t n = la < lb ? la : lb;
    // Walk from the shortest suffix up; at most 127 steps of at most 255 octets.
    std::size_t k = 0;
    dns::name_view sa = a.suffix(n), sb = b.suffix(n);
    while (n > 0 && !(sa == sb)) {
        --n;
        sa = sa.parent();
        sb = sb.parent();
    }
    k = n;
    return k;
}
} // namespace detail

// The closest encloser that an NSEC covering `qname` implies: the deepest ancestor of QNAME
// that is also an ancestor of (or equal to) the owner or the next name, since those exist
// and so do their ancestors; not above the zone. Every name between it and QNAME lies
// inside the covered span, so none of them exists.
inline dns::name nsec_closest_encloser(const nsec_record& covering, dns::name_view qname,
                                       dns::name_view zone) noexcept {
    std::size_t k = detail::common_labels(qname, covering.owner);
    const std::size_t kn = detail::common_labels(qname, covering.next);
    if (kn > k) k = kn;
    if (k < zone.label_count()) k = zone.label_count();
    return qname.suffix(k);
}

// The proofs of RFC 4035 §5.4 over the NSEC records of one zone in one answer. Records of
// other types, malformed ones and those whose owner is outside `zone` are ignored; more
// than limits.max_denial_records makes every proof bogus.
class nsec_prover {
public:
    nsec_prover(dns::name_view zone, std::span<const dns::record> records,
                const denial_limits& limits = {})
        : zone_(zone) {
        for (const auto& rr : records) {
            if (rr.type != dns::rr_type::nsec) continue;
            auto r = parse_nsec(rr);
            if (!r) continue;
            if (!add(std::move(*r), limits)) break;
        }
    }
    nsec_prover(dns::name_view zone, std::span<const nsec_record> records,
                const denial_limits& limits = {})
        : zone_(zone) {
        for (const auto& r : records)
            if (!add(r, limits)) break;
    }

    std::span<const nsec_record> records() const noexcept { return usable_; }

    // RFC 4035 §3.1.3.2, §5.4: an NSEC covers QNAME and one covers the wildcard at the
    // closest encloser.
    denial_result prove_nxdomain(dns::name_view qname) const {
        if (auto early = start(qname)) return *early;
        if (find_match(qname))
            return detail::not_proven(ede_code::dnssec_bogus, "an NSEC record matches QNAME");
        const nsec_record* c = find_cover(qname);
        if (!c) return detail::not_proven(ede_code::nsec_missing, "no NSEC record covers QNAME");
        const dns::name ce = nsec_closest_encloser(*c, qname, zone_);
        // The next name lies below QNAME: QNAME is an empty non-terminal, so it exists.
        if (ce == qname)
            return detail::not_proven(ede_code::dnssec_bogus, "QNAME is an empty non-terminal");
        auto r = wildcard_absent(ce);
        if (r.proven == proof::nothing) return r;
        r.proven = proof::nxdomain;
        return r;
    }

    // RFC 4035 §3.1.3.1, §3.1.3.4, §5.4: an NSEC matches QNAME without QTYPE or CNAME in
    // its bitmap (no-ds for DS at an unsigned delegation); or QNAME is an empty
    // non-terminal (an NSEC covers it and its next name lies below it); or an NSEC covers
    // QNAME and the wildcard at the closest encloser lacks QTYPE (wildcard-nodata).
    denial_result prove_nodata(dns::name_view qname, dns::rr_type qtype) const {
        if (auto early = start(qname)) return *early;
        // RFC 4035 B.8: the child's apex NSEC cannot deny the DS RRset of its parent.
        if (qtype == dns::rr_type::ds && qname == zone_)
            return detail::not_proven(ede_code::dnssec_bogus,
                                      "DS denied by the child zone instead of the parent");
        if (const nsec_record* m = find_match(qname))
            return detail::matched_nodata(m->types, qtype);
        const nsec_record* c = find_cover(qname);
        if (!c)
            return detail::not_proven(ede_code::nsec_missing,
                                      "no NSEC record matches or covers QNAME");
        const dns::name ce = nsec_closest_encloser(*c, qname, zone_);
        if (ce == qname) {
            // An empty non-terminal has no types at all, DS included.
            auto r = detail::proven_secure(proof::nodata);
            r.closest_encloser = ce;
            return r;
        }
        auto w = dns::name(ce).prepend("*");
        if (!w) return detail::not_proven(ede_code::dnssec_bogus, "no room for a wildcard");
        const nsec_record* wm = find_match(*w);
        if (!wm) {
            auto r = find_cover(*w)
                         ? detail::not_proven(ede_code::dnssec_bogus,
                                              "no data claimed for a name that does not exist")
                         : detail::not_proven(ede_code::nsec_missing,
                                              "no NSEC record matches the wildcard");
            r.closest_encloser = ce;
            return r;
        }
        if (bitmap_answers(wm->types, qtype))
            return detail::not_proven(ede_code::dnssec_bogus, "the wildcard's bitmap has QTYPE");
        if (wm->has(dns::rr_type::cname))
            return detail::not_proven(ede_code::dnssec_bogus, "the wildcard's bitmap has CNAME");
        auto r = detail::proven_secure(proof::wildcard_nodata);
        r.closest_encloser = ce;
        return r;
    }

    // RFC 4035 §3.1.3.3, §5.3.4: a wildcard answer whose RRSIG has `rrsig_labels` labels.
    // QNAME must not exist, and no name between it and the wildcard's parent either: an
    // NSEC covers QNAME and the closest encloser it implies is no deeper than the
    // wildcard's parent.
    denial_result prove_wildcard_answer(dns::name_view qname, std::size_t rrsig_labels) const {
        if (auto early = start(qname)) return *early;
        if (rrsig_labels >= qname.label_count() || rrsig_labels < zone_.label_count())
            return detail::not_proven(ede_code::dnssec_bogus,
                                      "RRSIG labels do not describe a wildcard in the zone");
        if (find_match(qname))
            return detail::not_proven(ede_code::dnssec_bogus, "an NSEC record matches QNAME");
        const nsec_record* c = find_cover(qname);
        if (!c) return detail::not_proven(ede_code::nsec_missing, "no NSEC record covers QNAME");
        if (nsec_closest_encloser(*c, qname, zone_).label_count() > rrsig_labels)
            return detail::not_proven(ede_code::dnssec_bogus,
                                      "a name closer than the wildcard exists");
        auto r = detail::proven_secure(proof::wildcard_answer);
        r.closest_encloser = qname.suffix(rrsig_labels);
        return r;
    }

    // RFC 4035 §5.2, RFC 6840 §4.4: the NSEC at the delegation has NS, and neither DS nor
    // SOA.
    denial_result prove_no_ds(dns::name_view delegation) const {
        auto r = prove_nodata(delegation, dns::rr_type::ds);
        if (r.proven == proof::nodata || r.proven == proof::wildcard_nodata)
            return detail::not_proven(ede_code::dnssec_bogus,
                                      "no delegation at the name (NS bit clear)");
        return r;
    }

    // Prove what the response claims: NXDOMAIN, or NOERROR without an answer.
    denial_result prove(dns::name_view qname, dns::rr_type qtype, dns::rcode rc) const {
        if (rc == dns::rcode::nxdomain) return prove_nxdomain(qname);
        if (rc == dns::rcode::noerror) return prove_nodata(qname, qtype);
        return detail::not_proven(ede_code::dnssec_bogus, "no denial of existence for this RCODE");
    }

private:
    bool add(nsec_record r, const denial_limits& limits) {
        if (!r.owner.is_subdomain_of(zone_)) return true;
        if (++seen_ > limits.max_denial_records) {
            too_many_ = true;
            return false;
        }
        usable_.push_back(std::move(r));
        return true;
    }
    std::optional<denial_result> start(dns::name_view qname) const {
        if (too_many_) return detail::not_proven(ede_code::dnssec_bogus, "too many NSEC records");
        if (usable_.empty())
            return detail::not_proven(ede_code::nsec_missing, "no NSEC records for the zone");
        if (!qname.is_subdomain_of(zone_))
            return detail::not_proven(ede_code::dnssec_bogus, "QNAME is outside the NSEC zone");
        return std::nullopt;
    }
    const nsec_record* find_match(dns::name_view n) const noexcept {
        for (const auto& r : usable_)
            if (nsec_matches(r, n)) return &r;
        return nullptr;
    }
    const nsec_record* find_cover(dns::name_view n) const noexcept {
        for (const auto& r : usable_)
            if (nsec_covers(r, n, zone_)) return &r;
        return nullptr;
    }
    // The wildcard at `ce` does not exist: an NSEC covers it. proof::nothing otherwise.
    denial_result wildcard_absent(const dns::name& ce) const {
        auto w = ce.prepend("*");
        if (!w) return detail::not_proven(ede_code::dnssec_bogus, "no room for a wildcard");
        if (find_match(*w))
            return detail::not_proven(ede_code::dnssec_bogus,
                                      "the wildcard exists and should have answered");
        if (!find_cover(*w))
            return detail::not_proven(ede_code::nsec_missing, "no NSEC record covers the wildcard");
        auto r = detail::proven_secure(proof::nxdomain);
        r.closest_encloser = ce;
        return r;
    }

    dns::name zone_;
    std::vector<nsec_record> usable_;
    std::size_t seen_ = 0;
    bool too_many_ = false;
};

// One-call forms; `records` may hold any records of the answer.
inline denial_result nsec_prove_nxdomain(dns::name_view qname, dns::name_view zone,
                                         std::span<const dns::record> records,
                                         const denial_limits& limits = {}) {
    return nsec_prover(zone, records, limits).prove_nxdomain(qname);
}
inline denial_result nsec_prove_nodata(dns::name_view qname, dns::rr_type qtype,
                                       dns::name_view zone, std::span<const dns::record> records,
                                       const denial_limits& limits = {}) {
    return nsec_prover(zone, records, limits).prove_nodata(qname, qtype);
}
inline denial_result nsec_prove_no_ds(dns::name_view delegation, dns::name_view zone,
                                      std::span<const dns::record> records,
                                      const denial_limits& limits = {}) {
    return nsec_prover(zone, records, limits).prove_no_ds(delegation);
}
inline denial_result nsec_prove_wildcard_answer(dns::name_view qname, std::size_t rrsig_labels,
                                                dns::name_view zone,
                                                std::span<const dns::record> records,
                                                const denial_limits& limits = {}) {
    return nsec_prover(zone, records, limits).prove_wildcard_answer(qname, rrsig_labels);
}

} // namespace dane::dnssec
