#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
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

// Octets from small integers, and from text for names' letters.
struct octets {
    byte_buffer b;
    octets& operator()(std::initializer_list<int> v) {
        for (int x : v)
            b.push_back(std::byte(x));
        return *this;
    }
    octets& label(std::string_view s) {
        b.push_back(std::byte(s.size()));
        for (char c : s)
            b.push_back(std::byte(c));
        return *this;
    }
    octets& u16(unsigned v) { return (*this)({int(v >> 8), int(v & 0xff)}); }
    octets& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xffff); }
};

// A header: ID 0x1234, the given flags and counts.
octets header(unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar) {
    octets o;
    o.u16(0x1234).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    return o;
}

wire_error parse_error(const byte_buffer& b) {
    auto r = message_view::parse(b);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

// A signed NXDOMAIN from knotd (scripts/make-corpus.sh): the question
// _25._tcp.www.nsec3.example./TLSA with DO, SOA + RRSIG, three NSEC3 records, OPT.
const char* signed_nxdomain = "035886030001000000050001035f3235045f74637003777777056e73656333076578"
                              "616d706c650000340001c0190006"
                              "00010000012c0027036e7331c0190a686f73746d6173746572c01978a3f17500001c"
                              "2000000e10001275000000012c20"
                              "706d6f736c3469746e75757074306f6533753876316e6f693773666266336972c019"
                              "003200010000012c001a01000000"
                              "0014d0ea1937d4f927aa2441b85a1d3d8245f2561eea20306c32376834336268386d"
                              "6b7630346c32667266746e336276"
                              "71626867636f74c019003200010000012c00220100000000141077939ea24c373692"
                              "eb81093f82b8fb0242a3a9000640"
                              "000008000220716a7536613631767132726d6530766e70616e3875767262736e3233"
                              "39617537c019003200010000012c"
                              "0022010000000014ee7e305433e6db9fbd9a72ddafbc175f5cd81aa1000600008000"
                              "0002c019002e00010000012c0061"
                              "00060d0200000e106b1d43876b0ab96f31e4056e73656333076578616d706c65007c"
                              "92dcc7ef5f101379646c815f94e9"
                              "7c23ad4ef22ee2438b505299d1a57c851a7e8c95f682197c7c182c86ea089c87390d"
                              "02ac6e5eb22d883c0f6ffdce23ba"
                              "0900002904d0000080000000";

} // namespace

TEST_CASE("a hand-assembled RFC 1035 response parses into its fields") {
    // Query F.ISI.ARPA/A answered with an A record and an NS record whose owner is
    // compressed to the question name (RFC 1035 §4.1.4's example names).
    auto m = header(0x8580, 1, 1, 1, 0); // QR AA RD RA, NOERROR
    m.label("F").label("ISI").label("ARPA")({0}).u16(1).u16(1);
    m({0xc0, 12}).u16(1).u16(1).u32(3600).u16(4)({10, 0, 0, 52});
    // Owner ISI.ARPA = pointer to offset 14; RDATA "FOO" + pointer to F.ISI.ARPA.
    m({0xc0, 14}).u16(2).u16(1).u32(86400).u16(6).label("FOO")({0xc0, 12});
    auto r = message_view::parse(m.b);
    REQUIRE(r.has_value());
    const auto& msg = *r;
    CHECK(msg.id() == 0x1234);
    CHECK(msg.qr());
    CHECK(msg.aa());
    CHECK_FALSE(msg.tc());
    CHECK(msg.rd());
    CHECK(msg.ra());
    CHECK_FALSE(msg.ad());
    CHECK_FALSE(msg.cd());
    CHECK(msg.opcode() == opcode::query);
    CHECK(msg.rcode() == rcode::noerror);
    CHECK_FALSE(msg.has_edns());
    CHECK(msg.count(section::answer) == 1);

    REQUIRE(msg.question().size() == 1);
    auto q = *msg.question().begin();
    CHECK(q.qname() == n("f.isi.arpa."));
    CHECK(q.qtype() == rr_type::a);
    CHECK(q.qclass() == rr_class::in);
    CHECK(q.to_question() == question{n("F.ISI.ARPA."), rr_type::a, rr_class::in});

    std::vector<record_view> answers(msg.answer().begin(), msg.answer().end());
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].owner().to_name().view().identical(n("F.ISI.ARPA.")));
    CHECK(answers[0].owner().size_in_message() == 2);
    CHECK(answers[0].ttl() == 3600);
    CHECK(answers[0].rdata_length() == 4);
    auto rec = answers[0].to_record().value();
    CHECK(rec.owner == n("F.ISI.ARPA."));
    CHECK(rec.rdata == byte_buffer{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{52}});

    auto ns = *msg.authority().begin();
    CHECK(ns.owner() == n("ISI.ARPA."));
    CHECK(ns.type() == rr_type::ns);
    CHECK(ns.rdata().size() == 6); // compressed in the message
    auto nsrec = ns.to_record().value();
    auto foo = n("FOO.F.ISI.ARPA.");
    CHECK(nsrec.rdata == byte_buffer(foo.wire().begin(), foo.wire().end()));
    CHECK(msg.additional().empty());
}

