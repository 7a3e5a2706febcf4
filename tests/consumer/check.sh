#!/usr/bin/env bash
# Builds the consumer project in tests/consumer/project/ against dane as a user would, and
# checks what a user relies on. Run by Meson (suite 'consumer') with CXX set:
#
#   check.sh installed  SRC WORK   header-only configure (no compiler runs), meson install
#                                  --no-rebuild into WORK/prefix, pkg-config from there,
#                                  the consumer built with PKG_CONFIG_PATH, no fallback
#   check.sh subproject SRC WORK   the consumer with SRC linked as subprojects/dane; dane
#                                  must install nothing into the consumer's install
#
# In both, the consumer sets no cpp_std, and its DNS-only program must compile with no
# Botan include path. WORK is made afresh.
set -euo pipefail

mode=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The DNS-only target's compile command must not mention Botan (from compile_commands.json).
check_dns_only_has_no_botan() { # BUILDDIR
  python3 - "$1/compile_commands.json" <<'PY'
import json, sys
cmds = [c["command"] for c in json.load(open(sys.argv[1])) if c["file"].endswith("dns_only.cpp")]
if len(cmds) != 1:
    sys.exit(f"expected one compile command for dns_only.cpp, found {len(cmds)}")
if "botan" in cmds[0].lower():
    sys.exit("dns_only.cpp is compiled with Botan flags: " + cmds[0])
if "c++20" not in cmds[0]:
    sys.exit("dns_only.cpp is compiled without -std=c++20: " + cmds[0])
print("dns_only compile command: no Botan, C++20")
PY
}

run_programs() { # BUILDDIR
  "$1/dns_only"
  "$1/full"
}

case $mode in
installed)
  prefix=$work/prefix
  meson setup "$work/dane" "$src" --prefix "$prefix" \
    -Dtests=false -Dtool=false -Dfuzz=false -Dbenchmarks=disabled
  # A header-only install has nothing to compile.
  plan=$(ninja -C "$work/dane" -n)
  echo "$plan"
  if ! grep -q "no work to do" <<<"$plan"; then
    fail "a header-only configuration still has build steps"
  fi
  meson install -C "$work/dane" --no-rebuild
  for pc in dane dane-dns; do
    [ -f "$prefix/share/pkgconfig/$pc.pc" ] || fail "$pc.pc is not in share/pkgconfig"
  done
  [ -f "$prefix/include/dane/dns/message.hpp" ] || fail "headers not installed"
  export PKG_CONFIG_PATH=$prefix/share/pkgconfig
  cflags=$(pkg-config --cflags dane)
  echo "pkg-config --cflags dane: $cflags"
  grep -q -- "-I$prefix/include" <<<"$cflags" || fail "pkg-config --cflags dane lacks -I$prefix/include"
  grep -q -- "-std=c++20" <<<"$cflags" || fail "pkg-config --cflags dane lacks -std=c++20"
  dns_cflags=$(pkg-config --cflags dane-dns)
  echo "pkg-config --cflags dane-dns: $dns_cflags"
  if grep -qi botan <<<"$dns_cflags$(pkg-config --libs dane-dns)"; then
    fail "dane-dns.pc pulls in Botan"
  fi
  # An older language mode stops at the #error that says what to do.
  echo '#include <dane/dns/name.hpp>' >"$work/old.cpp"
  if ${CXX:-c++} -std=c++17 -fsyntax-only -I"$prefix/include" "$work/old.cpp" 2>"$work/old.log"; then
    fail "a C++17 translation unit compiled"
  fi
  grep -q "dane needs C++20" "$work/old.log" || fail "no clear #error for C++17: $(head -n 5 "$work/old.log")"
  echo "C++17 stops with: $(grep -m1 'dane needs C++20' "$work/old.log")"
  # --wrap-mode=nofallback: the installed copy or nothing.
  meson setup "$work/consumer" "$src/tests/consumer/project" --wrap-mode=nofallback
  ninja -C "$work/consumer"
  check_dns_only_has_no_botan "$work/consumer"
  run_programs "$work/consumer"
  ;;
subproject)
  project=$work/project
  cp -r "$src/tests/consumer/project" "$project"
  mkdir -p "$project/subprojects"
  ln -s "$src" "$project/subprojects/dane"
  meson setup "$work/consumer" "$project" --force-fallback-for=dane,dane-dns
  ninja -C "$work/consumer"
  check_dns_only_has_no_botan "$work/consumer"
  run_programs "$work/consumer"
  # A subproject installs nothing of dane unless the parent asks.
  meson install -C "$work/consumer" --no-rebuild --destdir "$work/dest"
  if [ -d "$work/dest" ] && [ -n "$(find "$work/dest" -type f)" ]; then
    fail "building dane as a subproject installed: $(find "$work/dest" -type f | head -n 5)"
  fi
  echo "subproject: nothing installed"
  ;;
*)
  fail "usage: check.sh installed|subproject SRC WORK"
  ;;
esac
echo "consumer $mode: OK"
