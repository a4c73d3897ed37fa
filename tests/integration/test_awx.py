"""Issue 12's second acceptance: the playbooks run as AWX / Automation Controller runs a job template.

AWX hands ansible-runner a private data directory: ``project/`` (the synced project; here a config repository whose
playbooks import the collection's: ``ansible.builtin.import_playbook: amiforge.imagebuilder.golden_ami``),
``inventory/``, ``env/envvars`` (what the credentials inject: the Amazon Web Services credential sets
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for a session, AWS_SECURITY_TOKEN alone on releases before late 2022
or AWS_SESSION_TOKEN too on later ones; never a region) and ``env/extravars`` (survey answers: every value a string,
numbers and booleans too, a stack as JSON text, written ``!unsafe`` as AWX's default ALLOW_JINJA_IN_EXTRA_VARS
"template" writes launch-time and survey variables). Each job here goes through ``ansible_runner.run`` exactly so,
against an emulator of this module's own in AWS mode, and every request the emulator logged during the job must
carry the session token: with amazon.aws 10, which no longer reads AWS_SECURITY_TOKEN, a module the playbooks did not
hand the token to would show up as a request without it.

The stack is small (one data component, one role component so the S3 path is covered, one region) to keep it fast.
"""
import json
import os
import re
import sys
import uuid

import pytest
import yaml

from tests.conftest import COLLECTIONS
from tests.integration.conftest import aws_mode_emulator, lists_visible

ansible_runner = pytest.importorskip("ansible_runner")

TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"  # what an assumed role's credential carries; never logged by the emulator
STACK_NAME = "awx-%s" % uuid.uuid4().hex[:8]
FAILING_NAME = "awxfail-%s" % uuid.uuid4().hex[:8]
DOCUMENT = """name: awx-motd
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: {step}
        action: ExecuteBash
        inputs:
          commands: ["echo 'Built by an AWX job' > /etc/motd"]
"""


def stack(name=STACK_NAME, step="motd"):
    """The survey's imagebuilder_stack answer: JSON text, Image Builder's {{imagebuilder:buildDate}} as a user types it
    (AWX marks survey answers unsafe, so Ansible leaves it alone)."""
    return json.dumps({
        "name": name,
        "description": "Built by an AWX job template",
        "parent_image": "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        "components": [
            {"name": name + "-motd", "data": DOCUMENT.format(step=step)},
            {"name": name + "-cleanup", "role": "amiforge.imagebuilder.image_cleanup",
             "variables": {"image_cleanup_image_build_mode": True}},
        ],
        # Amazon's update-linux first, as most golden images do; then ours in the order given
        "recipe_components": [{"name": "update-linux"}, {"name": name + "-motd"}, {"name": name + "-cleanup"}],
        "instance_types": ["t3.small"],
        "distributions": [{"region": "us-east-1", "ami_distribution_configuration": {
            "name": name + "-{{imagebuilder:buildDate}}", "ami_tags": {"built-by": "awx"}}}],
    })


def survey(**answers):
    """Extra vars as a golden_ami job template's survey sends them: strings only (an empty region means the
    default), the stack and the tags as JSON text."""
    base = {"imagebuilder_stack": stack(), "imagebuilder_region": "", "imagebuilder_build": "true",
            "imagebuilder_wait_timeout": "600",
            "imagebuilder_tags": json.dumps({"team": "platform", "built-by": "awx"})}
    base.update(answers)
    return base


class UnsafeDumper(yaml.SafeDumper):
    """AWX's safe_dump (awx/main/utils/safe_yaml.py): every string, keys too, as ``!unsafe``."""

    def represent_data(self, data):
        if isinstance(data, str):
            return self.represent_scalar("!unsafe", data)
        return super().represent_data(data)


def awx_meta_vars(job_id, template):
    return {"awx_job_id": job_id, "tower_job_id": job_id, "awx_job_template_name": template,
            "awx_job_launch_type": "manual", "awx_user_name": "admin"}


