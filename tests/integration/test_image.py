"""amiforge.imagebuilder.image against the emulator: a build happens only when the recipe
version has none, waits to the end, distributes AMIs to every region, and a failed build fails
the task with the service's reason."""
import uuid

import pytest

from tests.integration.conftest import lists_visible
from tests.integration.helpers import document, task

BUILD_DATE = "{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"


@pytest.fixture
def prefix():
    return "im-" + uuid.uuid4().hex[:8]


def stack(prefix, ami, profile, message="hello", fail=False):
    data = document(message)
    if fail:
        data["phases"][0]["steps"].append(dict(name="emulator-fail", action="ExecuteBash", inputs=dict(commands=["exit 1"])))
    return [
        task("component", name=prefix + "-c", data=data),
        task("image_recipe", name=prefix + "-r", parent_image=ami, components=[dict(name=prefix + "-c")]),
        task("infrastructure_configuration", name=prefix + "-i", instance_profile_name=profile),
        task("distribution_configuration", name=prefix + "-d", distributions=[
            dict(region="us-east-1", ami_distribution_configuration=dict(name=prefix + "-" + BUILD_DATE),
                 ssm_parameter_configurations=[dict(parameter_name="/%s/latest" % prefix)]),
            dict(region="eu-west-1", ami_distribution_configuration=dict(name=prefix + "-" + BUILD_DATE))]),
        task("image_pipeline", name=prefix + "-p", image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i",
             distribution_configuration=prefix + "-d"),
    ]


def test_pipeline_builds_once_per_recipe_version(play, writes, emulator, prefix, linux_ami, instance_profile):
    play(stack(prefix, linux_ami, instance_profile))
    writes()
    built = play([task("image", pipeline=prefix + "-p")])
    assert built[0]["changed"] and writes() == ["StartImagePipelineExecution"]
    assert built[0]["image"]["state"]["status"] == "AVAILABLE"
    assert built[0]["arn"].endswith("image/%s-r/1.0.0/1" % prefix)
    amis = {ami["region"]: ami["image"] for ami in built[0]["amis"]}
    assert sorted(amis) == ["eu-west-1", "us-east-1"]
    assert emulator.client("ec2", "eu-west-1").describe_images(ImageIds=[amis["eu-west-1"]])["Images"]
    parameter = emulator.client("ssm").get_parameter(Name="/%s/latest" % prefix)["Parameter"]["Value"]
    assert parameter == amis["us-east-1"]

    again = play([task("image", pipeline=prefix + "-p")])
    assert again[0]["changed"] is False and again[0]["arn"] == built[0]["arn"] and writes() == []

    play(stack(prefix, linux_ami, instance_profile, message="patched"))
    writes()
    predicted = play([task("image", pipeline=prefix + "-p")], check=True)
    assert predicted[0]["changed"] and writes() == []
    rebuilt = play([task("image", pipeline=prefix + "-p")], diff=True)
    assert rebuilt[0]["changed"] and rebuilt[0]["arn"].endswith("image/%s-r/1.0.1/1" % prefix)
    assert rebuilt[0]["diff"]["before"] == {} and rebuilt[0]["diff"]["after"]["status"] == "AVAILABLE"
    assert writes() == ["StartImagePipelineExecution"]

    forced = play([task("image", pipeline=prefix + "-p", force=True)])
    assert forced[0]["changed"] and forced[0]["arn"].endswith("image/%s-r/1.0.1/2" % prefix)

    deleted = play([task("image", arn=forced[0]["arn"], state="absent")])
    assert deleted[0]["changed"] and writes() == ["StartImagePipelineExecution", "DeleteImage"]
    again = play([task("image", arn=forced[0]["arn"], state="absent")])
    assert again[0]["changed"] is False and writes() == []

    with lists_visible(emulator):
        found = play([task("image_info", name=prefix + "-r", all_versions=True)])
    assert sorted(image["arn"].split("/")[-2] for image in found[0]["images"]) == ["1.0.0", "1.0.1"]


def test_failed_build_fails_the_task_with_the_reason(play, writes, prefix, linux_ami, instance_profile):
    play(stack(prefix, linux_ami, instance_profile, fail=True))
    writes()
    failed = play([task("image", pipeline=prefix + "-p")], expect_failure=True)
    assert "ended FAILED" in failed[0]["msg"] and failed[0]["image"]["state"]["status"] == "FAILED"
    assert writes() == ["StartImagePipelineExecution"]


def test_direct_build_without_waiting_then_waiting_for_the_same_build(play, writes, prefix, linux_ami, instance_profile):
    play(stack(prefix, linux_ami, instance_profile)[:3])
    writes()
    options = dict(image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i")
    started = play([task("image", wait=False, **options)])
    assert started[0]["changed"] and started[0]["image"]["state"]["status"] not in ("AVAILABLE", "FAILED")
    assert writes() == ["CreateImage"]
    waited = play([task("image", **options)])
    assert waited[0]["changed"] is False and waited[0]["arn"] == started[0]["arn"]
    assert waited[0]["image"]["state"]["status"] == "AVAILABLE" and writes() == []


@pytest.mark.parametrize("options, message", [
    (dict(pipeline="no-such-pipeline"), "pipeline: image pipeline 'no-such-pipeline' does not exist"),
    (dict(image_recipe="r"), "infrastructure_configuration: required to build from image_recipe without a pipeline"),
    (dict(state="absent", arn="arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/r/1.0.0"), "is not an image build version ARN"),
    (dict(pipeline="p-pipeline", infrastructure_configuration="i"), "infrastructure_configuration: the pipeline's own settings are used"),
])
def test_bad_input(play, writes, options, message):
    failed = play([task("image", **options)], expect_failure=True)
    assert message in failed[0]["msg"], failed[0]["msg"]
    assert writes() == []
