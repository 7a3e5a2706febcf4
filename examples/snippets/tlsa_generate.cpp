#include <dane/crypto/botan_x509.hpp>
#include <dane/tlsa/generate.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

int main() {
    std::ifstream in("examples/data/mail.example.net.pem");
    std::ostringstream pem;
    pem << in.rdbuf();
    auto certs = dane::crypto::pem_blocks(pem.str(), "CERTIFICATE");
    if (!certs || certs->empty()) return 2;

    dane::crypto::botan_x509 x509;
    // DANE-EE(3) SPKI(1) SHA2-256(1), the parameters RFC 7672 §3.1.1 recommends.
    auto record = dane::tlsa::generate(x509, certs->front());
    if (!record) return std::cerr << record.error().message() << '\n', 1;
    auto owner = dane::dns::name::parse("_25._tcp.mail.example.net.").value();
    std::cout << dane::tlsa::zone_line(owner, *record) << '\n';
}
