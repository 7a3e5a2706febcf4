// DNS messages (RFC 1035 §4.1) as checked, zero-copy views over the caller's buffer.
//
// message_view::parse validates the whole message once: every name (compression pointers
// included, RFC 1035 §4.1.4), every RDATA against its type's wire format, the section
// counts, the places of OPT and TSIG and their layout, and that nothing follows the last
// record.
// It allocates nothing. Iterating a section afterwards only re-walks what was checked.
// The views borrow the buffer: it must outlive them, and nothing long-lived should keep
// a view; to_record() and compressed_name_view::to_name() make owning copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>

#include "dane/core/bytes.hpp"
#include "dane/dns/edns.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dns/wire_name.hpp"

namespace dane::dns {

enum class section : std::uint8_t { question = 0, answer = 1, authority = 2, additional = 3 };

inline constexpr std::size_t header_size = 12;
inline constexpr std::size_t max_message_size = 65535;

// Decompression work a message may ask of parse: steps (labels read plus pointers
// followed) over all its names, counted as a full walk of each name even where parse
// takes a shortcut, so that decompressing every name of a message afterwards costs no
// more than this either. max_pointer_hops bounds one name; this bounds the sum, at a few
// steps per octet: real answers need about 0.1 (0.135 at most over the benchmark corpus:
// owners point at the question name, names run a handful of labels), short records at a
// 34-label ip6.arpa name about 2, while a message built to be slow (thousands of owners
// pointing at the end of a chain of pointers) would need over ten.
inline constexpr std::size_t decompression_work_per_octet = 4;
inline constexpr std::size_t decompression_work_base = 4096;
constexpr std::size_t max_decompression_work(std::size_t message_size) noexcept {
    return decompression_work_base + decompression_work_per_octet * message_size;
}

namespace detail {
// What default-constructed views look at, so that they never dereference null: a header of
// zeros with no entries (message_view), and a record or question owned by the root with
// every field zero (record_view, question_view).
inline constexpr std::byte empty_message[12] = {};

inline std::uint16_t load16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
inline std::uint32_t load32(const std::uint8_t* p) noexcept {
    return std::uint32_t{load16(p)} << 16 | load16(p + 2);
}
// Offset just past a name that has already been checked: labels up to the root, or up to
// and including the first pointer. Never follows pointers.
inline std::size_t skip_checked_name(const std::uint8_t* p, std::size_t pos) noexcept {
    for (;;) {
        std::uint8_t len = p[pos];
        if (len == 0) return pos + 1;
        if (len >= 0xc0) return pos + 2;
        pos += 1 + len;
    }
}

// Names that message_view::parse has already checked, by offset, with their expanded
// length, the pointers they follow and the steps a full walk takes. Owner names are
// mostly pointers to the question name or to an earlier owner; with these few slots each
// such pointer costs one lookup instead of a walk.
struct checked_names {
    static constexpr std::size_t slots = 16;
    struct entry {
        std::uint16_t offset;
        std::uint8_t length, hops;
        std::uint16_t steps;
    };
    entry slot[slots];
    std::size_t used = 0, next = 0;

