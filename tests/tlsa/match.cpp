// Usability, digest agility, record order and reference identifiers, on plain values.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dane/tlsa/identity.hpp"
#include "dane/tlsa/match.hpp"

using namespace dane;
using namespace dane::tlsa;

namespace {
record r(int u, int s, int m, std::size_t len) {
    record x;
    x.usage = static_cast<cert_usage>(u);
    x.selector = static_cast<selector_type>(s);
    x.matching = static_cast<matching_type>(m);
    x.data.assign(len, std::byte{0xab});
    return x;
}
dns::name n(std::string_view text) {
    return dns::name::parse(text).value();
}
} // namespace

TEST_CASE("usable parameters per profile (RFC 6698 §4.1, RFC 7672 §3.1.3)") {
    CHECK(check_parameters(r(3, 1, 1, 32), profile::smtp) == unusable_reason::none);
    CHECK(check_parameters(r(2, 0, 2, 64), profile::smtp) == unusable_reason::none);
    CHECK(check_parameters(r(2, 0, 0, 500), profile::smtp) == unusable_reason::none);
    CHECK(check_parameters(r(1, 1, 1, 32), profile::smtp) == unusable_reason::pkix_in_smtp);
    CHECK(check_parameters(r(0, 1, 1, 32), profile::smtp) == unusable_reason::pkix_in_smtp);
    CHECK(check_parameters(r(1, 1, 1, 32), profile::generic) == unusable_reason::none);
    CHECK(check_parameters(r(0, 0, 0, 9), profile::generic) == unusable_reason::none);
    CHECK(check_parameters(r(4, 1, 1, 32), profile::generic) == unusable_reason::unknown_usage);
    CHECK(check_parameters(r(255, 1, 1, 32), profile::generic) == unusable_reason::unknown_usage);
    CHECK(check_parameters(r(3, 2, 1, 32), profile::generic) == unusable_reason::unknown_selector);
    CHECK(check_parameters(r(3, 1, 3, 32), profile::generic) ==
          unusable_reason::unknown_matching_type);
    CHECK(check_parameters(r(3, 1, 255, 32), profile::generic) ==
          unusable_reason::unknown_matching_type);
    CHECK(check_parameters(r(3, 1, 1, 31), profile::smtp) == unusable_reason::bad_digest_length);
    CHECK(check_parameters(r(3, 1, 1, 64), profile::smtp) == unusable_reason::bad_digest_length);
    CHECK(check_parameters(r(3, 1, 2, 32), profile::smtp) == unusable_reason::bad_digest_length);
    CHECK(check_parameters(r(3, 1, 1, 0), profile::smtp) == unusable_reason::bad_digest_length);
}

TEST_CASE("digest agility keeps Full(0) and the strongest digest per usage and selector") {
    std::vector<record> rs{r(3, 1, 1, 32), r(3, 1, 2, 64), r(3, 1, 0, 91),
                           r(3, 0, 1, 32), r(2, 1, 1, 32), r(3, 1, 1, 32)};
    std::vector<unusable_reason> st(rs.size(), unusable_reason::none);
    apply_digest_agility(rs, st);
    CHECK(st[0] == unusable_reason::weaker_digest);
    CHECK(st[1] == unusable_reason::none);
    CHECK(st[2] == unusable_reason::none);
    CHECK(st[3] == unusable_reason::none); // another selector
    CHECK(st[4] == unusable_reason::none); // another usage
    CHECK(st[5] == unusable_reason::weaker_digest);
    // An unusable stronger record does not count (RFC 7671 §9: agility after discarding).
    std::vector<unusable_reason> st2{unusable_reason::none, unusable_reason::bad_digest_length};
    apply_digest_agility(std::span(rs).first(2), st2);
    CHECK(st2[0] == unusable_reason::none);
}

TEST_CASE("preference order: usage, selector, then digest strength, descending") {
    std::vector<record> rs{r(0, 0, 1, 32), r(3, 0, 0, 1),  r(2, 1, 1, 32),
                           r(3, 1, 1, 32), r(3, 1, 2, 64), r(3, 1, 0, 1)};
    auto order = preference_order(rs);
    CHECK(order == std::vector<std::size_t>{4, 3, 5, 1, 2, 0});
}

TEST_CASE("reference identifiers: DNS-IDs, CN-IDs, wildcards (RFC 7672 §3.2.3)") {
    using dane::tlsa::detail::presented_matches;
    CHECK(presented_matches("mx.example.net", "mx.example.net"));
    CHECK(presented_matches("MX.EXAMPLE.NET", "mx.example.net"));
    CHECK(!presented_matches("mx.example.net", "mx.example.net.org"));
    CHECK(!presented_matches("mx.example.net.", "mx.example.net"));
    CHECK(presented_matches("*.example.net", "mx.example.net"));
    CHECK(presented_matches("*.Example.NET", "MX.example.net"));
    CHECK(!presented_matches("*.example.net", "example.net"));
    CHECK(!presented_matches("*.example.net", "a.mx.example.net"));
    CHECK(!presented_matches("*.example.net", ".example.net"));
    CHECK(!presented_matches("mx*.example.net", "mx1.example.net"));
    CHECK(!presented_matches("*mx.example.net", "smx.example.net"));
    CHECK(!presented_matches("m*x.example.net", "mx.example.net"));
    CHECK(!presented_matches("*.*.example.net", "a.b.example.net"));
    CHECK(!presented_matches("*.net", "example.net"));
    CHECK(!presented_matches("*", "example.net"));
    CHECK(!presented_matches("*.example..net", "a.example..net"));
    CHECK(!presented_matches("", "example.net"));

    crypto::presented_identifiers ids;
    ids.dns_ids = {"other.example.org", "*.example.net"};
    ids.common_names = {"mx.example.com"};
    std::vector<dns::name> refs{n("mx.example.com."), n("mx.example.net."), n("example.net.")};
    auto m = match_identity(ids, refs);
    REQUIRE(m);
    CHECK(m->reference == "mx.example.net");
    CHECK(m->presented == "*.example.net");
    // The CN is ignored when DNS-IDs exist, used when none do.
    CHECK(!match_identity(ids, std::vector<dns::name>{n("mx.example.com.")}));
    ids.dns_ids.clear();
    CHECK(match_identity(ids, std::vector<dns::name>{n("mx.example.com.")})->presented ==
          "mx.example.com");
    CHECK(!match_identity(ids, std::vector<dns::name>{}));
}
