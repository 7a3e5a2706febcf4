// SMTP delivery against a real MTA (the mail cases of scripts/testbed/: Postfix on loopback),
// through the library's blocking transport (dane/io). benchmarks/smtp_throughput.py brings the
// bed up, runs this program interleaved with swaks and smtp-source, and takes the medians.
//
//   bench_smtp --resolver ADDR --trust-anchor FILE throughput dane|plain DOMAIN N
//       One connection to DOMAIN's first MX host, N messages submitted one after another
//       (hold_open), then QUIT. `dane`: the TLS policy the delivery plan found (it must be
//       authenticated TLS, RFC 7672 §2.2), the certificate checked against the TLSA records;
//       `plain`: the same host with opportunistic STARTTLS (no TLSA, no certificate check).
//       The lookups are made before the clock starts. Prints the milliseconds from connect to
//       the end of QUIT, and the messages per second over them.
//   bench_smtp --resolver ADDR --trust-anchor FILE first-byte DOMAIN RUNS
//       Time to the first body octet of DATA: the plan's lookups (MX, A, AAAA, TLSA, each
//       validated), connect, EHLO, STARTTLS, the DANE check, EHLO, MAIL, RCPT, DATA, until the
//       client hands out the first octet of the message. `warm`: one resolver whose cache a
//       first delivery filled; `cold`: a new resolver (empty cache) each run. Cold and warm
//       runs alternate; prints the median, minimum and maximum of each over RUNS runs. Each
//       message is then delivered to the end (not timed).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dane/crypto/botan.hpp"
#include "dane/io/blocking_delivery.hpp"

namespace {

using namespace dane;
using stub_t = resolver::stub_resolver<crypto::botan_backend>;
using steady = std::chrono::steady_clock;

double ms_since(steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "bench_smtp: %s\n", why.c_str());
    std::exit(1);
}

struct bench {
    io::endpoint upstream;
    dnssec::trust_anchors anchors;
    bool have_anchors = false;
    crypto::botan_backend backend;
    std::random_device random;
    std::shared_ptr<Botan::RandomNumberGenerator> rng = std::make_shared<Botan::AutoSeeded_RNG>();

    std::unique_ptr<stub_t> fresh_resolver() {
        return std::make_unique<stub_t>(backend, anchors,
                                        [this] { return std::uint16_t(random()); });
    }

    // The delivery plan's lookups for `domain` until it asks for its first connection.
    smtp::connect first_target(stub_t& stub, const dns::name& domain) {
        smtp::delivery_plan plan(domain);
        for (;;) {
            auto action = plan.next_action();
            if (auto* c = std::get_if<smtp::connect>(&action)) return *c;
            auto* q = std::get_if<smtp::need_lookup>(&action);
            if (!q) die("the plan asks for no connection to " + domain.to_string());
            plan.fed(q->name, q->type, io::resolve_blocking(stub, upstream, q->name, q->type));
        }
    }

    io::file_descriptor connect(const smtp::connect& target) {
        if (target.addresses.empty()) die("no address");
        auto fd = io::connect_stream(io::to_endpoint(target.addresses.front(), 25),
                                     steady::now() + std::chrono::seconds(10));
        if (!fd) die("connect: " + fd.error().message());
        return std::move(*fd);
    }
};

smtp::client_config message_config(const dns::name& domain, int serial) {
    smtp::client_config c;
    c.ehlo_name = "localhost";
    auto to = "bench@" + domain.to_string();
    to.pop_back(); // the root's dot
    c.envelope = {"bench@client.example", {to}};
    c.message = "Subject: bench_smtp " + std::to_string(serial) +
                "\r\n\r\nA message of a few lines, as a notification would be.\r\n"
                "Second line.\r\nThird line.\r\n";
    return c;
}

int throughput(bench& b, const dns::name& domain, bool dane, int n) {
    auto stub = b.fresh_resolver();
    auto target = b.first_target(*stub, domain);
    if (target.tls.requirement != smtp::tls_requirement::required_authenticated)
        die(domain.to_string() + " has no usable TLSA records");
    if (!dane) {
        target.tls.requirement = smtp::tls_requirement::opportunistic;
        target.tls.tlsa_records.clear();
    }
    auto config = smtp::session_config(target, message_config(domain, 0));
    config.tls_required = true; // STARTTLS in both modes: only the certificate check differs
    config.hold_open = true;
    config.envelope = {}; // no message of its own: every one goes through submit()
    config.message.clear();
    const auto t0 = steady::now();
    auto fd = b.connect(target);
    auto engine = smtp::make_tls_engine(
        target.tls,
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
        b.rng);
    smtp::client client(config, engine, steady::now());
    for (int i = 0; i < n; ++i) {
        if (!std::holds_alternative<smtp::ready>(io::run_smtp_session(client, fd.get())))
            die("session failed: " + client.current_outcome().failure_detail);
        auto m = message_config(domain, i + 1);
        if (!client.submit(m.envelope, m.message, steady::now())) die("submit refused");
    }
    if (!std::holds_alternative<smtp::ready>(io::run_smtp_session(client, fd.get())))
        die("session failed: " + client.current_outcome().failure_detail);
    client.quit(steady::now());
    io::run_smtp_session(client, fd.get());
    const double total = ms_since(t0);
    const auto& o = client.current_outcome();
    const auto delivered = std::count_if(o.transactions.begin(), o.transactions.end(),
                                         [](const auto& t) { return t.delivered; });
    if (delivered != n || !o.tls_used)
        die("delivered " + std::to_string(delivered) + " of " + std::to_string(n) +
            (o.tls_used ? "" : ", no TLS") + ": " + o.failure_detail);
    if (dane && !(engine.verification() && engine.verification()->authenticated()))
        die("not authenticated");
    std::printf("%s messages=%d ms=%.1f messages_per_s=%.1f\n", dane ? "dane" : "plain", n, total,
                n * 1000.0 / total);
    return 0;
}

