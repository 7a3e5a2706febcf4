#!/usr/bin/env bash
# Makes the RFC 9102 chain fixtures of tests/data/resolver/chains/ with `dane lookup
# --chain-out` against the loopback test bed (scripts/testbed/testbed.sh, real servers:
# knotd and Unbound, zones signed by dnssec-signzone and ldns-signzone), so that
# `dane verify-chain` is tested on chains made by the resolver from real answers.
#
#   make-resolver-chains.sh DANE_BINARY
#
# Writes anchor.ds (the test bed's trust anchor: its keys are made anew at each run),
# TIME (a validation time inside the signatures' window), and for each case NAME.chain and
# NAME.lookup (what `dane lookup` printed, the reference verify-chain must agree with).
# Runs as root (the test bed listens on port 53 of 127.x addresses).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DANE_BINARY" >&2; exit 2; }
dane=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/tests/data/resolver/chains
bed=$(mktemp -d)
export DANE_TESTBED_NET=${DANE_TESTBED_NET:-127.79}
trap '"$here/scripts/testbed/testbed.sh" down "$bed" >/dev/null 2>&1 || true; rm -rf "$bed"' EXIT
"$here/scripts/testbed/testbed.sh" up "$bed" >/dev/null
# shellcheck disable=SC1091
. "$bed/env"
# A day after the signatures' inception: inside every zone's window but expired.danebed.'s.
time=$(python3 -c 'import datetime,sys; t=datetime.datetime.strptime(sys.argv[1], "%Y%m%d%H%M%S"); print((t+datetime.timedelta(days=1)).strftime("%Y%m%d%H%M%S"))' "$TESTBED_INCEPTION")

mkdir -p "$out"
rm -f "$out"/*.chain "$out"/*.lookup
cp "$TESTBED_ANCHOR" "$out/anchor.ds"
echo "$time" >"$out/TIME"
# case name, query name, type
while read -r case name type; do
  rc=0
  "$dane" lookup --resolver "$TESTBED_NONVALIDATING" --trust-anchor "$out/anchor.ds" \
    --time "$time" --chain-out "$out/$case.chain" "$name" "$type" >"$out/$case.lookup" || rc=$?
  echo "$case: $name $type exit $rc: $(grep '^verdict:' "$out/$case.lookup")"
done <<'CASES'
secure-tlsa _25._tcp.mail.alg13.danebed. TLSA
secure-alg15 _25._tcp.mail.alg15.danebed. TLSA
insecure-tlsa _25._tcp.mail.insecure.danebed. TLSA
nxdomain-nsec3 nosuchname.alg15.danebed. A
cname-chain chain.alg8.danebed. A
CASES
