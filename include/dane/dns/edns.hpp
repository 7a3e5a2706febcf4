// EDNS(0) (RFC 6891): the OPT pseudo-record's fields and options, and the Extended DNS
// Error option (RFC 8914). `edns_view` reads an OPT record inside a message without
// copying; `edns` is the owning form a message_builder writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/dns/error.hpp"

namespace dane::dns {

// Option codes from the IANA "DNS EDNS0 Option Codes (OPT)" registry that the library
// names; any other value is still a valid code.
enum class edns_option_code : std::uint16_t {
    llq = 1,
    update_lease = 2,
    nsid = 3,            // RFC 5001
    dau = 5,             // RFC 6975
    dhu = 6,             // RFC 6975
    n3u = 7,             // RFC 6975
    client_subnet = 8,   // RFC 7871
    expire = 9,          // RFC 7314
    cookie = 10,         // RFC 7873
    tcp_keepalive = 11,  // RFC 7828
    padding = 12,        // RFC 7830
    chain = 13,          // RFC 7901
    key_tag = 14,        // RFC 8145
    extended_error = 15, // RFC 8914
};

// INFO-CODEs of the Extended DNS Error option: RFC 8914 §5.2's initial registry (0-24)
// and the later IANA registrations.
enum class ede_code : std::uint16_t {
    other = 0,
    unsupported_dnskey_algorithm = 1,
    unsupported_ds_digest_type = 2,
    stale_answer = 3,
    forged_answer = 4,
    dnssec_indeterminate = 5,
    dnssec_bogus = 6,
    signature_expired = 7,
    signature_not_yet_valid = 8,
    dnskey_missing = 9,
    rrsigs_missing = 10,
    no_zone_key_bit_set = 11,
    nsec_missing = 12,
    cached_error = 13,
    not_ready = 14,
    blocked = 15,
    censored = 16,
    filtered = 17,
    prohibited = 18,
    stale_nxdomain_answer = 19,
    not_authoritative = 20,
    not_supported = 21,
    no_reachable_authority = 22,
    network_error = 23,
    invalid_data = 24,
    signature_expired_before_valid = 25,
    too_early = 26,                    // RFC 9250
    unsupported_nsec3_iterations = 27, // RFC 9276 §3.2
    unable_to_conform_to_policy = 28,
    synthesized = 29,
};

namespace detail {
inline constexpr std::string_view ede_purposes[] = {
    "Other",
    "Unsupported DNSKEY Algorithm",
    "Unsupported DS Digest Type",
    "Stale Answer",
    "Forged Answer",
    "DNSSEC Indeterminate",
    "DNSSEC Bogus",
    "Signature Expired",
    "Signature Not Yet Valid",
    "DNSKEY Missing",
    "RRSIGs Missing",
    "No Zone Key Bit Set",
    "NSEC Missing",
    "Cached Error",
    "Not Ready",
    "Blocked",
    "Censored",
    "Filtered",
    "Prohibited",
    "Stale NXDOMAIN Answer",
    "Not Authoritative",
    "Not Supported",
    "No Reachable Authority",
    "Network Error",
    "Invalid Data",
    "Signature Expired before Valid",
    "Too Early",
    "Unsupported NSEC3 Iterations Value",
    "Unable to conform to policy",
    "Synthesized",
};
} // namespace detail

// The registry's "Purpose" text, e.g. "DNSSEC Bogus"; unassigned codes print as
// "EDE nnn".
inline std::string to_string(ede_code c) {
    auto v = static_cast<std::uint16_t>(c);
    if (v < std::size(detail::ede_purposes)) return std::string(detail::ede_purposes[v]);
    return "EDE " + std::to_string(v);
}

// An Extended DNS Error option's content, viewed inside its buffer.
struct extended_error_view {
    ede_code code = ede_code::other;
    // EXTRA-TEXT as sent. RFC 8914 §2 says it may be NUL-terminated but must not be
    // assumed to be; a trailing NUL is dropped here so callers can print it.
    std::string_view extra_text;

    // Parses OPTION-DATA. `offset` is the data's position in the message, for the error.
    static result<extended_error_view, wire_error> parse(bytes_view data,
                                                         std::size_t offset = 0) noexcept {
        if (data.size() < 2) return fail(wire_error(errc::bad_option, offset));
        extended_error_view e;
        e.code = static_cast<ede_code>(std::to_integer<unsigned>(data[0]) << 8 |
                                       std::to_integer<unsigned>(data[1]));
        e.extra_text = as_chars(data.subspan(2));
        if (!e.extra_text.empty() && e.extra_text.back() == '\0') e.extra_text.remove_suffix(1);
        return e;
    }

