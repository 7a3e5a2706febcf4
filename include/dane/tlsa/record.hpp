// TLSA records (RFC 6698 §2): the three parameters with their RFC 7218 acronyms, the
// certificate association data, wire and presentation forms, and the owner name
// `_port._proto.base` (RFC 6698 §3) where a client looks them up.
//
// Parameters outside the registries are kept as they are: a record with usage 7 parses,
// prints and compares like any other; whether it can be used is decided later (match.hpp),
// because RFC 6698 §4.1 makes such records unusable, not malformed.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/ascii.hpp"
#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/core/result.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"
#include "dane/tlsa/error.hpp"

namespace dane::tlsa {

// RFC 6698 §2.1.1 with RFC 7218 §2.1's acronyms.
enum class cert_usage : std::uint8_t {
    pkix_ta = 0,
    pkix_ee = 1,
    dane_ta = 2,
    dane_ee = 3,
    priv_cert = 255,
};
// RFC 6698 §2.1.2 with RFC 7218 §2.2's acronyms.
enum class selector_type : std::uint8_t {
    cert = 0,
    spki = 1,
    priv_sel = 255,
};
// RFC 6698 §2.1.3 with RFC 7218 §2.3's acronyms.
enum class matching_type : std::uint8_t {
    full = 0,
    sha2_256 = 1,
    sha2_512 = 2,
    priv_match = 255,
};

namespace detail {
struct acronym_entry {
    std::uint8_t value;
    std::string_view text;
};
inline constexpr acronym_entry usage_acronyms[] = {
    {0, "PKIX-TA"}, {1, "PKIX-EE"}, {2, "DANE-TA"}, {3, "DANE-EE"}, {255, "PrivCert"}};
inline constexpr acronym_entry selector_acronyms[] = {{0, "Cert"}, {1, "SPKI"}, {255, "PrivSel"}};
inline constexpr acronym_entry matching_acronyms[] = {
    {0, "Full"}, {1, "SHA2-256"}, {2, "SHA2-512"}, {255, "PrivMatch"}};

template <std::size_t N>
constexpr std::string_view acronym_of(const acronym_entry (&table)[N], std::uint8_t v) noexcept {
    for (const auto& e : table)
        if (e.value == v) return e.text;
    return {};
}

// A decimal 0..255 or, case-insensitively, one of the table's acronyms.
template <std::size_t N>
std::optional<std::uint8_t> parse_parameter(const acronym_entry (&table)[N], std::string_view s) {
    for (const auto& e : table)
        if (ascii_iequals(e.text, s)) return e.value;
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > 255)
        return std::nullopt;
    return static_cast<std::uint8_t>(v);
}

// "DANE-EE(3)", or just "7" when the value has no acronym.
inline std::string described(std::string_view acronym, std::uint8_t v) {
    if (acronym.empty()) return std::to_string(v);
    return std::string(acronym) + "(" + std::to_string(v) + ")";
}
} // namespace detail

// The RFC 7218 acronym, or an empty view for an unassigned value.
constexpr std::string_view acronym(cert_usage u) noexcept {
    return detail::acronym_of(detail::usage_acronyms, static_cast<std::uint8_t>(u));
}
constexpr std::string_view acronym(selector_type s) noexcept {
    return detail::acronym_of(detail::selector_acronyms, static_cast<std::uint8_t>(s));
}
constexpr std::string_view acronym(matching_type m) noexcept {
    return detail::acronym_of(detail::matching_acronyms, static_cast<std::uint8_t>(m));
}
// "DANE-EE(3)", "SPKI(1)", "SHA2-256(1)": the form danecheck and the RFCs print.
inline std::string describe(cert_usage u) {
    return detail::described(acronym(u), static_cast<std::uint8_t>(u));
}
inline std::string describe(selector_type s) {
    return detail::described(acronym(s), static_cast<std::uint8_t>(s));
}
inline std::string describe(matching_type m) {
    return detail::described(acronym(m), static_cast<std::uint8_t>(m));
}

inline std::optional<cert_usage> parse_usage(std::string_view s) {
    auto v = detail::parse_parameter(detail::usage_acronyms, s);
    if (!v) return std::nullopt;
    return static_cast<cert_usage>(*v);
}
inline std::optional<selector_type> parse_selector(std::string_view s) {
    auto v = detail::parse_parameter(detail::selector_acronyms, s);
    if (!v) return std::nullopt;
    return static_cast<selector_type>(*v);
}
inline std::optional<matching_type> parse_matching_type(std::string_view s) {
    auto v = detail::parse_parameter(detail::matching_acronyms, s);
    if (!v) return std::nullopt;
    return static_cast<matching_type>(*v);
}

