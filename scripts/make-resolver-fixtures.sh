#!/usr/bin/env bash
# Writes tests/data/resolver/: a small signed DNS hierarchy with its own trust anchor, for
# the resolver tests, its fuzz target and bench_resolve, which play the upstream recursive
# resolver in memory over these zones (tests/resolver/zone_answerer.hpp). Signed by real
# tools, not by our signer, so a mistake shared by our signer and our validator cannot hide:
#   root.zone                  .                      dnssec-signzone, NSEC, alg 13
#   danebed.zone               danebed.               dnssec-signzone, NSEC3 (salted, 0 extra
#                                                     iterations), alg 8 (RSASHA256, 2048 bits)
#   example.danebed.zone       example.danebed.       dnssec-signzone, NSEC, alg 13: mail A,
#                              _25._tcp.mail TLSA, a wildcard, a CNAME into other.danebed.,
#                              bogus.example.danebed. A whose RRSIG is corrupted, and two
#                              delegations: sub (signed, with DS) and insecure (no DS)
#   sub.example.danebed.zone   sub.example.danebed.   dnssec-signzone, NSEC, alg 13: a TLSA
#                                                     four zones deep
#   other.danebed.zone         other.danebed.         ldns-signzone, NSEC, alg 15 (Ed25519)
#   insecure.example.danebed.zone, plain.danebed.zone unsigned children of insecure
#                              delegations (plain's is proven by NSEC3, insecure's by NSEC)
#   anchor.ds                  the DS of the root key: the trust anchor
# Signatures are valid from 2025-01-01 to 2045-01-01; the tests pass an explicit time.
# Keys are made once and kept (keys/), so the DNSKEY and DS records stay put when the
# script runs again. Needs bind9-utils and ldnsutils (scripts/install-deps.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/data/resolver"
keys="$dir/keys"
window=(-s 20250101000000 -e 20450101000000)
mkdir -p "$keys"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bind_key ZONE ALG [BITS]: the key file's base name, made on first use (one combined
# signing key per zone, flags 257).
bind_key() {
  local zone=$1 alg=$2 bits=${3:-}
  local existing prefix="K$zone.+"
  [ "$zone" = . ] && prefix="K.+"
  existing=$(cd "$keys" && ls "$prefix"*.key 2>/dev/null | head -n1 || true)
  if [ -n "$existing" ]; then basename "$existing" .key; return; fi
  (cd "$keys" && dnssec-keygen -q -a "$alg" ${bits:+-b "$bits"} -f KSK -L 3600 "$zone")
}

# bind_sign ZONE KEY [SIGNZONE OPTIONS]: $tmp/ZONE.in signed into $dir/ZONE.zone.
bind_sign() {
  local zone=$1 key=$2
  shift 2
  local base=${zone%.}
  [ "$zone" = . ] && base=root
  local out="$dir/$base.zone" in="$tmp/$base.in"
  cat "$keys/$key.key" >> "$in"
  dnssec-signzone -q -z -N keep -O full -d "$tmp" -K "$keys" -o "$zone" -f "$out.tmp" \
    "${window[@]}" "$@" "$in" "$key" > /dev/null
  header "$zone" > "$out"
  grep -v '^;' "$out.tmp" >> "$out"
  rm -f "$out.tmp"
}
header() {
  echo "; $1 signed by ${2:-dnssec-signzone}. Written by scripts/make-resolver-fixtures.sh."
}
ds_of() { dnssec-dsfromkey -2 "$keys/$1.key"; }

# --- sub.example.danebed. (signed, NSEC) ---------------------------------------------------
sub_key=$(bind_key sub.example.danebed ECDSAP256SHA256)
cat > "$tmp/sub.example.danebed.in" <<'ZONE'
$ORIGIN sub.example.danebed.
$TTL 3600
@              SOA  ns hostmaster 1 7200 3600 1209600 300
               NS   ns
ns             A    192.0.2.60
mx             A    192.0.2.61
_25._tcp.mx    TLSA 3 1 1 4a5e6f1c0e0c4c1d3b2a19081726354453627180a9b8c7d6e5f40312213243f5
ZONE
bind_sign sub.example.danebed. "$sub_key"

# --- insecure.example.danebed. (unsigned) --------------------------------------------------
cat > "$dir/insecure.example.danebed.zone" <<'ZONE'
; insecure.example.danebed.: unsigned (its parent has no DS for it).
; Written by scripts/make-resolver-fixtures.sh.
$ORIGIN insecure.example.danebed.
$TTL 3600
@              SOA  ns hostmaster 1 7200 3600 1209600 300
               NS   ns
ns             A    192.0.2.70
www            A    192.0.2.71
_25._tcp.www   TLSA 3 1 1 0011223344556677889900112233445566778899001122334455667788990011
ZONE

