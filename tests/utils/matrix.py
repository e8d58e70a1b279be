# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-core releases the collection supports, and how the test suite runs on each.

``meta/runtime.yml`` claims ``requires_ansible: ">=2.19.0"``: the ansible-core releases still maintained on 2026-11-28
are 2.21 (the newest), 2.20 and 2.19 (ansible-core maintains the newest release and the two before it). Each is tested
here with ansible-test sanity and units, and the integration tier, on a controller Python that release supports; the
integration tier also runs the modules on the oldest and newest target Python of that release
(``tests/integration/test_target_python.py``). The interpreters come from pyenv's versions folder.

Usage::

    python tests/utils/matrix.py list                 # one line per release
    python tests/utils/matrix.py venv SERIES          # create (or reuse) the release's virtualenv, print its python
    python tests/utils/matrix.py run SERIES STAGE     # STAGE: sanity, units or integration
    python tests/utils/matrix.py python VERSION       # the interpreter of a Python version, or a clear error

The first release is the one ``.venv`` holds (``tests/requirements.txt``); the others get their own virtualenv under
``.cache/matrix/<series>``, with the packages of ``tests/requirements-matrix.txt``.
"""

from __future__ import annotations

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


# Oldest first. Target Pythons: the oldest the release supports that the collection supports too (tests/config.yml says
# 3.8), and the newest the release supports that this machine type has (pyenv holds 3.8 to 3.13; 2.20 and 2.21 also
# support 3.14, which it does not have). tests/integration/test_target_python.py checks these against ansible-test's own
# list of the running release.
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
    if stage == "integration":
        return subprocess.run([python, "-m", "pytest", "-p", "no:cacheprovider", "tests/integration", "-q"],
                              cwd=ROOT, env=env, check=False).returncode
    raise SystemExit("unknown stage %r: sanity, units or integration" % stage)


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
