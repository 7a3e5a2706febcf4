// deliver_asio [--resolver ADDR] [--trust-anchor FILE] FROM TO MESSAGE-FILE: what
// deliver_blocking does (one message to TO's domain with DANE, RFC 7672), with everything on
// one asio::io_context and one thread: the delivery plan's DNS lookups (asio_glue.hpp), the
// TCP connects under a timer, and the sans-I/O SMTP client, whose deadline() (RFC 5321
// §4.5.3.2) arms a steady_timer. Same command line, output and exit code as deliver_blocking.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "asio_glue.hpp"
#include "dane/smtp/delivery_plan.hpp"
#include "dane/smtp/session.hpp"

using namespace dane;
using asio_glue::now, asio_glue::steady;
using stub = resolver::stub_resolver<crypto::botan_backend>;

// One delivery: step() asks the plan what next and starts it; each completion feeds the plan
// (or the client) and calls step() again, until the plan is finished.
class delivery {
public:
    delivery(asio::io_context& io, stub& resolver, asio::ip::udp::endpoint upstream,
             const dns::name& domain, smtp::client_config mail)
        : io_(io), resolver_(resolver), upstream_(upstream), plan_(domain), mail_(std::move(mail)),
          socket_(io), timer_(io) {}

    void step() {
        auto action = plan_.next_action();
        if (auto* q = std::get_if<smtp::need_lookup>(&action)) {
            auto done = [this, q = *q, i = lookups_.size()] {
                plan_.fed(q.name, q.type, lookups_[i]->result());
                step();
            };
            lookups_.push_back(std::make_unique<asio_glue::lookup>(
                io_, upstream_, resolver_.start(q->name, q->type, now()), done));
            return lookups_.back()->begin();
        }
        if (auto* c = std::get_if<smtp::connect>(&action)) {
            target_ = *c;
            report_ = {};
            report_.status = smtp::session_status::unreachable; // until a connect succeeds
            report_.detail = "no address";
            return connect(0);
        }
    }
    const smtp::delivery_plan& plan() const { return plan_; }

private:
    // Each address in turn, 30 s each; the next one when a connect fails or times out.
    void connect(std::size_t i) {
        if (i == target_.addresses.size()) return end_session();
        const auto& a = target_.addresses[i];
        asio::ip::address_v4::bytes_type v4;
        std::copy_n(a.octets.begin(), v4.size(), v4.begin());
        const asio::ip::tcp::endpoint to(a.v6 ? asio::ip::address(asio::ip::address_v6(a.octets))
                                              : asio::ip::address(asio::ip::address_v4(v4)),
                                         25);
        arm(steady::now() + std::chrono::seconds(30));
        socket_.async_connect(to, [this, i, to](std::error_code ec) {
            if (!ec) return start_session();
            const bool late = ec == asio::error::operation_aborted; // the timer's cancel
            report_.detail = to.address().to_string() + ": " + (late ? "timed out" : ec.message());
            socket_.close();
            connect(i + 1);
        });
    }

    void start_session() {
        engine_.emplace(smtp::make_tls_engine(target_.tls, now().wall, rng_));
        client_.emplace(smtp::session_config(target_, mail_), *engine_, steady::now());
        pump();
    }

    // Hands the client's bytes to the socket and the socket's bytes to the client. One
    // operation is outstanding at a time, under the client's deadline: when the timer fires it
    // cancels the operation, whose handler then tells the client (on_timer ignores a deadline
    // that has not passed).
    void pump() {
        auto action = client_->next_action();
        auto after = [this](std::error_code ec) {
            if (ec == asio::error::operation_aborted) client_->on_timer(steady::now());
            if (ec && ec != asio::error::operation_aborted) client_->feed_eof(steady::now());
            pump();
        };
        if (auto* out = std::get_if<smtp::send_bytes>(&action)) {
            // deadline() is none for the TLS close_notify sent once the session is over.
            arm(client_->deadline().value_or(steady::now() + std::chrono::seconds(5)));
            auto bytes = std::make_shared<byte_buffer>(std::move(out->bytes));
            return asio::async_write(socket_, asio::buffer(*bytes),
                                     [this, bytes, after](std::error_code ec, std::size_t) {
                                         if (!ec) client_->on_sent(steady::now());
                                         after(ec);
                                     });
        }
        if (std::holds_alternative<smtp::need_data>(action)) {
            arm(*client_->deadline());
            return socket_.async_read_some(
                asio::buffer(buffer_), [this, after](std::error_code ec, std::size_t n) {
                    if (!ec) client_->feed(bytes_view(buffer_.data(), n), steady::now());
                    after(ec);
                });
        }
        smtp::outcome outcome; // done{} or failed{}: hold_open is off, so never ready{}
        if (auto* d = std::get_if<smtp::done>(&action)) outcome = std::move(d->outcome);
        if (auto* f = std::get_if<smtp::failed>(&action)) outcome = std::move(f->outcome);
        report_ = smtp::report_session(outcome, engine_->verification());
        end_session();
    }

