// Helpers shared by the resolver tests: the fixture hierarchy answered in memory, the
// validation time, and a validator fed from the answerer.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"
#include "dane/dns/name.hpp"
#include "dane/dnssec/validator.hpp"
#include "zone_answerer.hpp"

namespace resolver_test {

using backend_t = crypto::botan_backend;

inline const backend_t& backend() {
    // Never destroyed: Botan's secure memory pool may be gone before function statics.
    static const backend_t* b = new backend_t();
    return *b;
}

// Inside the fixture's signature windows (2025-01-01 to 2045-01-01).
inline std::chrono::sys_seconds test_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 1 / 1};
}

inline dns::name dn(std::string_view text) {
    const dns::name root;
    auto n = dns::name::parse(text, &root);
    REQUIRE_MESSAGE(n.has_value(), text);
    return *n;
}

inline zone_answerer& fixture_answerer() {
    static zone_answerer* a = [] {
        auto* z = new zone_answerer(backend());
        auto error = z->load_fixture();
        REQUIRE_MESSAGE(!error, *error);
        return z;
    }();
    return *a;
}

inline dnssec::trust_anchors anchors() {
    auto a = fixture_anchors();
    REQUIRE(a.has_value());
    return *a;
}

// A query as the resolver sends it: DO=1, CD=1, RD=1, EDNS payload `payload`.
inline byte_buffer make_query(std::uint16_t id, std::string_view qname, dns::rr_type qtype,
                              std::uint16_t payload = 1232, bool edns = true) {
    dns::query_options o;
    o.checking_disabled = true;
    o.udp_payload_size = payload;
    o.use_edns = edns;
    auto q = dns::message_builder::query(id, dn(qname), qtype, o).build();
    REQUIRE(q.has_value());
    return *q;
}

// The records of a response's answer and authority sections.
inline std::vector<dns::record> response_records(const dns::message_view& m) {
    std::vector<dns::record> out;
    for (auto s : {dns::section::answer, dns::section::authority})
        for (auto rv : m.records(s)) {
            auto r = rv.to_record();
            REQUIRE(r.has_value());
            out.push_back(std::move(*r));
        }
    return out;
}

} // namespace resolver_test

namespace doctest {
template <>
struct StringMaker<dane::dnssec::verdict> {
    static String convert(const dane::dnssec::verdict& v) {
        auto s = dane::dnssec::to_string(v);
        return String(s.data(), static_cast<String::size_type>(s.size()));
    }
};
} // namespace doctest
