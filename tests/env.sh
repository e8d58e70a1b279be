# Source this file from bash or zsh (`. tests/env.sh` in the checkout) to try the collection by hand against the eksctl
# simulator: it puts the virtualenv's ansible tools and the simulator's eksctl first on PATH, points Ansible at the
# collection, and keeps the simulator's state in .cache/try (seeded on first use). `make shell` opens a shell with it.
# EKS_TOOLS_VENV picks another virtualenv than .venv (the tests use those of the support matrix).
if [ -n "${EKS_TOOLS_ROOT:-}" ]; then
    eks_tools_root=$EKS_TOOLS_ROOT
elif [ -n "${BASH_SOURCE:-}" ]; then
    eks_tools_root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
elif [ -n "${ZSH_VERSION:-}" ]; then
    eks_tools_root=$(cd -P "$(dirname "${(%):-%x}")/.." && pwd)
else
    eks_tools_root=$(pwd)
fi
eks_tools_venv=${EKS_TOOLS_VENV:-$eks_tools_root/.venv}
if [ ! -x "$eks_tools_venv/bin/ansible" ] || [ ! -e "$eks_tools_root/.cache/collections/ansible_collections/eks_tools/eksctl" ]; then
    echo "tests/env.sh: run 'make setup' in $eks_tools_root first" >&2
    return 1 2>/dev/null || exit 1
fi
export PATH="$eks_tools_root/tests/simulator/bin:$eks_tools_venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$eks_tools_root/.cache/collections"
export EKSCTL_SIM_STATE="${EKSCTL_SIM_STATE:-$eks_tools_root/.cache/try/eksctl-state.json}"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
mkdir -p "$(dirname "$EKSCTL_SIM_STATE")"
unset eks_tools_root eks_tools_venv