    const entry* find(std::size_t at) const noexcept {
        for (std::size_t i = 0; i < used; ++i)
            if (slot[i].offset == at) return &slot[i];
        return nullptr;
    }
    void add(std::size_t at, std::size_t len, std::size_t hops, std::size_t steps) noexcept {
        slot[next] = {static_cast<std::uint16_t>(at), static_cast<std::uint8_t>(len),
                      static_cast<std::uint8_t>(hops), static_cast<std::uint16_t>(steps)};
        next = (next + 1) % slots;
        if (used < slots) ++used;
    }
};

// The same rules as walk_wire_name (wire_name.hpp), as one yes/no loop that reuses names
// checked before. A name reached through a pointer is walked exactly as it would be from
// its own start (the segment begins at the target either way), so a remembered name
// stays valid; only the expanded length, the hops and the steps add up. Returns the
// offset past the name, or 0 when the name is bad: the caller then asks walk_wire_name
// which error it is. `work`, when given, grows by the steps a full walk of the name takes
// (as walk_wire_name counts them), so a remembered name costs the budget what it would
// cost anyone who decompresses it later.
inline std::size_t check_name_fast(const std::uint8_t* p, std::size_t size, std::size_t pos,
                                   checked_names& known, std::size_t* work = nullptr) noexcept {
    const std::size_t start = pos;
    std::size_t segment = pos, expanded = 1, end = 0, hops = 0, steps = 0;
    for (;;) {
        if (pos >= size) return 0;
        const std::size_t len = p[pos];
        if (len == 0) break;
        ++steps;
        if (len <= max_label_length) {
            if (pos + 1 + len >= size) return 0;
            expanded += 1 + len;
            if (expanded > max_name_length) return 0;
            pos += 1 + len;
            continue;
        }
        if (len < 0xc0 || pos + 1 >= size) return 0;
        const std::size_t target = (len & 0x3f) << 8 | p[pos + 1];
        if (target >= segment) return 0; // forward, looping (and so out of bounds too)
        if (++hops > max_pointer_hops) return 0;
        if (!end) end = pos + 2;
        if (const auto* rest = known.find(target)) {
            expanded += rest->length - 1;
            hops += rest->hops;
            steps += rest->steps;
            if (expanded > max_name_length || hops > max_pointer_hops) return 0;
            break;
        }
        pos = segment = target;
    }
    if (p[start] != 0 && p[start] < 0xc0) known.add(start, expanded, hops, steps);
    if (work) *work += steps;
    return end ? end : pos + 1;
}
} // namespace detail

// A name at some offset of a message, possibly ending in a compression pointer. Only the
// library makes these from checked messages (or at() checks), so reading one never fails.
class compressed_name_view {
public:
    // Checks the name at `offset` of `message` and views it.
    static result<compressed_name_view, wire_error> at(bytes_view message,
                                                       std::size_t offset) noexcept {
        auto end = skip_wire_name(message, offset);
        if (!end) return fail(end.error());
        return compressed_name_view(message, offset);
    }

    bytes_view message() const noexcept { return message_; }
    std::size_t offset() const noexcept { return offset_; }
    // Octets the name takes at its position (up to and including the first pointer).
    std::size_t size_in_message() const noexcept {
        return detail::skip_checked_name(detail::u8p(message_), offset_) - offset_;
    }

    // The expanded name, case kept.
    name to_name() const noexcept {
        auto r = read_wire_name(message_, offset_);
        return r ? r->name : name();
    }
    std::string to_string() const { return to_name().to_string(); }
    void append_text(std::string& out) const { to_name().append_text(out); }

