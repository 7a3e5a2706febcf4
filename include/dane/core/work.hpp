// The work an operation over attacker-controlled data did, reported with its result so
// that a caller can see how close it came to its limits. One type for every layer; each
// fills the counters that apply to it and leaves the others at zero.
#pragma once

#include <cstddef>

namespace dane {

struct work_done {
    std::size_t verifications = 0;       // signature verifications attempted (DNSSEC)
    std::size_t digests = 0;             // DS digests computed (DNSSEC)
    std::size_t nsec3_hashes = 0;        // NSEC3 names hashed (DNSSEC)
    std::size_t certificates_parsed = 0; // chain, full TLSA certificates, anchors (TLSA)
    std::size_t paths_checked = 0;       // complete candidate paths checked (TLSA)
    std::size_t signature_checks = 0;    // issuer signatures verified to build paths (TLSA)
    bool cut_short = false;              // some limit stopped the work

    // The work of several steps together (a resolution's validation rounds).
    work_done& operator+=(const work_done& o) noexcept {
        verifications += o.verifications;
        digests += o.digests;
        nsec3_hashes += o.nsec3_hashes;
        certificates_parsed += o.certificates_parsed;
        paths_checked += o.paths_checked;
        signature_checks += o.signature_checks;
        cut_short = cut_short || o.cut_short;
        return *this;
    }
};

} // namespace dane