TEST_CASE("RFC 1035 §4.1.4's compression example decompresses") {
    // F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40 (FOO then a pointer to 20), ARPA at 64 (a
    // pointer to 26), the root at 92.
    byte_buffer b(100, std::byte{0xee});
    auto put = [&](std::size_t at, std::initializer_list<int> v) {
        for (int x : v)
            b[at++] = std::byte(x);
    };
    put(20, {1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0});
    put(40, {3, 'F', 'O', 'O', 0xc0, 20});
    put(64, {0xc0, 26});
    put(92, {0});
    CHECK(compressed_name_view::at(b, 20).value().to_name() == n("F.ISI.ARPA."));
    CHECK(compressed_name_view::at(b, 40).value().to_name() == n("FOO.F.ISI.ARPA."));
    CHECK(compressed_name_view::at(b, 64).value().to_name() == n("ARPA."));
    CHECK(compressed_name_view::at(b, 92).value().to_name().is_root());
    CHECK(compressed_name_view::at(b, 40).value() == n("foo.f.isi.arpa."));
    CHECK_FALSE(compressed_name_view::at(b, 40).value() == n("foo.f.isi."));
    CHECK_FALSE(compressed_name_view::at(b, 40).value() == n("bar.f.isi.arpa."));
    CHECK(compressed_name_view::at(b, 64).value() == compressed_name_view::at(b, 26).value());
    CHECK(compressed_name_view::at(b, 40).value().size_in_message() == 6);
    CHECK(compressed_name_view::at(b, 40).value().to_string() == "FOO.F.ISI.ARPA.");
}

