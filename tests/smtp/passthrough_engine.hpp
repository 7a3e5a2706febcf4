// A deterministic stand-in for a TLS engine, for the client's tests and fuzz target: it
// satisfies dane::smtp::tls_engine but encrypts nothing. The "handshake" is the client
// sending the text <CLIENT-HELLO> and the server answering <SERVER-HELLO>; after that,
// application data passes through unchanged in both directions. Any other octet during
// the handshake fails it, and `reject` makes the "verification" fail when the server hello
// completes, as a DANE mismatch does in the real engine (tested on its own).
#pragma once

#include <string>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/smtp/tls_engine.hpp"

namespace dane::smtp::test {

class passthrough_engine {
public:
    static constexpr std::string_view client_hello = "<CLIENT-HELLO>";
    static constexpr std::string_view server_hello = "<SERVER-HELLO>";
    static constexpr std::string_view close_notify = "<CLOSE-NOTIFY>";

    bool reject = false; // fail "verification" when the handshake completes

    void start() {
        started_ = true;
        append(outgoing_, client_hello);
    }
    void feed(bytes_view in) {
        if (failed_) return;
        if (!started_) return fail("data before the handshake started");
        std::size_t i = 0;
        while (!done_ && i < in.size()) {
            if (static_cast<char>(in[i]) != server_hello[matched_])
                return fail("unexpected handshake data");
            ++i;
            if (++matched_ == server_hello.size()) {
                if (reject) return fail("certificate not trusted");
                done_ = true;
            }
        }
        plaintext_.insert(plaintext_.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.end());
    }
    byte_buffer take_outgoing() { return std::exchange(outgoing_, {}); }
    byte_buffer take_plaintext() { return std::exchange(plaintext_, {}); }
    void send_plaintext(bytes_view in) { outgoing_.insert(outgoing_.end(), in.begin(), in.end()); }
    void close() {
        closed_ = true;
        append(outgoing_, close_notify);
    }
    bool handshake_done() const { return done_; }
    bool failed() const { return failed_; }
    std::string_view failure_reason() const { return reason_; }

    bool started() const { return started_; }
    bool closed() const { return closed_; }

private:
    static void append(byte_buffer& b, std::string_view s) {
        auto v = as_bytes(s);
        b.insert(b.end(), v.begin(), v.end());
    }
    void fail(std::string reason) {
        failed_ = true;
        reason_ = std::move(reason);
    }

    bool started_ = false, done_ = false, failed_ = false, closed_ = false;
    std::size_t matched_ = 0;
    byte_buffer outgoing_, plaintext_;
    std::string reason_;
};

static_assert(tls_engine<passthrough_engine>);

} // namespace dane::smtp::test
