// NSEC3 (RFC 5155): the hash of owner names, and the proofs of RFC 5155 §8 that a set of
// authenticated NSEC3 records gives for a query: name error, no data (also for DS and at
// empty non-terminals), wildcard answers, wildcard no data, and unsigned delegations in
// opt-out spans; with the iteration limits of RFC 9276 and a budget on hashing
// (CVE-2023-50868).
//
// The crypto backend is a template parameter used only for SHA-1 (its make_hasher); this
// header includes no crypto library.
//
// Order of work with the validator: the validator verifies the RRSIGs over the NSEC3
// records first (RFC 9276 §3.2: an insecure answer for too many iterations must still
// check the signature, so that the iteration count is authentic), then passes the
// authenticated records here. The iteration limits are applied before any hashing: records
// above the limits are classified without being hashed, so their cost is never paid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/proof.hpp"

namespace dane::dnssec {

// The one NSEC3 hash algorithm (RFC 5155 §11: 1 = SHA-1).
inline constexpr std::uint8_t nsec3_sha1 = 1;
inline constexpr std::size_t nsec3_sha1_size = 20;

// A parsed NSEC3 record (RFC 5155 §3.2), owning its fields.
struct nsec3_record {
    dns::name owner;
    std::uint8_t algorithm = 0;
    std::uint8_t flags = 0;
    std::uint16_t iterations = 0;
    byte_buffer salt;
    byte_buffer owner_hash; // the owner's first label, base32hex-decoded
    byte_buffer next_hash;  // Next Hashed Owner Name
    byte_buffer types;      // Type Bit Maps, wire form

