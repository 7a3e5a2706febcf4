#!/usr/bin/env bash
# A signed DNS hierarchy on loopback, served by real servers, for tests against real answers.
#
#   testbed.sh up DIR     makes keys and zones in DIR, signs them with dnssec-signzone
#                         (bind9-utils) and ldns-signzone (ldnsutils), starts four knotd
#                         (root, TLD, second level, third level) and two Unbound (one
#                         validating with the hierarchy's own trust anchor, one not), and
#                         writes DIR/env (addresses, anchor files, PID files)
#   testbed.sh down DIR   stops every process started by `up DIR`, by the PIDs it recorded
#
# Run as root: the servers listen on port 53 of 127.x addresses (Unbound queries port 53
# whatever the root hints say). Nothing leaves loopback: the root hints name only the local
# root, every glue record points at 127.x, and Unbound sends from its own 127.x address.
# The address block is DANE_TESTBED_NET (default 127.53): servers at NET.0.1 to NET.0.4,
# the validating Unbound at NET.1.1, the non-validating one at NET.1.2.
#
# `up` is idempotent: it first stops what an earlier `up DIR` left running and remakes DIR's
# contents; on any failure it stops what it started and exits non-zero.
#
# The hierarchy (TLD `danebed.`: Unbound answers `test.` itself, RFC 6761 §6.2):
#   .                      RSASHA256 (8), NSEC, dnssec-signzone
#   danebed.               ECDSAP256SHA256 (13), NSEC3 with opt-out, dnssec-signzone
#   alg8.danebed.          RSASHA256, NSEC, dnssec-signzone; a TXT RRset too large for UDP,
#                          a CNAME into alg13 (which continues into alg15)
#   alg13.danebed.         ECDSAP256SHA256, NSEC, ldns-signzone; a wildcard, a DNAME to
#                          alg15, one RRset whose RRSIG is corrupted after signing, and an
#                          unsigned child unsigned.alg13.danebed. (no DS: proven by NSEC)
#   alg15.danebed.         ED25519, NSEC3 (no opt-out), dnssec-signzone; a wildcard
#   insecure.danebed.      unsigned, delegated without DS (covered by the TLD's opt-out)
#   expired.danebed.       ECDSAP256SHA256, signatures that expired a day ago
#   wrongds.danebed.       ECDSAP256SHA256, the TLD's DS matches no key of the zone
#   nokeysig.danebed.      ECDSAP256SHA256, ldns-signzone, the RRSIGs over its DNSKEY RRset
#                          removed after signing
#   many.danebed.          ECDSAP256SHA256, NSEC3, ldns-signzone; 120 names, so more than 64
#                          NSEC3 records
#   smtp.danebed.          ECDSAP256SHA256, NSEC, ldns-signzone; the mail cases below
# Mail names `_25._tcp.mail.<zone>` carry TLSA records in alg8, alg13, alg15 and insecure.
#
# Mail cases, for real SMTP servers on loopback (scripts/testbed/mta.sh starts them on the
# addresses NET.2.x published here; tests/integration/mta.py checks them): each next-hop
# domain has MX records, each MX host an A record and, where the case wants one, a TLSA
# record at _25._tcp.<host> computed with openssl from a certificate made at bring-up by
# scripts/testbed/make-mta-certs.sh (in DIR/mail/certs). DIR/mail/cases.tsv lists them for
# the scripts and tests; the table `mail_rows` below is where they are defined.
# Key names are assigned through printf -v; '$ORIGIN' is zone-file text.
# shellcheck disable=SC2154,SC2016
set -euo pipefail

usage() {
  echo "usage: $0 up DIR | down DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$2
case $action in up | down) ;; *) usage ;; esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
run=$dir/run

net=${DANE_TESTBED_NET:-127.53}
root_ip=$net.0.1
tld_ip=$net.0.2
sld_ip=$net.0.3
leaf_ip=$net.0.4
validating_ip=$net.1.1
plain_ip=$net.1.2
tld=danebed

