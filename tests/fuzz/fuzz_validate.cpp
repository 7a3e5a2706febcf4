// Fuzzes the validator with fuzzed answers: records in RFC 9102 chain form (uncompressed
// wire RRs) validated against fixed trust anchors at a fixed time, every RRset and then
// one query. Whatever the records, validation must not crash, the backend must be asked
// for no more verifications than the limits allow (KeyTrap, CVE-2023-50387), and NSEC3
// hashing must stay within its budget (CVE-2023-50868).
//
// Input layout:
//   u8  flags   bit 0: anchors (0: the RFC 9102 Appendix A root, 2020-01-01;
//                                1: RFC 4035's example. KSK, 2004-04-20)
//               bits 1-2: RCODE given to validate_answer (0 none, 1 NOERROR, 2 NXDOMAIN)
//   u16 QTYPE
//   QNAME in uncompressed wire form
//   records until the input ends, each {owner, type, class, TTL, RDLENGTH, RDATA}
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "dane/crypto/botan.hpp"
#include "dane/dnssec/chain.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/validator.hpp"

namespace {

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

using namespace dane;
using botan = crypto::botan_backend;

// The backend, counting what the validator asks of it.
struct counting {
    using public_key = botan::public_key;
    using private_key = botan::private_key;
    using hasher = botan::hasher;
    const botan* inner;
    mutable std::size_t verifies = 0;

    bool supports(crypto::algorithm a) const { return inner->supports(a); }
    bool supports_digest(crypto::digest_type t) const { return inner->supports_digest(t); }
    result<public_key> parse_public_key(crypto::algorithm a, bytes_view k) const {
        return inner->parse_public_key(a, k);
    }
    result<void> verify(const public_key& k, bytes_view d, bytes_view s) const {
        ++verifies;
        return inner->verify(k, d, s);
    }
    result<void> verify(const public_key& k, std::span<const bytes_view> d, bytes_view s) const {
        ++verifies;
        return inner->verify(k, d, s);
    }
    result<crypto::digest_value> digest(crypto::hash_algorithm h, bytes_view d) const {
        return inner->digest(h, d);
    }
    result<crypto::digest_value> digest(crypto::hash_algorithm h,
                                        std::span<const bytes_view> d) const {
        return inner->digest(h, d);
    }
    result<hasher> make_hasher(crypto::hash_algorithm h) const { return inner->make_hasher(h); }
    result<crypto::generated_key<private_key>> generate_key(crypto::algorithm) {
        return fail(crypto::errc::unsupported_algorithm);
    }
    result<byte_buffer> sign(const private_key&, bytes_view) {
        return fail(crypto::errc::unsupported_algorithm);
    }
};

const botan& backend() {
    static const botan* b = new botan(crypto::key_limits{512, 4096, 64});
    return *b;
}

const dnssec::trust_anchors& anchors(bool rfc4035) {
    static const dnssec::trust_anchors* root = new dnssec::trust_anchors(
        dnssec::load_trust_anchors(". IN DS 47005 13 2 "
                                   "2eb6e9f2480126691594d649a5a613de3052e37861634641bb568746f2ffc4d4")
            .value());
    static const dnssec::trust_anchors* example =
        new dnssec::trust_anchors(dnssec::load_trust_anchors(
                                      "example. DNSKEY 257 3 5 AQOeX7+baTmvpVHb2CcLnL1dMRWbuscRvHXl"
                                      "LnXwDzvqp4tZVKp1sZMepFb8MvxhhW3y/0QZsyCjczGJ1qk8vJe52iOhInKR"
                                      "OVLRwxGpMfzPRLMlGybr51bOV/1se0ODacj3DomyB4QB5gKTYot/K9alk5/j"
                                      "8vfd4jWCWD+E1Sze0Q==")
                                      .value());
    return rfc4035 ? *example : *root;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(as_bytes(std::span<const std::uint8_t>(data, size)));
    auto flags = in.u8();
    auto qtype = in.u16();
    if (!flags || !qtype) return 0;
    auto qname = dns::name::from_wire(in.rest());
    if (!qname) return 0;
    (void)in.skip(qname->wire().size());
    dnssec::chain_limits cl;
    cl.max_records = 300;
    auto records = dnssec::read_chain_records(in.rest(), cl);
    if (!records) return 0;

    using namespace std::chrono;
    const bool rfc4035 = (*flags & 1) != 0;
    const sys_seconds now = rfc4035 ? sys_days{year{2004} / 4 / 20} : sys_days{year{2020} / 1 / 1};
    std::optional<dns::rcode> rc;
    if ((*flags >> 1 & 3) == 1) rc = dns::rcode::noerror;
    if ((*flags >> 1 & 3) == 2) rc = dns::rcode::nxdomain;
    const dnssec::validation_limits limits;

    {
        counting b{&backend()};
        dnssec::validator<counting> v(b, anchors(rfc4035), now, limits);
        FUZZ_CHECK(v.add(*records).has_value());
        auto all = v.validate_all();
        FUZZ_CHECK(all.size() == v.rrsets().size());
        const std::size_t units = v.rrsets().size() + 1;
        FUZZ_CHECK(b.verifies == v.work().verifications);
        FUZZ_CHECK(b.verifies <=
                   limits.max_verifications_per_answer + limits.max_verifications_per_rrset * units);
        FUZZ_CHECK(v.work().nsec3_hashes <= limits.denial.nsec3_hash_budget * units);
        for (const auto& r : all)
            if (r.verdict.secure()) FUZZ_CHECK(r.rrset.type != dns::rr_type::rrsig);
    }
    {
        counting b{&backend()};
        dnssec::validator<counting> v(b, anchors(rfc4035), now, limits);
        FUZZ_CHECK(v.add(*records).has_value());
        auto a = v.validate_answer(*qname, static_cast<dns::rr_type>(*qtype), rc);
        FUZZ_CHECK(b.verifies == a.work.verifications);
        FUZZ_CHECK(b.verifies <= limits.max_verifications_per_answer);
        FUZZ_CHECK(a.work.nsec3_hashes <= limits.denial.nsec3_hash_budget);
        // Nothing proven is never secure; bogus never claims a proof.
        if (a.proven == dnssec::proof::nothing)
            FUZZ_CHECK(a.verdict.state != dnssec::security::secure);
        if (a.verdict.state == dnssec::security::bogus)
            FUZZ_CHECK(a.proven == dnssec::proof::nothing);
    }
    return 0;
}
