"""Issue 9's acceptance: the collection behaves as real AWS needs, proven against the emulator in AWS
mode (List* never shows what the test created; a new instance profile is invisible to Image
Builder for a while; GetImage may not know a build just started; throttling answers AWS's code).

The stack is playbooks/stack.yml as users run it, after a play that creates the build's IAM role
and instance profile with amazon.aws modules."""
import threading
import uuid

import pytest

from tests.integration.conftest import lists_visible
from tests.integration.helpers import document, task, versions_in_emulator
from tests.integration.stack_helpers import site_playbook, stack_playbook, stack_vars

STACK_CREATES = ["CreateComponent"] * 3 + ["CreateDistributionConfiguration", "CreateImagePipeline", "CreateImageRecipe",
                                           "CreateInfrastructureConfiguration"]


@pytest.fixture
def prefix():
    return "aws-" + uuid.uuid4().hex[:8]


@pytest.fixture
def settings(emulator):
    """Change the emulator's AWS-mode settings (and the build clock) for one test, then put them back."""
    before, clock = emulator.settings(), emulator.admin("GET", "clock")
    yield emulator.settings
    emulator.settings(**before)
    emulator.admin("POST", "clock", clock)


def recipe_versions(emulator, name):
    with lists_visible(emulator):
        listed = emulator.client("imagebuilder").list_image_recipes(owner="Self", filters=[dict(name="name", values=[name])])
    return sorted(item["arn"].rsplit("/", 1)[1] for item in listed["imageRecipeSummaryList"])


def test_a_new_stack_with_its_iam_converges_then_changes_nothing_then_follows_one_edit(
        play, writes, emulator, settings, prefix, linux_ami, tmp_path):
    settings(iam_propagation_seconds=40)  # longer than the play takes to reach the infrastructure task
    site = site_playbook(tmp_path, prefix)

    first = play(playbook=site, extra_vars=stack_vars(prefix, linux_ami))
    assert sorted(writes()) == STACK_CREATES
    infrastructure = first.by_name("Converge the infrastructure configuration")
    warnings = infrastructure.get("warnings", [])
    assert infrastructure["changed"] and any("does not see the instance profile yet" in warning for warning in warnings), infrastructure
    recipe = first.by_name("Converge the image recipe")["image_recipe"]
    arns = [component["component_arn"] for component in recipe["components"]]
    assert arns[0] == "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"
    assert arns[1:] == ["arn:aws:imagebuilder:us-east-1:123456789012:component/%s-c%d/1.0.0" % (prefix, index) for index in range(3)]

    rerun = play(playbook=site, extra_vars=stack_vars(prefix, linux_ami))
    assert not any(rerun.changed), "a re-run right after the first (List* still shows nothing) changes nothing"
    assert writes() == []

    edited = play(playbook=site, extra_vars=stack_vars(prefix, linux_ami, message="edited"))
    assert sorted(writes()) == ["CreateComponent", "CreateImageRecipe", "UpdateImagePipeline"]
    pipeline = edited.by_name("Converge the image pipeline")["image_pipeline"]
    assert pipeline["image_recipe_arn"].endswith("image-recipe/%s-stack/1.0.1" % prefix), "the ripple lands in the same run"
    assert versions_in_emulator(emulator, prefix + "-c0") == ["1.0.0", "1.0.1"]
    assert versions_in_emulator(emulator, prefix + "-c1") == ["1.0.0"]


