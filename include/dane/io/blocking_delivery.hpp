// Delivers one message to one next-hop domain with DANE (RFC 7672), blocking the calling
// thread: the delivery plan (smtp/delivery_plan.hpp) asks for lookups, which the stub
// resolver answers through io::resolve_blocking, and for sessions, which run over TCP
// through io::run_smtp_session with the TLS engine the host's policy needs. Everything
// the plan and the sessions saw is kept, for logs, `dane smtp` and TLS-RPT.
//
// In probe mode no message is sent: every MX host in turn gets connect, EHLO, STARTTLS,
// the DANE check, QUIT (what posttls-finger does), and the plan goes on to the next host
// after each session.
#pragma once

#include "dane/core/config.hpp"

#include <botan/auto_rng.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "dane/crypto/x509.hpp"
#include "dane/dns/name.hpp"
#include "dane/io/blocking_resolve.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/smtp_session.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "dane/resolver/resolver.hpp"
#include "dane/smtp/client.hpp"
#include "dane/smtp/delivery_plan.hpp"
#include "dane/smtp/session.hpp"
#include "dane/tlsa/verify.hpp"

namespace dane::io {

struct delivery_options {
    smtp::policy_config policy{};
    // The SMTP port of the MX hosts (the TLSA owner is _PORT._tcp, RFC 7672 §3.1).
    std::uint16_t port = 25;
    // The wall time DNSSEC and certificates are checked at, advancing with the monotonic
    // clock; none: the system clock.
    std::optional<std::chrono::sys_seconds> wall_time;
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
    bool probe = false; // every host, no message (see above)
    // For the TLS handshakes and the order of equal-preference MX hosts (unless
    // policy.shuffle_seed is set); null: an AutoSeeded_RNG made for the delivery.
    std::shared_ptr<Botan::RandomNumberGenerator> rng;
};

// The host index of a lookup that belongs to no host (the MX lookup).
inline constexpr std::size_t no_host = static_cast<std::size_t>(-1);

// One lookup the plan asked for, and its validated result.
struct lookup_record {
    std::size_t host = no_host; // index into delivery_result::attempts
    dns::name name;
    dns::rr_type type = dns::rr_type::mx;
    resolver::lookup_result result;
};

// One connect action of the plan and what came of it.
struct session_record {
    std::size_t host = 0; // index into delivery_result::attempts
    smtp::connect target;
    std::chrono::sys_seconds time{};         // when the session began (wall clock)
    std::optional<endpoint> address;         // the address the session ran on
    std::optional<endpoint> local;           // this side's address of that connection
    std::vector<std::string> connect_errors; // "ADDRESS: why" for each address that failed
    smtp::outcome outcome;
    // Opportunistic TLS only: the session on a new connection without STARTTLS after the
    // handshake of `outcome` failed (as Postfix does at security level "may").
    std::optional<smtp::outcome> cleartext_retry;
    smtp::session_report report;
    std::optional<smtp::rpt_result_type> result; // as the plan classified the session
    std::optional<tlsa::verification> verification;
    std::vector<crypto::cert_summary> chain; // what the server sent, leaf first
    std::string tls_version, cipher_suite;
};

struct delivery_result {
    smtp::plan_action final = smtp::delay{"not started"}; // delivered, delay or bounce
    smtp::mx_decision mx{};
    std::vector<smtp::host_attempt> attempts;
    std::vector<lookup_record> lookups;
    std::vector<session_record> sessions;

