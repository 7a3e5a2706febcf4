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
// Reasons compare by code and text. The denial-of-existence code (dnssec/proof.hpp) uses
// the same words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dane/dns/edns.hpp"

namespace dane::dnssec {

// Security states, ordered so that combining is min.
enum class security : std::uint8_t { bogus, indeterminate, insecure, secure };

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

// The RFC 8914 §4 codes a validator reports are those of the wire (the IANA "Extended DNS
// Error Codes" registry; 27 from RFC 9276 §3.2): one enum, dns::ede_code, in the lowest
// layer that needs it, so a verdict's code goes into an EDNS option as it is.
using dns::ede_code;

// Why a result is not secure: an RFC 8914 code and a fixed text.
// The text is owned: most are fixed, but some name values (a refused key's size and the
// policy's floor).
struct reason {
    reason() = default;
    reason(ede_code c, std::string_view t) : code(c), text(t) {}
    ede_code code = ede_code::other;
    std::string text{};
};

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
inline verdict bogus_verdict(ede_code code, std::string_view text) {
    return {security::bogus, {code, text}};
}
inline verdict insecure_verdict(ede_code code, std::string_view text) {
    return {security::insecure, {code, text}};
}
inline verdict indeterminate_verdict(ede_code code, std::string_view text) {
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
