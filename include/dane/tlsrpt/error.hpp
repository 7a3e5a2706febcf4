// Errors of the TLS reporting layer (RFC 8460): a `_smtp._tls` TXT record that does not
// follow §3's grammar, a domain without exactly one such record, delivery bodies that cannot
// be built, and received reports that are not JSON, not gzip, not a report message or do not
// follow §4's schema. The error type is dane::located_error: the code says which of these,
// the context says what exactly (the grammar rule, or the path of the bad report field).
#pragma once

#include "dane/core/config.hpp"

#include <string>
#include <system_error>

namespace dane::tlsrpt {

enum class errc {
    bad_version = 1,   // the record does not start with v=TLSRPTv1
    bad_delimiter,     // a field separator other than *WSP ";" *WSP, or an empty field
    bad_field,         // a field that is neither rua= nor a well-formed extension
    bad_uri,           // a rua URI that is not an RFC 3986 URI, or a mailto:/https: without target
    missing_rua,       // a record without the required rua field
    no_record,         // no TXT record of the domain starts with v=TLSRPTv1
    several_records,   // more than one does: the domain is treated as not reporting (§3)
    too_large,         // input, decompressed data or counts beyond the named limits
    bad_gzip,          // not a gzip stream, or a damaged one
    bad_mime,          // a message without a tlsrpt report part
    bad_json,          // text that is not (I-)JSON
    bad_schema,        // JSON that is not an RFC 8460 §4 report; the context names the field
    bad_outcome,       // a session outcome line that does not follow the documented format
    bad_argument,      // a caller's value that cannot go where it was asked to (CR/LF in a header)
    compression_failed // zlib refused to compress (out of memory)
};

namespace detail {
class tlsrpt_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.tlsrpt"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::bad_version:
            return "record does not start with v=TLSRPTv1";
        case errc::bad_delimiter:
            return "bad field delimiter in TLSRPT record";
        case errc::bad_field:
            return "malformed TLSRPT field";
        case errc::bad_uri:
            return "malformed rua URI";
        case errc::missing_rua:
            return "TLSRPT record without rua";
        case errc::no_record:
            return "no TLSRPT record";
        case errc::several_records:
            return "more than one TLSRPT record";
        case errc::too_large:
            return "input beyond the limits";
        case errc::bad_gzip:
            return "malformed gzip data";
        case errc::bad_mime:
            return "no TLS report in the message";
        case errc::bad_json:
            return "malformed JSON";
        case errc::bad_schema:
            return "not an RFC 8460 report";
        case errc::bad_outcome:
            return "malformed session outcome";
        case errc::bad_argument:
            return "value not allowed here";
        case errc::compression_failed:
            return "compression failed";
        }
        return "unknown TLSRPT error";
    }
};
} // namespace detail

inline const std::error_category& tlsrpt_category() noexcept {
    static const detail::tlsrpt_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), tlsrpt_category()};
}

} // namespace dane::tlsrpt

template <>
struct std::is_error_code_enum<dane::tlsrpt::errc> : std::true_type {};
