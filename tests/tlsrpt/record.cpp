// RFC 8460 §3: the _smtp._tls TXT record grammar and the choice among several records.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dane/tlsrpt/record.hpp"

using namespace dane;
using namespace dane::tlsrpt;

namespace {
std::error_code code_of(std::string_view text) {
    auto r = parse_record(text);
    REQUIRE_MESSAGE(!r, "accepted: ", std::string(text));
    return r.error().code;
}
} // namespace

TEST_CASE("the RFC 8460 §3.1 examples parse") {
    auto mail = parse_record("v=TLSRPTv1;rua=mailto:reports@example.com");
    REQUIRE(mail);
    REQUIRE(mail->rua.size() == 1);
    CHECK(mail->rua[0].scheme == uri_scheme::mailto);
    CHECK(mail->rua[0].uri == "mailto:reports@example.com");
    CHECK(mail->rua[0].target == "reports@example.com");
    CHECK(mail->extensions.empty());

    auto https = parse_record("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt");
    REQUIRE(https);
    REQUIRE(https->rua.size() == 1);
    CHECK(https->rua[0].scheme == uri_scheme::https);
    CHECK(https->rua[0].target == "https://reporting.example.com/v1/tlsrpt");
}

TEST_CASE("rua takes several URIs with white space around the commas") {
    auto r = parse_record("v=TLSRPTv1 ;\trua=mailto:a@example.net , https://r.example.net/x?y=1 ,"
                          "mailto:b@example.net?subject=tlsrpt ; ");
    REQUIRE(r);
    REQUIRE(r->rua.size() == 3);
    CHECK(r->rua[0].target == "a@example.net");
    CHECK(r->rua[1].scheme == uri_scheme::https);
    CHECK(r->rua[1].uri == "https://r.example.net/x?y=1");
    CHECK(r->rua[2].target == "b@example.net");
    CHECK(r->deliverable().size() == 3);
}

TEST_CASE("a URI of another scheme is kept but not deliverable") {
    auto r = parse_record("v=TLSRPTv1;rua=ftp://reports.example.net/in,mailto:t@example.net");
    REQUIRE(r);
    REQUIRE(r->rua.size() == 2);
    CHECK(r->rua[0].scheme == uri_scheme::other);
    CHECK(r->deliverable().size() == 1);
    CHECK(r->deliverable()[0].target == "t@example.net");
}

TEST_CASE("extension fields are kept and otherwise ignored") {
    auto r = parse_record("v=TLSRPTv1;future_field-1.x=a,b:c;rua=mailto:t@example.net;v=again");
    REQUIRE(r);
    REQUIRE(r->extensions.size() == 2);
    CHECK(r->extensions[0].name == "future_field-1.x");
    CHECK(r->extensions[0].value == "a,b:c");
    CHECK(r->extensions[1].name == "v");
    CHECK(r->rua.size() == 1);
    // A 32-character name is the longest the grammar allows.
    CHECK(parse_record("v=TLSRPTv1;rua=mailto:t@example.net;" + std::string(32, 'a') + "=1"));
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;" + std::string(33, 'a') + "=1") ==
          errc::bad_field);
}

TEST_CASE("the version must come first, exactly and case-sensitively") {
    CHECK(code_of("rua=mailto:t@example.net;v=TLSRPTv1") == errc::bad_version);
    CHECK(code_of("v=tlsrptv1;rua=mailto:t@example.net") == errc::bad_version);
    CHECK(code_of(" v=TLSRPTv1;rua=mailto:t@example.net") == errc::bad_version);
    CHECK(code_of("v=TLSRPTv2;rua=mailto:t@example.net") == errc::bad_version);
    CHECK(code_of("v=TLSRPTv10;rua=mailto:t@example.net") == errc::bad_delimiter);
    CHECK(code_of("") == errc::bad_version);
}

TEST_CASE("rua is required and fields are separated by ';' only") {
    CHECK(code_of("v=TLSRPTv1") == errc::missing_rua);
    CHECK(code_of("v=TLSRPTv1;") == errc::missing_rua);
    CHECK(code_of("v=TLSRPTv1;ext=1") == errc::missing_rua);
    CHECK(code_of("v=TLSRPTv1,rua=mailto:t@example.net") == errc::bad_delimiter);
    CHECK(code_of("v=TLSRPTv1;;rua=mailto:t@example.net") == errc::bad_delimiter);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;;") == errc::bad_delimiter);
    // Trailing white space needs the optional final ';' before it.
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net ") == errc::bad_delimiter);
    CHECK(parse_record("v=TLSRPTv1;rua=mailto:t@example.net; "));
    // %s"rua=" is case-sensitive: "RUA" is an extension, so rua is missing.
    CHECK(code_of("v=TLSRPTv1;RUA=mailto:t@example.net") == errc::missing_rua);
}

