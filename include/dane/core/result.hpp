// dane::result<T, E>: a value or an error, the subset of C++23 std::expected that the
// library needs (GCC 12 and Clang 14 ship no std::expected in C++20 mode).
#pragma once

#include "dane/core/config.hpp"

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace dane {

// Wraps an error so that it converts into any result<T, E>.
template <class E>
struct unexpected {
    E error;
};
template <class E>
unexpected(E) -> unexpected<E>;

// Shorthand used at every failing return: `return dane::fail(errc::truncated);`.
template <class E>
constexpr unexpected<std::decay_t<E>> fail(E&& e) {
    return {std::forward<E>(e)};
}

template <class T, class E = std::error_code>
class [[nodiscard]] result {
public:
    using value_type = T;
    using error_type = E;

    constexpr result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    template <class G, class = std::enable_if_t<std::is_constructible_v<E, G>>>
    constexpr result(unexpected<G> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}

    constexpr bool has_value() const noexcept { return v_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    constexpr T& value() & { return check(), std::get<0>(v_); }
    constexpr const T& value() const& { return check(), std::get<0>(v_); }
    constexpr T&& value() && { return check(), std::get<0>(std::move(v_)); }
    constexpr T& operator*() & { return value(); }
    constexpr const T& operator*() const& { return value(); }
    constexpr T* operator->() { return &value(); }
    constexpr const T* operator->() const { return &value(); }

    constexpr const E& error() const {
        assert(!has_value());
        return std::get<1>(v_);
    }

    template <class U>
    constexpr T value_or(U&& other) const& {
        return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(other));
    }

private:
    constexpr void check() const { assert(has_value()); }
    std::variant<T, E> v_;
};

// result<void>: success or an error.
template <class E>
class [[nodiscard]] result<void, E> {
public:
    using value_type = void;
    using error_type = E;

    constexpr result() = default;
    template <class G, class = std::enable_if_t<std::is_constructible_v<E, G>>>
    constexpr result(unexpected<G> e) : error_(E(std::move(e.error))), ok_(false) {}

    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr void value() const { assert(ok_); }
    constexpr const E& error() const {
        assert(!ok_);
        return error_;
    }

private:
    E error_{};
    bool ok_ = true;
};

} // namespace dane

// Propagates an error from an expression of result type; the expression's value is
// discarded. Used where early return keeps a parser flat.
#define DANE_TRY(expr)                                                                             \
    do {                                                                                           \
        auto&& dane_try_r_ = (expr);                                                               \
        if (!dane_try_r_.has_value()) return ::dane::fail(dane_try_r_.error());                    \
    } while (0)
