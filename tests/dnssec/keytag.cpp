// Key tags (RFC 4034 Appendix B): the RFC's own example, the root KSKs, algorithm 1.
#include <doctest/doctest.h>

#include "dane/dnssec/keytag.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;

TEST_CASE("key tag of RFC 4034 §5.4's DNSKEY is 60485") {
    auto r = zone("dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz "
                  "fwJr1AYtsmx3TGkJaNXVbfi/ 2pHm822aJ5iI9BMzNXxeYCmZ DRD99WYwYqUSdjMmmAphXdvx "
                  "egXd/M5+X7OrzKBaMbCVdFLU Uh6DhweJBjEVv5f2wwjM9Xzc nOf+EPbtG9DMBmADjFDc2w/r "
                  "ljwvFw== )");
    CHECK(dnssec::key_tag(r.at(0).rdata) == 60485);
}

TEST_CASE("key tag of the root KSK-2017 is 20326") {
    auto r =
        zone(". 172800 IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3"
             "+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2"
             "n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+e"
             "oZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws"
             "9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=");
    CHECK(dnssec::key_tag(r.at(0).rdata) == 20326);
}

TEST_CASE("algorithm 1 takes the key tag from the modulus (RFC 4034 Appendix B.1)") {
    byte_buffer rd{std::byte{1}, std::byte{0},    std::byte{3},    std::byte{1},   std::byte{1},
                   std::byte{3}, std::byte{0xab}, std::byte{0xcd}, std::byte{0xef}};
    CHECK(dnssec::key_tag(rd) == 0xabcd);
    CHECK(dnssec::key_tag(byte_buffer{}) == 0);
}

TEST_CASE("keys made by the signer carry the tag their RRSIGs and DS name") {
    auto k = make_key("tag.test.");
    auto sig = sign(zone("tag.test. A 192.0.2.1"), k);
    CHECK(dnssec::parse_rrsig(sig.rdata)->key_tag == k.tag());
    CHECK(dnssec::parse_ds(ds_of(k).rdata)->key_tag == k.tag());
}
