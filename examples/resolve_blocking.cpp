// resolve_blocking [--trust-anchor FILE] NAME: the DNSSEC-validated TLSA records of NAME
// (say _25._tcp.mx.example.net) from the first nameserver of /etc/resolv.conf, through the
// blocking transport of dane/io, from the IANA root anchors unless a file is given.
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "dane/crypto/botan.hpp"
#include "dane/io/blocking_resolve.hpp"
#include "dane/io/resolv_conf.hpp"

int main(int argc, char** argv) {
    using namespace dane;
    const bool file = argc == 4 && std::string_view(argv[1]) == "--trust-anchor";
    const auto conf = io::read_resolv_conf();
    auto name = dns::name::parse(argc > 1 ? argv[argc - 1] : "");
    if ((argc != 2 && !file) || !name || !conf || conf->nameservers.empty())
        return std::cerr << "usage: resolve_blocking [--trust-anchor FILE] NAME\n", 2;
    auto anchors = dnssec::iana_root_anchors();
    if (file) {
        std::stringstream text;
        text << std::ifstream(argv[2]).rdbuf();
        auto loaded = dnssec::load_trust_anchors(text.str());
        if (!loaded) return std::cerr << argv[2] << ": " << loaded.error().message() << "\n", 2;
        anchors = std::move(*loaded);
    }
    const crypto::botan_backend backend;
    std::random_device random; // unpredictable query IDs (RFC 5452 §9.2)
    resolver::stub_resolver<crypto::botan_backend> stub(backend, std::move(anchors),
                                                        [&] { return std::uint16_t(random()); });
    const auto r = io::resolve_blocking(stub, conf->nameservers[0], *name, dns::rr_type::tlsa);
    if (const auto* tlsa = r.answer())
        for (const auto& record : dnssec::to_records(*tlsa))
            if (record.type == dns::rr_type::tlsa) std::cout << dns::to_string(record) << "\n";
    std::cout << "verdict: " << dnssec::to_string(r.verdict) << "\n";
    return r.secure() ? 0 : 1;
}
