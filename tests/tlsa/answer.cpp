// tlsa::records_from_answer: from a validated answer (CNAME chain included) to the TLSA
// records, with the verdict that decides whether DANE applies (RFC 7672 §2.2.3).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../dnssec/validation_support.hpp"
#include "dane/tlsa/answer.hpp"

using namespace dnssec_test;
using dns::rr_type;

namespace {
const char* tlsa_zone = R"(
test. SOA ns.test. admin.test. 1 3600 600 86400 300
test. NS ns.test.
ns.test. A 192.0.2.1
_25._tcp.mx.test. TLSA 3 1 1 3FE246A848798236DD2AB78D39F0651D6B6E7CA8E2984012EB0A2E1AC8A87B72
_25._tcp.mx.test. TLSA 2 0 1 0000000000000000000000000000000000000000000000000000000000000000
_25._tcp.mx2.test. CNAME _25._tcp.mx.test.
)";
} // namespace

TEST_CASE("TLSA records from a secure answer, directly and through a CNAME") {
    auto ksk = make_key("test.");
    auto records = sign_zone("test.", zone(tlsa_zone), {ksk});
    validator_t v(backend(), anchor_ds(ksk), test_now());
    REQUIRE(v.add(records).has_value());

    auto a = v.validate_answer(dn("_25._tcp.mx.test."), rr_type::tlsa);
    auto t = tlsa::records_from_answer(v, a);
    CHECK(t.secure());
    REQUIRE(t.records.size() == 2);
    CHECK(t.malformed == 0);
    std::vector<std::string> texts{t.records[0].to_string(), t.records[1].to_string()};
    std::sort(texts.begin(), texts.end());
    CHECK(texts[1] == "3 1 1 3FE246A848798236DD2AB78D39F0651D6B6E7CA8E2984012EB0A2E1AC8A87B72");
    CHECK(texts[0].starts_with("2 0 1 0000"));

    // Through the CNAME: the same TLSA RRset, the CNAME itself skipped.
    auto c = v.validate_answer(dn("_25._tcp.mx2.test."), rr_type::tlsa);
    CHECK(c.proven == dnssec::proof::cname);
    auto tc = tlsa::records_from_answer(v, c);
    CHECK(tc.secure());
    CHECK(tc.records.size() == 2);

    // A name with no TLSA RRset: a secure denial, and no records to use.
    auto none =
        tlsa::records_from_answer(v, v.validate_answer(dn("_25._tcp.www.test."), rr_type::tlsa));
    CHECK(none.records.empty());
}

TEST_CASE("TLSA records from an unsigned zone come back insecure") {
    auto records = zone(tlsa_zone);
    auto ksk = make_key("other.");
    validator_t v(backend(), anchor_ds(ksk), test_now());
    REQUIRE(v.add(records).has_value());
    auto t =
        tlsa::records_from_answer(v, v.validate_answer(dn("_25._tcp.mx.test."), rr_type::tlsa));
    CHECK(!t.secure());
    CHECK(t.verdict.state == dnssec::security::insecure);
    CHECK(t.records.size() == 2); // returned, but not for DANE: the caller checks secure()
}
