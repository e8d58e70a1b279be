# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the real eksctl releases the end-to-end tier runs, from eksctl's Go module.

The versions are pinned here, and only here. Each binary is built once per machine into
``$EKS_TOOLS_EKSCTL_CACHE`` (default ``~/.cache/eks_tools-eksctl``) as ``eksctl-<version>/eksctl``
and reused afterwards. Nothing of eksctl is kept in the project: the module is downloaded into
Go's module cache and built there.

eksctl's ``go.mod`` carries ``replace`` directives, so ``go install ...@version`` refuses it; the
build runs ``go build ./cmd/eksctl`` inside the downloaded module directory instead, with the
version stamped the way eksctl's release build does (``gitCommit``, ``buildDate`` and an empty
``PreReleaseID``), so ``eksctl version`` prints the plain release number.

Usage::

    python tests/e2e/eksctl_builds.py            # build what is missing; print one path per line
    python tests/e2e/eksctl_builds.py --require  # the same, but a missing Go is an error (CI)

Exit codes: 0 built (or reused), 1 a build failed (or Go is missing with ``--require``),
3 Go is missing (the tier is skipped; the reason is printed on stderr).

This file is test tooling; it is not part of the built collection.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

MODULE = "github.com/weaveworks/eksctl"
VERSION_PACKAGE = MODULE + "/pkg/version"

# The newest release the Go module proxy serves here, and an older one that many users still run:
# 0.215.0 (October 2025) is the release a year-old pinned execution environment or CI image carries.
VERSIONS = ("0.230.0", "0.215.0")

EXIT_BUILD_FAILED = 1
EXIT_NO_GO = 3


def cache_root() -> str:
    return os.environ.get("EKS_TOOLS_EKSCTL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "eks_tools-eksctl")


def binary_path(version: str) -> str:
    return os.path.join(cache_root(), "eksctl-%s" % version, "eksctl")


def built_binaries() -> list[str]:
    """The binaries of the pinned versions that exist now, newest first."""
    return [binary_path(version) for version in VERSIONS if os.access(binary_path(version), os.X_OK)]


def _go(*args: str, cwd: str | None = None) -> str:
    env = dict(os.environ, GOFLAGS="-mod=readonly", CGO_ENABLED="0")
    completed = subprocess.run(["go"] + list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError("go %s failed (rc %d):\n%s%s" % (" ".join(args), completed.returncode, completed.stdout[-4000:],
                                                            completed.stderr[-4000:]))
    return completed.stdout


def download(version: str) -> tuple[str, str, str]:
    """Download the module; return its directory, the release's short commit and its date."""
    info = json.loads(_go("mod", "download", "-json", "%s@v%s" % (MODULE, version)))
    if info.get("Error"):
        raise RuntimeError("go mod download %s@v%s: %s" % (MODULE, version, info["Error"]))
    with open(info["Info"], encoding="utf-8") as handle:
        meta = json.load(handle)
    commit = (meta.get("Origin") or {}).get("Hash", "")[:7]
    return info["Dir"], commit, meta.get("Time", "")


def build(version: str) -> str:
    target = binary_path(version)
    if os.access(target, os.X_OK):
        return target
    directory, commit, date = download(version)
    ldflags = "-s -w -X %(p)s.gitCommit=%(c)s -X %(p)s.buildDate=%(d)s -X %(p)s.PreReleaseID=" % {
        "p": VERSION_PACKAGE, "c": commit, "d": date}
    os.makedirs(os.path.dirname(target), exist_ok=True)
    # Build beside the target and rename, so an interrupted build never leaves a half binary in the cache.
    handle, partial = tempfile.mkstemp(prefix=".eksctl-", dir=os.path.dirname(target))
    os.close(handle)
    try:
        _go("build", "-trimpath", "-ldflags", ldflags, "-o", partial, "./cmd/eksctl", cwd=directory)
        printed = subprocess.run([partial, "version"], capture_output=True, text=True, check=False).stdout.strip()
        if printed != version:
            raise RuntimeError("the eksctl built from v%s says its version is %r" % (version, printed))
        os.chmod(partial, 0o755)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--require", action="store_true", help="fail (exit 1) instead of skipping (exit 3) when Go is missing")
    args = parser.parse_args(argv)
    if shutil.which("go") is None:
        outcome = "which this run requires (CI=true): failing" if args.require else "so the end-to-end tier is skipped"
        print("Go is not installed (no `go` on PATH): the real eksctl cannot be built, %s" % outcome, file=sys.stderr)
        return EXIT_BUILD_FAILED if args.require else EXIT_NO_GO
    for version in VERSIONS:
        already = os.access(binary_path(version), os.X_OK)
        if not already:
            print("building eksctl %s (the first build takes several minutes)" % version, file=sys.stderr)
        try:
            path = build(version)
        except RuntimeError as exc:
            print("building eksctl %s failed: %s" % (version, exc), file=sys.stderr)
            return EXIT_BUILD_FAILED
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
