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

result<byte_buffer, rdata_text_error> from_text(rr_type t, std::string_view text) {
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

TEST_CASE("CAA: RFC 8659 presentation, tags and values") {
    // RFC 8659 §4.1.1's form, quoted or not, and the examples of §4.2 to §4.4.
    round_trip(rr_type::caa, "0 issue \"letsencrypt.org\"");
    round_trip(rr_type::caa, "0 issue letsencrypt.org", "0 issue \"letsencrypt.org\"");
    round_trip(rr_type::caa, "0 issue \"ca1.example.net; account=230123\"");
    round_trip(rr_type::caa, "0 issue \";\""); // no CA may issue
    round_trip(rr_type::caa, "0 issuewild \"ca2.example.org\"");
    round_trip(rr_type::caa, "0 iodef \"mailto:security@example.com\"");
    round_trip(rr_type::caa, "0 iodef \"https://iodef.example.com/\"");
    round_trip(rr_type::caa, "128 tbs \"Unknown\""); // critical flag, unknown tag
    round_trip(rr_type::caa, "0 issue \"\"");        // empty value
    round_trip(rr_type::caa, "0 TAG15abcdefghij \"x\\\"y\\\\z\\010\"",
               "0 TAG15abcdefghij \"x\\\"y\\\\z\\010\"");
    // The wire form: flags, tag length, tag, value to the end.
    auto w = from_text(rr_type::caa, "0 issue \"letsencrypt.org\"");
    REQUIRE(w.has_value());
    CHECK(*w == hex("00056973737565" + std::string("6c657473656e63727970742e6f7267")));
    CHECK(to_text(rr_type::caa, hex("800374627300")) == "128 tbs \"\\000\"");
    // A value longer than a <character-string> is one field too.
    const std::string long_value(300, 'v');
    round_trip(rr_type::caa, "0 issue \"" + long_value + "\"");

    // Tags: 1 to 15 letters and digits, in text and on the wire.
    CHECK(from_text(rr_type::caa, "0 \"\" x").error() == errc::bad_syntax);
    CHECK(from_text(rr_type::caa, "0 abcdefghijklmnop x").error() == errc::bad_syntax);
    CHECK(from_text(rr_type::caa, "0 is-sue x").error() == errc::bad_syntax);
    CHECK(from_text(rr_type::caa, "0 issue").error() == errc::missing_field);
    CHECK(from_text(rr_type::caa, "0 issue a b").error() == errc::extra_field);
    CHECK(from_text(rr_type::caa, "256 issue x").error() == errc::bad_number);
    CHECK(check_rdata(rr_type::caa, hex("0000")).error() == errc::bad_rdata);   // empty tag
    CHECK(check_rdata(rr_type::caa, hex("00012d")).error() == errc::bad_rdata); // "-"
    CHECK(check_rdata(rr_type::caa, hex("0010" + std::string(32, '6'))).error() == errc::bad_rdata);
    CHECK(check_rdata(rr_type::caa, hex("000569737375")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::caa, hex("00")).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::caa, hex("000569737375650a")).has_value());
}

TEST_CASE("URI: RFC 7553 target as one quoted string, never empty") {
    round_trip(rr_type::uri, "10 1 \"ftp://ftp1.example.com/public\"");
    round_trip(rr_type::uri, "10 1 https://example.com/", "10 1 \"https://example.com/\"");
    CHECK(from_text(rr_type::uri, "10 1 \"\"").error() == errc::bad_syntax);
    CHECK(check_rdata(rr_type::uri, hex("000a0001")).error() == errc::rdata_length);
}

