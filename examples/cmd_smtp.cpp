// dane smtp [--resolver ADDR[:PORT]] [--trust-anchor FILE] [--port N] [--time T] [--json]
//           [--helo NAME] [--timeout SECONDS] [--mandatory] [--no-dane-insecure-mx]
//           [--from ADDR --to ADDR[,ADDR...] [--message FILE]] DOMAIN
// What posttls-finger does for DANE, with the RFC 7672 policy of the library: resolves the
// MX hosts of DOMAIN, and for each host its addresses and TLSA records, all validated from
// the trust anchors; connects, EHLO, STARTTLS, checks the certificate chain against the
// TLSA records, QUIT. With --to it delivers a message instead (from FILE, or a short
// generated one), to the first host in MX order that the policy lets it deliver to.
//
// Prints per host: the DNSSEC verdicts, the TLSA records, the TLS policy, the certificate
// chain, the record that matched and the TLS-RPT result type. --json prints the same as
// one JSON document on one line, whose "hosts" members carry the RFC 8460 outcome fields
// (`dane tlsrpt report` reads such lines).
//
// Exit 0 when every host tried authenticates or gets the TLS its policy allows (with --to:
// the message was delivered), 1 when a host fails its policy (not delivered), 3 when a
// DNS answer needed was bogus or could not be had, 2 on bad usage.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dnssec/chain.hpp"
#include "dane/io/blocking_delivery.hpp"
#include "dane/resolver/resolver.hpp"
#include "dane/tlsrpt/json_text.hpp"
#include "lookup_output.hpp"
#include "tool.hpp"
#include "validation_options.hpp"

