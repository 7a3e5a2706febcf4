// Fuzzes trust anchor loading: root-anchors.xml (text starting with '<') and DS/DNSKEY
// records in zone-file form, with and without a validity time. Whatever the text, loading
// must not crash, and what it accepts must be well formed: only DS and DNSKEY, each at
// least its fixed fields long, findable by owner.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dane/dnssec/trust_anchor.hpp"

namespace {

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

void check(const dane::dnssec::trust_anchors& a) {
    FUZZ_CHECK(!a.empty());
    for (const auto& t : a.anchors()) {
        FUZZ_CHECK(!t.ds.empty() || !t.dnskeys.empty());
        for (const auto& d : t.ds)
            FUZZ_CHECK(d.size() >= 4);
        for (const auto& k : t.dnskeys)
            FUZZ_CHECK(k.size() >= 4);
        FUZZ_CHECK(a.find(t.owner) == &t);
        FUZZ_CHECK(a.closest(t.owner) == &t);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    using namespace std::chrono;
    if (auto a = dane::dnssec::load_trust_anchors(text)) check(*a);
    if (auto a = dane::dnssec::load_trust_anchors(text, sys_days{year{2026} / 1 / 1})) check(*a);
    if (auto a = dane::dnssec::parse_root_anchors_xml(text)) check(*a);
    return 0;
}
