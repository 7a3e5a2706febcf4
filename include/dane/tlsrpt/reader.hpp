// The receiving side of SMTP TLS reporting: a domain that publishes a rua reads the reports
// sent to it (plain JSON, gzip, or the whole multipart/report message of RFC 8460 §5.3),
// checks each against §4's schema and adds many up per policy domain, MX host and result
// type. Also reads the session outcome lines that report.hpp documents.
//
// JSON is read with nlohmann/json (Debian: nlohmann-json3-dev, Meson:
// dependency('nlohmann_json')): it is packaged by Debian, header-only like this library,
// widely used and heavily tested and fuzzed upstream, and parses strict RFC 8259 JSON. It is
// used with exceptions off where it offers that (parse(..., allow_exceptions = false)), and
// every call into it sits inside a try block here, so nothing it throws leaves this header.
// Only this header needs it; the report writer (report.hpp) has no JSON dependency.
//
// All work is bounded: the input size, the decompressed size (against gzip bombs), the
// nesting depth (checked before the parser sees the text) and the number of policies and
// failure details (reader_limits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "dane/core/ascii.hpp"
#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/tlsrpt/gzip.hpp"
#include "dane/tlsrpt/report.hpp"

namespace dane::tlsrpt {

struct reader_limits {
    // §5.2 mentions ten megabytes as a commonly observed receiver limit.
    std::size_t max_input = 10u << 20;
    std::size_t max_decompressed = 32u << 20;
    std::size_t max_json_depth = 32;
    std::size_t max_policies = 100000;
    std::size_t max_failure_details = 1000000; // over all policies of one report
    std::size_t max_mime_depth = 4;            // nested multiparts
};

// A report as received. Result types are kept as text: §4.3 says the list will grow.
struct received_failure {
    std::string result_type, sending_mta_ip, receiving_mx_hostname, receiving_mx_helo, receiving_ip,
        additional_information, failure_reason_code;
    std::uint64_t failed_session_count = 0;
};

struct received_policy {
    std::string policy_type;
    std::vector<std::string> policy_strings;
    std::string policy_domain;
    std::vector<std::string> mx_host; // a string or an array of strings in the report
    std::uint64_t successful_sessions = 0, failed_sessions = 0;
    std::vector<received_failure> failure_details;
};

struct received_report {
    std::string organization_name, contact_info, report_id;
    std::int64_t start = 0, end = 0; // date-range, seconds since 1970 UTC
    std::vector<received_policy> policies;
};

namespace detail {

inline located_error reader_error(errc e, std::string context) {
    located_error err(e);
    err.context = std::move(context);
    return err;
}

// The deepest nesting of arrays and objects in JSON text, counted outside strings; stops
// counting at `limit` + 1.
inline std::size_t json_depth(std::string_view text, std::size_t limit) noexcept {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (deepest > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

inline result<nlohmann::json, located_error> parse_json(std::string_view text,
                                                        const reader_limits& limits) {
    if (json_depth(text, limits.max_json_depth) > limits.max_json_depth)
        return fail(reader_error(errc::too_large, "JSON nested deeper than " +
                                                      std::to_string(limits.max_json_depth)));
    try {
        auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
        if (j.is_discarded()) return fail(reader_error(errc::bad_json, "not valid JSON"));
        return j;
    } catch (const std::exception&) {
        return fail(reader_error(errc::bad_json, "not valid JSON"));
    }
}

// Schema checks name the member by its path: "policies[0].summary.total-failure-session-count".
class schema_reader {
public:
    const nlohmann::json* member(const nlohmann::json& obj, const std::string& path,
                                 std::string_view name, bool required) {
        if (failed()) return nullptr;
        const auto it = obj.find(std::string(name));
        if (it == obj.end()) {
            if (required) error(join(path, name) + ": missing");
            return nullptr;
        }
        return &*it;
    }
    const nlohmann::json* object(const nlohmann::json& obj, const std::string& path,
                                 std::string_view name) {
        const auto* v = member(obj, path, name, true);
        if (v && !v->is_object()) {
            error(join(path, name) + ": expected an object");
            return nullptr;
        }
        return v;
    }
    const nlohmann::json* array(const nlohmann::json& obj, const std::string& path,
                                std::string_view name, bool required) {
        const auto* v = member(obj, path, name, required);
        if (v && !v->is_array()) {
            error(join(path, name) + ": expected an array");
            return nullptr;
        }
        return v;
    }
    void string(const nlohmann::json& obj, const std::string& path, std::string_view name,
                bool required, std::string& out) {
        const auto* v = member(obj, path, name, required);
        if (!v) return;
        if (!v->is_string()) return error(join(path, name) + ": expected a string");
        out = v->get_ref<const std::string&>();
    }
    void count(const nlohmann::json& obj, const std::string& path, std::string_view name,
               std::uint64_t& out) {
        const auto* v = member(obj, path, name, true);
        if (!v) return;
        if (!v->is_number_unsigned())
            return error(join(path, name) + ": expected a non-negative integer");
        out = v->get<std::uint64_t>();
    }
    void strings(const nlohmann::json& v, const std::string& where, std::vector<std::string>& out) {
        if (failed()) return;
        if (!v.is_array()) return error(where + ": expected an array of strings");
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_string())
                return error(where + "[" + std::to_string(i) + "]: expected a string");
            out.push_back(v[i].get<std::string>());
        }
    }
    void date_time(const nlohmann::json& obj, const std::string& path, std::string_view name,
                   std::int64_t& out) {
        std::string text;
        string(obj, path, name, true, text);
        if (failed()) return;
        const auto t = parse_rfc3339(text);
        if (!t) return error(join(path, name) + ": expected an RFC 3339 date-time");
        out = *t;
    }
    void error(std::string what) {
        if (!failed()) error_ = reader_error(errc::bad_schema, std::move(what));
    }
    bool failed() const noexcept { return static_cast<bool>(error_.code); }
    const located_error& error() const noexcept { return error_; }

    static std::string join(const std::string& path, std::string_view name) {
        return path.empty() ? std::string(name) : path + "." + std::string(name);
    }

private:
    located_error error_;
};

inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
    return a > std::numeric_limits<std::uint64_t>::max() - b
               ? std::numeric_limits<std::uint64_t>::max()
               : a + b;
}

} // namespace detail

