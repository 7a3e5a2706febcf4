// The options every validating subcommand shares (verify, lookup, verify-chain): the
// validation time, the smallest RSA key accepted, and the trust anchor file. Each helper
// prints the usage error itself and returns nullopt, so a command just returns exit_usage.
#pragma once

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "dane/crypto/backend.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "tool.hpp"

namespace dane_tool {

// --time YYYYMMDDHHMMSS, or the system clock without it.
inline std::optional<std::chrono::sys_seconds>
validation_time(std::string_view command, std::optional<std::string_view> text) {
    if (!text) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto t = dane::dns::parse_rrsig_time(*text);
    if (!t || text->size() != 14) {
        usage_error(std::string(command) + ": bad --time '" + std::string(*text) +
                    "' (want YYYYMMDDHHMMSS)");
        return std::nullopt;
    }
    // RRSIG times are 32-bit; the time given is taken in the epoch window after 1970.
    return std::chrono::sys_seconds(std::chrono::seconds(*t));
}

// --min-rsa-bits N: RSA keys below N bits are refused by policy (default 1024).
inline std::optional<dane::crypto::key_limits>
key_limits_option(std::string_view command, std::optional<std::string_view> text) {
    dane::crypto::key_limits limits;
    if (!text) return limits;
    std::size_t bits = 0;
    const char* end = text->data() + text->size();
    auto [p, ec] = std::from_chars(text->data(), end, bits);
    if (text->empty() || ec != std::errc() || p != end || bits == 0 || bits > limits.max_rsa_bits) {
        usage_error(std::string(command) + ": bad --min-rsa-bits '" + std::string(*text) +
                    "' (want 1 to " + std::to_string(limits.max_rsa_bits) + ")");
        return std::nullopt;
    }
    limits.min_rsa_bits = bits;
    return limits;
}

// --trust-anchor FILE: DS or DNSKEY records in zone-file form, or IANA's root-anchors.xml
// (whose anchors are taken as valid at `now`).
inline std::optional<dane::dnssec::trust_anchors>
trust_anchor_file(std::string_view command, std::string_view path, std::chrono::sys_seconds now) {
    auto text = read_input(path);
    if (!text) {
        usage_error(std::string(command) + ": cannot read " + std::string(path));
        return std::nullopt;
    }
    auto anchors = dane::dnssec::load_trust_anchors(*text, now);
    if (!anchors) {
        usage_error(std::string(command) + ": " + std::string(path) + ": " +
                    anchors.error().message());
        return std::nullopt;
    }
    return std::move(*anchors);
}

} // namespace dane_tool
