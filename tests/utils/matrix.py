# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-core releases the collection supports, and how the test suite runs on each.

``meta/runtime.yml`` claims ``requires_ansible: ">=2.19.0"``: the ansible-core releases still maintained on 2026-11-28
are 2.21 (the newest), 2.20 and 2.19 (ansible-core maintains the newest release and the two before it). Each is tested
here on a controller Python that release supports, with the interpreters of pyenv's versions folder:

- ansible-test sanity and units, on every release;
- the whole integration tier (tests/integration) on the newest release, and on the older ones the tests marked
  ``release_sensitive`` (the marker is registered in tests/pytest.ini; the list and its reasons are below);
- the integration tier also runs the modules on the oldest and newest target Python of each release
  (``tests/integration/test_target_python.py``, one of the marked tests).

What the other stages of ``make test`` check does not depend on the release, so it runs once: the simulator's contract
tests (tests/simulator/tests), mypy, the real-eksctl tier, ansible-lint, the build, the certification checks and the EE
context run on .venv; the tests of the integration tier that are not marked run on the newest release only.

The release-sensitive tests, and why each differs between ansible-core releases:

- target Python (``test_target_python.py``): which target Pythons a release supports, and that the modules run there;
- the fact cache (``test_nodegroup_scale.py``: a stop and a start in separate runs that share only a jsonfile cache, and a
  failed stop's recording kept there; ``test_savings_ledger.py``: a start that reads the stop times from the cache,
  whose file format changed in 2.19): how facts are cached, and since 2.20 how facts reach the play;
- ansible-runner and AWX-style jobs (``test_awx_runner.py``): the events, artifacts and fact cache AWX reads;
- ``set_stats`` (``test_awx_examples.py``: the notification reads the stop's stats from the runner's artifacts;
  ``test_savings_ledger.py``: a fleet start's stats summed over every host; ``test_fleet.py``: a fleet stop with an
  unreadable cluster prints its custom stats): how stats are aggregated and shown;
- deprecations (``test_results_recorder.py``): how a task result carries its deprecation warnings, which every test
  checks through the results recorder;
- playbook input checks (``test_no_silent_green.py``: a missing, empty or misspelled cluster variable and an unknown key
  in the inventory file; ``test_bad_input.py``: refused module arguments as ansible-playbook reports them): how undefined
  and extra variables, inventory options and failed argument checks reach the user;
- templating of inventory data (``test_fleet.py``: a cluster name that is a template is never run; the inventory's host
  variables are marked unsafe): how untrusted strings are tagged (2.19 brought data tagging);
- and three more of the same kind: the ``module_defaults`` action group of meta/runtime.yml (the four-step test), a
  fleet stop and start with forks where 2.20 stopped returning ``invocation`` (``test_fleet.py``), and how warnings and
  ``print_lines`` output are displayed (``test_output.py``).

Usage::

    python tests/utils/matrix.py list                 # one line per release
    python tests/utils/matrix.py venv SERIES          # create (or reuse) the release's virtualenv, print its python
    python tests/utils/matrix.py run SERIES STAGE     # STAGE: sanity, units, integration or integration-subset
    python tests/utils/matrix.py python VERSION       # the interpreter of a Python version, or a clear error

The first release is the one ``.venv`` holds (``tests/requirements.txt``); the others get their own virtualenv under
``.cache/matrix/<series>``, with the packages of ``tests/requirements-matrix.txt``. pytest runs the integration tier in
``PYTEST_WORKERS`` parallel workers (pytest-xdist's ``-n``; default ``auto``, one per CPU).
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import subprocess
import sys
import typing as t

UTILS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(UTILS))
CACHE = os.path.join(ROOT, ".cache")
COLLECTIONS = os.path.join(CACHE, "collections")
MATRIX_REQUIREMENTS = os.path.join(ROOT, "tests", "requirements-matrix.txt")
DEFAULT_VENV = os.path.join(ROOT, ".venv")


class Release(t.NamedTuple):
    series: str       # ansible-core major.minor, as in requires_ansible
    core: str         # the pinned ansible-core release
    controller: str   # the controller Python the tests run on (one the release supports)
    targets: tuple    # the oldest and the newest target Python the tests run the modules on


# The newest Python the machine type of this project holds in pyenv (3.8 to 3.13; no 3.14). Declared, not looked up:
# the matrix is the same on every machine, and a machine that lacks one of its interpreters fails the run naming it.
NEWEST_MACHINE_PYTHON = "3.13"

# Oldest first. Target Pythons: the oldest the release supports that the collection supports too (tests/config.yml says
# 3.8), and the newest the release supports up to NEWEST_MACHINE_PYTHON (2.20 and 2.21 also support 3.14).
# tests/integration/test_target_python.py checks these against ansible-test's own list of the running release.
RELEASES = (
    Release(series="2.19", core="2.19.14", controller="3.11", targets=("3.8", "3.13")),
    Release(series="2.20", core="2.20.10", controller="3.12", targets=("3.9", "3.13")),
    Release(series="2.21", core="2.21.5", controller="3.13", targets=("3.9", "3.13")),
)
DEFAULT = RELEASES[0]


