// Transcript tests of the stub resolver against the in-memory upstream (zone_answerer.hpp,
// checked by answerer.cpp): what it asks, in what form, what it concludes, and what the
// cache saves, with no sockets and a clock the test moves.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include "driver.hpp"

using namespace resolver_test;
using dane::dns::rr_type;
using dane::dnssec::proof;
using dane::dnssec::security;

namespace {

std::size_t crypto_ops(const work_done& w) {
    return w.verifications + w.digests + w.nsec3_hashes;
}

std::vector<std::string> chain_zones(const resolver::lookup_result& r) {
    std::vector<std::string> out;
    for (const auto& z : r.chain)
        out.push_back(z.zone.to_string());
    return out;
}

using zones = std::vector<std::string>;

} // namespace

TEST_CASE("resolver: a TLSA record three zones deep is secure, with its chain") {
    auto stub = make_stub();
    driver d{stub};
    auto r = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    INFO(d.transcript());
    CHECK(r.verdict.state == security::secure);
    CHECK(r.rcode == dns::rcode::noerror);
    CHECK(r.proven == proof::answer);
    REQUIRE(r.answer() != nullptr);
    CHECK(r.answer()->rdatas.size() == 1);
    CHECK(r.answer()->signatures.size() == 1);
    CHECK(chain_zones(r) == zones{".", "danebed.", "example.danebed."});
    REQUIRE(r.chain.size() == 3);
    CHECK(r.chain[0].trust_anchor);
    CHECK_FALSE(r.chain[1].trust_anchor);
    // The root's key (the anchor DS's key tag, algorithm 13) and the TLD's RSA key
    // (algorithm 8) with the SHA-256 DS (digest type 2) the fixture script made.
    const auto fixture_anchor = anchors();
    const auto& anchor_ds = fixture_anchor.anchors().front().ds.front();
    const auto anchor_tag = static_cast<std::uint16_t>(
        std::to_integer<unsigned>(anchor_ds[0]) << 8 | std::to_integer<unsigned>(anchor_ds[1]));
    REQUIRE(r.chain[0].dnskeys.size() == 1);
    CHECK(r.chain[0].dnskeys[0] == resolver::dnskey_summary{anchor_tag, 13, 257});
    REQUIRE(r.chain[1].ds.size() == 1);
    CHECK(r.chain[1].ds[0].algorithm == 8);
    CHECK(r.chain[1].ds[0].digest_type == 2);
    REQUIRE(r.chain[2].ds.size() == 1);
    REQUIRE(r.chain[2].dnskeys.size() == 1);
    CHECK(r.chain[2].ds[0].key_tag == r.chain[2].dnskeys[0].key_tag);
    for (const auto& z : r.chain)
        CHECK(z.verdict.state == security::secure);
    CHECK(r.work.verifications > 0);
    CHECK(r.work.digests > 0);
    CHECK(r.ttl > 0);
    CHECK(r.ttl <= 3600);
    CHECK_FALSE(r.stats.answer_from_cache);

    // The transcript: the question first, then the DNSKEY and DS RRsets of each zone
    // under the anchor, each asked once, each over UDP with DO=1, CD=1, RD=1 and the
    // default EDNS payload, each with its own ID.
    REQUIRE(!d.sent.empty());
    CHECK(d.sent.front().question.qname == dn("_25._tcp.mail.example.danebed."));
    CHECK(d.sent.front().question.qtype == rr_type::tlsa);
    CHECK(d.count(".", rr_type::dnskey) == 1);
    CHECK(d.count("danebed.", rr_type::ds) == 1);
    CHECK(d.count("danebed.", rr_type::dnskey) == 1);
    CHECK(d.count("example.danebed.", rr_type::ds) == 1);
    CHECK(d.count("example.danebed.", rr_type::dnskey) == 1);
    CHECK(d.count(".", rr_type::ds) == 0); // the anchor stands at the root
    CHECK(d.sent.size() == 6);
    CHECK(r.stats.queries_sent == d.sent.size());
    CHECK(r.stats.responses == d.sent.size());
    std::set<std::uint16_t> ids;
    for (const auto& s : d.sent) {
        CHECK(s.query.transport == resolver::transport::udp);
        CHECK(s.rd);
        CHECK(s.cd);
        CHECK(s.has_edns);
        CHECK(s.dnssec_ok);
        CHECK(s.payload == 1232);
        CHECK(s.query.qname == s.question.qname);
        CHECK(s.query.qtype == s.question.qtype);
        CHECK(s.query.deadline == d.now.steady + std::chrono::milliseconds(1500));
        ids.insert(s.id);
    }
    CHECK(ids.size() == d.sent.size());

    // The chain records validate offline on their own (RFC 9102): a fresh validator with
    // only them and the anchor reaches the same verdict.
    dnssec::validator<backend_t> offline(backend(), anchors(), test_now());
    REQUIRE(offline.add(r.chain_records).has_value());
    CHECK(offline.validate_answer(dn("_25._tcp.mail.example.danebed."), rr_type::tlsa)
              .verdict.state == security::secure);
}

