# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eksctl commands the simulator implements, one module each; every handler takes
``(call, argv, values, changed, positional)`` and returns the exit code."""
