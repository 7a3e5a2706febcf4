// From a validated TLSA answer to the records tlsa::verify takes: the common path of an
// SMTP client (RFC 7672 §2.2.3) in one call.
//
//     dnssec::validator<B> v(backend, anchors, now);
//     if (!v.add(records)) ...
//     auto a = v.validate_answer(tlsa_owner, dns::rr_type::tlsa);
//     auto t = tlsa::records_from_answer(v, a);
//     if (t.secure() && !t.records.empty()) ... tlsa::verify(x509, t.records, chain, opt)
//
// Only a "secure" TLSA RRset is usable for DANE (RFC 7672 §2.2.3: "The first of these
// candidate domains to yield a 'secure' TLSA RRset becomes the actual TLSA base domain");
// the verdict comes with the records so the caller applies that rule (insecure: try the
// next candidate or use opportunistic TLS; bogus or indeterminate: do not deliver).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "dane/dns/types.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/validator.hpp"
#include "dane/dnssec/verdict.hpp"
#include "dane/tlsa/record.hpp"

namespace dane::tlsa {

// The TLSA records an answer holds, with the answer's verdict.
struct answer_records {
    dnssec::verdict verdict{};   // of the whole answer, CNAME chain included
    std::vector<record> records; // the TLSA RRset at the end of the chain, in answer order
    std::size_t malformed = 0;   // RDATAs shorter than TLSA's three fixed octets, left out

    // Whether these records may be used for DANE at all (RFC 7672 §2.2.3).
    bool secure() const noexcept { return verdict.secure(); }
};

// The TLSA records among `rrsets` that `answer` names (its indexes point into `rrsets`:
// pass the validator's rrsets()). CNAME and DNAME RRsets of the chain are skipped.
inline answer_records records_from_answer(std::span<const dnssec::rrset> rrsets,
                                          const dnssec::answer_result& answer) {
    answer_records out;
    out.verdict = answer.verdict;
    for (std::size_t i : answer.rrsets) {
        if (i >= rrsets.size() || rrsets[i].type != dns::rr_type::tlsa) continue;
        for (const auto& rd : rrsets[i].rdatas) {
            if (auto r = record::from_rdata(rd))
                out.records.push_back(std::move(*r));
            else
                ++out.malformed;
        }
    }
    return out;
}

// The same, from the validator that produced `answer`.
template <crypto::verifier_backend B>
answer_records records_from_answer(const dnssec::validator<B>& v,
                                   const dnssec::answer_result& answer) {
    return records_from_answer(v.rrsets(), answer);
}

} // namespace dane::tlsa
