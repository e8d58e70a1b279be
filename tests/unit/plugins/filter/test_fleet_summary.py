# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet summary of the stop and start playbooks."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.eks_tools.eksctl.plugins.filter.fleet_summary import fleet_summary


def result(changed, *pairs, failed=False, msg=None):
    entry = {"changed": changed, "nodegroups": [{"before": {"desired_size": b}, "after": {"desired_size": a}} for b, a in pairs]}
    if failed:
        entry.update(failed=True, msg=msg)
    return entry


def test_counts_and_nodes():
    summary = fleet_summary({
        "a.eu-north-1": result(True, (3, 0), (2, 0)),
        "b.eu-north-1": result(False, (0, 0)),
        "c.us-east-1": result(True, (4, 4), (1, 0), failed=True, msg="Failed to scale nodegroup(s) x"),
        "d.us-east-1": {},
    }, "stopped")
    lines = summary.pop("lines")
    assert summary == {"state": "stopped", "preview": False, "clusters": 4, "stopped": 1, "unchanged": 1, "failed": 2, "nodes_before": 10,
                       "nodes_after": 4, "failed_clusters": {"c.us-east-1": "Failed to scale nodegroup(s) x", "d.us-east-1": "no result"},
                       "kept_stopped": {}, "not_stopped": {}, "skipped": {}, "exception_notes": {}, "skip_date": None}
    assert lines == ["fleet 4 cluster(s): 1 stopped, 1 unchanged, 2 failed; desired nodes 10 before, 4 after; failed: c.us-east-1, d.us-east-1",
                     "  c.us-east-1 failed: Failed to scale nodegroup(s) x", "  d.us-east-1 failed: no result"]


def test_a_start_names_per_cluster_the_nodegroups_it_kept_stopped():
    kept = {"changed": False, "nodegroups": [{"name": "ng-a", "action": "kept_stopped", "before": {"desired_size": 0}, "after": {"desired_size": 0}},
                                             {"name": "ng-b", "action": "kept_stopped", "before": {"desired_size": 0}, "after": {"desired_size": 0}}]}
    started = {"changed": True, "nodegroups": [{"name": "ng-1", "action": "restored", "before": {"desired_size": 0}, "after": {"desired_size": 3}}]}
    summary = fleet_summary({"staging.us-east-1": kept, "demo.eu-north-1": started}, "started")
    assert summary["kept_stopped"] == {"staging.us-east-1": ["ng-a", "ng-b"]}
    assert (summary["started"], summary["unchanged"], summary["nodes_after"]) == (1, 1, 3)


@pytest.mark.parametrize("results, state", [([], "stopped"), ({}, "present"), ({}, "report")])
def test_bad_input(results, state):
    with pytest.raises(AnsibleFilterError):
        fleet_summary(results, state)


def started(node_hours, saving=None, partial=False, failed=False):
    total = {"node_hours_avoided": node_hours, "partial": partial}
    if saving is not None:
        total["estimated_saving"] = saving
    entry = dict(result(True, (0, 3)), savings={"total": total})
    if failed:
        entry.update(failed=True, msg="Failed to scale nodegroup(s) y")
    return entry


def test_a_start_sums_the_savings_ledger_of_every_host():
    summary = fleet_summary({
        "a.eu-north-1": started(57.01, 3.53),
        "b.eu-north-1": started(100.5, 9.62, partial=True),
        "c.us-east-1": started(54.49, failed=True),  # a failed start still saved what it restored
        "d.us-east-1": {},
    }, "started")
    assert (summary["node_hours_avoided"], summary["estimated_saving"], summary["savings_partial"]) == (212.0, 13.15, True)
    assert summary["started"] == 2 and summary["failed"] == 2


def test_a_start_without_prices_has_no_estimated_saving():
    summary = fleet_summary({"a.eu-north-1": started(28.5), "b.eu-north-1": started(0)}, "started")
    assert (summary["node_hours_avoided"], summary["estimated_saving"], summary["savings_partial"]) == (28.5, None, False)


def test_a_stop_summary_has_no_savings():
    assert "node_hours_avoided" not in fleet_summary({"a.eu-north-1": result(True, (3, 0))}, "stopped")


def nodegroup(name, before, after, action, changed=None):
    keys = ("desired_size", "min_size", "max_size")
    return {"name": name, "before": dict(zip(keys, before)), "after": dict(zip(keys, after)), "action": action,
            "changed": before != after if changed is None else changed}