# The PID in PIDFILE if that process is still one of ours (knotd or unbound).
live_pid() { # PIDFILE
  local pid
  pid=$(tr -dc '0-9' <"$1" 2>/dev/null || true)
  [ -n "$pid" ] && [ -d "/proc/$pid" ] &&
    grep -qaE '(knotd|unbound)' "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
  return 0
}

# Stops every process whose PID file is in DIR/run: all are asked to stop at once, any
# still running after five seconds is killed; then the PID files go.
down() {
  local f pid pids=() i
  [ -d "$run" ] || return 0
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(live_pid "$f")
    if [ -n "$pid" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for i in $(seq 50); do
    local left=()
    for pid in "${pids[@]}"; do [ -d "/proc/$pid" ] && left+=("$pid"); done
    pids=("${left[@]}")
    [ ${#pids[@]} -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    echo "testbed: PID $pid did not stop in 5 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$run"/*.pid
}

if [ "$action" = down ]; then
  down
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "testbed: must run as root (servers listen on port 53)" >&2
  exit 1
fi
for tool in knotd unbound dnssec-keygen dnssec-signzone dnssec-dsfromkey ldns-keygen \
  ldns-signzone ldns-key2ds kdig; do
  command -v "$tool" >/dev/null || {
    echo "testbed: $tool not found (scripts/install-deps.sh installs it)" >&2
    exit 1
  }
done

# Leftovers of an earlier run go first, so that `up` can be repeated.
down

# Another bed (or any server) on these addresses would answer in place of ours: refuse.
# knotd and Unbound set SO_REUSEPORT, so binding alone would not always notice.
all_ips=("$root_ip" "$tld_ip" "$sld_ip" "$leaf_ip" "$validating_ip" "$plain_ip")
busy=$(ss -Hlntu 2>/dev/null | awk '{print $5}' | grep -E ':53$' || true)
for ip in "${all_ips[@]}" 0.0.0.0 '*'; do
  if grep -qxF "$ip:53" <<<"$busy"; then
    echo "testbed: something already listens on $ip port 53 (another bed? set" \
      "DANE_TESTBED_NET to another 127.x block)" >&2
    exit 1
  fi
done
rm -rf "$dir/keys" "$dir/zones" "$dir/knot" "$dir/unbound" "$dir/mail" "$run" "$dir/env"
mkdir -p "$dir/keys" "$dir/zones" "$dir/knot" "$dir/unbound" "$dir/mail" "$run"

finished=0
cleanup() {
  local rc=$?
  [ "$finished" = 1 ] && return 0
  echo "testbed: bring-up failed (status $rc); stopping what was started" >&2
  down
  exit $((rc == 0 ? 1 : rc))
}
trap cleanup EXIT

keys=$dir/keys
zones=$dir/zones
# Signatures valid from an hour ago for 30 days; the expired zone's ended a day ago.
inception=$(date -u -d '-1 hour' +%Y%m%d%H%M%S)
expiration=$(date -u -d '+30 days' +%Y%m%d%H%M%S)
old_inception=$(date -u -d '-30 days' +%Y%m%d%H%M%S)
old_expiration=$(date -u -d '-1 day' +%Y%m%d%H%M%S)

# BIND keys: prints the key's base name (Kzone.+alg+tag). KSKs get the SEP flag (257).
bind_key() { # ZONE ALGORITHM ksk|zsk
  local bits=()
  [ "$2" = RSASHA256 ] && bits=(-b 2048)
  local flags=()
  [ "$3" = ksk ] && flags=(-f KSK)
  dnssec-keygen -q -K "$keys" -a "$2" "${bits[@]}" "${flags[@]}" -n ZONE "$1"
}
bind_ds() { # KEYBASE: the SHA-256 DS (RFC 4509)
  dnssec-dsfromkey -2 "$keys/$1.key"
}

soa() { # ZONE NS-NAME
  printf '$ORIGIN %s\n$TTL 3600\n' "$1"
  local mailbox=hostmaster.$1
  [ "$1" = . ] && mailbox=hostmaster.$tld.
  printf '@ SOA %s %s 1 7200 3600 1209600 300\n' "$2" "$mailbox"
}

# Keys for the signed zones, made in parallel (RSA key generation dominates bring-up).
# Each job leaves the key's base name in keys/ROLE.name.
keygen_jobs=()
bind_key_job() { # ROLE ZONE ALGORITHM ksk|zsk
  bind_key "$2" "$3" "$4" >"$keys/$1.name" &
  keygen_jobs+=($!)
}
bind_key_job root_ksk . RSASHA256 ksk
bind_key_job root_zsk . RSASHA256 zsk
bind_key_job alg8_ksk alg8.$tld. RSASHA256 ksk
bind_key_job alg8_zsk alg8.$tld. RSASHA256 zsk
bind_key_job tld_ksk $tld. ECDSAP256SHA256 ksk
bind_key_job tld_zsk $tld. ECDSAP256SHA256 zsk
bind_key_job alg15_ksk alg15.$tld. ED25519 ksk
bind_key_job alg15_zsk alg15.$tld. ED25519 zsk
bind_key_job expired_ksk expired.$tld. ECDSAP256SHA256 ksk
bind_key_job expired_zsk expired.$tld. ECDSAP256SHA256 zsk
bind_key_job wrongds_ksk wrongds.$tld. ECDSAP256SHA256 ksk
bind_key_job wrongds_zsk wrongds.$tld. ECDSAP256SHA256 zsk
# A key never published in wrongds.danebed.: the TLD's DS for that zone points at it.
mkdir -p "$keys/ghost"
dnssec-keygen -q -K "$keys/ghost" -a ECDSAP256SHA256 -f KSK -n ZONE wrongds.$tld. \
  >"$keys/wrongds_ghost.name"
(
  cd "$keys"
  ldns-keygen -a ECDSAP256SHA256 -k alg13.$tld. >alg13_ksk.name
  ldns-keygen -a ECDSAP256SHA256 alg13.$tld. >alg13_zsk.name
  ldns-keygen -a ECDSAP256SHA256 -k nokeysig.$tld. >nokeysig_ksk.name
  ldns-keygen -a ECDSAP256SHA256 nokeysig.$tld. >nokeysig_zsk.name
  ldns-keygen -a ECDSAP256SHA256 -k many.$tld. >many_ksk.name
  ldns-keygen -a ECDSAP256SHA256 many.$tld. >many_zsk.name
  ldns-keygen -a ECDSAP256SHA256 -k smtp.$tld. >smtp_ksk.name
  ldns-keygen -a ECDSAP256SHA256 smtp.$tld. >smtp_zsk.name
)
for job in "${keygen_jobs[@]}"; do wait "$job"; done
for role in root_ksk root_zsk alg8_ksk alg8_zsk tld_ksk tld_zsk alg15_ksk alg15_zsk \
  expired_ksk expired_zsk wrongds_ksk wrongds_zsk wrongds_ghost alg13_ksk alg13_zsk \
  nokeysig_ksk nokeysig_zsk many_ksk many_zsk smtp_ksk smtp_zsk; do
  name=$(cat "$keys/$role.name")
  [ -n "$name" ] || { echo "testbed: no key made for $role" >&2; exit 1; }
  printf -v "$role" '%s' "$name"
done

# The trust anchor: the root KSK's DS, for Unbound and `dane verify`, and as a
# trust-anchors clause for delv.
bind_ds "$root_ksk" >"$dir/anchor.ds"
read -r _ _ _ tag alg dtype digest <"$dir/anchor.ds"
printf 'trust-anchors {\n  "." static-ds %s %s %s "%s";\n};\n' "$tag" "$alg" "$dtype" \
  "$digest" >"$dir/anchor.delv"

mail_tlsa() { # a DANE-EE(3) SPKI(1) SHA2-256(1) record (RFC 7672 §3.1.1) with a made-up digest
  printf '_25._tcp.mail TLSA 3 1 1 %s\n' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"
}

{
  soa . ns1.$tld.
  echo ". NS ns1.$tld."
  echo "$tld. NS ns2.$tld."
  bind_ds "$tld_ksk"
  echo "ns1.$tld. A $root_ip"
  echo "ns2.$tld. A $tld_ip"
} >"$zones/root.zone"

{
  soa $tld. ns2
  echo "@ NS ns2"
  echo "ns1 A $root_ip"
  echo "ns2 A $tld_ip"
  echo "nic TXT \"the TLD of the dane test bed\""
  for child in alg8 alg13 alg15 expired wrongds nokeysig many insecure smtp; do
    echo "$child NS ns.$child"
    echo "ns.$child A $sld_ip"
  done
  bind_ds "$alg8_ksk"
  ldns-key2ds -n -2 "$keys/$alg13_ksk.key"
  ldns-key2ds -n -2 "$keys/$nokeysig_ksk.key"
  ldns-key2ds -n -2 "$keys/$many_ksk.key"
  ldns-key2ds -n -2 "$keys/$smtp_ksk.key"
  bind_ds "$alg15_ksk"
  bind_ds "$expired_ksk"
  dnssec-dsfromkey -2 "$keys/ghost/$wrongds_ghost.key"
  # insecure.danebed. gets no DS: an unsigned delegation (RFC 4035 §5.2).
} >"$zones/$tld.zone"

big_txt() { # 40 strings of 60 octets: well over 1232 octets with the RRSIG (RFC 9715)
  local i
  for i in $(seq -w 1 40); do
    printf 'big TXT "%s-%s"\n' "$i" "$(printf 'x%.0s' $(seq 57))"
  done
}

{
  soa alg8.$tld. ns
  echo "@ NS ns"
  echo "@ MX 10 mail"
  echo "ns A $sld_ip"
  echo "www A 192.0.2.8"
  echo "mail A 192.0.2.25"
  mail_tlsa alg8
  echo "chain CNAME hop.alg13.$tld."
  big_txt
} >"$zones/alg8.$tld.zone"

{
  soa alg13.$tld. ns
  echo "@ NS ns"
  echo "@ MX 10 mail"
  echo "ns A $sld_ip"
  echo "www A 192.0.2.13"
  echo "mail A 192.0.2.25"
  mail_tlsa alg13
  echo "hop CNAME www.alg15.$tld."
  echo "*.wild TXT \"wildcard in an NSEC zone\""
  echo "old DNAME alg15.$tld."
  echo "badsig A 192.0.2.66"
  echo "unsigned NS ns.unsigned"
  echo "ns.unsigned A $leaf_ip"
} >"$zones/alg13.$tld.zone"

{
  soa alg15.$tld. ns
  echo "@ NS ns"
  echo "@ MX 10 mail"
  echo "ns A $sld_ip"
  echo "www A 192.0.2.15"
  echo "mail A 192.0.2.25"
  mail_tlsa alg15
  echo "*.wild TXT \"wildcard in an NSEC3 zone\""
} >"$zones/alg15.$tld.zone"

# The mail cases, one row per server (columns separated by blanks):
#   NAME      the server's name in DIR/mail (certificate, instance directory)
#   ADDRESS   its 127.x address (port 25), the MX host's A record
#   MX-HOST   its host name
#   DOMAIN    the next-hop domain whose MX record names it
#   MX        the MX preference; PREF@ALIAS: the MX record names ALIAS, a CNAME to MX-HOST;
#             -: no MX record names this host
#   SERVER    on: Postfix with STARTTLS; off: Postfix without it; strip:NAME: a proxy that
#             forwards to server NAME and removes STARTTLS from its EHLO reply
#   TLSA      the certificate whose key a "3 1 1" record matches (NAME of a row, or `unused`:
#             a key no server holds), `ca`: "2 0 1" of the private CA, -: no TLSA record
#   STATUS    what a validating resolver makes of the TLSA RRset: secure, bogus (its RRSIG
#             is corrupted after signing), insecure (the zone has no DS), none (securely
#             absent)
# The `ta` server's certificate is issued by the private CA; every other one is self-signed.
s=smtp.$tld.
i=insecure.$tld.
mail_rows=(
  "ee            $net.2.1  mx-ee.$s            ee.$s          10            on    ee            secure"
  "ta            $net.2.2  mx-ta.$s            ta.$s          10            on    ca            secure"
  "mismatch      $net.2.3  mx-mismatch.$s      mismatch.$s    10            on    unused        secure"
  "nostarttls    $net.2.4  mx-nostarttls.$s    nostarttls.$s  10            off   nostarttls    secure"
  "bogus         $net.2.5  mx-bogus.$s         bogus.$s       10            on    bogus         bogus"
  "notlsa        $net.2.6  mx-notlsa.$s        notlsa.$s      10            on    -             none"
  "insecure      $net.2.7  mx.smtp.$i          smtp.$i        10            on    unused        insecure"
  "cname         $net.2.8  mx-cname.$s         cname.$s       10@mx-alias.$s on   cname         secure"
  "twomx-bad     $net.2.9  mx-twomx-bad.$s     twomx.$s       10            on    unused        secure"
  "twomx-good    $net.2.10 mx-twomx-good.$s    twomx.$s       20            on    twomx-good    secure"
  "strip         $net.2.11 mx-strip.$s         strip.$s       10  strip:strip-backend strip-backend secure"
  "strip-backend $net.2.12 mx-strip-backend.$s strip.$s       -             on    strip-backend secure"
)
unset s i

mail=$dir/mail
certs=$mail/certs
cert_specs=()
for row in "${mail_rows[@]}"; do
  read -r name _ host _ _ server tlsa _ <<<"$row"
  case $server in strip:*) continue ;; esac
  spec=$name:$host
  [ "$tlsa" = ca ] && spec=$spec:ca
  cert_specs+=("$spec")
done
"$(dirname "${BASH_SOURCE[0]}")/make-mta-certs.sh" "$certs" "${cert_specs[@]}"

# The records of each row, with absolute names, and DIR/mail/cases.tsv.
mail_records() { # ZONE: the records of the rows whose host is in ZONE
  local row name addr host domain mx server tlsa status pref alias
  for row in "${mail_rows[@]}"; do
    read -r name addr host domain mx server tlsa status <<<"$row"
    [[ $host == *".$1" ]] || continue
    echo "$host A $addr"
    case $tlsa in
      -) ;;
      ca) echo "_25._tcp.$host TLSA 2 0 1 $(cat "$certs/ca.cert-sha256")" ;;
      *) echo "_25._tcp.$host TLSA 3 1 1 $(cat "$certs/$tlsa.spki-sha256")" ;;
    esac
    [ "$mx" = - ] && continue
    pref=${mx%%@*}
    if [ "$pref" != "$mx" ]; then
      alias=${mx#*@}
      echo "$domain MX $pref $alias"
      echo "$alias CNAME $host"
    else
      echo "$domain MX $pref $host"
    fi
  done
}
{
  printf '# name\taddress\tmx_host\tdomain\tmx\tserver\ttlsa\ttlsa_status\n'
  for row in "${mail_rows[@]}"; do
    read -r name addr host domain mx server tlsa status <<<"$row"
    case $tlsa in
      -) rdata=- ;;
      ca) rdata="2 0 1 $(cat "$certs/ca.cert-sha256")" ;;
      *) rdata="3 1 1 $(cat "$certs/$tlsa.spki-sha256")" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$addr" "$host" "$domain" "$mx" \
      "$server" "$rdata" "$status"
  done
} >"$mail/cases.tsv"

