// Errors of the DNS layer: what was wrong with a name, a record, a message or a zone file.
// Where the input has positions, the error is a dane::located_error carrying this code
// and the position (its offset in a message, its line in a zone file).
#pragma once

#include "dane/core/config.hpp"

#include <cstddef>
#include <string>
#include <system_error>
#include <type_traits>

#include "dane/core/error.hpp"

namespace dane::dns {

enum class errc {
    truncated = 1,       // the message ends inside a field
    label_too_long,      // a label over 63 octets (RFC 1035 §2.3.4)
    name_too_long,       // a name over 255 octets in wire form
    bad_label_type,      // label type 0x40 or 0x80 (RFC 6891 §5 retired them)
    bad_pointer,         // a compression pointer past the end of the message
    forward_pointer,     // a compression pointer to a later position
    pointer_loop,        // compression pointers that would revisit a position
    pointer_not_allowed, // a compression pointer where only an uncompressed name may be
    empty_label,         // two dots in a row, or a leading dot, in presentation form
    bad_escape,          // a backslash escape that is not \X or \DDD with DDD <= 255
    bad_rdata,           // RDATA that does not fit its type's wire format
    rdata_length,        // RDATA shorter or longer than its fields
    trailing_data,       // octets after the last record the counts announce
    bad_opt,             // an OPT record not in the additional section, twice, or not root
    bad_option,          // an EDNS option whose length runs past the OPT RDATA
    unknown_type,        // a type mnemonic the library does not know
    unknown_class,       // a class mnemonic the library does not know
    bad_syntax,          // presentation text that does not parse
    bad_number,          // a number that does not parse or does not fit its field
    bad_address,         // an IPv4 or IPv6 address that does not parse
    bad_time,            // an RRSIG time that is neither YYYYMMDDHHmmSS nor a number
    bad_encoding,        // hex, base64 or base32hex that does not decode
    missing_field,       // presentation RDATA with fewer fields than the type has
    extra_field,         // presentation RDATA with more fields than the type has
    string_too_long,     // a character-string over 255 octets
    relative_name,       // a relative name where no origin is known
    no_owner,            // a record with its owner omitted before any owner was given
    no_ttl,              // a record with its TTL omitted before any TTL was given
    unbalanced_parens,   // a ')' without '(' or a '(' left open at the end
    unterminated_string, // a quoted string left open at the end of the line
    bad_directive,       // an unknown $ directive, or one with wrong arguments
    message_too_large,   // a message that would exceed 65535 octets
    section_order,       // a question after records, or a record before its section's turn
    too_many_pointers,   // a name that follows more than max_pointer_hops pointers
    decompression_work,  // names of a message that together cost more than its budget
    bad_tsig,            // a TSIG record anywhere but last in the additional section
    bad_tsig_rdata,      // TSIG RDATA that does not fit RFC 8945 §4.2
    bad_tkey_rdata,      // TKEY RDATA that does not fit RFC 2930 §2
};

namespace detail {
class dns_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.dns"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::truncated:
            return "message truncated";
        case errc::label_too_long:
            return "label longer than 63 octets";
        case errc::name_too_long:
            return "name longer than 255 octets";
        case errc::bad_label_type:
            return "unsupported label type";
        case errc::bad_pointer:
            return "compression pointer out of bounds";
        case errc::forward_pointer:
            return "compression pointer points forward";
        case errc::pointer_loop:
            return "compression pointer loop";
        case errc::pointer_not_allowed:
            return "compression pointer where none is allowed";
        case errc::empty_label:
            return "empty label";
        case errc::bad_escape:
            return "bad escape sequence";
        case errc::bad_rdata:
            return "malformed RDATA";
        case errc::rdata_length:
            return "RDATA length does not match its fields";
        case errc::trailing_data:
            return "trailing data after the last record";
        case errc::bad_opt:
            return "OPT must appear once, in the additional section, owned by the root (RFC 6891 "
                   "§6.1.1)";
        case errc::bad_option:
            return "EDNS option runs past the OPT RDATA";
        case errc::unknown_type:
            return "unknown record type";
        case errc::unknown_class:
            return "unknown class";
        case errc::bad_syntax:
            return "syntax error";
        case errc::bad_number:
            return "bad number";
        case errc::bad_address:
            return "bad address";
        case errc::bad_time:
            return "bad time";
        case errc::bad_encoding:
            return "bad hex, base64 or base32hex";
        case errc::missing_field:
            return "missing RDATA field";
        case errc::extra_field:
            return "extra RDATA field";
        case errc::string_too_long:
            return "character-string longer than 255 octets";
        case errc::relative_name:
            return "relative name with no origin";
        case errc::no_owner:
            return "no owner name given yet";
        case errc::no_ttl:
            return "no TTL given yet";
        case errc::unbalanced_parens:
            return "unbalanced parentheses";
        case errc::unterminated_string:
            return "unterminated quoted string";
        case errc::bad_directive:
            return "bad directive";
        case errc::section_order:
            return "record out of section order (question, answer, authority, additional)";
        case errc::message_too_large:
            return "message larger than 65535 octets";
        case errc::too_many_pointers:
            return "name follows more than 127 compression pointers";
        case errc::decompression_work:
            return "names of the message need too much decompression work";
        case errc::bad_tsig:
            return "TSIG must be the last record of the additional section (RFC 8945 §5.1)";
        case errc::bad_tsig_rdata:
            return "TSIG RDATA does not fit its format (RFC 8945 §4.2)";
        case errc::bad_tkey_rdata:
            return "TKEY RDATA does not fit its format (RFC 2930 §2)";
        }
        return "unknown DNS error";
    }
};
} // namespace detail

inline const std::error_category& dns_category() noexcept {
    static const detail::dns_category instance;
    return instance;
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), dns_category()};
}

// An error in wire-form input: the code and the octet offset where it was found. It has
// the shape of dane::located_error (core/error.hpp), the library's one located error, and
// converts to it; it is a type of its own only because wire parsers return it from their
// innermost loops, where a located_error (which owns a context string) would make every
// result non-trivial to return: message parsing ran 30% slower with it.
struct wire_error {
    std::error_code code;
    std::size_t offset = 0;

    wire_error() noexcept = default;
    wire_error(std::error_code c, std::size_t at = 0) noexcept : code(c), offset(at) {}
    template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
    wire_error(E e, std::size_t at = 0) noexcept : code(make_error_code(e)), offset(at) {}

    operator dane::located_error() const { return dane::located_error(code, offset); }
    std::string message() const { return code.message() + " at offset " + std::to_string(offset); }

    friend bool operator==(const wire_error& e, const std::error_code& c) noexcept {
        return e.code == c;
    }
    template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
    friend bool operator==(const wire_error& e, E c) noexcept {
        return e.code == make_error_code(c);
    }
};

} // namespace dane::dns

template <>
struct std::is_error_code_enum<dane::dns::errc> : std::true_type {};
