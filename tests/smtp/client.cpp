// The sans-I/O SMTP client as transcripts: server octets in at a given time, the client's
// actions out. TLS goes through test::passthrough_engine (see its header), which encrypts
// nothing, so the transcripts show the plaintext the client sends over "TLS".
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dane/smtp/client.hpp"
#include "passthrough_engine.hpp"

using namespace dane;
using namespace dane::smtp;
using namespace std::chrono_literals;
using test::passthrough_engine;

namespace {

const time_point t0 = time_point{} + 1000h;

client_config base_config() {
    client_config c;
    c.ehlo_name = "client.example";
    c.envelope.from = "a@example.org";
    c.envelope.recipients = {"b@example.net"};
    c.message = "Subject: hi\r\n\r\nbody\r\n";
    c.tls_required = true;
    return c;
}

// Distinct timeouts, so a test sees which one a stage uses.
client_config timed_config() {
    client_config c = base_config();
    c.timeouts.greeting = 11s;
    c.timeouts.command = 12s;
    c.timeouts.tls_handshake = 13s;
    c.timeouts.mail = 14s;
    c.timeouts.rcpt = 15s;
    c.timeouts.data_initiation = 16s;
    c.timeouts.data_block = 17s;
    c.timeouts.data_termination = 18s;
    return c;
}

struct session {
    passthrough_engine engine;
    client<passthrough_engine> c;
    time_point now = t0;
    action last = need_data{};

    explicit session(client_config cfg, bool reject_certificate = false)
        : engine(make_engine(reject_certificate)), c(std::move(cfg), engine, t0) {}

    static passthrough_engine make_engine(bool reject) {
        passthrough_engine e;
        e.reject = reject;
        return e;
    }

    // Everything the client wants to send now, as text; `last` keeps the action after it.
    std::string sent() {
        std::string out;
        for (;;) {
            action a = c.next_action();
            if (auto* s = std::get_if<send_bytes>(&a)) {
                out += as_chars(s->bytes);
                continue;
            }
            last = std::move(a);
            return out;
        }
    }
    // The server sends `text` `after` the previous event; returns what the client sends.
    std::string server(std::string_view text, std::chrono::milliseconds after = 0ms) {
        now += after;
        c.feed(as_bytes(text), now);
        return sent();
    }

    // hold_open: starts a transaction; returns what the client sends (empty when refused).
    std::string submit(envelope e, std::string message, std::chrono::milliseconds after = 0ms) {
        now += after;
        submitted = c.submit(std::move(e), std::move(message), now);
        return sent();
    }
    std::string quit(std::chrono::milliseconds after = 0ms) {
        now += after;
        c.quit(now);
        return sent();
    }
    result<void, errc> submitted{};

    bool waiting() const { return std::holds_alternative<need_data>(last); }
    bool is_ready() const { return std::holds_alternative<ready>(last); }
    const outcome* failure() const {
        auto* f = std::get_if<failed>(&last);
        return f ? &f->outcome : nullptr;
    }
    const outcome* success() const {
        auto* d = std::get_if<done>(&last);
        return d ? &d->outcome : nullptr;
    }
};

const std::string ehlo_tls = "250-mx.example\r\n250-STARTTLS\r\n250 SIZE 1000000\r\n";
const std::string ehlo_plain = "250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
const std::string ehlo_after_tls = "250-mx.example\r\n250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n";

// The server side of a TLS session that delivers, one entry per reply.
const std::vector<std::string> tls_server = {"220 mx.example ESMTP\r\n",
                                             ehlo_tls,
                                             "220 2.0.0 go ahead\r\n",
                                             "<SERVER-HELLO>",
                                             ehlo_after_tls,
                                             "250 2.1.0 ok\r\n",
                                             "250 2.1.5 ok\r\n",
                                             "354 go\r\n",
                                             "250 2.0.0 queued\r\n",
                                             "221 bye\r\n"};

void check_failed(const session& s, errc e, stage where) {
    REQUIRE(s.failure());
    CHECK(s.failure()->failure == make_error_code(e));
    REQUIRE(s.failure()->failure_stage);
    CHECK(*s.failure()->failure_stage == where);
    CHECK_FALSE(s.failure()->delivered);
}

} // namespace

TEST_CASE("client: delivery over STARTTLS") {
    session s(base_config());
    CHECK(s.sent() == "");
    CHECK(s.waiting());
    CHECK(s.server("220 mx.example ESMTP\r\n") == "EHLO client.example\r\n");
    CHECK(s.server(ehlo_tls) == "STARTTLS\r\n");
    CHECK(s.server("220 2.0.0 go ahead\r\n") == "<CLIENT-HELLO>");
    CHECK(s.engine.started());
    CHECK(s.server("<SERVER-HELLO>") == "EHLO client.example\r\n");
    // STARTTLS still listed after TLS is ignored: the client goes on to MAIL.
    CHECK(s.server(ehlo_after_tls) == "MAIL FROM:<a@example.org>\r\n");
    CHECK(s.server("250 2.1.0 ok\r\n") == "RCPT TO:<b@example.net>\r\n");
    CHECK(s.server("250 2.1.5 ok\r\n") == "DATA\r\n");
    CHECK(s.server("354 go\r\n") == "Subject: hi\r\n\r\nbody\r\n.\r\n");
    CHECK(s.server("250 2.0.0 queued\r\n") == "QUIT\r\n");
    CHECK(s.waiting());
    CHECK(s.server("221 bye\r\n") == "<CLOSE-NOTIFY>");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
    CHECK(s.success()->tls_used);
    CHECK(s.success()->capabilities.enhanced_status_codes);
    CHECK_FALSE(s.success()->capabilities.size); // the list from before TLS is gone
    REQUIRE(s.success()->recipients.size() == 1);
    CHECK(s.success()->recipients[0].accepted());
    CHECK(s.success()->last_reply->code == 221);
    CHECK(s.success()->greeting_name == "mx.example"); // TLS-RPT's receiving-mx-helo
    CHECK_FALSE(s.success()->failure_stage);
    CHECK_FALSE(s.c.deadline());
    // Finished for good.
    CHECK(s.server("250 more\r\n") == "");
    CHECK(s.success());
}

