// dane lookup [--resolver ADDR[:PORT]] [--trust-anchor FILE] [--time YYYYMMDDHHMMSS]
//             [--min-rsa-bits N] [--chain-out FILE] [--json] NAME [TYPE]
// Resolves NAME/TYPE (default A) through a recursive resolver (default: the first
// nameserver of /etc/resolv.conf), validating every answer itself from the trust anchors
// (default: the IANA root anchors) down; prints what lookup_output.hpp describes.
// Exit 0 secure, 1 insecure, 3 bogus or indeterminate (a network failure included), 2 on
// bad usage.
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dnssec/chain.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/io/blocking_resolve.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/resolver/resolver.hpp"
#include "lookup_output.hpp"
#include "tool.hpp"
#include "validation_options.hpp"

namespace {

using namespace dane;

constexpr const char* lookup_usage =
    "usage: dane lookup [--resolver ADDR[:PORT]] [--trust-anchor FILE] "
    "[--time YYYYMMDDHHMMSS] [--min-rsa-bits N] [--chain-out FILE] [--json] NAME [TYPE]";

bool write_file(std::string_view path, bytes_view data) {
    std::ofstream out{std::string(path), std::ios::binary | std::ios::trunc};
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    out.close();
    return static_cast<bool>(out);
}

int run_lookup(dane_tool::args args) {
    const auto opts = dane_tool::parse_options(
        args, "lookup", lookup_usage,
        {"--resolver", "--trust-anchor", "--time", "--min-rsa-bits", "--chain-out"}, {"--json"});
    if (!opts) return dane_tool::exit_usage;
    const auto resolver_text = opts->value("--resolver");
    const auto anchor_path = opts->value("--trust-anchor");
    const auto time_text = opts->value("--time");
    const auto min_rsa_text = opts->value("--min-rsa-bits");
    const auto chain_out = opts->value("--chain-out");
    const bool json = opts->flag("--json");
    const auto& positional = opts->positional;
    if (positional.empty() || positional.size() > 2) return dane_tool::usage_error(lookup_usage);

    const dns::name root;
    auto qname = dns::name::parse(positional[0], &root);
    if (!qname)
        return dane_tool::usage_error("lookup: bad name '" + std::string(positional[0]) + "'");
    dns::rr_type qtype = dns::rr_type::a;
    if (positional.size() == 2) {
        auto t = dns::parse_rr_type(positional[1]);
        if (!t)
            return dane_tool::usage_error("lookup: unknown type '" + std::string(positional[1]) +
                                          "'");
        qtype = *t;
    }
    auto now = dane_tool::validation_time("lookup", time_text);
    if (!now) return dane_tool::exit_usage;
    auto key_limits = dane_tool::key_limits_option("lookup", min_rsa_text);
    if (!key_limits) return dane_tool::exit_usage;
    auto upstream = dane_tool::upstream_option("lookup", resolver_text);
    if (!upstream) return dane_tool::exit_usage;
    auto anchors = anchor_path ? dane_tool::trust_anchor_file("lookup", *anchor_path, *now)
                               : std::optional(dnssec::iana_root_anchors());
    if (!anchors) return dane_tool::exit_usage;

    const crypto::botan_backend backend(*key_limits);
    // Query IDs from the system's random source (RFC 5452 §9.2: unpredictable IDs).
    std::random_device random;
    resolver::stub_resolver<crypto::botan_backend> stub(
        backend, std::move(*anchors), [&random] { return static_cast<std::uint16_t>(random()); });
    io::blocking_options options;
    if (time_text) options.wall_time = *now;
    options.on_transport_error = [](const resolver::outgoing_query& q, std::error_code why) {
        std::cerr << "dane: lookup: " << q.qname.to_string() << ' ' << dns::to_string(q.qtype)
                  << " over " << resolver::to_string(q.transport) << ": " << why.message() << "\n";
    };
    const auto result = io::resolve_blocking(stub, *upstream, *qname, qtype, options);

    if (chain_out) {
        auto blob = dnssec::write_chain(result.chain_records);
        if (!blob)
            return dane_tool::usage_error("lookup: cannot write the chain: " +
                                          blob.error().message());
        if (!write_file(*chain_out, *blob))
            return dane_tool::usage_error("lookup: cannot write " + std::string(*chain_out));
    }
    std::cout << (json ? dane_tool::lookup_json(result) : dane_tool::lookup_text(result))
              << std::flush;
    return dane_tool::lookup_exit_code(result.verdict);
}

const dane_tool::registration reg{
    "lookup",
    {"lookup [--resolver ADDR[:PORT]] [--trust-anchor FILE] [--time YYYYMMDDHHMMSS] "
     "[--min-rsa-bits N] [--chain-out FILE] [--json] NAME [TYPE]",
     "resolve NAME TYPE (default A) through a recursive resolver (default: the first "
     "nameserver of /etc/resolv.conf) and validate it with DNSSEC from the trust anchors "
     "(default: the IANA root); prints the answer, its verdict and the chain of zones; exit "
     "0 secure, 1 insecure, 3 bogus or indeterminate",
     run_lookup}};

} // namespace
