// The RFC 7672 delivery policy (smtp/policy.hpp), the delivery plan that drives it
// (smtp/delivery_plan.hpp) and the TLS-RPT classification of sessions (smtp/outcome.hpp),
// table-driven over lookup_result values built by hand.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dane/smtp/delivery_plan.hpp"
#include "dane/smtp/outcome.hpp"
#include "dane/smtp/policy.hpp"

using namespace dane;
using dns::rr_type;
using dnssec::security;

namespace {

dns::name dn(std::string_view text) {
    const dns::name root;
    auto n = dns::name::parse(text, &root);
    REQUIRE_MESSAGE(n.has_value(), text);
    return *n;
}

byte_buffer octets(std::initializer_list<unsigned> v) {
    byte_buffer out;
    for (unsigned b : v)
        out.push_back(static_cast<std::byte>(b));
    return out;
}

// A name's wire form, copied while the name lives (wire() views the name's own octets).
byte_buffer name_wire(std::string_view text) {
    const dns::name n = dn(text);
    return byte_buffer(n.wire().begin(), n.wire().end());
}

byte_buffer mx_rdata(std::uint16_t pref, std::string_view host) {
    byte_buffer out = octets({unsigned{pref} >> 8u, unsigned{pref} & 0xffu});
    const byte_buffer w = name_wire(host);
    out.insert(out.end(), w.begin(), w.end());
    return out;
}

byte_buffer a_rdata(unsigned last) {
    return octets({192, 0, 2, last});
}

byte_buffer aaaa_rdata(unsigned last) {
    byte_buffer out = octets({0x20, 0x01, 0x0d, 0xb8});
    out.resize(15, std::byte{0});
    out.push_back(static_cast<std::byte>(last));
    return out;
}

// TLSA RDATA: usage, selector, matching type and `len` octets of association data.
byte_buffer tlsa_rdata(unsigned usage, unsigned selector, unsigned matching, std::size_t len) {
    byte_buffer out = octets({usage, selector, matching});
    out.resize(3 + len, std::byte{0xab});
    return out;
}

dnssec::verdict verdict_of(security s) {
    switch (s) {
    case security::secure:
        return dnssec::secure_verdict();
    case security::insecure:
        return dnssec::insecure_verdict(dns::ede_code::other, "no DS");
    case security::indeterminate:
        return dnssec::indeterminate_verdict(dns::ede_code::no_reachable_authority, "timeout");
    case security::bogus:
        break;
    }
    return dnssec::bogus_verdict(dns::ede_code::dnssec_bogus, "bad signature");
}

// An answer with records of `type`, reached from `qname` through CNAMEs to each name of
// `chain` in turn (the last one owns the records).
resolver::lookup_result answer(std::string_view qname, rr_type type, security s,
                               std::vector<byte_buffer> rdatas,
                               std::vector<std::string_view> chain = {}) {
    resolver::lookup_result r;
    r.qname = dn(qname);
    r.qtype = type;
    r.rcode = dns::rcode::noerror;
    r.verdict = verdict_of(s);
    r.proven = dnssec::proof::answer;
    dns::name owner = r.qname;
    for (auto next : chain) {
        dnssec::rrset c;
        c.owner = owner;
        c.type = rr_type::cname;
        c.rdatas.push_back(name_wire(next));
        r.rrsets.push_back(c);
        owner = dn(next);
    }
    dnssec::rrset set;
    set.owner = owner;
    set.type = type;
    set.rdatas = std::move(rdatas);
    r.rrsets.push_back(set);
    r.final_name = owner;
    return r;
}

// A negative answer: NODATA or NXDOMAIN, with the proof a secure one carries.
resolver::lookup_result negative(std::string_view qname, rr_type type, security s,
                                 bool nxdomain = false) {
    resolver::lookup_result r;
    r.qname = dn(qname);
    r.qtype = type;
    r.rcode = nxdomain ? dns::rcode::nxdomain : dns::rcode::noerror;
    r.verdict = verdict_of(s);
    r.proven = s == security::secure ? (nxdomain ? dnssec::proof::nxdomain : dnssec::proof::nodata)
                                     : dnssec::proof::nothing;
    r.final_name = r.qname;
    return r;
}

// A failed lookup: bogus or indeterminate (the resolver makes SERVFAIL indeterminate).
resolver::lookup_result failure(std::string_view qname, rr_type type, security s) {
    resolver::lookup_result r;
    r.qname = dn(qname);
    r.qtype = type;
    r.verdict = verdict_of(s);
    if (s == security::bogus) r.rcode = dns::rcode::noerror;
    return r;
}

// SERVFAIL reported with an insecure verdict: still a lookup error.
resolver::lookup_result servfail(std::string_view qname, rr_type type) {
    auto r = negative(qname, type, security::insecure);
    r.rcode = dns::rcode::servfail;
    return r;
}

// A copy: next_action() returns a temporary.
template <class T>
T expect(const smtp::plan_action& a) {
    REQUIRE_MESSAGE(std::holds_alternative<T>(a), "unexpected action, index ", a.index());
    return std::get<T>(a);
}

// Feeds `r` for the lookup the plan asks for, checking that it is NAME/TYPE.
void feed(smtp::delivery_plan& plan, std::string_view name, rr_type type,
          const resolver::lookup_result& r) {
    const auto q = expect<smtp::need_lookup>(plan.next_action());
    CHECK(q.name == dn(name));
    CHECK(q.type == type);
    REQUIRE(plan.fed(q.name, q.type, r));
}

// Secure MX answer for example.test.
resolver::lookup_result secure_mx(std::vector<byte_buffer> rdatas) {
    return answer("example.test.", rr_type::mx, security::secure, std::move(rdatas));
}

// Secure addresses for `host`: one A, AAAA NODATA.
void feed_secure_addresses(smtp::delivery_plan& plan, std::string_view host, unsigned last) {
    feed(plan, host, rr_type::a, answer(host, rr_type::a, security::secure, {a_rdata(last)}));
    feed(plan, host, rr_type::aaaa, negative(host, rr_type::aaaa, security::secure));
}

smtp::session_report failed_session(smtp::tls_failure f,
                                    tlsa::rpt_result v = tlsa::rpt_result::none) {
    smtp::session_report s;
    s.status = smtp::session_status::failed;
    s.tls = f;
    s.verification = v;
    s.detail = "failed";
    return s;
}

smtp::session_report delivered() {
    smtp::session_report s;
    s.status = smtp::session_status::delivered;
    return s;
}

std::vector<std::string> names(const std::vector<dns::name>& v) {
    std::vector<std::string> out;
    for (const auto& n : v)
        out.push_back(n.to_string());
    return out;
}

} // namespace

