// Domain names. `name` owns an uncompressed wire-form name in inline storage (no heap);
// `name_view` is a non-owning view over one. Both keep the case they were given; equality
// and ordering are case-insensitive for ASCII (RFC 4343 §3), as DNS requires.
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/core/error.hpp"
#include "dane/dns/error.hpp"

namespace dane::dns {

inline constexpr std::size_t max_name_length = 255; // wire octets, RFC 1035 §2.3.4
inline constexpr std::size_t max_label_length = 63;
inline constexpr std::size_t max_labels = 127; // 127 one-octet labels + root = 255

namespace detail {
constexpr std::uint8_t ascii_lower(std::uint8_t c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}
inline const std::uint8_t* u8p(bytes_view b) noexcept {
    return reinterpret_cast<const std::uint8_t*>(b.data());
}
} // namespace detail

// A view over a well-formed uncompressed wire-form name (checked on construction by
// name_view::from_wire, or taken from a `name`).
class name_view {
public:
    // The root name.
    constexpr name_view() noexcept : data_(root_wire), size_(1) {}

    // Checks that `wire` starts with a whole uncompressed name; the view covers just it.
    static result<name_view, wire_error> from_wire(bytes_view wire) noexcept {
        const auto* p = detail::u8p(wire);
        std::size_t pos = 0;
        for (;;) {
            if (pos >= wire.size()) return fail(wire_error(errc::truncated, pos));
            std::uint8_t len = p[pos];
            if (len >= 0xc0) return fail(wire_error(errc::pointer_not_allowed, pos));
            if (len > max_label_length) return fail(wire_error(errc::bad_label_type, pos));
            if (pos + 1 + len > max_name_length) return fail(wire_error(errc::name_too_long, pos));
            pos += 1 + len;
            if (len == 0) break;
        }
        if (pos > wire.size()) return fail(wire_error(errc::truncated, wire.size()));
        return name_view(p, pos);
    }

    bytes_view wire() const noexcept { return as_bytes(std::span(data_, size_)); }
    const std::uint8_t* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool is_root() const noexcept { return size_ == 1; }

    // Labels, not counting the root.
    std::size_t label_count() const noexcept {
        std::size_t n = 0;
        for (std::size_t pos = 0; data_[pos] != 0; pos += 1 + data_[pos])
            ++n;
        return n;
    }
    // The leftmost label, without its length octet.
    std::string_view first_label() const noexcept {
        return {reinterpret_cast<const char*>(data_ + 1), data_[0]};
    }
    // `*.example.` (RFC 4034 §2.1: a wildcard's leftmost label is exactly "*").
    bool is_wildcard() const noexcept { return data_[0] == 1 && data_[1] == '*'; }

    // The name without its leftmost label; the root's parent is the root.
    name_view parent() const noexcept {
        if (is_root()) return *this;
        return name_view(data_ + 1 + data_[0], size_ - 1 - data_[0]);
    }
    // The last `n` labels (n <= label_count()).
    name_view suffix(std::size_t n) const noexcept {
        name_view v = *this;
        for (std::size_t k = label_count(); k > n; --k)
            v = v.parent();
        return v;
    }

    // True when this name equals `ancestor` or lies below it.
    bool is_subdomain_of(name_view ancestor) const noexcept {
        if (ancestor.size_ > size_) return false;
        // Walk label boundaries: the suffix must start at one, not mid-label.
        std::size_t skip = size_ - ancestor.size_;
        std::size_t pos = 0;
        while (pos < skip)
            pos += 1 + data_[pos];
        return pos == skip && name_view(data_ + pos, ancestor.size_) == ancestor;
    }
    // True for a strict descendant.
    bool is_strict_subdomain_of(name_view ancestor) const noexcept {
        return size_ > ancestor.size_ && is_subdomain_of(ancestor);
    }

    friend bool operator==(name_view a, name_view b) noexcept {
        if (a.size_ != b.size_) return false;
        // Length octets are never letters, so lowercasing every octet is safe.
        for (std::size_t i = 0; i < a.size_; ++i)
            if (detail::ascii_lower(a.data_[i]) != detail::ascii_lower(b.data_[i])) return false;
        return true;
    }
    // Exact, case-sensitive equality of the wire octets.
    bool identical(name_view b) const noexcept {
        return size_ == b.size_ && std::memcmp(data_, b.data_, size_) == 0;
    }