    // RFC 5155 §3.1.2.1.
    bool opt_out() const noexcept { return (flags & 1) != 0; }
    // The zone the record belongs to: the owner without its hash label (RFC 5155 §3).
    dns::name_view zone() const noexcept { return owner.view().parent(); }
    bool has(dns::rr_type t) const noexcept { return bitmap_has(types, t); }
    // Same hash algorithm, iterations and salt (RFC 5155 §8.2; the flags may differ).
    bool same_parameters(const nsec3_record& o) const noexcept {
        return algorithm == o.algorithm && iterations == o.iterations && equal_bytes(salt, o.salt);
    }
};

// Parses NSEC3 RDATA in uncompressed wire form; the owner's first label must be base32hex
// (RFC 5155 §3: the hashed owner name is the base32hex encoding of the hash, prepended as a
// single label to the zone name).
inline result<nsec3_record> parse_nsec3(dns::name_view owner, bytes_view rdata) {
    if (auto ok = dns::check_rdata(dns::rr_type::nsec3, rdata); !ok) return fail(ok.error().code);
    if (owner.is_root()) return fail(dns::errc::bad_rdata);
    nsec3_record r;
    r.owner = owner;
    if (!append_from_base32hex(r.owner_hash, owner.first_label()) || r.owner_hash.empty())
        return fail(dns::errc::bad_encoding);
    byte_reader in(rdata);
    r.algorithm = in.u8().value();
    r.flags = in.u8().value();
    r.iterations = in.u16().value();
    auto salt = in.take(in.u8().value()).value();
    r.salt.assign(salt.begin(), salt.end());
    auto next = in.take(in.u8().value()).value();
    r.next_hash.assign(next.begin(), next.end());
    auto types = in.take_rest();
    r.types.assign(types.begin(), types.end());
    return r;
}
inline result<nsec3_record> parse_nsec3(const dns::record& rr) {
    if (rr.type != dns::rr_type::nsec3) return fail(dns::errc::bad_rdata);
    return parse_nsec3(rr.owner, rr.rdata);
}

// Anything with the crypto backend's make_hasher for SHA-1 (crypto/backend.hpp).
template <class B>
concept nsec3_hasher_source = requires(const B& b, bytes_view data) {
    {b.make_hasher(crypto::hash_algorithm::sha1)};
    b.make_hasher(crypto::hash_algorithm::sha1)->update(data);
    { b.make_hasher(crypto::hash_algorithm::sha1)->final() } -> std::same_as<crypto::digest_value>;
};

// RFC 5155 §5: IH(salt, x, 0) = H(x || salt), IH(salt, x, k) = H(IH(salt, x, k-1) || salt),
// with x the name in canonical (lowercase, uncompressed) wire form. Costs iterations + 1
// SHA-1 computations; callers bound `iterations` (RFC 9276) before calling.
template <nsec3_hasher_source Backend>
result<crypto::digest_value> nsec3_hash(const Backend& backend, dns::name_view name,
                                        bytes_view salt, std::uint16_t iterations) {
    auto hs = backend.make_hasher(crypto::hash_algorithm::sha1);
    if (!hs) return fail(hs.error());
    const dns::name lower = dns::name(name).lowercased();
    hs->update(lower.wire());
    hs->update(salt);
    crypto::digest_value d = hs->final();
    for (std::uint32_t i = 0; i < iterations; ++i) {
        hs->update(d.bytes());
        hs->update(salt);
        d = hs->final();
    }
    return d;
}

// NSEC3 hashes already computed, by name and parameters: shared by the proofs and record
// selections of one validator, so each name is hashed once whatever the number of
// questions asked about it. Holds only what a budget let be hashed.
class nsec3_hash_cache {
public:
    const crypto::digest_value* find(dns::name_view name, bytes_view salt,
                                     std::uint16_t iterations) const {
        auto it = entries_.find(key(name, salt, iterations));
        return it == entries_.end() ? nullptr : &it->second;
    }
    void insert(dns::name_view name, bytes_view salt, std::uint16_t iterations,
                const crypto::digest_value& d) {
        entries_.insert_or_assign(key(name, salt, iterations), d);
    }
    std::size_t size() const noexcept { return entries_.size(); }

private:
    static std::string key(dns::name_view name, bytes_view salt, std::uint16_t iterations) {
        std::string k;
        k.push_back(static_cast<char>(iterations >> 8));
        k.push_back(static_cast<char>(iterations & 0xff));
        k.push_back(static_cast<char>(salt.size()));
        k.append(as_chars(salt));
        k.append(as_chars(dns::name(name).lowercased().wire()));
        return k;
    }
    std::map<std::string, crypto::digest_value> entries_;
};

// nsec3_hash with the bookkeeping of a proof: a name in `cache` costs nothing; any other
// counts against `budget` (one hash, iterations + 1 SHA-1 computations) and joins the
// cache. Nullopt when the budget is spent or the backend fails (`failed` says which).
template <nsec3_hasher_source Backend>
std::optional<crypto::digest_value>
nsec3_hash_budgeted(const Backend& backend, dns::name_view name, bytes_view salt,
                    std::uint16_t iterations, nsec3_budget& budget, nsec3_hash_cache& cache,
                    bool* failed = nullptr) {
    if (const auto* c = cache.find(name, salt, iterations)) return *c;
    if (budget.exhausted()) return std::nullopt;
    ++budget.hashes;
    budget.digests += std::size_t{iterations} + 1;
    auto d = nsec3_hash(backend, name, salt, iterations);
    if (!d) {
        if (failed) *failed = true;
        return std::nullopt;
    }
    cache.insert(name, salt, iterations, *d);
    return *d;
}

// The hash as the owner label prints it: base32hex, lowercase (RFC 5155 §3.3).
template <nsec3_hasher_source Backend>
result<std::string> nsec3_hash_text(const Backend& backend, dns::name_view name, bytes_view salt,
                                    std::uint16_t iterations) {
    auto h = nsec3_hash(backend, name, salt, iterations);
    if (!h) return fail(h.error());
    return to_base32hex(h->bytes());
}

// The NSEC3 owner name of `name` in `zone`: the hash label prepended to the zone name.
template <nsec3_hasher_source Backend>
result<dns::name> nsec3_owner_name(const Backend& backend, dns::name_view name, dns::name_view zone,
                                   bytes_view salt, std::uint16_t iterations) {
    auto label = nsec3_hash_text(backend, name, salt, iterations);
    if (!label) return fail(label.error());
    return dns::name(zone).prepend(*label);
}

namespace detail {
// Hashes compare as unsigned octet strings, the order of their base32hex text (RFC 5155
// §3.1.7: base32hex keeps the sort order of the binary values).
inline int compare_hash(bytes_view a, bytes_view b) noexcept {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    if (n > 0)
        if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}
} // namespace detail

// The record's owner is the hash (RFC 5155 §8.3: "an NSEC3 RR whose owner name is the same
// as the hash of SNAME, prepended as a single label to the zone name").
inline bool nsec3_matches(const nsec3_record& r, bytes_view hash) noexcept {
    return equal_bytes(r.owner_hash, hash);
}
// The hash falls strictly between the owner hash and the next hash (RFC 5155 §1.3
// "covers"); the last record of the chain, whose next hash is the first, covers past the
// end of the hash space and from its start. A chain of one record covers every hash but
// its own.
inline bool nsec3_covers(const nsec3_record& r, bytes_view hash) noexcept {
    if (hash.size() != r.owner_hash.size() || hash.size() != r.next_hash.size()) return false;
    const int after_owner = detail::compare_hash(r.owner_hash, hash);
    const int before_next = detail::compare_hash(hash, r.next_hash);
    if (detail::compare_hash(r.owner_hash, r.next_hash) < 0)
        return after_owner < 0 && before_next < 0;
    return after_owner < 0 || before_next < 0;
}

// RFC 9276 §3.2 and Appendix A.
enum class iterations_class : std::uint8_t { acceptable, insecure, bogus };
constexpr iterations_class classify_nsec3_iterations(std::uint16_t iterations,
                                                     const denial_limits& l = {}) noexcept {
    if (iterations > l.nsec3_iterations_bogus) return iterations_class::bogus;
    if (iterations > l.nsec3_iterations_insecure) return iterations_class::insecure;
    return iterations_class::acceptable;
}

// The proofs of RFC 5155 §8 over the NSEC3 records of one zone in one answer.
//
// Construction selects the records: NSEC3 records of `zone` (owner = hash label + zone);
// records with an unknown hash algorithm (§8.1) or flags other than 0 and 1 (§8.2) are
// ignored; records of other types or zones are ignored; malformed records are ignored.
// Then, before any hashing:
// - no usable record: insecure if some were ignored for their hash algorithm (the zone
//   uses a hash this validator does not know, as with an unknown DNSKEY algorithm), bogus
//   with EDE 12 otherwise;
// - usable records with different parameters: bogus (§8.2 allows it; a server answers
//   from one chain);
// - more iterations than the limits: insecure or bogus with EDE 27 (RFC 9276 §3.2).
//
// The closest encloser proof (§8.3) walks from the zone apex down towards QNAME, not
// from QNAME up, and stops at the first name that an NSEC3 covers: in a well-formed
// response that is the next closer name, so the work follows the depth of the closest
// encloser below the apex, not the number of labels an attacker puts in QNAME. Records
// that neither match nor cover the ancestors let the walk go on down to QNAME, so what
// bounds the work in the end is the iteration limit, applied before any hashing, and the
// answer's nsec3_budget, against which every hash counts (CVE-2023-50868): when it runs
// out the proof stops, bogus and marked cut_short. Hashes are cached per prover, so
// asking one prover several questions hashes each name once.
template <nsec3_hasher_source Backend>
class nsec3_prover {
public:
    // `shared_cache`, when given, replaces the prover's own cache of hashes (a validator
    // passes one cache to all its proofs).
    nsec3_prover(const Backend& backend, dns::name_view zone, std::span<const dns::record> records,
                 nsec3_budget& budget, const denial_limits& limits = {},
                 nsec3_hash_cache* shared_cache = nullptr)
        : backend_(backend), zone_(zone), budget_(budget), limits_(limits),
          cache_(shared_cache ? shared_cache : &own_cache_) {
        select(records);
    }
    nsec3_prover(const Backend& backend, dns::name_view zone, std::span<const nsec3_record> records,
                 nsec3_budget& budget, const denial_limits& limits = {},
                 nsec3_hash_cache* shared_cache = nullptr)
        : backend_(backend), zone_(zone), budget_(budget), limits_(limits),
          cache_(shared_cache ? shared_cache : &own_cache_) {
        for (const auto& r : records)
            if (!consider(r)) break;
        finish_selection();
    }

