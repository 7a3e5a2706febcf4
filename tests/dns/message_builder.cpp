#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <vector>

#include "dane/core/codec.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"

using namespace dane;
using namespace dane::dns;

namespace {

name n(std::string_view text) {
    return name::parse(text).value();
}
byte_buffer hex(std::string_view h) {
    return from_hex(h).value();
}
byte_buffer buf(bytes_view b) {
    return byte_buffer(b.begin(), b.end());
}
byte_buffer wire_of(const name& x) {
    return byte_buffer(x.wire().begin(), x.wire().end());
}
byte_buffer cat(std::initializer_list<byte_buffer> parts) {
    byte_buffer out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}
record rr(std::string_view owner, rr_type t, byte_buffer rdata, std::uint32_t ttl = 3600) {
    return record{n(owner), t, rr_class::in, ttl, std::move(rdata)};
}
// The record in the parsed message's section `s`, number `i`.
record_view nth(const message_view& m, section s, std::size_t i) {
    auto it = m.records(s).begin();
    while (i-- > 0)
        ++it;
    return *it;
}
// A structurally valid RRSIG RDATA with the given signer.
byte_buffer rrsig_rdata(const name& signer) {
    return cat({hex("0001"
                    "0d"
                    "02"
                    "00000e10"
                    "6b1d4387"
                    "6b0ab96f"
                    "3039"),
                wire_of(signer), hex("0102030405060708")});
}

} // namespace

TEST_CASE("a query: ID from the caller, RD, OPT with DO and 1232 octets") {
    auto q = message_builder::query(0xbeef, n("example.com."), rr_type::tlsa).build().value();
    CHECK(q == hex("beef01000001000000000001"
                   "076578616d706c6503636f6d0000340001"
                   "0000290"
                   "4d0000080000000"));
    auto m = message_view::parse(q).value();
    CHECK(m.id() == 0xbeef);
    CHECK(m.rd());
    CHECK_FALSE(m.cd());
    CHECK_FALSE(m.qr());
    CHECK(m.edns()->dnssec_ok());
    CHECK(m.edns()->udp_payload_size() == 1232);

    query_options o;
    o.checking_disabled = true;
    o.recursion_desired = false;
    o.use_edns = false;
    auto plain_wire = message_builder::query(7, n("example.com."), rr_type::ds, o).build().value();
    auto plain = message_view::parse(plain_wire);
    REQUIRE(plain.has_value());
    CHECK(plain->cd());
    CHECK_FALSE(plain->rd());
    CHECK_FALSE(plain->has_edns());
    CHECK(plain->question().begin()->qtype() == rr_type::ds);

    o.use_edns = true;
    o.dnssec_ok = false;
    o.udp_payload_size = 4096;
    auto nodo_wire = message_builder::query(8, n("example.com."), rr_type::a, o).build().value();
    auto nodo = message_view::parse(nodo_wire);
    CHECK_FALSE(nodo->edns()->dnssec_ok());
    CHECK(nodo->edns()->udp_payload_size() == 4096);
}

TEST_CASE("header flags and RCODE of a response") {
    message_builder b;
    b.set_id(42).set_qr(true).set_aa(true).set_tc(true).set_rd(true).set_ra(true).set_ad(true);
    b.set_opcode(opcode::notify).set_rcode(rcode::nxdomain);
    auto wire = b.build().value();
    auto m = message_view::parse(wire).value();
    CHECK(m.id() == 42);
    CHECK(m.qr());
    CHECK(m.aa());
    CHECK(m.tc());
    CHECK(m.rd());
    CHECK(m.ra());
    CHECK(m.ad());
    CHECK_FALSE(m.cd());
    CHECK_FALSE(m.z());
    CHECK(m.opcode() == opcode::notify);
    CHECK(m.rcode() == rcode::nxdomain);
    b.set_aa(false).set_flags(0x8182);
    auto wire2 = b.build().value();
    auto m2 = message_view::parse(wire2).value();
    CHECK(m2.flags() == 0x8182);
    CHECK(m2.rcode() == rcode::servfail);
}

