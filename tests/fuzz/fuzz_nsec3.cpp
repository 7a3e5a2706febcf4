// Fuzzes denial of existence: a fuzzed QNAME, QTYPE, zone cut and set of NSEC and NSEC3
// records go through every proof (name error, no data, wildcard answer, no DS) with one
// hash budget per input. Whatever the records, the proofs must not crash, must stay within
// the hash budget, and must never call "secure" a result that proves nothing.
//
// Input layout:
//   u8  flags   bit 0-1: RCODE (0 NOERROR, 1 NXDOMAIN, other: both); bits 2-7: zone depth
//   u16 qtype
//   u8  rrsig labels (for the wildcard answer)
//   QNAME in uncompressed wire form
//   then records until the input ends:
//     u8 kind: even = NSEC with its owner in wire form next; odd = NSEC3 with 20 octets of
//              owner hash next (the owner is that hash in base32hex under the zone)
//     u16 RDATA length, RDATA
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#ifdef FUZZ_NSEC3_VERBOSE
#include <cstdio>
#endif
#include <span>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dnssec/denial.hpp"

namespace {

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

using namespace dane;

void check(const dnssec::denial_result& r, const dnssec::nsec3_budget& budget,
           const dnssec::denial_limits& limits) {
#ifdef FUZZ_NSEC3_VERBOSE
    // -DFUZZ_NSEC3_VERBOSE: print each outcome, to see what a seed exercises.
    std::printf("proves %s, security %d, EDE %d (%s), hashes %zu\n",
                std::string(dnssec::to_string(r.proven)).c_str(), static_cast<int>(r.security),
                static_cast<int>(r.why.code), std::string(r.why.text).c_str(), r.nsec3_hashes);
#endif
    FUZZ_CHECK(budget.hashes <= limits.nsec3_hash_budget);
    FUZZ_CHECK(r.nsec3_hashes <= budget.hashes);
    // Hashing happens only at or below the insecure iteration limit.
    FUZZ_CHECK(budget.digests <=
               budget.hashes * (std::size_t{limits.nsec3_iterations_insecure} + 1));
    if (r.proven == dnssec::proof::nothing) FUZZ_CHECK(r.security != dnssec::security::secure);
    if (r.security == dnssec::security::secure) {
        FUZZ_CHECK(r.proven != dnssec::proof::nothing);
        FUZZ_CHECK(!r.opt_out && !r.cut_short);
    }
    if (r.security != dnssec::security::secure)
        FUZZ_CHECK(!r.why.text.empty() || r.proven != dnssec::proof::nothing);
    FUZZ_CHECK(r.proven != dnssec::proof::answer && r.proven != dnssec::proof::cname);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const crypto::botan_backend backend;
    byte_reader in(as_bytes(std::span<const std::uint8_t>(data, size)));
    auto flags = in.u8();
    auto qtype = in.u16();
    auto labels = in.u8();
    if (!flags || !qtype || !labels) return 0;
    auto qname = dns::name_view::from_wire(in.rest());
    if (!qname) return 0;
    (void)in.skip(qname->size());
    const dns::name q(*qname);
    std::size_t depth = std::size_t{*flags} >> 2;
    if (depth > q.label_count()) depth = q.label_count();
    const dns::name zone = q.suffix(depth);

    std::vector<dns::record> records;
    while (!in.empty()) {
        auto kind = in.u8();
        if (!kind) break;
        dns::record r;
        if (*kind % 2 == 0) {
            auto owner = dns::name_view::from_wire(in.rest());
            if (!owner) break;
            (void)in.skip(owner->size());
            r.owner = *owner;
            r.type = dns::rr_type::nsec;
        } else {
            auto hash = in.take(20);
            if (!hash) break;
            auto owner = dns::name(zone).prepend(to_base32hex(*hash));
            if (!owner) break;
            r.owner = *owner;
            r.type = dns::rr_type::nsec3;
        }
        auto len = in.u16();
        if (!len) break;
        auto rdata = in.take(*len);
        if (!rdata) break;
        r.rdata.assign(rdata->begin(), rdata->end());
        records.push_back(std::move(r));
    }

    const dnssec::denial_limits limits;
    dnssec::nsec3_budget budget(limits);
    const auto type = static_cast<dns::rr_type>(*qtype);
    const unsigned rc = *flags & 3;
    if (rc != 1) {
        auto r = dnssec::prove_denial(backend, q, type, dns::rcode::noerror, zone, records, budget,
                                      limits);
        check(r, budget, limits);
    }
    if (rc != 0) {
        auto r = dnssec::prove_denial(backend, q, type, dns::rcode::nxdomain, zone, records, budget,
                                      limits);
        check(r, budget, limits);
        if (r.proven == dnssec::proof::nxdomain && r.secure())
            FUZZ_CHECK(r.closest_encloser.label_count() < q.label_count());
    }
    auto w = dnssec::prove_wildcard_answer(backend, q, *labels, zone, records, budget, limits);
    check(w, budget, limits);
    if (w.secure()) FUZZ_CHECK(*labels < q.label_count());
    auto d = dnssec::prove_no_ds(backend, q, zone, records, budget, limits);
    check(d, budget, limits);
    if (d.proven != dnssec::proof::nothing)
        FUZZ_CHECK(d.proven == dnssec::proof::no_ds || d.proven == dnssec::proof::no_ds_opt_out);
    return 0;
}
