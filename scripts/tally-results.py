#!/usr/bin/env python3
"""Counts test results for scripts/run-tests.sh.

Results live in one tab-separated file, a row per test program or check:
    config <TAB> test <TAB> passed <TAB> failed <TAB> note

  tally-results.py add RESULTS CONFIG TESTLOG.json
      Reads a Meson JSON test log (meson-logs/<logbase>.json) and appends its rows.
      A program that printed a doctest summary counts its test cases ("[doctest] test
      cases: X | Y passed | Z failed"); one that exited non-zero although its summary
      showed no failure (a sanitizer report at exit, say) adds one failure. A doctest
      program that died before its summary counts as one failed test. Any other test
      (header checks, fuzz replays) counts as one test, passed when Meson says OK.
      Skipped tests count neither way and are listed.

  tally-results.py record RESULTS CONFIG TEST PASSED FAILED [NOTE]
      Appends one row (fuzz runs, stages that could not run).

  tally-results.py summary RESULTS
      Prints the totals per configuration, the failures, and as the very last line
      "N passed, N failed". Exits 1 if anything failed or nothing passed.
"""
import json
import re
import sys
from collections import OrderedDict

DOCTEST_SUMMARY = re.compile(
    r"\[doctest\] test cases:\s*(\d+)\s*\|\s*(\d+)\s+passed\s*\|\s*(\d+)\s+failed")
PASSING = {"OK", "EXPECTEDFAIL"}


def clean(text):
    return " ".join(str(text).split())[:200]


def append(results, rows):
    with open(results, "a", encoding="utf-8") as f:
        for config, test, passed, failed, note in rows:
            f.write(f"{config}\t{clean(test)}\t{int(passed)}\t{int(failed)}\t{clean(note)}\n")


def last_lines(text, n=3):
    lines = [l for l in text.splitlines() if l.strip()]
    return " / ".join(lines[-n:])


def rows_from_testlog(config, path):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            name = entry.get("name", "?")  # "project:suite / test"
            result = entry.get("result", "?")
            code = entry.get("returncode")
            output = (entry.get("stdout") or "") + (entry.get("stderr") or "")
            ok = result in PASSING
            if result == "SKIP":
                rows.append((config, name, 0, 0, "skipped"))
                continue
            summaries = DOCTEST_SUMMARY.findall(output)
            if summaries:
                _, passed, failed = (int(x) for x in summaries[-1])
                note = "" if ok else f"{result} (exit {code})"
                if not ok and failed == 0:
                    # The cases passed but the program did not: count that as a failure.
                    failed = 1
                    note += ": " + last_lines(output)
                rows.append((config, name, passed, failed, note))
            elif "[doctest]" in output:
                rows.append((config, name, 0, 1,
                             f"{result} (exit {code}) before the doctest summary: "
                             + last_lines(output)))
            else:
                rows.append((config, name, 1 if ok else 0, 0 if ok else 1,
                             "" if ok else f"{result} (exit {code}): " + last_lines(output)))
    return rows


def read_rows(results):
    rows = []
    try:
        with open(results, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 4:
                    continue
                parts += [""] * (5 - len(parts))
                rows.append((parts[0], parts[1], int(parts[2]), int(parts[3]), parts[4]))
    except FileNotFoundError:
        pass
    return rows


def summary(results):
    rows = read_rows(results)
    per_config = OrderedDict()
    for config, _, passed, failed, _ in rows:
        p, f = per_config.get(config, (0, 0))
        per_config[config] = (p + passed, f + failed)
    print("== test results per configuration ==")
    for config, (p, f) in per_config.items():
        print(f"  {config:10} {p:6} passed, {f} failed")
    skipped = [r for r in rows if r[4] == "skipped"]
    for config, test, *_ in skipped:
        print(f"  skipped: {config}: {test}")
    failures = [r for r in rows if r[3] > 0]
    if failures:
        print("== failures ==")
        for config, test, _, failed, note in failures:
            print(f"  {config}: {test}: {failed} failed" + (f" -- {note}" if note else ""))
    total_passed = sum(r[2] for r in rows)
    total_failed = sum(r[3] for r in rows)
    print(f"{total_passed} passed, {total_failed} failed")
    return 0 if total_failed == 0 and total_passed > 0 else 1


def main(argv):
    if len(argv) == 5 and argv[1] == "add":
        results, config, testlog = argv[2:5]
        rows = rows_from_testlog(config, testlog)
        append(results, rows)
        passed = sum(r[2] for r in rows)
        failed = sum(r[3] for r in rows)
        print(f"[{config}] {len(rows)} test programs: {passed} passed, {failed} failed")
        for r in rows:
            if r[3] > 0:
                print(f"[{config}] FAILED {r[1]}: {r[4]}")
        return 0
    if len(argv) in (7, 8) and argv[1] == "record":
        note = argv[7] if len(argv) == 8 else ""
        append(argv[2], [(argv[3], argv[4], argv[5], argv[6], note)])
        return 0
    if len(argv) == 3 and argv[1] == "summary":
        return summary(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
