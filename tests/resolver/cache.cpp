// The resolver cache: lifetimes, failure lifetimes, LRU eviction by entries and bytes.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "dane/resolver/cache.hpp"

using namespace dane;
using namespace std::chrono_literals;

namespace {

const std::chrono::sys_seconds t0{std::chrono::seconds{1'800'000'000}};

resolver::lookup_result answer(const char* name, dnssec::security state, std::uint32_t ttl,
                               std::size_t rdata_octets = 4) {
    resolver::lookup_result r;
    r.qname = dns::name::parse(name).value();
    r.qtype = dns::rr_type::a;
    r.verdict.state = state;
    r.ttl = ttl;
    dnssec::rrset s;
    s.owner = r.qname;
    s.ttl = ttl;
    s.rdatas.push_back(byte_buffer(rdata_octets, std::byte{1}));
    r.rrsets.push_back(s);
    r.stats.queries_sent = 7;
    r.work.verifications = 5;
    return r;
}

resolver::cached_zone zone(const char* name, std::chrono::sys_seconds expires,
                           std::optional<const char*> parent = std::nullopt) {
    resolver::cached_zone z;
    z.zone = dns::name::parse(name).value();
    if (parent) z.parent = dns::name::parse(*parent).value();
    z.verdict = dnssec::secure_verdict();
    z.dnskeys.push_back(byte_buffer(40, std::byte{2}));
    z.expires = expires;
    return z;
}

} // namespace

TEST_CASE("cache: an answer is found until its TTL runs out, with the time it has left") {
    resolver::cache c;
    c.store_answer(answer("www.example.", dnssec::security::secure, 300), t0);
    auto hit = c.find_answer(dns::name::parse("WWW.Example.").value(), dns::rr_type::a, t0 + 100s);
    REQUIRE(hit);
    CHECK(hit->ttl == 200);
    CHECK(hit->stats.queries_sent == 0); // a cached answer costs nothing
    CHECK(hit->work.verifications == 0);
    CHECK_FALSE(c.find_answer(dns::name::parse("www.example.").value(), dns::rr_type::aaaa, t0));
    CHECK_FALSE(c.find_answer(dns::name::parse("www.example.").value(), dns::rr_type::a, t0 + 300s));
    CHECK(c.entries() == 0); // the expired entry went when it was looked for
}

TEST_CASE("cache: TTLs are capped by max_ttl, failures kept for their own short times") {
    resolver::cache_limits l;
    l.max_ttl = 3600s;
    l.bogus_ttl = 30s;
    l.indeterminate_ttl = 5s;
    resolver::cache c(l);
    c.store_answer(answer("long.example.", dnssec::security::secure, 604800), t0);
    c.store_answer(answer("bad.example.", dnssec::security::bogus, 86400), t0);
    c.store_answer(answer("lost.example.", dnssec::security::indeterminate, 86400), t0);
    c.store_answer(answer("zero.example.", dnssec::security::insecure, 0), t0);
    auto q = [&](const char* n, std::chrono::seconds at) {
        return c.find_answer(dns::name::parse(n).value(), dns::rr_type::a, t0 + at).has_value();
    };
    CHECK(q("long.example.", 3599s));
    CHECK_FALSE(q("long.example.", 3600s));
    CHECK(q("bad.example.", 29s));
    CHECK_FALSE(q("bad.example.", 30s));
    CHECK(q("lost.example.", 4s));
    CHECK_FALSE(q("lost.example.", 5s));
    CHECK_FALSE(q("zero.example.", 0s)); // a TTL of 0 is not cached (RFC 1035 §3.2.1)
}

TEST_CASE("cache: a zone lives no longer than the zone above it") {
    resolver::cache c;
    c.store_zone(zone("example.", t0 + 100s), t0);
    c.store_zone(zone("sub.example.", t0 + 1000s, "example."), t0);
    const auto* z = c.find_zone(dns::name::parse("sub.example.").value(), t0);
    REQUIRE(z);
    CHECK(z->expires == t0 + 100s);
    CHECK(c.find_zone(dns::name::parse("SUB.EXAMPLE.").value(), t0 + 99s));
    CHECK_FALSE(c.find_zone(dns::name::parse("sub.example.").value(), t0 + 100s));
}

TEST_CASE("cache: bounded in entries, the least recently used goes first") {
    resolver::cache_limits l;
    l.max_entries = 3;
    resolver::cache c(l);
    for (const char* n : {"a.example.", "b.example.", "c.example."})
        c.store_answer(answer(n, dnssec::security::secure, 300), t0);
    // Touch a: b is now the least recently used.
    CHECK(c.find_answer(dns::name::parse("a.example.").value(), dns::rr_type::a, t0));
    c.store_answer(answer("d.example.", dnssec::security::secure, 300), t0);
    CHECK(c.entries() == 3);
    CHECK(c.evictions() == 1);
    CHECK_FALSE(c.find_answer(dns::name::parse("b.example.").value(), dns::rr_type::a, t0));
    for (const char* n : {"a.example.", "c.example.", "d.example."})
        CHECK(c.find_answer(dns::name::parse(n).value(), dns::rr_type::a, t0));
}

TEST_CASE("cache: bounded in bytes; an entry larger than the whole budget is not kept") {
    resolver::cache_limits l;
    l.max_bytes = 4000;
    resolver::cache c(l);
    for (int i = 0; i < 20; ++i) {
        const std::string n = "n" + std::to_string(i) + ".example.";
        c.store_answer(answer(n.c_str(), dnssec::security::secure, 300, 400), t0);
        CHECK(c.bytes() <= l.max_bytes);
    }
    CHECK(c.entries() >= 2);
    CHECK(c.entries() < 20);
    CHECK(c.find_answer(dns::name::parse("n19.example.").value(), dns::rr_type::a, t0));
    CHECK_FALSE(c.find_answer(dns::name::parse("n0.example.").value(), dns::rr_type::a, t0));
    const std::size_t before = c.entries();
    c.store_answer(answer("huge.example.", dnssec::security::secure, 300, 8000), t0);
    CHECK(c.entries() == before);
    CHECK_FALSE(c.find_answer(dns::name::parse("huge.example.").value(), dns::rr_type::a, t0));
}

TEST_CASE("cache: storing the same key again replaces the entry") {
    resolver::cache c;
    c.store_answer(answer("www.example.", dnssec::security::secure, 300), t0);
    c.store_answer(answer("www.example.", dnssec::security::insecure, 60), t0);
    CHECK(c.entries() == 1);
    auto hit = c.find_answer(dns::name::parse("www.example.").value(), dns::rr_type::a, t0);
    REQUIRE(hit);
    CHECK(hit->verdict.state == dnssec::security::insecure);
    c.clear();
    CHECK(c.entries() == 0);
    CHECK(c.bytes() == 0);
}
