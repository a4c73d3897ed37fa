"""The other core modules and the whole stack against the emulator: recipes follow their
components, pipelines follow their recipes, updatable resources are updated in place only
when something differs, and one re-run after a component edit writes exactly what it must."""
import uuid

import pytest

from tests.integration.conftest import lists_visible
from tests.integration.helpers import document, merged, task


@pytest.fixture
def prefix():
    return "st-" + uuid.uuid4().hex[:8]


def stack(prefix, ami, profile, message="hello", regions=("us-east-1", "eu-west-1", "ap-southeast-2")):
    components = [task("component", name="%s-c%d" % (prefix, index), data=document(message if index == 1 else "fixed %d" % index))
                  for index in range(3)]
    return components + [
        task("image_recipe", name=prefix + "-recipe", parent_image=ami,
             components=[dict(name="update-linux")] + [dict(name="%s-c%d" % (prefix, index)) for index in range(3)]),
        task("infrastructure_configuration", name=prefix + "-infra", instance_profile_name=profile, instance_types=["t3.small"],
             terminate_instance_on_failure=True),
        task("distribution_configuration", name=prefix + "-dist", distributions=[
            dict(region=region, ami_distribution_configuration=dict(name="golden-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}",
                                                                    ami_tags=dict(Stack=prefix)))
            for region in regions]),
        task("image_pipeline", name=prefix + "-pipeline", image_recipe=prefix + "-recipe", infrastructure_configuration=prefix + "-infra",
             distribution_configuration=prefix + "-dist", schedule=dict(expression="cron(0 3 ? * SUN *)")),
    ]


def test_stack_converges_and_follows_a_component_edit(play, writes, emulator, prefix, linux_ami, instance_profile):
    first = play(stack(prefix, linux_ami, instance_profile))
    assert all(first.changed)
    creates = ["CreateComponent"] * 3 + ["CreateImageRecipe", "CreateInfrastructureConfiguration", "CreateDistributionConfiguration", "CreateImagePipeline"]
    assert sorted(writes()) == sorted(creates)
    recipe = first[3]["image_recipe"]
    arns = [component["component_arn"] for component in recipe["components"]]
    assert arns[0].endswith(":aws:component/update-linux/x.x.x"), "Amazon-owned components follow their latest version"
    assert arns[1].endswith("component/%s-c0/1.0.0" % prefix)

    rerun = play(stack(prefix, linux_ami, instance_profile))
    assert not any(rerun.changed)
    assert writes() == []

    edited = play(stack(prefix, linux_ami, instance_profile, message="edited"))
    assert edited.changed == [False, True, False, True, False, False, True]
    assert sorted(writes()) == ["CreateComponent", "CreateImageRecipe", "UpdateImagePipeline"]
    assert edited[1]["version"] == "1.0.1" and edited[3]["version"] == "1.0.1"
    pipeline = emulator.client("imagebuilder").get_image_pipeline(imagePipelineArn=edited[6]["arn"])["imagePipeline"]
    assert pipeline["imageRecipeArn"].endswith("image-recipe/%s-recipe/1.0.1" % prefix)


