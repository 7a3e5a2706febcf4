#!/usr/bin/env python3
"""Checks that the headers of dane/dns (and the core headers they include), preprocessed
together, pull in none of the headers a parser-only user should not pay for: <chrono> (the calendar and time-zone
machinery), <arpa/inet.h> and socket headers, or anything of Botan (dane-dns promises no
Botan). README.md's "Compile cost" table measures what is left. (core/serial.hpp, whose
API takes std::chrono::sys_seconds, is for the dnssec layer and is not checked.)

  dns_layer_light.py COMPILER [ARGS...] -- INCLUDE_ROOT
"""
import pathlib
import re
import subprocess
import sys

FORBIDDEN = [
    (re.compile(r"/chrono\"$|/bits/chrono\.h\"$"), "<chrono>"),
    (re.compile(r"/arpa/inet\.h\"$"), "<arpa/inet.h>"),
    (re.compile(r"/sys/socket\.h\"$"), "<sys/socket.h>"),
    (re.compile(r"/botan[^/]*/"), "a Botan header"),
]


def main(argv):
    sep = argv.index("--")
    compiler = argv[1:sep]
    root = pathlib.Path(argv[sep + 1])
    headers = sorted(
        p.relative_to(root).as_posix()
        for p in (root / "dane" / "dns").glob("*.hpp"))
    tu = "".join(f"#include <{h}>\n" for h in headers)
    out = subprocess.run(compiler + ["-std=c++20", "-E", "-x", "c++", "-I", str(root), "-"],
                         input=tu, capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr)
        return 1
    seen = set()
    for line in out.stdout.splitlines():
        m = re.match(r'# \d+ (".*")', line)
        if m:
            seen.add(m.group(1))
    problems = [f"{what} comes in: {path}" for path in sorted(seen)
                for pattern, what in FORBIDDEN if pattern.search(path)]
    print(f"{len(headers)} headers of dane/dns, "
          f"{len(out.stdout)} bytes preprocessed, {len(seen)} files")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
