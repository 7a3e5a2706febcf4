// The DNSSEC validator: given records (an answer, referrals, DNSKEY and DS RRsets, NSEC
// and NSEC3 proofs) and trust anchors, decides for each RRset and for a query whether the
// data is secure, insecure, bogus or indeterminate, and why (RFC 4035 §5, RFC 6840).
//
// It fetches nothing. Records are fed with add(); validation works on what it has, and
// needs() says which DNSKEY and DS RRsets would have let it decide, so a resolver can
// fetch them, add them and ask again (the sans-I/O shape docs/ARCHITECTURE.md describes). Offline
// use (a response with its chain, a file of records) is the same with nothing more to add: missing
// records then make the data bogus, never secure.
//
// How the chain of trust is walked (RFC 4035 §5.1, §5.2):
// - zones are known from their apexes: trust anchor owners and the owners of DNSKEY, DS,
//   SOA and NS RRsets (NS stands at zone apexes and delegation points only); an RRset
//   belongs to the deepest known apex at or above its owner (strictly above for DS, and
//   for the parent-side NSEC of a delegation);
// - a zone with an anchor, or with a secure DS RRset from its parent, trusts the DNSKEYs
//   that a DS matches (the strongest digest type present, RFC 4509 §3) and anchor DNSKEYs,
//   if they have the Zone flag and the key policy accepts them; its DNSKEY RRset is secure
//   when one of them signs it (every check of RFC 4035 §5.3.1), or when every key in it is
//   a configured anchor DNSKEY (a key a DS matches must sign); then every zone key of the
//   set is trusted;
// - a zone whose every DS and anchor leads to keys the policy refuses (RSA below the
//   backend's floor, dnssec/key_policy.hpp) is insecure, as with unsupported algorithms;
// - an unsigned NS RRset at a zone cut is the parent's copy only in a referral (no DNSKEY
//   or SOA of the child present, and not the answer to the query); otherwise it is the
//   child's and must be signed;
// - any one valid path suffices (RFC 6840 §5.11): the zone need not be signed with every
//   algorithm of its DS set, but when some DS has an algorithm the backend supports the
//   zone is signed, and an attacker who strips those signatures gets bogus, not insecure;
// - a zone is insecure when only unsupported algorithms or digest types are in its DS set
//   (RFC 4035 §5.2, RFC 6840 §5.2), when its parent proves there is no DS (NSEC/NSEC3,
//   opt-out included, RFC 5155 §9.2), or when no trust anchor is above it;
// - every other RRset is verified with the trusted keys of its zone; a signature by
//   another signer, or by a key not trusted, cannot make it secure.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/ds.hpp"
#include "dane/dnssec/key_policy.hpp"
#include "dane/dnssec/limits.hpp"
#include "dane/dnssec/proof.hpp"
#include "dane/dnssec/rrsig.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/verdict.hpp"

namespace dane::dnssec {

// Records the validator would need to decide: a DNSKEY RRset of a zone or the DS RRset
// (or the proof there is none) of a delegation.
struct need_records {
    dns::name name;
    dns::rr_type type = dns::rr_type::dnskey;
    friend bool operator==(const need_records& a, const need_records& b) {
        return a.type == b.type && a.name == b.name;
    }
};

// One RRset with its verdict.
struct rrset_result {
    dnssec::rrset rrset;
    dnssec::verdict verdict{};
    dns::name zone;        // the zone it was judged in
    std::uint32_t ttl = 0; // for a secure RRset, capped per RFC 4035 §5.3.3
    bool wildcard = false; // secure by a wildcard expansion with its proof
};

// The outcome for a query.
struct answer_result {
    dnssec::verdict verdict{};
    dnssec::proof proven = dnssec::proof::nothing;
    std::vector<std::size_t> rrsets; // indexes into rrsets() of the answer's RRsets
    dns::name final_name;            // the end of the CNAME/DNAME chain
    work_done work{};
    // Indexes into rrsets() of the NSEC and NSEC3 RRsets the answer's denial proofs used
    // (its own, a wildcard's, and the no-DS proofs of insecure delegations on the way):
    // with the answer's RRsets and the DNSKEY and DS RRsets up to the anchor, what a
    // chain for it needs (dnssec/chain.hpp).
    std::vector<std::size_t> denial_rrsets;
};

// The backend is referenced, not copied: it must outlive the validator. Records are
// copied in. One validator is not for use from two threads at once.
template <crypto::verifier_backend B>
class validator {
public:
    validator(const B& backend, trust_anchors anchors, std::chrono::sys_seconds now,
              validation_limits limits = {})
        : backend_(&backend), anchors_(std::move(anchors)), now_(now), limits_(limits) {
        for (const auto& a : anchors_.anchors())
            apexes_.insert(a.owner.lowercased());
    }
    // rrsets() views records the validator holds: it moves but does not copy.
    validator(const validator&) = delete;
    validator& operator=(const validator&) = delete;
    validator(validator&&) = default;
    validator& operator=(validator&&) = default;

    // Adds records (any mix, RRSIGs included). Results computed before are forgotten.
    // Records are grouped as they come (rrset_grouper), so adding costs amortised O(1) per
    // record however the records are split over calls.
    result<void> add(std::span<const dns::record> records) {
        if (record_count_ + records.size() > limits_.max_records) return fail(errc::too_much_input);
        record_count_ += records.size();
        for (const auto& r : records)
            take_record(r);
        sets_ = grouper_.sets();
        reset();
        return {};
    }
    void set_time(std::chrono::sys_seconds now) {
        now_ = now;
        reset();
    }