    // True when EXTRA-TEXT is well-formed UTF-8 (RFC 3629: shortest form, no surrogates,
    // at most U+10FFFF). Text that is not should be shown escaped, never trusted.
    bool text_is_utf8() const noexcept {
        const auto* s = reinterpret_cast<const unsigned char*>(extra_text.data());
        std::size_t n = extra_text.size(), i = 0;
        while (i < n) {
            unsigned c = s[i];
            std::size_t len;
            std::uint32_t cp, min;
            if (c < 0x80) {
                ++i;
                continue;
            } else if ((c & 0xe0) == 0xc0) {
                len = 2, cp = c & 0x1f, min = 0x80;
            } else if ((c & 0xf0) == 0xe0) {
                len = 3, cp = c & 0x0f, min = 0x800;
            } else if ((c & 0xf8) == 0xf0) {
                len = 4, cp = c & 0x07, min = 0x10000;
            } else {
                return false;
            }
            if (n - i < len) return false;
            for (std::size_t k = 1; k < len; ++k) {
                if ((s[i + k] & 0xc0) != 0x80) return false;
                cp = cp << 6 | (s[i + k] & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
            i += len;
        }
        return true;
    }
};

// One option inside OPT RDATA.
struct edns_option_view {
    std::uint16_t code = 0;
    bytes_view data;        // OPTION-DATA
    std::size_t offset = 0; // of OPTION-CODE, in the buffer the OPT RDATA was taken from

    bool is(edns_option_code c) const noexcept { return code == static_cast<std::uint16_t>(c); }
};

// Iterates the options of OPT RDATA that edns_view::parse has checked. Only edns_view
// makes one, so the RDATA is always whole options; the iterator still never reads past the
// RDATA: an option whose header or data would run past it ends the range.
class edns_option_range {
public:
    class iterator {
    public:
        using value_type = edns_option_view;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        edns_option_view operator*() const noexcept {
            if (!whole()) return {};
            return {static_cast<std::uint16_t>(at(pos_) << 8 | at(pos_ + 1)),
                    rdata_.subspan(pos_ + 4, data_length()), base_ + pos_};
        }
        iterator& operator++() noexcept {
            pos_ = whole() ? pos_ + 4 + data_length() : rdata_.size();
            return *this;
        }
        iterator operator++(int) noexcept {
            auto old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.pos_ == b.pos_;
        }

    private:
        friend class edns_option_range;
        iterator(bytes_view rdata, std::size_t base, std::size_t pos) noexcept
            : rdata_(rdata), base_(base), pos_(pos) {}
        unsigned at(std::size_t i) const noexcept { return std::to_integer<unsigned>(rdata_[i]); }
        std::size_t data_length() const noexcept {
            return static_cast<std::size_t>(at(pos_ + 2) << 8 | at(pos_ + 3));
        }
        // The option at pos_ has its four header octets and its data inside the RDATA.
        bool whole() const noexcept {
            return pos_ < rdata_.size() && rdata_.size() - pos_ >= 4 &&
                   rdata_.size() - pos_ - 4 >= data_length();
        }
        bytes_view rdata_;
        std::size_t base_ = 0, pos_ = 0;
    };

    edns_option_range() = default;
    iterator begin() const noexcept { return {rdata_, base_, 0}; }
    iterator end() const noexcept { return {rdata_, base_, rdata_.size()}; }
    bool empty() const noexcept { return rdata_.empty(); }

private:
    friend class edns_view;
    // Only from RDATA that edns_view::parse accepted.
    edns_option_range(bytes_view rdata, std::size_t base) noexcept : rdata_(rdata), base_(base) {}
    bytes_view rdata_;
    std::size_t base_ = 0;
};

// The OPT pseudo-record of a message (RFC 6891 §6.1.2): CLASS carries the requestor's UDP
// payload size, TTL the extended RCODE bits, the version and the flags.
class edns_view {
public:
    edns_view() = default;

    // Checks that `rdata` is a sequence of whole options. `rdata_offset` is where the RDATA
    // sits in the message, so errors and option offsets are absolute.
    static result<edns_view, wire_error> parse(std::uint16_t klass, std::uint32_t ttl,
                                               bytes_view rdata,
                                               std::size_t rdata_offset = 0) noexcept {
        std::size_t pos = 0;
        while (pos < rdata.size()) {
            if (rdata.size() - pos < 4)
                return fail(wire_error(errc::bad_option, rdata_offset + pos));
            std::size_t len = std::to_integer<std::size_t>(rdata[pos + 2]) << 8 |
                              std::to_integer<std::size_t>(rdata[pos + 3]);
            if (rdata.size() - pos - 4 < len)
                return fail(wire_error(errc::bad_option, rdata_offset + pos));
            pos += 4 + len;
        }
        edns_view v;
        v.klass_ = klass;
        v.ttl_ = ttl;
        v.rdata_ = rdata;
        v.rdata_offset_ = rdata_offset;
        return v;
    }

    // Senders SHOULD NOT advertise less than 512; RFC 6891 §6.2.5 says to treat smaller
    // values as 512. This is the raw field; see effective_udp_payload_size().
    std::uint16_t udp_payload_size() const noexcept { return klass_; }
    std::uint16_t effective_udp_payload_size() const noexcept {
        return klass_ < 512 ? std::uint16_t{512} : klass_;
    }
    // The upper 8 bits of the 12-bit RCODE (RFC 6891 §6.1.3).
    std::uint8_t extended_rcode() const noexcept { return static_cast<std::uint8_t>(ttl_ >> 24); }
    std::uint8_t version() const noexcept { return static_cast<std::uint8_t>(ttl_ >> 16); }
    // DNSSEC OK (RFC 3225): the requestor can take DNSSEC records.
    bool dnssec_ok() const noexcept { return (ttl_ & 0x8000) != 0; }
    // The 16 flag bits, DO included.
    std::uint16_t flags() const noexcept { return static_cast<std::uint16_t>(ttl_); }
    std::uint32_t ttl() const noexcept { return ttl_; }

    bytes_view rdata() const noexcept { return rdata_; }
    edns_option_range options() const noexcept { return {rdata_, rdata_offset_}; }

    // The first option with `code`, if any.
    std::optional<edns_option_view> find(edns_option_code code) const noexcept {
        for (auto o : options())
            if (o.is(code)) return o;
        return std::nullopt;
    }
    // The Extended DNS Errors, in order (RFC 8914 §3 allows several). Options that are
    // too short to hold an INFO-CODE are skipped.
    std::vector<extended_error_view> extended_errors() const {
        std::vector<extended_error_view> out;
        for (auto o : options())
            if (o.is(edns_option_code::extended_error))
                if (auto e = extended_error_view::parse(o.data, o.offset + 4)) out.push_back(*e);
        return out;
    }
    std::optional<extended_error_view> extended_error() const noexcept {
        for (auto o : options())
            if (o.is(edns_option_code::extended_error))
                if (auto e = extended_error_view::parse(o.data, o.offset + 4)) return *e;
        return std::nullopt;
    }

private:
    std::uint16_t klass_ = 0;
    std::uint32_t ttl_ = 0;
    bytes_view rdata_;
    std::size_t rdata_offset_ = 0;
};

// The owning EDNS information a message_builder writes as its OPT record. The extended
// RCODE bits are not here: they follow from the message's RCODE.
struct edns {
    std::uint16_t udp_payload_size = 1232; // the DNS Flag Day 2020 value, fits IPv6 MTUs
    std::uint8_t version = 0;
    bool dnssec_ok = false;
    std::uint16_t other_flags = 0; // Z bits besides DO, sent as given (normally zero)
    std::vector<std::pair<std::uint16_t, byte_buffer>> options;

    void add_option(std::uint16_t code, bytes_view data) {
        options.emplace_back(code, byte_buffer(data.begin(), data.end()));
    }
    void add_option(edns_option_code code, bytes_view data) {
        add_option(static_cast<std::uint16_t>(code), data);
    }
    void add_extended_error(ede_code code, std::string_view extra_text = {}) {
        byte_buffer d;
        byte_writer w(d);
        w.u16(static_cast<std::uint16_t>(code));
        w.bytes(as_bytes(extra_text));
        options.emplace_back(static_cast<std::uint16_t>(edns_option_code::extended_error),
                             std::move(d));
    }

    // OPT RDATA: the options in order.
    std::size_t rdata_size() const noexcept {
        std::size_t n = 0;
        for (const auto& o : options)
            n += 4 + o.second.size();
        return n;
    }
    void write_rdata(byte_writer& w) const {
        for (const auto& [code, data] : options) {
            w.u16(code);
            w.u16(static_cast<std::uint16_t>(data.size()));
            w.bytes(data);
        }
    }

    // Copies a received OPT record (for instance to echo or rebuild it).
    static edns from_view(const edns_view& v) {
        edns e;
        e.udp_payload_size = v.udp_payload_size();
        e.version = v.version();
        e.dnssec_ok = v.dnssec_ok();
        e.other_flags = static_cast<std::uint16_t>(v.flags() & 0x7fff);
        for (auto o : v.options())
            e.add_option(o.code, o.data);
        return e;
    }

    friend bool operator==(const edns&, const edns&) = default;
};

} // namespace dane::dns
