"""amiforge.imagebuilder.image beyond one build: tearing a build down with its AMIs and snapshots, cancelling
it, the latest AVAILABLE build as a data source, a failed build's log locations, and watching a build.

Builds whose states matter are held still (a clock step longer than any test) and walked one state at a
time with the emulator's ``POST /_amiforge/advance``; the watching tests advance only after the task printed
the state before, so a line can only reach the test while the task runs. No test races the clock.
"""
import json
import os
import subprocess
import sys
import uuid

import pytest
import yaml

from tests.conftest import COLLECTIONS, ROOT
from tests.integration.conftest import ensure_bucket, lists_visible, writes_in
from tests.integration.helpers import task
from tests.integration.test_image import stack

STATE_LINE = "image build "
REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture
def prefix():
    return "lc-" + uuid.uuid4().hex[:8]


@pytest.fixture
def held(emulator):
    """Builds started during the test stay in their state until ``advance(arn, steps)`` moves them on."""
    before = emulator.admin("GET", "clock")
    emulator.admin("POST", "clock", {"step_seconds": 100000})

    def advance(arn=None, steps=1):
        return emulator.admin("POST", "advance", dict({"steps": steps}, **({"image": arn} if arn else {})))

    yield advance
    emulator.admin("POST", "clock", before)


def all_writes(emulator):
    """Every successful write call of any service since the last reset (then reset)."""
    calls = emulator.calls()
    emulator.reset_calls()
    return ["%s:%s" % (call["service"], call["operation"]) for call in calls if call["write"] and call["status"] < 300]


def snapshots_of(emulator, region, ami):
    images = emulator.client("ec2", region).describe_images(Filters=[dict(Name="image-id", Values=[ami])])["Images"]
    return [bdm["Ebs"]["SnapshotId"] for image in images for bdm in image.get("BlockDeviceMappings", []) if "Ebs" in bdm]


def existing_snapshots(emulator, region, snapshot_ids):
    return [item["SnapshotId"] for item in emulator.client("ec2", region).describe_snapshots(
        Filters=[dict(Name="snapshot-id", Values=list(snapshot_ids))])["Snapshots"]]


def test_delete_output_resources_removes_every_ami_and_snapshot_and_finishes_a_cut_short_run(
        play, writes, emulator, prefix, linux_ami, instance_profile):
    play(stack(prefix, linux_ami, instance_profile))
    built = play([task("image", pipeline=prefix + "-p")])[0]
    amis = {ami["region"]: ami["image"] for ami in built["amis"]}
    assert sorted(amis) == sorted(REGIONS)
    snapshots = {region: snapshots_of(emulator, region, ami) for region, ami in amis.items()}
    assert all(snapshots.values()), "every AMI the build registered has its EBS snapshot"
    writes()
    emulator.reset_calls()

    planned = play([task("image", arn=built["arn"], state="absent", delete_output_resources=True)], check=True)[0]
    assert planned["changed"] and all_writes(emulator) == []
    expected = {region: dict(amis=[amis[region]], snapshots=sorted(snapshots[region])) for region in REGIONS}
    assert planned["output_resources_removed"] == expected
    assert planned["output_resources_kept"] == []

    # A run cut short in eu-west-1 after it tagged the snapshot and deregistered the AMI, before DeleteSnapshot.
    ec2 = emulator.client("ec2", "eu-west-1")
    ec2.create_tags(Resources=snapshots["eu-west-1"], Tags=[dict(Key="Ec2ImageBuilderArn", Value=built["arn"])])
    ec2.deregister_image(ImageId=amis["eu-west-1"])
    emulator.reset_calls()

    deleted = play([task("image", arn=built["arn"], state="absent", delete_output_resources=True)])[0]
    assert deleted["changed"]
    assert deleted["output_resources_removed"] == {
        "us-east-1": dict(amis=[amis["us-east-1"]], snapshots=sorted(snapshots["us-east-1"])),
        "eu-west-1": dict(amis=[], snapshots=sorted(snapshots["eu-west-1"]))}
    done = all_writes(emulator)
    assert done.count("ec2:DeregisterImage") == 1 and done.count("ec2:DeleteSnapshot") == 2
    assert done[-1] == "imagebuilder:DeleteImage", "the image goes last, once its AMIs and snapshots are gone"
    for region in REGIONS:
        assert emulator.client("ec2", region).describe_images(Filters=[dict(Name="image-id", Values=[amis[region]])])["Images"] == []
        assert existing_snapshots(emulator, region, snapshots[region]) == []
    assert emulator.client("ec2", "eu-west-1").describe_images(
        Owners=["self"], Filters=[dict(Name="tag:Ec2ImageBuilderArn", Values=[built["arn"]])])["Images"] == []

    again = play([task("image", arn=built["arn"], state="absent", delete_output_resources=True)])[0]
    assert again["changed"] is False and again["output_resources_removed"] == {} and all_writes(emulator) == []


