// smtp/session.hpp: the engine and client configuration for a connect action of the
// delivery plan, and report_session(), which turns a finished session into what the plan
// is told. The outcomes come from the real client: driven through a scripted server with
// test::passthrough_engine, or through `openssl s_server` with the real botan_tls_engine
// (tls_test_server.hpp; without an `openssl` program those cases fail, never skip).
#include <doctest/doctest.h>

#include <botan/auto_rng.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dane/smtp/delivery_plan.hpp"
#include "dane/smtp/session.hpp"
#include "passthrough_engine.hpp"
#include "tls_test_server.hpp"

using namespace dane;
using namespace dane::smtp;
using namespace std::chrono_literals;
using dns::rr_type;
using test::passthrough_engine;

namespace {

const time_point t0 = time_point{} + 1000h;

dns::name dn(std::string_view text) {
    const dns::name root;
    auto n = dns::name::parse(text, &root);
    REQUIRE_MESSAGE(n.has_value(), text);
    return *n;
}

// --- A delivery plan standing at its first host ---------------------------------------

resolver::lookup_result secure_lookup(std::string_view owner, rr_type type,
                                      std::vector<byte_buffer> rdatas) {
    resolver::lookup_result r;
    r.qname = dn(owner);
    r.qtype = type;
    r.rcode = dns::rcode::noerror;
    r.verdict = dnssec::secure_verdict();
    r.final_name = r.qname;
    if (rdatas.empty()) {
        r.proven = dnssec::proof::nodata;
        return r;
    }
    r.proven = dnssec::proof::answer;
    dnssec::rrset set;
    set.owner = r.qname;
    set.type = type;
    set.rdatas = std::move(rdatas);
    r.rrsets.push_back(std::move(set));
    return r;
}

byte_buffer octets(std::initializer_list<unsigned> v) {
    byte_buffer out;
    for (unsigned b : v)
        out.push_back(static_cast<std::byte>(b));
    return out;
}

byte_buffer mx_rdata(unsigned preference, std::string_view host) {
    byte_buffer out = octets({0, preference});
    const dns::name n = dn(host);
    out.insert(out.end(), n.wire().begin(), n.wire().end());
    return out;
}

// TLSA RDATA with 32 octets of association data.
byte_buffer tlsa_rdata(unsigned usage, unsigned selector, unsigned matching) {
    byte_buffer out = octets({usage, selector, matching});
    out.resize(3 + 32, std::byte{0xab});
    return out;
}

template <class T>
T expect(const plan_action& a) {
    REQUIRE_MESSAGE(std::holds_alternative<T>(a), "unexpected plan action, index ", a.index());
    return std::get<T>(a);
}

void feed(delivery_plan& plan, std::string_view name, rr_type type,
          std::vector<byte_buffer> rdatas) {
    const auto q = expect<need_lookup>(plan.next_action());
    REQUIRE(q.name == dn(name));
    REQUIRE(q.type == type);
    REQUIRE(plan.fed(q.name, q.type, secure_lookup(name, type, std::move(rdatas))));
}

// example.test. with two MX hosts, secure all the way; the first host, mx1.test., gets the
// TLS policy `tls` from its TLSA lookup. The plan asks to connect to it.
delivery_plan plan_at_first_host(tls_requirement tls) {
    delivery_plan plan(dn("example.test."));
    feed(plan, "example.test.", rr_type::mx,
         {mx_rdata(10, "mx1.test."), mx_rdata(20, "mx2.test.")});
    feed(plan, "mx1.test.", rr_type::a, {octets({192, 0, 2, 1})});
    feed(plan, "mx1.test.", rr_type::aaaa, {});
    std::vector<byte_buffer> tlsa;
    if (tls == tls_requirement::required_authenticated) tlsa = {tlsa_rdata(3, 1, 1)};
    // PKIX-EE(1) is unusable for SMTP (RFC 7672 §3.1.3): TLS required, not authenticated.
    if (tls == tls_requirement::required_unauthenticated) tlsa = {tlsa_rdata(1, 1, 1)};
    feed(plan, "_25._tcp.mx1.test.", rr_type::tlsa, std::move(tlsa));
    const auto c = expect<smtp::connect>(plan.next_action());
    REQUIRE(c.tls.requirement == tls);
    return plan;
}

// --- The client through a scripted server ---------------------------------------------

client_config mail_config() {
    client_config c;
    c.ehlo_name = "client.example";
    c.envelope.from = "a@example.org";
    c.envelope.recipients = {"b@example.net"};
    c.message = "Subject: hi\r\n\r\nbody\r\n";
    return c;
}

// hold_open without an envelope: connect, EHLO, STARTTLS, then quit.
client_config probe_config() {
    client_config c;
    c.ehlo_name = "client.example";
    c.hold_open = true;
    return c;
}

// Runs the client to its end: each time it waits for data the server sends the next of
// `replies` (the end of the connection once they are used up); ready{} is answered with
// quit().
template <tls_engine Engine>
outcome run_script(client_config config, Engine& engine, const std::vector<std::string>& replies) {
    client<Engine> c(std::move(config), engine, t0);
    std::size_t next = 0;
    for (int step = 0; step < 100; ++step) {
        auto a = c.next_action();
        if (std::holds_alternative<send_bytes>(a)) continue;
        if (std::holds_alternative<ready>(a)) {
            c.quit(t0);
        } else if (std::holds_alternative<need_data>(a)) {
            if (next < replies.size())
                c.feed(as_bytes(replies[next++]), t0);
            else
                c.feed_eof(t0);
        } else if (auto* d = std::get_if<done>(&a)) {
            return d->outcome;
        } else {
            return std::get<failed>(a).outcome;
        }
    }
    FAIL("the session did not end");
    return {};
}

const std::string greeting = "220 mx1.test ESMTP\r\n";
const std::string ehlo_tls = "250-mx1.test\r\n250 STARTTLS\r\n";
const std::string ehlo_plain = "250-mx1.test\r\n250 8BITMIME\r\n";
const std::vector<std::string> up_to_tls = {greeting, ehlo_tls, "220 2.0.0 go ahead\r\n",
                                            "<SERVER-HELLO>", "250 mx1.test\r\n"};

std::vector<std::string> then(std::vector<std::string> first,
                              const std::vector<std::string>& more) {
    first.insert(first.end(), more.begin(), more.end());
    return first;
}

const std::vector<std::string> transaction = {"250 2.1.0 ok\r\n", "250 2.1.5 ok\r\n", "354 go\r\n",
                                              "250 2.0.0 queued\r\n", "221 bye\r\n"};

tlsa::verification failed_verification(tlsa::rpt_result why, std::string reason) {
    tlsa::verification v;
    v.status = tlsa::outcome::failed;
    v.failure = why;
    v.reason = std::move(reason);
    return v;
}

std::string message_of(errc e) {
    return make_error_code(e).message();
}

} // namespace

