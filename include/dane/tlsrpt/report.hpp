// SMTP TLS reports (RFC 8460 §4): what a sending MTA records about each session, how those
// outcomes add up per policy domain and UTC day, and the JSON report written from them.
// No clock is read and nothing is random: times, the organisation, the contact and the
// unique part of the report-id all come from the caller.
//
// The session outcome line (what `dane smtp --json` writes and `dane tlsrpt report` reads,
// parsed by parse_outcome_line() in dane/tlsrpt/reader.hpp) is one JSON object per line:
//   {"policy-domain": "example.net",            required, A-labels
//    "policy-type": "tlsa",                     required: "tlsa", "sts" or "no-policy-found"
//    "policy-string": ["3 1 1 AB12..."],        optional array of strings (TLSA RDATA, §4.5)
//    "mx-host": "mx1.example.net",              required
//    "result-type": "success",                  required: "success" or a §4.3 result type
//    "sending-mta-ip": "192.0.2.1",             optional strings from here on
//    "receiving-ip": "198.51.100.25",
//    "receiving-mx-helo": "mx1.example.net",
//    "time": "2026-11-30T03:00:00Z",            required, RFC 3339: picks the report's day
//    "additional-information": "https://...",
//    "failure-reason-code": "X509_V_ERR_..."}
// Unknown members are ignored, so the line may carry more of what `dane smtp` knows. A line
// may also be a whole `dane smtp --json` document, whose "hosts" array holds such objects
// (parse_outcome_lines() reads both).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "dane/tlsrpt/json_text.hpp"

namespace dane::tlsrpt {

// The media types of a report (RFC 8460 §6.4, §6.5).
inline constexpr std::string_view media_type_json = "application/tlsrpt+json";
inline constexpr std::string_view media_type_gzip = "application/tlsrpt+gzip";

enum class policy_type { tlsa, sts, no_policy_found };

// §4.3; `success` is no result type of the RFC: it is counted in the summary only.
enum class result_type {
    success,
    starttls_not_supported,
    certificate_host_mismatch,
    certificate_expired,
    certificate_not_trusted,
    validation_failure,
    tlsa_invalid,
    dnssec_invalid,
    dane_required,
    sts_policy_fetch_error,
    sts_policy_invalid,
    sts_webpki_invalid,
};

inline constexpr std::string_view to_string(policy_type p) noexcept {
    switch (p) {
    case policy_type::tlsa:
        return "tlsa";
    case policy_type::sts:
        return "sts";
    case policy_type::no_policy_found:
        return "no-policy-found";
    }
    return "no-policy-found";
}

inline constexpr std::string_view to_string(result_type r) noexcept {
    switch (r) {
    case result_type::success:
        return "success";
    case result_type::starttls_not_supported:
        return "starttls-not-supported";
    case result_type::certificate_host_mismatch:
        return "certificate-host-mismatch";
    case result_type::certificate_expired:
        return "certificate-expired";
    case result_type::certificate_not_trusted:
        return "certificate-not-trusted";
    case result_type::validation_failure:
        return "validation-failure";
    case result_type::tlsa_invalid:
        return "tlsa-invalid";
    case result_type::dnssec_invalid:
        return "dnssec-invalid";
    case result_type::dane_required:
        return "dane-required";
    case result_type::sts_policy_fetch_error:
        return "sts-policy-fetch-error";
    case result_type::sts_policy_invalid:
        return "sts-policy-invalid";
    case result_type::sts_webpki_invalid:
        return "sts-webpki-invalid";
    }
    return "validation-failure";
}

inline std::optional<policy_type> parse_policy_type(std::string_view s) noexcept {
    for (auto p : {policy_type::tlsa, policy_type::sts, policy_type::no_policy_found})
        if (to_string(p) == s) return p;
    return std::nullopt;
}

inline std::optional<result_type> parse_result_type(std::string_view s) noexcept {
    for (int i = 0; i <= static_cast<int>(result_type::sts_webpki_invalid); ++i)
        if (to_string(static_cast<result_type>(i)) == s) return static_cast<result_type>(i);
    return std::nullopt;
}

// One SMTP session as the sending MTA saw it. Empty strings are fields not known.
struct session_outcome {
    std::string policy_domain;
    policy_type policy = policy_type::no_policy_found;
    std::vector<std::string> policy_strings; // TLSA RDATA in presentation form (§4.5)
    std::string mx_host;
    result_type result = result_type::success;
    std::string sending_mta_ip, receiving_ip, receiving_mx_helo;
    std::int64_t time = 0; // seconds since 1970 UTC: selects the report day
    std::string additional_information, failure_reason_code;
};

struct failure_detail {
    result_type result = result_type::validation_failure;
    std::string sending_mta_ip, receiving_mx_hostname, receiving_mx_helo, receiving_ip;
    std::uint64_t failed_session_count = 0;
    std::string additional_information, failure_reason_code;
};

struct policy_summary {
    policy_type type = policy_type::no_policy_found;
    std::vector<std::string> policy_strings;
    std::string policy_domain, mx_host;
    std::uint64_t successful_sessions = 0, failed_sessions = 0;
    std::vector<failure_detail> failure_details;
};

struct report {
    std::string organization_name;
    std::int64_t start = 0, end = 0; // the UTC day: 00:00:00 and 23:59:59 (as RFC 8460 App. B)
    std::string contact_info;
    std::string report_id;
    std::string policy_domain; // the domain the report is about (all policies share it)
    std::vector<policy_summary> policies;
};

// What the caller supplies for every report.
struct report_settings {
    std::string organization_name;
    std::string contact_info; // an addr-spec; its domain is the submitter (§5.3)
    std::string unique_id;    // tells apart reports of several sources or runs, e.g. "1"
};

// The submitting domain: the part of the contact address after the last '@' (§5.1 "sender").
inline std::string submitter_domain(std::string_view contact_info) {
    const auto at = contact_info.rfind('@');
    return std::string(at == std::string_view::npos ? contact_info : contact_info.substr(at + 1));
}

// A report-id made only of caller input, unique per (submitter, policy domain, day, unique_id)
// and usable as the msg-id the Subject of §5.3 wants: "<day>.<unique>.<domain>@<submitter>",
// with anything but letters, digits, '-' and '.' in the parts replaced by '-'.
inline std::string make_report_id(std::string_view submitter, std::string_view policy_domain,
                                  std::int64_t day_start, std::string_view unique_id) {
    const auto clean = [](std::string_view s) {
        std::string out;
        for (char c : s) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.';
            out += ok ? c : '-';
        }
        while (!out.empty() && out.back() == '.')
            out.pop_back();
        while (!out.empty() && out.front() == '.')
            out.erase(out.begin());
        return out.empty() ? std::string("x") : out;
    };
    return format_rfc3339(day_start).substr(0, 10) + "." + clean(unique_id) + "." +
           clean(policy_domain) + "@" + clean(submitter);
}

