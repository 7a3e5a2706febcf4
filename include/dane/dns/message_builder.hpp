// Builds DNS messages: queries for the resolver, and responses (tests and fixtures play
// the server). Owner names, and names inside the RDATA of the RFC 1035 types, are
// compressed (RFC 1035 §4.1.4) against a bounded table; names inside other types never
// are, as RFC 3597 §4 requires (DNSSEC's RRSIG signer and NSEC next name included).
//
// Records go straight into the output buffer, so sections are filled in order:
// question, answer, authority, additional. The OPT record is written last, by build().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>

#include "dane/core/bytes.hpp"
#include "dane/dns/edns.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"

namespace dane::dns {

// What a query asks for besides the question.
struct query_options {
    bool recursion_desired = true;  // RD: a stub asks a recursive resolver
    bool checking_disabled = false; // CD (RFC 4035 §3.2.2): when validating ourselves
    bool dnssec_ok = true;          // DO (RFC 3225): we want the RRSIGs
    bool use_edns = true;           // send an OPT record (needed for DO)
    std::uint16_t udp_payload_size = 1232;
};

class message_builder {
public:
    // Names whose positions the builder remembers for compression. Each entry is one
    // suffix of a written name; a bound keeps the search linear in the name count.
    static constexpr std::size_t compression_slots = 128;

    // `max_size` caps the message (65535, or a UDP payload size); a record that would
    // exceed it is not added and the call fails with message_too_large, so a caller can
    // set TC and build what fits.
    explicit message_builder(std::size_t max_size = max_message_size)
        : max_size_(max_size < max_message_size ? max_size : max_message_size) {
        buf_.reserve(512);
        buf_.resize(header_size);
    }

    // A query with `id` (the caller draws it from a good random source, RFC 5452 §9.2).
    static message_builder query(std::uint16_t id, name_view qname, rr_type qtype,
                                 const query_options& o = {}, rr_class qclass = rr_class::in) {
        message_builder b;
        b.set_id(id);
        b.set_rd(o.recursion_desired);
        b.set_cd(o.checking_disabled);
        if (o.use_edns) {
            dns::edns e;
            e.udp_payload_size = o.udp_payload_size;
            e.dnssec_ok = o.dnssec_ok;
            b.set_edns(std::move(e));
        }
        // A lone question cannot exceed the limit: a name is at most 255 octets.
        (void)b.add_question(qname, qtype, qclass);
        return b;
    }

    // Header fields.
    message_builder& set_id(std::uint16_t id) {
        w().patch16(0, id);
        return *this;
    }
    message_builder& set_qr(bool v) { return flag(0x8000, v); }
    message_builder& set_opcode(dns::opcode op) {
        flags_ = static_cast<std::uint16_t>((flags_ & ~0x7800u) | (static_cast<unsigned>(op) & 0xf)
                                                                      << 11);
        return *this;
    }
    message_builder& set_aa(bool v) { return flag(0x0400, v); }
    message_builder& set_tc(bool v) { return flag(0x0200, v); }
    message_builder& set_rd(bool v) { return flag(0x0100, v); }
    message_builder& set_ra(bool v) { return flag(0x0080, v); }
    message_builder& set_ad(bool v) { return flag(0x0020, v); }
    message_builder& set_cd(bool v) { return flag(0x0010, v); }
    // The full 12-bit RCODE; values over 15 need EDNS (their upper bits go in the OPT).
    message_builder& set_rcode(dns::rcode r) {
        rcode_ = static_cast<std::uint16_t>(static_cast<unsigned>(r) & 0xfff);
        return *this;
    }
    // The raw flags word (QR .. RCODE); the RCODE's extended bits stay as they were.
    message_builder& set_flags(std::uint16_t f) {
        flags_ = static_cast<std::uint16_t>(f & 0xfff0);
        rcode_ = static_cast<std::uint16_t>((rcode_ & 0xff0) | (f & 0xf));
        return *this;
    }

    // EDNS: an OPT record is written at the end of the additional section.
    message_builder& set_edns(dns::edns e) {
        edns_ = std::move(e);
        return *this;
    }
    message_builder& clear_edns() {
        edns_.reset();
        return *this;
    }
    const std::optional<dns::edns>& edns() const noexcept { return edns_; }

    result<void> add_question(name_view qname, rr_type qtype, rr_class qclass = rr_class::in) {
        if (section_ != 0) return fail(errc::section_order);
        if (counts_[0] == 0xffff) return fail(errc::message_too_large);
        auto mark = save();
        write_name(qname, true);
        w().u16(static_cast<std::uint16_t>(qtype));
        w().u16(static_cast<std::uint16_t>(qclass));
        return commit(mark, 0);
    }
    result<void> add_question(const question& q) {
        return add_question(q.qname, q.qtype, q.qclass);
    }

