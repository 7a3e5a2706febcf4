// The delivery plan fed by the real stub resolver over the signed test hierarchy of
// tests/data/resolver/ (answered in memory by the fixture answerer): the lookups the plan
// asks for, in order, and the policy it reaches from genuinely validated answers.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "../resolver/driver.hpp"
#include "dane/smtp/delivery_plan.hpp"

using namespace resolver_test;
using dns::rr_type;

namespace {

// Runs the plan's lookups through the resolver until it asks for something else.
smtp::plan_action drive(smtp::delivery_plan& plan, driver& d) {
    for (int guard = 0; guard < 32; ++guard) {
        auto a = plan.next_action();
        auto* q = std::get_if<smtp::need_lookup>(&a);
        if (!q) return a;
        auto r = d.run(q->name.to_string(), q->type);
        REQUIRE(plan.fed(q->name, q->type, r));
    }
    FAIL("the plan does not stop asking");
    return smtp::delay{};
}

} // namespace

TEST_CASE("Plan over the resolver: secure implicit MX with DANE-EE TLSA") {
    auto stub = make_stub();
    driver d{stub, answerer_upstream(), start_clock(), {}};
    smtp::delivery_plan plan(dn("mail.example.danebed."));
    auto a = drive(plan, d);
    REQUIRE(std::holds_alternative<smtp::connect>(a));
    const auto c = std::get<smtp::connect>(a);
    CHECK(plan.mx().implicit_mx);
    CHECK(plan.mx().mx_secure);
    CHECK(c.tls.requirement == smtp::tls_requirement::required_authenticated);
    CHECK_FALSE(c.cleartext_allowed);
    CHECK(c.tls.sni == dn("mail.example.danebed."));
    REQUIRE(c.tls.tlsa_records.size() == 1);
    CHECK(c.tls.tlsa_records[0].usage == tlsa::cert_usage::dane_ee);
    REQUIRE(c.addresses.size() == 1);
    CHECK(c.addresses[0].to_string() == "192.0.2.25");
    // MX, A, AAAA, TLSA: in that order, addresses before TLSA (RFC 7672 §2.2.2).
    CHECK(d.count("mail.example.danebed.", rr_type::mx) == 1);
    CHECK(d.count("_25._tcp.mail.example.danebed.", rr_type::tlsa) == 1);
}

TEST_CASE("Plan over the resolver: insecure zone, no TLSA lookup at all") {
    auto stub = make_stub();
    driver d{stub, answerer_upstream(), start_clock(), {}};
    smtp::delivery_plan plan(dn("www.insecure.example.danebed."));
    auto a = drive(plan, d);
    REQUIRE(std::holds_alternative<smtp::connect>(a));
    const auto c = std::get<smtp::connect>(a);
    CHECK_FALSE(plan.mx().mx_secure);
    CHECK(c.tls.requirement == smtp::tls_requirement::opportunistic);
    CHECK(c.cleartext_allowed);
    // The zone publishes a TLSA record, but an insecure address answer means it is never
    // asked for (RFC 7672 §2.2.2).
    CHECK(d.count("_25._tcp.www.insecure.example.danebed.", rr_type::tlsa) == 0);
}

TEST_CASE("Plan over the resolver: next-hop CNAME to a signed zone without TLSA") {
    auto stub = make_stub();
    driver d{stub, answerer_upstream(), start_clock(), {}};
    smtp::delivery_plan plan(dn("alias.example.danebed."));
    auto a = drive(plan, d);
    REQUIRE(std::holds_alternative<smtp::connect>(a));
    const auto c = std::get<smtp::connect>(a);
    CHECK(plan.mx().implicit_mx);
    CHECK(c.host.name == dn("www.other.danebed."));
    CHECK(c.tls.requirement == smtp::tls_requirement::opportunistic);
    CHECK(d.count("_25._tcp.www.other.danebed.", rr_type::tlsa) == 1);
}

TEST_CASE("Plan over the resolver: mandatory DANE refuses an insecure destination") {
    auto stub = make_stub();
    driver d{stub, answerer_upstream(), start_clock(), {}};
    smtp::policy_config cfg;
    cfg.dane_mandatory = true;
    smtp::delivery_plan plan(dn("www.insecure.example.danebed."), cfg);
    auto a = drive(plan, d);
    CHECK(std::holds_alternative<smtp::delay>(a));
    CHECK(plan.mx().rpt_failure == smtp::rpt_result_type::dane_required);
}