TEST_CASE("malformed fields and URIs are rejected with a reason") {
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;novalue") == errc::bad_field);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;x=") == errc::bad_field);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;_x=1") == errc::bad_field);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;x=a b") == errc::bad_field);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net;x=a=b") == errc::bad_field);
    CHECK(code_of("v=TLSRPTv1;rua=") == errc::bad_uri);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net,") == errc::bad_uri);
    CHECK(code_of("v=TLSRPTv1;rua=reports@example.net") == errc::bad_uri);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:") == errc::bad_uri);
    CHECK(code_of("v=TLSRPTv1;rua=mailto:nobody") == errc::bad_uri);
    CHECK(code_of("v=TLSRPTv1;rua=https:/r.example.net") == errc::bad_uri);
    CHECK(code_of("v=TLSRPTv1;rua=https://r.example.net/a b") == errc::bad_uri);
    // '!' must be percent-encoded in a rua URI (§3); %21 is fine, a broken escape is not.
    CHECK(code_of("v=TLSRPTv1;rua=mailto:a!b@example.net") == errc::bad_uri);
    CHECK(parse_record("v=TLSRPTv1;rua=mailto:a%21b@example.net"));
    CHECK(code_of("v=TLSRPTv1;rua=mailto:a%2@example.net") == errc::bad_uri);
    // White space inside the rua list is only allowed around commas.
    CHECK(code_of("v=TLSRPTv1;rua= mailto:t@example.net") == errc::bad_uri);

    auto r = parse_record("v=TLSRPTv1;rua=mailto:nobody");
    REQUIRE(!r);
    CHECK(r.error().offset == std::size_t{15});
    CHECK(r.error().message().find("mailto") != std::string::npos);
}

TEST_CASE("select_record: exactly one record starting with v=TLSRPTv1 counts (§3)") {
    const std::vector<std::string> one = {"v=spf1 -all", "v=TLSRPTv1;rua=mailto:t@example.net",
                                          "v=TLSRPTv10;rua=mailto:u@example.net"};
    auto r = select_record(one);
    REQUIRE(r);
    CHECK(r->rua[0].target == "t@example.net");

    const std::vector<std::string> two = {"v=TLSRPTv1;rua=mailto:t@example.net",
                                          "v=TLSRPTv1; rua=https://r.example.net/"};
    auto several = select_record(two);
    REQUIRE(!several);
    CHECK(several.error().code == errc::several_records);

    const std::vector<std::string> none = {"v=spf1 -all", "hello"};
    auto absent = select_record(none);
    REQUIRE(!absent);
    CHECK(absent.error().code == errc::no_record);

    // Two records where one is broken are still two: the domain does not report.
    const std::vector<std::string> broken = {"v=TLSRPTv1;rua=mailto:t@example.net",
                                             "v=TLSRPTv1;rua=nonsense"};
    CHECK(select_record(broken).error().code == errc::several_records);
    // The only record is broken: its reason comes back.
    const std::vector<std::string> only_broken = {"v=TLSRPTv1;rua=nonsense"};
    CHECK(select_record(only_broken).error().code == errc::bad_uri);
}

TEST_CASE("select_record joins the strings of a TXT record without spaces") {
    const std::vector<std::vector<std::string>> records = {
        {"v=TLSRPTv1;rua=mailto:t@exa", "mple.net"}, {"unrelated"}};
    auto r = select_record(std::span<const std::vector<std::string>>(records));
    REQUIRE(r);
    CHECK(r->rua[0].target == "t@example.net");
}

TEST_CASE("a record longer than a TXT record can be is refused, not cut") {
    const std::string tail = ";x=" + std::string(max_record_length, 'a');
    CHECK(code_of("v=TLSRPTv1;rua=mailto:t@example.net" + tail) == errc::too_large);
    const std::vector<std::vector<std::string>> records = {
        {"v=TLSRPTv1;rua=mailto:t@example.net", tail}};
    auto r = select_record(std::span<const std::vector<std::string>>(records));
    REQUIRE(!r);
    CHECK(r.error().code == errc::too_large);
}