def test_a_check_mode_stop_is_a_preview_that_stops_nothing():
    stopping = [nodegroup("ng-1", (3, 2, 5), (0, 0, 5), "stopped"), nodegroup("ng-2", (1, 1, 3), (0, 0, 3), "stopped")]
    demo = {"changed": True, "state": "stopped", "nodegroups": stopping}
    summary = fleet_summary({"demo.eu-north-1": demo, "idle.us-east-1": result(False, (0, 0))}, "stopped", preview=True)
    assert (summary["preview"], summary["stopped"], summary["would_stop"], summary["unchanged"]) == (True, 0, 1, 1)
    assert summary["lines"] == [
        "fleet preview 2 cluster(s): 1 would stop, 1 would stay as they are, 0 failed; desired nodes 4 now, 0 after the stop",
        "  demo.eu-north-1 would stop: desired nodes 4 -> 0",
        "  idle.us-east-1 would stay as it is"]
    assert not any(" stopped" in line and "would" not in line for line in summary["lines"])


def test_a_check_mode_start_says_at_what_it_would_start_and_what_would_stay_stopped():
    demo = {"changed": True, "nodegroups": [nodegroup("ng-1", (0, 0, 5), (3, 2, 5), "restored"),
                                            nodegroup("ng-2", (0, 0, 3), (1, 0, 3), "started_with_fallback")]}
    staging = {"changed": False, "nodegroups": [nodegroup("ng-a", (0, 0, 3), (0, 0, 3), "kept_stopped")]}
    summary = fleet_summary({"demo.eu-north-1": demo, "staging.us-east-1": staging}, "started", preview=True)
    assert (summary["started"], summary["would_start"], summary["kept_stopped"]) == (0, 1, {"staging.us-east-1": ["ng-a"]})
    assert summary["lines"] == [
        "fleet preview 2 cluster(s): 1 would start, 1 would stay as they are, 0 failed; desired nodes 0 now, 4 after the start; the stop "
        "has saved 0.0 node-hours; would stay stopped, nothing recorded: staging.us-east-1",
        "  demo.eu-north-1 would start at desired/min/max ng-1 3/2/5, ng-2 1/0/3 (nothing recorded)",
        "  staging.us-east-1 ng-a would stay stopped (nothing recorded)"]


def test_a_report_previews_each_cluster_s_own_next_run():
    stop = {"changed": False, "state": "stopped", "nodegroups": [nodegroup("ng-1", (3, 2, 5), (0, 0, 5), "stopped")]}
    start = {"changed": False, "state": "started", "nodegroups": [nodegroup("ng-a", (0, 0, 3), (3, 0, 3), "restored")]}
    connector = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
    summary = fleet_summary({"a.eu-north-1": stop, "b.us-east-1": start, "c.us-east-1": connector,
                             "d.us-east-1": {"failed": True, "msg": "Failed to list the nodegroups of cluster 'd'"}}, "status")
    assert "stopped" not in summary and "started" not in summary
    assert (summary["preview"], summary["would_stop"], summary["would_start"], summary["unchanged"], summary["failed"]) == (True, 1, 1, 1, 1)
    assert summary["lines"][0] == ("report 4 cluster(s): 1 would stop, 1 would start, 1 would stay as they are, 1 failed; desired nodes 3 now, "
                                   "3 after the next stop or start; failed: d.us-east-1")
    assert summary["lines"][1:] == ["  a.eu-north-1 would stop: desired nodes 3 -> 0", "  b.us-east-1 would start at desired/min/max ng-a 3/0/3",
                                    "  c.us-east-1: nothing to preview (not found, or not a cluster eksctl can scale)",
                                    "  d.us-east-1 would fail: Failed to list the nodegroups of cluster 'd'"]


@pytest.mark.parametrize("unscalable", [
    {"nodegroups": [nodegroup("tf_workers", (2, 2, 6), (2, 2, 6), "skipped"), nodegroup("web", (3, 1, 5), (0, 0, 5), "stopped")]},
    {"nodegroups": [nodegroup("web", (3, 1, 5), (0, 0, 5), "stopped")],
     "still_running": [{"kind": "unscalable_nodegroup", "name": "tf_workers", "detail": "eksctl cannot scale nodegroup 'tf_workers'"}]},
])
def test_a_stop_names_per_cluster_what_it_could_not_stop(unscalable):
    result_of_stop = dict(unscalable, changed=True)
    if "still_running" not in result_of_stop:
        result_of_stop["nodegroups"][0]["reason"] = "eksctl cannot scale nodegroup 'tf_workers'"
    summary = fleet_summary({"legacy.eu-north-1": result_of_stop}, "stopped")
    assert summary["not_stopped"] == {"legacy.eu-north-1": {"tf_workers": "eksctl cannot scale nodegroup 'tf_workers'"}}
    assert summary["stopped"] == 1
    assert summary["lines"][0].startswith("fleet 1 cluster(s): 1 stopped, 0 unchanged, 0 failed; desired nodes ")
    assert summary["lines"][0].endswith("; not stopped: legacy.eu-north-1 (tf_workers)")
    assert summary["lines"][1:] == ["  legacy.eu-north-1: nodegroup tf_workers not stopped: eksctl cannot scale nodegroup 'tf_workers'"]
    preview = fleet_summary({"legacy.eu-north-1": result_of_stop}, "stopped", preview=True)
    assert preview["lines"][1].startswith("  legacy.eu-north-1 would stop: desired nodes ")
    assert preview["lines"][1].endswith(" -> 0; would not stop tf_workers: eksctl cannot scale nodegroup 'tf_workers'") or \
        preview["lines"][1].endswith(" -> 2; would not stop tf_workers: eksctl cannot scale nodegroup 'tf_workers'")


