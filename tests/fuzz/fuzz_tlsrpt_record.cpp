// Fuzzes the RFC 8460 §3 record parser and the choice among several records: the input is
// one record, and also a list of records (one per line). Whatever is accepted must hold
// what the grammar promises: at least one rua URI, each a piece of the input, mailto:
// targets with an '@', no raw ',' '!' ';' or white space in a URI, and extension names and
// values within their character sets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dane/tlsrpt/record.hpp"

namespace {

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

void check_record(const dane::tlsrpt::record& r, std::string_view text) {
    using dane::tlsrpt::uri_scheme;
    FUZZ_CHECK(!r.rua.empty());
    FUZZ_CHECK(text.starts_with("v=TLSRPTv1"));
    for (const auto& u : r.rua) {
        FUZZ_CHECK(!u.uri.empty());
        FUZZ_CHECK(text.find(u.uri) != std::string_view::npos);
        FUZZ_CHECK(u.uri.find_first_of(",!; \t") == std::string::npos);
        if (u.scheme == uri_scheme::mailto) FUZZ_CHECK(u.target.find('@') != std::string::npos);
        if (u.scheme == uri_scheme::https) FUZZ_CHECK(u.target == u.uri);
        if (u.scheme == uri_scheme::other) FUZZ_CHECK(u.target.empty());
    }
    for (const auto& e : r.extensions) {
        FUZZ_CHECK(!e.name.empty() && e.name.size() <= 32 && !e.value.empty());
        FUZZ_CHECK(e.value.find_first_of("=; \t") == std::string::npos);
    }
    FUZZ_CHECK(r.deliverable().size() <= r.rua.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = dane::tlsrpt::parse_record(text);
    if (r)
        check_record(*r, text);
    else
        FUZZ_CHECK(!r.error().message().empty());

    std::vector<std::string> records;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        records.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    auto chosen = dane::tlsrpt::select_record(records);
    if (chosen) {
        std::size_t versions = 0;
        for (const auto& rec : records)
            versions += rec.starts_with("v=TLSRPTv1") ? 1 : 0;
        FUZZ_CHECK(versions >= 1);
        FUZZ_CHECK(!chosen->rua.empty());
    }
    return 0;
}
