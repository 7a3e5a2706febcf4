// The delivery bodies of RFC 8460 §5 for a written report: the file name (§5.1), the
// gzip-compressed body (§5.2), the multipart/report mail message for a mailto: rua (§5.3)
// and the body and content type of an HTTPS POST (§5.4). Sending is the caller's, and so is
// signing the message with DKIM, which §3 requires of mailed reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/tlsrpt/gzip.hpp"
#include "dane/tlsrpt/report.hpp"

namespace dane::tlsrpt {

// §5.1: sender "!" policy-domain "!" begin "!" end ["!" unique-id] ".json" or ".json.gz",
// the times in seconds since 1970. unique-id is 1*(ALPHA / DIGIT): other characters of the
// caller's unique id are dropped, and an id left empty is left out.
inline std::string report_file_name(std::string_view sender, const report& r,
                                    std::string_view unique_id, bool gzipped) {
    std::string name = std::string(sender) + "!" + r.policy_domain + "!" + std::to_string(r.start) +
                       "!" + std::to_string(r.end);
    std::string id;
    for (char c : unique_id)
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) id += c;
    if (!id.empty()) name += "!" + id;
    name += gzipped ? ".json.gz" : ".json";
    return name;
}

// An HTTPS POST body and its Content-Type (§5.4): gzip is what §5.2 recommends.
struct http_body {
    std::string content_type;
    std::string body;
};

inline result<http_body, located_error> https_post_body(const report& r, bool gzipped = true) {
    std::string json = to_json(r);
    if (!gzipped) return http_body{std::string(media_type_json), std::move(json)};
    auto z = gzip_compress(json);
    if (!z) return fail(z.error());
    return http_body{std::string(media_type_gzip), std::move(*z)};
}

// What the mail message needs beyond the report.
struct mail_settings {
    std::string from;      // the reporting address, e.g. "tlsrpt@mail.sender.example"
    std::string to;        // the address of the mailto: rua
    std::int64_t date = 0; // the Date header, seconds since 1970 UTC
    bool gzipped = true;
    std::string unique_id; // for the attachment's file name (§5.1)
};

namespace detail {
// RFC 5322 §3.3 date-time in UTC: "Mon, 30 Nov 2026 03:00:00 +0000".
inline std::string rfc5322_date(std::int64_t t) {
    static constexpr const char* days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    t = std::clamp<std::int64_t>(t, 0, max_unix_time);
    const civil_time c = civil_from_seconds(static_cast<std::uint32_t>(t));
    const std::string iso = format_rfc3339(t); // YYYY-MM-DDTHH:MM:SSZ
    return std::string(days[(t / 86400) % 7]) + ", " + std::to_string(c.day) + " " +
           months[c.month - 1] + " " + iso.substr(0, 4) + " " + iso.substr(11, 8) + " +0000";
}

inline bool header_safe(std::string_view v) {
    for (char c : v)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

// Base64 in lines of 76 characters (RFC 2045 §6.8).
inline std::string base64_lines(std::string_view data) {
    const std::string flat = to_base64(as_bytes(data));
    std::string out;
    for (std::size_t i = 0; i < flat.size(); i += 76) {
        out.append(flat, i, 76);
        out += "\r\n";
    }
    return out;
}
} // namespace detail

// The whole message of §5.3 with CRLF line ends: From, To, Date, the Subject of §5.3, the
// TLS-Report-Domain and TLS-Report-Submitter headers, and a multipart/report;
// report-type="tlsrpt" body of a text/plain part and the report as application/tlsrpt+gzip
// (or +json), base64-encoded, as an attachment named as §5.1 says. The boundary contains
// "=_", which base64 never does, and the domains in the text part are checked, so it cannot occur
// inside a part (RFC 2046 §5.1.1). Header values with CR, LF or NUL are refused
// (errc::bad_argument).
inline result<std::string, located_error> mail_message(const report& r, const mail_settings& m) {
    const std::string submitter = submitter_domain(r.contact_info);
    for (std::string_view v :
         {std::string_view(m.from), std::string_view(m.to), std::string_view(r.policy_domain),
          std::string_view(submitter), std::string_view(r.report_id)})
        if (!detail::header_safe(v)) {
            located_error e(errc::bad_argument);
            e.context = "CR, LF or NUL in a mail header value";
            return fail(e);
        }
    const std::string boundary =
        "=_tlsrpt_" + std::to_string(r.start) + "_" + std::to_string(r.end);
    if (submitter.find(boundary) != std::string::npos ||
        r.policy_domain.find(boundary) != std::string::npos) {
        located_error e(errc::bad_argument);
        e.context = "domain contains the MIME boundary";
        return fail(e);
    }
    std::string json = to_json(r);
    std::string payload = json;
    if (m.gzipped) {
        auto z = gzip_compress(json);
        if (!z) return fail(z.error());
        payload = std::move(*z);
    }
    const std::string file = report_file_name(submitter, r, m.unique_id, m.gzipped);
    std::string o;
    o += "From: " + m.from + "\r\n";
    o += "To: " + m.to + "\r\n";
    o += "Date: " + detail::rfc5322_date(m.date) + "\r\n";
    o += "Subject: Report Domain: " + r.policy_domain + "\r\n    Submitter: " + submitter +
         "\r\n    Report-ID: <" + r.report_id + ">\r\n";
    o += "TLS-Report-Domain: " + r.policy_domain + "\r\n";
    o += "TLS-Report-Submitter: " + submitter + "\r\n";
    o += "MIME-Version: 1.0\r\n";
    o += "Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n    boundary=\"" + boundary +
         "\"\r\n";
    o += "\r\nThis is a multipart message in MIME format.\r\n";
    o += "\r\n--" + boundary + "\r\n";
    o += "Content-Type: text/plain; charset=\"us-ascii\"\r\n";
    o += "Content-Transfer-Encoding: 7bit\r\n\r\n";
    o +=
        "This is an aggregate TLS report from " + submitter + " about " + r.policy_domain + ".\r\n";
    o += "\r\n--" + boundary + "\r\n";
    o += "Content-Type: " + std::string(m.gzipped ? media_type_gzip : media_type_json) + "\r\n";
    o += "Content-Transfer-Encoding: base64\r\n";
    o += "Content-Disposition: attachment;\r\n    filename=\"" + file + "\"\r\n\r\n";
    o += detail::base64_lines(payload);
    o += "\r\n--" + boundary + "--\r\n";
    return o;
}

} // namespace dane::tlsrpt
