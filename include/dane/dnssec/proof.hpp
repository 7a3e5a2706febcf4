// The vocabulary of authenticated denial of existence, shared by NSEC (dnssec/nsec.hpp)
// and NSEC3 (dnssec/nsec3.hpp): which proof a set of records establishes for a query, how
// secure that conclusion is and why, the work limits, and type bitmaps.
//
// The proof functions take records whose signatures the caller has already verified
// (RFC 4035 §5.4: "security-aware resolvers MUST authenticate the NSEC RRsets that comprise
// the non-existence proof"), together with the zone that signed them (the RRSIG signer
// name). They never verify signatures themselves, so they compile without a crypto backend
// except for NSEC3 hashing, where the backend is a template parameter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"

namespace dane::dnssec {

// Security states and reasons, as docs/ARCHITECTURE.md describes them: ordered so that combining is
// min. (Defined here until dnssec/verdict.hpp exists; the names are meant to match it.)
enum class security : std::uint8_t { bogus, indeterminate, insecure, secure };

// The RFC 8914 extended DNS error codes this layer reports.
enum class ede : std::uint16_t {
    other = 0,
    dnssec_bogus = 6,
    nsec_missing = 12,
    unsupported_nsec3_iterations = 27,
};

// Why a result is not secure: an RFC 8914 code and a fixed text.
struct reason {
    ede code = ede::other;
    std::string_view text{};
};

// What a response proves about QNAME/QTYPE. The words are those `dane verify --query`
// prints after `proves:`.
enum class proof : std::uint8_t {
    nothing,         // no proof, or a broken one
    answer,          // the RRset itself (no denial needed; never returned by this layer)
    cname,           // a CNAME answer (never returned by this layer)
    wildcard_answer, // QNAME does not exist and the wildcard that answered is the right one
    nxdomain,        // QNAME does not exist, nor does a wildcard that could match it
    nodata,          // QNAME exists (possibly as an empty non-terminal), QTYPE does not
    wildcard_nodata, // QNAME does not exist; the wildcard that would match lacks QTYPE
    no_ds,           // a delegation exists and has no DS: the child is unsigned
    no_ds_opt_out,   // an opt-out NSEC3 span may hold an unsigned delegation (RFC 5155 §9.2)
};

constexpr std::string_view to_string(proof p) noexcept {
    switch (p) {
    case proof::nothing:
        return "nothing";
    case proof::answer:
        return "answer";
    case proof::cname:
        return "cname";
    case proof::wildcard_answer:
        return "wildcard-answer";
    case proof::nxdomain:
        return "nxdomain";
    case proof::nodata:
        return "nodata";
    case proof::wildcard_nodata:
        return "wildcard-nodata";
    case proof::no_ds:
        return "no-ds";
    case proof::no_ds_opt_out:
        return "no-ds-opt-out";
    }
    return "nothing";
}

// Bounds on the work one answer may cause, with their sources.
struct denial_limits {
    // RFC 9276 Appendix A: "setting an upper limit of 100 iterations for treating a zone as
    // insecure is interoperable" and "returning SERVFAIL beyond 500 iterations appears to
    // be interoperable". NSEC3 records with more iterations than the first bound make the
    // answer insecure, more than the second bogus, both with EDE 27 (RFC 9276 §3.2).
    std::uint16_t nsec3_iterations_insecure = 100;
    std::uint16_t nsec3_iterations_bogus = 500;
    // NSEC3 name hashes (each costs iterations + 1 SHA-1 computations) per answer. A proof
    // hashes QNAME, the ancestors from the zone apex down to the next closer name, and the
    // wildcard: at most the number of labels of QNAME below the zone plus three, so 128
    // lets any proof for a name up to 125 labels below its zone complete, while bounding an
    // answer to 128 × 101 SHA-1 computations whatever the QNAME depth and however many
    // proofs it asks for (CVE-2023-50868), as long as all proofs of one answer (a CNAME
    // chain, a referral) share one nsec3_budget.
    std::size_t nsec3_hash_budget = 128;
    // NSEC or NSEC3 records looked at per proof. A proof needs at most three (RFC 5155
    // §7.2: closest encloser, next closer, wildcard; RFC 4035 §3.1.3: two); the rest of
    // the allowance leaves room for servers that add more. Every record is compared with
    // every hashed name, so this also bounds the comparisons.
    std::size_t max_denial_records = 64;
};

// The running count of NSEC3 name hashes for one answer. Make one per answer and pass it to
// every NSEC3 proof of that answer.
struct nsec3_budget {
    std::size_t limit = denial_limits{}.nsec3_hash_budget;
    std::size_t hashes = 0;  // names hashed so far
    std::size_t digests = 0; // SHA-1 computations so far: the sum of (iterations + 1)