// How to print the three parameters: as numbers (what zone files and dig use) or as the
// RFC 7218 acronyms (RFC 7218 §2 allows them in presentation form too).
enum class text_style { numeric, acronyms };

// One TLSA record's RDATA, owning its association data.
struct record {
    cert_usage usage = cert_usage::dane_ee;
    selector_type selector = selector_type::spki;
    matching_type matching = matching_type::sha2_256;
    byte_buffer data;

    // RFC 6698 §2.1: three octets and the association data. Any length of data is
    // well-formed on the wire, including none; whether it is usable is decided later.
    static result<record> from_rdata(bytes_view rdata) {
        byte_reader r(rdata);
        record out;
        auto u = r.u8();
        auto s = r.u8();
        auto m = r.u8();
        if (!u || !s || !m) return fail(errc::missing_field);
        out.usage = static_cast<cert_usage>(*u);
        out.selector = static_cast<selector_type>(*s);
        out.matching = static_cast<matching_type>(*m);
        auto rest = r.take_rest();
        out.data.assign(rest.begin(), rest.end());
        return out;
    }

    byte_buffer to_rdata() const {
        // Sized first and filled in place (GCC 14 mistakes a reserve-then-insert for an
        // overflow, -Wstringop-overflow).
        byte_buffer out(3 + data.size());
        out[0] = std::byte{static_cast<std::uint8_t>(usage)};
        out[1] = std::byte{static_cast<std::uint8_t>(selector)};
        out[2] = std::byte{static_cast<std::uint8_t>(matching)};
        std::copy(data.begin(), data.end(), out.begin() + 3);
        return out;
    }

    // "3 1 1 <HEX>" or "DANE-EE SPKI SHA2-256 <HEX>"; uppercase hex, as dns::to_string
    // prints TLSA RDATA and as BIND and Knot print it.
    void append_text(std::string& out, text_style style = text_style::numeric) const {
        auto field = [&](std::string_view a, std::uint8_t v) {
            if (style == text_style::acronyms && !a.empty())
                out += a;
            else
                out += std::to_string(v);
            out += ' ';
        };
        field(acronym(usage), static_cast<std::uint8_t>(usage));
        field(acronym(selector), static_cast<std::uint8_t>(selector));
        field(acronym(matching), static_cast<std::uint8_t>(matching));
        // An empty field cannot be written in hex; RFC 3597 §5 generic form can say it.
        if (data.empty())
            out += "\\# 0";
        else
            append_hex_upper(out, data);
    }
    std::string to_string(text_style style = text_style::numeric) const {
        std::string s;
        append_text(s, style);
        return s;
    }
    // "DANE-EE(3) SPKI(1) SHA2-256(1)": the parameters alone, for diagnostics.
    std::string describe_parameters() const {
        return describe(usage) + " " + describe(selector) + " " + describe(matching);
    }

    friend bool operator==(const record& a, const record& b) {
        return a.usage == b.usage && a.selector == b.selector && a.matching == b.matching &&
               a.data == b.data;
    }
};

namespace detail {
inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
// Splits on whitespace; parentheses (RFC 1035 §5.1 line continuation) are dropped, a ';'
// starts a comment. TLSA RDATA has no quoted strings, so quotes need no handling here.
inline std::vector<std::string_view> split_fields(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == ';') break;
        if (is_space(c) || c == '(' || c == ')') {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < text.size() && !is_space(text[i]) && text[i] != '(' && text[i] != ')' &&
               text[i] != ';')
            ++i;
        out.push_back(text.substr(start, i - start));
    }
    return out;
}

inline result<record> rdata_from_fields(std::span<const std::string_view> f) {
    if (!f.empty() && f[0] == "\\#") {
        // RFC 3597 §5 generic form: \# LENGTH HEX...
        if (f.size() < 2) return fail(errc::missing_field);
        unsigned len = 0;
        auto [end, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), len);
        if (ec != std::errc() || end != f[1].data() + f[1].size() || len > 65535)
            return fail(errc::bad_data);
        byte_buffer wire;
        for (std::size_t i = 2; i < f.size(); ++i)
            if (!append_from_hex(wire, f[i])) return fail(errc::bad_data);
        if (wire.size() != len) return fail(errc::bad_data);
        return record::from_rdata(wire);
    }
    if (f.size() < 3) return fail(errc::missing_field);
    auto u = parse_usage(f[0]);
    auto s = parse_selector(f[1]);
    auto m = parse_matching_type(f[2]);
    if (!u || !s || !m) return fail(errc::bad_field);
    // RFC 6698 §2.2: the data is hex, and whitespace may split it.
    if (f.size() < 4) return fail(errc::missing_field);
    record out;
    out.usage = *u;
    out.selector = *s;
    out.matching = *m;
    for (std::size_t i = 3; i < f.size(); ++i)
        if (!append_from_hex(out.data, f[i])) return fail(errc::bad_data);
    return out;
}
} // namespace detail

