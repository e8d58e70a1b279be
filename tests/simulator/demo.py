# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make demo``: the main job on the eksctl simulator, step by step, with the simulated clusters' Kubernetes API running
beside it (so the stop and the start prove themselves at the Node level, as against a real cluster).

Usage (make demo runs it with the simulator first on PATH and EKSCTL_SIM_STATE set)::

    python tests/simulator/demo.py -e cluster=demo -e region=eu-north-1 ...   # the extra variables of steps 2 to 5

This file is test tooling; it is not part of the built collection.
"""

from __future__ import annotations

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position

STEPS = (
    ("1/5 every cluster of two regions, with nodegroups and sizes", "report", ["-e", '{"regions": ["eu-north-1", "us-east-1"]}']),
    ("2/5 stop cluster demo (sizes recorded first)", "stop", None),
    ("3/5 demo while stopped", "report", None),
    ("4/5 start cluster demo (recorded sizes restored)", "start", None),
    ("5/5 demo after the start: the sizes of step 1", "report", None),
)


def main(arguments: list[str]) -> int:
    state = os.environ["EKSCTL_SIM_STATE"]
    # The simulated API takes any EKS token; the modules sign theirs with AWS credentials, here made-up ones (eksctl's
    # stand-in reads none).
    credentials = os.path.join(os.path.dirname(state), "aws-credentials")
    with open(credentials, "w", encoding="utf-8") as handle:
        handle.write("[default]\naws_access_key_id = AKIASIMULATOR\naws_secret_access_key = simulated-secret\n")
    os.environ.update(AWS_SHARED_CREDENTIALS_FILE=credentials, AWS_EC2_METADATA_DISABLED="true")
    seeded = eksctl_simulator.seed_state()
    kube = eksctl_simulator.KubeServer(state).start()
    try:
        seeded["settings"]["kube_endpoint"] = kube.url
        eksctl_simulator.write_state(state, seeded)
        version = subprocess.run(["eksctl", "version"], capture_output=True, text=True, check=True).stdout.strip()
        print("== eksctl simulator %s, state in %s" % (version, state), flush=True)
        for title, playbook, extra in STEPS:
            print("== " + title, flush=True)
            completed = subprocess.run(["ansible-playbook", "eks_tools.eksctl." + playbook] + (arguments if extra is None else extra), check=False)
            if completed.returncode != 0:
                return completed.returncode
        return 0
    finally:
        kube.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