TEST_CASE("bad compression gives its specific error and offset") {
    auto with_owner = [](std::initializer_list<int> owner) {
        auto m = header(0x8000, 0, 1, 0, 0);
        m(owner).u16(1).u16(1).u32(0).u16(4)({1, 2, 3, 4});
        return m.b;
    };
    SUBCASE("a pointer to itself is a loop") {
        auto e = parse_error(with_owner({0xc0, 12}));
        CHECK(e == errc::pointer_loop);
        CHECK(e.offset == 12);
    }
    SUBCASE("a pointer into the segment it ends is a loop") {
        auto e = parse_error(with_owner({1, 'a', 0xc0, 12}));
        CHECK(e == errc::pointer_loop);
        CHECK(e.offset == 14);
    }
    SUBCASE("a pointer to a name that loops") {
        // Record 1 (type NULL, opaque RDATA) holds at 23 the octets "b" + pointer to 23;
        // record 2's owner points there. The loop is found at the pointer inside it.
        auto m = header(0x8000, 0, 2, 0, 0);
        m({0}).u16(10).u16(1).u32(0).u16(4)({1, 'b', 0xc0, 23});
        m({0xc0, 23}).u16(10).u16(1).u32(0).u16(0);
        auto e = parse_error(m.b);
        CHECK(e == errc::pointer_loop);
        CHECK(e.offset == 25);
    }
    SUBCASE("a pointer forward") {
        auto e = parse_error(with_owner({0xc0, 14}));
        CHECK(e == errc::forward_pointer);
        CHECK(e.offset == 12);
    }
    SUBCASE("a pointer past the end") {
        CHECK(parse_error(with_owner({0xff, 0xff})) == errc::bad_pointer);
    }
    SUBCASE("label types 01 and 10") {
        CHECK(parse_error(with_owner({0x41, 0})) == errc::bad_label_type);
        CHECK(parse_error(with_owner({0x80, 0})) == errc::bad_label_type);
    }
    SUBCASE("a 64-octet label length is label type 01") {
        // Wire form cannot say "64-octet label": 64 = 0b01000000 is the retired extended
        // label type (RFC 6891 §5).
        auto m = header(0x8000, 0, 1, 0, 0);
        m.b.push_back(std::byte{64});
        m.b.insert(m.b.end(), 64, std::byte{'x'});
        m({0}).u16(10).u16(1).u32(0).u16(0);
        CHECK(parse_error(m.b) == errc::bad_label_type);
    }
    SUBCASE("a name over 255 octets, plain") {
        auto m = header(0x8000, 0, 1, 0, 0);
        for (int i = 0; i < 5; ++i)
            m.label(std::string(63, 'a'));
        m({0}).u16(10).u16(1).u32(0).u16(0);
        auto e = parse_error(m.b);
        CHECK(e == errc::name_too_long);
    }
    SUBCASE("a name over 255 octets through pointers") {
        // A 250-octet name at 12 in the question, then an owner adding 10 octets to it.
        auto m = header(0x8000, 1, 1, 0, 0);
        for (int i = 0; i < 3; ++i)
            m.label(std::string(63, 'a'));
        m.label(std::string(56, 'b'))({0}).u16(1).u16(1); // 4*1 + 245 + 1 = 250
        m.label("123456789")({0xc0, 12}).u16(10).u16(1).u32(0).u16(0);
        CHECK(message_view::parse(m.b).error() == errc::name_too_long);
        // With a 4-octet prefix the 254-octet name is fine (the cache adds up lengths).
        auto ok = header(0x8000, 1, 2, 0, 0);
        for (int i = 0; i < 3; ++i)
            ok.label(std::string(63, 'a'));
        ok.label(std::string(56, 'b'))({0}).u16(1).u16(1);
        ok({0xc0, 12}).u16(10).u16(1).u32(0).u16(0);
        ok.label("abc")({0xc0, 12}).u16(10).u16(1).u32(0).u16(0);
        CHECK(message_view::parse(ok.b).has_value());
        // "abc" -> "abcde": 6 + 250 = 256 octets.
        ok.b[ok.b.size() - 10 - 6] = std::byte{5};
        ok.b.insert(ok.b.end() - 10 - 2, 2, std::byte{'d'});
        CHECK(message_view::parse(ok.b).error() == errc::name_too_long);
    }
    SUBCASE("a name cut by the end of the message") {
        auto m = header(0x8000, 1, 0, 0, 0);
        m.label("abc");
        CHECK(parse_error(m.b) == errc::truncated);
    }
}

TEST_CASE("counts that do not match the records") {
    auto one_a = [](unsigned an) {
        auto m = header(0x8000, 0, an, 0, 0);
        m({0}).u16(1).u16(1).u32(0).u16(4)({1, 2, 3, 4});
        return m.b;
    };
    const auto good = one_a(1);
    CHECK(message_view::parse(good).has_value());
    auto e = parse_error(one_a(2));
    CHECK(e == errc::truncated);
    CHECK(e.offset == 27);
    auto t = parse_error(one_a(0));
    CHECK(t == errc::trailing_data);
    CHECK(t.offset == 12);
    auto extra = one_a(1);
    extra.push_back(std::byte{0});
    CHECK(parse_error(extra) == errc::trailing_data);
    CHECK(parse_error(extra).offset == 27);
    CHECK(parse_error(byte_buffer(11)) == errc::truncated);
    const byte_buffer empty(12);
    CHECK(message_view::parse(empty).has_value()); // an empty message
    // RDLENGTH past the end: the RDLENGTH field is blamed.
    auto rd = one_a(1);
    rd[12 + 1 + 8] = std::byte{0};
    rd[12 + 1 + 9] = std::byte{5};
    CHECK(parse_error(rd) == errc::truncated);
    CHECK(parse_error(rd).offset == 21);
}