TEST_CASE("read_lookup: errors, answers and proven nonexistence (RFC 7672 §2.1.1)") {
    using smtp::lookup_status;
    struct row {
        const char* what;
        resolver::lookup_result r;
        lookup_status status;
        security sec;
    };
    auto secure_empty_unproven = negative("x.test.", rr_type::a, security::secure);
    secure_empty_unproven.proven = dnssec::proof::nothing;
    auto no_rcode = answer("x.test.", rr_type::a, security::secure, {a_rdata(1)});
    no_rcode.rcode.reset();
    const std::vector<row> rows = {
        {"secure answer", answer("x.test.", rr_type::a, security::secure, {a_rdata(1)}),
         lookup_status::found, security::secure},
        {"insecure answer", answer("x.test.", rr_type::a, security::insecure, {a_rdata(1)}),
         lookup_status::found, security::insecure},
        {"secure nodata", negative("x.test.", rr_type::a, security::secure), lookup_status::nodata,
         security::secure},
        {"secure nxdomain", negative("x.test.", rr_type::a, security::secure, true),
         lookup_status::nxdomain, security::secure},
        {"insecure nodata", negative("x.test.", rr_type::a, security::insecure),
         lookup_status::nodata, security::insecure},
        {"insecure nxdomain", negative("x.test.", rr_type::a, security::insecure, true),
         lookup_status::nxdomain, security::insecure},
        {"bogus", failure("x.test.", rr_type::a, security::bogus), lookup_status::error,
         security::bogus},
        {"indeterminate", failure("x.test.", rr_type::a, security::indeterminate),
         lookup_status::error, security::bogus},
        {"servfail", servfail("x.test.", rr_type::a), lookup_status::error, security::bogus},
        {"secure empty without proof", secure_empty_unproven, lookup_status::error,
         security::bogus},
        {"no response code", no_rcode, lookup_status::error, security::bogus},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        auto got = smtp::read_lookup(r.r);
        CHECK(got.status == r.status);
        if (r.status != lookup_status::error) CHECK(got.security == r.sec);
    }
}

