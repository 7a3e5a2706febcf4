// The X.509 DER reader (crypto/x509_der.hpp) and the Botan backend (crypto/botan_x509.hpp)
// on the openssl-made fixtures of tests/data/x509/: validity times over the whole RFC 5280
// §4.1.2.5 range to the second, certificates Botan refuses on their own, and failures
// reported as x509_errc values.
#include <doctest/doctest.h>

#include <botan/x509cert.h>

#include <chrono>
#include <string>
#include <string_view>

#include "../tlsa/x509_fixtures.hpp"
#include "dane/core/codec.hpp"
#include "dane/crypto/botan_x509.hpp"
#include "dane/crypto/x509_der.hpp"

using namespace dane;
using namespace dane::crypto;

namespace {

result<std::chrono::sys_seconds> time_of(std::uint8_t tag, std::string_view text) {
    der::element e;
    e.tag = tag;
    e.contents = as_bytes(text);
    return parse_x509_time(e);
}

std::chrono::sys_seconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    using namespace std::chrono;
    return sys_seconds{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} +
           seconds{s};
}

bytes_view view(const std::vector<std::uint8_t>& v) {
    return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}

} // namespace

TEST_CASE("validity times: UTCTime 1950-2049, GeneralizedTime to 9999, to the second") {
    CHECK(time_of(der::utc_time, "500101000000Z").value() == at(1950, 1, 1));
    CHECK(time_of(der::utc_time, "491231235959Z").value() == at(2049, 12, 31, 23, 59, 59));
    CHECK(time_of(der::utc_time, "250101000000Z").value().time_since_epoch().count() == 1735689600);
    CHECK(time_of(der::generalized_time, "20500101000000Z").value() == at(2050, 1, 1));
    CHECK(time_of(der::generalized_time, "22620411234748Z").value() == at(2262, 4, 11, 23, 47, 48));
    CHECK(time_of(der::generalized_time, "99991231235959Z").value() ==
          at(9999, 12, 31, 23, 59, 59));
    CHECK(time_of(der::generalized_time, "20240229120000Z").value() == at(2024, 2, 29, 12));

    for (auto bad :
         {"20231301000000Z", "20230229000000Z", "20230132000000Z", "20230100000000Z",
          "20230101240000Z", "20230101006000Z", "20230101000060Z", "20230101000000.5Z",
          "20230101000000", "2023010100000Z", "2023010100000aZ", "20230101000000+0100"}) {
        CAPTURE(bad);
        CHECK(time_of(der::generalized_time, bad).error() == x509_errc::bad_validity);
    }
    CHECK(time_of(der::utc_time, "20500101000000Z").error() == x509_errc::bad_validity);
    CHECK(time_of(der::generalized_time, "500101000000Z").error() == x509_errc::bad_validity);
    CHECK(time_of(der::integer, "500101000000Z").error() == x509_errc::bad_validity);
}

TEST_CASE("the DER reader finds what Botan finds, and refuses truncated or padded input") {
    auto cert = x509_fixtures::der("y2049-leaf");
    auto f = read_certificate_fields(cert);
    REQUIRE(f.has_value());
    Botan::X509_Certificate botan(reinterpret_cast<const std::uint8_t*>(cert.data()), cert.size());
    CHECK(equal_bytes(f->spki, view(botan.subject_public_key_info())));
    CHECK(equal_bytes(f->subject, view(botan.raw_subject_dn())));
    CHECK(equal_bytes(f->issuer, view(botan.raw_issuer_dn())));
    CHECK(equal_bytes(f->tbs, view(botan.tbs_data())));
    CHECK(f->not_after.value() == at(2049, 12, 31, 23, 59, 59));

    for (std::size_t len = 0; len < cert.size(); ++len)
        CHECK_MESSAGE(!read_certificate_fields(bytes_view(cert).first(len)), len);
    auto longer = cert;
    longer.push_back(std::byte{0});
    CHECK_FALSE(read_certificate_fields(longer));
    // A length in the long form that fits the short form is not DER (X.690 §10.1).
    byte_buffer padded{std::byte{0x30}, std::byte{0x81}, std::byte{0x03},
                       std::byte{0x02}, std::byte{0x01}, std::byte{0x00}};
    CHECK_FALSE(read_certificate_fields(padded));
}

