// Drives a resolution against an in-memory upstream, with no sockets: the test's clock,
// the test's upstream (by default the fixture answerer), and a transcript of every query
// the resolver sent, so tests assert on what went over the "wire".
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dane/resolver/resolver.hpp"
#include "support.hpp"

namespace resolver_test {

using stub_t = resolver::stub_resolver<backend_t>;

// What the upstream does with one query: a response (bytes), or nothing (dropped).
using upstream_fn = std::function<std::optional<byte_buffer>(const resolver::outgoing_query&)>;

inline upstream_fn answerer_upstream() {
    return [](const resolver::outgoing_query& q) {
        return fixture_answerer().respond(q.wire, q.transport);
    };
}

// Query IDs from a counter: tests check that each query carries a fresh one.
inline resolver::id_source counting_ids(std::uint16_t first = 0x1000) {
    auto next = std::make_shared<std::uint16_t>(first);
    return [next] { return (*next)++; };
}

inline stub_t make_stub(resolver::resolver_options o = {}) {
    return stub_t(backend(), anchors(), counting_ids(), o);
}

// A clock starting at the fixture's validation time.
inline resolver::clock_reading start_clock() {
    return {test_now(), std::chrono::steady_clock::time_point{} + std::chrono::hours(1)};
}

struct sent_query {
    resolver::outgoing_query query;
    std::uint16_t id = 0;
    dns::question question;
    bool rd = false, cd = false, dnssec_ok = false, has_edns = false;
    std::uint16_t payload = 0;
};

inline sent_query decode(const resolver::outgoing_query& q) {
    sent_query s;
    s.query = q;
    auto m = dns::message_view::parse(q.wire);
    REQUIRE(m.has_value());
    REQUIRE(m->count(dns::section::question) == 1);
    s.id = m->id();
    s.question = (*m->question().begin()).to_question();
    s.rd = m->rd();
    s.cd = m->cd();
    if (auto e = m->edns()) {
        s.has_edns = true;
        s.dnssec_ok = e->dnssec_ok();
        s.payload = e->udp_payload_size();
    }
    return s;
}

// Runs resolutions and keeps the transcript of every query sent.
struct driver {
    stub_t& stub;
    upstream_fn upstream = answerer_upstream();
    resolver::clock_reading now = start_clock();
    std::vector<sent_query> sent{};

    resolver::lookup_result run(std::string_view qname, dns::rr_type qtype) {
        auto r = stub.start(dn(qname), qtype, now);
        for (int guard = 0; !r.done(); ++guard) {
            REQUIRE_MESSAGE(guard < 10000, "the resolution does not end");
            auto queries = r.take_queries();
            for (const auto& q : queries) {
                sent.push_back(decode(q));
                if (auto response = upstream(q)) r.receive(*response, now);
            }
            if (r.done() || !queries.empty()) continue;
            // Nothing to send and nothing answered: time passes to the next deadline.
            auto d = r.deadline();
            REQUIRE_MESSAGE(d.has_value(), "not done, yet nothing outstanding");
            advance(*d - now.steady);
            r.on_timer(now);
        }
        return r.result();
    }

    void advance(std::chrono::steady_clock::duration d) {
        now.steady += d;
        now.wall += std::chrono::ceil<std::chrono::seconds>(d);
    }

    std::size_t count(std::string_view qname, dns::rr_type qtype) const {
        std::size_t n = 0;
        for (const auto& s : sent)
            n += s.question.qname == dn(qname) && s.question.qtype == qtype;
        return n;
    }
    std::string transcript() const {
        std::string out;
        for (const auto& s : sent)
            out += s.question.qname.to_string() + " " + dns::to_string(s.question.qtype) + " " +
                   std::string(resolver::to_string(s.query.transport)) + "\n";
        return out;
    }
};

// A response of the upstream with a given RCODE and no records.
inline byte_buffer rcode_response(const resolver::outgoing_query& q, dns::rcode rc) {
    auto m = dns::message_view::parse(q.wire);
    REQUIRE(m.has_value());
    dns::message_builder b;
    b.set_id(m->id()).set_qr(true).set_rd(true).set_ra(true).set_cd(true).set_rcode(rc);
    REQUIRE(b.add_question((*m->question().begin()).to_question()).has_value());
    auto wire = b.build();
    REQUIRE(wire.has_value());
    return *wire;
}

// A response to a query carrying the given records (answer, then authority).
inline byte_buffer response_with(const resolver::outgoing_query& q, dns::rcode rc,
                                 const std::vector<dns::record>& answer,
                                 const std::vector<dns::record>& authority) {
    auto m = dns::message_view::parse(q.wire);
    REQUIRE(m.has_value());
    dns::message_builder b;
    b.set_id(m->id()).set_qr(true).set_rd(true).set_ra(true).set_cd(true).set_rcode(rc);
    dns::edns e;
    e.dnssec_ok = true;
    b.set_edns(e);
    REQUIRE(b.add_question((*m->question().begin()).to_question()).has_value());
    for (const auto& r : answer)
        REQUIRE(b.add_answer(r).has_value());
    for (const auto& r : authority)
        REQUIRE(b.add_authority(r).has_value());
    auto wire = b.build();
    REQUIRE(wire.has_value());
    return *wire;
}

} // namespace resolver_test
