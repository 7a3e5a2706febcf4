// The validating stub resolver, sans-I/O: it plans the DNS queries a validated answer
// needs, matches the responses, hands the records to the DNSSEC validator, and keeps what
// it established in a cache. It sends nothing itself: the caller sends the queries it
// returns to an upstream recursive resolver, over its own sockets and event loop.
//
// How a lookup proceeds (RFC 4035 §5; the approach of getdns's stub mode and BIND's delv):
// - the question goes to the upstream with DO=1 (RFC 3225: RRSIGs wanted) and CD=1 (RFC
//   4035 §3.2.2: bogus data too, so that this validator judges it); the upstream's AD bit
//   is never read;
// - every response is searched for the zones its records come from: the signer names of
//   RRSIGs and the owners of SOA records (a negative or unsigned answer names its zone
//   that way). For each zone under a trust anchor, the DS RRset (asked of the parent: the
//   answer is signed by the zone above, which is found the same way) and the DNSKEY RRset
//   are asked, until the chain reaches an anchor or a zone held in the cache;
// - once nothing is outstanding the validator judges the answer. What it still lacks
//   (validator::needs()) and the zones of RRsets that came unsigned (found with an SOA
//   query for the owner: an insecure delegation must be proven, RFC 4035 §5.2) are asked
//   in another round, until nothing new can be learnt or a limit is reached;
// - a question the upstream does not answer (after retries), answers SERVFAIL or
//   REFUSED, or answers with a malformed message makes a verdict that would be bogus
//   indeterminate instead (RFC 7672 §2.1.1 treats both as a lookup failure, unlike
//   insecure), with the reason naming the query.
//
// Responses are matched by ID, question, QR and opcode (RFC 5452 §4); IDs come from the
// caller's random source. A truncated UDP answer is asked again over TCP (RFC 7766 §5).
// Every resolution is bounded (resolution_limits, dnssec::validation_limits).
//
// The cache (resolver/cache.hpp) makes a repeated lookup cost nothing, and a lookup under
// zones already established cost only its own question: cached secure zones enter the
// validator as anchors of their validated keys, cached unsigned zones as insecure anchors.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/chain.hpp"
#include "dane/dnssec/ds.hpp"
#include "dane/dnssec/keytag.hpp"
#include "dane/dnssec/limits.hpp"
#include "dane/dnssec/rrsig.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/validator.hpp"
#include "dane/resolver/cache.hpp"
#include "dane/resolver/limits.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "dane/resolver/query.hpp"

namespace dane::resolver {

struct resolver_options {
    resolution_limits limits{};
    dnssec::validation_limits validation{};
    cache_limits cache{};
};

// Draws query IDs; the caller passes a good random source (RFC 5452 §9.2).
using id_source = std::function<std::uint16_t()>;

template <crypto::verifier_backend B>
class stub_resolver;

// One lookup in progress. The caller loops: send take_queries() to the upstream, feed each
// response to receive(), call on_timer() when deadline() passes, until done(). A
// resolution refers to the stub_resolver that started it, which must outlive it.
template <crypto::verifier_backend B>
class resolution {
public:
    // Queries to send now; each is returned once.
    std::vector<outgoing_query> take_queries() {
        std::vector<outgoing_query> out;
        out.swap(to_send_);
        return out;
    }

    // A response from the upstream: a UDP datagram, or one TCP message without its length
    // prefix. It is matched to an outstanding query by ID, question, QR and opcode; anything
    // else is ignored (counted in result().stats.ignored).
    void receive(bytes_view message, clock_reading now) {
        if (done_) return;
        auto m = dns::message_view::parse(message);
        if (!m) {
            // Not a DNS message we can read. If its ID is that of exactly one outstanding
            // query, that query got a malformed answer; otherwise it is noise.
            if (auto id = byte_reader(message).u16()) {
                auto it = std::find_if(pending_.begin(), pending_.end(),
                                       [&](const pending& p) { return p.id == *id; });
                if (it != pending_.end()) {
                    fail_question(it->question, reason_for(failure::malformed, *it));
                    pending_.erase(it);
                    after_change(now);
                    return;
                }
            }
            ++result_.stats.ignored;
            return;
        }
        auto it = std::find_if(pending_.begin(), pending_.end(),
                               [&](const pending& p) { return matches(*m, p); });
        if (it == pending_.end()) {
            ++result_.stats.ignored;
            return;
        }
        pending p = std::move(*it);
        pending_.erase(it);
        ++result_.stats.responses;
        take_response(p, *m, now);
        after_change(now);
    }

