// The RFC 7672 delivery policy for one next-hop domain as a sans-I/O object: it says which
// DNS lookup it needs next, which host to connect to with which TLS policy, and when to
// stop. The caller runs the resolver (resolver/resolver.hpp) and the SMTP session and feeds
// the results back; the decisions are those of smtp/policy.hpp.
//
//     smtp::delivery_plan plan(next_hop, config);
//     for (;;) {
//         auto a = plan.next_action();
//         if (auto* q = std::get_if<smtp::need_lookup>(&a)) {
//             plan.fed(q->name, q->type, resolve(q->name, q->type));
//         } else if (auto* c = std::get_if<smtp::connect>(&a)) {
//             plan.report(run_session(*c)); // never cleartext unless c->cleartext_allowed
//         } else break; // delay, bounce or delivered
//     }
//
// The order of lookups: MX of the next-hop domain; then per host, in MX preference order,
// A, AAAA, a CNAME query when insecure addresses came through a CNAME (RFC 7672 §2.1.3),
// and TLSA at _25._tcp.<candidate> for each candidate base domain until one is secure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "dane/smtp/outcome.hpp"
#include "dane/smtp/policy.hpp"

namespace dane::smtp {

// Resolve NAME/TYPE (with DNSSEC validation) and pass the result to fed().
struct need_lookup {
    dns::name name;
    dns::rr_type type = dns::rr_type::mx;
    friend bool operator==(const need_lookup&, const need_lookup&) = default;
};

// Open an SMTP session to one of `addresses` (in order) and report how it ended.
struct connect {
    mx_host host;           // as the MX record (or the implicit MX) names it
    dns::name address_name; // the host name after CNAME expansion
    std::vector<host_address> addresses;
    tls_policy tls;
    std::string log_name; // the name to log the delivery under (RFC 7672 §2.2.1)
    // False whenever TLS is required: a missing STARTTLS, a failed handshake or a failed
    // match (required_authenticated) end the session without delivery, never in cleartext.
    bool cleartext_allowed = false;
};

// No delivery now: retry later (a temporary failure, RFC 7672 §2.1.2).
struct delay {
    std::string reason;
};

// No delivery ever: the domain does not exist or publishes a null MX (RFC 5321 §5.1,
// RFC 7505).
struct bounce {
    std::string reason;
};

// Delivered.
struct delivered {
    std::string log_name;
};

// What the plan asks of its caller next (the SMTP client's own actions are smtp::action).
using plan_action = std::variant<need_lookup, connect, delay, bounce, delivered>;

// What happened with one host: for logs and TLS-RPT aggregation.
struct host_attempt {
    mx_host host;
    std::string log_name;
    std::optional<tls_requirement> tls;        // when a connection was asked for
    std::optional<dns::name> tlsa_base_domain; // where secure TLSA records were found
    std::optional<rpt_result_type> result;     // the TLS-RPT result, when there is one
    std::string detail;                        // why skipped, or the session's detail
    bool connected = false;                    // a connect action was issued
};

class delivery_plan {
public:
    explicit delivery_plan(dns::name next_hop, policy_config config = {})
        : config_(std::move(config)), next_hop_(std::move(next_hop)) {}

    // What to do next. Stays the same until fed() or report() moves the plan on.
    plan_action next_action() const {
        switch (phase_) {
        case phase::mx:
            return need_lookup{next_hop_, dns::rr_type::mx};
        case phase::address_a:
            return need_lookup{current().name, dns::rr_type::a};
        case phase::address_aaaa:
            return need_lookup{current().name, dns::rr_type::aaaa};
        case phase::cname:
            return need_lookup{current().name, dns::rr_type::cname};
        case phase::tlsa:
            return need_lookup{tlsa_name_, dns::rr_type::tlsa};
        case phase::connecting:
            return pending_;
        case phase::finished:
            break;
        }
        return final_;
    }

