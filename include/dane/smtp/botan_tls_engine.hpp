// The TLS engine of the SMTP client: a Botan TLS::Client driven purely by bytes (sans-I/O),
// with the DANE verification of RFC 7672 done by tlsa::dane_tls_verifier inside Botan's
// certificate callback (dane/tlsa/botan_tls.hpp).
//
//     smtp::botan_tls_engine tls(smtp::tls_mode::dane_required, tlsa_rrset, opt, now, rng);
//     tls.start();                                      // the ClientHello
//     loop: send(tls.take_outgoing()); tls.feed(received_ciphertext);
//           until tls.handshake_done() or tls.failed()
//     tls.send_plaintext("EHLO ..."); ... tls.take_plaintext(); ... tls.close();
//     tls.verification()->authenticated(), tls.peer_chain(), tls.cipher_suite()
//
// The engine owns no socket and reads no clock: the caller moves the ciphertext, and gives
// the time that certificates are checked at. No exception leaves it: whatever Botan
// throws (a bad record, an alert, DANE refusing the chain) becomes failed() with
// failure_reason(). After a failure, take_outgoing() may still hold the alert Botan sent;
// the caller should write it before closing the connection.
//
// The server name indication is the TLSA base domain, the first reference identifier
// (RFC 7672 §8.1). The remaining reference identifiers are for DANE-TA(2) name checks: the
// next-hop domain and its expansion where the MX lookup was secure (RFC 7672 §3.2.2;
// tlsa::smtp_reference_ids builds the list).
#pragma once

#include <botan/build.h>

#include <botan/credentials_manager.h>
#include <botan/rng.h>
#include <botan/tls_alert.h>
#include <botan/tls_callbacks.h>
#include <botan/tls_ciphersuite.h>
#include <botan/tls_client.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_policy.h>
#include <botan/tls_session.h>
#include <botan/tls_version.h>
#include <botan/x509cert.h>
#if BOTAN_VERSION_MAJOR >= 3
#include <botan/tls_session_manager_noop.h>
#else
#include <botan/tls_session_manager.h>
#endif

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/botan_x509.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/tlsa/botan_tls.hpp"
#include "dane/tlsa/record.hpp"
#include "dane/tlsa/verify.hpp"

namespace dane::smtp {

// What the certificate check decides.
enum class tls_mode {
    // DANE decides: the handshake is aborted unless tlsa::dane_tls_verifier accepts the chain
    // (a usable record authenticates it, or the RRset has no usable record, where RFC 7672
    // §2.2 wants TLS without authentication). Needs the TLSA RRset; with no records at all
    // start() fails, since nothing could authenticate the server.
    dane_required,
    // Opportunistic TLS (RFC 7672 §2.2: insecure or no TLSA records): any certificate is
    // accepted. When records are given anyway, they are checked and the result recorded,
    // never enforced.
    opportunistic,
};

inline std::string_view to_string(tls_mode m) noexcept {
    return m == tls_mode::dane_required ? "dane-required" : "opportunistic";
}

// Botan's default TLS policy with nothing older than TLS 1.2. Botan 3 has no older
// versions; Botan 2 would offer TLS 1.0 and 1.1.
class tls12_policy : public Botan::TLS::Policy {
public:
#if BOTAN_VERSION_MAJOR < 3
    bool allow_tls10() const override {
        return false;
    }
    bool allow_tls11() const override {
        return false;
    }
#endif
};

namespace detail {

// Everything the engine learns, written by the Botan callbacks.
struct tls_engine_state {
    tls_engine_state(tls_mode m, std::vector<tlsa::record> records, tlsa::verify_options opt)
        : mode(m), verifier(std::move(records), std::move(opt)) {}

    tls_mode mode;
    tlsa::dane_tls_verifier verifier;
    byte_buffer outgoing, plaintext;
    std::vector<crypto::cert_summary> peer_chain;
    std::string version, cipher_suite;
    std::uint16_t cipher_suite_code = 0;
    bool started = false, activated = false, closed = false, peer_closed = false;
    bool failed = false;
    std::string failure;

    void fail(std::string why) {
        if (failed) return; // the first cause is the one that counts
        failed = true;
        failure = std::move(why);
    }

    // What an exception out of Botan means: DANE refusing the chain (dane_callbacks throws
    // to abort the handshake), or anything else Botan found wrong.
    std::string why(const char* what) const {
        const auto& v = verifier.result();
        if (mode == tls_mode::dane_required && v && !verifier.accepts())
            return "DANE: " + std::string(tlsa::to_string(v->failure)) + " (" + v->reason + ")";
        return std::string("TLS: ") + what;
    }

