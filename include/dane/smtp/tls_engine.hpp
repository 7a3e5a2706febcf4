// The TLS engine the SMTP client drives after STARTTLS: sans-I/O like the client, it takes
// ciphertext from the server and hands back ciphertext to send and plaintext received. The
// engine authenticates the server itself (DANE, RFC 7672); a failed handshake or a failed
// verification makes failed() true for good, and the client then aborts the session.
// The Botan TLS::Client adapter implements it; tests use a pass-through engine.
#pragma once

#include <concepts>
#include <string_view>

#include "dane/core/bytes.hpp"

namespace dane::smtp {

template <class E>
concept tls_engine = requires(E e, bytes_view in) {
    e.start();  // begin the handshake (client hello goes to outgoing)
    e.feed(in); // ciphertext from the server; returns void
    { e.take_outgoing() } -> std::same_as<byte_buffer>;  // ciphertext to send to the server
    { e.take_plaintext() } -> std::same_as<byte_buffer>; // decrypted application data
    e.send_plaintext(in); // application data to encrypt (only once handshake_done())
    e.close();            // send close_notify
    { e.handshake_done() } -> std::same_as<bool>;
    { e.failed() } -> std::same_as<bool>; // handshake or verification failed (sticky)
    { e.failure_reason() } -> std::convertible_to<std::string_view>;
};

} // namespace dane::smtp
