// DANE in a Botan TLS client: a TLS::Callbacks whose tls_verify_cert_chain applies
// tlsa::verify with the caller's records, profile and reference identifiers, and the
// Server_Information that puts the TLSA base domain in SNI (RFC 7672 §8.1, RFC 7671 §10.2).
//
//     tlsa::dane_tls_verifier dane(records, opt);      // opt.reference_ids[0] = base domain
//     dane.set_time(now);                              // before the handshake
//     struct my_callbacks : tlsa::dane_callbacks {     // + tls_emit_data etc.
//         using dane_callbacks::dane_callbacks; ...
//     } cb(dane);
//     Botan::TLS::Client client(cb, ..., tlsa::server_information(dane, 25));
//     ...
//     dane.result()->authenticated()
//
// Botan expects tls_verify_cert_chain to throw to abort the handshake. dane_callbacks does
// exactly that, with a TLS_Exception carrying the alert to send; Botan turns it into the
// alert and the caller sees it where it drives the channel. Everything else here is
// exception-free: verification errors are values (dane_tls_verifier::result()).
#pragma once

#include <botan/build.h>

#include <botan/ocsp.h>
#include <botan/tls_callbacks.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_server_info.h>
#include <botan/x509cert.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <string_view>

#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/record.hpp"
#include "dane/tlsa/verify.hpp"

namespace dane::tlsa {

// Holds what DANE needs during one handshake and what it found. It lives as long as the
// TLS client, so it keeps nothing that points into the caller's memory: the bytes of
// opt.trust_anchors are copied at construction, and the copy is what it verifies with.
class dane_tls_verifier {
public:
    // `records`: the secure TLSA RRset of the TLSA base domain (empty when it had no
    // records); `opt.reference_ids` must start with the TLSA base domain. The buffers
    // opt.trust_anchors views need only last for this call.
    dane_tls_verifier(std::vector<record> records, verify_options opt,
                      crypto::botan_x509 x509 = crypto::botan_x509{})
        : records_(std::move(records)), opt_(std::move(opt)), x509_(std::move(x509)) {
        anchors_.reserve(opt_.trust_anchors.size());
        for (auto a : opt_.trust_anchors)
            anchors_.emplace_back(a.begin(), a.end());
        bind_anchors();
    }
    // Copies view their own copy of the anchors; moves keep the buffers, so the views stay
    // valid.
    dane_tls_verifier(const dane_tls_verifier& o)
        : records_(o.records_), opt_(o.opt_), anchors_(o.anchors_), x509_(o.x509_),
          result_(o.result_) {
        bind_anchors();
    }
    dane_tls_verifier& operator=(const dane_tls_verifier& o) {
        if (this != &o) {
            records_ = o.records_;
            opt_ = o.opt_;
            anchors_ = o.anchors_;
            x509_ = o.x509_;
            result_ = o.result_;
            bind_anchors();
        }
        return *this;
    }
    dane_tls_verifier(dane_tls_verifier&&) noexcept = default;
    dane_tls_verifier& operator=(dane_tls_verifier&&) noexcept = default;
    ~dane_tls_verifier() = default;

    // Replaces the PKIX trust anchors (DER certificates) with these, owned here.
    void set_trust_anchors(std::vector<byte_buffer> anchors) {
        anchors_ = std::move(anchors);
        bind_anchors();
    }
    const std::vector<byte_buffer>& trust_anchors() const noexcept { return anchors_; }

    // The validation time; the verifier reads no clock.
    void set_time(std::chrono::sys_seconds now) { opt_.now = now; }

    // The TLSA base domain as SNI wants it: no trailing dot. Empty if none was given.
    std::string sni_name() const {
        if (opt_.reference_ids.empty()) return {};
        return detail::reference_text(opt_.reference_ids.front());
    }

