#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the smtj module's pytest tests and print TAP (one test point per
pytest test; a skipped test is "ok N # SKIP reason") for check-unit."""
import os
import sys

import pytest


class Tap:
    """pytest plugin: TAP lines as the tests finish, the plan at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def pytest_addoption(self, parser):
        # without the terminal plugin, assertion messages still ask for it
        parser.addoption("--verbose", action="count", default=0, dest="verbose")

    def _point(self, ok, name, directive=""):
        self.n += 1
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}{directive}", flush=True)

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                self._point(True, name, f" # SKIP {reason.removeprefix('Skipped: ')}")
            elif report.failed:
                for line in str(report.longrepr).splitlines()[-15:]:
                    print(f"# {line}")
                self._point(False, name)
            else:
                self._point(True, name)

    def pytest_collectreport(self, report):
        # a module skipped as a whole (pytest.importorskip): one skip point
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self._point(True, report.nodeid, f" # SKIP {reason.removeprefix('Skipped: ')}")
        elif report.failed:
            print(f"# {report.longrepr}")
            self._point(False, report.nodeid)

    def pytest_sessionfinish(self, session, exitstatus):
        print(f"1..{self.n}", flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    tap = Tap()
    rc = pytest.main([here, "-p", "no:terminal", "-p", "no:cacheprovider",
                      *sys.argv[1:]], plugins=[tap])
    return 0 if rc in (0, 5) and not tap.failed else 1


if __name__ == "__main__":
    sys.exit(main())
