"""Integration tests: real playbooks run by ansible-playbook against the emulator.

The emulator runs in AWS mode (docs/emulator.md): List* never shows what was created during the
session (a lag longer than any test) and a new IAM instance profile stays invisible to Image
Builder for a few seconds, as on AWS. So every test proves that the modules read what they just
wrote without List*, and survive IAM propagation. A test that must list (an _info listing, a
check of the emulator's state) does it inside ``lists_visible()``.

``play(tasks)`` writes a one-play playbook, runs it with the JSON callback and returns the
results of its tasks; ``writes()`` reads the emulator's call log for the write calls that
succeeded since the last ``reset_calls()``, which is how "no write call" claims are proven.
"""
import contextlib
import json
import os
import subprocess
import sys

import pytest
import yaml

from tests.conftest import COLLECTIONS, ROOT, EmulatorProcess

READ_PREFIXES = ("Get", "List", "Describe", "Head")
AWS_MODE = {"AMIFORGE_EMULATOR_LIST_LAG_SECONDS": "100000", "AMIFORGE_EMULATOR_IAM_PROPAGATION_SECONDS": "5"}


def aws_mode_emulator(tmp_path_factory, label="emulator"):
    """Start an emulator in AWS mode, its log in a tmp folder named after ``label``; yield it, then stop it.
    For fixtures: ``yield from aws_mode_emulator(tmp_path_factory, "awx-emulator")`` (an account of their own)."""
    log_path = tmp_path_factory.mktemp(label) / "emulator.log"
    with open(log_path, "wb") as log:
        try:
            server = EmulatorProcess.start(env=AWS_MODE, stderr=log)
        except RuntimeError as error:
            raise RuntimeError("%s\n%s" % (error, log_path.read_text()))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """The emulator in AWS mode for this worker's session."""
    yield from aws_mode_emulator(tmp_path_factory)


def ensure_bucket(emulator, name):
    """The S3 bucket ``name`` in the emulator, made if missing; returns the name."""
    s3 = emulator.client("s3")
    if name not in [item["Name"] for item in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=name)
    return name


@contextlib.contextmanager
def lists_visible(emulator):
    """List* shows everything inside this block (the AWS-mode lag is lifted, then restored)."""
    lag = emulator.settings()["list_lag_seconds"]
    emulator.settings(list_lag_seconds=0)
    try:
        yield
    finally:
        emulator.settings(list_lag_seconds=lag)


def task_name(task):
    """A task's name without the ``ROLE : `` prefix the callback gives a role's tasks."""
    return task["task"]["name"].split(" : ", 1)[-1]


class PlayResult:
    def __init__(self, completed):
        self.completed = completed
        try:
            self.report = json.loads(completed.stdout[completed.stdout.index("{"):])
        except ValueError:
            raise AssertionError("ansible-playbook printed no JSON report:\n%s\n%s" % (completed.stdout, completed.stderr))
        self.tasks = [task for each in self.report["plays"] for task in each["tasks"]]  # every play's, in order

    @property
    def results(self):
        """One result per task, in order (the localhost result)."""
        return [task["hosts"]["localhost"] for task in self.tasks]

    def __getitem__(self, index):
        return self.results[index]

    def by_name(self, name):
        """The result of the task called ``name`` (the first one); a role's task matches by its own
        name too (the callback reports it as ``ROLE : NAME``)."""
        for task in self.tasks:
            if task_name(task) == name or task["task"]["name"] == name:
                return task["hosts"]["localhost"]
        raise KeyError("no task named %r ran: %s" % (name, [task["task"]["name"] for task in self.tasks]))

    @property
    def failed(self):
        return any(result.get("failed") for result in self.results)

    @property
    def changed(self):
        return [bool(result.get("changed")) for result in self.results]


def writes_in(calls):
    """Operations of the Image Builder write calls that succeeded."""
    return [call["operation"] for call in calls
            if call.get("service") == "imagebuilder" and not call["operation"].startswith(READ_PREFIXES)
            and int(call.get("status", 500)) < 300]


def ansible_env(emulator, env_extra=None):
    """The environment ansible-playbook runs in against ``emulator``: the JSON callback, this interpreter, fake keys."""
    env = dict(os.environ, **emulator.env)
    env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1",
               AWS_ACCESS_KEY_ID="AKIAEMULATOREXAMPLE", AWS_SECRET_ACCESS_KEY="emulator-secret-key-example")
    env.update(env_extra or {})
    return env


def ansible_command(playbook, check=False, diff=False, extra_vars=None):
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(playbook)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    return command


def player(emulator, folder):
    """A function that runs plays with ansible-playbook against ``emulator`` (see ``play``)."""
    counter = [0]

    def run(tasks=None, check=False, diff=False, extra_vars=None, expect_failure=False, gather=None, playbook=None, env_extra=None):
        """Run ``tasks`` as a one-play playbook, or the playbook file ``playbook`` (a path)."""
        counter[0] += 1
        if playbook is None:
            playbook = folder / ("play%03d.yml" % counter[0])
            playbook.write_text(yaml.safe_dump([dict(hosts="localhost", gather_facts=False, tasks=tasks)], sort_keys=False))
        completed = subprocess.run(ansible_command(playbook, check, diff, extra_vars), cwd=ROOT, env=ansible_env(emulator, env_extra),
                                   capture_output=True, text=True, timeout=600, check=False)
        result = PlayResult(completed)
        if not expect_failure:
            assert not result.failed, json.dumps(result.results, indent=1)[:6000]
        return result

    return run


@pytest.fixture(scope="session")
def play(emulator, tmp_path_factory):
    return player(emulator, tmp_path_factory.mktemp("plays"))


@pytest.fixture
def writes(emulator):
    """``writes()`` returns the successful write calls since the test started or since the
    previous ``writes()``, and starts counting anew."""
    emulator.reset_calls()

    def since_last():
        calls = emulator.calls()
        emulator.reset_calls()
        return writes_in(calls)

    return since_last


@pytest.fixture(scope="session")
def linux_ami(emulator):
    """An Amazon Linux 2023 x86_64 AMI that the emulator's EC2 (moto's built-in images) knows."""
    images = emulator.client("ec2").describe_images(
        Owners=["amazon"], Filters=[dict(Name="name", Values=["al2023-ami-2023*-kernel-6.1-x86_64"])])["Images"]
    assert images, "moto's built-in images have no Amazon Linux 2023 AMI"
    return images[0]["ImageId"]


@pytest.fixture(scope="session")
def instance_profile(emulator):
    """An IAM instance profile in the emulator, as a real account would have for Image Builder."""
    iam = emulator.client("iam")
    iam.create_role(RoleName="ImageBuilderRole", AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="ImageBuilderProfile")
    iam.add_role_to_instance_profile(InstanceProfileName="ImageBuilderProfile", RoleName="ImageBuilderRole")
    return "ImageBuilderProfile"