TEST_CASE("report_session: every way a session ends, and what the delivery plan makes of it") {
    struct row {
        const char* what;
        tls_requirement tls; // the first host's policy in the plan
        std::vector<std::string> replies;
        bool probe = false;  // a hold_open session without a message
        bool reject = false; // the passthrough engine fails the handshake
        std::optional<tlsa::verification> verification = std::nullopt;
        // The report:
        session_status status = session_status::failed;
        tls_failure failure = tls_failure::none;
        tlsa::rpt_result verified = tlsa::rpt_result::none;
        std::string detail = "";
        bool cleartext = false;
        // The plan's TLS-RPT result (none: transient, RFC 8460 §4.3.4).
        std::optional<rpt_result_type> result = std::nullopt;
    };
    using enum session_status;
    using rpt = rpt_result_type;
    const auto authenticated = tls_requirement::required_authenticated;
    const auto unauthenticated = tls_requirement::required_unauthenticated;
    const auto opportunistic = tls_requirement::opportunistic;
    const std::vector<std::string> until_handshake = {greeting, ehlo_tls, "220 go\r\n",
                                                      "<SERVER-HELLO>"};
    const std::vector<row> rows = {
        {.what = "delivered over STARTTLS",
         .tls = authenticated,
         .replies = then(up_to_tls, transaction),
         .status = delivered,
         .result = rpt::success},
        {.what = "STARTTLS not offered, TLS required",
         .tls = authenticated,
         .replies = {greeting, ehlo_plain, "221 bye\r\n"},
         .failure = tls_failure::starttls_missing,
         .detail = message_of(errc::starttls_not_supported),
         .result = rpt::starttls_not_supported},
        {.what = "STARTTLS refused, TLS required",
         .tls = unauthenticated,
         .replies = {greeting, ehlo_tls, "454 4.7.0 TLS not available\r\n", "221 bye\r\n"},
         .failure = tls_failure::starttls_missing,
         .detail = "4.7.0 TLS not available",
         .result = rpt::starttls_not_supported},
        {.what = "handshake failed, no verification ran",
         .tls = authenticated,
         .replies = until_handshake,
         .reject = true,
         .failure = tls_failure::handshake_failed,
         .detail = "certificate not trusted",
         .result = rpt::validation_failure},
        {.what = "handshake aborted by a failed verification (required-authenticated)",
         .tls = authenticated,
         .replies = until_handshake,
         .reject = true,
         .verification = failed_verification(tlsa::rpt_result::certificate_expired,
                                             "certificate-expired at depth 0"),
         .failure = tls_failure::not_authenticated,
         .verified = tlsa::rpt_result::certificate_expired,
         .detail = "certificate-expired at depth 0",
         .result = rpt::certificate_expired},
        {.what = "a failed verification without a reason keeps the engine's",
         .tls = authenticated,
         .replies = until_handshake,
         .reject = true,
         .verification = failed_verification(tlsa::rpt_result::certificate_host_mismatch, ""),
         .failure = tls_failure::not_authenticated,
         .verified = tlsa::rpt_result::certificate_host_mismatch,
         .detail = "certificate not trusted",
         .result = rpt::certificate_host_mismatch},
        // The plan did not ask for authentication: any verification failure is general.
        {.what = "handshake aborted by a failed verification (required-unauthenticated)",
         .tls = unauthenticated,
         .replies = until_handshake,
         .reject = true,
         .verification = failed_verification(tlsa::rpt_result::tlsa_invalid, "tlsa-invalid"),
         .failure = tls_failure::not_authenticated,
         .verified = tlsa::rpt_result::tlsa_invalid,
         .detail = "tlsa-invalid",
         .result = rpt::validation_failure},
        {.what = "STARTTLS injection (RFC 3207 §4.2)",
         .tls = authenticated,
         .replies = {greeting, ehlo_tls, "220 go\r\nMAIL FROM:<x@evil>\r\n"},
         .failure = tls_failure::handshake_failed,
         .detail = "data after the 220 to STARTTLS",
         .result = rpt::validation_failure},
        {.what = "greeting refused: unreachable",
         .tls = authenticated,
         .replies = {"554 5.3.2 go away\r\n", "221 bye\r\n"},
         .status = unreachable,
         .detail = "5.3.2 go away"},
        {.what = "EHLO refused: unreachable",
         .tls = opportunistic,
         .replies = {greeting, "550 5.7.1 not you\r\n", "221 bye\r\n"},
         .status = unreachable,
         .detail = "5.7.1 not you"},
        {.what = "connection lost after the greeting: unreachable",
         .tls = authenticated,
         .replies = {greeting},
         .status = unreachable},
        {.what = "opportunistic, no STARTTLS: delivered in cleartext",
         .tls = opportunistic,
         .replies = then({greeting, ehlo_plain}, transaction),
         .status = delivered,
         .cleartext = true,
         .result = rpt::starttls_not_supported},
        {.what = "opportunistic, STARTTLS refused: delivered in cleartext",
         .tls = opportunistic,
         .replies = then({greeting, ehlo_tls, "454 4.7.0 not now\r\n"}, transaction),
         .status = delivered,
         .cleartext = true,
         .result = rpt::starttls_not_supported},
        // Under opportunistic TLS the engine records a verification without enforcing it;
        // only a failure in the handshake makes it count.
        {.what = "opportunistic, failed verification recorded, delivered over TLS",
         .tls = opportunistic,
         .replies = then(up_to_tls, transaction),
         .verification = failed_verification(tlsa::rpt_result::validation_failure, "tlsa-no-match"),
         .status = delivered,
         .result = rpt::success},
        {.what = "MAIL refused over TLS: TLS worked",
         .tls = authenticated,
         .replies = then(up_to_tls, {"550 5.7.1 sender refused\r\n", "221 bye\r\n"}),
         .detail = "5.7.1 sender refused",
         .result = rpt::success},
        {.what = "probe quit without delivery",
         .tls = authenticated,
         .replies = then(up_to_tls, {"221 bye\r\n"}),
         .probe = true,
         .result = rpt::success},
    };
    for (const auto& r : rows) {
        INFO(r.what);
        delivery_plan plan = plan_at_first_host(r.tls);
        const auto target = expect<smtp::connect>(plan.next_action());
        passthrough_engine engine;
        engine.reject = r.reject;
        const outcome o = run_script(
            session_config(target, r.probe ? probe_config() : mail_config()), engine, r.replies);
        // Cleartext only where the plan allows it.
        CHECK(o.tls_used == (engine.handshake_done() && !engine.failed()));
        if (r.tls != opportunistic) CHECK((o.delivered ? o.tls_used : true));

        const session_report s = report_session(o, r.verification);
        CHECK(s.status == r.status);
        CHECK(s.tls == r.failure);
        CHECK(s.verification == r.verified);
        CHECK(s.detail == r.detail);
        CHECK(s.cleartext == r.cleartext);

        CHECK(plan.report(s) == r.result);
        REQUIRE(plan.attempts().size() >= 1);
        CHECK(plan.attempts()[0].result == r.result);
        CHECK(plan.attempts()[0].detail == r.detail);
        if (r.status == delivered) {
            CHECK(std::holds_alternative<smtp::delivered>(plan.next_action()));
            CHECK(plan.finished());
        } else {
            // Not delivered: the plan moves on to the next MX host and its lookups.
            const auto q = expect<need_lookup>(plan.next_action());
            CHECK(q.name == dn("mx2.test."));
            CHECK(q.type == rr_type::a);
            REQUIRE(plan.attempts().size() == 2);
            CHECK(plan.attempts()[1].host.name == dn("mx2.test."));
        }
        // A second report for the same connect is not taken.
        if (r.status == delivered) CHECK_FALSE(plan.report(s));
    }
}