// Adds outcomes up per policy domain and UTC day (§4.1: a report covers 00:00-24:00 UTC);
// within a report, per applied policy (type, strings, MX host), and within a policy, failures
// per identical failure detail. Counts saturate rather than wrap.
class aggregator {
public:
    void add(const session_outcome& o) {
        const std::int64_t t = std::clamp<std::int64_t>(o.time, 0, max_unix_time);
        const std::int64_t day = t - t % 86400;
        auto& policies = days_[{o.policy_domain, day}];
        policy_key pk{o.policy, o.policy_strings, o.mx_host};
        auto& p = policies[pk];
        if (o.result == result_type::success) {
            bump(p.successes);
            return;
        }
        bump(p.failures);
        failure_key fk{o.result,
                       o.sending_mta_ip,
                       o.mx_host,
                       o.receiving_mx_helo,
                       o.receiving_ip,
                       o.additional_information,
                       o.failure_reason_code};
        bump(p.details[fk]);
    }

    bool empty() const noexcept { return days_.empty(); }

    // One report per policy domain and day, ordered by domain, then day.
    std::vector<report> reports(const report_settings& settings) const {
        std::vector<report> out;
        const std::string submitter = submitter_domain(settings.contact_info);
        for (const auto& [key, policies] : days_) {
            report r;
            r.organization_name = settings.organization_name;
            r.contact_info = settings.contact_info;
            r.policy_domain = key.first;
            r.start = key.second;
            r.end = std::min<std::int64_t>(key.second + 86399, max_unix_time);
            r.report_id = make_report_id(submitter, key.first, key.second, settings.unique_id);
            for (const auto& [pk, counts] : policies) {
                policy_summary s;
                s.type = std::get<0>(pk);
                s.policy_strings = std::get<1>(pk);
                s.policy_domain = key.first;
                s.mx_host = std::get<2>(pk);
                s.successful_sessions = counts.successes;
                s.failed_sessions = counts.failures;
                for (const auto& [fk, n] : counts.details) {
                    failure_detail d;
                    std::tie(d.result, d.sending_mta_ip, d.receiving_mx_hostname,
                             d.receiving_mx_helo, d.receiving_ip, d.additional_information,
                             d.failure_reason_code) = fk;
                    d.failed_session_count = n;
                    s.failure_details.push_back(std::move(d));
                }
                r.policies.push_back(std::move(s));
            }
            out.push_back(std::move(r));
        }
        return out;
    }

private:
    using policy_key = std::tuple<policy_type, std::vector<std::string>, std::string>;
    using failure_key = std::tuple<result_type, std::string, std::string, std::string, std::string,
                                   std::string, std::string>;
    struct counts {
        std::uint64_t successes = 0, failures = 0;
        std::map<failure_key, std::uint64_t> details;
    };
    static void bump(std::uint64_t& n) noexcept {
        if (n != std::numeric_limits<std::uint64_t>::max()) ++n;
    }
    std::map<std::pair<std::string, std::int64_t>, std::map<policy_key, counts>> days_;
};

