// The in-memory upstream (zone_answerer.hpp) answers exactly: each case's responses, with
// the DNSKEY and DS RRsets the validator asks for fetched from the answerer too, give a
// plain dnssec::validator the verdict and proof the fixture was built to have. The resolver
// tests rely on this, so a wrong answerer cannot pass for a right resolver.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "dane/dns/edns.hpp"
#include "support.hpp"

using namespace resolver_test;
using dane::dns::rr_type;
using dane::dnssec::proof;
using dane::dnssec::security;

namespace {

struct fetched {
    dns::rcode rcode = dns::rcode::noerror;
    std::vector<dns::record> records;
};

fetched ask(std::string_view qname, rr_type qtype) {
    auto query = make_query(0x4242, qname, qtype);
    auto response = fixture_answerer().respond(query, resolver::transport::tcp);
    REQUIRE(response.has_value());
    auto m = dns::message_view::parse(*response);
    REQUIRE(m.has_value());
    return {m->rcode(), response_records(*m)};
}

// The validator's outcome for a question. The validator fetches nothing and learns zone
// cuts from the records it holds, so this asks the answerer what a resolver would: the DS
// and DNSKEY RRsets at every ancestor of every owner in the answer (a NODATA at a name
// that is no zone cut is a proven non-cut), then whatever needs() still lists.
dnssec::answer_result validate(std::string_view qname, rr_type qtype) {
    dnssec::validator<backend_t> v(backend(), anchors(), test_now());
    auto first = ask(qname, qtype);
    REQUIRE(v.add(first.records).has_value());
    std::set<std::string> asked;
    auto ask_keys_above = [&](dns::name n) {
        for (;;) {
            for (auto t : {rr_type::ds, rr_type::dnskey})
                if (asked.insert(n.to_string() + dns::to_string(t)).second) {
                    auto more = ask(n.to_string(), t);
                    REQUIRE(v.add(more.records).has_value());
                }
            if (n.is_root()) break;
            n = n.parent();
        }
    };
    ask_keys_above(dn(qname));
    for (const auto& rec : first.records)
        ask_keys_above(rec.owner);
    dnssec::answer_result r;
    for (int round = 0; round < 12; ++round) {
        r = v.validate_answer(dn(qname), qtype, first.rcode);
        auto needs = v.needs();
        if (needs.empty()) return r;
        for (const auto& n : needs) {
            auto more = ask(n.name.to_string(), n.type);
            REQUIRE(v.add(more.records).has_value());
        }
    }
    FAIL("the validator kept asking for records");
    return r;
}

} // namespace

