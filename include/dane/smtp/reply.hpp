// SMTP replies (RFC 5321 §4.2) and an incremental parser for them: feed the octets the
// server sent as they arrive, take complete replies out one at a time.
//
// Line ends: RFC 5321 §2.3.8 says conforming implementations "MUST NOT recognize" any line
// terminator other than CRLF. A bare LF or bare CR is therefore neither accepted as a line
// end nor kept as text: the parser refuses it (errc::bad_line_ending). Failing closed here
// also keeps one byte stream from being read as two different reply sequences by two
// different parsers (the smuggling class of bugs).
//
// Every bound is named in reply_limits: a line may hold at most 512 octets with its CRLF
// (§4.5.3.1.5), a reply at most max_lines lines, so a reply costs at most
// max_lines * max_line_length octets of memory. Errors are sticky: after one, the parser
// returns the same error for every later call.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/smtp/error.hpp"

namespace dane::smtp {

// An RFC 3463 §2 status code: class "." subject "." detail.
struct enhanced_status_code {
    std::uint8_t klass = 0;    // 2, 4 or 5
    std::uint16_t subject = 0; // 0-999
    std::uint16_t detail = 0;  // 0-999

    std::string to_string() const {
        return std::to_string(klass) + '.' + std::to_string(subject) + '.' + std::to_string(detail);
    }
    friend bool operator==(const enhanced_status_code&, const enhanced_status_code&) = default;
};

struct reply {
    int code = 0;                   // 200-559
    std::vector<std::string> lines; // the text of each line after the code and SP or "-"
    // From the start of the first line's text, when it holds a well-formed RFC 3463 code
    // whose class agrees with the reply code's first digit (a status code contradicting
    // the reply code it explains is not one the client can act on).
    std::optional<enhanced_status_code> enhanced;

    // RFC 5321 §4.2.1: the first digit says how the command fared.
    bool positive_completion() const noexcept { return code / 100 == 2; }
    bool positive_intermediate() const noexcept { return code / 100 == 3; }
    bool transient_negative() const noexcept { return code / 100 == 4; }
    bool permanent_negative() const noexcept { return code / 100 == 5; }

    // The lines joined with "\n", for logs and failure reasons.
    std::string text() const {
        std::string t;
        for (const auto& l : lines) {
            if (!t.empty()) t += '\n';
            t += l;
        }
        return t;
    }
};

struct reply_limits {
    std::size_t max_line_length = 512; // octets including CRLF (RFC 5321 §4.5.3.1.5)
    std::size_t max_lines = 128;       // lines of one multi-line reply (EHLO lists ~20)
};

namespace detail {

// One decimal sub-code of RFC 3463: 1-3 digits, no leading zero unless it is "0".
inline std::optional<std::uint16_t> status_subcode(std::string_view s) noexcept {
    if (s.empty() || s.size() > 3) return std::nullopt;
    if (s.size() > 1 && s[0] == '0') return std::nullopt;
    std::uint16_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = static_cast<std::uint16_t>(v * 10 + (c - '0'));
    }
    return v;
}

} // namespace detail

// An RFC 3463 status code at the start of a reply text, ended by SP or the end of the text.
inline std::optional<enhanced_status_code> parse_enhanced_status(std::string_view text) noexcept {
    std::string_view word = text.substr(0, text.find(' '));
    if (word.size() < 5 || (word[0] != '2' && word[0] != '4' && word[0] != '5') || word[1] != '.')
        return std::nullopt;
    word.remove_prefix(2);
    auto dot = word.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto subject = detail::status_subcode(word.substr(0, dot));
    auto detail_code = detail::status_subcode(word.substr(dot + 1));
    if (!subject || !detail_code) return std::nullopt;
    return enhanced_status_code{static_cast<std::uint8_t>(text[0] - '0'), *subject, *detail_code};
}

class reply_parser {
public:
    reply_parser() = default;
    explicit reply_parser(reply_limits limits) : limits_(limits) {}

    // Appends server octets. Nothing is parsed until next() is called, so the caller can
    // take replies one by one and see what is left (buffered()); call next() until it
    // gives nullopt after each feed, which keeps at most one partial line held. After an
    // error the octets are dropped.
    void feed(bytes_view data) {
        if (!error_) buffer_.append(as_chars(data));
    }