TEST_CASE("decide_mx: preference order, null MX, implicit MX, errors") {
    const auto next_hop = dn("example.test.");
    smtp::policy_config cfg;

    SUBCASE("strictly by preference, equal preferences in answer order, duplicates once") {
        auto d = smtp::decide_mx(
            next_hop,
            secure_mx({mx_rdata(20, "b.test."), mx_rdata(10, "a.test."), mx_rdata(10, "c.test."),
                       mx_rdata(30, "d.test."), mx_rdata(40, "A.test.")}),
            cfg);
        REQUIRE(d.outcome == smtp::mx_outcome::deliver);
        CHECK(d.mx_secure);
        CHECK_FALSE(d.implicit_mx);
        std::vector<std::string> got;
        for (const auto& h : d.hosts)
            got.push_back(h.name.to_string() + "/" + std::to_string(h.preference));
        CHECK(got ==
              std::vector<std::string>{"a.test./10", "c.test./10", "b.test./20", "d.test./30"});
    }
    SUBCASE("shuffle_seed orders equal preferences at random, never across preferences") {
        // RFC 5321 §5.1: equal preferences in a random order; RFC 7672 §2.2.1: preference
        // order is kept whatever the TLSA records or the shuffle.
        const auto mx =
            secure_mx({mx_rdata(20, "x.test."), mx_rdata(10, "a.test."), mx_rdata(10, "b.test."),
                       mx_rdata(10, "c.test."), mx_rdata(20, "y.test."), mx_rdata(30, "z.test.")});
        std::set<std::string> orders_of_10, orders_of_20;
        for (std::uint64_t seed = 0; seed < 64; ++seed) {
            cfg.shuffle_seed = seed;
            auto d = smtp::decide_mx(next_hop, mx, cfg);
            REQUIRE(d.hosts.size() == 6);
            std::string tens, twenties;
            for (std::size_t i = 0; i < 3; ++i) {
                CHECK(d.hosts[i].preference == 10);
                tens += d.hosts[i].name.to_string();
            }
            for (std::size_t i = 3; i < 5; ++i) {
                CHECK(d.hosts[i].preference == 20);
                twenties += d.hosts[i].name.to_string();
            }
            CHECK(d.hosts[5].name == dn("z.test."));
            orders_of_10.insert(tens);
            orders_of_20.insert(twenties);
            // The same seed gives the same order: the caller's random value decides.
            auto again = smtp::decide_mx(next_hop, mx, cfg);
            CHECK(again.hosts == d.hosts);
        }
        CHECK(orders_of_10.size() == 6); // every order of three hosts appears
        CHECK(orders_of_20.size() == 2);
    }
    SUBCASE("the host limit keeps the best preferences") {
        cfg.limits.max_mx_hosts = 2;
        auto d = smtp::decide_mx(
            next_hop,
            secure_mx({mx_rdata(30, "c.test."), mx_rdata(10, "a.test."), mx_rdata(20, "b.test.")}),
            cfg);
        REQUIRE(d.hosts.size() == 2);
        CHECK(d.hosts[0].name == dn("a.test."));
        CHECK(d.hosts[1].name == dn("b.test."));
    }
    SUBCASE("null MX (RFC 7505): no delivery") {
        auto d = smtp::decide_mx(next_hop, secure_mx({mx_rdata(0, ".")}), cfg);
        CHECK(d.outcome == smtp::mx_outcome::bounce);
        CHECK(d.hosts.empty());
    }
    SUBCASE("a '.' among other MX records is left out") {
        auto d =
            smtp::decide_mx(next_hop, secure_mx({mx_rdata(0, "."), mx_rdata(10, "a.test.")}), cfg);
        REQUIRE(d.outcome == smtp::mx_outcome::deliver);
        REQUIRE(d.hosts.size() == 1);
        CHECK(d.hosts[0].name == dn("a.test."));
    }
    SUBCASE("malformed MX RDATA only: no usable MX, an error") {
        auto d = smtp::decide_mx(next_hop, secure_mx({octets({0, 10, 3, 'a'})}), cfg);
        CHECK(d.outcome == smtp::mx_outcome::bounce);
    }
    SUBCASE("NODATA: the implicit MX is the domain itself, CNAME-expanded (RFC 5321 §5.1)") {
        auto r = negative("example.test.", rr_type::mx, security::secure);
        r.final_name = dn("real.test.");
        auto d = smtp::decide_mx(next_hop, r, cfg);
        REQUIRE(d.outcome == smtp::mx_outcome::deliver);
        CHECK(d.implicit_mx);
        REQUIRE(d.hosts.size() == 1);
        CHECK(d.hosts[0].name == dn("real.test."));
        CHECK(d.hosts[0].preference == 0);
        CHECK(d.expanded_next_hop == dn("real.test."));
    }
    SUBCASE("NXDOMAIN: reported as an error, no delivery") {
        auto d = smtp::decide_mx(
            next_hop, negative("example.test.", rr_type::mx, security::secure, true), cfg);
        CHECK(d.outcome == smtp::mx_outcome::bounce);
    }
    SUBCASE("lookup errors delay delivery (RFC 7672 §2.1.2)") {
        for (auto r : {failure("example.test.", rr_type::mx, security::bogus),
                       failure("example.test.", rr_type::mx, security::indeterminate),
                       servfail("example.test.", rr_type::mx)}) {
            auto d = smtp::decide_mx(next_hop, r, cfg);
            CHECK(d.outcome == smtp::mx_outcome::delay);
            CHECK(d.hosts.empty());
        }
        auto bogus =
            smtp::decide_mx(next_hop, failure("example.test.", rr_type::mx, security::bogus), cfg);
        CHECK(bogus.rpt_failure == smtp::rpt_result_type::dnssec_invalid);
    }
    SUBCASE("insecure MX: opportunistic, or delay when DANE is mandatory (RFC 7672 §2.2.1)") {
        auto r =
            answer("example.test.", rr_type::mx, security::insecure, {mx_rdata(10, "a.test.")});
        auto d = smtp::decide_mx(next_hop, r, cfg);
        CHECK(d.outcome == smtp::mx_outcome::deliver);
        CHECK_FALSE(d.mx_secure);
        cfg.dane_mandatory = true;
        auto m = smtp::decide_mx(next_hop, r, cfg);
        CHECK(m.outcome == smtp::mx_outcome::delay);
        CHECK(m.rpt_failure == smtp::rpt_result_type::dane_required);
        // A secure MX answer under mandatory DANE goes on to the hosts.
        CHECK(smtp::decide_mx(next_hop, secure_mx({mx_rdata(10, "a.test.")}), cfg).outcome ==
              smtp::mx_outcome::deliver);
    }
}

TEST_CASE("decide_addresses: candidates of the TLSA base domain (RFC 7672 §2.2.2-2.2.3)") {
    smtp::policy_config cfg;
    const auto host = dn("mx.test.");
    using smtp::address_outcome;

    SUBCASE("secure, no CNAME: the host name only") {
        auto d = smtp::decide_addresses(
            host, answer("mx.test.", rr_type::a, security::secure, {a_rdata(1), a_rdata(2)}),
            answer("mx.test.", rr_type::aaaa, security::secure, {aaaa_rdata(1)}), cfg);
        REQUIRE(d.outcome == address_outcome::tlsa_lookup);
        CHECK(names(d.tlsa_candidates) == std::vector<std::string>{"mx.test."});
        REQUIRE(d.addresses.size() == 3);
        CHECK(d.addresses[0].to_string() == "192.0.2.1");
        CHECK(d.addresses[1].to_string() == "192.0.2.2");
        CHECK(d.addresses[2].to_string() == "2001:db8::1");
    }
    SUBCASE("secure CNAME chain: the fully expanded name, then the original") {
        auto d =
            smtp::decide_addresses(host,
                                   answer("mx.test.", rr_type::a, security::secure, {a_rdata(1)},
                                          {"middle.test.", "final.test."}),
                                   negative("final.test.", rr_type::aaaa, security::secure), cfg);
        REQUIRE(d.outcome == address_outcome::tlsa_lookup);
        // The intermediate name is never a candidate.
        CHECK(names(d.tlsa_candidates) == std::vector<std::string>{"final.test.", "mx.test."});
        CHECK(d.expanded_name == dn("final.test."));
    }
    SUBCASE("insecure, no CNAME: no TLSA lookup") {
        auto d = smtp::decide_addresses(
            host, answer("mx.test.", rr_type::a, security::insecure, {a_rdata(1)}),
            negative("mx.test.", rr_type::aaaa, security::insecure), cfg);
        CHECK(d.outcome == address_outcome::no_dane);
        CHECK(d.tlsa_candidates.empty());
    }
    SUBCASE("secure A, insecure AAAA: the lower security decides") {
        auto d = smtp::decide_addresses(
            host, answer("mx.test.", rr_type::a, security::secure, {a_rdata(1)}),
            answer("mx.test.", rr_type::aaaa, security::insecure, {aaaa_rdata(1)}), cfg);
        CHECK(d.outcome == address_outcome::no_dane);
    }
    SUBCASE("insecure CNAME expansion: the first CNAME decides (RFC 7672 §2.1.3)") {
        auto d = smtp::decide_addresses(
            host,
            answer("mx.test.", rr_type::a, security::insecure, {a_rdata(1)}, {"hosted.test."}),
            negative("hosted.test.", rr_type::aaaa, security::insecure), cfg);
        REQUIRE(d.outcome == address_outcome::cname_check);
        auto secure_cname = d;
        smtp::decide_cname_check(
            secure_cname, host,
            answer("mx.test.", rr_type::cname, security::secure, {octets({0})}));
        CHECK(secure_cname.outcome == address_outcome::tlsa_lookup);
        CHECK(names(secure_cname.tlsa_candidates) == std::vector<std::string>{"mx.test."});
        auto insecure_cname = d;
        smtp::decide_cname_check(
            insecure_cname, host,
            answer("mx.test.", rr_type::cname, security::insecure, {octets({0})}));
        CHECK(insecure_cname.outcome == address_outcome::no_dane);
        auto failed = d;
        smtp::decide_cname_check(failed, host,
                                 failure("mx.test.", rr_type::cname, security::bogus));
        CHECK(failed.outcome == address_outcome::unreachable);
        CHECK(failed.lookup_error);
    }
    SUBCASE("no addresses: unreachable, not a lookup error") {
        auto d = smtp::decide_addresses(host, negative("mx.test.", rr_type::a, security::secure),
                                        negative("mx.test.", rr_type::aaaa, security::secure), cfg);
        CHECK(d.outcome == address_outcome::unreachable);
        CHECK_FALSE(d.lookup_error);
    }
    SUBCASE("an error in either lookup: unreachable") {
        for (auto bad : {failure("mx.test.", rr_type::aaaa, security::bogus),
                         failure("mx.test.", rr_type::aaaa, security::indeterminate),
                         servfail("mx.test.", rr_type::aaaa)}) {
            auto d = smtp::decide_addresses(
                host, answer("mx.test.", rr_type::a, security::secure, {a_rdata(1)}), bad, cfg);
            CHECK(d.outcome == address_outcome::unreachable);
            CHECK(d.lookup_error);
        }
    }
    SUBCASE("the address limit") {
        cfg.limits.max_addresses_per_host = 2;
        auto d = smtp::decide_addresses(
            host,
            answer("mx.test.", rr_type::a, security::secure, {a_rdata(1), a_rdata(2), a_rdata(3)}),
            negative("mx.test.", rr_type::aaaa, security::secure), cfg);
        CHECK(d.addresses.size() == 2);
    }
}

