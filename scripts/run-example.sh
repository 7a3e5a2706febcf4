#!/usr/bin/env bash
# The README's first command: installs what is needed, builds the `dane` tool, and runs it
# on a DNS message, a signed zone and a DNSSEC chain that ship in the repository; then, as
# root, brings up the signed test hierarchy on loopback and looks names up through the
# validating stub resolver (scripts/testbed/testbed.sh), then its Postfix servers
# (scripts/testbed/mta.sh) and checks them with `dane smtp`; every server is stopped by its
# PID.
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
  "$dane" "$@" || echo "(exit status $?)"
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

# The validated TLSA records of a mail server, offline: the RFC 9102 chain that `dane lookup
# --chain-out` wrote against the loopback test hierarchy (scripts/make-resolver-chains.sh),
# checked from that hierarchy's trust anchor at the time it was made.
chains=tests/data/resolver/chains
show verify-chain --trust-anchor "$chains/anchor.ds" --time "$(cat "$chains/TIME")" \
  "$chains/secure-tlsa.chain" _25._tcp.mail.alg13.danebed. TLSA

# Live: a root, a TLD and signed domains served by Knot DNS on 127.55.x.x, Unbound in front
# with validation off; dane lookup does the validation itself.
if [ "$(id -u)" != 0 ]; then
  echo; echo "(run as root to see live lookups against the loopback test hierarchy)"
  exit 0
fi
bed=$(mktemp -d)
# mktemp makes the folder private to root; Postfix's own user must reach its data below it.
chmod 755 "$bed"
trap './scripts/testbed/mta.sh down "$bed" >/dev/null 2>&1; ./scripts/testbed/testbed.sh down "$bed" >/dev/null 2>&1; rm -rf "$bed"' EXIT
DANE_TESTBED_NET=127.55 ./scripts/testbed/testbed.sh up "$bed" >/dev/null
# shellcheck source=/dev/null
. "$bed/env"
show lookup --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$TESTBED_ANCHOR" \
  _25._tcp.mail.alg8.danebed. TLSA
show lookup --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$TESTBED_ANCHOR" \
  www.insecure.danebed. A
show lookup --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$TESTBED_ANCHOR" \
  www.expired.danebed. A

# Mail servers of that hierarchy (Postfix on 127.55.2.x): one whose certificate matches its
# DANE-EE TLSA record, one whose does not (no mail goes there, validation-failure), and a
# domain whose first MX host fails and whose second passes; then a message delivered there.
DANE_TESTBED_NET=127.55 ./scripts/testbed/mta.sh up "$bed" >/dev/null
show smtp --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$TESTBED_ANCHOR" ee.smtp.danebed
show smtp --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$TESTBED_ANCHOR" mismatch.smtp.danebed
show smtp --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$TESTBED_ANCHOR" \
  --from example@sender.example --to postmaster@twomx.smtp.danebed twomx.smtp.danebed