TEST_CASE("resolver: a TLSA record four zones deep, under a signed child zone") {
    auto stub = make_stub();
    driver d{stub};
    auto r = d.run("_25._tcp.mx.sub.example.danebed.", rr_type::tlsa);
    INFO(d.transcript());
    CHECK(r.verdict.state == security::secure);
    REQUIRE(r.answer() != nullptr);
    CHECK(chain_zones(r) == zones{".", "danebed.", "example.danebed.", "sub.example.danebed."});
    CHECK(d.count("sub.example.danebed.", rr_type::ds) == 1);
    CHECK(d.count("sub.example.danebed.", rr_type::dnskey) == 1);
}

TEST_CASE("resolver: insecure delegations, proven by NSEC and by NSEC3") {
    auto stub = make_stub();
    driver d{stub};
    auto nsec = d.run("www.insecure.example.danebed.", rr_type::a);
    INFO(d.transcript());
    CHECK(nsec.verdict.state == security::insecure);
    REQUIRE(nsec.answer() != nullptr);
    CHECK(nsec.answer()->signatures.empty());
    REQUIRE(!nsec.chain.empty());
    CHECK(nsec.chain.back().zone == dn("insecure.example.danebed."));
    CHECK(nsec.chain.back().verdict.state == security::insecure);
    CHECK(d.count("insecure.example.danebed.", rr_type::ds) == 1);

    auto nsec3 = d.run("www.plain.danebed.", rr_type::a);
    CHECK(nsec3.verdict.state == security::insecure);
    REQUIRE(nsec3.answer() != nullptr);
    CHECK(nsec3.verdict.why.code == dns::ede_code::other);
    CHECK(d.count("plain.danebed.", rr_type::ds) == 1);

    // The chain records prove the insecure answer offline too.
    for (const auto* r : {&nsec, &nsec3}) {
        dnssec::validator<backend_t> offline(backend(), anchors(), test_now());
        REQUIRE(offline.add(r->chain_records).has_value());
        CHECK(offline.validate_answer(r->qname, rr_type::a).verdict.state == security::insecure);
    }
}

TEST_CASE("resolver: the RRset with a corrupted signature is bogus") {
    auto stub = make_stub();
    driver d{stub};
    auto r = d.run("bogus.example.danebed.", rr_type::a);
    INFO(d.transcript());
    CHECK(r.verdict.state == security::bogus);
    CHECK(r.verdict.why.code != dns::ede_code::other);
    CHECK(r.proven == proof::nothing);
    // The zone itself is fine: a neighbour is secure, from the cached zones.
    const auto before = d.sent.size();
    auto good = d.run("mail.example.danebed.", rr_type::a);
    CHECK(good.verdict.state == security::secure);
    CHECK(d.sent.size() == before + 1);
}

