// The resolver's cache (API SKETCH: the implementation lands next).
#pragma once

#include <chrono>
#include <cstddef>

namespace dane::resolver {

struct cache_limits {
    std::size_t max_entries = 10000;
    std::size_t max_bytes = 16 * 1024 * 1024;
    // No entry is kept longer than this, whatever its TTL (Unbound's cache-max-ttl
    // defaults to a day).
    std::chrono::seconds max_ttl{86400};
    // Failures are kept briefly so that a failing zone is not asked again at once (RFC
    // 9520 §3.2: at least 1 second, at most 5 minutes).
    std::chrono::seconds bogus_ttl{60};
    std::chrono::seconds indeterminate_ttl{5};
};

class cache {
public:
    std::size_t entries() const noexcept;
    std::size_t bytes() const noexcept;
    void clear() noexcept;
};

} // namespace dane::resolver
