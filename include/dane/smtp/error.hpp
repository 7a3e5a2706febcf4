// Errors of the SMTP layer: replies that are not RFC 5321 replies, command arguments that
// cannot be sent, and the reasons a client session ends without delivering. Like every
// layer: one `enum class errc` and one std::error_category with plain-words messages.
#pragma once

#include "dane/core/config.hpp"

#include <string>
#include <system_error>

namespace dane::smtp {

enum class errc {
    // Reply parser (RFC 5321 §4.2, §2.3.8, §4.5.3.1.5)
    bad_reply_code = 1,      // not three digits 2-5, 0-5, 0-9
    bad_reply_separator,     // the code is followed by neither SP, "-" nor CRLF
    inconsistent_reply_code, // the lines of a multi-line reply carry different codes
    reply_line_too_long,     // a reply line longer than the limit (512 with CRLF)
    too_many_reply_lines,    // a multi-line reply with more lines than the limit
    bad_line_ending,         // a bare CR or bare LF: only CRLF ends a line (§2.3.8)
    bad_reply_text,          // a control character (other than HT) in the reply text
    // Commands
    bad_argument,     // an argument with CR, LF, NUL, or a character its syntax forbids
    empty_argument,   // a required argument that is empty
    command_too_long, // a command line over 512 octets with CRLF (§4.5.3.1.4)
    // Client session
    unexpected_reply,       // the server answered a command with a refusal or a wrong code
    service_closing,        // 421: the server is closing the channel (§3.8)
    connection_closed,      // the server closed the connection before the session ended
    timeout,                // a stage's deadline passed (§4.5.3.2)
    starttls_not_supported, // TLS is required but the server offers no STARTTLS
    starttls_refused,       // TLS is required but the server refused STARTTLS
    starttls_injection,     // bytes after the 220 to STARTTLS, before TLS was up
    unsolicited_data,       // the server sent data no command had asked for yet
    tls_failed,             // the TLS engine failed (handshake or verification)
    no_recipient_accepted,  // every RCPT TO was refused
    message_rejected,       // the server refused DATA or the message after it
    message_too_large,      // the message is larger than the server's SIZE limit
    bad_envelope,           // no recipients, too many, or an unusable address
};

namespace detail {
class smtp_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.smtp"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::bad_reply_code:
            return "malformed SMTP reply code";
        case errc::bad_reply_separator:
            return "reply code not followed by space, hyphen or line end";
        case errc::inconsistent_reply_code:
            return "multi-line reply with different codes";
        case errc::reply_line_too_long:
            return "SMTP reply line too long";
        case errc::too_many_reply_lines:
            return "SMTP reply has too many lines";
        case errc::bad_line_ending:
            return "bare CR or LF in SMTP reply";
        case errc::bad_reply_text:
            return "control character in SMTP reply text";
        case errc::bad_argument:
            return "SMTP command argument with a forbidden character";
        case errc::empty_argument:
            return "empty SMTP command argument";
        case errc::command_too_long:
            return "SMTP command line too long";
        case errc::unexpected_reply:
            return "unexpected SMTP reply";
        case errc::service_closing:
            return "server closing the connection (421)";
        case errc::connection_closed:
            return "connection closed by the server";
        case errc::timeout:
            return "SMTP timeout";
        case errc::starttls_not_supported:
            return "STARTTLS not offered";
        case errc::starttls_refused:
            return "STARTTLS refused";
        case errc::starttls_injection:
            return "data received between STARTTLS and the TLS handshake";
        case errc::unsolicited_data:
            return "unsolicited data from the server";
        case errc::tls_failed:
            return "TLS handshake or verification failed";
        case errc::no_recipient_accepted:
            return "no recipient accepted";
        case errc::message_rejected:
            return "message rejected";
        case errc::message_too_large:
            return "message larger than the server's SIZE limit";
        case errc::bad_envelope:
            return "unusable envelope";
        }
        return "unknown SMTP error";
    }
};
} // namespace detail

inline const std::error_category& smtp_category() noexcept {
    static const detail::smtp_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), smtp_category()};
}

} // namespace dane::smtp

template <>
struct std::is_error_code_enum<dane::smtp::errc> : std::true_type {};