namespace {

using namespace dane;

constexpr const char* smtp_usage =
    "usage: dane smtp [--resolver ADDR[:PORT]] [--trust-anchor FILE] [--port N] "
    "[--time YYYYMMDDHHMMSS] [--json] [--helo NAME] [--timeout SECONDS] [--mandatory] "
    "[--no-dane-insecure-mx] [--from ADDR --to ADDR[,ADDR...] [--message FILE]] DOMAIN";

constexpr int exit_dns_failed = 3;

// What one MX host came to, gathered from the plan's attempt, its lookups and its session.
struct host_view {
    const smtp::host_attempt* attempt = nullptr;
    std::vector<const io::lookup_record*> lookups;
    const io::session_record* session = nullptr;
};

std::vector<host_view> host_views(const io::delivery_result& r) {
    std::vector<host_view> hosts(r.attempts.size());
    for (std::size_t i = 0; i < r.attempts.size(); ++i)
        hosts[i].attempt = &r.attempts[i];
    for (const auto& l : r.lookups)
        if (l.host < hosts.size()) hosts[l.host].lookups.push_back(&l);
    for (const auto& s : r.sessions)
        if (s.host < hosts.size()) hosts[s.host].session = &s;
    return hosts;
}

const io::lookup_record* mx_lookup(const io::delivery_result& r) {
    for (const auto& l : r.lookups)
        if (l.host == io::no_host) return &l;
    return nullptr;
}

bool dns_failed(const dnssec::verdict& v) {
    return v.state == dnssec::security::bogus || v.state == dnssec::security::indeterminate;
}

// The exit status (see the top of the file).
int exit_code(const io::delivery_result& r, bool delivering) {
    const auto* mx = mx_lookup(r);
    if (mx && dns_failed(mx->result.verdict)) return exit_dns_failed;
    for (const auto& a : r.attempts)
        if (a.result == smtp::rpt_result_type::dnssec_invalid) return exit_dns_failed;
    if (delivering) return r.delivered() ? dane_tool::exit_ok : dane_tool::exit_not_ok;
    if (r.attempts.empty()) return dane_tool::exit_not_ok; // no host to try (delay, bounce)
    for (const auto& a : r.attempts)
        if (a.result != smtp::rpt_result_type::success) return dane_tool::exit_not_ok;
    return dane_tool::exit_ok;
}

std::string record_text(const tlsa::record& rec) {
    return rec.to_string();
}

// A domain as RFC 8460 reports write it: without the root's trailing dot.
std::string report_domain(const dns::name& n) {
    auto text = n.to_string();
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    return text;
}

// An endpoint's address without the port.
std::string address_text(const io::endpoint& e) {
    return smtp::host_address{e.is_ipv6(), e.octets}.to_string();
}

std::string final_text(const smtp::plan_action& a) {
    if (auto* d = std::get_if<smtp::delivered>(&a)) return "delivered via " + d->log_name;
    if (auto* d = std::get_if<smtp::delay>(&a)) return "delay: " + d->reason;
    if (auto* b = std::get_if<smtp::bounce>(&a)) return "bounce: " + b->reason;
    return "";
}

std::string cert_dates(const crypto::cert_summary& c) {
    if (!c.validity) return "";
    return tlsrpt::format_rfc3339(c.validity->not_before.time_since_epoch().count()) + " to " +
           tlsrpt::format_rfc3339(c.validity->not_after.time_since_epoch().count());
}

// The record that authenticated the server, and the depth it matched at.
std::optional<std::pair<std::string, int>> matched_record(const io::session_record& s) {
    if (!s.verification || !s.verification->matched_record) return std::nullopt;
    const auto i = *s.verification->matched_record;
    const auto& records = s.target.tls.tlsa_records;
    if (i >= records.size()) return std::nullopt;
    return std::pair(record_text(records[i]), s.verification->depth);
}

std::string text_output(const dns::name& domain, const io::delivery_result& r, bool probe) {
    std::string out = "domain " + domain.to_string() + "\n";
    if (const auto* mx = mx_lookup(r)) {
        out += "  MX: " + dane_tool::verdict_text(mx->result.verdict);
        if (r.mx.implicit_mx) out += ", no MX records: the domain is its own mail host";
        out += "\n";
        for (const auto& h : r.mx.hosts)
            out += "    " + std::to_string(h.preference) + " " + h.name.to_string() + "\n";
    }
    for (const auto& h : host_views(r)) {
        const auto& a = *h.attempt;
        out += "host " + a.host.name.to_string();
        if (a.log_name != a.host.name.to_string()) out += " (logged as " + a.log_name + ")";
        out += "\n";
        for (const auto* l : h.lookups) {
            out += "  " + std::string(dns::to_string(l->type)) + " " + l->name.to_string() + ": " +
                   dane_tool::verdict_text(l->result.verdict) + "\n";
            for (const auto& line : dane_tool::answer_lines(l->result))
                out += "    " + line + "\n";
        }
        if (a.tls) out += "  policy: " + std::string(smtp::to_string(*a.tls)) + "\n";
        if (a.tlsa_base_domain)
            out += "  TLSA base domain: " + a.tlsa_base_domain->to_string() + "\n";
        if (const auto* s = h.session) {
            if (s->address) out += "  connected to " + io::to_string(*s->address) + "\n";
            for (const auto& e : s->connect_errors)
                out += "  connect failed: " + e + "\n";
            if (!s->tls_version.empty())
                out += "  TLS: " + s->tls_version + ", " + s->cipher_suite + "\n";
            for (std::size_t i = 0; i < s->chain.size(); ++i) {
                const auto& c = s->chain[i];
                out += "  certificate " + std::to_string(i) + ": " + c.subject + "\n";
                out += "    issuer " + c.issuer;
                if (c.validity) out += ", valid " + cert_dates(c);
                out += "\n";
            }
            if (auto m = matched_record(*s))
                out += "  matched: " + m->first + " at depth " + std::to_string(m->second) + "\n";
            if (s->verification && !s->verification->authenticated() &&
                !s->verification->reason.empty())
                out += "  verification: " + s->verification->reason + "\n";
            if (s->outcome.delivered) out += "  message delivered\n";
        }
        out += "  TLS-RPT: ";
        out += a.result ? std::string(tlsrpt::to_string(*a.result)) : std::string("none");
        if (!a.detail.empty()) out += " (" + a.detail + ")";
        out += "\n";
    }
    if (!probe || r.attempts.empty()) out += final_text(r.final) + "\n";
    return out;
}

void json_field(std::string& out, std::string_view name, std::string_view value) {
    out += ',';
    tlsrpt::append_json_string(out, name);
    out += ':';
    tlsrpt::append_json_string(out, value);
}

std::string json_output(const dns::name& domain, const io::delivery_result& r, bool probe,
                        std::chrono::sys_seconds started) {
    const auto domain_text = report_domain(domain); // RFC 8460 §4.4: the policy domain
    std::string out = "{\"domain\":";
    tlsrpt::append_json_string(out, domain_text);
    json_field(out, "mode", probe ? "probe" : "deliver");
    json_field(out, "time", tlsrpt::format_rfc3339(started.time_since_epoch().count()));
    out += ",\"mx\":{\"verdict\":";
    const auto* mx = mx_lookup(r);
    tlsrpt::append_json_string(out, mx ? dnssec::to_string(mx->result.verdict.state) : "none");
    out += std::string(",\"implicit\":") + (r.mx.implicit_mx ? "true" : "false");
    out += ",\"hosts\":[";
    for (std::size_t i = 0; i < r.mx.hosts.size(); ++i) {
        if (i) out += ',';
        out += "{\"name\":";
        tlsrpt::append_json_string(out, r.mx.hosts[i].name.to_string());
        out += ",\"preference\":" + std::to_string(r.mx.hosts[i].preference) + "}";
    }
    out += "]},\"hosts\":[";
    bool first_host = true;
    for (const auto& h : host_views(r)) {
        const auto& a = *h.attempt;
        if (!first_host) out += ',';
        first_host = false;
        // The RFC 8460 outcome fields first (report.hpp documents them).
        out += "{\"policy-domain\":";
        tlsrpt::append_json_string(out, domain_text);
        // A TLSA policy was found, or sought and not had (a bogus or failed TLSA lookup).
        bool tlsa_policy = a.tlsa_base_domain.has_value();
        for (const auto* l : h.lookups)
            if (l->type == dns::rr_type::tlsa && dns_failed(l->result.verdict)) tlsa_policy = true;
        json_field(out, "policy-type", tlsa_policy ? "tlsa" : "no-policy-found");
        out += ",\"policy-string\":[";
        if (h.session)
            for (std::size_t i = 0; i < h.session->target.tls.tlsa_records.size(); ++i) {
                if (i) out += ',';
                tlsrpt::append_json_string(out, record_text(h.session->target.tls.tlsa_records[i]));
            }
        out += ']';
        json_field(out, "mx-host", report_domain(a.host.name));
        if (a.result) json_field(out, "result-type", tlsrpt::to_string(*a.result));
        const auto when = h.session ? h.session->time : started;
        json_field(out, "time", tlsrpt::format_rfc3339(when.time_since_epoch().count()));
        if (h.session && h.session->local)
            json_field(out, "sending-mta-ip", address_text(*h.session->local));
        if (h.session && h.session->address)
            json_field(out, "receiving-ip", address_text(*h.session->address));
        if (h.session && !h.session->outcome.greeting_name.empty())
            json_field(out, "receiving-mx-helo", h.session->outcome.greeting_name);
        if (a.result && *a.result != smtp::rpt_result_type::success && !a.detail.empty())
            json_field(out, "failure-reason-code", a.detail);
        // Then what dane smtp knows besides.
        json_field(out, "log-name", a.log_name);
        out += ",\"preference\":" + std::to_string(a.host.preference);
        out += ",\"lookups\":[";
        for (std::size_t i = 0; i < h.lookups.size(); ++i) {
            const auto* l = h.lookups[i];
            if (i) out += ',';
            out += "{\"name\":";
            tlsrpt::append_json_string(out, l->name.to_string());
            json_field(out, "type", dns::to_string(l->type));
            json_field(out, "verdict", dnssec::to_string(l->result.verdict.state));
            if (!l->result.verdict.secure()) json_field(out, "reason", l->result.verdict.why.text);
            out += ",\"answer\":[";
            const auto lines = dane_tool::answer_lines(l->result);
            for (std::size_t k = 0; k < lines.size(); ++k) {
                if (k) out += ',';
                tlsrpt::append_json_string(out, lines[k]);
            }
            out += "]}";
        }
        out += ']';
        if (a.tls) json_field(out, "tls-policy", smtp::to_string(*a.tls));
        if (a.tlsa_base_domain)
            json_field(out, "tlsa-base-domain", a.tlsa_base_domain->to_string());
        if (const auto* s = h.session) {
            if (s->address) json_field(out, "connected-to", io::to_string(*s->address));
            out += ",\"connect-errors\":[";
            for (std::size_t i = 0; i < s->connect_errors.size(); ++i) {
                if (i) out += ',';
                tlsrpt::append_json_string(out, s->connect_errors[i]);
            }
            out += ']';
            out += std::string(",\"tls\":") + (s->outcome.tls_used ? "true" : "false");
            if (!s->tls_version.empty()) {
                json_field(out, "tls-version", s->tls_version);
                json_field(out, "cipher-suite", s->cipher_suite);
            }
            out += ",\"chain\":[";
            for (std::size_t i = 0; i < s->chain.size(); ++i) {
                if (i) out += ',';
                out += "{\"subject\":";
                tlsrpt::append_json_string(out, s->chain[i].subject);
                json_field(out, "issuer", s->chain[i].issuer);
                if (const auto& v = s->chain[i].validity) {
                    json_field(out, "not-before",
                               tlsrpt::format_rfc3339(v->not_before.time_since_epoch().count()));
                    json_field(out, "not-after",
                               tlsrpt::format_rfc3339(v->not_after.time_since_epoch().count()));
                }
                out += '}';
            }
            out += ']';
            const bool authenticated = s->verification && s->verification->authenticated();
            out += std::string(",\"authenticated\":") + (authenticated ? "true" : "false");
            if (auto m = matched_record(*s)) {
                json_field(out, "matched-record", m->first);
                out += ",\"matched-depth\":" + std::to_string(m->second);
            }
            out += std::string(",\"delivered\":") + (s->outcome.delivered ? "true" : "false");
        }
        json_field(out, "detail", a.detail);
        out += '}';
    }
    out += "]";
    out += std::string(",\"delivered\":") + (r.delivered() ? "true" : "false");
    const auto final_line = final_text(r.final);
    json_field(out, "outcome",
               r.delivered()                                   ? "delivered"
               : std::holds_alternative<smtp::bounce>(r.final) ? "bounce"
               : probe && !r.attempts.empty()                  ? "probed"
                                                               : "delay");
    // A probe goes through every host: the plan's "no host delivered" is no news there.
    json_field(out, "reason", probe && !r.attempts.empty() ? std::string() : final_line);
    out += "}\n";
    return out;
}

std::optional<unsigned> number_option(std::string_view name, std::optional<std::string_view> text,
                                      unsigned low, unsigned high, unsigned fallback) {
    if (!text) return fallback;
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size() || v < low || v > high) {
        dane_tool::usage_error("smtp: bad " + std::string(name) + " '" + std::string(*text) + "'");
        return std::nullopt;
    }
    return v;
}

