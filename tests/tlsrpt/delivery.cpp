// RFC 8460 §5: file names, gzip bodies (checked by decompressing with zlib directly), the
// multipart/report message (read back by the reader) and the HTTPS POST body.
#include <doctest/doctest.h>

#include <zlib.h>

#include <nlohmann/json.hpp>

#include <string>

#include "dane/tlsrpt/delivery.hpp"
#include "dane/tlsrpt/reader.hpp"

using namespace dane;
using namespace dane::tlsrpt;

namespace {
constexpr std::int64_t day1 = 1764374400; // 2025-11-29T00:00:00Z

report sample_report() {
    aggregator a;
    session_outcome o;
    o.policy_domain = "example.net";
    o.policy = policy_type::tlsa;
    o.policy_strings = {"3 1 1 AABB"};
    o.mx_host = "mx1.example.net";
    o.time = day1 + 60;
    a.add(o);
    o.result = result_type::tlsa_invalid;
    o.sending_mta_ip = "192.0.2.1";
    a.add(o);
    return a.reports({"Sender", "tlsrpt@mail.sender.example", "1"}).at(0);
}

// Independent of the library's gzip_decompress: zlib's inflate with gzip decoding.
std::string zlib_gunzip(const std::string& data) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
    std::string out(1 << 20, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    out.resize(z.total_out);
    inflateEnd(&z);
    REQUIRE(rc == Z_STREAM_END);
    return out;
}
} // namespace

TEST_CASE("gzip round trip through zlib") {
    const std::string json = to_json(sample_report());
    auto z = gzip_compress(json);
    REQUIRE(z);
    CHECK(looks_like_gzip(*z));
    CHECK(static_cast<unsigned char>((*z)[2]) == 8); // deflate (RFC 1952 §2.3.1)
    CHECK(zlib_gunzip(*z) == json);
    auto back = gzip_decompress(*z, 1 << 20);
    REQUIRE(back);
    CHECK(*back == json);
    // The same input gives the same octets (no time in the header).
    CHECK(*gzip_compress(json) == *z);
}

TEST_CASE("gzip_decompress stops at its size cap and at damage") {
    const std::string big(1 << 20, 'a');
    auto z = gzip_compress(big);
    REQUIRE(z);
    CHECK(z->size() < 4096); // a ratio over 250:1
    auto capped = gzip_decompress(*z, 1000);
    REQUIRE(!capped);
    CHECK(capped.error().code == errc::too_large);
    CHECK(gzip_decompress(*z, big.size()).value() == big);

    auto cut = gzip_decompress(z->substr(0, z->size() / 2), 1 << 21);
    REQUIRE(!cut);
    CHECK(cut.error().code == errc::bad_gzip);
    std::string flipped = *z;
    flipped[flipped.size() - 6] ^= 0x55; // the CRC-32 of the trailer
    CHECK(gzip_decompress(flipped, 1 << 21).error().code == errc::bad_gzip);
    CHECK(gzip_decompress(*z + "junk", 1 << 21).error().code == errc::bad_gzip);
    CHECK(gzip_decompress("not gzip", 100).error().code == errc::bad_gzip);
    // Two members are one stream (RFC 1952 §2.2).
    auto two = gzip_decompress(*gzip_compress("ab") + *gzip_compress("cd"), 100);
    REQUIRE(two);
    CHECK(*two == "abcd");
}

TEST_CASE("file names follow §5.1") {
    const report r = sample_report();
    CHECK(report_file_name("mail.sender.example", r, "001", true) ==
          "mail.sender.example!example.net!1764374400!1764460799!001.json.gz");
    CHECK(report_file_name("mail.sender.example", r, "", false) ==
          "mail.sender.example!example.net!1764374400!1764460799.json");
    CHECK(report_file_name("s", r, "a-b_c", false) ==
          "s!example.net!1764374400!1764460799!abc.json");
}

TEST_CASE("the HTTPS body is gzip with application/tlsrpt+gzip, or JSON") {
    const report r = sample_report();
    auto gz = https_post_body(r);
    REQUIRE(gz);
    CHECK(gz->content_type == "application/tlsrpt+gzip");
    CHECK(zlib_gunzip(gz->body) == to_json(r));
    auto plain = https_post_body(r, false);
    REQUIRE(plain);
    CHECK(plain->content_type == "application/tlsrpt+json");
    CHECK(plain->body == to_json(r));
}

TEST_CASE("the §5.3 mail message has the headers and a report the reader reads back") {
    const report r = sample_report();
    mail_settings m;
    m.from = "tlsrpt@mail.sender.example";
    m.to = "tlsrpt@example.net";
    m.date = day1 + 86400 + 3600;
    m.unique_id = "1";
    auto msg = mail_message(r, m);
    REQUIRE(msg);
    const auto entity = tlsrpt::detail::split_entity(*msg);
    CHECK(entity.headers.at("tls-report-domain") == "example.net");
    CHECK(entity.headers.at("tls-report-submitter") == "mail.sender.example");
    CHECK(entity.headers.at("date") == "Sun, 30 Nov 2025 01:00:00 +0000");
    CHECK(entity.headers.at("subject") ==
          "Report Domain: example.net Submitter: mail.sender.example Report-ID: <" + r.report_id +
              ">");
    CHECK(entity.headers.at("mime-version") == "1.0");
    CHECK(tlsrpt::detail::media_type(entity.headers.at("content-type")) == "multipart/report");
    CHECK(tlsrpt::detail::content_type_parameter(entity.headers.at("content-type"),
                                                 "report-type") == "tlsrpt");
    CHECK(msg->find("Content-Type: application/tlsrpt+gzip\r\n") != std::string::npos);
    CHECK(
        msg->find("filename=\"mail.sender.example!example.net!1764374400!1764460799!1.json.gz\"") !=
        std::string::npos);
    // Every line ends in CRLF and none is longer than RFC 5322 §2.1.1 recommends.
    std::size_t start = 0;
    while (start < msg->size()) {
        const auto eol = msg->find("\r\n", start);
        REQUIRE(eol != std::string::npos);
        CHECK(eol - start <= 78);
        CHECK(msg->substr(start, eol - start).find('\n') == std::string::npos);
        start = eol + 2;
    }

    auto back = read_report(*msg);
    REQUIRE_MESSAGE(back, back.error().message());
    CHECK(back->report_id == r.report_id);
    REQUIRE(back->policies.size() == 1);
    CHECK(back->policies[0].successful_sessions == 1);
    CHECK(back->policies[0].failure_details.at(0).result_type == "tlsa-invalid");

    m.gzipped = false;
    auto plain = mail_message(r, m);
    REQUIRE(plain);
    CHECK(plain->find("Content-Type: application/tlsrpt+json\r\n") != std::string::npos);
    auto back_plain = read_report(*plain);
    REQUIRE(back_plain);
    CHECK(back_plain->report_id == r.report_id);
}

TEST_CASE("header values with line breaks are refused") {
    mail_settings m;
    m.from = "a@b";
    m.to = "x@y\r\nBcc: victim@example";
    auto msg = mail_message(sample_report(), m);
    REQUIRE(!msg);
    CHECK(msg.error().code == errc::bad_argument);
}
