// smtp::botan_tls_engine against a real TLS server: `openssl s_server` on 127.0.0.1 with the
// certificates of tests/data/smtp/tls/ (tls_test_server.hpp). The test connects a socket and moves
// the bytes between it and the engine, which has no I/O of its own. Without an `openssl` program
// the cases fail: they are not skipped.
#include <doctest/doctest.h>

#include <botan/auto_rng.h>
#include <botan/build.h>

#include <array>
#include <chrono>
#include <concepts>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dane/crypto/botan_x509.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/smtp/botan_tls_engine.hpp"
#include "dane/smtp/tls_engine.hpp"
#include "dane/tlsa/generate.hpp"
#include "tls_test_server.hpp"

using namespace dane;
using namespace dane::smtp::test;
using namespace std::chrono_literals;

namespace {

// The engine is what the SMTP client drives.
static_assert(smtp::tls_engine<smtp::botan_tls_engine>);

// Reference identifiers: the TLSA base domain (also the SNI), then the next-hop domain.
tlsa::verify_options smtp_options(const char* base, const char* next_hop) {
    tlsa::verify_options o;
    o.mode = tlsa::profile::smtp;
    o.reference_ids = tlsa::smtp_reference_ids(dns::name::parse(base).value(), std::nullopt,
                                               dns::name::parse(next_hop).value());
    return o;
}

smtp::botan_tls_engine make_engine(smtp::tls_mode mode, std::vector<tlsa::record> records,
                                   const char* base = "mx.example.net.",
                                   const char* next_hop = "example.net.",
                                   std::shared_ptr<const Botan::TLS::Policy> policy = nullptr) {
    return smtp::botan_tls_engine(mode, std::move(records), smtp_options(base, next_hop),
                                  check_time, std::make_shared<Botan::AutoSeeded_RNG>(),
                                  std::move(policy));
}

std::chrono::sys_seconds utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
    return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

} // namespace

TEST_CASE("TLS engine: DANE-EE 3 1 1 match against s_server; SNI is the TLSA base domain") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    // The server's default certificate is the expired leaf (another key); only a client
    // that sends SNI mx.example.net gets the good leaf (RFC 7672 §8.1).
    openssl_server server({"-cert", fixture("expired-leaf.pem"), "-key",
                           fixture("expired-leaf.key"), "-servername", "mx.example.net", "-cert2",
                           fixture("mx-leaf.pem"), "-key2", fixture("mx-leaf.key")});
    REQUIRE(server.port() != 0);

    {
        auto e = make_engine(smtp::tls_mode::dane_required, {dane_ee_311("mx-leaf.pem")});
        CHECK(e.sni() == "mx.example.net");
        connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(!e.failed());
        CHECK(e.failure_reason().empty());
        CHECK(e.authenticated());
        REQUIRE(e.verification());
        CHECK(e.verification()->authenticated());
        CHECK(e.verification()->depth == 0);
        CHECK(e.session_result() == tlsa::rpt_result::none);
        MESSAGE("negotiated ", e.protocol_version(), ", ", e.cipher_suite());
        // What was negotiated: TLS 1.2 with Botan 2, 1.3 with Botan 3.
        CHECK(contains(e.protocol_version(), "TLS v1."));
        CHECK(!contains(e.protocol_version(), "TLS v1.0"));
        CHECK(!contains(e.protocol_version(), "TLS v1.1"));
        CHECK(!e.cipher_suite().empty());
        CHECK(e.cipher_suite_code() != 0);
        REQUIRE(e.peer_chain().size() == 1);
        CHECK(contains(e.peer_chain()[0].subject, "mx.example.net"));
        CHECK(contains(e.peer_chain()[0].issuer, "dane tests SMTP CA"));
        REQUIRE(e.peer_chain()[0].validity);
        CHECK(e.peer_chain()[0].validity->not_after == utc(2119, 12, 31, 23, 59, 59));

        CHECK(c.round_trip(e, "EHLO client.example.org\n") == "gro.elpmaxe.tneilc OLHE\n");
        // s_server -rev ends the connection on "CLOSE" with close_notify.
        CHECK(c.round_trip(e, "CLOSE\n").empty());
        CHECK(e.peer_closed());
        CHECK(!e.failed());
    } // s_server serves one connection at a time: this one ends here

    // With another TLSA base domain, the SNI names it, the server falls back to its
    // default certificate, and the record does not match that one.
    auto other = make_engine(smtp::tls_mode::dane_required, {dane_ee_311("mx-leaf.pem")},
                             "mail.example.org.", "example.org.");
    CHECK(other.sni() == "mail.example.org");
    connection c2(server.port());
    REQUIRE(c2.ok());
    c2.handshake(other);
    CHECK(other.failed());
    CHECK(!other.handshake_done());
    REQUIRE(other.peer_chain().size() == 1);
    CHECK(other.peer_chain()[0].validity->not_after == utc(2020, 12, 31, 23, 59, 59));
}

