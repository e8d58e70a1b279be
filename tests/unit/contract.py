# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eksctl outputs exactly as eksctl 0.230.0 prints them (docs/eksctl.md describes them; tests/e2e/test_differential.py
checks the simulator's against the real binaries).

JSON documents carry no trailing newline, as eksctl's JSON printer writes none.
"""

from __future__ import annotations

CLUSTER_LIST = """[
    {
        "Name": "demo",
        "Region": "eu-north-1",
        "Owned": "True"
    },
    {
        "Name": "legacy-tf",
        "Region": "eu-north-1",
        "Owned": "False"
    }
]"""

CLUSTER_DESCRIPTION = """[
    {
        "AccessConfig": {"AuthenticationMode": "API_AND_CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": null},
        "Arn": "arn:aws:eks:eu-north-1:111122223333:cluster/demo",
        "CertificateAuthority": {"Data": "LS0tLS1CRUdJTi..."},
        "ClientRequestToken": null,
        "ConnectorConfig": null,
        "CreatedAt": "2026-05-01T10:20:30.123Z",
        "Endpoint": "https://ABCDEF.gr7.eu-north-1.eks.amazonaws.com",
        "Health": {"Issues": []},
        "Id": null,
        "Identity": {"Oidc": {"Issuer": "https://oidc.eks.eu-north-1.amazonaws.com/id/ABCDEF"}},
        "KubernetesNetworkConfig": {"IpFamily": "ipv4", "ServiceIpv4Cidr": "10.100.0.0/16", "ServiceIpv6Cidr": null},
        "Logging": {"ClusterLogging": [{"Enabled": false, "Types": ["api","audit","authenticator","controllerManager","scheduler"]}]},
        "Name": "demo",
        "PlatformVersion": "eks.5",
        "ResourcesVpcConfig": {
            "ClusterSecurityGroupId": "sg-0123",
            "EndpointPrivateAccess": false,
            "EndpointPublicAccess": true,
            "PublicAccessCidrs": ["0.0.0.0/0"],
            "SecurityGroupIds": ["sg-0456"],
            "SubnetIds": ["subnet-a", "subnet-b"],
            "VpcId": "vpc-0789",
            "ControlPlaneEgressMode": ""
        },
        "RoleArn": "arn:aws:iam::111122223333:role/eksctl-demo-cluster-ServiceRole-XYZ",
        "Status": "ACTIVE",
        "Tags": {"alpha.eksctl.io/cluster-name": "demo"},
        "Version": "1.31",
        "UpgradePolicy": {"SupportType": "EXTENDED"},
        "ZonalShiftConfig": null
    }
]"""

NODEGROUPS_MIXED = """[
    {
        "StackName": "eksctl-demo-nodegroup-ng-self",
        "Cluster": "demo",
        "Name": "ng-self",
        "Status": "CREATE_COMPLETE",
        "MaxSize": 4,
        "MinSize": 1,
        "DesiredCapacity": 2,
        "InstanceType": "m5.large",
        "ImageID": "ami-0123456789abcdef0",
        "CreationTime": "2026-05-01T10:30:00.123Z",
        "NodeInstanceRoleARN": "arn:aws:iam::111122223333:role/eksctl-demo-nodegroup-ng-self-NodeInstanceRole-ABC",
        "AutoScalingGroupName": "eksctl-demo-nodegroup-ng-self-NodeGroup-XYZ",
        "Version": "1.31.2",
        "Type": "unmanaged"
    },
    {
        "StackName": "eksctl-demo-nodegroup-ng-1",
        "Cluster": "demo",
        "Name": "ng-1",
        "Status": "ACTIVE",
        "MaxSize": 5,
        "MinSize": 2,
        "DesiredCapacity": 3,
        "InstanceType": "t3.medium",
        "ImageID": "AL2023_x86_64_STANDARD",
        "CreationTime": "2026-05-01T10:40:00.456Z",
        "NodeInstanceRoleARN": "arn:aws:iam::111122223333:role/eksctl-demo-nodegroup-ng-1-NodeInstanceRole-DEF",
        "AutoScalingGroupName": "eks-ng-1-4ac6f1d2-0000-1111-2222-333344445555",
        "Version": "1.31",
        "Type": "managed"
    }
]"""

EMPTY_LIST = "[]"

# get fargateprofile -o json: eksctl's own FargateProfile (pkg/apis/eksctl.io/v1alpha5), 4-space indented like every JSON it prints.
FARGATE_PROFILES = """[
    {
        "name": "fp-default",
        "podExecutionRoleARN": "arn:aws:iam::111122223333:role/eksctl-demo-cluster-FargatePodExecutionRole-ABC",
        "selectors": [
            {
                "namespace": "default"
            },
            {
                "namespace": "batch",
                "labels": {
                    "tier": "jobs"
                }
            }
        ],
        "subnets": [
            "subnet-a",
            "subnet-b"
        ],
        "status": "ACTIVE"
    }
]"""

CLUSTER_NOT_FOUND_STDERR = (
    'Error: unable to describe control plane "X": operation error EKS: DescribeCluster, https response error StatusCode: 404, '
    'RequestID: 00000000-0000-0000-0000-000000000000, ResourceNotFoundException: No cluster found for name: X.\n'
)
CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR = (
    'Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, '
    'RequestID: 00000000-0000-0000-0000-000000000000, ResourceNotFoundException: No cluster found for name: C.\n'
)
NODEGROUP_NOT_FOUND_STDERR = (
    'Error: operation error EKS: DescribeNodegroup, https response error StatusCode: 404, '
    'RequestID: 00000000-0000-0000-0000-000000000000, ResourceNotFoundException: No node group found for name: NG.\n'
)
SCALE_NODEGROUP_NOT_FOUND_STDERR = (
    'Error: failed to scale nodegroup "ng-9" for cluster "demo", error: operation error EKS: UpdateNodegroupConfig, '
    'https response error StatusCode: 404, RequestID: 00000000-0000-0000-0000-000000000000, '
    'ResourceNotFoundException: No node group found for name: ng-9.\n'
)
REGION_MISSING_STDERR = "Error: AWS Region must be set, please set the AWS Region in AWS config file or as environment variable\n"
REGION_UNSUPPORTED_STDERR = "Error: --region=xx-east-9 is not supported - use one of: us-east-1, eu-north-1\n"
STS_STDERR = ("Error: checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
              "https response error StatusCode: 403, RequestID: 1, api error InvalidClientTokenId: The security token included in the request is invalid.\n")
THROTTLED_STDERR = ("Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, exceeded maximum number of attempts, 3, "
                    "https response error StatusCode: 429, RequestID: 1, TooManyRequestsException: Rate exceeded\n")
IN_USE_STDERR = ('Error: failed to scale nodegroup "ng-1" for cluster "demo", error: operation error EKS: UpdateNodegroupConfig, '
                 'https response error StatusCode: 409, RequestID: 1, '
                 'ResourceInUseException: Nodegroup cannot be updated as it is currently not in Active State\n')
UNAVAILABLE_STDERR = 'Error: cannot perform Kubernetes API operations on cluster "C" in "eu-north-1" region due to status "CREATING"\n'
WARNING_THEN_ERROR_STDERR = ("2026-05-01 10:00:00 [!]  retryable error (Throttling) from cloudformation/DescribeStacks - will retry after delay\n"
                             + CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR)
GET_LOG_ON_STDERR = "2026-05-01 10:00:00 [\u2139]  eksctl version 0.230.0\n"

# The behaviours of docs/eksctl.md that the second reading of eksctl's source found (texts as the real binary prints them).
NOT_EKS_STDERR = ("Error: cannot perform this operation on a non-EKS cluster; please follow the documentation for "
                  "cluster edge's Kubernetes provider\n")
LIST_NODES_FORBIDDEN_STDERR = ("Error: getting nodegroup's kubernetes version: failed to list nodes: nodes is forbidden: User "
                               "\"arn:aws:iam::111122223333:user/ops\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n")
SCALE_STDOUT = (
    "2026-05-01 10:00:00 [\u2139]  scaling nodegroup \"ng-1\" in cluster demo\n"
    "2026-05-01 10:00:01 [\u2139]  initiated scaling of nodegroup\n"
    "2026-05-01 10:00:01 [\u2139]  to see the status of the scaling run `eksctl get nodegroup --cluster demo --region eu-north-1 --name ng-1`\n"
)
VERSION_JSON = '{"Version":"0.230.0","PreReleaseID":"","Metadata":{"BuildDate":"2026-08-13T23:20:02Z","GitCommit":"6ee3b76"}}\n'
