# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX material of docs/awx.md works: the survey specs drive the stop and start playbooks, the notification playbook
posts the fleet summary the stop handed to AWX (set_stats, read back from ansible-runner's events as AWX reads it), the
execution environment lists every system package its build steps use, and the local-tarball EE definition puts a
collection built from this checkout into the build context."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading

import pytest
import yaml

import eksctl_simulator

from conftest import ROOT
from test_awx_runner import job

AWX = os.path.join(ROOT, "examples", "awx")
EE = os.path.join(ROOT, "examples", "execution-environment")
SURVEYS = {"survey-night-stop.json": "stop.yml", "survey-morning-start.json": "start.yml"}
QUESTION_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
# A command the EE's build steps run → the bindep lines that provide it.
PROVIDERS = {"curl": {"curl-minimal [platform:rpm]", "curl [platform:dpkg]"},
             "sha256sum": {"coreutils-single [platform:rpm]", "coreutils [platform:dpkg]"},
             "tar": {"tar"}, "gzip": {"gzip"}}


def load(name: str) -> dict:
    with open(os.path.join(AWX, name), encoding="utf-8") as handle:
        return json.load(handle)


def read(*parts: str) -> str:
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()


def taken_by(playbook_file: str) -> list[str]:
    """The extra variables a playbook takes, as its header lists them (a test of the plugin_utils table checks the header)."""
    return re.findall(r"^#   ([a-z_]+) {2,}\S", read("playbooks", playbook_file), re.M)


@pytest.mark.parametrize("survey", sorted(SURVEYS))
def test_the_survey_spec_is_valid_and_asks_only_what_the_playbook_takes(survey):
    spec = load(survey)
    assert spec["name"] and spec["description"] and spec["spec"]
    taken = taken_by(SURVEYS[survey])
    assert "hosts_pattern" in taken and "cluster" in taken
    for question in spec["spec"]:
        assert set(question) >= {"question_name", "variable", "type", "required"}, question
        assert question["type"] in QUESTION_TYPES
        assert question["variable"] in taken, "%s asks %s, which %s does not take" % (survey, question["variable"], SURVEYS[survey])
        if question["type"] == "multiplechoice":
            assert question["default"] in question["choices"]


def test_the_start_survey_asks_about_unrecorded_clusters():
    variables = [question["variable"] for question in load("survey-morning-start.json")["spec"]]
    assert "start_unrecorded" in variables


SEEDED = "plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\nexclude: ['legacy-*']\n"


@pytest.mark.parametrize("survey", sorted(SURVEYS))
def test_every_example_host_pattern_of_the_surveys_matches_hosts_of_the_seeded_inventory(sim, survey):
    inventory = sim.inventory_file(SEEDED)
    questions = [question for question in load(survey)["spec"] if question["variable"] == "hosts_pattern"]
    patterns = [question["default"] for question in questions]
    for question in questions:
        examples = re.search(r"for example (.*?)\.?$", question["question_description"]).group(1)
        patterns.extend(example.strip() for example in re.split(r",| or ", examples) if example.strip())
    assert len(patterns) >= 3
    for pattern in patterns:
        completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible"), pattern, "-i", inventory,
                             "--list-hosts"], check=True)
        matched = re.search(r"hosts \((\d+)\)", completed.stdout)
        assert matched and int(matched.group(1)) > 0, (pattern, completed.stdout, completed.stderr)


def survey_defaults(survey: str) -> dict:
    return {question["variable"]: question["default"] for question in load(survey)["spec"]}


def test_the_survey_defaults_run_the_night_stop_and_the_morning_start(sim):
    inventory = sim.inventory_file("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\nexclude: ['legacy-*']\n")
    snapshot = ["-e", "recording_path=" + os.path.join(sim.root, "snapshots.json")]
    seeded = sim.sizes("demo")
    sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", json.dumps(survey_defaults("survey-night-stop.json")), *snapshot)
    assert set(size[0] for size in sim.sizes("demo").values()) == {0}
    sim.playbook("eks_tools.eksctl.start", "-i", inventory, "-e", json.dumps(survey_defaults("survey-morning-start.json")), *snapshot)
    assert sim.sizes("demo") == seeded


