// Fuzzes the text parsers of the I/O layer: the input as a whole is a resolv.conf, and each
// of its lines is an endpoint ("ADDR", "ADDR:PORT", "[V6]:PORT", "V6%ZONE"). What parses
// must print and parse back to the same endpoint; the reader's bounds must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dane/io/endpoint.hpp"
#include "dane/io/resolv_conf.hpp"

namespace {

// Not assert(): NDEBUG would compile it out, and a broken invariant must always stop.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

void check_round_trip(const dane::io::endpoint& e) {
    FUZZ_CHECK(e.port != 0);
    FUZZ_CHECK(e.scope.size() <= dane::io::max_scope_length);
    FUZZ_CHECK(e.scope.empty() || e.is_ipv6());
    auto again = dane::io::parse_endpoint(dane::io::to_string(e));
    FUZZ_CHECK(again.has_value() && *again == e);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const dane::io::resolv_conf_limits limits;
    const auto conf = dane::io::parse_resolv_conf(text, limits);
    FUZZ_CHECK(conf.nameservers.size() <= limits.max_nameservers);
    FUZZ_CHECK(conf.skipped.size() <= limits.max_reported);
    for (const auto& e : conf.nameservers) {
        FUZZ_CHECK(e.port == dane::io::dns_port);
        check_round_trip(e);
    }
    for (const auto& s : conf.skipped)
        FUZZ_CHECK(s.line.has_value() && *s.line >= 1 && *s.line <= size + 1);

    std::string_view rest = text;
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        const auto line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (auto e = dane::io::parse_endpoint(line)) check_round_trip(*e);
        if (auto e = dane::io::parse_endpoint(line, 853)) check_round_trip(*e);
    }
    return 0;
}
