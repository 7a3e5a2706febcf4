#!/usr/bin/env bash
# Builds dane and runs its unit suite against Botan 3, inside a Debian 13 (trixie) chroot.
#
#   scripts/botan3-chroot.sh OUTDIR
#
# Debian 12 ships only Botan 2, and trixie packages cannot be mixed into a bookworm host,
# so this script
#   1. makes (once) a trixie root file system with mmdebstrap, from the Debian mirror that
#      the host's apt sources name, and caches it as a tarball outside the clone
#      ($DANE_CI_CACHE, default /var/cache/dane-ci), keyed by a hash of the package list;
#   2. unpacks it into a scratch directory, and inside a private mount and PID namespace
#      (unshare) bind-mounts the source tree read-only at /src and builds out of tree in
#      /build with chroot; when the namespace ends, every mount in it goes away;
#   3. copies Meson's test logs to OUTDIR (testlog.json, read by scripts/tally-results.py)
#      and deletes the scratch directory.
# Exits with the status of the build and test run. Needs root.
#
# Environment:
#   DANE_CI_CACHE          where the tarball lives (default /var/cache/dane-ci)
#   DANE_CI_MIRROR         Debian mirror URL (default: read from the host's apt sources)
#   DANE_CI_REFRESH_CHROOT=1  rebuild the tarball even if one is cached
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$1
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "botan3-chroot: needs root (mmdebstrap, unshare --mount, chroot)" >&2
  exit 1
fi

suite=trixie
# What the build and the unit tests need inside the chroot. Add packages here; the cache key
# changes with this list, so the next run builds a new tarball.
packages=(
  g++ meson ninja-build pkg-config
  libbotan-3-dev
  doctest-dev
  zlib1g-dev nlohmann-json3-dev
  python3
  # `openssl s_server`, the real TLS server of tests/smtp/botan_tls_engine.cpp
  openssl
)

# The Debian mirror the host uses: the first enabled "deb" source, one-line (*.list) or
# deb822 (*.sources), whose suite is exactly the host's codename (so not -security,
# -updates, or a third-party suite such as "cloud-sdk-bookworm").
host_mirror() {
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 1
  for f in "${files[@]}"; do
    case "$f" in
    *.list)
      # deb [options] URI SUITE COMPONENTS...
      awk -v cn="$codename" '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == cn) { print $i; exit }
        }' "$f"
      ;;
    *.sources)
      # Paragraphs of "Field: value" lines, separated by blank lines.
      awk -v cn="$codename" '
        function check() {
          if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && (" " suites " ") ~ (" " cn " ")) {
            split(uris, u, " "); print u[1]; found = 1
          }
          types = ""; uris = ""; suites = ""; enabled = ""
        }
        /^#/ { next }
        /^[ \t]*$/ { check(); if (found) exit; next }
        {
          key = tolower($1); sub(/:$/, "", key)
          val = $0; sub(/^[^:]*:[ \t]*/, "", val)
          if (key == "types") types = val
          else if (key == "uris") uris = val
          else if (key == "suites") suites = val
          else if (key == "enabled") enabled = val
        }
        END { if (!found) check() }' "$f"
      ;;
    esac
  done | head -n 1
}

cache=${DANE_CI_CACHE:-/var/cache/dane-ci}
key=$(printf '%s\n' "mmdebstrap --variant=apt $suite" "${packages[@]}" | sha256sum | cut -c1-16)
tarball=$cache/$suite-$key.tar
mkdir -p "$cache"

# One CI run at a time builds the tarball; others wait for it.
exec 9>"$cache/lock"
flock 9
if [ "${DANE_CI_REFRESH_CHROOT:-0}" = 1 ] || [ ! -s "$tarball" ]; then
  mirror=${DANE_CI_MIRROR:-$(host_mirror || true)}
  if [ -z "$mirror" ]; then
    echo "botan3-chroot: no Debian mirror found in the host's apt sources; set DANE_CI_MIRROR" >&2
    exit 1
  fi
  command -v mmdebstrap >/dev/null || {
    echo "botan3-chroot: mmdebstrap missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  }
  echo "botan3-chroot: building $tarball from $mirror ($suite: ${packages[*]})"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  signed=""
  [ -f "$keyring" ] && signed="[signed-by=$keyring] "
  partial=$tarball.partial.$$
  # mmdebstrap picks the output format from the name; a plain .tar unpacks fastest.
  if ! mmdebstrap --variant=apt --quiet \
    --include="$(IFS=,; echo "${packages[*]}")" \
    "$suite" "$partial.tar" "deb ${signed}$mirror $suite main"; then
    rm -f "$partial.tar"
    echo "botan3-chroot: mmdebstrap failed" >&2
    exit 1
  fi
  mv "$partial.tar" "$tarball"
  # Keep only the tarball for the current package list.
  find "$cache" -maxdepth 1 -name "$suite-*.tar" ! -path "$tarball" -delete
else
  echo "botan3-chroot: using cached $tarball"
fi
flock -u 9

root=$(mktemp -d "${TMPDIR:-/var/tmp}/dane-botan3.XXXXXX")
cleanup() {
  # The mounts lived in the namespace that has ended; --one-file-system guards against any
  # that did not.
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
mkdir -p "$root/src" "$root/build"

# Inside the chroot: configure, build and run the whole suite. Benchmarks need
# packages the chroot does not have. Meson writes its logs under /build/dane/meson-logs.
inner='
set -e
export HOME=/build LANG=C.UTF-8
cd /build
meson setup dane /src -Dbenchmarks=disabled
status=0
# Go on past build errors, so the tests whose programs did build still run.
ninja -C dane -k 0 || status=1
meson test -C dane --no-rebuild --print-errorlogs --logbase testlog --no-suite consumer || status=1
exit $status
'

set +e
ROOT=$root SRC=$src INNER=$inner unshare --mount --pid --fork --mount-proc bash -c '
  set -euo pipefail
  # Nothing mounted here may leak back to the host.
  mount --make-rprivate /
  mount --bind "$SRC" "$ROOT/src"
  mount -o remount,bind,ro "$ROOT/src"
  mount -t proc proc "$ROOT/proc"
  mount --rbind /dev "$ROOT/dev"
  exec chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c "$INNER"
'
status=$?
set -e

# Hand the logs to the caller even when the run failed.
if [ -d "$root/build/dane/meson-logs" ]; then
  cp "$root/build/dane/meson-logs/"testlog.* "$outdir/" 2>/dev/null || true
fi
exit $status