TEST_CASE("owner names and RFC 1035 RDATA names are compressed; DNSSEC names are not") {
    message_builder b;
    b.set_qr(true);
    REQUIRE(b.add_question(n("example.com."), rr_type::mx));
    REQUIRE(b.add_answer(
        rr("example.com.", rr_type::mx, cat({hex("000a"), wire_of(n("mail.example.com."))}))));
    REQUIRE(b.add_answer(rr("example.com.", rr_type::rrsig, rrsig_rdata(n("example.com.")))));
    REQUIRE(b.add_authority(rr("example.com.", rr_type::ns, wire_of(n("ns1.example.com.")))));
    REQUIRE(b.add_authority(
        rr("example.com.", rr_type::soa,
           cat({wire_of(n("ns1.example.com.")), wire_of(n("hostmaster.example.com.")),
                hex("0000000100001c2000000e100012750000000e10")}))));
    REQUIRE(b.add_authority(rr("example.com.", rr_type::nsec,
                               cat({wire_of(n("a.example.com.")), hex("0006400000080003")}))));
    REQUIRE(b.add_additional(rr("mail.example.com.", rr_type::a, hex("c0000219"))));
    auto wire = b.build().value();
    auto parsed = message_view::parse(wire);
    REQUIRE_MESSAGE(parsed.has_value(), parsed.error().message());
    auto m = *parsed;

    auto mx = nth(m, section::answer, 0);
    CHECK(mx.offset() == 29);
    CHECK(mx.owner().size_in_message() == 2); // a pointer to the question name
    CHECK(buf(mx.rdata()) == hex("000a046d61696cc00c"));

    auto sig = nth(m, section::answer, 1);
    CHECK(sig.owner().size_in_message() == 2);
    CHECK(buf(sig.rdata()) == rrsig_rdata(n("example.com."))); // signer written in full

    auto ns = nth(m, section::authority, 0);
    CHECK(buf(ns.rdata()) == hex("036e7331c00c"));
    auto soa = nth(m, section::authority, 1);
    CHECK(soa.rdata().size() == 2 + 13 + 20); // ns1 -> pointer; hostmaster + pointer
    auto nsec = nth(m, section::authority, 2);
    CHECK(buf(nsec.rdata()) == cat({wire_of(n("a.example.com.")), hex("0006400000080003")}));
    auto a = nth(m, section::additional, 0);
    CHECK(a.owner().size_in_message() == 2); // points into the MX RDATA

    // Everything decompresses to what went in.
    CHECK(mx.to_record().value() ==
          rr("example.com.", rr_type::mx, cat({hex("000a"), wire_of(n("mail.example.com."))})));
    CHECK(soa.to_record()->rdata ==
          cat({wire_of(n("ns1.example.com.")), wire_of(n("hostmaster.example.com.")),
               hex("0000000100001c2000000e100012750000000e10")}));
    CHECK(a.to_record()->owner == n("mail.example.com."));
}

TEST_CASE("compression keeps case: only identical octets are shared") {
    message_builder b;
    REQUIRE(b.add_question(n("WWW.Example.COM."), rr_type::a));
    REQUIRE(b.add_answer(rr("www.Example.COM.", rr_type::a, hex("01020304"))));
    REQUIRE(b.add_answer(rr("WWW.Example.COM.", rr_type::a, hex("01020305"))));
    auto wire = b.build().value();
    auto m = message_view::parse(wire).value();
    auto first = nth(m, section::answer, 0), second = nth(m, section::answer, 1);
    CHECK(first.owner().size_in_message() == 6); // "www" + pointer to Example.COM
    CHECK(second.owner().size_in_message() == 2);
    CHECK(first.owner().to_name().view().identical(n("www.Example.COM.")));
    CHECK(second.owner().to_name().view().identical(n("WWW.Example.COM.")));
}

TEST_CASE("builder -> parse -> builder gives the same octets") {
    message_builder b;
    b.set_id(0x5151).set_qr(true).set_aa(true).set_rcode(rcode::noerror);
    REQUIRE(b.add_question(n("_25._tcp.mail.example.net."), rr_type::tlsa));
    REQUIRE(
        b.add_answer(rr("_25._tcp.mail.example.net.", rr_type::tlsa,
                        hex("030101"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))));
    REQUIRE(b.add_answer(
        rr("_25._tcp.mail.example.net.", rr_type::rrsig, rrsig_rdata(n("example.net.")))));
    REQUIRE(b.add_authority(rr("example.net.", rr_type::ns, wire_of(n("ns.example.net.")))));
    REQUIRE(b.add_additional(
        rr("ns.example.net.", rr_type::aaaa, hex("20010db8000000000000000000000053"))));
    edns e;
    e.dnssec_ok = true;
    e.add_extended_error(ede_code::other, "test");
    b.set_edns(e);
    auto first = b.build().value();

    auto m = message_view::parse(first).value();
    message_builder again;
    again.set_id(m.id()).set_flags(m.flags()).set_rcode(m.rcode());
    for (auto q : m.question())
        REQUIRE(again.add_question(q.to_question()));
    for (auto s : {section::answer, section::authority, section::additional})
        for (auto rv : m.records(s))
            if (rv.type() != rr_type::opt) REQUIRE(again.add(s, rv.to_record().value()));
    again.set_edns(edns::from_view(*m.edns()));
    CHECK(again.build().value() == first);
}

TEST_CASE("a record that would pass the size limit is not added") {
    message_builder b(512);
    b.set_qr(true);
    REQUIRE(b.add_question(n("big.example."), rr_type::txt));
    b.set_edns({});
    byte_buffer txt(1, std::byte{99});
    txt.resize(100, std::byte{'x'});
    std::size_t added = 0;
    for (; added < 10; ++added) {
        auto r = b.add_answer(rr("big.example.", rr_type::txt, txt));
        if (!r) {
            CHECK(r.error() == errc::message_too_large);
            break;
        }
    }
    CHECK(added == 4); // 29 + 4 * 112 = 477; a fifth would make 589
    CHECK(b.count(section::answer) == 4);
    b.set_tc(true);
    auto wire = b.build();
    // 477 + the 11-octet OPT = 488 <= 512.
    REQUIRE(wire.has_value());
    CHECK(wire->size() == 488);
    auto m = message_view::parse(*wire).value();
    CHECK(m.tc());
    CHECK(m.answer().size() == 4);
    // An OPT that no longer fits fails at build().
    edns big;
    big.add_option(edns_option_code::padding, byte_buffer(30));
    b.set_edns(big);
    CHECK(b.build().error() == errc::message_too_large);
}

