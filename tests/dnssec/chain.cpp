// RFC 9102 chains: the Appendix A test vectors (the hex dump of A.1 byte for byte, and
// every vector validated offline), chains built from a pool and validated, malformed blobs.
#include <doctest/doctest.h>

#include "dane/core/codec.hpp"
#include "dane/dnssec/chain.hpp"
#include "validation_support.hpp"

using namespace dnssec_test;
using dane::dnssec::proof;
using dane::dnssec::security;
using dns::rr_type;

namespace {

std::chrono::sys_seconds in_window() {
    using namespace std::chrono;
    return sys_days{year{2020} / 1 / 1};
}

dnssec::trust_anchors rfc9102_root() {
    auto a = dnssec::load_trust_anchors(
        ". IN DS 47005 13 2 2eb6e9f2480126691594d649a5a613de3052e37861634641bb568746f2ffc4d4");
    REQUIRE(a.has_value());
    return *a;
}

} // namespace

TEST_CASE("RFC 9102 A.1: the hex dump reads as the presentation records, and writes back") {
    std::string hex = data_file("rfc9102-a1.hex");
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r'))
        hex.pop_back();
    auto blob = from_hex(hex);
    REQUIRE(blob.has_value());
    auto c = dnssec::read_chain(*blob);
    REQUIRE(c.has_value());
    CHECK(c->ext_support_lifetime == 0);
    // The same records as the presentation form, but for the ECDSA signatures: those
    // are randomized, and the RFC made the hex dump in a signing run of its own.
    auto text = zone(data_file("rfc9102-a1.zone"));
    REQUIRE(c->records.size() == text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto a = c->records[i], b = text[i];
        if (a.type == rr_type::rrsig && b.type == rr_type::rrsig) {
            a.rdata.resize(dnssec::parse_rrsig(a.rdata)->prefix_size);
            b.rdata.resize(dnssec::parse_rrsig(b.rdata)->prefix_size);
        }
        CHECK(a == b);
    }
    auto written = dnssec::write_chain(c->records, 0);
    REQUIRE(written.has_value());
    CHECK(*written == *blob);
    // With the 16-bit length of §2.3's structure, it reads the same.
    auto prefixed = dnssec::write_chain(text, 7, true);
    REQUIRE(prefixed.has_value());
    auto p = dnssec::read_chain(*prefixed);
    REQUIRE(p.has_value());
    CHECK(p->ext_support_lifetime == 7);
    CHECK(p->records == text);

    auto a = dnssec::validate_chain(backend(), rfc9102_root(), in_window(), bytes_view(*blob),
                                    dn("_443._tcp.www.example.com."), rr_type::tlsa);
    CHECK(a.proven == proof::answer);
    CHECK(a.verdict.secure());
}

TEST_CASE("RFC 9102 Appendix A: every test vector validates offline") {
    struct vec {
        const char* file;
        const char* qname;
        proof proven;
        security state;
    };
    for (const auto& v : {
             vec{"rfc9102-a1.zone", "_443._tcp.www.example.com.", proof::answer, security::secure},
             vec{"rfc9102-a2.zone", "_25._tcp.example.com.", proof::wildcard_answer,
                 security::secure},
             vec{"rfc9102-a3.zone", "_25._tcp.example.org.", proof::wildcard_answer,
                 security::secure},
             vec{"rfc9102-a4.zone", "_443._tcp.www.example.org.", proof::cname, security::secure},
             vec{"rfc9102-a5.zone", "_443._tcp.www.example.net.", proof::cname, security::secure},
             vec{"rfc9102-a6.zone", "_25._tcp.smtp.example.com.", proof::nxdomain,
                 security::secure},
             vec{"rfc9102-a7.zone", "_25._tcp.smtp.example.org.", proof::nxdomain,
                 security::secure},
             vec{"rfc9102-a8.zone", "_443._tcp.www.insecure.example.", proof::no_ds_opt_out,
                 security::insecure},
         }) {
        const std::string file = v.file;
        CAPTURE(file);
        auto records = zone(data_file(v.file));
        auto blob = dnssec::write_chain(records);
        REQUIRE(blob.has_value());
        auto a = dnssec::validate_chain(backend(), rfc9102_root(), in_window(), bytes_view(*blob),
                                        dn(v.qname), rr_type::tlsa);
        CHECK(a.proven == v.proven);
        CHECK(a.verdict.state == v.state);
        // After the window, the same chain is bogus.
        using namespace std::chrono;
        auto late = dnssec::validate_chain(backend(), rfc9102_root(), sys_days{year{2021} / 1 / 1},
                                           bytes_view(*blob), dn(v.qname), rr_type::tlsa);
        CHECK(late.verdict.state == security::bogus);
    }
}