TEST_CASE("RDATA is checked against its type") {
    auto m = header(0x8000, 0, 1, 0, 0);
    m({0}).u16(1).u16(1).u32(0).u16(3)({1, 2, 3}); // an A record with 3 octets
    auto e = parse_error(m.b);
    CHECK(e.code != make_error_code(errc::truncated));
    CHECK(e.offset >= 23);
    // A compressed name inside RRSIG is refused (RFC 3597 §4, RFC 4034 §3.1.7).
    auto s = header(0x8000, 1, 1, 0, 0);
    s.label("x")({0}).u16(46).u16(1);
    s({0xc0, 12}).u16(46).u16(1).u32(0).u16(18 + 2 + 4);
    s.u16(1)({13, 1}).u32(0).u32(0).u32(0).u16(0)({0xc0, 12})({1, 2, 3, 4});
    auto se = parse_error(s.b);
    CHECK(se == errc::pointer_not_allowed);
}

TEST_CASE("OPT: only one, in the additional section, owned by the root") {
    auto opt = [](octets& m, int owner_root = 1) {
        if (owner_root)
            m({0});
        else
            m({1, 'x', 0});
        m.u16(41).u16(1232).u32(0x8000).u16(0);
    };
    {
        auto m = header(0x8000, 0, 0, 0, 1);
        opt(m);
        auto r = message_view::parse(m.b);
        REQUIRE(r.has_value());
        REQUIRE(r->edns().has_value());
        CHECK(r->edns()->dnssec_ok());
        CHECK(r->edns()->udp_payload_size() == 1232);
        CHECK(r->opt()->offset() == 12);
    }
    {
        auto m = header(0x8000, 0, 1, 0, 0);
        opt(m);
        auto e = parse_error(m.b);
        CHECK(e == errc::bad_opt);
        CHECK(e.offset == 12);
    }
    {
        auto m = header(0x8000, 0, 0, 1, 0);
        opt(m);
        CHECK(parse_error(m.b) == errc::bad_opt);
    }
    {
        auto m = header(0x8000, 0, 0, 0, 2);
        opt(m);
        opt(m);
        auto e = parse_error(m.b);
        CHECK(e == errc::bad_opt);
        CHECK(e.offset == 23);
    }
    {
        auto m = header(0x8000, 0, 0, 0, 1);
        opt(m, 0);
        CHECK(parse_error(m.b) == errc::bad_opt);
    }
}

TEST_CASE("EDNS options that run past the OPT RDATA") {
    auto with_rdata = [](std::initializer_list<int> rd) {
        auto m = header(0x8000, 0, 0, 0, 1);
        m({0}).u16(41).u16(1232).u32(0).u16(static_cast<unsigned>(rd.size()))(rd);
        return m.b;
    };
    const auto ede = with_rdata({0, 15, 0, 2, 0, 6}), padding = with_rdata({0, 12, 0, 0});
    CHECK(message_view::parse(ede).has_value());
    CHECK(message_view::parse(padding).has_value());
    auto e = parse_error(with_rdata({0, 15, 0, 3, 0, 6}));
    CHECK(e == errc::bad_option);
    CHECK(e.offset == 23);
    CHECK(parse_error(with_rdata({0, 15, 0})) == errc::bad_option);
    CHECK(parse_error(with_rdata({0, 12, 0, 0, 0, 15, 0, 9})) == errc::bad_option);
    CHECK(parse_error(with_rdata({0, 12, 0, 0, 0, 15, 0, 9})).offset == 27);
}

TEST_CASE("the extended RCODE joins the header's and the OPT's bits") {
    auto m = header(0x8000 | 0x0, 0, 0, 0, 1); // header RCODE 0
    m({0}).u16(41).u16(1232).u32(0x01000000).u16(0);
    auto r = message_view::parse(m.b);
    REQUIRE(r.has_value());
    CHECK(r->rcode() == rcode::badvers); // 1 << 4 | 0 = 16
    CHECK(r->header_rcode() == 0);
    CHECK(r->edns()->extended_rcode() == 1);
}

