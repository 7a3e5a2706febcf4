// dane::result<T, E>: a value or an error, the subset of C++23 std::expected that the
// library needs (GCC 12 and Clang 14 ship no std::expected in C++20 mode), with the same
// contract:
// - value() on an error throws dane::bad_result_access<E>, which carries the error, in
//   every build mode (with exceptions disabled it terminates instead);
// - error() on a success, and operator* / operator-> on an error, are precondition
//   violations: they terminate in every build mode rather than return a made-up value;
// - and_then / transform / or_else / transform_error compose results without a macro.
#pragma once

#include <exception>
#include <functional>
#include "dane/core/config.hpp"

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace dane {

// Thrown by result<T, E>::value() on an error. The base class lets a handler catch any
// of them, as std::bad_expected_access<void> does.
template <class E>
class bad_result_access;

template <>
class bad_result_access<void> : public std::exception {
public:
    const char* what() const noexcept override { return "dane::result holds an error"; }
};

template <class E>
class bad_result_access : public bad_result_access<void> {
public:
    explicit bad_result_access(E e) : error_(std::move(e)) {}
    const E& error() const& noexcept { return error_; }
    E&& error() && noexcept { return std::move(error_); }

private:
    E error_;
};

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

template <class T, class E>
class result;

namespace detail {
// A broken precondition is a bug in the caller, not a condition to report: stop.
[[noreturn]] inline void result_precondition_failed() noexcept {
    std::terminate();
}

template <class E>
[[noreturn]] void throw_bad_result_access(const E& e) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
    throw bad_result_access<E>(e);
#else
    (void)e;
    std::terminate();
#endif
}

template <class R>
struct is_result : std::false_type {};
template <class T, class E>
struct is_result<result<T, E>> : std::true_type {};
} // namespace detail

template <class T, class E = std::error_code>
class [[nodiscard]] result {
    static_assert(!std::is_reference_v<T> && !std::is_reference_v<E>);

public:
    using value_type = T;
    using error_type = E;

    constexpr result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    template <class G, class = std::enable_if_t<std::is_constructible_v<E, G>>>
    constexpr result(unexpected<G> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}