    // Case-insensitive comparison with an uncompressed name, label by label, no copy.
    friend bool operator==(const compressed_name_view& a, name_view b) noexcept {
        const std::uint8_t* q = b.data();
        std::size_t left = b.size();
        bool same = true;
        auto walk = detail::walk_wire_name(
            a.message_, a.offset_, true, [&](const std::uint8_t* label, std::size_t len) {
                if (!same) return;
                if (left < len + 2 || q[0] != len) {
                    same = false;
                    return;
                }
                for (std::size_t i = 0; i < len; ++i)
                    if (dns::detail::ascii_lower(label[i]) != dns::detail::ascii_lower(q[1 + i])) {
                        same = false;
                        return;
                    }
                q += 1 + len;
                left -= 1 + len;
            });
        return walk.has_value() && same && left == 1 && q[0] == 0;
    }
    friend bool operator==(const compressed_name_view& a, const compressed_name_view& b) noexcept {
        return a == b.to_name().view();
    }

private:
    friend class record_view;
    friend class question_view;
    compressed_name_view(bytes_view message, std::size_t offset) noexcept
        : message_(message), offset_(offset) {}
    bytes_view message_;
    std::size_t offset_ = 0;
};

// An owning question (RFC 1035 §4.1.2).
struct question {
    name qname;
    rr_type qtype = rr_type::a;
    rr_class qclass = rr_class::in;
    friend bool operator==(const question&, const question&) = default;
};

// One entry of the question section of a checked message.
class question_view {
public:
    // The root name, type 0, class 0.
    question_view() noexcept : message_(detail::empty_message, 5), fields_(1) {}
    compressed_name_view qname() const noexcept { return {message_, offset_}; }
    rr_type qtype() const noexcept { return static_cast<rr_type>(detail::load16(fixed())); }
    rr_class qclass() const noexcept { return static_cast<rr_class>(detail::load16(fixed() + 2)); }
    std::size_t offset() const noexcept { return offset_; }
    // Offset just past this entry.
    std::size_t end() const noexcept { return fields_ + 4; }
    question to_question() const noexcept { return {qname().to_name(), qtype(), qclass()}; }

private:
    template <class>
    friend class section_range;
    question_view(bytes_view m, std::size_t at) noexcept
        : message_(m), offset_(at), fields_(detail::skip_checked_name(detail::u8p(m), at)) {}
    const std::uint8_t* fixed() const noexcept { return detail::u8p(message_) + fields_; }
    bytes_view message_;
    std::size_t offset_ = 0, fields_ = 0;
};

// One resource record of a checked message (RFC 1035 §4.1.3).
class record_view {
public:
    // The root name, type 0, class 0, TTL 0, empty RDATA.
    record_view() noexcept : message_(detail::empty_message, 11), fields_(1) {}
    compressed_name_view owner() const noexcept { return {message_, offset_}; }
    rr_type type() const noexcept { return static_cast<rr_type>(detail::load16(fixed())); }
    rr_class klass() const noexcept { return static_cast<rr_class>(detail::load16(fixed() + 2)); }
    // The raw CLASS field (the OPT record keeps its UDP payload size here).
    std::uint16_t class_value() const noexcept { return detail::load16(fixed() + 2); }
    std::uint32_t ttl() const noexcept { return detail::load32(fixed() + 4); }

    std::size_t offset() const noexcept { return offset_; }
    std::size_t rdata_offset() const noexcept { return fields_ + 10; }
    std::size_t rdata_length() const noexcept { return detail::load16(fixed() + 8); }
    // Offset just past this record.
    std::size_t end() const noexcept { return rdata_offset() + rdata_length(); }
    // RDATA as it is in the message: names in RFC 1035 types may hold pointers.
    bytes_view rdata() const noexcept { return message_.subspan(rdata_offset(), rdata_length()); }
    bytes_view message() const noexcept { return message_; }

    // RDATA with every compression pointer expanded.
    result<byte_buffer, wire_error> expanded_rdata() const {
        if (type() == rr_type::opt) {
            auto d = rdata();
            return byte_buffer(d.begin(), d.end());
        }
        return expand_rdata(type(), message_, rdata_offset(), rdata_length());
    }
    // An owning copy. Fails only if the RDATA does not expand, which parse has excluded.
    result<record, wire_error> to_record() const {
        auto rd = expanded_rdata();
        if (!rd) return fail(rd.error());
        return record{owner().to_name(), type(), klass(), ttl(), std::move(*rd)};
    }

private:
    template <class>
    friend class section_range;
    friend class message_view;
    record_view(bytes_view m, std::size_t at) noexcept
        : message_(m), offset_(at), fields_(detail::skip_checked_name(detail::u8p(m), at)) {}
    const std::uint8_t* fixed() const noexcept { return detail::u8p(message_) + fields_; }
    bytes_view message_;
    std::size_t offset_ = 0, fields_ = 0;
};

// The entries of one section, as a forward range of question_view or record_view.
template <class View>
class section_range {
public:
    class iterator {
    public:
        using value_type = View;
        using difference_type = std::ptrdiff_t;
        using reference = const View&;
        using pointer = const View*;
        using iterator_category = std::forward_iterator_tag;

        iterator() = default;
        const View& operator*() const noexcept { return cur_; }
        const View* operator->() const noexcept { return &cur_; }
        iterator& operator++() noexcept {
            if (--left_ > 0) cur_ = View(cur_.message_, cur_.end());
            return *this;
        }
        iterator operator++(int) noexcept {
            auto old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.left_ == b.left_;
        }