def test_a_build_started_twice_in_a_row_or_at_once_builds_once(play, writes, emulator, settings, prefix, linux_ami, instance_profile):
    play(playbook=stack_playbook(), extra_vars=stack_vars(prefix, linux_ami, profile=instance_profile, regions=("us-east-1",)))
    writes()
    settings(new_image_not_found_seconds=8)  # GetImage does not know a build for its first seconds, as on AWS
    emulator.admin("POST", "clock", {"step_seconds": 30})  # builds hold still
    pipeline = "%s-stack" % prefix
    started = play([task("image", pipeline=pipeline, wait=False), task("image", pipeline=pipeline, wait=False)])
    assert writes() == ["StartImagePipelineExecution"], "the second start saw the pipeline's last run and waited for its build"
    assert started[1]["changed"] is False and started[1]["arn"] == started[0]["arn"]

    # two runs at once, after a change that needs a new build
    play(playbook=stack_playbook(), extra_vars=stack_vars(prefix, linux_ami, message="again", profile=instance_profile, regions=("us-east-1",)))
    writes()
    results = []
    runs = [threading.Thread(target=lambda: results.append(play([task("image", pipeline=pipeline, wait=False)]))) for _run in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert len(results) == 2 and results[0][0]["arn"] == results[1][0]["arn"]
    assert results[0][0]["arn"].endswith("image/%s/1.0.1/1" % pipeline)
    emulator.admin("POST", "clock", {"step_seconds": 0})
    settings(new_image_not_found_seconds=0)  # the lag runs on the wall clock: this check must not race it
    image_builds = emulator.client("imagebuilder").get_image(imageBuildVersionArn=results[0][0]["arn"])
    assert image_builds["image"]["state"]["status"] == "AVAILABLE"
    with pytest.raises(emulator.client("imagebuilder").exceptions.ResourceNotFoundException):
        emulator.client("imagebuilder").get_image(imageBuildVersionArn=results[0][0]["arn"].rsplit("/", 1)[0] + "/2")

    # waiting for a build GetImage does not know yet: not found counts as PENDING
    settings(new_image_not_found_seconds=8)
    play(playbook=stack_playbook(), extra_vars=stack_vars(prefix, linux_ami, message="third", profile=instance_profile, regions=("us-east-1",)))
    waited = play([task("image", pipeline=pipeline)])
    assert waited[0]["changed"] and waited[0]["image"]["state"]["status"] == "AVAILABLE"
    assert waited[0]["arn"].endswith("image/%s/1.0.2/1" % pipeline)


def test_throttling_with_aws_code_on_every_call_converges_without_duplicates(play, writes, emulator, prefix, linux_ami, instance_profile):
    variables = stack_vars(prefix, linux_ami, profile=instance_profile, regions=("us-east-1",))
    emulator.admin("POST", "faults", dict(operation="*", throttle_rate=0.3, error_rate=0, seed=20261130))
    try:
        emulator.reset_calls()
        play(playbook=stack_playbook(), extra_vars=variables)
        first_calls = emulator.calls()
        # botocore's standard retry mode does not retry a modeled error such as CallRateLimitExceededException: ours does
        play(playbook=stack_playbook(), extra_vars=stack_vars(prefix, linux_ami, message="edited", profile=instance_profile,
                                                              regions=("us-east-1",)), env_extra=dict(AWS_RETRY_MODE="standard"))
    finally:
        emulator.admin("DELETE", "faults")
    throttled = [call for call in first_calls if call["service"] == "imagebuilder" and int(call["status"]) == 429]
    assert throttled, "faults were injected"
    assert versions_in_emulator(emulator, prefix + "-c0") == ["1.0.0", "1.0.1"]
    assert versions_in_emulator(emulator, prefix + "-c1") == ["1.0.0"]
    assert recipe_versions(emulator, prefix + "-stack") == ["1.0.0", "1.0.1"]
    rerun = play(playbook=stack_playbook(), extra_vars=stack_vars(prefix, linux_ami, message="edited", profile=instance_profile,
                                                                  regions=("us-east-1",)))
    assert not any(rerun.changed)


def test_date_versions_and_names_are_handled_as_aws_forms_them(play, writes, emulator, prefix):
    name = prefix + "_Date_Versions"
    created = play([task("component", name=name, version="2021.01.01", data=document("first"))])
    assert created[0]["version"] == "2021.01.01"
    assert created[0]["arn"] == "arn:aws:imagebuilder:us-east-1:123456789012:component/%s-date-versions/2021.01.01/1" % prefix
    same = play([task("component", name=name, data=document("first"))])
    assert same[0]["changed"] is False and same[0]["version"] == "2021.01.01"
    bumped = play([task("component", name=name, data=document("second"))])
    assert bumped[0]["version"] == "2021.01.02", "the next version is greater, node widths kept"
    assert writes() == ["CreateComponent", "CreateComponent"]
    # the same name written with spaces and other case is the same resource on AWS
    alias = play([task("component", name=name.replace("_", " ").upper().replace("AWS-", "aws-"), data=document("second"))])
    assert alias[0]["changed"] is False and alias[0]["arn"] == bumped[0]["arn"]
