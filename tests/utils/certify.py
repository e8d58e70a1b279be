# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certification-grade checks of the built collection (``make certify``), run in their own virtualenv.

1. galaxy-importer, the importer of Galaxy and Automation Hub, in its local mode on the built artifact, with
   ansible-lint and flake8 as it runs them (ansible-test sanity inside its container needs a container engine, so
   it is off here; ``make sanity`` runs sanity on every release of the matrix). Any warning or error fails.
2. ``antsibull-docs lint-collection-docs --plugin-docs`` on the installed artifact.
3. ``antsibull-changelog lint`` on the checkout, and CHANGELOG.rst is what ``antsibull-changelog generate`` makes of
   changelogs/changelog.yaml (``make changelog`` folds new fragments into the release and writes both).
4. ``ansible-doc --json`` of every plugin and role of the installed artifact: no ``(!UNKNOWN)`` author, no duplicated
   requirement, and the plain ``ansible-doc`` text renders.

Usage: certify.py <artifact.tar.gz> <collections root the artifact is installed in>
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
IMPORTER_CONFIG = """[galaxy-importer]
LOG_LEVEL_MAIN = INFO
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_FLAKE8 = True
"""


class Failed(Exception):
    pass


def run(argv: list, *, cwd: str = ROOT, env: dict | None = None, stdout_only: bool = False) -> str:
    full_env = dict(os.environ)
    full_env["PATH"] = os.pathsep.join([BIN, full_env.get("PATH", "")])
    full_env["ANSIBLE_NOCOLOR"] = "1"
    full_env.update(env or {})
    completed = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise Failed("%s failed (rc %d):\n%s%s" % (" ".join(argv), completed.returncode, completed.stdout, completed.stderr))
    return completed.stdout if stdout_only else completed.stdout + completed.stderr


def galaxy_importer(artifact: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        config = os.path.join(work, "galaxy-importer.cfg")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(IMPORTER_CONFIG)
        output = run([sys.executable, "-m", "galaxy_importer.main", artifact], cwd=work, env={"GALAXY_IMPORTER_CONFIG": config})
    complaints = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
    if complaints or "Importer processing completed successfully" not in output:
        raise Failed("galaxy-importer:\n" + "\n".join(complaints or output.splitlines()[-20:]))


def changelog_is_generated() -> None:
    """CHANGELOG.rst as committed is what antsibull-changelog generates from changelogs/, in a copy of galaxy.yml and
    changelogs/ alone (generate needs neither the plugins nor ansible-doc)."""
    with tempfile.TemporaryDirectory() as work:
        shutil.copy(os.path.join(ROOT, "galaxy.yml"), work)
        shutil.copytree(os.path.join(ROOT, "changelogs"), os.path.join(work, "changelogs"),
                        ignore=shutil.ignore_patterns(".plugin-cache.yaml"))
        run(["antsibull-changelog", "generate"], cwd=work)
        committed = os.path.join(ROOT, "CHANGELOG.rst")
        if not os.path.exists(committed) or not filecmp.cmp(os.path.join(work, "CHANGELOG.rst"), committed, shallow=False):
            raise Failed("CHANGELOG.rst is not what antsibull-changelog generates from changelogs/changelog.yaml: run make changelog")


def installed_collection(collections_root: str) -> str:
    return os.path.join(collections_root, "ansible_collections", "eks_tools", "eksctl")


def plugins(collection: str) -> list[tuple[str, str]]:
    found = []
    for folder, plugin_type in (("modules", "module"), ("inventory", "inventory"), ("filter", "filter")):
        directory = os.path.join(collection, "plugins", folder)
        found += [(plugin_type, name[:-3]) for name in sorted(os.listdir(directory))
                  if name.endswith(".py") and not name.startswith("_")]
    found += [("role", name) for name in sorted(os.listdir(os.path.join(collection, "roles")))]
    return found


def authors(doc: dict) -> list[str]:
    author = doc.get("author") or []
    return [author] if isinstance(author, str) else list(author)


def ansible_doc(collections_root: str) -> int:
    env = {"ANSIBLE_COLLECTIONS_PATH": collections_root}
    checked = 0
    for plugin_type, name in plugins(installed_collection(collections_root)):
        fqcn = "eks_tools.eksctl." + name
        data = json.loads(run(["ansible-doc", "--json", "-t", plugin_type, fqcn], env=env, stdout_only=True))[fqcn]
        docs = [data["doc"]] if plugin_type != "role" else list(data.get("entry_points", {}).values())
        for doc in docs:
            unknown = [entry for entry in authors(doc) if "!UNKNOWN" in entry]
            if unknown or not authors(doc):
                raise Failed("ansible-doc %s %s: author %r" % (plugin_type, fqcn, authors(doc)))
            requirements = doc.get("requirements") or []
            if len(requirements) != len(set(requirements)) or len({entry.split(" (")[0] for entry in requirements}) != len(requirements):
                raise Failed("ansible-doc %s %s: requirements repeat themselves: %r" % (plugin_type, fqcn, requirements))
        text = run(["ansible-doc", "-t", plugin_type, fqcn], env=env)
        if "UNKNOWN" in text:
            raise Failed("ansible-doc %s %s shows UNKNOWN" % (plugin_type, fqcn))
        checked += 1
    return checked


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    artifact, collections_root = (os.path.abspath(arg) for arg in argv)
    checks = 0
    try:
        print("galaxy-importer %s" % os.path.basename(artifact), flush=True)
        galaxy_importer(artifact)
        checks += 1
        print("antsibull-docs lint-collection-docs --plugin-docs (installed artifact)", flush=True)
        run(["antsibull-docs", "lint-collection-docs", "--plugin-docs", "."], cwd=installed_collection(collections_root),
            env={"ANSIBLE_COLLECTIONS_PATH": collections_root})
        checks += 1
        print("antsibull-changelog lint", flush=True)
        run(["antsibull-changelog", "lint"])
        checks += 1
        print("CHANGELOG.rst is generated from changelogs/changelog.yaml", flush=True)
        changelog_is_generated()
        checks += 1
        print("ansible-doc of every plugin and role: authors, requirements, text", flush=True)
        checks += ansible_doc(collections_root)
    except Failed as error:
        print("certify: %s" % error, file=sys.stderr)
        return 1
    print("%d certification checks passed" % checks)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
