#!/usr/bin/env bash
# Builds dane and runs the whole test suite, as CI does (.ci/run calls this):
#
#   deps     scripts/install-deps.sh (apt-get, only what is missing)
#   gcc      GCC 12 build (-Werror), every Meson test but the header checks
#   testbed  `dane verify` (from the GCC tree) against real servers' answers: a signed
#            hierarchy on loopback (scripts/testbed/testbed.sh: knotd, two Unbound), each
#            case checked against Unbound and delv (tests/integration/testbed.py); then the
#            resolver end to end through examples/resolve_asio and `dane lookup`, via each
#            Unbound (tests/integration/resolver.py), the io layer's tests that need real
#            servers (tests/io, resolve_blocking, on a bed of their own), and the mail cases
#            of that hierarchy with real Postfix servers (scripts/testbed/mta.sh), checked
#            with dig, openssl, posttls-finger and swaks (tests/integration/mta.py) and end
#            to end through dane smtp, the delivery examples and dane tlsrpt
#            (tests/integration/smtp.py); needs root
#   asan     clang 14 with ASan + UBSan (UBSan fatal), the same tests
#   headers  every header under include/dane/ compiled alone (one test each)
#   consumer a small project built against dane installed (pkg-config) and as a Meson
#            subproject, DNS-only part without Botan (tests/consumer/, one test each)
#   fuzz     each libFuzzer target for a short bounded run from its seed corpus
#   botan3   the whole suite against Botan 3 in a Debian 13 chroot (scripts/botan3-chroot.sh)
#
# Build trees go to build-ci/ in the repository, made afresh each run. Every stage runs
# even when an earlier one failed (a stage that needs a failed one counts as failed). The
# output ends with the line "N passed, N failed", which counts doctest test cases in
# every configuration plus one per header check, fuzz replay and fuzz run; a stage or
# build that could not run counts as one failure. Exits non-zero if anything failed.
#
# Environment:
#   DANE_CI_STAGES     stages to run (default: "deps gcc testbed asan headers consumer fuzz botan3");
#                      stages left out are reported as skipped, never as passed
#   DANE_FUZZ_SECONDS  libFuzzer time per target (default 12; 15 targets)
#   DANE_CI_WERROR     1 (default) builds the GCC configuration with -Werror
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
src=$(pwd)
ci=$src/build-ci
results=$ci/results.tsv
tally=$src/scripts/tally-results.py

all_stages=(deps gcc testbed asan headers consumer fuzz botan3)
read -r -a stages <<<"${DANE_CI_STAGES:-${all_stages[*]}}"
fuzz_seconds=${DANE_FUZZ_SECONDS:-12}
werror=$([ "${DANE_CI_WERROR:-1}" = 1 ] && echo true || echo false)

# Sanitizer reports stop the program and say where.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_summary=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:print_summary=1
export LANG=C.UTF-8

rm -rf "$ci"
mkdir -p "$ci"
: >"$results"

record() { # CONFIG TEST PASSED FAILED [NOTE]
  python3 "$tally" record "$results" "$@"
}

# Configures BUILDDIR (with CXX=COMPILER and the given setup options) and builds all of it,
# going on past errors so that tests whose programs did build still run (a failed build
# counts as one failure). Fails, ending the stage, if the tree could not be configured.
meson_build() { # CONFIG BUILDDIR COMPILER SETUP-OPTIONS...
  local config=$1 dir=$2 compiler=$3
  shift 3
  CXX=$compiler meson setup "$dir" "$src" "$@"
  if ! ninja -C "$dir" -k 0; then
    record "$config" "build" 0 1 "the build failed (see the compiler errors above)"
  fi
}

# Runs Meson tests in BUILDDIR (no rebuild) and tallies them under CONFIG.
meson_tests() { # CONFIG BUILDDIR LOGBASE MESON-TEST-OPTIONS...
  local config=$1 dir=$2 logbase=$3
  shift 3
  # A failing test makes meson test exit non-zero; the tally counts it.
  meson test -C "$dir" --no-rebuild --print-errorlogs --logbase "$logbase" "$@" || true
  local log=$dir/meson-logs/$logbase.json
  if [ ! -s "$log" ]; then
    echo "$config: no test log: meson test did not run"
    return 1
  fi
  python3 "$tally" add "$results" "$config" "$log"
}

stage_deps() {
  ./scripts/install-deps.sh
  g++-12 --version | head -n 1
  clang++-14 --version | head -n 1
  echo "meson $(meson --version), ninja $(ninja --version)"
}

stage_gcc() {
  meson_build gcc "$ci/gcc" g++-12 -Dwerror="$werror"
  meson_tests gcc "$ci/gcc" unit --no-suite headers --no-suite consumer
}