{
  soa smtp.$tld. ns
  echo "@ NS ns"
  echo "ns A $sld_ip"
  mail_records smtp.$tld.
} >"$zones/smtp.$tld.zone"

for z in expired wrongds nokeysig insecure; do
  {
    soa $z.$tld. ns
    echo "@ NS ns"
    echo "ns A $sld_ip"
    echo "www A 192.0.2.1"
    echo "mail A 192.0.2.25"
    [ $z = insecure ] && mail_tlsa insecure && mail_records insecure.$tld.
    true
  } >"$zones/$z.$tld.zone"
done

{
  soa many.$tld. ns
  echo "@ NS ns"
  echo "ns A $sld_ip"
  for i in $(seq -w 1 120); do echo "h$i A 192.0.2.$((10#$i))"; done
} >"$zones/many.$tld.zone"

{
  soa unsigned.alg13.$tld. ns
  echo "@ NS ns"
  echo "ns A $leaf_ip"
  echo "www A 192.0.2.2"
} >"$zones/unsigned.alg13.$tld.zone"

# Signing. dnssec-signzone: -d keeps dsset- files in the key directory, -P allows the
# expired window, -3 - -H 0 is NSEC3 without salt or extra iterations (RFC 9276 §3.1).
bind_sign() { # ZONE FILE [OPTIONS...] -- KEYS...
  local zone=$1 file=$2
  shift 2
  local opts=()
  while [ "$1" != -- ]; do
    opts+=("$1")
    shift
  done
  shift
  # dnssec-signzone signs with the keys whose DNSKEY records the zone holds.
  local k keyfiles=()
  cp "$zones/$file.zone" "$zones/$file.keyed"
  for k in "$@"; do
    keyfiles+=("$keys/$k")
    grep -v '^;' "$keys/$k.key" >>"$zones/$file.keyed"
  done
  dnssec-signzone -q -K "$keys" -d "$keys" -o "$zone" -f "$zones/$file.signed" \
    "${opts[@]}" "$zones/$file.keyed" "${keyfiles[@]}" >/dev/null
}
bind_sign . root -s "$inception" -e "$expiration" -- "$root_ksk" "$root_zsk"
bind_sign $tld. $tld -3 - -H 0 -A -s "$inception" -e "$expiration" -- "$tld_ksk" "$tld_zsk"
bind_sign alg8.$tld. alg8.$tld -s "$inception" -e "$expiration" -- "$alg8_ksk" "$alg8_zsk"
bind_sign alg15.$tld. alg15.$tld -3 - -H 0 -s "$inception" -e "$expiration" -- \
  "$alg15_ksk" "$alg15_zsk"
