// A sans-I/O SMTP client that delivers messages over one connection (RFC 5321), with
// STARTTLS (RFC 3207) through a pluggable TLS engine (tls_engine.hpp). It opens no socket
// and reads no clock: the caller feeds the server's octets and the current time, and asks
// next_action() what to do:
//
//   client c(config, engine, connected_at);
//   for (;;) {
//       auto a = c.next_action();
//       if (auto* s = std::get_if<send_bytes>(&a)) { write(s->bytes); c.on_sent(now()); }
//       else if (std::holds_alternative<need_data>(a)) {
//           read with deadline c.deadline(): bytes -> c.feed(bytes, now()),
//           end of stream -> c.feed_eof(now()), deadline passed -> c.on_timer(now())
//       } else if (std::holds_alternative<ready>(a)) {
//           c.submit(envelope, message, now()) or c.quit(now());   // hold_open only
//       } else break; // done{outcome}: delivered; failed{outcome}: not delivered
//   }
//
// The flow: greeting (220), EHLO (HELO when EHLO gets 500 or 502), STARTTLS when offered,
// the handshake, EHLO again, MAIL FROM, one RCPT TO per recipient, DATA, the message, QUIT.
//
// With client_config::hold_open the session stays open between transactions: once it is
// established (and after each message) next_action() returns ready{}, and the caller
// either submit()s another message or quit()s. A transaction the server refuses is
// recorded in outcome::transactions and cleared with RSET (RFC 5321 §4.1.1.5); the session
// goes on. Without an envelope in the configuration this is a probe: connect, EHLO,
// STARTTLS, verify, then quit() (what `dane smtp` does for every MX host).
// Commands are sent one at a time and each reply is awaited: PIPELINING (RFC 2920) is not
// used even when offered. Because only one command is ever outstanding, the server has
// nothing to say while the client has not spoken: octets beyond the reply being handled
// when the client is about to send are a protocol violation and end the session
// (errc::unsolicited_data). After the 220 to STARTTLS this is the STARTTLS command
// injection defence (CVE-2011-0411 class, RFC 3207 §6 on discarding what came before
// TLS): the session is aborted with errc::starttls_injection, and a fresh reply parser and
// an empty capability list are used once TLS is up (RFC 3207 §4.2).
//
// Security decisions fail closed: with tls_required, no STARTTLS, a refused STARTTLS, a
// failed handshake or a failed verification (the engine's failed()) means no mail, never
// a cleartext fallback. Without tls_required, a server that offers no STARTTLS or refuses
// it gets the message in cleartext; a TLS failure still aborts (the connection is in an
// unknown state; the caller may retry in cleartext on a new connection if policy allows).
//
// Failures stick: once next_action() has returned failed{...}, every later call returns
// the same failure and feed()/on_timer() change nothing. Octets queued at the moment of a
// failure (a QUIT, a TLS close_notify) are handed out first; an abort (injection, TLS
// failure, 421, timeout, closed connection) sends nothing more.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/smtp/command.hpp"
#include "dane/smtp/error.hpp"
#include "dane/smtp/reply.hpp"
#include "dane/smtp/tls_engine.hpp"