    // The result of the lookup next_action() asked for. False (and nothing changes) when
    // no such lookup is outstanding.
    bool fed(dns::name_view name, dns::rr_type type, const resolver::lookup_result& r) {
        auto want = next_action();
        auto* q = std::get_if<need_lookup>(&want);
        if (!q || q->type != type || q->name.lowercased() != dns::name(name).lowercased())
            return false;
        switch (phase_) {
        case phase::mx:
            on_mx(r);
            break;
        case phase::address_a:
            a_ = r;
            phase_ = phase::address_aaaa;
            break;
        case phase::address_aaaa:
            on_addresses(r);
            break;
        case phase::cname:
            decide_cname_check(addresses_, current().name, r);
            after_addresses();
            break;
        case phase::tlsa:
            on_tlsa(r);
            break;
        default:
            return false;
        }
        return true;
    }

    // How the session of the last connect action ended. Returns its TLS-RPT result type
    // (none for a transient connection failure); nothing when no connect is outstanding.
    std::optional<rpt_result_type> report(const session_report& s) {
        if (phase_ != phase::connecting) return std::nullopt;
        auto& attempt = attempts_.back();
        const bool authenticated =
            pending_.tls.requirement == tls_requirement::required_authenticated;
        attempt.result = classify_session(authenticated, s);
        attempt.detail = s.detail;
        if (s.status == session_status::delivered) {
            phase_ = phase::finished;
            final_ = delivered{pending_.log_name};
            return attempt.result;
        }
        last_reason_ =
            pending_.log_name + ": " + (s.detail.empty() ? std::string("no delivery") : s.detail);
        const auto result = attempt.result; // next_host() may add attempts (and move them)
        next_host();
        return result;
    }

    bool finished() const noexcept { return phase_ == phase::finished; }
    const mx_decision& mx() const noexcept { return mx_; }
    const std::vector<host_attempt>& attempts() const noexcept { return attempts_; }
    const policy_config& config() const noexcept { return config_; }

private:
    enum class phase { mx, address_a, address_aaaa, cname, tlsa, connecting, finished };

    const mx_host& current() const { return mx_.hosts[host_index_]; }

    void on_mx(const resolver::lookup_result& r) {
        mx_ = decide_mx(next_hop_, r, config_);
        switch (mx_.outcome) {
        case mx_outcome::delay:
            finish(delay{mx_.reason});
            return;
        case mx_outcome::bounce:
            finish(bounce{mx_.reason});
            return;
        case mx_outcome::deliver:
            break;
        }
        host_index_ = 0;
        start_host();
    }

    void start_host() {
        host_attempt attempt;
        attempt.host = current();
        attempt.log_name = current().name.to_string();
        attempts_.push_back(std::move(attempt));
        a_ = resolver::lookup_result{};
        addresses_ = address_decision{};
        phase_ = phase::address_a;
    }

    void on_addresses(const resolver::lookup_result& aaaa) {
        addresses_ = decide_addresses(current().name, a_, aaaa, config_);
        const bool may_use_dane = addresses_.outcome == address_outcome::tlsa_lookup ||
                                  addresses_.outcome == address_outcome::cname_check;
        if (may_use_dane && !mx_.mx_secure && !config_.dane_on_insecure_mx) {
            // RFC 7672 §2.2.1: DANE for hosts of an insecure MX answer is the client's
            // choice; this configuration does not make it, so no CNAME or TLSA lookups.
            decide(std::nullopt, nullptr);
            return;
        }
        if (addresses_.outcome == address_outcome::cname_check) {
            phase_ = phase::cname;
            return;
        }
        after_addresses();
    }

    void after_addresses() {
        switch (addresses_.outcome) {
        case address_outcome::unreachable:
            skip_host(addresses_.reason, addresses_.lookup_error
                                             ? std::optional(rpt_result_type::dnssec_invalid)
                                             : std::nullopt);
            return;
        case address_outcome::no_dane:
            decide(std::nullopt, nullptr);
            return;
        case address_outcome::cname_check: // handled in on_addresses
            return;
        case address_outcome::tlsa_lookup:
            break;
        }
        candidate_index_ = 0;
        next_candidate();
    }