TEST_CASE("a signed NXDOMAIN from knotd parses, and every truncation of it fails cleanly") {
    auto wire = from_hex(signed_nxdomain).value();
    auto r = message_view::parse(wire);
    REQUIRE(r.has_value());
    CHECK(r->rcode() == rcode::nxdomain);
    CHECK(r->aa());
    CHECK(r->question().begin()->qname() == n("_25._tcp.www.nsec3.example."));
    CHECK(r->question().begin()->qtype() == rr_type::tlsa);
    std::vector<rr_type> types;
    for (auto rv : r->authority()) {
        types.push_back(rv.type());
        CHECK(rv.to_record().has_value());
    }
    CHECK(types == std::vector<rr_type>{rr_type::soa, rr_type::nsec3, rr_type::nsec3,
                                        rr_type::nsec3, rr_type::rrsig});
    REQUIRE(r->edns().has_value());
    CHECK(r->edns()->dnssec_ok());

    for (std::size_t len = 0; len < wire.size(); ++len) {
        auto cut = message_view::parse(bytes_view(wire).first(len));
        CHECK_MESSAGE(!cut.has_value(), "prefix of ", len, " octets parsed");
        if (!cut) CHECK(cut.error().offset <= len);
    }
    // One octet more is trailing data.
    wire.push_back(std::byte{0});
    CHECK(parse_error(wire) == errc::trailing_data);
}

TEST_CASE("every message of the knotd corpus parses, converts and rebuilds") {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    if (!root) return;
    std::ifstream f(std::string(root) + "/benchmarks/corpus/answers.bin", std::ios::binary);
    if (!f) return;
    std::vector<char> d((std::istreambuf_iterator<char>(f)), {});
    std::size_t messages = 0, records = 0, pos = 0, rebuilt_size = 0, original_size = 0;
    while (pos + 2 <= d.size()) {
        std::size_t len =
            static_cast<unsigned char>(d[pos]) << 8 | static_cast<unsigned char>(d[pos + 1]);
        REQUIRE(d.size() - pos - 2 >= len);
        bytes_view m = as_bytes(std::string_view(d.data() + pos + 2, len));
        pos += 2 + len;
        auto r = message_view::parse(m);
        REQUIRE_MESSAGE(r.has_value(), r.error().message());
        ++messages;
        message_builder b;
        b.set_id(r->id()).set_flags(r->flags()).set_rcode(r->rcode());
        for (auto q : r->question())
            REQUIRE(b.add_question(q.to_question()));
        std::vector<record> all;
        for (auto s : {section::answer, section::authority, section::additional})
            for (auto rv : r->records(s)) {
                ++records;
                if (rv.type() == rr_type::opt) continue;
                auto rec = rv.to_record();
                REQUIRE(rec.has_value());
                REQUIRE(b.add(s, *rec));
                all.push_back(std::move(*rec));
            }
        if (auto e = r->edns()) b.set_edns(edns::from_view(*e));
        auto out = b.build().value();
        rebuilt_size += out.size();
        original_size += m.size();
        auto again = message_view::parse(out);
        REQUIRE(again.has_value());
        CHECK(again->flags() == r->flags());
        std::vector<record> all2;
        for (auto s : {section::answer, section::authority, section::additional})
            for (auto rv : again->records(s))
                if (rv.type() != rr_type::opt) all2.push_back(rv.to_record().value());
        CHECK(all == all2);
    }
    CHECK(pos == d.size());
    CHECK(messages >= 1000);
    CHECK(records > messages);
    CHECK(rebuilt_size <= original_size); // compression at least as good as knotd's
}

TEST_CASE("default-constructed views are a safe empty state, never a null dereference") {
    const message_view m{};
    CHECK(m.id() == 0);
    CHECK(m.flags() == 0);
    CHECK(m.rcode() == rcode::noerror);
    CHECK(m.count(section::answer) == 0);
    CHECK(m.question().begin() == m.question().end());
    CHECK(m.answer().begin() == m.answer().end());
    CHECK(!m.has_edns());
    CHECK(m.size() == header_size);

    const record_view r{};
    CHECK(r.owner().to_string() == ".");
    CHECK(r.type() == rr_type{0});
    CHECK(r.ttl() == 0);
    CHECK(r.rdata().empty());
    CHECK(r.to_record().value().rdata.empty());

    const question_view q{};
    CHECK(q.qname().to_string() == ".");
    CHECK(q.qtype() == rr_type{0});
}