namespace dane::smtp {

using time_point = std::chrono::steady_clock::time_point;

// RFC 5321 §4.5.3.2 timeouts. The RFC gives none for EHLO, HELO, STARTTLS and QUIT nor
// for the TLS handshake; those use `command` and `tls_handshake`, 5 minutes like MAIL.
struct timeouts {
    std::chrono::milliseconds greeting{std::chrono::minutes(5)};        // §4.5.3.2.1
    std::chrono::milliseconds command{std::chrono::minutes(5)};         // EHLO/HELO/STARTTLS/QUIT
    std::chrono::milliseconds tls_handshake{std::chrono::minutes(5)};   // engine handshake
    std::chrono::milliseconds mail{std::chrono::minutes(5)};            // §4.5.3.2.2
    std::chrono::milliseconds rcpt{std::chrono::minutes(5)};            // §4.5.3.2.3
    std::chrono::milliseconds data_initiation{std::chrono::minutes(2)}; // §4.5.3.2.4
    // §4.5.3.2.5: per block of the message handed out (see on_sent()).
    std::chrono::milliseconds data_block{std::chrono::minutes(3)};
    std::chrono::milliseconds data_termination{std::chrono::minutes(10)}; // §4.5.3.2.6
};

struct client_limits {
    reply_limits reply{};
    std::size_t max_recipients = 1000;       // RFC 5321 §4.5.3.1.8 asks servers to take >= 100
    std::size_t data_block_size = 64 * 1024; // octets of the message per send_bytes
};

struct envelope {
    std::string from;                    // reverse path without "<>"; empty for "<>"
    std::vector<std::string> recipients; // forward paths without "<>"
};

struct client_config {
    std::string ehlo_name; // the client's domain or address literal for EHLO/HELO
    smtp::envelope envelope;
    std::string message;      // the message (header and body); encoded by encode_data()
    bool tls_required = true; // no STARTTLS or a refused one means no mail
    // Hand out ready{} instead of QUIT once the session is established and after each
    // transaction; the envelope may then be empty (no first message).
    bool hold_open = false;
    // False: STARTTLS is not used even when offered (a cleartext retry after an
    // opportunistic handshake failed); with tls_required that means no mail.
    bool use_starttls = true;
    smtp::timeouts timeouts{};
    client_limits limits{};
};

// Where a session was when it ended.
enum class stage : std::uint8_t {
    setup, // the configuration could not be turned into commands
    greeting,
    ehlo,
    helo,
    starttls,
    tls_handshake,
    ehlo_after_tls,
    idle, // between transactions (hold_open), waiting for submit() or quit()
    mail,
    rcpt,
    data,
    body, // the message and its terminating "."
    rset, // clearing a refused transaction (hold_open)
    quit,
};

inline const char* to_string(stage s) noexcept {
    switch (s) {
    case stage::setup:
        return "setup";
    case stage::greeting:
        return "greeting";
    case stage::ehlo:
        return "EHLO";
    case stage::helo:
        return "HELO";
    case stage::starttls:
        return "STARTTLS";
    case stage::tls_handshake:
        return "TLS handshake";
    case stage::ehlo_after_tls:
        return "EHLO after STARTTLS";
    case stage::idle:
        return "idle";
    case stage::mail:
        return "MAIL FROM";
    case stage::rcpt:
        return "RCPT TO";
    case stage::data:
        return "DATA";
    case stage::body:
        return "message body";
    case stage::rset:
        return "RSET";
    case stage::quit:
        return "QUIT";
    }
    return "unknown";
}

struct recipient_result {
    std::string address;
    smtp::reply reply;
    bool accepted() const noexcept { return reply.positive_completion(); }
};

// One mail transaction: MAIL FROM, the RCPT TOs, DATA and the message.
struct transaction_result {
    bool delivered = false;                   // 250 after the final "."
    std::vector<recipient_result> recipients; // one per RCPT TO sent
    std::error_code failure;                  // why not delivered (an smtp::errc)
    std::string failure_detail;               // the refusing reply's text, ...
};

struct outcome {
    // The server took responsibility for the message (250 after "."); with hold_open, for
    // at least one message.
    bool delivered = false;
    bool tls_used = false;           // the handshake completed and the session continued over TLS
    smtp::capabilities capabilities; // from the last EHLO (after TLS when TLS was used)
    std::vector<recipient_result> recipients; // one per RCPT TO sent, in order (last transaction)
    std::vector<transaction_result> transactions; // every transaction begun, in order
    std::optional<smtp::reply> last_reply;
    // The server's name from its greeting banner (the first word of the 220, RFC 5321
    // §4.3.1): what TLS-RPT reports as "receiving-mx-helo" (RFC 8460 §4.4).
    std::string greeting_name;
    // Set when the session failed, and on a delivered session for a fault after the
    // message was accepted (no proper reply to QUIT). A delivery to only some recipients
    // sets nothing here: recipients say who was refused.
    std::optional<smtp::stage> failure_stage;
    std::error_code failure;    // an smtp::errc
    std::string failure_detail; // the server's reply text, the engine's reason, ...
};

struct send_bytes {
    byte_buffer bytes;
};
struct need_data {};
// hold_open: the session is established and no transaction runs; submit() or quit().
struct ready {};
struct done {
    smtp::outcome outcome;
};
struct failed {
    smtp::outcome outcome;
};
using action = std::variant<send_bytes, need_data, ready, done, failed>;

template <tls_engine Engine>
class client {
public:
    // `engine` must outlive the client; it is started after the 220 to STARTTLS.
    client(client_config config, Engine& engine, time_point connected_at)
        : config_(std::move(config)), engine_(&engine), parser_(config_.limits.reply),
          last_now_(connected_at) {
        set_phase(phase::greeting, connected_at);
        prepare();
    }

