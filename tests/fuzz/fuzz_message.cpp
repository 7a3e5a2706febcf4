// Fuzzes message parsing: whatever message_view::parse accepts must iterate, convert and
// decompress without a failure, agree with the reference name walk, and lose its validity
// when its last octet is cut off. Nothing may crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dane/dns/edns.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/wire_name.hpp"

namespace {

using namespace dane;
using namespace dane::dns;

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

// The owner as parse checked it (with its cache of known names) must also pass the
// plain walk of wire_name.hpp, end where the record's fields begin, and decompress.
void check_owner(bytes_view wire, compressed_name_view owner, std::size_t fields_at) {
    auto end = skip_wire_name(wire, owner.offset());
    FUZZ_CHECK(end.has_value() && *end == fields_at);
    auto full = read_wire_name(wire, owner.offset());
    FUZZ_CHECK(full.has_value());
    name n = owner.to_name();
    FUZZ_CHECK(n.view().identical(full->name));
    FUZZ_CHECK(owner == n.view());
    FUZZ_CHECK(owner == owner);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto wire = std::as_bytes(std::span(data, size));
    auto parsed = message_view::parse(wire);
    if (!parsed) {
        FUZZ_CHECK(parsed.error().offset <= size);
        return 0;
    }
    const message_view& m = *parsed;
    (void)m.id();
    (void)m.rcode();
    (void)m.opcode();

    std::size_t questions = 0;
    for (auto q : m.question()) {
        ++questions;
        check_owner(wire, q.qname(), q.end() - 4);
        auto owned = q.to_question();
        FUZZ_CHECK(q.qname() == owned.qname.view());
    }
    FUZZ_CHECK(questions == m.count(section::question));

    // Every name walked in full (as to_name would) costs no more than the budget parse
    // enforced, though parse took shortcuts through remembered names.
    std::size_t work = 0;
    for (auto q : m.question())
        (void)skip_wire_name(wire, q.offset(), true, &work);
    for (auto s : {section::answer, section::authority, section::additional})
        for (auto r : m.records(s)) {
            (void)skip_wire_name(wire, r.offset(), true, &work);
            if (r.type() != rr_type::opt)
                FUZZ_CHECK(check_rdata(r.type(), wire, r.rdata_offset(), r.rdata_length(), &work)
                               .has_value());
        }
    FUZZ_CHECK(work <= max_decompression_work(size));

    std::size_t opts = 0, tsigs = 0;
    std::size_t last_end = m.question().empty() ? header_size : 0;
    for (auto s : {section::answer, section::authority, section::additional}) {
        std::size_t count = 0;
        for (auto r : m.records(s)) {
            ++count;
            check_owner(wire, r.owner(), r.rdata_offset() - 10);
            FUZZ_CHECK(r.end() <= size);
            last_end = r.end();
            auto rec = r.to_record();
            FUZZ_CHECK(rec.has_value());
            if (r.type() == rr_type::tsig) {
                // RFC 8945 §5.1: only as the very last record.
                ++tsigs;
                FUZZ_CHECK(s == section::additional && r.end() == size);
            }
            if (r.type() == rr_type::opt) {
                ++opts;
                FUZZ_CHECK(s == section::additional);
                FUZZ_CHECK(rec->owner.is_root());
                continue;
            }
            // Expanded RDATA is well-formed on its own, without pointers.
            FUZZ_CHECK(check_rdata(r.type(), rec->rdata).has_value());
        }
        FUZZ_CHECK(count == m.count(s));
    }
    FUZZ_CHECK(opts <= 1 && tsigs <= 1);
    FUZZ_CHECK(m.has_edns() == (opts == 1));
    if (auto e = m.edns()) {
        for (auto o : e->options())
            FUZZ_CHECK(o.offset + 4 + o.data.size() <= size);
        for (auto x : e->extended_errors())
            (void)x.text_is_utf8();
        FUZZ_CHECK(static_cast<unsigned>(m.rcode()) >> 4 == e->extended_rcode());
    }
    if (m.count(section::answer) + m.count(section::authority) + m.count(section::additional) > 0)
        FUZZ_CHECK(last_end == size);

    // Counts fix how much the message holds, so no proper prefix of it is a message.
    FUZZ_CHECK(!message_view::parse(wire.first(size - 1)).has_value());
    return 0;
}