TEST_CASE("TLS engine: a DANE-EE mismatch aborts the handshake in dane_required mode") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = serve("mx-leaf.pem", "mx-leaf.key");
    REQUIRE(server.port() != 0);
    // The record names the other leaf's key.
    auto e = make_engine(smtp::tls_mode::dane_required, {dane_ee_311("expired-leaf.pem")});
    connection c(server.port());
    REQUIRE(c.ok());
    c.handshake(e);
    CHECK(e.failed());
    CHECK(!e.handshake_done());
    CHECK(!e.authenticated());
    REQUIRE(e.verification());
    CHECK(e.verification()->status == tlsa::outcome::failed);
    CHECK(e.verification()->reason == "tlsa-no-match");
    CHECK(e.session_result() == tlsa::rpt_result::validation_failure);
    CHECK(e.failure_reason() == "DANE: validation-failure (tlsa-no-match)");
    // The handshake never completed: nothing is sent, nothing was received.
    e.send_plaintext(bytes_view(reinterpret_cast<const std::byte*>("MAIL FROM:<a@b>\r\n"), 17));
    CHECK(e.take_outgoing().empty());
    CHECK(e.take_plaintext().empty());
    CHECK(e.failure_reason() == "DANE: validation-failure (tlsa-no-match)");
}

TEST_CASE("TLS engine: DANE-TA 2 0 1 with a private CA checks the names") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = serve("mx-leaf.pem", "mx-leaf.key");
    REQUIRE(server.port() != 0);

    SUBCASE("the TLSA base domain is the certificate's name: authenticated") {
        auto e = make_engine(smtp::tls_mode::dane_required, {dane_ta_201("ca.pem")});
        connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(e.authenticated());
        CHECK(e.verification()->depth == 1);
        REQUIRE(e.verification()->name);
        CHECK(e.verification()->name->reference == "mx.example.net");
        REQUIRE(e.peer_chain().size() == 2);
        CHECK(contains(e.peer_chain()[0].subject, "mx.example.net"));
        CHECK(contains(e.peer_chain()[1].subject, "dane tests SMTP CA"));
        CHECK(contains(e.peer_chain()[1].issuer, "dane tests SMTP CA"));
        CHECK(c.round_trip(e, "abc\n") == "cba\n");
        e.close();
        CHECK(!e.take_outgoing().empty()); // close_notify
        CHECK(!e.failed());
        CHECK(!e.peer_closed());
        // Nothing may be sent after close().
        e.send_plaintext(bytes_view(reinterpret_cast<const std::byte*>("QUIT\r\n"), 6));
        CHECK(e.failed());
        CHECK(e.take_outgoing().empty());
    }
    SUBCASE("the next-hop domain, the second reference identifier, is the name (§3.2.2)") {
        // The TLSA base domain is another name; the certificate names the next hop.
        auto e = make_engine(smtp::tls_mode::dane_required, {dane_ta_201("ca.pem")},
                             "mx1.example.org.", "mx.example.net.");
        connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(e.authenticated());
        CHECK(e.verification()->name->reference == "mx.example.net");
    }
    SUBCASE("no reference identifier is the certificate's name: certificate-host-mismatch") {
        auto e = make_engine(smtp::tls_mode::dane_required, {dane_ta_201("ca.pem")},
                             "mx.example.org.", "example.org.");
        connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        CHECK(e.failed());
        CHECK(!e.handshake_done());
        REQUIRE(e.verification());
        CHECK(e.verification()->failure == tlsa::rpt_result::certificate_host_mismatch);
        CHECK(e.session_result() == tlsa::rpt_result::certificate_host_mismatch);
        CHECK(contains(e.failure_reason(), "certificate-host-mismatch"));
    }
}

