// Fuzzes the SMTP client with server octets. The TLS engine is the tests' pass-through
// engine (tests/smtp/passthrough_engine.hpp): no cryptography, so the fuzzer reaches every
// stage after STARTTLS with plain text.
//
// Input: flags (1 octet: bit 0 TLS required, bit 1 the engine rejects the certificate,
// bit 2 three recipients, bit 3 blocks of 7 octets for the message, bit 4 hold_open,
// bit 5 with hold_open no configured message (a probe), bit 6 with hold_open the caller
// acts at ready{} only on event 254 instead of at once), then events until the end: a
// length octet n; n = 0 is the end of the stream, n = 255 advances the clock by 4 minutes
// and fires the timer, n = 254 with bit 6 is the caller's turn at ready{}, otherwise the next
// n octets are fed at a clock one second later. At ready{} the caller submits one more
// message the first time and quit()s the second.
//
// Checked after every event: once the session is over it stays over with the same result
// and sends nothing more; with TLS required, no MAIL FROM leaves the client before the
// handshake is done (in any transaction), a delivery was made over TLS and ready{} comes
// only over TLS; a failure has a stage and a reason; done{} means a message was delivered
// or a hold_open session ended without a fault; outcome::delivered says whether any
// recorded transaction was delivered; after quit() only QUIT (and close_notify) goes out.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "../smtp/passthrough_engine.hpp"
#include "dane/smtp/client.hpp"

namespace {

using namespace dane;
using namespace dane::smtp;

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    const bool hold_open = flags & 16;
    const bool probe = hold_open && (flags & 32);
    const bool act_on_event = hold_open && (flags & 64);
    client_config cfg;
    cfg.ehlo_name = "client.example";
    if (!probe) {
        cfg.envelope.from = "a@example.org";
        cfg.envelope.recipients = {"b@example.net"};
        if (flags & 4)
            cfg.envelope.recipients = {"b@example.net", "c@example.net", "d@example.net"};
        cfg.message = "Subject: x\r\n\r\n.line\nend";
    }
    cfg.tls_required = flags & 1;
    cfg.hold_open = hold_open;
    if (flags & 8) cfg.limits.data_block_size = 7;

    test::passthrough_engine engine;
    engine.reject = flags & 2;
    time_point now = time_point{} + std::chrono::hours(1);
    client<test::passthrough_engine> c(cfg, engine, now);

    std::string cleartext_before_tls;
    bool submitted = false, quit_called = false;
    std::string after_quit; // what the client sent after quit()
    int finished_kind = -1; // variant index of the first done/failed seen

    // The caller's turn at ready{}: one more message, then QUIT.
    auto act_at_ready = [&] {
        if (!submitted) {
            submitted = true;
            auto r = c.submit({"e@example.org", {"f@example.net", "g@example.net"}},
                              "..\r\n.\nlast line", now);
            FUZZ_CHECK(r.has_value()); // a valid envelope at ready{} is taken
        } else {
            quit_called = true;
            c.quit(now);
        }
    };

    auto drain = [&](bool callers_turn) {
        for (;;) {
            action a = c.next_action();
            if (auto* s = std::get_if<send_bytes>(&a)) {
                FUZZ_CHECK(finished_kind < 0 || !s->bytes.empty());
                FUZZ_CHECK(finished_kind < 0); // nothing after the end was reported
                if (!engine.handshake_done()) cleartext_before_tls += as_chars(s->bytes);
                if (quit_called) after_quit += as_chars(s->bytes);
                continue;
            }
            if (std::holds_alternative<need_data>(a)) {
                FUZZ_CHECK(!c.finished());
                FUZZ_CHECK(c.deadline().has_value());
                return;
            }
            if (std::holds_alternative<ready>(a)) {
                FUZZ_CHECK(hold_open);
                FUZZ_CHECK(!c.finished());
                FUZZ_CHECK(c.deadline().has_value());
                FUZZ_CHECK(c.current_stage() == stage::idle);
                if (cfg.tls_required)
                    FUZZ_CHECK(engine.handshake_done() && c.current_outcome().tls_used);
                FUZZ_CHECK(!quit_called); // after quit() the session never returns to ready
                if (act_on_event && !callers_turn) return;
                callers_turn = false;
                act_at_ready();
                continue;
            }
            const int kind = static_cast<int>(a.index());
            FUZZ_CHECK(finished_kind < 0 || finished_kind == kind);
            finished_kind = kind;
            const bool is_done = std::holds_alternative<done>(a);
            const outcome& o = is_done ? std::get<done>(a).outcome : std::get<failed>(a).outcome;
            if (is_done) {
                FUZZ_CHECK(o.delivered || (hold_open && !o.failure_stage));
                if (cfg.tls_required) FUZZ_CHECK(o.tls_used);
            } else {
                FUZZ_CHECK(!o.delivered);
                FUZZ_CHECK(o.failure_stage.has_value());
                FUZZ_CHECK(o.failure);
            }
            FUZZ_CHECK(o.delivered ==
                       std::any_of(o.transactions.begin(), o.transactions.end(),
                                   [](const transaction_result& t) { return t.delivered; }));
            FUZZ_CHECK(o.transactions.size() <= (probe ? 1u : 2u));
            FUZZ_CHECK(!c.deadline());
            return;
        }
    };

    drain(false);
    std::size_t at = 1;
    while (at < size) {
        const std::uint8_t n = data[at++];
        bool callers_turn = false;
        if (n == 0) {
            c.feed_eof(now);
        } else if (n == 255) {
            now += std::chrono::minutes(4);
            c.on_timer(now);
        } else if (n == 254 && act_on_event) {
            callers_turn = true;
        } else {
            const std::size_t len = std::min<std::size_t>(n, size - at);
            now += std::chrono::seconds(1);
            c.feed(as_bytes(std::span<const std::uint8_t>(data + at, len)), now);
            at += len;
        }
        drain(callers_turn);
        if (cfg.tls_required)
            FUZZ_CHECK(cleartext_before_tls.find("MAIL FROM") == std::string::npos);
        if (quit_called) {
            const std::string quit_only =
                std::string("QUIT\r\n") + std::string(test::passthrough_engine::close_notify);
            FUZZ_CHECK(quit_only.starts_with(after_quit));
        }
    }
    return 0;
}
