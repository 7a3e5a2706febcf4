#!/usr/bin/env bash
# The README's first command: installs what is needed, builds the `dane` tool, and runs it
# on a DNS message and a signed zone that ship in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
if [ ! -f build-example/build.ninja ]; then
  meson setup build-example --buildtype=release -Dtests=false -Dbenchmarks=disabled >/dev/null
fi
ninja -C build-example examples/dane >/dev/null
dane=build-example/examples/dane

show() {
  printf '\n$ dane'
  printf ' %s' "$@"
  printf '\n'
  "$dane" "$@"
}

# A signed answer from a real authoritative server (Knot DNS, see scripts/make-corpus.sh).
show decode --hex examples/data/signed-answer.hex
# A small zone signed with NSEC3 (scripts/make-signed-zone.sh), printed back record by
# record in canonical form.
show zonefile tests/data/zones/example.net.nsec3.signed
# Every RRset of that zone validated from its KSK's DS record as the trust anchor, then
# what the zone's NSEC3 chain proves about a name that does not exist.
show verify --trust-anchor tests/data/zones/keys/Kexample.net.+013+14638.ds \
  --time 20260101000000 tests/data/zones/example.net.nsec3.signed
show verify --trust-anchor tests/data/zones/keys/Kexample.net.+013+14638.ds \
  --time 20260101000000 --query nosuch.example.net. A tests/data/zones/example.net.nsec3.signed
