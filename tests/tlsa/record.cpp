#include <doctest/doctest.h>

#include <string>

#include "dane/dns/rdata.hpp"
#include "dane/tlsa/record.hpp"

using namespace dane;
using namespace dane::tlsa;

namespace {
const std::string h256 = "3fe246a848798236dd2ab78d39f0651d6b6e7ca8e2984012eb0a2e1ac8a87b72";
// The same digest as the library prints it: uppercase, like BIND and Knot.
const std::string h256_upper = "3FE246A848798236DD2AB78D39F0651D6B6E7CA8E2984012EB0A2E1AC8A87B72";
dns::name n(std::string_view text) {
    return dns::name::parse(text).value();
}
} // namespace

TEST_CASE("RFC 7218 acronyms print and parse in any case") {
    CHECK(acronym(cert_usage::pkix_ta) == "PKIX-TA");
    CHECK(acronym(cert_usage::pkix_ee) == "PKIX-EE");
    CHECK(acronym(cert_usage::dane_ta) == "DANE-TA");
    CHECK(acronym(cert_usage::dane_ee) == "DANE-EE");
    CHECK(acronym(cert_usage::priv_cert) == "PrivCert");
    CHECK(acronym(selector_type::cert) == "Cert");
    CHECK(acronym(selector_type::spki) == "SPKI");
    CHECK(acronym(selector_type::priv_sel) == "PrivSel");
    CHECK(acronym(matching_type::full) == "Full");
    CHECK(acronym(matching_type::sha2_256) == "SHA2-256");
    CHECK(acronym(matching_type::sha2_512) == "SHA2-512");
    CHECK(acronym(matching_type::priv_match) == "PrivMatch");
    CHECK(acronym(static_cast<cert_usage>(7)).empty());
    CHECK(describe(cert_usage::dane_ee) == "DANE-EE(3)");
    CHECK(describe(selector_type::spki) == "SPKI(1)");
    CHECK(describe(matching_type::sha2_256) == "SHA2-256(1)");
    CHECK(describe(static_cast<matching_type>(9)) == "9");

    CHECK(parse_usage("dane-ee") == cert_usage::dane_ee);
    CHECK(parse_usage("PKIX-TA") == cert_usage::pkix_ta);
    CHECK(parse_usage("2") == cert_usage::dane_ta);
    CHECK(parse_usage("255") == cert_usage::priv_cert);
    CHECK(parse_usage("7") == static_cast<cert_usage>(7));
    CHECK(!parse_usage("256"));
    CHECK(!parse_usage("DANE"));
    CHECK(!parse_usage(""));
    CHECK(!parse_usage("-1"));
    CHECK(parse_selector("spki") == selector_type::spki);
    CHECK(parse_matching_type("sha2-512") == matching_type::sha2_512);
    CHECK(!parse_matching_type("SHA-256"));
}

TEST_CASE("presentation RDATA: numbers, acronyms, split hex, generic form") {
    auto r = parse_rdata_text("3 1 1 " + h256).value();
    CHECK(r.usage == cert_usage::dane_ee);
    CHECK(r.selector == selector_type::spki);
    CHECK(r.matching == matching_type::sha2_256);
    CHECK(r.data.size() == 32);
    CHECK(r.to_string() == "3 1 1 " + h256_upper);
    CHECK(r.to_string(text_style::acronyms) == "DANE-EE SPKI SHA2-256 " + h256_upper);
    // One hex case for the library: the DNS layer prints the same RDATA the same way.
    std::string dns_text;
    REQUIRE(dns::append_rdata_text(dns_text, dns::rr_type::tlsa, r.to_rdata()).has_value());
    CHECK(dns_text == r.to_string());
    CHECK(r.describe_parameters() == "DANE-EE(3) SPKI(1) SHA2-256(1)");

    // Whitespace and parentheses inside the data (RFC 6698 §2.2), uppercase hex.
    std::string upper = h256;
    for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto split = parse_rdata_text("DANE-EE SPKI SHA2-256 ( " + upper.substr(0, 32) + "\n " +
                                  upper.substr(32) + " )")
                     .value();
    CHECK(split == r);

    auto generic = parse_rdata_text("\\# 35 030101" + h256).value();
    CHECK(generic == r);
    CHECK(parse_rdata_text("\\# 36 030101" + h256).error() == errc::bad_data);

    CHECK(parse_rdata_text("3 1").error() == errc::missing_field);
    CHECK(parse_rdata_text("3 1 1").error() == errc::missing_field);
    CHECK(parse_rdata_text("3 1 x 00").error() == errc::bad_field);
    CHECK(parse_rdata_text("3 1 1 0g").error() == errc::bad_data);
    CHECK(parse_rdata_text("3 1 1 abc").error() == errc::bad_data);

    // Unknown parameters and wrong digest lengths are well-formed: unusable, not errors.
    auto odd = parse_rdata_text("4 2 3 00").value();
    CHECK(static_cast<int>(odd.usage) == 4);
    CHECK(odd.to_string(text_style::acronyms) == "4 2 3 00");
}

