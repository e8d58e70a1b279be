#!/usr/bin/python
# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: eks_nodegroup_scale
short_description: Set Amazon EKS nodegroup sizes, or stop and start a whole cluster's nodegroups, with eksctl
version_added: 1.0.0
description:
  - Sets the desired, minimum and maximum sizes of EKS nodegroups with C(eksctl scale nodegroup).
  - Reads the cluster's nodegroups once with C(eksctl get nodegroup), compares, and runs a scale only for the nodegroups
    whose sizes differ, so a task that is already satisfied makes one eksctl call and reports no change. eksctl itself
    never skips a no-op.
  - With O(state=stopped), scales every selected nodegroup to desired 0 and min 0 (max is kept), after recording each
    nodegroup's sizes. With O(state=started), scales each stopped nodegroup back to exactly the recorded sizes.
  - "The recording is written before the first write, so a run killed part way loses nothing, and it travels so that a start on
    another controller (a fresh AWX container, another AWX instance, a laptop) still finds it: (1) in the file O(recording_path) on
    the controller; (2) with O(recording_ssm_prefix), in AWS Systems Manager Parameter Store, one parameter per cluster, which every
    controller of the account sees; (3) as RV(recording) and the host fact C(eks_recordings), keyed C(<region>/<cluster>)
    (RV(recording_key)), which Ansible's fact cache carries to the next job and O(recordings) takes back."
  - The key uses the region the module resolved (O(region), the environment, or the cluster's ARN when eksctl took the region from
    the profile), so a stop and a start always agree on it; give the fact back through O(recordings) rather than picking the key.
  - "Every cluster a stop visits is recorded: a nodegroup it finds already stopped with nothing recorded is recorded at zero (and a
    cluster with nothing running as C(already_stopped)), so a start leaves it stopped quietly instead of guessing its sizes."
  - On O(state=started) the sizes come, per nodegroup, from O(restore_capacity), then O(recordings), then the file, then the SSM
    parameter. A stopped nodegroup with none of them is started with desired V(max(min_size, 1\)) and a warning, or with
    O(start_unrecorded=false) kept stopped and the task fails, naming it. A start spends only the recordings of the nodegroups it
    restored or found running, and writes nothing when it spent nothing; a recorded nodegroup that no longer exists is named in a
    warning, the others are started.
  - A nodegroup eksctl cannot scale (a name with C(_) or C(.), made by Terraform or the console) is skipped with a warning, listed
    in RV(skipped), and the others are stopped or started; the task fails only when it could change nothing else.
  - Managed and self-managed nodegroups both work. Writes to several nodegroups run side by side (O(parallelism)).
  - A nodegroup that is C(UPDATING) is waited for (within O(wait_timeout)) before it is scaled, instead of failing on EKS's 409 answer.
  - After the writes, the sizes are read back once (with O(wait=true), in the first poll). A nodegroup that eksctl reported scaled but
    that reads back ready at its old sizes fails the task, marked V(failed) in RV(nodegroups).
  - "The savings ledger: a stop also records, per nodegroup it stops, the time of the stop (UTC), the instance type and the node count
    (RV(ledger)), beside the sizes wherever they travel. A start reports for each nodegroup it restores how long it was stopped and the
    node-hours avoided, and with O(hourly_prices) the estimated saving (RV(savings)). It never guesses a stop time or a price."
  - "A start marks each nodegroup in the recording before it restores it, so a rerun after a start killed past its writes still
    counts the savings of what that start restored. A recorded nodegroup found running that no start of the collection restored was
    started by someone or something else while it was stopped (a C(terraform apply), a person, an autoscaler): it is listed in
    RV(restarted_externally), counts no savings, and is left at the sizes it runs with, unless O(restore_capacity) gives its sizes."
extends_documentation_fragment:
  - eks_tools.eksctl._eksctl
