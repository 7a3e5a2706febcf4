#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dane/dns/zone_parser.hpp"

using namespace dane;
using namespace dane::dns;

namespace {

name n(std::string_view text) {
    return name::parse(text).value();
}

byte_buffer hex(std::string_view h) {
    return from_hex(h).value();
}
byte_buffer octets(std::string_view text) {
    auto b = as_bytes(text);
    return byte_buffer(b.begin(), b.end());
}
byte_buffer cat(std::initializer_list<byte_buffer> parts) {
    byte_buffer out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The fields of the first entry of `text`, as (text, quoted) pairs.
struct lexed {
    std::vector<std::string> text;
    std::vector<bool> quoted;
    std::vector<std::size_t> line;
    bool blank_owner = false;
};
std::optional<lexed> lex_one(std::string_view text, std::size_t skip = 0) {
    dns::detail::zone_lexer lx(text);
    dns::detail::zone_entry e;
    for (std::size_t i = 0; i <= skip; ++i) {
        auto r = lx.next(e);
        REQUIRE(r.has_value());
        if (!*r) return std::nullopt;
    }
    lexed out;
    for (const auto& t : e.tokens) {
        out.text.emplace_back(t.text);
        out.quoted.push_back(t.quoted);
        out.line.push_back(t.line);
    }
    out.blank_owner = e.blank_owner;
    return out;
}

zone_error lex_error(std::string_view text) {
    dns::detail::zone_lexer lx(text);
    dns::detail::zone_entry e;
    for (;;) {
        auto r = lx.next(e);
        if (!r) return r.error();
        REQUIRE(*r); // the input was meant to fail before its end
    }
}

std::vector<record> parse(std::string_view text, const name* origin = nullptr,
                          std::optional<std::uint32_t> ttl = std::nullopt) {
    auto r = parse_zone(text, origin, ttl);
    if (!r) FAIL_CHECK(r.error().message());
    REQUIRE(r.has_value());
    return std::move(*r);
}

record one(std::string_view text, const name* origin = nullptr) {
    auto v = parse(text, origin);
    REQUIRE(v.size() == 1);
    return v[0];
}

zone_error parse_error(std::string_view text, const name* origin = nullptr) {
    auto r = parse_zone(text, origin);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

std::string text_of(const std::vector<record>& rs) {
    std::string out;
    for (const auto& r : rs) {
        append_record_text(out, r);
        out += '\n';
    }
    return out;
}

// Canonical order of a record set, so that two parsers' outputs compare as sets.
bool record_less(const record& a, const record& b) {
    if (auto c = canonical_compare(a.owner, b.owner); c != 0) return c < 0;
    if (a.type != b.type) return a.type < b.type;
    if (a.klass != b.klass) return a.klass < b.klass;
    if (a.ttl != b.ttl) return a.ttl < b.ttl;
    return a.rdata < b.rdata;
}
std::vector<record> sorted(std::vector<record> v) {
    std::sort(v.begin(), v.end(), record_less);
    return v;
}

std::string source_root() {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    return root ? root : ".";
}
std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
std::string zone_path(std::string_view file) {
    return source_root() + "/tests/data/zones/" + std::string(file);
}

// Runs a command and returns its standard output, or nullopt when it could not run.
std::optional<std::string> run(const std::string& command) {
    FILE* p = popen(command.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[4096];
    while (std::size_t k = std::fread(buf, 1, sizeof buf, p))
        out.append(buf, k);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

const name example = n("example.");

} // namespace

TEST_CASE("zone: fields are split at blanks; quotes are removed and escapes kept") {
    auto e = lex_one("www  IN\tTXT \"a \\\" b\" x\\;y \\( \\040 a\\ b \"\"\n");
    REQUIRE(e);
    CHECK(e->text == std::vector<std::string>{"www", "IN", "TXT", "a \\\" b", "x\\;y", "\\(",
                                              "\\040", "a\\ b", ""});
    CHECK(e->quoted ==
          std::vector<bool>{false, false, false, true, false, false, false, false, true});
    CHECK_FALSE(e->blank_owner);
}

TEST_CASE("zone: comments end at the line end, but not inside quotes") {
    auto e = lex_one("a TXT \"x ; y\" ; a comment \"with quotes\n; whole-line comment\nb");
    REQUIRE(e);
    CHECK(e->text == std::vector<std::string>{"a", "TXT", "x ; y"});
    auto f = lex_one("a TXT \"x ; y\" ; a comment \"with quotes\n; whole-line comment\nb", 1);
    REQUIRE(f);
    CHECK(f->text == std::vector<std::string>{"b"});
    CHECK(f->line == std::vector<std::size_t>{3});
}

TEST_CASE("zone: parentheses join lines; delimiters need no blanks around them") {
    const char* text = "@ SOA ns host (1 ; serial\n"
                       "  2 3\n"
                       "  4 5)\n"
                       "next A 192.0.2.1\n";
    auto e = lex_one(text);
    REQUIRE(e);
    CHECK(e->text == std::vector<std::string>{"@", "SOA", "ns", "host", "1", "2", "3", "4", "5"});
    CHECK(e->line == std::vector<std::size_t>{1, 1, 1, 1, 1, 2, 2, 3, 3});
    auto f = lex_one(text, 1);
    REQUIRE(f);
    CHECK(f->text.front() == "next");
    CHECK(f->line.front() == 4);
    CHECK_FALSE(lex_one(text, 2));
}

TEST_CASE("zone: an entry that starts with a blank has no owner") {
    auto e = lex_one("\n  ; only a comment\n\tA 192.0.2.1\n");
    REQUIRE(e);
    CHECK(e->blank_owner);
    CHECK(e->line.front() == 3);
    // Blank lines before an owner do not make it blank.
    auto f = lex_one("   \n\nwww A 192.0.2.1");
    REQUIRE(f);
    CHECK_FALSE(f->blank_owner);
    // An entry that opens with "(" on a blank line keeps that line's blank.
    auto g = lex_one("  (\nA 192.0.2.1 )");
    REQUIRE(g);
    CHECK(g->blank_owner);
}

TEST_CASE("zone: CRLF line ends and a missing final line end") {
    auto e = lex_one("a A 192.0.2.1\r\nb A 192.0.2.2", 1);
    REQUIRE(e);
    CHECK(e->text == std::vector<std::string>{"b", "A", "192.0.2.2"});
    CHECK(e->line.front() == 2);
    CHECK_FALSE(lex_one(""));
    CHECK_FALSE(lex_one("\n\n ; nothing\n\t\r\n"));
}

TEST_CASE("zone: lexer errors name the line") {
    auto e = lex_error("a A 1\nb A 2 )\n");
    CHECK(e == errc::unbalanced_parens);
    CHECK(e.line == 2);
    // An unclosed "(" is reported where it was opened.
    e = lex_error("a A 1\nb SOA ( 1 2\n3 4\n5\n");
    CHECK(e == errc::unbalanced_parens);
    CHECK(e.line == 2);
    CHECK(e.message() == "line 2: '(' is never closed");
    e = lex_error("a A 1\n\nb TXT \"open\nc A 2\n");
    CHECK(e == errc::unterminated_string);
    CHECK(e.line == 3);
    e = lex_error("b TXT \"open \\\"");
    CHECK(e == errc::unterminated_string);
    e = lex_error("b TXT \"open \\\n\"");
    CHECK(e == errc::unterminated_string);
    e = lex_error("a A 1\nb TXT x\\\n");
    CHECK(e == errc::bad_escape);
    CHECK(e.line == 2);
    e = lex_error("b TXT x\\");
    CHECK(e == errc::bad_escape);
}

TEST_CASE("zone: an entry has a bounded number of fields") {
    std::string text = "a TXT";
    for (int i = 0; i < 100; ++i)
        text += " x";
    dns::detail::zone_lexer lx(text, zone_limits{.max_fields = 50});
    dns::detail::zone_entry e;
    auto r = lx.next(e);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::bad_syntax);
    dns::detail::zone_lexer ok(text, zone_limits{.max_fields = 102});
    CHECK(ok.next(e).value());
}

TEST_CASE("zone: a record with every field given") {
    auto r = one("www.example. 300 IN A 192.0.2.1");
    CHECK(r.owner == n("www.example."));
    CHECK(r.ttl == 300);
    CHECK(r.klass == rr_class::in);
    CHECK(r.type == rr_type::a);
    CHECK(r.rdata == hex("c0000201"));
}

TEST_CASE("zone: $ORIGIN, @ and relative names, in owners and in RDATA") {
    auto rs = parse("$ORIGIN example.\n"
                    "$TTL 60\n"
                    "@ MX 10 mail\n"
                    "www CNAME @\n"
                    "$ORIGIN sub\n" // relative to the origin in force: sub.example.
                    "x CNAME www.example.\n"
                    "@ NS ns1.Other.\n");
    REQUIRE(rs.size() == 4);
    CHECK(rs[0].owner == n("example."));
    CHECK(rs[0].rdata == hex("000a046d61696c076578616d706c6500"));
    CHECK(rs[1].owner == n("www.example."));
    CHECK(rs[1].rdata == byte_buffer(example.wire().begin(), example.wire().end()));
    CHECK(rs[2].owner == n("x.sub.example."));
    CHECK(rs[3].owner == n("sub.example."));
    // The origin the caller gives is in force until a $ORIGIN.
    auto r = one("www 60 A 192.0.2.1", &example);
    CHECK(r.owner == n("www.example."));
    // Case is kept.
    CHECK(to_string(rs[3]) == "sub.example.\t60\tIN\tNS\tns1.Other.");
}

TEST_CASE("zone: an omitted owner is the previous record's owner") {
    auto rs = parse("$ORIGIN example.\n$TTL 60\n"
                    "www A 192.0.2.1\n"
                    "    AAAA 2001:db8::1\n"
                    "$ORIGIN other.\n" // does not change the owner of the next blank entry
                    "\tTXT \"x\"\n");
    REQUIRE(rs.size() == 3);
    CHECK(rs[1].owner == n("www.example."));
    CHECK(rs[2].owner == n("www.example."));
}

TEST_CASE("zone: omitted TTLs: $TTL when given (RFC 2308), else the last one written out") {
    auto rs = parse("$ORIGIN example.\n"
                    "a 100 A 192.0.2.1\n"
                    "b A 192.0.2.2\n" // no $TTL yet: the last TTL given, RFC 1035
                    "$TTL 200\n"
                    "c A 192.0.2.3\n"     // $TTL
                    "d 300 A 192.0.2.4\n" // explicit
                    "e A 192.0.2.5\n"     // $TTL again, not 300 (RFC 2308 §4)
                    "$TTL 1h30m\n"
                    "f A 192.0.2.6\n");
    REQUIRE(rs.size() == 6);
    CHECK(rs[0].ttl == 100);
    CHECK(rs[1].ttl == 100);
    CHECK(rs[2].ttl == 200);
    CHECK(rs[3].ttl == 300);
    CHECK(rs[4].ttl == 200);
    CHECK(rs[5].ttl == 5400);
    // The caller's default acts as a $TTL before the first line.
    auto d = parse("a.example. A 192.0.2.1\nb.example. 7 A 192.0.2.1\nc.example. A 192.0.2.1",
                   nullptr, 42);
    CHECK(d[0].ttl == 42);
    CHECK(d[1].ttl == 7);
    CHECK(d[2].ttl == 42);
}

TEST_CASE("zone: TTL units, BIND style") {
    struct {
        const char* ttl;
        std::uint32_t seconds;
    } cases[] = {{"0", 0},
                 {"86400", 86400},
                 {"1s", 1},
                 {"1m", 60},
                 {"1H", 3600},
                 {"1d", 86400},
                 {"1W", 604800},
                 {"1h30m", 5400},
                 {"1w2d3h4m5s", 788645},
                 {"2147483647", 2147483647}};
    for (const auto& c : cases) {
        CAPTURE(std::string(c.ttl));
        auto r = one(std::string("a.example. ") + c.ttl + " A 192.0.2.1");
        CHECK(r.ttl == c.seconds);
    }
    for (const char* bad : {"1x", "1h30", "1h-", "2147483648", "4294967296", "99999999999999"}) {
        CAPTURE(std::string(bad));
        auto e = parse_error(std::string("\n\na.example. ") + bad + " A 192.0.2.1");
        CHECK(e == errc::bad_number);
        CHECK(e.line == 3);
    }
    CHECK(parse_error("a.example. 2147483648 A 192.0.2.1").message() ==
          "line 1: bad TTL '2147483648': above 2147483647 (RFC 2181 §8)");
    CHECK(parse_error("$TTL 1y").message() == "line 1: bad $TTL '1y'");
}

TEST_CASE("zone: class: IN by default, else the previous record's; in either order with the TTL") {
    auto rs = parse("$ORIGIN example.\n$TTL 60\n"
                    "a A 192.0.2.1\n"
                    "b CH TXT \"x\"\n"
                    "c TXT \"y\"\n" // CH carries over
                    "d IN 5 A 192.0.2.1\n"
                    "e 6 IN A 192.0.2.1\n"
                    "f CLASS3 7 TXT \"z\"\n"
                    "g class1 a 192.0.2.1\n"); // mnemonics are case-insensitive
    REQUIRE(rs.size() == 7);
    CHECK(rs[0].klass == rr_class::in);
    CHECK(rs[1].klass == rr_class::ch);
    CHECK(rs[2].klass == rr_class::ch);
    CHECK(rs[3].klass == rr_class::in);
    CHECK(rs[3].ttl == 5);
    CHECK(rs[4].ttl == 6);
    CHECK(rs[5].klass == rr_class::ch);
    CHECK(rs[5].ttl == 7);
    CHECK(rs[6].klass == rr_class::in);
    CHECK(rs[6].type == rr_type::a);
    // CLASSnnn for a class with no mnemonic, and it prints back the same way.
    auto r = one("a.example. 1 CLASS32 TYPE731 \\# 2 abcd");
    CHECK(static_cast<int>(r.klass) == 32);
    CHECK(to_string(r) == "a.example.\t1\tCLASS32\tTYPE731\t\\# 2 ABCD");
}

TEST_CASE("zone: a record over several lines in parentheses, with comments") {
    auto r = one("example. 3600 IN SOA ns1.example. hostmaster.example. (\n"
                 "    2025010101 ; serial\n"
                 "    2h         ; refresh\n"
                 "    1h         ; retry\n"
                 "    2w         ; expire\n"
                 "    300 )      ; minimum\n");
    CHECK(to_string(r) == "example.\t3600\tIN\tSOA\tns1.example. hostmaster.example. "
                          "2025010101 7200 3600 1209600 300");
}

TEST_CASE("zone: quoted strings with escapes reach the RDATA intact") {
    auto r = one(R"z(a.example. 1 TXT "say \"hi\"; \(ok\)" \"bare\" a\;b "\226\130\172" "")z");
    CHECK(r.rdata == cat({hex("0e"), octets("say \"hi\"; (ok)"), hex("06"), octets("\"bare\""),
                          hex("03"), octets("a;b"), hex("03e282ac"), hex("00")}));
    CHECK(to_string(r) == "a.example.\t1\tIN\tTXT\t"
                          R"z("say \"hi\"; (ok)" "\"bare\"" "a;b" "\226\130\172" "")z");
    // Escapes in owner names: \. is a dot inside a label, \032 a space.
    auto o = one(R"(a\.b\032c.example. 1 A 192.0.2.1)");
    CHECK(o.owner.label_count() == 2);
    CHECK(o.owner.to_string() == R"(a\.b\032c.example.)");
}

TEST_CASE("zone: RFC 3597: TYPEnnn, CLASSnnn and generic RDATA") {
    // §5's examples.
    auto rs = parse("a.example.   CLASS32     TYPE731         \\# 6 abcd (\n"
                    "                                         ef 01 23 45 )\n"
                    "b.example.   HS          TYPE62347       \\# 0\n"
                    "e.example.   IN          A               \\# 4 0A000001\n"
                    "e.example.   CLASS1      TYPE1           10.0.0.2\n",
                    nullptr, 300);
    REQUIRE(rs.size() == 4);
    CHECK(rs[0].rdata == hex("abcdef012345"));
    CHECK(static_cast<int>(rs[0].type) == 731);
    CHECK(rs[1].klass == rr_class::hs);
    CHECK(rs[1].rdata.empty());
    CHECK(rs[2].type == rr_type::a);
    CHECK(rs[2].rdata == hex("0a000001"));
    CHECK(rs[3].type == rr_type::a);
    CHECK(rs[3].klass == rr_class::in);
    CHECK(text_of(rs) == "a.example.\t300\tCLASS32\tTYPE731\t\\# 6 ABCDEF012345\n"
                         "b.example.\t300\tHS\tTYPE62347\t\\# 0\n"
                         "e.example.\t300\tIN\tA\t10.0.0.1\n"
                         "e.example.\t300\tIN\tA\t10.0.0.2\n");
    // Generic RDATA for a known type must still fit the type's format.
    auto e = parse_error("\na.example. 1 MX \\# 2 000a");
    CHECK(e.line == 2);
    CHECK(e.message() == "line 2: bad RDATA for MX: \\# data does not fit MX: " + e.code.message() +
                             " at offset 2");
}

TEST_CASE("zone: records stream out one at a time") {
    std::string text = "$ORIGIN example.\n$TTL 1\n";
    for (int i = 0; i < 1000; ++i)
        text += "h" + std::to_string(i) + " A 192.0.2." + std::to_string(i % 256) + "\n";
    zone_parser p(text);
    std::size_t count = 0;
    for (;;) {
        auto r = p.next();
        REQUIRE(r.has_value());
        if (!*r) break;
        CHECK((*r)->owner == n("h" + std::to_string(count) + ".example."));
        ++count;
    }
    CHECK(count == 1000);
    CHECK(p.line() == 1003);
    // The end stays the end.
    CHECK_FALSE(p.next().value());
    CHECK(p.origin());
    CHECK(*p.origin() == example);
    CHECK(p.default_ttl() == 1u);
}

TEST_CASE("zone: an error sticks") {
    zone_parser p("a.example. 1 A 192.0.2.1\nb.example. 1 A 192.0.2.300\nc.example. 1 A "
                  "192.0.2.3\n");
    CHECK(p.next().value());
    auto e = p.next();
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error() == errc::bad_address);
    CHECK(e.error().line == 2);
    auto again = p.next();
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().message() == e.error().message());
}

TEST_CASE("zone: each error names its line and what was wrong") {
    struct {
        const char* text;
        errc code;
        std::size_t line;
        const char* message;
    } cases[] = {
        {"$ORIGIN example.\n$TTL 1\nmx1 MX 10\n", errc::missing_field, 3,
         "line 3: bad RDATA for MX: missing exchange"},
        {"$TTL 1\na.example. A 192.0.2.1 192.0.2.2\n", errc::extra_field, 2,
         "line 2: bad RDATA for A: extra field \"192.0.2.2\""},
        {"$TTL 1\n\n\na.example. A (\n192.0.2.1\n192.0.2.2 )\n", errc::extra_field, 4,
         "line 4: bad RDATA for A: extra field \"192.0.2.2\""},
        {"$TTL 1\nwww A 192.0.2.1\n", errc::relative_name, 2,
         "line 2: bad owner name 'www': relative name and no $ORIGIN"},
        {"$TTL 1\n@ A 192.0.2.1\n", errc::relative_name, 2,
         "line 2: bad owner name '@': relative name and no $ORIGIN"},
        {"$TTL 1\na.example. CNAME b\n", errc::relative_name, 2,
         "line 2: bad RDATA for CNAME: target \"b\" is not a valid name: relative name with no "
         "origin"},
        {"$TTL 1\na..example. A 192.0.2.1\n", errc::empty_label, 2,
         "line 2: bad owner name 'a..example.': empty label"},
        {"$TTL 1\n\"q.example.\" A 192.0.2.1\n", errc::bad_syntax, 2,
         "line 2: owner name may not be a quoted string"},
        {"$TTL 1\n  A 192.0.2.1\n", errc::no_owner, 2,
         "line 2: no owner: the first record starts with a blank"},
        {"; no TTL anywhere\na.example. A 192.0.2.1\n", errc::no_ttl, 2,
         "line 2: no TTL: give the record one, or a $TTL before it"},
        {"$TTL 1\na.example. FOO 1 2\n", errc::unknown_type, 2, "line 2: unknown type 'FOO'"},
        {"$TTL 1\na.example. IN\n", errc::bad_syntax, 2, "line 2: missing record type"},
        {"$TTL 1\na.example. 5\n", errc::bad_syntax, 2, "line 2: missing record type"},
        {"$TTL 1\na.example. 5 IN 6 A 192.0.2.1\n", errc::unknown_type, 2,
         "line 2: unknown type '6'"},
        {"$TTL 1\na.example. \"A\" 192.0.2.1\n", errc::unknown_type, 2, "line 2: unknown type 'A'"},
        {"$TTL 1\na.example. OPT \\# 0\n", errc::unknown_type, 2,
         "line 2: OPT is a meta type, not zone data (RFC 6895 §3.1)"},
        {"$TTL 1\na.example. ANY \\# 0\n", errc::unknown_type, 2, "line 2: unknown type '\\#'"},
        {"$TTL 1\na.example. IN ANY \\# 0\n", errc::unknown_type, 2,
         "line 2: ANY is a meta type, not zone data (RFC 6895 §3.1)"},
        {"$TTL 1\na.example. TXT \"x\"\n$INCLUDE other.zone\n", errc::bad_directive, 3,
         "line 3: $INCLUDE is not supported: the parser reads no files; concatenate the "
         "files instead"},
        {"$GENERATE 1-2 a$ A 192.0.2.$\n", errc::bad_directive, 1,
         "line 1: unknown or unsupported directive '$GENERATE'"},
        {"$ORIGIN\n", errc::bad_directive, 1, "line 1: $ORIGIN takes one domain name"},
        {"$ORIGIN a. b.\n", errc::bad_directive, 1, "line 1: $ORIGIN takes one domain name"},
        {"\n$ORIGIN relative\n", errc::relative_name, 2,
         "line 2: bad $ORIGIN 'relative': relative name and no $ORIGIN"},
        {"$TTL\n", errc::bad_directive, 1, "line 1: $TTL takes one TTL"},
        {"$TTL 1 2\n", errc::bad_directive, 1, "line 1: $TTL takes one TTL"},
        {"$TTL 1\na.example. A 192.0.2.1 )\n", errc::unbalanced_parens, 2,
         "line 2: ')' without '('"},
        {"$TTL 1\na.example. TXT \"x\n", errc::unterminated_string, 2,
         "line 2: quoted string not closed on its line"},
        {"$TTL 1\na.example. TXT x\\\n", errc::bad_escape, 2,
         "line 2: backslash at the end of a line"},
        {"$TTL 1\na\\256.example. A 192.0.2.1\n", errc::bad_escape, 2,
         "line 2: bad owner name 'a\\256.example.': bad escape sequence"},
        {"$TTL 1\na.example. TXT \"\\256\"\n", errc::bad_escape, 2,
         "line 2: bad RDATA for TXT: text \"\\\\256\" has a bad escape (\\X or \\DDD, DDD at most "
         "255)"},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.text));
        auto r = parse_zone(c.text);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == c.code);
        CHECK(r.error().line == c.line);
        CHECK(r.error().message() == c.message);
    }
}