TEST_CASE("The four outcomes of RFC 7672 §2.2 for one host, through the plan") {
    struct row {
        const char* what;
        resolver::lookup_result tlsa;
        // nullopt: the host is skipped and delivery delayed
        std::optional<smtp::tls_requirement> requirement;
        std::optional<smtp::rpt_result_type> skip_result;
    };
    const char* owner = "_25._tcp.mx.test.";
    const std::vector<row> rows = {
        {"secure usable DANE-EE",
         answer(owner, rr_type::tlsa, security::secure, {tlsa_rdata(3, 1, 1, 32)}),
         smtp::tls_requirement::required_authenticated, std::nullopt},
        {"secure usable DANE-TA among unusable ones",
         answer(owner, rr_type::tlsa, security::secure,
                {tlsa_rdata(1, 1, 1, 32), tlsa_rdata(2, 0, 1, 32)}),
         smtp::tls_requirement::required_authenticated, std::nullopt},
        {"secure, PKIX-EE only (unusable for SMTP, §3.1.3)",
         answer(owner, rr_type::tlsa, security::secure, {tlsa_rdata(1, 1, 1, 32)}),
         smtp::tls_requirement::required_unauthenticated, std::nullopt},
        {"secure, unknown usage and wrong digest length",
         answer(owner, rr_type::tlsa, security::secure,
                {tlsa_rdata(7, 1, 1, 32), tlsa_rdata(3, 1, 1, 5)}),
         smtp::tls_requirement::required_unauthenticated, std::nullopt},
        {"secure, malformed RDATA only",
         answer(owner, rr_type::tlsa, security::secure, {octets({3, 1})}),
         smtp::tls_requirement::required_unauthenticated, std::nullopt},
        {"insecure TLSA RRset",
         answer(owner, rr_type::tlsa, security::insecure, {tlsa_rdata(3, 1, 1, 32)}),
         smtp::tls_requirement::opportunistic, std::nullopt},
        {"secure NODATA", negative(owner, rr_type::tlsa, security::secure),
         smtp::tls_requirement::opportunistic, std::nullopt},
        {"secure NXDOMAIN", negative(owner, rr_type::tlsa, security::secure, true),
         smtp::tls_requirement::opportunistic, std::nullopt},
        {"insecure NXDOMAIN", negative(owner, rr_type::tlsa, security::insecure, true),
         smtp::tls_requirement::opportunistic, std::nullopt},
        {"bogus", failure(owner, rr_type::tlsa, security::bogus), std::nullopt,
         smtp::rpt_result_type::dnssec_invalid},
        {"indeterminate", failure(owner, rr_type::tlsa, security::indeterminate), std::nullopt,
         smtp::rpt_result_type::dnssec_invalid},
        {"SERVFAIL", servfail(owner, rr_type::tlsa), std::nullopt,
         smtp::rpt_result_type::dnssec_invalid},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.test.")}));
        feed_secure_addresses(plan, "mx.test.", 1);
        feed(plan, owner, rr_type::tlsa, r.tlsa);
        auto a = plan.next_action();
        REQUIRE(plan.attempts().size() == 1);
        if (!r.requirement) {
            // RFC 7672 §2.1.2: the only server is unreachable: delay.
            expect<smtp::delay>(a);
            CHECK(plan.attempts()[0].result == r.skip_result);
            CHECK_FALSE(plan.attempts()[0].connected);
            continue;
        }
        const auto c = expect<smtp::connect>(a);
        CHECK(c.tls.requirement == *r.requirement);
        CHECK(c.cleartext_allowed == (*r.requirement == smtp::tls_requirement::opportunistic));
        CHECK(c.host.name == dn("mx.test."));
        REQUIRE(c.addresses.size() == 1);
        CHECK(c.addresses[0].to_string() == "192.0.2.1");
        if (*r.requirement == smtp::tls_requirement::opportunistic) {
            CHECK_FALSE(c.tls.sni);
            CHECK(c.tls.tlsa_records.empty());
            continue;
        }
        // §8.1: SNI is the TLSA base domain; §3.2.2: base domain first, then the MX host
        // and the next-hop domain of the secure MX answer.
        REQUIRE(c.tls.sni);
        CHECK(*c.tls.sni == dn("mx.test."));
        CHECK(c.tls.tlsa_base_domain == dn("mx.test."));
        CHECK(names(c.tls.reference_ids) == std::vector<std::string>{"mx.test.", "example.test."});
        CHECK(c.tls.tlsa_records.size() + 0 ==
              r.tlsa.answer()->rdatas.size() - smtp::read_tlsa(r.tlsa).malformed);
    }
}