TEST_CASE("client: delivery in cleartext when STARTTLS is not offered and not required") {
    auto cfg = base_config();
    cfg.tls_required = false;
    session s(cfg);
    CHECK(s.server("220 mx.example ESMTP\r\n") == "EHLO client.example\r\n");
    CHECK(s.server(ehlo_plain) == "MAIL FROM:<a@example.org>\r\n");
    CHECK(s.server("250 ok\r\n") == "RCPT TO:<b@example.net>\r\n");
    CHECK(s.server("250 ok\r\n") == "DATA\r\n");
    CHECK(s.server("354 go\r\n") == "Subject: hi\r\n\r\nbody\r\n.\r\n");
    CHECK(s.server("250 ok\r\n") == "QUIT\r\n");
    CHECK(s.server("221 bye\r\n") == "");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
    CHECK_FALSE(s.success()->tls_used);
    CHECK(s.success()->capabilities.pipelining);
    CHECK_FALSE(s.engine.started());
}

TEST_CASE("client: STARTTLS is used when offered even if not required") {
    auto cfg = base_config();
    cfg.tls_required = false;
    session s(cfg);
    std::string out;
    for (const auto& step : tls_server)
        out += s.server(step);
    CHECK(out.find("STARTTLS\r\n") != std::string::npos);
    REQUIRE(s.success());
    CHECK(s.success()->tls_used);
}

TEST_CASE("client: use_starttls off: STARTTLS offered but not used (the cleartext retry)") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.use_starttls = false;
    session s(cfg);
    CHECK(s.server("220 mx.example ESMTP\r\n") == "EHLO client.example\r\n");
    // ehlo_tls also announces SIZE, so MAIL carries the message size (RFC 1870).
    CHECK(s.server(ehlo_tls) == "MAIL FROM:<a@example.org> SIZE=24\r\n");
    CHECK(s.server("250 ok\r\n") == "RCPT TO:<b@example.net>\r\n");
    CHECK(s.server("250 ok\r\n") == "DATA\r\n");
    CHECK(s.server("354 go\r\n") == "Subject: hi\r\n\r\nbody\r\n.\r\n");
    CHECK(s.server("250 ok\r\n") == "QUIT\r\n");
    CHECK(s.server("221 bye\r\n") == "");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
    CHECK_FALSE(s.success()->tls_used);
    CHECK_FALSE(s.engine.started());

    // With TLS required, not using STARTTLS means no mail (fail closed).
    auto strict = base_config();
    strict.use_starttls = false;
    session t(strict);
    t.server("220 mx.example ESMTP\r\n");
    CHECK(t.server(ehlo_tls) == "QUIT\r\n");
    CHECK(t.server("221 bye\r\n") == "");
    REQUIRE(t.failure());
    CHECK(t.failure()->failure == smtp::errc::starttls_not_supported);
    CHECK_FALSE(t.failure()->delivered);
}

TEST_CASE("client: STARTTLS missing while required means no mail") {
    session s(base_config());
    s.server("220 mx.example ESMTP\r\n");
    CHECK(s.server(ehlo_plain) == "QUIT\r\n");
    check_failed(s, errc::starttls_not_supported, stage::ehlo);
    CHECK(s.failure()->recipients.empty());
    CHECK(s.server("250 ok\r\n") == ""); // sticks
    check_failed(s, errc::starttls_not_supported, stage::ehlo);
}

TEST_CASE("client: HELO fallback on 500 and 502") {
    for (auto refusal : {"500 what\r\n", "502 not implemented\r\n"}) {
        CAPTURE(refusal);
        auto cfg = base_config();
        cfg.tls_required = false;
        session s(cfg);
        s.server("220 old.example\r\n");
        CHECK(s.server(refusal) == "HELO client.example\r\n");
        CHECK(s.server("250 old.example\r\n") == "MAIL FROM:<a@example.org>\r\n");
        s.server("250 ok\r\n");
        s.server("250 ok\r\n");
        s.server("354 go\r\n");
        s.server("250 ok\r\n");
        s.server("221 bye\r\n");
        REQUIRE(s.success());
        CHECK(s.success()->delivered);
    }
    // HELO offers no STARTTLS: with TLS required, no mail.
    session s(base_config());
    s.server("220 old.example\r\n");
    CHECK(s.server("502 no\r\n") == "HELO client.example\r\n");
    CHECK(s.server("250 old.example\r\n") == "QUIT\r\n");
    check_failed(s, errc::starttls_not_supported, stage::helo);
    // Other EHLO refusals are no reason to fall back.
    session t(base_config());
    t.server("220 x\r\n");
    CHECK(t.server("554 go away\r\n") == "QUIT\r\n");
    check_failed(t, errc::unexpected_reply, stage::ehlo);
}

TEST_CASE("client: STARTTLS refused") {
    session s(base_config());
    s.server("220 x\r\n");
    s.server(ehlo_tls);
    CHECK(s.server("454 4.7.0 TLS not available\r\n") == "QUIT\r\n");
    check_failed(s, errc::starttls_refused, stage::starttls);

    auto cfg = base_config();
    cfg.tls_required = false;
    session o(cfg);
    o.server("220 x\r\n");
    o.server(ehlo_tls);
    CHECK(o.server("454 4.7.0 TLS not available\r\n") == "MAIL FROM:<a@example.org> SIZE=24\r\n");
}

