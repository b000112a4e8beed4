#!/usr/bin/python3
"""scripts/check-long-functions on the fixtures in tests/data/long-functions: it finds a long
function, allows a marked data table, and is not fooled by braces in strings, characters,
comments or disabled code, by lambdas or by constructor member initializers."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check-long-functions")
DATA = os.path.join("tests", "data", "long-functions")


def check(*args):
    """Runs the script from the repository root; returns (exit code, stdout lines)."""
    done = subprocess.run([sys.executable, SCRIPT, *args], cwd=ROOT, capture_output=True, text=True)
    return done.returncode, done.stdout.splitlines()


class CheckLongFunctions(unittest.TestCase):
    def test_finds_a_long_function_and_not_one_at_the_limit(self):
        code, out = check(os.path.join(DATA, "long_function.cpp"))
        self.assertEqual(code, 1)
        self.assertEqual(out, [f"{DATA}/long_function.cpp:85: one_over: 81 lines"])

    def test_a_marked_data_table_is_allowed(self):
        code, out = check(os.path.join(DATA, "data_table.cpp"))
        self.assertEqual(code, 1)
        self.assertEqual(out, [f"{DATA}/data_table.cpp:316: unmarked_rows: 99 lines"])
        code, out = check("--all", os.path.join(DATA, "data_table.cpp"))
        self.assertEqual(out, [f"{DATA}/data_table.cpp:11: marked_rows: 99 lines [data table]",
                               f"{DATA}/data_table.cpp:113: marked_template_rows: 99 lines [data table]",
                               f"{DATA}/data_table.cpp:316: unmarked_rows: 99 lines"])

    def test_passes_when_only_data_tables_are_long(self):
        code, out = check(os.path.join(DATA, "clean.cpp"))
        self.assertEqual((code, out), (0, []))

    def test_not_fooled_by_literals_comments_lambdas_or_initializers(self):
        code, out = check(os.path.join(DATA, "tricky.cpp"))
        self.assertEqual(code, 1)
        self.assertEqual(out, [f"{DATA}/tricky.cpp:223: named_lambda: 86 lines",
                               f"{DATA}/tricky.cpp:36: made_of_lambdas: 85 lines",
                               f"{DATA}/tricky.cpp:130: long_member: 83 lines"])
        # Every function, with its exact length: a miscounted brace would shift them.
        code, out = check("--max", "0", os.path.join(DATA, "tricky.cpp"))
        self.assertEqual(sorted(out), sorted([
            f"{DATA}/tricky.cpp:223: named_lambda: 86 lines",
            f"{DATA}/tricky.cpp:36: made_of_lambdas: 85 lines",
            f"{DATA}/tricky.cpp:130: long_member: 83 lines",
            f"{DATA}/tricky.cpp:25: two_signatures: 7 lines",
            f"{DATA}/tricky.cpp:15: braces_in_literals: 4 lines",
            f"{DATA}/tricky.cpp:125: Table: 3 lines",
            f"{DATA}/tricky.cpp:317: Point::operator(): 3 lines",
            f"{DATA}/tricky.cpp:323: fixture_entry: 3 lines",
            f"{DATA}/tricky.cpp:313: operator==: 1 lines",
            f"{DATA}/tricky.cpp:315: operator bool: 1 lines"]))

    def test_unbalanced_braces_are_an_error(self):
        with tempfile.NamedTemporaryFile("w", suffix=".cpp") as f:
            f.write("int f() {\n  return 1;\n")
            f.flush()
            code, _ = check(f.name)
        self.assertEqual(code, 2)


if __name__ == "__main__":
    unittest.main()