TEST_CASE("resolver: NXDOMAIN and NODATA, NSEC and NSEC3") {
    struct denial_case {
        std::string_view qname;
        rr_type qtype;
        dns::rcode rcode;
        proof proven;
    };
    const denial_case cases[] = {
        {"nope.example.danebed.", rr_type::a, dns::rcode::nxdomain, proof::nxdomain},
        {"mail.example.danebed.", rr_type::aaaa, dns::rcode::noerror, proof::nodata},
        {"_25._tcp.nope.example.danebed.", rr_type::tlsa, dns::rcode::nxdomain, proof::nxdomain},
        {"nope.danebed.", rr_type::tlsa, dns::rcode::nxdomain, proof::nxdomain},
        {"info.danebed.", rr_type::a, dns::rcode::noerror, proof::nodata},
        {"x.wild.example.danebed.", rr_type::aaaa, dns::rcode::noerror, proof::wildcard_nodata},
    };
    for (const auto& c : cases) {
        CAPTURE(c.qname);
        auto stub = make_stub();
        driver d{stub};
        auto r = d.run(c.qname, c.qtype);
        INFO(d.transcript());
        CHECK(r.verdict.state == security::secure);
        CHECK(r.rcode == c.rcode);
        CHECK(r.proven == c.proven);
        CHECK(r.answer() == nullptr);
        CHECK(r.rrsets.empty());
        CHECK(std::any_of(r.chain_records.begin(), r.chain_records.end(), [](const dns::record& x) {
            return x.type == rr_type::nsec || x.type == rr_type::nsec3;
        }));
        // The denial validates offline from the chain records alone.
        dnssec::validator<backend_t> offline(backend(), anchors(), test_now());
        REQUIRE(offline.add(r.chain_records).has_value());
        auto again = offline.validate_answer(dn(c.qname), c.qtype, c.rcode);
        CHECK(again.verdict.state == security::secure);
        CHECK(again.proven == c.proven);
    }
}

TEST_CASE("resolver: a wildcard answer is secure with its proof") {
    auto stub = make_stub();
    driver d{stub};
    auto r = d.run("x.wild.example.danebed.", rr_type::a);
    CHECK(r.verdict.state == security::secure);
    CHECK(r.proven == proof::wildcard_answer);
    REQUIRE(r.answer() != nullptr);
    CHECK(r.answer()->owner == dn("x.wild.example.danebed."));
}

TEST_CASE("resolver: a CNAME chain across zones") {
    auto stub = make_stub();
    driver d{stub};
    auto r = d.run("alias.example.danebed.", rr_type::a);
    INFO(d.transcript());
    CHECK(r.verdict.state == security::secure);
    CHECK(r.proven == proof::cname);
    REQUIRE(r.rrsets.size() == 2);
    CHECK(r.rrsets[0].type == rr_type::cname);
    CHECK(r.rrsets[1].type == rr_type::a);
    CHECK(r.final_name == dn("www.other.danebed."));
    REQUIRE(r.answer() != nullptr);
    auto zs = chain_zones(r);
    CHECK(std::find(zs.begin(), zs.end(), "other.danebed.") != zs.end());
    CHECK(std::find(zs.begin(), zs.end(), "example.danebed.") != zs.end());
    CHECK(d.count("other.danebed.", rr_type::dnskey) == 1);
}

TEST_CASE("resolver: a warm cache answers a repeated lookup with no query and no crypto") {
    auto stub = make_stub();
    driver d{stub};
    auto cold = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    REQUIRE(cold.verdict.state == security::secure);
    const auto after_cold = d.sent.size();

    d.advance(std::chrono::seconds(10));
    auto r = stub.start(dn("_25._tcp.mail.example.danebed."), rr_type::tlsa, d.now);
    CHECK(r.done());
    CHECK(r.take_queries().empty());
    const auto& warm = r.result();
    CHECK(warm.verdict.state == security::secure);
    CHECK(warm.stats.answer_from_cache);
    CHECK(warm.stats.queries_sent == 0);
    CHECK(crypto_ops(warm.work) == 0);
    REQUIRE(warm.answer() != nullptr);
    CHECK(warm.answer()->rdatas == cold.answer()->rdatas);
    CHECK(warm.chain.size() == cold.chain.size());
    CHECK(warm.ttl <= cold.ttl - 10);
    CHECK(d.sent.size() == after_cold);

    // Another name in a cached zone: only the data query, and only its own signature
    // verified (no DS digest, no DNSKEY verification).
    auto other = d.run("mail.example.danebed.", rr_type::a);
    INFO(d.transcript());
    CHECK(other.verdict.state == security::secure);
    REQUIRE(d.sent.size() == after_cold + 1);
    CHECK(d.sent.back().question.qname == dn("mail.example.danebed."));
    CHECK(d.sent.back().question.qtype == rr_type::a);
    CHECK(other.work.verifications == 1);
    CHECK(other.work.digests == 0);
    CHECK(other.stats.zone_cache_hits > 0);

    // Past the TTL the answer is asked again.
    d.advance(std::chrono::seconds(3601));
    auto again = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    CHECK(again.verdict.state == security::secure);
    CHECK_FALSE(again.stats.answer_from_cache);
    CHECK(again.stats.queries_sent > 0);
}