    // Octets from the server (ciphertext once TLS is up).
    void feed(bytes_view data, time_point now) {
        last_now_ = now;
        if (finished()) return;
        if (!tls_active_) {
            parser_.feed(data);
            return process_replies(now);
        }
        engine_->feed(data);
        if (engine_->failed())
            return abort(errc::tls_failed, std::string(engine_->failure_reason()));
        queue(engine_->take_outgoing());
        byte_buffer plain = engine_->take_plaintext();
        if (phase_ == phase::handshake) {
            if (!engine_->handshake_done()) {
                if (!plain.empty())
                    return abort(errc::starttls_injection, "data before the handshake completed");
                return;
            }
            // The server speaks only after the client's EHLO: data already here was not
            // asked for.
            if (!plain.empty()) return abort(errc::unsolicited_data, "data before EHLO over TLS");
            outcome_.tls_used = true;
            return send_command(ehlo_line_, phase::ehlo_after_tls, now);
        }
        parser_.feed(plain);
        process_replies(now);
    }

    // The server closed its side.
    void feed_eof(time_point now) {
        last_now_ = now;
        if (finished()) return;
        if (phase_ == phase::quit) return finish_after_quit();
        abort(errc::connection_closed, {});
    }

    // Call when deadline() has passed.
    void on_timer(time_point now) {
        last_now_ = now;
        if (finished() || now < deadline_) return;
        if (phase_ == phase::quit) return finish_after_quit();
        // Idle too long between transactions: end politely before the server's own
        // timeout does (RFC 5321 §4.5.3.2.7).
        if (phase_ == phase::ready) return send_command(smtp::quit(), phase::quit, now);
        abort(errc::timeout, to_string(current_stage()));
    }

    // The octets of the last send_bytes have been written: the stage's timer runs from
    // now (RFC 5321 §4.5.3.2 times the wait for a reply; for the message it times each
    // block, §4.5.3.2.5). Without this call timers run from the event that made the client
    // send, which is earlier and so never later than the RFC's.
    void on_sent(time_point now) {
        last_now_ = now;
        if (finished()) return;
        deadline_ = now + timeout_of(phase_);
    }

    action next_action() {
        if (!outgoing_.empty()) return send_bytes{std::exchange(outgoing_, {})};
        if (phase_ == phase::body_sending) return send_bytes{next_body_block()};
        if (phase_ == phase::failed) return failed{outcome_};
        if (phase_ == phase::done) return done{outcome_};
        if (phase_ == phase::ready) return ready{};
        return need_data{};
    }

    // hold_open, after ready{}: begins a transaction for `message`. An unusable envelope
    // is refused here (nothing is sent, the session stays ready); errc::bad_envelope also
    // when the client is not ready.
    result<void, errc> submit(smtp::envelope mail_envelope, std::string message, time_point now) {
        last_now_ = now;
        if (phase_ != phase::ready) return fail(errc::bad_envelope);
        if (auto e = prepare_transaction(mail_envelope, message); !e) return fail(e.error());
        current_recipients_ = std::move(mail_envelope.recipients);
        outcome_.recipients.clear();
        start_mail(now);
        return {};
    }

    // hold_open, after ready{}: ends the session with QUIT. Ignored in any other state.
    void quit(time_point now) {
        last_now_ = now;
        if (phase_ != phase::ready) return;
        send_command(smtp::quit(), phase::quit, now);
    }

    // When the current stage times out; none once the session is over.
    std::optional<time_point> deadline() const {
        if (finished()) return std::nullopt;
        return deadline_;
    }

    smtp::stage current_stage() const noexcept { return stage_of(phase_); }
    const smtp::outcome& current_outcome() const noexcept { return outcome_; }
    bool finished() const noexcept { return phase_ == phase::done || phase_ == phase::failed; }

private:
    enum class phase : std::uint8_t {
        greeting,
        ehlo,
        helo,
        starttls,
        handshake,
        ehlo_after_tls,
        ready, // hold_open: waiting for submit() or quit()
        mail,
        rcpt,
        data,
        body_sending, // handing out the message in blocks
        body_wait,    // awaiting the reply to the final "."
        rset,
        quit,
        done,
        failed,
    };

