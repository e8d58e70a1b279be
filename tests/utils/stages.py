# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make test`` and ``make test-quick``: every stage runs, whatever failed before it, and one summary at the end says
each stage's result, what it counted and how long it took, and the total time. The exit status is 1 when any stage failed.

Usage::

    python tests/utils/stages.py full     # the support matrix (tests/utils/matrix.py) and every other check: CI
    python tests/utils/stages.py quick    # the first release of the matrix only, without the real-eksctl tier
    python tests/utils/stages.py --list full

Stages that do not compete for the same CPUs run side by side. Each stage says how many CPUs it keeps busy: 1 for a
single process (ansible-test sanity, mypy, ansible-lint, the build), the whole machine for pytest's parallel workers and
ansible-test units (which runs pytest-xdist itself), 0 for the Go builds of the end-to-end tier's tools, which start first
and run beside everything else (on a warm machine they find their binaries cached; on a cold one they overlap the stages
that wait on downloads). At most ``STAGE_CPUS`` CPUs (default: the machine's count) are in use at once; a stage waits for
the ones it needs, in the order of the plan. When two stages run side by side their output is kept and printed whole
when each ends; run alone (``STAGE_CPUS=1``) it is printed as it comes. Every stage's output is also kept in
``.cache/stages/<number>-<stage>.log``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import typing as t

import matrix

ROOT = matrix.ROOT
LOGS = os.path.join(matrix.CACHE, "stages")
WHOLE_MACHINE = -1  # a stage's cpus: all the CPUs the runner may use


class Stage(t.NamedTuple):
    name: str
    argv: list
    counter: t.Callable[[str], str]
    cpus: int = 1             # CPUs the stage keeps busy: 0, 1 or WHOLE_MACHINE
    after: tuple = ()         # names of stages that must have ended before it starts


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


def tool_counts(output: str) -> str:
    if "SKIPPED" in output:
        return "skipped"
    built = [line for line in output.splitlines() if line.startswith("/") and os.path.basename(line.strip())]
    return "%d tools" % len(built) if built else "-"


def make(target: str, *variables: str) -> list:
    return ["make", "--no-print-directory", target] + list(variables)


def stages(kind: str) -> list[Stage]:
    """The plan, in the order stages start: the single-process checks first (they pair up), then the stages that take
    the whole machine, one at a time."""
    releases = matrix.RELEASES if kind == "full" else matrix.RELEASES[:1]
    whole_tier = releases[-1]
    found: list[Stage] = []
    if kind == "full":
        found.append(Stage("tools (Go builds of the e2e tier, beside the other stages)", make("tools"), tool_counts, cpus=0))
    for entry in releases:
        found.append(Stage("sanity (%s)" % label(entry), make("sanity", "CORE=" + entry.series), sanity_counts))
    found += [
        Stage("typecheck (mypy)", make("typecheck"), last_int(r"no issues found in (\d+) source files", "files")),
        Stage("lint (ansible-lint, production profile)", make("lint"), last_int(r"in (\d+) files", "files")),
        Stage("build (collection artifact)", make("build"), last_int(r"documented (\d+) plugins", "plugins read")),
        Stage("certify (galaxy-importer, antsibull-docs, changelog, ansible-doc)", make("certify-artifact"),
              last_int(r"(\d+) certification checks passed", "checks"), after=("build (collection artifact)",)),
        Stage("ee (execution environment build context)", make("ee"), last_int(r"(\d+) build context", "context")),
    ]
    for entry in releases:
        found.append(Stage("units (%s)" % label(entry), make("units", "CORE=" + entry.series), pytest_counts,
                           cpus=WHOLE_MACHINE))
    found.append(Stage("simulator (its contract tests, once)", make("simulator"), pytest_counts, cpus=WHOLE_MACHINE))
    for entry in releases:
        if entry == whole_tier:
            name = "integration (%s; targets %s)" % (label(entry), " and ".join(entry.targets))
            argv = make("integration", "CORE=" + entry.series)
        else:
            name = "integration (%s; targets %s; release-sensitive tests)" % (label(entry), " and ".join(entry.targets))
            argv = make("integration", "CORE=" + entry.series, "INTEGRATION=subset")
        found.append(Stage(name, argv, pytest_counts, cpus=WHOLE_MACHINE))
    if kind == "full":
        found.append(Stage("e2e (the real eksctl)", make("e2e"), pytest_counts, cpus=WHOLE_MACHINE, after=(found[0].name,)))
    return found


def label(entry: matrix.Release) -> str:
    return "ansible-core %s, Python %s" % (entry.core, entry.controller)


def duration(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return "%dm%02ds" % (minutes, seconds)


class Running:
    """One stage's process: its output goes to its log file, and to stdout as it comes when ``live``."""

    def __init__(self, number: int, stage: Stage, live: bool) -> None:
        self.number = number
        self.stage = stage
        self.live = live
        self.started = time.monotonic()
        os.makedirs(LOGS, exist_ok=True)
        self.log_path = os.path.join(LOGS, "%02d-%s.log" % (number, re.sub(r"[^\w.-]+", "_", stage.name.split(" (")[0])))
        self.captured: list[str] = []
        self.process = subprocess.Popen(stage.argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        errors="replace")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with open(self.log_path, "w", encoding="utf-8") as log:
            for line in self.process.stdout:
                log.write(line)
                self.captured.append(line)
                if self.live:
                    sys.stdout.write(line)
                    sys.stdout.flush()

    def done(self) -> bool:
        return self.process.poll() is not None

    def finish(self) -> tuple[str, str, str]:
        rc = self.process.wait()
        self.reader.join()
        output = "".join(self.captured)
        return ("ok" if rc == 0 else "FAILED (rc %d)" % rc, self.stage.counter(output), duration(time.monotonic() - self.started))


def cpu_budget() -> int:
    try:
        return max(1, int(os.environ.get("STAGE_CPUS", "")))
    except ValueError:
        return os.cpu_count() or 1


def run(kind: str) -> int:
    plan = stages(kind)
    budget = cpu_budget()
    needs = {stage.name: budget if stage.cpus == WHOLE_MACHINE else min(stage.cpus, budget) for stage in plan}
    started = time.monotonic()
    pending = list(enumerate(plan, 1))
    running: list[Running] = []
    results: dict[str, tuple[str, str, str]] = {}
    print("==== make test%s: %d stages, at most %d CPU(s) busy at once; logs in %s"
          % ("" if kind == "full" else "-quick", len(plan), budget, LOGS), flush=True)
    while pending or running:
        for entry in [entry for entry in running if entry.done()]:
            running.remove(entry)
            results[entry.stage.name] = entry.finish()
            if not entry.live:
                print("\n==== [%d/%d] %s: output" % (entry.number, len(plan), entry.stage.name))
                sys.stdout.write("".join(entry.captured))
            result, _count, took = results[entry.stage.name]
            print("==== [%d/%d] %s: %s in %s" % (entry.number, len(plan), entry.stage.name, result, took), flush=True)
        busy = sum(needs[entry.stage.name] for entry in running)
        for number, stage in list(pending):
            if any(name not in results for name in stage.after):
                continue
            if busy + needs[stage.name] > budget:
                break  # in plan order: a stage that waits for CPUs is not overtaken
            pending.remove((number, stage))
            # Printed as it comes only when no other stage that prints runs beside it (STAGE_CPUS=1).
            live = budget == 1 and stage.cpus != 0
            print("\n==== [%d/%d] %s: started" % (number, len(plan), stage.name), flush=True)
            running.append(Running(number, stage, live))
            busy += needs[stage.name]
        time.sleep(0.2)
    print("\n==== summary of make test%s" % ("" if kind == "full" else "-quick"))
    width = max(len(stage.name) for stage in plan)
    for stage in plan:
        result, count, took = results[stage.name]
        print("%-*s  %-14s %-28s %s" % (width, stage.name, result, count, took))
    passed = sum(1 for result, _count, _took in results.values() if result == "ok")
    print("total %s: %d of %d stages passed" % (duration(time.monotonic() - started), passed, len(plan)))
    return 0 if passed == len(plan) else 1


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