    void append(byte_buffer& to, const std::uint8_t* p, std::size_t n) {
        const auto* b = reinterpret_cast<const std::byte*>(p);
        to.insert(to.end(), b, b + n);
    }

    // The chain as the server sent it, summarised (at most the verifier's chain limit).
    // Returns whether DANE gets to refuse it.
    bool on_chain(const std::vector<Botan::X509_Certificate>& chain) {
        peer_chain.clear();
        const crypto::botan_x509 x509;
        const auto limit = verifier.options().limits.max_chain;
        for (std::size_t i = 0; i < chain.size() && i < limit; ++i) {
            auto der = chain[i].BER_encode();
            auto c = x509.parse_certificate(
                bytes_view(reinterpret_cast<const std::byte*>(der.data()), der.size()));
            if (c) peer_chain.push_back(x509.summary(*c));
        }
        if (mode == tls_mode::dane_required) return true;
        if (!verifier.records().empty()) verifier.verify_chain(chain); // recorded only
        return false;
    }

    // The final veto before the session is used: nothing below TLS 1.2, whatever the
    // policy allowed.
    void on_established(const Botan::TLS::Protocol_Version& v, const Botan::TLS::Ciphersuite& cs,
                        std::uint16_t code) {
        version = v.to_string();
        cipher_suite = cs.to_string();
        cipher_suite_code = code;
        if (v.is_datagram_protocol() || v.major_version() != 3 || v.minor_version() < 3)
            throw Botan::TLS::TLS_Exception(
#if BOTAN_VERSION_MAJOR >= 3
                Botan::TLS::AlertType::ProtocolVersion,
#else
                Botan::TLS::Alert::PROTOCOL_VERSION,
#endif
                "refusing " + version + ": TLS 1.2 or later is required");
    }

    void on_alert(const Botan::TLS::Alert& a) {
#if BOTAN_VERSION_MAJOR >= 3
        const bool close_notify = a.type() == Botan::TLS::AlertType::CloseNotify;
#else
        const bool close_notify = a.type() == Botan::TLS::Alert::CLOSE_NOTIFY;
#endif
        if (close_notify) {
            peer_closed = true;
            if (!activated) fail("the server closed the connection during the handshake");
        } else if (a.is_fatal()) {
            fail("the server sent a fatal alert: " + a.type_string());
        }
    }
};

// The Botan callbacks: bytes in and out of the state, and DANE through dane_callbacks.
class tls_engine_callbacks final : public tlsa::dane_callbacks {
public:
    explicit tls_engine_callbacks(tls_engine_state& s) : dane_callbacks(s.verifier), s_(&s) {}

#if BOTAN_VERSION_MAJOR >= 3
    void tls_emit_data(std::span<const std::uint8_t> d) override {
        s_->append(s_->outgoing, d.data(), d.size());
    }
    void tls_record_received(std::uint64_t, std::span<const std::uint8_t> d) override {
        s_->append(s_->plaintext, d.data(), d.size());
    }
    void tls_session_established(const Botan::TLS::Session_Summary& session) override {
        s_->on_established(session.version(), session.ciphersuite(), session.ciphersuite_code());
    }
    void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                               const std::vector<std::optional<Botan::OCSP::Response>>& ocsp,
                               const std::vector<Botan::Certificate_Store*>& trusted,
                               Botan::Usage_Type usage, std::string_view hostname,
                               const Botan::TLS::Policy& policy) override {
        if (s_->on_chain(chain))
            dane_callbacks::tls_verify_cert_chain(chain, ocsp, trusted, usage, hostname, policy);
    }
#else
    void tls_emit_data(const std::uint8_t d[], std::size_t n) override {
        s_->append(s_->outgoing, d, n);
    }
    void tls_record_received(std::uint64_t, const std::uint8_t d[], std::size_t n) override {
        s_->append(s_->plaintext, d, n);
    }
    bool tls_session_established(const Botan::TLS::Session& session) override {
        s_->on_established(session.version(), session.ciphersuite(), session.ciphersuite_code());
        return false; // no session cache: nothing to keep
    }
    void
    tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                          const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& ocsp,
                          const std::vector<Botan::Certificate_Store*>& trusted,
                          Botan::Usage_Type usage, const std::string& hostname,
                          const Botan::TLS::Policy& policy) override {
        if (s_->on_chain(chain))
            dane_callbacks::tls_verify_cert_chain(chain, ocsp, trusted, usage, hostname, policy);
    }
#endif
    void tls_alert(Botan::TLS::Alert a) override {
        s_->on_alert(a);
    }
    void tls_session_activated() override {
        s_->activated = true;
    }

private:
    tls_engine_state* s_;
};

} // namespace detail