    private:
        friend class section_range;
        iterator(bytes_view m, std::size_t at, std::size_t count) noexcept : left_(count) {
            if (count > 0) cur_ = View(m, at);
        }
        View cur_{};
        std::size_t left_ = 0;
    };

    section_range() = default;
    iterator begin() const noexcept { return {message_, offset_, count_}; }
    iterator end() const noexcept { return {}; }
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    // Where the section starts in the message.
    std::size_t offset() const noexcept { return offset_; }

private:
    friend class message_view;
    section_range(bytes_view m, std::size_t at, std::size_t count) noexcept
        : message_(m), offset_(at), count_(count) {}
    bytes_view message_;
    std::size_t offset_ = 0, count_ = 0;
};

// A whole checked message.
class message_view {
public:
    // A message of one all-zero header and no entries.
    message_view() noexcept : wire_(detail::empty_message, header_size) {}

    // Checks every part of `wire` (see the top of this file). Errors carry the offset of
    // the field at fault. No allocation.
    static result<message_view, wire_error> parse(bytes_view wire) noexcept {
        const std::size_t size = wire.size();
        if (size < header_size) return fail(wire_error(errc::truncated, size));
        // Neither transport carries more (RFC 1035 §4.2.2's two-octet length for TCP).
        if (size > max_message_size) return fail(wire_error(errc::message_too_large, 0));
        const std::uint8_t* p = detail::u8p(wire);

        message_view m;
        m.wire_ = wire;
        std::size_t pos = header_size;
        for (int s = 0; s < 4; ++s)
            m.counts_[s] = detail::load16(p + 4 + 2 * s);

        m.starts_[0] = pos;
        detail::checked_names known;
        std::size_t work = 0;
        const std::size_t work_limit = max_decompression_work(size);
        auto check_name = [&](std::size_t at) -> result<std::size_t, wire_error> {
            if (std::size_t end = detail::check_name_fast(p, size, at, known, &work)) {
                if (work > work_limit) return fail(wire_error(errc::decompression_work, at));
                return end;
            }
            return skip_wire_name(wire, at); // the specific error
        };
        for (std::size_t i = 0; i < m.counts_[0]; ++i) {
            auto end = check_name(pos);
            if (!end) return fail(end.error());
            pos = *end;
            if (size - pos < 4) return fail(wire_error(errc::truncated, pos));
            pos += 4;
        }

        for (int s = 1; s < 4; ++s) {
            m.starts_[s] = pos;
            for (std::size_t i = 0; i < m.counts_[s]; ++i) {
                const std::size_t owner = pos;
                auto end = check_name(pos);
                if (!end) return fail(end.error());
                pos = *end;
                if (size - pos < 10) return fail(wire_error(errc::truncated, pos));
                const auto type = static_cast<rr_type>(detail::load16(p + pos));
                const std::size_t rdlen = detail::load16(p + pos + 8);
                const std::size_t rdata = pos + 10;
                // The RDLENGTH field is at fault when RDATA runs past the end.
                if (size - rdata < rdlen) return fail(wire_error(errc::truncated, pos + 8));
                if (type == rr_type::opt) {
                    // RFC 6891 §6.1.1: at most one OPT, in the additional section, owned
                    // by the root (a plain zero octet: nothing to compress).
                    if (s != 3 || m.opt_ != 0 || p[owner] != 0)
                        return fail(wire_error(errc::bad_opt, owner));
                    auto e =
                        edns_view::parse(detail::load16(p + pos + 2), detail::load32(p + pos + 4),
                                         wire.subspan(rdata, rdlen), rdata);
                    if (!e) return fail(e.error());
                    m.opt_ = owner;
                } else {
                    // RFC 8945 §5.1: a TSIG signs everything before it, so it is the last
                    // record of the message (and so there is at most one).
                    if (type == rr_type::tsig && (s != 3 || i + 1 != m.counts_[3]))
                        return fail(wire_error(errc::bad_tsig, owner));
                    auto ok = check_rdata(type, wire, rdata, rdlen, &work);
                    if (!ok) {
                        // The meta-records' own formats: say which rule broke.
                        if (type == rr_type::tsig)
                            return fail(wire_error(errc::bad_tsig_rdata, ok.error().offset));
                        if (type == rr_type::tkey)
                            return fail(wire_error(errc::bad_tkey_rdata, ok.error().offset));
                        return fail(ok.error());
                    }
                    if (work > work_limit) return fail(wire_error(errc::decompression_work, rdata));
                }
                pos = rdata + rdlen;
            }
        }
        if (pos != size) return fail(wire_error(errc::trailing_data, pos));
        return m;
    }