def test_recipe_check_mode_and_bad_references(play, writes, emulator, prefix, linux_ami):
    component = task("component", name=prefix + "-c", data=document(parameters=("alpha", "beta")))
    play([component])
    writes()
    recipe = dict(name=prefix + "-r", parent_image=linux_ami, components=[dict(name=prefix + "-c", parameters=dict(beta="2", alpha=["1"]))])
    predicted = play([task("image_recipe", **recipe)], check=True)
    assert predicted[0]["changed"] is True and writes() == []
    play([task("image_recipe", **recipe)])
    assert writes() == ["CreateImageRecipe"]
    again = play([task("image_recipe", **merged(recipe, components=[dict(name=prefix + "-c", parameters=dict(alpha="1", beta="2"))]))])
    assert again[0]["changed"] is False, "parameter order and scalar-or-list must not make a new version"
    assert writes() == []

    for options, message in [
        (dict(components=[dict(name=prefix + "-missing")]), "components[0].name: component '%s-missing' does not exist" % prefix),
        (dict(components=[dict(name=prefix + "-c", version="9.9.9")]), "components[0].name: component '%s-c' has no version 9.9.9" % prefix),
        (dict(components=[dict(name=prefix + "-c", parameters=dict(alpha="1", gamma="3"))]),
         "components[0].parameters: 'gamma' is not declared by component"),
        (dict(components=[dict(name=prefix + "-c", arn="arn:aws:imagebuilder:us-east-1:123456789012:component/x/1.0.0")]),
         "components[0]: give exactly one of 'name' and 'arn'"),
        (dict(parent_image="ami-00000000000000000", description="new content so a write would be due"),
         "parent_image: AMI ami-00000000000000000 does not exist"),
        (dict(parent_image="ubuntu-latest"), "parent_image: 'ubuntu-latest' is neither an AMI id"),
        (dict(version="1.0"), "version: '1.0' is not a semantic version"),
        (dict(components=[dict(name=prefix + "-c"), dict(arn="arn:aws:imagebuilder:us-east-1:123456789012:component/%s-c/1.0.0/1" % prefix)]),
         "components[1]: component arn:aws:imagebuilder:us-east-1:123456789012:component/%s-c/1.0.0 is already components[0]" % prefix),
    ]:
        failed = play([task("image_recipe", **merged(recipe, **options))], expect_failure=True)
        assert failed[0]["failed"] and message in failed[0]["msg"], (options, failed[0]["msg"])
        assert writes() == []


def test_infrastructure_configuration_updates_in_place(play, writes, emulator, prefix, instance_profile):
    base = dict(name=prefix + "-infra", instance_profile_name=instance_profile, instance_types=["t3.small", "t3.medium"],
                instance_metadata_options=dict(http_tokens="required", http_put_response_hop_limit=2), tags=dict(a="1"))
    created = play([task("infrastructure_configuration", **base)], diff=True)
    assert created[0]["changed"] and created[0]["diff"]["before"] == {}
    assert writes() == ["CreateInfrastructureConfiguration"]
    same = play([task("infrastructure_configuration", **merged(base, instance_types=["t3.medium", "t3.small"]))])
    assert same[0]["changed"] is False and writes() == []

    predicted = play([task("infrastructure_configuration", **merged(base, instance_types=["t3.large"]))], check=True, diff=True)
    assert predicted[0]["changed"] and writes() == []
    assert predicted[0]["diff"]["after"]["instance_types"] == ["t3.large"]
    assert predicted[0]["diff"]["before"]["instance_types"] == ["t3.medium", "t3.small"]

    updated = play([task("infrastructure_configuration", **merged(base, instance_types=["t3.large"], terminate_instance_on_failure=False))])
    assert updated[0]["changed"] and writes() == ["UpdateInfrastructureConfiguration"]
    got = emulator.client("imagebuilder").get_infrastructure_configuration(infrastructureConfigurationArn=updated[0]["arn"])
    got = got["infrastructureConfiguration"]
    assert got["instanceTypes"] == ["t3.large"] and got["terminateInstanceOnFailure"] is False
    assert got["instanceMetadataOptions"] == {"httpTokens": "required", "httpPutResponseHopLimit": 2}

    retagged = play([task("infrastructure_configuration", **merged(base, instance_types=["t3.large"], terminate_instance_on_failure=False,
                                                                   tags=dict(b="2")))])
    assert retagged[0]["changed"] and sorted(writes()) == ["TagResource", "UntagResource"]

    gone = play([task("infrastructure_configuration", name=prefix + "-infra", state="absent")])
    assert gone[0]["changed"] and writes() == ["DeleteInfrastructureConfiguration"]
    again = play([task("infrastructure_configuration", name=prefix + "-infra", state="absent")])
    assert again[0]["changed"] is False and writes() == []