    // The records the proofs use.
    std::span<const nsec3_record> records() const noexcept { return usable_; }
    // Set when the selection alone decides the outcome (see the class comment).
    const std::optional<denial_result>& selection_outcome() const noexcept { return preset_; }

    // RFC 5155 §8.4: QNAME does not exist, nor does the wildcard at its closest encloser.
    denial_result prove_nxdomain(dns::name_view qname) {
        if (auto early = start(qname)) return *early;
        auto q = hash(qname);
        if (!q) return finish(cut());
        if (match(*q))
            return finish(
                detail::not_proven(ede_code::dnssec_bogus, "an NSEC3 record matches QNAME"));
        return finish(after_closest_encloser(qname, std::nullopt));
    }

    // RFC 5155 §8.5-8.7: QNAME exists without QTYPE (also an empty non-terminal), or QTYPE
    // is DS and the delegation has none (no-ds; no-ds-opt-out in an opt-out span), or the
    // wildcard that would match QNAME lacks QTYPE (wildcard-nodata).
    denial_result prove_nodata(dns::name_view qname, dns::rr_type qtype) {
        if (auto early = start(qname)) return *early;
        // RFC 5155 B.6 and RFC 4035 B.8: the DS RRset lives in the parent; a child's apex
        // NSEC3 cannot deny it.
        if (qtype == dns::rr_type::ds && qname == zone_)
            return finish(detail::not_proven(ede_code::dnssec_bogus,
                                             "DS denied by the child zone instead of the parent"));
        auto q = hash(qname);
        if (!q) return finish(cut());
        if (const nsec3_record* m = match(*q)) return finish(matched_nodata(*m, qtype));
        return finish(after_closest_encloser(qname, qtype));
    }

