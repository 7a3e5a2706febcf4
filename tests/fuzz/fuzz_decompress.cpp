// Fuzzes compressed-name reading. The first two octets choose an offset; the rest is the
// message. The reference walk (skip_wire_name), decompression (read_wire_name),
// compressed_name_view::at and the parser's fast check with its cache of known names must
// all agree on whether the name is valid and where it ends, and a valid name must be a
// well-formed name of at most 255 octets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dane/dns/message.hpp"
#include "dane/dns/wire_name.hpp"

namespace {
using namespace dane;
using namespace dane::dns;

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::size_t offset = (std::size_t{data[0]} << 8 | data[1]) % (size - 2);
    auto msg = std::as_bytes(std::span(data + 2, size - 2));
    const auto* p = data + 2;

    auto end = skip_wire_name(msg, offset);
    auto full = read_wire_name(msg, offset);
    auto view = compressed_name_view::at(msg, offset);
    FUZZ_CHECK(end.has_value() == full.has_value());
    FUZZ_CHECK(end.has_value() == view.has_value());

    // The fast check, once cold and once with every valid earlier name remembered, as
    // parse would have seen them.
    dns::detail::checked_names cold;
    std::size_t fast = dns::detail::check_name_fast(p, msg.size(), offset, cold);
    FUZZ_CHECK((fast != 0) == end.has_value());
    dns::detail::checked_names warm;
    for (std::size_t at = 0; at < offset; ++at)
        (void)dns::detail::check_name_fast(p, msg.size(), at, warm);
    std::size_t fast_warm = dns::detail::check_name_fast(p, msg.size(), offset, warm);
    FUZZ_CHECK((fast_warm != 0) == end.has_value());

    if (!end) {
        FUZZ_CHECK(end.error().offset < msg.size() || end.error() == errc::truncated);
        FUZZ_CHECK(full.error().code == end.error().code);
        return 0;
    }
    FUZZ_CHECK(*end == full->end && *end == fast && *end == fast_warm);
    FUZZ_CHECK(*end > offset && *end <= msg.size());
    const name& n = full->name;
    FUZZ_CHECK(n.size() <= max_name_length);
    auto again = name_view::from_wire(n.wire());
    FUZZ_CHECK(again.has_value() && again->size() == n.size());
    FUZZ_CHECK(*view == n.view());
    FUZZ_CHECK(view->to_name().view().identical(n));
    FUZZ_CHECK(view->size_in_message() == *end - offset);
    return 0;
}
