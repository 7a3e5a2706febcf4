#!/usr/bin/env python3
"""Keeps README.md's code blocks equal to the programs in examples/snippets/.

README.md marks each block with a comment naming its file:

    <!-- snippet: examples/snippets/NAME.cpp -->
    ```cpp
    ...the whole file...
    ```

  check-readme-snippets.py [ROOT]          fails (exit 1) when a block differs from its file,
                                           a marked file is missing, or a file in
                                           examples/snippets/ has no block
  check-readme-snippets.py --write [ROOT]  rewrites the marked blocks from the files

The files are compiled and run by the test suite (examples/snippets/meson.build), so a block
that passes this check is a program that compiles and runs as shown.
"""
import pathlib
import re
import sys

MARK = re.compile(r"<!-- snippet: (\S+) -->\n```cpp\n(.*?)```\n", re.S)


def main(argv):
    write = "--write" in argv
    rest = [a for a in argv[1:] if a != "--write"]
    root = pathlib.Path(rest[0] if rest else pathlib.Path(__file__).resolve().parent.parent)
    readme_path = root / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    problems = []
    shown = set()

    def replace(m):
        rel = m.group(1)
        shown.add(rel)
        path = root / rel
        if not path.is_file():
            problems.append(f"README.md shows {rel}, which does not exist")
            return m.group(0)
        text = path.read_text(encoding="utf-8")
        if m.group(2) != text:
            problems.append(f"README.md's block for {rel} differs from the file")
        return f"<!-- snippet: {rel} -->\n```cpp\n{text}```\n"

    new = MARK.sub(replace, readme)
    for path in sorted((root / "examples" / "snippets").glob("*.cpp")):
        rel = path.relative_to(root).as_posix()
        if rel not in shown:
            problems.append(f"{rel} is not shown in README.md (add '<!-- snippet: {rel} -->')")
    if write:
        if new != readme:
            readme_path.write_text(new, encoding="utf-8")
            print("README.md: snippet blocks rewritten")
        problems = [p for p in problems if "differs" not in p]
    for p in problems:
        print(p)
    if not problems:
        print(f"README.md shows {len(shown)} snippets, each as its file")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