    constexpr nsec3_budget() = default;
    constexpr explicit nsec3_budget(std::size_t n) noexcept : limit(n) {}
    constexpr explicit nsec3_budget(const denial_limits& l) noexcept : limit(l.nsec3_hash_budget) {}
    constexpr bool exhausted() const noexcept { return hashes >= limit; }
};

// The outcome of a proof. `proven` names what the records establish; `security` says how
// far that can be trusted:
// - secure: proven;
// - insecure: the records are authentic but cannot be relied on (an opt-out span, NSEC3
//   iterations above the insecure limit, only unknown NSEC3 hash algorithms); `proven` may
//   still name what the response claims (e.g. nxdomain with opt_out set);
// - bogus: no proof, or records that contradict the claim.
// `why` names the reason and its RFC 8914 code whenever the result is not secure.
struct denial_result {
    dnssec::proof proven = dnssec::proof::nothing;
    dnssec::security security = dnssec::security::bogus;
    dnssec::reason why{};
    // The next closer name was covered by an NSEC3 record with the Opt-Out flag: names in
    // that span may exist as unsigned delegations, so the AD bit must not be set (RFC 5155
    // §9.2).
    bool opt_out = false;
    // The proof was abandoned because the hash budget ran out: not to be cached.
    bool cut_short = false;
    // The closest encloser the proof established (the zone's root name otherwise).
    dns::name closest_encloser{};
    // The NSEC3 name hashes and SHA-1 computations this proof did.
    std::size_t nsec3_hashes = 0;
    std::size_t nsec3_digests = 0;

    bool secure() const noexcept { return security == dnssec::security::secure; }
};

namespace detail {

inline denial_result proven_secure(dnssec::proof p) {
    denial_result r;
    r.proven = p;
    r.security = security::secure;
    return r;
}
inline denial_result not_proven(ede code, std::string_view text) {
    denial_result r;
    r.security = security::bogus;
    r.why = reason{code, text};
    return r;
}

} // namespace detail

// A type bitmap in RFC 4034 §4.1.2 wire form (as in NSEC and NSEC3 RDATA), already checked
// by dns::check_rdata: windows in increasing order, 1 to 32 octets each.
inline bool bitmap_has(bytes_view bitmap, dns::rr_type type) noexcept {
    const auto v = static_cast<unsigned>(type);
    const unsigned window = v >> 8, octet = (v & 0xff) >> 3, bit = 0x80u >> (v & 7);
    std::size_t pos = 0;
    while (pos + 2 <= bitmap.size()) {
        const unsigned w = std::to_integer<unsigned>(bitmap[pos]);
        const std::size_t len = std::to_integer<std::size_t>(bitmap[pos + 1]);
        if (pos + 2 + len > bitmap.size()) return false;
        if (w == window)
            return octet < len && (std::to_integer<unsigned>(bitmap[pos + 2 + octet]) & bit);
        if (w > window) return false;
        pos += 2 + len;
    }
    return false;
}

// Whether a name with this type bitmap has data that answers QTYPE: the type itself, or
// for QTYPE ANY any type but NSEC, NSEC3 and RRSIG, which only the denial record itself
// brings along (RFC 6840 §4.2: no data for ANY means no RRsets at all).
inline bool bitmap_answers(bytes_view bitmap, dns::rr_type qtype) noexcept {
    if (qtype != dns::rr_type::any) return bitmap_has(bitmap, qtype);
    std::size_t pos = 0;
    while (pos + 2 <= bitmap.size()) {
        const unsigned w = std::to_integer<unsigned>(bitmap[pos]);
        const std::size_t len = std::to_integer<std::size_t>(bitmap[pos + 1]);
        if (pos + 2 + len > bitmap.size()) return false;
        for (std::size_t i = 0; i < len; ++i) {
            unsigned bits = std::to_integer<unsigned>(bitmap[pos + 2 + i]);
            for (unsigned bit = 0; bit < 8; ++bit) {
                if (!(bits & (0x80u >> bit))) continue;
                const auto t = static_cast<dns::rr_type>(w << 8 | (i * 8 + bit));
                if (t != dns::rr_type::nsec && t != dns::rr_type::nsec3 && t != dns::rr_type::rrsig)
                    return true;
            }
        }
        pos += 2 + len;
    }
    return false;
}

namespace detail {
// The checks on a record (NSEC or NSEC3) whose owner is QNAME, for a no-data answer
// (RFC 4035 §5.4, RFC 5155 §8.5, §8.6, §8.9, RFC 6840 §4.1, §4.3, §4.4). `bitmap` is the
// record's type bitmap.
inline denial_result matched_nodata(bytes_view bitmap, dns::rr_type qtype) {
    auto has = [&](dns::rr_type t) { return bitmap_has(bitmap, t); };
    if (bitmap_answers(bitmap, qtype))
        return not_proven(ede::dnssec_bogus, "the type bitmap has QTYPE");
    // RFC 6840 §4.3: a stripped CNAME must not pass as no data.
    if (has(dns::rr_type::cname)) return not_proven(ede::dnssec_bogus, "the type bitmap has CNAME");
    // NS without SOA: the record is the parent's side of a zone cut.
    const bool delegation = has(dns::rr_type::ns) && !has(dns::rr_type::soa);
    // RFC 5155 §8.9 and RFC 6840 §4.4: NS present, DS and SOA absent proves an unsigned
    // delegation; without NS it only shows that this name has no DS.
    if (qtype == dns::rr_type::ds) return proven_secure(delegation ? proof::no_ds : proof::nodata);
    // RFC 6840 §4.1: "Ancestor delegation NSEC or NSEC3 RRs MUST NOT be used to assume
    // nonexistence of any RRs below that zone cut, which include all RRs at that
    // (original) owner name other than DS RRs".
    if (delegation)
        return not_proven(ede::dnssec_bogus, "denial from the parent side of a delegation");
    return proven_secure(proof::nodata);
}
} // namespace detail

} // namespace dane::dnssec
