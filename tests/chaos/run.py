"""The chaos suite (issue 13): playbooks/golden_ami.yml, with a build, against the emulator (AWS mode) under faults at
every service, SIGKILLs at seeded points and two runs started together; the account is checked through the APIs.

    python -m tests.chaos.run                      # what `make chaos` runs: 30% faults, 20 interruption points, a pair
    python -m tests.chaos.run --points 3 --seed 7  # fewer points, another seed

Kill points are measured in calls, never in time: the emulator holds the k-th write call (``POST /_amiforge/hold``),
the runner sees it held (``GET /_amiforge/hold``), SIGKILLs the playbook and every process under it, then releases the call
applied (the request reached the service, its answer goes to nobody) or not (it never arrived), as the seed says.

The end state of every run is a normalised snapshot of the account (names, versions, tags, build counts per recipe
version, AMIs and snapshots per region, launch template versions, object keys), compared with the snapshot an
uninterrupted run leaves; ``duplicates`` and ``orphans`` are counted from the account and the stack's variables
alone. The pytest tests (tests/chaos/test_chaos.py) run a bounded part of this in `make test`.
"""
import argparse
import dataclasses
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

import yaml

from tests.conftest import ROOT, EmulatorProcess
from tests.integration.conftest import AWS_MODE, PlayResult, ansible_command, ansible_env, lists_visible
from tests.integration.test_golden_ami import GOLDEN_AMI

SERVICES = ("imagebuilder", "iam", "s3", "ec2", "ssm", "sts")  # every service the playbooks call
FAULT_RATE = 0.3
EDITED_VARIABLE = "os_hardening_password_max_days"
# A plain message that another run converges the same resource is acceptable for one of two concurrent runs.
CONCURRENT_MESSAGE = "another run"
RUN_TIMEOUT = 900  # seconds: a hung playbook fails the suite instead of hanging it


def variables(edited=False, small=False):
    """playbooks/vars/golden_ami.yml; ``edited``: one hardening variable changed (one component and recipe version).
    ``small`` (the bounded part in make test): one role component and the file component, one region (with the SSM
    parameter and the launch template): the same kinds of resources, a third fewer calls per run."""
    with open(os.path.join(ROOT, "playbooks", "vars", "golden_ami.yml")) as handle:
        result = yaml.safe_load(handle)
    stack = result["imagebuilder_stack"]
    if small:
        keep = ("golden-os-hardening", "golden-hello-motd")
        stack["components"] = [component for component in stack["components"] if component["name"] in keep]
        stack["recipe_components"] = [component for component in stack["recipe_components"] if component["name"] in keep + ("update-linux",)]
        stack["distributions"] = stack["distributions"][:1]
    if edited:
        [hardening] = [component for component in stack["components"] if component["name"] == "golden-os-hardening"]
        hardening["variables"][EDITED_VARIABLE] = 45
    return result


# --------------------------------------------------------------------------- running the playbook

def start(emulator, extra_vars, log_path, env_extra=None):
    """ansible-playbook golden_ami.yml, in a session of its own. Its temporary files (a module's AnsiballZ payload
    folder) go to a folder beside the log, which a SIGKILLed module leaves behind, removed when the run ends."""
    os.makedirs(log_path + ".tmp", exist_ok=True)
    env = ansible_env(emulator, dict(env_extra or {}, TMPDIR=log_path + ".tmp"))
    with open(log_path, "w") as stdout, open(log_path + ".stderr", "w") as stderr:
        return subprocess.Popen(ansible_command(GOLDEN_AMI, extra_vars=extra_vars), cwd=ROOT, env=env, stdout=stdout,
                                stderr=stderr, text=True, start_new_session=True)


def finish(process, log_path):
    """Wait for a run; its PlayResult (the JSON report) and its exit code."""
    try:
        code = process.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill(process)
        raise AssertionError("ansible-playbook ran longer than %d s; its output is in %s" % (RUN_TIMEOUT, log_path))
    finally:
        shutil.rmtree(log_path + ".tmp", ignore_errors=True)
    with open(log_path) as stdout, open(log_path + ".stderr") as stderr:
        return PlayResult(subprocess.CompletedProcess(process.args, code, stdout.read(), stderr.read())), code