def test_amis_of_other_accounts_are_reported_kept_with_the_reason(play, emulator, prefix, linux_ami, instance_profile):
    parts = stack(prefix, linux_ami, instance_profile)
    parts[3]["amiforge.imagebuilder.distribution_configuration"]["distributions"][1]["ami_distribution_configuration"][
        "target_account_ids"] = ["210987654321"]
    play(parts)
    built = play([task("image", pipeline=prefix + "-p")])[0]
    foreign = [ami for ami in built["amis"] if ami["account_id"] == "210987654321"]
    assert len(foreign) == 1
    deleted = play([task("image", arn=built["arn"], state="absent", delete_output_resources=True)])[0]
    assert deleted["changed"] and sorted(deleted["output_resources_removed"]) == sorted(REGIONS)
    assert [(item["account_id"], item["image"]) for item in deleted["output_resources_kept"]] == [("210987654321", foreign[0]["image"])]
    assert "only that account can deregister it" in deleted["output_resources_kept"][0]["reason"]


def test_a_running_build_is_cancelled_and_a_re_run_is_unchanged(play, writes, emulator, prefix, linux_ami, instance_profile, held):
    play(stack(prefix, linux_ami, instance_profile))
    started = play([task("image", pipeline=prefix + "-p", wait=False)])[0]
    assert started["image"]["state"]["status"] == "PENDING"
    writes()
    planned = play([task("image", arn=started["arn"], state="cancelled")], check=True)[0]
    assert planned["changed"] and writes() == []
    cancelled = play([task("image", arn=started["arn"], state="cancelled", wait=False)], diff=True)[0]
    assert cancelled["changed"] and writes() == ["CancelImageCreation"]
    assert cancelled["diff"]["after"]["status"] == "CANCELLED"
    held(started["arn"])  # cancelling is asynchronous: CANCELLED one step later
    again = play([task("image", arn=started["arn"], state="cancelled")])[0]
    assert again["changed"] is False and "already ended CANCELLED" in again["msg"] and writes() == []
    assert again["image"]["state"]["status"] == "CANCELLED"


def test_latest_available_build_of_a_recipe_and_of_a_pipeline_skips_a_newer_failed_one(
        play, emulator, prefix, linux_ami, instance_profile):
    bucket = ensure_bucket(emulator, prefix + "-logs")
    parts = stack(prefix, linux_ami, instance_profile)
    parts[2]["amiforge.imagebuilder.infrastructure_configuration"]["logging"] = dict(s3_bucket_name=bucket, s3_key_prefix="builds/")
    play(parts)
    good = play([task("image", pipeline=prefix + "-p")])[0]
    failing = stack(prefix, linux_ami, instance_profile, fail=True)
    failing[2] = parts[2]
    play(failing)
    failed = play([task("image", pipeline=prefix + "-p")], expect_failure=True)[0]
    assert failed["image"]["state"]["status"] == "FAILED" and failed["arn"].endswith("/1.0.1/1")
    reason = failed["image"]["state"]["reason"]
    assert reason in failed["msg"]
    assert "s3://%s/builds/" % bucket in failed["msg"]
    assert "/aws/imagebuilder/%s-r (stream 1.0.1/1)" % prefix in failed["msg"]
    assert "/aws/imagebuilder/pipeline/%s-p" % prefix in failed["msg"]

    found = play([task("image_info", pipeline=prefix + "-p", latest_available=True),
                  task("image_info", image_recipe=prefix + "-r", latest_available=True),
                  task("image_info", image_recipe=prefix + "-r:1.0.1", latest_available=True),
                  task("image_info", pipeline=prefix + "-p")])
    by_pipeline, by_recipe, of_failed_version, every = found.results
    assert [image["arn"] for image in by_pipeline["images"]] == [good["arn"]]
    good_amis = sorted((ami["region"], ami["image"]) for ami in good["amis"])
    assert sorted((ami["region"], ami["image"]) for ami in by_pipeline["amis"]) == good_amis
    assert [image["arn"] for image in by_recipe["images"]] == [good["arn"]] and by_recipe["amis"] == by_pipeline["amis"]
    assert of_failed_version["images"] == [] and of_failed_version["amis"] == []
    assert [image["arn"] for image in every["images"]] == [good["arn"], failed["arn"]]
    with lists_visible(emulator):  # the same once ListImagePipelineImages shows both builds
        listed = play([task("image_info", pipeline=prefix + "-p", latest_available=True)])[0]
    assert [image["arn"] for image in listed["images"]] == [good["arn"]]