bind_sign expired.$tld. expired.$tld -P -s "$old_inception" -e "$old_expiration" -- \
  "$expired_ksk" "$expired_zsk"
bind_sign wrongds.$tld. wrongds.$tld -s "$inception" -e "$expiration" -- \
  "$wrongds_ksk" "$wrongds_zsk"
ldns-signzone -i "$inception" -e "$expiration" -f "$zones/alg13.$tld.signed" \
  "$zones/alg13.$tld.zone" "$keys/$alg13_ksk" "$keys/$alg13_zsk"
# One RRset made bogus: one base64 digit in the middle of its RRSIG signature changed, so
# the record still parses but the signature fails (RFC 4035 §5.3.3).
corrupt_rrsig() { # SIGNED-ZONE-FILE OWNER TYPE (ldns-signzone's one-record-a-line output)
  awk -v owner="$2" -v type="$3" -v OFS='\t' '
  $1 == owner && $4 == "RRSIG" && $5 == type {
    n = split($0, f, /[ \t]+/); sig = f[13]; for (i = 14; i <= n; i++) sig = sig f[i]
    mid = int(length(sig) / 2); c = substr(sig, mid, 1)
    sig = substr(sig, 1, mid - 1) (c == "A" ? "B" : "A") substr(sig, mid + 1)
    line = f[1]; for (i = 2; i <= 12; i++) line = line OFS f[i]; print line OFS sig
    done++; next }
  { print }
  END { if (!done) exit 1 }' "$1" >"$1.bogus"
  mv "$1.bogus" "$1"
}
corrupt_rrsig "$zones/alg13.$tld.signed" "badsig.alg13.$tld." A
# A DNSKEY RRset without signatures: nothing can link the DS to the zone's keys (RFC 4035
# §5.2 wants a DNSKEY RRset signed by the key the DS names).
ldns-signzone -i "$inception" -e "$expiration" -f "$zones/nokeysig.$tld.full" \
  "$zones/nokeysig.$tld.zone" "$keys/$nokeysig_ksk" "$keys/$nokeysig_zsk"