    // Adds a record with uncompressed RDATA. Records of type OPT are refused (bad_opt):
    // use set_edns, which keeps the OPT unique and last.
    result<void> add(section s, name_view owner, rr_type type, rr_class klass, std::uint32_t ttl,
                     bytes_view rdata) {
        auto i = static_cast<int>(s);
        if (i == 0 || i < section_) return fail(errc::section_order);
        if (type == rr_type::opt) return fail(errc::bad_opt);
        // RFC 8945 §5.1: a TSIG is the last record of the additional section.
        if (tsig_at_ != 0 || (type == rr_type::tsig && s != section::additional))
            return fail(errc::bad_tsig);
        if (rdata.size() > 0xffff || counts_[i] == 0xffff) return fail(errc::message_too_large);
        section_ = i;
        auto mark = save();
        write_name(owner, true);
        w().u16(static_cast<std::uint16_t>(type));
        w().u16(static_cast<std::uint16_t>(klass));
        w().u32(ttl);
        std::size_t rdlength_at = buf_.size();
        w().u16(0);
        write_rdata(type, rdata);
        std::size_t rdlen = buf_.size() - rdlength_at - 2;
        w().patch16(rdlength_at, static_cast<std::uint16_t>(rdlen));
        auto ok = commit(mark, i);
        if (ok && type == rr_type::tsig) tsig_at_ = mark.size;
        return ok;
    }
    result<void> add(section s, const record& r) {
        return add(s, r.owner, r.type, r.klass, r.ttl, r.rdata);
    }
    result<void> add_answer(const record& r) { return add(section::answer, r); }
    result<void> add_authority(const record& r) { return add(section::authority, r); }
    result<void> add_additional(const record& r) { return add(section::additional, r); }

    std::size_t count(section s) const noexcept { return counts_[static_cast<int>(s)]; }
    // Octets so far, without the OPT record.
    std::size_t size() const noexcept { return buf_.size(); }

    // The message: the header with its counts, the records, then the OPT record if any.
    // The builder is unchanged, so more records may follow and build() run again.
    result<byte_buffer> build() const {
        byte_buffer out;
        std::size_t opt_size = edns_ ? 11 + edns_->rdata_size() : 0;
        if (edns_ && edns_->rdata_size() > 0xffff) return fail(errc::message_too_large);
        if (buf_.size() + opt_size > max_size_) return fail(errc::message_too_large);
        if (rcode_ > 0xf && !edns_) return fail(errc::bad_opt);
        if (edns_ && counts_[3] == 0xffff) return fail(errc::message_too_large);
        out.reserve(buf_.size() + opt_size);
        // The OPT goes before a TSIG, which stays last. Nothing points into the TSIG, and
        // its owner points only backwards, so moving it changes no pointer.
        const std::size_t opt_at = edns_ && tsig_at_ ? tsig_at_ : buf_.size();
        out.assign(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(opt_at));
        byte_writer ow(out);
        ow.patch16(2, static_cast<std::uint16_t>(flags_ | (rcode_ & 0xf)));
        for (int s = 0; s < 4; ++s)
            ow.patch16(4 + 2 * static_cast<std::size_t>(s),
                       static_cast<std::uint16_t>(counts_[s] + (s == 3 && edns_ ? 1 : 0)));
        if (edns_) {
            ow.u8(0); // root owner (RFC 6891 §6.1.2)
            ow.u16(static_cast<std::uint16_t>(rr_type::opt));
            ow.u16(edns_->udp_payload_size);
            ow.u8(static_cast<std::uint8_t>(rcode_ >> 4));
            ow.u8(edns_->version);
            ow.u16(static_cast<std::uint16_t>((edns_->dnssec_ok ? 0x8000 : 0) |
                                              (edns_->other_flags & 0x7fff)));
            ow.u16(static_cast<std::uint16_t>(edns_->rdata_size()));
            edns_->write_rdata(ow);
        }
        out.insert(out.end(), buf_.begin() + static_cast<std::ptrdiff_t>(opt_at), buf_.end());
        return out;
    }

private:
    std::size_t tsig_at_ = 0; // where the TSIG record starts in buf_; 0 = none

    struct slot {
        std::uint16_t offset; // where a suffix starts in the output
        std::uint8_t length;  // that suffix's expanded wire length, root included
    };
    struct mark_t {
        std::size_t size, slots;
    };

    byte_writer w() noexcept { return byte_writer(buf_); }
    message_builder& flag(std::uint16_t bit, bool v) {
        flags_ = static_cast<std::uint16_t>(v ? (flags_ | bit) : (flags_ & ~bit));
        return *this;
    }
    mark_t save() const noexcept { return {buf_.size(), slots_used_}; }
    // Keeps what was written, or takes it all back when the message grew too large.
    result<void> commit(mark_t m, int s) {
        if (buf_.size() > max_size_) {
            buf_.resize(m.size);
            slots_used_ = m.slots;
            return fail(errc::message_too_large);
        }
        ++counts_[s];
        return {};
    }

