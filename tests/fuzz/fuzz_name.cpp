// Fuzzes domain names: the input is read both as wire form (name::from_wire) and as
// presentation form (name::parse). Whatever is accepted must print and parse back to the
// same octets, compare equal to itself in every form, and keep within the RFC 1035 limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "dane/dns/name.hpp"

namespace {

using dane::dns::name;
using dane::dns::name_view;

// Not assert(): NDEBUG would compile it out, and a broken invariant must always stop.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

void check_invariants(const name& n) {
    FUZZ_CHECK(n.size() >= 1 && n.size() <= dane::dns::max_name_length);
    FUZZ_CHECK(n.label_count() <= dane::dns::max_labels);

    // The wire form is a well-formed name of exactly its own size.
    auto again = name_view::from_wire(n.wire());
    FUZZ_CHECK(again.has_value() && again->size() == n.size());

    // Presentation form parses back to identical octets (case kept).
    std::string text = n.to_string();
    auto back = name::parse(text);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(back->view().identical(n.view()));

    // Case-insensitive equality and canonical order agree with each other.
    name lower = n.lowercased();
    FUZZ_CHECK(lower == n);
    FUZZ_CHECK(canonical_compare(lower, n) == 0);

    // Walking up to the root keeps every ancestor a suffix, ordered before the name.
    name_view v = n.view();
    std::size_t labels = v.label_count();
    while (!v.is_root()) {
        name_view up = v.parent();
        FUZZ_CHECK(up.label_count() + 1 == labels);
        FUZZ_CHECK(n.is_subdomain_of(up));
        FUZZ_CHECK(canonical_compare(up, n.view()) <= 0);
        v = up;
        --labels;
    }
    FUZZ_CHECK(labels == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto wire = std::as_bytes(std::span(data, size));
    if (auto n = name::from_wire(wire)) {
        FUZZ_CHECK(n->size() <= size);
        check_invariants(*n);
    }

    static const name origin = name::parse("example.").value();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto n = name::parse(text)) check_invariants(*n);
    if (auto n = name::parse(text, &origin)) {
        check_invariants(*n);
        FUZZ_CHECK(n->is_subdomain_of(origin) || text.ends_with('.'));
    }
    return 0;
}
