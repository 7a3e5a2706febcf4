#!/usr/bin/env bash
# Writes the fixtures of tests/data/dnssec/bind/ with BIND's tools, independent of our
# signer: a one-key zone (a single combined signing key, ECDSAP256SHA256, flags 257, the
# usual ECDSA set-up) signed by `dnssec-signzone -z`, and copies of it with one thing
# broken, each of which a validator must find bogus:
#   onekey.ds                     the DS of the key (SHA-256), a trust anchor
#   parent.signed                 the parent zone example. (its own one key, also signed
#                                 with -z) with the delegation to onekey.example. and its DS
#   parent.ds                     the DS of the parent's key, the other trust anchor
#   onekey.signed                 the zone as signed: secure
#   dnskey-rrsig-removed.signed   the DNSKEY RRset's RRSIG deleted
#   dnskey-rrsig-expired.signed   the DNSKEY RRSIG replaced by one whose window ended
#   dnskey-rrsig-future.signed    the DNSKEY RRSIG replaced by one whose window starts later
#   dnskey-other-key.signed       a second key (flags 256) added to the DNSKEY RRset, which
#                                 it alone signs; no DS matches it
#   dnskey-foreign-rrsig.signed   the DNSKEY RRSIG replaced by one of a key not in the set
#   apex-ns-rrsig-removed.signed  the apex NS RRset's RRSIG deleted
#   a-rrsig-removed.signed        the RRSIG of www's A RRset deleted
#   all-rrsigs-removed.signed     every RRSIG deleted
# -P: the signer does not check its output, which would refuse the expired and future
# windows. Keys are made once and then reused (keys/), so the DNSKEY and DS records stay put when
# the script runs again; only the ECDSA signatures change (ECDSA signing is randomised).
# Needs bind9-utils (dnssec-keygen, dnssec-signzone, dnssec-dsfromkey):
# scripts/install-deps.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/data/dnssec/bind"
keys="$dir/keys"
zone=onekey.example
# Fixed windows (RRSIG times are 32-bit serial numbers, RFC 4034 §3.1.5): tests validate
# at 2026-01-01, inside the good window, after the expired one, before the future one.
good=(-s 20250101000000 -e 20450101000000)
expired=(-s 20100101000000 -e 20110101000000)
future=(-s 20400101000000 -e 20440101000000)

mkdir -p "$keys"
cd "$keys"
key_with_flags() { # the first key file (without .key) whose DNSKEY has these flags
  for k in K$zone.+013+*.key; do
    [ -f "$k" ] && grep -q "DNSKEY[[:space:]]*$1 " "$k" && basename "$k" .key && return
  done
  true
}
csk=$(key_with_flags 257)
[ -n "$csk" ] || csk=$(dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -L 3600 $zone)
# A second key of the zone that no DS matches (flags 256), and a key of another zone
# directory that is never published, for the foreign signature.
other=$(key_with_flags 256)
[ -n "$other" ] || other=$(dnssec-keygen -q -a ECDSAP256SHA256 -L 3600 $zone)
mkdir -p foreign
foreign=$(cd foreign && ls K$zone.+013+*.key 2>/dev/null | head -n1 | sed 's/\.key$//' || true)
[ -n "$foreign" ] || foreign=$(cd foreign && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -L 3600 $zone)
dnssec-dsfromkey -2 "$csk.key" > "$dir/onekey.ds"
mkdir -p parent
parent_key=$(cd parent && ls Kexample.+013+*.key 2>/dev/null | head -n1 | sed 's/\.key$//' || true)
[ -n "$parent_key" ] || parent_key=$(cd parent && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -L 3600 example)
dnssec-dsfromkey -2 "parent/$parent_key.key" > "$dir/parent.ds"

cd "$dir"
cat > onekey.zone <<ZONE
; $zone: a small zone with one combined signing key, signed by dnssec-signzone -z.
; Written by scripts/make-bind-fixtures.sh.
\$ORIGIN $zone.
\$TTL 3600
@       SOA   ns1 hostmaster 2025010101 7200 3600 1209600 300
        NS    ns1
        NS    ns2.example.org.
        MX    10 mail