    std::span<const rrset> rrsets() const noexcept { return sets_; }
    const work_done& work() const noexcept { return work_; }
    // Octet-string comparisons the grouping of added records has made: linear in the
    // number of records (a test checks it, so that grouping cannot turn quadratic again).
    std::size_t grouping_comparisons() const noexcept { return grouper_.comparisons(); }

    // The verdict of every RRset, in the order their first records were added. The work
    // allowance grows with the number of RRsets (each may need its own verifications).
    //
    // Verdicts do not depend on the order of calls: a verdict is kept for later calls
    // only when no work budget cut it short (work_done::cut_short), and each proof looks
    // only at the denial records that bear on its name, so one answer's work does not
    // grow with the size of the zone.
    std::vector<rrset_result> validate_all() {
        begin_run(sets_.size() + 1);
        std::vector<rrset_result> out;
        out.reserve(sets_.size());
        for (std::size_t i = 0; i < sets_.size(); ++i)
            out.push_back(result_of(i, judge(i)));
        return out;
    }

    // The verdict of one RRset (by index into rrsets()).
    rrset_result validate_rrset(std::size_t index) {
        begin_run(1);
        if (index >= sets_.size()) {
            rrset_result r;
            r.verdict = bogus_verdict(ede_code::dnssec_bogus, "no such RRset");
            return r;
        }
        return result_of(index, judge(index));
    }

    // What the records prove for QNAME/QTYPE, following CNAME and DNAME links. `rc` is
    // the response code when known; without it a denial is tried as NXDOMAIN, then as
    // NODATA.
    answer_result validate_answer(dns::name_view qname, dns::rr_type qtype,
                                  std::optional<dns::rcode> rc = std::nullopt) {
        begin_run(1);
        answer_result out;
        verdict v = secure_verdict();
        dns::name current = qname;
        std::size_t links = 0;
        bool data = false, wildcard = false;
        for (;;) {
            if (auto i = find_set(current, qtype)) {
                auto r = judge_answer(*i);
                v = worst(v, r.verdict);
                out.rrsets.push_back(*i);
                wildcard = r.wildcard;
                data = true;
                break;
            }
            if (qtype != dns::rr_type::cname && links < limits_.max_cname_chain + 1) {
                if (auto next = follow(current, v, out)) {
                    if (++links > limits_.max_cname_chain) {
                        v = worst(v, bogus_verdict(ede_code::dnssec_bogus, "CNAME chain too long"));
                        work_.cut_short = true;
                        break;
                    }
                    current = *next;
                    continue;
                }
            }
            // No data: a denial of existence, or an insecure zone.
            auto d = deny(current, qtype, rc, links > 0);
            v = worst(v, d.first);
            out.proven = d.second;
            break;
        }
        if (data)
            out.proven = wildcard    ? proof::wildcard_answer
                         : links > 0 ? proof::cname
                                     : proof::answer;
        if (v.state == security::bogus) out.proven = proof::nothing;
        out.verdict = v;
        out.final_name = current;
        out.work = work_;
        std::sort(run_denial_.begin(), run_denial_.end());
        run_denial_.erase(std::unique(run_denial_.begin(), run_denial_.end()), run_denial_.end());
        out.denial_rrsets = run_denial_;
        return out;
    }

    // The security of a zone (by its apex): secure with trusted keys, insecure, or bogus.
    verdict zone_verdict(dns::name_view apex) { return zone(apex).status; }

    // What the last validation concluded about a zone, without computing anything: none
    // when no validation since the last add() looked at the zone, or a budget cut it short.
    // A resolver caches zones from this (resolver/cache.hpp).
    struct zone_report {
        dnssec::verdict verdict{};
        dnssec::proof proven = proof::nothing; // no_ds or no_ds_opt_out for an unsigned delegation
        std::uint32_t dnskey_ttl = 0;          // secure zones: the capped TTLs of its DNSKEY
        std::uint32_t ds_ttl = 0;              // and DS RRsets (0 for an anchor's DS)
        std::vector<std::size_t> denial;       // indexes into rrsets() of the proofs it rests on
    };
    std::optional<zone_report> known_zone(dns::name_view apex) const {
        auto it = zones_.find(dns::name(apex).lowercased());
        if (it == zones_.end() || !it->second.done) return std::nullopt;
        const zone_info& z = it->second;
        return zone_report{z.status, z.proven, z.dnskey_ttl, z.ds_ttl, z.denial};
    }

    // The zone an RRset (by index into rrsets()) belongs to, as the validator judges it.
    std::optional<dns::name> zone_of_rrset(std::size_t index) const {
        if (index >= sets_.size()) return std::nullopt;
        return zone_of(sets_[index]);
    }
    // The deepest known zone apex at or above `n`, and strictly above it.
    std::optional<dns::name> apex_at_or_above(dns::name_view n) const { return apex_of(n, false); }
    std::optional<dns::name> apex_above(dns::name_view n) const { return apex_of(n, true); }

    // The DNSKEY and DS RRsets that were missing when the last validation needed them.
    std::vector<need_records> needs() const {
        std::vector<need_records> out;
        for (const auto& [_, z] : zones_)
            if (z.missing && std::find(out.begin(), out.end(), *z.missing) == out.end())
                out.push_back(*z.missing);
        return out;
    }

private:
    struct zone_info {
        verdict status{};
        std::vector<zone_key<B>> keys; // trusted keys (secure zones)
        proof proven = proof::nothing; // no_ds / no_ds_opt_out when that made it insecure
        std::optional<need_records> missing;
        std::uint32_t dnskey_ttl = 0; // of the secure DNSKEY RRset, capped (RFC 4035 §5.3.3)
        std::uint32_t ds_ttl = 0;     // of the secure DS RRset, capped likewise
        std::vector<std::size_t> denial; // the denial RRsets its verdict rests on
        bool done = false;
    };