PROJECT_PLAYBOOKS = {
    # A config repository's playbooks: each imports the collection's (installed in the EE or by
    # collections/requirements.yml at project sync).
    "golden_ami.yml": "---\n- name: Golden AMI\n  ansible.builtin.import_playbook: amiforge.imagebuilder.golden_ami\n",
    "run_pipeline.yml": "---\n- name: Run the pipeline\n  ansible.builtin.import_playbook: amiforge.imagebuilder.run_pipeline\n",
    "destroy.yml": "---\n- name: Destroy the golden AMI\n  ansible.builtin.import_playbook: amiforge.imagebuilder.destroy\n",
}


@pytest.fixture(scope="module")
def account(tmp_path_factory):
    """An emulator in AWS mode (List* lags, IAM propagates in 5 s) for this module: the AWS account of the jobs."""
    yield from aws_mode_emulator(tmp_path_factory, "awx-emulator")


@pytest.fixture(scope="module")
def awx(account, tmp_path_factory):
    """``awx(playbook, extravars, tokens)`` runs one job and returns (runner, calls the emulator logged during it)."""
    counter = [0]
    with pytest.MonkeyPatch.context() as patch:
        # The job's environment is AWX's: no AWS variable but what the credential injects.
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            patch.delenv(name)
        patch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

        def run(playbook, extravars, tokens=("AWS_SECURITY_TOKEN",)):
            counter[0] += 1
            private = tmp_path_factory.mktemp("awx-job-%d" % counter[0])
            for folder in ("project", "env", "inventory"):
                (private / folder).mkdir()
            for name, text in PROJECT_PLAYBOOKS.items():
                (private / "project" / name).write_text(text)
            (private / "inventory" / "hosts").write_text(
                "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
            envvars = {"AWS_ACCESS_KEY_ID": "ASIAEMULATOREXAMPLE", "AWS_SECRET_ACCESS_KEY": "emulator-secret-key-example",
                       "AWS_URL": account.url, "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
                       "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1"}
            envvars.update({name: TOKEN for name in tokens})
            (private / "env" / "envvars").write_text(yaml.safe_dump(envvars))
            extravars = dict(awx_meta_vars(counter[0], playbook), **extravars)
            (private / "env" / "extravars").write_text(yaml.dump(extravars, Dumper=UnsafeDumper))
            account.reset_calls()
            runner = ansible_runner.run(private_data_dir=str(private), playbook=playbook, quiet=True, timeout=900)
            return runner, account.calls()

        yield run


def output(runner):
    return runner.stdout.read() if hasattr(runner.stdout, "read") else str(runner.stdout)


def debug_messages(runner, task):
    """The ``msg`` of each ``task`` debug result in the job's events."""
    return [event["event_data"]["res"].get("msg") for event in runner.events
            if event.get("event") == "runner_on_ok" and event.get("event_data", {}).get("task") == task]


def assert_successful(runner):
    assert (runner.status, runner.rc) == ("successful", 0), output(runner)[-6000:]


def without_token(calls):
    return ["%s:%s" % (call["service"], call["operation"]) for call in calls if not call["session_token"]]


def writes(calls):
    return ["%s:%s" % (call["service"], call["operation"]) for call in calls if call["write"] and call["status"] < 300]


def test_the_playbooks_run_as_awx_jobs_and_every_request_carries_the_session_token(awx, account):
    """One test (the jobs follow each other, and pytest-xdist may spread a module's tests over workers): golden_ami
    with AWS_SECURITY_TOKEN alone (AWX before late 2022), run_pipeline as a scheduled job with AWS_SESSION_TOKEN
    alone, golden_ami again with both (later AWX), which writes nothing, and destroy, which leaves nothing."""
    runner, calls = awx("golden_ami.yml", survey())
    assert_successful(runner)
    assert calls and without_token(calls) == [], "requests without the session token"
    assert {call["service"] for call in calls} >= {"sts", "iam", "s3", "imagebuilder"}
    assert debug_messages(runner, "Show the region") == ["Stack %s in region us-east-1 (imagebuilder_region)" % STACK_NAME]
    report = debug_messages(runner, "Report the AMIs per region")[0]
    assert report["region"] == "us-east-1" and report["amis"]["us-east-1"].startswith("ami-")
    image = account.client("ec2").describe_images(ImageIds=[report["amis"]["us-east-1"]])["Images"][0]
    assert image["Name"].startswith(STACK_NAME + "-") and "{{" not in image["Name"], "the buildDate placeholder reached the service"
    assert {tag["Key"]: tag["Value"] for tag in image["Tags"]}["built-by"] == "awx"
    pipeline = account.client("imagebuilder").get_image_pipeline(
        imagePipelineArn="arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/%s" % STACK_NAME)["imagePipeline"]
    assert pipeline["tags"]["team"] == "platform"

    answers = {"imagebuilder_pipeline": STACK_NAME, "imagebuilder_region": "", "imagebuilder_force": "true", "imagebuilder_wait_timeout": "600"}
    runner, calls = awx("run_pipeline.yml", answers, tokens=("AWS_SESSION_TOKEN",))
    assert_successful(runner)
    assert calls and without_token(calls) == []
    assert [call["operation"] for call in calls if call["write"]] == ["StartImagePipelineExecution"]
    assert debug_messages(runner, "Report the AMIs per region")[0]["amis"]["us-east-1"].startswith("ami-")

    runner, calls = awx("golden_ami.yml", survey(), tokens=("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"))
    assert_successful(runner)
    assert calls and without_token(calls) == []
    assert writes(calls) == []

    runner, calls = awx("destroy.yml", survey(imagebuilder_delete_images="true"))
    assert_successful(runner)
    assert calls and without_token(calls) == []
    with lists_visible(account):
        imagebuilder = account.client("imagebuilder")
        assert imagebuilder.list_image_pipelines(filters=[{"name": "name", "values": [STACK_NAME]}])["imagePipelineList"] == []
        assert imagebuilder.list_components(owner="Self", filters=[{"name": "name", "values": [STACK_NAME + "*"]}])["componentVersionList"] == []
        assert imagebuilder.list_images(owner="Self", filters=[{"name": "name", "values": [STACK_NAME]}])["imageVersionList"] == []
    assert [bucket["Name"] for bucket in account.client("s3").list_buckets()["Buckets"] if bucket["Name"].startswith(STACK_NAME)] == []
    iam = account.client("iam")
    assert [role["RoleName"] for role in iam.list_roles()["Roles"] if role["RoleName"].startswith(STACK_NAME)] == []
    assert [profile for profile in iam.list_instance_profiles()["InstanceProfiles"]
            if profile["InstanceProfileName"].startswith(STACK_NAME)] == []
    assert [image for image in account.client("ec2").describe_images(Owners=["self"])["Images"]
            if image["Name"].startswith(STACK_NAME + "-")] == []


def test_a_failed_build_fails_the_job_with_the_service_reason_and_destroy_removes_it(awx, account):
    """The emulator fails a build at a step named emulator-fail (docs/emulator.md); the job fails at the playbook's
    build task with Image Builder's reason and where the logs are, after a line for each state the build went through,
    and destroy.yml removes the stack and the FAILED image."""
    failing = FAILING_NAME
    answers = survey(imagebuilder_stack=stack(failing, step="emulator-fail"))
    runner, calls = awx("golden_ami.yml", answers)
    assert (runner.status, runner.rc) == ("failed", 2), output(runner)[-4000:]
    assert without_token(calls) == []
    failures = [event["event_data"] for event in runner.events if event.get("event") == "runner_on_failed"]
    assert [failure["task"] for failure in failures] == ["Build the image when the pipeline's recipe version has none, printing each state as it happens"]
    message = failures[0]["res"]["msg"]
    assert "ended FAILED" in message and "Step emulator-fail of component" in message and "s3://" in message, message
    stdout = output(runner)
    assert re.search(r"image build FAILED after \d+s: arn:aws:imagebuilder:", stdout), stdout[-4000:]
    assert stdout.index("image build PENDING after") < stdout.index("image build FAILED after") < stdout.index("fatal: [localhost]")

    runner, calls = awx("destroy.yml", answers)
    assert_successful(runner)
    with lists_visible(account):
        imagebuilder = account.client("imagebuilder")
        left = imagebuilder.list_images(owner="Self", filters=[{"name": "name", "values": [failing]}])["imageVersionList"]
        pipelines = imagebuilder.list_image_pipelines(filters=[{"name": "name", "values": [failing]}])["imagePipelineList"]
    assert pipelines == []
    assert left == [], "destroy.yml left the FAILED image of the stack"