    static smtp::stage stage_of(phase p) noexcept {
        switch (p) {
        case phase::greeting:
            return stage::greeting;
        case phase::ehlo:
            return stage::ehlo;
        case phase::helo:
            return stage::helo;
        case phase::starttls:
            return stage::starttls;
        case phase::handshake:
            return stage::tls_handshake;
        case phase::ehlo_after_tls:
            return stage::ehlo_after_tls;
        case phase::ready:
            return stage::idle;
        case phase::mail:
            return stage::mail;
        case phase::rcpt:
            return stage::rcpt;
        case phase::data:
            return stage::data;
        case phase::body_sending:
        case phase::body_wait:
            return stage::body;
        case phase::rset:
            return stage::rset;
        case phase::quit:
        case phase::done:
        case phase::failed:
            return stage::quit;
        }
        return stage::quit;
    }

    std::chrono::milliseconds timeout_of(phase p) const noexcept {
        const auto& t = config_.timeouts;
        switch (p) {
        case phase::greeting:
            return t.greeting;
        case phase::handshake:
            return t.tls_handshake;
        case phase::mail:
            return t.mail;
        case phase::rcpt:
            return t.rcpt;
        case phase::data:
            return t.data_initiation;
        case phase::body_sending:
            return t.data_block;
        case phase::body_wait:
            return t.data_termination;
        default:
            return t.command;
        }
    }

    // Every command line is built before the session starts, so an unusable argument
    // fails the session at once and nothing is sent.
    void prepare() {
        auto fail_setup = [&](errc e, std::string detail) {
            phase_ = phase::failed;
            outcome_.failure_stage = stage::setup;
            outcome_.failure = make_error_code(e);
            outcome_.failure_detail = std::move(detail);
        };
        auto e = ehlo(config_.ehlo_name);
        auto h = helo(config_.ehlo_name);
        if (!e) return fail_setup(e.error(), "EHLO name");
        ehlo_line_ = std::move(*e);
        helo_line_ = std::move(*h);
        if (config_.limits.data_block_size == 0) config_.limits.data_block_size = 1;
        const auto& first = config_.envelope;
        // hold_open without a first message: the caller submits (or only probes).
        if (config_.hold_open && first.recipients.empty() && first.from.empty() &&
            config_.message.empty())
            return;
        if (auto e = prepare_transaction(first, config_.message); !e)
            return fail_setup(e.error(), setup_failure_);
        current_recipients_ = first.recipients;
        transaction_pending_ = true;
    }

    // Builds the command lines of one transaction; on failure setup_failure_ says which.
    result<void, errc> prepare_transaction(const smtp::envelope& e, std::string_view message) {
        auto m = mail_from(e.from);
        if (!m) return setup_error(m.error(), "MAIL FROM address");
        if (e.recipients.empty()) return setup_error(errc::bad_envelope, "no recipients");
        if (e.recipients.size() > config_.limits.max_recipients)
            return setup_error(errc::bad_envelope, "too many recipients");
        std::vector<std::string> lines;
        for (const auto& r : e.recipients) {
            auto line = rcpt_to(r);
            if (!line) return setup_error(line.error(), "RCPT TO address");
            lines.push_back(std::move(*line));
        }
        mail_line_ = std::move(*m);
        mail_from_ = e.from;
        rcpt_lines_ = std::move(lines);
        body_ = encode_data(message);
        body_sent_ = 0;
        return {};
    }

    result<void, errc> setup_error(errc e, const char* what) {
        setup_failure_ = what;
        return fail(e);
    }

    void set_phase(phase p, time_point now) {
        phase_ = p;
        deadline_ = now + timeout_of(p);
    }

    void queue(const byte_buffer& b) { outgoing_.insert(outgoing_.end(), b.begin(), b.end()); }

    void write(std::string_view text) {
        if (tls_active_) {
            engine_->send_plaintext(as_bytes(text));
            queue(engine_->take_outgoing());
        } else {
            auto b = as_bytes(text);
            outgoing_.insert(outgoing_.end(), b.begin(), b.end());
        }
    }

    // Sends a command and waits for its reply. The server must be silent until then.
    void send_command(std::string_view line, phase next, time_point now) {
        if (!parser_.idle()) return abort(errc::unsolicited_data, "data before the command");
        write(line);
        set_phase(next, now);
    }

    void record_failure(errc e, std::string detail) {
        outcome_.failure_stage = current_stage();
        outcome_.failure = make_error_code(e);
        outcome_.failure_detail = std::move(detail);
    }

    // Ends the session at once: nothing more is sent. Once the server has accepted the
    // message, what goes wrong afterwards (garbage instead of the reply to QUIT, a timeout)
    // is recorded but the session is still done: the message is the server's now, and a
    // caller that retried would deliver it twice (RFC 5321 §4.5.3.2.6, §6.1).
    void abort(errc e, std::string detail) {
        if (finished()) return;
        record_failure(e, std::move(detail));
        outgoing_.clear();
        phase_ = outcome_.delivered ? phase::done : phase::failed;
    }