    // RFC 5155 §8.8: a wildcard answer whose RRSIG has `rrsig_labels` labels. The closest
    // encloser is QNAME cut to that many labels; an NSEC3 must cover the next closer name.
    denial_result prove_wildcard_answer(dns::name_view qname, std::size_t rrsig_labels) {
        if (auto early = start(qname)) return *early;
        const std::size_t ql = qname.label_count();
        if (rrsig_labels >= ql || rrsig_labels < zone_.label_count())
            return finish(detail::not_proven(
                ede_code::dnssec_bogus, "RRSIG labels do not describe a wildcard in the zone"));
        const dns::name ce = qname.suffix(rrsig_labels);
        const dns::name next_closer = qname.suffix(rrsig_labels + 1);
        auto h = hash(next_closer);
        if (!h) return finish(cut());
        if (match(*h))
            return finish(
                detail::not_proven(ede_code::dnssec_bogus, "the next closer name exists"));
        const nsec3_record* c = cover(*h);
        if (!c)
            return finish(detail::not_proven(ede_code::nsec_missing,
                                             "no NSEC3 record covers the next closer name"));
        auto r = detail::proven_secure(proof::wildcard_answer);
        r.closest_encloser = ce;
        return finish(with_opt_out(r, *c));
    }

    // Prove what the response claims: NXDOMAIN, or NOERROR without an answer.
    denial_result prove(dns::name_view qname, dns::rr_type qtype, dns::rcode rc) {
        if (rc == dns::rcode::nxdomain) return prove_nxdomain(qname);
        if (rc == dns::rcode::noerror) return prove_nodata(qname, qtype);
        return detail::not_proven(ede_code::dnssec_bogus, "no denial of existence for this RCODE");
    }

private:
    enum class ce_status { ok, no_proof, qname_exists, bad_ancestor, cut_short };
    struct ce_proof {
        ce_status status = ce_status::no_proof;
        dns::name closest_encloser;
        const nsec3_record* next_closer_cover = nullptr;
    };