TEST_CASE("client: bytes after the 220 to STARTTLS abort the session (CVE-2011-0411)") {
    for (auto injected : {"220 go\r\n250 injected\r\n", "220 go\r\nMAIL FROM:<x@y>\r\n",
                          "220 go\r\n2", "220 go\r\n\r"}) {
        CAPTURE(injected);
        session s(base_config());
        s.server("220 x\r\n");
        s.server(ehlo_tls);
        CHECK(s.server(injected) == "");
        check_failed(s, errc::starttls_injection, stage::starttls);
        CHECK_FALSE(s.engine.started());
        CHECK(s.server("<SERVER-HELLO>") == "");
        check_failed(s, errc::starttls_injection, stage::starttls);
    }
    // Split over two reads: the 220, then cleartext before the handshake is done. The real
    // engine reads it as a broken record; the pass-through one fails the same way.
    session s(base_config());
    s.server("220 x\r\n");
    s.server(ehlo_tls);
    CHECK(s.server("220 go\r\n") == "<CLIENT-HELLO>");
    CHECK(s.server("250 injected\r\n") == "");
    check_failed(s, errc::tls_failed, stage::tls_handshake);
    // Data arriving with the end of the handshake, before the client's EHLO.
    session t(base_config());
    t.server("220 x\r\n");
    t.server(ehlo_tls);
    t.server("220 go\r\n");
    CHECK(t.server("<SERVER-HELLO>250-fake\r\n250 STARTTLS\r\n") == "");
    check_failed(t, errc::unsolicited_data, stage::tls_handshake);
}

TEST_CASE("client: a failed TLS verification aborts without a cleartext word") {
    session s(base_config(), /*reject_certificate=*/true);
    s.server("220 x\r\n");
    s.server(ehlo_tls);
    s.server("220 go\r\n");
    CHECK(s.server("<SERVER-HELLO>") == "");
    check_failed(s, errc::tls_failed, stage::tls_handshake);
    CHECK(s.failure()->failure_detail == "certificate not trusted");
    CHECK_FALSE(s.failure()->tls_used);
}

TEST_CASE("client: multi-line replies split at every byte boundary") {
    auto cfg = base_config();
    auto whole = [&] {
        session s(cfg);
        std::string out;
        for (const auto& step : tls_server)
            out += s.server(step);
        REQUIRE(s.success());
        return out;
    }();
    std::string all;
    for (const auto& step : tls_server)
        all += step;
    session s(cfg);
    std::string out;
    for (char c : all)
        out += s.server(std::string_view(&c, 1));
    CHECK(out == whole);
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
}

TEST_CASE("client: malformed replies end the session") {
    session a(base_config());
    CHECK(a.server("999 what\r\n") == "");
    check_failed(a, errc::bad_reply_code, stage::greeting);

    session b(base_config());
    b.server("220 x\r\n");
    CHECK(b.server("250-mx\r\n250-" + std::string(600, 'A')) == "");
    check_failed(b, errc::reply_line_too_long, stage::ehlo);

    session c(base_config());
    CHECK(c.server("220 x\n") == "");
    check_failed(c, errc::bad_line_ending, stage::greeting);

    session d(base_config());
    d.server("220 x\r\n");
    CHECK(d.server("250-a\r\n220 b\r\n") == "");
    check_failed(d, errc::inconsistent_reply_code, stage::ehlo);
}

TEST_CASE("client: a greeting other than 220 gets QUIT") {
    session s(base_config());
    CHECK(s.server("554 no service\r\n") == "QUIT\r\n");
    check_failed(s, errc::unexpected_reply, stage::greeting);
    CHECK(s.failure()->failure_detail == "no service");
}

TEST_CASE("client: replies the client did not ask for end the session") {
    session s(base_config());
    CHECK(s.server("220 x\r\n250 extra\r\n") == "");
    check_failed(s, errc::unsolicited_data, stage::greeting);
}

TEST_CASE("client: CR or LF in the envelope fails before anything is sent") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"a@example.org\r\nRCPT TO:<evil@x>", "b@example.net"},
        {"a@example.org", "b@example.net\nDATA"},
        {"a@example.org", "b@example.net\r"},
    };
    for (const auto& [from, to] : bad) {
        auto cfg = base_config();
        cfg.envelope.from = from;
        cfg.envelope.recipients = {"ok@example.net", to};
        session s(cfg);
        CHECK(s.sent() == "");
        check_failed(s, errc::bad_argument, stage::setup);
        CHECK(s.server("220 x\r\n") == "");
        check_failed(s, errc::bad_argument, stage::setup);
    }
    auto cfg = base_config();
    cfg.ehlo_name = "a\r\nb";
    session e(cfg);
    CHECK(e.sent() == "");
    check_failed(e, errc::bad_argument, stage::setup);
    cfg = base_config();
    cfg.envelope.recipients.clear();
    session n(cfg);
    CHECK(n.sent() == "");
    check_failed(n, errc::bad_envelope, stage::setup);
}

TEST_CASE("client: the message is dot-stuffed and CRLF-normalised") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.message = ".leading\nline\r.\n..two";
    session s(cfg);
    s.server("220 x\r\n");
    s.server(ehlo_plain);
    s.server("250 ok\r\n");
    s.server("250 ok\r\n");
    CHECK(s.server("354 go\r\n") == "..leading\r\nline\r\n..\r\n...two\r\n.\r\n");
}

TEST_CASE("client: the message goes out in blocks") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.limits.data_block_size = 4;
    session s(cfg);
    s.server("220 x\r\n");
    s.server(ehlo_plain);
    s.server("250 ok\r\n");
    s.server("250 ok\r\n");
    s.c.feed(as_bytes("354 go\r\n"), s.now);
    auto first = s.c.next_action();
    REQUIRE(std::holds_alternative<send_bytes>(first));
    CHECK(as_chars(std::get<send_bytes>(first).bytes) == "Subj");
    CHECK(s.c.current_stage() == stage::body);
    CHECK(s.sent() == "ect: hi\r\n\r\nbody\r\n.\r\n");
}

TEST_CASE("client: RCPT partial failure delivers to the accepted recipients") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.envelope.recipients = {"one@example.net", "two@example.net", "three@example.net"};
    session s(cfg);
    s.server("220 x\r\n");
    s.server(ehlo_plain);
    CHECK(s.server("250 ok\r\n") == "RCPT TO:<one@example.net>\r\n");
    CHECK(s.server("250 2.1.5 ok\r\n") == "RCPT TO:<two@example.net>\r\n");
    CHECK(s.server("550 5.1.1 no such user\r\n") == "RCPT TO:<three@example.net>\r\n");
    CHECK(s.server("251 2.1.5 will forward\r\n") == "DATA\r\n");
    s.server("354 go\r\n");
    s.server("250 ok\r\n");
    s.server("221 bye\r\n");
    REQUIRE(s.success());
    const auto& r = s.success()->recipients;
    REQUIRE(r.size() == 3);
    CHECK(r[0].accepted());
    CHECK_FALSE(r[1].accepted());
    CHECK(r[1].address == "two@example.net");
    CHECK(r[1].reply.enhanced == enhanced_status_code{5, 1, 1});
    CHECK(r[2].accepted());
}