    // A verdict as judge() keeps it: rrset_result without the copy of the RRset.
    struct judgement {
        dnssec::verdict verdict{};
        dns::name zone;
        std::uint32_t ttl = 0;
        bool wildcard = false;
        std::vector<std::size_t> denial; // the denial RRsets its verdict rests on
    };

    // The denial records a proof may use, and the RRsets they come from.
    struct denial_selection {
        std::vector<dns::record> records;
        std::vector<std::size_t> sets;
    };

    // The NSEC and NSEC3 RRsets of one zone, parsed once per validation state: NSEC in
    // canonical order of their owners, NSEC3 of the chosen parameters by owner hash.
    struct zone_denial {
        std::vector<std::pair<nsec_record, std::size_t>> nsec;
        std::vector<std::pair<nsec3_record, std::size_t>> nsec3;        // as added
        std::vector<std::pair<nsec3_record, std::size_t>> nsec3_sorted; // chosen parameters
        std::optional<std::size_t> nsec3_parameters;                    // into nsec3
    };

    // Takes one record into the RRsets. A name has one NSEC per zone (RFC 4034 §4), but at
    // a zone cut the parent's and the child's NSEC share the owner: each NSEC record is an
    // RRset of its own (rrset_grouper's one_set_per_nsec), judged with the RRSIGs of both,
    // of which only its own zone's signer can apply.
    void take_record(const dns::record& r) {
        const auto change = grouper_.add(r);
        if (change.kind != grouper_change_kind::new_set) return;
        const rrset& s = grouper_.sets()[change.set];
        const dns::name owner = s.owner.lowercased();
        if (s.type == dns::rr_type::dnskey || s.type == dns::rr_type::ds ||
            s.type == dns::rr_type::soa || s.type == dns::rr_type::ns)
            apexes_.insert(owner);
        if (s.type == dns::rr_type::nsec || s.type == dns::rr_type::nsec3)
            denial_sets_.push_back(change.set);
        by_owner_.emplace(std::hash<std::string_view>{}(as_chars(owner.wire())), change.set);
    }

    void reset() {
        zones_.clear();
        judged_.clear();
        denial_index_.clear();
        denial_index_built_ = false;
    }

    void begin_run(std::size_t units) {
        work_ = {};
        run_limits_ = limits_;
        run_limits_.max_verifications_per_answer =
            limits_.max_verifications_per_answer +
            (units > 1 ? limits_.max_verifications_per_rrset * units : 0);
        budget_ = nsec3_budget(limits_.denial.nsec3_hash_budget * std::max<std::size_t>(units, 1));
        run_denial_.clear();
        uncached_.clear();
    }

    bool is_apex(dns::name_view n) const { return apexes_.count(dns::name(n).lowercased()) > 0; }
    // The deepest known apex at or above `n` (strictly above when `strict`).
    std::optional<dns::name> apex_of(dns::name_view n, bool strict) const {
        dns::name cur = n;
        if (strict) {
            if (cur.is_root()) return std::nullopt;
            cur = cur.parent();
        }
        for (std::size_t i = 0; i <= dns::max_labels; ++i) {
            if (is_apex(cur)) return cur;
            if (cur.is_root()) break;
            cur = cur.parent();
        }
        return std::nullopt;
    }
    std::optional<dns::name> zone_of(const rrset& s) const {
        bool strict = s.type == dns::rr_type::ds;
        if (s.type == dns::rr_type::nsec && !s.rdatas.empty()) {
            // The parent-side NSEC of a delegation: NS without SOA (RFC 6840 §4.1).
            if (auto n = parse_nsec(s.owner, s.rdatas.front()))
                strict = n->has(dns::rr_type::ns) && !n->has(dns::rr_type::soa);
        }
        return apex_of(s.owner, strict);
    }

    std::optional<std::size_t> find_set(dns::name_view owner, dns::rr_type type) const {
        // The first RRset added of this owner and type.
        std::optional<std::size_t> found;
        auto [b, e] = by_owner_.equal_range(
            std::hash<std::string_view>{}(as_chars(dns::name(owner).lowercased().wire())));
        for (; b != e; ++b) {
            const std::size_t i = b->second;
            if ((sets_[i].type == type ||
                 (type == dns::rr_type::any && sets_[i].type != dns::rr_type::nsec &&
                  sets_[i].type != dns::rr_type::nsec3)) &&
                sets_[i].owner == owner && (!found || i < *found))
                found = i;
        }
        return found;
    }

    // Runs `compute` with the run's cut_short flag cleared, and says whether it set it:
    // a result that a budget cut short is not kept (work_done::cut_short).
    template <class F>
    bool cut_short_while(F&& compute) {
        const bool outer = work_.cut_short;
        work_.cut_short = false;
        compute();
        const bool cut = work_.cut_short;
        work_.cut_short = outer || cut;
        return cut;
    }
    void note_used(std::span<const std::size_t> denial) {
        run_denial_.insert(run_denial_.end(), denial.begin(), denial.end());
    }