// Checks parsed JSON against §4.4 and returns the report. Required: organization-name,
// date-range.start-datetime and .end-datetime (RFC 3339), contact-info, report-id, policies
// (an array); per policy: policy.policy-type ("tlsa", "sts", "no-policy-found"),
// policy.policy-domain, summary with both counts (non-negative integers); per failure detail:
// result-type and failed-session-count. policy-string, mx-host (a string or an array of
// strings) and the other failure-detail members are optional, and checked when present.
// Members the RFC does not define are ignored.
inline result<received_report, located_error> report_from_json(const nlohmann::json& j,
                                                               const reader_limits& limits = {}) {
    detail::schema_reader s;
    received_report r;
    try {
        if (!j.is_object())
            return fail(detail::reader_error(errc::bad_schema, "expected an object"));
        s.string(j, "", "organization-name", true, r.organization_name);
        if (const auto* range = s.object(j, "", "date-range")) {
            s.date_time(*range, "date-range", "start-datetime", r.start);
            s.date_time(*range, "date-range", "end-datetime", r.end);
        }
        s.string(j, "", "contact-info", true, r.contact_info);
        s.string(j, "", "report-id", true, r.report_id);
        const auto* policies = s.array(j, "", "policies", true);
        if (s.failed()) return fail(s.error());
        if (policies->size() > limits.max_policies)
            return fail(detail::reader_error(
                errc::too_large, "policies: more than " + std::to_string(limits.max_policies)));
        std::size_t details_seen = 0;
        for (std::size_t i = 0; i < policies->size() && !s.failed(); ++i) {
            const auto& pj = (*policies)[i];
            const std::string at = "policies[" + std::to_string(i) + "]";
            if (!pj.is_object()) {
                s.error(at + ": expected an object");
                break;
            }
            received_policy p;
            if (const auto* pol = s.object(pj, at, "policy")) {
                const std::string pat = at + ".policy";
                s.string(*pol, pat, "policy-type", true, p.policy_type);
                if (!s.failed() && !parse_policy_type(p.policy_type))
                    s.error(pat +
                            ".policy-type: expected \"tlsa\", \"sts\" or \"no-policy-found\"");
                if (const auto* ps = s.member(*pol, pat, "policy-string", false))
                    s.strings(*ps, pat + ".policy-string", p.policy_strings);
                s.string(*pol, pat, "policy-domain", true, p.policy_domain);
                if (const auto* mx = s.member(*pol, pat, "mx-host", false)) {
                    if (mx->is_string())
                        p.mx_host.push_back(mx->get<std::string>());
                    else
                        s.strings(*mx, pat + ".mx-host", p.mx_host);
                }
            }
            if (const auto* sum = s.object(pj, at, "summary")) {
                s.count(*sum, at + ".summary", "total-successful-session-count",
                        p.successful_sessions);
                s.count(*sum, at + ".summary", "total-failure-session-count", p.failed_sessions);
            }
            if (const auto* fd = s.array(pj, at, "failure-details", false)) {
                details_seen += fd->size();
                if (details_seen > limits.max_failure_details)
                    return fail(detail::reader_error(
                        errc::too_large, "failure-details: more than " +
                                             std::to_string(limits.max_failure_details)));
                for (std::size_t k = 0; k < fd->size() && !s.failed(); ++k) {
                    const auto& dj = (*fd)[k];
                    const std::string dat = at + ".failure-details[" + std::to_string(k) + "]";
                    if (!dj.is_object()) {
                        s.error(dat + ": expected an object");
                        break;
                    }
                    received_failure d;
                    s.string(dj, dat, "result-type", true, d.result_type);
                    s.string(dj, dat, "sending-mta-ip", false, d.sending_mta_ip);
                    s.string(dj, dat, "receiving-mx-hostname", false, d.receiving_mx_hostname);
                    s.string(dj, dat, "receiving-mx-helo", false, d.receiving_mx_helo);
                    s.string(dj, dat, "receiving-ip", false, d.receiving_ip);
                    s.count(dj, dat, "failed-session-count", d.failed_session_count);
                    s.string(dj, dat, "additional-information", false, d.additional_information);
                    s.string(dj, dat, "failure-reason-code", false, d.failure_reason_code);
                    p.failure_details.push_back(std::move(d));
                }
            }
            r.policies.push_back(std::move(p));
        }
    } catch (const std::exception&) {
        s.error("unreadable report");
    }
    if (s.failed()) return fail(s.error());
    return r;
}

