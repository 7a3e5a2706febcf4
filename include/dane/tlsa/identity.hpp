// Server identity checks for DANE-TA(2) and the PKIX usages: does a certificate present
// one of the client's reference identifiers? (RFC 6125 §6, as RFC 7671 §10.2 and RFC 7672
// §3.2.3 apply it.)
//
// - DNS-IDs from subjectAltName are used when there is at least one; CN-IDs only when
//   there is none (RFC 7672 §3.2.3, RFC 6125 §6.4.4).
// - A wildcard is valid only as the whole leftmost label and matches exactly one label
//   (RFC 7672 §3.2.3: "*.example.com" matches "mx1.example.com", "smtp*.example.com" and
//   "*smtp.example.com" are not wildcards). It must have at least two labels to its right,
//   so that "*.com" matches nothing (RFC 6125 §7.2).
// - Comparison ignores ASCII case (RFC 6125 §6.4.1); internationalized names are compared
//   in their A-label form, which is how both DNS and certificates carry them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/ascii.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/dns/name.hpp"

namespace dane::tlsa {

// Which reference identifier matched, and the certificate identifier that matched it.
struct identity_match {
    std::string reference; // as the caller gave it, without the trailing dot
    std::string presented; // as the certificate spells it ("*.example.net")
};

namespace detail {

// A reference identifier in the text form certificates use: no trailing dot.
inline std::string reference_text(dns::name_view n) {
    std::string s = n.to_string();
    if (s.size() > 1 && s.back() == '.') s.pop_back();
    return s;
}

// True when the presented identifier (a DNS-ID or CN-ID) matches the reference identifier
// (lowercase or not, no trailing dot).
inline bool presented_matches(std::string_view presented, std::string_view reference) {
    if (presented.empty() || reference.empty()) return false;
    if (presented.size() >= 2 && presented[0] == '*' && presented[1] == '.') {
        std::string_view rest = presented.substr(2);
        // At least two labels after the wildcard, none of them empty or another '*'.
        if (rest.find('.') == std::string_view::npos) return false;
        if (rest.find('*') != std::string_view::npos) return false;
        if (rest.front() == '.' || rest.back() == '.' || rest.find("..") != rest.npos) return false;
        auto dot = reference.find('.');
        if (dot == std::string_view::npos || dot == 0) return false; // one label, exactly
        return ascii_iequals(reference.substr(dot + 1), rest);
    }
    // A '*' anywhere else is no wildcard, and no host name contains one.
    if (presented.find('*') != std::string_view::npos) return false;
    return ascii_iequals(presented, reference);
}
} // namespace detail

// The first reference identifier, in the caller's order, that the certificate presents.
inline std::optional<identity_match> match_identity(const crypto::presented_identifiers& ids,
                                                    std::span<const dns::name> references) {
    const auto& presented = ids.dns_ids.empty() ? ids.common_names : ids.dns_ids;
    for (const auto& r : references) {
        auto ref = detail::reference_text(r);
        for (const auto& p : presented)
            if (detail::presented_matches(p, ref)) return identity_match{ref, p};
    }
    return std::nullopt;
}

} // namespace dane::tlsa