ns1     A     192.0.2.53
mail    A     192.0.2.25
www     A     192.0.2.80
        AAAA  2001:db8::80
_25._tcp.mail TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
ZONE

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# sign OUT KEYDIR KEY... [-- SIGNZONE OPTIONS]: the zone with its own DNSKEYs included.
sign() {
  local out=$1 keydir=$2
  shift 2
  local keyfiles=() opts=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do keyfiles+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  opts=("$@")
  cp onekey.zone "$tmp/in.zone"
  for k in "${keyfiles[@]}"; do cat "$keydir/$k.key" >> "$tmp/in.zone"; done
  dnssec-signzone -q -P -z -N keep -O full -d "$tmp" -K "$keydir" -o $zone -f "$out" \
    "${opts[@]}" "$tmp/in.zone" "${keyfiles[@]}" > /dev/null
}
is_dnskey_rrsig='$4 == "RRSIG" && $5 == "DNSKEY"'

sign onekey.signed "$keys" "$csk" -- "${good[@]}"
awk "!($is_dnskey_rrsig)" onekey.signed > dnskey-rrsig-removed.signed
for case in expired future; do
  declare -n window=$case
  sign "$tmp/$case.signed" "$keys" "$csk" -- "${window[@]}"
  { awk "!($is_dnskey_rrsig)" onekey.signed; awk "$is_dnskey_rrsig" "$tmp/$case.signed"; } \
    > "$tmp/$case.out"
done
mv "$tmp/expired.out" dnskey-rrsig-expired.signed
mv "$tmp/future.out" dnskey-rrsig-future.signed

# The second key in the DNSKEY RRset, signing it alone: the CSK's DNSKEY is included as a
# record and only the other key is given to the signer.
cp onekey.zone "$tmp/in.zone"
cat "$keys/$csk.key" >> "$tmp/in.zone"
cat "$keys/$other.key" >> "$tmp/in.zone"
dnssec-signzone -q -P -z -N keep -O full -d "$tmp" -K "$keys" -o $zone -f dnskey-other-key.signed \
  "${good[@]}" "$tmp/in.zone" "$other" > /dev/null

# A DNSKEY RRSIG made by a key that is not in the set at all.
sign "$tmp/foreign.signed" "$keys/foreign" "$foreign" -- "${good[@]}"
{ awk "!($is_dnskey_rrsig)" onekey.signed; awk "$is_dnskey_rrsig" "$tmp/foreign.signed"; } \
  > dnskey-foreign-rrsig.signed

# The parent: the delegation's NS RRset equals the child's apex NS RRset, so that the two
# copies form one RRset when both zones are read together.
cat > "$tmp/parent.zone" <<ZONE
\$ORIGIN example.
\$TTL 3600
@       SOA   ns hostmaster 2025010101 7200 3600 1209600 300
        NS    ns
ns      A     192.0.2.1
onekey  NS    ns1.onekey
        NS    ns2.example.org.
ns1.onekey A  192.0.2.53
ZONE
cat "$keys/parent/$parent_key.key" >> "$tmp/parent.zone"
cat "$dir/onekey.ds" >> "$tmp/parent.zone"
dnssec-signzone -q -P -z -N keep -O full -d "$tmp" -K "$keys/parent" -o example -f parent.signed \
  "${good[@]}" "$tmp/parent.zone" "$parent_key" > /dev/null

awk '!($4 == "RRSIG" && $5 == "NS" && $1 == "'$zone'.")' onekey.signed > apex-ns-rrsig-removed.signed
awk '!($4 == "RRSIG" && $5 == "A" && $1 == "www.'$zone'.")' onekey.signed > a-rrsig-removed.signed
awk '$4 != "RRSIG"' onekey.signed > all-rrsigs-removed.signed

for f in *.signed; do
  cmp -s "$f" onekey.signed && [ "$f" != onekey.signed ] && { echo "$f: nothing changed" >&2; exit 1; }
done
echo "wrote $(ls "$dir"/*.signed | wc -l) zones to $dir"
