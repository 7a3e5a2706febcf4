// Fuzzes the zone-file parser: the input is a zone (origin example., no default TTL).
// Every record it yields must have RDATA that fits its type's wire format, print on one
// line, and parse back from that line to the same record that prints the same way; an
// error must have a line inside the input and a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dane/dns/record.hpp"
#include "dane/dns/zone_parser.hpp"

namespace {

using namespace dane::dns;

// Not assert(): NDEBUG would compile it out, and a broken invariant must always stop.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

std::size_t count_lines(std::string_view text) {
    std::size_t lines = 1;
    for (char c : text)
        lines += c == '\n';
    return lines;
}

void check_record(const record& r) {
    FUZZ_CHECK(r.rdata.size() <= 0xffff);
    FUZZ_CHECK(r.ttl <= zone_parser::max_ttl);
    FUZZ_CHECK(!is_meta_type(r.type));
    FUZZ_CHECK(check_rdata(r.type, r.rdata).has_value());

    // Presentation -> wire -> presentation: the printed line is a zone of one record
    // that needs no origin and no $TTL.
    std::string line;
    append_record_text(line, r);
    auto again = parse_zone(line);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->size() == 1);
    const record& back = (*again)[0];
    FUZZ_CHECK(back == r);
    FUZZ_CHECK(back.owner.view().identical(r.owner.view())); // case kept, not just equal
    FUZZ_CHECK(to_string(back) == line);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const name origin = name::parse("example.").value();
    zone_parser parser(text, &origin);
    // Each record consumes at least one line end or input octet, so this ends.
    for (;;) {
        auto r = parser.next();
        if (!r) {
            FUZZ_CHECK(r.error().line >= 1 && r.error().line <= count_lines(text));
            FUZZ_CHECK(!r.error().message().empty());
            // Errors stick.
            auto again = parser.next();
            FUZZ_CHECK(!again.has_value() && again.error().line == r.error().line);
            break;
        }
        if (!*r) break;
        check_record(**r);
    }
    return 0;
}
