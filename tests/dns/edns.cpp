#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "dane/core/codec.hpp"
#include "dane/dns/edns.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"

using namespace dane;
using namespace dane::dns;

namespace {
byte_buffer bytes(std::initializer_list<int> v) {
    byte_buffer b;
    for (int x : v)
        b.push_back(std::byte(x));
    return b;
}
} // namespace

TEST_CASE("OPT fields: payload size, extended RCODE, version, DO, flags") {
    // RFC 6891 §6.1.3: TTL = EXTENDED-RCODE | VERSION | DO | Z.
    auto e = edns_view::parse(4096, 0x01008000u, {}).value();
    CHECK(e.udp_payload_size() == 4096);
    CHECK(e.extended_rcode() == 1);
    CHECK(e.version() == 0);
    CHECK(e.dnssec_ok());
    CHECK(e.flags() == 0x8000);
    CHECK(e.options().empty());
    auto f = edns_view::parse(100, 0x00010000u, {}).value();
    CHECK_FALSE(f.dnssec_ok());
    CHECK(f.version() == 1);
    CHECK(f.effective_udp_payload_size() == 512); // RFC 6891 §6.2.5
}

TEST_CASE("options iterate in order with their absolute offsets") {
    auto rd = bytes({0, 10, 0, 8, 1, 2,  3,   4,   5,   6,  7, 8, // COOKIE, client part only
                     0, 12, 0, 0,                                 // empty PADDING
                     0, 15, 0, 6, 0, 27, 'h', 'e', 'l', 'o'});
    auto e = edns_view::parse(1232, 0, rd, 100).value();
    std::vector<std::uint16_t> codes;
    std::vector<std::size_t> offsets, sizes;
    for (auto o : e.options()) {
        codes.push_back(o.code);
        offsets.push_back(o.offset);
        sizes.push_back(o.data.size());
    }
    CHECK(codes == std::vector<std::uint16_t>{10, 12, 15});
    CHECK(offsets == std::vector<std::size_t>{100, 112, 116});
    CHECK(sizes == std::vector<std::size_t>{8, 0, 6});
    REQUIRE(e.find(edns_option_code::cookie).has_value());
    CHECK(e.find(edns_option_code::cookie)->data[7] == std::byte{8});
    CHECK_FALSE(e.find(edns_option_code::nsid).has_value());
    auto ede = e.extended_error().value();
    CHECK(ede.code == ede_code::unsupported_nsec3_iterations);
    CHECK(ede.extra_text == "helo");
}

TEST_CASE("options that run past the RDATA are bad_option at the option's offset") {
    CHECK(edns_view::parse(0, 0, bytes({0, 15}), 40).error() == errc::bad_option);
    CHECK(edns_view::parse(0, 0, bytes({0, 15}), 40).error().offset == 40);
    CHECK(edns_view::parse(0, 0, bytes({0, 15, 0, 1}), 40).error() == errc::bad_option);
    auto e = edns_view::parse(0, 0, bytes({0, 12, 0, 1, 0, 0, 15, 0, 3, 0, 0}), 40).error();
    CHECK(e == errc::bad_option);
    CHECK(e.offset == 45);
    CHECK(edns_view::parse(0, 0, bytes({0, 12, 0, 1, 0}), 40).has_value());
}

TEST_CASE("Extended DNS Error: INFO-CODE and EXTRA-TEXT (RFC 8914 §2)") {
    // The views point into these buffers, so they live as long as the checks.
    const auto b_plain = bytes({0, 6}), b_nul = bytes({0, 7, 'o', 'l', 'd', 0});
    auto plain = extended_error_view::parse(b_plain).value();
    CHECK(plain.code == ede_code::dnssec_bogus);
    CHECK(plain.extra_text.empty());
    // A NUL at the end is tolerated and dropped; the length is what counts.
    auto nul = extended_error_view::parse(b_nul).value();
    CHECK(nul.code == ede_code::signature_expired);
    CHECK(nul.extra_text == "old");
    CHECK(extended_error_view::parse(bytes({0}), 9).error() == errc::bad_option);
    CHECK(extended_error_view::parse(bytes({0}), 9).error().offset == 9);
    auto utf8 = extended_error_view::parse(as_bytes(std::string_view("\0\x12Gr\xc3\xbc\xc3\x9f"
                                                                     "e \xe2\x9c\x93",
                                                                     13)))
                    .value();
    CHECK(utf8.code == ede_code::prohibited);
    CHECK(utf8.text_is_utf8());
    auto bad = extended_error_view::parse(as_bytes(std::string_view("\0\0\xc3(", 4))).value();
    CHECK_FALSE(bad.text_is_utf8());
    auto overlong = extended_error_view::parse(as_bytes(std::string_view("\0\0\xc0\xaf", 4)));
    CHECK_FALSE(overlong->text_is_utf8());
    auto surrogate = extended_error_view::parse(as_bytes(std::string_view("\0\0\xed\xa0\x80", 5)));
    CHECK_FALSE(surrogate->text_is_utf8());
}