TEST_CASE("resolver: a truncated UDP answer is asked again over TCP") {
    resolver::resolver_options o;
    o.limits.udp_payload_size = 512; // the TLD's RSA DNSKEY RRset does not fit
    auto stub = make_stub(o);
    driver d{stub};
    auto r = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    INFO(d.transcript());
    CHECK(r.verdict.state == security::secure);
    CHECK(r.stats.tcp_fallbacks >= 1);
    // The DNSKEY question of danebed. went over UDP, came back truncated, then over TCP.
    std::vector<resolver::transport> via;
    for (const auto& s : d.sent)
        if (s.question.qname == dn("danebed.") && s.question.qtype == rr_type::dnskey) {
            via.push_back(s.query.transport);
            CHECK(s.payload == 512);
        }
    CHECK(via ==
          std::vector<resolver::transport>{resolver::transport::udp, resolver::transport::tcp});
    CHECK(r.stats.tcp_fallbacks == 1);
}

TEST_CASE("resolver: an upstream that never answers: retries, then indeterminate") {
    auto stub = make_stub();
    driver d{stub};
    d.upstream = [](const resolver::outgoing_query&) { return std::nullopt; };
    const auto started = d.now;
    auto r = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    INFO(d.transcript());
    CHECK(r.verdict.state == security::indeterminate);
    CHECK_FALSE(r.rcode.has_value());
    CHECK(r.answer() == nullptr);
    CHECK(r.verdict.why.code == dns::ede_code::no_reachable_authority);
    // The question three times (max_attempts), each a fresh ID, one timeout apart.
    REQUIRE(d.sent.size() == 3);
    CHECK(r.stats.retries == 2);
    CHECK(d.sent[0].id != d.sent[1].id);
    CHECK(d.sent[1].id != d.sent[2].id);
    for (std::size_t i = 0; i < d.sent.size(); ++i) {
        CHECK(d.sent[i].question.qtype == rr_type::tlsa);
        CHECK(d.sent[i].query.deadline ==
              started.steady + std::chrono::milliseconds(1500) * static_cast<int>(i + 1));
    }
    CHECK(d.now.steady - started.steady == std::chrono::milliseconds(4500));

    // A failure is cached briefly: asked again at once, it comes from the cache...
    auto cached = stub.start(dn("_25._tcp.mail.example.danebed."), rr_type::tlsa, d.now);
    CHECK(cached.done());
    CHECK(cached.result().verdict.state == security::indeterminate);
    // ...and after indeterminate_ttl it is asked again.
    d.advance(stub.options().cache.indeterminate_ttl + std::chrono::seconds(1));
    d.upstream = answerer_upstream();
    auto later = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
    CHECK(later.verdict.state == security::secure);
}