awk '!($4 == "RRSIG" && $5 == "DNSKEY")' "$zones/nokeysig.$tld.full" \
  >"$zones/nokeysig.$tld.signed"
ldns-signzone -n -t 0 -i "$inception" -e "$expiration" -f "$zones/many.$tld.signed" \
  "$zones/many.$tld.zone" "$keys/$many_ksk" "$keys/$many_zsk"
ldns-signzone -i "$inception" -e "$expiration" -f "$zones/smtp.$tld.signed" \
  "$zones/smtp.$tld.zone" "$keys/$smtp_ksk" "$keys/$smtp_zsk"
corrupt_rrsig "$zones/smtp.$tld.signed" "_25._tcp.mx-bogus.smtp.$tld." TLSA
cp "$zones/insecure.$tld.zone" "$zones/insecure.$tld.signed"
cp "$zones/unsigned.alg13.$tld.zone" "$zones/unsigned.alg13.$tld.signed"

# knotd: one instance per server, each only with the zones a real server there would hold,
# so that resolvers follow real referrals.
start_knot() { # NAME ADDRESS ZONE...
  local name=$1 ip=$2
  shift 2
  local kd=$dir/knot/$name
  mkdir -p "$kd/db"
  {
    echo "server:"
    echo "    rundir: \"$kd\""
    echo "    pidfile: \"$run/knot-$name.pid\""
    echo "    listen: $ip@53"
    echo "    udp-workers: 1"
    echo "    tcp-workers: 1"
    echo "    background-workers: 1"
    echo "log:"
    echo "  - target: \"$kd/knot.log\""
    echo "    any: info"
    # Zone transfers to loopback, so that tests can take a zone as served.
    echo "acl:"
    echo "  - id: loopback-transfer"
    echo "    address: 127.0.0.0/8"
    echo "    action: transfer"
    echo "database:"
    echo "    storage: \"$kd/db\""
    echo "control:"
    echo "    listen: \"$kd/knot.sock\""
    echo "template:"
    echo "  - id: default"
    echo "    storage: \"$zones\""
    echo "    zonefile-sync: -1"
    echo "    journal-content: none"
    echo "    acl: loopback-transfer"
    echo "zone:"
    local z file
    for z in "$@"; do
      file=${z%.}
      [ "$z" = . ] && file=root
      echo "  - domain: \"$z\""
      echo "    file: \"$file.signed\""
    done
  } >"$kd/knot.conf"
  knotd -d -c "$kd/knot.conf"
}
start_knot root "$root_ip" .
start_knot tld "$tld_ip" $tld.
start_knot sld "$sld_ip" alg8.$tld. alg13.$tld. alg15.$tld. expired.$tld. wrongds.$tld. \
  nokeysig.$tld. many.$tld. insecure.$tld. smtp.$tld.
