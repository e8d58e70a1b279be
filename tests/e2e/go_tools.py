# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the Go tools the end-to-end tier runs, from their Go modules, once per machine.

The versions are pinned here, and only here (``PINS``): the real eksctl releases the tier tests, and a
Kubernetes control plane for the emulated clusters (etcd, kube-apiserver, kwok for Nodes and Pods, and
Karpenter's controller with its kwok cloud provider). Each tool is built once per machine into
``$EKS_TOOLS_EKSCTL_CACHE`` (default ``~/.cache/eks_tools-eksctl``) as ``<tool>-<version>/<binary>``
and reused afterwards. Nothing of these projects is kept in the project: each module is downloaded into
Go's module cache and built there; the few data files a tool needs at run time (kwok's stages,
Karpenter's CRDs) are copied from its module into the tool's cache directory beside the binary.

How each module is built (the module zips lack what their own builds use):

* eksctl: its ``go.mod`` carries ``replace`` directives, so ``go install ...@version`` refuses it; the
  build runs ``go build ./cmd/eksctl`` inside the downloaded module directory, with the version stamped
  the way eksctl's release build does, so ``eksctl version`` prints the plain release number.
* etcd: the root module ``go.etcd.io/etcd/v3`` replaces its sibling modules with ``./subdirs`` that the
  zip leaves out; those replaces are dropped (the siblings then come from the proxy at the same version)
  and ``go.etcd.io/etcd/server/v3`` is built.
* kube-apiserver: ``k8s.io/kubernetes`` replaces 31 ``k8s.io/*`` modules with ``./staging`` (not in the
  zip) and has a ``go.work``; the workspace is turned off, the replaces are dropped, each staging module
  is required at the matching ``v0.<minor>.<patch>``, and ``./cmd/kube-apiserver`` is built with the
  version stamped (``kubectl`` and client libraries refuse the unstamped ``v0.0.0-master``).
* kwok: plain build of ``./cmd/kwok``; its node and pod stages are copied from ``kustomize/stage/``.
* Karpenter: ``./kwok`` (the controller with the kwok cloud provider); its CRDs are copied from
  ``pkg/apis/crds/`` and ``kwok/apis/crds/``.

Module directories in Go's module cache are read-only, so go.mod is never edited in place: the edited
copy lives in a temporary directory and the build reads it with ``-modfile``. The downloads of all tools
run side by side (network-bound); the compilations run one at a time (each uses every core).

Usage::

    python tests/e2e/go_tools.py                  # build what is missing; print one binary path per line
    python tests/e2e/go_tools.py --require        # the same, but a missing Go is an error (CI)
    python tests/e2e/go_tools.py eksctl etcd      # only some tools (names as in PINS)

Exit codes: 0 built (or reused), 1 a build failed (or Go is missing with ``--require``),
3 Go is missing (the tier is skipped; the reason is printed on stderr).

This file is test tooling; it is not part of the built collection.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from typing import Callable

EXIT_BUILD_FAILED = 1
EXIT_NO_GO = 3

# The newest eksctl release the Go module proxy serves here, and an older one that many users still run:
# 0.215.0 (October 2025) is the release a year-old pinned execution environment or CI image carries.
EKSCTL_VERSIONS = ("0.230.0", "0.215.0")
ETCD_VERSION = "3.6.8"  # the proxy refuses v3.6.16 with this Go
KUBERNETES_VERSION = "1.35.4"
KWOK_VERSION = "0.8.0"
KARPENTER_VERSION = "1.8.0"  # newer releases need a newer Go than 1.26.8

# Kept for the callers that only know eksctl.
VERSIONS = EKSCTL_VERSIONS

LEAN = "-s -w"  # no symbol table or DWARF: smaller binaries, faster links


@dataclasses.dataclass(frozen=True)
class Source:
    """A downloaded module: its read-only directory, the release's short commit and its date."""

    directory: str
    commit: str
    date: str


@dataclasses.dataclass(frozen=True)
class Tool:
    """One binary to build from one Go module.

    ``package`` is built inside the module directory; ``edit_module`` (if any) gets the path of a
    writable copy of go.mod to edit, which the build then reads with ``-modfile``. ``assets`` are
    (path in the module, path in the tool's cache directory) pairs copied beside the binary.
    ``check`` is the argv suffix that makes the binary print ``expect``.
    """

    name: str
    version: str
    module: str
    package: str
    binary: str
    ldflags: Callable[[Source], str] = lambda source: LEAN
    edit_module: Callable[[str], list[list[str]]] | None = None
    env: tuple[tuple[str, str], ...] = ()
    assets: tuple[tuple[str, str], ...] = ()
    check: tuple[str, ...] = ("--version",)
    expect: str = ""

    @property
    def key(self) -> str:
        return "%s-%s" % (self.name, self.version)

    @property
    def directory(self) -> str:
        return os.path.join(cache_root(), self.key)

    @property
    def path(self) -> str:
        return os.path.join(self.directory, self.binary)

    def built(self) -> bool:
        return os.access(self.path, os.X_OK)


def _eksctl_ldflags(source: Source) -> str:
    package = "github.com/weaveworks/eksctl/pkg/version"
    return "%s -X %s.gitCommit=%s -X %s.buildDate=%s -X %s.PreReleaseID=" % (
        LEAN, package, source.commit, package, source.date, package)


def _kubernetes_ldflags(source: Source) -> str:
    major, minor, _patch = KUBERNETES_VERSION.split(".")
    values = {"gitVersion": "v" + KUBERNETES_VERSION, "gitMajor": major, "gitMinor": minor,
              "gitCommit": source.commit or "0000000", "gitTreeState": "clean", "buildDate": source.date}
    flags = [LEAN]
    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += ["-X %s.%s=%s" % (package, name, value) for name, value in values.items() if value]
    return " ".join(flags)


def _karpenter_ldflags(_source: Source) -> str:
    return "%s -X sigs.k8s.io/karpenter/pkg/operator.Version=v%s" % (LEAN, KARPENTER_VERSION)


def _drop_local_replaces(go_mod: str) -> list[list[str]]:
    """``go mod edit`` arguments dropping every replace that points into the module itself (``./...``)."""
    document = json.loads(_go("mod", "edit", "-json", go_mod))
    return [["-dropreplace=%s" % entry["Old"]["Path"] for entry in document.get("Replace") or []
             if entry["New"]["Path"].startswith("./")]]


def _staging_modules(go_mod: str) -> list[list[str]]:
    """Drop the ``./staging`` replaces and require each staging module at the release's ``v0.x.y``."""
    document = json.loads(_go("mod", "edit", "-json", go_mod))
    staged = [entry["Old"]["Path"] for entry in document.get("Replace") or [] if entry["New"]["Path"].startswith("./staging/")]
    staging_version = "v0." + KUBERNETES_VERSION.split(".", 1)[1]
    return [["-dropreplace=%s" % path for path in staged] + ["-require=%s@%s" % (path, staging_version) for path in staged]]


def _tools() -> dict[str, list[Tool]]:
    kwok_stages = "kustomize/stage"
    return {
        "eksctl": [Tool("eksctl", version, "github.com/weaveworks/eksctl", "./cmd/eksctl", "eksctl", ldflags=_eksctl_ldflags,
                        check=("version",), expect=version) for version in EKSCTL_VERSIONS],
        "etcd": [Tool("etcd", ETCD_VERSION, "go.etcd.io/etcd/v3", "go.etcd.io/etcd/server/v3", "etcd",
                      edit_module=_drop_local_replaces, expect="etcd Version: %s" % ETCD_VERSION)],
        "kube-apiserver": [Tool("kube-apiserver", KUBERNETES_VERSION, "k8s.io/kubernetes", "./cmd/kube-apiserver",
                                "kube-apiserver", ldflags=_kubernetes_ldflags, edit_module=_staging_modules,
                                env=(("GOWORK", "off"),), expect="Kubernetes v%s" % KUBERNETES_VERSION)],
        "kwok": [Tool("kwok", KWOK_VERSION, "sigs.k8s.io/kwok", "./cmd/kwok", "kwok",
                      assets=(("%s/node/fast/node-initialize.yaml" % kwok_stages, "stages/node-initialize.yaml"),
                              ("%s/pod/fast/pod-ready.yaml" % kwok_stages, "stages/pod-ready.yaml"),
                              ("%s/pod/fast/pod-complete.yaml" % kwok_stages, "stages/pod-complete.yaml"),
                              ("%s/pod/fast/pod-delete.yaml" % kwok_stages, "stages/pod-delete.yaml")),
                      check=("--version",), expect=KWOK_VERSION)],
        "karpenter": [Tool("karpenter", KARPENTER_VERSION, "sigs.k8s.io/karpenter", "./kwok", "karpenter-kwok",
                           ldflags=_karpenter_ldflags,
                           assets=(("pkg/apis/crds/karpenter.sh_nodepools.yaml", "crds/karpenter.sh_nodepools.yaml"),
                                   ("pkg/apis/crds/karpenter.sh_nodeclaims.yaml", "crds/karpenter.sh_nodeclaims.yaml"),
                                   ("pkg/apis/crds/karpenter.sh_nodeoverlays.yaml", "crds/karpenter.sh_nodeoverlays.yaml"),
                                   ("kwok/apis/crds/karpenter.kwok.sh_kwoknodeclasses.yaml",
                                    "crds/karpenter.kwok.sh_kwoknodeclasses.yaml")),
                           check=("--help",), expect="disable-leader-election")],
    }


PINS = _tools()


def cache_root() -> str:
    return os.environ.get("EKS_TOOLS_EKSCTL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "eks_tools-eksctl")


def tool(name: str) -> Tool:
    """The pinned tool of that name (for eksctl, the newest pinned release)."""
    return PINS[name][0]


def binary_path(version: str) -> str:
    """Where eksctl ``version`` is (or would be) built."""
    return Tool("eksctl", version, "", "", "eksctl").path


def built_binaries() -> list[str]:
    """The eksctl binaries of the pinned versions that exist now, newest first."""
    return [entry.path for entry in PINS["eksctl"] if entry.built()]


def missing(names: list[str] | None = None) -> list[Tool]:
    """The pinned tools (of ``names``, default all) not built on this machine."""
    return [entry for name in names or list(PINS) for entry in PINS[name] if not entry.built()]


def _go(*args: str, cwd: str | None = None, env: dict[str, str] | None = None) -> str:
    environment = dict(os.environ, CGO_ENABLED="0")
    environment.update(env or {})
    completed = subprocess.run(["go"] + list(args), cwd=cwd, env=environment, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError("go %s failed (rc %d):\n%s%s" % (" ".join(args), completed.returncode, completed.stdout[-4000:],
                                                            completed.stderr[-4000:]))
    return completed.stdout


def download(entry: Tool) -> Source:
    """Download the tool's module; return its directory, the release's short commit and its date."""
    info = json.loads(_go("mod", "download", "-json", "%s@v%s" % (entry.module, entry.version), env={"GOFLAGS": "-mod=mod"}))
    if info.get("Error"):
        raise RuntimeError("go mod download %s@v%s: %s" % (entry.module, entry.version, info["Error"]))
    with open(info["Info"], encoding="utf-8") as handle:
        meta = json.load(handle)
    return Source(info["Dir"], (meta.get("Origin") or {}).get("Hash", "")[:7], meta.get("Time", ""))


class Build:
    """One tool's build: its module, the go.mod the build reads, and the flags."""

    def __init__(self, entry: Tool, scratch: str) -> None:
        self.entry = entry
        self.scratch = scratch
        self.source: Source | None = None
        self.flags: list[str] = []
        self.env: dict[str, str] = dict(entry.env)

    def prepare(self) -> None:
        """Download the module and every module the package needs (no compilation)."""
        self.source = download(self.entry)
        if self.entry.edit_module is None:
            self.env["GOFLAGS"] = "-mod=readonly -buildvcs=false"
        else:
            # The edited go.mod (and the go.sum Go completes beside it) live outside the read-only module directory.
            go_mod = os.path.join(self.scratch, "go.mod")
            shutil.copyfile(os.path.join(self.source.directory, "go.mod"), go_mod)
            if os.path.exists(os.path.join(self.source.directory, "go.sum")):
                shutil.copyfile(os.path.join(self.source.directory, "go.sum"), os.path.join(self.scratch, "go.sum"))
            os.chmod(go_mod, 0o644)
            for edit in self.entry.edit_module(go_mod):
                _go("mod", "edit", *edit, go_mod)
            self.flags = ["-modfile=%s" % go_mod]
            self.env["GOFLAGS"] = "-mod=mod -buildvcs=false"
        _go("list", *self.flags, "-deps", "-f", "{{.ImportPath}}", self.entry.package, cwd=self.source.directory, env=self.env)

    def compile(self) -> str:
        """Build beside the target and rename, so an interrupted build never leaves a half tool in the cache."""
        entry, source = self.entry, self.source
        assert source is not None
        os.makedirs(cache_root(), exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".%s-" % entry.key, dir=cache_root())
        try:
            partial = os.path.join(staging, entry.binary)
            _go("build", *self.flags, "-trimpath", "-ldflags", entry.ldflags(source), "-o", partial, entry.package,
                cwd=source.directory, env=self.env)
            printed = subprocess.run([partial, *entry.check], capture_output=True, text=True, check=False, timeout=60)
            if entry.expect not in printed.stdout + printed.stderr:
                raise RuntimeError("the %s built from v%s does not print %r for %s: %r" % (
                    entry.name, entry.version, entry.expect, " ".join(entry.check), (printed.stdout + printed.stderr)[-500:]))
            for inside, outside in entry.assets:
                os.makedirs(os.path.dirname(os.path.join(staging, outside)), exist_ok=True)
                shutil.copyfile(os.path.join(source.directory, inside), os.path.join(staging, outside))
            os.chmod(partial, 0o755)
            os.makedirs(entry.directory, exist_ok=True)
            # Assets first, the binary last: a tool counts as built once its binary is in place.
            for root, _dirs, files in os.walk(staging):
                for name in files:
                    if os.path.join(root, name) != partial:
                        relative = os.path.relpath(os.path.join(root, name), staging)
                        os.makedirs(os.path.dirname(os.path.join(entry.directory, relative)), exist_ok=True)
                        os.replace(os.path.join(root, name), os.path.join(entry.directory, relative))
            os.replace(partial, entry.path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return entry.path


def build_all(entries: list[Tool], report: Callable[[str], None] = lambda line: None) -> dict[str, str]:
    """Build the entries not built yet: downloads side by side, compilations one at a time.

    Returns ``{key: binary path}`` for every entry; raises RuntimeError naming each tool that failed."""
    todo = [entry for entry in entries if not entry.built()]
    compile_lock = threading.Lock()
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="go-tools-") as scratch:

        def one(entry: Tool) -> None:
            started = time.monotonic()
            work = Build(entry, tempfile.mkdtemp(dir=scratch))
            try:
                work.prepare()
                downloaded = time.monotonic() - started
                with compile_lock:
                    report("compiling %s (its downloads took %.0f s)" % (entry.key, downloaded))
                    began = time.monotonic()
                    work.compile()
                report("built %s in %.0f s (compile %.0f s)" % (entry.key, time.monotonic() - started, time.monotonic() - began))
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                failures[entry.key] = str(exc)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(todo))) as pool:
            list(pool.map(one, todo))
    if failures:
        raise RuntimeError("\n".join("building %s failed: %s" % item for item in sorted(failures.items())))
    return {entry.key: entry.path for entry in entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--require", action="store_true", help="fail (exit 1) instead of skipping (exit 3) when Go is missing")
    parser.add_argument("tools", nargs="*", metavar="tool", help="build only these (%s); default: all" % ", ".join(PINS))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.tools) - set(PINS))
    if unknown:
        parser.error("unknown tool %s (known: %s)" % (", ".join(unknown), ", ".join(PINS)))
    entries = [entry for name in args.tools or list(PINS) for entry in PINS[name]]
    if shutil.which("go") is None:
        outcome = "which this run requires (CI=true): failing" if args.require else "so the end-to-end tier is skipped"
        print("Go is not installed (no `go` on PATH): the tier's tools cannot be built, %s" % outcome, file=sys.stderr)
        return EXIT_BUILD_FAILED if args.require else EXIT_NO_GO
    todo = [entry.key for entry in entries if not entry.built()]
    if todo:
        print("building %s (the first build takes several minutes)" % ", ".join(todo), file=sys.stderr)
    try:
        paths = build_all(entries, report=lambda line: sys.stderr.write(line + "\n"))  # one write: threads report
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BUILD_FAILED
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