// One delivery, timed from the first lookup to the first body octet handed out.
double first_byte(bench& b, stub_t& stub, const dns::name& domain, int serial) {
    const auto t0 = steady::now();
    auto target = b.first_target(stub, domain);
    if (target.tls.requirement != smtp::tls_requirement::required_authenticated)
        die(domain.to_string() + " has no usable TLSA records");
    auto fd = b.connect(target);
    auto engine = smtp::make_tls_engine(
        target.tls,
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
        b.rng);
    smtp::client client(smtp::session_config(target, message_config(domain, serial)), engine,
                        steady::now());
    std::optional<double> elapsed;
    std::byte buffer[io::smtp_read_size];
    // io::run_smtp_session's loop, stopped at the first octet of the message.
    while (!elapsed) {
        auto action = client.next_action();
        if (auto* out = std::get_if<smtp::send_bytes>(&action)) {
            if (client.current_stage() == smtp::stage::body) elapsed = ms_since(t0);
            if (!io::detail::write_all(fd.get(), out->bytes, *client.deadline()))
                die("write failed");
            client.on_sent(steady::now());
            continue;
        }
        if (!std::holds_alternative<smtp::need_data>(action))
            die("no DATA: " + client.current_outcome().failure_detail);
        if (!io::wait_for(fd.get(), POLLIN, *client.deadline())) die("timed out");
        const auto n = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (n <= 0) die("connection closed");
        client.feed(bytes_view(buffer, static_cast<std::size_t>(n)), steady::now());
    }
    io::run_smtp_session(client, fd.get());
    if (!client.current_outcome().delivered) die("not delivered");
    return *elapsed;
}

void print_times(const char* label, std::vector<double> t) {
    std::sort(t.begin(), t.end());
    std::printf("first-byte %s runs=%zu median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", label, t.size(),
                t[t.size() / 2], t.front(), t.back());
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bench b;
    std::optional<io::endpoint> upstream;
    while (args.size() >= 2 && args[0].starts_with("--")) {
        if (args[0] == "--resolver")
            if (auto e = io::parse_endpoint(args[1])) upstream = *e;
        if (args[0] == "--trust-anchor") {
            std::stringstream text;
            text << std::ifstream(args[1]).rdbuf();
            auto loaded = dnssec::load_trust_anchors(text.str());
            if (!loaded) die(args[1] + ": " + loaded.error().message());
            b.anchors = std::move(*loaded);
            b.have_anchors = true;
        }
        args.erase(args.begin(), args.begin() + 2);
    }
    const dns::name root;
    std::optional<dns::name> domain;
    if (args.size() >= 3)
        if (auto d = dns::name::parse(args[args.size() - 2], &root)) domain = *d;
    const int count = args.empty() ? 0 : std::atoi(args.back().c_str());
    const bool ok = upstream && domain && count > 0 && b.have_anchors &&
                    ((args.size() == 4 && args[0] == "throughput" &&
                      (args[1] == "dane" || args[1] == "plain")) ||
                     (args.size() == 3 && args[0] == "first-byte"));
    if (!ok) {
        std::fprintf(stderr, "usage: bench_smtp --resolver ADDR --trust-anchor FILE "
                             "(throughput dane|plain DOMAIN N | first-byte DOMAIN RUNS)\n");
        return 2;
    }
    b.upstream = *upstream;
    if (args[0] == "throughput") return throughput(b, *domain, args[1] == "dane", count);

    auto warm = b.fresh_resolver();
    first_byte(b, *warm, *domain, 0); // fills the cache
    std::vector<double> warm_ms, cold_ms;
    for (int i = 0; i < count; ++i) {
        auto cold = b.fresh_resolver();
        cold_ms.push_back(first_byte(b, *cold, *domain, 2 * i + 1));
        warm_ms.push_back(first_byte(b, *warm, *domain, 2 * i + 2));
    }
    print_times("warm", warm_ms);
    print_times("cold", cold_ms);
    return 0;
}