    // The view would outlive a temporary buffer: keep the buffer in a variable.
    static result<message_view, wire_error> parse(byte_buffer&&) = delete;

    bytes_view wire() const noexcept { return wire_; }
    std::size_t size() const noexcept { return wire_.size(); }

    // Header fields (RFC 1035 §4.1.1; AD and CD from RFC 4035 §3.2).
    std::uint16_t id() const noexcept { return detail::load16(p()); }
    // The 16-bit word after the ID: QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE.
    std::uint16_t flags() const noexcept { return detail::load16(p() + 2); }
    bool qr() const noexcept { return flags() & 0x8000; }
    dns::opcode opcode() const noexcept { return static_cast<dns::opcode>((flags() >> 11) & 0xf); }
    bool aa() const noexcept { return flags() & 0x0400; }
    bool tc() const noexcept { return flags() & 0x0200; }
    bool rd() const noexcept { return flags() & 0x0100; }
    bool ra() const noexcept { return flags() & 0x0080; }
    bool z() const noexcept { return flags() & 0x0040; }
    bool ad() const noexcept { return flags() & 0x0020; }
    bool cd() const noexcept { return flags() & 0x0010; }
    // The full RCODE: the header's 4 bits, with the OPT record's upper 8 bits when there
    // is one (RFC 6891 §6.1.3).
    dns::rcode rcode() const noexcept {
        unsigned low = flags() & 0xf;
        if (opt_ != 0) low |= static_cast<unsigned>(opt_record().ttl() >> 24) << 4;
        return static_cast<dns::rcode>(low);
    }
    std::uint8_t header_rcode() const noexcept { return flags() & 0xf; }

    std::size_t count(section s) const noexcept { return counts_[static_cast<int>(s)]; }

    section_range<question_view> question() const noexcept {
        return {wire_, starts_[0], counts_[0]};
    }
    section_range<record_view> answer() const noexcept { return records(section::answer); }
    section_range<record_view> authority() const noexcept { return records(section::authority); }
    section_range<record_view> additional() const noexcept { return records(section::additional); }
    // One of the three record sections (not the question).
    section_range<record_view> records(section s) const noexcept {
        auto i = static_cast<int>(s);
        if (i == 0) return {};
        return {wire_, starts_[i], counts_[i]};
    }

    // The OPT record, if the message has one.
    bool has_edns() const noexcept { return opt_ != 0; }
    std::optional<edns_view> edns() const noexcept {
        if (opt_ == 0) return std::nullopt;
        auto r = opt_record();
        auto e = edns_view::parse(r.class_value(), r.ttl(), r.rdata(), r.rdata_offset());
        if (!e) return std::nullopt; // cannot happen: parse checked it
        return *e;
    }
    std::optional<record_view> opt() const noexcept {
        if (opt_ == 0) return std::nullopt;
        return opt_record();
    }

private:
    const std::uint8_t* p() const noexcept { return detail::u8p(wire_); }
    record_view opt_record() const noexcept { return {wire_, opt_}; }

    bytes_view wire_;
    std::size_t counts_[4] = {};
    std::size_t starts_[4] = {};
    std::size_t opt_ = 0; // offset of the OPT record; 0 = none (the header is there)
};

} // namespace dane::dns
