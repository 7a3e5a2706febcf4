// gzip (RFC 1952) through zlib, for report bodies (RFC 8460 §5.2) and reading received ones.
// Link with zlib (Meson: dependency('zlib'); Debian: zlib1g-dev). Decompression stops at a
// caller-given output size, so a small hostile input cannot expand without bound (a gzip
// bomb reaches a ratio of about 1000:1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <zlib.h>

#include "dane/core/error.hpp"
#include "dane/core/result.hpp"
#include "dane/tlsrpt/error.hpp"

namespace dane::tlsrpt {

inline bool looks_like_gzip(std::string_view data) noexcept {
    return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1F &&
           static_cast<unsigned char>(data[1]) == 0x8B;
}

// One gzip member holding `data`; the header has no name and a zero time, so the output
// depends on the input only.
inline result<std::string, located_error> gzip_compress(std::string_view data) {
    z_stream z{};
    // windowBits 15 + 16: write a gzip wrapper instead of a zlib one.
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return fail(located_error(errc::compression_failed));
    std::string out;
    out.resize(deflateBound(&z, static_cast<uLong>(data.size())) + 32);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const std::size_t produced = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return fail(located_error(errc::compression_failed));
    out.resize(produced);
    return out;
}

// The content of a gzip stream (one or more members, RFC 1952 §2.2), at most `max_output`
// octets: more is errc::too_large, a damaged or truncated stream errc::bad_gzip.
inline result<std::string, located_error> gzip_decompress(std::string_view data,
                                                          std::size_t max_output) {
    if (!looks_like_gzip(data)) return fail(located_error(errc::bad_gzip, 0));
    std::string out;
    std::size_t pos = 0;
    char buf[16384];
    while (pos < data.size()) {
        z_stream z{};
        if (inflateInit2(&z, 15 + 16) != Z_OK) return fail(located_error(errc::bad_gzip, pos));
        const std::size_t in_size = data.size() - pos;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + pos));
        z.avail_in = static_cast<uInt>(std::min<std::size_t>(in_size, 1u << 30));
        int rc = Z_OK;
        while (rc != Z_STREAM_END) {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            rc = inflate(&z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END) {
                inflateEnd(&z);
                return fail(located_error(errc::bad_gzip, pos + z.total_in));
            }
            const std::size_t got = sizeof buf - z.avail_out;
            if (out.size() + got > max_output) {
                inflateEnd(&z);
                located_error e(errc::too_large);
                e.context =
                    "decompressed report larger than " + std::to_string(max_output) + " octets";
                return fail(e);
            }
            out.append(buf, got);
            if (rc == Z_OK && got == 0 && z.avail_in == 0) { // input ended inside the stream
                inflateEnd(&z);
                return fail(located_error(errc::bad_gzip, data.size()));
            }
        }
        pos += z.total_in;
        inflateEnd(&z);
        // Another member may follow; anything else after a member is damage.
        if (pos < data.size() && !looks_like_gzip(data.substr(pos)))
            return fail(located_error(errc::bad_gzip, pos));
    }
    return out;
}

} // namespace dane::tlsrpt
