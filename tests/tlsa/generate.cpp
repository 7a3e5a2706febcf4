// TLSA generation against values computed by another implementation (the openssl CLI:
// `openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256`), the
// rollover pair, and the rollover check.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "pki.hpp"

using namespace dane;
using namespace dane::tlsa;

namespace {

const crypto::botan_x509 x509;

// A self-signed P-256 certificate made with `openssl req -x509`, and a second public key.
constexpr std::string_view kat_pem = R"(-----BEGIN CERTIFICATE-----
MIIBpzCCAU2gAwIBAgIUZdywNLuhievz0Mg5ByI+KagTJZwwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPa2F0LmV4YW1wbGUubmV0MCAXDTI2MTEyODEzMjYwN1oYDzIx
MjYxMTA0MTMyNjA3WjAaMRgwFgYDVQQDDA9rYXQuZXhhbXBsZS5uZXQwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQm+aGpp7EFvatOGdXCYoJ2RZGVWRsrrAIo1qGD
MqAXrDu1q+92GuAaRrXvv4vFJnL1ezI+WE+IyUkwcMdNy29no28wbTAdBgNVHQ4E
FgQUQFoH0AUF6TiWb60ayj1Ah+2bMFkwHwYDVR0jBBgwFoAUQFoH0AUF6TiWb60a
yj1Ah+2bMFkwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgg9rYXQuZXhhbXBs
ZS5uZXQwCgYIKoZIzj0EAwIDSAAwRQIgI27idtMzNV9oXtNQpB+QOSguClN0AQtt
+IoNPKhfdiMCIQCVIjTN4yMW+dB0aD56/nokml64xarMr71OyzAuiqgW0w==
-----END CERTIFICATE-----
)";
constexpr std::string_view next_key_pem = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQh/AaF6Sp5Xah0WxXcWzN97Q8sMJ
pkcAbIDwZTzborxl4fY1z+DsnH0FMjTkKrPLlPIzbShZz3o9/WiOlmcf8g==
-----END PUBLIC KEY-----
)";

byte_buffer kat_der() {
    return crypto::pem_blocks(kat_pem, "CERTIFICATE").value().at(0);
}
byte_buffer next_key_der() {
    return crypto::pem_blocks(next_key_pem, "PUBLIC KEY").value().at(0);
}

} // namespace

// The digests are openssl's, printed here in uppercase as the library prints them (BIND too).
TEST_CASE("generated records equal openssl's digests") {
    auto der = kat_der();
    CHECK(generate(x509, der).value().to_string() ==
          "3 1 1 D5AC373943A9CE4088142ACDB31D8E97709E88AB5433308184CE53915A98F720");
    CHECK(generate(x509, der, cert_usage::dane_ee, selector_type::cert, matching_type::sha2_256)
              .value()
              .to_string() ==
          "3 0 1 0C2C44A5CF1E407E8C0560C4E9714B3C7AB43F7A5B48142C1AECC5B70FC6E6F2");
    CHECK(generate(x509, der, cert_usage::dane_ee, selector_type::spki, matching_type::sha2_512)
              .value()
              .to_string() ==
          "3 1 2 223CCD0B6EC040F90627CF11430DE83285BA69AA038ED13416A8D45978E1BD8BF6F6D64391724F29A7"
          "BB94F240A7223B55F76778AE0929082CCFDA2CBEFB1810");
    CHECK(generate(x509, der, cert_usage::dane_ta, selector_type::spki, matching_type::full)
              .value()
              .to_string() ==
          "2 1 0 3059301306072A8648CE3D020106082A8648CE3D0301070342000426F9A1A9A7B105BDAB4E19D5C2"
          "628276459195591B2BAC0228D6A18332A017AC3BB5ABEF761AE01A46B5EFBF8BC52672F57B323E584F88C9"
          "493070C74DCB6F67");
    auto full = generate(x509, der, cert_usage::dane_ta, selector_type::cert, matching_type::full);
    CHECK(full.value().data == der);
    CHECK(generate_from_key(x509, next_key_der()).value().to_string() ==
          "3 1 1 718DB0A75D1FA64A4884426EE5B77E88340D767384DC17BC695C1F4BDA87E5BF");
}

