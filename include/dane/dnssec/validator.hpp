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
//   that a DS matches (the strongest digest type present, RFC 4509 §3) and anchor DNSKEYs;
//   its DNSKEY RRset is secure when one of them signs it, or when every key in it is
//   anchored; then every zone key of the set is trusted;
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
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dane/crypto/backend.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/ds.hpp"
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
};

// The backend is referenced, not copied: it must outlive the validator. Records are
// copied in. One validator is not for use from two threads at once.
template <crypto::crypto_backend B>
class validator {
public:
    validator(const B& backend, trust_anchors anchors, std::chrono::sys_seconds now,
              validation_limits limits = {})
        : backend_(&backend), anchors_(std::move(anchors)), now_(now), limits_(limits) {}

    // Adds records (any mix, RRSIGs included). Results computed before are forgotten.
    result<void> add(std::span<const dns::record> records) {
        if (records_.size() + records.size() > limits_.max_records)
            return fail(errc::too_much_input);
        records_.insert(records_.end(), records.begin(), records.end());
        sets_ = split_nsec(group_rrsets(records_));
        reset();
        return {};
    }
    void set_time(std::chrono::sys_seconds now) {
        now_ = now;
        reset();
    }

    std::span<const rrset> rrsets() const noexcept { return sets_; }
    const work_done& work() const noexcept { return work_; }

    // The verdict of every RRset, in the order their first records were added. The work
    // allowance grows with the number of RRsets (each may need its own verifications).
    std::vector<rrset_result> validate_all() {
        begin_run(sets_.size() + 1);
        std::vector<rrset_result> out;
        for (std::size_t i = 0; i < sets_.size(); ++i)
            out.push_back(judge(i));
        return out;
    }

    // The verdict of one RRset (by index into rrsets()).
    rrset_result validate_rrset(std::size_t index) {
        begin_run(1);
        return judge(index);
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
                auto r = judge(*i);
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
        return out;
    }

