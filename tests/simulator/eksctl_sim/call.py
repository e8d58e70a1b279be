# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One eksctl invocation: its environment, what it prints, and the steps every command shares (resolving the
region, checking credentials, finding the cluster, the name argument, the output printer)."""

from __future__ import annotations

import os

from . import faults
from .aws import SUPPORTED_REGIONS, not_found_cluster
from .output import CommandError, Exit, log_line


class Call:
    def __init__(self, state_path: str, environ: dict[str, str]) -> None:
        self.state_path = state_path
        self.environ = environ
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.log_writer = self.stdout

    def info(self, message: str, icon: str = "\u2139") -> None:
        self.log_writer.append(log_line(icon, message))

    def apply_fault(self, fault: dict, state: dict, wrap: str, operation: str, document: str = "") -> None:
        faults.apply_fault(self.stdout, fault, state, wrap, operation, document)

    def resolve_region(self, values: dict, changed: set) -> str:
        region = values["region"] if "region" in changed else ""
        if not region:
            region = self.environ.get("AWS_REGION") or self.environ.get("AWS_DEFAULT_REGION") or self._profile_region(values)
        if not region:
            raise CommandError("AWS Region must be set, please set the AWS Region in AWS config file or as environment variable")
        if region not in SUPPORTED_REGIONS:
            raise CommandError("--region=%s is not supported - use one of: %s" % (region, ", ".join(SUPPORTED_REGIONS)))
        return region

    def _profile_region(self, values: dict) -> str:
        profile = values.get("profile") or self.environ.get("AWS_PROFILE") or self.environ.get("AWS_DEFAULT_PROFILE") or "default"
        path = self.environ.get("AWS_CONFIG_FILE") or os.path.join(self.environ.get("HOME", "/"), ".aws", "config")
        section = "default" if profile == "default" else "profile %s" % profile
        current = None
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    line = line.strip()
                    if line.startswith("[") and line.endswith("]"):
                        current = line[1:-1].strip()
                    elif current == section and "=" in line:
                        key, _separator, value = line.partition("=")
                        if key.strip() == "region":
                            return value.strip()
        except OSError:
            return ""
        return ""

    def check_credentials(self, state: dict, values: dict) -> None:
        if not state["settings"].get("require_credentials"):
            return
        has_keys = self.environ.get("AWS_ACCESS_KEY_ID") and self.environ.get("AWS_SECRET_ACCESS_KEY")
        has_profile = values.get("profile") or self.environ.get("AWS_PROFILE")
        if not (has_keys or has_profile):
            raise CommandError(
                "checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
                "get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, "
                "operation error ec2imds: GetMetadata, request canceled, context deadline exceeded")

    @staticmethod
    def find_cluster(state: dict, region: str, name: str) -> dict | None:
        for cluster in state["clusters"]:
            if cluster["region"] == region and cluster["name"] == name:
                return cluster
        return None

    def existing_cluster(self, values: dict, changed: set, state: dict) -> dict:
        """The cluster of ``--cluster``, as eksctl's NewProviderForExistingCluster finds it (or refuses it)."""
        region = self.resolve_region(values, changed)
        self.check_credentials(state, values)
        cluster = self.find_cluster(state, region, values["cluster"])
        if cluster is None:
            raise CommandError("unable to describe cluster control plane: %s" % not_found_cluster(values["cluster"]))
        if cluster.get("connector"):
            # docs/eksctl.md, connector: RefreshClusterStatus refuses a cluster with a ConnectorConfig.
            raise CommandError("cannot perform this operation on a non-EKS cluster; please follow the documentation for "
                               "cluster %s's Kubernetes provider" % cluster["name"])
        return cluster

    def refuse_extra_arguments(self, positional: list[str]) -> None:
        if len(positional) > 1:
            self.stdout.append(log_line("\u2716", "only one argument is allowed to be used as a name"))
            raise Exit(1)

    @staticmethod
    def name_arg(values: dict, changed: set, positional: list[str]) -> str:
        if len(positional) > 1:
            # cmdutils.GetNameArg logs through the logger (stdout) and exits 1 itself.
            raise Exit(1)
        if positional and "name" in changed and values["name"]:
            raise CommandError("--name=%s and argument %s cannot be used at the same time" % (values["name"], positional[0]))
        return positional[0] if positional else values["name"]

    def check_output(self, values: dict, yaml: bool = False) -> str:
        """The printer ``-o`` names (eksctl checks it after its reads); ``yaml`` for the commands the simulator prints as YAML."""
        output = values["output"]
        if output not in ("table", "json", "yaml"):
            raise CommandError('unknown output printer type: expected {"yaml","json","table"} but got "%s"' % output)
        if output == "yaml" and not yaml:
            raise CommandError("the eksctl simulator does not implement -o yaml")
        if output != "table":
            self.log_writer = self.stderr
        return output