TEST_CASE("resolver: SERVFAIL, REFUSED and malformed answers give indeterminate") {
    struct failure_case {
        std::string_view what;
        std::function<std::optional<byte_buffer>(const resolver::outgoing_query&)> respond;
        dns::ede_code ede;
    };
    const failure_case cases[] = {
        {"SERVFAIL",
         [](const resolver::outgoing_query& q) { return rcode_response(q, dns::rcode::servfail); },
         dns::ede_code::no_reachable_authority},
        {"REFUSED",
         [](const resolver::outgoing_query& q) { return rcode_response(q, dns::rcode::refused); },
         dns::ede_code::prohibited},
        {"malformed",
         [](const resolver::outgoing_query& q) {
             byte_buffer junk(q.wire.begin(), q.wire.begin() + 2); // the ID, then garbage
             junk.resize(40, std::byte{0xc0});
             return std::optional<byte_buffer>(junk);
         },
         dns::ede_code::network_error},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        // For the question itself, and for a DNSKEY query on the way (a failure there is
        // not evidence of bogus data: RFC 7672 §2.1.1 treats it as a lookup failure).
        for (bool on_dnskey : {false, true}) {
            CAPTURE(on_dnskey);
            auto stub = make_stub();
            driver d{stub};
            d.upstream = [&](const resolver::outgoing_query& q) {
                const bool target =
                    on_dnskey ? q.qtype == rr_type::dnskey && q.qname == dn("example.danebed.")
                              : q.qtype == rr_type::tlsa;
                return target ? c.respond(q) : fixture_answerer().respond(q.wire, q.transport);
            };
            auto r = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
            INFO(d.transcript());
            CHECK(r.verdict.state == security::indeterminate);
            CHECK(r.verdict.why.code == c.ede);
        }
    }
}

TEST_CASE("resolver: responses with the wrong ID or question are ignored") {
    auto stub = make_stub();
    driver d{stub};
    std::size_t strays = 0;
    // Driven by hand, to slip the strays in before the real answer.
    auto r = stub.start(dn("_25._tcp.mail.example.danebed."), rr_type::tlsa, d.now);
    while (!r.done()) {
        auto queries = r.take_queries();
        REQUIRE(!queries.empty());
        for (const auto& q : queries) {
            auto good = fixture_answerer().respond(q.wire, q.transport);
            REQUIRE(good.has_value());
            // The same answer under another ID.
            auto wrong_id = *good;
            wrong_id[1] = static_cast<std::byte>(std::to_integer<unsigned>(wrong_id[1]) ^ 0x5a);
            r.receive(wrong_id, d.now);
            // Another question under the right ID.
            auto m = dns::message_view::parse(q.wire);
            REQUIRE(m.has_value());
            auto other = make_query(m->id(), "mail.example.danebed.", rr_type::a);
            auto wrong_question = fixture_answerer().respond(other);
            REQUIRE(wrong_question.has_value());
            r.receive(*wrong_question, d.now);
            // The query itself echoed back (QR clear).
            r.receive(q.wire, d.now);
            strays += 3;
            CHECK_FALSE(r.done());
            r.receive(*good, d.now);
        }
    }
    const auto& result = r.result();
    CHECK(result.verdict.state == security::secure);
    CHECK(result.stats.ignored == strays);
    CHECK(result.stats.responses == result.stats.queries_sent);
}

TEST_CASE("resolver: the query limit holds") {
    for (std::size_t max : {1u, 2u, 3u, 5u}) {
        CAPTURE(max);
        resolver::resolver_options o;
        o.limits.max_queries = max;
        auto stub = make_stub(o);
        driver d{stub};
        auto r = d.run("_25._tcp.mail.example.danebed.", rr_type::tlsa);
        INFO(d.transcript());
        CHECK(d.sent.size() <= max);
        CHECK(r.stats.queries_sent <= max);
        CHECK_FALSE(r.secure()); // six queries are needed
    }
    // A dropped upstream with room for one attempt only.
    resolver::resolver_options o;
    o.limits.max_queries = 2;
    auto stub = make_stub(o);
    driver d{stub};
    d.upstream = [](const resolver::outgoing_query&) { return std::nullopt; };
    auto r = d.run("mail.example.danebed.", rr_type::a);
    CHECK(d.sent.size() == 2);
    CHECK(r.verdict.state == security::indeterminate);
}