TEST_CASE("TLSA records never reorder MX hosts; a failing host passes to the next") {
    smtp::delivery_plan plan(dn("example.test."));
    feed(plan, "example.test.", rr_type::mx,
         secure_mx({mx_rdata(20, "dane.test."), mx_rdata(10, "plain.test.")}));
    // The better preference first, though it has no TLSA records and the other has.
    feed_secure_addresses(plan, "plain.test.", 1);
    feed(plan, "_25._tcp.plain.test.", rr_type::tlsa,
         negative("_25._tcp.plain.test.", rr_type::tlsa, security::secure));
    const auto first = expect<smtp::connect>(plan.next_action());
    CHECK(first.host.name == dn("plain.test."));
    CHECK(first.tls.requirement == smtp::tls_requirement::opportunistic);

    // The session fails (connection refused): the next host, with its own TLSA lookups.
    smtp::session_report refused;
    refused.status = smtp::session_status::unreachable;
    CHECK_FALSE(plan.report(refused));
    feed_secure_addresses(plan, "dane.test.", 2);
    feed(plan, "_25._tcp.dane.test.", rr_type::tlsa,
         answer("_25._tcp.dane.test.", rr_type::tlsa, security::secure, {tlsa_rdata(3, 1, 1, 32)}));
    const auto second = expect<smtp::connect>(plan.next_action());
    CHECK(second.host.name == dn("dane.test."));
    CHECK(second.tls.requirement == smtp::tls_requirement::required_authenticated);
    CHECK_FALSE(second.cleartext_allowed);

    // A failed match: no delivery there, the TLS-RPT type from tlsa::verify.
    auto r = plan.report(failed_session(smtp::tls_failure::not_authenticated,
                                        tlsa::rpt_result::certificate_expired));
    CHECK(r == smtp::rpt_result_type::certificate_expired);
    const auto d = expect<smtp::delay>(plan.next_action());
    CHECK(d.reason.find("dane.test.") != std::string::npos);
    REQUIRE(plan.attempts().size() == 2);
    CHECK_FALSE(plan.attempts()[0].result); // a refused connection is transient
    CHECK(plan.attempts()[1].result == smtp::rpt_result_type::certificate_expired);
}

TEST_CASE("A host with a bogus TLSA RRset is unreachable; the next one delivers") {
    smtp::delivery_plan plan(dn("example.test."));
    feed(plan, "example.test.", rr_type::mx,
         secure_mx({mx_rdata(10, "one.test."), mx_rdata(20, "two.test.")}));
    feed_secure_addresses(plan, "one.test.", 1);
    feed(plan, "_25._tcp.one.test.", rr_type::tlsa,
         failure("_25._tcp.one.test.", rr_type::tlsa, security::bogus));
    // An address lookup error for the first host would do the same; here the second host
    // is asked for right away, without a connection to the first.
    feed_secure_addresses(plan, "two.test.", 2);
    feed(plan, "_25._tcp.two.test.", rr_type::tlsa,
         answer("_25._tcp.two.test.", rr_type::tlsa, security::secure, {tlsa_rdata(3, 1, 1, 32)}));
    const auto c = expect<smtp::connect>(plan.next_action());
    CHECK(c.host.name == dn("two.test."));
    CHECK(plan.report(delivered()) == smtp::rpt_result_type::success);
    const auto d = expect<smtp::delivered>(plan.next_action());
    CHECK(d.log_name == "two.test.");
    CHECK(plan.finished());
    CHECK(plan.attempts()[0].result == smtp::rpt_result_type::dnssec_invalid);
    // Nothing more is taken once finished.
    CHECK_FALSE(plan.report(delivered()));
    CHECK_FALSE(plan.fed(dn("two.test."), rr_type::a,
                         answer("two.test.", rr_type::a, security::secure, {a_rdata(1)})));
}

TEST_CASE("An address lookup error skips the host; none left means delay") {
    smtp::delivery_plan plan(dn("example.test."));
    feed(plan, "example.test.", rr_type::mx,
         secure_mx({mx_rdata(10, "one.test."), mx_rdata(20, "two.test.")}));
    feed(plan, "one.test.", rr_type::a, failure("one.test.", rr_type::a, security::indeterminate));
    feed(plan, "one.test.", rr_type::aaaa, negative("one.test.", rr_type::aaaa, security::secure));
    feed(plan, "two.test.", rr_type::a, negative("two.test.", rr_type::a, security::secure));
    feed(plan, "two.test.", rr_type::aaaa, negative("two.test.", rr_type::aaaa, security::secure));
    expect<smtp::delay>(plan.next_action());
    REQUIRE(plan.attempts().size() == 2);
    CHECK(plan.attempts()[0].result == smtp::rpt_result_type::dnssec_invalid);
    CHECK_FALSE(plan.attempts()[1].result); // no addresses is not a DNSSEC failure
}