    // Runs DANE on the chain Botan received. Never throws.
    const verification& verify_chain(const std::vector<Botan::X509_Certificate>& chain) noexcept {
        try {
            std::vector<byte_buffer> der;
            der.reserve(chain.size());
            for (const auto& c : chain) {
                auto enc = c.BER_encode();
                const auto* p = reinterpret_cast<const std::byte*>(enc.data());
                der.emplace_back(p, p + enc.size());
            }
            result_ = verify(x509_, records_, der, opt_);
        } catch (...) {
            verification v;
            v.status = outcome::failed;
            v.failure = rpt_result::validation_failure;
            v.reason = "internal-error";
            result_ = std::move(v);
        }
        return *result_;
    }

    // Whether the handshake may go on: authenticated, or (SMTP) no usable records, where
    // RFC 7672 §2.2 wants TLS without authentication.
    bool accepts() const noexcept {
        if (!result_) return false;
        return result_->authenticated() ||
               (result_->status == outcome::unusable && opt_.mode == profile::smtp);
    }

    const std::optional<verification>& result() const noexcept { return result_; }
    const std::vector<record>& records() const noexcept { return records_; }
    const verify_options& options() const noexcept { return opt_; }

private:
    // opt_.trust_anchors views anchors_, and nothing else.
    void bind_anchors() { opt_.trust_anchors.assign(anchors_.begin(), anchors_.end()); }

    std::vector<record> records_;
    verify_options opt_;
    std::vector<byte_buffer> anchors_;
    crypto::botan_x509 x509_;
    std::optional<verification> result_;
};

// The Server_Information for TLS::Client: SNI is the TLSA base domain.
inline Botan::TLS::Server_Information server_information(const dane_tls_verifier& v,
                                                         std::uint16_t port) {
    return Botan::TLS::Server_Information(v.sni_name(), port);
}

// TLS::Callbacks with DANE verification. Derive from it and implement the I/O callbacks
// (tls_emit_data, tls_record_received, tls_alert, and on Botan 2 tls_session_established).
class dane_callbacks : public Botan::TLS::Callbacks {
public:
    explicit dane_callbacks(dane_tls_verifier& v) : verifier_(&v) {}

#if BOTAN_VERSION_MAJOR >= 3
    void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                               const std::vector<std::optional<Botan::OCSP::Response>>& ocsp,
                               const std::vector<Botan::Certificate_Store*>& trusted,
                               Botan::Usage_Type usage, std::string_view hostname,
                               const Botan::TLS::Policy& policy) override {
        decide(chain, [&] {
            Botan::TLS::Callbacks::tls_verify_cert_chain(chain, ocsp, trusted, usage, hostname,
                                                         policy);
        });
    }
#else
    void
    tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                          const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& ocsp,
                          const std::vector<Botan::Certificate_Store*>& trusted,
                          Botan::Usage_Type usage, const std::string& hostname,
                          const Botan::TLS::Policy& policy) override {
        decide(chain, [&] {
            Botan::TLS::Callbacks::tls_verify_cert_chain(chain, ocsp, trusted, usage, hostname,
                                                         policy);
        });
    }
#endif

    dane_tls_verifier& verifier() noexcept {
        return *verifier_;
    }

private:
    template <class Pkix>
    void decide(const std::vector<Botan::X509_Certificate>& chain, Pkix&& pkix) {
        const auto& v = verifier_->verify_chain(chain);
        if (verifier_->accepts()) return;
        // RFC 6698 §4.1: with no usable records the generic profile falls back to the
        // application's usual PKIX rules, which is what Botan's default does.
        if (v.status == outcome::unusable && verifier_->options().mode == profile::generic)
            return pkix();
        std::string what = "DANE: " + std::string(to_string(v.failure)) + " (" + v.reason + ")";
#if BOTAN_VERSION_MAJOR >= 3
        auto alert = v.failure == rpt_result::certificate_expired
                         ? Botan::TLS::AlertType::CertificateExpired
                         : Botan::TLS::AlertType::BadCertificate;
#else
        auto alert = v.failure == rpt_result::certificate_expired
                         ? Botan::TLS::Alert::CERTIFICATE_EXPIRED
                         : Botan::TLS::Alert::BAD_CERTIFICATE;
#endif
        throw Botan::TLS::TLS_Exception(alert, what);
    }

    dane_tls_verifier* verifier_;
};

} // namespace dane::tlsa
