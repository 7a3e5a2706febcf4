#!/usr/bin/env bash
# What including dane costs a translation unit: preprocessed size (g++ -E | wc -c) and
# compiler user time (best of N runs, GNU time), per entry header and for a whole program.
#
#   scripts/measure-compile-cost.sh [REV]
#
# REV: measure the headers of that git revision instead of the working tree (the program
# compiled is always examples/snippets/validate_and_verify.cpp). Prints a Markdown table.
# Environment: CXX (default g++), RUNS (default 3). User time, not wall time: the machines
# are shared, and user time moves less with the load.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
cxx=${CXX:-g++}
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

inc=$src/include
if [ $# -ge 1 ]; then
  git archive "$1" include | tar -x -C "$work"
  inc=$work/include
fi
botan=$(pkg-config --cflags botan-3 2>/dev/null || pkg-config --cflags botan-2)
flags=(-std=c++20 -I"$inc" $botan)

best_user() { # command... -> the smallest user time of $runs runs, in seconds
  local best="" t
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%U' -o "$work/time" "$@" >/dev/null 2>&1
    t=$(tail -n 1 "$work/time")
    best=$(python3 -c "import sys; a=sys.argv[1]; b=float(sys.argv[2]); print(b if not a else min(float(a), b))" "$best" "$t")
  done
  printf '%.2f' "$best"
}

tu() { # name: writes a TU including the given headers
  local f=$work/$1.cpp
  shift
  : >"$f"
  for h in "$@"; do echo "#include <$h>" >>"$f"; done
  echo "$f"
}

row() { # label file extra-flags...
  local label=$1 file=$2
  shift 2
  local size syntax
  size=$("$cxx" "${flags[@]}" "$@" -E "$file" | wc -c)
  syntax=$(best_user "$cxx" "${flags[@]}" "$@" -fsyntax-only "$file")
  printf '| %s | %s | %s |' "$label" "$size" "$syntax"
}

echo "| translation unit | g++ -E bytes | -fsyntax-only s |"
echo "| --- | ---: | ---: |"
for h in dane/dns/name.hpp dane/dns/message.hpp dane/dns/zone_parser.hpp \
         dane/dnssec/validator.hpp dane/crypto/botan.hpp dane/tlsa/verify.hpp \
         dane/crypto/botan_x509.hpp dane/dane.hpp; do
  [ -f "$inc/$h" ] || { echo "| \`$h\` | (absent) | |"; continue; }
  row "\`$h\`" "$(tu "$(echo "$h" | tr '/.' '__')" "$h")"
  echo
done

prog=$src/examples/snippets/validate_and_verify.cpp
echo
echo "| whole program: validate_and_verify.cpp | -c -O0 s | -c -O2 s |"
echo "| --- | ---: | ---: |"
o0=$(best_user "$cxx" "${flags[@]}" -c -O0 "$prog" -o "$work/p.o")
o2=$(best_user "$cxx" "${flags[@]}" -c -O2 "$prog" -o "$work/p.o")
echo "| as written | $o0 | $o2 |"
if [ -f "$inc/dane/src.hpp" ]; then
  echo '#include <dane/src.hpp>' >"$work/src.cpp"
  sep=(-DDANE_SEPARATE_COMPILATION -include dane/dane.hpp)
  o0=$(best_user "$cxx" "${flags[@]}" "${sep[@]}" -c -O0 "$prog" -o "$work/p.o")
  o2=$(best_user "$cxx" "${flags[@]}" "${sep[@]}" -c -O2 "$prog" -o "$work/p.o")
  echo "| with DANE_SEPARATE_COMPILATION and <dane/dane.hpp> | $o0 | $o2 |"
  o0=$(best_user "$cxx" "${flags[@]}" -DDANE_SEPARATE_COMPILATION -c -O0 "$work/src.cpp" -o "$work/s.o")
  o2=$(best_user "$cxx" "${flags[@]}" -DDANE_SEPARATE_COMPILATION -c -O2 "$work/src.cpp" -o "$work/s.o")
  echo "| the one TU with <dane/src.hpp> (once per program) | $o0 | $o2 |"
fi
