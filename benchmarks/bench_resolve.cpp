// Resolution of a TLSA record three zones deep (_25._tcp.mail.example.danebed.: root,
// danebed., example.danebed.) by the stub resolver, the upstream played in memory by the
// test answerer over the signed fixture zones (tests/data/resolver/), so the figures are the
// resolver and the validator alone: no sockets, no network. The answerer keeps its
// responses once made, so it costs a map lookup and a copy per query.
//
//   cold: a fresh resolver (empty cache) for each lookup: six queries, every signature
//         and DS digest of the chain checked;
//   warm: one resolver, its cache primed by one lookup, then the same lookup again.
//
// Usage: bench_resolve [SOURCE_ROOT] [LOOKUPS]   (default: $DANE_SOURCE_ROOT or ., 200)
//
// Each figure is the median over 7 runs of LOOKUPS lookups (warm runs do 100 times more,
// as each takes microseconds). Crypto operations are the work_done counters the resolver
// reports: signature verifications + DS digests + NSEC3 hashes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../tests/resolver/zone_answerer.hpp"
#include "dane/resolver/resolver.hpp"

namespace {

using namespace dane;
using backend_t = crypto::botan_backend;
using stub_t = resolver::stub_resolver<backend_t>;
using clock_type = std::chrono::steady_clock;

constexpr int runs = 7;

std::size_t crypto_ops(const work_done& w) {
    return w.verifications + w.digests + w.nsec3_hashes;
}

// One lookup driven to its end against the answerer; aborts unless secure.
resolver::lookup_result lookup(stub_t& stub, resolver_test::zone_answerer& upstream,
                               const dns::name& qname, resolver::clock_reading now) {
    auto r = stub.start(qname, dns::rr_type::tlsa, now);
    while (!r.done()) {
        auto queries = r.take_queries();
        if (queries.empty()) std::abort(); // every query is answered at once
        for (const auto& q : queries) {
            auto response = upstream.respond(q.wire, q.transport);
            if (!response) std::abort();
            r.receive(*response, now);
        }
    }
    if (!r.result().secure()) std::abort();
    return r.result();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1) setenv("DANE_SOURCE_ROOT", argv[1], 1);
    const std::size_t lookups = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200;
    const backend_t backend;
    resolver_test::zone_answerer upstream(backend);
    if (auto error = upstream.load_fixture()) {
        std::fprintf(stderr, "bench_resolve: %s (pass the source root)\n", error->c_str());
        return 2;
    }
    auto anchors = resolver_test::fixture_anchors();
    if (!anchors) {
        std::fprintf(stderr, "bench_resolve: no trust anchor\n");
        return 2;
    }
    const dns::name root;
    const dns::name qname = dns::name::parse("_25._tcp.mail.example.danebed.", &root).value();
    std::uint16_t next_id = 1;
    auto ids = [&next_id] { return next_id++; };
    using namespace std::chrono;
    const resolver::clock_reading now{sys_days{year{2026} / 1 / 1}, clock_type::now()};

    std::vector<double> cold_us, warm_us;
    std::size_t cold_ops = 0, cold_queries = 0, warm_ops = 0, warm_queries = 0;
    std::size_t cold_lookups = 0, warm_lookups = 0;
    for (int run = 0; run < runs; ++run) {
        auto t0 = clock_type::now();
        for (std::size_t i = 0; i < lookups; ++i) {
            stub_t stub(backend, *anchors, ids);
            auto r = lookup(stub, upstream, qname, now);
            cold_ops += crypto_ops(r.work);
            cold_queries += r.stats.queries_sent;
        }
        cold_us.push_back(duration<double, std::micro>(clock_type::now() - t0).count() /
                          static_cast<double>(lookups));
        cold_lookups += lookups;

        stub_t stub(backend, *anchors, ids);
        (void)lookup(stub, upstream, qname, now); // primes the cache
        const std::size_t warm_n = lookups * 100;
        t0 = clock_type::now();
        for (std::size_t i = 0; i < warm_n; ++i) {
            auto r = lookup(stub, upstream, qname, now);
            warm_ops += crypto_ops(r.work);
            warm_queries += r.stats.queries_sent;
        }
        warm_us.push_back(duration<double, std::micro>(clock_type::now() - t0).count() /
                          static_cast<double>(warm_n));
        warm_lookups += warm_n;
    }
    const double cold = median(cold_us), warm = median(warm_us);
    const double cold_ops_per = static_cast<double>(cold_ops) / static_cast<double>(cold_lookups);
    const double warm_ops_per = static_cast<double>(warm_ops) / static_cast<double>(warm_lookups);
    std::printf("TLSA %s, three zones deep, %d runs of %zu cold and %zu warm lookups\n",
                qname.to_string().c_str(), runs, lookups, lookups * 100);
    std::printf("cold: %10.0f lookups/s  %6.2f queries/lookup  %6.2f crypto ops/lookup\n",
                1e6 / cold, static_cast<double>(cold_queries) / static_cast<double>(cold_lookups),
                cold_ops_per);
    std::printf("warm: %10.0f lookups/s  %6.2f queries/lookup  %6.2f crypto ops/lookup\n",
                1e6 / warm, static_cast<double>(warm_queries) / static_cast<double>(warm_lookups),
                warm_ops_per);
    std::printf("cold us/lookup=%.2f warm us/lookup=%.3f warm crypto ops/lookup=%g "
                "ratio cold/warm=%.0f\n",
                cold, warm, warm_ops_per, cold / warm);
    return 0;
}