attributes:
  check_mode:
    support: full
    description:
      - Reads the nodegroups, runs no scale, writes no recording, and returns the predicted result with RV(changed) as a real
        run would report it; it does not wait for busy nodegroups.
      - A stop's RV(ledger) and a start's RV(savings) are predicted as of the time of the check.
      - With O(state=stopped) or O(state=started) it is also the preflight of the stop or start, RV(preflight), which costs two
        more reads (the description and the Fargate profiles, side by side).
  diff_mode:
    support: full
    description: Returns the three sizes of each nodegroup that changes, before and after.
options:
  cluster:
    description:
      - Name of the EKS cluster.
    type: str
    required: true
    aliases: [cluster_name]
  name:
    description:
      - Names of the nodegroups to manage.
      - Required with O(state=present). With O(state=stopped) or O(state=started), omitting it selects every nodegroup of the cluster.
    type: list
    elements: str
    aliases: [nodegroup, nodegroups]
  state:
    description:
      - V(present) sets the sizes given in O(desired_size), O(min_size) and O(max_size).
      - V(stopped) scales the selected nodegroups to desired 0 and min 0, keeping max, and records their sizes first.
      - V(started) scales stopped nodegroups back to their recorded sizes. Nodegroups already running are left alone.
    type: str
    choices: [present, stopped, started]
    default: present
  desired_size:
    description:
      - Desired number of nodes. Only with O(state=present).
      - Sizes that are not given are never changed. The resulting sizes must satisfy min <= desired <= max and max >= 1;
        a request that conflicts with a current size that was not given fails before any write, naming the option to add.
    type: int
  min_size:
    description:
      - Minimum number of nodes. Only with O(state=present).
    type: int
  max_size:
    description:
      - Maximum number of nodes, at least V(1) (EKS rejects a maximum of 0). Only with O(state=present).
    type: int
  wait:
    description:
      - Return only when every changed nodegroup reads C(ACTIVE) (self-managed, a stack status eksctl counts as settled, C(CREATE_COMPLETE),
        C(UPDATE_COMPLETE), C(UPDATE_ROLLBACK_COMPLETE) or C(ROLLBACK_COMPLETE)) with its new sizes.
      - A nodegroup that becomes C(DEGRADED) or reaches a failed status fails the task at once.
      - While waiting, all pending nodegroups of the cluster are polled with one C(eksctl get nodegroup) per O(wait_sleep).
      - "Then the proof at the Node level, read from the cluster's own Kubernetes API: a stop waits until the Nodes of the stopped
        nodegroups (and with O(autoscalers=pause), Karpenter's Nodes) are gone, and names those still there when O(wait_timeout)
        runs out, with the reason when one shows (a PodDisruptionBudget that allows no disruption); a start waits until each restored
        nodegroup has as many Ready Nodes as its desired size. When the API cannot be read, a warning says why and the
        nodegroups' sizes are the proof."
    type: bool
    default: false
  wait_timeout:
    description:
      - Longest time in seconds the task waits, in total, for busy nodegroups before scaling them and, with O(wait=true), for them to settle.
      - From V(0) to V(604800) (7 days).
    type: int
    default: 1200
  wait_sleep:
    description:
      - Seconds between two polls while waiting, more than V(0) and at most V(3600).
    type: float
    default: 10
  restore_capacity:
    description:
      - Sizes to start the nodegroups with. Only with O(state=started).
      - One cluster's recording in any shape the module returns it, such as RV(recording) of the stop or one cluster's entry of the
        fact C(eks_recordings); or a dictionary of nodegroup name to a dictionary with C(desired_size), C(min_size) and C(max_size).
      - Takes precedence over O(recordings) and the stores. A nodegroup it names that no longer exists is skipped with a warning;
        one that is running is set to the sizes given.
    type: dict
  recordings:
    description:
      - The host fact C(eks_recordings) as an earlier stop or start returned it, for example
        V({{ eks_recordings | default({}\) }}). Only with O(state=stopped) or O(state=started).
      - A dictionary of C(<region>/<cluster>) to a recording, in any shape the module ever returned. The module picks the cluster's
        own key, merges it with the stores per nodegroup, and returns the updated whole in RV(eks_recordings), other clusters untouched.
    type: dict
    aliases: [capacity_snapshots]
  start_unrecorded:
    description:
      - With O(state=started), what happens to a stopped nodegroup that has no recorded sizes anywhere.
      - V(true) starts it with C(desired_size) V(max(min_size, 1)) and a warning that names it and its cluster.
      - V(false) keeps it stopped, reports it as C(kept_stopped) in RV(nodegroups), and fails the task, naming it, once the other
        nodegroups are started, since its recording may have been lost and only a person can tell. A fleet start uses this. A cluster that
        was already stopped when the night's stop visited it is recorded so, and stays stopped without failing.
    type: bool
    default: true
  recording_path:
    description:
      - File on the controller that keeps the recording of every stopped cluster, keyed by region and cluster.
      - The default is per user (the user that runs the module). An empty path, a directory or anything that is not a regular file
        (a FIFO) is refused before any eksctl call.
      - Each change waits at most O(command_timeout) for the file's lock, then fails naming the lock file.
    type: path
    default: ~/.ansible/eks_tools.eksctl/recordings.json
    aliases: [snapshot_path]
  autoscalers:
    description:
      - What a stop does to what would undo or outlive it in the cluster's own Kubernetes API.
      - V(ignore) leaves cluster-autoscaler and Karpenter as they are; when the task reads the Kubernetes API anyway (O(wait=true),
        check mode) and finds them, it warns, since cluster-autoscaler can scale a stopped nodegroup back up and Karpenter's
        instances keep running outside every nodegroup.
      - "V(pause): before its nodegroup writes, a stop scales every cluster-autoscaler Deployment to 0, sets every Karpenter
        NodePool's C(limits) to zero CPU and memory so it launches nothing, and deletes the NodeClaims (Karpenter then drains and
        terminates their instances). The original replicas and limits go into the recording with the sizes, wherever it is kept.
        A start restores the nodegroups first, then the NodePools' limits, then the autoscalers' replicas, whatever its own
        O(autoscalers) (a pause is always given back). Without access to the Kubernetes API the task fails before any write."
      - Idempotent like the rest. A second stop changes nothing; check mode and diff mode show every Kubernetes change; a pause
        that fails part way names what it paused and what it did not, and the next run completes it.
      - Needs the kubernetes and botocore Python libraries where the module runs, and, in the cluster, RBAC for this identity to
        list nodes, pods, poddisruptionbudgets and deployments, patch C(deployments/scale) and Karpenter's C(nodepools), and delete
        C(nodeclaims) (see the AWX guide).
    type: str
    choices: [ignore, pause]
    default: ignore
  recording_file:
    description:
      - Whether to keep the recording in the file O(recording_path).
      - V(false) only together with O(recording_ssm_prefix), since a stop always keeps its recording somewhere that outlives the task.
    type: bool
    default: true
  recording_ssm_prefix:
    description:
      - Also keep the recording in AWS Systems Manager Parameter Store, in the account and region of the cluster, one C(String)
        parameter per cluster named C(<prefix>/<region>/<cluster>), for example V(/eks_tools/recordings). Every controller that runs
        the module sees the same recording, whatever ran in between (a fresh AWX container, another AWX instance, a weekend).
      - Written, like the file, before the first write. Two jobs writing one cluster's parameter at the same time never lose a
        recording (the parameter's version shows the other write, and the two are joined).
      - Needs the botocore Python library where the module runs, and C(ssm:GetParameter), C(ssm:PutParameter) and
        C(ssm:GetParameterHistory) on the parameters. The credentials are those eksctl gets (the options, or the usual chain).
    type: str
  recording_max_age:
    description:
      - In check mode of a stop or start, RV(preflight) names each selected nodegroup whose recording was made by a stop more than
        this many hours ago (check C(stale_recording)), since sizes recorded long ago may no longer be what is wanted.
      - The default covers a weekend. V(0) turns the check off. Recordings made before the savings ledger have no stop time and
        are not checked.
    type: float
    aliases: [snapshot_max_age]
    default: 72
  hourly_prices:
    description:
      - "Price per hour of one node, per instance type, for example V({m5.large: 0.096, t3.medium: 0.0416}). Only with O(state=started)."
      - With it, RV(savings) also holds the estimated saving of each restored nodegroup (node-hours avoided times the price of its
        instance type) and in total, in the currency of the prices.
      - Prices must be finite numbers of V(0) or more. A nodegroup whose instance type is not in the map is listed in
        RV(savings.unpriced) and left out of the estimated total, which is then marked partial; a price is never guessed. A nodegroup of
        several instance types is priced only when all of them have the same price. An empty dictionary is the same as none.
    type: dict
requirements:
  - botocore (only with O(recording_ssm_prefix))
notes:
  - The ledger's figures are as exact as the clocks of the hosts that ran the stop and the start; a stop time later than the start
    (clocks that disagree) makes that nodegroup's ledger unknown rather than negative.
  - A recording made by an earlier version of the collection has no stop time; a start reports its nodegroups as unknown in
    RV(savings.unknown) and restores them as usual.
  - The recorded sizes of a nodegroup that is already stopped are never overwritten with zeros, so a second stop after an interrupted
    one loses nothing, and a stop of a cluster whose nodegroups are all stopped records nothing.
  - A nodegroup that is at zero while others of the cluster run is recorded at zero when the cluster is stopped, so the start leaves it at zero.
  - With O(wait=false) the task returns once EKS accepted every scale; the nodegroups then show C(UPDATING) for a while.
  - Throttling by AWS is retried (O(retries), O(retry_delay)); a 409 from a nodegroup that became busy is retried once after it settles.
seealso:
  - module: eks_tools.eksctl.eks_cluster_info
  - name: eksctl scale nodegroup
    description: The eksctl command this module runs.
    link: https://eksctl.io/usage/nodegroup-managed/
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Set the desired size of one nodegroup
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    name: ng-1
    desired_size: 4

- name: Set all three sizes of two nodegroups and wait for them
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    name: [ng-1, ng-2]
    desired_size: 3
    min_size: 1
    max_size: 6
    wait: true

- name: Stop the cluster for the night (every nodegroup to zero, sizes recorded)
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    state: stopped
  register: stop

- name: Start it again with exactly the recorded sizes
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    state: started
    restore_capacity: "{{ stop.recording }}"
    wait: true

- name: Stop it and keep the recording in the AWS account, where every controller (AWX, a laptop) finds it
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    state: stopped
    recording_ssm_prefix: /eks_tools/recordings

- name: Start it from any controller, with the sizes kept in the AWS account
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    state: started
    recording_ssm_prefix: /eks_tools/recordings

- name: Start it in a later job, from the fact cache of the stop job
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    state: started
    recordings: "{{ eks_recordings | default({}) }}"

- name: Start it and estimate what the night saved
  eks_tools.eksctl.eks_nodegroup_scale:
    cluster: demo
    region: eu-north-1
    state: started
    recordings: "{{ eks_recordings | default({}) }}"
    hourly_prices:
      m5.large: 0.096
      t3.medium: 0.0416
  register: start

- name: Say what it saved
  ansible.builtin.debug:
    msg: >-
      {{ start.savings.total.node_hours_avoided }} node-hours avoided, about {{ start.savings.total.estimated_saving }} saved
      {{- ' (partial)' if start.savings.total.partial else '' }}

- name: Use one region and credential set for the whole play
  module_defaults:
    group/eks_tools.eksctl.eks:
      region: us-east-1
      profile: platform
  block:
    - name: Stop the staging cluster
      eks_tools.eksctl.eks_nodegroup_scale:
        cluster: staging
        state: stopped
"""

RETURN = r"""
changed:
  description: Whether any nodegroup was (or, in check mode, would be) scaled.
  returned: always
  type: bool
  sample: true
cluster:
  description: The cluster name.
  returned: success
  type: str
  sample: demo
region:
  description: The region of the cluster (from O(region), the environment, or the cluster's ARN).
  returned: success
  type: str
  sample: eu-north-1
state:
  description: The requested state.
  returned: success
  type: str
  sample: stopped
nodegroups:
  description: One entry per selected nodegroup, in eksctl's order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Nodegroup name.
      type: str
      returned: always
      sample: ng-1
    type:
      description: V(managed) or V(unmanaged) (self-managed).
      type: str
      returned: always
      sample: managed
    before:
      description: Sizes before the task, with keys C(desired_size), C(min_size), C(max_size).
      type: dict
      returned: always
      sample: {"desired_size": 3, "min_size": 2, "max_size": 5}
    after:
      description: Sizes after the task (predicted in check mode); equal to RV(nodegroups[].before) when the nodegroup was not changed.
      type: dict
      returned: always
      sample: {"desired_size": 0, "min_size": 0, "max_size": 5}
    changed:
      description: Whether this nodegroup was scaled.
      type: bool
      returned: always
      sample: true
    action:
      description:
        - V(scaled), V(unchanged), V(stopped), V(restored), V(started_with_fallback), V(kept_stopped) (stopped, nothing recorded,
          O(start_unrecorded=false)), or V(skipped) (eksctl cannot scale its name; RV(nodegroups[].reason) says so).
        - When the task fails part way, V(failed) for a nodegroup whose scale failed (or that read back at its old sizes after eksctl
          reported success) and V(not_attempted) for one that was not tried.
      type: str
      returned: always
      sample: stopped
    reason:
      description: Why a nodegroup was skipped or kept stopped.
      type: str
      returned: when RV(nodegroups[].action) is V(skipped) or V(kept_stopped)
      sample: "eksctl scales only nodegroups named with letters, digits and '-'; scale it with the EKS console or API (aws eks update-nodegroup-config)"
    error:
      description: eksctl's error for a nodegroup whose scale failed.
      type: str
      returned: when RV(nodegroups[].action=failed)
      sample: 'Failed to scale nodegroup ''ng-1'' of cluster ''demo'': ...'
skipped:
  description: Each nodegroup eksctl cannot scale, which the task left as it was, with the reason. Its nodes keep running.
  returned: when a nodegroup was skipped
  type: dict
  sample: {"tf_workers": "eksctl scales only nodegroups named with letters, digits and '-'; scale it with the EKS console or API"}
restarted_externally:
  description:
    - With O(state=started), each recorded nodegroup found running that no start of the collection restored, with the sizes
      recorded and found and the time of the stop. Someone or something started it while it was stopped; it counts no savings.
  returned: when O(state=started)
  type: dict
  sample: {"ng-1": {"recorded": {"desired_size": 3, "min_size": 2, "max_size": 5}, "found": {"desired_size": 2, "min_size": 2, "max_size": 5},
                    "stopped_at": "2026-11-27T21:30:00Z"}}
nodes:
  description:
    - The cluster's Nodes as the last read of the wait found them, the proof at the Node level of a stop (the stopped nodegroups'
      Nodes gone) or a start (the restored nodegroups' Nodes Ready). The same shape as C(kubernetes.nodes) of
      M(eks_tools.eksctl.eks_cluster_info)
    - Counts of C(total) and C(ready) Nodes, per nodegroup (C(by_nodegroup)), per Karpenter NodePool (C(karpenter)), and in neither
      (C(other)).
  returned: with O(wait=true), not in check mode, when the cluster's Kubernetes API was read
  type: dict
  sample: {"total": 1, "ready": 1, "by_nodegroup": {}, "karpenter": {}, "other": 1}
summary_lines:
  description:
    - What the task did, for a person to read. One line for the cluster (nodegroups changed, desired nodes before and after),
      then one per nodegroup with desired/min/max before and after and its action; with O(wait=true), last, how long the wait
      took. The role C(eks_tools.eksctl.cluster_power) prints them.
    - In check mode, what the task would do.
  type: list
  elements: str
  returned: always
  sample: ["cluster demo (eu-north-1) stopped: 2 of 2 nodegroup(s) changed, desired nodes 5 -> 0",
           "  ng-1       desired/min/max 3/2/5 -> 0/0/5  stopped", "  ng-2       desired/min/max 2/1/3 -> 0/0/3  stopped"]
wait_log:
  description: With O(wait=true), one line per poll of the wait (what was still pending), and the wait's summary last.
  type: list
  elements: str
  returned: when O(wait=true) and something was written
  sample: ["wait poll 1 after 10s: pending ng-1 (UPDATING, 0/0/5)", "wait poll 2 after 20s: every changed nodegroup is ready at its new sizes",
           "waited 20s, 2 poll(s): every changed nodegroup is ready at its new sizes"]
commands:
  description: The argv of every scale that ran (in check mode, that would run). Credentials are never part of it.
  returned: always
  type: list
  elements: list
  sample: [["/usr/local/bin/eksctl", "scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=0", "--nodes-min=0", "--region=eu-north-1"]]
recording:
  description:
    - With O(state=stopped) or O(state=started), the cluster's recording after the task, as O(restore_capacity) and, under its key,
      O(recordings) take it back.
    - C(nodegroups) maps each recorded nodegroup to its C(desired_size), C(min_size) and C(max_size) and, when a stop recorded them,
      the fields of RV(ledger) (C(stopped_at), C(instance_type), C(nodes)); C(restoring_at) when a start began to restore it.
      A nodegroup recorded at zero was already stopped when the stop found it.
    - C(recorded_at) is the time of the last stop that visited the cluster, and C(already_stopped) is V(true) when that stop found
      nothing running and nothing recorded.
  returned: when O(state) is V(stopped) or V(started)
  type: dict
  sample: {"nodegroups": {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-27T21:30:00Z",
                                   "instance_type": "m5.large", "nodes": 3}}, "recorded_at": "2026-11-27T21:30:00Z"}
recording_key:
  description: The key of the cluster in RV(eks_recordings), in the file and in the SSM parameter's name, C(<region>/<cluster>).
  returned: when O(state) is V(stopped) or V(started)
  type: str
  sample: eu-north-1/demo
eks_recordings:
  description:
    - O(recordings) with this cluster's RV(recording) under its key (gone once it has no nodegroup left); other clusters' keys as
      given. Also returned when a write fails, with the recording made before the first write.
  returned: when O(state) is V(stopped) or V(started)
  type: dict
  sample: {"eu-north-1/demo": {"nodegroups": {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-27T21:30:00Z",
                                                       "instance_type": "m5.large", "nodes": 3}}, "recorded_at": "2026-11-27T21:30:00Z"}}