TEST_CASE("TLS engine: an expired leaf under DANE-TA is certificate-expired; DANE-EE ignores "
          "the dates") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = serve("expired-leaf.pem", "expired-leaf.key");
    REQUIRE(server.port() != 0);

    auto ta = make_engine(smtp::tls_mode::dane_required, {dane_ta_201("ca.pem")});
    connection c(server.port());
    REQUIRE(c.ok());
    c.handshake(ta);
    CHECK(ta.failed());
    CHECK(!ta.handshake_done());
    REQUIRE(ta.verification());
    CHECK(ta.verification()->failure == tlsa::rpt_result::certificate_expired);
    CHECK(ta.session_result() == tlsa::rpt_result::certificate_expired);
    CHECK(contains(ta.failure_reason(), "certificate-expired"));

    // The time is the caller's: in mid-2020 the same chain is valid.
    {
        smtp::botan_tls_engine then(smtp::tls_mode::dane_required, {dane_ta_201("ca.pem")},
                                    smtp_options("mx.example.net.", "example.net."),
                                    utc(2020, 6, 1, 0, 0, 0),
                                    std::make_shared<Botan::AutoSeeded_RNG>());
        connection c3(server.port());
        REQUIRE(c3.ok());
        c3.handshake(then);
        INFO("failure: ", then.failure_reason());
        CHECK(then.handshake_done());
        CHECK(then.authenticated());
        then.close();
    } // s_server serves one connection at a time: this one ends here

    // RFC 7671 §5.1: with DANE-EE(3) the certificate's dates do not count.
    auto ee = make_engine(smtp::tls_mode::dane_required, {dane_ee_311("expired-leaf.pem")});
    connection c2(server.port());
    REQUIRE(c2.ok());
    c2.handshake(ee);
    INFO("failure: ", ee.failure_reason());
    CHECK(ee.handshake_done());
    CHECK(ee.authenticated());
}

TEST_CASE("TLS engine: opportunistic mode accepts any certificate and records the result") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = serve("mx-leaf.pem", "mx-leaf.key");
    REQUIRE(server.port() != 0);

    SUBCASE("a TLSA mismatch is recorded, not enforced") {
        auto e = make_engine(smtp::tls_mode::opportunistic, {dane_ee_311("expired-leaf.pem")});
        connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(!e.failed());
        CHECK(!e.authenticated());
        REQUIRE(e.verification());
        CHECK(e.verification()->status == tlsa::outcome::failed);
        CHECK(e.verification()->reason == "tlsa-no-match");
        CHECK(e.session_result() == tlsa::rpt_result::validation_failure);
        CHECK(e.peer_chain().size() == 2);
        CHECK(c.round_trip(e, "hello\n") == "olleh\n");
    }
    SUBCASE("without records nothing is checked") {
        auto e = make_engine(smtp::tls_mode::opportunistic, {});
        connection c(server.port());
        REQUIRE(c.ok());
        c.handshake(e);
        INFO("failure: ", e.failure_reason());
        REQUIRE(e.handshake_done());
        CHECK(!e.verification());
        CHECK(!e.authenticated());
        CHECK(e.session_result() == tlsa::rpt_result::none);
        CHECK(e.peer_chain().size() == 2);
        CHECK(c.round_trip(e, "hello\n") == "olleh\n");
    }
}