// The §4.4 JSON text of a report, with the exact member names of the RFC, two-space indented.
// mx-host is written as one string, the MX host the DANE policy applied to (as in Appendix B);
// the reader also takes the array of patterns an MTA-STS reporter may write.
// Optional members (receiving-mx-helo, receiving-ip, additional-information,
// failure-reason-code, and sending-mta-ip / receiving-mx-hostname when not known) are left
// out when empty; failure-details is left out when a policy had no failure.
inline std::string to_json(const report& r) {
    std::string o;
    const auto member = [&o](std::string_view indent, std::string_view name) {
        o += indent;
        append_json_string(o, name);
        o += ": ";
    };
    o += "{\n";
    member("  ", "organization-name");
    append_json_string(o, r.organization_name);
    o += ",\n";
    member("  ", "date-range");
    o += "{\n";
    member("    ", "start-datetime");
    append_json_string(o, format_rfc3339(r.start));
    o += ",\n";
    member("    ", "end-datetime");
    append_json_string(o, format_rfc3339(r.end));
    o += "\n  },\n";
    member("  ", "contact-info");
    append_json_string(o, r.contact_info);
    o += ",\n";
    member("  ", "report-id");
    append_json_string(o, r.report_id);
    o += ",\n";
    member("  ", "policies");
    o += "[";
    bool first_policy = true;
    for (const auto& p : r.policies) {
        o += first_policy ? "{\n" : ", {\n";
        first_policy = false;
        member("    ", "policy");
        o += "{\n";
        member("      ", "policy-type");
        append_json_string(o, to_string(p.type));
        o += ",\n";
        member("      ", "policy-string");
        o += "[";
        for (std::size_t i = 0; i < p.policy_strings.size(); ++i) {
            if (i) o += ", ";
            append_json_string(o, p.policy_strings[i]);
        }
        o += "],\n";
        member("      ", "policy-domain");
        append_json_string(o, p.policy_domain);
        o += ",\n";
        member("      ", "mx-host");
        append_json_string(o, p.mx_host);
        o += "\n    },\n";
        member("    ", "summary");
        o += "{\n";
        member("      ", "total-successful-session-count");
        o += std::to_string(p.successful_sessions);
        o += ",\n";
        member("      ", "total-failure-session-count");
        o += std::to_string(p.failed_sessions);
        o += "\n    }";
        if (!p.failure_details.empty()) {
            o += ",\n";
            member("    ", "failure-details");
            o += "[";
            bool first_detail = true;
            for (const auto& d : p.failure_details) {
                o += first_detail ? "{\n" : ", {\n";
                first_detail = false;
                member("      ", "result-type");
                append_json_string(o, to_string(d.result));
                const auto optional = [&](std::string_view name, const std::string& v) {
                    if (v.empty()) return;
                    o += ",\n";
                    member("      ", name);
                    append_json_string(o, v);
                };
                optional("sending-mta-ip", d.sending_mta_ip);
                optional("receiving-mx-hostname", d.receiving_mx_hostname);
                optional("receiving-mx-helo", d.receiving_mx_helo);
                optional("receiving-ip", d.receiving_ip);
                o += ",\n";
                member("      ", "failed-session-count");
                o += std::to_string(d.failed_session_count);
                optional("additional-information", d.additional_information);
                optional("failure-reason-code", d.failure_reason_code);
                o += "\n    }";
            }
            o += "]";
        }
        o += "\n  }";
    }
    o += "]\n}\n";
    return o;
}

} // namespace dane::tlsrpt