TEST_CASE("answerer: a TLSA record three zones deep validates as secure") {
    auto r = validate("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    CHECK(r.verdict.state == security::secure);
    CHECK(r.proven == proof::answer);
    REQUIRE(r.rrsets.size() == 1);
}

TEST_CASE("answerer: a TLSA record four zones deep (signed child zone) validates as secure") {
    auto r = validate("_25._tcp.mx.sub.example.danebed.", rr_type::tlsa);
    CHECK(r.verdict.state == security::secure);
    CHECK(r.proven == proof::answer);
}

TEST_CASE("answerer: a CNAME into another zone (Ed25519, ldns-signzone) is followed") {
    auto response = ask("alias.example.danebed.", rr_type::a);
    std::size_t cnames = 0, addresses = 0;
    for (const auto& rec : response.records) {
        cnames += rec.type == rr_type::cname;
        addresses += rec.type == rr_type::a && rec.owner == dn("www.other.danebed.");
    }
    CHECK(cnames == 1);
    CHECK(addresses == 1);
    auto r = validate("alias.example.danebed.", rr_type::a);
    CHECK(r.verdict.state == security::secure);
    CHECK(r.proven == proof::cname);
    CHECK(r.final_name == dn("www.other.danebed."));
}

TEST_CASE("answerer: names under insecure delegations come unsigned and validate as insecure") {
    auto nsec = validate("www.insecure.example.danebed.", rr_type::a);
    CHECK(nsec.verdict.state == security::insecure);
    auto nsec3 = validate("www.plain.danebed.", rr_type::a);
    CHECK(nsec3.verdict.state == security::insecure);
    auto ds = ask("plain.danebed.", rr_type::ds);
    bool has_nsec3 = false;
    for (const auto& rec : ds.records)
        has_nsec3 |= rec.type == rr_type::nsec3;
    CHECK(has_nsec3);
}

TEST_CASE("answerer: the RRset with the corrupted RRSIG is bogus") {
    auto r = validate("bogus.example.danebed.", rr_type::a);
    CHECK(r.verdict.state == security::bogus);
    // Its neighbour in the same zone stays secure.
    CHECK(validate("mail.example.danebed.", rr_type::a).verdict.state == security::secure);
}

TEST_CASE("answerer: NXDOMAIN and NODATA proofs, NSEC and NSEC3") {
    struct denial_case {
        std::string_view qname;
        rr_type qtype;
        dns::rcode rcode;
        proof proven;
    };
    const denial_case cases[] = {
        {"nope.example.danebed.", rr_type::a, dns::rcode::nxdomain, proof::nxdomain},
        {"mail.example.danebed.", rr_type::aaaa, dns::rcode::noerror, proof::nodata},
        {"_tcp.mail.example.danebed.", rr_type::tlsa, dns::rcode::noerror, proof::nodata},
        {"nope.danebed.", rr_type::a, dns::rcode::nxdomain, proof::nxdomain},
        {"a.b.info.danebed.", rr_type::a, dns::rcode::nxdomain, proof::nxdomain},
        {"info.danebed.", rr_type::a, dns::rcode::noerror, proof::nodata},
        {"nope.", rr_type::a, dns::rcode::nxdomain, proof::nxdomain},
        {"x.wild.example.danebed.", rr_type::aaaa, dns::rcode::noerror, proof::wildcard_nodata},
        {"nope.other.danebed.", rr_type::tlsa, dns::rcode::nxdomain, proof::nxdomain},
    };
    for (const auto& c : cases) {
        CAPTURE(c.qname);
        auto response = ask(c.qname, c.qtype);
        CHECK(response.rcode == c.rcode);
        auto r = validate(c.qname, c.qtype);
        CHECK(r.verdict.state == security::secure);
        CHECK(r.proven == c.proven);
        CHECK(r.rrsets.empty());
    }
}

TEST_CASE("answerer: a wildcard answer carries its proof and validates") {
    auto response = ask("x.wild.example.danebed.", rr_type::a);
    REQUIRE(!response.records.empty());
    CHECK(response.records.front().owner == dn("x.wild.example.danebed."));
    auto r = validate("x.wild.example.danebed.", rr_type::a);
    CHECK(r.verdict.state == security::secure);
    CHECK(r.proven == proof::wildcard_answer);
}

TEST_CASE("answerer: header, question and EDNS of the response") {
    auto query = make_query(0xbeef, "Mail.Example.Danebed.", rr_type::a);
    auto response = fixture_answerer().respond(query);
    REQUIRE(response.has_value());
    auto m = dns::message_view::parse(*response);
    REQUIRE(m.has_value());
    CHECK(m->id() == 0xbeef);
    CHECK(m->qr());
    CHECK(m->ra());
    CHECK(m->rd());
    CHECK(m->cd());
    CHECK_FALSE(m->tc());
    CHECK_FALSE(m->ad()); // never claims validation
    REQUIRE(m->count(dns::section::question) == 1);
    auto q = (*m->question().begin()).to_question();
    CHECK(q.qname.wire().size() == dn("mail.example.danebed.").wire().size());
    CHECK(q.qname.to_string() == "Mail.Example.Danebed."); // case kept as asked
    CHECK(q.qtype == rr_type::a);
    auto e = m->edns();
    REQUIRE(e.has_value());
    CHECK(e->dnssec_ok());
    std::size_t rrsigs = 0;
    for (auto rv : m->answer())
        rrsigs += rv.type() == rr_type::rrsig;
    CHECK(rrsigs == 1);

    // Without DO there are no RRSIGs; without EDNS there is no OPT.
    dns::query_options plain;
    plain.dnssec_ok = false;
    auto q2 =
        dns::message_builder::query(7, dn("mail.example.danebed."), rr_type::a, plain).build();
    REQUIRE(q2.has_value());
    auto r2 = fixture_answerer().respond(*q2);
    REQUIRE(r2.has_value());
    auto m2 = dns::message_view::parse(*r2);
    REQUIRE(m2.has_value());
    CHECK(m2->count(dns::section::answer) == 1);
    auto q3 = make_query(8, "mail.example.danebed.", rr_type::a, 1232, false);
    auto r3 = fixture_answerer().respond(q3);
    REQUIRE(r3.has_value());
    CHECK_FALSE(dns::message_view::parse(*r3)->has_edns());
}

TEST_CASE("answerer: TC when the answer exceeds the query's UDP payload size") {
    // The RSA-2048 DNSKEY RRset of danebed. with its RRSIG is over 512 octets.
    auto small = make_query(1, "danebed.", rr_type::dnskey, 512);
    auto udp = fixture_answerer().respond(small, resolver::transport::udp);
    REQUIRE(udp.has_value());
    auto m = dns::message_view::parse(*udp);
    REQUIRE(m.has_value());
    CHECK(m->tc());
    CHECK(m->count(dns::section::answer) == 0);
    CHECK(m->count(dns::section::question) == 1);
    CHECK(udp->size() <= 512);

    auto tcp = fixture_answerer().respond(small, resolver::transport::tcp);
    REQUIRE(tcp.has_value());
    auto mt = dns::message_view::parse(*tcp);
    REQUIRE(mt.has_value());
    CHECK_FALSE(mt->tc());
    CHECK(tcp->size() > 512);
    CHECK(mt->count(dns::section::answer) == 2);

    // The same question with the default 1232-octet payload fits.
    auto big = fixture_answerer().respond(make_query(2, "danebed.", rr_type::dnskey));
    REQUIRE(big.has_value());
    CHECK_FALSE(dns::message_view::parse(*big)->tc());
}

TEST_CASE("answerer: a message that is not a query gets FORMERR, garbage gets nothing") {
    auto query = make_query(3, "mail.example.danebed.", rr_type::a);
    auto as_response = query;
    as_response[2] = static_cast<std::byte>(std::to_integer<unsigned>(as_response[2]) | 0x80);
    auto r = fixture_answerer().respond(as_response);
    REQUIRE(r.has_value());
    CHECK(dns::message_view::parse(*r)->rcode() == dns::rcode::formerr);
    const byte_buffer garbage(5, std::byte{0xff});
    CHECK_FALSE(fixture_answerer().respond(garbage).has_value());
}