    // True when the name written at `at` in the output equals `suffix` octet for octet.
    // Case matters here, so compression never changes the case a reader sees.
    bool same_name_at(std::size_t at, const std::uint8_t* suffix, std::size_t n) const noexcept {
        const std::uint8_t* out = reinterpret_cast<const std::uint8_t*>(buf_.data());
        std::size_t i = 0;
        for (;;) {
            std::uint8_t len = out[at];
            if (len >= 0xc0) { // our own pointers always go backwards to a name we wrote
                at = static_cast<std::size_t>(len & 0x3f) << 8 | out[at + 1];
                continue;
            }
            if (i >= n || suffix[i] != len) return false;
            if (len == 0) return i + 1 == n;
            if (n - i < 1u + len || std::memcmp(out + at + 1, suffix + i + 1, len) != 0)
                return false;
            i += 1 + len;
            at += 1 + len;
        }
    }

    // Writes `n`, ending in a pointer to an earlier copy of its longest suffix already in
    // the message when `compress` is set, and remembers its new suffixes when `remember`
    // is set (a name written in full may be a later pointer's target wherever it is).
    void write_name(name_view n, bool compress, bool remember = true) {
        std::array<std::uint8_t, max_labels + 1> labels{};
        const std::size_t count = n.label_offsets(labels);
        const std::uint8_t* d = n.data();
        std::size_t k = 0; // labels written in full
        std::optional<std::size_t> target;
        if (compress) {
            for (; k < count; ++k) {
                std::size_t len = n.size() - labels[k];
                for (std::size_t j = 0; j < slots_used_ && !target; ++j)
                    if (slots_[j].length == len &&
                        same_name_at(slots_[j].offset, d + labels[k], len))
                        target = slots_[j].offset;
                if (target) break;
            }
        } else {
            k = count;
        }
        for (std::size_t i = 0; i < k; ++i) {
            std::size_t at = buf_.size();
            // Pointers hold 14 bits of offset.
            if (remember && at < 0x4000 && slots_used_ < compression_slots)
                slots_[slots_used_++] = {static_cast<std::uint16_t>(at),
                                         static_cast<std::uint8_t>(n.size() - labels[i])};
            w().bytes(as_bytes(std::span(d + labels[i], 1u + d[labels[i]])));
        }
        if (target)
            w().u16(static_cast<std::uint16_t>(0xc000 | *target));
        else
            w().u8(0);
    }

    // Writes RDATA, compressing the names of the RFC 1035 types whose RDATA parses as
    // their format (RFC 3597 §4 allows no others). RDATA that does not parse is written
    // as given: the builder does not judge content, so tests can build bad messages.
    void write_rdata(rr_type type, bytes_view rdata) {
        auto whole_name = [](bytes_view b) -> std::optional<name_view> {
            auto v = name_view::from_wire(b);
            if (!v) return std::nullopt;
            return *v;
        };
        switch (type) {
        case rr_type::ns:
        case rr_type::md:
        case rr_type::mf:
        case rr_type::cname:
        case rr_type::mb:
        case rr_type::mg:
        case rr_type::mr:
        case rr_type::ptr:
            if (auto v = whole_name(rdata); v && v->size() == rdata.size()) {
                write_name(*v, true);
                return;
            }
            break;
        case rr_type::mx:
            if (rdata.size() > 2) {
                if (auto v = whole_name(rdata.subspan(2)); v && v->size() + 2 == rdata.size()) {
                    w().bytes(rdata.first(2));
                    write_name(*v, true);
                    return;
                }
            }
            break;
        case rr_type::srv:
            // RFC 2782: the target is never compressed, but later names may point to it.
            if (rdata.size() > 6) {
                if (auto v = whole_name(rdata.subspan(6)); v && v->size() + 6 == rdata.size()) {
                    w().bytes(rdata.first(6));
                    write_name(*v, false, true);
                    return;
                }
            }
            break;
        case rr_type::soa:
        case rr_type::minfo: {
            std::size_t tail = type == rr_type::soa ? 20 : 0;
            auto a = whole_name(rdata);
            if (!a) break;
            auto b = whole_name(rdata.subspan(a->size()));
            if (!b || a->size() + b->size() + tail != rdata.size()) break;
            write_name(*a, true);
            write_name(*b, true);
            w().bytes(rdata.last(tail));
            return;
        }
        default:
            break;
        }
        w().bytes(rdata);
    }

    byte_buffer buf_;
    std::size_t max_size_;
    std::uint16_t flags_ = 0; // without the RCODE
    std::uint16_t rcode_ = 0; // 12 bits
    std::size_t counts_[4] = {};
    int section_ = 0;
    std::optional<dns::edns> edns_;
    std::array<slot, compression_slots> slots_{};
    std::size_t slots_used_ = 0;
};

} // namespace dane::dns
