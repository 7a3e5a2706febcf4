// RDATA of every record type: checked in a message, expanded from compressed to plain
// wire form, printed as presentation text, parsed from presentation tokens, and put into
// canonical form for DNSSEC.
//
// One table describes each known type as a short list of fields (a name, a 16-bit number,
// base64 to the end, ...); every operation walks that list, so adding a type is one line
// and the wire check, the printer and the parser cannot disagree about a format. Types
// not in the table are opaque and use the RFC 3597 `\# LEN HEX` form.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dane/core/ascii.hpp"
#include "dane/core/bytes.hpp"
#include "dane/core/civil_time.hpp"
#include "dane/core/codec.hpp"
#include "dane/dns/address.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"
#include "dane/dns/wire_name.hpp"

namespace dane::dns {

// One whitespace-separated field of presentation RDATA. A quoted string arrives without
// its quotes and with `quoted` set; escapes are still in the text.
struct text_token {
    std::string_view text;
    bool quoted = false;
};

namespace detail {

enum class field : std::uint8_t {
    name,      // a domain name (compression and case folding per the schema's flags)
    u8,        // decimal
    algorithm, // u8; presentation also accepts mnemonics (RFC 4034 §2.2)
    u16,       // decimal
    u32,       // decimal
    period,    // u32; presentation also accepts BIND-style units (1h30m)
    ipv4,      // four octets, dotted quad
    ipv6,      // sixteen octets, RFC 5952 text
    time,      // u32 seconds, printed YYYYMMDDHHmmSS (RFC 4034 §3.2)
    type,      // u16 record type, printed as its mnemonic
    string,    // one <character-string>
    strings,   // one or more <character-string>s to the end
    base64,    // octets to the end, base64 (whitespace allowed between chunks)
    hex,       // octets to the end, hex (whitespace allowed between chunks)
    salt,      // length octet + octets, hex or "-" for none (RFC 5155 §3.3)
    hash,      // length octet + octets, base32hex (RFC 5155 §3.3)
    bitmap,    // type bitmap to the end (RFC 4034 §4.1.2)
    caa_tag,   // length octet + 1 to 15 ASCII letters and digits (RFC 8659 §4.1)
    text,      // octets to the end, one quoted string, may be empty (CAA value)
    text1,     // octets to the end, one quoted string, at least one octet (URI target)
    u48,       // six octets, decimal (TSIG time signed)
    data16,    // two-octet length + octets, printed "LEN BASE64" (TSIG MAC, TKEY key)
    rcode16,   // u16 RCODE, printed as its mnemonic (TSIG and TKEY error)
};

struct schema {
    rr_type type;
    // Names may arrive compressed: RFC 1035's types, and those RFC 3597 §4 says receivers
    // should decompress.
    bool compressible;
    // Names are lowercased in canonical form: RFC 4034 §6.2's list, less NSEC (RFC 6840
    // §5.1).
    bool canonical_lower;
    std::uint8_t count;
    std::array<field, 9> fields;
    // What error messages call the fields, '|' between them.
    const char* labels = "";
};

// The field names are in scope for this table only (not for all of dns::detail).
namespace schema_table {
using enum field;
// Field labels that several types share (DS and CDS, DNSKEY and CDNSKEY, TLSA and SMIMEA).
inline constexpr const char* ds_labels = "key tag|algorithm|digest type|digest";
inline constexpr const char* dnskey_labels = "flags|protocol|algorithm|public key";
inline constexpr const char* tlsa_labels =
    "certificate usage|selector|matching type|certificate association data";

inline constexpr schema schemas[] = {
    {rr_type::a, false, false, 1, {ipv4}, "address"},
    {rr_type::ns, true, true, 1, {name}, "name server"},
    {rr_type::md, true, true, 1, {name}, "mail destination"},
    {rr_type::mf, true, true, 1, {name}, "mail forwarder"},
    {rr_type::cname, true, true, 1, {name}, "target"},
    {rr_type::soa,
     true,
     true,
     7,
     {name, name, u32, period, period, period, period},
     "primary name server|responsible mailbox|serial|refresh|retry|expire|minimum"},
    {rr_type::mb, true, true, 1, {name}, "mailbox host"},
    {rr_type::mg, true, true, 1, {name}, "mail group member"},
    {rr_type::mr, true, true, 1, {name}, "new mailbox"},
    {rr_type::ptr, true, true, 1, {name}, "target"},
    {rr_type::hinfo, false, false, 2, {string, string}, "CPU|OS"},
    {rr_type::minfo, true, true, 2, {name, name}, "responsible mailbox|error mailbox"},
    {rr_type::mx, true, true, 2, {u16, name}, "preference|exchange"},
    {rr_type::txt, false, false, 1, {strings}, "text"},
    {rr_type::rp, true, true, 2, {name, name}, "mailbox|TXT name"},
    {rr_type::afsdb, true, true, 2, {u16, name}, "subtype|host"},
    {rr_type::rt, true, true, 2, {u16, name}, "preference|intermediate host"},
    {rr_type::px, true, true, 3, {u16, name, name}, "preference|MAP822|MAPX400"},
    {rr_type::aaaa, false, false, 1, {ipv6}, "address"},
    {rr_type::srv, true, true, 4, {u16, u16, u16, name}, "priority|weight|port|target"},
    {rr_type::naptr,
     true,
     true,
     6,
     {u16, u16, string, string, string, name},
     "order|preference|flags|services|regexp|replacement"},
    {rr_type::kx, false, true, 2, {u16, name}, "preference|exchanger"},
    {rr_type::dname, false, true, 1, {name}, "target"},
    {rr_type::ds, false, false, 4, {u16, algorithm, u8, hex}, ds_labels},
    {rr_type::sshfp, false, false, 3, {u8, u8, hex}, "algorithm|fingerprint type|fingerprint"},
    {rr_type::rrsig,
     false,
     true,
     9,
     {type, algorithm, u8, u32, time, time, u16, name, base64},
     "type covered|algorithm|labels|original TTL|signature expiration|signature "
     "inception|key tag|signer name|signature"},
    {rr_type::nsec, false, false, 2, {name, bitmap}, "next domain name|type bitmap"},
    {rr_type::dnskey, false, false, 4, {u16, u8, algorithm, base64}, dnskey_labels},
    {rr_type::dhcid, false, false, 1, {base64}, "digest"},
    {rr_type::nsec3,
     false,
     false,
     6,
     {u8, u8, u16, salt, hash, bitmap},
     "hash algorithm|flags|iterations|salt|next hashed owner name|type bitmap"},
    {rr_type::nsec3param,
     false,
     false,
     4,
     {u8, u8, u16, salt},
     "hash algorithm|flags|iterations|salt"},
    {rr_type::tlsa, false, false, 4, {u8, u8, u8, hex}, tlsa_labels},
    {rr_type::smimea, false, false, 4, {u8, u8, u8, hex}, tlsa_labels},
    {rr_type::cds, false, false, 4, {u16, algorithm, u8, hex}, ds_labels},
    {rr_type::cdnskey, false, false, 4, {u16, u8, algorithm, base64}, dnskey_labels},
    {rr_type::openpgpkey, false, false, 1, {base64}, "public key"},
    {rr_type::csync, false, false, 3, {u32, u16, bitmap}, "SOA serial|flags|type bitmap"},
    {rr_type::zonemd, false, false, 4, {u32, u8, u8, hex}, "serial|scheme|hash algorithm|digest"},
    {rr_type::spf, false, false, 1, {strings}, "text"},
    // RFC 2930 §2; names uncompressed (RFC 3597 §4: a type defined after RFC 1035).
    {rr_type::tkey,
     false,
     false,
     7,
     {name, time, time, u16, rcode16, data16, data16},
     "algorithm|inception|expiration|mode|error|key data|other data"},
    // RFC 8945 §4.2: MAC and Other Data each follow their two-octet length.
    {rr_type::tsig,
     false,
     false,
     7,
     {name, u48, u16, data16, u16, rcode16, data16},
     "algorithm|time signed|fudge|MAC|original ID|error|other data"},
    // RFC 7553 §4.5: the target is the rest of the RDATA, never empty.
    {rr_type::uri, false, false, 3, {u16, u16, text1}, "priority|weight|target"},
    // RFC 8659 §4.1: flags, tag, and the value as the rest of the RDATA.
    {rr_type::caa, false, false, 3, {u8, caa_tag, text}, "flags|tag|value"},
};
} // namespace schema_table
using schema_table::schemas;

constexpr const schema* find_schema(rr_type t) noexcept {
    for (const auto& s : schemas)
        if (s.type == t) return &s;
    return nullptr;
}

// Index from type value to schema, built at compile time, so a lookup in the message
// parser's inner loop is one load.
struct schema_index {
    std::array<std::uint8_t, 256> slot{}; // 0 = none, else index + 1
    constexpr schema_index() {
        for (std::size_t i = 0; i < std::size(schemas); ++i) {
            auto v = static_cast<std::uint16_t>(schemas[i].type);
            if (v < 256) slot[v] = static_cast<std::uint8_t>(i + 1);
        }
    }
};
inline constexpr schema_index schema_lookup{};

constexpr const schema* schema_for(rr_type t) noexcept {
    auto v = static_cast<std::uint16_t>(t);
    if (v >= 256) return find_schema(t); // URI and CAA: rare enough for a scan
    auto slot = schema_lookup.slot[v];
    return slot ? &schemas[slot - 1] : nullptr;
}

constexpr bool is_caa_tag_char(unsigned c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline const std::uint8_t* octets(bytes_view b) noexcept {
    return reinterpret_cast<const std::uint8_t*>(b.data());
}

// Checks the field at `pos` (RDATA ends at `end`); returns where it ends. Names are read
// from `message`, which is the RDATA itself when there is no message around it.
// `work`, when given, grows by the steps taken to walk names (see message_view::parse).
inline result<std::size_t, wire_error> field_end(field f, bytes_view message, std::size_t pos,
                                                 std::size_t end, bool pointers,
                                                 std::size_t* work = nullptr) noexcept {
    const std::uint8_t* p = octets(message);
    auto fixed = [&](std::size_t n) -> result<std::size_t, wire_error> {
        if (end - pos < n) return fail(wire_error(errc::rdata_length, pos));
        return pos + n;
    };
    switch (f) {
    case field::name: {
        auto next = skip_wire_name(message.first(end), pos, pointers, work);
        if (!next) {
            auto e = next.error();
            if (e == errc::truncated) e.code = make_error_code(errc::rdata_length);
            return fail(e);
        }
        return *next;
    }
    case field::u8:
    case field::algorithm:
        return fixed(1);
    case field::u16:
    case field::type:
        return fixed(2);
    case field::u32:
    case field::period:
    case field::time:
    case field::ipv4:
        return fixed(4);
    case field::ipv6:
        return fixed(16);
    case field::string:
    case field::salt:
    case field::hash:
        if (pos >= end) return fail(wire_error(errc::rdata_length, pos));
        // An NSEC3 next hashed owner is never empty (it has no presentation form then).
        if (f == field::hash && p[pos] == 0) return fail(wire_error(errc::bad_rdata, pos));
        return fixed(1 + std::size_t{p[pos]});
    case field::strings: {
        if (pos >= end) return fail(wire_error(errc::rdata_length, pos));
        while (pos < end) {
            std::size_t n = 1 + std::size_t{p[pos]};
            if (end - pos < n) return fail(wire_error(errc::rdata_length, pos));
            pos += n;
        }
        return pos;
    }
    case field::base64:
    case field::hex:
    case field::text:
        return end;
    case field::text1:
        if (pos >= end) return fail(wire_error(errc::rdata_length, pos));
        return end;
    case field::u48:
        return fixed(6);
    case field::rcode16:
        return fixed(2);
    case field::data16: {
        if (end - pos < 2) return fail(wire_error(errc::rdata_length, pos));
        return fixed(2 + (std::size_t{p[pos]} << 8 | p[pos + 1]));
    }
    case field::caa_tag: {
        // RFC 8659 §4.1: a tag of 1 to 15 US-ASCII letters and digits.
        if (pos >= end) return fail(wire_error(errc::rdata_length, pos));
        const std::size_t n = p[pos];
        if (n == 0 || n > 15) return fail(wire_error(errc::bad_rdata, pos));
        if (end - pos - 1 < n) return fail(wire_error(errc::rdata_length, pos));
        for (std::size_t i = 1; i <= n; ++i)
            if (!is_caa_tag_char(p[pos + i])) return fail(wire_error(errc::bad_rdata, pos + i));
        return pos + 1 + n;
    }
    case field::bitmap: {
        // Windows in increasing order, each 1 to 32 octets long.
        int last_window = -1;
        while (pos < end) {
            if (end - pos < 2) return fail(wire_error(errc::bad_rdata, pos));
            int window = p[pos];
            std::size_t len = p[pos + 1];
            if (window <= last_window || len == 0 || len > 32 || end - pos - 2 < len)
                return fail(wire_error(errc::bad_rdata, pos));
            // RFC 4034 §4.1.2: no empty blocks, trailing zero octets omitted. A block
            // ending in zero would print as fewer types than it holds and not round-trip.
            if (p[pos + 2 + len - 1] == 0) return fail(wire_error(errc::bad_rdata, pos));
            last_window = window;
            pos += 2 + len;
        }
        return pos;
    }
    }
    return fail(wire_error(errc::bad_rdata, pos));
}

// Walks every field of RDATA at [offset, offset + length) of `message`, calling
// `on_field(field, begin, end)` for each.
template <class OnField>
result<void, wire_error> walk_rdata(const schema& s, bytes_view message, std::size_t offset,
                                    std::size_t length, bool pointers, OnField&& on_field,
                                    std::size_t* work = nullptr) {
    if (offset > message.size() || message.size() - offset < length)
        return fail(wire_error(errc::truncated, offset));
    const std::size_t end = offset + length;
    std::size_t pos = offset;
    for (std::size_t i = 0; i < s.count; ++i) {
        auto next = field_end(s.fields[i], message, pos, end, pointers && s.compressible, work);
        if (!next) return fail(next.error());
        if (!on_field(s.fields[i], pos, *next)) return fail(wire_error(errc::bad_rdata, pos));
        pos = *next;
    }
    if (pos != end) return fail(wire_error(errc::rdata_length, pos));
    return {};
}

struct accept_fields {
    constexpr bool operator()(field, std::size_t, std::size_t) const noexcept { return true; }
};

} // namespace detail

// Checks RDATA at [offset, offset+length) of `message` against its type's wire format.
// Names may be compressed only in the types RFC 3597 §4 allows (those of RFC 1035, and
// RP, AFSDB, RT, PX, NAPTR, SRV). Errors carry the absolute offset in the message.
// `work`, when given, grows by the steps taken to walk the names.
inline result<void, wire_error> check_rdata(rr_type type, bytes_view message, std::size_t offset,
                                            std::size_t length,
                                            std::size_t* work = nullptr) noexcept {
    const detail::schema* s = detail::schema_for(type);
    if (!s) {
        if (offset > message.size() || message.size() - offset < length)
            return fail(wire_error(errc::truncated, offset));
        return {};
    }
    return detail::walk_rdata(*s, message, offset, length, true, detail::accept_fields{}, work);
}

// Checks uncompressed RDATA on its own (a record from a zone file or a cache).
inline result<void, wire_error> check_rdata(rr_type type, bytes_view rdata) noexcept {
    const detail::schema* s = detail::schema_for(type);
    if (!s) return {};
    return detail::walk_rdata(*s, rdata, 0, rdata.size(), false, detail::accept_fields{});
}

// The RDATA with every compression pointer expanded (case kept).
inline result<byte_buffer, wire_error> expand_rdata(rr_type type, bytes_view message,
                                                    std::size_t offset, std::size_t length) {
    byte_buffer out;
    const detail::schema* s = detail::schema_for(type);
    if (!s || !s->compressible) {
        DANE_TRY(check_rdata(type, message, offset, length));
        auto rd = message.subspan(offset, length);
        out.assign(rd.begin(), rd.end());
        return out;
    }
    out.reserve(length + 32);
    auto r = detail::walk_rdata(*s, message, offset, length, true,
                                [&](detail::field f, std::size_t begin, std::size_t end) {
                                    if (f == detail::field::name) {
                                        auto n = read_wire_name(message, begin);
                                        if (!n) return false;
                                        auto w = n->name.wire();
                                        out.insert(out.end(), w.begin(), w.end());
                                    } else {
                                        auto part = message.subspan(begin, end - begin);
                                        out.insert(out.end(), part.begin(), part.end());
                                    }
                                    return true;
                                });
    if (!r) return fail(r.error());
    return out;
}

// RFC 4034 §6.2 with RFC 6840 §5.1's list: the RDATA with the names that canonical form
// lowercases lowercased. Expects well-formed uncompressed RDATA (it is copied unchanged
// otherwise).
inline byte_buffer canonical_rdata(rr_type type, bytes_view rdata) {
    byte_buffer out(rdata.begin(), rdata.end());
    const detail::schema* s = detail::schema_for(type);
    if (!s || !s->canonical_lower) return out;
    (void)detail::walk_rdata(*s, rdata, 0, rdata.size(), false,
                             [&](detail::field f, std::size_t begin, std::size_t end) {
                                 if (f != detail::field::name) return true;
                                 for (std::size_t i = begin; i < end; ++i) {
                                     // Lowercasing length octets (all < 64) changes nothing.
                                     auto c = std::to_integer<std::uint8_t>(out[i]);
                                     out[i] = std::byte{dns::detail::ascii_lower(c)};
                                 }
                                 return true;
                             });
    return out;
}

namespace detail {

inline void append_uint(std::string& out, std::uint64_t v) {
    out += std::to_string(v);
}

// A <character-string> in quotes; quote, backslash and non-printing octets escaped.
inline void append_quoted(std::string& out, const std::uint8_t* p, std::size_t n) {
    out += '"';
    for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t c = p[i];
        if (c < 0x20 || c >= 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
            out += buf;
        } else {
            if (c == '"' || c == '\\') out += '\\';
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

// RRSIG times print as UTC YYYYMMDDHHmmSS (the value read as seconds since the epoch).
inline void append_time(std::string& out, std::uint32_t t) {
    const civil_time c = civil_from_seconds(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u%02u%02u%02u", static_cast<int>(c.year), c.month,
                  c.day, c.hour, c.minute, c.second);
    out += buf;
}

inline void append_bitmap(std::string& out, const std::uint8_t* p, std::size_t n) {
    std::size_t pos = 0;
    bool first = true;
    while (pos + 2 <= n) {
        unsigned window = p[pos];
        std::size_t len = p[pos + 1];
        for (std::size_t i = 0; i < len && pos + 2 + i < n; ++i) {
            for (unsigned bit = 0; bit < 8; ++bit) {
                if (p[pos + 2 + i] & (0x80u >> bit)) {
                    if (!first) out += ' ';
                    first = false;
                    out += to_string(static_cast<rr_type>(window * 256 + i * 8 + bit));
                }
            }
        }
        pos += 2 + len;
    }
}

// TSIG and TKEY error fields: the RCODEs, and RFC 8945 §3's and RFC 2930 §2.6's codes
// where they share values with others (16 is BADSIG here, BADVERS in the header).
inline constexpr mnemonic tsig_rcode_names[] = {
    {0, "NOERROR"},  {1, "FORMERR"},  {2, "SERVFAIL"},  {3, "NXDOMAIN"},  {4, "NOTIMP"},
    {5, "REFUSED"},  {6, "YXDOMAIN"}, {7, "YXRRSET"},   {8, "NXRRSET"},   {9, "NOTAUTH"},
    {10, "NOTZONE"}, {16, "BADSIG"},  {17, "BADKEY"},   {18, "BADTIME"},  {19, "BADMODE"},
    {20, "BADNAME"}, {21, "BADALG"},  {22, "BADTRUNC"}, {23, "BADCOOKIE"}};

inline std::string tsig_rcode_text(std::uint16_t v) {
    for (const auto& m : tsig_rcode_names)
        if (m.value == v) return std::string(m.text);
    return std::to_string(v);
}

inline void append_generic(std::string& out, bytes_view rdata) {
    out += "\\# ";
    out += std::to_string(rdata.size());
    if (!rdata.empty()) {
        out += ' ';
        append_hex_upper(out, rdata);
    }
}

} // namespace detail

// Appends the presentation form of uncompressed RDATA; unknown types print as RFC 3597
// `\# LEN HEX`, and so do known types whose fields have no text form (an empty key or
// digest). Errors are offsets within `rdata`.
inline result<void, wire_error> append_rdata_text(std::string& out, rr_type type,
                                                  bytes_view rdata) {
    using detail::field;
    const detail::schema* s = detail::schema_for(type);
    if (!s) {
        detail::append_generic(out, rdata);
        return {};
    }
    const std::uint8_t* p = detail::octets(rdata);
    std::string text;
    bool generic = false;
    auto r = detail::walk_rdata(
        *s, rdata, 0, rdata.size(), false, [&](field f, std::size_t begin, std::size_t end) {
            if (!text.empty() && !(f == field::bitmap && begin == end)) text += ' ';
            byte_reader in(rdata, begin);
            switch (f) {
            case field::name:
                name_view::from_wire(rdata.subspan(begin))->append_text(text);
                break;
            case field::u8:
            case field::algorithm:
                detail::append_uint(text, p[begin]);
                break;
            case field::u16:
                detail::append_uint(text, in.u16().value());
                break;
            case field::u32:
            case field::period:
                detail::append_uint(text, in.u32().value());
                break;
            case field::type:
                text += to_string(static_cast<rr_type>(in.u16().value()));
                break;
            case field::time:
                detail::append_time(text, in.u32().value());
                break;
            case field::ipv4:
                append_ipv4(text, p + begin);
                break;
            case field::ipv6:
                append_ipv6(text, p + begin);
                break;
            case field::string:
                detail::append_quoted(text, p + begin + 1, p[begin]);
                break;
            case field::strings:
                for (std::size_t pos = begin; pos < end; pos += 1 + p[pos]) {
                    if (pos != begin) text += ' ';
                    detail::append_quoted(text, p + pos + 1, p[pos]);
                }
                break;
            case field::base64:
                if (begin == end) generic = true;
                append_base64(text, rdata.subspan(begin, end - begin));
                break;
            case field::hex:
                if (begin == end) generic = true;
                append_hex_upper(text, rdata.subspan(begin, end - begin));
                break;
            case field::salt:
                if (p[begin] == 0)
                    text += '-';
                else
                    append_hex_upper(text, rdata.subspan(begin + 1, p[begin]));
                break;
            case field::hash: {
                std::string h = to_base32hex(rdata.subspan(begin + 1, p[begin]));
                for (char& c : h)
                    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
                text += h;
                break;
            }
            case field::bitmap:
                detail::append_bitmap(text, p + begin, end - begin);
                break;
            case field::caa_tag:
                text.append(reinterpret_cast<const char*>(p + begin + 1), p[begin]);
                break;
            case field::text:
            case field::text1:
                detail::append_quoted(text, p + begin, end - begin);
                break;
            case field::u48: {
                std::uint64_t v = 0;
                for (std::size_t i = 0; i < 6; ++i)
                    v = v << 8 | p[begin + i];
                detail::append_uint(text, v);
                break;
            }
            case field::data16: {
                // As dig prints TSIG and TKEY: the length, then base64 unless empty.
                const std::size_t n = end - begin - 2;
                detail::append_uint(text, n);
                if (n) {
                    text += ' ';
                    append_base64(text, rdata.subspan(begin + 2, n));
                }
                break;
            }
            case field::rcode16:
                text += detail::tsig_rcode_text(in.u16().value());
                break;
            }
            return true;
        });
    if (!r) return fail(r.error());
    if (generic)
        detail::append_generic(out, rdata);
    else
        out += text;
    return {};
}

namespace detail {

inline result<std::uint64_t> parse_decimal(std::string_view t, std::uint64_t max) {
    if (t.empty() || t.size() > 20) return fail(errc::bad_number);
    std::uint64_t v = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return fail(errc::bad_number);
        v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > max) return fail(errc::bad_number);
    }
    return v;
}

} // namespace detail

// A TTL or SOA timer: seconds, or BIND-style units (1w2d3h4m5s, any case).
inline result<std::uint32_t> parse_ttl(std::string_view t) {
    if (t.empty()) return fail(errc::bad_number);
    if (t.back() >= '0' && t.back() <= '9') {
        auto v = detail::parse_decimal(t, 0xffffffffu);
        if (!v) return fail(v.error());
        return static_cast<std::uint32_t>(*v);
    }
    std::uint64_t total = 0, cur = 0;
    bool digits = false;
    for (char c : t) {
        if (c >= '0' && c <= '9') {
            cur = cur * 10 + static_cast<unsigned>(c - '0');
            if (cur > 0xffffffffu) return fail(errc::bad_number);
            digits = true;
            continue;
        }
        std::uint64_t unit;
        switch (c | 0x20) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 604800;
            break;
        default:
            return fail(errc::bad_number);
        }
        if (!digits) return fail(errc::bad_number);
        total += cur * unit;
        if (total > 0xffffffffu) return fail(errc::bad_number);
        cur = 0;
        digits = false;
    }
    return static_cast<std::uint32_t>(total);
}

// Decodes RFC 1035 §5.1 escapes (\X and \DDD) of a token into octets.
inline result<void> append_unescaped(byte_buffer& out, std::string_view t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '\\') {
            out.push_back(std::byte(static_cast<unsigned char>(t[i])));
            continue;
        }
        if (i + 1 >= t.size()) return fail(errc::bad_escape);
        char d = t[i + 1];
        if (d >= '0' && d <= '9') {
            if (i + 3 >= t.size()) return fail(errc::bad_escape);
            unsigned v = 0;
            for (int k = 1; k <= 3; ++k) {
                char e = t[i + k];
                if (e < '0' || e > '9') return fail(errc::bad_escape);
                v = v * 10 + static_cast<unsigned>(e - '0');
            }
            if (v > 255) return fail(errc::bad_escape);
            out.push_back(std::byte(v));
            i += 3;
        } else {
            out.push_back(std::byte(static_cast<unsigned char>(d)));
            i += 1;
        }
    }
    return {};
}