    void next_candidate() {
        if (candidate_index_ >= addresses_.tlsa_candidates.size()) {
            // RFC 7672 §2.2.3: no candidate yielded secure TLSA records.
            decide(std::nullopt, nullptr);
            return;
        }
        const auto& candidate = addresses_.tlsa_candidates[candidate_index_];
        auto owner = tlsa_owner(candidate, config_.port);
        if (!owner) {
            // A name too long for the prefix: no lookup can prove the records absent, so
            // the host is treated as one whose TLSA lookup failed (fail closed).
            skip_host("TLSA owner name too long for " + candidate.to_string(), std::nullopt);
            return;
        }
        tlsa_name_ = std::move(*owner);
        phase_ = phase::tlsa;
    }

    void on_tlsa(const resolver::lookup_result& r) {
        auto reading = read_tlsa(r);
        switch (reading.outcome) {
        case tlsa_outcome::error:
            // RFC 7672 §2.1.2: "MUST treat that server as unreachable".
            skip_host("TLSA lookup failed: " + lookup_error_text(r),
                      rpt_result_type::dnssec_invalid);
            return;
        case tlsa_outcome::none:
            ++candidate_index_;
            next_candidate();
            return;
        case tlsa_outcome::secure_usable:
        case tlsa_outcome::secure_unusable:
            decide(addresses_.tlsa_candidates[candidate_index_], &reading);
            return;
        }
    }

    void decide(const std::optional<dns::name>& base, const tlsa_reading* reading) {
        host_context h;
        h.mx = current();
        h.implicit_mx = mx_.implicit_mx;
        h.mx_secure = mx_.mx_secure;
        h.next_hop = mx_.next_hop;
        h.expanded_next_hop = mx_.expanded_next_hop;
        h.expanded_name = addresses_.expanded_name;
        auto d = decide_host(h, base, reading, config_);
        auto& attempt = attempts_.back();
        attempt.log_name = d.log_name;
        attempt.tlsa_base_domain = d.tls.tlsa_base_domain;
        if (d.outcome == host_outcome::skip) {
            skip_host(d.reason, d.rpt_failure);
            return;
        }
        attempt.tls = d.tls.requirement;
        attempt.connected = true;
        attempt.detail = d.reason;
        pending_ = connect{};
        pending_.host = current();
        pending_.address_name = addresses_.expanded_name;
        pending_.addresses = addresses_.addresses;
        pending_.cleartext_allowed = d.tls.cleartext_allowed();
        pending_.tls = std::move(d.tls);
        pending_.log_name = std::move(d.log_name);
        phase_ = phase::connecting;
    }

    void skip_host(std::string reason, std::optional<rpt_result_type> result) {
        auto& attempt = attempts_.back();
        attempt.result = result;
        attempt.detail = reason;
        last_reason_ = attempt.log_name + ": " + reason;
        next_host();
    }

    void next_host() {
        ++host_index_;
        if (host_index_ < mx_.hosts.size()) {
            start_host();
            return;
        }
        // RFC 7672 §2.1.2: "If no servers are reachable, delivery is delayed."
        finish(delay{"no MX host delivered (last: " + last_reason_ + ")"});
    }

    void finish(plan_action a) {
        final_ = std::move(a);
        phase_ = phase::finished;
    }

    policy_config config_;
    dns::name next_hop_;
    phase phase_ = phase::mx;
    mx_decision mx_{};
    std::size_t host_index_ = 0;
    resolver::lookup_result a_{};
    address_decision addresses_{};
    std::size_t candidate_index_ = 0;
    dns::name tlsa_name_{};
    connect pending_{};
    plan_action final_{delay{"not started"}};
    std::vector<host_attempt> attempts_;
    std::string last_reason_;
};

} // namespace dane::smtp
