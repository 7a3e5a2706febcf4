#include <doctest/doctest.h>

#include <optional>
#include <type_traits>

#include <algorithm>
#include <vector>

#include "dane/dns/name.hpp"

using namespace dane;
using namespace dane::dns;

namespace {
name n(std::string_view text) {
    return name::parse(text).value();
}
} // namespace

TEST_CASE("presentation form parses into wire form and prints back") {
    auto a = n("www.Example.COM.");
    CHECK(a.size() == 17);
    CHECK(a.label_count() == 3);
    CHECK(a.to_string() == "www.Example.COM.");
    CHECK(n(".").is_root());
    CHECK(n(".").to_string() == ".");
    CHECK(n("a\\.b.c.").label_count() == 2);
    CHECK(n("a\\.b.c.").to_string() == "a\\.b.c.");
    CHECK(n("\\065\\000x.").to_string() == "A\\000x.");
    CHECK(n("a\\ b.").to_string() == "a\\032b.");
}

TEST_CASE("relative names need an origin; @ is the origin") {
    auto origin = n("example.org.");
    CHECK(name::parse("www", &origin).value().to_string() == "www.example.org.");
    CHECK(name::parse("@", &origin).value() == origin);
    CHECK(name::parse("www").error() == errc::relative_name);
}

TEST_CASE("parse and from_wire report the same error type, with a position") {
    static_assert(std::is_same_v<decltype(name::parse("a."))::error_type,
                                 decltype(name::from_wire(bytes_view{}))::error_type>);
    static_assert(std::is_same_v<decltype(name::parse("a."))::error_type, located_error>);
    // The offset is that of the character where the text went wrong.
    CHECK(name::parse("ab..c.").error().offset == std::optional<std::size_t>(3));
    CHECK(name::parse("ab.c\\2x.").error().offset == std::optional<std::size_t>(4));
    CHECK(name::parse(std::string(64, 'a') + ".").error().offset == std::optional<std::size_t>(63));
    auto e = name::parse("ab..c.").error();
    CHECK(e.message() == "empty label at offset 3");
    // A relative name without an origin has no position to report.
    CHECK(!name::parse("www").error().offset);
}

TEST_CASE("bad presentation names give their specific error") {
    CHECK(name::parse("a..b.").error() == errc::empty_label);
    CHECK(name::parse(".a.").error() == errc::empty_label);
    CHECK(name::parse("").error() == errc::empty_label);
    CHECK(name::parse("a\\").error() == errc::bad_escape);
    CHECK(name::parse("a\\25").error() == errc::bad_escape);
    CHECK(name::parse("a\\256.").error() == errc::bad_escape);
    CHECK(name::parse(std::string(64, 'a') + ".").error() == errc::label_too_long);
    CHECK(name::parse(std::string(63, 'a') + ".").has_value());
    // 4 x 63-octet labels = 256 wire octets with the root: one too many.
    std::string l63(63, 'a');
    CHECK(name::parse(l63 + "." + l63 + "." + l63 + "." + l63 + ".").error() ==
          errc::name_too_long);
    std::string ok = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'a') + ".";
    CHECK(name::parse(ok).value().size() == 255);
}

TEST_CASE("equality ignores ASCII case only") {
    CHECK(n("EXAMPLE.com.") == n("example.COM."));
    CHECK(!(n("\\200.") == n("\\232."))); // no case folding above ASCII
    CHECK(!n("EXAMPLE.com.").view().identical(n("example.com.")));
}

TEST_CASE("parent, suffix, subdomain and wildcard") {
    auto a = n("a.b.example.");
    CHECK(a.parent() == n("b.example."));
    CHECK(a.suffix(1) == n("example."));
    CHECK(a.suffix(0).is_root());
    CHECK(n(".").parent().is_root());
    CHECK(a.is_subdomain_of(n("EXAMPLE.")));
    CHECK(a.is_subdomain_of(a));
    CHECK(!a.is_strict_subdomain_of(a));
    CHECK(!n("xexample.").is_subdomain_of(n("example.")));
    CHECK(!n("b.example.").is_subdomain_of(a));
    CHECK(n("*.example.").is_wildcard());
    CHECK(!n("\\*.example.").is_wildcard() == false); // an escaped * is still the label "*"
    CHECK(!n("a*.example.").is_wildcard());
    CHECK(n("example.").prepend("*").value() == n("*.example."));
    CHECK(n("example.").lowercased().view().identical(n("EXAMPLE.").lowercased()));
}

TEST_CASE("canonical order matches RFC 4034 §6.1's example") {
    std::vector<name> sorted = {
        n("example."),         n("a.example."),      n("yljkjljk.a.example."),
        n("Z.a.example."),     n("zABC.a.EXAMPLE."), n("z.example."),
        n("\\001.z.example."), n("*.z.example."),    n("\\200.z.example.")};
    auto shuffled = sorted;
    std::reverse(shuffled.begin(), shuffled.end());
    std::swap(shuffled[1], shuffled[5]);
    std::sort(shuffled.begin(), shuffled.end(), canonical_less{});
    for (std::size_t i = 0; i < sorted.size(); ++i)
        CHECK(shuffled[i].view().identical(sorted[i]));
}

TEST_CASE("wire-form names are checked") {
    const std::uint8_t good[] = {3, 'w', 'w', 'w', 0, 0xff};
    auto v = name_view::from_wire(as_bytes(good));
    REQUIRE(v.has_value());
    CHECK(v->size() == 5);
    const std::uint8_t trunc[] = {3, 'w', 'w'};
    CHECK(name_view::from_wire(as_bytes(trunc)).error() == errc::truncated);
    const std::uint8_t ptr[] = {0xc0, 0x0c};
    CHECK(name_view::from_wire(as_bytes(ptr)).error() == errc::pointer_not_allowed);
    const std::uint8_t ext[] = {0x41, 0};
    CHECK(name_view::from_wire(as_bytes(ext)).error() == errc::bad_label_type);
}
