#!/usr/bin/env bash
# Builds benchmarks/corpus/answers.bin: real responses of a real authoritative server.
#
# Starts knotd (Debian package `knot`) on 127.0.0.1 with two zones it signs itself, one
# with NSEC and one with NSEC3, sends a few thousand DO queries over UDP and TCP (existing
# names, NXDOMAIN, NODATA, wildcards, DNSKEY, DS, referrals; see make-corpus-queries.py),
# writes each response preceded by its 2-octet big-endian length, and stops the server by
# its PID. No traffic leaves the machine.
#
# Usage: scripts/make-corpus.sh [OUTPUT] [QUERIES]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${1:-$root/benchmarks/corpus/answers.bin}"
queries="${2:-3000}"
port="${CORPUS_PORT:-53535}"

command -v knotd >/dev/null || { echo "knotd not found: apt-get install knot" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }

work="$(mktemp -d)"
mkdir -p "$work/db"
pid=""
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- zones -----------------------------------------------------------------------------
# The same data in both zones, so NSEC and NSEC3 denial answer the same questions.
write_zone() {
    local origin="$1" file="$2"
    cat >"$file" <<ZONE
\$ORIGIN $origin
\$TTL 3600
@           SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300
@           NS    ns1
@           NS    ns2
@           A     192.0.2.1
@           AAAA  2001:db8::1
@           MX    10 mail
@           MX    20 mail2.example.net.
@           TXT   "v=spf1 mx -all"
ns1         A     192.0.2.53
ns1         AAAA  2001:db8::53
ns2         A     198.51.100.53
www         A     192.0.2.80
www         A     192.0.2.81
www         AAAA  2001:db8::80
web         CNAME www
alias       CNAME www.example.net.
chain1      CNAME chain2
chain2      CNAME www
mail        A     192.0.2.25
mail        AAAA  2001:db8::25
_25._tcp.mail TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
_25._tcp.mail TLSA 2 0 1 fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
_443._tcp.www TLSA 3 0 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
_smtp._tcp  SRV   10 5 25 mail
_imaps._tcp SRV   0 1 993 mail
_imaps._tcp SRV   10 1 993 mail2.example.net.
_mta-sts    TXT   "v=STSv1; id=20240101"
_smtp._tls  TXT   "v=TLSRPTv1; rua=mailto:tlsrpt@$origin"
long        TXT   "first string" "second string with some more text in it" "third"
*.wild      A     192.0.2.99
*.wild      TXT   "wildcard"
*.wild      MX    5 mail
host.wild   A     192.0.2.98
a.b.c.deep  A     192.0.2.7
secure      NS    ns1.secure
secure      NS    ns2.example.net.
secure      DS    12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns1.secure  A     192.0.2.153
insecure    NS    ns1.insecure
insecure    NS    ns.example.net.
ns1.insecure A    192.0.2.154
ZONE
    local i
    for i in $(seq 1 40); do
        echo "h$i A 192.0.2.$((100 + i))"
        echo "h$i AAAA 2001:db8::$i"
    done >>"$file"
}
write_zone nsec.example. "$work/nsec.example.zone"
write_zone nsec3.example. "$work/nsec3.example.zone"

cat >"$work/knot.conf" <<CONF
server:
    rundir: "$work"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "$work/db"
policy:
  - id: nsec
    algorithm: rsasha256
    ksk-size: 2048
    zsk-size: 1024
    nsec3: off
  - id: nsec3
    algorithm: ecdsap256sha256
    nsec3: on
    nsec3-iterations: 0
    nsec3-salt-length: 0
template:
  - id: default
    storage: "$work"
    zonefile-sync: -1
    journal-content: none
    dnssec-signing: on
zone:
  - domain: nsec.example.
    file: nsec.example.zone
    dnssec-policy: nsec
  - domain: nsec3.example.
    file: nsec3.example.zone
    dnssec-policy: nsec3
CONF

knotd -c "$work/knot.conf" &
pid=$!

# Wait until both zones answer signed (the first signing takes a moment).
for _ in $(seq 1 100); do
    if python3 "$here/make-corpus-queries.py" --port "$port" --probe nsec.example. nsec3.example.; then
        break
    fi
    sleep 0.2
done
python3 "$here/make-corpus-queries.py" --port "$port" --probe nsec.example. nsec3.example.

mkdir -p "$(dirname "$out")"
python3 "$here/make-corpus-queries.py" --port "$port" --count "$queries" --out "$out" \
    nsec.example. nsec3.example.

kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
echo "wrote $out ($(stat -c %s "$out") octets)"
