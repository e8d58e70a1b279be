# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make test`` and ``make test-quick``: every stage with a header, its output as it comes, and at the end one summary
(what each stage counted, how long it took, the total time).

Usage::

    python tests/utils/stages.py full     # the support matrix (tests/utils/matrix.py) and every other check: CI
    python tests/utils/stages.py quick    # the first release of the matrix only, without the real-eksctl tier
    python tests/utils/stages.py --list full

The first failing stage ends the run (as make does); the summary still says what ran.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import typing as t

import matrix

ROOT = matrix.ROOT


class Stage(t.NamedTuple):
    name: str
    argv: list
    counter: t.Callable[[str], str]


def last_int(pattern: str, unit: str) -> t.Callable[[str], str]:
    def count(output: str) -> str:
        found = re.findall(pattern, output)
        return "%s %s" % (found[-1], unit) if found else "-"
    return count


def pytest_counts(output: str) -> str:
    """pytest's summary lines, summed (ansible-test units runs one pytest per folder): ``372 passed, 2 skipped``."""
    lines = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed|errors?)\b.* in [\d.]+s", line)]
    if not lines:
        return "skipped" if "SKIPPED" in output else "-"
    totals: dict[str, int] = {}
    for line in lines:
        for number, word in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)\b", line):
            totals[word] = totals.get(word, 0) + int(number)
    return ", ".join("%d %s" % (number, word) for word, number in totals.items())


def sanity_counts(output: str) -> str:
    ran = len(re.findall(r'^Running sanity test "', output, re.M))
    return "%d sanity tests" % ran if ran else "-"


def make(target: str, *variables: str) -> list:
    return ["make", "--no-print-directory", target] + list(variables)


def stages(kind: str) -> list[Stage]:
    releases = matrix.RELEASES if kind == "full" else matrix.RELEASES[:1]
    found: list[Stage] = []
    for entry in releases:
        label = "ansible-core %s, Python %s" % (entry.core, entry.controller)
        found += [
            Stage("sanity (%s)" % label, make("sanity", "CORE=" + entry.series), sanity_counts),
            Stage("units (%s)" % label, make("units", "CORE=" + entry.series), pytest_counts),
            Stage("integration (%s; targets %s)" % (label, " and ".join(entry.targets)),
                  make("integration", "CORE=" + entry.series), pytest_counts),
        ]
    found += [
        Stage("typecheck (mypy)", make("typecheck"), last_int(r"no issues found in (\d+) source files", "files")),
    ]
    if kind == "full":
        found += [Stage("e2e (the real eksctl)", make("e2e"), pytest_counts)]
    found += [
        Stage("lint (ansible-lint, production profile)", make("lint"), last_int(r"in (\d+) files", "files")),
        Stage("build (collection artifact)", make("build"), last_int(r"documented (\d+) plugins", "plugins read")),
        Stage("certify (galaxy-importer, antsibull-docs, changelog, ansible-doc)", make("certify"),
              last_int(r"(\d+) certification checks passed", "checks")),
        Stage("ee (execution environment build context)", make("ee"), last_int(r"(\d+) build context", "context")),
    ]
    return found


def duration(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return "%dm%02ds" % (minutes, seconds)


def run(kind: str) -> int:
    plan = stages(kind)
    started = time.monotonic()
    summary: list[tuple[str, str, str, str]] = []
    failed = False
    for number, stage in enumerate(plan, 1):
        print("\n==== [%d/%d] %s" % (number, len(plan), stage.name), flush=True)
        stage_started = time.monotonic()
        process = subprocess.Popen(stage.argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace")
        assert process.stdout is not None
        captured = []
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            captured.append(line)
        rc = process.wait()
        summary.append((stage.name, "ok" if rc == 0 else "FAILED (rc %d)" % rc, stage.counter("".join(captured)),
                        duration(time.monotonic() - stage_started)))
        if rc != 0:
            failed = True
            break
    print("\n==== summary of make test%s" % ("" if kind == "full" else "-quick"))
    width = max(len(name) for name, _result, _count, _time in summary)
    for name, result, count, took in summary:
        print("%-*s  %-14s %-28s %s" % (width, name, result, count, took))
    for stage in plan[len(summary):]:
        print("%-*s  %s" % (width, stage.name, "not run"))
    print("total %s: %d of %d stages passed" % (duration(time.monotonic() - started),
                                                sum(1 for entry in summary if entry[1] == "ok"), len(plan)))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--list"] and len(argv) == 2 and argv[1] in ("full", "quick"):
        for stage in stages(argv[1]):
            print("%s: %s" % (stage.name, " ".join(stage.argv)))
        return 0
    if len(argv) == 1 and argv[0] in ("full", "quick"):
        return run(argv[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
