// Fuzzes the receiving side of RFC 8460: read_report over plain JSON, gzip and mail messages,
// with small limits, then summarize(); and the session outcome line parser, whose accepted
// outcomes are written as a report (report.hpp) that must read back with the same counts,
// which checks the writer's escaping against any text a field can hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dane/tlsrpt/reader.hpp"

namespace {

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dane::tlsrpt;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    reader_limits limits;
    limits.max_input = 1 << 20;
    limits.max_decompressed = 1 << 20;
    limits.max_policies = 1000;
    limits.max_failure_details = 1000;

    auto r = read_report(text, limits);
    if (r) {
        FUZZ_CHECK(r->policies.size() <= limits.max_policies);
        const auto rows = summarize(std::span<const received_report>(&*r, 1));
        FUZZ_CHECK(rows.size() <= r->policies.size());
    } else {
        FUZZ_CHECK(r.error().code.category() == tlsrpt_category());
    }

    auto o = parse_outcome_line(text, limits);
    if (o) {
        aggregator a;
        a.add(*o);
        a.add(*o);
        const auto reports = a.reports({"org \"x\"", "c@example", "1"});
        FUZZ_CHECK(reports.size() == 1);
        auto back = parse_report_json(to_json(reports[0]), limits);
        FUZZ_CHECK(back.has_value());
        FUZZ_CHECK(back->policies.size() == 1);
        const auto& p = back->policies[0];
        const bool success = o->result == result_type::success;
        FUZZ_CHECK(p.successful_sessions == (success ? 2u : 0u));
        FUZZ_CHECK(p.failed_sessions == (success ? 0u : 2u));
        FUZZ_CHECK(p.failure_details.size() == (success ? 0u : 1u));
        FUZZ_CHECK(p.policy_strings.size() == o->policy_strings.size());
    }

    // A `dane smtp --json` document or a single outcome: every outcome read counts once.
    auto lines = parse_outcome_lines(text, limits);
    if (lines) {
        aggregator a;
        for (const auto& one : *lines) a.add(one);
        std::uint64_t sessions = 0;
        for (const auto& r : a.reports({"org", "c@example", "1"}))
            for (const auto& p : r.policies) sessions += p.successful_sessions + p.failed_sessions;
        FUZZ_CHECK(sessions == lines->size());
    }
    return 0;
}