TEST_CASE("client: every recipient refused means no DATA") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.envelope.recipients = {"one@example.net", "two@example.net"};
    session s(cfg);
    s.server("220 x\r\n");
    s.server(ehlo_plain);
    s.server("250 ok\r\n");
    s.server("550 no\r\n");
    CHECK(s.server("450 later\r\n") == "QUIT\r\n");
    check_failed(s, errc::no_recipient_accepted, stage::rcpt);
    CHECK(s.failure()->recipients.size() == 2);
}

TEST_CASE("client: refusals of MAIL, DATA and the message") {
    auto cfg = base_config();
    cfg.tls_required = false;
    const std::vector<std::string> steps = {"220 x\r\n", ehlo_plain, "250 ok\r\n", "250 ok\r\n",
                                            "354 go\r\n"};
    struct refusal {
        std::size_t after;
        errc e;
        stage where;
    };
    for (auto r : {refusal{2, errc::unexpected_reply, stage::mail},
                   refusal{4, errc::message_rejected, stage::data},
                   refusal{5, errc::message_rejected, stage::body}}) {
        session s(cfg);
        for (std::size_t i = 0; i < r.after; ++i)
            s.server(steps[i]);
        CHECK(s.server("554 5.7.1 refused\r\n") == "QUIT\r\n");
        check_failed(s, r.e, r.where);
        CHECK(s.failure()->last_reply->enhanced == enhanced_status_code{5, 7, 1});
    }
}

TEST_CASE("client: a message over the server's SIZE limit is not sent") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.message = std::string(100, 'x');
    session s(cfg);
    s.server("220 x\r\n");
    CHECK(s.server("250-mx\r\n250 SIZE 50\r\n") == "QUIT\r\n");
    check_failed(s, errc::message_too_large, stage::mail);
}

TEST_CASE("client: 421 at any stage ends the session without QUIT") {
    for (std::size_t k = 0; k + 1 < tls_server.size(); ++k) {
        if (k == 3) continue; // during the handshake a reply is not SMTP but handshake data
        CAPTURE(k);
        session s(base_config());
        for (std::size_t i = 0; i < k; ++i)
            s.server(tls_server[i]);
        const stage where = s.c.current_stage();
        CHECK(s.server("421 4.3.2 shutting down\r\n") == "");
        check_failed(s, errc::service_closing, where);
    }
    // After the message was accepted, a 421 to QUIT does not undo the delivery.
    session s(base_config());
    for (std::size_t i = 0; i + 1 < tls_server.size(); ++i)
        s.server(tls_server[i]);
    s.server("421 bye\r\n");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
}

TEST_CASE("client: each stage has its own timeout") {
    // Stage reached after the first k server steps, and the timeout it uses.
    struct expect {
        std::size_t k;
        stage where;
        std::chrono::seconds timeout;
    };
    const expect table[] = {
        {0, stage::greeting, 11s},      {1, stage::ehlo, 12s},           {2, stage::starttls, 12s},
        {3, stage::tls_handshake, 13s}, {4, stage::ehlo_after_tls, 12s}, {5, stage::mail, 14s},
        {6, stage::rcpt, 15s},          {7, stage::data, 16s},           {8, stage::body, 18s},
    };
    for (const auto& e : table) {
        CAPTURE(e.k);
        session s(timed_config());
        for (std::size_t i = 0; i < e.k; ++i)
            s.server(tls_server[i], 1s);
        CHECK(s.c.current_stage() == e.where);
        REQUIRE(s.c.deadline());
        CHECK(*s.c.deadline() == s.now + e.timeout);
        s.c.on_timer(s.now + e.timeout - 1ms);
        CHECK(s.sent() == "");
        CHECK(s.waiting());
        s.c.on_timer(s.now + e.timeout);
        CHECK(s.sent() == "");
        check_failed(s, errc::timeout, e.where);
        CHECK_FALSE(s.c.deadline());
    }
}

TEST_CASE("client: the data block timeout runs while the message is handed out") {
    auto cfg = timed_config();
    cfg.tls_required = false;
    cfg.limits.data_block_size = 4;
    session s(cfg);
    s.server("220 x\r\n");
    s.server(ehlo_plain);
    s.server("250 ok\r\n");
    s.server("250 ok\r\n");
    s.c.feed(as_bytes("354 go\r\n"), s.now);
    REQUIRE(std::holds_alternative<send_bytes>(s.c.next_action()));
    s.c.on_sent(s.now + 5s); // the write took 5 s: the next block's timer starts then
    CHECK(*s.c.deadline() == s.now + 5s + 17s);
    s.c.on_timer(s.now + 5s + 17s);
    CHECK(s.sent() == "");
    check_failed(s, errc::timeout, stage::body);
}

TEST_CASE("client: on_sent restarts the reply timer from the write") {
    session s(timed_config());
    s.server("220 x\r\n");
    s.c.on_sent(s.now + 3s);
    CHECK(*s.c.deadline() == s.now + 3s + 12s);
}

TEST_CASE("client: no reply to QUIT still leaves the message delivered") {
    session s(timed_config());
    for (std::size_t i = 0; i + 1 < tls_server.size(); ++i)
        s.server(tls_server[i]);
    CHECK(s.waiting());
    s.c.on_timer(s.now + 12s);
    CHECK(s.sent() == "<CLOSE-NOTIFY>");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
}