namespace detail {

// One <character-string>: escapes decoded, at most 255 octets, length-prefixed.
inline result<void> append_character_string(byte_writer& w, std::string_view text) {
    byte_buffer str;
    DANE_TRY(append_unescaped(str, text));
    if (str.size() > 255) return fail(errc::string_too_long);
    w.u8(static_cast<std::uint8_t>(str.size()));
    w.bytes(str);
    return {};
}

// A type bitmap from type mnemonics (RFC 4034 §4.1.2): windows in ascending order, none
// empty, trailing zero octets omitted; duplicates collapse.
inline result<void> append_bitmap_from_text(byte_writer& w, std::span<const text_token> types) {
    std::array<std::array<std::uint8_t, 32>, 256> bits{};
    std::array<std::uint8_t, 256> window_length{};
    for (const auto& t : types) {
        auto ty = parse_rr_type(t.text);
        if (!ty) return fail(errc::unknown_type);
        auto v = static_cast<unsigned>(*ty);
        unsigned window = v >> 8, octet = (v & 0xff) / 8;
        bits[window][octet] |= static_cast<std::uint8_t>(0x80u >> (v % 8));
        window_length[window] =
            std::max(window_length[window], static_cast<std::uint8_t>(octet + 1));
    }
    for (unsigned window = 0; window < 256; ++window) {
        if (!window_length[window]) continue;
        w.u8(static_cast<std::uint8_t>(window));
        w.u8(window_length[window]);
        w.bytes(
            as_bytes(std::span<const std::uint8_t>(bits[window].data(), window_length[window])));
    }
    return {};
}

inline result<std::uint32_t> parse_time_field(std::string_view t) {
    if (t.size() == 14) {
        // YYYYMMDDHHmmSS, UTC; stored modulo 2^32 (RFC 4034 §3.1.5).
        for (char c : t)
            if (c < '0' || c > '9') return fail(errc::bad_time);
        auto num = [&](std::size_t at, std::size_t n) {
            int v = 0;
            for (std::size_t i = 0; i < n; ++i)
                v = v * 10 + (t[at + i] - '0');
            return v;
        };
        const int year = num(0, 4);
        const auto month = static_cast<unsigned>(num(4, 2));
        const auto day = static_cast<unsigned>(num(6, 2));
        int hh = num(8, 2), mm = num(10, 2), ss = num(12, 2);
        if (!valid_date(year, month, day) || hh > 23 || mm > 59 || ss > 59)
            return fail(errc::bad_time);
        const std::int64_t secs =
            days_from_civil(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(secs));
    }
    auto v = parse_decimal(t, 0xffffffffu);
    if (!v) return fail(errc::bad_time);
    return static_cast<std::uint32_t>(*v);
}

// The label of field `i` of `s`, for error messages.
inline std::string_view field_label(const schema& s, std::size_t i) {
    std::string_view all = s.labels;
    for (; i > 0; --i) {
        auto bar = all.find('|');
        if (bar == std::string_view::npos) return "field";
        all.remove_prefix(bar + 1);
    }
    return all.substr(0, all.find('|'));
}

// A token as error messages show it: in double quotes, at most 40 characters with the
// rest elided, quotes, backslashes and octets that would garble a terminal escaped.
inline std::string shown_token(std::string_view text) {
    constexpr std::size_t max_shown = 40;
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < max_shown; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c >= 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
            out += buf;
        } else {
            if (c == '"' || c == '\\') out += '\\';
            out += static_cast<char>(c);
        }
    }
    if (text.size() > max_shown) out += "...";
    out += '"';
    return out;
}

