"""Issue 10's acceptance: check mode is a plan users can trust.

On an existing stack, one component edited: `--check --diff` of playbooks/stack.yml predicts the
component, the recipe, the pipeline and the build, shows the new versions, and calls nothing but
reads; the real run then changes exactly what was predicted. On an empty account the plan runs to
the end. A pipeline paused with only its name and status keeps everything else."""
import uuid

import pytest

from tests.integration.conftest import lists_visible
from tests.integration.helpers import task
from tests.integration.stack_helpers import changed_tasks, not_reads, stack_playbook, stack_vars

RESOURCE_TASKS = ("Converge the components", "Converge the image recipe", "Converge the infrastructure configuration",
                  "Converge the distribution configuration", "Converge the image pipeline", "Bake the image if the recipe changed since the last build")


@pytest.fixture
def prefix():
    return "plan-" + uuid.uuid4().hex[:8]


def test_a_plan_after_one_edit_predicts_the_whole_ripple_and_the_run_does_exactly_that(
        play, writes, emulator, prefix, linux_ami, instance_profile):
    bake = dict(imagebuilder_bake=True)
    play(playbook=stack_playbook(), extra_vars=dict(stack_vars(prefix, linux_ami, profile=instance_profile), **bake))
    writes()
    edited = dict(stack_vars(prefix, linux_ami, message="edited", profile=instance_profile), **bake)

    emulator.reset_calls()
    plan = play(playbook=stack_playbook(), extra_vars=edited, check=True, diff=True)
    assert not_reads(emulator.calls()) == [], "a plan calls nothing but Get, List, Describe, Head and STS GetCallerIdentity"
    predicted = changed_tasks(plan)
    assert [name for name in RESOURCE_TASKS if predicted[name]] == [
        "Converge the components", "Converge the image recipe", "Converge the image pipeline",
        "Bake the image if the recipe changed since the last build"]
    component = plan.by_name("Converge the components")["results"][0]
    assert component["diff"]["before"]["version"] == "1.0.0" and component["diff"]["after"]["version"] == "1.0.1"
    assert component["arn"].endswith("component/%s-c0/1.0.1/1" % prefix), "the ARN the new version would have"
    recipe = plan.by_name("Converge the image recipe")
    assert recipe["diff"]["after"]["version"] == "1.0.1"
    assert recipe["diff"]["after"]["components"][1]["component_arn"].endswith("component/%s-c0/1.0.1" % prefix)
    pipeline = plan.by_name("Converge the image pipeline")
    assert pipeline["diff"]["before"]["image_recipe_arn"].endswith("/1.0.0")
    assert pipeline["diff"]["after"]["image_recipe_arn"].endswith("image-recipe/%s-stack/1.0.1" % prefix)
    image = plan.by_name("Bake the image if the recipe changed since the last build")
    assert image["arn"].endswith("image/%s-stack/1.0.1/1" % prefix)

    run = play(playbook=stack_playbook(), extra_vars=edited, diff=True)
    assert changed_tasks(run) == predicted, "the run changes exactly what the plan predicted"
    assert sorted(writes()) == ["CreateComponent", "CreateImageRecipe", "StartImagePipelineExecution", "UpdateImagePipeline"]
    assert run.by_name("Converge the components")["results"][0]["arn"] == component["arn"]
    assert run.by_name("Bake the image if the recipe changed since the last build")["arn"] == image["arn"]


def test_a_plan_of_a_whole_stack_on_an_empty_account_runs_to_the_end(play, writes, emulator, prefix, linux_ami, instance_profile):
    emulator.reset_calls()
    plan = play(playbook=stack_playbook(), extra_vars=dict(stack_vars(prefix, linux_ami, profile=instance_profile), imagebuilder_bake=True),
                check=True, diff=True)
    assert not_reads(emulator.calls()) == [] and writes() == []
    predicted = changed_tasks(plan)
    assert all(predicted[name] for name in RESOURCE_TASKS), predicted
    assert plan.by_name("Converge the image pipeline")["arn"] == \
        "arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/%s-stack" % prefix
    with lists_visible(emulator):
        assert emulator.client("imagebuilder").list_components(owner="Self", filters=[
            dict(name="name", values=["%s-c0" % prefix])])["componentVersionList"] == []


def test_pausing_a_pipeline_with_name_and_status_keeps_everything_else(play, writes, emulator, prefix, linux_ami, instance_profile):
    created = play(playbook=stack_playbook(), extra_vars=stack_vars(prefix, linux_ami, profile=instance_profile))
    before = created.by_name("Converge the image pipeline")["image_pipeline"]
    writes()
    paused = play([task("image_pipeline", name=prefix + "-stack", status="DISABLED")], diff=True)
    assert paused[0]["changed"] and writes() == ["UpdateImagePipeline"]
    assert paused[0]["diff"]["before"]["status"] == "ENABLED" and paused[0]["diff"]["after"]["status"] == "DISABLED"
    stored = emulator.client("imagebuilder").get_image_pipeline(imagePipelineArn=before["arn"])["imagePipeline"]
    assert stored["status"] == "DISABLED"
    assert stored["schedule"]["scheduleExpression"] == "cron(0 3 ? * SUN *)"
    assert stored["imageRecipeArn"] == before["image_recipe_arn"]
    assert stored["infrastructureConfigurationArn"] == before["infrastructure_configuration_arn"]
    assert stored["distributionConfigurationArn"] == before["distribution_configuration_arn"]
    again = play([task("image_pipeline", name=prefix + "-stack", status="DISABLED")])
    assert again[0]["changed"] is False and writes() == []
    removed = play([task("image_pipeline", name=prefix + "-stack", schedule={})])
    assert removed[0]["changed"] and "schedule" not in emulator.client("imagebuilder").get_image_pipeline(
        imagePipelineArn=before["arn"])["imagePipeline"]
    assert emulator.client("imagebuilder").get_image_pipeline(imagePipelineArn=before["arn"])["imagePipeline"]["status"] == "DISABLED"


def test_a_plan_validated_with_the_service_dry_runs_each_component_it_would_create(play, writes, emulator, prefix, linux_ami, instance_profile):
    variables = stack_vars(prefix, linux_ami, profile=instance_profile)
    play(playbook=stack_playbook(), extra_vars=variables)
    writes()
    edited = dict(stack_vars(prefix, linux_ami, message="edited", profile=instance_profile), imagebuilder_validate_with_service="true")

    emulator.reset_calls()
    plan = play(playbook=stack_playbook(), extra_vars=edited, check=True, diff=True)
    calls = emulator.calls()
    assert not_reads(calls) == ["imagebuilder:CreateComponent"] and \
        [call["status"] for call in calls if call["operation"] == "CreateComponent"] == [412], \
        "the one component version the run would create, sent with dryRun (an AWX survey's \"true\" turns it on)"
    assert writes() == []
    assert changed_tasks(plan)["Converge the components"]
    with lists_visible(emulator):
        listed = emulator.client("imagebuilder").list_components(owner="Self", filters=[dict(name="name", values=["%s-c0" % prefix])])
    assert [item["version"] for item in listed["componentVersionList"]] == ["1.0.0"], "the dry run created nothing"