TEST_CASE("session_config: TLS required unless the plan allows cleartext") {
    for (auto tls : {tls_requirement::required_authenticated,
                     tls_requirement::required_unauthenticated, tls_requirement::opportunistic}) {
        CAPTURE(to_string(tls));
        delivery_plan plan = plan_at_first_host(tls);
        const auto target = expect<smtp::connect>(plan.next_action());
        for (bool base_required : {false, true}) {
            client_config base = mail_config();
            base.tls_required = base_required;
            base.timeouts.greeting = 7s;
            const client_config c = session_config(target, base);
            CHECK(c.tls_required == (tls != tls_requirement::opportunistic));
            // Everything else is the base configuration.
            CHECK(c.ehlo_name == base.ehlo_name);
            CHECK(c.envelope.recipients == base.envelope.recipients);
            CHECK(c.message == base.message);
            CHECK(c.timeouts.greeting == 7s);
        }
    }
}

TEST_CASE("engine_mode and verify_options_for") {
    CHECK(engine_mode(tls_requirement::required_authenticated) == tls_mode::dane_required);
    // RFC 7672 §2.2: no usable record, but TLS is still mandatory.
    CHECK(engine_mode(tls_requirement::required_unauthenticated) == tls_mode::dane_required);
    CHECK(engine_mode(tls_requirement::opportunistic) == tls_mode::opportunistic);

    delivery_plan plan = plan_at_first_host(tls_requirement::required_authenticated);
    const auto target = expect<smtp::connect>(plan.next_action());
    const auto o = verify_options_for(target.tls, test::check_time);
    CHECK(o.mode == tlsa::profile::smtp);
    CHECK(o.reference_ids == target.tls.reference_ids);
    REQUIRE(!o.reference_ids.empty());
    CHECK(o.reference_ids.front() == dn("mx1.test.")); // the TLSA base domain first
    CHECK(o.now == test::check_time);
    CHECK(o.describe_certificates);
}

