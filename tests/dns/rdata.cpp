#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dane/dns/rdata.hpp"

using namespace dane;
using namespace dane::dns;

namespace {

// Splits presentation RDATA into tokens the way the zone-file lexer does for simple
// input: whitespace-separated, double quotes removed.
struct tokens {
    std::vector<std::string> storage;
    std::vector<text_token> list;
    explicit tokens(std::string_view text) {
        std::vector<bool> quoted;
        std::size_t i = 0;
        while (i < text.size()) {
            if (text[i] == ' ') {
                ++i;
                continue;
            }
            std::string t;
            bool q = text[i] == '"';
            if (q) {
                ++i;
                while (i < text.size() && text[i] != '"') {
                    if (text[i] == '\\') t += text[i++];
                    t += text[i++];
                }
                ++i;
            } else {
                while (i < text.size() && text[i] != ' ')
                    t += text[i++];
            }
            storage.push_back(t);
            quoted.push_back(q);
        }
        for (std::size_t k = 0; k < storage.size(); ++k)
            list.push_back({storage[k], static_cast<bool>(quoted[k])});
    }
};

const name origin = name::parse("example.").value();

result<byte_buffer> from_text(rr_type t, std::string_view text) {
    tokens tk(text);
    return rdata_from_text(t, tk.list, &origin);
}

std::string to_text(rr_type t, bytes_view rdata) {
    std::string s;
    REQUIRE(append_rdata_text(s, t, rdata).has_value());
    return s;
}

byte_buffer hex(std::string_view h) {
    return from_hex(h).value();
}

// presentation -> wire -> presentation must give back the canonical text, and wire ->
// presentation -> wire the same octets.
void round_trip(rr_type t, std::string_view text, std::string_view canonical = {}) {
    CAPTURE(text);
    auto wire = from_text(t, text);
    REQUIRE_MESSAGE(wire.has_value(), wire.error().message());
    std::string printed = to_text(t, *wire);
    CHECK(printed == (canonical.empty() ? text : canonical));
    auto again = from_text(t, printed);
    REQUIRE(again.has_value());
    CHECK(*again == *wire);
    CHECK(check_rdata(t, *wire).has_value());
}

} // namespace