# Fails unless tests/integration/SCRIPT.py exited 0, 1 or 2 and recorded its checks (rows
# of config "testbed" named "SCRIPT: ...").
testbed_checks_counted() { # SCRIPT EXIT-STATUS
  if [ "$2" -gt 2 ] || ! awk -F'\t' -v p="$1: " \
    '$1 == "testbed" && index($2, p) == 1 { n++ } END { exit n == 0 }' "$results"; then
    echo "testbed: tests/integration/$1.py exited $2 without counting its checks"
    return 1
  fi
}

stage_testbed() {
  local dir=$ci/gcc
  if [ ! -f "$dir/build.ninja" ]; then
    # The dane tool of the GCC tree; configure one if that stage did not run.
    CXX=g++-12 meson setup "$dir" "$src" -Dwerror="$werror"
  fi
  [ -x "$dir/examples/dane" ] || ninja -C "$dir" examples/dane
  if [ ! -x "$dir/examples/resolve_asio" ] && ! ninja -C "$dir" examples/resolve_asio; then
    record testbed "resolver: build examples/resolve_asio" 0 1 "the build failed (libasio-dev?)"
  fi
  # One row per check goes to the results; exit 1 (checks failed) and 2 (the bed did not
  # come up) are counted there already. Each script brings up and stops its own bed.
  local rc=0 failed=0
  timeout --kill-after=10 300 python3 tests/integration/testbed.py "$dir/examples/dane" "$src" \
    "$ci/testbed" --results "$results" --config testbed || rc=$?
  testbed_checks_counted testbed "$rc" || failed=1
  # The resolver end to end: examples/resolve_asio (Asio) and `dane lookup`.
  rc=0
  timeout --kill-after=10 300 python3 tests/integration/resolver.py \
    "$dir/examples/resolve_asio" "$src" "$ci/resolver" --lookup "$dir/examples/dane" \
    --results "$results" --config testbed || rc=$?
  testbed_checks_counted resolver "$rc" || failed=1
  # The io layer on a bed of its own (other addresses): tests/io's UDP/TCP and driver cases
  # that need real servers (DANE_TESTBED_ENV), and examples/resolve_blocking through it.
  ninja -C "$dir" tests/test_io examples/resolve_blocking
  local bed=$ci/testbed-io
  if DANE_TESTBED_NET=127.54 ./scripts/testbed/testbed.sh up "$bed" >/dev/null; then
    DANE_TESTBED_ENV=$bed/env meson_tests testbed-io "$dir" testbed-io io resolve-blocking-testbed ||
      failed=1
    ./scripts/testbed/testbed.sh down "$bed" >/dev/null
  else
    record testbed-io bring-up 0 1 "testbed.sh up $bed failed"
    failed=1
  fi
  # The mail servers of the same hierarchy, checked with independent tools only; its rows are
  # named "mta: ..." under the same configuration.
  rc=0
  timeout --kill-after=10 300 python3 tests/integration/mta.py "$src" "$ci/mta" \
    --results "$results" --config testbed || rc=$?
  testbed_checks_counted mta "$rc" || failed=1
  # The same cases end to end through dane: `dane smtp` probes and deliveries, the delivery
  # examples, posttls-finger as a differential check and `dane tlsrpt` over the run's
  # outcomes; its rows are named "smtp: ...". A bed of its own addresses.
  local example
  for example in deliver_blocking deliver_asio; do
    if [ ! -x "$dir/examples/$example" ] && ! ninja -C "$dir" "examples/$example"; then
      record testbed "smtp: build examples/$example" 0 1 "the build failed (libasio-dev?)"
    fi
  done
  rc=0
  DANE_TESTBED_NET=127.56 timeout --kill-after=10 300 python3 tests/integration/smtp.py \
    "$dir/examples/dane" "$dir/examples/deliver_blocking" "$src" "$ci/smtp" \
    --asio "$dir/examples/deliver_asio" --results "$results" --config testbed || rc=$?
  testbed_checks_counted smtp "$rc" || failed=1
  return "$failed"
}

stage_asan() {
  local flags="['-fno-sanitize-recover=all', '-fno-omit-frame-pointer']"
  meson_build asan "$ci/asan" clang++-14 \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args="$flags" -Dcpp_link_args="$flags" -Dbenchmarks=disabled
  meson_tests asan "$ci/asan" unit --no-suite headers --no-suite consumer
}