// The same from JSON text.
inline result<received_report, located_error> parse_report_json(std::string_view text,
                                                                const reader_limits& limits = {}) {
    auto j = detail::parse_json(text, limits);
    if (!j) return fail(j.error());
    return report_from_json(*j, limits);
}

namespace detail {

// A MIME entity split into unfolded headers (names lowercased) and its body.
struct mime_entity {
    std::map<std::string, std::string> headers;
    std::string_view body;
};

inline mime_entity split_entity(std::string_view text) {
    mime_entity e;
    std::size_t pos = 0;
    std::string name, value;
    const auto flush = [&] {
        if (!name.empty() && !e.headers.count(name))
            e.headers[name] = std::string(ascii_trim(value));
        name.clear();
        value.clear();
    };
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
        std::string_view line =
            text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = next;
        if (line.empty()) break;                           // end of the header section
        if (line.front() == ' ' || line.front() == '\t') { // folded (RFC 5322 §2.2.3)
            value += ' ';
            value += ascii_trim(line);
            continue;
        }
        flush();
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        name = ascii_lowercase(ascii_trim(line.substr(0, colon)));
        value = std::string(line.substr(colon + 1));
    }
    flush();
    e.body = text.substr(std::min(pos, text.size()));
    return e;
}

// The value of a parameter of a Content-Type (RFC 2045 §5.1), quoted or not.
inline std::string content_type_parameter(std::string_view content_type, std::string_view param) {
    std::size_t pos = content_type.find(';');
    while (pos != std::string_view::npos && pos < content_type.size()) {
        ++pos;
        const auto eq = content_type.find('=', pos);
        if (eq == std::string_view::npos) break;
        const std::string key = ascii_lowercase(ascii_trim(content_type.substr(pos, eq - pos)));
        std::size_t v = eq + 1;
        while (v < content_type.size() && content_type[v] == ' ')
            ++v;
        std::string value;
        if (v < content_type.size() && content_type[v] == '"') {
            const auto close = content_type.find('"', v + 1);
            if (close == std::string_view::npos) break;
            value = std::string(content_type.substr(v + 1, close - v - 1));
            pos = content_type.find(';', close);
        } else {
            pos = content_type.find(';', v);
            value = std::string(ascii_trim(content_type.substr(
                v, pos == std::string_view::npos ? std::string_view::npos : pos - v)));
        }
        if (key == param) return value;
    }
    return {};
}

