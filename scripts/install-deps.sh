#!/usr/bin/env bash
# Installs everything dane needs to build, test, fuzz and benchmark on Debian 12.
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  # build
  g++ clang-14 lld-14 meson ninja-build pkg-config clang-format
  # crypto, X.509 and TLS
  libbotan-2-dev
  # tests
  doctest-dev
  # TLS reporting: gzip report bodies (zlib), reading received reports (nlohmann/json)
  zlib1g-dev nlohmann-json3-dev
  # fuzzing and sanitizers for clang
  libclang-rt-14-dev
  # peers for benchmarks
  libldns-dev libknot-dev libssl-dev
  # real servers and tools for integration tests and fixtures
  knot knot-dnsutils ldnsutils unbound openssl python3
  # dnssec-keygen/-signzone/-dsfromkey, dig and delv for the loopback test bed
  bind9-utils bind9-dnsutils
  # standalone Asio for the event-loop example (examples/resolve_asio.cpp)
  libasio-dev
  # unbound-host, compared with `dane lookup` in benchmarks/lookup_wall_time.py
  unbound-host
  # a Debian 13 chroot for the Botan 3 build
  mmdebstrap
  # real SMTP servers and clients for the mail cases of the test bed (scripts/testbed/mta.sh);
  # swaks needs Net::SSLeay for STARTTLS
  postfix swaks libnet-ssleay-perl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
# Postfix's package asks how to set up a system MTA: "No configuration" writes no
# /etc/postfix/main.cf, so nothing starts on port 25 of the host (the test bed runs its own
# instances).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