    // The security of a zone (by its apex): secure with trusted keys, insecure, or bogus.
    verdict zone_verdict(dns::name_view apex) { return zone(apex).status; }

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
        bool done = false;
    };

    // A name has one NSEC per zone (RFC 4034 §4), but at a zone cut the parent's and the
    // child's NSEC share the owner: each record is judged on its own, with the RRSIGs of
    // both, of which only its own zone's signer can apply.
    static std::vector<rrset> split_nsec(std::vector<rrset> sets) {
        std::vector<rrset> out;
        out.reserve(sets.size());
        for (auto& s : sets) {
            if (s.type != dns::rr_type::nsec || s.rdatas.size() < 2) {
                out.push_back(std::move(s));
                continue;
            }
            for (const auto& rd : s.rdatas) {
                rrset one = s;
                one.rdatas = {rd};
                out.push_back(std::move(one));
            }
        }
        return out;
    }

    void reset() {
        zones_.clear();
        judged_.assign(sets_.size(), std::nullopt);
        denial_cache_.clear();
        apexes_.clear();
        for (const auto& a : anchors_.anchors())
            apexes_.push_back(a.owner.lowercased());
        for (const auto& s : sets_)
            if (s.type == dns::rr_type::dnskey || s.type == dns::rr_type::ds ||
                s.type == dns::rr_type::soa || s.type == dns::rr_type::ns)
                apexes_.push_back(s.owner.lowercased());
        std::sort(apexes_.begin(), apexes_.end(), [](const dns::name& a, const dns::name& b) {
            return canonical_compare(a, b) < 0;
        });
        apexes_.erase(std::unique(apexes_.begin(), apexes_.end()), apexes_.end());
    }

    void begin_run(std::size_t units) {
        work_ = {};
        run_limits_ = limits_;
        run_limits_.max_verifications_per_answer =
            limits_.max_verifications_per_answer +
            (units > 1 ? limits_.max_verifications_per_rrset * units : 0);
        budget_ = nsec3_budget(limits_.denial.nsec3_hash_budget * std::max<std::size_t>(units, 1));
    }

    bool is_apex(dns::name_view n) const {
        return std::binary_search(
            apexes_.begin(), apexes_.end(), dns::name(n).lowercased(),
            [](const dns::name& a, const dns::name& b) { return canonical_compare(a, b) < 0; });
    }
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
        for (std::size_t i = 0; i < sets_.size(); ++i)
            if ((sets_[i].type == type ||
                 (type == dns::rr_type::any && sets_[i].type != dns::rr_type::nsec &&
                  sets_[i].type != dns::rr_type::nsec3)) &&
                sets_[i].owner == owner)
                return i;
        return std::nullopt;
    }

    const zone_info& zone(dns::name_view apex_in) {
        const dns::name apex = dns::name(apex_in).lowercased();
        if (auto it = zones_.find(apex); it != zones_.end() && it->second.done) return it->second;
        zone_info z = compute_zone(apex);
        z.done = true;
        return zones_[apex] = std::move(z);
    }

    zone_info compute_zone(const dns::name& apex) {
        zone_info z;
        if (const trust_anchor* a = anchors_.find(apex)) {
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
            return z;
        }
        // No DS: the parent must prove there is none.
        auto records = denial_for(*parent, apex);
        auto d = prove_no_ds(*backend_, apex, *parent, records, budget_, limits_.denial);
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

    // Trust in a zone's keys from DS RDATAs and anchor DNSKEYs (RFC 4035 §5.2).
    void trust_keys(zone_info& z, const dns::name& apex, std::span<const byte_buffer> ds,
                    std::span<const byte_buffer> anchor_keys) {
        ds_usability usability = ds_usability::empty;
        auto selected = select_ds(*backend_, ds, &usability, limits_.max_ds_per_zone);
        std::vector<zone_key<B>> anchored;
        for (const auto& k : anchor_keys)
            if (auto f = parse_dnskey(k); f && backend_->supports(f->algorithm))
                anchored.emplace_back(k);
        auto dnskeys = find_set(apex, dns::rr_type::dnskey);
        if (selected.empty() && anchored.empty()) {
            bool unsupported_anchor = !anchor_keys.empty();
            if (usability == ds_usability::unsupported_algorithm || unsupported_anchor)
                z.status = insecure_verdict(ede_code::unsupported_dnskey_algorithm,
                                            "only unsupported DNSKEY algorithms in the DS set");
            else if (usability == ds_usability::unsupported_digest)
                z.status = insecure_verdict(ede_code::unsupported_ds_digest,
                                            "only unsupported DS digest types");
            else
                z.status = bogus_verdict(ede_code::dnskey_missing, "no usable DS record");
            return;
        }
        if (!dnskeys) {
            if (!anchored.empty()) {
                z.status = secure_verdict();
                z.keys = std::move(anchored);
                return;
            }
            z.status = bogus_verdict(ede_code::dnskey_missing, "no DNSKEY RRset for the zone");
            z.missing = need_records{apex, dns::rr_type::dnskey};
            return;
        }
        const rrset& keyset = sets_[*dnskeys];
        bool all_anchored = !keyset.rdatas.empty();
        std::size_t seen = 0;
        for (const auto& rd : keyset.rdatas) {
            if (++seen > limits_.max_dnskeys_per_rrset) {
                work_.cut_short = true;
                break;
            }
            bool is_anchor =
                std::find(anchor_keys.begin(), anchor_keys.end(), rd) != anchor_keys.end();
            if (!is_anchor) {
                for (const auto& d : selected) {
                    if (work_.digests >= limits_.max_ds_per_zone * (zones_.size() + 1)) break;
                    if (d.key_tag != key_tag(rd)) continue;
                    ++work_.digests;
                    if (ds_matches(*backend_, apex, d, rd)) {
                        is_anchor = true;
                        break;
                    }
                }
                if (is_anchor) anchored.emplace_back(rd);
            }
            all_anchored = all_anchored && is_anchor;
        }
        if (anchored.empty()) {
            z.status = bogus_verdict(ede_code::dnskey_missing, "no DNSKEY matches the DS records");
            return;
        }
        if (!all_anchored) {
            auto r = verify(keyset, apex, anchored);
            if (!r.verdict.secure()) {
                z.status = r.verdict;
                return;
            }
        }
        z.status = secure_verdict();
        z.keys = make_zone_keys<B>(keyset.rdatas, limits_.max_dnskeys_per_rrset);
    }

    rrset_verification verify(const rrset& s, dns::name_view zone,
                              std::span<const zone_key<B>> keys) {
        return verify_rrset(*backend_, s, zone, keys, now_, run_limits_, work_, &scratch_);
    }

    // NSEC and NSEC3 records of `zone` whose RRsets are secure and not wildcard
    // expansions: what the denial proofs may rely on (RFC 4035 §5.4).
    std::vector<dns::record> denial_records(const dns::name& zone_apex) {
        const dns::name key = zone_apex.lowercased();
        if (auto it = denial_cache_.find(key); it != denial_cache_.end()) return it->second;
        std::vector<dns::record> out;
        for (std::size_t i = 0; i < sets_.size(); ++i) {
            const auto& s = sets_[i];
            if (s.type != dns::rr_type::nsec && s.type != dns::rr_type::nsec3) continue;
            auto z = zone_of(s);
            if (!z || !(*z == zone_apex)) continue;
            auto r = judge(i);
            if (!r.verdict.secure() || r.wildcard) continue;
            for (const auto& rd : s.rdatas)
                out.push_back(dns::record{s.owner, s.type, s.klass, s.ttl, rd});
        }
        denial_cache_[key] = out;
        return out;
    }

    // The denial records of `zone_apex` a proof about `name` can use. A response holds a
    // few; a whole zone file holds a chain longer than a proof may look at
    // (denial_limits::max_denial_records), so larger sets are cut down to the NSEC records
    // that match or cover `name`, its ancestors in the zone or their wildcards, or own an
    // ancestor of `name`. (NSEC3 records are passed as they are: choosing among them
    // would take hashing outside the proof's budget.)
    std::vector<dns::record> denial_for(const dns::name& zone_apex, dns::name_view name) {
        auto all = denial_records(zone_apex);
        if (all.size() <= limits_.denial.max_denial_records) return all;
        std::vector<dns::name> names;
        for (dns::name n = name; n.is_subdomain_of(zone_apex); n = n.parent()) {
            names.push_back(n);
            if (auto w = n.prepend("*")) names.push_back(*w);
            if (n.is_root()) break;
        }
        std::vector<dns::record> out;
        for (auto& r : all) {
            if (r.type != dns::rr_type::nsec) {
                out.push_back(std::move(r));
                continue;
            }
            auto x = parse_nsec(r);
            if (!x) continue;
            for (const auto& n : names)
                if (nsec_matches(*x, n) || nsec_covers(*x, n, zone_apex) ||
                    n.is_strict_subdomain_of(x->owner)) {
                    out.push_back(std::move(r));
                    break;
                }
        }
        return out;
    }

    void note_denial(const denial_result& d) {
        work_.nsec3_hashes += d.nsec3_hashes;
        if (d.cut_short) work_.cut_short = true;
    }

    rrset_result judge(std::size_t i) {
        if (judged_[i]) return *judged_[i];
        rrset_result r = judge_uncached(i);
        judged_[i] = r;
        return r;
    }

    rrset_result judge_uncached(std::size_t i) {
        const rrset& s = sets_[i];
        rrset_result out;
        out.rrset = s;
        auto z = zone_of(s);
        if (!z) {
            out.verdict = insecure_verdict(ede_code::other, "no trust anchor above the zone");
            return out;
        }
        out.zone = *z;
        // The parent side of a delegation: NS is not signed there (RFC 4035 §2.2). An NS
        // RRset without RRSIGs below some other zone is taken as that.
        if (s.type == dns::rr_type::ns && s.signatures.empty() && s.owner == *z) {
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
            out.ttl = s.ttl;
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
            auto records = denial_for(*z, s.owner);
            auto d = prove_wildcard_answer(*backend_, s.owner, v.labels, *z, records, budget_,
                                           limits_.denial);
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
                auto r = judge(*d);
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
            auto r = judge(*c);
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
        auto records = denial_for(*z, name);
        auto run = [&](dns::rcode code) {
            auto d =
                prove_denial(*backend_, name, qtype, code, *z, records, budget_, limits_.denial);
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
    std::vector<dns::record> records_;
    std::vector<rrset> sets_;
    std::vector<dns::name> apexes_;
    std::vector<std::optional<rrset_result>> judged_;
    std::map<dns::name, zone_info, dns::canonical_less> zones_;
    std::map<dns::name, std::vector<dns::record>, dns::canonical_less> denial_cache_;
    work_done work_{};
    nsec3_budget budget_{};
    verify_scratch scratch_;
};

} // namespace dane::dnssec
