// RFC 8460 §4: JSON string escaping, dates, aggregation per policy domain and UTC day, and
// the written report read back with nlohmann/json, field by field.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "dane/tlsrpt/report.hpp"

using namespace dane;
using namespace dane::tlsrpt;
using nlohmann::json;

TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
    CHECK(json_string("plain") == "\"plain\"");
    CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_string("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
    CHECK(json_string(std::string("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\\u007f\"");
    CHECK(json_string("/") == "\"/\"");
    // UTF-8 passes through unchanged: é, €, U+1F512.
    CHECK(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92") ==
          "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92\"");
    // Bytes that are no UTF-8 (a lone continuation, an overlong '/', a surrogate, a cut-off
    // sequence) become U+FFFD, so the report stays I-JSON.
    CHECK(json_string("a\x80z") == "\"a\xEF\xBF\xBDz\"");
    CHECK(json_string("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(json_string("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(json_string("\xE2\x82") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");

    // What nlohmann reads back is the original text, for every octet value that is ASCII.
    std::string all;
    for (int c = 0; c < 128; ++c)
        all += static_cast<char>(c);
    CHECK(json::parse(json_string(all)).get<std::string>() == all);
}

TEST_CASE("RFC 3339 date-times format and parse") {
    CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(format_rfc3339(1459468800) == "2016-04-01T00:00:00Z");
    CHECK(format_rfc3339(1459555199) == "2016-04-01T23:59:59Z");
    CHECK(parse_rfc3339("2016-04-01T00:00:00Z") == 1459468800);
    CHECK(parse_rfc3339("2016-04-01t00:00:00z") == 1459468800);
    CHECK(parse_rfc3339("2016-04-01T02:00:00.123+02:00") == 1459468800);
    CHECK(parse_rfc3339("2016-03-31T19:00:00-05:00") == 1459468800);
    CHECK(!parse_rfc3339("2016-04-01 00:00:00Z"));
    CHECK(!parse_rfc3339("2016-04-01T00:00:00"));
    CHECK(!parse_rfc3339("2016-02-30T00:00:00Z"));
    CHECK(!parse_rfc3339("2016-04-01T24:00:00Z"));
    CHECK(!parse_rfc3339("2016-04-01T00:00:00.Z"));
    CHECK(!parse_rfc3339("2016-04-01T00:00:00Zjunk"));
    CHECK(!parse_rfc3339("1969-12-31T23:59:59Z"));
}

TEST_CASE("result and policy types have the RFC's names") {
    CHECK(to_string(result_type::starttls_not_supported) == "starttls-not-supported");
    CHECK(to_string(result_type::dane_required) == "dane-required");
    CHECK(to_string(result_type::sts_webpki_invalid) == "sts-webpki-invalid");
    CHECK(to_string(policy_type::no_policy_found) == "no-policy-found");
    for (auto r :
         {result_type::success, result_type::certificate_host_mismatch,
          result_type::certificate_expired, result_type::certificate_not_trusted,
          result_type::validation_failure, result_type::tlsa_invalid, result_type::dnssec_invalid,
          result_type::sts_policy_fetch_error, result_type::sts_policy_invalid})
        CHECK(parse_result_type(to_string(r)) == r);
    CHECK(!parse_result_type("Success"));
    CHECK(parse_policy_type("tlsa") == policy_type::tlsa);
    CHECK(!parse_policy_type("dane"));
}

namespace {
session_outcome outcome(std::string domain, std::string mx, result_type r, std::int64_t t) {
    session_outcome o;
    o.policy_domain = std::move(domain);
    o.policy = policy_type::tlsa;
    o.policy_strings = {"3 1 1 AABB", "2 0 1 CCDD"};
    o.mx_host = std::move(mx);
    o.result = r;
    o.sending_mta_ip = "192.0.2.1";
    o.receiving_ip = "198.51.100.25";
    o.time = t;
    return o;
}
constexpr std::int64_t day1 = 1764374400; // 2025-11-29T00:00:00Z
} // namespace

TEST_CASE("outcomes add up per policy domain and UTC day") {
    aggregator a;
    CHECK(a.empty());
    a.add(outcome("example.net", "mx1.example.net", result_type::success, day1));
    a.add(outcome("example.net", "mx1.example.net", result_type::success, day1 + 86399));
    a.add(outcome("example.net", "mx1.example.net", result_type::validation_failure, day1 + 10));
    a.add(outcome("example.net", "mx1.example.net", result_type::validation_failure, day1 + 20));
    a.add(outcome("example.net", "mx2.example.net", result_type::starttls_not_supported, day1 + 5));
    a.add(outcome("example.net", "mx1.example.net", result_type::success, day1 + 86400));
    a.add(outcome("example.org", "mx.example.org", result_type::dnssec_invalid, day1 + 7));

    auto reports = a.reports({"Sender Org", "tlsrpt@mail.sender.example", "7"});
    REQUIRE(reports.size() == 3);
    const report& r = reports[0];
    CHECK(r.policy_domain == "example.net");
    CHECK(r.start == day1);
    CHECK(r.end == day1 + 86399);
    CHECK(r.organization_name == "Sender Org");
    CHECK(r.report_id == "2025-11-29.7.example.net@mail.sender.example");
    REQUIRE(r.policies.size() == 2);
    CHECK(r.policies[0].mx_host == "mx1.example.net");
    CHECK(r.policies[0].successful_sessions == 2);
    CHECK(r.policies[0].failed_sessions == 2);
    REQUIRE(r.policies[0].failure_details.size() == 1);
    CHECK(r.policies[0].failure_details[0].failed_session_count == 2);
    CHECK(r.policies[0].failure_details[0].receiving_mx_hostname == "mx1.example.net");
    CHECK(r.policies[1].mx_host == "mx2.example.net");
    CHECK(r.policies[1].successful_sessions == 0);
    CHECK(r.policies[1].failed_sessions == 1);

    CHECK(reports[1].policy_domain == "example.net");
    CHECK(reports[1].start == day1 + 86400);
    CHECK(reports[1].policies.at(0).successful_sessions == 1);
    CHECK(reports[2].policy_domain == "example.org");
    CHECK(reports[2].policies.at(0).failure_details.at(0).result == result_type::dnssec_invalid);
}

TEST_CASE("failures with different details are separate failure-details entries") {
    aggregator a;
    auto f1 = outcome("example.net", "mx1.example.net", result_type::certificate_expired, day1);
    auto f2 = f1;
    f2.failure_reason_code = "X509_V_ERR_CERT_HAS_EXPIRED";
    auto f3 = f1;
    f3.receiving_ip = "198.51.100.26";
    a.add(f1);
    a.add(f2);
    a.add(f2);
    a.add(f3);
    auto reports = a.reports({"o", "c@example", "1"});
    REQUIRE(reports.size() == 1);
    REQUIRE(reports[0].policies.size() == 1);
    const auto& p = reports[0].policies[0];
    CHECK(p.failed_sessions == 4);
    REQUIRE(p.failure_details.size() == 3);
    std::uint64_t total = 0;
    for (const auto& d : p.failure_details)
        total += d.failed_session_count;
    CHECK(total == 4);
}

TEST_CASE("the written report reads back with nlohmann/json, field by field") {
    aggregator a;
    auto ok = outcome("example.net", "mx1.example.net", result_type::success, day1 + 100);
    auto bad =
        outcome("example.net", "mx1.example.net", result_type::certificate_not_trusted, day1 + 200);
    bad.receiving_mx_helo = "mx1.example.net \"ESMTP\"";
    bad.additional_information = "https://sender.example/info?id=1";
    bad.failure_reason_code = "chain\tbroken\x01";
    a.add(ok);
    a.add(ok);
    a.add(bad);
    auto reports = a.reports({"Company \"X\" \\ Co", "sts-reporting@company-x.example", "1"});
    REQUIRE(reports.size() == 1);
    const json j = json::parse(to_json(reports[0]));

    CHECK(j.size() == 5);
    CHECK(j.at("organization-name") == "Company \"X\" \\ Co");
    CHECK(j.at("date-range").at("start-datetime") == "2025-11-29T00:00:00Z");
    CHECK(j.at("date-range").at("end-datetime") == "2025-11-29T23:59:59Z");
    CHECK(j.at("contact-info") == "sts-reporting@company-x.example");
    CHECK(j.at("report-id") == "2025-11-29.1.example.net@company-x.example");
    REQUIRE(j.at("policies").is_array());
    REQUIRE(j.at("policies").size() == 1);
    const json& p = j.at("policies")[0];
    CHECK(p.size() == 3);
    CHECK(p.at("policy").at("policy-type") == "tlsa");
    CHECK(p.at("policy").at("policy-string") == json::array({"3 1 1 AABB", "2 0 1 CCDD"}));
    CHECK(p.at("policy").at("policy-domain") == "example.net");
    CHECK(p.at("policy").at("mx-host") == "mx1.example.net");
    CHECK(p.at("summary").at("total-successful-session-count") == 2);
    CHECK(p.at("summary").at("total-failure-session-count") == 1);
    REQUIRE(p.at("failure-details").size() == 1);
    const json& d = p.at("failure-details")[0];
    CHECK(d.size() == 8);
    CHECK(d.at("result-type") == "certificate-not-trusted");
    CHECK(d.at("sending-mta-ip") == "192.0.2.1");
    CHECK(d.at("receiving-mx-hostname") == "mx1.example.net");
    CHECK(d.at("receiving-mx-helo") == "mx1.example.net \"ESMTP\"");
    CHECK(d.at("receiving-ip") == "198.51.100.25");
    CHECK(d.at("failed-session-count") == 1);
    CHECK(d.at("additional-information") == "https://sender.example/info?id=1");
    CHECK(d.at("failure-reason-code") == "chain\tbroken\x01");
}

TEST_CASE("a policy without failures has no failure-details; unknown fields are left out") {
    aggregator a;
    auto o = outcome("example.net", "mx1.example.net", result_type::success, day1);
    o.policy = policy_type::no_policy_found;
    o.policy_strings.clear();
    a.add(o);
    const json j = json::parse(to_json(a.reports({"o", "c@example", "1"}).at(0)));
    const json& p = j.at("policies").at(0);
    CHECK(!p.contains("failure-details"));
    CHECK(p.at("policy").at("policy-type") == "no-policy-found");
    CHECK(p.at("policy").at("policy-string") == json::array());

    aggregator b;
    auto f = outcome("example.net", "", result_type::validation_failure, day1);
    f.sending_mta_ip.clear();
    f.receiving_ip.clear();
    b.add(f);
    const json k = json::parse(to_json(b.reports({"o", "c@example", "1"}).at(0)));
    const json& d = k.at("policies").at(0).at("failure-details").at(0);
    CHECK(d == json{{"result-type", "validation-failure"}, {"failed-session-count", 1}});
}

TEST_CASE("report-ids come from the caller's input only") {
    CHECK(make_report_id("mail.sender.example", "example.net", day1, "42") ==
          "2025-11-29.42.example.net@mail.sender.example");
    CHECK(make_report_id("mail.sender.example", "example.net", day1, "a b<c>") ==
          "2025-11-29.a-b-c-.example.net@mail.sender.example");
    CHECK(make_report_id("", "", day1, "") == "2025-11-29.x.x@x");
    CHECK(submitter_domain("tlsrpt@mail.sender.example") == "mail.sender.example");
}
