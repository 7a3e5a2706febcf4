// The receiving side: the RFC 8460 Appendix B report read and summarised, schema errors that
// name the field, input formats, limits, and session outcome lines.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "dane/tlsrpt/delivery.hpp"
#include "dane/tlsrpt/reader.hpp"

using namespace dane;
using namespace dane::tlsrpt;

namespace {
std::string appendix_b() {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    REQUIRE_MESSAGE(root != nullptr, "DANE_SOURCE_ROOT is not set");
    std::ifstream in(std::string(root) + "/tests/data/tlsrpt/rfc8460-appendix-b.json");
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string schema_error(const std::string& text) {
    auto r = parse_report_json(text);
    REQUIRE_MESSAGE(!r, "accepted: ", text);
    CHECK(r.error().code == errc::bad_schema);
    return r.error().message();
}

// Appendix B with one substring replaced.
std::string edited(std::string_view from, std::string_view to) {
    std::string s = appendix_b();
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return s;
}
} // namespace

TEST_CASE("the RFC 8460 Appendix B report reads with every field") {
    auto r = read_report(appendix_b());
    REQUIRE_MESSAGE(r, r.error().message());
    CHECK(r->organization_name == "Company-X");
    CHECK(r->start == 1459468800);
    CHECK(r->end == 1459555199);
    CHECK(r->contact_info == "sts-reporting@company-x.example");
    CHECK(r->report_id == "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    REQUIRE(r->policies.size() == 1);
    const auto& p = r->policies[0];
    CHECK(p.policy_type == "sts");
    CHECK(p.policy_strings.size() == 4);
    CHECK(p.policy_strings[2] == "mx: *.mail.company-y.example");
    CHECK(p.policy_domain == "company-y.example");
    CHECK(p.mx_host == std::vector<std::string>{"*.mail.company-y.example"});
    CHECK(p.successful_sessions == 5326);
    CHECK(p.failed_sessions == 303);
    REQUIRE(p.failure_details.size() == 3);
    CHECK(p.failure_details[0].result_type == "certificate-expired");
    CHECK(p.failure_details[0].sending_mta_ip == "2001:db8:abcd:0012::1");
    CHECK(p.failure_details[0].failed_session_count == 100);
    CHECK(p.failure_details[1].receiving_ip == "203.0.113.56");
    CHECK(p.failure_details[2].failure_reason_code == "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
    CHECK(p.failure_details[2].receiving_mx_hostname == "mx-backup.mail.company-y.example");
}

TEST_CASE("the Appendix B report summarised, alone and twice") {
    auto r = read_report(appendix_b());
    REQUIRE(r);
    std::vector<received_report> reports{*r};
    auto rows = summarize(reports);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].policy_domain == "company-y.example");
    CHECK(rows[0].mx_host == "*.mail.company-y.example");
    CHECK(rows[0].successful_sessions == 5326);
    CHECK(rows[0].failed_sessions == 303);
    CHECK(rows[0].result_types ==
          std::map<std::string, std::uint64_t>{{"certificate-expired", 100},
                                               {"starttls-not-supported", 200},
                                               {"validation-failure", 3}});
    reports.push_back(*r);
    auto mx = *r;
    mx.policies[0].mx_host = {"mx9.mail.company-y.example"};
    reports.push_back(mx);
    rows = summarize(reports);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].reports == 2);
    CHECK(rows[0].failed_sessions == 606);
    CHECK(rows[0].result_types.at("starttls-not-supported") == 400);
    CHECK(rows[1].mx_host == "mx9.mail.company-y.example");
    CHECK(rows[1].successful_sessions == 5326);
}

TEST_CASE("schema errors name the field") {
    CHECK(schema_error(edited("\"total-successful-session-count\": 5326",
                              "\"total-successful-session-count\": -1")) ==
          "policies[0].summary.total-successful-session-count: expected a non-negative integer");
    CHECK(schema_error(edited("\"total-failure-session-count\": 303",
                              "\"total-failure-session-count\": 3.5")) ==
          "policies[0].summary.total-failure-session-count: expected a non-negative integer");
    CHECK(schema_error(edited("\"total-failure-session-count\": 303",
                              "\"total-failure-session-count\": \"303\"")) ==
          "policies[0].summary.total-failure-session-count: expected a non-negative integer");
    CHECK(schema_error(edited("\"organization-name\": \"Company-X\",", "")) ==
          "organization-name: missing");
    CHECK(schema_error(edited("\"2016-04-01T23:59:59Z\"", "\"yesterday\"")) ==
          "date-range.end-datetime: expected an RFC 3339 date-time");
    CHECK(schema_error(edited("\"policy-type\": \"sts\"", "\"policy-type\": \"dane\"")) ==
          "policies[0].policy.policy-type: expected \"tlsa\", \"sts\" or \"no-policy-found\"");
    CHECK(schema_error(edited("\"policy-domain\": \"company-y.example\",", "")) ==
          "policies[0].policy.policy-domain: missing");
    CHECK(schema_error(edited("\"mode: testing\"", "7")) ==
          "policies[0].policy.policy-string[1]: expected a string");
    CHECK(schema_error(edited("\"failed-session-count\": 200", "\"failed-session-count\": null")) ==
          "policies[0].failure-details[1].failed-session-count: expected a non-negative integer");
    CHECK(schema_error(edited("\"result-type\": \"validation-failure\",", "")) ==
          "policies[0].failure-details[2].result-type: missing");
    CHECK(schema_error(edited("\"receiving-ip\": \"203.0.113.58\"", "\"receiving-ip\": [1]")) ==
          "policies[0].failure-details[2].receiving-ip: expected a string");
    CHECK(schema_error(R"({"organization-name": "o", "date-range": {"start-datetime":
        "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"}, "contact-info": "c",
        "report-id": "r", "policies": {}})") == "policies: expected an array");
    CHECK(schema_error("[]") == "expected an object");
}