    // Ends the session politely: QUIT (and close_notify under TLS), then failed{}; done{}
    // when an earlier message of a hold_open session was accepted (as in abort()).
    void fail_with_quit(errc e, std::string detail) {
        if (finished()) return;
        record_failure(e, std::move(detail));
        write(smtp::quit());
        if (tls_active_) {
            engine_->close();
            queue(engine_->take_outgoing());
        }
        phase_ = outcome_.delivered ? phase::done : phase::failed;
    }

    // A session that delivered, or that ended without a failure (a hold_open session the
    // caller quit), is done; one that failed is failed.
    void finish_after_quit() {
        if (tls_active_) {
            engine_->close();
            queue(engine_->take_outgoing());
        }
        phase_ = outcome_.delivered || !outcome_.failure_stage ? phase::done : phase::failed;
    }

    byte_buffer next_body_block() {
        const std::size_t n = std::min(config_.limits.data_block_size, body_.size() - body_sent_);
        std::string_view block = std::string_view(body_).substr(body_sent_, n);
        body_sent_ += n;
        byte_buffer out;
        if (tls_active_) {
            engine_->send_plaintext(as_bytes(block));
            out = engine_->take_outgoing();
        } else {
            auto b = as_bytes(block);
            out.assign(b.begin(), b.end());
        }
        set_phase(body_sent_ == body_.size() ? phase::body_wait : phase::body_sending, last_now_);
        return out;
    }

    void process_replies(time_point now) {
        while (!finished()) {
            auto r = parser_.next();
            if (!r) return abort(r.error(), "malformed reply");
            if (!*r) return;
            handle(std::move(**r), now);
        }
    }

    void start_mail(time_point now) {
        const auto& caps = outcome_.capabilities;
        // RFC 1870: a message over the declared limit would be refused after the transfer.
        if (caps.size_limit && body_.size() > *caps.size_limit) {
            phase_ = phase::mail; // the failure belongs to the transaction, not to EHLO
            return transaction_refused(errc::message_too_large, std::to_string(body_.size()), now,
                                       false);
        }
        // RFC 1870: announce the size so the server can refuse before the transfer.
        if (caps.size) {
            auto with_size = mail_from(mail_from_, "SIZE=" + std::to_string(body_.size()));
            if (with_size) return send_command(*with_size, phase::mail, now);
        }
        send_command(mail_line_, phase::mail, now);
    }

    void after_ehlo_in_cleartext(time_point now) {
        if (outcome_.capabilities.starttls && config_.use_starttls)
            return send_command(starttls(), phase::starttls, now);
        if (config_.tls_required) return fail_with_quit(errc::starttls_not_supported, {});
        established(now);
    }

    // The session is up with the TLS it will have: the configured message, or ready{}.
    void established(time_point now) {
        if (transaction_pending_) {
            transaction_pending_ = false;
            return start_mail(now);
        }
        set_phase(phase::ready, now);
    }

    // A transaction ended. Without hold_open the session ends with it (QUIT). With
    // hold_open it is recorded, a refused one is cleared with RSET when MAIL was sent,
    // and the client becomes ready again.
    void end_transaction(bool delivered, errc e, std::string detail, time_point now,
                         bool mail_sent = true) {
        transaction_result t;
        t.delivered = delivered;
        t.recipients = outcome_.recipients;
        if (!delivered) {
            t.failure = make_error_code(e);
            t.failure_detail = detail;
        }
        outcome_.transactions.push_back(std::move(t));
        if (delivered) outcome_.delivered = true;
        if (!config_.hold_open) {
            if (delivered) return send_command(smtp::quit(), phase::quit, now);
            return fail_with_quit(e, std::move(detail));
        }
        if (!delivered && mail_sent) return send_command(rset(), phase::rset, now);
        set_phase(phase::ready, now);
    }

    void transaction_refused(errc e, std::string detail, time_point now, bool mail_sent = true) {
        end_transaction(false, e, std::move(detail), now, mail_sent);
    }

