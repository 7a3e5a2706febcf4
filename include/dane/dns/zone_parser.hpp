// Zone files: the master-file presentation format of RFC 1035 §5.1 with the extensions
// every current server reads — $TTL (RFC 2308 §4), TYPEnnn / CLASSnnn and `\#` generic
// RDATA (RFC 3597 §5), and BIND's TTL units (1h30m).
//
// The parser takes text and hands out one record at a time, so a caller can stream a large
// zone; it never reads a file ($INCLUDE is refused), never throws, and does work linear in
// the input. Errors are values that name the line and what was wrong.
//
//     dns::zone_parser p(text, &origin);
//     for (;;) {
//         auto r = p.next();
//         if (!r) { report(r.error().message()); break; } // "line 12: bad RDATA for MX: ..."
//         if (!*r) break;                                   // end of input
//         use(**r);                                         // a dns::record
//     }
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "dane/core/ascii.hpp"
#include "dane/core/result.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"

namespace dane::dns {

// What was wrong with a zone file and on which line (1-based): the library's one located
// error type (core/error.hpp). `context` is a whole sentence fragment that names the
// offending field; message() prefixes the line.
using zone_error = dane::located_error;

// Bounds on one entry, so that a hostile file cannot make one record cost more than the
// largest legitimate one.
struct zone_limits {
    // Whitespace-separated fields in one entry (owner, TTL, class, type and RDATA). RDATA
    // holds at most 65535 octets (RFC 1035 §3.2.1's RDLENGTH); written one hex digit per
    // field that is 131070 fields, the most any real record can need.
    std::size_t max_fields = 2 * 65535 + 16;
};

namespace detail {

// One field of an entry: the text between delimiters, or between quotes (without them).
// Escapes (\X, \DDD) stay in the text; whoever interprets the field decodes them.
struct zone_token {
    std::string_view text;
    bool quoted = false;
    std::size_t line = 0;
};

// One logical entry: a line, or several lines joined by parentheses (RFC 1035 §5.1).
struct zone_entry {
    std::vector<zone_token> tokens;
    bool blank_owner = false; // the entry's first line starts with a space or tab
};

inline zone_error make_zone_error(errc e, std::size_t line, std::string detail) {
    return located_error::at_line(make_error_code(e), line, std::move(detail));
}

// A field as error messages show it: at most 40 characters, the rest elided, octets that
// would garble a terminal written as \DDD.
inline std::string quote_token(std::string_view text) {
    constexpr std::size_t max_shown = 40;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < max_shown; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c >= 0x7f) {
            out += '\\';
            out += static_cast<char>('0' + c / 100);
            out += static_cast<char>('0' + c / 10 % 10);
            out += static_cast<char>('0' + c % 10);
        } else {
            out += static_cast<char>(c);
        }
    }
    if (text.size() > max_shown) out += "...";
    out += '\'';
    return out;
}

// Splits zone-file text into entries. Delimiters are spaces, tabs, CR, LF, ';' (a comment
// to the end of the line), '(' and ')' (line ends between them do not end the entry) and
// '"' (a quoted field, which must close on its line). A backslash always keeps the next
// character in the field, so `\"`, `\;`, `\(` and `\ ` are field text, not delimiters.
class zone_lexer {
public:
    explicit zone_lexer(std::string_view text, zone_limits limits = {}) noexcept
        : text_(text), limits_(limits) {}