ansible_facts:
  description: Facts set for the host, so a fact cache carries the recording from a stop job to a start job.
  returned: not in check mode, after a stop that recorded something or a start that changed the recording
  type: dict
  contains:
    eks_recordings:
      description:
        - The same as RV(eks_recordings). Without O(recordings) it holds only this cluster, so give the fact back in
          when one host handles several clusters (the C(eks_tools.eksctl.cluster_power) role does).
        - Not returned by a start that spent nothing, so a cached fact is never written over with less than it held.
      type: dict
      returned: as RV(ansible_facts)
      sample: {"eu-north-1/demo": {"nodegroups": {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5}}}}
preflight:
  description:
    - In check mode with O(state=stopped) or O(state=started), every reason the stop or start would not do what is expected,
      each with a one-line fix, said as what the run would do; empty when there is none. Also returned with the failure of a
      check-mode run that the real run would fail the same way (no access to the cluster's Kubernetes API, a stopped nodegroup with
      no recording and O(start_unrecorded=false)).
    - "Checks: V(stale_recording) (a recording older than O(recording_max_age)), V(nodegroup_failed) and V(nodegroup_busy) (a selected
      nodegroup DEGRADED or changing), V(unscalable_name) (a nodegroup the run would skip), V(kubernetes_access), V(unrecorded) (a start
      without recorded sizes for a stopped nodegroup: it would start at a fallback size, or stay stopped), V(still_running),
      one per entry of RV(eks_tools.eksctl.eks_cluster_info#module:clusters[].status_summary.still_running) (Fargate profiles,
      Auto Mode node pools, nodegroups eksctl cannot scale, EKS Connector), and V(unknown) (a read the preview depends on failed,
      so what it would have shown is not known; never taken for nothing found)."
  returned: in check mode, with O(state=stopped) or O(state=started)
  type: list
  elements: dict
  sample: [{"check": "still_running", "subject": "fargate_profile fp-default",
            "problem": "pods of namespace default run on Fargate, billed per pod, whatever the nodegroups",
            "fix": "scale the workloads it selects to zero (kubectl scale) or delete the profile; a nodegroup stop cannot stop them"}]
  contains:
    check:
      description: What was checked.
      type: str
      returned: always
      sample: still_running
    subject:
      description: The nodegroup, or the kind and name of what keeps running.
      type: str
      returned: always
      sample: fargate_profile fp-default
    problem:
      description: What would happen, in one line.
      type: str
      returned: always
      sample: pods of namespace default run on Fargate, billed per pod, whatever the nodegroups
    fix:
      description: What to do about it, in one line.
      type: str
      returned: always
      sample: scale the workloads it selects to zero (kubectl scale) or delete the profile; a nodegroup stop cannot stop them