TEST_CASE("botan_x509 reads certificates to 9999 that Botan refuses, with their true dates") {
    const botan_x509 b;
    auto root_der = x509_fixtures::der("y9999-root"), inter_der = x509_fixtures::der("y9999-inter");
    // Why the reader exists: Botan's own parser refuses the year 9999.
    CHECK_THROWS(Botan::X509_Certificate(reinterpret_cast<const std::uint8_t*>(root_der.data()),
                                         root_der.size()));

    auto root = b.parse_certificate(root_der);
    REQUIRE(root.has_value());
    auto inter = b.parse_certificate(inter_der);
    REQUIRE(inter.has_value());
    CHECK(equal_bytes(b.der(*root), root_der));
    CHECK(b.validity(*root)->not_after == at(9999, 12, 31, 23, 59, 59));
    CHECK(b.validity(*root)->not_before == at(2020, 1, 1));
    CHECK(b.summary(*root).subject.find("Y9999 Root") != std::string::npos);
    CHECK(b.is_self_issued(*root));
    CHECK(b.may_have_issued(*root, *inter));
    CHECK_FALSE(b.may_have_issued(*inter, *root));

    // Signatures over the original TBSCertificate, not Botan's copy.
    auto root_key = b.subject_key(*root).value();
    auto inter_key = b.subject_key(*inter).value();
    CHECK(b.signed_by(*root, root_key).has_value());
    CHECK(b.signed_by(*inter, root_key).has_value());
    CHECK(b.signed_by(*inter, inter_key).error() == x509_errc::bad_signature);

    // A signature octet changed: still a certificate, no longer signed by the root.
    auto forged = inter_der;
    forged[forged.size() - 3] ^= std::byte{0x01};
    if (auto c = b.parse_certificate(forged)) {
        auto r = b.signed_by(*c, root_key);
        CHECK_FALSE(r.has_value());
    }

    auto leaf = b.parse_certificate(x509_fixtures::der("y9999-leaf"));
    REQUIRE(leaf.has_value());
    auto ids = b.identifiers(*leaf);
    REQUIRE(ids.has_value());
    REQUIRE(ids->dns_ids.size() == 1);
    CHECK(ids->dns_ids[0] == "mx.example.net");

    // Years Botan 2 cannot hold in a time_point (from 2262) come out exactly too.
    auto y2262 = b.parse_certificate(x509_fixtures::der("y2262-leaf"));
    REQUIRE(y2262.has_value());
    CHECK(b.validity(*y2262)->not_after == at(2262, 12, 31, 23, 59, 59));
}

TEST_CASE("botan_x509 reports failures as error values") {
    const botan_x509 b;
    CHECK(b.parse_certificate(as_bytes("not a certificate")).error() == x509_errc::bad_certificate);
    CHECK(b.parse_public_key(as_bytes("no key")).error() == x509_errc::bad_public_key);
    auto d = b.digest(hash_algorithm::sha256, as_bytes("abc"));
    REQUIRE(d.has_value());
    CHECK(to_hex(*d) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(b.digest(hash_algorithm::sha512, as_bytes("abc"))->size() == 64);

    // A leaf whose notAfter month is 13: it parses (DANE-EE needs only its SPKI), its
    // validity is an error, and a path through it says so.
    auto leaf_der = x509_fixtures::der("y2050-leaf");
    std::string text(reinterpret_cast<const char*>(leaf_der.data()), leaf_der.size());
    auto pos = text.find("20501231235959Z");
    REQUIRE(pos != std::string::npos);
    leaf_der[pos + 5] = std::byte{'3'};
    leaf_der[pos + 4] = std::byte{'1'};
    auto leaf = b.parse_certificate(leaf_der);
    REQUIRE(leaf.has_value());
    CHECK(b.validity(*leaf).error() == x509_errc::bad_validity);
    CHECK_FALSE(b.summary(*leaf).validity.has_value());
    auto inter = b.parse_certificate(x509_fixtures::der("y2050-inter")).value();
    const botan_x509::certificate* path[] = {&*leaf, &inter};
    path_options po;
    po.now = at(2025, 1, 1);
    auto pc = b.check_path(path, nullptr, po);
    CHECK(pc.error == path_error::bad_validity);
    CHECK(pc.depth == 0);
}