    bool delivered() const noexcept { return std::holds_alternative<smtp::delivered>(final); }
};

namespace detail {

template <smtp::tls_engine Engine>
void run_one_session(session_record& s, smtp::client<Engine>& client, int fd, bool probe) {
    auto action = run_smtp_session(client, fd);
    if (std::holds_alternative<smtp::ready>(action)) {
        // Probe: TLS is up as policy wants (or the policy allowed cleartext); say goodbye.
        if (probe) client.quit(std::chrono::steady_clock::now());
        action = run_smtp_session(client, fd);
    }
    if (auto* d = std::get_if<smtp::done>(&action)) s.outcome = std::move(d->outcome);
    if (auto* f = std::get_if<smtp::failed>(&action)) s.outcome = std::move(f->outcome);
}

// The handshake failed where the policy allows cleartext (opportunistic TLS, RFC 7672
// §2.2: no secure TLSA records): the message goes again on a new connection without
// STARTTLS. The session still counts as the TLS failure it was for TLS-RPT; only its
// status becomes delivered when the retry delivers.
inline void retry_in_cleartext(session_record& s, const endpoint& to, smtp::client_config config,
                               std::chrono::milliseconds timeout) {
    auto fd = connect_stream(to, std::chrono::steady_clock::now() + timeout);
    if (!fd) return;
    config.use_starttls = false;
    config.tls_required = false;
    // An engine that is never started: the client does not use STARTTLS.
    smtp::botan_tls_engine unused(smtp::tls_mode::opportunistic, {}, {}, {}, nullptr);
    smtp::client client(std::move(config), unused, std::chrono::steady_clock::now());
    session_record retry;
    run_one_session(retry, client, fd->get(), false);
    if (retry.outcome.delivered) s.report.status = smtp::session_status::delivered;
    s.cleartext_retry = std::move(retry.outcome);
}

} // namespace detail

// Runs the delivery of `message` (its envelope, text and EHLO name; tls_required and
// hold_open are set here) to `next_hop` against the recursive resolver `upstream`.
template <crypto::verifier_backend B>
delivery_result deliver_blocking(resolver::stub_resolver<B>& stub, const endpoint& upstream,
                                 const dns::name& next_hop, const smtp::client_config& message,
                                 const delivery_options& options = {}) {
    using steady = std::chrono::steady_clock;
    delivery_result out;
    const detail::driver_clock clock(options.wall_time);
    auto rng = options.rng ? options.rng : std::make_shared<Botan::AutoSeeded_RNG>();
    blocking_options resolve_options;
    resolve_options.wall_time = options.wall_time;

    auto policy = options.policy;
    // RFC 5321 §5.1: equal-preference MX hosts in a random order.
    if (!policy.shuffle_seed) {
        std::uint64_t seed = 0;
        rng->randomize(reinterpret_cast<std::uint8_t*>(&seed), sizeof seed);
        policy.shuffle_seed = seed;
    }
    smtp::delivery_plan plan(next_hop, std::move(policy));
    // Bounded: every step moves the plan on, and the plan's lookups and hosts are bounded
    // by policy_limits.
    for (;;) {
        auto action = plan.next_action();
        if (auto* q = std::get_if<smtp::need_lookup>(&action)) {
            if (options.wall_time) resolve_options.wall_time = clock.now().wall;
            auto r = resolve_blocking(stub, upstream, q->name, q->type, resolve_options);
            const auto host = plan.attempts().empty() ? no_host : plan.attempts().size() - 1;
            plan.fed(q->name, q->type, r);
            out.lookups.push_back({host, q->name, q->type, std::move(r)});
            continue;
        }
        auto* target = std::get_if<smtp::connect>(&action);
        if (!target) {
            out.final = std::move(action);
            break;
        }
        session_record s;
        s.host = plan.attempts().size() - 1;
        s.target = *target;
        s.time = clock.now().wall;
        auto config = smtp::session_config(*target, message);
        config.hold_open = options.probe;
        if (options.probe) {
            config.envelope = {};
            config.message.clear();
        }
        for (const auto& a : target->addresses) {
            const auto to = to_endpoint(a, options.port);
            auto fd = connect_stream(to, steady::now() + options.connect_timeout);
            if (!fd) {
                s.connect_errors.push_back(to_string(to) + ": " + fd.error().message());
                continue;
            }
            s.address = to;
            if (auto local = local_endpoint(fd->get())) s.local = *local;
            auto engine = smtp::make_tls_engine(target->tls, clock.now().wall, rng, options.port);
            smtp::client client(config, engine, steady::now());
            detail::run_one_session(s, client, fd->get(), options.probe);
            s.report = smtp::report_session(s.outcome, engine.verification());
            s.verification = engine.verification();
            s.chain.assign(engine.peer_chain().begin(), engine.peer_chain().end());
            s.tls_version = engine.protocol_version();
            s.cipher_suite = engine.cipher_suite();
            if (!options.probe && target->cleartext_allowed &&
                s.report.tls == smtp::tls_failure::handshake_failed)
                detail::retry_in_cleartext(s, to, config, options.connect_timeout);
            break;
        }
        if (!s.address) {
            s.report.status = smtp::session_status::unreachable;
            s.report.detail = s.connect_errors.empty() ? "no address" : s.connect_errors.back();
        }
        s.result = plan.report(s.report);
        out.sessions.push_back(std::move(s));
    }
    out.mx = plan.mx();
    out.attempts = plan.attempts();
    return out;
}

} // namespace dane::io