TEST_CASE("generation refuses what it cannot make") {
    auto der = kat_der();
    CHECK(generate(x509, bytes_view{}).error() == errc::bad_certificate);
    auto cut = der;
    cut.pop_back();
    CHECK(generate(x509, cut).error() == errc::bad_certificate);
    CHECK(generate(x509, der, cert_usage::dane_ee, static_cast<selector_type>(2)).error() ==
          errc::unsupported);
    CHECK(
        generate(x509, der, cert_usage::dane_ee, selector_type::spki, static_cast<matching_type>(3))
            .error() == errc::unsupported);
    CHECK(generate_from_key(x509, der).error() == errc::bad_public_key);
}

TEST_CASE("zone-file lines") {
    auto r = generate(x509, kat_der()).value();
    auto owner = owner_name(dns::name::parse("kat.example.net.").value(), 25).value();
    CHECK(zone_line(owner, r) ==
          "_25._tcp.kat.example.net. 3600 IN TLSA 3 1 1 "
          "D5AC373943A9CE4088142ACDB31D8E97709E88AB5433308184CE53915A98F720");
    CHECK(zone_line(owner, r, 300, text_style::acronyms)
              .starts_with("_25._tcp.kat.example.net. 300 IN TLSA DANE-EE SPKI SHA2-256 D5AC"));
}

TEST_CASE("rollover: current + next (RFC 7671 §8.1)") {
    auto& p = tlsa_test::shared_pki();
    auto root = p.root("Rollover root", p.key(tlsa_test::key_kind::ecdsa, 30));
    tlsa_test::cert_options o;
    o.dns = {"mx.example.net"};
    auto cur = p.sign(root, "cur", p.key(tlsa_test::key_kind::ecdsa, 31), o);
    auto next = p.sign(root, "next", p.key(tlsa_test::key_kind::ecdsa, 32), o);
    auto renewed = p.sign(root, "renewed", p.key(tlsa_test::key_kind::ecdsa, 31), o);

    auto pair = rollover_pair(x509, cur.der, bytes_view(next.der), std::nullopt).value();
    REQUIRE(pair.size() == 2);
    CHECK(pair[0] == generate(x509, cur.der).value());
    CHECK(pair[1] == generate(x509, next.der).value());
    // A renewal with the same key needs no second SPKI record...
    CHECK(rollover_pair(x509, cur.der, bytes_view(renewed.der), std::nullopt).value().size() == 1);
    // ... but a Cert(0) record changes with every certificate.
    CHECK(rollover_pair(x509, cur.der, bytes_view(renewed.der), std::nullopt, cert_usage::dane_ee,
                        selector_type::cert)
              .value()
              .size() == 2);
    auto by_key = rollover_pair(x509, cur.der, std::nullopt, bytes_view(next_key_der())).value();
    CHECK(by_key[1].to_string() ==
          "3 1 1 718DB0A75D1FA64A4884426EE5B77E88340D767384DC17BC695C1F4BDA87E5BF");
    CHECK(!rollover_pair(x509, cur.der, std::nullopt, std::nullopt));

    // The check a publisher runs before switching keys.
    std::vector<bytes_view> cur_chain{cur.der, root.der}, next_chain{next.der, root.der};
    auto only_current = std::vector<record>{pair[0]};
    auto rep = check_rollover(x509, only_current, cur_chain, next_chain);
    CHECK(rep.current_ok);
    CHECK(rep.next_ok == false);
    CHECK(!rep.has_second_association);
    rep = check_rollover(x509, pair, cur_chain, next_chain);
    CHECK(rep.current_ok);
    CHECK(rep.next_ok == true);
    CHECK(rep.current_matches == std::vector<std::size_t>{0});
    CHECK(rep.next_matches == std::vector<std::size_t>{1});
    CHECK(rep.has_second_association);
    // "3 1 1 + 2 1 1": the TA record covers any key the CA certifies.
    auto with_ta = std::vector<record>{
        pair[0], generate(x509, root.der, cert_usage::dane_ta, selector_type::spki).value()};
    rep = check_rollover(x509, with_ta, cur_chain, next_chain);
    CHECK(rep.next_ok == true);
    CHECK(rep.next_matches == std::vector<std::size_t>{1});
    CHECK(rep.has_second_association);
    // Nothing matches the current chain.
    rep = check_rollover(x509, std::vector<record>{pair[1]}, cur_chain, std::nullopt);
    CHECK(!rep.current_ok);
    CHECK(!rep.next_ok);
}