    void end_session() {
        socket_.close();
        timer_.cancel();
        plan_.report(report_);
        step();
    }

    // The one timer of the session: at `deadline` it cancels the socket's operation. A wait
    // that completed just before it was re-armed finds the new expiry not yet passed.
    void arm(steady::time_point deadline) {
        timer_.expires_at(deadline);
        timer_.async_wait([this](std::error_code ec) {
            if (!ec && steady::now() >= timer_.expiry()) socket_.cancel(ec);
        });
    }

    asio::io_context& io_;
    stub& resolver_;
    asio::ip::udp::endpoint upstream_;
    smtp::delivery_plan plan_;
    smtp::client_config mail_;
    std::vector<std::unique_ptr<asio_glue::lookup>> lookups_; // alive until io.run() returns
    smtp::connect target_;
    smtp::session_report report_;
    asio::ip::tcp::socket socket_;
    asio::steady_timer timer_;
    std::shared_ptr<Botan::RandomNumberGenerator> rng_ = std::make_shared<Botan::AutoSeeded_RNG>();
    std::optional<smtp::botan_tls_engine> engine_;
    std::optional<smtp::client<smtp::botan_tls_engine>> client_;
    std::array<std::byte, 16 * 1024> buffer_{};
};

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::optional<std::string> upstream_text;
    auto anchors = dnssec::iana_root_anchors();
    while (args.size() > 3 && args[0].starts_with("--")) {
        if (args[0] == "--resolver") upstream_text = args[1];
        if (args[0] == "--trust-anchor") {
            std::stringstream text;
            text << std::ifstream(args[1]).rdbuf();
            auto loaded = dnssec::load_trust_anchors(text.str());
            if (!loaded) return std::cerr << args[1] << ": " << loaded.error().message() << "\n", 2;
            anchors = std::move(*loaded);
        }
        args.erase(args.begin(), args.begin() + 2);
    }
    const auto upstream = asio_glue::upstream_endpoint(upstream_text);
    const auto at = args.size() == 3 ? args[1].rfind('@') : std::string::npos;
    const dns::name root;
    std::optional<dns::name> domain;
    if (at != std::string::npos)
        if (auto parsed = dns::name::parse(args[1].substr(at + 1), &root)) domain = *parsed;
    if (!domain || !upstream)
        return std::cerr << "usage: deliver_asio [--resolver ADDR] [--trust-anchor FILE] "
                            "FROM TO MESSAGE-FILE\n",
               2;

    smtp::client_config mail;
    mail.ehlo_name = "localhost";
    mail.envelope = {args[0], {args[1]}};
    std::stringstream text;
    text << std::ifstream(args[2], std::ios::binary).rdbuf();
    mail.message = text.str();

    const crypto::botan_backend backend;
    std::random_device random; // unpredictable query IDs (RFC 5452 §9.2)
    stub resolver(backend, std::move(anchors), [&] { return std::uint16_t(random()); });
    asio::io_context io;
    delivery d(io, resolver, *upstream, *domain, std::move(mail));
    try {
        d.step();
        io.run();
    } catch (const std::system_error& e) {
        return std::cerr << "deliver_asio: " << e.what() << "\n", 1;
    }

    for (const auto& host : d.plan().attempts()) {
        std::cout << host.log_name << ": "
                  << (host.tls ? smtp::to_string(*host.tls) : std::string_view("not tried"))
                  << ", TLS-RPT " << (host.result ? tlsrpt::to_string(*host.result) : "none");
        std::cout << (host.detail.empty() ? "" : " (" + host.detail + ")") << "\n";
    }
    const auto final = d.plan().next_action();
    if (auto* x = std::get_if<smtp::delivered>(&final))
        std::cout << "delivered to " << x->log_name << "\n";
    if (auto* x = std::get_if<smtp::delay>(&final)) std::cout << "delayed: " << x->reason << "\n";
    if (auto* x = std::get_if<smtp::bounce>(&final)) std::cout << "bounced: " << x->reason << "\n";
    return std::holds_alternative<smtp::delivered>(final) ? 0 : 1;
}