    void handle(reply r, time_point now) {
        outcome_.last_reply = r;
        // RFC 5321 §3.8: 421 may answer any command; the server is closing the channel.
        if (r.code == 421 && phase_ != phase::quit) return abort(errc::service_closing, r.text());
        switch (phase_) {
        case phase::greeting:
            if (r.code != 220) return fail_with_quit(errc::unexpected_reply, r.text());
            if (!r.lines.empty())
                outcome_.greeting_name = r.lines.front().substr(0, r.lines.front().find(' '));
            return send_command(ehlo_line_, phase::ehlo, now);
        case phase::ehlo:
            if (r.code == 250) {
                outcome_.capabilities = parse_capabilities(r);
                return after_ehlo_in_cleartext(now);
            }
            // §3.2: "command not recognized" to EHLO means fall back to HELO; servers without
            // EHLO answer 500 (not recognized) or 502 (not implemented).
            if (r.code == 500 || r.code == 502) return send_command(helo_line_, phase::helo, now);
            return fail_with_quit(errc::unexpected_reply, r.text());
        case phase::helo:
            if (r.code != 250) return fail_with_quit(errc::unexpected_reply, r.text());
            outcome_.capabilities = {}; // HELO announces nothing, so no STARTTLS
            return after_ehlo_in_cleartext(now);
        case phase::starttls:
            if (r.code == 220) return start_tls(now);
            if (config_.tls_required) return fail_with_quit(errc::starttls_refused, r.text());
            return established(now);
        case phase::ehlo_after_tls:
            if (r.code != 250) return fail_with_quit(errc::unexpected_reply, r.text());
            // Capabilities are read afresh; a STARTTLS still listed is ignored.
            outcome_.capabilities = parse_capabilities(r);
            return established(now);
        case phase::mail:
            if (r.code != 250) return transaction_refused(errc::unexpected_reply, r.text(), now);
            next_recipient_ = 0;
            return send_command(rcpt_lines_[0], phase::rcpt, now);
        case phase::rcpt:
            return after_rcpt(std::move(r), now);
        case phase::data:
            if (r.code != 354) return transaction_refused(errc::message_rejected, r.text(), now);
            if (!parser_.idle()) return abort(errc::unsolicited_data, "data after 354");
            return set_phase(phase::body_sending, now);
        case phase::body_wait:
            if (r.code != 250) return transaction_refused(errc::message_rejected, r.text(), now);
            return end_transaction(true, errc{}, {}, now);
        case phase::rset:
            if (r.code != 250) return fail_with_quit(errc::unexpected_reply, r.text());
            return set_phase(phase::ready, now);
        case phase::quit:
            return finish_after_quit();
        case phase::ready:
        case phase::handshake:
        case phase::body_sending:
        case phase::done:
        case phase::failed:
            return abort(errc::unsolicited_data, r.text());
        }
    }

    void after_rcpt(reply r, time_point now) {
        outcome_.recipients.push_back({current_recipients_[next_recipient_], std::move(r)});
        ++next_recipient_;
        if (next_recipient_ < rcpt_lines_.size())
            return send_command(rcpt_lines_[next_recipient_], phase::rcpt, now);
        const bool any = std::any_of(outcome_.recipients.begin(), outcome_.recipients.end(),
                                     [](const recipient_result& x) { return x.accepted(); });
        if (!any) return transaction_refused(errc::no_recipient_accepted, {}, now);
        send_command(data(), phase::data, now);
    }

    void start_tls(time_point now) {
        // RFC 3207 §4.2 / CVE-2011-0411: anything after the 220 arrived in cleartext and
        // would be read as if it came over TLS. Abort rather than discard: a server (or a
        // man in the middle) that sends it is not one to deliver to.
        if (!parser_.idle())
            return abort(errc::starttls_injection, "data after the 220 to STARTTLS");
        parser_ = reply_parser(config_.limits.reply);
        outcome_.capabilities = {};
        tls_active_ = true;
        set_phase(phase::handshake, now);
        engine_->start();
        if (engine_->failed())
            return abort(errc::tls_failed, std::string(engine_->failure_reason()));
        queue(engine_->take_outgoing());
    }

    client_config config_;
    Engine* engine_;
    reply_parser parser_;
    time_point last_now_;
    time_point deadline_{};
    phase phase_ = phase::greeting;
    bool tls_active_ = false;
    byte_buffer outgoing_;
    std::string ehlo_line_, helo_line_, mail_line_;
    std::vector<std::string> rcpt_lines_;
    std::string mail_from_;
    std::vector<std::string> current_recipients_;
    bool transaction_pending_ = false; // the configured message is still to be sent
    const char* setup_failure_ = "";
    std::size_t next_recipient_ = 0;
    std::string body_;
    std::size_t body_sent_ = 0;
    smtp::outcome outcome_;
};

} // namespace dane::smtp
