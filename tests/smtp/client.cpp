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

    bool waiting() const { return std::holds_alternative<need_data>(last); }
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