ledger:
  description:
    - With O(state=stopped), what the savings ledger holds for each recorded nodegroup, as it travels in RV(eks_recordings)
      and the file. A nodegroup this stop scales to zero gets this stop's time; one already stopped keeps the entry of the stop that
      stopped it (the first stop wins), or has none when it was recorded before there was a ledger. Predicted in check mode.
  returned: when O(state=stopped)
  type: dict
  sample: {"ng-1": {"stopped_at": "2026-11-27T21:30:00Z", "instance_type": "m5.large", "nodes": 3}}
  contains:
    stopped_at:
      description: When the nodegroup was stopped, UTC, to the second.
      type: str
      returned: always
      sample: "2026-11-27T21:30:00Z"
    instance_type:
      description: The instance type eksctl printed for the nodegroup (several are joined with a comma), or V(null) when it printed none.
      type: str
      returned: always
      sample: m5.large
    nodes:
      description: The nodegroup's node count when it was stopped (its desired size).
      type: int
      returned: always
      sample: 3
savings:
  description:
    - With O(state=started), what the stop saved, for each nodegroup this start restores (predicted, as of now, in check mode).
    - Node-hours avoided are the nodes recorded at the stop times the hours between the stop and this start; the estimated saving is
      that times the price of the instance type in O(hourly_prices). Figures are rounded to 2 decimals; totals are rounded from the
      exact sums.
  returned: when O(state=started)
  type: dict
  sample: {"started_at": "2026-11-28T07:00:00Z",
           "nodegroups": {"ng-1": {"stopped_at": "2026-11-27T21:30:00Z", "stopped_for": {"seconds": 34200, "human": "9h 30m"},
                                   "instance_type": "m5.large", "nodes": 3, "node_hours_avoided": 28.5, "hourly_price": 0.096,
                                   "estimated_saving": 2.74}},
           "unknown": {}, "unpriced": {},
           "total": {"nodegroups": 1, "stopped_for": {"seconds": 34200, "human": "9h 30m"}, "node_hours_avoided": 28.5,
                     "estimated_saving": 2.74, "partial": false}}
  contains:
    started_at:
      description: The time of this start the figures are computed to, UTC, to the second.
      type: str
      returned: always
      sample: "2026-11-28T07:00:00Z"
    nodegroups:
      description:
        - Per restored nodegroup with a known stop time, its RV(ledger) fields and C(stopped_for) (C(seconds) and a C(human) form such as
          V(9h 30m)) and C(node_hours_avoided).
        - With O(hourly_prices), a priced nodegroup also has C(hourly_price) and C(estimated_saving).
      type: dict
      returned: always
      sample: {"ng-1": {"stopped_at": "2026-11-27T21:30:00Z", "stopped_for": {"seconds": 34200, "human": "9h 30m"},
                        "instance_type": "m5.large", "nodes": 3, "node_hours_avoided": 28.5}}
    unknown:
      description:
        - Restored nodegroups whose ledger is unknown, with the reason; they are left out of every figure. Their recording has no stop
          time (made by an earlier version of the collection, or the sizes were given only in O(restore_capacity)), or the recorded stop
          time is later than the start.
      type: dict
      returned: always
      sample: {"ng-old": "its recording has no stop time (recorded before the savings ledger, or its sizes were given only in restore_capacity)"}
    unpriced:
      description: Restored nodegroups that have node-hours but no price in O(hourly_prices), with the reason.
      type: dict
      returned: when O(hourly_prices) is given
      sample: {"ng-2": "instance type c6i.xlarge has no price in hourly_prices"}
    total:
      description:
        - C(nodegroups) (how many are in RV(savings.nodegroups)), C(stopped_for) (the longest of them, V(null) when there is none),
          C(node_hours_avoided), with O(hourly_prices) C(estimated_saving) (of the priced nodegroups only), and C(partial), V(true) when
          a restored nodegroup is in RV(savings.unknown) or RV(savings.unpriced).
      type: dict
      returned: always
      sample: {"nodegroups": 1, "stopped_for": {"seconds": 34200, "human": "9h 30m"}, "node_hours_avoided": 28.5, "estimated_saving": 2.74,
               "partial": false}
