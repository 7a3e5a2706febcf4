#!/usr/bin/env bash
# Writes the DNS-layer fixtures in tests/data/dns/ with BIND's tools (bind9-utils,
# bind9-dnsutils: scripts/install-deps.sh), so that tests compare our output with theirs:
#   presentation.zone            records whose presentation has quoted or free text (TXT,
#                                SPF, HINFO, NAPTR, URI, CAA), written by hand
#   presentation.named-checkzone the same zone as `named-checkzone -D` prints it
#   tsig-query.bin               a query signed with TSIG (RFC 8945) as dig sends it
#   tsig-query.dig               dig's printed TSIG record for that query
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/data/dns"
mkdir -p "$dir"

# named-checkzone: full owner names, one record a line, BIND's own presentation.
named-checkzone -q -D -o - example. "$dir/presentation.zone" \
  >"$dir/presentation.named-checkzone"

# dig sends one TSIG-signed query to a local port where a listener keeps its octets; dig
# prints the query (+qr) with its TSIG pseudo-section before sending it.
port=53999
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
data, _ = s.recvfrom(65535)
open(sys.argv[2], "wb").write(data)
' "$port" "$tmp/query.bin" &
listener=$!
sleep 1
dig +qr +tries=1 +time=1 -p "$port" @127.0.0.1 \
  -y hmac-sha256:tsig.example.:c2VjcmV0IGtleSBmb3IgdGhlIHRlc3Qgb25seSAxMjM0NTY= \
  www.example.net. A >"$tmp/dig.txt" 2>&1 || true
wait "$listener"
cp "$tmp/query.bin" "$dir/tsig-query.bin"
grep -A1 'TSIG PSEUDOSECTION' "$tmp/dig.txt" | tail -1 >"$dir/tsig-query.dig"
