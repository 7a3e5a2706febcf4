#pragma once
// Included first by every dane header (through core/error.hpp, core/result.hpp and the
// per-layer error headers): checks the language mode and holds the build switches.

// dane uses std::span, concepts, <compare> and designated initialisers: C++20 or later.
// MSVC reports its real mode in _MSVC_LANG (__cplusplus stays 199711L without /Zc:__cplusplus).
#if defined(_MSVC_LANG)
#define DANE_CPLUSPLUS _MSVC_LANG
#else
#define DANE_CPLUSPLUS __cplusplus
#endif
#if DANE_CPLUSPLUS < 202002L
#error "dane needs C++20: compile with -std=c++20 (Meson: cpp_std=c++20; MSVC: /std:c++20)"
#endif

// DANE_SEPARATE_COMPILATION: the heavy Botan backend templates are declared `extern template`
// in the headers and instantiated once, in the one translation unit that includes
// <dane/src.hpp>. Define it (for example with -DDANE_SEPARATE_COMPILATION) in every
// translation unit of the program, or in none.
