// dane keytag FILE: the key tag (RFC 4034 Appendix B) of each DNSKEY in FILE, one per line.
#include <iostream>
#include <string>

#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/keytag.hpp"
#include "tool.hpp"

namespace {

using namespace dane;

int run_keytag(dane_tool::args args) {
    if (args.size() != 1) return dane_tool::usage_error("usage: dane keytag FILE");
    const std::string shown = args[0] == "-" ? "standard input" : std::string(args[0]);
    auto text = dane_tool::read_input(args[0]);
    if (!text) return dane_tool::usage_error("keytag: cannot read " + shown);
    const dns::name root;
    auto records = dns::parse_zone(*text, &root, 3600);
    if (!records)
        return dane_tool::usage_error("keytag: " + shown + ": " + records.error().message());
    std::string out;
    for (const auto& r : *records) {
        if (r.type != dns::rr_type::dnskey && r.type != dns::rr_type::cdnskey) continue;
        out += std::to_string(dnssec::key_tag(r.rdata));
        out += '\n';
    }
    std::cout << out << std::flush;
    return dane_tool::exit_ok;
}

const dane_tool::registration reg{
    "keytag", {"keytag FILE", "print the key tag of each DNSKEY in FILE", run_keytag}};

} // namespace