TEST_CASE("TLS engine: no usable TLSA record: TLS without authentication (RFC 7672 §2.2)") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = serve("mx-leaf.pem", "mx-leaf.key");
    REQUIRE(server.port() != 0);
    // PKIX-EE(1) is unusable for SMTP (RFC 7672 §3.1.3), even where it would match.
    auto e = make_engine(
        smtp::tls_mode::dane_required,
        {tlsa_for("mx-leaf.pem", tlsa::cert_usage::pkix_ee, tlsa::selector_type::spki)});
    connection c(server.port());
    REQUIRE(c.ok());
    c.handshake(e);
    INFO("failure: ", e.failure_reason());
    REQUIRE(e.handshake_done());
    CHECK(!e.authenticated());
    REQUIRE(e.verification());
    CHECK(e.verification()->status == tlsa::outcome::unusable);
    CHECK(e.session_result() == tlsa::rpt_result::tlsa_invalid);
    CHECK(c.round_trip(e, "data\n") == "atad\n");
}

TEST_CASE("TLS engine: the engine moves with a handshake in progress") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    auto server = serve("mx-leaf.pem", "mx-leaf.key");
    REQUIRE(server.port() != 0);
    auto first = make_engine(smtp::tls_mode::dane_required, {dane_ee_311("mx-leaf.pem")});
    first.start();
    smtp::botan_tls_engine e = std::move(first);
    connection c(server.port());
    REQUIRE(c.ok());
    c.pump(e, [&] { return e.handshake_done(); });
    INFO("failure: ", e.failure_reason());
    CHECK(e.authenticated());
    CHECK(c.round_trip(e, "moved\n") == "devom\n");
}

TEST_CASE("TLS engine: a fatal alert from the server is a failure") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    // The server insists on a client certificate, which the engine does not have.
    openssl_server server({"-cert", fixture("mx-leaf.pem"), "-key", fixture("mx-leaf.key"),
                           "-Verify", "1", "-verify_return_error", "-CAfile", fixture("ca.pem")});
    REQUIRE(server.port() != 0);
    auto e = make_engine(smtp::tls_mode::opportunistic, {});
    connection c(server.port());
    REQUIRE(c.ok());
    c.handshake(e);
    // Botan 2 (TLS 1.2) sees the alert during the handshake; with TLS 1.3 the client has
    // finished before the server judges its (empty) certificate, and the alert arrives on
    // the next read.
    if (!e.failed()) c.round_trip(e, "x\n");
    CHECK(e.failed());
    CHECK(contains(e.failure_reason(), "fatal alert"));
}

TEST_CASE("TLS engine: nothing older than TLS 1.2") {
    REQUIRE_MESSAGE(have_openssl(), "openssl is needed (scripts/install-deps.sh)");
    // OpenSSL 3 speaks TLS 1.1 only at security level 0.
    openssl_server server({"-cert", fixture("mx-leaf.pem"), "-key", fixture("mx-leaf.key"),
                           "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"});
    REQUIRE(server.port() != 0);
    auto e = make_engine(smtp::tls_mode::opportunistic, {});
    connection c(server.port());
    REQUIRE(c.ok());
    c.handshake(e);
    CHECK(e.failed());
    CHECK(!e.handshake_done());
#if BOTAN_VERSION_MAJOR < 3
    // Botan 2 can speak TLS 1.1 when a policy allows it; the engine still refuses the
    // session before it is used.
    struct old_policy : Botan::TLS::Policy {
        bool allow_tls10() const override { return true; }
        bool allow_tls11() const override { return true; }
        // What TLS 1.1 needs: CBC with HMAC-SHA-1, and SHA-1 in the key exchange signature.
        std::vector<std::string> allowed_ciphers() const override { return {"AES-128"}; }
        std::vector<std::string> allowed_macs() const override { return {"SHA-1"}; }
        std::vector<std::string> allowed_signature_hashes() const override {
            return {"SHA-256", "SHA-1"};
        }
    };
    auto lax = make_engine(smtp::tls_mode::opportunistic, {}, "mx.example.net.", "example.net.",
                           std::make_shared<old_policy>());
    connection c2(server.port());
    REQUIRE(c2.ok());
    c2.handshake(lax);
    CHECK(lax.failed());
    CHECK(!lax.handshake_done());
    CHECK(lax.protocol_version() == "TLS v1.1");
    INFO("failure: ", lax.failure_reason());
    CHECK(contains(lax.failure_reason(), "TLS 1.2 or later is required"));
#endif
}

