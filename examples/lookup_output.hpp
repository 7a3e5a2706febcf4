// What `dane lookup` and `dane verify-chain` print, in text or JSON, and their exit codes:
// one format for both, so that a chain written by one reads back the same in the other.
//
// Text: the answer records in zone-file form (RRSIGs left out), one line
// `verdict: secure` or `verdict: STATE (EDE n: REASON)`, then `chain:` and a line per zone
// from the trust anchor down: `  ZONE VERDICT [anchor] [DS=tag/alg/digest,...]
// [DNSKEY=tag/alg/flags,...]` (a list is left out when empty; each sorted by key tag).
// JSON: one object with the same facts (see lookup_json).
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/verdict.hpp"
#include "dane/resolver/lookup_result.hpp"

namespace dane_tool {

inline constexpr int exit_lookup_insecure = 1;
// Bogus, or indeterminate (no answer, a network failure): RFC 7672 §2.1.1 makes a failed
// lookup different from an insecure one.
inline constexpr int exit_lookup_failed = 3;

inline int lookup_exit_code(const dane::dnssec::verdict& v) {
    switch (v.state) {
    case dane::dnssec::security::secure:
        return 0;
    case dane::dnssec::security::insecure:
        return exit_lookup_insecure;
    default:
        return exit_lookup_failed;
    }
}

// "secure", or "STATE (EDE n: REASON)" for every other state, insecure included.
inline std::string verdict_text(const dane::dnssec::verdict& v) {
    std::string out(dane::dnssec::to_string(v.state));
    if (v.secure()) return out;
    out += " (EDE ";
    out += std::to_string(static_cast<unsigned>(v.why.code));
    out += ": ";
    out += v.why.text;
    out += ')';
    return out;
}

// The answer's records as zone-file lines, RRSIGs left out.
inline std::vector<std::string> answer_lines(const dane::resolver::lookup_result& r) {
    std::vector<std::string> lines;
    for (const auto& set : r.rrsets)
        for (const auto& rd : set.rdatas)
            lines.push_back(dane::dns::to_string(
                dane::dns::record{set.owner, set.type, set.klass, set.ttl, rd}));
    return lines;
}

// The chain's zones with their DS and DNSKEY lists in a fixed order (key tag, algorithm,
// then digest type or flags), so that the output does not depend on the order in which a
// server happened to send the records.
inline std::vector<dane::resolver::zone_link> sorted_chain(const dane::resolver::lookup_result& r) {
    auto chain = r.chain;
    for (auto& z : chain) {
        std::sort(z.ds.begin(), z.ds.end(), [](const auto& a, const auto& b) {
            return std::tie(a.key_tag, a.algorithm, a.digest_type) <
                   std::tie(b.key_tag, b.algorithm, b.digest_type);
        });
        std::sort(z.dnskeys.begin(), z.dnskeys.end(), [](const auto& a, const auto& b) {
            return std::tie(a.key_tag, a.algorithm, a.flags) <
                   std::tie(b.key_tag, b.algorithm, b.flags);
        });
    }
    return chain;
}

inline std::string lookup_text(const dane::resolver::lookup_result& r) {
    std::string out;
    for (const auto& line : answer_lines(r)) {
        out += line;
        out += '\n';
    }
    out += "verdict: ";
    out += verdict_text(r.verdict);
    out += "\nchain:\n";
    for (const auto& z : sorted_chain(r)) {
        out += "  ";
        z.zone.append_text(out);
        out += ' ';
        out += dane::dnssec::to_string(z.verdict.state);
        if (z.trust_anchor) out += " anchor";
        if (!z.ds.empty()) {
            out += " DS=";
            for (std::size_t i = 0; i < z.ds.size(); ++i) {
                if (i) out += ',';
                out += std::to_string(z.ds[i].key_tag) + '/' + std::to_string(z.ds[i].algorithm) +
                       '/' + std::to_string(z.ds[i].digest_type);
            }
        }
        if (!z.dnskeys.empty()) {
            out += " DNSKEY=";
            for (std::size_t i = 0; i < z.dnskeys.size(); ++i) {
                if (i) out += ',';
                out += std::to_string(z.dnskeys[i].key_tag) + '/' +
                       std::to_string(z.dnskeys[i].algorithm) + '/' +
                       std::to_string(z.dnskeys[i].flags);
            }
        }
        out += '\n';
    }
    return out;
}

// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
inline void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
}

// {"name","type","rcode","verdict","reason","proof","answer","chain","stats"} on one line.
inline std::string lookup_json(const dane::resolver::lookup_result& r) {
    std::string out = "{\"name\":";
    append_json_string(out, r.qname.to_string());
    out += ",\"type\":";
    append_json_string(out, dane::dns::to_string(r.qtype));
    out += ",\"rcode\":";
    if (r.rcode)
        append_json_string(out, dane::dns::to_string(*r.rcode));
    else
        out += "null";
    out += ",\"verdict\":";
    append_json_string(out, dane::dnssec::to_string(r.verdict.state));
    out += ",\"reason\":";
    if (r.verdict.secure()) {
        out += "null";
    } else {
        out +=
            "{\"ede\":" + std::to_string(static_cast<unsigned>(r.verdict.why.code)) + ",\"text\":";
        append_json_string(out, r.verdict.why.text);
        out += '}';
    }
    out += ",\"proof\":";
    append_json_string(out, dane::dnssec::to_string(r.proven));
    out += ",\"answer\":[";
    bool first = true;
    for (const auto& line : answer_lines(r)) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, line);
    }
    out += "],\"chain\":[";
    const auto chain = sorted_chain(r);
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto& z = chain[i];
        if (i) out += ',';
        out += "{\"zone\":";
        append_json_string(out, z.zone.to_string());
        out += ",\"verdict\":";
        append_json_string(out, dane::dnssec::to_string(z.verdict.state));
        out += ",\"trust_anchor\":";
        out += z.trust_anchor ? "true" : "false";
        out += ",\"ds\":[";
        for (std::size_t k = 0; k < z.ds.size(); ++k) {
            if (k) out += ',';
            out += "{\"key_tag\":" + std::to_string(z.ds[k].key_tag) +
                   ",\"algorithm\":" + std::to_string(z.ds[k].algorithm) +
                   ",\"digest_type\":" + std::to_string(z.ds[k].digest_type) + '}';
        }
        out += "],\"dnskeys\":[";
        for (std::size_t k = 0; k < z.dnskeys.size(); ++k) {
            if (k) out += ',';
            out += "{\"key_tag\":" + std::to_string(z.dnskeys[k].key_tag) +
                   ",\"algorithm\":" + std::to_string(z.dnskeys[k].algorithm) +
                   ",\"flags\":" + std::to_string(z.dnskeys[k].flags) + '}';
        }
        out += "]}";
    }
    const auto& s = r.stats;
    out += "],\"stats\":{\"queries\":" + std::to_string(s.queries_sent) +
           ",\"responses\":" + std::to_string(s.responses) +
           ",\"retries\":" + std::to_string(s.retries) +
           ",\"tcp_fallbacks\":" + std::to_string(s.tcp_fallbacks) +
           ",\"answer_from_cache\":" + (s.answer_from_cache ? "true" : "false") + "}}\n";
    return out;
}

} // namespace dane_tool
