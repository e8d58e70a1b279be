# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``eksctl get cluster``: the list of one region or of all (``-A``), or one cluster's DescribeCluster."""

from __future__ import annotations

import hashlib
import json

from ..aws import ACCOUNT, SUPPORTED_REGIONS, not_found_cluster
from ..call import Call
from ..faults import take_fault
from ..output import CommandError, go_json
from ..state import StateFile


def get_cluster(call: Call, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
    call.refuse_extra_arguments(positional)
    name = call.name_arg(values, changed, positional)
    if name and values["all-regions"]:
        raise CommandError("--all-regions is for listing all clusters, it must be used without cluster name flag/argument")
    if values["output"] != "table":
        call.log_writer = call.stderr
    handle = StateFile(call.state_path)
    with handle as state:
        if values["all-regions"]:
            # docs/eksctl.md, all-regions: -A still builds a provider first, so it needs a region like any call (and
            # logs nothing about a --region flag); then it visits the enabled regions in eksctl's order.
            call.resolve_region(values, changed)
            regions = SUPPORTED_REGIONS
        else:
            regions = [call.resolve_region(values, changed)]
        call.check_credentials(state, values)
        fault = take_fault(state, "get cluster", argv)
        handle.save()
    cluster = call.find_cluster(state, regions[0], name) if name else None
    if name:
        document = go_json([describe(cluster, state["settings"])]) if cluster else ""
        wrap, operation = 'unable to describe control plane "%s": ' % name, "DescribeCluster"
    else:
        # Within a region, in ListClusters' order. EKS does not document that order; the emulated AWS the
        # simulator is checked against answers by name, and so does the simulator. The collection never relies on it.
        rows = [{"Name": c["name"], "Region": c["region"], "Owned": c["owned"]}
                for region in regions for c in sorted(state["clusters"], key=lambda c: c["name"]) if c["region"] == region]
        document = go_json(rows)
        wrap, operation = "", "ListClusters"
    if fault:
        call.apply_fault(fault, state, wrap, operation, document)
    if name and cluster is None:
        raise CommandError(wrap + not_found_cluster(name))
    output = call.check_output(values)
    if output == "json":
        call.stdout.append(document)
    elif cluster:
        call.stdout.append("NAME\tVERSION\tSTATUS\tCREATED\n%s\t%s\t%s\t%s\n"
                           % (cluster["name"], cluster["version"], cluster["status"], cluster["created"]))
    elif document == "[]":
        call.stdout.append("No clusters found\n")
    else:
        lines = ["NAME\tREGION\tEKSCTL CREATED"] + ["%s\t%s\t%s" % (r["Name"], r["Region"], r["Owned"]) for r in json.loads(document)]
        call.stdout.append("\n".join(lines) + "\n")
    return 0


def endpoint(cluster: dict, ident: str, settings: dict | None) -> str:
    """The cluster's API endpoint: the simulated Kubernetes API's (``settings.kube_endpoint``, see ``kube``) when one runs and the
    cluster is not unreachable; otherwise an EKS-like name that answers nothing."""
    served = (settings or {}).get("kube_endpoint")
    if served and cluster.get("kubernetes_api") != "unreachable":
        return "%s/k8s/%s/%s" % (served, cluster["region"], cluster["name"])
    return "https://%s.gr7.%s.eks.amazonaws.com" % (ident, cluster["region"])


def describe(cluster: dict, settings: dict | None = None) -> dict:
    """The cluster as eksctl prints EKS's DescribeCluster (the SDK's types.Cluster, in its field order)."""
    if cluster.get("connector"):
        return describe_registration(cluster)
    name, region = cluster["name"], cluster["region"]
    auto_mode = bool(cluster.get("auto_mode"))
    ident = hashlib.sha256(("%s/%s" % (region, name)).encode()).hexdigest()[:32].upper()
    return {
        "AccessConfig": {"AuthenticationMode": "API_AND_CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": None},
        "Arn": "arn:aws:eks:%s:%s:cluster/%s" % (region, ACCOUNT, name),
        "CertificateAuthority": {"Data": "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0tCg=="},
        "ClientRequestToken": None,
        "ComputeConfig": _compute_config(cluster),
        "ConnectorConfig": None,
        "ControlPlaneScalingConfig": None,
        "CreatedAt": cluster["created"],
        "DeletionProtection": None,
        "EncryptionConfig": None,
        "Endpoint": endpoint(cluster, ident, settings),
        "Health": {"Issues": []},
        "Id": None,
        "Identity": {"Oidc": {"Issuer": "https://oidc.eks.%s.amazonaws.com/id/%s" % (region, ident)}},
        "KubeApiServerConfig": None,
        "KubeControllerManagerConfig": None,
        "KubeSchedulerConfig": None,
        "KubernetesNetworkConfig": {"ElasticLoadBalancing": {"Enabled": True} if auto_mode else None, "IpFamily": "ipv4",
                                    "ServiceIpv4Cidr": "10.100.0.0/16", "ServiceIpv6Cidr": None},
        "Logging": {"ClusterLogging": [{"Enabled": False, "Types": ["api", "audit", "authenticator", "controllerManager", "scheduler"]}]},
        "Name": name,
        "OutpostConfig": None,
        "PlatformVersion": "eks.5",
        "RemoteNetworkConfig": None,
        "ResourcesVpcConfig": {
            "ClusterSecurityGroupId": "sg-0123", "ControlPlaneEgressMode": "", "EndpointPrivateAccess": False, "EndpointPublicAccess": True,
            "PublicAccessCidrs": ["0.0.0.0/0"], "SecurityGroupIds": ["sg-0456"], "SubnetIds": ["subnet-a", "subnet-b"],
            "VpcId": "vpc-0789",
        },
        "RoleArn": "arn:aws:iam::%s:role/eksctl-%s-cluster-ServiceRole-XYZ" % (ACCOUNT, name),
        "Status": cluster["status"],
        "StorageConfig": {"BlockStorage": {"Enabled": True}} if auto_mode else None,
        "Tags": dict(sorted(cluster["tags"].items())),
        "UpgradePolicy": {"SupportType": cluster.get("support_type", "STANDARD")},
        "Version": cluster["version"],
        "ZonalShiftConfig": None,
    }


def _compute_config(cluster: dict) -> dict | None:
    """EKS Auto Mode: on, with its node pools and their node role; a cluster without it has null here."""
    auto_mode = cluster.get("auto_mode")
    if not auto_mode:
        return None
    return {"Enabled": True, "NodePools": list(auto_mode["node_pools"]), "NodeRoleArn": auto_mode["node_role_arn"]}


def describe_registration(cluster: dict) -> dict:
    """A cluster registered through EKS Connector: EKS runs no control plane for it, so the description holds
    little beyond its name, ARN, status, tags and the connector's configuration."""
    fields = dict.fromkeys(describe(dict(cluster, connector=False)), None)
    fields.update({
        "Arn": "arn:aws:eks:%s:%s:cluster/%s" % (cluster["region"], ACCOUNT, cluster["name"]),
        "ConnectorConfig": {"ActivationCode": None, "ActivationExpiry": "2026-05-04T10:00:00Z",
                            "ActivationId": "a1b2c3d4-0000-1111-2222-333344445555", "Provider": "OTHER",
                            "RoleArn": "arn:aws:iam::%s:role/eks-connector-agent-role" % ACCOUNT},
        "CreatedAt": cluster["created"],
        "Name": cluster["name"],
        "Status": cluster["status"],
        "Tags": dict(sorted(cluster["tags"].items())),
    })
    return fields
