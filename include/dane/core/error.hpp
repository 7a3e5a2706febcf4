// Errors of the core layer, and the pattern every layer follows: one `enum class errc`,
// one std::error_category whose messages say what was wrong in plain words. Where the
// input has positions (a message, a zone file, a TLSA file, a hex dump), the error is a
// dane::located_error: that code plus where it was found and what was being read.
#pragma once

#include <cstddef>
#include <optional>
#include "dane/core/config.hpp"

#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace dane::core {

enum class errc {
    truncated = 1, // the input ended before the field being read
    bad_hex,       // not an even number of hex digits
    bad_base64,    // not canonical base64
    bad_base32hex, // not canonical base32hex (RFC 4648 §7)
    out_of_range,  // a number does not fit its field
    bad_number,    // not a decimal number
};

namespace detail {
class core_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "dane.core"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
        case errc::truncated:
            return "input ends inside a field";
        case errc::bad_hex:
            return "malformed hex";
        case errc::bad_base64:
            return "malformed base64";
        case errc::bad_base32hex:
            return "malformed base32hex";
        case errc::out_of_range:
            return "number out of range";
        case errc::bad_number:
            return "not a decimal number";
        }
        return "unknown core error";
    }
};
} // namespace detail

// A function-local static of a class with a constant-initialised, stateless body: the
// standard idiom for categories (std::generic_category works the same way).
inline const std::error_category& core_category() noexcept {
    static const detail::core_category instance;
    return instance;
}

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), core_category()};
}

} // namespace dane::core

template <>
struct std::is_error_code_enum<dane::core::errc> : std::true_type {};

namespace dane {

// The one error type of every parser over positioned input: an error code of its layer
// (dns::errc, dnssec::errc, tlsa::errc ...), the position, and what was being read when the
// code alone does not say. Wire-form input reports an octet offset, text input a line
// (1-based) and, where known, the offset of the character within the whole text. The DNS
// message parser's inner loops return dns::wire_error, the same code and offset without the
// context string, which converts to this type.
struct located_error {
    std::error_code code;
    std::optional<std::size_t> offset; // octets (or characters) from the start of the input
    std::optional<std::size_t> line;   // 1-based line of text input
    std::string context;               // e.g. "TXT: bad escape"; empty when code says it all

    located_error() = default;
    // An error at an octet offset of wire-form input (or with no position: nullopt).
    located_error(std::error_code c, std::optional<std::size_t> at = std::nullopt)
        : code(c), offset(at) {}
    template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
    located_error(E e, std::optional<std::size_t> at = std::nullopt)
        : code(make_error_code(e)), offset(at) {}

    // An error on a line of text input.
    static located_error at_line(std::error_code c, std::size_t line, std::string context = {}) {
        located_error e(c);
        e.line = line;
        e.context = std::move(context);
        return e;
    }

    // "line 3: <context or code message>", "<code message> at offset 12", or the bare text.
    std::string message() const {
        std::string m;
        if (line) m = "line " + std::to_string(*line) + ": ";
        m += context.empty() ? code.message() : context;
        if (offset && !line) m += " at offset " + std::to_string(*offset);
        return m;
    }

    friend bool operator==(const located_error& e, const std::error_code& c) noexcept {
        return e.code == c;
    }
    template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
    friend bool operator==(const located_error& e, E c) noexcept {
        return e.code == make_error_code(c);
    }
};

} // namespace dane
