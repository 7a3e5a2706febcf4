// Separate compilation: include this file in exactly one translation unit of a program
// whose translation units are all compiled with DANE_SEPARATE_COMPILATION defined (for
// example `-DDANE_SEPARATE_COMPILATION`) and include <dane/dane.hpp>. This unit compiles
// the validator, the DANE verifier and TLSA generation for the Botan backends once; in the
// others <dane/dane.hpp> declares them `extern template`, so they are not compiled again
// (the scheme of Boost.Beast's src.hpp).
#pragma once

#if !defined(DANE_SEPARATE_COMPILATION)
#error "<dane/src.hpp> is for builds with DANE_SEPARATE_COMPILATION defined"
#endif

#include "dane/dane.hpp"

#define DANE_EXTERN
#include "dane/detail/instances.ipp"
#undef DANE_EXTERN
