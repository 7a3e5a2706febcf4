// io/smtp_session.hpp over real sockets on loopback: connect_stream to closed and listening
// ports, and run_smtp_session with the real SMTP client against a small scripted server
// that runs in a thread of the test (one connection, cleartext SMTP). Every server thread
// is joined before its test ends, whatever the test's assertions did.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <variant>
#include <vector>

#include "../smtp/passthrough_engine.hpp"
#include "dane/io/smtp_session.hpp"
#include "local_socket.hpp"

using namespace dane;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using smtp::test::passthrough_engine;

namespace {

// How long the server waits for the client at any one point before it gives up: the
// bound that lets its thread always end.
constexpr int server_patience_ms = 10000;

// The server's side of one connection: lines in (recorded), replies out.
class peer {
public:
    explicit peer(int fd) : fd_(fd) {}

    void send(std::string_view text) { (void)::send(fd_, text.data(), text.size(), MSG_NOSIGNAL); }

    // The next line without its CRLF; nothing once the client has closed (or gone silent
    // for server_patience_ms).
    std::optional<std::string> line() {
        for (;;) {
            if (auto end = buffer_.find("\r\n"); end != std::string::npos) {
                std::string l = buffer_.substr(0, end);
                buffer_.erase(0, end + 2);
                received.push_back(l);
                return l;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, server_patience_ms) <= 0) return std::nullopt;
            char chunk[4096];
            const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) return std::nullopt;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    // Reads the message up to its terminating ".".
    void message() {
        while (auto l = line())
            if (*l == ".") return;
    }

    std::vector<std::string> received;

private:
    int fd_;
    std::string buffer_;
};

// One connection accepted on `listener` and served by `script` in a thread. The
// destructor joins it; the client's socket must be closed before (declare it after the
// server), so that a script waiting for a line sees the end of the connection.
class scripted_server {
public:
    scripted_server(const local_socket& listener, std::function<void(peer&)> script)
        : thread_([this, fd = listener.fd.get(), script = std::move(script)] {
              pollfd p{fd, POLLIN, 0};
              if (::poll(&p, 1, server_patience_ms) <= 0) return;
              io::file_descriptor client(::accept(fd, nullptr, nullptr));
              if (!client.valid()) return;
              peer connection(client.get());
              script(connection);
              received_ = std::move(connection.received);
          }) {}
    ~scripted_server() { join(); }
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    // The client's lines, once the script has ended.
    const std::vector<std::string>& received() {
        join();
        return received_;
    }

private:
    void join() {
        if (thread_.joinable()) thread_.join();
    }
    std::vector<std::string> received_;
    std::thread thread_; // last: it starts once the members it uses exist
};

// Short timeouts, so that no mistake makes a test wait minutes.
smtp::client_config config(bool tls_required) {
    smtp::client_config c;
    c.ehlo_name = "client.example";
    c.envelope.from = "a@example.org";
    c.envelope.recipients = {"b@example.net"};
    c.message = "Subject: hi\r\n\r\nbody\r\n";
    c.tls_required = tls_required;
    c.timeouts.greeting = 3s;
    c.timeouts.command = 3s;
    c.timeouts.mail = 3s;
    c.timeouts.rcpt = 3s;
    c.timeouts.data_initiation = 3s;
    c.timeouts.data_block = 3s;
    c.timeouts.data_termination = 3s;
    return c;
}

const char* const ehlo_plain = "250-mx.test\r\n250 8BITMIME\r\n";

// The server side of a cleartext transaction after the EHLO.
void serve_transaction(peer& p) {
    p.line();
    p.send("250 2.1.0 ok\r\n");
    p.line();
    p.send("250 2.1.5 ok\r\n");
    p.line();
    p.send("354 go ahead\r\n");
    p.message();
    p.send("250 2.0.0 queued\r\n");
}

io::file_descriptor connect_to(const local_socket& server) {
    auto fd = io::connect_stream(server.where, steady::now() + 5s);
    REQUIRE_MESSAGE(fd.has_value(), fd.error().message());
    return std::move(*fd);
}

smtp::outcome ended(const smtp::action& a, bool delivered) {
    if (delivered) {
        REQUIRE(std::holds_alternative<smtp::done>(a));
        return std::get<smtp::done>(a).outcome;
    }
    REQUIRE(std::holds_alternative<smtp::failed>(a));
    return std::get<smtp::failed>(a).outcome;
}

} // namespace