    // The caller could not send the query or read its answer (connection refused or
    // reset): as a timeout, it is retried or counted as unanswered.
    void transport_failed(std::uint64_t handle, clock_reading now) {
        if (done_) return;
        auto it = std::find_if(pending_.begin(), pending_.end(),
                               [&](const pending& p) { return p.handle == handle; });
        if (it == pending_.end()) return;
        pending p = std::move(*it);
        pending_.erase(it);
        retry_or_fail(std::move(p), failure::transport, now);
        after_change(now);
    }

    // Handles every deadline that has passed.
    void on_timer(clock_reading now) {
        if (done_) return;
        if (now.steady >= give_up_) {
            for (auto& p : pending_)
                fail_question(p.question, reason_for(failure::timeout, p));
            pending_.clear();
            finish(now);
            return;
        }
        std::vector<pending> late;
        for (auto it = pending_.begin(); it != pending_.end();) {
            if (it->deadline <= now.steady) {
                late.push_back(std::move(*it));
                it = pending_.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& p : late)
            retry_or_fail(std::move(p), failure::timeout, now);
        if (!late.empty()) after_change(now);
    }

    // The earliest deadline of an outstanding query; none when nothing is outstanding.
    std::optional<std::chrono::steady_clock::time_point> deadline() const {
        if (done_ || pending_.empty()) return std::nullopt;
        auto d = give_up_;
        for (const auto& p : pending_)
            d = std::min(d, p.deadline);
        return d;
    }

    bool done() const noexcept { return done_; }
    // The outcome; meaningful once done().
    const lookup_result& result() const noexcept { return result_; }

private:
    friend class stub_resolver<B>;

    enum class failure : std::uint8_t { timeout, transport, malformed, servfail, refused, rcode };

    struct question_state {
        dns::name qname;
        dns::rr_type qtype = dns::rr_type::a;
        bool answered = false;
        std::optional<dnssec::reason> failed;
    };
    struct pending {
        std::uint64_t handle = 0;
        std::uint16_t id = 0;
        std::string question; // key into questions_
        dns::name qname;
        dns::rr_type qtype = dns::rr_type::a;
        resolver::transport via = transport::udp;
        std::size_t attempts = 1;
        std::chrono::steady_clock::time_point deadline{};
    };

    resolution(stub_resolver<B>& stub, dns::name_view qname, dns::rr_type qtype, clock_reading now)
        : stub_(&stub), limits_(stub.options().limits) {
        result_.qname = qname;
        result_.qtype = qtype;
        result_.final_name = qname;
        give_up_ = now.steady + limits_.resolution_timeout;
        if (auto hit = stub_->cache().find_answer(qname, qtype, now.wall)) {
            result_ = std::move(*hit); // kept without stats or work: it costs nothing now
            result_.stats.answer_from_cache = true;
            done_ = true;
            return;
        }
        cached_ancestors(qname, now);
        main_ = ask(qname, qtype, now);
    }

    // --- Questions ------------------------------------------------------------------

    // Asks a question unless it was asked before in this resolution. Returns its key.
    std::string ask(dns::name_view qname, dns::rr_type qtype, clock_reading now) {
        std::string key = detail::question_key(qname, qtype);
        if (questions_.count(key)) return key;
        if (result_.stats.queries_sent >= limits_.max_queries) {
            out_of_budget_ = true;
            return key;
        }
        questions_.emplace(key, question_state{dns::name(qname), qtype, false, std::nullopt});
        send(key, qname, qtype, transport::udp, 1, now);
        return key;
    }

    void send(const std::string& key, dns::name_view qname, dns::rr_type qtype,
              resolver::transport via, std::size_t attempt, clock_reading now) {
        if (result_.stats.queries_sent >= limits_.max_queries) {
            out_of_budget_ = true;
            fail_question(key, dnssec::reason(dns::ede_code::other, "query limit reached before " +
                                                                        describe(qname, qtype)));
            return;
        }
        dns::query_options o;
        o.checking_disabled = true;
        o.dnssec_ok = true;
        o.udp_payload_size = limits_.udp_payload_size;
        pending p;
        p.handle = ++next_handle_;
        p.id = stub_->next_id();
        p.question = key;
        p.qname = qname;
        p.qtype = qtype;
        p.via = via;
        p.attempts = attempt;
        p.deadline = std::min(now.steady + limits_.query_timeout, give_up_);
        auto wire = dns::message_builder::query(p.id, qname, qtype, o).build();
        if (!wire) { // a name of at most 255 octets always fits
            fail_question(key, dnssec::reason(dns::ede_code::other, "could not build the query"));
            return;
        }
        ++result_.stats.queries_sent;
        to_send_.push_back(
            outgoing_query{p.handle, via, std::move(*wire), p.deadline, dns::name(qname), qtype});
        pending_.push_back(std::move(p));
    }

    static bool matches(const dns::message_view& m, const pending& p) {
        if (m.id() != p.id || !m.qr() || m.opcode() != dns::opcode::query) return false;
        if (m.count(dns::section::question) != 1) return false;
        const auto q = *m.question().begin();
        return q.qtype() == p.qtype && q.qclass() == dns::rr_class::in && q.qname() == p.qname;
    }

    static std::string describe(dns::name_view n, dns::rr_type t) {
        return dns::to_string(t) + " " + dns::name(n).to_string();
    }

    dnssec::reason reason_for(failure f, const pending& p) const {
        const std::string q = describe(p.qname, p.qtype);
        switch (f) {
        case failure::timeout:
            return {dns::ede_code::no_reachable_authority, "no answer from the upstream to " + q};
        case failure::transport:
            return {dns::ede_code::network_error, "could not reach the upstream for " + q};
        case failure::malformed:
            return {dns::ede_code::network_error, "malformed answer from the upstream to " + q};
        case failure::servfail:
            return {dns::ede_code::no_reachable_authority,
                    "the upstream answered SERVFAIL to " + q};
        case failure::refused:
            return {dns::ede_code::prohibited, "the upstream refused " + q};
        case failure::rcode:
            break;
        }
        return {dns::ede_code::other, "unexpected response code from the upstream to " + q};
    }

    void fail_question(const std::string& key, dnssec::reason why) {
        auto it = questions_.find(key);
        if (it == questions_.end() || it->second.answered || it->second.failed) return;
        it->second.failed = std::move(why);
    }

    void retry_or_fail(pending p, failure f, clock_reading now) {
        if (p.attempts < limits_.max_attempts && now.steady < give_up_) {
            ++result_.stats.retries;
            send(p.question, p.qname, p.qtype, p.via, p.attempts + 1, now);
            return;
        }
        fail_question(p.question, reason_for(f, p));
    }

    // --- Responses ------------------------------------------------------------------

    void take_response(const pending& p, const dns::message_view& m, clock_reading now) {
        if (m.tc() && p.via == transport::udp) {
            // Truncated: ask the same question over TCP (RFC 7766 §5), keeping nothing
            // of the partial answer.
            ++result_.stats.tcp_fallbacks;
            send(p.question, p.qname, p.qtype, transport::tcp, 1, now);
            return;
        }
        if (m.tc()) {
            // Truncated over TCP too: the answer is incomplete whatever it holds, and there
            // is no larger transport to ask again over.
            fail_question(p.question, reason_for(failure::malformed, p));
            return;
        }
        const dns::rcode rc = m.rcode();
        if (p.question == main_) result_.rcode = rc;
        if (rc != dns::rcode::noerror && rc != dns::rcode::nxdomain) {
            const failure f = rc == dns::rcode::servfail  ? failure::servfail
                              : rc == dns::rcode::refused ? failure::refused
                                                          : failure::rcode;
            fail_question(p.question, reason_for(f, p));
            return;
        }
        std::vector<dns::record> got;
        for (auto s : {dns::section::answer, dns::section::authority})
            for (const auto& rv : m.records(s)) {
                auto r = rv.to_record();
                if (!r) {
                    fail_question(p.question, reason_for(failure::malformed, p));
                    return;
                }
                if (r->klass != dns::rr_class::in) continue;
                got.push_back(std::move(*r));
            }
        auto& q = questions_[p.question];
        q.answered = true;
        for (auto& r : got)
            learn(r, now);
        for (auto& r : got)
            keep(std::move(r));
    }

    // Keeps a record for validation, once.
    void keep(dns::record r) {
        std::string key = detail::question_key(r.owner, r.type);
        key.append(reinterpret_cast<const char*>(r.rdata.data()), r.rdata.size());
        if (!seen_records_.insert(std::move(key)).second) return;
        if (pool_.size() >= stub_->options().validation.max_records) {
            out_of_budget_ = true;
            return;
        }
        pool_.push_back(std::move(r));
    }

    // The zones a record reveals: an RRSIG's signer (when it is at or above the owner, as
    // RFC 4035 §5.3.1 requires of a signer that counts) and an SOA's owner.
    void learn(const dns::record& r, clock_reading now) {
        if (r.type == dns::rr_type::rrsig) {
            if (auto sig = dnssec::parse_rrsig(r.rdata);
                sig && r.owner.is_subdomain_of(sig->signer))
                want_zone(dns::name(sig->signer), now);
        } else if (r.type == dns::rr_type::soa) {
            want_zone(r.owner, now);
        }
    }

    // Asks for what establishes a zone: its DS RRset (from the parent; the answer names the
    // parent, which is wanted in turn) and its DNSKEY RRset. A zone held in the cache, or
    // outside every trust anchor, needs nothing. Says whether the zone was new.
    bool want_zone(const dns::name& zone_in, clock_reading now) {
        const dns::name zone = zone_in.lowercased();
        if (zones_.count(zone)) return false;
        const auto& anchors = stub_->anchors();
        if (!anchors.closest(zone)) return false; // no anchor above: insecure whatever we fetch
        if (zones_.size() >= limits_.max_zones) {
            out_of_budget_ = true;
            return false;
        }
        zones_.insert(zone);
        if (from_cache(zone, now)) return true; // a bogus one is not asked again either
        if (const auto* a = anchors.find(zone); !a || a->dnskeys.empty() || !a->ds.empty())
            ask(zone, dns::rr_type::dnskey, now);
        if (!anchors.find(zone)) ask(zone, dns::rr_type::ds, now);
        return true;
    }

    // Takes the cache's entry for a zone, if it holds one.
    const cached_zone* from_cache(const dns::name& zone, clock_reading now) {
        if (const cached_zone* c = cached(zone)) return c;
        const cached_zone* c = stub_->cache().find_zone(zone, now.wall);
        if (!c) return nullptr;
        ++result_.stats.zone_cache_hits;
        cached_.push_back(*c);
        return &cached_.back();
    }

    // The cached zones at and above a name: a lookup under zones established before starts
    // from them, whichever records its first response brings.
    void cached_ancestors(dns::name_view n, clock_reading now) {
        dns::name cur = dns::name(n).lowercased();
        for (std::size_t i = 0; i <= dns::max_labels; ++i) {
            if (!zones_.count(cur) && from_cache(cur, now)) zones_.insert(cur);
            if (cur.is_root()) break;
            cur = cur.parent();
        }
    }

    // After each response or failure: when nothing is outstanding, judge what we have and
    // either ask for what is missing or finish.
    void after_change(clock_reading now) {
        if (done_ || !pending_.empty() || !to_send_.empty()) return;
        if (now.steady >= give_up_) {
            finish(now);
            return;
        }
        const auto main = questions_.find(main_);
        if (main == questions_.end() || main->second.failed) {
            finish(now);
            return;
        }
        if (rounds_ >= limits_.max_rounds || out_of_budget_) {
            finish(now);
            return;
        }
        ++rounds_;
        auto v = make_validator(now);
        auto a = judge(v);
        const std::size_t asked_before = questions_.size();
        bool learnt = false;
        if (!a.verdict.secure() || !v.needs().empty()) learnt = plan_more(v, a, now);
        if (!learnt && questions_.size() == asked_before && pending_.empty()) {
            finish_with(v, a, now);
            return;
        }
    }

    // What the validator lacked, and the zones of RRsets that came unsigned.
    // Says whether the cache brought zones the validator did not have.
    bool plan_more(dnssec::validator<B>& v, const dnssec::answer_result& a, clock_reading now) {
        bool learnt = false;
        for (const auto& need : v.needs()) {
            const dns::name zone = need.name.lowercased();
            if (cached(zone)) continue; // held: a bogus zone is not asked again
            if (from_cache(zone, now)) {
                zones_.insert(zone);
                learnt = true;
                continue;
            }
            if (need.type == dns::rr_type::ds) want_zone(zone, now);
            ask(zone, need.type, now);
        }
        if (a.verdict.state == dnssec::security::insecure) return learnt;
        // An RRset without RRSIGs is secure nowhere; if it sits in an unsigned zone below a
        // signed one, the SOA query finds that zone's apex and the DS query for it brings
        // the parent's proof that the delegation is unsigned.
        const auto sets = v.rrsets();
        auto discover = [&](dns::name_view owner) {
            const std::size_t before = cached_.size();
            cached_ancestors(owner, now);
            learnt = learnt || cached_.size() != before;
            ask(owner, dns::rr_type::soa, now);
        };
        for (auto i : a.rrsets)
            if (i < sets.size() && sets[i].signatures.empty()) discover(sets[i].owner);
        if (a.rrsets.empty() || a.final_name != result_.qname) discover(a.final_name);
        // The upstream stopped a CNAME chain short: ask for the rest.
        if (a.final_name != result_.qname &&
            a.rrsets.size() < 1 + stub_->options().validation.max_cname_chain)
            ask(a.final_name, result_.qtype, now);
        return learnt;
    }

    dnssec::validator<B> make_validator(clock_reading now) {
        dnssec::trust_anchors anchors = stub_->anchors();
        for (const auto& z : cached_) {
            if (z.verdict.state == dnssec::security::secure) {
                for (const auto& k : z.dnskeys)
                    (void)anchors.add_dnskey(z.zone, k);
            } else if (z.verdict.state == dnssec::security::insecure) {
                anchors.add_insecure(z.zone, z.verdict.why);
            }
        }
        dnssec::validator<B> v(stub_->backend(), std::move(anchors), now.wall,
                               stub_->options().validation);
        if (!v.add(pool_)) out_of_budget_ = true;
        return v;
    }

    dnssec::answer_result judge(dnssec::validator<B>& v) {
        auto a = v.validate_answer(result_.qname, result_.qtype, result_.rcode);
        result_.work += a.work;
        return a;
    }

    // Finishing without a validator of this round (the question failed, time ran out).
    void finish(clock_reading now) {
        auto v = make_validator(now);
        auto a = judge(v);
        finish_with(v, a, now);
    }

    void finish_with(dnssec::validator<B>& v, const dnssec::answer_result& a, clock_reading now) {
        if (done_) return;
        done_ = true;
        pending_.clear();
        to_send_.clear();
        result_.verdict = a.verdict;
        result_.proven = a.proven;
        result_.final_name = a.final_name;
        const auto main = questions_.find(main_);
        const bool main_failed = main == questions_.end() || !main->second.answered;
        // A failure to obtain records turns a verdict that is not proven into
        // indeterminate: the data could not be judged (RFC 4035 §4.3).
        if (main_failed || result_.verdict.state == dnssec::security::bogus) {
            const dnssec::reason* failed = nullptr;
            if (main != questions_.end() && main->second.failed) failed = &*main->second.failed;
            for (const auto& [_, q] : questions_)
                if (!failed && q.failed) failed = &*q.failed;
            if (failed)
                result_.verdict = {dnssec::security::indeterminate, *failed};
            else if (main_failed)
                result_.verdict = dnssec::indeterminate_verdict(
                    dns::ede_code::no_reachable_authority, "no answer from the upstream");
            else if (out_of_budget_ && !cached_bogus_zone())
                result_.verdict = dnssec::indeterminate_verdict(
                    dns::ede_code::other, "resolution stopped at its query or zone limit");
        }
        if (result_.verdict.state == dnssec::security::bogus)
            if (const cached_zone* z = cached_bogus_zone()) result_.verdict = z->verdict;
        if (result_.verdict.state == dnssec::security::indeterminate ||
            result_.verdict.state == dnssec::security::bogus)
            result_.proven = dnssec::proof::nothing;

        const auto sets = v.rrsets();
        std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
        for (auto i : a.rrsets) {
            if (i >= sets.size()) continue;
            result_.rrsets.push_back(sets[i]);
            ttl = std::min(ttl, rrset_ttl(v, i));
        }
        for (auto i : a.denial_rrsets)
            if (i < sets.size()) ttl = std::min(ttl, sets[i].ttl);
        if (a.rrsets.empty()) // a negative answer lives as long as its SOA says (RFC 2308 §5)
            for (std::size_t i = 0; i < sets.size(); ++i)
                if (sets[i].type == dns::rr_type::soa && !sets[i].rdatas.empty())
                    ttl = std::min({ttl, sets[i].ttl, soa_minimum(sets[i].rdatas.front())});
        if (ttl == std::numeric_limits<std::uint32_t>::max()) ttl = 0;

        build_chain(v, a, now, ttl);
        const auto& cl = stub_->cache().limits();
        if (result_.verdict.state == dnssec::security::bogus)
            ttl = static_cast<std::uint32_t>(cl.bogus_ttl.count());
        if (result_.verdict.state == dnssec::security::indeterminate)
            ttl = static_cast<std::uint32_t>(cl.indeterminate_ttl.count());
        result_.ttl = ttl;
        if (!result_.work.cut_short && !out_of_budget_)
            stub_->cache().store_answer(result_, now.wall);
    }

    std::uint32_t rrset_ttl(dnssec::validator<B>& v, std::size_t i) {
        const auto& s = v.rrsets()[i];
        if (result_.verdict.secure()) {
            // The validator caps a secure RRset's TTL by its RRSIG (RFC 4035 §5.3.3); the
            // verdict is known already, so no signature is verified again.
            auto r = v.validate_rrset(i);
            result_.work += v.work();
            return r.verdict.secure() ? r.ttl : s.ttl;
        }
        return s.ttl;
    }

    // MINIMUM, the last field of SOA RDATA (RFC 1035 §3.3.13).
    static std::uint32_t soa_minimum(const byte_buffer& rdata) {
        if (rdata.size() < 4) return 0;
        byte_reader in(bytes_view(rdata).last(4));
        return in.u32().value();
    }

    bool any_failed() const {
        for (const auto& [_, q] : questions_)
            if (q.failed) return true;
        return false;
    }
    const cached_zone* cached_bogus_zone() const {
        for (const auto& z : cached_)
            if (z.verdict.state == dnssec::security::bogus) return &z;
        return nullptr;
    }

    // The chain of zones, anchor first, and the records of an RFC 9102 chain; caches the
    // zones this resolution established.
    void build_chain(dnssec::validator<B>& v, const dnssec::answer_result& a, clock_reading now,
                     std::uint32_t& ttl) {
        const auto sets = v.rrsets();
        const auto& anchors = stub_->anchors();
        // The zones the answer rests on; a zone held in the cache knows its parent.
        const auto zones =
            dnssec::answer_zones(v, anchors, a, limits_.max_zones * 2,
                                 [&](const dns::name& z) -> std::optional<dns::name> {
                                     if (const cached_zone* c = from_cache(z, now))
                                         return c->parent;
                                     return v.apex_above(z);
                                 });

        std::vector<std::size_t> taken(a.rrsets.begin(), a.rrsets.end());
        taken.insert(taken.end(), a.denial_rrsets.begin(), a.denial_rrsets.end());
        for (const auto& z : zones) {
            if (const cached_zone* c = from_cache(z, now)) {
                result_.chain.push_back(c->link);
                result_.chain_records.insert(result_.chain_records.end(), c->records.begin(),
                                             c->records.end());
                ttl =
                    std::min<std::uint32_t>(ttl, static_cast<std::uint32_t>(std::max<std::int64_t>(
                                                     0, (c->expires - now.wall).count())));
                continue;
            }
            auto report = v.known_zone(z);
            if (!report) continue; // not judged (the lookup failed before): nothing to show
            zone_link link;
            link.zone = z;
            link.trust_anchor = anchors.find(z) != nullptr;
            link.verdict = report->verdict;
            cached_zone entry;
            entry.zone = z;
            if (!link.trust_anchor)
                if (auto p = v.apex_above(z)) entry.parent = p->lowercased();
            std::vector<std::size_t> own;
            for (std::size_t i = 0; i < sets.size(); ++i) {
                if (sets[i].owner != z) continue;
                if (sets[i].type == dns::rr_type::ds)
                    for (const auto& rd : sets[i].rdatas)
                        link.ds.push_back(summarize_ds(rd));
                if (sets[i].type == dns::rr_type::dnskey)
                    for (const auto& rd : sets[i].rdatas)
                        link.dnskeys.push_back(summarize_dnskey(rd));
                // An unsigned zone is known offline by its apex records (the validator
                // learns apexes from NS and SOA owners).
                const bool apex_record =
                    sets[i].type == dns::rr_type::ns || sets[i].type == dns::rr_type::soa;
                if (sets[i].type == dns::rr_type::ds || sets[i].type == dns::rr_type::dnskey ||
                    (apex_record && link.verdict.state != dnssec::security::secure))
                    own.push_back(i);
            }
            for (auto i : report->denial)
                own.push_back(i);
            for (auto i : own) {
                taken.push_back(i);
                auto recs = dnssec::to_records(sets[i]);
                entry.records.insert(entry.records.end(), recs.begin(), recs.end());
            }
            result_.chain.push_back(link);
            entry.link = link;
            entry.verdict = link.verdict;
            if (link.verdict.state == dnssec::security::indeterminate) continue;
            std::uint32_t keep = 0;
            if (link.verdict.secure()) {
                for (std::size_t i = 0; i < sets.size(); ++i)
                    if (sets[i].owner == z && sets[i].type == dns::rr_type::dnskey)
                        entry.dnskeys = sets[i].rdatas;
                if (entry.dnskeys.empty()) continue; // an anchor standing alone: nothing to keep
                keep = report->dnskey_ttl;
                if (!link.trust_anchor) keep = std::min(keep, report->ds_ttl);
            } else if (link.verdict.state == dnssec::security::insecure) {
                if (report->proven != dnssec::proof::no_ds &&
                    report->proven != dnssec::proof::no_ds_opt_out)
                    continue; // insecure for another reason (algorithm, policy): not kept
                keep = std::numeric_limits<std::uint32_t>::max();
                for (auto i : report->denial)
                    keep = std::min(keep, sets[i].ttl);
            }
            // A zone judged bogus because a query failed is not known to be bogus.
            if (link.verdict.state == dnssec::security::bogus && any_failed()) continue;
            entry.expires = now.wall + std::chrono::seconds(keep);
            if (!result_.work.cut_short && !out_of_budget_)
                stub_->cache().store_zone(std::move(entry), now.wall);
        }
        std::sort(taken.begin(), taken.end());
        taken.erase(std::unique(taken.begin(), taken.end()), taken.end());
        for (auto i : taken) {
            if (i >= sets.size()) continue;
            auto recs = dnssec::to_records(sets[i]);
            result_.chain_records.insert(result_.chain_records.end(), recs.begin(), recs.end());
        }
    }

    const cached_zone* cached(const dns::name& z) const {
        for (const auto& c : cached_)
            if (c.zone == z) return &c;
        return nullptr;
    }

    stub_resolver<B>* stub_;
    resolution_limits limits_;
    lookup_result result_;
    bool done_ = false;
    bool out_of_budget_ = false;
    std::size_t rounds_ = 0;
    std::uint64_t next_handle_ = 0;
    std::chrono::steady_clock::time_point give_up_{};
    std::string main_;
    std::map<std::string, question_state> questions_;
    std::vector<pending> pending_;
    std::vector<outgoing_query> to_send_;
    std::vector<dns::record> pool_;
    std::unordered_set<std::string> seen_records_;
    std::set<dns::name, dns::canonical_less> zones_;
    std::deque<cached_zone> cached_; // zones taken from the cache, copied (stable addresses)
};

template <crypto::verifier_backend B>
class stub_resolver {
public:
    // The backend is referenced and must outlive the resolver and its resolutions.
    stub_resolver(const B& backend, dnssec::trust_anchors anchors, id_source ids,
                  resolver_options options = {})
        : backend_(&backend), anchors_(std::move(anchors)), ids_(std::move(ids)), options_(options),
          cache_(options.cache) {}

    // Starts a lookup; with the answer in the cache it is done at once.
    resolution<B> start(dns::name_view qname, dns::rr_type qtype, clock_reading now) {
        return resolution<B>(*this, qname, qtype, now);
    }

    resolver::cache& cache() noexcept { return cache_; }
    const dnssec::trust_anchors& anchors() const noexcept { return anchors_; }
    const resolver_options& options() const noexcept { return options_; }
    const B& backend() const noexcept { return *backend_; }
    std::uint16_t next_id() { return ids_ ? ids_() : 0; }

private:
    const B* backend_;
    dnssec::trust_anchors anchors_;
    id_source ids_;
    resolver_options options_;
    resolver::cache cache_;
};

} // namespace dane::resolver
