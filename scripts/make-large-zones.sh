#!/usr/bin/env bash
# Writes three signed zones of 1,000+ names into tests/data/zones/large/, each signed by an
# independent signer, for tests that validate a whole zone file (validator, build_chain,
# `dane verify --query`) where the NSEC or NSEC3 chain is far longer than one proof may use:
#   bind-nsec.example.signed    dnssec-signzone (bind9-utils), NSEC
#   bind-nsec3.example.signed   dnssec-signzone -3 (NSEC3, no salt, no extra iterations as
#                               RFC 9276 §3.1 asks)
#   ldns-nsec3.example.signed   ldns-signzone -n (ldnsutils), NSEC3, same parameters
#   <zone>.ds                   the DS of each zone's KSK (SHA-256), the trust anchor
# Keys are made afresh in a temporary directory and not kept: the committed files are the
# fixtures. The validity window is fixed and long; tests pass a time inside it.
# Needs bind9-utils and ldnsutils (scripts/install-deps.sh). Output is one record per
# line, so each file stays well under 1 MiB.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/tests/data/zones/large"
hosts=${HOSTS:-1000}
inception=20250101000000
expiration=20350101000000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# The unsigned zone: the apex, $hosts hosts with an A record (every tenth one a TXT too), a
# wildcard, an empty non-terminal, a CNAME and an unsigned delegation with glue.
write_zone() {
  local zone=$1 file=$2
  {
    echo "\$ORIGIN $zone."
    echo "\$TTL 3600"
    echo "@ SOA ns1 hostmaster 2025010101 7200 3600 1209600 300"
    echo "@ NS ns1"
    echo "@ MX 10 h1"
    echo "ns1 A 192.0.2.53"
    echo "*.wild TXT \"wildcard\""
    echo "leaf.ent A 192.0.2.80"
    echo "alias CNAME h2"
    echo "deleg NS ns.deleg"
    echo "ns.deleg A 192.0.2.54"
    for ((i = 0; i < hosts; i++)); do
      echo "h$i A 192.0.2.$((i % 250 + 1))"
      if ((i % 10 == 0)); then echo "h$i TXT \"host $i\""; fi
    done
  } > "$file"
}

# dnssec-signzone: a KSK and a ZSK (ECDSAP256SHA256), full one-line output.
bind_sign() {
  local zone=$1 nsec3=$2
  local dir="$work/$zone"
  mkdir -p "$dir"
  write_zone "$zone" "$dir/zone"
  (
    cd "$dir"
    ksk=$(dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$zone")
    zsk=$(dnssec-keygen -q -a ECDSAP256SHA256 "$zone")
    cat "$ksk.key" "$zsk.key" | grep -v '^;' >> zone
    args=(-q -P -O full -o "$zone" -s "$inception" -e "$expiration" -f "$out/$zone.signed")
    if [ "$nsec3" = yes ]; then args+=(-3 - -H 0); fi
    dnssec-signzone "${args[@]}" zone "$ksk" "$zsk" > /dev/null
    dnssec-dsfromkey -2 "$ksk.key" > "$out/$zone.ds"
  )
}

# ldns-signzone -n: one KSK and one ZSK (ECDSAP256SHA256).
ldns_sign() {
  local zone=$1
  local dir="$work/$zone"
  mkdir -p "$dir"
  write_zone "$zone" "$dir/zone"
  (
    cd "$dir"
    ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$zone")
    zsk=$(ldns-keygen -a ECDSAP256SHA256 "$zone")
    ldns-signzone -n -t 0 -i "$inception" -e "$expiration" -f "$out/$zone.signed" \
      zone "$ksk" "$zsk"
    ldns-key2ds -n -2 "$ksk.key" > "$out/$zone.ds"
  )
}

bind_sign bind-nsec.example no
bind_sign bind-nsec3.example yes
ldns_sign ldns-nsec3.example
ls -l "$out"