def descendants(root):
    """``root`` and every process under it, read from /proc (Ansible's workers call setsid, so the playbook's process
    group does not hold them: a group kill would leave the running module alive)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found = [root]
    for pid in found:
        found.extend(children.get(pid, []))
    return found


def kill(process):
    """SIGKILL the playbook and every process it started (its workers, the module running), as a timeout or a lost
    AWX node does: stopped first (no new process can start meanwhile), then killed."""
    stopped = set()
    while True:
        tree = [pid for pid in descendants(process.pid) if pid not in stopped]
        if not tree:
            break
        for pid in tree:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
            stopped.add(pid)
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def converge(emulator, extra_vars, log_path, env_extra=None):
    """One run to its end; fails unless it succeeded."""
    result, code = finish(start(emulator, extra_vars, log_path, env_extra), log_path)
    if code or result.failed:
        raise AssertionError("the run failed (exit %d): %s; output in %s" % (code, failures(result), log_path))
    return result


def failures(result):
    return [dict(task=task["task"]["name"], msg=task["hosts"]["localhost"].get("msg")) for task in result.tasks
            if task["hosts"]["localhost"].get("failed")]


def interrupted(emulator, extra_vars, log_path, write, apply):
    """Run until the ``write``-th write call, SIGKILL the playbook there, release that call (``apply``: the service
    stores it). Returns what was held ({service, operation, write}), or None when the run ended before that call."""
    emulator.admin("POST", "hold", {"write": write})
    process = start(emulator, extra_vars, log_path)
    try:
        while True:
            held = emulator.admin("GET", "hold")["held"]
            if held:
                kill(process)
                return held
            if process.poll() is not None:
                return None
            time.sleep(0.05)  # waiting for the emulator to hold the call, not measuring anything
    finally:
        kill(process)
        shutil.rmtree(log_path + ".tmp", ignore_errors=True)
        emulator.admin("POST", "hold/release", {"apply": apply})


# --------------------------------------------------------------------------- the account, normalised

def tags_of(client, arn):
    return client.list_tags_for_resource(resourceArn=arn).get("tags") or {}


def snapshot(emulator, regions, baseline=None):
    """What the account holds that a run of golden_ami.yml may touch, read through the APIs and normalised: no ids,
    no dates; names, versions, tags, counts. ``baseline``: {region: snapshot ids an empty account has} (moto's own
    AMI catalogue comes with EBS snapshots in the account), left out."""
    state = {}
    with lists_visible(emulator):
        ib = emulator.client("imagebuilder")
        components, recipes, builds = {}, {}, {}
        for item in ib.list_components(owner="Self")["componentVersionList"]:
            versions = ib.list_component_build_versions(componentVersionArn=item["arn"])["componentSummaryList"]
            for build in versions:
                found = ib.get_component(componentBuildVersionArn=build["arn"])["component"]
                components.setdefault(found["name"], {})[build["arn"].split("/", 2)[2]] = dict(
                    data=digest(found.get("data")), tags=found.get("tags") or {})
        for item in ib.list_image_recipes(owner="Self")["imageRecipeSummaryList"]:
            recipe = ib.get_image_recipe(imageRecipeArn=item["arn"])["imageRecipe"]
            recipes.setdefault(recipe["name"], {})[recipe["version"]] = dict(
                components=[c["componentArn"].split(":", 5)[5] for c in recipe["components"]],
                content=digest({k: v for k, v in recipe.items() if k not in ("arn", "dateCreated", "tags", "version")}),
                tags=recipe.get("tags") or {})
        amis = {}
        for item in ib.list_images(owner="Self")["imageVersionList"]:
            for build in ib.list_image_build_versions(imageVersionArn=item["arn"])["imageSummaryList"]:
                image = ib.get_image(imageBuildVersionArn=build["arn"])["image"]
                key = "%s/%s" % (image["name"], image["version"])
                builds.setdefault(key, []).append(image["state"]["status"])
                for ami in (image.get("outputResources") or {}).get("amis") or []:
                    amis.setdefault(ami["region"], set()).add(ami["image"])
        state["imagebuilder"] = dict(
            components=components, image_recipes=recipes,
            builds=dict((key, sorted(value)) for key, value in builds.items()),
            infrastructure_configurations=dict(
                (c["name"], tags_of(ib, c["arn"])) for c in ib.list_infrastructure_configurations()["infrastructureConfigurationSummaryList"]),
            distribution_configurations=dict(
                (c["name"], tags_of(ib, c["arn"])) for c in ib.list_distribution_configurations()["distributionConfigurationSummaryList"]),
            image_pipelines=dict((p["name"], dict(recipe=p["imageRecipeArn"].split(":", 5)[5], tags=p.get("tags") or {}))
                                 for p in ib.list_image_pipelines()["imagePipelineList"]),
        )
    iam = emulator.client("iam")
    roles = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        roles[name] = dict(
            managed=sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
            inline=sorted(iam.list_role_policies(RoleName=name)["PolicyNames"]),
            tags=dict((t["Key"], t["Value"]) for t in iam.list_role_tags(RoleName=name)["Tags"]))
    state["iam"] = dict(
        roles=roles,
        instance_profiles=dict((p["InstanceProfileName"], sorted(r["RoleName"] for r in p["Roles"]))
                               for p in iam.list_instance_profiles()["InstanceProfiles"]),
        policies=sorted(p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]))
    s3 = emulator.client("s3")
    state["s3"] = dict((b["Name"], sorted(o["Key"] for o in s3.list_objects_v2(Bucket=b["Name"]).get("Contents") or []))
                       for b in s3.list_buckets()["Buckets"])
    for region in regions:
        ec2 = emulator.client("ec2", region=region)
        images = ec2.describe_images(Owners=["self"])["Images"]
        built = amis.get(region, set())
        snapshots = [s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
                     if s["SnapshotId"] not in (baseline or {}).get(region, ())]
        of_amis = set(bdm["Ebs"]["SnapshotId"] for image in images for bdm in image.get("BlockDeviceMappings") or []
                      if (bdm.get("Ebs") or {}).get("SnapshotId"))
        templates = dict((t["LaunchTemplateName"], t["LatestVersionNumber"]) for t in ec2.describe_launch_templates()["LaunchTemplates"])
        parameters = dict((p["Name"], p["Version"]) for page in emulator.client("ssm", region=region).get_paginator(
            "describe_parameters").paginate() for p in page["Parameters"] if not p["Name"].startswith("/aws/"))
        state[region] = dict(
            amis=len(images), amis_not_built=len([i for i in images if i["ImageId"] not in built]),
            snapshots=len(snapshots), snapshots_of_no_ami=len(set(snapshots) - of_amis),
            launch_templates=templates, ssm_parameters=sorted(parameters))
    return state


def digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:12]


def regions_of(extra_vars):
    stack = extra_vars["imagebuilder_stack"]
    regions = [d["region"] for d in stack.get("distributions") or []]
    regions += [r for t in extra_vars.get("imagebuilder_launch_templates") or [] for r in t["regions"]]
    return sorted(set(regions + [extra_vars.get("imagebuilder_region") or "us-east-1"]))


def duplicates(state):
    """What exists twice: two versions of a component (or recipe) with the same content, a second build of a
    component version, more than one build of a recipe version."""
    found = []
    ib = state["imagebuilder"]
    for name, builds in ib["components"].items():
        versions = {}
        for version_build, entry in builds.items():
            version = version_build.split("/")[0]
            if version in versions:
                found.append("component %s %s built twice" % (name, version))
            versions[version] = entry["data"]
        if len(set(versions.values())) < len(versions):
            found.append("component %s: two versions with the same document (%s)" % (name, sorted(versions)))
    for name, versions in ib["image_recipes"].items():
        contents = [entry["content"] for entry in versions.values()]
        if len(set(contents)) < len(contents):
            found.append("image recipe %s: two versions with the same content (%s)" % (name, sorted(versions)))
    for recipe_version, statuses in ib["builds"].items():
        if len(statuses) > 1:
            found.append("recipe version %s has %d builds (%s)" % (recipe_version, len(statuses), ", ".join(statuses)))
    return found


def described(extra_vars, account="123456789012"):
    """The names the stack describes (golden_ami.yml's defaults, playbooks/files/golden_ami/variables.yml)."""
    stack = extra_vars["imagebuilder_stack"]
    name = stack["name"]
    region = extra_vars.get("imagebuilder_region") or "us-east-1"
    role = name + "-instance"
    templates = {}
    for template in extra_vars.get("imagebuilder_launch_templates") or []:
        for where in template["regions"]:
            templates.setdefault(where, set()).add(template["name"])
    parameters = {}
    for distribution in stack.get("distributions") or []:
        for parameter in distribution.get("ssm_parameter_configurations") or []:
            parameters.setdefault(distribution["region"], set()).add(parameter["parameter_name"])
    return dict(components=set(c["name"] for c in stack["components"]), role_components=set(c["name"] for c in stack["components"] if "role" in c),
                name=name, role=role, bucket="%s-%s-%s" % (name, account, region), prefix="imagebuilder/%s/" % name,
                templates=templates, parameters=parameters)


def orphans(state, extra_vars):
    """What the account holds that the stack does not describe."""
    want = described(extra_vars)
    ib = state["imagebuilder"]
    found = ["component %s" % name for name in ib["components"] if name not in want["components"]]
    found += ["component %s (the stack names it, but it has no version)" % name for name in want["components"] - set(ib["components"])]
    for kind in ("image_recipes", "infrastructure_configurations", "distribution_configurations", "image_pipelines"):
        found += ["%s %s" % (kind, name) for name in ib[kind] if name != want["name"]]
    found += ["builds of %s" % key for key in ib["builds"] if key.split("/")[0] != want["name"]]
    recipes = ib["image_recipes"].get(want["name"], {})
    found += ["builds of recipe version %s, which does not exist" % key for key in ib["builds"] if key.split("/")[1] not in recipes]
    found += ["IAM role %s" % role for role in state["iam"]["roles"] if role != want["role"]]
    found += ["IAM instance profile %s" % p for p in state["iam"]["instance_profiles"] if p != want["role"]]
    found += ["IAM policy %s" % p for p in state["iam"]["policies"]]
    found += ["S3 bucket %s" % b for b in state["s3"] if b != want["bucket"]]
    for key in state["s3"].get(want["bucket"], []):
        if not (key.startswith(want["prefix"]) and key[len(want["prefix"]):].split("/")[0] in want["role_components"]):
            found.append("S3 object %s" % key)
    for region in regions_of(extra_vars):
        here = state[region]
        if here["amis_not_built"]:
            found.append("%d AMIs in %s that no build of the stack distributed" % (here["amis_not_built"], region))
        if here["snapshots_of_no_ami"]:
            found.append("%d snapshots in %s of no AMI" % (here["snapshots_of_no_ami"], region))
        found += ["launch template %s in %s" % (t, region) for t in here["launch_templates"] if t not in want["templates"].get(region, set())]
        found += ["SSM parameter %s in %s" % (p, region) for p in here["ssm_parameters"] if p not in want["parameters"].get(region, set())]
    return found


def difference(expected, actual, path=""):
    """Where two snapshots differ, as 'path: expected != actual' lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines = []
        for key in sorted(set(expected) | set(actual)):
            lines += difference(expected.get(key, "<missing>"), actual.get(key, "<missing>"), "%s/%s" % (path, key))
        return lines
    return [] if expected == actual else ["%s: %s != %s" % (path or "/", expected, actual)]


# --------------------------------------------------------------------------- the three parts

@dataclasses.dataclass
class Figures:
    runs: int = 0
    fault_rate: float = 0.0
    calls_in_faulted_runs: int = 0
    faulted_calls: int = 0
    faults_by_service: dict = dataclasses.field(default_factory=dict)  # service: (faulted, calls)
    interruption_points: int = 0
    reruns: int = 0
    kills: list = dataclasses.field(default_factory=list)
    duplicates: list = dataclasses.field(default_factory=list)
    orphans: list = dataclasses.field(default_factory=list)
    differences: list = dataclasses.field(default_factory=list)
    concurrent_equal: bool = None
    concurrent_failures: list = dataclasses.field(default_factory=list)
    problems: list = dataclasses.field(default_factory=list)

    def merge(self, other):
        """Add another job's interruption figures (faults and the concurrent pair run in the first job only)."""
        for name in ("runs", "interruption_points", "reruns"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("kills", "duplicates", "orphans", "differences", "problems"):
            getattr(self, name).extend(getattr(other, name))

    def ok(self):
        return not (self.duplicates or self.orphans or self.differences or self.problems) and self.concurrent_equal is not False


class Chaos:
    """One emulator (AWS mode) and a folder for the runs' output; each part starts from an empty account."""

    def __init__(self, emulator, folder, figures=None, say=None, small=False):
        self.emulator = emulator
        self.small = small
        self.folder = str(folder)
        self.figures = figures or Figures()
        self.say = say or (lambda text: None)
        self.count = 0
        self.references = {}
        self.baseline = {}

    def variables(self, edited=False):
        return variables(edited, self.small)

    def log(self, label):
        self.count += 1
        return os.path.join(self.folder, "%03d-%s.log" % (self.count, label))

    def empty_account(self):
        self.emulator.reset()
        self.emulator.admin("DELETE", "faults")
        self.baseline = dict((region, set(s["SnapshotId"] for s in self.emulator.client("ec2", region=region).describe_snapshots(
            OwnerIds=["self"])["Snapshots"])) for region in regions_of(self.variables()))
        self.emulator.reset_calls()

    def check(self, label, extra_vars, expected=None):
        """Duplicates, orphans and (given the state an uninterrupted run leaves) differences, recorded in figures."""
        state = snapshot(self.emulator, regions_of(extra_vars), self.baseline)
        self.figures.duplicates += ["%s: %s" % (label, item) for item in duplicates(state)]
        self.figures.orphans += ["%s: %s" % (label, item) for item in orphans(state, extra_vars)]
        if expected is not None:
            self.figures.differences += ["%s: %s" % (label, line) for line in difference(expected, state)]
        return state

    def run(self, extra_vars, label, env_extra=None):
        self.figures.runs += 1
        return converge(self.emulator, extra_vars, self.log(label), env_extra)

    def reference(self):
        """The snapshots an uninterrupted first run and an uninterrupted run after the edit leave (computed once), and
        how many write calls each made (where kill points can fall)."""
        if not self.references:
            self.empty_account()
            for phase, edited in (("first", False), ("edited", True)):
                self.emulator.reset_calls()
                self.run(self.variables(edited), "reference-%s" % phase)
                writes = len([call for call in self.emulator.calls() if call["write"]])
                self.references[phase] = (self.check("reference %s run" % phase, self.variables(edited)), writes)
                self.say("reference %s run: %d write calls" % (phase, writes))
        return self.references

    def faults(self, seed, rate=FAULT_RATE):
        """The first run from an empty account with ``rate`` of the calls to every service faulted (throttling and 5xx
        in equal parts); it must converge to the uninterrupted run's state."""
        expected = self.reference()["first"][0]
        self.empty_account()
        self.emulator.admin("POST", "faults", {"operation": "*", "throttle_rate": rate / 2, "error_rate": rate / 2, "seed": seed})
        try:
            self.run(self.variables(), "faulted")
        finally:
            self.emulator.admin("DELETE", "faults")
            calls = self.emulator.calls()
        faulted = [call for call in calls if call.get("injected")]
        self.figures.fault_rate = rate
        self.figures.calls_in_faulted_runs += len(calls)
        self.figures.faulted_calls += len(faulted)
        if not faulted:
            self.figures.problems.append("no call was faulted")
        for service in SERVICES:  # a service called once or twice (SSM) may draw no fault: counted, not required
            made = [call for call in calls if call["service"] == service]
            self.figures.faults_by_service[service] = (len([call for call in made if call.get("injected")]), len(made))
        self.say("faulted run: %d of %d calls faulted (%s)" % (len(faulted), len(calls), by_service(self.figures)))
        self.check("faulted run", self.variables(), expected)

    def interruption(self, phase, write, apply):
        """Kill the ``phase`` run ('first': from an empty account, 'edited': after the edit, from the first run's state,
        which the caller has left) at its ``write``-th write call, then run once more: the state must be the
        uninterrupted run's."""
        edited = phase == "edited"
        expected = self.reference()[phase][0]
        held = interrupted(self.emulator, self.variables(edited), self.log("%s-killed-at-%d" % (phase, write)), write, apply)
        self.figures.runs += 1
        self.figures.interruption_points += 1
        label = "%s run killed at write %d (%s, %s)" % (
            phase, write, "%s:%s" % (held["service"], held["operation"]) if held else "after its end", "applied" if apply else "not applied")
        self.figures.kills.append(label)
        if held is None:
            self.figures.problems.append("%s: the run ended before the kill point" % label)
        self.figures.reruns += 1
        try:
            self.run(self.variables(edited), "%s-rerun-after-%d" % (phase, write))
        except AssertionError as error:
            self.figures.problems.append("%s: the re-run failed: %s" % (label, error))
            return
        self.check(label, self.variables(edited), expected)
        self.say("%s: re-run converged" % label)

    def interruptions(self, points):
        """``points``: [(phase, write, apply)]. Points of the first run start from an empty account; a point of the
        edited run follows the previous point's re-run of the first run, or an uninterrupted first run."""
        ready_for_edit = False
        for phase, write, apply in points:
            if phase == "first":
                self.empty_account()
                self.interruption("first", write, apply)
                ready_for_edit = True
            else:
                if not ready_for_edit:
                    self.empty_account()
                    self.run(self.variables(), "first-before-edit")
                self.interruption("edited", write, apply)
                ready_for_edit = False

    def concurrent(self):
        """Two runs of the same stack started together from an empty account: the state of one run; neither fails with
        a raw service error (a message that another run converges the same resource is acceptable for one)."""
        expected = self.reference()["first"][0]
        self.empty_account()
        logs = [self.log("concurrent-%d" % index) for index in (1, 2)]
        processes = [start(self.emulator, self.variables(), log) for log in logs]
        results = [finish(process, log) for process, log in zip(processes, logs)]
        self.figures.runs += 2
        failed = []
        for (result, code), log in zip(results, logs):
            if code or result.failed:
                failed.append(dict(log=log, failures=failures(result)))
        self.figures.concurrent_failures = failed
        if len(failed) > 1 or any(CONCURRENT_MESSAGE not in json.dumps(item["failures"]) for item in failed):
            self.figures.problems.append("concurrent runs failed: %s" % failed)
        before = len(self.figures.differences)
        self.check("concurrent runs", self.variables(), expected)
        self.figures.concurrent_equal = len(self.figures.differences) == before
        self.say("concurrent pair: %d failed, end state %s a single run's" % (len(failed), "equal to" if self.figures.concurrent_equal else "NOT"))


def kill_points(count, seed, first_writes, edited_writes):
    """``count`` seeded kill points spread over the first run and the run after an edit: (phase, write, apply), the
    write drawn in equal slices of each run's writes so that points spread from the first write to the last, then
    ordered so that each edited-run point follows a first-run point (its re-run gives the state the edit starts from)."""
    rng = random.Random(seed)
    edited = min(count // 2, edited_writes * 2)
    first = count - edited

    def spread(n, writes):
        combos = [(write, apply) for write in range(1, writes + 1) for apply in (True, False)]
        if n >= len(combos):
            return combos[:n]
        slices = [combos[len(combos) * i // n:len(combos) * (i + 1) // n] for i in range(n)]
        return [rng.choice(part) for part in slices]

    firsts = [("first",) + point for point in spread(first, first_writes)]
    edits = [("edited",) + point for point in spread(edited, edited_writes)]
    rng.shuffle(firsts)
    rng.shuffle(edits)
    ordered = []
    while firsts or edits:
        if firsts:
            ordered.append(firsts.pop())
        if edits:
            ordered.append(edits.pop())
    return ordered


def by_service(figures):
    return ", ".join("%s %d of %d" % (service, faulted, made) for service, (faulted, made) in figures.faults_by_service.items())


def report(figures, seconds):
    lines = [
        "chaos: %d runs of playbooks/golden_ami.yml (with a build) in %.0f s" % (figures.runs, seconds),
        "faults: rate %.0f%% of the calls to every service; %d of %d calls faulted (%s)"
        % (figures.fault_rate * 100, figures.faulted_calls, figures.calls_in_faulted_runs, by_service(figures)),
        "interruptions: %d points (SIGKILL), %d re-runs" % (figures.interruption_points, figures.reruns),
    ]
    lines += ["  %s" % kill for kill in figures.kills]
    lines += [
        "duplicates = %d" % len(figures.duplicates),
        "orphans = %d" % len(figures.orphans),
        "differences from an uninterrupted run = %d" % len(figures.differences),
        "concurrent pair: end state %s a single run's; %d of 2 failed%s" % (
            "equal to" if figures.concurrent_equal else "NOT equal to" if figures.concurrent_equal is False else "(not run)",
            len(figures.concurrent_failures),
            "".join(" (%s)" % item["failures"] for item in figures.concurrent_failures)),
    ]
    for title, items in (("duplicate", figures.duplicates), ("orphan", figures.orphans), ("difference", figures.differences),
                         ("problem", figures.problems)):
        lines += ["%s: %s" % (title, item) for item in items]
    lines.append("chaos: %s" % ("PASS" if figures.ok() else "FAIL"))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--points", type=int, default=20, help="interruption points (default 20)")
    parser.add_argument("--fault-rate", type=float, default=FAULT_RATE, help="share of calls faulted (default 0.3)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--jobs", type=int, default=2, help="emulators (accounts) running points side by side (default 2)")
    parser.add_argument("--small", action="store_true", help="the bounded part's smaller stack (one role component, one region)")
    parser.add_argument("--output", default=os.path.join(ROOT, "tests", "output", "chaos"), help="the runs' output")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    began = time.monotonic()

    def say(text):
        print("[%5.0f s] %s" % (time.monotonic() - began, text), flush=True)

    figures = Figures()
    emulators = []
    try:
        for job in range(max(args.jobs, 1)):
            folder = os.path.join(args.output, "job%d" % job)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "emulator.log"), "wb") as log:
                emulators.append(EmulatorProcess.start(env=AWS_MODE, stderr=log))
        jobs = [Chaos(emulator, os.path.join(args.output, "job%d" % job), figures if job == 0 else Figures(), say, args.small)
                for job, emulator in enumerate(emulators)]
        references = jobs[0].reference()
        points = kill_points(args.points, args.seed, references["first"][1], references["edited"][1])
        # each job: its own emulator (an account of its own), the same references (snapshots hold no ids)
        shares = [[] for _job in jobs]
        for index, point in enumerate(pair_up(points)):
            shares[index % len(jobs)].extend(point)
        for chaos in jobs[1:]:
            chaos.references = references
        work = [lambda chaos=jobs[0], share=shares[0]: (chaos.faults(args.seed, args.fault_rate), chaos.interruptions(share),
                                                        chaos.concurrent())]
        work += [lambda chaos=chaos, share=share: chaos.interruptions(share) for chaos, share in zip(jobs[1:], shares[1:])]
        threads = [threading.Thread(target=guarded(task, figures)) for task in work]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for chaos in jobs[1:]:
            figures.merge(chaos.figures)
    finally:
        for emulator in emulators:
            emulator.stop()
    print(report(figures, time.monotonic() - began))
    return 0 if figures.ok() else 1


def pair_up(points):
    """The points in groups a job runs in order: a first-run point with the edited-run point that follows it."""
    groups = []
    for point in points:
        if point[0] == "edited" and groups and groups[-1][-1][0] == "first":
            groups[-1].append(point)
        else:
            groups.append([point])
    return groups


def guarded(task, figures):
    def run():
        try:
            task()
        except Exception as error:  # a part that broke is a failure of the suite, reported with the others
            figures.problems.append("%s: %s" % (type(error).__name__, error))
    return run


if __name__ == "__main__":
    sys.exit(main())