# --------------------------------------------------------------------------- watching a build

def playbook_file(tmp_path, tasks, **play_options):
    path = tmp_path / ("play-%s.yml" % uuid.uuid4().hex[:6])
    path.write_text(yaml.safe_dump([dict(hosts="localhost", gather_facts=False, tasks=tasks, **play_options)], sort_keys=False))
    return path


def stream_playbook(emulator, path, on_line, callback="ansible.builtin.default", env_extra=None):
    """Run ansible-playbook on ``path`` and hand each stdout line to ``on_line`` as it comes; returns (rc, lines)."""
    env = dict(os.environ, **emulator.env)
    env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_STDOUT_CALLBACK=callback, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1",
               PYTHONUNBUFFERED="1", AWS_ACCESS_KEY_ID="AKIAEMULATOREXAMPLE", AWS_SECRET_ACCESS_KEY="emulator-secret-key-example")
    env.update(env_extra or {})
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(path)]
    lines = []
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                on_line(lines[-1])
            rc = process.wait(timeout=600)
        finally:
            if process.poll() is None:
                process.kill()
    return rc, lines


def state_of_line(line):
    """The state a watching line names ("[localhost] image build BUILDING after 3s: arn:..."), or None."""
    if STATE_LINE not in line or " after " not in line:
        return None
    return line.split(STATE_LINE, 1)[1].split(" after ", 1)[0]


def advancing(advance):
    """An ``on_line`` that moves the build one state on each time the task printed a state (the build's ARN
    is the line's last word)."""
    def on_line(line):
        state = state_of_line(line)
        if state and state not in ("AVAILABLE", "FAILED", "CANCELLED"):
            advance(line.rsplit(" ", 1)[1], 1)
    return on_line


def test_ansible_playbook_shows_each_state_while_the_task_runs(play, emulator, prefix, linux_ami, instance_profile, held, tmp_path):
    play(stack(prefix, linux_ami, instance_profile))
    emulator.reset_calls()
    path = playbook_file(tmp_path, [
        dict(name="Bake", register="built", **task("image", pipeline=prefix + "-p")),
        dict(name="Timeline", **{"ansible.builtin.debug": dict(msg="{{ built.timeline | map(attribute='status') | join(',') }}")})])
    rc, lines = stream_playbook(emulator, path, advancing(held))
    assert rc == 0, "\n".join(lines)
    states = [state_of_line(line) for line in lines if state_of_line(line)]
    assert states == ["PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING", "AVAILABLE"], "\n".join(lines)
    result_line = next(index for index, line in enumerate(lines) if line.startswith("changed: [localhost]"))
    assert max(index for index, line in enumerate(lines) if state_of_line(line)) < result_line
    assert any("PENDING,CREATING,BUILDING,TESTING,DISTRIBUTING,INTEGRATING,AVAILABLE" in line for line in lines[result_line:])
    assert writes_in(emulator.calls()) == ["StartImagePipelineExecution"]


