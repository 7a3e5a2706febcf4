// One SMTP session for one connect action of the delivery plan: the client configuration
// and the Botan TLS engine that the plan's TLS policy calls for, and the session_report the
// plan takes back once the client has finished. Sans-I/O like both sides it joins: the
// caller moves the bytes (io/smtp_session.hpp does it over a blocking socket).
//
//     auto engine = smtp::make_tls_engine(target.tls, now, rng);
//     smtp::client c(smtp::session_config(target, base_config), engine, steady_now);
//     ... drive c to done{} or failed{} ...
//     plan.report(smtp::report_session(outcome, engine.verification()));
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "dane/smtp/botan_tls_engine.hpp"
#include "dane/smtp/client.hpp"
#include "dane/smtp/delivery_plan.hpp"
#include "dane/smtp/outcome.hpp"
#include "dane/smtp/policy.hpp"
#include "dane/tlsa/verify.hpp"

namespace dane::smtp {

// The engine's mode for a TLS policy: the certificate is checked (and the handshake aborted
// on failure) whenever TLS is required; under opportunistic TLS it is not (RFC 7672 §2.2).
// Required-unauthenticated hosts have secure TLSA records none of which is usable: the
// verifier accepts any chain for them (RFC 7672 §2.2, "TLS required, not authenticated").
constexpr tls_mode engine_mode(tls_requirement r) noexcept {
    return r == tls_requirement::opportunistic ? tls_mode::opportunistic : tls_mode::dane_required;
}

// The verification options of a TLS policy: the SMTP profile, its reference identifiers
// (the TLSA base domain first, which is also the SNI: RFC 7672 §8.1), checked at `now`.
inline tlsa::verify_options verify_options_for(const tls_policy& policy,
                                               std::chrono::sys_seconds now) {
    tlsa::verify_options o;
    o.mode = tlsa::profile::smtp;
    o.reference_ids = policy.reference_ids;
    o.now = now;
    o.describe_certificates = true;
    return o;
}

// The engine for one session under `policy`. `now`: the time certificates are checked at;
// `rng`: for the handshake.
inline botan_tls_engine make_tls_engine(const tls_policy& policy, std::chrono::sys_seconds now,
                                        std::shared_ptr<Botan::RandomNumberGenerator> rng,
                                        std::uint16_t port = 25) {
    return botan_tls_engine(engine_mode(policy.requirement), policy.tlsa_records,
                            verify_options_for(policy, now), now, std::move(rng), nullptr, port);
}

// The client configuration for a connect action: `base` (EHLO name, envelope, message,
// timeouts) with TLS required unless the plan allows cleartext.
inline client_config session_config(const connect& target, client_config base) {
    base.tls_required = !target.cleartext_allowed;
    return base;
}

// What the plan is told about a finished session: from the client's outcome and the
// engine's DANE verification (botan_tls_engine::verification(); empty when none ran).
//
// A session that failed before it came to STARTTLS (a refused greeting, EHLO refused, the
// connection lost) says nothing about TLS: it counts like an unreachable host (RFC 8460
// §4.3.4 leaves transient failures out of the report). A hold_open session the caller
// quit without delivering (a probe) is `failed` with no TLS failure: TLS worked, and the
// plan moves on to the next host.
inline session_report report_session(const outcome& o,
                                     const std::optional<tlsa::verification>& verification) {
    session_report r;
    r.status = o.delivered ? session_status::delivered : session_status::failed;
    r.detail = o.failure_detail;
    const auto failure = o.failure;
    if (failure == errc::starttls_not_supported || failure == errc::starttls_refused) {
        r.tls = tls_failure::starttls_missing;
        if (r.detail.empty()) r.detail = failure.message();
        return r;
    }
    const bool in_handshake = o.failure_stage == stage::tls_handshake ||
                              failure == errc::tls_failed || failure == errc::starttls_injection;
    if (in_handshake && !o.delivered) {
        if (verification && !verification->authenticated()) {
            r.tls = tls_failure::not_authenticated;
            r.verification = verification->failure;
            if (!verification->reason.empty()) r.detail = verification->reason;
        } else {
            r.tls = tls_failure::handshake_failed;
        }
        return r;
    }
    if (!o.tls_used) {
        const bool before_starttls =
            o.failure_stage &&
            (*o.failure_stage == stage::greeting || *o.failure_stage == stage::ehlo ||
             *o.failure_stage == stage::helo || *o.failure_stage == stage::starttls);
        if (before_starttls && !o.delivered) {
            r.status = session_status::unreachable;
            return r;
        }
        r.cleartext = true; // opportunistic: no STARTTLS offered, the session went on
    }
    return r;
}

} // namespace dane::smtp
