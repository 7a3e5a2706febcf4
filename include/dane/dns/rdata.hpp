// RDATA of every record type: checked in a message, expanded from compressed to plain
// wire form, printed as presentation text, parsed from presentation tokens, and put into
// canonical form for DNSSEC. (Interface; the schema-driven implementation follows.)
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/types.hpp"

namespace dane::dns {

// One whitespace-separated field of presentation RDATA. A quoted string arrives without
// its quotes and with `quoted` set; escapes are still in the text.
struct text_token {
    std::string_view text;
    bool quoted = false;
};

// Checks RDATA at [offset, offset+length) of `message` against its type's wire format.
// Names may be compressed only in the types RFC 3597 §4 allows (those of RFC 1035).
// Errors carry the absolute offset in the message.
result<void, wire_error> check_rdata(rr_type type, bytes_view message, std::size_t offset,
                                     std::size_t length) noexcept;

// The RDATA with every compression pointer expanded (case kept).
result<byte_buffer, wire_error> expand_rdata(rr_type type, bytes_view message,
                                             std::size_t offset, std::size_t length);

// Appends the presentation form of uncompressed RDATA; unknown types print as RFC 3597
// `\# LEN HEX`. Errors are offsets within `rdata`.
result<void, wire_error> append_rdata_text(std::string& out, rr_type type, bytes_view rdata);

// Parses presentation RDATA (the fields after the type) into uncompressed wire form.
// Relative names complete with `origin`; `\#` generic form works for every type.
result<byte_buffer> rdata_from_text(rr_type type, std::span<const text_token> fields,
                                    const name* origin);

// RFC 4034 §6.2 with RFC 6840 §5.1's list: the RDATA with the names that canonical form
// lowercases lowercased. Expects well-formed uncompressed RDATA.
byte_buffer canonical_rdata(rr_type type, bytes_view rdata);

} // namespace dane::dns