namespace {

// A TLS policy for mx.example.net (the fixtures' host) as the plan makes it.
tls_policy policy_for(tls_requirement requirement, std::vector<tlsa::record> records) {
    tls_policy p;
    p.requirement = requirement;
    if (requirement == tls_requirement::opportunistic) return p; // no base domain, no SNI
    p.tlsa_base_domain = dn("mx.example.net.");
    p.sni = p.tlsa_base_domain;
    p.tlsa_records = std::move(records);
    p.reference_ids =
        tlsa::smtp_reference_ids(dn("mx.example.net."), std::nullopt, dn("example.net."));
    return p;
}

botan_tls_engine engine_for(const tls_policy& p) {
    return make_tls_engine(p, test::check_time, std::make_shared<Botan::AutoSeeded_RNG>());
}

} // namespace

TEST_CASE("make_tls_engine: mode and SNI for each TLS requirement") {
    const auto authenticated =
        policy_for(tls_requirement::required_authenticated, {test::dane_ee_311("mx-leaf.pem")});
    const auto unauthenticated = policy_for(tls_requirement::required_unauthenticated, {});
    const auto opportunistic = policy_for(tls_requirement::opportunistic, {});
    // RFC 7672 §8.1: the SNI is the TLSA base domain; opportunistic TLS sends none.
    CHECK(engine_for(authenticated).mode() == tls_mode::dane_required);
    CHECK(engine_for(authenticated).sni() == "mx.example.net");
    CHECK(engine_for(unauthenticated).mode() == tls_mode::dane_required);
    CHECK(engine_for(unauthenticated).sni() == "mx.example.net");
    CHECK(engine_for(opportunistic).mode() == tls_mode::opportunistic);
    CHECK(engine_for(opportunistic).sni().empty());
    // The engine's SNI is the policy's.
    CHECK(engine_for(authenticated).sni() + "." == authenticated.sni->to_string());
}