    // Reads the next entry that has at least one field into `out`; false at the end.
    result<bool, zone_error> next(zone_entry& out) {
        out.tokens.clear();
        out.blank_owner = false;
        std::size_t depth = 0;     // open parentheses
        std::size_t open_line = 0; // where the outermost '(' was
        bool line_start = true;    // every call starts at the beginning of a line
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (line_start) {
                line_start = false;
                // RFC 1035 §5.1: an entry that begins with a blank has no owner field.
                if (depth == 0 && out.tokens.empty()) out.blank_owner = c == ' ' || c == '\t';
            }
            switch (c) {
            case '\n':
                ++pos_;
                ++line_;
                line_start = true;
                if (depth == 0 && !out.tokens.empty()) return true;
                break;
            case ' ':
            case '\t':
            case '\r': // CRLF files: the CR is just more white space
                ++pos_;
                break;
            case ';':
                while (pos_ < text_.size() && text_[pos_] != '\n')
                    ++pos_;
                break;
            case '(':
                if (depth++ == 0) open_line = line_;
                ++pos_;
                break;
            case ')':
                if (depth == 0)
                    return fail(make_zone_error(errc::unbalanced_parens, line_, "')' without '('"));
                --depth;
                ++pos_;
                break;
            case '"':
                DANE_TRY(read_quoted(out));
                break;
            default:
                DANE_TRY(read_word(out));
                break;
            }
        }
        if (depth > 0)
            return fail(make_zone_error(errc::unbalanced_parens, open_line, "'(' is never closed"));
        return !out.tokens.empty();
    }

    // The line the lexer has reached (1-based).
    std::size_t line() const noexcept { return line_; }

private:
    static bool is_delimiter(char c) noexcept {
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
        case ';':
        case '(':
        case ')':
        case '"':
            return true;
        default:
            return false;
        }
    }

    result<void, zone_error> push(zone_entry& out, std::string_view text, bool quoted,
                                  std::size_t line) {
        if (out.tokens.size() >= limits_.max_fields)
            return fail(make_zone_error(errc::bad_syntax, line,
                                        "more than " + std::to_string(limits_.max_fields) +
                                            " fields in one entry"));
        out.tokens.push_back(zone_token{text, quoted, line});
        return {};
    }

    result<void, zone_error> read_word(zone_entry& out) {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && !is_delimiter(text_[pos_])) {
            if (text_[pos_] == '\\') {
                // The escaped character belongs to the field whatever it is, except a line
                // end: a field never spans lines.
                if (pos_ + 1 >= text_.size() || text_[pos_ + 1] == '\n')
                    return fail(
                        make_zone_error(errc::bad_escape, line_, "backslash at the end of a line"));
                pos_ += 2;
            } else {
                ++pos_;
            }
        }
        return push(out, text_.substr(start, pos_ - start), false, line_);
    }

    result<void, zone_error> read_quoted(zone_entry& out) {
        const std::size_t start = ++pos_; // past the opening quote
        for (;;) {
            if (pos_ >= text_.size() || text_[pos_] == '\n')
                return fail(make_zone_error(errc::unterminated_string, line_,
                                            "quoted string not closed on its line"));
            if (text_[pos_] == '"') break;
            // \" does not close the string; \<LF> is still a line end.
            pos_ +=
                text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n' ? 2 : 1;
        }
        auto text = text_.substr(start, pos_ - start);
        ++pos_; // past the closing quote
        return push(out, text, true, line_);
    }

    std::string_view text_;
    zone_limits limits_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

} // namespace detail

// Reads records from zone-file text. `origin` completes relative names until a $ORIGIN
// replaces it; `default_ttl` acts as a $TTL given before the first line. The text must
// outlive the parser; the records it returns own their data.
//
// Defaults follow RFC 1035 §5.1 as RFC 2308 §4 amends it:
// - an entry that starts with a blank belongs to the previous record's owner;
// - an omitted TTL is the $TTL in force; before any $TTL, the last TTL written out on a
//   record (RFC 1035's rule, which BIND still applies then); with neither, errc::no_ttl
//   (BIND would fall back to the SOA's MINIMUM there; RFC 2308 §4 retired that meaning);
// - an omitted class is the previous record's class, IN for the first record;
// - TTL and class may come in either order (RFC 1035 §5.1, RFC 3597 §5).
class zone_parser {
public:
    explicit zone_parser(std::string_view text, const name* origin = nullptr,
                         std::optional<std::uint32_t> default_ttl = std::nullopt,
                         zone_limits limits = {})
        : lexer_(text, limits), default_ttl_(default_ttl) {
        if (origin) origin_ = *origin;
    }