TEST_CASE("connect_stream: refused, connected, IPv6") {
    SUBCASE("a bound port that does not listen refuses") {
        local_socket closed(SOCK_STREAM, false, false);
        auto fd = io::connect_stream(closed.where, steady::now() + 5s);
        REQUIRE_FALSE(fd);
        CHECK(fd.error() == std::errc::connection_refused);
    }
    SUBCASE("a listening port accepts, over IPv4 and IPv6") {
        for (bool ipv6 : {false, true}) {
            CAPTURE(ipv6);
            local_socket listener(SOCK_STREAM, ipv6);
            auto fd = io::connect_stream(listener.where, steady::now() + 5s);
            REQUIRE_MESSAGE(fd, fd.error().message());
            CHECK(fd->valid());
            // The server sees the connection from the client's own address and port.
            io::file_descriptor accepted(::accept(listener.fd.get(), nullptr, nullptr));
            REQUIRE(accepted.valid());
            sockaddr_storage mine{}, theirs{};
            socklen_t mine_len = sizeof mine, theirs_len = sizeof theirs;
            REQUIRE(::getsockname(fd->get(), reinterpret_cast<sockaddr*>(&mine), &mine_len) == 0);
            REQUIRE(::getpeername(accepted.get(), reinterpret_cast<sockaddr*>(&theirs),
                                  &theirs_len) == 0);
            CHECK(mine.ss_family == (ipv6 ? AF_INET6 : AF_INET));
            CHECK(mine_len == theirs_len);
            CHECK(std::memcmp(&mine, &theirs, mine_len) == 0);
            // The socket is non-blocking: a read with nothing to read does not wait.
            char c;
            CHECK(::recv(fd->get(), &c, 1, 0) == -1);
            CHECK(errno == EAGAIN);
        }
    }
    SUBCASE("an unusable endpoint is an error, not a socket") {
        io::endpoint bad;
        bad.family = io::address_family::ipv6;
        bad.octets = {0xfe, 0x80};
        bad.scope = "no-such-interface0";
        CHECK_FALSE(io::connect_stream(bad, steady::now() + 1s));
    }
}

TEST_CASE("to_endpoint: the plan's address and the SMTP port") {
    smtp::host_address v4;
    v4.octets = {192, 0, 2, 7};
    const auto e4 = io::to_endpoint(v4, 25);
    CHECK(e4.family == io::address_family::ipv4);
    CHECK(e4.port == 25);
    CHECK(io::to_string(e4) == "192.0.2.7:25");
    CHECK(e4.scope.empty());

    smtp::host_address v6;
    v6.v6 = true;
    v6.octets = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const auto e6 = io::to_endpoint(v6, 2525);
    CHECK(e6.is_ipv6());
    CHECK(e6.port == 2525);
    CHECK(io::to_string(e6) == "[2001:db8::1]:2525");
    CHECK(io::to_string(e6) == "[" + v6.to_string() + "]:2525");
}

TEST_CASE("run_smtp_session: cleartext delivery when TLS is not required") {
    local_socket listener(SOCK_STREAM);
    scripted_server server(listener, [](peer& p) {
        p.send("220 mx.test ESMTP\r\n");
        p.line();
        p.send(ehlo_plain);
        serve_transaction(p);
        p.line();
        p.send("221 bye\r\n");
    });
    auto fd = connect_to(listener);
    passthrough_engine engine;
    smtp::client<passthrough_engine> client(config(false), engine, steady::now());
    const auto a = io::run_smtp_session(client, fd.get());
    const auto& o = ended(a, true);
    CHECK(o.delivered);
    CHECK_FALSE(o.tls_used);
    CHECK_FALSE(engine.started());
    fd.reset();
    CHECK(server.received() == std::vector<std::string>{"EHLO client.example",
                                                        "MAIL FROM:<a@example.org>",
                                                        "RCPT TO:<b@example.net>", "DATA",
                                                        "Subject: hi", "", "body", ".", "QUIT"});
}

TEST_CASE("run_smtp_session: TLS required and no STARTTLS: QUIT without MAIL") {
    local_socket listener(SOCK_STREAM);
    scripted_server server(listener, [](peer& p) {
        p.send("220 mx.test ESMTP\r\n");
        p.line();
        p.send(ehlo_plain);
        if (p.line()) p.send("221 bye\r\n");
        p.line(); // until the client closes
    });
    auto fd = connect_to(listener);
    passthrough_engine engine;
    smtp::client<passthrough_engine> client(config(true), engine, steady::now());
    const auto& o = ended(io::run_smtp_session(client, fd.get()), false);
    CHECK(o.failure == make_error_code(smtp::errc::starttls_not_supported));
    CHECK_FALSE(o.delivered);
    CHECK(o.transactions.empty());
    fd.reset();
    CHECK(server.received() == std::vector<std::string>{"EHLO client.example", "QUIT"});
}