    const zone_info& zone(dns::name_view apex_in) {
        const dns::name apex = dns::name(apex_in).lowercased();
        if (auto it = zones_.find(apex); it != zones_.end() && it->second.done) {
            note_used(it->second.denial);
            return it->second;
        }
        zone_info z;
        const std::size_t mark = run_denial_.size();
        const bool cut = cut_short_while([&] { z = compute_zone(apex); });
        z.denial.assign(run_denial_.begin() + static_cast<std::ptrdiff_t>(mark), run_denial_.end());
        z.done = !cut;
        return zones_[apex] = std::move(z);
    }

    zone_info compute_zone(const dns::name& apex) {
        zone_info z;
        if (const trust_anchor* a = anchors_.find(apex)) {
            if (a->insecure) {
                z.status = insecure_verdict(a->insecure->code, a->insecure->text);
                return z;
            }
            trust_keys(z, apex, a->ds, a->dnskeys);
            return z;
        }
        if (!anchors_.closest(apex)) {
            z.status = insecure_verdict(ede_code::other, "no trust anchor above the zone");
            return z;
        }
        auto parent = apex_of(apex, true);
        if (!parent) {
            z.status = insecure_verdict(ede_code::other, "no trust anchor above the zone");
            return z;
        }
        const zone_info& p = zone(*parent);
        if (!p.status.secure()) {
            z.status = p.status;
            z.proven = p.proven;
            return z;
        }
        if (auto ds = find_set(apex, dns::rr_type::ds)) {
            auto r = verify(sets_[*ds], *parent, p.keys);
            if (!r.verdict.secure()) {
                z.status = r.verdict;
                return z;
            }
            trust_keys(z, apex, sets_[*ds].rdatas, {});
            z.ds_ttl = r.ttl;
            return z;
        }
        // No DS: the parent must prove there is none.
        auto selected = denial_for(*parent, apex);
        auto d = prove_no_ds(*backend_, apex, *parent, selected.records, budget_, limits_.denial,
                             &nsec3_cache_);
        note_denial(d);
        if (d.security == security::secure || d.security == security::insecure) {
            z.status = insecure_verdict(
                d.security == security::secure ? ede_code::other : d.why.code,
                d.proven == proof::no_ds_opt_out ? "opt-out span: the delegation may be unsigned"
                : d.security == security::secure ? "no DS: the delegation is unsigned"
                                                 : d.why.text);
            z.proven = d.proven;
            return z;
        }
        z.status = bogus_verdict(
            d.why.code == ede_code::other ? ede_code::nsec_missing : d.why.code,
            d.why.code == ede_code::nsec_missing ? "no DS and no proof that there is none"
                                                 : d.why.text);
        z.missing = need_records{apex, dns::rr_type::ds};
        return z;
    }

    // Trust in a zone's keys from DS RDATAs and anchor DNSKEYs (RFC 4035 §5.2, §5.3.1).
    // The DNSKEYs that may sign the DNSKEY RRset are the configured anchor keys and the
    // keys a DS matches, each with the Zone flag (RFC 4034 §2.1.1: a key without it
    // verifies nothing) and acceptable to the key policy (dnssec/key_policy.hpp). Only a
    // set made entirely of anchor keys may stand without a signature; a key a DS matches
    // must sign the set, with every check of §5.3.1 (dates, Zone flag, signer).
    void trust_keys(zone_info& z, const dns::name& apex, std::span<const byte_buffer> ds,
                    std::span<const byte_buffer> anchor_keys) {
        ds_usability usability = ds_usability::empty;
        auto selected = select_ds(*backend_, ds, &usability, limits_.max_ds_per_zone);
        std::vector<zone_key<B>> signers;
        std::optional<std::string> refusal; // why policy refused a key some path leads to
        bool anchor_without_zone_flag = false;
        auto refused = [&](const zone_key<B>& k) {
            if (!refused_by_policy(k.decoded(*backend_))) return false;
            if (!refusal) refusal = policy_refusal_text(*backend_, k.fields().public_key);
            return true;
        };
        for (const auto& rd : anchor_keys) {
            // Made in place and dropped when not taken (a local copied in made GCC 12 warn
            // of an uninitialized optional in its destructor at -O2).
            const zone_key<B>& k = signers.emplace_back(rd);
            bool take = k.well_formed() && backend_->supports(k.fields().algorithm);
            if (take && !k.fields().usable_for_rrsig()) {
                anchor_without_zone_flag = true;
                take = false;
            }
            if (!take || refused(k)) signers.pop_back();
        }
        const std::size_t anchored = signers.size();
        auto is_anchor = [&](const byte_buffer& rd) {
            return std::any_of(signers.begin(),
                               signers.begin() + static_cast<std::ptrdiff_t>(anchored),
                               [&](const zone_key<B>& k) { return k.rdata() == rd; });
        };
        // Every path ends at a key refused by policy: as with an unsupported algorithm, the
        // zone is insecure (RFC 4035 §5.2, RFC 6840 §5.2).
        auto insecure_by_policy = [&] {
            z.status = insecure_verdict(ede_code::unsupported_dnskey_algorithm, *refusal);
        };
        if (selected.empty() && anchored == 0) {
            if (anchor_without_zone_flag)
                z.status = bogus_verdict(ede_code::no_zone_key_bit_set,
                                         "no trust anchor DNSKEY has the Zone flag");
            else if (refusal)
                insecure_by_policy();
            else if (usability == ds_usability::unsupported_algorithm || !anchor_keys.empty())
                z.status = insecure_verdict(ede_code::unsupported_dnskey_algorithm,
                                            "only unsupported DNSKEY algorithms in the DS set");
            else if (usability == ds_usability::unsupported_digest)
                z.status = insecure_verdict(ede_code::unsupported_ds_digest_type,
                                            "only unsupported DS digest types");
            else
                z.status = bogus_verdict(ede_code::dnskey_missing, "no usable DS record");
            return;
        }
        auto dnskeys = find_set(apex, dns::rr_type::dnskey);
        if (!dnskeys) {
            if (anchored > 0) {
                z.status = secure_verdict();
                z.keys = std::move(signers);
                return;
            }
            z.status = bogus_verdict(ede_code::dnskey_missing, "no DNSKEY RRset for the zone");
            z.missing = need_records{apex, dns::rr_type::dnskey};
            return;
        }
        const rrset& keyset = sets_[*dnskeys];
        bool all_anchored = !keyset.rdatas.empty();
        std::vector<bool> ds_found(selected.size(), false); // a DS matched a key of the set
        std::size_t seen = 0;
        for (const auto& rd : keyset.rdatas) {
            if (++seen > limits_.max_dnskeys_per_rrset) {
                work_.cut_short = true;
                break;
            }
            if (is_anchor(rd)) continue;
            all_anchored = false;
            bool matched = false;
            for (std::size_t d = 0; d < selected.size(); ++d) {
                if (work_.digests >= limits_.max_ds_per_zone * (zones_.size() + 1)) break;
                if (selected[d].key_tag != key_tag(rd)) continue;
                ++work_.digests;
                if (ds_matches(*backend_, apex, selected[d], rd)) {
                    ds_found[d] = matched = true;
                    break;
                }
            }
            // A matched key without the Zone flag stays: verify_rrset then names the flag.
            if (matched) {
                zone_key<B> k(rd);
                if (!refused(k)) signers.push_back(std::move(k));
            }
        }
        if (signers.empty()) {
            // Insecure only when every DS matched a key and policy refused each one; a DS
            // that matches nothing may point at an acceptable key that was removed.
            if (refusal && std::all_of(ds_found.begin(), ds_found.end(), [](bool f) { return f; }))
                insecure_by_policy();
            else
                z.status =
                    bogus_verdict(ede_code::dnskey_missing, "no DNSKEY matches the DS records");
            return;
        }
        if (all_anchored) {
            z.dnskey_ttl = keyset.ttl;
        } else {
            auto r = verify(keyset, apex, signers);
            if (!r.verdict.secure()) {
                z.status = r.verdict;
                return;
            }
            z.dnskey_ttl = r.ttl; // capped like any RRset (RFC 4035 §5.3.3)
        }
        z.status = secure_verdict();
        z.keys = make_zone_keys<B>(keyset.rdatas, limits_.max_dnskeys_per_rrset);
    }