# --- other.danebed. (ldns-signzone, Ed25519, NSEC) ----------------------------------------
other_key=$(cd "$keys" && ls Kother.danebed.+015+*.key 2>/dev/null | head -n1 | sed 's/\.key$//' || true)
[ -n "$other_key" ] || other_key=$(cd "$keys" && ldns-keygen -a ED25519 -k other.danebed && rm -f Kother.danebed.*.ds)
cat > "$tmp/other.danebed.in" <<'ZONE'
$ORIGIN other.danebed.
$TTL 3600
@              SOA  ns hostmaster 1 7200 3600 1209600 300
               NS   ns
ns             A    192.0.2.80
www            A    192.0.2.81
               AAAA 2001:db8::81
ZONE
cat "$keys/$other_key.key" >> "$tmp/other.danebed.in"
# ldns-signzone signs with the key as given (-n would make NSEC3).
(cd "$keys" && ldns-signzone -e 20450101000000 -i 20250101000000 -o other.danebed. \
  -f "$tmp/other.signed" "$tmp/other.danebed.in" "$other_key")
{ header other.danebed. ldns-signzone; grep -v '^;' "$tmp/other.signed"; } > "$dir/other.danebed.zone"

# --- example.danebed. (signed, NSEC) -------------------------------------------------------
example_key=$(bind_key example.danebed ECDSAP256SHA256)
{
cat <<'ZONE'
$ORIGIN example.danebed.
$TTL 3600
@              SOA  ns hostmaster 1 7200 3600 1209600 300
               NS   ns
ns             A    192.0.2.50
mail           A    192.0.2.25
_25._tcp.mail  TLSA 3 1 1 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
alias          CNAME www.other.danebed.
*.wild         A    192.0.2.99
bogus          A    192.0.2.66
sub            NS   ns.sub
ns.sub         A    192.0.2.60
insecure       NS   ns.insecure
ns.insecure    A    192.0.2.70
ZONE
ds_of "$sub_key"
} > "$tmp/example.danebed.in"
bind_sign example.danebed. "$example_key"
# The bogus RRset: one character of its signature's base64 changed (still valid base64,
# so the record parses; the signature no longer verifies).
f="$dir/example.danebed.zone"
awk '$1 == "bogus.example.danebed." && $4 == "RRSIG" && $5 == "A" {
       c = substr($(NF - 1), 1, 1); $(NF - 1) = (c == "A" ? "B" : "A") substr($(NF - 1), 2) }
     { print }' "$f" > "$f.tmp"
cmp -s "$f" "$f.tmp" && { echo "bogus RRSIG not corrupted" >&2; exit 1; }
mv "$f.tmp" "$f"

# --- plain.danebed. (unsigned) -------------------------------------------------------------
cat > "$dir/plain.danebed.zone" <<'ZONE'
; plain.danebed.: unsigned (its parent proves with NSEC3 that it has no DS).
; Written by scripts/make-resolver-fixtures.sh.
$ORIGIN plain.danebed.
$TTL 3600
@              SOA  ns hostmaster 1 7200 3600 1209600 300
               NS   ns
ns             A    192.0.2.90
www            A    192.0.2.91
ZONE

# --- danebed. (signed, NSEC3) --------------------------------------------------------------
danebed_key=$(bind_key danebed RSASHA256 2048)
{
cat <<'ZONE'
$ORIGIN danebed.
$TTL 3600
@              SOA  ns hostmaster 1 7200 3600 1209600 300
               NS   ns
ns             A    192.0.2.40
info           TXT  "the danebed test TLD"
example        NS   ns.example
ns.example     A    192.0.2.50
other          NS   ns.other
ns.other       A    192.0.2.80
plain          NS   ns.plain
ns.plain       A    192.0.2.90
ZONE
ds_of "$example_key"
(cd "$keys" && ldns-key2ds -n -2 "$other_key.key")
} > "$tmp/danebed.in"
bind_sign danebed. "$danebed_key" -3 d4e5 -H 0

# --- . (signed, NSEC) ----------------------------------------------------------------------
root_key=$(bind_key . ECDSAP256SHA256)
{
cat <<'ZONE'
$ORIGIN .
$TTL 86400
.              SOA  a.root-servers.danebed. hostmaster.danebed. 1 1800 900 604800 86400
.              NS   a.root-servers.danebed.
danebed.       NS   ns.danebed.
ns.danebed.    A    192.0.2.40
ZONE
ds_of "$danebed_key"
} > "$tmp/root.in"
bind_sign . "$root_key"
ds_of "$root_key" > "$dir/anchor.ds"

echo "wrote $(ls "$dir"/*.zone | wc -l) zones and anchor.ds to $dir"