    // The next record; an empty optional at the end of the text. After an error, every
    // call returns the same error: a zone with a broken line is not a zone (RFC 1035 §5.2).
    result<std::optional<record>, zone_error> next() {
        if (error_) return fail(*error_);
        auto r = read();
        if (!r) error_ = r.error();
        return r;
    }

    // The origin and $TTL in force at the current position.
    const name* origin() const noexcept { return origin_ ? &*origin_ : nullptr; }
    std::optional<std::uint32_t> default_ttl() const noexcept { return default_ttl_; }
    // The line the parser has reached (1-based).
    std::size_t line() const noexcept { return lexer_.line(); }

    // RFC 2181 §8: a TTL is a 31-bit value; one with the top bit set means zero to a
    // receiver, so a zone that writes one is an error rather than something to pass on.
    static constexpr std::uint32_t max_ttl = 0x7fffffff;

private:
    using token = detail::zone_token;

    result<std::optional<record>, zone_error> read() {
        for (;;) {
            auto more = lexer_.next(entry_);
            if (!more) return fail(more.error());
            if (!*more) return std::optional<record>{};
            const auto& t = entry_.tokens;
            if (!entry_.blank_owner && !t[0].quoted && t[0].text.starts_with('$')) {
                DANE_TRY(directive());
                continue;
            }
            auto rec = make_record();
            if (!rec) return fail(rec.error());
            return std::optional<record>(std::move(*rec));
        }
    }

    static zone_error error(errc e, const token& at, std::string detail) {
        return detail::make_zone_error(e, at.line, std::move(detail));
    }

    result<std::uint32_t, zone_error> ttl_value(const token& t, std::string_view what) const {
        auto v = parse_ttl(t.text);
        if (!v || *v > max_ttl)
            return fail(error(errc::bad_number, t,
                              "bad " + std::string(what) + " " + detail::quote_token(t.text) +
                                  (v ? ": above 2147483647 (RFC 2181 §8)" : "")));
        return *v;
    }

    result<name, zone_error> name_value(const token& t, std::string_view what) const {
        if (t.quoted)
            return fail(
                error(errc::bad_syntax, t, std::string(what) + " may not be a quoted string"));
        auto n = name::parse(t.text, origin());
        if (!n) {
            const bool relative = n.error() == make_error_code(errc::relative_name);
            return fail(located_error::at_line(
                n.error().code, t.line,
                "bad " + std::string(what) + " " + detail::quote_token(t.text) + ": " +
                    (relative ? "relative name and no $ORIGIN" : n.error().code.message())));
        }
        return *n;
    }

    // $ORIGIN and $TTL; $INCLUDE would read a file, which this parser never does.
    result<void, zone_error> directive() {
        const auto& t = entry_.tokens;
        const std::string_view d = t[0].text;
        if (ascii_iequals(d, "$ORIGIN")) {
            if (t.size() != 2)
                return fail(error(errc::bad_directive, t[0], "$ORIGIN takes one domain name"));
            auto n = name_value(t[1], "$ORIGIN");
            if (!n) return fail(n.error());
            origin_ = *n;
            return {};
        }
        if (ascii_iequals(d, "$TTL")) {
            if (t.size() != 2) return fail(error(errc::bad_directive, t[0], "$TTL takes one TTL"));
            auto v = ttl_value(t[1], "$TTL");
            if (!v) return fail(v.error());
            default_ttl_ = *v;
            return {};
        }
        if (ascii_iequals(d, "$INCLUDE"))
            return fail(error(errc::bad_directive, t[0],
                              "$INCLUDE is not supported: the parser reads no files; "
                              "concatenate the files instead"));
        return fail(error(errc::bad_directive, t[0],
                          "unknown or unsupported directive " + detail::quote_token(d)));
    }