inline std::string media_type(std::string_view content_type) {
    return ascii_lowercase(ascii_trim(content_type.substr(0, content_type.find(';'))));
}

// The decoded payload of the first application/tlsrpt+gzip or +json entity in `text`.
inline result<std::string, located_error> find_report_part(std::string_view text, std::size_t depth,
                                                           const reader_limits& limits) {
    if (depth > limits.max_mime_depth)
        return fail(reader_error(errc::bad_mime, "multipart nested too deeply"));
    const mime_entity e = split_entity(text);
    const auto ct = e.headers.find("content-type");
    if (ct == e.headers.end()) return fail(reader_error(errc::bad_mime, "no Content-Type"));
    const std::string type = media_type(ct->second);
    if (type == media_type_gzip || type == media_type_json) {
        const auto cte = e.headers.find("content-transfer-encoding");
        const std::string encoding = cte == e.headers.end() ? "7bit" : ascii_lowercase(cte->second);
        if (encoding == "base64") {
            std::string flat;
            for (char c : e.body)
                if (c != '\r' && c != '\n' && c != ' ' && c != '\t') flat += c;
            auto bytes = from_base64(flat);
            if (!bytes) return fail(reader_error(errc::bad_mime, "report part: bad base64"));
            return std::string(as_chars(*bytes));
        }
        if (encoding == "7bit" || encoding == "8bit" || encoding == "binary")
            return std::string(e.body);
        return fail(reader_error(errc::bad_mime, "report part: unsupported encoding " + encoding));
    }
    if (!type.starts_with("multipart/"))
        return fail(reader_error(errc::bad_mime, "no application/tlsrpt+gzip or +json part"));
    const std::string boundary = content_type_parameter(ct->second, "boundary");
    if (boundary.empty() || boundary.size() > 70)
        return fail(reader_error(errc::bad_mime, "multipart without a valid boundary"));
    // Parts lie between lines "--boundary" (RFC 2046 §5.1.1); the last is "--boundary--".
    const std::string delimiter = "--" + boundary;
    std::string_view body = e.body;
    std::size_t pos = 0;
    std::optional<std::size_t> part_start;
    while (pos <= body.size()) {
        std::size_t eol = body.find('\n', pos);
        if (eol == std::string_view::npos) eol = body.size();
        std::string_view line = body.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.starts_with(delimiter)) {
            const std::string_view rest = ascii_trim(line.substr(delimiter.size()));
            if (rest.empty() || rest == "--") {
                if (part_start) {
                    // The CRLF before a delimiter belongs to it.
                    std::size_t part_end = pos;
                    if (part_end > *part_start && body[part_end - 1] == '\n') --part_end;
                    if (part_end > *part_start && body[part_end - 1] == '\r') --part_end;
                    auto found = find_report_part(body.substr(*part_start, part_end - *part_start),
                                                  depth + 1, limits);
                    if (found || found.error().code != make_error_code(errc::bad_mime) ||
                        found.error().context.starts_with("report part"))
                        return found;
                }
                if (rest == "--") break;
                part_start = std::min(eol + 1, body.size());
            }
        }
        if (eol == body.size()) break;
        pos = eol + 1;
    }
    return fail(reader_error(errc::bad_mime, "no application/tlsrpt+gzip or +json part"));
}

} // namespace detail