    // RFC 4034 §6.1 canonical order: compare label by label from the rightmost, each label
    // as lowercased octets, a label that is a prefix of the other sorting first.
    friend std::strong_ordering canonical_compare(name_view a, name_view b) noexcept {
        std::array<std::uint8_t, max_labels + 1> la{}, lb{};
        std::size_t na = a.label_offsets(la), nb = b.label_offsets(lb);
        while (na > 0 && nb > 0) {
            const std::uint8_t* pa = a.data_ + la[--na];
            const std::uint8_t* pb = b.data_ + lb[--nb];
            std::size_t n = std::min(pa[0], pb[0]);
            for (std::size_t i = 1; i <= n; ++i) {
                auto ca = detail::ascii_lower(pa[i]), cb = detail::ascii_lower(pb[i]);
                if (ca != cb) return ca <=> cb;
            }
            if (pa[0] != pb[0]) return pa[0] <=> pb[0];
        }
        return na <=> nb;
    }

    // Presentation form, absolute, with a trailing dot; "." for the root. Octets outside
    // printable ASCII, and the characters special in zone files, are escaped.
    void append_text(std::string& out) const {
        if (is_root()) {
            out += '.';
            return;
        }
        for (std::size_t pos = 0; data_[pos] != 0; pos += 1 + data_[pos]) {
            append_label_text(out, data_ + pos + 1, data_[pos]);
            out += '.';
        }
    }
    std::string to_string() const {
        std::string s;
        append_text(s);
        return s;
    }

    static void append_label_text(std::string& out, const std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            std::uint8_t c = p[i];
            if (c <= 0x20 || c >= 0x7f) {
                out += '\\';
                out += static_cast<char>('0' + c / 100);
                out += static_cast<char>('0' + c / 10 % 10);
                out += static_cast<char>('0' + c % 10);
            } else {
                switch (c) {
                case '.':
                case '\\':
                case '"':
                case '(':
                case ')':
                case ';':
                case '@':
                case '$':
                    out += '\\';
                    [[fallthrough]];
                default:
                    out += static_cast<char>(c);
                }
            }
        }
    }

    // Offsets of each label's length octet, leftmost first; returns the count.
    std::size_t label_offsets(std::array<std::uint8_t, max_labels + 1>& out) const noexcept {
        std::size_t n = 0;
        for (std::size_t pos = 0; data_[pos] != 0; pos += 1 + data_[pos])
            out[n++] = static_cast<std::uint8_t>(pos);
        return n;
    }

private:
    constexpr name_view(const std::uint8_t* p, std::size_t n) noexcept : data_(p), size_(n) {}
    static constexpr std::uint8_t root_wire[1] = {0};
    const std::uint8_t* data_;
    std::size_t size_;
    friend class name;
};

// An owning domain name. Parsing from text accepts RFC 1035 §5.1 escapes; a name that
// does not end in a dot is relative and is completed with the origin, if one is given.
class name {
public:
    name() noexcept { buf_[0] = 0; }
    name(name_view v) noexcept : size_(static_cast<std::uint8_t>(v.size())) {
        std::memcpy(buf_.data(), v.data(), v.size());
    }

    // Errors are located_error, as parse's are (name_view::from_wire gives the light
    // wire_error of the message parser's inner loops).
    static result<name, located_error> from_wire(bytes_view wire) noexcept {
        auto v = name_view::from_wire(wire);
        if (!v) return fail(located_error(v.error()));
        return name(*v);
    }