namespace {
// A response whose one answer record, of an unassigned type (opaque RDATA, never walked),
// holds the name "a." and then `hops` compression pointers, each pointing at the one
// before; then `owners` records (unassigned type, empty RDATA) whose owners point at the
// last pointer of the chain. Every such owner expands to "a." after `hops` + 1 pointers.
octets pointer_chain_message(unsigned hops, unsigned owners) {
    auto m = header(0x8000, 0, 1 + owners, 0, 0);
    const unsigned rdata_at = 12 + 1 + 10; // root owner, fixed fields
    m({0}).u16(65280).u16(1).u32(0).u16(3 + 2 * hops);
    m.label("a")({0});
    for (unsigned i = 0; i < hops; ++i) {
        const unsigned target = i == 0 ? rdata_at : rdata_at + 3 + 2 * (i - 1);
        m({0xc0 | int(target >> 8), int(target & 0xff)});
    }
    const unsigned last = rdata_at + 3 + 2 * (hops - 1);
    for (unsigned i = 0; i < owners; ++i)
        m({0xc0 | int(last >> 8), int(last & 0xff)}).u16(65280).u16(1).u32(0).u16(0);
    return m;
}
} // namespace

TEST_CASE("a name follows at most 127 compression pointers") {
    // The owners' own pointer is one hop, the chain `hops` more.
    auto ok = pointer_chain_message(126, 1);
    auto parsed = message_view::parse(ok.b);
    REQUIRE(parsed.has_value());
    std::vector<record_view> records(parsed->answer().begin(), parsed->answer().end());
    REQUIRE(records.size() == 2);
    CHECK(records[1].owner().to_name() == n("a."));
    CHECK(read_wire_name(ok.b, records[1].offset()).has_value());

    auto over = pointer_chain_message(127, 1);
    auto e = parse_error(over.b);
    CHECK(e == errc::too_many_pointers);
    CHECK(e.message().find("127 compression pointers") != std::string::npos);
    // Every reader of names applies the same limit.
    const std::size_t owner = over.b.size() - 12;
    CHECK(skip_wire_name(over.b, owner).error() == errc::too_many_pointers);
    CHECK(read_wire_name(over.b, owner).error() == errc::too_many_pointers);
    CHECK(compressed_name_view::at(over.b, owner).error() == errc::too_many_pointers);
    dns::detail::checked_names known;
    const auto* p = reinterpret_cast<const std::uint8_t*>(over.b.data());
    CHECK(dns::detail::check_name_fast(p, over.b.size(), owner, known) == 0);
}

TEST_CASE("a message whose names need too much decompression work is refused") {
    // 100-hop chains cost 101 steps per owner (plus its label); 12 octets of message buy 48.
    auto few = pointer_chain_message(100, 20);
    REQUIRE(message_view::parse(few.b).has_value());
    auto many = pointer_chain_message(100, 1000);
    REQUIRE(many.b.size() < max_message_size);
    auto e = parse_error(many.b);
    CHECK(e == errc::decompression_work);
    CHECK(e.offset > 12);
    CHECK(e.message().find("decompression work") != std::string::npos);
    // The owners are all the same remembered name: parse takes one step per owner, but
    // the budget is charged the full walk (102 steps), which every later to_name() pays.
    // With N owners the message has 226 + 12 N octets, a budget of 5000 + 48 N steps:
    // 92 owners fit, 93 do not.
    auto edge = pointer_chain_message(100, 92);
    CHECK(max_decompression_work(edge.b.size()) == 5000 + 48 * 92);
    CHECK(message_view::parse(edge.b).has_value());
    CHECK(parse_error(pointer_chain_message(100, 93).b) == errc::decompression_work);
    // Chains of ordinary depth pass however many owners there are.
    auto shallow = pointer_chain_message(2, 3000);
    REQUIRE(shallow.b.size() < max_message_size);
    CHECK(message_view::parse(shallow.b).has_value());
}