// A short message when none is given: enough headers for an MTA to take it.
std::string default_message(std::string_view from, std::string_view to) {
    return "From: <" + std::string(from) + ">\r\nTo: <" + std::string(to) +
           ">\r\nSubject: dane smtp test\r\n\r\nThis message was sent by dane smtp over a TLS "
           "session that RFC 7672 DANE policy allowed.\r\n";
}

int run_smtp(dane_tool::args args) {
    const auto opts =
        dane_tool::parse_options(args, "smtp", smtp_usage,
                                 {"--resolver", "--trust-anchor", "--port", "--time", "--helo",
                                  "--timeout", "--from", "--to", "--message"},
                                 {"--json", "--mandatory", "--no-dane-insecure-mx"});
    if (!opts) return dane_tool::exit_usage;
    if (opts->positional.size() != 1) return dane_tool::usage_error(smtp_usage);
    const dns::name root;
    auto domain = dns::name::parse(opts->positional[0], &root);
    if (!domain)
        return dane_tool::usage_error("smtp: bad domain '" + std::string(opts->positional[0]) +
                                      "'");
    const auto time_text = opts->value("--time");
    auto now = dane_tool::validation_time("smtp", time_text);
    if (!now) return dane_tool::exit_usage;
    auto port = number_option("--port", opts->value("--port"), 1, 65535, 25);
    auto timeout = number_option("--timeout", opts->value("--timeout"), 1, 3600, 60);
    if (!port || !timeout) return dane_tool::exit_usage;
    auto upstream = dane_tool::upstream_option("smtp", opts->value("--resolver"));
    if (!upstream) return dane_tool::exit_usage;
    const auto anchor_path = opts->value("--trust-anchor");
    auto anchors = anchor_path ? dane_tool::trust_anchor_file("smtp", *anchor_path, *now)
                               : std::optional(dnssec::iana_root_anchors());
    if (!anchors) return dane_tool::exit_usage;

    const auto to = opts->value("--to");
    const bool delivering = to.has_value();
    if (!delivering && (opts->value("--from") || opts->value("--message")))
        return dane_tool::usage_error("smtp: --from and --message need --to");
    smtp::client_config message;
    message.ehlo_name = std::string(opts->value("--helo").value_or("localhost"));
    const std::chrono::milliseconds stage_timeout = std::chrono::seconds(*timeout);
    message.timeouts = {stage_timeout, stage_timeout, stage_timeout, stage_timeout,
                        stage_timeout, stage_timeout, stage_timeout, stage_timeout};
    if (delivering) {
        message.envelope.from = std::string(opts->value("--from").value_or(""));
        std::string_view list = *to;
        while (!list.empty()) {
            const auto comma = list.find(',');
            message.envelope.recipients.emplace_back(list.substr(0, comma));
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        }
        if (auto path = opts->value("--message")) {
            auto text = dane_tool::read_input(*path);
            if (!text) return dane_tool::usage_error("smtp: cannot read " + std::string(*path));
            message.message = std::move(*text);
        } else {
            message.message = default_message(message.envelope.from, *to);
        }
    }

    io::delivery_options options;
    options.port = static_cast<std::uint16_t>(*port);
    options.policy.port = options.port;
    options.policy.dane_mandatory = opts->flag("--mandatory");
    options.policy.dane_on_insecure_mx = !opts->flag("--no-dane-insecure-mx");
    if (time_text) options.wall_time = *now;
    options.connect_timeout = stage_timeout;
    options.probe = !delivering;

    const crypto::botan_backend backend;
    std::random_device random; // unpredictable query IDs (RFC 5452 §9.2)
    resolver::stub_resolver<crypto::botan_backend> stub(
        backend, std::move(*anchors), [&random] { return static_cast<std::uint16_t>(random()); });
    const auto started =
        options.wall_time
            ? *options.wall_time
            : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto result = io::deliver_blocking(stub, *upstream, *domain, message, options);
    std::cout << (opts->flag("--json") ? json_output(*domain, result, !delivering, started)
                                       : text_output(*domain, result, !delivering))
              << std::flush;
    return exit_code(result, delivering);
}

const dane_tool::registration reg{
    "smtp",
    {"smtp [--resolver ADDR[:PORT]] [--trust-anchor FILE] [--port N] [--time YYYYMMDDHHMMSS] "
     "[--json] [--helo NAME] [--timeout SECONDS] [--mandatory] [--no-dane-insecure-mx] "
     "[--from ADDR --to ADDR[,ADDR...] [--message FILE]] DOMAIN",
     "check the mail hosts of DOMAIN as RFC 7672 DANE asks: MX, addresses and TLSA validated "
     "with DNSSEC, then connect, EHLO, STARTTLS and verify the certificate against the TLSA "
     "records (with --to: deliver a message to the first host policy allows); prints per host "
     "the verdicts, records, chain, matched record and TLS-RPT result; exit 0 when every host "
     "passes (delivered), 1 when one fails its policy, 3 on bogus or failed DNS",
     run_smtp}};

} // namespace