@pytest.mark.parametrize("options, message", [
    (dict(instance_profile_name="NoSuchProfile"), "instance_profile_name: instance profile NoSuchProfile does not exist"),
    (dict(subnet_id="subnet-00000000"), "subnet_id: subnet subnet-00000000 does not exist"),
    (dict(instance_metadata_options=dict(http_put_response_hop_limit=99)),
     "instance_metadata_options.http_put_response_hop_limit: 99 is out of range 1-64"),
    (dict(logging=dict(s3_bucket_name="no-such-bucket-amiforge")), "logging.s3_bucket_name: bucket no-such-bucket-amiforge does not exist"),
])
def test_infrastructure_configuration_bad_input(play, writes, prefix, instance_profile, options, message):
    options = dict(dict(name=prefix + "-bad", instance_profile_name=instance_profile), **options)
    failed = play([task("infrastructure_configuration", **options)], expect_failure=True)
    assert message in failed[0]["msg"], failed[0]["msg"]
    assert writes() == []


def test_distribution_configuration_regions_compare_as_a_set(play, writes, emulator, prefix):
    ami = dict(name="x-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}", launch_permission=dict(user_ids=["111122223333", "444455556666"]))
    regions = [dict(region=region, ami_distribution_configuration=dict(ami, launch_permission=dict(user_ids=list(ami["launch_permission"]["user_ids"]))),
                    ssm_parameter_configurations=[dict(parameter_name="/golden/%s" % region)])
               for region in ("us-east-1", "eu-west-1")]
    play([task("distribution_configuration", name=prefix + "-d", distributions=regions)])
    assert writes() == ["CreateDistributionConfiguration"]
    regions[0]["ami_distribution_configuration"]["launch_permission"]["user_ids"].reverse()
    same = play([task("distribution_configuration", name=prefix + "-d", distributions=list(reversed(regions)))])
    assert same[0]["changed"] is False and writes() == []
    more = play([task("distribution_configuration", name=prefix + "-d", distributions=regions + [dict(region="ap-southeast-2",
                 ami_distribution_configuration=dict(name="x-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"))])])
    assert more[0]["changed"] and writes() == ["UpdateDistributionConfiguration"]
    stored = emulator.client("imagebuilder").get_distribution_configuration(distributionConfigurationArn=more[0]["arn"])
    assert sorted(item["region"] for item in stored["distributionConfiguration"]["distributions"]) == ["ap-southeast-2", "eu-west-1", "us-east-1"]

    for distributions, message in [
        ([dict(ami_distribution_configuration=dict(name="x"))], "missing required arguments: region"),
        ([dict(region="us-east-1")], "distributions[0] (us-east-1): say what to distribute there"),
        ([dict(region="us-east-1", ami_distribution_configuration=dict(name="a")), dict(region="us-east-1", ami_distribution_configuration=dict(name="b"))],
         "region(s) us-east-1 appear more than once"),
    ]:
        failed = play([task("distribution_configuration", name=prefix + "-bad", distributions=distributions)], expect_failure=True)
        assert message in failed[0]["msg"], failed[0]["msg"]
        assert writes() == []


def test_pipeline_defaults_do_not_cause_perpetual_diff_and_deletion_is_explained(play, writes, emulator, prefix, linux_ami, instance_profile):
    play(stack(prefix, linux_ami, instance_profile, regions=("us-east-1",)))
    writes()
    explicit = task("image_pipeline", name=prefix + "-pipeline", image_recipe=prefix + "-recipe:1.0.0", infrastructure_configuration=prefix + "-infra",
                    distribution_configuration=prefix + "-dist", schedule=dict(expression="cron(0 3 ? * SUN *)", timezone="UTC"),
                    image_tests=dict(enabled=True, timeout_minutes=720), status="ENABLED", enhanced_image_metadata=True)
    same = play([explicit])
    assert same[0]["changed"] is False and writes() == []
    disabled = play([dict(explicit, **{"amiforge.imagebuilder.image_pipeline": dict(explicit["amiforge.imagebuilder.image_pipeline"], status="DISABLED")})])
    assert disabled[0]["changed"] and writes() == ["UpdateImagePipeline"]

    in_use = play([task("infrastructure_configuration", name=prefix + "-infra", state="absent")], expect_failure=True)
    assert "still in use" in in_use[0]["msg"], in_use[0]["msg"]
    assert writes() == []

    for options, message in [
        (dict(image_recipe=prefix + "-nope"), "image_recipe: image recipe '%s-nope' does not exist" % prefix),
        (dict(infrastructure_configuration="arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/x/1.0.0"),
         "is not an Image Builder infrastructure configuration ARN"),
        (dict(schedule=dict(expression="every sunday")), "schedule.expression: 'every sunday': is not a schedule expression"),
    ]:
        options = dict(explicit["amiforge.imagebuilder.image_pipeline"], **options)
        failed = play([task("image_pipeline", **options)], expect_failure=True)
        assert message in failed[0]["msg"], failed[0]["msg"]
        assert writes() == []


