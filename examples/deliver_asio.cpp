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
#include "delivery_args.hpp"

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
    auto request = delivery_args::read("deliver_asio", argc, argv);
    if (!request) return 2;
    const auto upstream = asio_glue::to_asio(request->upstream);
    if (!upstream) return std::cerr << "deliver_asio: unusable upstream address\n", 2;

    const crypto::botan_backend backend;
    std::random_device random; // unpredictable query IDs (RFC 5452 §9.2)
    stub resolver(backend, std::move(request->anchors), [&] { return std::uint16_t(random()); });
    asio::io_context io;
    delivery d(io, resolver, *upstream, request->domain, std::move(request->mail));
    try {
        d.step();
        io.run();
    } catch (const std::system_error& e) {
        return std::cerr << "deliver_asio: " << e.what() << "\n", 1;
    }
    return delivery_args::report(d.plan().attempts(), d.plan().next_action());
}