stage_headers() {
  if [ ! -f "$ci/gcc/build.ninja" ]; then
    # The checks are registered in the GCC tree; configure one if that stage did not run.
    CXX=g++-12 meson setup "$ci/gcc" "$src" -Dwerror="$werror"
  fi
  meson_tests headers "$ci/gcc" headers --suite headers
}

stage_consumer() {
  if [ ! -f "$ci/gcc/build.ninja" ]; then
    # The tests are registered in the GCC tree; they build their own projects.
    CXX=g++-12 meson setup "$ci/gcc" "$src" -Dwerror="$werror"
  fi
  meson_tests consumer "$ci/gcc" consumer --suite consumer
}

stage_fuzz() {
  local dir=$ci/fuzz
  meson_build fuzz "$dir" clang++-14 -Dfuzz=true -Dtests=false -Dbenchmarks=disabled
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local srcfile name exe seeds log rc
  local found=0
  for srcfile in tests/fuzz/fuzz_*.cpp; do
    [ -e "$srcfile" ] || continue
    found=1
    name=$(basename "$srcfile" .cpp)
    name=${name#fuzz_}
    exe=$dir/tests/fuzz/fuzz_$name
    seeds=$src/tests/fuzz/corpus/$name
    log=$dir/fuzz_$name.log
    if [ ! -x "$exe" ]; then
      echo "fuzz $name: no binary (its build failed)"
      record fuzz "$name" 0 1 "no binary: its build failed"
      continue
    fi
    if [ ! -d "$seeds" ]; then
      echo "fuzz $name: no seed corpus in tests/fuzz/corpus/$name/"
      record fuzz "$name" 0 1 "no seed corpus in tests/fuzz/corpus/$name/"
      continue
    fi
    # New inputs go to a scratch corpus in the build tree; the seeds are only read.
    mkdir -p "$dir/corpus/$name" "$dir/artifacts/$name"
    echo "fuzz $name: ${fuzz_seconds}s from $(find "$seeds" -type f | wc -l) seeds"
    rc=0
    timeout --kill-after=10 $((fuzz_seconds * 2 + 120)) "$exe" \
      -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$dir/artifacts/$name/" \
      "$dir/corpus/$name" "$seeds" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
      # The last status line: executions, coverage, corpus size.
      grep -E '^#[0-9]+' "$log" | tail -n 1 || true
      record fuzz "$name" 1 0
    else
      echo "fuzz $name: FAILED (exit $rc); reproducer(s) in $dir/artifacts/$name/: $(ls "$dir/artifacts/$name" | tr '\n' ' ')"
      tail -n 60 "$log"
      record fuzz "$name" 0 1 "libFuzzer exit $rc, see $log"
    fi
  done
  [ "$found" = 1 ] || echo "fuzz: no targets in tests/fuzz/"
}

stage_botan3() {
  local rc=0
  ./scripts/botan3-chroot.sh "$ci/botan3" || rc=$?
  if [ ! -s "$ci/botan3/testlog.json" ]; then
    echo "botan3: scripts/botan3-chroot.sh exited $rc before any test ran"
    return 1
  fi
  python3 "$tally" add "$results" botan3 "$ci/botan3/testlog.json"
  # A non-zero exit with no failing test counted means the build failed.
  local counted
  counted=$(awk -F'\t' '$1 == "botan3" { f += $4 } END { print f + 0 }' "$results")
  if [ "$rc" -ne 0 ] && [ "$counted" -eq 0 ]; then
    record botan3 "build" 0 1 "the build in the chroot failed (see above)"
  fi
}

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

timings=()
start_all=$(date +%s)
for stage in "${all_stages[@]}"; do
  if [[ " ${stages[*]} " != *" $stage "* ]]; then
    timings+=("$(printf '  %-8s skipped' "$stage")")
    continue
  fi
  echo
  echo "===== stage $stage ====="
  t0=$(date +%s)
  # A subshell outside any `if`, so that `set -e` holds inside the stage.
  set +e
  (
    set -e
    "stage_$stage"
  )
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    # It could not run to its end: whatever it did not count must not pass for passed.
    record "$stage" "stage $stage" 0 1 "stage could not run to its end (status $rc)"
  fi
  t=$(($(date +%s) - t0))
  status=$([ "$rc" -eq 0 ] && echo done || echo "FAILED (status $rc)")
  echo "===== stage $stage: $status in $(fmt_time "$t") ====="
  timings+=("$(printf '  %-8s %s  %s' "$stage" "$(fmt_time "$t")" "$status")")
done

echo
echo "== stage wall times =="
printf '%s\n' "${timings[@]}"
echo "  total    $(fmt_time $(($(date +%s) - start_all)))"
# Its last line is "N passed, N failed"; its status is ours.
exec python3 "$tally" summary "$results"