// Parses presentation RDATA: "3 1 1 HEX", acronyms allowed for the parameters in any
// case ("dane-ee spki sha2-256 HEX"), the hex optionally split by whitespace or wrapped in
// parentheses, or the RFC 3597 form "\# LEN HEX".
inline result<record> parse_rdata_text(std::string_view text) {
    auto f = detail::split_fields(text);
    return detail::rdata_from_fields(f);
}

// One line of a TLSA file: either bare RDATA or a full record (`owner [TTL] [CLASS] TLSA
// RDATA`). The owner, when there is one, is kept.
struct entry {
    std::optional<dns::name> owner;
    record rr;
};

// Parses a line; nullopt for a blank line or a comment (';' or '#' first). An owner name
// whose first character is '#' must therefore be written escaped ("\#owner").
inline result<std::optional<entry>> parse_line(std::string_view line) {
    auto f = detail::split_fields(line);
    if (f.empty() || f[0].front() == '#') return std::optional<entry>{};
    // Bare RDATA starts with a usage (a number or an acronym) or the generic `\#`; no
    // owner name can be mistaken for one, since owners of TLSA records start with '_' or
    // are at least not plain numbers 0-255 in practice (RFC 6698 §3).
    if (f[0] == "\\#" || parse_usage(f[0])) {
        auto r = detail::rdata_from_fields(f);
        if (!r) return fail(r.error());
        return std::optional<entry>{entry{std::nullopt, std::move(*r)}};
    }
    // owner [TTL] [CLASS] TYPE, TTL and class in either order (RFC 1035 §5.1). A TTL
    // starts with a digit (BIND units like 1h are allowed); the TTL is not kept.
    std::size_t i = 1;
    for (int k = 0; k < 2 && i < f.size(); ++k) {
        bool ttl = f[i].front() >= '0' && f[i].front() <= '9';
        if (!ttl && !dns::parse_rr_class(f[i])) break;
        ++i;
    }
    if (i >= f.size()) return fail(errc::missing_field);
    auto type = dns::parse_rr_type(f[i]);
    if (!type) return fail(errc::bad_syntax);
    if (*type != dns::rr_type::tlsa) return fail(errc::not_tlsa);
    dns::name root;
    auto owner = dns::name::parse(f[0], &root);
    if (!owner) return fail(errc::bad_syntax);
    auto r = detail::rdata_from_fields(std::span(f).subspan(i + 1));
    if (!r) return fail(r.error());
    return std::optional<entry>{entry{std::move(*owner), std::move(*r)}};
}

// An error in a multi-line TLSA file, with its 1-based line number: the library's one
// located error type (core/error.hpp).
using line_error = dane::located_error;

// Parses every line of a TLSA file (the format `dane tlsa verify --tlsa` reads).
inline result<std::vector<entry>, line_error> parse_lines(std::string_view text) {
    std::vector<entry> out;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        auto e = parse_line(line);
        if (!e) return fail(line_error::at_line(e.error(), line_no));
        if (*e) out.push_back(std::move(**e));
    }
    return out;
}

// The owner name of the TLSA RRset for a service: `_port._proto.base` (RFC 6698 §3). The
// base domain is the TLSA base domain of RFC 7671 §7 (the host name after any CNAME
// expansion the application protocol asks for; for SMTP, RFC 7672 §2.2.3).
inline result<dns::name> owner_name(dns::name_view base, std::uint16_t port,
                                    std::string_view proto = "tcp") {
    auto with_proto = dns::name(base).prepend("_" + std::string(proto));
    if (!with_proto) return fail(with_proto.error());
    return with_proto->prepend("_" + std::to_string(port));
}

// The parts of a TLSA owner name.
struct owner_parts {
    std::uint16_t port = 0;
    std::string proto; // "tcp", without the underscore
    dns::name base;
};
inline result<owner_parts> split_owner(dns::name_view owner) {
    if (owner.label_count() < 2) return fail(errc::bad_owner);
    auto port_label = owner.first_label();
    auto rest = owner.parent();
    auto proto_label = rest.first_label();
    if (port_label.size() < 2 || port_label[0] != '_' || proto_label.size() < 2 ||
        proto_label[0] != '_')
        return fail(errc::bad_owner);
    unsigned port = 0;
    auto digits = port_label.substr(1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535)
        return fail(errc::bad_owner);
    return owner_parts{static_cast<std::uint16_t>(port), std::string(proto_label.substr(1)),
                       dns::name(rest.parent())};
}

} // namespace dane::tlsa
