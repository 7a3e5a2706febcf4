#include <dane/crypto/botan.hpp>
#include <dane/crypto/botan_x509.hpp>
#include <dane/dns/zone_parser.hpp>
#include <dane/dnssec/trust_anchor.hpp>
#include <dane/dnssec/validator.hpp>
#include <dane/tlsa/record.hpp>
#include <dane/tlsa/verify.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

static std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int main() {
    using namespace dane;
    // The time is passed in, as whole seconds: headers read no clock.
    auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

    // 1. Trust anchors: DS or DNSKEY lines, or IANA's root-anchors.xml
    //    (dnssec::iana_root_anchors() has the root's KSKs built in).
    auto anchors =
        dnssec::load_trust_anchors(read_file("tests/data/zones/keys/Kexample.net.+013+14638.ds"));
    if (!anchors) return std::cerr << anchors.error().message() << '\n', 2;

    // 2. Records from answers or, here, a signed zone file.
    auto records = dns::parse_zone(read_file("tests/data/zones/example.net.nsec3.signed"));
    if (!records) return std::cerr << records.error().message() << '\n', 2;

    crypto::botan_backend crypto; // Botan 2.19 or 3.x
    dnssec::validator v(crypto, std::move(*anchors), now);
    if (auto added = v.add(*records); !added) // fails past validation_limits
        return std::cerr << added.error().message() << '\n', 2;
    // With answers from the network, v.needs() lists the DNSKEY and DS RRsets to fetch
    // next; a resolver adds them and asks again. This zone file has them all.

    // 3. The TLSA RRset of the MX host, validated.
    auto tlsa_base = dns::name::parse("mail.example.net.").value();
    auto qname = dns::name::parse("_25._tcp.mail.example.net.").value();
    auto answer = v.validate_answer(qname, dns::rr_type::tlsa);
    std::cout << "TLSA RRset: " << dnssec::to_string(answer.verdict) << ", proves "
              << dnssec::to_string(answer.proven) << '\n';
    if (!answer.verdict.secure()) return 1; // RFC 7672 §2.1.1: only secure TLSA

    // 4. From the validated answer to TLSA records.
    std::vector<tlsa::record> tlsa_records;
    for (auto i : answer.rrsets)
        if (v.rrsets()[i].type == dns::rr_type::tlsa)
            for (const auto& rdata : v.rrsets()[i].rdatas)
                if (auto r = tlsa::record::from_rdata(rdata)) tlsa_records.push_back(*r);

    // 5. The server's chain (PEM here; DER from the TLS handshake in a client), verified.
    auto chain = crypto::pem_blocks(read_file("examples/data/mail.example.net.pem"), "CERTIFICATE");
    if (!chain) return std::cerr << chain.error().message() << '\n', 2;
    crypto::botan_x509 x509;
    tlsa::verify_options opt;        // profile::smtp (RFC 7672) by default
    opt.reference_ids = {tlsa_base}; // DANE-TA name checks; DANE-EE ignores names
    opt.now = now;
    auto result = tlsa::verify(x509, tlsa_records, *chain, opt);
    std::cout << (result.authenticated() ? "authenticated" : "failed: " + result.reason)
              << " at depth " << result.depth << '\n';
    return result.authenticated() ? 0 : 1;
}