TEST_CASE("zone: error messages show hostile fields safely") {
    auto e =
        parse_error(std::string("$TTL 1\na.example. \x01\x7f") + std::string(60, 'x') + " 1\n");
    CHECK(e == errc::unknown_type);
    CHECK(e.message() == "line 2: unknown type '\\001\\127" + std::string(38, 'x') + "...'");
}

TEST_CASE("zone: example.zone: every known type, presentation -> wire -> presentation") {
    const std::string text = read_text(zone_path("example.zone"));
    auto rs = parse(text);
    REQUIRE(rs.size() == 35);

    std::set<rr_type> types;
    for (const auto& r : rs)
        types.insert(r.type);
    for (auto t :
         {rr_type::a,      rr_type::aaaa,       rr_type::ns,    rr_type::cname,
          rr_type::dname,  rr_type::ptr,        rr_type::soa,   rr_type::mx,
          rr_type::txt,    rr_type::srv,        rr_type::ds,    rr_type::cds,
          rr_type::dnskey, rr_type::cdnskey,    rr_type::rrsig, rr_type::nsec,
          rr_type::nsec3,  rr_type::nsec3param, rr_type::tlsa,  static_cast<rr_type>(65534)}) {
        CAPTURE(to_string(t));
        CHECK(types.count(t) == 1);
    }

    // Printing and parsing again gives the same records, and printing those the same text.
    const std::string printed = text_of(rs);
    auto again = parse(printed);
    CHECK(again == rs);
    CHECK(text_of(again) == printed);

    // Spot checks of what the defaults made of the file.
    CHECK(to_string(rs[0]) == "example.\t3600\tIN\tSOA\tns1.example. hostmaster.example. "
                              "2025010101 7200 5400 1209600 300");
    CHECK(rs[8].ttl == 300);  // ns1 300 A
    CHECK(rs[9].ttl == 3600); // then $TTL again
    CHECK(to_string(rs.back()) == "sub2.example.\t600\tIN\tMX\t0 .");
    CHECK(to_string(rs[rs.size() - 2]) == "relative.sub2.example.\t600\tIN\tA\t192.0.2.80");
}