    rrset_verification verify(const rrset& s, dns::name_view zone,
                              std::span<const zone_key<B>> keys) {
        return verify_rrset(*backend_, s, zone, keys, now_, run_limits_, work_, &scratch_);
    }

    // The NSEC and NSEC3 RRsets of a zone, parsed and ordered once after each add().
    const zone_denial& denial_index(const dns::name& zone_apex) {
        if (!denial_index_built_) {
            denial_index_built_ = true;
            for (auto i : denial_sets_) {
                const rrset& s = sets_[i];
                auto z = zone_of(s);
                if (!z) continue;
                auto& zd = denial_index_[z->lowercased()];
                for (const auto& rd : s.rdatas) {
                    if (s.type == dns::rr_type::nsec) {
                        if (auto n = parse_nsec(s.owner, rd))
                            zd.nsec.emplace_back(std::move(*n), i);
                    } else if (auto n = parse_nsec3(s.owner, rd)) {
                        zd.nsec3.emplace_back(std::move(*n), i);
                    }
                }
            }
            for (auto& [_, zd] : denial_index_) {
                std::stable_sort(zd.nsec.begin(), zd.nsec.end(), [](const auto& a, const auto& b) {
                    return canonical_compare(a.first.owner.view(), b.first.owner.view()) < 0;
                });
                choose_nsec3_parameters(zd);
            }
        }
        static const zone_denial none;
        auto it = denial_index_.find(zone_apex.lowercased());
        return it == denial_index_.end() ? none : it->second;
    }

    // The NSEC3 chain a proof hashes with: the parameters of the first record (as added)
    // with the one hash algorithm, flags 0 or 1 (RFC 5155 §8.2) and 20-octet hashes. A
    // zone may hold several chains (RFC 5155 §7.3: the server chooses one for a response);
    // a proof uses one, as a response would (§8.2 lets mixed parameters be bogus).
    static void choose_nsec3_parameters(zone_denial& zd) {
        for (std::size_t k = 0; k < zd.nsec3.size(); ++k) {
            const auto& r = zd.nsec3[k].first;
            if (r.algorithm == nsec3_sha1 && r.flags <= 1 &&
                r.owner_hash.size() == nsec3_sha1_size && r.next_hash.size() == nsec3_sha1_size) {
                zd.nsec3_parameters = k;
                break;
            }
        }
        if (!zd.nsec3_parameters) return;
        const auto& chosen = zd.nsec3[*zd.nsec3_parameters].first;
        for (const auto& e : zd.nsec3)
            if (e.first.same_parameters(chosen) && e.first.flags <= 1 &&
                e.first.owner_hash.size() == nsec3_sha1_size &&
                e.first.next_hash.size() == nsec3_sha1_size)
                zd.nsec3_sorted.push_back(e);
        std::stable_sort(
            zd.nsec3_sorted.begin(), zd.nsec3_sorted.end(), [](const auto& a, const auto& b) {
                return detail::compare_hash(a.first.owner_hash, b.first.owner_hash) < 0;
            });
    }

