# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the simulated account and eksctl release are, and how AWS words its errors."""

from __future__ import annotations

import uuid

VERSION = "0.230.0"
VERSION_INFO = {"Version": VERSION, "PreReleaseID": "", "Metadata": {"BuildDate": "2026-08-13T23:20:02Z", "GitCommit": "6ee3b76"}}
ACCOUNT = "111122223333"

# eksctl's SupportedRegions(), in its order (--all-regions visits the enabled ones in this order).
SUPPORTED_REGIONS = [
    "us-west-1", "us-west-2", "us-east-1", "us-east-2", "ca-central-1", "ca-west-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-north-1", "eu-central-1", "eu-central-2", "eu-south-1", "eu-south-2", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "ap-south-1", "ap-south-2", "ap-east-1", "ap-east-2", "me-central-1", "me-south-1", "sa-east-1",
    "af-south-1", "cn-northwest-1", "cn-north-1", "il-central-1", "us-gov-west-1", "us-gov-east-1", "us-iso-east-1",
    "us-isob-east-1", "us-isob-west-1", "us-iso-west-1", "mx-central-1", "ap-southeast-6", "us-isof-south-1",
    "us-isof-east-1", "eu-isoe-west-1",
]

THROTTLE_MESSAGE = "api error ThrottlingException: Rate exceeded"


def request_id() -> str:
    return str(uuid.uuid4())


def not_found_cluster(name: str) -> str:
    return ("operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: %s, "
            "ResourceNotFoundException: No cluster found for name: %s." % (request_id(), name))


def not_found_nodegroup(operation: str, name: str) -> str:
    return ("operation error EKS: %s, https response error StatusCode: 404, RequestID: %s, "
            "ResourceNotFoundException: No node group found for name: %s." % (operation, request_id(), name))