// The report in `data`: gzip (RFC 1952 magic), JSON text (starts with '{' after white space)
// or a mail message whose multipart/report (or single) body holds an application/tlsrpt+gzip
// or application/tlsrpt+json part.
inline result<received_report, located_error> read_report(std::string_view data,
                                                          const reader_limits& limits = {}) {
    if (data.size() > limits.max_input)
        return fail(detail::reader_error(
            errc::too_large, "input larger than " + std::to_string(limits.max_input) + " octets"));
    std::string payload;
    if (looks_like_gzip(data)) {
        payload = std::string(data);
    } else if (const auto t = ascii_trim(data); !t.empty() && t.front() == '{') {
        return parse_report_json(t, limits);
    } else {
        auto part = detail::find_report_part(data, 0, limits);
        if (!part) return fail(part.error());
        payload = std::move(*part);
    }
    if (looks_like_gzip(payload)) {
        auto plain = gzip_decompress(payload, limits.max_decompressed);
        if (!plain) return fail(plain.error());
        return parse_report_json(*plain, limits);
    }
    return parse_report_json(payload, limits);
}

// One row of the receiving side's summary: a policy domain and MX host (the policy's mx-host,
// several joined with ","), added up over all reports read.
struct summary_row {
    std::string policy_domain, mx_host;
    std::uint64_t reports = 0; // policy entries that contributed
    std::uint64_t successful_sessions = 0, failed_sessions = 0;
    std::map<std::string, std::uint64_t> result_types; // failed-session-count per result-type
};

// Adds reports up, rows ordered by policy domain, then MX host. Counts saturate.
inline std::vector<summary_row> summarize(std::span<const received_report> reports) {
    std::map<std::pair<std::string, std::string>, summary_row> rows;
    for (const auto& r : reports) {
        for (const auto& p : r.policies) {
            std::string mx;
            for (const auto& m : p.mx_host)
                mx += (mx.empty() ? "" : ",") + m;
            auto& row = rows[{p.policy_domain, mx}];
            row.policy_domain = p.policy_domain;
            row.mx_host = mx;
            row.reports = detail::saturating_add(row.reports, 1);
            row.successful_sessions =
                detail::saturating_add(row.successful_sessions, p.successful_sessions);
            row.failed_sessions = detail::saturating_add(row.failed_sessions, p.failed_sessions);
            for (const auto& d : p.failure_details) {
                auto& n = row.result_types[d.result_type];
                n = detail::saturating_add(n, d.failed_session_count);
            }
        }
    }
    std::vector<summary_row> out;
    for (auto& [key, row] : rows)
        out.push_back(std::move(row));
    return out;
}

