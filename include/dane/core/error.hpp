// Errors of the core layer, and the pattern every layer follows: one `enum class errc`,
// one std::error_category whose messages say what was wrong in plain words.
#pragma once

#include "dane/core/config.hpp"

#include <string>
#include <system_error>

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