TEST_CASE("members the RFC does not define are ignored; an unknown result-type is kept") {
    auto r =
        parse_report_json(edited("\"result-type\": \"validation-failure\"",
                                 "\"result-type\": \"future-failure\", \"extra\": {\"a\": 1}"));
    REQUIRE(r);
    CHECK(r->policies[0].failure_details[2].result_type == "future-failure");
}

TEST_CASE("input that is no report: not JSON, too deep, too large") {
    auto bad = read_report("{\"organization-name\": ");
    REQUIRE(!bad);
    CHECK(bad.error().code == errc::bad_json);

    const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto d = read_report(deep);
    REQUIRE(!d);
    CHECK(d.error().code == errc::too_large);

    reader_limits small;
    small.max_input = 100;
    CHECK(read_report(appendix_b(), small).error().code == errc::too_large);

    // A gzip bomb: 64 MiB of spaces compress to a few tens of KiB.
    auto bomb = gzip_compress(std::string(64u << 20, ' '));
    REQUIRE(bomb);
    auto b = read_report(*bomb);
    REQUIRE(!b);
    CHECK(b.error().code == errc::too_large);

    CHECK(read_report("Subject: hello\r\n\r\nno report here\r\n").error().code == errc::bad_mime);
}

TEST_CASE("a report reads from gzip and from a hand-written multipart message") {
    auto z = gzip_compress(appendix_b());
    REQUIRE(z);
    auto from_gzip = read_report(*z);
    REQUIRE(from_gzip);
    CHECK(from_gzip->report_id == "5065427c-23d3-47ca-b6e0-946ea0e8c4be");

    // Folded headers, LF line ends, a quoted boundary, a preamble and a part in between.
    std::string msg = "From: tlsrpt@mail.sender.example\n"
                      "Content-Type: multipart/report;\n"
                      "\treport-type=\"tlsrpt\"; boundary=\"b1\"\n"
                      "\n"
                      "preamble\n"
                      "--b1\n"
                      "Content-Type: text/plain\n\nhello\n"
                      "--b1\n"
                      "content-type: Application/TLSRPT+GZIP; name=x\n"
                      "Content-Transfer-Encoding: BASE64\n\n";
    const std::string b64 = to_base64(as_bytes(*z));
    for (std::size_t i = 0; i < b64.size(); i += 60)
        msg += b64.substr(i, 60) + "\n";
    msg += "--b1--\nepilogue\n";
    auto from_mime = read_report(msg);
    REQUIRE_MESSAGE(from_mime, from_mime.error().message());
    CHECK(from_mime->policies.at(0).successful_sessions == 5326);
}

TEST_CASE("session outcome lines") {
    auto o = parse_outcome_line(
        R"({"policy-domain": "example.net", "policy-type": "tlsa", "policy-string": ["3 1 1 AA"],
            "mx-host": "mx1.example.net", "result-type": "dane-required",
            "sending-mta-ip": "192.0.2.1", "receiving-ip": "198.51.100.1",
            "receiving-mx-helo": "mx1", "time": "2025-11-29T10:00:00+01:00",
            "additional-information": "https://i.example", "failure-reason-code": "x",
            "extra": true})");
    REQUIRE_MESSAGE(o, o.error().message());
    CHECK(o->policy_domain == "example.net");
    CHECK(o->policy == policy_type::tlsa);
    CHECK(o->policy_strings == std::vector<std::string>{"3 1 1 AA"});
    CHECK(o->result == result_type::dane_required);
    CHECK(o->time == 1764374400 + 9 * 3600);
    CHECK(o->receiving_mx_helo == "mx1");
    CHECK(o->failure_reason_code == "x");

    const auto err = [](std::string line) {
        auto r = parse_outcome_line(line);
        REQUIRE(!r);
        return r.error().message();
    };
    const std::string base = R"("policy-domain": "d", "policy-type": "sts", "mx-host": "m")";
    CHECK(err("{" + base + R"(, "result-type": "success"})") == "time: missing");
    CHECK(err("{" + base + R"(, "result-type": "ok", "time": "2025-11-29T00:00:00Z"})") ==
          "result-type: unknown result type \"ok\"");
    CHECK(err("{" + base + R"(, "result-type": "success", "time": "noon"})") ==
          "time: expected an RFC 3339 date-time");
    CHECK(err("{" + base + R"(, "result-type": "success", "time": "2025-11-29T00:00:00Z",
              "policy-string": "3 1 1 AA"})") == "policy-string: expected an array of strings");
    CHECK(err("[1]") == "expected a JSON object");
    CHECK(err("{\"policy-domain\": 5}") == "policy-domain: expected a string");
}
