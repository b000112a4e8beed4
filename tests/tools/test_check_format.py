#!/usr/bin/python3
"""scripts/check-format on the fixtures in tests/data/format: a formatted file passes, an
unformatted one is listed with the number of changes clang-format would make."""
import os
import subprocess
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join("tests", "data", "format")


def check(*files):
    done = subprocess.run([os.path.join(ROOT, "scripts", "check-format"), *files], cwd=ROOT,
                          capture_output=True, text=True)
    return done.returncode, done.stdout.splitlines()


class CheckFormat(unittest.TestCase):
    def test_formatted_file_passes(self):
        self.assertEqual(check(os.path.join(DATA, "formatted.cpp")), (0, []))

    def test_unformatted_file_is_listed(self):
        code, out = check(os.path.join(DATA, "formatted.cpp"), os.path.join(DATA, "unformatted.cpp"))
        self.assertEqual(code, 1)
        self.assertEqual(out, [f"{DATA}/unformatted.cpp: 7 change(s) to make"])


if __name__ == "__main__":
    unittest.main()