TEST_CASE("build_chain picks what proves the answer out of a larger pool") {
    auto ksk = make_key("test.");
    auto sub = make_key("sub.test.");
    auto parent_data = zone(R"(
test. SOA ns.test. admin.test. 1 3600 600 86400 300
test. NS ns.test.
ns.test. A 192.0.2.1
noise1.test. TXT "not needed"
noise2.test. A 192.0.2.7
sub.test. NS ns.sub.test.
plain.test. NS ns.plain.test.
)");
    parent_data.push_back(ds_of(sub));
    auto pool = cat({sign_zone("test.", parent_data, {ksk}), sign_zone("sub.test.", zone(R"(
sub.test. SOA ns.sub.test. admin.test. 1 3600 600 86400 300
sub.test. NS ns.sub.test.
_25._tcp.mx.sub.test. TLSA 3 1 1 0011223344556677889900112233445566778899001122334455667788990011
other.sub.test. A 192.0.2.8
)"),
                                                                       {sub})});
    struct query {
        const char* qname;
        proof proven;
        security state;
    };
    for (const auto& q : {query{"_25._tcp.mx.sub.test.", proof::answer, security::secure},
                          query{"_25._tcp.nx.sub.test.", proof::nxdomain, security::secure},
                          query{"_25._tcp.mx.plain.test.", proof::no_ds, security::insecure}}) {
        const char* qname = q.qname;
        const proof proven = q.proven;
        const security state = q.state;
        const std::string shown = qname;
        CAPTURE(shown);
        auto chain = dnssec::build_chain(backend(), anchor_ds(ksk), test_now(), pool, dn(qname),
                                         rr_type::tlsa);
        REQUIRE(chain.has_value());
        CHECK(chain->size() < pool.size());
        for (const auto& r : *chain)
            CHECK_FALSE((r.owner == dn("noise1.test.") || r.owner == dn("other.sub.test.")));
        auto blob = dnssec::write_chain(*chain, 3600);
        REQUIRE(blob.has_value());
        auto a = dnssec::validate_chain(backend(), anchor_ds(ksk), test_now(), bytes_view(*blob),
                                        dn(qname), rr_type::tlsa);
        CHECK(a.proven == proven);
        CHECK(a.verdict.state == state);
    }
    // A pool that cannot prove the answer gives no chain.
    auto stripped = zone("_25._tcp.mx.sub.test. TLSA 3 1 1 00");
    CHECK_FALSE(dnssec::build_chain(backend(), anchor_ds(ksk), test_now(), stripped,
                                    dn("_25._tcp.mx.sub.test."), rr_type::tlsa)
                    .has_value());
}

TEST_CASE("malformed chains are bogus, never a crash") {
    auto records = zone(data_file("rfc9102-a1.zone"));
    auto blob = *dnssec::write_chain(records);
    for (std::size_t cut : {std::size_t{1}, std::size_t{5}, blob.size() / 2, blob.size() - 1}) {
        byte_buffer b(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(cut));
        auto a = dnssec::validate_chain(backend(), rfc9102_root(), in_window(), bytes_view(b),
                                        dn("_443._tcp.www.example.com."), rr_type::tlsa);
        CHECK(a.verdict.state == security::bogus);
    }
    byte_buffer compressed{std::byte{0}, std::byte{0}, std::byte{0xc0}, std::byte{2}};
    CHECK_FALSE(dnssec::read_chain(compressed).has_value());
    dnssec::chain_limits tight;
    tight.max_records = 3;
    CHECK(dnssec::read_chain(blob, tight).error() == dnssec::errc::too_much_input);
}
