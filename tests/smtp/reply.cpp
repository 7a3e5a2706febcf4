// The SMTP reply parser: single and multi-line replies, codes, RFC 3463 enhanced status
// codes, the 512-octet line limit, the line-count limit, and CRLF as the only line end.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dane/smtp/reply.hpp"

using namespace dane;
using namespace dane::smtp;

namespace {

// Feeds the text in one piece and returns every complete reply, or the error.
struct parsed {
    std::vector<reply> replies;
    std::optional<errc> error;
};

parsed parse_all(reply_parser& p, std::string_view text) {
    parsed out;
    p.feed(as_bytes(text));
    for (;;) {
        auto r = p.next();
        if (!r) {
            out.error = r.error();
            return out;
        }
        if (!*r) return out;
        out.replies.push_back(std::move(**r));
    }
}

parsed parse_all(std::string_view text, reply_limits limits = {}) {
    reply_parser p(limits);
    return parse_all(p, text);
}

errc error_of(std::string_view text, reply_limits limits = {}) {
    auto r = parse_all(text, limits);
    REQUIRE(r.error.has_value());
    return *r.error;
}

} // namespace

TEST_CASE("single-line reply") {
    auto r = parse_all("250 OK\r\n");
    REQUIRE_FALSE(r.error);
    REQUIRE(r.replies.size() == 1);
    CHECK(r.replies[0].code == 250);
    CHECK(r.replies[0].lines == std::vector<std::string>{"OK"});
    CHECK(r.replies[0].positive_completion());
    CHECK_FALSE(r.replies[0].enhanced);
}

TEST_CASE("a reply line may be the bare code") {
    auto r = parse_all("354\r\n");
    REQUIRE(r.replies.size() == 1);
    CHECK(r.replies[0].code == 354);
    CHECK(r.replies[0].positive_intermediate());
    CHECK(r.replies[0].lines == std::vector<std::string>{""});
}

TEST_CASE("multi-line reply ends at the line with a space") {
    auto r = parse_all("250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n221 bye\r\n");
    REQUIRE_FALSE(r.error);
    REQUIRE(r.replies.size() == 2);
    CHECK(r.replies[0].lines == std::vector<std::string>{"mx.example", "PIPELINING", "STARTTLS"});
    CHECK(r.replies[0].text() == "mx.example\nPIPELINING\nSTARTTLS");
    CHECK(r.replies[1].code == 221);
}

TEST_CASE("incomplete input yields no reply until the last line arrives") {
    reply_parser p;
    auto a = parse_all(p, "250-first\r\n250 sec");
    CHECK(a.replies.empty());
    CHECK_FALSE(a.error);
    CHECK_FALSE(p.idle());
    auto b = parse_all(p, "ond\r");
    CHECK(b.replies.empty());
    auto c = parse_all(p, "\n");
    REQUIRE(c.replies.size() == 1);
    CHECK(c.replies[0].lines == std::vector<std::string>{"first", "second"});
    CHECK(p.idle());
}

TEST_CASE("multi-line replies split at every byte boundary parse the same") {
    const std::string text =
        "250-mx.example greets you\r\n250-SIZE 1000\r\n250-8BITMIME\r\n"
        "250 2.0.0 ENHANCEDSTATUSCODES\r\n550-5.7.1 no\r\n550 5.7.1 really\r\n";
    const auto whole = parse_all(text);
    REQUIRE(whole.replies.size() == 2);
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 <= text.size(); cut2 += 7) {
            reply_parser p;
            std::vector<reply> got;
            for (auto piece : {std::string_view(text).substr(0, cut),
                               std::string_view(text).substr(cut, cut2 - cut),
                               std::string_view(text).substr(cut2)}) {
                auto r = parse_all(p, piece);
                REQUIRE_FALSE(r.error);
                for (auto& x : r.replies)
                    got.push_back(x);
            }
            REQUIRE(got.size() == 2);
            CHECK(got[0].lines == whole.replies[0].lines);
            CHECK(got[1].lines == whole.replies[1].lines);
            CHECK(got[1].code == 550);
        }
    }
    // And one octet at a time.
    reply_parser p;
    std::vector<reply> got;
    for (char c : text) {
        auto r = parse_all(p, std::string_view(&c, 1));
        REQUIRE_FALSE(r.error);
        for (auto& x : r.replies)
            got.push_back(x);
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0].lines == whole.replies[0].lines);
}

TEST_CASE("reply codes outside 2yz-5yz and the grammar are refused") {
    for (auto bad : {"150 x\r\n", "650 x\r\n", "050 x\r\n", "260 x\r\n", "25a x\r\n", "25\r\n",
                     "\r\n", "abc def\r\n", "2 0 x\r\n"}) {
        CAPTURE(bad);
        CHECK(error_of(bad) == errc::bad_reply_code);
    }
    CHECK(parse_all("559 x\r\n").replies.at(0).code == 559);
    CHECK(parse_all("200 x\r\n").replies.at(0).code == 200);
}