TEST_CASE("TLS engine: misuse and hostile bytes become failures, never exceptions") {
    SUBCASE("DANE required with no TLSA records: no ClientHello") {
        auto e = make_engine(smtp::tls_mode::dane_required, {});
        CHECK_NOTHROW(e.start());
        CHECK(e.failed());
        CHECK(e.take_outgoing().empty());
        CHECK(contains(e.failure_reason(), "no TLSA records"));
    }
    SUBCASE("bytes before start()") {
        auto e = make_engine(smtp::tls_mode::opportunistic, {});
        const std::array<std::byte, 3> junk{std::byte{0x16}, std::byte{3}, std::byte{3}};
        e.feed(junk);
        CHECK(e.failed());
        CHECK(contains(e.failure_reason(), "before start()"));
    }
    SUBCASE("plaintext before the handshake") {
        auto e = make_engine(smtp::tls_mode::opportunistic, {});
        e.start();
        auto hello = e.take_outgoing();
        CHECK(!hello.empty());
        CHECK(hello[0] == std::byte{0x16}); // a handshake record: the ClientHello
        e.send_plaintext(bytes_view(reinterpret_cast<const std::byte*>("QUIT\r\n"), 6));
        CHECK(e.failed());
        CHECK(e.take_outgoing().empty());
        CHECK(contains(e.failure_reason(), "before the handshake"));
    }
    SUBCASE("a server that answers the ClientHello in plain SMTP") {
        auto e = make_engine(smtp::tls_mode::opportunistic, {});
        e.start();
        (void)e.take_outgoing();
        const std::string reply = "220 mx.example.net ESMTP ready\r\n";
        CHECK_NOTHROW(
            e.feed(bytes_view(reinterpret_cast<const std::byte*>(reply.data()), reply.size())));
        CHECK(e.failed());
        CHECK(contains(e.failure_reason(), "TLS: "));
        CHECK(!e.handshake_done());
        CHECK(e.session_result() == tlsa::rpt_result::validation_failure);
        // Later input is ignored; the failure stays the first one.
        const std::string first = e.failure_reason();
        e.feed(bytes_view(reinterpret_cast<const std::byte*>(reply.data()), reply.size()));
        CHECK(e.failure_reason() == first);
    }
    SUBCASE("random records") {
        Botan::AutoSeeded_RNG rng;
        for (int i = 0; i < 50; ++i) {
            auto e = make_engine(smtp::tls_mode::dane_required, {dane_ee_311("mx-leaf.pem")});
            e.start();
            std::vector<std::uint8_t> junk(1 + i * 37);
            rng.randomize(junk.data(), junk.size());
            // A plausible record header, so that the body is parsed.
            junk[0] = 0x16;
            if (junk.size() > 2) junk[1] = 3, junk[2] = 3;
            CHECK_NOTHROW(
                e.feed(bytes_view(reinterpret_cast<const std::byte*>(junk.data()), junk.size())));
            CHECK(!e.handshake_done());
            CHECK(!e.authenticated());
        }
    }
}