TEST_CASE("EDE code names follow the IANA registry") {
    CHECK(to_string(ede_code::other) == "Other");
    CHECK(to_string(ede_code::unsupported_dnskey_algorithm) == "Unsupported DNSKEY Algorithm");
    CHECK(to_string(ede_code::dnssec_bogus) == "DNSSEC Bogus");
    CHECK(to_string(ede_code::nsec_missing) == "NSEC Missing");
    CHECK(to_string(ede_code::stale_nxdomain_answer) == "Stale NXDOMAIN Answer");
    CHECK(to_string(ede_code::invalid_data) == "Invalid Data");
    CHECK(to_string(ede_code::unsupported_nsec3_iterations) ==
          "Unsupported NSEC3 Iterations Value");
    CHECK(to_string(static_cast<ede_code>(24)) == "Invalid Data");
    CHECK(to_string(static_cast<ede_code>(49152)) == "EDE 49152");
    // Every code of RFC 8914 §5.2 (0-24) has a name.
    for (unsigned c = 0; c <= 24; ++c)
        CHECK(to_string(static_cast<ede_code>(c)).rfind("EDE ", 0) == std::string::npos);
}

TEST_CASE("EDNS written by the builder reads back, several EDEs included") {
    message_builder b;
    b.set_qr(true).set_rcode(rcode::servfail);
    REQUIRE(b.add_question(name::parse("example.").value(), rr_type::dnskey));
    edns e;
    e.udp_payload_size = 1400;
    e.dnssec_ok = true;
    e.add_extended_error(ede_code::dnssec_bogus, "RRSIG over DNSKEY does not verify");
    e.add_extended_error(ede_code::signature_expired);
    e.add_option(edns_option_code::nsid, as_bytes(std::string_view("ns1")));
    b.set_edns(e);
    auto wire = b.build().value();
    auto m = message_view::parse(wire).value();
    REQUIRE(m.edns().has_value());
    auto v = *m.edns();
    CHECK(v.udp_payload_size() == 1400);
    CHECK(v.dnssec_ok());
    CHECK(m.rcode() == rcode::servfail);
    auto edes = v.extended_errors();
    REQUIRE(edes.size() == 2);
    CHECK(edes[0].code == ede_code::dnssec_bogus);
    CHECK(edes[0].extra_text == "RRSIG over DNSKEY does not verify");
    CHECK(edes[1].code == ede_code::signature_expired);
    CHECK(as_chars(v.find(edns_option_code::nsid)->data) == "ns1");
    CHECK(edns::from_view(v) == e);
}

TEST_CASE("an extended RCODE needs EDNS and travels in the OPT TTL") {
    message_builder b;
    b.set_qr(true).set_rcode(rcode::badcookie); // 23 = 1 << 4 | 7
    CHECK(b.build().error() == errc::bad_opt);
    b.set_edns({});
    auto wire = b.build().value();
    CHECK(std::to_integer<int>(wire[3]) == 7);
    auto m = message_view::parse(wire).value();
    CHECK(m.rcode() == rcode::badcookie);
    CHECK(m.edns()->extended_rcode() == 1);
}

TEST_CASE("an option range is made only by the checking parser") {
    // No public constructor takes raw RDATA: a range over unchecked bytes cannot exist.
    static_assert(!std::is_constructible_v<edns_option_range, bytes_view, std::size_t>);
    static_assert(!std::is_constructible_v<edns_option_range, bytes_view>);
    // An option that announces 65535 octets of data in 4 octets of RDATA.
    auto rd = bytes({0, 15, 0xff, 0xff});
    auto e = edns_view::parse(1232, 0, rd, 30);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error() == errc::bad_option);
    CHECK(e.error().offset == 30);
    // The same RDATA inside a message: the message is refused, so no view reaches it.
    byte_buffer m = bytes({0x12, 0x34, 0x81, 0x00, 0,    0, 0, 0, 0, 0, 0, 1, // header, ARCOUNT 1
                           0,    0,    41,   0x04, 0xd0, 0, 0, 0, 0, 0, 4});  // OPT, RDLENGTH 4
    m.insert(m.end(), rd.begin(), rd.end());
    auto parsed = message_view::parse(m);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == errc::bad_option);
    // Other lengths that run past the end, and a header cut short.
    for (auto bad : {bytes({0, 15, 0, 1}), bytes({0, 15, 0}), bytes({0, 12, 0, 0, 0, 15, 0, 9}),
                     bytes({0, 12, 0, 0, 0, 10, 0xff, 0xfe, 1, 2})})
        CHECK(edns_view::parse(0, 0, bad).error() == errc::bad_option);
    // A default range is empty and iterating it reads nothing.
    edns_option_range none;
    CHECK(none.empty());
    CHECK(none.begin() == none.end());
}