    void select(std::span<const dns::record> records) {
        for (const auto& rr : records) {
            if (rr.type != dns::rr_type::nsec3) continue;
            auto r = parse_nsec3(rr);
            if (!r) continue;
            if (!consider(*r)) break;
        }
        finish_selection();
    }
    // False once there are too many records to look at.
    bool consider(const nsec3_record& r) {
        if (!(r.zone() == zone_)) return true;
        if (++seen_ > limits_.max_denial_records) {
            too_many_ = true;
            return false;
        }
        if (r.algorithm != nsec3_sha1) {
            ++unknown_algorithm_;
            return true;
        }
        if (r.flags > 1) return true;
        if (r.owner_hash.size() != nsec3_sha1_size || r.next_hash.size() != nsec3_sha1_size)
            return true;
        if (!usable_.empty() && !usable_.front().same_parameters(r)) mixed_ = true;
        usable_.push_back(r);
        return true;
    }
    void finish_selection() {
        if (too_many_) {
            preset_ = detail::not_proven(ede_code::dnssec_bogus, "too many NSEC3 records");
        } else if (usable_.empty()) {
            if (unknown_algorithm_ > 0) {
                denial_result r;
                r.security = security::insecure;
                r.why = reason{ede_code::other, "NSEC3 hash algorithm not supported"};
                preset_ = r;
            } else {
                preset_ =
                    detail::not_proven(ede_code::nsec_missing, "no NSEC3 records for the zone");
            }
        } else if (mixed_) {
            preset_ = detail::not_proven(ede_code::dnssec_bogus,
                                         "NSEC3 records with different parameters");
        } else {
            switch (classify_nsec3_iterations(usable_.front().iterations, limits_)) {
            case iterations_class::acceptable:
                break;
            case iterations_class::insecure: {
                denial_result r;
                r.security = security::insecure;
                r.why = reason{ede_code::unsupported_nsec3_iterations,
                               "NSEC3 iterations above the insecure limit"};
                preset_ = r;
                break;
            }
            case iterations_class::bogus:
                preset_ = detail::not_proven(ede_code::unsupported_nsec3_iterations,
                                             "NSEC3 iterations above the bogus limit");
                break;
            }
        }
    }

    // The outcome decided before hashing, or one for a QNAME outside the zone.
    std::optional<denial_result> start(dns::name_view qname) {
        hashes_ = digests_ = 0;
        if (preset_) return finish(*preset_);
        if (!qname.is_subdomain_of(zone_))
            return finish(
                detail::not_proven(ede_code::dnssec_bogus, "QNAME is outside the NSEC3 zone"));
        return std::nullopt;
    }
    denial_result finish(denial_result r) const {
        r.nsec3_hashes = hashes_;
        r.nsec3_digests = digests_;
        return r;
    }
    // A proof abandoned half way: not to be cached. A failing backend (it could not make
    // a SHA-1 hasher) is reported apart from a spent budget.
    denial_result cut() const {
        auto r = detail::not_proven(ede_code::dnssec_bogus, hash_failed_
                                                                ? "NSEC3 hash computation failed"
                                                                : "NSEC3 hash budget exhausted");
        r.cut_short = true;
        return r;
    }
    // RFC 5155 §9.2: a proof whose next closer name is covered by an opt-out record shows
    // only that nothing signed is there; names in the span may be unsigned delegations.
    static denial_result with_opt_out(denial_result r, const nsec3_record& next_closer_cover) {
        if (next_closer_cover.opt_out()) {
            r.opt_out = true;
            r.security = security::insecure;
            r.why = reason{ede_code::other, "next closer name in an NSEC3 opt-out span"};
        }
        return r;
    }

    // Hashes a name, counting it against the budget; nullopt when the budget is spent or
    // the backend fails.
    std::optional<crypto::digest_value> hash(dns::name_view n) {
        const auto& p = usable_.front();
        const std::size_t before = budget_.hashes;
        auto d =
            nsec3_hash_budgeted(backend_, n, p.salt, p.iterations, budget_, *cache_, &hash_failed_);
        if (budget_.hashes != before) {
            ++hashes_;
            digests_ += std::size_t{p.iterations} + 1;
        }
        return d;
    }
    const nsec3_record* match(const crypto::digest_value& h) const noexcept {
        for (const auto& r : usable_)
            if (nsec3_matches(r, h.bytes())) return &r;
        return nullptr;
    }
    const nsec3_record* cover(const crypto::digest_value& h) const noexcept {
        for (const auto& r : usable_)
            if (nsec3_covers(r, h.bytes())) return &r;
        return nullptr;
    }