TEST_CASE("make_tls_engine against s_server: the SNI picks the certificate") {
    REQUIRE_MESSAGE(test::have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    // The default certificate is the expired leaf; SNI mx.example.net gets the good one.
    test::openssl_server server({"-cert", test::fixture("expired-leaf.pem"), "-key",
                                 test::fixture("expired-leaf.key"), "-servername", "mx.example.net",
                                 "-cert2", test::fixture("mx-leaf.pem"), "-key2",
                                 test::fixture("mx-leaf.key")});
    REQUIRE(server.port() != 0);

    SUBCASE("required-authenticated: DANE-EE matches the leaf served for the SNI") {
        auto e = engine_for(policy_for(tls_requirement::required_authenticated,
                                       {test::dane_ee_311("mx-leaf.pem")}));
        test::connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(e.authenticated());
        REQUIRE(e.peer_chain().size() == 1);
        REQUIRE(e.peer_chain()[0].validity);
        CHECK(e.peer_chain()[0].validity->not_after > test::check_time);
    }
    SUBCASE("required-unauthenticated: TLS without authentication (RFC 7672 §2.2)") {
        auto e = engine_for(policy_for(
            tls_requirement::required_unauthenticated,
            {test::tlsa_for("mx-leaf.pem", tlsa::cert_usage::pkix_ee, tlsa::selector_type::spki)}));
        test::connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(!e.authenticated());
        REQUIRE(e.verification());
        CHECK(e.verification()->status == tlsa::outcome::unusable);
        REQUIRE(e.peer_chain().size() == 1);
        CHECK(e.peer_chain()[0].validity->not_after > test::check_time);
    }
    SUBCASE("opportunistic: no SNI, the default (expired) certificate, accepted") {
        auto e = engine_for(policy_for(tls_requirement::opportunistic, {}));
        test::connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(!e.verification());
        REQUIRE(e.peer_chain().size() == 1);
        REQUIRE(e.peer_chain()[0].validity);
        CHECK(e.peer_chain()[0].validity->not_after < test::check_time);
    }
}

namespace {

// The client with the real engine against `openssl s_server`, which speaks no SMTP: the
// test answers the cleartext part itself (greeting, EHLO with STARTTLS, 220 to STARTTLS)
// and from then on relays the client's octets to the TLS server and its octets back.
outcome run_over_tls_server(client<botan_tls_engine>& c, int port) {
    using steady = std::chrono::steady_clock;
    struct socket_guard {
        int fd;
        ~socket_guard() {
            if (fd >= 0) ::close(fd);
        }
    } s{test::connect_to(port)};
    REQUIRE(s.fd >= 0);
    bool relaying = false;
    c.feed(as_bytes(greeting), steady::now());
    for (int step = 0; step < 1000; ++step) {
        auto a = c.next_action();
        if (auto* out = std::get_if<send_bytes>(&a)) {
            if (relaying) {
                const auto n = ::send(s.fd, out->bytes.data(), out->bytes.size(), MSG_NOSIGNAL);
                REQUIRE(n == static_cast<ssize_t>(out->bytes.size()));
                c.on_sent(steady::now());
            } else if (as_chars(out->bytes).starts_with("EHLO")) {
                c.feed(as_bytes(ehlo_tls), steady::now());
            } else {
                REQUIRE(as_chars(out->bytes) == "STARTTLS\r\n");
                relaying = true;
                c.feed(as_bytes("220 2.0.0 go ahead\r\n"), steady::now());
            }
            continue;
        }
        if (auto* d = std::get_if<done>(&a)) return d->outcome;
        if (auto* f = std::get_if<failed>(&a)) return f->outcome;
        REQUIRE(std::holds_alternative<need_data>(a));
        REQUIRE(relaying);
        pollfd p{s.fd, POLLIN, 0};
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
            c.deadline().value_or(steady::now()) - steady::now());
        if (::poll(&p, 1, static_cast<int>(std::max<long long>(0, wait.count()))) <= 0) {
            c.on_timer(steady::now());
            continue;
        }
        std::byte buffer[16384];
        const auto n = ::recv(s.fd, buffer, sizeof buffer, 0);
        if (n > 0)
            c.feed(bytes_view(buffer, static_cast<std::size_t>(n)), steady::now());
        else
            c.feed_eof(steady::now());
    }
    FAIL("the session did not end");
    return {};
}

client_config short_timeouts(client_config c) {
    c.timeouts.tls_handshake = 10s;
    c.timeouts.command = 10s;
    return c;
}

} // namespace

