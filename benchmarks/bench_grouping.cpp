// Grouping records into RRsets and feeding them to the validator, at sizes where a
// quadratic step would show: one RRset of N records (default 20,000, all in one add()),
// the same records fed in 100 add() calls, and N one-record RRsets of distinct owners.
//
// Usage: bench_grouping [RECORDS]   (default 20000)
//
// Each figure is the median of 5 runs, in milliseconds. No signatures are checked: this
// measures the bookkeeping the validator does before any cryptography.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/validator.hpp"

namespace {

using namespace dane;
using backend_t = crypto::botan_backend;
using clock_type = std::chrono::steady_clock;

dns::name dn(const std::string& t) {
    const dns::name root;
    return dns::name::parse(t, &root).value();
}

byte_buffer ipv4(std::size_t i) {
    return byte_buffer{std::byte{10}, std::byte(i >> 16), std::byte(i >> 8), std::byte(i)};
}

template <class F>
double median_ms(F&& f) {
    std::vector<double> runs;
    for (int k = 0; k < 5; ++k) {
        auto t0 = clock_type::now();
        f();
        runs.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
    const backend_t backend;
    const auto now = std::chrono::sys_seconds(std::chrono::seconds(1767225600));
    std::vector<dns::record> one_set, many_sets;
    const dns::name owner = dn("big.example.");
    for (std::size_t i = 0; i < n; ++i) {
        one_set.push_back(dns::record{owner, dns::rr_type::a, dns::rr_class::in, 300, ipv4(i)});
        many_sets.push_back(dns::record{dn("h" + std::to_string(i) + ".example."), dns::rr_type::a,
                                        dns::rr_class::in, 300, ipv4(i)});
    }
    dnssec::validation_limits limits;
    limits.max_records = std::max(limits.max_records, 2 * n);

    double group = median_ms([&] {
        auto sets = dnssec::group_rrsets(one_set);
        if (sets.size() != 1) std::abort();
    });
    double add_once = median_ms([&] {
        dnssec::validator<backend_t> v(backend, {}, now, limits);
        if (!v.add(one_set)) std::abort();
        if (v.rrsets().size() != 1) std::abort();
    });
    double add_chunks = median_ms([&] {
        dnssec::validator<backend_t> v(backend, {}, now, limits);
        const std::size_t chunk = std::max<std::size_t>(n / 100, 1);
        for (std::size_t i = 0; i < n; i += chunk) {
            auto end = std::min(n, i + chunk);
            if (!v.add(std::span<const dns::record>(one_set).subspan(i, end - i))) std::abort();
        }
        if (v.rrsets().size() != 1) std::abort();
    });
    double add_distinct = median_ms([&] {
        dnssec::validator<backend_t> v(backend, {}, now, limits);
        if (!v.add(many_sets)) std::abort();
        if (v.rrsets().size() != n) std::abort();
        // Look every RRset up once, as validate_answer does for each name of a chain.
        for (std::size_t i = 0; i < n; i += 97)
            (void)v.validate_answer(many_sets[i].owner, dns::rr_type::a);
    });
    std::printf("records %zu\n", n);
    std::printf("group_rrsets, one RRset:            %8.2f ms\n", group);
    std::printf("validator add(), one RRset:         %8.2f ms\n", add_once);
    std::printf("validator add() x100, one RRset:    %8.2f ms\n", add_chunks);
    std::printf("validator add(), %zu RRsets + %zu answers: %8.2f ms\n", n, (n + 96) / 97,
                add_distinct);
    return 0;
}