class Webhook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802  pylint: disable=invalid-name
        length = int(self.headers.get("Content-Length", "0"))
        Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):  # pylint: disable=arguments-differ
        return


@pytest.fixture(name="webhook")
def webhook_fixture():
    """Starts a webhook on loopback when called (after any ansible-runner job: its pty fork wants no other thread) and
    returns its URL."""
    Webhook.received = []
    servers = []

    def start():
        server = http.server.HTTPServer(("127.0.0.1", 0), Webhook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return "http://127.0.0.1:%d/hook" % server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.release_sensitive  # set_stats as ansible-runner's artifacts
def test_the_notification_posts_the_fleet_summary_of_the_stop(sim, webhook, monkeypatch):
    for name in list(os.environ):
        if name.startswith(("AWS_", "EKSCTL_SIM")):
            monkeypatch.delenv(name)
    runner, events, _facts = job(sim, "night", "night.yml")
    assert runner.status == "successful"
    stats = [event for event in events if event["event"] == "playbook_on_stats"]
    eks_fleet = stats[-1]["event_data"]["artifact_data"]["eks_fleet"]  # what AWX stores as the job's artifacts
    assert eks_fleet["stopped"] == 1
    extra = {"eks_fleet": eks_fleet, "notify_webhook_url": webhook(), "notify_title": "night-stop"}
    sim.playbook(os.path.join(AWX, "notify.yml"), "-e", json.dumps(extra))
    assert len(Webhook.received) == 1
    text = Webhook.received[0]["text"]
    assert text.startswith("night-stop: fleet 1 cluster(s): 1 stopped, 0 unchanged, 0 failed; desired nodes 6 before, 0 after"), text


def fleet_stats(results) -> dict:
    (summary,) = [entry["result"]["ansible_stats"]["data"]["eks_fleet"] for entry in results
                  if "eks_fleet" in entry["result"].get("ansible_stats", {}).get("data", {})]
    return json.loads(json.dumps(summary))


def test_the_notification_of_a_start_carries_what_failed_and_the_savings(sim, webhook):
    inventory = sim.inventory_file(SEEDED)
    recording = ("-e", "recording_path=" + os.path.join(sim.root, "recordings.json"))
    sim.update(lambda state: state["clusters"].append(eksctl_simulator.new_cluster("web", "us-east-1", [
        eksctl_simulator.new_nodegroup("web", "ng-web", sizes=(4, 1, 6))])))
    sim.playbook("eks_tools.eksctl.stop", "-i", inventory, *recording)
    sim.fault("fail", command="scale nodegroup", match="--cluster=demo", count=10)
    prices = json.dumps({"hourly_prices": {"t3.medium": 0.0416, "t3.large": 0.0832, "m5.large": 0.096}})
    results, _completed = sim.playbook("eks_tools.eksctl.start", "-i", inventory, *recording, "-e", prices, check=False)
    eks_fleet = fleet_stats(results)
    sim.playbook(os.path.join(AWX, "notify.yml"), "-e", json.dumps({"eks_fleet": eks_fleet, "notify_webhook_url": webhook(),
                                                                    "notify_title": "morning-start"}))
    text = Webhook.received[0]["text"]
    first = text.splitlines()[0]
    assert first.startswith("morning-start: fleet 4 cluster(s): 1 started, 2 unchanged, 1 failed; desired nodes 0 before, 4 after; "
                            "the stop saved "), text
    assert re.search(r"the stop saved [0-9.]+ node-hours, about [0-9.]+;", first), first
    # staging was stopped before the night's stop, which recorded it so: the start keeps it stopped without a word.
    assert "failed: demo.eu-north-1" in first and "staging" not in first
    assert any(line.startswith("  demo.eu-north-1 failed: ") for line in text.splitlines()[1:]), text
    assert "localhost" not in text


def test_the_notification_of_a_check_mode_stop_never_says_stopped(sim, webhook):
    results, _completed = sim.playbook("eks_tools.eksctl.stop", "-e", "cluster=demo", "-e", "region=eu-north-1", "--check")
    eks_fleet = fleet_stats(results)
    assert (eks_fleet["preview"], eks_fleet["stopped"], eks_fleet["would_stop"]) == (True, 0, 1)
    sim.playbook(os.path.join(AWX, "notify.yml"), "-e", json.dumps({"eks_fleet": eks_fleet, "notify_webhook_url": webhook()}))
    text = Webhook.received[0]["text"]
    assert text.startswith("EKS fleet: fleet preview 1 cluster(s): 1 would stop, 0 would stay as they are, 0 failed; desired nodes 6 now, "
                           "0 after the stop"), text
    assert "demo.eu-north-1 would stop: desired nodes 6 -> 0" in text and " 1 stopped" not in text


def test_the_notification_without_a_summary_fails_saying_why(sim, webhook):
    _results, completed = sim.playbook(os.path.join(AWX, "notify.yml"), "-e", "notify_webhook_url=" + webhook(), check=False)
    assert completed.returncode != 0
    assert "eks_fleet or notify_webhook_url is missing" in completed.stdout
    assert not Webhook.received


def build_steps(definition: dict) -> str:
    return "\n".join(step for steps in definition.get("additional_build_steps", {}).values() for step in steps)


@pytest.mark.parametrize("name", ["execution-environment.yml", "execution-environment-local.yml"])
def test_the_ee_lists_every_system_package_its_build_steps_use(name):
    with open(os.path.join(EE, name), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    system = set(definition["dependencies"]["system"])
    steps = build_steps(definition)
    used = [command for command in PROVIDERS if re.search(r"(^|[\s|&;(])%s\s" % re.escape(command), steps)]
    assert {"curl", "sha256sum", "tar"} <= set(used)
    for command in used:
        assert PROVIDERS[command] <= system, "%s uses %s but lists none of %s" % (name, command, PROVIDERS[command])
    assert "curl [platform:rpm]" not in system and "curl" not in system  # conflicts with CentOS Stream 9's curl-minimal


def test_the_local_ee_builds_its_context_with_the_checkout_s_collection(tmp_path):
    galaxy = yaml.safe_load(read("galaxy.yml"))
    with open(os.path.join(EE, "execution-environment-local.yml"), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    tarball = "%s-%s-%s.tar.gz" % (galaxy["namespace"], galaxy["name"], galaxy["version"])
    assert definition["additional_build_files"][0]["src"] == tarball
    work = tmp_path / "ee"
    shutil.copytree(EE, str(work), ignore=shutil.ignore_patterns("*.tar.gz"))
    bin_dir = os.path.join(ROOT, ".venv", "bin")
    subprocess.run([os.path.join(bin_dir, "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(work), ROOT],
                   check=True, capture_output=True)
    subprocess.run([os.path.join(bin_dir, "ansible-builder"), "create", "-f", "execution-environment-local.yml", "-c", "context"],
                   cwd=str(work), check=True, capture_output=True)
    assert (work / "context" / "_build" / "collections" / tarball).is_file()
    containerfile = (work / "context" / "Dockerfile").read_text(encoding="utf-8")
    copy = containerfile.index("COPY _build/collections/ /tmp/collections/")
    assert copy < containerfile.index("ansible-galaxy collection install")
    requirements = yaml.safe_load((work / "context" / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert requirements["collections"] == [{"name": "/tmp/collections/" + tarball, "type": "file"}]


def test_the_notification_names_the_clusters_an_exception_left_running_and_why(sim, webhook):
    sim.update(lambda state: [cluster["tags"].update({"eks_tools.eksctl/power": "always-on"})
                              for cluster in state["clusters"] if cluster["name"] == "demo"])
    inventory = sim.inventory_file(SEEDED)
    seeded = sim.sizes("demo")
    results, _completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", "recording_path=" + os.path.join(sim.root, "r.json"))
    eks_fleet = fleet_stats(results)
    assert eks_fleet["skipped"] == {"demo.eu-north-1": {"reason": "always-on"}} and sim.sizes("demo") == seeded
    sim.playbook(os.path.join(AWX, "notify.yml"), "-e", json.dumps({"eks_fleet": eks_fleet, "notify_webhook_url": webhook(),
                                                                    "notify_title": "night-stop"}))
    text = Webhook.received[0]["text"]
    assert "; skipped: demo.eu-north-1 (always-on)" in text.splitlines()[0], text
    assert "  demo.eu-north-1 skipped: tag eks_tools.eksctl/power=always-on" in text.splitlines()
