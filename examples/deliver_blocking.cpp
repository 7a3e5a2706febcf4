// deliver_blocking [--resolver ADDR] [--trust-anchor FILE] FROM TO MESSAGE-FILE: delivers one
// message to TO's domain with DANE (RFC 7672) over blocking sockets: MX, addresses and TLSA
// validated from the trust anchors (default: the IANA root), hosts tried in MX order, TLS
// authenticated wherever secure TLSA records say so, never cleartext where they exist.
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "dane/crypto/botan.hpp"
#include "dane/io/blocking_delivery.hpp"
#include "dane/io/resolv_conf.hpp"

int main(int argc, char** argv) {
    using namespace dane;
    std::vector<std::string> args(argv + 1, argv + argc);
    std::optional<io::endpoint> upstream;
    auto anchors = dnssec::iana_root_anchors();
    while (args.size() > 3 && args[0].starts_with("--")) {
        if (args[0] == "--resolver") {
            auto e = io::parse_endpoint(args[1]);
            if (!e) return std::cerr << args[1] << ": " << e.error().message() << "\n", 2;
            upstream = *e;
        } else if (args[0] == "--trust-anchor") {
            std::stringstream text;
            text << std::ifstream(args[1]).rdbuf();
            auto loaded = dnssec::load_trust_anchors(text.str());
            if (!loaded) return std::cerr << args[1] << ": " << loaded.error().message() << "\n", 2;
            anchors = std::move(*loaded);
        } else {
            break;
        }
        args.erase(args.begin(), args.begin() + 2);
    }
    if (!upstream) {
        auto conf = io::read_resolv_conf();
        if (conf && !conf->nameservers.empty()) upstream = conf->nameservers[0];
    }
    const auto at = args.size() == 3 ? args[1].rfind('@') : std::string::npos;
    const dns::name root;
    std::optional<dns::name> domain;
    if (at != std::string::npos)
        if (auto parsed = dns::name::parse(args[1].substr(at + 1), &root)) domain = *parsed;
    if (!domain || !upstream)
        return std::cerr << "usage: deliver_blocking [--resolver ADDR] [--trust-anchor FILE] "
                            "FROM TO MESSAGE-FILE\n",
               2;

    smtp::client_config mail;
    mail.ehlo_name = "localhost";
    mail.envelope = {args[0], {args[1]}};
    std::stringstream text;
    text << std::ifstream(args[2], std::ios::binary).rdbuf();
    mail.message = text.str();

    const crypto::botan_backend backend;
    std::random_device random; // unpredictable query IDs (RFC 5452 §9.2)
    resolver::stub_resolver<crypto::botan_backend> stub(backend, std::move(anchors),
                                                        [&] { return std::uint16_t(random()); });
    const auto r = io::deliver_blocking(stub, *upstream, *domain, mail);

    for (const auto& host : r.attempts) {
        std::cout << host.log_name << ": "
                  << (host.tls ? smtp::to_string(*host.tls) : std::string_view("not tried"))
                  << ", TLS-RPT " << (host.result ? tlsrpt::to_string(*host.result) : "none");
        std::cout << (host.detail.empty() ? "" : " (" + host.detail + ")") << "\n";
    }
    if (auto* d = std::get_if<smtp::delivered>(&r.final))
        std::cout << "delivered to " << d->log_name << "\n";
    if (auto* d = std::get_if<smtp::delay>(&r.final)) std::cout << "delayed: " << d->reason << "\n";
    if (auto* b = std::get_if<smtp::bounce>(&r.final))
        std::cout << "bounced: " << b->reason << "\n";
    return r.delivered() ? 0 : 1;
}
