// The RFC 7672 delivery policy as pure decision functions: from the validated MX, address,
// CNAME and TLSA lookup results of one next-hop domain to the hosts to try, in which order,
// and with which TLS policy. No I/O: smtp/delivery_plan.hpp drives the lookups and calls
// these; tests table-drive them with lookup_result values built by hand.
//
// The steps, with the rules they follow:
//  1. MX lookup of the next-hop domain (RFC 7672 §2.2.1, RFC 5321 §5.1): a lookup error,
//     bogus or indeterminate answer delays delivery (RFC 7672 §2.1.2); NXDOMAIN is an
//     error, reported (no delivery, not retried); no MX records (NODATA) means the implicit
//     MX, the (CNAME-expanded) domain itself at preference 0; a null MX, the single record
//     "0 ." of RFC 7505, means the domain accepts no mail. An insecure MX answer delays
//     delivery where DANE is mandatory (RFC 7672 §6), and otherwise leaves the choice of
//     using the hosts' own TLSA records to `dane_on_insecure_mx`.
//  2. MX hosts in preference order; TLSA records never reorder them (RFC 7672 §2.2.1).
//  3. Per host, the A and AAAA lookups first (RFC 7672 §2.2.2): an error makes the host
//     unreachable; no addresses, too; an insecure answer means no TLSA lookup, except
//     when it came through a CNAME whose first link is secure (checked with a CNAME query,
//     RFC 7672 §2.1.3), in which case the unexpanded name is the only candidate.
//  4. TLSA lookups at _25._tcp.<candidate> for each candidate base domain in turn (RFC
//     7672 §2.2.3): the CNAME-expanded host name when the whole expansion is secure, then
//     the host name. The first secure TLSA RRset decides; a CNAME at _25._tcp.<candidate>
//     is followed by the resolver but the base domain stays the candidate.
//  5. The four outcomes of RFC 7672 §2.2: secure usable TLSA -> authenticated TLS required;
//     secure TLSA, none usable -> TLS required, unauthenticated; insecure or securely absent
//     -> opportunistic TLS; any lookup error -> this host is unreachable.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/dns/address.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/verdict.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "dane/smtp/outcome.hpp"
#include "dane/tlsa/match.hpp"
#include "dane/tlsa/record.hpp"
#include "dane/tlsa/verify.hpp"