class botan_tls_engine {
public:
    // `mode`: see tls_mode. `tlsa_records`: the secure TLSA RRset of the TLSA base domain,
    // empty when there is none (opportunistic TLS). `options`: profile::smtp, and the
    // reference identifiers with the TLSA base domain first (it is also the SNI, RFC 7672
    // §8.1). `now`: the time certificates are checked at (DANE-TA(2) paths). `rng`: for
    // the handshake; required. `policy`: null for tls12_policy. `port`: the server's port,
    // part of Botan's server information.
    botan_tls_engine(tls_mode mode, std::vector<tlsa::record> tlsa_records,
                     tlsa::verify_options options, std::chrono::sys_seconds now,
                     std::shared_ptr<Botan::RandomNumberGenerator> rng,
                     std::shared_ptr<const Botan::TLS::Policy> policy = nullptr,
                     std::uint16_t port = 25)
        : p_(std::make_unique<parts>(mode, std::move(tlsa_records), std::move(options))) {
        p_->state.verifier.set_time(now);
        p_->rng = std::move(rng);
        p_->policy = policy ? std::move(policy) : std::make_shared<tls12_policy>();
        p_->port = port;
    }

    botan_tls_engine(botan_tls_engine&&) noexcept = default;
    botan_tls_engine& operator=(botan_tls_engine&&) noexcept = default;
    botan_tls_engine(const botan_tls_engine&) = delete;
    botan_tls_engine& operator=(const botan_tls_engine&) = delete;
    ~botan_tls_engine() = default;

    // Creates the client, which writes its ClientHello to the outgoing bytes. Once only.
    void start() noexcept {
        if (!p_ || p_->state.started) return;
        auto& s = p_->state;
        s.started = true;
        if (s.mode == tls_mode::dane_required && s.verifier.records().empty())
            return s.fail("DANE is required and there are no TLSA records to verify with");
        if (!p_->rng) return s.fail("no random number generator");
        guard([&] {
            auto info = tlsa::server_information(s.verifier, p_->port);
#if BOTAN_VERSION_MAJOR >= 3
            p_->client = std::make_unique<Botan::TLS::Client>(
                p_->callbacks, p_->sessions, p_->credentials, p_->policy, p_->rng, info);
#else
            p_->client = std::make_unique<Botan::TLS::Client>(
                *p_->callbacks, *p_->sessions, *p_->credentials, *p_->policy, *p_->rng, info);
#endif
        });
    }

    // Ciphertext received from the server. Ignored once the engine has failed; before
    // start() it is a failure.
    void feed(bytes_view ciphertext) noexcept {
        if (!usable("data received before start()")) return;
        guard([&] {
            p_->client->received_data(reinterpret_cast<const std::uint8_t*>(ciphertext.data()),
                                      ciphertext.size());
        });
    }

    // Ciphertext to send to the server, handed over once.
    byte_buffer take_outgoing() noexcept {
        return p_ ? std::exchange(p_->state.outgoing, {}) : byte_buffer{};
    }

    // Plaintext the server sent, handed over once. It holds what the fed ciphertext
    // decrypted to, so the caller bounds it by how much it feeds before taking.
    byte_buffer take_plaintext() noexcept {
        return p_ ? std::exchange(p_->state.plaintext, {}) : byte_buffer{};
    }