TEST_CASE("every known type round-trips through presentation form") {
    round_trip(rr_type::a, "192.0.2.1");
    round_trip(rr_type::aaaa, "2001:db8::1");
    round_trip(rr_type::aaaa, "2001:0db8:0:0:0:0:0:0001", "2001:db8::1");
    round_trip(rr_type::ns, "ns1", "ns1.example.");
    round_trip(rr_type::cname, "Target.Example.NET.");
    round_trip(rr_type::dname, "example.net.");
    round_trip(rr_type::ptr, "host.example.");
    round_trip(rr_type::soa, "ns1 hostmaster 2024010101 1h 15m 1w 300",
               "ns1.example. hostmaster.example. 2024010101 3600 900 604800 300");
    round_trip(rr_type::mx, "10 mail.example.");
    round_trip(rr_type::txt, "\"v=spf1 -all\" \"second \\\"quoted\\\" \\\\ \\009\"",
               "\"v=spf1 -all\" \"second \\\"quoted\\\" \\\\ \\009\"");
    round_trip(rr_type::txt, "unquoted", "\"unquoted\"");
    round_trip(rr_type::srv, "0 5 25 mx.example.");
    round_trip(rr_type::ds, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
    round_trip(rr_type::cds, "0 0 0 00");
    round_trip(rr_type::ds, "2854 RSASHA256 2 abcd ef01", "2854 8 2 ABCDEF01");
    round_trip(rr_type::dnskey, "256 3 8 AwEAAcw5QLr0tT6fJaNnJtD6A0mDlNVTyWVe+UcR8g0fzYfjEn7hXP4x");
    round_trip(rr_type::cdnskey, "257 3 ED25519 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
               "257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
    round_trip(
        rr_type::rrsig,
        "A 5 3 86400 20030322173103 20030220173103 2642 example. "
        "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/"
        "M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=");
    round_trip(rr_type::rrsig, "TYPE65534 13 2 300 1700000000 1600000000 1 example. AAAA",
               "TYPE65534 13 2 300 20231114221320 20200913122640 1 example. AAAA");
    round_trip(rr_type::nsec, "host.example. A MX RRSIG NSEC TYPE1234");
    round_trip(rr_type::nsec, "host.example. NSEC A", "host.example. A NSEC"); // sorted
    round_trip(
        rr_type::nsec3,
        "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR MX DNSKEY NS SOA NSEC3PARAM RRSIG",
        "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM");
    round_trip(rr_type::nsec3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR"); // empty bitmap
    round_trip(rr_type::nsec3param, "1 0 12 AABBCCDD");
    round_trip(rr_type::nsec3param, "1 0 0 -");
    round_trip(rr_type::tlsa,
               "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6");
    round_trip(rr_type::sshfp, "4 2 ABCDEF");
    round_trip(rr_type::hinfo, "\"PC\" \"Linux\"");
    round_trip(rr_type::naptr, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.");
    round_trip(rr_type::zonemd, "2018031900 1 1 ABCD");
    round_trip(rr_type::csync, "66 3 A NS AAAA");
    round_trip(static_cast<rr_type>(65280), "\\# 3 ABCDEF");
    round_trip(static_cast<rr_type>(65280), "\\# 0");
    round_trip(rr_type::a, "\\# 4 C0000201", "192.0.2.1");
}

TEST_CASE("presentation errors name what was wrong") {
    CHECK(from_text(rr_type::a, "192.0.2").error() == errc::bad_address);
    CHECK(from_text(rr_type::a, "192.0.2.1 x").error() == errc::extra_field);
    CHECK(from_text(rr_type::mx, "10").error() == errc::missing_field);
    CHECK(from_text(rr_type::mx, "65536 mx.").error() == errc::bad_number);
    CHECK(from_text(rr_type::mx, "-1 mx.").error() == errc::bad_number);
    CHECK(from_text(rr_type::ds, "1 8 2 XYZ").error() == errc::bad_encoding);
    CHECK(from_text(rr_type::ds, "1 8 2").error() == errc::missing_field);
    CHECK(from_text(rr_type::dnskey, "256 3 8 A===").error() == errc::bad_encoding);
    CHECK(from_text(rr_type::rrsig, "A 8 2 300 2024130101000000 1 1 x. AA==").error() ==
          errc::bad_time);
    CHECK(from_text(rr_type::rrsig, "A 8 2 300 20241301000000 20240101000000 1 x. AA==").error() ==
          errc::bad_time);
    CHECK(from_text(rr_type::nsec, "a.example. A BOGUS").error() == errc::unknown_type);
    CHECK(from_text(rr_type::txt, std::string(256, 'x')).error() == errc::string_too_long);
    CHECK(from_text(rr_type::txt, "\"a\\25\"").error() == errc::bad_escape);
    CHECK(from_text(rr_type::nsec3, "1 0 0 - 0").error() == errc::bad_encoding);
    CHECK(from_text(rr_type::a, "\\# 3 C00002").error() == errc::rdata_length);
    CHECK(from_text(rr_type::a, "\\# 4 C00002").error() == errc::rdata_length);
    CHECK(from_text(rr_type::ns, "a..b.").error() == errc::empty_label);
    CHECK(from_text(static_cast<rr_type>(65280), "text").error() == errc::bad_syntax);
}

TEST_CASE("wire checks reject RDATA that does not fit the type") {
    CHECK(check_rdata(rr_type::a, hex("c00002")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::a, hex("c0000201ff")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::mx, hex("000a")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::mx, hex("000a03666f")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::mx, hex("000a00")).has_value());
    CHECK(check_rdata(rr_type::mx, hex("000ac00c")).error() == errc::pointer_not_allowed);
    CHECK(check_rdata(rr_type::txt, hex("")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::txt, hex("0461")).error() == errc::rdata_length);
    // NSEC with next name "." and then a bitmap.
    CHECK(check_rdata(rr_type::nsec, hex("00")).has_value());                    // empty bitmap
    CHECK(check_rdata(rr_type::nsec, hex("000000")).error() == errc::bad_rdata); // length 0
    CHECK(check_rdata(rr_type::nsec, hex("000021" + std::string(66, '0'))).error() ==
          errc::bad_rdata); // 33 octets
    CHECK(check_rdata(rr_type::nsec, hex("00000140000140")).error() == errc::bad_rdata); // repeated
    CHECK(check_rdata(rr_type::nsec, hex("00000140")).has_value());
    CHECK(check_rdata(rr_type::nsec, hex("00000240")).error() == errc::bad_rdata);   // short
    CHECK(check_rdata(rr_type::nsec, hex("00000100")).error() == errc::bad_rdata);   // empty block
    CHECK(check_rdata(rr_type::nsec, hex("0000024000")).error() == errc::bad_rdata); // trailing 0
    CHECK(check_rdata(rr_type::nsec3, hex("010000000000")).error() == errc::bad_rdata);
    CHECK(check_rdata(rr_type::nsec3, hex("0100000000")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::nsec3, hex("01000000000100")).has_value());
    CHECK(check_rdata(static_cast<rr_type>(65280), hex("ffff")).has_value());
}

TEST_CASE("names in RDATA decompress only where RFC 3597 allows") {
    // A message fragment: "example." at offset 0, then MX RDATA at 9 pointing to it.
    auto msg = hex("076578616d706c6500"
                   "000a"
                   "046d61696cc000");
    CHECK(check_rdata(rr_type::mx, msg, 9, 9).has_value());
    auto rd = expand_rdata(rr_type::mx, msg, 9, 9).value();
    CHECK(to_text(rr_type::mx, rd) == "10 mail.example.");
    // The same name in an RRSIG signer or a DNAME target is refused.
    auto msg2 = hex("076578616d706c6500"
                    "c000");
    CHECK(check_rdata(rr_type::dname, msg2, 9, 2).error() == errc::pointer_not_allowed);
    CHECK(check_rdata(rr_type::cname, msg2, 9, 2).has_value());
    // RDATA past the end of the message.
    CHECK(check_rdata(rr_type::a, msg2, 9, 4).error() == errc::truncated);
    // A name that runs past the RDATA length into the next bytes.
    CHECK(check_rdata(rr_type::ns, msg, 11, 3).error() == errc::rdata_length);
}

TEST_CASE("canonical form lowercases names only in the listed types") {
    auto mx = from_text(rr_type::mx, "10 MAIL.Example.").value();
    CHECK(to_text(rr_type::mx, canonical_rdata(rr_type::mx, mx)) == "10 mail.example.");
    auto rrsig = from_text(rr_type::rrsig, "A 8 2 300 1 1 1 EXAMPLE. AAAA").value();
    CHECK(to_text(rr_type::rrsig, canonical_rdata(rr_type::rrsig, rrsig)) ==
          "A 8 2 300 19700101000001 19700101000001 1 example. AAAA");
    // RFC 6840 §5.1: NSEC's next name keeps its case.
    auto nsec = from_text(rr_type::nsec, "Next.Example. A").value();
    CHECK(to_text(rr_type::nsec, canonical_rdata(rr_type::nsec, nsec)) == "Next.Example. A");
    // Text fields are untouched.
    auto txt = from_text(rr_type::txt, "ABC").value();
    CHECK(canonical_rdata(rr_type::txt, txt) == txt);
}

TEST_CASE("TTLs accept units") {
    CHECK(parse_ttl("3600").value() == 3600);
    CHECK(parse_ttl("1h30m").value() == 5400);
    CHECK(parse_ttl("1W2d").value() == 777600);
    CHECK(parse_ttl("4294967295").value() == 4294967295u);
    CHECK(parse_ttl("4294967296").error() == errc::bad_number);
    CHECK(parse_ttl("h").error() == errc::bad_number);
    CHECK(parse_ttl("1x").error() == errc::bad_number);
    CHECK(parse_ttl("").error() == errc::bad_number);
}