namespace dane::smtp {

// Bounds on what one next-hop domain may make the client do. Postfix tries at most 5
// addresses and 2 sessions per delivery (smtp_mx_address_limit, smtp_mx_session_limit);
// these are wider, but an MX RRset of hundreds of hosts still costs a bounded number of
// lookups (each host: A, AAAA, at most one CNAME and two TLSA queries).
struct policy_limits {
    std::size_t max_mx_hosts = 10;           // MX hosts considered, best preferences first
    std::size_t max_addresses_per_host = 16; // addresses handed to one connect action
};

struct policy_config {
    // RFC 7672 §6 mandatory DANE for this destination (Postfix's "dane-only"): delivery
    // only over TLS authenticated by secure TLSA records; an insecure MX answer delays.
    bool dane_mandatory = false;
    // Whether hosts named by an insecure MX RRset still get DANE when their own address
    // and TLSA lookups are secure (RFC 7672 §2.2.1: "MAY elect to use DANE TLS ... even
    // with MX hosts obtained via an insecure MX RRset"). On by default, as Postfix does at
    // smtp_tls_security_level=dane (its smtp_tls_dane_insecure_mx_policy, 3.6 and later,
    // defaults to "dane"): a signed hosting provider's TLSA records protect domains that
    // are not signed, and a host that publishes secure TLSA records has committed to TLS
    // (§2.2.3), so honouring them never delivers in a weaker way than ignoring them would.
    // Off: such hosts get opportunistic TLS and no TLSA lookups are made for them.
    bool dane_on_insecure_mx = true;
    // The SMTP port, for the _<port>._tcp prefix of TLSA names (RFC 7672 §2.2.3).
    std::uint16_t port = 25;
    // RFC 5321 §5.1: MX hosts of equal preference MUST be tried in a random order, to
    // spread the load. The library draws nothing itself: the caller's random value orders
    // them (io::deliver_blocking takes one from its generator). None: the answer's order.
    // Preferences are never reordered (RFC 7672 §2.2.1).
    std::optional<std::uint64_t> shuffle_seed;
    policy_limits limits{};
};

// ---------------------------------------------------------------------------------------
// One lookup result, read the way RFC 7672 §2.1.1 asks.

enum class lookup_status : std::uint8_t {
    error,    // bogus, indeterminate, SERVFAIL, no answer, an inconsistent result
    found,    // records of the type asked at the end of the (possibly empty) CNAME chain
    nodata,   // the name exists without records of that type
    nxdomain, // the name (at the end of the CNAME chain) does not exist
};

inline std::string_view to_string(lookup_status s) noexcept {
    switch (s) {
    case lookup_status::error:
        return "error";
    case lookup_status::found:
        return "found";
    case lookup_status::nodata:
        return "nodata";
    case lookup_status::nxdomain:
        return "nxdomain";
    }
    return "error";
}

struct lookup_reading {
    lookup_status status = lookup_status::error;
    dnssec::security security = dnssec::security::bogus; // secure or insecure unless error
};

// RFC 7672 §2.1.1: bogus and indeterminate are lookup errors, as is any response code
// other than NOERROR and NXDOMAIN; secure or insecure nonexistence is an answer. A secure
// result without records must come with a proof of their absence, or it is an error (fail
// closed: a "secure" empty answer that proves nothing could hide a stripped RRset).
inline lookup_reading read_lookup(const resolver::lookup_result& r) noexcept {
    lookup_reading out;
    const auto state = r.verdict.state;
    if (state != dnssec::security::secure && state != dnssec::security::insecure) return out;
    if (!r.rcode || (*r.rcode != dns::rcode::noerror && *r.rcode != dns::rcode::nxdomain))
        return out;
    const auto* answer = r.answer();
    if (answer && !answer->rdatas.empty()) {
        out.status = lookup_status::found;
    } else if (state == dnssec::security::secure) {
        switch (r.proven) {
        case dnssec::proof::nxdomain:
            out.status = lookup_status::nxdomain;
            break;
        case dnssec::proof::nodata:
        case dnssec::proof::wildcard_nodata:
            out.status = lookup_status::nodata;
            break;
        default:
            return out;
        }
    } else {
        out.status =
            *r.rcode == dns::rcode::nxdomain ? lookup_status::nxdomain : lookup_status::nodata;
    }
    out.security = state;
    return out;
}

// Why a lookup error happened, for logs and reasons.
inline std::string lookup_error_text(const resolver::lookup_result& r) {
    std::string out = r.qname.to_string() + "/" + std::string(dns::to_string(r.qtype)) + ": ";
    if (r.verdict.state != dnssec::security::secure &&
        r.verdict.state != dnssec::security::insecure)
        return out + dnssec::to_string(r.verdict);
    if (!r.rcode) return out + "no response";
    if (*r.rcode != dns::rcode::noerror && *r.rcode != dns::rcode::nxdomain)
        return out + "response code " + std::to_string(static_cast<unsigned>(*r.rcode));
    return out + "secure empty answer without a proof of nonexistence";
}

// ---------------------------------------------------------------------------------------
// Step 1-2: the MX lookup.

struct mx_host {
    dns::name name; // as the MX record gives it (or the implicit MX)
    std::uint16_t preference = 0;
    friend bool operator==(const mx_host&, const mx_host&) = default;
};

enum class mx_outcome : std::uint8_t {
    deliver, // try `hosts` in order
    delay,   // temporary failure: no delivery now, retry later
    bounce,  // permanent: the domain does not exist or accepts no mail
};

struct mx_decision {
    mx_outcome outcome = mx_outcome::delay;
    std::vector<mx_host> hosts;  // in the order to try them
    bool implicit_mx = false;    // no MX records: the domain itself (RFC 5321 §5.1)
    bool mx_secure = false;      // the MX answer (CNAME chain included) is secure
    dns::name next_hop;          // the original next-hop domain
    dns::name expanded_next_hop; // after CNAME expansion of the MX lookup
    std::string reason;          // why not `deliver`, or what was left out
    // The TLS-RPT result when delivery is refused for a policy reason (dane-required for
    // an insecure MX answer under mandatory DANE, dnssec-invalid for a bogus one).
    std::optional<rpt_result_type> rpt_failure;
};

namespace detail {
// An MX RDATA: preference and exchange (RFC 1035 §3.3.9), uncompressed as the validator
// keeps it. Malformed RDATA yields nothing.
inline std::optional<mx_host> parse_mx(bytes_view rdata) {
    if (rdata.size() < 3) return std::nullopt;
    auto n = dns::name_view::from_wire(rdata.subspan(2));
    if (!n || n->size() != rdata.size() - 2) return std::nullopt;
    mx_host h;
    h.preference = static_cast<std::uint16_t>(std::to_integer<unsigned>(rdata[0]) << 8 |
                                              std::to_integer<unsigned>(rdata[1]));
    h.name = dns::name(*n);
    return h;
}

// SplitMix64: a small generator that spreads one seed over a sequence (Steele, Lea and
// Flood, "Fast splittable pseudorandom number generators", 2014).
inline std::uint64_t split_mix(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Shuffles each run of hosts with the same preference (the list is sorted by preference)
// with a Fisher-Yates shuffle drawn from `seed`.
inline void shuffle_equal_preferences(std::vector<mx_host>& hosts, std::uint64_t seed) noexcept {
    std::uint64_t state = seed;
    for (std::size_t begin = 0; begin < hosts.size();) {
        std::size_t end = begin + 1;
        while (end < hosts.size() && hosts[end].preference == hosts[begin].preference)
            ++end;
        for (std::size_t i = end - 1; i > begin; --i) {
            const std::size_t j = begin + split_mix(state) % (i - begin + 1);
            std::swap(hosts[i], hosts[j]);
        }
        begin = end;
    }
}
} // namespace detail

// What the MX lookup of `next_hop` means for delivery.
inline mx_decision decide_mx(const dns::name& next_hop, const resolver::lookup_result& mx,
                             const policy_config& config) {
    mx_decision d;
    d.next_hop = next_hop;
    d.expanded_next_hop = mx.final_name.is_root() ? next_hop : mx.final_name;
    const auto reading = read_lookup(mx);
    if (reading.status == lookup_status::error) {
        // RFC 7672 §2.1.2: a lookup failure that keeps the client from knowing where to
        // connect delays delivery.
        d.outcome = mx_outcome::delay;
        d.reason = "MX lookup failed: " + lookup_error_text(mx);
        if (mx.verdict.state == dnssec::security::bogus)
            d.rpt_failure = rpt_result_type::dnssec_invalid;
        return d;
    }
    d.mx_secure = reading.security == dnssec::security::secure;
    if (reading.status == lookup_status::nxdomain) {
        // RFC 5321 §5.1: "If a non-existent domain error is returned, this situation MUST
        // be reported as an error."
        d.outcome = mx_outcome::bounce;
        d.reason = d.expanded_next_hop.to_string() + " does not exist";
        return d;
    }
    if (!d.mx_secure && config.dane_mandatory) {
        // RFC 7672 §2.2.1: insecure MX RRset (or a CNAME leading to it) and mandatory DANE.
        d.outcome = mx_outcome::delay;
        d.reason = "insecure MX answer for a destination where DANE is mandatory";
        d.rpt_failure = rpt_result_type::dane_required;
        return d;
    }
    if (reading.status == lookup_status::nodata) {
        // RFC 5321 §5.1: an empty list of MXs means an implicit MX of preference 0 at the
        // name, the CNAME-expanded one ("processed as if it were the initial name").
        d.outcome = mx_outcome::deliver;
        d.implicit_mx = true;
        d.hosts.push_back({d.expanded_next_hop, 0});
        return d;
    }
    std::vector<mx_host> hosts;
    std::size_t malformed = 0;
    for (const auto& rd : mx.answer()->rdatas) {
        if (auto h = detail::parse_mx(rd))
            hosts.push_back(std::move(*h));
        else
            ++malformed;
    }
    // RFC 7505 §3: a null MX is the single record "0 ."; the domain accepts no mail.
    if (hosts.size() == 1 && malformed == 0 && hosts.front().name.is_root() &&
        hosts.front().preference == 0) {
        d.outcome = mx_outcome::bounce;
        d.reason = d.expanded_next_hop.to_string() + " publishes a null MX (accepts no mail)";
        return d;
    }
    // A "." among other MX records names no host; it is left out like a malformed record.
    std::erase_if(hosts, [](const mx_host& h) { return h.name.is_root(); });
    // RFC 7672 §2.2.1: strictly by preference. Equal preferences keep the RRset's order
    // (stable) until shuffle_seed orders them (RFC 5321 §5.1).
    std::stable_sort(hosts.begin(), hosts.end(), [](const mx_host& a, const mx_host& b) {
        return a.preference < b.preference;
    });
    // A host listed twice is tried once, at its best preference.
    std::vector<mx_host> unique;
    for (auto& h : hosts) {
        bool seen = std::any_of(unique.begin(), unique.end(), [&](const mx_host& u) {
            return u.name.lowercased() == h.name.lowercased();
        });
        if (!seen) unique.push_back(std::move(h));
    }
    if (config.shuffle_seed) detail::shuffle_equal_preferences(unique, *config.shuffle_seed);
    if (unique.size() > config.limits.max_mx_hosts) {
        d.reason = "only the first " + std::to_string(config.limits.max_mx_hosts) + " of " +
                   std::to_string(unique.size()) + " MX hosts are used";
        unique.resize(config.limits.max_mx_hosts);
    }
    if (unique.empty()) {
        // RFC 5321 §5.1: MX records present but none usable is an error.
        d.outcome = mx_outcome::bounce;
        d.reason = "no usable MX record";
        return d;
    }
    d.outcome = mx_outcome::deliver;
    d.hosts = std::move(unique);
    return d;
}

// ---------------------------------------------------------------------------------------
// Step 3: the address lookups of one host.

// One server address, from an A or AAAA record.
struct host_address {
    bool v6 = false;
    std::array<std::uint8_t, 16> octets{}; // the first 4 for IPv4