    // Plaintext for the server. Only after the handshake; before it, or after close(), it is
    // a failure (nothing is sent unprotected or unauthenticated).
    void send_plaintext(bytes_view data) noexcept {
        if (!usable("data to send before start()")) return;
        auto& s = p_->state;
        if (!s.activated) return s.fail("data to send before the handshake completed");
        if (s.closed) return s.fail("data to send after close()");
        guard([&] {
            p_->client->send(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        });
    }

    // Sends close_notify. Nothing may be sent afterwards.
    void close() noexcept {
        if (!p_ || !p_->client || p_->state.closed) return;
        p_->state.closed = true;
        guard([&] { p_->client->close(); });
    }

    // The handshake completed (the server's Finished verified, DANE satisfied in
    // dane_required mode) and nothing has failed since.
    bool handshake_done() const noexcept {
        return p_ && p_->state.activated && !p_->state.failed;
    }

    bool failed() const noexcept {
        return !p_ || p_->state.failed;
    }

    // Why it failed, in words; empty when it did not.
    const std::string& failure_reason() const noexcept {
        static const std::string moved_from = "the engine was moved from";
        return p_ ? p_->state.failure : moved_from;
    }

    // The server closed its side (close_notify).
    bool peer_closed() const noexcept {
        return p_ && p_->state.peer_closed;
    }

    tls_mode mode() const noexcept {
        return p_ ? p_->state.mode : tls_mode::dane_required;
    }

    // The DANE verification of the server's chain: authenticated, failed (with its RFC 8460
    // result type and reason), or unusable. Empty when no check ran: before the server's
    // certificate arrived, or in opportunistic mode without records.
    const std::optional<tlsa::verification>& verification() const noexcept {
        static const std::optional<tlsa::verification> none;
        return p_ ? p_->state.verifier.result() : none;
    }

    bool authenticated() const noexcept {
        const auto& v = verification();
        return handshake_done() && v && v->authenticated();
    }

    // The RFC 8460 §4.3 result type of this session: when the check did not authenticate,
    // the verifier's (a mismatch is validation-failure; tlsa-invalid when no record was
    // usable; in opportunistic mode too, where it was only recorded),
    // validation-failure for any other TLS failure, else none.
    tlsa::rpt_result session_result() const noexcept {
        const auto& v = verification();
        if (v && !v->authenticated()) return v->failure;
        if (failed()) return tlsa::rpt_result::validation_failure;
        return tlsa::rpt_result::none;
    }

    // The server's certificates as it sent them, leaf first: subject, issuer, validity.
    std::span<const crypto::cert_summary> peer_chain() const noexcept {
        if (!p_) return {};
        return p_->state.peer_chain;
    }

    // Botan's names for the negotiated version ("TLS v1.2") and cipher suite, and the
    // suite's IANA code; empty (0) before the handshake completed.
    const std::string& protocol_version() const noexcept {
        static const std::string none;
        return p_ ? p_->state.version : none;
    }
    const std::string& cipher_suite() const noexcept {
        static const std::string none;
        return p_ ? p_->state.cipher_suite : none;
    }
    std::uint16_t cipher_suite_code() const noexcept {
        return p_ ? p_->state.cipher_suite_code : 0;
    }

    // The name sent as SNI: the TLSA base domain without the trailing dot.
    std::string sni() const {
        return p_ ? p_->state.verifier.sni_name() : std::string();
    }

private:
    // Everything Botan's client refers to, at stable addresses, so that the engine can move.
    struct parts {
        parts(tls_mode m, std::vector<tlsa::record> records, tlsa::verify_options opt)
            : state(m, std::move(records), std::move(opt)) {}
        detail::tls_engine_state state;
        std::shared_ptr<detail::tls_engine_callbacks> callbacks =
            std::make_shared<detail::tls_engine_callbacks>(state);
        // No resumption: every connection is verified in full.
        std::shared_ptr<Botan::TLS::Session_Manager> sessions =
            std::make_shared<Botan::TLS::Session_Manager_Noop>();
        // No client certificate; the server is judged by DANE, not by a CA store.
        std::shared_ptr<Botan::Credentials_Manager> credentials =
            std::make_shared<Botan::Credentials_Manager>();
        std::shared_ptr<const Botan::TLS::Policy> policy;
        std::shared_ptr<Botan::RandomNumberGenerator> rng;
        std::uint16_t port = 25;
        // Last: destroyed first, while what it refers to is still there.
        std::unique_ptr<Botan::TLS::Client> client;
    };

    // The engine can take bytes: started, not failed. Records why not.
    bool usable(const char* before_start) {
        if (!p_ || p_->state.failed) return false;
        if (!p_->state.started || !p_->client) {
            p_->state.fail(before_start);
            return false;
        }
        return true;
    }

    // Runs a call into Botan; whatever it throws becomes the failure.
    template <class F>
    void guard(F&& f) noexcept {
        try {
            f();
        } catch (const std::exception& e) {
            p_->state.fail(p_->state.why(e.what()));
        } catch (...) {
            p_->state.fail(p_->state.why("unknown error"));
        }
    }

    std::unique_ptr<parts> p_;
};

} // namespace dane::smtp
