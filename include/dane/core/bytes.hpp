// Bounds-checked big-endian reading and writing of octets. Every DNS, DNSSEC and TLSA
// structure in the library is read through byte_reader, so a short buffer is an error
// value, never an out-of-bounds read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "dane/core/error.hpp"
#include "dane/core/result.hpp"

namespace dane {

using bytes_view = std::span<const std::byte>;
using byte_buffer = std::vector<std::byte>;

// Views text or unsigned octets as bytes without copying.
inline bytes_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline bytes_view as_bytes(std::span<const std::uint8_t> s) noexcept {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(bytes_view b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline bool equal_bytes(bytes_view a, bytes_view b) noexcept {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Reads fields from a buffer that the caller owns. Positions are offsets from the start of
// the buffer, so error messages can name them.
class byte_reader {
public:
    constexpr byte_reader() = default;
    constexpr explicit byte_reader(bytes_view data, std::size_t pos = 0) noexcept
        : data_(data), pos_(pos) {}

    constexpr std::size_t position() const noexcept { return pos_; }
    constexpr std::size_t remaining() const noexcept { return data_.size() - pos_; }
    constexpr bool empty() const noexcept { return pos_ >= data_.size(); }
    constexpr bytes_view buffer() const noexcept { return data_; }
    constexpr bytes_view rest() const noexcept { return data_.subspan(pos_); }

    result<std::uint8_t> u8() noexcept {
        if (remaining() < 1) return fail(core::errc::truncated);
        return std::to_integer<std::uint8_t>(data_[pos_++]);
    }
    result<std::uint16_t> u16() noexcept {
        if (remaining() < 2) return fail(core::errc::truncated);
        auto v = load16(pos_);
        pos_ += 2;
        return v;
    }
    result<std::uint32_t> u32() noexcept {
        if (remaining() < 4) return fail(core::errc::truncated);
        auto v = load32(pos_);
        pos_ += 4;
        return v;
    }
    result<std::uint64_t> u48() noexcept {
        if (remaining() < 6) return fail(core::errc::truncated);
        std::uint64_t v = std::uint64_t{load16(pos_)} << 32 | load32(pos_ + 2);
        pos_ += 6;
        return v;
    }
    result<bytes_view> take(std::size_t n) noexcept {
        if (remaining() < n) return fail(core::errc::truncated);
        auto v = data_.subspan(pos_, n);
        pos_ += n;
        return v;
    }
    bytes_view take_rest() noexcept {
        auto v = rest();
        pos_ = data_.size();
        return v;
    }
    result<void> skip(std::size_t n) noexcept {
        if (remaining() < n) return fail(core::errc::truncated);
        pos_ += n;
        return {};
    }

    // Unchecked loads for callers that have already checked the length.
    constexpr std::uint16_t load16(std::size_t at) const noexcept {
        return static_cast<std::uint16_t>(std::to_integer<unsigned>(data_[at]) << 8 |
                                          std::to_integer<unsigned>(data_[at + 1]));
    }
    constexpr std::uint32_t load32(std::size_t at) const noexcept {
        return std::uint32_t{load16(at)} << 16 | load16(at + 2);
    }

private:
    bytes_view data_{};
    std::size_t pos_ = 0;
};

// Appends big-endian fields to a growable buffer.
class byte_writer {
public:
    explicit byte_writer(byte_buffer& out) noexcept : out_(&out) {}

    byte_buffer& buffer() noexcept { return *out_; }
    std::size_t size() const noexcept { return out_->size(); }

    void u8(std::uint8_t v) { out_->push_back(std::byte{v}); }
    void u16(std::uint16_t v) {
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v));
    }
    void u48(std::uint64_t v) {
        u16(static_cast<std::uint16_t>(v >> 32));
        u32(static_cast<std::uint32_t>(v));
    }
    void bytes(bytes_view b) { out_->insert(out_->end(), b.begin(), b.end()); }
    // Overwrites a 16-bit field written earlier (lengths and counts known only later).
    void patch16(std::size_t at, std::uint16_t v) {
        (*out_)[at] = std::byte(v >> 8);
        (*out_)[at + 1] = std::byte(v & 0xff);
    }

private:
    byte_buffer* out_;
};

} // namespace dane