    std::string to_string() const {
        std::string out;
        if (v6)
            dns::append_ipv6(out, octets.data());
        else
            dns::append_ipv4(out, octets.data());
        return out;
    }
    friend bool operator==(const host_address&, const host_address&) = default;
};

// What the host's address lookups lead to.
enum class address_outcome : std::uint8_t {
    unreachable, // a lookup error, or no addresses: skip this host (RFC 7672 §2.1.2)
    tlsa_lookup, // secure addresses: look up TLSA at the candidates in order
    cname_check, // insecure addresses through a CNAME: ask whether the first CNAME is
                 // secure (a CNAME query at the host, RFC 7672 §2.1.3)
    no_dane,     // insecure addresses: no TLSA lookup, opportunistic TLS (§2.2.2)
};

struct address_decision {
    address_outcome outcome = address_outcome::unreachable;
    std::vector<host_address> addresses;    // A records first, then AAAA, in answer order
    dns::name expanded_name;                // the host name after CNAME expansion
    std::vector<dns::name> tlsa_candidates; // for tlsa_lookup, in order
    bool lookup_error = false;              // unreachable because of a lookup error
    std::string reason;
};

namespace detail {
inline void collect_addresses(const resolver::lookup_result& r, bool v6,
                              std::vector<host_address>& out, std::size_t limit) {
    const auto* rrset = r.answer();
    if (!rrset) return;
    const std::size_t len = v6 ? 16 : 4;
    for (const auto& rd : rrset->rdatas) {
        if (rd.size() != len || out.size() >= limit) continue;
        host_address a;
        a.v6 = v6;
        for (std::size_t i = 0; i < len; ++i)
            a.octets[i] = std::to_integer<std::uint8_t>(rd[i]);
        out.push_back(a);
    }
}
} // namespace detail

// RFC 7672 §2.2.2 for `host` from its A and AAAA lookup results. The security of the
// address answers is the lower of the two (both are about the same name; a chain that is
// insecure for either cannot be relied on for the TLSA base domain).
inline address_decision decide_addresses(const dns::name& host, const resolver::lookup_result& a,
                                         const resolver::lookup_result& aaaa,
                                         const policy_config& config) {
    address_decision d;
    d.expanded_name = host;
    const auto ra = read_lookup(a), r6 = read_lookup(aaaa);
    for (const auto* r : {&a, &aaaa}) {
        if (read_lookup(*r).status != lookup_status::error) continue;
        // RFC 7672 §2.1.2: "delivery may proceed via any remaining MX hosts".
        d.lookup_error = true;
        d.reason = "address lookup failed: " + lookup_error_text(*r);
        return d;
    }
    const std::size_t limit = config.limits.max_addresses_per_host;
    detail::collect_addresses(a, false, d.addresses, limit);
    detail::collect_addresses(aaaa, true, d.addresses, limit);
    if (d.addresses.empty()) {
        d.reason = host.to_string() + " has no addresses";
        return d;
    }
    // The expanded name: where the address records were found.
    const auto& first = ra.status == lookup_status::found ? a : aaaa;
    if (!first.final_name.is_root()) d.expanded_name = first.final_name;
    const bool names_agree = ra.status != lookup_status::found ||
                             r6.status != lookup_status::found ||
                             a.final_name.lowercased() == aaaa.final_name.lowercased();
    const bool expanded = d.expanded_name.lowercased() != host.lowercased();
    const bool secure = dnssec::combine(ra.security, r6.security) == dnssec::security::secure;
    if (secure) {
        d.outcome = address_outcome::tlsa_lookup;
        // RFC 7672 §2.2.3: the fully expanded name first, then the unexpanded one;
        // intermediate names of the chain are never candidates.
        if (expanded && names_agree) d.tlsa_candidates.push_back(d.expanded_name);
        d.tlsa_candidates.push_back(host);
        return d;
    }
    // RFC 7672 §2.2.2 "Insecure CNAME": the unexpanded name is still a candidate when the
    // initial CNAME is secure, which takes a CNAME query to learn (§2.1.3).
    d.outcome = expanded ? address_outcome::cname_check : address_outcome::no_dane;
    if (!expanded) d.reason = "insecure address records: no TLSA lookup";
    return d;
}

// The answer to the CNAME query of `cname_check`: a secure CNAME at the host makes the
// host the only TLSA candidate; an insecure one means DANE does not apply; an error makes
// the host unreachable. Fills `d` accordingly.
inline void decide_cname_check(address_decision& d, const dns::name& host,
                               const resolver::lookup_result& cname) {
    const auto r = read_lookup(cname);
    if (r.status == lookup_status::error) {
        d.outcome = address_outcome::unreachable;
        d.lookup_error = true;
        d.reason = "CNAME lookup failed: " + lookup_error_text(cname);
        return;
    }
    if (r.status == lookup_status::found && r.security == dnssec::security::secure) {
        d.outcome = address_outcome::tlsa_lookup;
        d.tlsa_candidates = {host};
        return;
    }
    d.outcome = address_outcome::no_dane;
    d.reason = "insecure CNAME expansion: no TLSA lookup";
}

// _<port>._tcp.<base>, the owner of the TLSA records for `base` (RFC 7672 §2.2.3).
inline std::optional<dns::name> tlsa_owner(const dns::name& base, std::uint16_t port = 25) {
    auto tcp = base.prepend("_tcp");
    if (!tcp) return std::nullopt;
    auto full = tcp->prepend("_" + std::to_string(port));
    if (!full) return std::nullopt;
    return std::move(*full);
}

// ---------------------------------------------------------------------------------------
// Step 4-5: TLSA lookups and the four outcomes of RFC 7672 §2.2.

enum class tlsa_outcome : std::uint8_t {
    error,           // lookup error: the host is unreachable (§2.1.2)
    secure_usable,   // a secure RRset with at least one usable record
    secure_unusable, // a secure non-empty RRset, every record unusable
    none,            // insecure, or securely absent: try the next candidate
};

inline std::string_view to_string(tlsa_outcome o) noexcept {
    switch (o) {
    case tlsa_outcome::error:
        return "error";
    case tlsa_outcome::secure_usable:
        return "secure-usable";
    case tlsa_outcome::secure_unusable:
        return "secure-unusable";
    case tlsa_outcome::none:
        return "none";
    }
    return "error";
}

struct tlsa_reading {
    tlsa_outcome outcome = tlsa_outcome::error;
    std::vector<tlsa::record> records; // the RRset's well-formed records, answer order
    std::size_t malformed = 0;         // RDATAs that are not TLSA records at all
    std::size_t usable = 0;
};

// One TLSA lookup result. "Usable" is RFC 6698 §4.1's sense with the SMTP profile (RFC 7672
// §3.1.3: PKIX-TA(0) and PKIX-EE(1) are unusable): known parameters and digest lengths.
// Records that are too short to be TLSA RDATA count as present but unusable: they were
// published securely, which commits the server to TLS all the same (RFC 7672 §2.2.3).
inline tlsa_reading read_tlsa(const resolver::lookup_result& r) {
    tlsa_reading out;
    const auto reading = read_lookup(r);
    if (reading.status == lookup_status::error) return out;
    if (reading.status != lookup_status::found || reading.security != dnssec::security::secure) {
        out.outcome = tlsa_outcome::none;
        return out;
    }
    for (const auto& rd : r.answer()->rdatas) {
        auto rec = tlsa::record::from_rdata(rd);
        if (!rec) {
            ++out.malformed;
            continue;
        }
        if (tlsa::check_parameters(*rec, tlsa::profile::smtp) == tlsa::unusable_reason::none)
            ++out.usable;
        out.records.push_back(std::move(*rec));
    }
    out.outcome = out.usable > 0 ? tlsa_outcome::secure_usable : tlsa_outcome::secure_unusable;
    return out;
}

// The TLS a connection to one host must have.
enum class tls_requirement : std::uint8_t {
    opportunistic,            // STARTTLS if offered, cleartext allowed (pre-DANE)
    required_unauthenticated, // TLS or no delivery; the certificate is not checked
    required_authenticated,   // TLS authenticated by the TLSA records, or no delivery
};

inline std::string_view to_string(tls_requirement t) noexcept {
    switch (t) {
    case tls_requirement::opportunistic:
        return "opportunistic";
    case tls_requirement::required_unauthenticated:
        return "required-unauthenticated";
    case tls_requirement::required_authenticated:
        return "required-authenticated";
    }
    return "required-authenticated";
}

struct tls_policy {
    tls_requirement requirement = tls_requirement::required_authenticated;
    std::optional<dns::name> tlsa_base_domain; // where the secure TLSA RRset was found
    std::vector<tlsa::record> tlsa_records;    // for required_authenticated (all records;
                                               // tlsa::verify ignores the unusable ones)
    // RFC 7672 §3.2.2 reference identifiers for DANE-TA(2) name checks, the TLSA base
    // domain first: then, for hosts from a secure MX answer, the MX host name and the
    // original and expanded next-hop domain; for an insecure MX answer only the MX host.
    std::vector<dns::name> reference_ids;
    // RFC 7672 §8.1: SNI is the TLSA base domain (none for opportunistic TLS).
    std::optional<dns::name> sni;

