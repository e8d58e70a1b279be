# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

from __future__ import annotations


class ModuleDocFragment:
    # Mirrors SHARED_ARGUMENT_SPEC in plugins/module_utils/_module.py.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - The AWS region of the cluster, passed to eksctl as C(--region).
      - If not set, the E(AWS_REGION) and then the E(AWS_DEFAULT_REGION) environment variables are used; an empty variable counts
        as unset, as it does for eksctl. If none is set either, eksctl resolves the region from the selected profile.
      - At most 32 characters of lowercase ASCII letters, digits and hyphens, like V(eu-north-1).
    type: str
    aliases: [aws_region]
  profile:
    description:
      - The AWS profile to use, passed to eksctl as C(--profile).
      - An explicit profile takes precedence over static credentials in the environment.
      - ASCII letters, digits and C(_.+@:/-), starting with a letter, digit or C(_), at most 128 characters; passed as it is
        (no C($VAR) or C(~) expansion).
    type: str
    aliases: [aws_profile]
  access_key:
    description:
      - AWS access key ID. It reaches eksctl only through the child environment as E(AWS_ACCESS_KEY_ID), never on the command line.
      - If not set, the E(AWS_ACCESS_KEY_ID) or E(AWS_ACCESS_KEY) environment variable is used.
      - Must be given together with O(secret_key).
    type: str
    aliases: [aws_access_key_id, aws_access_key]
  secret_key:
    description:
      - AWS secret access key, handed to eksctl as E(AWS_SECRET_ACCESS_KEY) in its environment.
      - If not set, the E(AWS_SECRET_ACCESS_KEY) or E(AWS_SECRET_KEY) environment variable is used.
    type: str
    aliases: [aws_secret_access_key, aws_secret_key]
  session_token:
    description:
      - AWS session token for temporary credentials, handed to eksctl as E(AWS_SESSION_TOKEN).
      - If not set, the E(AWS_SESSION_TOKEN) or E(AWS_SECURITY_TOKEN) environment variable is used.
        AWX's Amazon Web Services credential sets E(AWS_SECURITY_TOKEN), which eksctl itself does not read.
    type: str
    aliases: [aws_session_token, security_token, aws_security_token]
  eksctl_path:
    description:
      - Path of the eksctl executable. By default eksctl is looked up on E(PATH).
    type: path
  command_timeout:
    description:
      - Longest time in seconds one eksctl call may run, from V(1) to V(86400). A call that runs longer is killed and the task fails,
        naming the command.
    type: int
    default: 300
  retries:
    description:
      - How many times an eksctl call that AWS throttled (C(ThrottlingException), C(TooManyRequestsException), C(Rate exceeded)), or whose
        connection broke off mid-answer (C(use of closed network connection), C(connection reset by peer)), is retried; at most V(100).
      - Set V(0) to fail at the first throttling answer or broken connection.
    type: int
    default: 5
  retry_delay:
    description:
      - Base delay in seconds of the exponential backoff between retries, at most V(3600).
        Retry N waits between half and all of O(retry_delay) times 2 to the power N, capped at 60 seconds.
    type: float
    default: 2.0
  parallelism:
    description:
      - How many eksctl calls of one task may run at the same time (writes to different nodegroups, reads of different clusters),
        from V(1) to V(100).
      - Each eksctl call makes several AWS API calls (STS, EKS, CloudFormation). The default keeps a burst within the usual
        request limits; throttling beyond them is retried (O(retries)). Lower it when many tasks run at once (many forks).
    type: int
    default: 10
requirements:
  - eksctl on the host that runs the module (usually the controller or the execution environment).
notes:
  - All eksctl commands are run as argument lists, never through a shell. Credentials are passed only through the environment of eksctl.
"""