def test_one_named_cluster_is_named_by_cluster_and_region_not_localhost():
    summary = fleet_summary({"localhost": {"failed": True, "msg": "Failed to scale"}}, "stopped", cluster="demo", region="eu-north-1")
    assert summary["failed_clusters"] == {"demo.eu-north-1": "Failed to scale"}
    assert "localhost" not in " ".join(summary["lines"])
    resolved = fleet_summary({"localhost": dict(result(True, (3, 0)), region="us-east-1")}, "stopped", cluster="demo")
    assert resolved["lines"][0].startswith("fleet 1 cluster(s): 1 stopped") and fleet_summary(
        {"localhost": {}}, "stopped", cluster="demo")["failed_clusters"] == {"demo": "no result"}


def test_a_start_line_carries_the_savings():
    summary = fleet_summary({"a.eu-north-1": started(10.5, 1.25, partial=True)}, "started")
    assert summary["lines"][0] == ("fleet 1 cluster(s): 1 started, 0 unchanged, 0 failed; desired nodes 0 before, 3 after; the stop saved "
                                   "10.5 node-hours, about 1.25 (partial)")


def test_a_hundred_failed_clusters_still_fit_one_screen_and_the_dictionary_keeps_them_all():
    results = {"dev-%03d.eu-north-1" % index: result(True, (2, 2), failed=True, msg="Failed to scale nodegroup(s) x") for index in range(100)}
    results.update(("ok-%03d.eu-north-1" % index, result(True, (2, 0))) for index in range(100))
    summary = fleet_summary(results, "stopped")
    assert len(summary["failed_clusters"]) == 100 and summary["failed"] == 100 and summary["stopped"] == 100
    headline, *details = summary["lines"]
    assert headline.endswith("; failed: %s, ... and 90 more" % ", ".join("dev-%03d.eu-north-1" % index for index in range(10)))
    assert details[:1] == ["  dev-000.eu-north-1 failed: Failed to scale nodegroup(s) x"] and len(details) == 21
    assert details[-1] == "  ... and 80 more"


ALWAYS_ON = {"skip": True, "reason": "always-on", "until": None, "notes": [], "problems": []}
SKIP_UNTIL = {"skip": True, "reason": "skip-until", "until": "2026-12-27T00:00:00Z", "notes": [], "problems": []}
EXPIRED = {"skip": False, "reason": None, "until": None, "notes": ["tag eks_tools.eksctl/skip-until='2026-11-27' has expired (...): ignored"],
           "problems": []}
MALFORMED = {"skip": False, "reason": None, "until": None, "notes": [],
             "problems": ["tag eks_tools.eksctl/skip-until='soon' is not an ISO 8601 date or date-time (...): ignored"]}


def stop(*pairs, exception=None):
    entry = dict(result(True, *pairs), state="stopped")
    if exception is not None:
        entry["exception"] = exception
    return entry


def test_a_stop_names_the_clusters_it_skipped_and_why_and_the_tags_it_ignored():
    summary = fleet_summary({
        "on.eu-north-1": {"changed": False, "exception": ALWAYS_ON},
        "later.eu-north-1": {"changed": False, "exception": SKIP_UNTIL},
        "old.us-east-1": stop((2, 0), exception=EXPIRED),
        "bad.us-east-1": stop((1, 0), exception=MALFORMED),
    }, "stopped")
    assert summary["skipped"] == {"on.eu-north-1": {"reason": "always-on"},
                                  "later.eu-north-1": {"reason": "skip-until", "until": "2026-12-27T00:00:00Z"}}
    assert summary["exception_notes"] == {"old.us-east-1": EXPIRED["notes"], "bad.us-east-1": MALFORMED["problems"]}
    assert (summary["stopped"], summary["unchanged"], summary["failed"]) == (2, 2, 0)
    assert summary["lines"][0].endswith("; skipped: later.eu-north-1 (skip-until), on.eu-north-1 (always-on)")
    assert "  on.eu-north-1 skipped: tag eks_tools.eksctl/power=always-on" in summary["lines"]
    assert "  later.eu-north-1 skipped: tag eks_tools.eksctl/skip-until, until 2026-12-27T00:00:00Z" in summary["lines"]
    assert "  old.us-east-1: " + EXPIRED["notes"][0] in summary["lines"]
    assert "  bad.us-east-1: " + MALFORMED["problems"][0] in summary["lines"]


