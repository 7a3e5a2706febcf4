// Session outcomes in SMTP TLS Reporting terms (RFC 8460 §4.3): from the TLS policy the
// delivery plan chose for a host, what the SMTP client saw, and tlsa::verify's result, the
// result type a TLS-RPT report counts the session under.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dane/tlsa/verify.hpp"
#include "dane/tlsrpt/report.hpp"

namespace dane::smtp {

// RFC 8460 §4.3 result types, and success: the TLS reporting layer's own enumeration, so
// that a session's outcome goes into a report as it is.
using rpt_result_type = tlsrpt::result_type;

// tlsa::verify's failure as a result type. A verification that failed without naming a
// reason is a general failure (RFC 8460 §4.3.3).
constexpr rpt_result_type from_verification(tlsa::rpt_result r) noexcept {
    switch (r) {
    case tlsa::rpt_result::tlsa_invalid:
        return rpt_result_type::tlsa_invalid;
    case tlsa::rpt_result::certificate_host_mismatch:
        return rpt_result_type::certificate_host_mismatch;
    case tlsa::rpt_result::certificate_expired:
        return rpt_result_type::certificate_expired;
    case tlsa::rpt_result::certificate_not_trusted:
        return rpt_result_type::certificate_not_trusted;
    case tlsa::rpt_result::none:
    case tlsa::rpt_result::validation_failure:
        return rpt_result_type::validation_failure;
    }
    return rpt_result_type::validation_failure;
}

// What went wrong with TLS in one session, as the SMTP client tells it.
enum class tls_failure : std::uint8_t {
    none,              // TLS was up (or not needed) for the whole session
    starttls_missing,  // the server did not offer STARTTLS, or refused the command
    handshake_failed,  // the TLS handshake failed (protocol alert, no common cipher ...)
    not_authenticated, // the handshake completed but tlsa::verify did not authenticate
};

// How a session ended.
enum class session_status : std::uint8_t {
    delivered,   // the message was accepted
    failed,      // the session ran and ended without delivery (TLS or SMTP failure)
    unreachable, // no connection to any address of the host (transient, RFC 8460 §4.3.4)
};

// What the SMTP client reports after one connection attempt.
struct session_report {
    session_status status = session_status::failed;
    tls_failure tls = tls_failure::none;
    // tlsa::verify's result, for tls_failure::not_authenticated.
    tlsa::rpt_result verification = tlsa::rpt_result::none;
    std::string detail; // the failure-reason-code (RFC 8460 §4.4), e.g. tlsa::verification::reason
    bool cleartext = false; // the session went on without TLS (opportunistic only)
};

// The result type a session counts under; nothing for a session that says nothing about
// TLS (a connection that never opened is transient, RFC 8460 §4.3.4; an SMTP rejection
// over a working TLS session is a success of TLS).
//
// `authenticated` is whether the plan required DANE authentication for this host. Under
// opportunistic TLS certificates are not checked, so only a missing STARTTLS or a failed
// handshake are failures there.
inline std::optional<rpt_result_type> classify_session(bool authenticated,
                                                       const session_report& s) noexcept {
    if (s.status == session_status::unreachable) return std::nullopt;
    switch (s.tls) {
    case tls_failure::none:
        // A session that ran in cleartext never negotiated TLS.
        if (s.cleartext) return rpt_result_type::starttls_not_supported;
        return rpt_result_type::success;
    case tls_failure::starttls_missing:
        return rpt_result_type::starttls_not_supported;
    case tls_failure::handshake_failed:
        return rpt_result_type::validation_failure;
    case tls_failure::not_authenticated:
        if (!authenticated) return rpt_result_type::validation_failure;
        return from_verification(s.verification);
    }
    return rpt_result_type::validation_failure;
}

} // namespace dane::smtp