TEST_CASE("zone: example.net signed zones parse; RRSIGs cover every RRset") {
    for (std::string file : {"example.net.nsec.signed", "example.net.nsec3.signed"}) {
        CAPTURE(file);
        auto rs = parse(read_text(zone_path(file)));
        std::size_t sigs = 0, keys = 0, denials = 0;
        std::set<std::pair<std::string, rr_type>> rrsets, covered;
        for (const auto& r : rs) {
            if (r.type == rr_type::rrsig) {
                ++sigs;
                byte_reader in(r.rdata);
                covered.insert(
                    {r.owner.lowercased().to_string(), static_cast<rr_type>(in.u16().value())});
            } else {
                rrsets.insert({r.owner.lowercased().to_string(), r.type});
            }
            keys += r.type == rr_type::dnskey;
            denials += r.type == rr_type::nsec || r.type == rr_type::nsec3;
        }
        CHECK(keys == 2);
        CHECK(denials > 0);
        CHECK(sigs == rrsets.size());
        CHECK(covered == rrsets);
    }
    auto ds = parse(read_text(zone_path("keys/Kexample.net.+013+14638.ds")));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].type == rr_type::ds);
    CHECK(ds[0].owner == n("example.net."));
}

TEST_CASE("zone: the same record sets as ldns-read-zone") {
    // ldns reads the file and prints it back; both texts must give the same records.
    for (std::string file : {"example.zone", "example.net.zone", "example.net.nsec.signed",
                             "example.net.nsec3.signed"}) {
        CAPTURE(file);
        const std::string path = zone_path(file);
        auto ldns = run("ldns-read-zone '" + path + "' 2>/dev/null");
        if (!ldns) {
            MESSAGE("ldns-read-zone did not run (install ldnsutils): skipped for " << file);
            continue;
        }
        auto ours = parse(read_text(path));
        auto theirs = parse(*ldns);
        CHECK(ours.size() == theirs.size());
        CHECK(sorted(ours) == sorted(theirs));
    }
}