    // The NSEC records of a zone that can match or cover `n`: those whose owner is the last
    // at or before `n` in canonical order (RFC 4034 §6.1). A well-formed chain has one.
    static void nsec_candidates(const zone_denial& zd, dns::name_view n,
                                std::vector<std::size_t>& out) {
        auto after = std::upper_bound(zd.nsec.begin(), zd.nsec.end(), n,
                                      [](dns::name_view x, const auto& e) {
                                          return canonical_compare(x, e.first.owner.view()) < 0;
                                      });
        if (after == zd.nsec.begin()) return;
        const dns::name& owner = std::prev(after)->first.owner;
        for (std::size_t k = 0; after != zd.nsec.begin() && k < max_candidates_per_name; ++k) {
            --after;
            if (!(after->first.owner == owner)) break;
            out.push_back(after->second);
        }
    }

    // The NSEC3 records (of the chosen chain) that match `h` or cover it: equal owner hash,
    // or the last owner hash before it, wrapping round to the chain's last record (RFC
    // 5155 §1.3 "covers"). Returns whether some record matches.
    static bool nsec3_candidates(const zone_denial& zd, const crypto::digest_value& h,
                                 std::vector<std::size_t>& out, bool& covered) {
        const auto& v = zd.nsec3_sorted;
        covered = false;
        if (v.empty()) return false;
        auto first_not_less = std::lower_bound(
            v.begin(), v.end(), h, [](const auto& e, const crypto::digest_value& x) {
                return detail::compare_hash(e.first.owner_hash, x.bytes()) < 0;
            });
        bool matched = false;
        for (auto it = first_not_less; it != v.end() && nsec3_matches(it->first, h.bytes()) &&
                                       out.size() < max_candidates_per_name * 64;
             ++it) {
            out.push_back(it->second);
            matched = true;
        }
        if (matched) return true;
        const auto& before = first_not_less == v.begin() ? v.back() : *std::prev(first_not_less);
        if (nsec3_covers(before.first, h.bytes())) {
            out.push_back(before.second);
            covered = true;
        }
        return false;
    }

    // The denial records of `zone_apex` that bear on a proof about `name`, verified, and the
    // RRsets they come from. Only these are verified: a whole zone's chain is far longer
    // than one proof may look at (denial_limits::max_denial_records), and verifying it all
    // would spend the answer's work budget on records no proof needs.
    // - NSEC: for `name`, each ancestor down from the apex and the wildcard below each,
    //   the record at or before it in canonical order (it matches or covers the name);
    // - NSEC3: the hashes a closest encloser proof computes (RFC 5155 §7.2.1, §8.3): the
    //   apex down to the next closer name, and the wildcard at the closest encloser, with
    //   the records that match or cover them. Hashing counts against the answer's budget
    //   and joins the validator's cache, which the proof then uses; NSEC3 records whose
    //   iterations exceed the limits are passed without hashing (one record of the chain
    //   suffices for the RFC 9276 verdict, once its signature is checked).
    // Records whose RRsets are not secure, or are wildcard expansions (RFC 4035 §5.4), are
    // left out.
    denial_selection denial_for(const dns::name& zone_apex, dns::name_view name) {
        const zone_denial& zd = denial_index(zone_apex);
        std::vector<std::size_t> candidates;
        if (!zd.nsec.empty()) {
            for (dns::name n = name; n.is_subdomain_of(zone_apex); n = n.parent()) {
                nsec_candidates(zd, n, candidates);
                if (auto w = n.prepend("*")) nsec_candidates(zd, *w, candidates);
                if (n.is_root()) break;
            }
        }
        if (!zd.nsec3.empty()) nsec3_selection(zd, zone_apex, name, candidates);
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        denial_selection out;
        for (auto i : candidates) {
            const judgement& r = judge(i);
            if (!r.verdict.secure() || r.wildcard) continue;
            out.sets.push_back(i);
            const rrset& s = sets_[i];
            for (const auto& rd : s.rdatas)
                out.records.push_back(dns::record{s.owner, s.type, s.klass, s.ttl, rd});
        }
        note_used(out.sets);
        return out;
    }

    void nsec3_selection(const zone_denial& zd, const dns::name& zone_apex, dns::name_view name,
                         std::vector<std::size_t>& out) {
        if (!zd.nsec3_parameters) {
            // Only records the proof ignores or cannot use (an unknown hash algorithm): one
            // is enough for it to say so.
            out.push_back(zd.nsec3.front().second);
            return;
        }
        const nsec3_record& p = zd.nsec3[*zd.nsec3_parameters].first;
        if (classify_nsec3_iterations(p.iterations, limits_.denial) !=
            iterations_class::acceptable) {
            out.push_back(zd.nsec3[*zd.nsec3_parameters].second);
            return;
        }
        const std::size_t zl = zone_apex.label_count(), ql = name.label_count();
        std::optional<std::size_t> last_match;
        for (std::size_t k = zl; k <= ql; ++k) {
            const dns::name_view sname = name.suffix(k);
            auto h =
                nsec3_hash_budgeted(*backend_, sname, p.salt, p.iterations, budget_, nsec3_cache_);
            work_.nsec3_hashes = budget_.hashes;
            if (!h) {
                work_.cut_short = true;
                return;
            }
            bool covered = false;
            if (nsec3_candidates(zd, *h, out, covered)) {
                last_match = k;
                continue;
            }
            if (!covered) continue;
            // The next closer name: the wildcard at the closest encloser completes the proof.
            if (last_match && *last_match + 1 == k) {
                if (auto w = dns::name(name.suffix(*last_match)).prepend("*")) {
                    auto hw = nsec3_hash_budgeted(*backend_, *w, p.salt, p.iterations, budget_,
                                                  nsec3_cache_);
                    work_.nsec3_hashes = budget_.hashes;
                    if (!hw) {
                        work_.cut_short = true;
                        return;
                    }
                    (void)nsec3_candidates(zd, *hw, out, covered);
                }
            }
            return;
        }
    }

