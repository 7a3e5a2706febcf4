// The one translation unit that compiles dane's Botan instantiations for the separately
// compiled build of examples/snippets/validate_and_verify.cpp (examples/snippets/meson.build).
#include <dane/src.hpp>