def test_info_modules_find_what_the_stack_made(play, emulator, prefix, linux_ami, instance_profile):
    play(stack(prefix, linux_ami, instance_profile, regions=("us-east-1",)))
    play([task("component", name=prefix + "-c0", data=document("v2"))])
    found = play([  # by name and ARN: Get, so List's lag does not matter
        task("component_info", register="a", name=prefix + "-c0"),
        task("image_recipe_info", register="c", name=prefix + "-recipe"),
        task("infrastructure_configuration_info", register="d", name=prefix + "-infra"),
        task("image_pipeline_info", register="f", name=prefix + "-pipeline"),
        task("component_info", register="g", arn="arn:aws:imagebuilder:us-east-1:123456789012:component/%s-none/1.0.0/1" % prefix),
        task("component_info", register="h", name="update-linux", owner="Amazon"),
    ])
    assert [item["version"] for item in found[0]["components"]] == ["1.0.1"]
    assert "phases" in found[0]["components"][0]["data"]
    assert found[1]["image_recipes"][0]["name"] == prefix + "-recipe"
    assert found[2]["infrastructure_configurations"][0]["instance_profile_name"] == instance_profile
    assert found[3]["image_pipelines"][0]["schedule"]["schedule_expression"] == "cron(0 3 ? * SUN *)"
    assert found[4]["components"] == []
    assert found[5]["components"][0]["owner"] == "Amazon"

    with lists_visible(emulator):  # sets: List
        listed = play([
            task("component_info", register="b", name=prefix + "-c0", all_versions=True),
            task("distribution_configuration_info", register="e", filters=dict(name=prefix + "-dist")),
            task("component_info", register="all"),
            task("image_pipeline_info", register="pipelines"),
        ])
    assert sorted(item["arn"].split("/")[2] for item in listed[0]["components"]) == ["1.0.0", "1.0.1"]
    assert [item["name"] for item in listed[1]["distribution_configurations"]] == [prefix + "-dist"]
    assert {prefix + "-c0", prefix + "-c1", prefix + "-c2"} <= set(item["name"] for item in listed[2]["components"]), \
        "with no filter, an _info module lists everything"
    assert prefix + "-pipeline" in [item["name"] for item in listed[3]["image_pipelines"]]


def test_check_mode_on_a_new_stack_predicts_every_create_without_failing(play, writes, emulator, prefix, linux_ami, instance_profile):
    """References to what earlier tasks would create are assumed (with a warning), not errors."""
    tasks = stack(prefix, linux_ami, instance_profile) + [task("image", pipeline=prefix + "-pipeline")]
    predicted = play(tasks, check=True)
    assert all(predicted.changed), predicted.changed
    assert writes() == []
    warnings = [warning for result in predicted.results for warning in result.get("warnings", [])]
    assert any("%s-c0' does not exist yet" % prefix in warning for warning in warnings), warnings
    with lists_visible(emulator):
        assert emulator.client("imagebuilder").list_image_pipelines(filters=[dict(name="name", values=[prefix + "-pipeline"])])["imagePipelineList"] == []
