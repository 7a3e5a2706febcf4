// DNSSEC outcomes as values: the security state of an RRset or an answer, and, apart from
// it, the reason with its RFC 8914 extended DNS error code. The words follow RFC 4035 §4.3
// as RFC 7672 §2.1.1 reads them:
// - secure: a chain of signatures from a trust anchor vouches for the data;
// - insecure: proven unsigned (a delegation without DS, an algorithm or digest this
//   validator does not implement, NSEC3 iterations over the limit), or no trust anchor
//   above the name at all; the reason tells these apart;
// - bogus: signatures that should be there and verify are not;
// - indeterminate: the records needed to decide could not be obtained.
// The order bogus < indeterminate < insecure < secure makes combining a `min`.
// Reasons compare by code and text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dane/dnssec/proof.hpp"

namespace dane::dnssec {

constexpr security combine(security a, security b) noexcept {
    return a < b ? a : b;
}

constexpr std::string_view to_string(security s) noexcept {
    switch (s) {
    case security::bogus:
        return "bogus";
    case security::indeterminate:
        return "indeterminate";
    case security::insecure:
        return "insecure";
    case security::secure:
        return "secure";
    }
    return "bogus";
}

// The RFC 8914 §4 codes a validator reports (the IANA "Extended DNS Error Codes" registry;
// 27 from RFC 9276 §3.2), by name. dns::ede_code (dns/edns.hpp) has the same values for
// the wire. `security`, `ede` and `reason` themselves are defined in dnssec/proof.hpp,
// which the denial-of-existence code shares; these names cover every code of `ede`.
namespace ede_code {
inline constexpr ede other{0};
inline constexpr ede unsupported_dnskey_algorithm{1};
inline constexpr ede unsupported_ds_digest{2};
inline constexpr ede dnssec_indeterminate{5};
inline constexpr ede dnssec_bogus{6};
inline constexpr ede signature_expired{7};
inline constexpr ede signature_not_yet_valid{8};
inline constexpr ede dnskey_missing{9};
inline constexpr ede rrsigs_missing{10};
inline constexpr ede no_zone_key_bit{11};
inline constexpr ede nsec_missing{12};
inline constexpr ede no_reachable_authority{22};
inline constexpr ede network_error{23};
inline constexpr ede unsupported_nsec3_iterations{27};
} // namespace ede_code

// A state with its reason; `why` is meaningful only when the state is not secure.
struct verdict {
    dnssec::security state = dnssec::security::bogus;
    dnssec::reason why{};

    constexpr bool secure() const noexcept { return state == dnssec::security::secure; }
    // The lower of two verdicts, keeping the reason of the one that decides.
    friend verdict worst(const verdict& a, const verdict& b) { return b.state < a.state ? b : a; }
};

inline verdict secure_verdict() {
    return {security::secure, {}};
}
inline verdict bogus_verdict(ede code, std::string_view text) {
    return {security::bogus, {code, text}};
}
inline verdict insecure_verdict(ede code, std::string_view text) {
    return {security::insecure, {code, text}};
}
inline verdict indeterminate_verdict(ede code, std::string_view text) {
    return {security::indeterminate, {code, text}};
}

// "secure", "insecure (reason)", "bogus (EDE n: reason)" as `dane verify` prints them.
inline std::string to_string(const verdict& v) {
    std::string out(to_string(v.state));
    if (v.state == security::secure) return out;
    out += " (";
    if (v.state != security::insecure) {
        out += "EDE ";
        out += std::to_string(static_cast<unsigned>(v.why.code));
        out += ": ";
    }
    out += v.why.text;
    out += ')';
    return out;
}

} // namespace dane::dnssec