    // RFC 5155 §8.3, walking down from the apex (see the class comment). QNAME's own hash
    // is normally cached already.
    ce_proof closest_encloser(dns::name_view qname) {
        ce_proof out;
        const std::size_t zl = zone_.label_count(), ql = qname.label_count();
        std::optional<std::size_t> last_match;
        for (std::size_t k = zl; k <= ql; ++k) {
            const dns::name_view sname = qname.suffix(k);
            auto h = hash(sname);
            if (!h) {
                out.status = ce_status::cut_short;
                return out;
            }
            if (const nsec3_record* m = match(*h)) {
                if (k == ql) {
                    out.status = ce_status::qname_exists;
                    return out;
                }
                // §8.3 and RFC 6840 §4.1: below a DNAME, or below a delegation (NS without
                // SOA: the record is the parent's side of a zone cut), names belong to
                // another zone, which this one cannot deny.
                if (m->has(dns::rr_type::dname) ||
                    (m->has(dns::rr_type::ns) && !m->has(dns::rr_type::soa))) {
                    out.status = ce_status::bad_ancestor;
                    return out;
                }
                last_match = k;
                continue;
            }
            if (const nsec3_record* c = cover(*h)) {
                // A covered name does not exist, so neither does anything below it: the
                // walk ends here, with a proof only if the parent was shown to exist.
                if (last_match && *last_match + 1 == k) {
                    out.status = ce_status::ok;
                    out.closest_encloser = qname.suffix(k - 1);
                    out.next_closer_cover = c;
                }
                return out;
            }
        }
        return out;
    }

    denial_result matched_nodata(const nsec3_record& m, dns::rr_type qtype) const {
        return detail::matched_nodata(m.types, qtype);
    }

    // The part of the name-error and no-data proofs that starts with the closest encloser;
    // `qtype` is empty for a name error.
    denial_result after_closest_encloser(dns::name_view qname, std::optional<dns::rr_type> qtype) {
        const ce_proof ce = closest_encloser(qname);
        switch (ce.status) {
        case ce_status::ok:
            break;
        case ce_status::cut_short:
            return cut();
        case ce_status::qname_exists:
            return detail::not_proven(ede_code::dnssec_bogus, "an NSEC3 record matches QNAME");
        case ce_status::bad_ancestor:
            return detail::not_proven(ede_code::dnssec_bogus,
                                      "closest encloser is a delegation or a DNAME");
        case ce_status::no_proof:
            return detail::not_proven(ede_code::nsec_missing, "no closest encloser proof");
        }
        const nsec3_record& nc = *ce.next_closer_cover;
        auto with_ce = [&](denial_result r) {
            r.closest_encloser = ce.closest_encloser;
            return r;
        };
        // §8.6: no NSEC3 matches a DS QNAME; only an opt-out span can explain that.
        if (qtype == dns::rr_type::ds) {
            if (!nc.opt_out())
                return with_ce(detail::not_proven(ede_code::dnssec_bogus,
                                                  "DS denied without a matching or opt-out NSEC3"));
            return with_ce(with_opt_out(detail::proven_secure(proof::no_ds_opt_out), nc));
        }
        auto w = dns::name(ce.closest_encloser).prepend("*");
        if (!w)
            return with_ce(detail::not_proven(ede_code::dnssec_bogus, "no room for a wildcard"));
        auto h = hash(*w);
        if (!h) return cut();
        if (const nsec3_record* wm = match(*h)) {
            // §8.7: the wildcard exists; for a name error it should have been expanded.
            if (!qtype)
                return with_ce(detail::not_proven(ede_code::dnssec_bogus, "the wildcard exists"));
            if (bitmap_answers(wm->types, *qtype))
                return with_ce(
                    detail::not_proven(ede_code::dnssec_bogus, "the wildcard's bitmap has QTYPE"));
            if (wm->has(dns::rr_type::cname))
                return with_ce(
                    detail::not_proven(ede_code::dnssec_bogus, "the wildcard's bitmap has CNAME"));
            return with_ce(with_opt_out(detail::proven_secure(proof::wildcard_nodata), nc));
        }
        if (cover(*h)) {
            // §8.4: name error. For a no-data response this is a name error in disguise,
            // unless the next closer name lies in an opt-out span: RFC 5155 §7.1 lets an
            // empty non-terminal that leads only to unsigned delegations go without an
            // NSEC3 record, and then no data is all the server can say.
            if (!qtype) return with_ce(with_opt_out(detail::proven_secure(proof::nxdomain), nc));
            if (nc.opt_out())
                return with_ce(with_opt_out(detail::proven_secure(proof::nodata), nc));
            return with_ce(detail::not_proven(ede_code::dnssec_bogus,
                                              "no data claimed for a name that does not exist"));
        }
        if (qtype && nc.opt_out())
            return with_ce(with_opt_out(detail::proven_secure(proof::nodata), nc));
        return with_ce(detail::not_proven(ede_code::nsec_missing,
                                          "no NSEC3 record matches or covers the wildcard"));
    }

