// Errors of the TLSA layer: text that is not a TLSA record, certificates or keys that do
// not parse, and requests that cannot be met (an unknown selector when generating).
// Verification outcomes are not errors: a failed DANE check is a value of
// tlsa::verification, with its own reasons (verify.hpp).
#pragma once

#include "dane/core/config.hpp"

#include <string>
#include <system_error>

namespace dane::tlsa {

enum class errc {
    bad_syntax = 1,  // a line that is neither TLSA RDATA nor a TLSA record
    bad_field,       // a usage, selector or matching type that is no number or acronym
    bad_data,        // association data that is not hex, or of the wrong length
    missing_field,   // fewer than the four RDATA fields
    extra_field,     // text after the association data that is not part of it
    not_tlsa,        // a full record whose type is not TLSA
    bad_certificate, // a certificate that does not parse as DER X.509
    bad_public_key,  // a SubjectPublicKeyInfo that does not parse
    unsupported,     // a usage, selector or matching type the request cannot use
    bad_pem,         // PEM text without a well-formed block of the wanted label
    bad_owner,       // an owner name that is not _port._proto.base
};

namespace detail {
class tlsa_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.tlsa"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::bad_syntax:
            return "not a TLSA record";
        case errc::bad_field:
            return "bad usage, selector or matching type";
        case errc::bad_data:
            return "bad certificate association data";
        case errc::missing_field:
            return "missing TLSA field";
        case errc::extra_field:
            return "extra text after the TLSA record";
        case errc::not_tlsa:
            return "record type is not TLSA";
        case errc::bad_certificate:
            return "malformed certificate";
        case errc::bad_public_key:
            return "malformed public key";
        case errc::unsupported:
            return "unsupported TLSA parameters";
        case errc::bad_pem:
            return "malformed PEM";
        case errc::bad_owner:
            return "owner name is not _port._proto.base";
        }
        return "unknown TLSA error";
    }
};
} // namespace detail

inline const std::error_category& tlsa_category() noexcept {
    static const detail::tlsa_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), tlsa_category()};
}

} // namespace dane::tlsa

template <>
struct std::is_error_code_enum<dane::tlsa::errc> : std::true_type {};
