// Test helpers for a real TLS server: the certificates of tests/data/smtp/tls/
// (scripts/make-smtp-tls-fixtures.sh), TLSA records made from them, `openssl s_server` on
// 127.0.0.1 (a port the kernel picks, stopped by its PID), and a TCP connection that moves
// a botan_tls_engine's bytes. Shared by the engine's tests and the session tests.
#pragma once

#include <doctest/doctest.h>

#include <botan/auto_rng.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
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
#include "dane/tlsa/generate.hpp"

namespace dane::smtp::test {

using namespace std::chrono_literals;

// Certificates are checked at this time: after the expired leaf's end (2020-12-31), well
// within the CA's and the good leaf's validity (2020-2119).
inline const std::chrono::sys_seconds check_time =
    std::chrono::sys_days{std::chrono::year{2026} / 6 / 1};

inline std::string fixture(const std::string& name) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    REQUIRE_MESSAGE(root != nullptr, "DANE_SOURCE_ROOT is not set");
    return std::string(root) + "/tests/data/smtp/tls/" + name;
}

inline byte_buffer cert_der(const std::string& name) {
    const std::string file = fixture(name);
    std::ifstream f(file);
    REQUIRE_MESSAGE(f.good(), "cannot read ", file);
    std::string text{std::istreambuf_iterator<char>(f), {}};
    auto blocks = crypto::pem_blocks(text, "CERTIFICATE");
    REQUIRE(blocks.has_value());
    REQUIRE(blocks->size() == 1);
    return (*blocks)[0];
}

inline tlsa::record tlsa_for(const std::string& cert, tlsa::cert_usage u, tlsa::selector_type s) {
    auto r =
        tlsa::generate(crypto::botan_x509{}, cert_der(cert), u, s, tlsa::matching_type::sha2_256);
    REQUIRE(r.has_value());
    return *r;
}
inline tlsa::record dane_ee_311(const std::string& cert) {
    return tlsa_for(cert, tlsa::cert_usage::dane_ee, tlsa::selector_type::spki);
}
inline tlsa::record dane_ta_201(const std::string& cert) {
    return tlsa_for(cert, tlsa::cert_usage::dane_ta, tlsa::selector_type::cert);
}

inline bool have_openssl() {
    return std::system("openssl version >/dev/null 2>&1") == 0;
}

// A TCP port on 127.0.0.1 that is free right now: bound with port 0, then released.
inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

inline int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// `openssl s_server -rev` (each line comes back reversed) with the given options, on
// 127.0.0.1. Ready when it accepts a connection; stopped by its PID.
class openssl_server {
public:
    explicit openssl_server(std::vector<std::string> options) {
        for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
            const int port = free_port();
            if (port == 0) continue;
            std::vector<std::string> args = {"openssl", "s_server",
                                             "-accept", "127.0.0.1:" + std::to_string(port),
                                             "-rev",    "-quiet"};
            args.insert(args.end(), options.begin(), options.end());
            int in[2];
            if (::pipe(in) != 0) return;
            pid_ = ::fork();
            if (pid_ == 0) {
                ::dup2(in[0], 0);
                int devnull = ::open("/dev/null", O_WRONLY);
                ::dup2(devnull, 1);
                ::dup2(devnull, 2);
                ::close(in[1]);
                std::vector<char*> argv;
                for (auto& a : args)
                    argv.push_back(a.data());
                argv.push_back(nullptr);
                ::execvp("openssl", argv.data());
                _exit(127);
            }
            ::close(in[0]);
            stdin_ = in[1]; // kept open: s_server must not see the end of its input
            for (int i = 0; i < 100 && pid_ > 0; ++i) {
                if (int fd = connect_to(port); fd >= 0) {
                    ::close(fd);
                    port_ = port;
                    break;
                }
                if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1; // exited (port taken?)
                usleep(50000);
            }
            if (port_ == 0) stop();
        }
    }
    ~openssl_server() { stop(); }
    openssl_server(const openssl_server&) = delete;
    openssl_server& operator=(const openssl_server&) = delete;

    int port() const { return port_; }

private:
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
        if (stdin_ >= 0) ::close(stdin_);
        stdin_ = -1;
    }
    pid_t pid_ = -1;
    int port_ = 0;
    int stdin_ = -1;
};

// The default server: the good leaf for mx.example.net and the CA above it.
inline openssl_server serve(const std::string& leaf, const std::string& key) {
    return openssl_server(
        {"-cert", fixture(leaf), "-key", fixture(key), "-cert_chain", fixture("ca.pem")});
}

// One TCP connection to the server, and the engine's bytes moved over it.
class connection {
public:
    explicit connection(int port) : fd_(connect_to(port)) {}
    ~connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    bool ok() const { return fd_ >= 0; }
    bool server_closed() const { return eof_; }

    // Moves bytes both ways until done() holds, the engine fails, the server closes the
    // connection or ten seconds pass. Whatever the engine has to send goes out first, the
    // alert after a failure included.
    template <class Done>
    void pump(smtp::botan_tls_engine& e, Done done) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        for (;;) {
            send_all(e.take_outgoing());
            if (done() || e.failed() || eof_) return;
            if (std::chrono::steady_clock::now() > deadline) return;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            std::array<std::byte, 16384> buf;
            const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
            if (n <= 0) {
                eof_ = true;
                return;
            }
            e.feed(bytes_view(buf.data(), static_cast<std::size_t>(n)));
        }
    }

    void handshake(smtp::botan_tls_engine& e) {
        e.start();
        pump(e, [&] { return e.handshake_done(); });
        CHECK_MESSAGE((e.handshake_done() || e.failed() || eof_), "the handshake timed out");
    }

    // Sends one line and waits for the server's reversed line.
    std::string round_trip(smtp::botan_tls_engine& e, std::string_view line) {
        e.send_plaintext(bytes_view(reinterpret_cast<const std::byte*>(line.data()), line.size()));
        std::string got;
        pump(e, [&] {
            auto p = e.take_plaintext();
            got.append(reinterpret_cast<const char*>(p.data()), p.size());
            return got.find('\n') != std::string::npos || e.peer_closed();
        });
        return got;
    }

private:
    void send_all(const byte_buffer& b) {
        std::size_t off = 0;
        while (off < b.size()) {
            const auto n = ::send(fd_, b.data() + off, b.size() - off, MSG_NOSIGNAL);
            if (n <= 0) {
                eof_ = true;
                return;
            }
            off += static_cast<std::size_t>(n);
        }
    }

    int fd_;
    bool eof_ = false;
};

} // namespace dane::smtp::test
