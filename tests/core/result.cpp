#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dane/core/error.hpp"
#include "dane/core/result.hpp"

using namespace dane;

namespace {
result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return fail(core::errc::bad_number);
    return c - '0';
}

// Runs `f` in a child process and reports whether the child was killed by SIGABRT (what
// std::terminate does), so that a precondition failure can be tested without stopping
// the test program.
template <class F>
bool aborts(F f) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // The child's own reports (doctest's crash handler, std::terminate's message)
        // would read as failures of this program: silence them.
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        f();
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}
} // namespace

TEST_CASE("result: value() on an error throws bad_result_access carrying the error") {
    auto r = parse_digit('x');
    REQUIRE(!r);
    try {
        (void)r.value();
        FAIL("value() did not throw");
    } catch (const bad_result_access<std::error_code>& e) {
        CHECK(e.error() == core::errc::bad_number);
    }
    // The base class catches any of them.
    CHECK_THROWS_AS((void)parse_digit('y').value(), bad_result_access<void>);
    CHECK_THROWS_AS((void)std::move(r).value(), bad_result_access<std::error_code>);

    result<void, core::errc> v = fail(core::errc::truncated);
    try {
        v.value();
        FAIL("value() did not throw");
    } catch (const bad_result_access<core::errc>& e) {
        CHECK(e.error() == core::errc::truncated);
    }
    CHECK_NOTHROW(result<void>().value());
    CHECK(parse_digit('7').value() == 7);
}

TEST_CASE("result: error() on a success and * on an error stop the program in every mode") {
    CHECK(aborts([] { (void)parse_digit('1').error(); }));
    CHECK(aborts([] { (void)result<void>().error(); }));
    CHECK(aborts([] { (void)*parse_digit('x'); }));
    CHECK(aborts([] {
        result<std::string> s = fail(std::make_error_code(std::errc::invalid_argument));
        (void)s->size();
    }));
    // The same calls on the right alternative do not.
    CHECK_FALSE(aborts([] { (void)parse_digit('x').error(); }));
    CHECK_FALSE(aborts([] { (void)*parse_digit('1'); }));
}

TEST_CASE("result: accessors that cannot throw are noexcept, value() is not") {
    result<int> r = 1;
    static_assert(noexcept(r.has_value()));
    static_assert(noexcept(static_cast<bool>(r)));
    static_assert(noexcept(*r));
    static_assert(noexcept(r.operator->()));
    static_assert(noexcept(r.error()));
    static_assert(!noexcept(r.value()));
    result<void> v;
    static_assert(noexcept(v.error()));
    static_assert(!noexcept(v.value()));
    CHECK(*r == 1);
}

TEST_CASE("result: and_then, transform, or_else and transform_error compose") {
    auto twice = [](int x) -> result<int> { return 2 * x; };
    auto positive = [](int x) -> result<int> {
        if (x <= 0) return fail(core::errc::out_of_range);
        return x;
    };
    CHECK(parse_digit('4').and_then(twice).value() == 8);
    CHECK(parse_digit('0').and_then(positive).error() == core::errc::out_of_range);
    CHECK(parse_digit('x').and_then(positive).error() == core::errc::bad_number);

    auto text = parse_digit('5').transform([](int x) { return std::to_string(x); });
    static_assert(std::is_same_v<decltype(text), result<std::string>>);
    CHECK(text.value() == "5");
    CHECK(parse_digit('x').transform([](int x) { return x + 1; }).error() ==
          core::errc::bad_number);
    int seen = 0;
    result<void> done = parse_digit('3').transform([&](int x) { seen = x; });
    CHECK(done.has_value());
    CHECK(seen == 3);

    auto recovered =
        parse_digit('x').or_else([](const std::error_code&) -> result<int> { return 0; });
    CHECK(recovered.value() == 0);
    CHECK(parse_digit('9')
              .or_else([](const std::error_code& e) -> result<int> { return fail(e); })
              .value() == 9);

    auto coded =
        parse_digit('x').transform_error([](const std::error_code& e) { return e.message(); });
    static_assert(std::is_same_v<decltype(coded), result<int, std::string>>);
    CHECK(coded.error() == "not a decimal number");
    CHECK(parse_digit('2').transform_error([](const std::error_code&) { return 0; }).value() == 2);

    // result<void>
    result<void> ok;
    CHECK(ok.and_then([] { return parse_digit('6'); }).value() == 6);
    CHECK(ok.transform([] { return 1; }).value() == 1);
    result<void> bad = fail(core::errc::truncated);
    CHECK(bad.and_then([] { return parse_digit('6'); }).error() == core::errc::truncated);
    CHECK(bad.or_else([](const std::error_code&) { return result<void>(); }).has_value());
    CHECK(bad.transform_error([](const std::error_code& e) { return e.value(); }).error() ==
          static_cast<int>(core::errc::truncated));

    // Move-only values move through.
    auto owned = result<std::unique_ptr<int>>(std::make_unique<int>(4))
                     .transform([](std::unique_ptr<int> p) { return *p; });
    CHECK(owned.value() == 4);
}