TEST_CASE("run_smtp_session: a silent server ends the session at the client's timeout") {
    local_socket listener(SOCK_STREAM);
    scripted_server server(listener, [](peer& p) {
        p.send("220 mx.test ESMTP\r\n");
        p.line(); // the EHLO, never answered
        p.line(); // until the client closes
    });
    auto fd = connect_to(listener);
    passthrough_engine engine;
    auto c = config(false);
    c.timeouts.command = 300ms; // EHLO's
    smtp::client<passthrough_engine> client(c, engine, steady::now());
    const auto start = steady::now();
    const auto& o = ended(io::run_smtp_session(client, fd.get()), false);
    const auto elapsed = steady::now() - start;
    CHECK(o.failure == make_error_code(smtp::errc::timeout));
    REQUIRE(o.failure_stage);
    CHECK(*o.failure_stage == smtp::stage::ehlo);
    CHECK(elapsed >= 300ms);
    CHECK(elapsed < 3s); // neither the greeting's timeout nor the server's patience
    fd.reset();
    CHECK(server.received() == std::vector<std::string>{"EHLO client.example"});
}

TEST_CASE("run_smtp_session: the server closes mid-session") {
    local_socket listener(SOCK_STREAM);
    scripted_server server(listener, [](peer& p) {
        p.send("220 mx.test ESMTP\r\n");
        p.line();
        p.send(ehlo_plain);
        p.line(); // MAIL FROM, then the connection ends
    });
    auto fd = connect_to(listener);
    passthrough_engine engine;
    smtp::client<passthrough_engine> client(config(false), engine, steady::now());
    const auto start = steady::now();
    const auto& o = ended(io::run_smtp_session(client, fd.get()), false);
    CHECK(steady::now() - start < 3s);
    CHECK(o.failure == make_error_code(smtp::errc::connection_closed));
    REQUIRE(o.failure_stage);
    CHECK(*o.failure_stage == smtp::stage::mail);
    CHECK_FALSE(o.delivered);
    fd.reset();
    CHECK(server.received().size() == 2);
}

TEST_CASE("run_smtp_session: hold_open: ready after the first message, a second, then QUIT") {
    local_socket listener(SOCK_STREAM);
    scripted_server server(listener, [](peer& p) {
        p.send("220 mx.test ESMTP\r\n");
        p.line();
        p.send(ehlo_plain);
        serve_transaction(p);
        serve_transaction(p);
        p.line();
        p.send("221 bye\r\n");
    });
    auto fd = connect_to(listener);
    passthrough_engine engine;
    auto c = config(false);
    c.hold_open = true;
    smtp::client<passthrough_engine> client(c, engine, steady::now());

    // The configured message is delivered; the session waits for the next.
    REQUIRE(std::holds_alternative<smtp::ready>(io::run_smtp_session(client, fd.get())));
    CHECK(client.current_stage() == smtp::stage::idle);
    REQUIRE(client.current_outcome().transactions.size() == 1);
    CHECK(client.current_outcome().transactions[0].delivered);

    smtp::envelope second;
    second.from = "c@example.org";
    second.recipients = {"d@example.net"};
    REQUIRE(client.submit(second, "Subject: again\r\n\r\nmore\r\n", steady::now()));
    REQUIRE(std::holds_alternative<smtp::ready>(io::run_smtp_session(client, fd.get())));
    REQUIRE(client.current_outcome().transactions.size() == 2);
    CHECK(client.current_outcome().transactions[1].delivered);

    client.quit(steady::now());
    const auto& o = ended(io::run_smtp_session(client, fd.get()), true);
    CHECK(o.delivered);
    CHECK_FALSE(o.failure_stage);
    CHECK(o.transactions.size() == 2);
    fd.reset();
    CHECK(server.received() ==
          std::vector<std::string>{"EHLO client.example", "MAIL FROM:<a@example.org>",
                                   "RCPT TO:<b@example.net>", "DATA", "Subject: hi", "", "body",
                                   ".", "MAIL FROM:<c@example.org>", "RCPT TO:<d@example.net>",
                                   "DATA", "Subject: again", "", "more", ".", "QUIT"});
}