start_knot leaf "$leaf_ip" unsigned.alg13.$tld.

printf '. 3600000 NS ns1.%s.\nns1.%s. 3600000 A %s\n' $tld $tld "$root_ip" \
  >"$dir/unbound/root.hints"
start_unbound() { # NAME ADDRESS validating|plain
  local name=$1 ip=$2 ud=$dir/unbound
  {
    echo "server:"
    echo "    interface: $ip"
    echo "    port: 53"
    echo "    outgoing-interface: $ip"
    echo "    do-ip6: no"
    echo "    access-control: 127.0.0.0/8 allow"
    echo "    do-not-query-localhost: no"
    echo "    username: \"\""
    echo "    chroot: \"\""
    echo "    directory: \"$ud\""
    echo "    pidfile: \"$run/unbound-$name.pid\""
    echo "    logfile: \"$ud/$name.log\""
    echo "    use-syslog: no"
    echo "    verbosity: 1"
    echo "    num-threads: 1"
    echo "    so-reuseport: no"
    echo "    root-hints: \"$ud/root.hints\""
    echo "    trust-anchor-signaling: no"
    echo "    root-key-sentinel: no"
    if [ "$3" = validating ]; then
      echo "    module-config: \"validator iterator\""
      echo "    trust-anchor-file: \"$dir/anchor.ds\""
      echo "    val-log-level: 2"
      echo "    ede: yes"
    else
      echo "    module-config: \"iterator\""
    fi
    echo "remote-control:"
    echo "    control-enable: no"
  } >"$ud/$name.conf"
  unbound -c "$ud/$name.conf"
}
start_unbound validating "$validating_ip" validating
start_unbound plain "$plain_ip" plain