TEST_CASE("report_session with the real engine: a verification that aborts the handshake") {
    REQUIRE_MESSAGE(test::have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = test::serve("expired-leaf.pem", "expired-leaf.key");
    REQUIRE(server.port() != 0);
    delivery_plan plan = plan_at_first_host(tls_requirement::required_authenticated);
    const auto target = expect<smtp::connect>(plan.next_action());

    // DANE-TA(2) of the CA: the expired leaf fails its dates.
    auto engine = engine_for(
        policy_for(tls_requirement::required_authenticated, {test::dane_ta_201("ca.pem")}));
    client<botan_tls_engine> c(short_timeouts(session_config(target, mail_config())), engine,
                               std::chrono::steady_clock::now());
    const outcome o = run_over_tls_server(c, server.port());
    CHECK_FALSE(o.delivered);
    CHECK_FALSE(o.tls_used);
    CHECK(o.failure == make_error_code(errc::tls_failed));
    REQUIRE(o.failure_stage);
    CHECK(*o.failure_stage == stage::tls_handshake);
    REQUIRE(engine.verification());

    const auto s = report_session(o, engine.verification());
    CHECK(s.status == session_status::failed);
    CHECK(s.tls == tls_failure::not_authenticated);
    CHECK(s.verification == tlsa::rpt_result::certificate_expired);
    CHECK(s.detail == engine.verification()->reason);
    CHECK(s.detail.find("certificate-expired") != std::string::npos);
    CHECK(plan.report(s) == rpt_result_type::certificate_expired);
    CHECK(expect<need_lookup>(plan.next_action()).name == dn("mx2.test."));
}

TEST_CASE("report_session with the real engine: a handshake failure without verification") {
    REQUIRE_MESSAGE(test::have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    // TLS 1.1 only (OpenSSL 3 needs security level 0 for it): the engine refuses it.
    test::openssl_server server({"-cert", test::fixture("mx-leaf.pem"), "-key",
                                 test::fixture("mx-leaf.key"), "-tls1_1", "-cipher",
                                 "DEFAULT@SECLEVEL=0"});
    REQUIRE(server.port() != 0);
    delivery_plan plan = plan_at_first_host(tls_requirement::required_authenticated);
    const auto target = expect<smtp::connect>(plan.next_action());
    auto engine = engine_for(
        policy_for(tls_requirement::required_authenticated, {test::dane_ee_311("mx-leaf.pem")}));
    client<botan_tls_engine> c(short_timeouts(session_config(target, mail_config())), engine,
                               std::chrono::steady_clock::now());
    const outcome o = run_over_tls_server(c, server.port());
    CHECK(o.failure == make_error_code(errc::tls_failed));
    CHECK_FALSE(engine.verification());

    const auto s = report_session(o, engine.verification());
    CHECK(s.tls == tls_failure::handshake_failed);
    CHECK(s.verification == tlsa::rpt_result::none);
    CHECK(s.detail == o.failure_detail);
    CHECK(!s.detail.empty());
    CHECK(plan.report(s) == rpt_result_type::validation_failure);
}

TEST_CASE("report_session with the real engine: authenticated TLS, then an SMTP failure") {
    REQUIRE_MESSAGE(test::have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = test::serve("mx-leaf.pem", "mx-leaf.key");
    REQUIRE(server.port() != 0);
    delivery_plan plan = plan_at_first_host(tls_requirement::required_authenticated);
    const auto target = expect<smtp::connect>(plan.next_action());
    auto engine = engine_for(
        policy_for(tls_requirement::required_authenticated, {test::dane_ee_311("mx-leaf.pem")}));
    client<botan_tls_engine> c(short_timeouts(session_config(target, mail_config())), engine,
                               std::chrono::steady_clock::now());
    // s_server -rev answers the EHLO over TLS with the line reversed: no SMTP reply.
    const outcome o = run_over_tls_server(c, server.port());
    INFO("failure: ", o.failure.message(), " ", o.failure_detail);
    CHECK(engine.authenticated());
    CHECK(o.tls_used);
    CHECK_FALSE(o.delivered);
    REQUIRE(o.failure_stage);
    CHECK(*o.failure_stage == stage::ehlo_after_tls);

    const auto s = report_session(o, engine.verification());
    CHECK(s.status == session_status::failed);
    CHECK(s.tls == tls_failure::none);
    CHECK_FALSE(s.cleartext);
    CHECK(plan.report(s) == rpt_result_type::success);
}
