// Fuzzes the SMTP client with server octets. The TLS engine is the tests' pass-through
// engine (tests/smtp/passthrough_engine.hpp): no cryptography, so the fuzzer reaches every
// stage after STARTTLS with plain text.
//
// Input: flags (1 octet: bit 0 TLS required, bit 1 the engine rejects the certificate,
// bit 2 three recipients, bit 3 blocks of 7 octets for the message), then events until
// the end: a length octet n; n = 0 is the end of the stream, n = 255 advances the clock
// by 4 minutes and fires the timer, otherwise the next n octets are fed at a clock one
// second later.
//
// Checked after every event: once the session is over it stays over with the same result
// and sends nothing more; with TLS required, no MAIL FROM leaves the client before the
// handshake is done, and a delivery was made over TLS; a failure has a stage and a reason.
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
    client_config cfg;
    cfg.ehlo_name = "client.example";
    cfg.envelope.from = "a@example.org";
    cfg.envelope.recipients = {"b@example.net"};
    if (flags & 4) cfg.envelope.recipients = {"b@example.net", "c@example.net", "d@example.net"};
    cfg.message = "Subject: x\r\n\r\n.line\nend";
    cfg.tls_required = flags & 1;
    if (flags & 8) cfg.limits.data_block_size = 7;

    test::passthrough_engine engine;
    engine.reject = flags & 2;
    time_point now = time_point{} + std::chrono::hours(1);
    client<test::passthrough_engine> c(cfg, engine, now);

    std::string cleartext_before_tls;
    int finished_kind = -1; // variant index of the first done/failed seen
    auto drain = [&] {
        for (;;) {
            action a = c.next_action();
            if (auto* s = std::get_if<send_bytes>(&a)) {
                FUZZ_CHECK(finished_kind < 0 || !s->bytes.empty());
                FUZZ_CHECK(finished_kind < 0); // nothing after the end was reported
                if (!engine.handshake_done()) cleartext_before_tls += as_chars(s->bytes);
                continue;
            }
            if (std::holds_alternative<need_data>(a)) {
                FUZZ_CHECK(!c.finished());
                FUZZ_CHECK(c.deadline().has_value());
                return;
            }
            const int kind = static_cast<int>(a.index());
            FUZZ_CHECK(finished_kind < 0 || finished_kind == kind);
            finished_kind = kind;
            const outcome& o = std::holds_alternative<done>(a) ? std::get<done>(a).outcome
                                                               : std::get<failed>(a).outcome;
            if (std::holds_alternative<done>(a)) {
                FUZZ_CHECK(o.delivered);
                if (cfg.tls_required) FUZZ_CHECK(o.tls_used);
            } else {
                FUZZ_CHECK(!o.delivered);
                FUZZ_CHECK(o.failure_stage.has_value());
                FUZZ_CHECK(o.failure);
            }
            FUZZ_CHECK(!c.deadline());
            return;
        }
    };

    drain();
    std::size_t at = 1;
    while (at < size) {
        const std::uint8_t n = data[at++];
        if (n == 0) {
            c.feed_eof(now);
        } else if (n == 255) {
            now += std::chrono::minutes(4);
            c.on_timer(now);
        } else {
            const std::size_t len = std::min<std::size_t>(n, size - at);
            now += std::chrono::seconds(1);
            c.feed(as_bytes(std::span<const std::uint8_t>(data + at, len)), now);
            at += len;
        }
        drain();
        if (cfg.tls_required)
            FUZZ_CHECK(cleartext_before_tls.find("MAIL FROM") == std::string::npos);
    }
    return 0;
}