diff:
  description: With C(--diff), the sizes of the nodegroups that change, before and after.
  returned: in diff mode
  type: dict
  sample: {"before": {"nodegroups": {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5}}},
           "after": {"nodegroups": {"ng-1": {"desired_size": 0, "min_size": 0, "max_size": 5}}}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.eks_tools.eksctl.plugins.module_utils._module import argument_spec, run_module, scale_nodegroups
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.file import DEFAULT_PATH


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(
            cluster={"type": "str", "required": True, "aliases": ["cluster_name"]},
            name={"type": "list", "elements": "str", "aliases": ["nodegroup", "nodegroups"]},
            state={"type": "str", "default": "present", "choices": ["present", "stopped", "started"]},
            desired_size={"type": "int"},
            min_size={"type": "int"},
            max_size={"type": "int"},
            wait={"type": "bool", "default": False},
            wait_timeout={"type": "int", "default": 1200},
            wait_sleep={"type": "float", "default": 10},
            restore_capacity={"type": "dict"},
            recordings={"type": "dict", "aliases": ["capacity_snapshots"]},
            recording_path={"type": "path", "default": DEFAULT_PATH, "aliases": ["snapshot_path"]},
            autoscalers={"type": "str", "default": "ignore", "choices": ["ignore", "pause"]},
            recording_file={"type": "bool", "default": True},
            recording_ssm_prefix={"type": "str"},
            recording_max_age={"type": "float", "default": 72, "aliases": ["snapshot_max_age"]},
            hourly_prices={"type": "dict"},
            start_unrecorded={"type": "bool", "default": True},
        ),
        supports_check_mode=True,
    )
    run_module(module, scale_nodegroups)


if __name__ == "__main__":
    main()