    void note_denial(const denial_result& d) {
        // The run's budget counts every hash: the proofs' and those of record selection.
        work_.nsec3_hashes = budget_.hashes;
        if (d.cut_short) work_.cut_short = true;
    }

    rrset_result result_of(std::size_t i, const judgement& j) const {
        rrset_result r;
        r.rrset = sets_[i];
        r.verdict = j.verdict;
        r.zone = j.zone;
        r.ttl = j.ttl;
        r.wildcard = j.wildcard;
        return r;
    }

    // An RRset that answers the query. NS answered for its own name comes from the zone
    // whose apex it is, where it is signed (RFC 4035 §2.2): only a referral carries the
    // parent's unsigned copy, so here it is never judged as one.
    judgement judge_answer(std::size_t i) {
        if (!is_unsigned_delegation_ns(sets_[i])) return judge(i);
        return judge_uncached(i, false);
    }

    // An NS RRset without RRSIGs at a zone apex below another zone: possibly the parent's
    // side of the delegation, which is not signed (RFC 4035 §2.2).
    bool is_unsigned_delegation_ns(const rrset& s) const {
        if (s.type != dns::rr_type::ns || !s.signatures.empty()) return false;
        auto z = zone_of(s);
        return z && s.owner == *z && apex_of(s.owner, true).has_value();
    }

    // The verdict of RRset i, kept unless a budget cut it short. The reference stays valid
    // until the next add(), set_time() or validation run.
    const judgement& judge(std::size_t i) {
        if (auto it = judged_.find(i); it != judged_.end()) {
            note_used(it->second.denial);
            return it->second;
        }
        judgement r;
        const std::size_t mark = run_denial_.size();
        const bool cut = cut_short_while([&] { r = judge_uncached(i); });
        r.denial.assign(run_denial_.begin() + static_cast<std::ptrdiff_t>(mark), run_denial_.end());
        if (cut) return uncached_.emplace_back(std::move(r));
        return judged_.emplace(i, std::move(r)).first->second;
    }

    // `referral_ns`: an unsigned NS RRset at a delegation may be the parent's copy. It is
    // taken as that only when none of the child's apex data (its DNSKEY or SOA RRset) is
    // present; with them, the records are the child zone's, and its NS must be signed.
    // Removing the RRSIGs of a child's apex NS then gives bogus, not insecure.
    judgement judge_uncached(std::size_t i, bool referral_ns = true) {
        const rrset& s = sets_[i];
        judgement out;
        auto z = zone_of(s);
        if (!z) {
            out.verdict = insecure_verdict(ede_code::other, "no trust anchor above the zone");
            return out;
        }
        out.zone = *z;
        if (referral_ns && is_unsigned_delegation_ns(s) &&
            !find_set(s.owner, dns::rr_type::dnskey) && !find_set(s.owner, dns::rr_type::soa)) {
            if (auto parent = apex_of(s.owner, true)) {
                out.zone = *parent;
                const zone_info& p = zone(*parent);
                out.verdict = p.status.secure()
                                  ? insecure_verdict(ede_code::other, "delegation NS records are "
                                                                      "not signed")
                                  : p.status;
                return out;
            }
        }
        const zone_info& info = zone(*z);
        if (s.type == dns::rr_type::dnskey && s.owner == *z) {
            out.verdict = info.status;
            if (info.status.secure()) out.ttl = info.dnskey_ttl;
            return out;
        }
        if (!info.status.secure()) {
            out.verdict = info.status;
            return out;
        }
        auto v = verify(s, *z, info.keys);
        out.verdict = v.verdict;
        out.ttl = v.ttl;
        if (v.verdict.secure() && v.wildcard && s.type != dns::rr_type::nsec &&
            s.type != dns::rr_type::nsec3) {
            // RFC 4035 §5.3.4: a wildcard expansion needs the proof that the owner
            // (and every closer name) does not exist.
            auto selected = denial_for(*z, s.owner);
            auto d = prove_wildcard_answer(*backend_, s.owner, v.labels, *z, selected.records,
                                           budget_, limits_.denial, &nsec3_cache_);
            note_denial(d);
            out.wildcard = true;
            if (!d.secure())
                out.verdict = {
                    d.security == security::insecure ? security::insecure : security::bogus,
                    d.why.text.empty()
                        ? reason{ede_code::nsec_missing, "no proof for the wildcard expansion"}
                        : d.why};
        } else if (v.verdict.secure()) {
            out.wildcard = v.wildcard;
        }
        return out;
    }

