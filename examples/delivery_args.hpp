// What deliver_blocking and deliver_asio share: their command line
//   [--resolver ADDR[:PORT]] [--trust-anchor FILE] FROM TO MESSAGE-FILE
// (the upstream defaults to the first nameserver of /etc/resolv.conf, the anchors to the
// IANA root's; the next-hop domain is TO's), and the report of a delivery: one line per MX
// host tried, then delivered, delayed or bounced. Exit 0 delivered, 1 not, 2 bad usage.
#pragma once

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dane/dns/name.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/resolv_conf.hpp"
#include "dane/smtp/client.hpp"
#include "dane/smtp/delivery_plan.hpp"

namespace delivery_args {

struct request {
    dane::io::endpoint upstream;
    dane::dnssec::trust_anchors anchors;
    dane::dns::name domain;         // the next hop: TO's domain
    dane::smtp::client_config mail; // envelope FROM -> TO, the message file's octets
};

inline std::string read_file(const std::string& path) {
    std::stringstream text;
    text << std::ifstream(path, std::ios::binary).rdbuf();
    return text.str();
}

// The request, or nothing after a message on standard error (then exit 2).
inline std::optional<request> read(std::string_view program, int argc, char** argv) {
    using namespace dane;
    std::vector<std::string> args(argv + 1, argv + argc);
    request r;
    std::optional<io::endpoint> upstream;
    r.anchors = dnssec::iana_root_anchors();
    const auto fail = [&](const std::string& why) {
        std::cerr << program << ": " << why << "\n";
        return std::nullopt;
    };
    while (args.size() > 3 && args[0].starts_with("--")) {
        if (args[0] == "--resolver") {
            auto e = io::parse_endpoint(args[1]);
            if (!e) return fail(args[1] + ": " + e.error().message());
            upstream = *e;
        } else if (args[0] == "--trust-anchor") {
            auto loaded = dnssec::load_trust_anchors(read_file(args[1]));
            if (!loaded) return fail(args[1] + ": " + loaded.error().message());
            r.anchors = std::move(*loaded);
        } else {
            break;
        }
        args.erase(args.begin(), args.begin() + 2);
    }
    if (!upstream)
        if (auto conf = io::read_resolv_conf(); conf && !conf->nameservers.empty())
            upstream = conf->nameservers.front();
    const auto at = args.size() == 3 ? args[1].rfind('@') : std::string::npos;
    const dns::name root;
    auto domain = at == std::string::npos
                      ? std::nullopt
                      : std::optional(dns::name::parse(args[1].substr(at + 1), &root));
    if (!domain || !*domain || !upstream)
        return fail("usage: [--resolver ADDR] [--trust-anchor FILE] FROM TO MESSAGE-FILE");
    r.upstream = *upstream;
    r.domain = **domain;
    r.mail.ehlo_name = "localhost";
    r.mail.envelope = {args[0], {args[1]}};
    r.mail.message = read_file(args[2]);
    return r;
}

// Prints what happened with each host and how the delivery ended; the exit status.
inline int report(const std::vector<dane::smtp::host_attempt>& hosts,
                  const dane::smtp::plan_action& final) {
    using namespace dane;
    for (const auto& host : hosts) {
        std::cout << host.log_name << ": "
                  << (host.tls ? smtp::to_string(*host.tls) : std::string_view("not tried"))
                  << ", TLS-RPT " << (host.result ? tlsrpt::to_string(*host.result) : "none")
                  << (host.detail.empty() ? "" : " (" + host.detail + ")") << "\n";
    }
    if (auto* d = std::get_if<smtp::delivered>(&final))
        std::cout << "delivered to " << d->log_name << "\n";
    if (auto* d = std::get_if<smtp::delay>(&final)) std::cout << "delayed: " << d->reason << "\n";
    if (auto* b = std::get_if<smtp::bounce>(&final)) std::cout << "bounced: " << b->reason << "\n";
    return std::holds_alternative<smtp::delivered>(final) ? 0 : 1;
}

} // namespace delivery_args