    result<record, zone_error> make_record() {
        const auto& t = entry_.tokens;
        std::size_t i = 0;
        record r;
        if (entry_.blank_owner) {
            if (!owner_)
                return fail(
                    error(errc::no_owner, t[0], "no owner: the first record starts with a blank"));
        } else {
            auto n = name_value(t[0], "owner name");
            if (!n) return fail(n.error());
            owner_ = *n;
            i = 1;
        }
        r.owner = *owner_;

        // [<TTL>] [<class>] or [<class>] [<TTL>]: a TTL starts with a digit, no mnemonic
        // does, and class and type mnemonics are disjoint (RFC 3597 §5), so each field is
        // known by its text. ANY is both a class and a (meta) type; as a class it is fine.
        std::optional<std::uint32_t> ttl;
        std::optional<rr_class> klass;
        for (; i < t.size() && !t[i].quoted; ++i) {
            const char c = t[i].text.empty() ? '\0' : t[i].text[0];
            if (!ttl && c >= '0' && c <= '9') {
                auto v = ttl_value(t[i], "TTL");
                if (!v) return fail(v.error());
                ttl = *v;
            } else if (auto k = klass ? std::nullopt : parse_rr_class(t[i].text)) {
                klass = *k;
            } else {
                break;
            }
        }
        if (i == t.size()) return fail(error(errc::bad_syntax, t.back(), "missing record type"));
        std::optional<rr_type> type;
        if (!t[i].quoted) type = parse_rr_type(t[i].text);
        if (!type)
            return fail(
                error(errc::unknown_type, t[i], "unknown type " + detail::quote_token(t[i].text)));
        if (is_meta_type(*type))
            return fail(error(errc::unknown_type, t[i],
                              to_string(*type) + " is a meta type, not zone data (RFC 6895 §3.1)"));
        r.type = *type;

        if (ttl) {
            last_ttl_ = *ttl;
            r.ttl = *ttl;
        } else if (default_ttl_) {
            r.ttl = *default_ttl_; // RFC 2308 §4
        } else if (last_ttl_) {
            r.ttl = *last_ttl_; // RFC 1035 §5.1
        } else {
            return fail(
                error(errc::no_ttl, t[0], "no TTL: give the record one, or a $TTL before it"));
        }
        if (klass) class_ = *klass;
        r.klass = class_;

        fields_.clear();
        for (std::size_t k = i + 1; k < t.size(); ++k)
            fields_.push_back(text_token{t[k].text, t[k].quoted});
        auto rdata = rdata_from_text(r.type, fields_, origin());
        if (!rdata)
            return fail(located_error::at_line(rdata.error().code, t[i].line,
                                               "bad RDATA for " + to_string(r.type) + ": " +
                                                   rdata.error().message()));
        r.rdata = std::move(*rdata);
        return r;
    }

    detail::zone_lexer lexer_;
    detail::zone_entry entry_;       // reused from entry to entry
    std::vector<text_token> fields_; // likewise
    std::optional<name> origin_;
    std::optional<name> owner_;                // the last owner written out
    std::optional<std::uint32_t> default_ttl_; // $TTL
    std::optional<std::uint32_t> last_ttl_;    // the last TTL written out on a record
    rr_class class_ = rr_class::in;
    std::optional<zone_error> error_; // sticks once set
};

// Every record of a zone, in file order.
inline result<std::vector<record>, zone_error>
parse_zone(std::string_view text, const name* origin = nullptr,
           std::optional<std::uint32_t> default_ttl = std::nullopt, zone_limits limits = {}) {
    zone_parser p(text, origin, default_ttl, limits);
    std::vector<record> out;
    for (;;) {
        auto r = p.next();
        if (!r) return fail(r.error());
        if (!*r) return out;
        out.push_back(std::move(**r));
    }
}

} // namespace dane::dns
