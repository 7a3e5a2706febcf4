// Trust anchors: the built-in IANA root anchors, root-anchors.xml, DS and DNSKEY records.
#include <doctest/doctest.h>

#include "dane/dnssec/ds.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;

namespace {
const char* root_anchors_xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="380DC50D-484E-40D0-A3AE-68F2B18F61C7" source="http://data.iana.org/root-anchors/root-anchors.xml">
<Zone>.</Zone>
<KeyDigest id="Kjqmt7v" validFrom="2010-07-15T00:00:00+00:00" validUntil="2019-01-11T00:00:00+00:00">
<KeyTag>19036</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>
</KeyDigest>
<KeyDigest id="Klajeyz" validFrom="2017-02-02T00:00:00+00:00">
<KeyTag>20326</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>
</KeyDigest>
<KeyDigest id="Kmyv6jo" validFrom="2024-07-18T00:00:00+00:00">
<KeyTag>38696</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16</Digest>
</KeyDigest>
</TrustAnchor>
)";

std::chrono::sys_seconds at(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}};
}
} // namespace

TEST_CASE("the built-in IANA root anchors: KSK-2017 (20326) and KSK-2024 (38696)") {
    auto a = dnssec::iana_root_anchors();
    const auto* root = a.find(dns::name());
    REQUIRE(root != nullptr);
    REQUIRE(root->ds.size() == 2);
    CHECK(dnssec::parse_ds(root->ds[0])->key_tag == 20326);
    CHECK(dnssec::parse_ds(root->ds[1])->key_tag == 38696);
    // KSK-2017 as the root zone publishes it: the built-in DS matches it.
    auto ksk =
        zone(". 172800 IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3"
             "+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2"
             "n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+e"
             "oZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws"
             "9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=");
    CHECK(dnssec::ds_matches(backend(), dns::name(), *dnssec::parse_ds(root->ds[0]),
                             ksk.at(0).rdata));
    CHECK(a.closest(dn("www.example.com.")) == root);
}

TEST_CASE("root-anchors.xml, with and without validity windows") {
    auto all = dnssec::parse_root_anchors_xml(root_anchors_xml);
    REQUIRE(all.has_value());
    CHECK(all->find(dns::name())->ds.size() == 3);
    auto now = dnssec::parse_root_anchors_xml(root_anchors_xml, at(2026, 1, 1));
    REQUIRE(now.has_value());
    CHECK(now->find(dns::name())->ds == dnssec::iana_root_anchors().find(dns::name())->ds);
    // Before any digest is valid: no anchor, an error rather than an empty set.
    CHECK(dnssec::parse_root_anchors_xml(root_anchors_xml, at(2009, 1, 1)).error() ==
          dnssec::errc::no_anchor);
    auto old = dnssec::parse_root_anchors_xml(root_anchors_xml, at(2015, 1, 1));
    REQUIRE(old.has_value());
    REQUIRE(old->find(dns::name())->ds.size() == 1);
    CHECK(dnssec::parse_ds(old->find(dns::name())->ds[0])->key_tag == 19036);
    // Through the generic loader too.
    auto loaded = dnssec::load_trust_anchors(std::string("\n  ") + root_anchors_xml);
    REQUIRE(loaded.has_value());
}

TEST_CASE("malformed root-anchors.xml is an error, never a crash") {
    for (const char* bad : {"<TrustAnchor>", "<TrustAnchor><Zone>.</Zone></TrustAnchor>",
                            "<TrustAnchor><Zone>.</Zone><KeyDigest><KeyTag>x</KeyTag>"
                            "<Algorithm>8</Algorithm><DigestType>2</DigestType><Digest>00"
                            "</Digest></KeyDigest></TrustAnchor>",
                            "<TrustAnchor><Zone>..</Zone></TrustAnchor>", "<"}) {
        CAPTURE(bad);
        CHECK_FALSE(dnssec::parse_root_anchors_xml(bad).has_value());
    }
    CHECK(dnssec::detail::parse_xml_time("2017-02-02T00:00:00+01:00") ==
          std::chrono::sys_seconds(at(2017, 2, 1) + std::chrono::hours(23)));
    CHECK(dnssec::detail::parse_xml_time("2017-02-02T00:00:00Z").has_value());
    CHECK_FALSE(dnssec::detail::parse_xml_time("2017-02-30T00:00:00").has_value());
}

TEST_CASE("anchors from DS and DNSKEY records, for any name") {
    auto a = dnssec::load_trust_anchors(
        "test. 3600 IN DS 1 13 2 "
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
        "other.test. DNSKEY 257 3 13 AAAA\n");
    REQUIRE(a.has_value());
    CHECK(a->find(dn("test."))->ds.size() == 1);
    CHECK(a->find(dn("other.test."))->dnskeys.size() == 1);
    CHECK(a->closest(dn("x.other.test."))->owner == dn("other.test."));
    CHECK(a->closest(dn("x.test."))->owner == dn("test."));
    CHECK(a->closest(dn("example.")) == nullptr);
    auto bad = dnssec::load_trust_anchors("test. A 192.0.2.1\n");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == dnssec::errc::bad_anchor);
    auto syntax = dnssec::load_trust_anchors("test. DS 1 13\n");
    REQUIRE_FALSE(syntax.has_value());
    CHECK(syntax.error().line == 1);
    CHECK_FALSE(dnssec::load_trust_anchors("; nothing\n").has_value());
}
