"""What the command-line tests share: run the `dane` tool and compare what it did with what
was expected, counting failures (tests/dnssec/cli.py, tests/tlsa/cli.py)."""
import subprocess


class cli_check:
    def __init__(self, dane):
        self.dane = dane
        self.failures = 0

    def run(self, *args):
        """Runs `dane ARGS...`: (exit status, standard output, standard error)."""
        p = subprocess.run([self.dane, *args], capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    def check(self, name, got, want):
        if got != want:
            self.failures += 1
            print(f'FAIL {name}:\n  got  {got!r}\n  want {want!r}')
        else:
            print(f'ok   {name}')