# Ready when every server answers for its zones (knotd loads them after it forks).
ready() { # ADDRESS NAME
  local i
  for i in $(seq 100); do
    kdig +time=1 +retry=0 @"$1" "$2" SOA 2>/dev/null | grep -q 'status: NOERROR' && return 0
    sleep 0.05
  done
  echo "testbed: $1 does not answer $2 SOA" >&2
  return 1
}
ready "$root_ip" .
ready "$tld_ip" $tld.
for z in alg8 alg13 alg15 expired wrongds nokeysig many insecure smtp; do ready "$sld_ip" $z.$tld.; done
ready "$leaf_ip" unsigned.alg13.$tld.
ready "$validating_ip" $tld.
ready "$plain_ip" $tld.
# Every server must still be running under the PID it recorded.
for name in knot-root knot-tld knot-sld knot-leaf unbound-validating unbound-plain; do
  if [ -z "$(live_pid "$run/$name.pid")" ]; then
    echo "testbed: $name is not running (see its log under $dir)" >&2
    exit 1
  fi
done

cat >"$dir/env" <<ENV
# Written by scripts/testbed/testbed.sh up; shell syntax.
TESTBED_DIR=$dir
TESTBED_TLD=$tld.
TESTBED_ROOT_SERVER=$root_ip
TESTBED_TLD_SERVER=$tld_ip
TESTBED_SLD_SERVER=$sld_ip
TESTBED_LEAF_SERVER=$leaf_ip
TESTBED_VALIDATING=$validating_ip
TESTBED_NONVALIDATING=$plain_ip
TESTBED_ANCHOR=$dir/anchor.ds
TESTBED_DELV_ANCHOR=$dir/anchor.delv
TESTBED_INCEPTION=$inception
TESTBED_EXPIRATION=$expiration
TESTBED_MAIL_CASES=$mail/cases.tsv
TESTBED_MAIL_CERTS=$certs
TESTBED_PIDFILES="$(printf '%s ' "$run"/*.pid | sed 's/ $//')"
ENV
finished=1
echo "testbed: up in $dir (validating $validating_ip, non-validating $plain_ip)"