namespace detail {

// One session outcome object (the fields report.hpp documents).
inline result<session_outcome, located_error> read_outcome(const nlohmann::json& j) {
    const auto bad = [](std::string what) {
        return detail::reader_error(errc::bad_outcome, std::move(what));
    };
    session_outcome o;
    try {
        if (!j.is_object()) return fail(bad("expected a JSON object"));
        const auto text = [&](std::string_view name, bool required,
                              std::string& out) -> std::optional<located_error> {
            const auto it = j.find(std::string(name));
            if (it == j.end())
                return required ? std::optional(bad(std::string(name) + ": missing"))
                                : std::nullopt;
            if (!it->is_string()) return bad(std::string(name) + ": expected a string");
            out = it->get<std::string>();
            return std::nullopt;
        };
        std::string policy, result, time;
        for (auto [name, required, out] :
             {std::tuple<std::string_view, bool, std::string*>{"policy-domain", true,
                                                               &o.policy_domain},
              {"policy-type", true, &policy},
              {"mx-host", true, &o.mx_host},
              {"result-type", true, &result},
              {"time", true, &time},
              {"sending-mta-ip", false, &o.sending_mta_ip},
              {"receiving-ip", false, &o.receiving_ip},
              {"receiving-mx-helo", false, &o.receiving_mx_helo},
              {"additional-information", false, &o.additional_information},
              {"failure-reason-code", false, &o.failure_reason_code}})
            if (auto e = text(name, required, *out)) return fail(*e);
        if (o.policy_domain.empty()) return fail(bad("policy-domain: empty"));
        const auto pt = parse_policy_type(policy);
        if (!pt) return fail(bad("policy-type: expected \"tlsa\", \"sts\" or \"no-policy-found\""));
        o.policy = *pt;
        const auto rt = parse_result_type(result);
        if (!rt) return fail(bad("result-type: unknown result type \"" + result + "\""));
        o.result = *rt;
        const auto t = parse_rfc3339(time);
        if (!t) return fail(bad("time: expected an RFC 3339 date-time"));
        o.time = *t;
        if (const auto it = j.find("policy-string"); it != j.end()) {
            if (!it->is_array()) return fail(bad("policy-string: expected an array of strings"));
            for (const auto& s : *it) {
                if (!s.is_string()) return fail(bad("policy-string: expected an array of strings"));
                o.policy_strings.push_back(s.get<std::string>());
            }
        }
    } catch (const std::exception&) {
        return fail(bad("unreadable outcome"));
    }
    return o;
}

} // namespace detail

// One session outcome line in the format documented in report.hpp.
inline result<session_outcome, located_error> parse_outcome_line(std::string_view line,
                                                                 const reader_limits& limits = {}) {
    auto parsed = detail::parse_json(line, limits);
    if (!parsed) return fail(parsed.error());
    return detail::read_outcome(*parsed);
}

// The outcomes of one line: a single outcome object, or the document `dane smtp --json`
// writes, whose "hosts" members are outcome objects (a host without "result-type" was
// never connected to for a TLS reason, RFC 8460 §4.3.4, and is left out).
inline result<std::vector<session_outcome>, located_error>
parse_outcome_lines(std::string_view line, const reader_limits& limits = {}) {
    auto parsed = detail::parse_json(line, limits);
    if (!parsed) return fail(parsed.error());
    const nlohmann::json& j = *parsed;
    std::vector<session_outcome> out;
    const auto hosts = j.is_object() ? j.find("hosts") : j.end();
    if (!j.is_object() || hosts == j.end()) {
        auto one = detail::read_outcome(j);
        if (!one) return fail(one.error());
        out.push_back(std::move(*one));
        return out;
    }
    if (!hosts->is_array())
        return fail(detail::reader_error(errc::bad_outcome, "hosts: expected an array"));
    for (std::size_t i = 0; i < hosts->size(); ++i) {
        const auto& h = (*hosts)[i];
        if (h.is_object() && !h.contains("result-type")) continue;
        auto one = detail::read_outcome(h);
        if (!one) {
            auto e = one.error();
            e.context = "hosts[" + std::to_string(i) + "]." + e.context;
            return fail(std::move(e));
        }
        out.push_back(std::move(*one));
    }
    return out;
}

} // namespace dane::tlsrpt