def test_a_report_says_what_the_next_stop_would_skip_and_counts_it_as_staying():
    stopped_already = {"changed": True, "state": "started", "nodegroups": [{"name": "a", "changed": True, "action": "restored",
                                                                            "before": {"desired_size": 0}, "after": {"desired_size": 2}}],
                       "exception": ALWAYS_ON}
    summary = fleet_summary({"on.eu-north-1": stop((3, 0), exception=ALWAYS_ON), "off.eu-north-1": stopped_already,
                             "dev.eu-north-1": stop((1, 0))}, "status")
    # The always-on cluster that runs stays as it is; one that is stopped would still start (a start never skips for tags).
    assert summary["skipped"] == {"on.eu-north-1": {"reason": "always-on"}}
    assert (summary["would_stop"], summary["would_start"], summary["unchanged"], summary["nodes_after"]) == (1, 1, 1, 5)
    assert "the next stop would skip: on.eu-north-1 (always-on)" in summary["lines"][0]
    assert "  on.eu-north-1 would be left as it is: tag eks_tools.eksctl/power=always-on" in summary["lines"]


@pytest.mark.parametrize("state, headline", [
    ("stopped", "fleet stop skipped: 2026-12-24 is one of skip_dates (Europe/Berlin); nothing changed on 2 cluster(s)"),
    ("started", "fleet start skipped: 2026-12-24 is one of skip_dates (Europe/Berlin); nothing changed on 2 cluster(s)"),
])
def test_a_skip_date_is_one_line_and_names_every_cluster_in_skipped(state, headline):
    skip_date = {"date": "2026-12-24", "timezone": "Europe/Berlin"}
    exception = {"skip": True, "reason": "skip_dates", "until": None, "notes": [], "problems": [], **skip_date}
    summary = fleet_summary({"a.eu-north-1": {"changed": False, "exception": exception},
                             "b.eu-north-1": {"changed": False, "exception": exception}}, state, skip_date=skip_date)
    assert summary["lines"] == [headline]
    assert summary["skip_date"] == skip_date and summary["failed"] == 0
    assert summary["skipped"]["a.eu-north-1"] == {"reason": "skip_dates", "date": "2026-12-24", "timezone": "Europe/Berlin"}


def test_a_start_names_nodegroups_restarted_externally_and_counts_their_savings_as_the_module_did():
    external = {"web": {"recorded": {"desired_size": 3, "min_size": 2, "max_size": 5}, "found": {"desired_size": 2, "min_size": 2, "max_size": 5},
                        "stopped_at": "2026-11-27T21:30:00Z"}}
    entry = dict(started(4.0), restarted_externally=external)
    summary = fleet_summary({"dev.eu-north-1": entry, "ok.eu-north-1": dict(started(6.0), restarted_externally={})}, "started")
    assert summary["restarted_externally"] == {"dev.eu-north-1": external}
    assert summary["node_hours_avoided"] == 10.0  # the module's own totals, which leave the restarted nodegroup out
    assert "; restarted outside this collection, no savings counted: dev.eu-north-1 (web)" in summary["lines"][0]
    assert ("  dev.eu-north-1: nodegroup web was started outside this collection while stopped (found 2/2/5, recorded 3/2/5): "
            "no savings counted") in summary["lines"]
    assert "restarted_externally" not in fleet_summary({"dev.eu-north-1": stop((1, 0))}, "stopped")


def test_the_node_counts_a_wait_proved_are_summed_and_named_in_the_first_line():
    def waited(nodes, *pairs):
        return dict(result(True, *pairs), nodes=nodes)

    stopped = fleet_summary({"a.eu-north-1": waited({"total": 1, "ready": 1}, (2, 0)), "b.eu-north-1": waited({"total": 0, "ready": 0}, (3, 0)),
                             "c.eu-north-1": result(True, (1, 0))}, "stopped")
    assert stopped["nodes_seen"] == {"clusters": 2, "total": 1, "ready": 1}
    assert "; Nodes left: 1 in the 2 cluster(s) whose API was read" in stopped["lines"][0]
    started = fleet_summary({"a.eu-north-1": waited({"total": 5, "ready": 4}, (0, 5))}, "started")
    assert "; Nodes Ready: 4 of 5 in the 1 cluster(s) whose API was read" in started["lines"][0]
    # Without a wait that read the API, nothing is claimed at the Node level.
    assert "nodes_seen" not in fleet_summary({"c.eu-north-1": result(True, (1, 0))}, "stopped")
    assert "Nodes" not in fleet_summary({"c.eu-north-1": result(True, (1, 0))}, "stopped")["lines"][0]
