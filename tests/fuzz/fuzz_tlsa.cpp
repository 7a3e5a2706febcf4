// Fuzzes TLSA parsing and DANE verification with fuzzed certificates.
//
// The first octet picks the mode:
// - even: the rest is the text of a TLSA file. Every record it yields must print and parse
//   back to itself (numeric and acronym forms), and survive the wire form.
// - odd: the rest is a chain and an RRset to verify:
//     flags (1 octet: bit 0 generic profile, bit 1 the last certificate is also a trust
//     anchor, bit 2 a bare-key 2 1 0 record for each certificate),
//     count (1 octet, mod 5) x { length (2 octets, big-endian), DER certificate },
//     then { length (1 octet), TLSA RDATA } until the end.
//   verify() must not crash, must return one report per record and a status consistent
//   with them; generate() on each certificate must give a record that matches it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/record.hpp"
#include "dane/tlsa/verify.hpp"

namespace {

using namespace dane;
using namespace dane::tlsa;

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

void check_text(std::string_view text) {
    auto lines = parse_lines(text);
    if (!lines) {
        FUZZ_CHECK(lines.error().line >= 1);
        return;
    }
    for (const auto& e : *lines) {
        const auto& r = e.rr;
        for (auto style : {text_style::numeric, text_style::acronyms}) {
            auto back = parse_rdata_text(r.to_string(style));
            FUZZ_CHECK(back.has_value());
            FUZZ_CHECK(*back == r);
        }
        auto wire = r.to_rdata();
        auto again = record::from_rdata(wire);
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(*again == r);
        // A record line with an owner prints back with that owner, unless the owner prints
        // with a leading '#', which parse_line takes for a comment (documented there).
        if (e.owner && e.owner->to_string().front() != '#') {
            auto line = zone_line(*e.owner, r);
            auto reparsed = parse_line(line);
            FUZZ_CHECK(reparsed.has_value() && *reparsed && (*reparsed)->rr == r);
        }
    }
}

void check_verify(byte_reader in) {
    const crypto::botan_x509 x509;
    auto flags = in.u8().value_or(0);
    unsigned count = in.u8().value_or(0) % 5u;
    std::vector<bytes_view> chain;
    for (unsigned i = 0; i < count; ++i) {
        auto len = in.u16();
        if (!len) break;
        auto der = in.take(*len);
        if (!der) break;
        chain.push_back(*der);
    }
    std::vector<record> records;
    while (!in.empty() && records.size() < 16) {
        auto len = in.u8();
        auto rd = in.take(len.value_or(0));
        if (!rd) break;
        if (auto r = record::from_rdata(*rd)) records.push_back(std::move(*r));
    }
    if (flags & 4)
        for (auto der : chain)
            if (auto c = x509.parse_certificate(der))
                records.push_back(record{cert_usage::dane_ta, selector_type::spki,
                                         matching_type::full,
                                         byte_buffer(x509.spki(*c).begin(), x509.spki(*c).end())});

    verify_options opt;
    opt.mode = (flags & 1) ? profile::generic : profile::smtp;
    opt.reference_ids = {dns::name::parse("mx.example.net.").value(),
                         dns::name::parse("example.net.").value()};
    opt.now = std::chrono::sys_seconds{std::chrono::seconds{1735689600}};
    opt.describe_certificates = true;
    if ((flags & 2) && !chain.empty()) opt.trust_anchors = {chain.back()};

    auto v = verify(x509, records, chain, opt);
    FUZZ_CHECK(v.records.size() == records.size());
    bool any_usable = false, any_auth = false;
    for (const auto& rep : v.records) {
        any_usable = any_usable || rep.usable();
        any_auth = any_auth || rep.authenticated;
        FUZZ_CHECK(!rep.authenticated || (rep.usable() && rep.matched));
    }
    FUZZ_CHECK((v.status == outcome::unusable) == !any_usable);
    FUZZ_CHECK(v.authenticated() == any_auth);
    if (v.authenticated()) {
        FUZZ_CHECK(v.matched_record && *v.matched_record < records.size());
        FUZZ_CHECK(v.depth >= 0 && static_cast<std::size_t>(v.depth) < chain.size() + 16);
        FUZZ_CHECK(v.failure == rpt_result::none);
    } else {
        FUZZ_CHECK(v.failure != rpt_result::none);
    }
    (void)format_report(v, records);

    // A record made from a certificate matches that certificate as a DANE-EE leaf.
    for (auto der : chain) {
        auto r = generate(x509, der);
        if (!r) continue;
        std::vector<record> one{*r};
        std::vector<bytes_view> leaf{der};
        auto w = verify(x509, one, leaf, opt);
        FUZZ_CHECK(w.authenticated());
        FUZZ_CHECK(w.depth == 0);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    if ((data[0] & 1) == 0) {
        check_text(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    } else {
        check_verify(byte_reader(as_bytes(std::span<const std::uint8_t>(data + 1, size - 1))));
    }
    return 0;
}