// Why a decimal field did not parse: not digits at all, or too large.
inline std::string number_problem(std::string_view t, std::uint64_t max) {
    bool digits = !t.empty() && t.size() <= 20;
    for (char c : t)
        digits = digits && c >= '0' && c <= '9';
    return digits ? "is above " + std::to_string(max) : std::string("is not a number");
}

} // namespace detail

// An error in presentation RDATA: the code, and a sentence that names the field and
// quotes the token at fault (`preference "ten" is not a number`).
struct rdata_text_error {
    std::error_code code;
    std::string detail;

    rdata_text_error() = default;
    rdata_text_error(std::error_code c, std::string d = {}) : code(c), detail(std::move(d)) {}
    rdata_text_error(errc e, std::string d = {}) : code(make_error_code(e)), detail(std::move(d)) {}
    std::string message() const { return detail.empty() ? code.message() : detail; }
    friend bool operator==(const rdata_text_error& e, errc c) {
        return e.code == make_error_code(c);
    }
};

namespace detail {

// Parses the fields of `s` from presentation tokens into wire form.
inline result<void, rdata_text_error> rdata_fields_from_text(byte_buffer& out, const schema& s,
                                                             std::span<const text_token> tokens,
                                                             const dns::name* origin) {
    byte_writer w(out);
    std::size_t next = 0;
    auto take = [&]() -> const text_token* {
        return next < tokens.size() ? &tokens[next++] : nullptr;
    };
    for (std::size_t i = 0; i < s.count; ++i) {
        const field f = s.fields[i];
        const std::string label(field_label(s, i));
        // `<label> "<token>" <problem>`: every error below names the field and the token.
        auto bad = [&](std::error_code code, std::string_view token, std::string_view problem) {
            return fail(rdata_text_error(code, label + ' ' + shown_token(token) + ' ' +
                                                   std::string(problem)));
        };
        // Fields that run to the end take every remaining token.
        if (f == field::strings || f == field::base64 || f == field::hex || f == field::bitmap) {
            auto rest = tokens.subspan(next);
            next = tokens.size();
            if (rest.empty() && f != field::bitmap)
                return fail(rdata_text_error(errc::missing_field, "missing " + label));
            if (f == field::strings) {
                for (const auto& t : rest)
                    if (auto ok = append_character_string(w, t.text); !ok)
                        return bad(ok.error(), t.text,
                                   ok.error() == errc::string_too_long
                                       ? "is longer than 255 octets"
                                       : "has a bad escape (\\X or \\DDD, DDD at most 255)");
            } else if (f == field::bitmap) {
                for (const auto& t : rest)
                    if (!parse_rr_type(t.text))
                        return bad(errc::unknown_type, t.text, "is not a record type");
                DANE_TRY(append_bitmap_from_text(w, rest));
            } else {
                // Whitespace may split the encoded octets into several tokens.
                std::string joined;
                for (const auto& t : rest)
                    joined += t.text;
                auto ok = f == field::base64 ? append_from_base64(out, joined)
                                             : append_from_hex(out, joined);
                if (!ok)
                    return bad(errc::bad_encoding, joined,
                               f == field::base64 ? "is not base64" : "is not hex");
            }
            continue;
        }
        const text_token* t = take();
        if (!t) return fail(rdata_text_error(errc::missing_field, "missing " + label));
        std::string_view x = t->text;
        switch (f) {
        case field::name: {
            auto n = dns::name::parse(x, origin);
            if (!n)
                return bad(n.error().code, x, "is not a valid name: " + n.error().code.message());
            w.bytes(n->wire());
            break;
        }
        case field::u8:
        case field::algorithm: {
            if (f == field::algorithm) {
                if (auto m = parse_dnssec_algorithm_mnemonic(x)) {
                    w.u8(*m);
                    break;
                }
            }
            auto v = parse_decimal(x, 0xff);
            if (!v)
                return bad(errc::bad_number, x,
                           f == field::algorithm && number_problem(x, 0xff) == "is not a number"
                               ? "is neither a number nor an algorithm mnemonic"
                               : number_problem(x, 0xff));
            w.u8(static_cast<std::uint8_t>(*v));
            break;
        }
        case field::u16: {
            auto v = parse_decimal(x, 0xffff);
            if (!v) return bad(errc::bad_number, x, number_problem(x, 0xffff));
            w.u16(static_cast<std::uint16_t>(*v));
            break;
        }
        case field::u32: {
            auto v = parse_decimal(x, 0xffffffffu);
            if (!v) return bad(errc::bad_number, x, number_problem(x, 0xffffffffu));
            w.u32(static_cast<std::uint32_t>(*v));
            break;
        }
        case field::u48: {
            auto v = parse_decimal(x, 0xffffffffffffu);
            if (!v) return bad(errc::bad_number, x, number_problem(x, 0xffffffffffffu));
            w.u16(static_cast<std::uint16_t>(*v >> 32));
            w.u32(static_cast<std::uint32_t>(*v));
            break;
        }
        case field::period: {
            auto v = parse_ttl(x);
            if (!v) return bad(errc::bad_number, x, "is neither seconds nor a duration like 1h30m");
            w.u32(*v);
            break;
        }
        case field::time: {
            auto v = parse_time_field(x);
            if (!v) return bad(errc::bad_time, x, "is neither YYYYMMDDHHmmSS nor a number");
            w.u32(*v);
            break;
        }
        case field::type: {
            auto ty = parse_rr_type(x);
            if (!ty) return bad(errc::unknown_type, x, "is not a record type");
            w.u16(static_cast<std::uint16_t>(*ty));
            break;
        }
        case field::rcode16: {
            std::optional<std::uint64_t> v;
            for (const auto& m : tsig_rcode_names)
                if (ascii_iequals(m.text, x)) v = m.value;
            if (!v) {
                auto d = parse_decimal(x, 0xffff);
                if (!d) return bad(errc::bad_number, x, "is neither an RCODE nor a number");
                v = *d;
            }
            w.u16(static_cast<std::uint16_t>(*v));
            break;
        }
        case field::ipv4: {
            auto a = parse_ipv4(x);
            if (!a) return bad(errc::bad_address, x, "is not an IPv4 address");
            w.bytes(as_bytes(std::span<const std::uint8_t>(*a)));
            break;
        }
        case field::ipv6: {
            auto a = parse_ipv6(x);
            if (!a) return bad(errc::bad_address, x, "is not an IPv6 address");
            w.bytes(as_bytes(std::span<const std::uint8_t>(*a)));
            break;
        }
        case field::string:
            if (auto ok = append_character_string(w, x); !ok)
                return bad(ok.error(), x,
                           ok.error() == errc::string_too_long
                               ? "is longer than 255 octets"
                               : "has a bad escape (\\X or \\DDD, DDD at most 255)");
            break;
        case field::caa_tag: {
            // RFC 8659 §4.1: 1 to 15 letters and digits, no escapes needed or allowed.
            bool ok = !x.empty() && x.size() <= 15;
            for (char c : x)
                ok = ok && is_caa_tag_char(static_cast<unsigned char>(c));
            if (!ok) return bad(errc::bad_syntax, x, "is not 1 to 15 ASCII letters and digits");
            w.u8(static_cast<std::uint8_t>(x.size()));
            w.bytes(as_bytes(x));
            break;
        }
        case field::text:
        case field::text1: {
            // One token, quoted or not, to the end of the RDATA (RFC 8659 §4.1.1, RFC 7553
            // §4.5): not a <character-string>, so longer than 255 octets is fine.
            byte_buffer data;
            if (!append_unescaped(data, x))
                return bad(errc::bad_escape, x, "has a bad escape (\\X or \\DDD, DDD at most 255)");
            if (f == field::text1 && data.empty()) return bad(errc::bad_syntax, x, "is empty");
            w.bytes(data);
            break;
        }
        case field::data16: {
            // LEN, then the octets in base64 unless LEN is 0.
            auto len = parse_decimal(x, 0xffff);
            if (!len) return bad(errc::bad_number, x, "length " + number_problem(x, 0xffff));
            byte_buffer data;
            if (*len > 0) {
                const text_token* b = take();
                if (!b) return fail(rdata_text_error(errc::missing_field, "missing " + label));
                if (!append_from_base64(data, b->text))
                    return bad(errc::bad_encoding, b->text, "is not base64");
                if (data.size() != *len)
                    return bad(errc::rdata_length, b->text,
                               "is " + std::to_string(data.size()) + " octets, not " +
                                   std::to_string(*len));
            }
            w.u16(static_cast<std::uint16_t>(data.size()));
            w.bytes(data);
            break;
        }
        case field::salt:
        case field::hash: {
            byte_buffer data;
            if (f == field::salt && x == "-") {
                // no salt
            } else if (f == field::salt ? !append_from_hex(data, x)
                                        : !append_from_base32hex(data, x)) {
                return bad(errc::bad_encoding, x,
                           f == field::salt ? "is neither hex nor \"-\"" : "is not base32hex");
            }
            if (data.size() > 255) return bad(errc::bad_encoding, x, "is longer than 255 octets");
            if (f == field::hash && data.empty()) return bad(errc::bad_encoding, x, "is empty");
            w.u8(static_cast<std::uint8_t>(data.size()));
            w.bytes(data);
            break;
        }
        default:
            return fail(rdata_text_error(errc::bad_syntax));
        }
    }
    if (next != tokens.size())
        return fail(
            rdata_text_error(errc::extra_field, "extra field " + shown_token(tokens[next].text)));
    return {};
}

} // namespace detail