TEST_CASE("wire form round trip") {
    auto r = parse_rdata_text("2 0 2 " + h256 + h256).value();
    auto wire = r.to_rdata();
    CHECK(wire.size() == 3 + 64);
    CHECK(record::from_rdata(wire).value() == r);
    std::byte short_rdata[2] = {std::byte{3}, std::byte{1}};
    CHECK(record::from_rdata(short_rdata).error() == errc::missing_field);
    std::byte empty_data[3] = {std::byte{3}, std::byte{1}, std::byte{1}};
    auto e = record::from_rdata(empty_data).value();
    CHECK(e.data.empty());
    CHECK(e.to_string() == "3 1 1 \\# 0");
}

TEST_CASE("lines of a TLSA file: bare RDATA, full records, comments") {
    auto bare = parse_line("3 1 1 " + h256).value();
    REQUIRE(bare);
    CHECK(!bare->owner);
    auto full = parse_line("_25._tcp.mx.example.net. 3600 IN TLSA 3 1 1 " + h256).value();
    REQUIRE(full);
    CHECK(full->owner == n("_25._tcp.mx.example.net."));
    CHECK(full->rr == bare->rr);
    auto no_ttl = parse_line("_25._tcp.mx.example.net. IN TLSA DANE-EE SPKI SHA2-256 " + h256);
    CHECK(no_ttl.value()->rr == bare->rr);
    auto class_first = parse_line("_25._tcp.mx.example.net. IN 300 TLSA 3 1 1 " + h256);
    CHECK(class_first.value()->rr == bare->rr);
    auto bare_owner = parse_line("_25._tcp.mx TLSA 3 1 1 " + h256);
    CHECK(bare_owner.value()->owner == n("_25._tcp.mx."));

    CHECK(!parse_line("").value());
    CHECK(!parse_line("   ; a comment").value());
    CHECK(!parse_line("# a comment").value());
    CHECK(parse_line("mx.example.net. IN A 192.0.2.1").error() == errc::not_tlsa);
    CHECK(parse_line("mx.example.net. IN").error() == errc::missing_field);
    CHECK(parse_line("mx.example.net. IN BOGUS 1").error() == errc::bad_syntax);

    std::string file = "; TLSA set\n3 1 1 " + h256 + "\n\n2 0 1 " + h256 + " ; comment\n";
    auto all = parse_lines(file).value();
    CHECK(all.size() == 2);
    CHECK(all[1].rr.usage == cert_usage::dane_ta);
    auto bad = parse_lines("3 1 1 " + h256 + "\n3 1 1 zz\n");
    CHECK(bad.error().line == 2);
    CHECK(bad.error().code == errc::bad_data);
    CHECK(bad.error().message() == "line 2: bad certificate association data");
}

TEST_CASE("owner names: _port._proto.base") {
    auto o = owner_name(n("mx.example.net."), 25).value();
    CHECK(o.to_string() == "_25._tcp.mx.example.net.");
    CHECK(owner_name(n("example.org."), 443, "udp").value().to_string() ==
          "_443._udp.example.org.");
    auto parts = split_owner(o).value();
    CHECK(parts.port == 25);
    CHECK(parts.proto == "tcp");
    CHECK(parts.base == n("mx.example.net."));
    CHECK(split_owner(n("mx.example.net.")).error() == errc::bad_owner);
    CHECK(split_owner(n("_70000._tcp.x.")).error() == errc::bad_owner);
    CHECK(split_owner(n("_25.tcp.x.")).error() == errc::bad_owner);
    CHECK(split_owner(n("_25.")).error() == errc::bad_owner);
}