TEST_CASE("CNAME expansion of the MX host and of the TLSA owner") {
    SUBCASE("secure expansion: the expanded name is tried first and wins") {
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.example.test.")}));
        feed(plan, "mx.example.test.", rr_type::a,
             answer("mx.example.test.", rr_type::a, security::secure, {a_rdata(7)},
                    {"mail.provider.test."}));
        feed(plan, "mx.example.test.", rr_type::aaaa,
             negative("mail.provider.test.", rr_type::aaaa, security::secure));
        // A CNAME at the TLSA owner is followed by the resolver; the base domain stays.
        feed(plan, "_25._tcp.mail.provider.test.", rr_type::tlsa,
             answer("_25._tcp.mail.provider.test.", rr_type::tlsa, security::secure,
                    {tlsa_rdata(2, 0, 1, 32)}, {"tlsa201._dane.provider.test."}));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::required_authenticated);
        CHECK(c.tls.tlsa_base_domain == dn("mail.provider.test."));
        CHECK(c.tls.sni == dn("mail.provider.test."));
        CHECK(c.address_name == dn("mail.provider.test."));
        CHECK(c.host.name == dn("mx.example.test."));
        CHECK(names(c.tls.reference_ids) ==
              std::vector<std::string>{"mail.provider.test.", "mx.example.test.", "example.test."});
    }
    SUBCASE("secure expansion: no TLSA at the expanded name, the original name is tried") {
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.example.test.")}));
        feed(plan, "mx.example.test.", rr_type::a,
             answer("mx.example.test.", rr_type::a, security::secure, {a_rdata(7)},
                    {"mail.provider.test."}));
        feed(plan, "mx.example.test.", rr_type::aaaa,
             negative("mail.provider.test.", rr_type::aaaa, security::secure));
        feed(plan, "_25._tcp.mail.provider.test.", rr_type::tlsa,
             negative("_25._tcp.mail.provider.test.", rr_type::tlsa, security::secure, true));
        feed(plan, "_25._tcp.mx.example.test.", rr_type::tlsa,
             answer("_25._tcp.mx.example.test.", rr_type::tlsa, security::secure,
                    {tlsa_rdata(3, 1, 1, 32)}));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.tlsa_base_domain == dn("mx.example.test."));
        CHECK(c.tls.sni == dn("mx.example.test."));
    }
    SUBCASE("a TLSA lookup error at the expanded name makes the host unreachable") {
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.example.test.")}));
        feed(plan, "mx.example.test.", rr_type::a,
             answer("mx.example.test.", rr_type::a, security::secure, {a_rdata(7)},
                    {"mail.provider.test."}));
        feed(plan, "mx.example.test.", rr_type::aaaa,
             negative("mail.provider.test.", rr_type::aaaa, security::secure));
        feed(plan, "_25._tcp.mail.provider.test.", rr_type::tlsa,
             servfail("_25._tcp.mail.provider.test.", rr_type::tlsa));
        expect<smtp::delay>(plan.next_action());
    }
    SUBCASE("insecure expansion with a secure first CNAME: only the original name") {
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.example.test.")}));
        feed(plan, "mx.example.test.", rr_type::a,
             answer("mx.example.test.", rr_type::a, security::insecure, {a_rdata(7)},
                    {"mail.unsigned.test."}));
        feed(plan, "mx.example.test.", rr_type::aaaa,
             negative("mail.unsigned.test.", rr_type::aaaa, security::insecure));
        feed(plan, "mx.example.test.", rr_type::cname,
             answer("mx.example.test.", rr_type::cname, security::secure,
                    {name_wire("mail.unsigned.test.")}));
        feed(plan, "_25._tcp.mx.example.test.", rr_type::tlsa,
             answer("_25._tcp.mx.example.test.", rr_type::tlsa, security::secure,
                    {tlsa_rdata(3, 1, 1, 32)}));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::required_authenticated);
        CHECK(c.tls.tlsa_base_domain == dn("mx.example.test."));
    }
    SUBCASE("insecure expansion with an insecure first CNAME: no TLSA lookup") {
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.example.test.")}));
        feed(plan, "mx.example.test.", rr_type::a,
             answer("mx.example.test.", rr_type::a, security::insecure, {a_rdata(7)},
                    {"mail.unsigned.test."}));
        feed(plan, "mx.example.test.", rr_type::aaaa,
             negative("mail.unsigned.test.", rr_type::aaaa, security::insecure));
        feed(plan, "mx.example.test.", rr_type::cname,
             answer("mx.example.test.", rr_type::cname, security::insecure, {octets({0})}));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::opportunistic);
        CHECK(c.cleartext_allowed);
    }
    SUBCASE("insecure addresses without CNAME: straight to opportunistic TLS") {
        smtp::delivery_plan plan(dn("example.test."));
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.unsigned.test.")}));
        feed(plan, "mx.unsigned.test.", rr_type::a,
             answer("mx.unsigned.test.", rr_type::a, security::insecure, {a_rdata(7)}));
        feed(plan, "mx.unsigned.test.", rr_type::aaaa,
             negative("mx.unsigned.test.", rr_type::aaaa, security::insecure));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::opportunistic);
    }
}

TEST_CASE("Implicit MX: the domain is its own server; next-hop as a reference id") {
    smtp::delivery_plan plan(dn("alias.test."));
    auto mx = negative("alias.test.", rr_type::mx, security::secure);
    mx.final_name = dn("real.test.");
    feed(plan, "alias.test.", rr_type::mx, mx);
    feed_secure_addresses(plan, "real.test.", 3);
    feed(plan, "_25._tcp.real.test.", rr_type::tlsa,
         answer("_25._tcp.real.test.", rr_type::tlsa, security::secure, {tlsa_rdata(2, 1, 1, 32)}));
    const auto c = expect<smtp::connect>(plan.next_action());
    CHECK(plan.mx().implicit_mx);
    CHECK(c.host.name == dn("real.test."));
    // §3.2.2 non-MX: the base domain, then the original next-hop domain.
    CHECK(names(c.tls.reference_ids) == std::vector<std::string>{"real.test.", "alias.test."});
}