    // One CNAME or DNAME link from `current`; judged RRsets join the answer.
    std::optional<dns::name> follow(const dns::name& current, verdict& v, answer_result& out) {
        // DNAME at an ancestor (RFC 6672 §2.2): current = prefix + owner → prefix + target.
        std::optional<dns::name> synthesized;
        for (dns::name a = current.parent();; a = a.parent()) {
            if (auto d = find_set(a, dns::rr_type::dname)) {
                const auto& r = judge(*d);
                v = worst(v, r.verdict);
                out.rrsets.push_back(*d);
                if (!sets_[*d].rdatas.empty()) {
                    auto target = dns::name::from_wire(sets_[*d].rdatas.front());
                    if (target) {
                        std::size_t keep = current.label_count() - a.label_count();
                        dns::name prefix;
                        auto cur = current.view();
                        std::vector<std::string> labels;
                        for (std::size_t k = 0; k < keep; ++k) {
                            labels.emplace_back(cur.first_label());
                            cur = cur.parent();
                        }
                        dns::name n = *target;
                        bool ok = true;
                        for (auto it = labels.rbegin(); it != labels.rend() && ok; ++it) {
                            auto p = n.prepend(*it);
                            if (p)
                                n = *p;
                            else
                                ok = false;
                        }
                        if (ok) synthesized = n;
                    }
                }
                break;
            }
            if (a.is_root()) break;
        }
        if (auto c = find_set(current, dns::rr_type::cname)) {
            const rrset& cs = sets_[*c];
            std::optional<dns::name> target;
            if (!cs.rdatas.empty())
                if (auto t = dns::name::from_wire(cs.rdatas.front())) target = *t;
            out.rrsets.push_back(*c);
            if (synthesized) {
                // RFC 6672 §5.3.1: a CNAME synthesized from a DNAME is checked against the
                // DNAME, not by its own (absent) signature.
                if (!target || !(*target == *synthesized))
                    v = worst(
                        v, bogus_verdict(ede_code::dnssec_bogus, "CNAME does not match the DNAME"));
                return synthesized;
            }
            const auto& r = judge(*c);
            v = worst(v, r.verdict);
            if (!target) return std::nullopt;
            return target;
        }
        return synthesized;
    }

    // The verdict and proof for "no data for `name`/`qtype`".
    std::pair<verdict, proof> deny(const dns::name& name, dns::rr_type qtype,
                                   std::optional<dns::rcode> rc, bool after_link) {
        (void)after_link;
        // DS belongs to the parent; a child that answers a DS query for its own apex
        // (RFC 4035 §3.1.4.1) denies it from its own zone when no parent is known.
        auto z = apex_of(name, qtype == dns::rr_type::ds);
        if (!z && qtype == dns::rr_type::ds) z = apex_of(name, false);
        if (!z)
            return {insecure_verdict(ede_code::other, "no trust anchor above the zone"),
                    proof::nothing};
        const zone_info& info = zone(*z);
        if (!info.status.secure()) return {info.status, info.proven};
        auto selected = denial_for(*z, name);
        auto run = [&](dns::rcode code) {
            auto d = prove_denial(*backend_, name, qtype, code, *z, selected.records, budget_,
                                  limits_.denial, &nsec3_cache_);
            note_denial(d);
            return d;
        };
        denial_result d;
        if (rc) {
            d = run(*rc);
        } else {
            // Without the RCODE: NXDOMAIN first, then NODATA; when neither holds, the
            // NODATA reason unless it only says that records are missing.
            d = run(dns::rcode::nxdomain);
            if (d.proven == proof::nothing) {
                auto d2 = run(dns::rcode::noerror);
                if (d2.proven != proof::nothing || d2.why.code != ede_code::nsec_missing ||
                    d.why.code == ede_code::nsec_missing)
                    d = d2;
            }
        }
        if (d.security == security::secure) return {secure_verdict(), d.proven};
        if (d.security == security::insecure) {
            // Without the RCODE, a name error whose next closer name falls in an opt-out
            // span proves only that no signed delegation covers the name: an unsigned one
            // may (RFC 5155 §9.2), as in RFC 9102 Appendix A.8.
            proof p = d.proven;
            if (!rc && p == proof::nxdomain && d.opt_out) p = proof::no_ds_opt_out;
            return {insecure_verdict(d.why.code, d.why.text.empty() ? "opt-out span" : d.why.text),
                    p};
        }
        return {verdict{d.security, d.why.text.empty()
                                        ? reason{ede_code::nsec_missing, "no denial of existence"}
                                        : d.why},
                proof::nothing};
    }

    const B* backend_;
    trust_anchors anchors_;
    std::chrono::sys_seconds now_;
    validation_limits limits_;
    validation_limits run_limits_{};
    // Records as added, grouped (each NSEC record an RRset of its own); sets_ views them.
    static constexpr std::size_t max_candidates_per_name = 4;
    std::size_t record_count_ = 0;
    rrset_grouper grouper_{true};
    std::span<const rrset> sets_;
    std::unordered_multimap<std::size_t, std::size_t> by_owner_; // hash of lowercased owner
    std::vector<std::size_t> denial_sets_;                       // NSEC and NSEC3
    std::set<dns::name, dns::canonical_less> apexes_;            // lowercased
    // What validation found; forgotten on add() and set_time().
    std::unordered_map<std::size_t, judgement> judged_;
    std::deque<judgement> uncached_; // verdicts cut short, alive for one run
    std::map<dns::name, zone_info, dns::canonical_less> zones_;
    std::map<dns::name, zone_denial, dns::canonical_less> denial_index_;
    bool denial_index_built_ = false;
    std::vector<std::size_t> run_denial_; // denial RRsets the current run's proofs used
    nsec3_hash_cache nsec3_cache_;        // hashes are facts: kept across runs
    work_done work_{};
    nsec3_budget budget_{};
    verify_scratch scratch_;
};

} // namespace dane::dnssec