TEST_CASE("client: the connection closing early fails, after QUIT it does not") {
    session s(base_config());
    s.server("220 x\r\n");
    s.c.feed_eof(s.now);
    CHECK(s.sent() == "");
    check_failed(s, errc::connection_closed, stage::ehlo);

    auto cfg = base_config();
    cfg.tls_required = false;
    session t(cfg);
    for (auto step :
         {"220 x\r\n", "250 mx\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n", "250 ok\r\n"})
        t.server(step);
    t.c.feed_eof(t.now);
    CHECK(t.sent() == "");
    REQUIRE(t.success());
    CHECK(t.success()->delivered);
}

TEST_CASE("client: garbage after the message was accepted does not undo the delivery") {
    auto cfg = base_config();
    cfg.tls_required = false;
    session s(cfg);
    for (auto step : {"220 x\r\n", "250 mx\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n"})
        s.server(step);
    CHECK(s.server("250 ok\r\n\x08") == "");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
    CHECK(s.success()->failure == make_error_code(errc::unsolicited_data));
    CHECK(s.success()->failure_stage == stage::body);
}

TEST_CASE("client: MAIL FROM announces the message size when SIZE is offered") {
    auto cfg = base_config();
    cfg.tls_required = false;
    cfg.message = "x\n";
    session s(cfg);
    s.server("220 x\r\n");
    // "x\r\n.\r\n" is 6 octets.
    CHECK(s.server("250-mx\r\n250 SIZE\r\n") == "MAIL FROM:<a@example.org> SIZE=6\r\n");
}

// ---- outcome::transactions without hold_open ----

TEST_CASE("client: without hold_open the one transaction is recorded") {
    session s(base_config());
    for (const auto& step : tls_server)
        s.server(step);
    REQUIRE(s.success());
    REQUIRE(s.success()->transactions.size() == 1);
    const auto& t = s.success()->transactions[0];
    CHECK(t.delivered);
    CHECK_FALSE(t.failure);
    REQUIRE(t.recipients.size() == 1);
    CHECK(t.recipients[0].address == "b@example.net");
    CHECK(t.recipients[0].accepted());

    // A refused one is recorded too, and the session still ends with QUIT, failed.
    auto cfg = base_config();
    cfg.tls_required = false;
    session r(cfg);
    r.server("220 x\r\n");
    r.server(ehlo_plain);
    r.server("250 ok\r\n");
    CHECK(r.server("550 5.1.1 no such user\r\n") == "QUIT\r\n");
    check_failed(r, errc::no_recipient_accepted, stage::rcpt);
    REQUIRE(r.failure()->transactions.size() == 1);
    CHECK_FALSE(r.failure()->transactions[0].delivered);
    CHECK(r.failure()->transactions[0].failure == make_error_code(errc::no_recipient_accepted));
    CHECK_FALSE(r.c.submit({"a@example.org", {"b@example.net"}}, "x", r.now));
}

// ---- hold_open ----

namespace {

client_config hold_config(bool tls_required) {
    client_config c = base_config();
    c.envelope = {};
    c.message.clear();
    c.tls_required = tls_required;
    c.hold_open = true;
    return c;
}

// A hold_open session in cleartext (no STARTTLS offered, TLS not required), ready.
void to_ready_in_cleartext(session& s, const std::string& ehlo_reply = ehlo_plain) {
    CHECK(s.server("220 mx.example ESMTP\r\n") == "EHLO client.example\r\n");
    CHECK(s.server(ehlo_reply) == "");
    REQUIRE(s.is_ready());
}

// A hold_open session over STARTTLS, ready.
void to_ready_over_tls(session& s) {
    CHECK(s.server("220 mx.example ESMTP\r\n") == "EHLO client.example\r\n");
    CHECK(s.server(ehlo_tls) == "STARTTLS\r\n");
    CHECK(s.server("220 2.0.0 go ahead\r\n") == "<CLIENT-HELLO>");
    CHECK(s.server("<SERVER-HELLO>") == "EHLO client.example\r\n");
    CHECK(s.server(ehlo_after_tls) == "");
    REQUIRE(s.is_ready());
}

// One delivery from ready back to ready in cleartext.
void deliver(session& s, const envelope& e, const std::string& message) {
    CHECK(s.submit(e, message).starts_with("MAIL FROM:<" + e.from + ">"));
    CHECK(s.submitted);
    for (std::size_t i = 0; i <= e.recipients.size(); ++i) // MAIL, then each RCPT
        s.server("250 ok\r\n");
    CHECK(s.server("354 go\r\n").ends_with("\r\n.\r\n"));
    CHECK(s.server("250 queued\r\n") == "");
    REQUIRE(s.is_ready());
    REQUIRE_FALSE(s.c.current_outcome().transactions.empty());
    CHECK(s.c.current_outcome().transactions.back().delivered);
}

} // namespace

TEST_CASE("client hold_open: a probe over STARTTLS, then quit") {
    session s(hold_config(true));
    to_ready_over_tls(s);
    CHECK(s.c.current_stage() == stage::idle);
    CHECK(s.engine.started());
    const outcome& o = s.c.current_outcome();
    CHECK(o.tls_used);
    CHECK(o.capabilities.enhanced_status_codes);
    CHECK(o.transactions.empty());
    CHECK(s.sent() == ""); // ready stays ready until the caller acts
    CHECK(s.is_ready());

    CHECK(s.quit() == "QUIT\r\n");
    CHECK(s.waiting());
    CHECK(s.c.current_stage() == stage::quit);
    CHECK(s.server("221 bye\r\n") == "<CLOSE-NOTIFY>");
    REQUIRE(s.success()); // done, not failed: nothing went wrong
    CHECK_FALSE(s.success()->delivered);
    CHECK(s.success()->tls_used);
    CHECK(s.success()->transactions.empty());
    CHECK_FALSE(s.success()->failure_stage);
    CHECK_FALSE(s.c.deadline());
    // Nothing after QUIT: no second QUIT, no transaction, no reaction to server octets.
    CHECK(s.quit() == "");
    CHECK_FALSE(s.c.submit({"a@example.org", {"b@example.net"}}, "x", s.now));
    CHECK(s.sent() == "");
    CHECK(s.server("250 more\r\n") == "");
    CHECK(s.success());
}

