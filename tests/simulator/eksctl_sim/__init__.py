# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful stand-in for the eksctl binary, used by the collection's tests and its demo.

It implements the subset of eksctl that the collection drives (``version``, ``get cluster``,
``get nodegroup``, ``get fargateprofile``, ``scale nodegroup``) as eksctl 0.230.0 does: the same flags
and aliases, the same JSON shapes and formatting (4-space indent, no trailing newline, Go's HTML
escaping), the same error texts, exit codes and streams (``get fargateprofile`` also as YAML and as a
table), and the behaviours of eksctl that docs/eksctl.md lists (``-A`` needs a region;
EKS-Connector clusters are listed but refused; a self-managed nodegroup with nodes needs the cluster's
Kubernetes API; ``scale`` refuses names with characters other than letters, digits and ``-`` after its
AWS calls; rolled-back stacks are settled).

Beyond that list, read from eksctl's source and confirmed by the differential test: ``get
fargateprofile`` (its notes are in ``commands/get_fargateprofile.py``), and the description of an EKS
Auto Mode cluster, which carries ``ComputeConfig`` (``Enabled``, ``NodePools``, ``NodeRoleArn``) and
``{"Enabled": true}`` in ``StorageConfig.BlockStorage`` and ``KubernetesNetworkConfig.ElasticLoadBalancing``
(all null without Auto Mode); ``UpgradePolicy.SupportType`` is ``STANDARD`` or ``EXTENDED``.

tests/e2e/test_differential.py runs the same command lines here and against each real eksctl of the
end-to-end tier on the same seed, and compares exit codes, stdout and stderr. What it masks, and so
what still differs, with the reason:

* log timestamps and AWS request ids, which differ on every run;
* the cluster endpoint and CA, which the emulated AWS points at its local Kubernetes API, and the
  identity and address in a Kubernetes refusal, which are the emulation's;
* for an older eksctl than the newest pinned one: the DescribeCluster fields its AWS SDK predates
  (``ControlPlaneScalingConfig``, ``Kube*Config``, ``ControlPlaneEgressMode``), its shorter list of
  supported regions, and its version; the simulator follows the newest pinned release.

Differences the differential test does not cover, because the collection never causes them:
``-o table`` output of ``get cluster`` and ``get nodegroup`` (eksctl pads columns with extra tabs,
drops fractional seconds and orders ``get nodegroup`` rows differently), ``-o yaml`` of those two and
``--config-file`` (not implemented: rc 1), ``scale --wait`` (eksctl's waiter waits at least 30 s; the
simulator returns at once), and ``scale``
of a cluster that is CREATING, DELETING or FAILED (eksctl fails building its Kubernetes client;
the simulator scales). Where EKS's own behaviour is not documented, the simulator follows the
emulated AWS: clusters and Fargate profiles are listed by name, and a managed nodegroup reads
``UPDATING`` for ``settings.updating_reads`` reads after a scale (default 1) and refuses a second
scale meanwhile with 409.

Where each part lives (``tests/simulator/bin/eksctl`` runs ``cli.main``):

* ``seed`` (the records and the seed), ``state`` (the state file and the call log): the state model;
* ``commands/`` (``version``, ``get_cluster``, ``get_nodegroup``, ``get_fargateprofile``,
  ``scale_nodegroup``), on the shared steps of ``call`` (region, credentials, the cluster, the name
  argument, the printer);
* ``flags`` (pflag's parsing and each command's flags), ``output`` (cobra's errors, log lines, Go's
  JSON, YAML and tables), ``aws`` (the account, the release, AWS's error texts);
* ``faults``: the fault knobs;
* ``kube`` (the Kubernetes objects and the API's answers) and ``kube_server`` (its HTTP server, kept apart so that an
  eksctl call does not import it).

State lives in a JSON file named by ``EKSCTL_SIM_STATE`` (seeded on first use).
Every call is appended to a JSON-lines log (``EKSCTL_SIM_LOG``, default
``<state>.log``) with its argv and the AWS variables it saw, secrets masked.

Knobs for tests, all kept in the state file:
``settings.latency`` (seconds per call; ``EKSCTL_SIM_LATENCY`` overrides it),
``settings.updating_reads`` (how many ``get nodegroup`` reads a managed
nodegroup stays ``UPDATING`` after a scale), ``settings.stale_reads`` (how many ``get nodegroup`` reads
a nodegroup first shows settled at its sizes from before a scale, as an eventually consistent read could;
0 by default), ``settings.throttle_every`` (every Nth call is throttled, see ``faults``), ``settings.require_credentials``,
per cluster ``connector`` and ``kubernetes_api`` (``ok``, ``forbidden``, ``unreachable``),
and ``faults`` (fail, throttle, hang, print garbage or truncated JSON, answer
409, fail STS, or kill the calling process, for the next N matching calls).

This file is test tooling; it is not part of the built collection.
"""