TEST_CASE("Null MX and NXDOMAIN end the plan without delivery") {
    smtp::delivery_plan null_mx(dn("example.test."));
    feed(null_mx, "example.test.", rr_type::mx, secure_mx({mx_rdata(0, ".")}));
    expect<smtp::bounce>(null_mx.next_action());
    CHECK(null_mx.attempts().empty());

    smtp::delivery_plan missing(dn("example.test."));
    feed(missing, "example.test.", rr_type::mx,
         negative("example.test.", rr_type::mx, security::insecure, true));
    expect<smtp::bounce>(missing.next_action());
}

TEST_CASE("Insecure MX with both values of dane_on_insecure_mx") {
    auto run = [](bool knob) {
        smtp::policy_config cfg;
        cfg.dane_on_insecure_mx = knob;
        smtp::delivery_plan plan(dn("unsigned.test."), cfg);
        feed(plan, "unsigned.test.", rr_type::mx,
             answer("unsigned.test.", rr_type::mx, security::insecure,
                    {mx_rdata(10, "mx.provider.test.")}));
        feed(plan, "mx.provider.test.", rr_type::a,
             answer("mx.provider.test.", rr_type::a, security::secure, {a_rdata(9)},
                    {"in.provider.test."}));
        feed(plan, "mx.provider.test.", rr_type::aaaa,
             negative("in.provider.test.", rr_type::aaaa, security::secure));
        return plan;
    };
    SUBCASE("on (the default): the provider's TLSA records are used") {
        CHECK(smtp::policy_config{}.dane_on_insecure_mx);
        auto plan = run(true);
        feed(plan, "_25._tcp.in.provider.test.", rr_type::tlsa,
             answer("_25._tcp.in.provider.test.", rr_type::tlsa, security::secure,
                    {tlsa_rdata(2, 1, 1, 32)}));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::required_authenticated);
        CHECK_FALSE(c.cleartext_allowed);
        // §3.2.2: with an insecure MX answer the next-hop domain is not a reference id.
        CHECK(names(c.tls.reference_ids) ==
              std::vector<std::string>{"in.provider.test.", "mx.provider.test."});
        // §2.2.1: logs name the MX host as the insecure answer gave it.
        CHECK(c.log_name == "mx.provider.test.");
        CHECK(plan.report(delivered()) == smtp::rpt_result_type::success);
        CHECK(expect<smtp::delivered>(plan.next_action()).log_name == "mx.provider.test.");
    }
    SUBCASE("off: no TLSA lookup, opportunistic TLS") {
        auto plan = run(false);
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::opportunistic);
        CHECK(c.cleartext_allowed);
        CHECK(c.log_name == "mx.provider.test.");
    }
}

TEST_CASE("Mandatory DANE (RFC 7672 §6)") {
    smtp::policy_config cfg;
    cfg.dane_mandatory = true;
    SUBCASE("insecure MX: delay without any host lookup") {
        smtp::delivery_plan plan(dn("example.test."), cfg);
        feed(plan, "example.test.", rr_type::mx,
             answer("example.test.", rr_type::mx, security::insecure, {mx_rdata(10, "mx.test.")}));
        expect<smtp::delay>(plan.next_action());
        CHECK(plan.mx().rpt_failure == smtp::rpt_result_type::dane_required);
    }
    SUBCASE("hosts without secure TLSA are skipped: dane-required, then delay") {
        smtp::delivery_plan plan(dn("example.test."), cfg);
        feed(plan, "example.test.", rr_type::mx,
             secure_mx({mx_rdata(10, "one.test."), mx_rdata(20, "two.test."),
                        mx_rdata(30, "three.test.")}));
        feed_secure_addresses(plan, "one.test.", 1);
        feed(plan, "_25._tcp.one.test.", rr_type::tlsa,
             negative("_25._tcp.one.test.", rr_type::tlsa, security::secure));
        feed_secure_addresses(plan, "two.test.", 2);
        feed(plan, "_25._tcp.two.test.", rr_type::tlsa,
             answer("_25._tcp.two.test.", rr_type::tlsa, security::secure,
                    {tlsa_rdata(0, 0, 1, 32)}));
        feed(plan, "three.test.", rr_type::a,
             answer("three.test.", rr_type::a, security::insecure, {a_rdata(3)}));
        feed(plan, "three.test.", rr_type::aaaa,
             negative("three.test.", rr_type::aaaa, security::insecure));
        expect<smtp::delay>(plan.next_action());
        REQUIRE(plan.attempts().size() == 3);
        CHECK(plan.attempts()[0].result == smtp::rpt_result_type::dane_required);
        CHECK(plan.attempts()[1].result == smtp::rpt_result_type::tlsa_invalid);
        CHECK(plan.attempts()[2].result == smtp::rpt_result_type::dane_required);
        for (const auto& a : plan.attempts())
            CHECK_FALSE(a.connected);
    }
    SUBCASE("secure usable TLSA: connect, authenticated, never cleartext") {
        smtp::delivery_plan plan(dn("example.test."), cfg);
        feed(plan, "example.test.", rr_type::mx, secure_mx({mx_rdata(10, "mx.test.")}));
        feed_secure_addresses(plan, "mx.test.", 1);
        feed(plan, "_25._tcp.mx.test.", rr_type::tlsa,
             answer("_25._tcp.mx.test.", rr_type::tlsa, security::secure,
                    {tlsa_rdata(3, 1, 1, 32)}));
        const auto c = expect<smtp::connect>(plan.next_action());
        CHECK(c.tls.requirement == smtp::tls_requirement::required_authenticated);
        CHECK_FALSE(c.cleartext_allowed);
        CHECK(plan.report(failed_session(smtp::tls_failure::starttls_missing)) ==
              smtp::rpt_result_type::starttls_not_supported);
        expect<smtp::delay>(plan.next_action());
    }
}