// Parses presentation RDATA (the fields after the type) into uncompressed wire form.
// Relative names complete with `origin`; the RFC 3597 `\#` generic form works for every
// type, and for a known type its octets must then fit the type's wire format. Errors
// name the field and quote the token at fault.
inline result<byte_buffer, rdata_text_error>
rdata_from_text(rr_type type, std::span<const text_token> fields, const name* origin) {
    byte_buffer out;
    if (!fields.empty() && !fields[0].quoted && fields[0].text == "\\#") {
        if (fields.size() < 2)
            return fail(rdata_text_error(errc::missing_field, "missing the length after \\#"));
        auto len = detail::parse_decimal(fields[1].text, 0xffff);
        if (!len)
            return fail(rdata_text_error(errc::bad_number,
                                         "\\# length " + detail::shown_token(fields[1].text) + ' ' +
                                             detail::number_problem(fields[1].text, 0xffff)));
        std::string hex;
        for (const auto& t : fields.subspan(2))
            hex += t.text;
        if (!append_from_hex(out, hex))
            return fail(rdata_text_error(errc::bad_encoding,
                                         "\\# data " + detail::shown_token(hex) + " is not hex"));
        if (out.size() != *len)
            return fail(
                rdata_text_error(errc::rdata_length, "\\# data is " + std::to_string(out.size()) +
                                                         " octets, not " + std::to_string(*len)));
        if (auto ok = check_rdata(type, out); !ok)
            return fail(rdata_text_error(ok.error().code, "\\# data does not fit " +
                                                              to_string(type) + ": " +
                                                              ok.error().message()));
        return out;
    }
    const detail::schema* s = detail::schema_for(type);
    if (!s)
        return fail(rdata_text_error(errc::bad_syntax, to_string(type) +
                                                           " has no known fields: use the "
                                                           "RFC 3597 form \\# LENGTH HEX"));
    DANE_TRY(detail::rdata_fields_from_text(out, *s, fields, origin));
    if (out.size() > 0xffff)
        return fail(rdata_text_error(errc::rdata_length, "RDATA longer than 65535 octets"));
    return out;
}

// Presentation-form pieces for programs that read or print fields on their own.

// An RRSIG time field (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC, or a decimal number of
// seconds; the value is taken modulo 2^32 (RFC 4034 §3.1.5).
inline result<std::uint32_t> parse_rrsig_time(std::string_view text) {
    return detail::parse_time_field(text);
}
// An unsigned decimal number no greater than `max` (errc::bad_number otherwise).
inline result<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
    return detail::parse_decimal(text, max);
}
// A <character-string> as zone files write it (RFC 1035 §5.1): in quotes, with quote,
// backslash and non-printing octets escaped.
inline void append_quoted_string(std::string& out, bytes_view octets) {
    detail::append_quoted(out, reinterpret_cast<const std::uint8_t*>(octets.data()), octets.size());
}

} // namespace dane::dns
