#!/usr/bin/env bash
# Writes and signs the small DANE mail zone in tests/data/zones/ (example.net.):
#   keys/                      ZSK and KSK (ECDSAP256SHA256, RFC 6605), the KSK's DS, and
#                              the mail server's key whose SPKI the TLSA record pins
#   example.net.zone           the unsigned zone
#   example.net.nsec.signed    the zone signed by ldns-signzone, NSEC denial (RFC 4034)
#   example.net.nsec3.signed   the same with NSEC3 (RFC 5155), no salt and no extra
#                              iterations as RFC 9276 §3.1 asks
# Keys are made once and then reused, so the DNSKEY, DS and TLSA records stay put when the
# script runs again; only the ECDSA signatures change (ECDSA signing is randomised).
# Needs ldnsutils (ldns-keygen, ldns-signzone) and openssl: scripts/install-deps.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/data/zones"
keys="$dir/keys"
zone=example.net
# A fixed validity window keeps the output independent of the day it is made; tests pass
# their own "now" inside it (RFC 4034 §3.1.5: both are 32-bit serial times).
inception=20250101000000
expiration=20350101000000

mkdir -p "$keys"
cd "$keys"

# One KSK (flags 257, SEP) and one ZSK (flags 256).
ksk=$(ls K$zone.+013+*.key 2>/dev/null | while read -r k; do
  grep -q 'DNSKEY[[:space:]]*257' "$k" && basename "$k" .key; done | head -n1 || true)
zsk=$(ls K$zone.+013+*.key 2>/dev/null | while read -r k; do
  grep -q 'DNSKEY[[:space:]]*256' "$k" && basename "$k" .key; done | head -n1 || true)
if [ -z "$ksk" ]; then
  ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$zone")
  rm -f "$ksk.ds"
fi
[ -n "$zsk" ] || zsk=$(ldns-keygen -a ECDSAP256SHA256 "$zone")
# The DS of the KSK with SHA-256 (RFC 4509), the trust anchor tests start from.
ldns-key2ds -n -2 "$ksk.key" > "$ksk.ds"

# The mail server's key; TLSA 3 1 1 pins the SHA-256 of its SubjectPublicKeyInfo
# (RFC 7672 §3.1.1 recommends DANE-EE(3) SPKI(1) SHA2-256(1)).
mailkey=mail.$zone.key.pem
[ -f "$mailkey" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$mailkey"
spki_sha256=$(openssl pkey -in "$mailkey" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)

cd "$dir"
cat > $zone.zone <<ZONE
; $zone: a small mail domain with DANE for SMTP (RFC 7672).
; Written by scripts/make-signed-zone.sh, which also signs it into $zone.nsec.signed
; and $zone.nsec3.signed.
\$ORIGIN $zone.
\$TTL 3600
@               SOA     ns1 hostmaster (
                        2025010101 ; serial
                        2h         ; refresh
                        1h         ; retry
                        2w         ; expire
                        300 )      ; minimum, the negative-caching TTL (RFC 2308 §4)
                NS      ns1
                NS      ns2.example.org.
                MX      10 mail
                TXT     "v=spf1 mx -all"
ns1             A       192.0.2.53
                AAAA    2001:db8::53
mail            A       192.0.2.25
                AAAA    2001:db8::25
_25._tcp.mail   TLSA    3 1 1 $spki_sha256
_smtp._tls      TXT     "v=TLSRPTv1; rua=mailto:tlsrpt@example.net"
www     300     CNAME   mail
ZONE

ldns-signzone -i "$inception" -e "$expiration" -f $zone.nsec.signed \
  $zone.zone "keys/$ksk" "keys/$zsk"
ldns-signzone -n -t 0 -i "$inception" -e "$expiration" -f $zone.nsec3.signed \
  $zone.zone "keys/$ksk" "keys/$zsk"
echo "signed $zone.nsec.signed and $zone.nsec3.signed with $ksk (KSK) and $zsk (ZSK)"
