// ASCII case folding, the only case-insensitivity DNS has (RFC 4343 §3: only the letters
// A-Z and a-z compare equal across case; other octets compare exactly). One helper for
// every mnemonic, directive, acronym and host name comparison of the library.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dane {

constexpr char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

// True when `a` and `b` are equal with ASCII letters compared without regard to case.
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

// A copy with ASCII letters lowercased.
inline std::string ascii_lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = ascii_lower(c);
    return out;
}

// `s` without leading and trailing spaces, tabs, CRs and LFs.
constexpr std::string_view ascii_trim(std::string_view s) noexcept {
    constexpr std::string_view space = " \t\r\n";
    while (!s.empty() && space.find(s.front()) != std::string_view::npos)
        s.remove_prefix(1);
    while (!s.empty() && space.find(s.back()) != std::string_view::npos)
        s.remove_suffix(1);
    return s;
}

} // namespace dane