    const Backend& backend_;
    dns::name zone_;
    nsec3_budget& budget_;
    denial_limits limits_;
    std::vector<nsec3_record> usable_;
    nsec3_hash_cache own_cache_;
    nsec3_hash_cache* cache_;
    std::optional<denial_result> preset_;
    std::size_t seen_ = 0;
    std::size_t unknown_algorithm_ = 0;
    bool mixed_ = false;
    bool too_many_ = false;
    bool hash_failed_ = false;
    std::size_t hashes_ = 0;
    std::size_t digests_ = 0;
};

// One-call forms. `records` may hold any records of the answer: only NSEC3 records of
// `zone` are used. Pass the same budget to every proof of one answer.
template <nsec3_hasher_source Backend>
denial_result nsec3_prove_nxdomain(const Backend& b, dns::name_view qname, dns::name_view zone,
                                   std::span<const dns::record> records, nsec3_budget& budget,
                                   const denial_limits& limits = {}) {
    return nsec3_prover<Backend>(b, zone, records, budget, limits).prove_nxdomain(qname);
}
template <nsec3_hasher_source Backend>
denial_result nsec3_prove_nodata(const Backend& b, dns::name_view qname, dns::rr_type qtype,
                                 dns::name_view zone, std::span<const dns::record> records,
                                 nsec3_budget& budget, const denial_limits& limits = {},
                                 nsec3_hash_cache* cache = nullptr) {
    return nsec3_prover<Backend>(b, zone, records, budget, limits, cache)
        .prove_nodata(qname, qtype);
}
// RFC 5155 §8.9: the delegation `delegation` has no DS (no-ds, or no-ds-opt-out).
template <nsec3_hasher_source Backend>
denial_result nsec3_prove_no_ds(const Backend& b, dns::name_view delegation, dns::name_view zone,
                                std::span<const dns::record> records, nsec3_budget& budget,
                                const denial_limits& limits = {},
                                nsec3_hash_cache* cache = nullptr) {
    auto r =
        nsec3_prove_nodata(b, delegation, dns::rr_type::ds, zone, records, budget, limits, cache);
    if (r.proven == proof::nodata) {
        // A name without NS: no delegation here, so nothing about an unsigned child.
        auto n =
            detail::not_proven(ede_code::dnssec_bogus, "no delegation at the name (NS bit clear)");
        n.nsec3_hashes = r.nsec3_hashes;
        n.nsec3_digests = r.nsec3_digests;
        return n;
    }
    return r;
}
template <nsec3_hasher_source Backend>
denial_result nsec3_prove_wildcard_answer(const Backend& b, dns::name_view qname,
                                          std::size_t rrsig_labels, dns::name_view zone,
                                          std::span<const dns::record> records,
                                          nsec3_budget& budget, const denial_limits& limits = {}) {
    return nsec3_prover<Backend>(b, zone, records, budget, limits)
        .prove_wildcard_answer(qname, rrsig_labels);
}

} // namespace dane::dnssec