    // Parses presentation form. "@" is the origin. Relative names need an origin. Errors
    // are those of from_wire (dane::located_error), with the offset of the character
    // where the text went wrong when there is one.
    static result<name, located_error> parse(std::string_view text, const name* origin = nullptr) {
        if (text == "@") {
            if (!origin) return fail(errc::relative_name);
            return *origin;
        }
        if (text == ".") return name();
        if (text.empty()) return fail(errc::empty_label);
        name out;
        std::size_t size = 0;
        std::size_t label_start = 0;
        bool absolute = false;
        auto& buf = out.buf_;
        auto open_label = [&]() -> result<void> {
            if (size + 1 > max_name_length - 1) return fail(errc::name_too_long);
            label_start = size;
            buf[size++] = 0;
            return {};
        };
        DANE_TRY(open_label());
        for (std::size_t i = 0; i < text.size(); ++i) {
            const std::size_t at = i; // where this character (or escape) starts
            char c = text[i];
            std::uint8_t octet;
            if (c == '.') {
                if (buf[label_start] == 0) return fail(located_error(errc::empty_label, i));
                if (i + 1 == text.size()) {
                    absolute = true;
                    break;
                }
                if (!open_label()) return fail(located_error(errc::name_too_long, i));
                continue;
            }
            if (c == '\\') {
                if (i + 1 >= text.size()) return fail(located_error(errc::bad_escape, i));
                char d = text[i + 1];
                if (d >= '0' && d <= '9') {
                    if (i + 3 >= text.size()) return fail(located_error(errc::bad_escape, i));
                    unsigned v = 0;
                    for (int k = 1; k <= 3; ++k) {
                        char e = text[i + k];
                        if (e < '0' || e > '9') return fail(located_error(errc::bad_escape, i));
                        v = v * 10 + static_cast<unsigned>(e - '0');
                    }
                    if (v > 255) return fail(located_error(errc::bad_escape, i));
                    octet = static_cast<std::uint8_t>(v);
                    i += 3;
                } else {
                    octet = static_cast<std::uint8_t>(d);
                    i += 1;
                }
            } else {
                octet = static_cast<std::uint8_t>(c);
            }
            if (buf[label_start] == max_label_length)
                return fail(located_error(errc::label_too_long, at));
            if (size + 1 > max_name_length - 1) return fail(located_error(errc::name_too_long, at));
            buf[size++] = octet;
            ++buf[label_start];
        }
        buf[size++] = 0;
        out.size_ = static_cast<std::uint8_t>(size);
        if (!absolute) {
            if (!origin) return fail(errc::relative_name);
            auto full = out.concat(*origin);
            if (!full) return fail(located_error(full.error()));
            return std::move(*full);
        }
        return out;
    }

    name_view view() const noexcept { return name_view(buf_.data(), size_); }
    operator name_view() const noexcept { return view(); }

    bytes_view wire() const noexcept { return view().wire(); }
    std::size_t size() const noexcept { return size_; }
    bool is_root() const noexcept { return size_ == 1; }
    std::size_t label_count() const noexcept { return view().label_count(); }
    bool is_wildcard() const noexcept { return view().is_wildcard(); }
    name parent() const noexcept { return view().parent(); }
    name suffix(std::size_t n) const noexcept { return view().suffix(n); }
    bool is_subdomain_of(name_view a) const noexcept { return view().is_subdomain_of(a); }
    bool is_strict_subdomain_of(name_view a) const noexcept {
        return view().is_strict_subdomain_of(a);
    }
    std::string to_string() const { return view().to_string(); }
    void append_text(std::string& out) const { view().append_text(out); }

    // This (relative, root-terminated) name followed by `origin`.
    result<name> concat(name_view origin) const {
        if (size_ - 1 + origin.size() > max_name_length) return fail(errc::name_too_long);
        name out = *this;
        std::memcpy(out.buf_.data() + size_ - 1, origin.data(), origin.size());
        out.size_ = static_cast<std::uint8_t>(size_ - 1 + origin.size());
        return out;
    }
    // A one-label name prepended: prepend("*") makes the wildcard at this name.
    result<name> prepend(std::string_view label) const {
        if (label.empty()) return fail(errc::empty_label);
        if (label.size() > max_label_length) return fail(errc::label_too_long);
        if (size_ + 1 + label.size() > max_name_length) return fail(errc::name_too_long);
        name out;
        out.buf_[0] = static_cast<std::uint8_t>(label.size());
        std::memcpy(out.buf_.data() + 1, label.data(), label.size());
        std::memcpy(out.buf_.data() + 1 + label.size(), buf_.data(), size_);
        out.size_ = static_cast<std::uint8_t>(size_ + 1 + label.size());
        return out;
    }
    // The same name in lowercase, as canonical form (RFC 4034 §6.2) wants.
    name lowercased() const noexcept {
        name out = *this;
        for (std::size_t i = 0; i < size_; ++i)
            out.buf_[i] = detail::ascii_lower(buf_[i]);
        return out;
    }

    friend bool operator==(const name& a, const name& b) noexcept { return a.view() == b.view(); }
    friend bool operator==(const name& a, name_view b) noexcept { return a.view() == b; }
    friend std::strong_ordering canonical_compare(const name& a, const name& b) noexcept {
        return canonical_compare(a.view(), b.view());
    }

private:
    std::array<std::uint8_t, max_name_length> buf_;
    std::uint8_t size_ = 1;
};

// Orders names canonically, for std::map and std::sort.
struct canonical_less {
    bool operator()(name_view a, name_view b) const noexcept { return canonical_compare(a, b) < 0; }
};

} // namespace dane::dns