def release(series: str) -> Release:
    if series == "default":
        return DEFAULT
    for candidate in RELEASES:
        if candidate.series == series:
            return candidate
    raise SystemExit("ansible-core %s is not in the support matrix (tests/utils/matrix.py): %s"
                     % (series, ", ".join(entry.series for entry in RELEASES)))


def series_of(version: str) -> str:
    return ".".join(version.split(".")[:2])


def pyenv_root() -> str:
    root = os.environ.get("PYENV_ROOT")
    if root:
        return root
    try:
        return subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.path.join(os.path.expanduser("~"), ".pyenv")


def interpreter(version: str) -> str:
    """The newest CPython ``version`` (``3.8``) in pyenv's versions folder; a clear error when there is none."""
    root = pyenv_root()
    pattern = os.path.join(root, "versions", version + ".*", "bin", "python" + version)
    found = [path for path in glob.glob(pattern) if os.access(path, os.X_OK)
             and os.path.basename(os.path.dirname(os.path.dirname(path)))[len(version) + 1:].isdigit()]
    if not found:
        raise SystemExit("Python %s is needed by the support matrix but is not installed: no %s. Install it with pyenv "
                         "(pyenv install %s) or see tests/utils/matrix.py." % (version, pattern, version))
    return max(found, key=lambda path: int(os.path.basename(os.path.dirname(os.path.dirname(path))).rsplit(".", 1)[1]))


def interpreter_dirs() -> list[str]:
    """The bin folders of every pyenv interpreter the matrix names, for PATH (ansible-test looks up pythonX.Y there)."""
    versions = sorted({entry.controller for entry in RELEASES} | {version for entry in RELEASES for version in entry.targets})
    return [os.path.dirname(interpreter(version)) for version in versions]


def venv_of(entry: Release) -> str:
    return DEFAULT_VENV if entry == DEFAULT else os.path.join(CACHE, "matrix", entry.series)


def ensure_venv(entry: Release) -> str:
    """The release's virtualenv, created or brought up to date; returns its python."""
    venv = venv_of(entry)
    python = os.path.join(venv, "bin", "python")
    if entry == DEFAULT:
        if not os.path.exists(os.path.join(venv, "bin", ".installed")):
            raise SystemExit("run make setup first: %s has no installed .venv" % ROOT)
        return python
    with open(MATRIX_REQUIREMENTS, "rb") as handle:
        stamp = hashlib.sha256(handle.read() + entry.core.encode() + interpreter(entry.controller).encode()).hexdigest()
    stamp_path = os.path.join(venv, ".installed")
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with open(venv + ".lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # stages of one release may start side by side: one of them installs
        if os.path.exists(stamp_path):
            with open(stamp_path, encoding="utf-8") as handle:
                if handle.read() == stamp:
                    return python
        subprocess.run([interpreter(entry.controller), "-m", "venv", "--clear", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "ansible-core==" + entry.core,
                        "-r", MATRIX_REQUIREMENTS], check=True)
        with open(stamp_path, "w", encoding="utf-8") as handle:
            handle.write(stamp)
    return python


def environment(entry: Release, python: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(python)] + interpreter_dirs() + [env.get("PATH", "")])
    env["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS
    env["ANSIBLE_NOCOLOR"] = "1"
    env.pop("VIRTUAL_ENV", None)
    return env


def run(entry: Release, stage: str) -> int:
    python = ensure_venv(entry)
    env = environment(entry, python)
    print("ansible-core %s on Python %s (%s)" % (entry.core, entry.controller, python), flush=True)
    if stage in ("sanity", "units"):
        staged = subprocess.run([python, os.path.join(UTILS, "prepare_ansible_test.py"), ROOT,
                                 os.path.join(CACHE, "ansible-test", entry.series)],
                                env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        argv = [os.path.join(os.path.dirname(python), "ansible-test"), stage, "--venv", "--python", entry.controller,
                "--color", "no"]
        return subprocess.run(argv, cwd=staged, env=env, check=False).returncode
    if stage in ("integration", "integration-subset"):
        argv = [python, "-m", "pytest", "-p", "no:cacheprovider", "-n", os.environ.get("PYTEST_WORKERS") or "auto",
                "tests/integration", "-q"]
        if stage == "integration-subset":
            argv += ["-m", "release_sensitive"]
        return subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
    raise SystemExit("unknown stage %r: sanity, units, integration or integration-subset" % stage)


def main(argv: list[str]) -> int:
    if argv[:1] == ["list"]:
        for entry in RELEASES:
            print("%s %s controller=%s targets=%s" % (entry.series, entry.core, entry.controller, ",".join(entry.targets)))
        return 0
    if len(argv) == 2 and argv[0] == "venv":
        print(ensure_venv(release(argv[1])))
        return 0
    if len(argv) == 2 and argv[0] == "python":
        print(interpreter(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "run":
        return run(release(argv[1]), argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