    constexpr bool has_value() const noexcept { return v_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    // The value; throws bad_result_access<E> on an error.
    constexpr T& value() & {
        if (!has_value()) detail::throw_bad_result_access(*std::get_if<1>(&v_));
        return *std::get_if<0>(&v_);
    }
    constexpr const T& value() const& {
        if (!has_value()) detail::throw_bad_result_access(*std::get_if<1>(&v_));
        return *std::get_if<0>(&v_);
    }
    constexpr T&& value() && { return std::move(value()); }

    // The value; the result must hold one.
    constexpr T& operator*() & noexcept { return *checked_value(); }
    constexpr const T& operator*() const& noexcept { return *checked_value(); }
    constexpr T&& operator*() && noexcept { return std::move(*checked_value()); }
    constexpr T* operator->() noexcept { return checked_value(); }
    constexpr const T* operator->() const noexcept { return checked_value(); }

    // The error; the result must hold one.
    constexpr const E& error() const& noexcept {
        const E* e = std::get_if<1>(&v_);
        if (!e) detail::result_precondition_failed();
        return *e;
    }
    constexpr E& error() & noexcept {
        E* e = std::get_if<1>(&v_);
        if (!e) detail::result_precondition_failed();
        return *e;
    }

    template <class U>
    constexpr T value_or(U&& other) const& {
        return has_value() ? *std::get_if<0>(&v_) : static_cast<T>(std::forward<U>(other));
    }
    template <class U>
    constexpr T value_or(U&& other) && {
        return has_value() ? std::move(*std::get_if<0>(&v_))
                           : static_cast<T>(std::forward<U>(other));
    }

    // f(value) -> result<U, E>; an error passes through unchanged.
    template <class F>
    constexpr auto and_then(F&& f) const& {
        using R = std::remove_cvref_t<std::invoke_result_t<F, const T&>>;
        static_assert(detail::is_result<R>::value, "and_then: f must return a dane::result");
        if (has_value()) return std::invoke(std::forward<F>(f), **this);
        return R(fail(error()));
    }
    template <class F>
    constexpr auto and_then(F&& f) && {
        using R = std::remove_cvref_t<std::invoke_result_t<F, T&&>>;
        static_assert(detail::is_result<R>::value, "and_then: f must return a dane::result");
        if (has_value()) return std::invoke(std::forward<F>(f), std::move(**this));
        return R(fail(std::move(error())));
    }

    // f(value) -> U gives result<U, E>; an error passes through unchanged.
    template <class F>
    constexpr auto transform(F&& f) const& {
        using U = std::remove_cv_t<std::invoke_result_t<F, const T&>>;
        if (!has_value()) return result<U, E>(fail(error()));
        if constexpr (std::is_void_v<U>) {
            std::invoke(std::forward<F>(f), **this);
            return result<U, E>();
        } else {
            return result<U, E>(std::invoke(std::forward<F>(f), **this));
        }
    }
    template <class F>
    constexpr auto transform(F&& f) && {
        using U = std::remove_cv_t<std::invoke_result_t<F, T&&>>;
        if (!has_value()) return result<U, E>(fail(std::move(error())));
        if constexpr (std::is_void_v<U>) {
            std::invoke(std::forward<F>(f), std::move(**this));
            return result<U, E>();
        } else {
            return result<U, E>(std::invoke(std::forward<F>(f), std::move(**this)));
        }
    }

    // f(error) -> result<T, G>: a chance to recover; a value passes through unchanged.
    template <class F>
    constexpr auto or_else(F&& f) const& {
        using R = std::remove_cvref_t<std::invoke_result_t<F, const E&>>;
        static_assert(detail::is_result<R>::value, "or_else: f must return a dane::result");
        static_assert(std::is_same_v<typename R::value_type, T>,
                      "or_else: f must return a result of the same value type");
        if (has_value()) return R(**this);
        return std::invoke(std::forward<F>(f), error());
    }

    // f(error) -> G gives result<T, G>; a value passes through unchanged.
    template <class F>
    constexpr auto transform_error(F&& f) const& {
        using G = std::remove_cv_t<std::invoke_result_t<F, const E&>>;
        if (has_value()) return result<T, G>(**this);
        return result<T, G>(fail(std::invoke(std::forward<F>(f), error())));
    }

private:
    constexpr T* checked_value() noexcept {
        T* p = std::get_if<0>(&v_);
        if (!p) detail::result_precondition_failed();
        return p;
    }
    constexpr const T* checked_value() const noexcept {
        const T* p = std::get_if<0>(&v_);
        if (!p) detail::result_precondition_failed();
        return p;
    }

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
    // Throws bad_result_access<E> on an error.
    constexpr void value() const {
        if (!ok_) detail::throw_bad_result_access(error_);
    }
    // The error; the result must hold one.
    constexpr const E& error() const noexcept {
        if (ok_) detail::result_precondition_failed();
        return error_;
    }

    // f() -> result<U, E>; an error passes through unchanged.
    template <class F>
    constexpr auto and_then(F&& f) const {
        using R = std::remove_cvref_t<std::invoke_result_t<F>>;
        static_assert(detail::is_result<R>::value, "and_then: f must return a dane::result");
        if (ok_) return std::invoke(std::forward<F>(f));
        return R(fail(error_));
    }
    // f() -> U gives result<U, E>.
    template <class F>
    constexpr auto transform(F&& f) const {
        using U = std::remove_cv_t<std::invoke_result_t<F>>;
        if (!ok_) return result<U, E>(fail(error_));
        if constexpr (std::is_void_v<U>) {
            std::invoke(std::forward<F>(f));
            return result<U, E>();
        } else {
            return result<U, E>(std::invoke(std::forward<F>(f)));
        }
    }
    // f(error) -> result<void, G>.
    template <class F>
    constexpr auto or_else(F&& f) const {
        using R = std::remove_cvref_t<std::invoke_result_t<F, const E&>>;
        static_assert(detail::is_result<R>::value, "or_else: f must return a dane::result");
        if (ok_) return R();
        return std::invoke(std::forward<F>(f), error_);
    }
    // f(error) -> G gives result<void, G>.
    template <class F>
    constexpr auto transform_error(F&& f) const {
        using G = std::remove_cv_t<std::invoke_result_t<F, const E&>>;
        if (ok_) return result<void, G>();
        return result<void, G>(fail(std::invoke(std::forward<F>(f), error_)));
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