TEST_CASE("client hold_open: two messages over one TLS connection") {
    auto cfg = base_config(); // the first message comes from the configuration
    cfg.hold_open = true;
    session s(cfg);
    std::string transcript;
    for (std::size_t i = 0; i + 1 < tls_server.size(); ++i) // all but the 221
        transcript += s.server(tls_server[i]);
    REQUIRE(s.is_ready());
    REQUIRE(s.c.current_outcome().transactions.size() == 1);
    CHECK(s.c.current_outcome().delivered);

    transcript += s.submit({"c@example.org", {"d@example.net", "e@example.net"}},
                           ".dot first\n..two\nmiddle\r\n.\r\nend");
    CHECK(s.submitted);
    for (auto step : {"250 2.1.0 ok\r\n", "250 2.1.5 ok\r\n", "250 2.1.5 ok\r\n", "354 go\r\n",
                      "250 2.0.0 queued as 2\r\n"})
        transcript += s.server(step);
    REQUIRE(s.is_ready());
    transcript += s.quit();
    transcript += s.server("221 bye\r\n");

    CHECK(transcript == "EHLO client.example\r\n"
                        "STARTTLS\r\n"
                        "<CLIENT-HELLO>"
                        "EHLO client.example\r\n"
                        "MAIL FROM:<a@example.org>\r\n"
                        "RCPT TO:<b@example.net>\r\n"
                        "DATA\r\n"
                        "Subject: hi\r\n\r\nbody\r\n.\r\n"
                        "MAIL FROM:<c@example.org>\r\n"
                        "RCPT TO:<d@example.net>\r\n"
                        "RCPT TO:<e@example.net>\r\n"
                        "DATA\r\n"
                        "..dot first\r\n...two\r\nmiddle\r\n..\r\nend\r\n.\r\n"
                        "QUIT\r\n"
                        "<CLOSE-NOTIFY>");
    REQUIRE(s.success());
    const outcome& o = *s.success();
    CHECK(o.delivered);
    CHECK(o.tls_used);
    CHECK_FALSE(o.failure_stage);
    REQUIRE(o.transactions.size() == 2);
    CHECK(o.transactions[0].delivered);
    REQUIRE(o.transactions[0].recipients.size() == 1);
    CHECK(o.transactions[0].recipients[0].address == "b@example.net");
    CHECK(o.transactions[1].delivered);
    REQUIRE(o.transactions[1].recipients.size() == 2);
    CHECK(o.transactions[1].recipients[1].address == "e@example.net");
    // outcome::recipients is the last transaction's.
    REQUIRE(o.recipients.size() == 2);
    CHECK(o.recipients[0].address == "d@example.net");
}

TEST_CASE("client hold_open: every RCPT refused, RSET, then the next message is delivered") {
    session s(hold_config(false));
    to_ready_in_cleartext(s);
    CHECK(s.submit({"a@example.org", {"x@example.net", "y@example.net"}}, "first") ==
          "MAIL FROM:<a@example.org>\r\n");
    CHECK(s.server("250 ok\r\n") == "RCPT TO:<x@example.net>\r\n");
    CHECK(s.server("550 5.1.1 no x\r\n") == "RCPT TO:<y@example.net>\r\n");
    CHECK(s.server("450 4.2.0 later\r\n") == "RSET\r\n"); // no DATA
    CHECK(s.c.current_stage() == stage::rset);
    CHECK(s.waiting());
    CHECK(s.server("250 2.0.0 reset\r\n") == "");
    REQUIRE(s.is_ready());
    {
        const outcome& o = s.c.current_outcome();
        REQUIRE(o.transactions.size() == 1);
        CHECK_FALSE(o.transactions[0].delivered);
        CHECK(o.transactions[0].failure == make_error_code(errc::no_recipient_accepted));
        REQUIRE(o.transactions[0].recipients.size() == 2);
        CHECK_FALSE(o.transactions[0].recipients[1].accepted());
        CHECK_FALSE(o.delivered);
        CHECK_FALSE(o.failure_stage); // a refused transaction is not a failed session
    }
    CHECK(s.submit({"a@example.org", {"z@example.net"}}, "second") ==
          "MAIL FROM:<a@example.org>\r\n");
    CHECK(s.server("250 ok\r\n") == "RCPT TO:<z@example.net>\r\n");
    CHECK(s.server("250 ok\r\n") == "DATA\r\n");
    CHECK(s.server("354 go\r\n") == "second\r\n.\r\n");
    CHECK(s.server("250 queued\r\n") == "");
    REQUIRE(s.is_ready());
    CHECK(s.quit() == "QUIT\r\n");
    CHECK(s.server("221 bye\r\n") == "");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
    REQUIRE(s.success()->transactions.size() == 2);
    CHECK_FALSE(s.success()->transactions[0].delivered);
    CHECK(s.success()->transactions[1].delivered);
    CHECK_FALSE(s.engine.started());
}

TEST_CASE("client hold_open: MAIL, DATA and the message refused are each cleared with RSET") {
    struct refusal {
        std::size_t replies_before; // 250 to MAIL, 250 to RCPT, 354 to DATA
        errc e;
    };
    const std::vector<std::string> steps = {"250 ok\r\n", "250 ok\r\n", "354 go\r\n"};
    for (auto r : {refusal{0, errc::unexpected_reply}, refusal{2, errc::message_rejected},
                   refusal{3, errc::message_rejected}}) {
        CAPTURE(r.replies_before);
        session s(hold_config(false));
        to_ready_in_cleartext(s);
        s.submit({"a@example.org", {"b@example.net"}}, "m");
        for (std::size_t i = 0; i < r.replies_before; ++i)
            s.server(steps[i]);
        CHECK(s.server("554 5.7.1 refused here\r\n") == "RSET\r\n");
        CHECK(s.server("250 ok\r\n") == "");
        REQUIRE(s.is_ready());
        const outcome& o = s.c.current_outcome();
        REQUIRE(o.transactions.size() == 1);
        CHECK_FALSE(o.transactions[0].delivered);
        CHECK(o.transactions[0].failure == make_error_code(r.e));
        CHECK(o.transactions[0].failure_detail == "5.7.1 refused here");
        CHECK(s.quit() == "QUIT\r\n");
        CHECK(s.server("221 bye\r\n") == "");
        REQUIRE(s.success()); // nothing failed in the session itself
        CHECK_FALSE(s.success()->delivered);
    }
}

