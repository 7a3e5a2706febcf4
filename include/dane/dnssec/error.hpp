// Errors of the DNSSEC layer. These are for input that cannot be used at all (a trust
// anchor file that does not parse, a signer asked for something impossible, a chain blob
// that is not one); what a validation concludes is a verdict (dnssec/verdict.hpp), never
// an error.
#pragma once

#include "dane/core/config.hpp"

#include <string>
#include <system_error>

namespace dane::dnssec {

enum class errc {
    bad_dnskey = 1,   // DNSKEY RDATA shorter than its fixed fields
    bad_rrsig,        // RRSIG RDATA that does not fit RFC 4034 §3.1
    bad_ds,           // DS RDATA shorter than its fixed fields
    bad_anchor,       // a trust anchor record of a type other than DS or DNSKEY
    bad_anchor_xml,   // root-anchors.xml text that does not have the expected elements
    no_anchor,        // a trust anchor source with no usable anchor in it
    empty_rrset,      // an operation on an RRset with no records
    mixed_rrset,      // records of different owners, classes or types given as one RRset
    key_not_for_zone, // a signing key whose owner is not the zone being signed
    bad_chain,        // an RFC 9102 chain blob that does not parse
    too_much_input,   // more records than the limits allow
};

namespace detail {
class dnssec_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.dnssec"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::bad_dnskey:
            return "malformed DNSKEY";
        case errc::bad_rrsig:
            return "malformed RRSIG";
        case errc::bad_ds:
            return "malformed DS";
        case errc::bad_anchor:
            return "a trust anchor must be a DS or DNSKEY record";
        case errc::bad_anchor_xml:
            return "malformed root-anchors.xml";
        case errc::no_anchor:
            return "no trust anchor found";
        case errc::empty_rrset:
            return "empty RRset";
        case errc::mixed_rrset:
            return "records of different owners, classes or types in one RRset";
        case errc::key_not_for_zone:
            return "the key does not belong to the zone";
        case errc::bad_chain:
            return "malformed DNSSEC chain";
        case errc::too_much_input:
            return "more records than the limits allow";
        }
        return "unknown DNSSEC error";
    }
};
} // namespace detail

inline const std::error_category& dnssec_category() noexcept {
    static const detail::dnssec_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), dnssec_category()};
}

} // namespace dane::dnssec

template <>
struct std::is_error_code_enum<dane::dnssec::errc> : std::true_type {};
