// Names inside DNS messages, where RFC 1035 §4.1.4 compression lets a name end in a
// pointer to an earlier position. Attackers control these bytes, so the walk enforces:
// a pointer lands strictly before the start of the segment that contains it (so every
// jump goes backwards past everything read so far and the walk terminates), pointers stay
// inside the message, labels are at most 63 octets and the expanded name at most 255, and
// a name follows at most max_pointer_hops pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "dane/core/bytes.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/name.hpp"

namespace dane::dns {

// Pointers one name may follow. Backward pointers alone end every walk, but a chain of
// thousands of them (each two octets, hidden in RDATA nobody reads) makes every name that
// points at its end cost thousands of steps. A name has at most 127 labels, and a
// compressor has no reason to spend more than one pointer per label, so 127 hops suffice
// for any name a real encoder writes (Unbound allows 256).
inline constexpr std::size_t max_pointer_hops = 127;

namespace detail {
// Walks the possibly compressed name at `offset`; calls `on_label(ptr, len)` for each
// label (root excluded) when given. Returns the offset just past the name's bytes at
// `offset` (after the first pointer, or after the root label). When `work` is given, the
// steps taken (labels read plus pointers followed) are added to it.
template <class OnLabel>
inline result<std::size_t, wire_error> walk_wire_name(bytes_view message, std::size_t offset,
                                                      bool allow_pointers, OnLabel&& on_label,
                                                      std::size_t* work = nullptr) noexcept {
    const auto* p = reinterpret_cast<const std::uint8_t*>(message.data());
    const std::size_t size = message.size();
    std::size_t pos = offset;
    std::size_t segment_start = offset; // where the current run of labels began
    std::size_t end = 0;                // set at the first pointer
    std::size_t expanded = 1;           // octets of the expanded name, counting the root
    std::size_t hops = 0, steps = 0;
    for (;;) {
        if (pos >= size) return fail(wire_error(errc::truncated, pos));
        std::uint8_t len = p[pos];
        if (len == 0) {
            if (work) *work += steps;
            return end ? end : pos + 1;
        }
        ++steps;
        if (len <= max_label_length) {
            // The label, and at least the next length octet, must be inside the message.
            if (pos + 1 + len >= size) return fail(wire_error(errc::truncated, pos));
            expanded += 1 + len;
            if (expanded > max_name_length) return fail(wire_error(errc::name_too_long, pos));
            on_label(p + pos + 1, len);
            pos += 1 + len;
            continue;
        }
        if (len < 0xc0) return fail(wire_error(errc::bad_label_type, pos));
        if (!allow_pointers) return fail(wire_error(errc::pointer_not_allowed, pos));
        if (pos + 1 >= size) return fail(wire_error(errc::truncated, pos));
        std::size_t target = (std::size_t{len} & 0x3f) << 8 | p[pos + 1];
        if (target >= size) return fail(wire_error(errc::bad_pointer, pos));
        if (target > pos) return fail(wire_error(errc::forward_pointer, pos));
        if (target >= segment_start) return fail(wire_error(errc::pointer_loop, pos));
        if (++hops > max_pointer_hops) return fail(wire_error(errc::too_many_pointers, pos));
        if (!end) end = pos + 2;
        pos = segment_start = target;
    }
}
struct ignore_labels {
    constexpr void operator()(const std::uint8_t*, std::size_t) const noexcept {}
};
} // namespace detail

// Checks the name at `offset` without copying it; returns the offset just past it.
// When `work` is given, the steps the walk took are added to it (see message_view::parse).
inline result<std::size_t, wire_error> skip_wire_name(bytes_view message, std::size_t offset,
                                                      bool allow_pointers = true,
                                                      std::size_t* work = nullptr) noexcept {
    return detail::walk_wire_name(message, offset, allow_pointers, detail::ignore_labels{}, work);
}

struct read_name_result {
    dns::name name;
    std::size_t end; // offset just past the name's bytes at the start offset
};

// Decompresses the name at `offset` into an owning name.
inline result<read_name_result, wire_error> read_wire_name(bytes_view message, std::size_t offset,
                                                           bool allow_pointers = true) noexcept {
    std::uint8_t buf[max_name_length];
    std::size_t n = 0;
    auto end = detail::walk_wire_name(message, offset, allow_pointers,
                                      [&](const std::uint8_t* label, std::size_t len) {
                                          buf[n++] = static_cast<std::uint8_t>(len);
                                          std::memcpy(buf + n, label, len);
                                          n += len;
                                      });
    if (!end) return fail(end.error());
    buf[n++] = 0;
    auto v = name_view::from_wire(as_bytes(std::span<const std::uint8_t>(buf, n)));
    return read_name_result{name(*v), *end};
}

} // namespace dane::dns