TEST_CASE("the code must be followed by SP, hyphen or CRLF") {
    CHECK(error_of("250x\r\n") == errc::bad_reply_separator);
    CHECK(error_of("250\tx\r\n") == errc::bad_reply_separator);
}

TEST_CASE("all lines of a multi-line reply carry the same code") {
    CHECK(error_of("250-a\r\n251 b\r\n") == errc::inconsistent_reply_code);
}

TEST_CASE("reply lines are at most 512 octets with CRLF") {
    const std::string fits = "250 " + std::string(512 - 6, 'x') + "\r\n";
    REQUIRE(fits.size() == 512);
    CHECK(parse_all(fits).replies.size() == 1);
    const std::string over = "250 " + std::string(512 - 5, 'x') + "\r\n";
    CHECK(error_of(over) == errc::reply_line_too_long);
    // Without its CRLF yet: refused as soon as the line cannot fit any more.
    reply_parser p;
    auto a = parse_all(p, "250 " + std::string(506, 'x'));
    CHECK_FALSE(a.error);
    auto b = parse_all(p, "x");
    REQUIRE(b.error);
    CHECK(*b.error == errc::reply_line_too_long);
    // A configured limit applies too.
    CHECK(error_of("250 abcdef\r\n", reply_limits{8, 128}) == errc::reply_line_too_long);
}

TEST_CASE("a reply has at most max_lines lines") {
    std::string text;
    for (int i = 0; i < 4; ++i)
        text += "250-x\r\n";
    text += "250 end\r\n";
    CHECK(parse_all(text, reply_limits{512, 5}).replies.size() == 1);
    CHECK(error_of(text, reply_limits{512, 4}) == errc::too_many_reply_lines);
    std::string endless;
    for (int i = 0; i < 200; ++i)
        endless += "250-x\r\n";
    CHECK(error_of(endless) == errc::too_many_reply_lines);
}

TEST_CASE("bare LF and bare CR are not line ends (RFC 5321 2.3.8)") {
    CHECK(error_of("250 OK\n") == errc::bad_line_ending);
    CHECK(error_of("250-a\n250 b\r\n") == errc::bad_line_ending);
    CHECK(error_of("250 a\rb\r\n") == errc::bad_line_ending);
    CHECK(error_of("250 a\r\r\n") == errc::bad_line_ending);
    // A CR at the end of the input waits for its LF.
    reply_parser p;
    CHECK_FALSE(parse_all(p, "250 a\r").error);
    CHECK(parse_all(p, "\n").replies.size() == 1);
}

TEST_CASE("control characters in the text are refused, HT and 8-bit octets are not") {
    CHECK(error_of(std::string_view("250 a\0b\r\n", 9)) == errc::bad_reply_text);
    CHECK(error_of("250 a\x1b[0m\r\n") == errc::bad_reply_text);
    CHECK(error_of("250 a\x7f\r\n") == errc::bad_reply_text);
    CHECK(parse_all("250 a\tb\r\n").replies.size() == 1);
    CHECK(parse_all("250 gr\xc3\xbc\xc3\x9f\r\n").replies.size() == 1);
}

TEST_CASE("errors are sticky") {
    reply_parser p;
    CHECK(parse_all(p, "999 x\r\n").error == errc::bad_reply_code);
    auto again = parse_all(p, "250 OK\r\n");
    CHECK(again.replies.empty());
    CHECK(again.error == errc::bad_reply_code);
    CHECK(p.error() == errc::bad_reply_code);
}

TEST_CASE("RFC 3463 enhanced status codes") {
    auto r = parse_all("550-5.7.1 relaying denied\r\n550 5.7.1 go away\r\n");
    REQUIRE(r.replies.size() == 1);
    REQUIRE(r.replies[0].enhanced);
    CHECK(*r.replies[0].enhanced == enhanced_status_code{5, 7, 1});
    CHECK(r.replies[0].enhanced->to_string() == "5.7.1");

    CHECK(parse_enhanced_status("2.1.23 ok") == enhanced_status_code{2, 1, 23});
    CHECK(parse_enhanced_status("4.999.999") == enhanced_status_code{4, 999, 999});
    CHECK(parse_enhanced_status("2.0.0") == enhanced_status_code{2, 0, 0});
    for (auto bad : {"3.0.0 x", "6.1.1", "2.1000.1", "2.1.1000", "2.01.1", "2.1.01", "2..1", "2.1.",
                     "2.1", "2.1.1x", "x2.1.1", "", "2.1.a"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_enhanced_status(bad));
    }
    // Taken only when the class agrees with the reply code.
    CHECK_FALSE(parse_all("250 5.7.1 odd\r\n").replies.at(0).enhanced);
    CHECK(parse_all("250 2.1.5 ok\r\n").replies.at(0).enhanced == enhanced_status_code{2, 1, 5});
}