    // Whether a session may go on in cleartext when STARTTLS is missing or fails.
    bool cleartext_allowed() const noexcept {
        return requirement == tls_requirement::opportunistic;
    }
};

// Everything known about one host when its TLS policy is decided.
struct host_context {
    mx_host mx;               // the host as the MX record (or the implicit MX) names it
    bool implicit_mx = false; // no MX records: the host is the next-hop domain
    bool mx_secure = false;   // the MX answer was secure
    dns::name next_hop;
    dns::name expanded_next_hop;
    dns::name expanded_name; // the host name after the address lookups' CNAME expansion
};

enum class host_outcome : std::uint8_t {
    connect, // connect with `tls`
    skip,    // unreachable or refused by policy: try the next host
};

struct host_decision {
    host_outcome outcome = host_outcome::skip;
    tls_policy tls{};
    // The name logs give this host: the unexpanded MX host when the MX answer was insecure
    // (RFC 7672 §2.2.1, so that a redirection stays visible), else the TLSA base domain or
    // the expanded host name.
    std::string log_name;
    std::string reason;                         // why skipped, or how decided
    std::optional<rpt_result_type> rpt_failure; // TLS-RPT result type of a policy skip
};

inline std::string log_name_for(const host_context& h, const std::optional<dns::name>& base) {
    if (!h.mx_secure) return h.mx.name.to_string();
    if (base) return base->to_string();
    return h.expanded_name.to_string();
}

// The reference identifiers of RFC 7672 §3.2.2 for a host whose TLSA records were found at
// `base`.
inline std::vector<dns::name> reference_ids_for(const host_context& h, const dns::name& base) {
    if (!h.mx_secure) return tlsa::smtp_reference_ids(base, h.mx.name);
    return tlsa::smtp_reference_ids(base, h.mx.name, h.next_hop, h.expanded_next_hop);
}

// The host's TLS policy from the first TLSA reading that decided (`base` where it was
// found) or none when no candidate had secure TLSA records or no TLSA lookup was made.
// A lookup error is handled before: the host is skipped.
inline host_decision decide_host(const host_context& h, const std::optional<dns::name>& base,
                                 const tlsa_reading* tlsa, const policy_config& config) {
    host_decision d;
    const bool found = base && tlsa &&
                       (tlsa->outcome == tlsa_outcome::secure_usable ||
                        tlsa->outcome == tlsa_outcome::secure_unusable);
    if (found && tlsa->outcome == tlsa_outcome::secure_usable) {
        d.outcome = host_outcome::connect;
        d.tls.requirement = tls_requirement::required_authenticated;
        d.tls.tlsa_base_domain = *base;
        d.tls.tlsa_records = tlsa->records;
        d.tls.reference_ids = reference_ids_for(h, *base);
        d.tls.sni = *base;
        d.log_name = log_name_for(h, base);
        d.reason = "secure usable TLSA records at " + base->to_string();
        return d;
    }
    if (found) {
        d.log_name = log_name_for(h, base);
        if (config.dane_mandatory) {
            // RFC 7672 §6: "when no usable TLSA records are found, message delivery is
            // delayed".
            d.outcome = host_outcome::skip;
            d.reason = "no usable TLSA record and DANE is mandatory";
            d.rpt_failure = rpt_result_type::tlsa_invalid;
            return d;
        }
        d.outcome = host_outcome::connect;
        d.tls.requirement = tls_requirement::required_unauthenticated;
        d.tls.tlsa_base_domain = *base;
        d.tls.tlsa_records = tlsa->records;
        d.tls.reference_ids = reference_ids_for(h, *base);
        d.tls.sni = *base;
        d.reason = "secure TLSA records, none usable: TLS required, not authenticated";
        return d;
    }
    d.log_name = log_name_for(h, std::nullopt);
    if (config.dane_mandatory) {
        d.outcome = host_outcome::skip;
        d.reason = "no secure TLSA records and DANE is mandatory";
        d.rpt_failure = rpt_result_type::dane_required;
        return d;
    }
    d.outcome = host_outcome::connect;
    d.tls.requirement = tls_requirement::opportunistic;
    d.reason = "no secure TLSA records: opportunistic TLS";
    return d;
}

} // namespace dane::smtp