TEST_CASE("client hold_open: a refused RSET ends the session with QUIT") {
    session s(hold_config(false));
    to_ready_in_cleartext(s);
    s.submit({"a@example.org", {"b@example.net"}}, "m");
    CHECK(s.server("550 no\r\n") == "RSET\r\n");
    CHECK(s.server("500 5.5.1 what\r\n") == "QUIT\r\n");
    check_failed(s, errc::unexpected_reply, stage::rset);
    CHECK(s.failure()->failure_detail == "5.5.1 what");
    REQUIRE(s.failure()->transactions.size() == 1);
    CHECK(s.server("221 bye\r\n") == "");
    check_failed(s, errc::unexpected_reply, stage::rset);

    // Over TLS the QUIT is followed by close_notify.
    auto cfg = base_config();
    cfg.hold_open = true;
    session t(cfg);
    for (std::size_t i = 0; i < 5; ++i) // up to the EHLO after TLS
        t.server(tls_server[i]);
    CHECK(t.server("451 4.3.0 try later\r\n") == "RSET\r\n");
    CHECK(t.server("454 no\r\n") == "QUIT\r\n<CLOSE-NOTIFY>");
    check_failed(t, errc::unexpected_reply, stage::rset);
}

TEST_CASE("client hold_open: a refused RSET after a delivery keeps the session delivered") {
    // A failed{} would tell the caller the message was not delivered, and a retry would
    // deliver it twice: like any fault after an accepted message, the session is done and
    // the fault recorded.
    session s(hold_config(false));
    to_ready_in_cleartext(s);
    deliver(s, {"a@example.org", {"b@example.net"}}, "one");
    s.submit({"a@example.org", {"c@example.net"}}, "two");
    CHECK(s.server("550 no\r\n") == "RSET\r\n");
    CHECK(s.server("502 no RSET\r\n") == "QUIT\r\n");
    REQUIRE(s.success());
    CHECK(s.success()->delivered);
    CHECK(s.success()->failure == make_error_code(errc::unexpected_reply));
    CHECK(s.success()->failure_stage == stage::rset);
    REQUIRE(s.success()->transactions.size() == 2);
    CHECK(s.success()->transactions[0].delivered);
    CHECK_FALSE(s.success()->transactions[1].delivered);
    CHECK(s.server("221 bye\r\n") == "");
    CHECK(s.success());
}

TEST_CASE("client hold_open: submit is refused when not ready or for a bad envelope") {
    session s(hold_config(false));
    // Before the session is established.
    CHECK(s.submit({"a@example.org", {"b@example.net"}}, "m") == "");
    REQUIRE_FALSE(s.submitted);
    CHECK(s.submitted.error() == errc::bad_envelope);
    CHECK(s.waiting());
    CHECK(s.quit() == ""); // quit() is ignored too
    CHECK(s.waiting());
    to_ready_in_cleartext(s);

    auto cfg_limit = hold_config(false);
    const std::vector<std::pair<envelope, errc>> bad = {
        {{"a@example.org\r\nRCPT TO:<evil@x>", {"b@example.net"}}, errc::bad_argument},
        {{"a@example.org", {"b@example.net", "c@example.net\nDATA"}}, errc::bad_argument},
        {{"a@example.org", {}}, errc::bad_envelope},
        {{"a@example.org", std::vector<std::string>(cfg_limit.limits.max_recipients + 1, "b@x")},
         errc::bad_envelope},
    };
    for (const auto& [e, want] : bad) {
        CHECK(s.submit(e, "m") == "");
        REQUIRE_FALSE(s.submitted);
        CHECK(s.submitted.error() == want);
        CHECK(s.is_ready()); // still ready, nothing recorded
        CHECK(s.c.current_stage() == stage::idle);
        CHECK(s.c.current_outcome().transactions.empty());
    }
    // During a transaction.
    CHECK(s.submit({"a@example.org", {"b@example.net"}}, "m") == "MAIL FROM:<a@example.org>\r\n");
    CHECK(s.submitted);
    CHECK(s.submit({"a@example.org", {"c@example.net"}}, "m") == "");
    REQUIRE_FALSE(s.submitted);
    CHECK(s.submitted.error() == errc::bad_envelope);
    CHECK(s.server("250 ok\r\n") == "RCPT TO:<b@example.net>\r\n"); // the first goes on

    // Without hold_open the client is never ready.
    auto cfg = base_config();
    cfg.tls_required = false;
    session n(cfg);
    n.server("220 x\r\n");
    n.server(ehlo_plain);
    n.server("250 ok\r\n");
    n.server("250 ok\r\n");
    n.server("354 go\r\n");
    CHECK(n.server("250 ok\r\n") == "QUIT\r\n");
    CHECK_FALSE(n.c.submit({"a@example.org", {"b@example.net"}}, "m", n.now));
    CHECK(n.sent() == "");
}

TEST_CASE("client hold_open: a message over the SIZE limit sends no MAIL and stays ready") {
    session s(hold_config(false));
    to_ready_in_cleartext(s, "250-mx\r\n250 SIZE 50\r\n");
    CHECK(s.submit({"a@example.org", {"b@example.net"}}, std::string(100, 'x')) == "");
    CHECK(s.submitted); // the envelope was fine; the server's limit refuses the message
    REQUIRE(s.is_ready());
    const outcome& o = s.c.current_outcome();
    REQUIRE(o.transactions.size() == 1);
    CHECK_FALSE(o.transactions[0].delivered);
    CHECK(o.transactions[0].failure == make_error_code(errc::message_too_large));
    CHECK(o.transactions[0].recipients.empty());
    CHECK_FALSE(o.failure_stage);
    // A small one goes, with its size announced: "x\r\n.\r\n" is 6 octets.
    CHECK(s.submit({"a@example.org", {"b@example.net"}}, "x") ==
          "MAIL FROM:<a@example.org> SIZE=6\r\n");

    // The configured first message over the limit: ready without a word.
    auto cfg = hold_config(false);
    cfg.envelope = {"a@example.org", {"b@example.net"}};
    cfg.message = std::string(100, 'x');
    session f(cfg);
    f.server("220 x\r\n");
    CHECK(f.server("250-mx\r\n250 SIZE 50\r\n") == "");
    REQUIRE(f.is_ready());
    REQUIRE(f.c.current_outcome().transactions.size() == 1);
    CHECK(f.c.current_outcome().transactions[0].failure ==
          make_error_code(errc::message_too_large));
}

