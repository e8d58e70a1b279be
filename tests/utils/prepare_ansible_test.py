# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prepare an offline run of ``ansible-test --venv``.

1. Copy the checkout (the files git tracks or does not ignore) to
   ``<dest>/ansible_collections/eks_tools/eksctl``, where ansible-test needs it, as a fresh git
   repository so ansible-test can list its files.
2. ansible-test bootstraps each virtualenv with a ``get-pip`` script downloaded from a host this
   network cannot reach. When the cached copy is missing, put a stand-in there that bootstraps pip
   with ``ensurepip`` and then installs the requested packages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

STAND_IN = '''"""Stand-in for get-pip.py: bootstrap pip with ensurepip, then install what was asked for."""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + ARGS)
'''


def pip_version() -> str:
    import ansible_test  # pylint: disable=import-outside-toplevel

    root = os.path.dirname(ansible_test.__file__)
    with open(os.path.join(root, "_internal", "python_requirements.py"), encoding="utf-8") as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        sys.exit("cannot find the pip version ansible-test bootstraps")
    return match.group(1)


def install_stand_in() -> None:
    version = pip_version()
    path = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(STAND_IN)
    print("installed a get-pip stand-in at %s" % path)


def stage(source: str, dest_root: str) -> str:
    dest = os.path.join(dest_root, "ansible_collections", "eks_tools", "eksctl")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=source,
                             check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    for relative in filter(None, listing):
        origin = os.path.join(source, relative)
        if not os.path.lexists(origin):
            continue
        target = os.path.join(dest, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(origin, target, follow_symlinks=False)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    return dest


def main() -> None:
    source, dest_root = sys.argv[1], sys.argv[2]
    install_stand_in()
    print(stage(os.path.abspath(source), os.path.abspath(dest_root)))


if __name__ == "__main__":
    main()
