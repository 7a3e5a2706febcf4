// The thread-safety promise of the crypto layer: one const backend, and one decoded key,
// shared by threads that validate at the same time with no lock of their own. Each thread
// has its own validator (a validator is for one thread at a time). Built a second time
// under ThreadSanitizer (tests/meson.build, test_threads_tsan), which reports any data
// race these runs provoke.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "validation_support.hpp"

using namespace dnssec_test;
using dns::rr_type;

namespace {
constexpr int thread_count = 4;
constexpr int rounds = 25;

template <class F>
void run_threads(F body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t)
        threads.emplace_back(body, t);
    for (auto& t : threads)
        t.join();
}
} // namespace

TEST_CASE("threads: one const backend and one decoded key verify from several threads") {
    const backend_t& shared_backend = backend();
    auto gen = signing_backend().generate_key(crypto::algorithm::ecdsap256sha256).value();
    const auto key =
        shared_backend.parse_public_key(crypto::algorithm::ecdsap256sha256, gen.public_key).value();
    const auto data = as_bytes(std::string_view("signed data"));
    const auto good = signing_backend().sign(gen.private_key, data).value();
    auto bad = good;
    bad[5] ^= std::byte{1};

    std::atomic<int> verified{0}, rejected{0}, wrong{0};
    run_threads([&](int) {
        for (int i = 0; i < rounds; ++i) {
            // Good and bad signatures interleaved on the same key object, so a verifier
            // state shared without a lock would mix the two messages.
            if (shared_backend.verify(key, data, good))
                ++verified;
            else
                ++wrong;
            auto r = shared_backend.verify(key, data, bad);
            if (!r && r.error() == crypto::errc::signature_mismatch)
                ++rejected;
            else
                ++wrong;
        }
    });
    CHECK(verified == thread_count * rounds);
    CHECK(rejected == thread_count * rounds);
    CHECK(wrong == 0);
}

TEST_CASE("threads: validators in several threads share one const backend") {
    const backend_t& shared_backend = backend();
    auto ksk = make_key("threads.test.");
    auto records = sign_zone("threads.test.", zone(R"(
threads.test. SOA ns.threads.test. admin.threads.test. 1 3600 600 86400 300
threads.test. NS ns.threads.test.
ns.threads.test. A 192.0.2.1
www.threads.test. A 192.0.2.2
)"),
                             {ksk});
    const auto anchors = anchor_ds(ksk);

    std::atomic<int> secure{0}, denied{0}, other{0};
    run_threads([&](int t) {
        for (int i = 0; i < rounds / 5; ++i) {
            dnssec::validator<backend_t> v(shared_backend, anchors, test_now());
            if (!v.add(records)) {
                ++other;
                continue;
            }
            // Threads ask different questions, so their work differs in kind and order.
            if (t % 2 == 0) {
                auto a = v.validate_answer(dn("www.threads.test."), rr_type::a);
                (a.verdict.secure() && a.proven == dnssec::proof::answer ? secure : other)++;
            } else {
                auto a = v.validate_answer(dn("nope.threads.test."), rr_type::a);
                (a.verdict.secure() && a.proven == dnssec::proof::nxdomain ? denied : other)++;
            }
        }
    });
    CHECK(secure == (thread_count / 2) * (rounds / 5));
    CHECK(denied == (thread_count / 2) * (rounds / 5));
    CHECK(other == 0);
}