TEST_CASE("resolver: a bogus result is cached briefly, then asked again after bogus_ttl") {
    resolver::resolver_options o;
    o.cache.bogus_ttl = std::chrono::seconds(30);
    auto stub = make_stub(o);
    driver d{stub};
    auto first = d.run("bogus.example.danebed.", rr_type::a);
    REQUIRE(first.verdict.state == security::bogus);
    const auto after_first = d.sent.size();

    d.advance(std::chrono::seconds(29));
    auto cached = d.run("bogus.example.danebed.", rr_type::a);
    CHECK(cached.verdict.state == security::bogus);
    CHECK(cached.stats.answer_from_cache);
    CHECK(crypto_ops(cached.work) == 0);
    CHECK(d.sent.size() == after_first);

    d.advance(std::chrono::seconds(2));
    auto again = d.run("bogus.example.danebed.", rr_type::a);
    INFO(d.transcript());
    CHECK(again.verdict.state == security::bogus);
    CHECK_FALSE(again.stats.answer_from_cache);
    CHECK(d.sent.size() > after_first);
    CHECK(d.sent.back().question.qname == dn("bogus.example.danebed."));
}

TEST_CASE("resolver: connections refused: retried as timeouts, then indeterminate") {
    auto stub = make_stub();
    auto now = start_clock();
    auto r = stub.start(dn("mail.example.danebed."), rr_type::a, now);
    std::size_t sent = 0;
    while (!r.done()) {
        auto queries = r.take_queries();
        REQUIRE(!queries.empty()); // each failure brings the retry at once, no waiting
        for (const auto& q : queries) {
            ++sent;
            r.transport_failed(q.handle, now);
        }
    }
    CHECK(sent == 3);
    CHECK(r.result().stats.retries == 2);
    CHECK(r.result().verdict.state == security::indeterminate);
    CHECK(r.result().verdict.why.code == dns::ede_code::network_error);
    // A handle that is not outstanding changes nothing.
    r.transport_failed(12345, now);
    CHECK(r.result().verdict.state == security::indeterminate);
}

TEST_CASE("resolver: the upstream's AD bit is never trusted") {
    // Every response claims validation (AD=1, RFC 4035 §3.2.3); the verdicts stay ours.
    auto stub = make_stub();
    driver d{stub};
    d.upstream = [](const resolver::outgoing_query& q) {
        auto response = fixture_answerer().respond(q.wire, q.transport);
        REQUIRE(response.has_value());
        (*response)[3] = static_cast<std::byte>(std::to_integer<unsigned>((*response)[3]) | 0x20);
        return response;
    };
    CHECK(d.run("bogus.example.danebed.", rr_type::a).verdict.state == security::bogus);
    CHECK(d.run("www.insecure.example.danebed.", rr_type::a).verdict.state == security::insecure);
    CHECK(d.run("mail.example.danebed.", rr_type::a).verdict.state == security::secure);
}

TEST_CASE("resolver: a CNAME chain the upstream stops short is completed by the resolver") {
    auto stub = make_stub();
    driver d{stub};
    // The upstream gives only the CNAME (with its RRSIG) for alias.example.danebed.
    d.upstream = [](const resolver::outgoing_query& q) -> std::optional<byte_buffer> {
        if (q.qname == dn("alias.example.danebed.") && q.qtype == rr_type::a) {
            auto full = fixture_answerer().resolve(q.qname, q.qtype);
            std::vector<dns::record> cname_only;
            for (const auto& r : full.answer)
                if (r.owner == dn("alias.example.danebed.")) cname_only.push_back(r);
            REQUIRE(cname_only.size() == 2); // the CNAME and its RRSIG
            return response_with(q, dns::rcode::noerror, cname_only, {});
        }
        return fixture_answerer().respond(q.wire, q.transport);
    };
    auto r = d.run("alias.example.danebed.", rr_type::a);
    INFO(d.transcript());
    CHECK(d.count("www.other.danebed.", rr_type::a) == 1);
    CHECK(r.verdict.state == security::secure);
    CHECK(r.final_name == dn("www.other.danebed."));
    REQUIRE(r.answer() != nullptr);
    CHECK(r.rrsets.size() == 2);
}