def test_a_timed_out_wait_leaves_the_build_running_and_a_re_run_waits_for_it(play, writes, emulator, prefix, linux_ami, instance_profile,
                                                                             held, tmp_path):
    play(stack(prefix, linux_ami, instance_profile))
    writes()
    timed_out = play([task("image", pipeline=prefix + "-p", wait_timeout=1)], expect_failure=True)[0]
    assert "still PENDING after 1 seconds; it goes on, and a re-run waits for it" in timed_out["msg"]
    assert timed_out["changed"] and [entry["status"] for entry in timed_out["timeline"]] == ["PENDING"]
    assert writes() == ["StartImagePipelineExecution"]

    path = playbook_file(tmp_path, [task("image", pipeline=prefix + "-p")])
    rc, lines = stream_playbook(emulator, path, advancing(held), callback="ansible.posix.json")
    text = "\n".join(lines)
    assert rc == 0, text
    result = json.loads(text[text.index("{"):])["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["changed"] is False and result["arn"] == timed_out["arn"] and result["image"]["state"]["status"] == "AVAILABLE"
    assert [entry["status"] for entry in result["timeline"]][-1] == "AVAILABLE"
    assert writes() == [], "one StartImagePipelineExecution in all"


def test_module_defaults_of_the_action_group_and_short_names_reach_every_run_of_the_module(
        emulator, prefix, linux_ami, instance_profile, play, writes, tmp_path):
    play(stack(prefix, linux_ami, instance_profile))
    writes()
    path = playbook_file(tmp_path, [dict(name="Bake", register="built", image=dict(pipeline=prefix + "-p"))],
                         collections=["amiforge.imagebuilder"],
                         module_defaults={"group/amiforge.imagebuilder.aws": dict(region="us-east-1", wait_timeout=600)})
    # Without the defaults, every run would look in eu-central-1, where the pipeline does not exist.
    built = play(playbook=path, env_extra=dict(AWS_REGION="eu-central-1", AWS_DEFAULT_REGION="eu-central-1"))[0]
    assert built["changed"] and built["image"]["state"]["status"] == "AVAILABLE"
    assert built["timeline"][-1]["status"] == "AVAILABLE" and writes() == ["StartImagePipelineExecution"]


def test_awx_job_output_shows_each_state(emulator, prefix, linux_ami, instance_profile, play, held, tmp_path):
    ansible_runner = pytest.importorskip("ansible_runner")
    play(stack(prefix, linux_ami, instance_profile))
    private = tmp_path / "job"
    for folder in ("project", "env", "inventory"):
        (private / folder).mkdir(parents=True)
    (private / "project" / "bake.yml").write_text(yaml.safe_dump([dict(hosts="localhost", gather_facts=False, tasks=[
        dict(name="Bake", **task("image", pipeline=prefix + "-p"))])]))
    (private / "inventory" / "hosts").write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    (private / "env" / "envvars").write_text(yaml.safe_dump(dict(
        AWS_ACCESS_KEY_ID="AKIAEMULATOREXAMPLE", AWS_SECRET_ACCESS_KEY="emulator-secret-key-example", AWS_URL=emulator.url,
        AWS_REGION="us-east-1", ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_NOCOLOR="1")))
    on_line = advancing(held)

    def event_handler(event):
        for line in (event.get("stdout") or "").splitlines():
            on_line(line)
        return True

    runner = ansible_runner.run(private_data_dir=str(private), playbook="bake.yml", quiet=True, timeout=600, event_handler=event_handler)
    stdout = runner.stdout.read()
    assert (runner.status, runner.rc) == ("successful", 0), stdout[-4000:]
    lines = stdout.splitlines()
    states = [state_of_line(line) for line in lines if state_of_line(line)]
    assert {"BUILDING", "TESTING", "DISTRIBUTING", "AVAILABLE"} <= set(states) and states[-1] == "AVAILABLE", stdout
    result_line = next(index for index, line in enumerate(lines) if line.startswith("changed: [localhost]"))
    assert max(index for index, line in enumerate(lines) if state_of_line(line)) < result_line
    verbose = [event["stdout"] for event in runner.events
               if event.get("event") == "verbose" and STATE_LINE in (event.get("stdout") or "")]
    assert len(verbose) == len(states), "each state is an event of its own in the job"