TEST_CASE("no message over 65535 octets") {
    message_builder b;
    byte_buffer blob(40000, std::byte{1});
    REQUIRE(b.add_answer(rr("a.example.", rr_type::null, blob)));
    CHECK(b.add_answer(rr("b.example.", rr_type::null, blob)).error() == errc::message_too_large);
    CHECK(b.add_answer(rr("b.example.", rr_type::null, byte_buffer(70000))).error() ==
          errc::message_too_large);
    CHECK(b.count(section::answer) == 1);
    auto wire = b.build().value();
    CHECK(message_view::parse(wire).has_value());
}

TEST_CASE("sections go in order; OPT only through set_edns") {
    message_builder b;
    REQUIRE(b.add_authority(rr("example.", rr_type::a, hex("01020304"))));
    CHECK(b.add_answer(rr("example.", rr_type::a, hex("01020304"))).error() == errc::section_order);
    CHECK(b.add_question(n("example."), rr_type::a).error() == errc::section_order);
    CHECK(b.add_additional(rr(".", rr_type::opt, {})).error() == errc::bad_opt);
    CHECK(b.add(section::question, rr("example.", rr_type::a, hex("01020304"))).error() ==
          errc::section_order);
}

TEST_CASE("many names: the bounded table and offsets past 16383 stay correct") {
    message_builder b;
    b.set_qr(true);
    REQUIRE(b.add_question(n("zone.example."), rr_type::any));
    std::vector<record> in;
    for (int i = 0; i < 400; ++i) {
        auto owner = "host" + std::to_string(i) + ".sub" + std::to_string(i % 7) + ".zone.example.";
        in.push_back(rr(owner, rr_type::cname,
                        wire_of(n("target" + std::to_string(i % 13) + ".zone.example."))));
        in.push_back(rr(owner, rr_type::null, byte_buffer(100, std::byte{7})));
    }
    for (const auto& r : in)
        REQUIRE(b.add_answer(r));
    auto wire = b.build().value();
    CHECK(wire.size() > 0x4000);
    auto m = message_view::parse(wire).value();
    std::vector<record> out;
    for (auto rv : m.answer())
        out.push_back(rv.to_record().value());
    CHECK(out == in);
}

TEST_CASE("raw parts: RDATA is written as given, so tests can build bad messages") {
    message_builder b;
    // An NS whose RDATA is not a name: written verbatim, refused by the parser.
    REQUIRE(b.add(section::answer, n("example."), rr_type::ns, rr_class::in, 60, hex("03616263")));
    auto wire = b.build().value();
    auto r = message_view::parse(wire);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().offset >= 12 + 9 + 10);
    // A class other than IN and a TTL travel unchanged.
    message_builder c;
    REQUIRE(
        c.add(section::answer, n("version.bind."), rr_type::txt, rr_class::ch, 0, hex("03616263")));
    auto wire2 = c.build().value();
    auto m = message_view::parse(wire2).value();
    CHECK(m.answer().begin()->klass() == rr_class::ch);
    CHECK(m.answer().begin()->ttl() == 0);
}

TEST_CASE("a TSIG stays the last record: the OPT goes before it, nothing after it") {
    const auto tsig_rdata = from_hex("0b686d61632d73686132353600"
                                     "00006553f100012c0000123400000000")
                                .value();
    const record tsig{name::parse("key.").value(), rr_type::tsig, rr_class::any, 0, tsig_rdata};
    const record a{name::parse("www.example.").value(), rr_type::a, rr_class::in, 300,
                   from_hex("c0000201").value()};
    message_builder b;
    REQUIRE(b.add(section::additional, a).has_value());
    REQUIRE(b.add(section::additional, tsig).has_value());
    dns::edns e;
    e.dnssec_ok = true;
    b.set_edns(e);
    // Nothing may follow the TSIG, and a TSIG belongs only in the additional section.
    CHECK(b.add(section::additional, a).error() == errc::bad_tsig);
    message_builder other;
    CHECK(other.add(section::answer, tsig).error() == errc::bad_tsig);

    auto wire = b.build();
    REQUIRE(wire.has_value());
    auto m = message_view::parse(*wire);
    REQUIRE_MESSAGE(m.has_value(), m.error().message());
    std::vector<rr_type> types;
    for (auto r : m->additional())
        types.push_back(r.type());
    CHECK(types == std::vector<rr_type>{rr_type::a, rr_type::opt, rr_type::tsig});
    CHECK(m->edns()->dnssec_ok());
    CHECK((*std::next(m->additional().begin(), 2)).to_record().value() == tsig);
}
