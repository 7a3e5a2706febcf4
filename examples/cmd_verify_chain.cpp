// dane verify-chain --trust-anchor FILE [--time YYYYMMDDHHMMSS] [--min-rsa-bits N] [--json]
//                   CHAINFILE NAME TYPE
// Validates offline an RFC 9102 chain (as `dane lookup --chain-out` writes it) for
// NAME/TYPE, and prints what `dane lookup` prints (lookup_output.hpp): the answer, the
// verdict and the chain of zones, computed here from the chain's own records. A file that
// is not a chain is bogus, as a TLS client would judge the extension. Exit codes as
// `dane lookup`: 0 secure, 1 insecure, 3 bogus or indeterminate, 2 bad usage.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dnssec/chain.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/validator.hpp"
#include "dane/resolver/lookup_result.hpp"
#include "lookup_output.hpp"
#include "tool.hpp"
#include "validation_options.hpp"

namespace {

using namespace dane;
using chain_validator = dnssec::validator<crypto::botan_backend>;

// The zones the answer was judged in and those above them up to an anchor, parents first
// (dnssec::answer_zones, the walk the resolver's chain uses), each with its verdict and the
// DS and DNSKEY records the chain holds for it.
std::vector<resolver::zone_link> zones_of(chain_validator& v, const dnssec::trust_anchors& anchors,
                                          const dnssec::answer_result& a,
                                          const dnssec::validation_limits& limits) {
    std::vector<resolver::zone_link> out;
    const auto sets = v.rrsets();
    for (const auto& z : dnssec::answer_zones(v, anchors, a, limits.max_zone_depth * 4)) {
        resolver::zone_link link;
        link.zone = z;
        link.verdict = v.zone_verdict(z);
        link.trust_anchor = anchors.find(z) != nullptr;
        for (const auto& s : sets) {
            if (!(s.owner == z)) continue;
            if (s.type == dns::rr_type::ds && !link.trust_anchor)
                for (const auto& rd : s.rdatas)
                    link.ds.push_back(resolver::summarize_ds(rd));
            else if (s.type == dns::rr_type::dnskey)
                for (const auto& rd : s.rdatas)
                    link.dnskeys.push_back(resolver::summarize_dnskey(rd));
        }
        out.push_back(std::move(link));
    }
    return out;
}

int run_verify_chain(dane_tool::args args) {
    const char* usage = "usage: dane verify-chain --trust-anchor FILE [--time YYYYMMDDHHMMSS] "
                        "[--min-rsa-bits N] [--json] CHAINFILE NAME TYPE";
    const auto opts = dane_tool::parse_options(
        args, "verify-chain", usage, {"--trust-anchor", "--time", "--min-rsa-bits"}, {"--json"});
    if (!opts) return dane_tool::exit_usage;
    const auto anchor_path = opts->value("--trust-anchor");
    const auto time_text = opts->value("--time");
    const auto min_rsa_text = opts->value("--min-rsa-bits");
    const bool json = opts->flag("--json");
    const auto& positional = opts->positional;
    if (!anchor_path || positional.size() != 3) return dane_tool::usage_error(usage);

    const dns::name root;
    auto qname = dns::name::parse(positional[1], &root);
    if (!qname)
        return dane_tool::usage_error("verify-chain: bad name '" + std::string(positional[1]) +
                                      "'");
    auto qtype = dns::parse_rr_type(positional[2]);
    if (!qtype)
        return dane_tool::usage_error("verify-chain: unknown type '" + std::string(positional[2]) +
                                      "'");
    auto now = dane_tool::validation_time("verify-chain", time_text);
    if (!now) return dane_tool::exit_usage;
    auto key_limits = dane_tool::key_limits_option("verify-chain", min_rsa_text);
    if (!key_limits) return dane_tool::exit_usage;
    auto anchors = dane_tool::trust_anchor_file("verify-chain", *anchor_path, *now);
    if (!anchors) return dane_tool::exit_usage;
    auto blob = dane_tool::read_input(positional[0]);
    if (!blob)
        return dane_tool::usage_error("verify-chain: cannot read " + std::string(positional[0]));

    resolver::lookup_result r;
    r.qname = *qname;
    r.qtype = *qtype;
    r.final_name = *qname;
    const crypto::botan_backend backend(*key_limits);
    auto chain = dnssec::read_chain(as_bytes(*blob));
    const dnssec::validation_limits limits;
    chain_validator v(backend, *anchors, *now, limits);
    if (!chain) {
        r.verdict = dnssec::bogus_verdict(dns::ede_code::dnssec_bogus, "malformed DNSSEC chain");
    } else if (!v.add(chain->records)) {
        r.verdict =
            dnssec::bogus_verdict(dns::ede_code::dnssec_bogus, "too many records in the chain");
    } else {
        const auto a = v.validate_answer(*qname, *qtype);
        r.verdict = a.verdict;
        r.proven = a.proven;
        r.final_name = a.final_name;
        for (auto i : a.rrsets)
            r.rrsets.push_back(v.rrsets()[i]);
        r.chain = zones_of(v, *anchors, a, limits);
        r.chain_records = chain->records;
        r.work = a.work;
    }
    std::cout << (json ? dane_tool::lookup_json(r) : dane_tool::lookup_text(r)) << std::flush;
    return dane_tool::lookup_exit_code(r.verdict);
}

const dane_tool::registration reg{
    "verify-chain",
    {"verify-chain --trust-anchor FILE [--time YYYYMMDDHHMMSS] [--min-rsa-bits N] [--json] "
     "CHAINFILE NAME TYPE",
     "validate offline an RFC 9102 DNSSEC chain (as `dane lookup --chain-out` writes it) for "
     "NAME TYPE; prints what `dane lookup` prints, with the same exit codes",
     run_verify_chain}};

} // namespace
