// Fuzzes the builder against the parser: a message that parses is rebuilt from its owning
// parts (question, records, EDNS, header), and the rebuilt message must parse to the same
// header, questions, records and EDNS. Rebuilding may only fail by growing past 65535
// octets (the input may compress better than the builder's bounded table), and the rebuilt
// message be refused only for decompression work when it came out smaller.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"

namespace {
using namespace dane;
using namespace dane::dns;

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

struct contents {
    std::uint16_t id = 0, flags = 0;
    rcode rc = rcode::noerror;
    std::vector<question> questions;
    std::vector<record> records[4];
    std::optional<edns> opt;
};

contents read(const message_view& m) {
    contents c;
    c.id = m.id();
    c.flags = m.flags();
    c.rc = m.rcode();
    for (auto q : m.question())
        c.questions.push_back(q.to_question());
    for (auto s : {section::answer, section::authority, section::additional})
        for (auto r : m.records(s))
            if (r.type() != rr_type::opt) {
                auto rec = r.to_record();
                FUZZ_CHECK(rec.has_value());
                c.records[static_cast<int>(s)].push_back(std::move(*rec));
            }
    if (auto e = m.edns()) c.opt = edns::from_view(*e);
    return c;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = message_view::parse(std::as_bytes(std::span(data, size)));
    if (!parsed) return 0;
    contents before = read(*parsed);

    message_builder b;
    b.set_id(before.id).set_flags(before.flags).set_rcode(before.rc);
    for (const auto& q : before.questions) {
        auto r = b.add_question(q);
        if (!r) {
            FUZZ_CHECK(r.error() == errc::message_too_large);
            return 0;
        }
    }
    for (auto s : {section::answer, section::authority, section::additional})
        for (const auto& rec : before.records[static_cast<int>(s)]) {
            auto r = b.add(s, rec);
            if (!r) {
                FUZZ_CHECK(r.error() == errc::message_too_large);
                return 0;
            }
        }
    if (before.opt) b.set_edns(*before.opt);
    auto wire = b.build();
    if (!wire) {
        FUZZ_CHECK(wire.error() == errc::message_too_large);
        return 0;
    }
    auto again = message_view::parse(*wire);
    // The decompression budget grows with the size of the message; the builder may
    // compress many long names into a message smaller than the input, which then costs
    // more work per octet than the budget allows. Any other refusal is a bug.
    if (!again) {
        FUZZ_CHECK(again.error() == errc::decompression_work && wire->size() < size);
        return 0;
    }
    contents after = read(*again);
    FUZZ_CHECK(after.id == before.id && after.flags == before.flags && after.rc == before.rc);
    FUZZ_CHECK(after.questions == before.questions);
    for (int s = 1; s < 4; ++s)
        FUZZ_CHECK(after.records[s] == before.records[s]);
    FUZZ_CHECK(after.opt == before.opt);

    // Names keep their case through compression: compare octet for octet too.
    for (int s = 1; s < 4; ++s)
        for (std::size_t i = 0; i < before.records[s].size(); ++i)
            FUZZ_CHECK(after.records[s][i].owner.view().identical(before.records[s][i].owner));
    return 0;
}
