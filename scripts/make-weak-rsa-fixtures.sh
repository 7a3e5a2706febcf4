#!/usr/bin/env bash
# Writes the fixtures of tests/data/dnssec/weak-rsa/ with ldns-keygen and ldns-signzone
# (OpenSSL underneath), which make the RSA keys below 1024 bits that Botan will not: the
# zone weak.example. signed three ways, for keys refused by a validator's policy:
#   weak-zsk.signed         KSK RSASHA256 2048 bits (signs the DNSKEY RRset), ZSK 512 bits
#                           (signs everything else); anchor ksk2048.ds
#   weak-only.signed        KSK and ZSK both 512 bits; anchor ksk512.ds
#   weak-and-strong.signed  KSKs of 512 and 2048 bits (each signs the DNSKEY RRset), ZSK
#                           of 512 bits; anchors ksk512.ds and ksk2048.ds together
# RSA PKCS#1 v1.5 signatures are deterministic: with the keys kept in keys/, reruns give
# the same files. Needs ldnsutils: scripts/install-deps.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/data/dnssec/weak-rsa"
zone=weak.example
# RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5); tests validate at 2026-01-01.
inception=20250101000000
expiration=20450101000000

mkdir -p "$dir/keys"
cd "$dir/keys"
# key NAME BITS [-k]: a key made once, under a stable name (a symlink to ldns' name).
key() {
  local name=$1 bits=$2 ksk=${3:-}
  if [ ! -f "$name.key" ]; then
    local made
    made=$(ldns-keygen -a RSASHA256 -b "$bits" $ksk $zone)
    rm -f "$made.ds"
    mv "$made.key" "$name.key"
    mv "$made.private" "$name.private"
  fi
}
key ksk2048 2048 -k
key ksk512 512 -k
key zsk512 512
for k in ksk2048 ksk512; do ldns-key2ds -n -2 "$k.key" > "$dir/$k.ds"; done

cat > "$dir/weak.zone" <<ZONE
; $zone: signed with RSA keys of 512 bits by scripts/make-weak-rsa-fixtures.sh.
\$ORIGIN $zone.
\$TTL 3600
@       SOA   ns1 hostmaster 2025010101 7200 3600 1209600 300
        NS    ns1
ns1     A     192.0.2.53
www     A     192.0.2.80
ZONE

sign() { # OUTPUT KEY...
  local out=$1
  shift
  ldns-signzone -o $zone -i $inception -e $expiration -f "$dir/$out" "$dir/weak.zone" "$@"
}
sign weak-zsk.signed ksk2048 zsk512
sign weak-only.signed ksk512 zsk512
sign weak-and-strong.signed ksk512 ksk2048 zsk512
echo "wrote $dir"