TEST_CASE("TSIG and TKEY RDATA: their own formats, printed as dig prints them") {
    // RFC 8945 §4.2: algorithm, time signed (48 bits), fudge, MAC size + MAC, original
    // ID, error, other len + other data.
    const auto tsig = hex("0b686d61632d73686132353600" // hmac-sha256.
                          "00006553f100"
                          "012c" // 1700000000, 300
                          "0004"
                          "01020304" // MAC
                          "1234"
                          "0012"
                          "0000"); // ID, BADTIME, no other
    REQUIRE(check_rdata(rr_type::tsig, tsig).has_value());
    CHECK(to_text(rr_type::tsig, tsig) == "hmac-sha256. 1700000000 300 4 AQIDBA== 4660 BADTIME 0");
    round_trip(rr_type::tsig, "hmac-sha256. 1700000000 300 4 AQIDBA== 4660 BADTIME 0");
    round_trip(rr_type::tsig, "hmac-sha1. 281474976710655 0 0 0 NOERROR 6 AAAAAAAA");
    CHECK(from_text(rr_type::tsig, "hmac-sha1. 281474976710656 0 0 0 NOERROR 0").error() ==
          errc::bad_number);
    // Cut short, lengths that run past the end, a compressed algorithm name.
    CHECK_FALSE(check_rdata(rr_type::tsig, bytes_view(tsig).first(tsig.size() - 1)).has_value());
    auto long_mac = tsig;
    long_mac[22] = std::byte{0x40};
    CHECK(check_rdata(rr_type::tsig, long_mac).error() == errc::rdata_length);
    CHECK(check_rdata(rr_type::tsig, hex("c00c")).error() == errc::pointer_not_allowed);

    // RFC 2930 §2: algorithm, inception, expiration, mode, error, key size + key data,
    // other size + other data.
    round_trip(rr_type::tkey, "gss-tsig. 20240101000000 20240102000000 3 NOERROR 2 AQI= 0");
    round_trip(rr_type::tkey, "gss-tsig. 20240101000000 20240102000000 3 BADKEY 0 0");
    CHECK(from_text(rr_type::tkey, "gss-tsig. 20240101000000 20240102000000 3 NOERROR 3 AQI= 0")
              .error() == errc::rdata_length);
    // A's RDATA is not a TKEY.
    CHECK_FALSE(check_rdata(rr_type::tkey, hex("c0000201")).has_value());
}

TEST_CASE("presentation errors name the field and quote the token") {
    struct {
        rr_type type;
        const char* text;
        errc code;
        const char* message;
    } cases[] = {
        {rr_type::mx, "ten mail.example.", errc::bad_number, "preference \"ten\" is not a number"},
        {rr_type::mx, "65536 mail.example.", errc::bad_number,
         "preference \"65536\" is above 65535"},
        {rr_type::mx, "10", errc::missing_field, "missing exchange"},
        {rr_type::mx, "10 a..b.", errc::empty_label,
         "exchange \"a..b.\" is not a valid name: empty label"},
        {rr_type::tlsa, "3 1 1 zz11", errc::bad_encoding,
         "certificate association data \"zz11\" is not hex"},
        {rr_type::tlsa, "3 x 1 00", errc::bad_number, "selector \"x\" is not a number"},
        {rr_type::dnskey, "257 3 13 !!!!", errc::bad_encoding, "public key \"!!!!\" is not base64"},
        {rr_type::dnskey, "257 3 NOPE AAAA", errc::bad_number,
         "algorithm \"NOPE\" is neither a number nor an algorithm mnemonic"},
        {rr_type::a, "192.0.2", errc::bad_address, "address \"192.0.2\" is not an IPv4 address"},
        {rr_type::aaaa, "2001:db8::g", errc::bad_address,
         "address \"2001:db8::g\" is not an IPv6 address"},
        {rr_type::a, "192.0.2.1 x", errc::extra_field, "extra field \"x\""},
        {rr_type::soa, "ns. host. 1 1x 2 3 4", errc::bad_number,
         "refresh \"1x\" is neither seconds nor a duration like 1h30m"},
        {rr_type::rrsig, "A 8 2 300 2024130101000000 20240101000000 1 x. AA==", errc::bad_time,
         "signature expiration \"2024130101000000\" is neither YYYYMMDDHHmmSS nor a number"},
        {rr_type::rrsig, "BOGUS 8 2 300 1 1 1 x. AA==", errc::unknown_type,
         "type covered \"BOGUS\" is not a record type"},
        {rr_type::nsec, "a.example. A BOGUS", errc::unknown_type,
         "type bitmap \"BOGUS\" is not a record type"},
        {rr_type::nsec3, "1 0 0 xyz 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR", errc::bad_encoding,
         "salt \"xyz\" is neither hex nor \"-\""},
        {rr_type::nsec3, "1 0 0 - 0", errc::bad_encoding,
         "next hashed owner name \"0\" is not base32hex"},
        {rr_type::hinfo, "\"PC\" \"a\\300\"", errc::bad_escape,
         "OS \"a\\\\300\" has a bad escape (\\X or \\DDD, DDD at most 255)"},
        {rr_type::caa, "0 is_sue x", errc::bad_syntax,
         "tag \"is_sue\" is not 1 to 15 ASCII letters and digits"},
        {rr_type::srv, "0 5 port mx.example.", errc::bad_number, "port \"port\" is not a number"},
        {static_cast<rr_type>(65280), "text", errc::bad_syntax,
         "TYPE65280 has no known fields: use the RFC 3597 form \\# LENGTH HEX"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto r = from_text(c.type, c.text);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == c.code);
        CHECK(r.error().message() == c.message);
    }
    // A long token is cut to 40 characters.
    auto r = from_text(rr_type::tlsa, "3 1 1 " + std::string(60, 'z'));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message() ==
          "certificate association data \"" + std::string(40, 'z') + "...\" is not hex");
}