TEST_CASE("client hold_open: 421 aborts without QUIT, also around RSET") {
    // To RSET itself.
    session a(hold_config(false));
    to_ready_in_cleartext(a);
    a.submit({"a@example.org", {"b@example.net"}}, "m");
    CHECK(a.server("550 no\r\n") == "RSET\r\n");
    CHECK(a.server("421 4.3.2 shutting down\r\n") == "");
    check_failed(a, errc::service_closing, stage::rset);

    // While ready after RSET.
    session b(hold_config(false));
    to_ready_in_cleartext(b);
    b.submit({"a@example.org", {"b@example.net"}}, "m");
    b.server("550 no\r\n");
    CHECK(b.server("250 reset\r\n") == "");
    REQUIRE(b.is_ready());
    CHECK(b.server("421 4.4.2 idle too long\r\n") == "");
    check_failed(b, errc::service_closing, stage::idle);
    CHECK(b.failure()->failure_detail == "4.4.2 idle too long");
    CHECK_FALSE(b.c.deadline());
    CHECK(b.quit() == "");

    // After a delivery the 421 is recorded, the session still done.
    session c(hold_config(false));
    to_ready_in_cleartext(c);
    deliver(c, {"a@example.org", {"b@example.net"}}, "m");
    CHECK(c.server("421 bye\r\n") == "");
    REQUIRE(c.success());
    CHECK(c.success()->delivered);
    CHECK(c.success()->failure == make_error_code(errc::service_closing));
}

TEST_CASE("client hold_open: server octets while ready are unsolicited") {
    session s(hold_config(true));
    to_ready_over_tls(s);
    CHECK(s.server("250 hello?\r\n") == "");
    check_failed(s, errc::unsolicited_data, stage::idle);
    CHECK_FALSE(s.engine.closed()); // an abort: no close_notify either

    // A partial line is noticed when the client would speak next.
    for (bool by_quit : {false, true}) {
        CAPTURE(by_quit);
        session p(hold_config(false));
        to_ready_in_cleartext(p);
        CHECK(p.server("2") == "");
        CHECK(p.is_ready());
        if (by_quit)
            CHECK(p.quit() == "");
        else
            CHECK(p.submit({"a@example.org", {"b@example.net"}}, "m") == "");
        check_failed(p, errc::unsolicited_data, stage::idle);
    }
}

TEST_CASE("client hold_open: idle past the command timeout sends QUIT") {
    auto cfg = timed_config();
    cfg.hold_open = true;
    cfg.tls_required = false;
    cfg.envelope = {};
    cfg.message.clear();
    session s(cfg);
    to_ready_in_cleartext(s);
    REQUIRE(s.c.deadline());
    CHECK(*s.c.deadline() == s.now + 12s);
    s.c.on_timer(s.now + 12s - 1ms);
    CHECK(s.sent() == "");
    CHECK(s.is_ready());
    s.now += 12s;
    s.c.on_timer(s.now);
    CHECK(s.sent() == "QUIT\r\n");
    CHECK(s.c.current_stage() == stage::quit);
    CHECK(*s.c.deadline() == s.now + 12s);
    CHECK(s.server("221 bye\r\n") == "");
    REQUIRE(s.success());
    CHECK_FALSE(s.success()->delivered);
    CHECK_FALSE(s.success()->failure_stage);

    // After a transaction the idle timer starts afresh; no reply to the QUIT ends it too.
    session t(cfg);
    to_ready_in_cleartext(t);
    t.now += 5s;
    deliver(t, {"a@example.org", {"b@example.net"}}, "m");
    CHECK(*t.c.deadline() == t.now + 12s);
    t.now += 12s;
    t.c.on_timer(t.now);
    CHECK(t.sent() == "QUIT\r\n");
    t.c.on_timer(t.now + 12s);
    CHECK(t.sent() == "");
    REQUIRE(t.success());
    CHECK(t.success()->delivered);
}

TEST_CASE("client hold_open: with TLS required, no STARTTLS means never ready") {
    session s(hold_config(true));
    s.server("220 x\r\n");
    CHECK(s.server(ehlo_plain) == "QUIT\r\n");
    CHECK_FALSE(s.is_ready());
    check_failed(s, errc::starttls_not_supported, stage::ehlo);
    CHECK_FALSE(s.c.submit({"a@example.org", {"b@example.net"}}, "m", s.now));
    CHECK(s.sent() == "");

    session r(hold_config(true));
    r.server("220 x\r\n");
    r.server(ehlo_tls);
    CHECK(r.server("454 4.7.0 no TLS\r\n") == "QUIT\r\n");
    check_failed(r, errc::starttls_refused, stage::starttls);

    session v(hold_config(true), /*reject_certificate=*/true);
    v.server("220 x\r\n");
    v.server(ehlo_tls);
    v.server("220 go\r\n");
    CHECK(v.server("<SERVER-HELLO>") == "");
    check_failed(v, errc::tls_failed, stage::tls_handshake);

    // Not required: a refused STARTTLS leaves a cleartext session, ready.
    session o(hold_config(false));
    o.server("220 x\r\n");
    o.server(ehlo_tls);
    CHECK(o.server("454 4.7.0 no TLS\r\n") == "");
    CHECK(o.is_ready());
    CHECK_FALSE(o.c.current_outcome().tls_used);
}