    // The next complete reply; nullopt when more octets are needed; an error (sticky)
    // when the octets are no SMTP reply.
    result<std::optional<reply>, errc> next() {
        if (error_) return fail(*error_);
        for (;;) {
            auto line = take_line();
            if (!line) return fail(set_error(line.error()));
            if (!*line) return std::optional<reply>{};
            auto done = add_line(**line);
            if (!done) return fail(set_error(done.error()));
            if (*done) {
                reply r = std::move(pending_);
                pending_ = reply{};
                return std::optional<reply>{std::move(r)};
            }
        }
    }

    // True when nothing is held: no octets of an unfinished line and no lines of an
    // unfinished multi-line reply. The client checks this where the server must be silent.
    bool idle() const noexcept { return buffer_.size() == scan_from_ && pending_.lines.empty(); }
    std::size_t buffered() const noexcept { return buffer_.size() - scan_from_; }
    std::optional<errc> error() const noexcept { return error_; }
    const reply_limits& limits() const noexcept { return limits_; }

private:
    errc set_error(errc e) {
        error_ = e;
        buffer_.clear();
        scan_from_ = 0;
        return e;
    }

    // The next CRLF-terminated line without its CRLF; nullopt when incomplete. Each
    // decision depends only on the octets up to the one being looked at, so the outcome
    // does not depend on how the input was split into feeds.
    result<std::optional<std::string>, errc> take_line() {
        const std::size_t start = scan_from_;
        const std::size_t end = buffer_.size();
        // The CR of a line of at most max_line_length octets with CRLF sits at or before
        // this index.
        const std::size_t last_cr = start + std::max<std::size_t>(limits_.max_line_length, 2) - 2;
        for (std::size_t i = start; i < end; ++i) {
            const char c = buffer_[i];
            if (c == '\n') return fail(errc::bad_line_ending); // LF without CR before it
            if (c == '\r') {
                if (i + 1 == end) break; // the LF may come in the next feed
                if (buffer_[i + 1] != '\n') return fail(errc::bad_line_ending);
                std::string line = buffer_.substr(start, i - start);
                scan_from_ = i + 2;
                compact();
                return std::optional<std::string>{std::move(line)};
            }
            if (i >= last_cr) return fail(errc::reply_line_too_long);
        }
        return std::optional<std::string>{};
    }

    void compact() {
        // Drop consumed octets once they dominate, so the buffer stays bounded.
        if (scan_from_ == buffer_.size()) {
            buffer_.clear();
            scan_from_ = 0;
        } else if (scan_from_ > 4096 && scan_from_ * 2 > buffer_.size()) {
            buffer_.erase(0, scan_from_);
            scan_from_ = 0;
        }
    }

    // Adds one line to the reply being read; true when it was the last line.
    result<bool, errc> add_line(std::string_view line) {
        // Reply-code = %x32-35 %x30-35 %x30-39 (RFC 5321 §4.2).
        if (line.size() < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' ||
            line[2] < '0' || line[2] > '9')
            return fail(errc::bad_reply_code);
        const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        bool last = true;
        std::string_view text;
        if (line.size() > 3) {
            if (line[3] == '-')
                last = false;
            else if (line[3] != ' ')
                return fail(errc::bad_reply_separator);
            text = line.substr(4);
        }
        // textstring = 1*(%d09 / %d32-126); octets above 126 are tolerated (servers send
        // UTF-8 in texts), control characters are not.
        for (char c : text) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 32 && u != 9) return fail(errc::bad_reply_text);
            if (u == 127) return fail(errc::bad_reply_text);
        }
        if (pending_.lines.empty()) {
            pending_.code = code;
        } else if (pending_.code != code) {
            return fail(errc::inconsistent_reply_code);
        }
        if (pending_.lines.size() >= limits_.max_lines) return fail(errc::too_many_reply_lines);
        pending_.lines.emplace_back(text);
        if (pending_.lines.size() == 1) {
            auto esc = parse_enhanced_status(text);
            if (esc && esc->klass == code / 100) pending_.enhanced = esc;
        }
        return last;
    }

    reply_limits limits_{};
    std::string buffer_;
    std::size_t scan_from_ = 0;
    reply pending_{};
    std::optional<errc> error_;
};

} // namespace dane::smtp
