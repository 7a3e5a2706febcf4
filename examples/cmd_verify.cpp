// dane verify --trust-anchor FILE [--time YYYYMMDDHHMMSS] [--min-rsa-bits N]
//             [--query NAME TYPE] FILE...
// Validates records in zone-file form against trust anchors at a given time, offline.
// RSA keys below N bits (default 1024) are refused by policy: a zone whose every DS or
// anchor leads to such keys is insecure, as with an unsupported algorithm.
// One line per RRset: `secure OWNER TYPE`, `bogus OWNER TYPE (EDE n: reason)` or
// `insecure OWNER TYPE (reason)`; with --query, a last line `proves: WHAT VERDICT` for the
// query. Exit 0 when everything (or the query's verdict) is secure, 1 when not, 2 on bad
// usage or unreadable input.
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/validator.hpp"
#include "tool.hpp"
#include "validation_options.hpp"

namespace {

using namespace dane;

std::string line_for(const dnssec::rrset_result& r) {
    std::string out(dnssec::to_string(r.verdict.state));
    out += ' ';
    r.rrset.owner.append_text(out);
    out += ' ';
    out += dns::to_string(r.rrset.type);
    if (!r.verdict.secure()) {
        std::string v = dnssec::to_string(r.verdict);
        out += v.substr(v.find(' '));
    }
    return out;
}

int run_verify(dane_tool::args args) {
    std::optional<std::string_view> anchor_path, time_text, min_rsa_text;
    std::optional<std::pair<std::string_view, std::string_view>> query;
    std::vector<std::string_view> files;
    const char* usage =
        "usage: dane verify --trust-anchor FILE [--time YYYYMMDDHHMMSS] [--min-rsa-bits N] "
        "[--query NAME TYPE] FILE...";
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto a = args[i];
        if (a == "--trust-anchor") {
            if (++i == args.size()) return dane_tool::usage_error(usage);
            anchor_path = args[i];
        } else if (a == "--time") {
            if (++i == args.size()) return dane_tool::usage_error(usage);
            time_text = args[i];
        } else if (a == "--min-rsa-bits") {
            if (++i == args.size()) return dane_tool::usage_error(usage);
            min_rsa_text = args[i];
        } else if (a == "--query") {
            if (i + 2 >= args.size()) return dane_tool::usage_error(usage);
            query = std::pair(args[i + 1], args[i + 2]);
            i += 2;
        } else if (a == "-" || !a.starts_with("-")) {
            files.push_back(a);
        } else {
            return dane_tool::usage_error("verify: unknown option '" + std::string(a) + "'");
        }
    }
    if (!anchor_path || files.empty()) return dane_tool::usage_error(usage);

    auto now = dane_tool::validation_time("verify", time_text);
    if (!now) return dane_tool::exit_usage;
    auto key_limits = dane_tool::key_limits_option("verify", min_rsa_text);
    if (!key_limits) return dane_tool::exit_usage;

    const dns::name root;
    std::optional<dns::name> qname;
    dns::rr_type qtype = dns::rr_type::a;
    if (query) {
        auto n = dns::name::parse(query->first, &root);
        if (!n)
            return dane_tool::usage_error("verify: bad query name '" + std::string(query->first) +
                                          "'");
        qname = *n;
        auto t = dns::parse_rr_type(query->second);
        if (!t)
            return dane_tool::usage_error("verify: bad query type '" + std::string(query->second) +
                                          "'");
        qtype = *t;
    }

    auto anchors = dane_tool::trust_anchor_file("verify", *anchor_path, *now);
    if (!anchors) return dane_tool::exit_usage;

    std::vector<dns::record> records;
    for (auto f : files) {
        const std::string shown = f == "-" ? "standard input" : std::string(f);
        auto text = dane_tool::read_input(f);
        if (!text) return dane_tool::usage_error("verify: cannot read " + shown);
        auto r = dns::parse_zone(*text, &root, 3600);
        if (!r) return dane_tool::usage_error("verify: " + shown + ": " + r.error().message());
        records.insert(records.end(), r->begin(), r->end());
    }

    const crypto::botan_backend backend(*key_limits);
    dnssec::validator<crypto::botan_backend> v(backend, std::move(*anchors), *now);
    if (auto ok = v.add(records); !ok)
        return dane_tool::usage_error("verify: " + ok.error().message());
    bool all_secure = true;
    std::string out;
    for (const auto& r : v.validate_all()) {
        all_secure = all_secure && r.verdict.secure();
        out += line_for(r);
        out += '\n';
    }
    if (!query) {
        std::cout << out << std::flush;
        return all_secure ? dane_tool::exit_ok : dane_tool::exit_not_ok;
    }
    auto a = v.validate_answer(*qname, qtype);
    out += "proves: ";
    out += dnssec::to_string(a.proven);
    out += ' ';
    // The overall verdict: `secure`, `insecure`, `bogus (EDE n: reason)`.
    out += a.verdict.state == dnssec::security::insecure ? std::string("insecure")
                                                         : dnssec::to_string(a.verdict);
    out += '\n';
    std::cout << out << std::flush;
    return a.verdict.secure() ? dane_tool::exit_ok : dane_tool::exit_not_ok;
}

const dane_tool::registration reg{
    "verify",
    {"verify --trust-anchor FILE [--time YYYYMMDDHHMMSS] [--min-rsa-bits N] [--query NAME TYPE] "
     "FILE...",
     "validate records (zone-file form) with DNSSEC offline: one line per RRset; with "
     "--query, what the records prove for NAME TYPE; RSA keys under N bits (default 1024) "
     "are refused, which makes a zone signed only with them insecure",
     run_verify}};

} // namespace