TEST_CASE("fed() takes only the lookup asked for") {
    smtp::delivery_plan plan(dn("example.test."));
    CHECK_FALSE(plan.fed(dn("other.test."), rr_type::mx, secure_mx({mx_rdata(10, "a.test.")})));
    CHECK_FALSE(plan.fed(dn("example.test."), rr_type::a, secure_mx({mx_rdata(10, "a.test.")})));
    CHECK_FALSE(plan.report(delivered()));
    // Case does not matter.
    CHECK(plan.fed(dn("EXAMPLE.test."), rr_type::mx, secure_mx({mx_rdata(10, "a.test.")})));
    CHECK(expect<smtp::need_lookup>(plan.next_action()) ==
          smtp::need_lookup{dn("a.test."), rr_type::a});
}

TEST_CASE("TLS-RPT classification of sessions (RFC 8460 §4.3)") {
    using smtp::rpt_result_type;
    using smtp::tls_failure;
    struct row {
        const char* what;
        bool authenticated;
        smtp::session_report report;
        std::optional<rpt_result_type> expected;
    };
    auto cleartext = delivered();
    cleartext.cleartext = true;
    smtp::session_report unreachable;
    unreachable.status = smtp::session_status::unreachable;
    const std::vector<row> rows = {
        {"delivered over DANE", true, delivered(), rpt_result_type::success},
        {"delivered opportunistically in cleartext", false, cleartext,
         rpt_result_type::starttls_not_supported},
        {"connection refused", true, unreachable, std::nullopt},
        {"no STARTTLS, DANE", true, failed_session(tls_failure::starttls_missing),
         rpt_result_type::starttls_not_supported},
        {"no STARTTLS, TLS required", false, failed_session(tls_failure::starttls_missing),
         rpt_result_type::starttls_not_supported},
        {"handshake failure", true, failed_session(tls_failure::handshake_failed),
         rpt_result_type::validation_failure},
        {"name mismatch", true,
         failed_session(tls_failure::not_authenticated,
                        tlsa::rpt_result::certificate_host_mismatch),
         rpt_result_type::certificate_host_mismatch},
        {"expired", true,
         failed_session(tls_failure::not_authenticated, tlsa::rpt_result::certificate_expired),
         rpt_result_type::certificate_expired},
        {"no match", true,
         failed_session(tls_failure::not_authenticated, tlsa::rpt_result::certificate_not_trusted),
         rpt_result_type::certificate_not_trusted},
        {"no usable record", true,
         failed_session(tls_failure::not_authenticated, tlsa::rpt_result::tlsa_invalid),
         rpt_result_type::tlsa_invalid},
        {"other verification failure", true,
         failed_session(tls_failure::not_authenticated, tlsa::rpt_result::validation_failure),
         rpt_result_type::validation_failure},
        {"verification failure without a reason", true,
         failed_session(tls_failure::not_authenticated, tlsa::rpt_result::none),
         rpt_result_type::validation_failure},
        {"SMTP rejection over good TLS", true, failed_session(tls_failure::none),
         rpt_result_type::success},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        CHECK(smtp::classify_session(r.authenticated, r.report) == r.expected);
    }
    CHECK(tlsrpt::to_string(rpt_result_type::starttls_not_supported) == "starttls-not-supported");
    CHECK(tlsrpt::to_string(rpt_result_type::certificate_host_mismatch) ==
          "certificate-host-mismatch");
    CHECK(tlsrpt::to_string(rpt_result_type::dnssec_invalid) == "dnssec-invalid");
    CHECK(tlsrpt::to_string(rpt_result_type::dane_required) == "dane-required");
    CHECK(tlsrpt::to_string(rpt_result_type::tlsa_invalid) == "tlsa-invalid");
}

TEST_CASE("tlsa_owner prefixes the port and _tcp") {
    CHECK(smtp::tlsa_owner(dn("mx.test."))->to_string() == "_25._tcp.mx.test.");
    CHECK(smtp::tlsa_owner(dn("mx.test."), 587)->to_string() == "_587._tcp.mx.test.");
    std::string long_name;
    for (int i = 0; i < 4; ++i)
        long_name += std::string(61, 'a') + ".";
    CHECK_FALSE(smtp::tlsa_owner(dn(long_name)));
}

TEST_CASE("dane_on_insecure_mx off: an insecure CNAME expansion asks no CNAME query") {
    smtp::policy_config cfg;
    cfg.dane_on_insecure_mx = false;
    smtp::delivery_plan plan(dn("unsigned.test."), cfg);
    feed(plan, "unsigned.test.", rr_type::mx,
         answer("unsigned.test.", rr_type::mx, security::insecure, {mx_rdata(10, "mx.test.")}));
    feed(plan, "mx.test.", rr_type::a,
         answer("mx.test.", rr_type::a, security::insecure, {a_rdata(1)}, {"other.test."}));
    feed(plan, "mx.test.", rr_type::aaaa,
         negative("other.test.", rr_type::aaaa, security::insecure));
    const auto c = expect<smtp::connect>(plan.next_action());
    CHECK(c.tls.requirement == smtp::tls_requirement::opportunistic);
}

TEST_CASE("Secure MX through a CNAME: both next-hop names are reference ids (§3.2.2)") {
    smtp::delivery_plan plan(dn("exchange.test."));
    feed(plan, "exchange.test.", rr_type::mx,
         answer("exchange.test.", rr_type::mx, security::secure, {mx_rdata(10, "mx10.real.test.")},
                {"real.test."}));
    CHECK(plan.mx().expanded_next_hop == dn("real.test."));
    feed_secure_addresses(plan, "mx10.real.test.", 10);
    feed(plan, "_25._tcp.mx10.real.test.", rr_type::tlsa,
         answer("_25._tcp.mx10.real.test.", rr_type::tlsa, security::secure,
                {tlsa_rdata(2, 0, 1, 32)}));
    const auto c = expect<smtp::connect>(plan.next_action());
    CHECK(names(c.tls.reference_ids) ==
          std::vector<std::string>{"mx10.real.test.", "exchange.test.", "real.test."});
    CHECK(c.log_name == "mx10.real.test.");
}
