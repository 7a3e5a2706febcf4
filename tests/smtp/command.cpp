// SMTP command formatting, the DATA body encoding and the EHLO capability list.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "dane/smtp/command.hpp"

using namespace dane;
using namespace dane::smtp;

TEST_CASE("commands are formatted with CRLF") {
    CHECK(ehlo("client.example").value() == "EHLO client.example\r\n");
    CHECK(helo("[192.0.2.1]").value() == "HELO [192.0.2.1]\r\n");
    CHECK(starttls() == "STARTTLS\r\n");
    CHECK(mail_from("a@example.org").value() == "MAIL FROM:<a@example.org>\r\n");
    CHECK(mail_from("").value() == "MAIL FROM:<>\r\n");
    CHECK(mail_from("a@example.org", "SIZE=12 BODY=8BITMIME").value() ==
          "MAIL FROM:<a@example.org> SIZE=12 BODY=8BITMIME\r\n");
    CHECK(rcpt_to("b@example.net").value() == "RCPT TO:<b@example.net>\r\n");
    CHECK(data() == "DATA\r\n");
    CHECK(rset() == "RSET\r\n");
    CHECK(quit() == "QUIT\r\n");
}

TEST_CASE("arguments with CR, LF or NUL are refused") {
    const std::string_view bad[] = {"a@b\r\nRCPT TO:<x@y>", "a@b\n", "a\r@b",
                                    std::string_view("a\0b", 3)};
    for (auto s : bad) {
        CAPTURE(s);
        CHECK(mail_from(s).error() == errc::bad_argument);
        CHECK(rcpt_to(s).error() == errc::bad_argument);
        CHECK(ehlo(s).error() == errc::bad_argument);
        CHECK(helo(s).error() == errc::bad_argument);
        CHECK(mail_from("a@b", s).error() == errc::bad_argument);
        CHECK(rcpt_to("a@b", s).error() == errc::bad_argument);
    }
    CHECK(rcpt_to("a>b@c").error() == errc::bad_argument);
    CHECK(mail_from("<a@b").error() == errc::bad_argument);
    CHECK(ehlo("two words").error() == errc::bad_argument);
    CHECK(ehlo("").error() == errc::empty_argument);
    CHECK(rcpt_to("").error() == errc::empty_argument);
}

TEST_CASE("command lines are at most 512 octets with CRLF") {
    // "RCPT TO:<" + 9 + ">" + CRLF = 12 octets around the path.
    CHECK(rcpt_to(std::string(500, 'a')).has_value());
    CHECK(rcpt_to(std::string(501, 'a')).error() == errc::command_too_long);
}

TEST_CASE("DATA encoding: line ends become CRLF") {
    CHECK(encode_data("a\r\nb\r\n") == "a\r\nb\r\n.\r\n");
    CHECK(encode_data("a\nb\n") == "a\r\nb\r\n.\r\n");
    CHECK(encode_data("a\rb\r") == "a\r\nb\r\n.\r\n");
    CHECK(encode_data("a\n\rb") == "a\r\n\r\nb\r\n.\r\n");
    CHECK(encode_data("a\r\r\nb") == "a\r\n\r\nb\r\n.\r\n");
    CHECK(encode_data("no final line end") == "no final line end\r\n.\r\n");
    CHECK(encode_data("") == ".\r\n");
}

TEST_CASE("DATA encoding: dot-stuffing (RFC 5321 4.5.2)") {
    CHECK(encode_data(".") == "..\r\n.\r\n");
    CHECK(encode_data("a\r\n.\r\nb") == "a\r\n..\r\nb\r\n.\r\n");
    CHECK(encode_data(".hidden\n..two\nmid.dot\n") == "..hidden\r\n...two\r\nmid.dot\r\n.\r\n");
    // A bare LF before a dot would end the data at a lenient server if not normalised.
    CHECK(encode_data("a\n.\nb") == "a\r\n..\r\nb\r\n.\r\n");
    CHECK(encode_data("a\r.\rb") == "a\r\n..\r\nb\r\n.\r\n");
}

namespace {
reply ehlo_reply(std::vector<std::string> lines) {
    reply r;
    r.code = 250;
    r.lines = std::move(lines);
    return r;
}
} // namespace

TEST_CASE("EHLO capabilities, keywords case-insensitive") {
    auto caps = parse_capabilities(
        ehlo_reply({"mx.example hello", "starttls", "Pipelining", "8bitmime", "SMTPUTF8",
                    "EnhancedStatusCodes", "chunking", "SIZE 10240000", "AUTH PLAIN"}));
    CHECK(caps.starttls);
    CHECK(caps.pipelining);
    CHECK(caps.eight_bit_mime);
    CHECK(caps.smtputf8);
    CHECK(caps.enhanced_status_codes);
    CHECK(caps.chunking);
    CHECK(caps.size);
    CHECK(caps.size_limit == 10240000u);
    CHECK(caps.keywords.back() == "AUTH");
    // The greeting line is not a keyword.
    auto none = parse_capabilities(ehlo_reply({"STARTTLS is not a keyword here"}));
    CHECK_FALSE(none.starttls);
    CHECK(none.keywords.empty());
}

TEST_CASE("SIZE without a number, zero or garbage has no limit") {
    CHECK_FALSE(parse_capabilities(ehlo_reply({"x", "SIZE"})).size_limit);
    CHECK(parse_capabilities(ehlo_reply({"x", "SIZE"})).size);
    CHECK_FALSE(parse_capabilities(ehlo_reply({"x", "SIZE 0"})).size_limit);
    CHECK_FALSE(parse_capabilities(ehlo_reply({"x", "SIZE 12x"})).size_limit);
    CHECK_FALSE(parse_capabilities(ehlo_reply({"x", "SIZE 99999999999999999999"})).size_limit);
}

TEST_CASE("a refusal lists no capabilities") {
    reply r = ehlo_reply({"x", "STARTTLS"});
    r.code = 550;
    CHECK_FALSE(parse_capabilities(r).starttls);
}
