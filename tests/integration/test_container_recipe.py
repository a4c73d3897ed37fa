"""amiforge.imagebuilder.container_recipe against the emulator: versions follow content (the Dockerfile template inline or
from S3, components, target repository), re-runs write nothing, check mode predicts without writing, tags, delete, and
bad input fails before any write; then a container recipe with infrastructure, distribution and pipeline, and runs (the
image module with a pipeline and without) that end with an image URI in the target ECR repository."""
import json
import uuid

import pytest
import yaml

from tests.integration.conftest import lists_visible
from tests.integration.helpers import document, task

ACCOUNT = "123456789012"
REGION = "us-east-1"
TEMPLATE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}\n{{{ imagebuilder:components }}}\n"
# The template as a playbook writes it: a raw block, so that Ansible leaves Image Builder's braces alone.
RAW_TEMPLATE = "{% raw %}" + TEMPLATE + "{% endraw %}"


@pytest.fixture
def prefix():
    return "cr-" + uuid.uuid4().hex[:8]


@pytest.fixture
def parts(emulator, prefix):
    """Our component (declaring parameter p), two ECR repositories in us-east-1 (one in eu-west-1) and a template in S3."""
    emulator.client("imagebuilder").create_component(name=prefix + "-c", semanticVersion="1.0.0", platform="Linux",
                                                     data=yaml.safe_dump(document("container", ("p",))))
    repositories = [prefix + "/app", prefix + "/other"]
    for repository in repositories:
        emulator.client("ecr").create_repository(repositoryName=repository)
    emulator.client("ecr", region="eu-west-1").create_repository(repositoryName=repositories[0])
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=prefix + "-templates")
    s3.put_object(Bucket=prefix + "-templates", Key="Dockerfile", Body=TEMPLATE.encode())
    return dict(repositories=repositories, uri="s3://%s-templates/Dockerfile" % prefix)


def recipe(prefix, parts, **changes):
    options = dict(name=prefix + "-recipe", parent_image="amazonlinux:latest", target_repository=dict(repository_name=parts["repositories"][0]),
                   components=[dict(name="update-linux"), dict(name=prefix + "-c", parameters=dict(p="1"))],
                   dockerfile_template_data=RAW_TEMPLATE, tags=dict(team="a"))
    options.update(changes)
    return options


def without(options, *keys):
    """``options`` without ``keys`` (an option given as null still counts as given for mutually_exclusive)."""
    return dict((key, value) for key, value in options.items() if key not in keys)


def arn(prefix, version):
    return "arn:aws:imagebuilder:%s:%s:container-recipe/%s-recipe/%s" % (REGION, ACCOUNT, prefix, version)


def test_container_recipe_lifecycle(play, writes, emulator, prefix, parts):
    client = emulator.client("imagebuilder")
    writes()
    planned = play([task("container_recipe", **recipe(prefix, parts))], check=True, diff=True)
    assert planned[0]["changed"] and planned[0]["arn"] == arn(prefix, "1.0.0") and writes() == []
    assert planned[0]["diff"]["after"]["dockerfile_template_data"] == TEMPLATE

    steps = play([
        task("container_recipe", **recipe(prefix, parts)),
        task("container_recipe", **recipe(prefix, parts)),
        # the same template from S3, and the platform the recipe has: no change
        task("container_recipe", **without(recipe(prefix, parts, platform_override="Linux", dockerfile_template_uri=parts["uri"]),
                                           "dockerfile_template_data")),
    ])
    assert steps[0]["changed"] and steps[0]["version"] == "1.0.0" and steps[0]["arn"] == arn(prefix, "1.0.0")
    assert not steps[1]["changed"] and not steps[2]["changed"], (steps[1].get("diff"), steps[2].get("diff"))
    assert writes() == ["CreateContainerRecipe"]
    stored = client.get_container_recipe(containerRecipeArn=arn(prefix, "1.0.0"))["containerRecipe"]
    assert stored["dockerfileTemplateData"] == TEMPLATE and stored["containerType"] == "DOCKER" and stored["platform"] == "Linux"
    assert stored["targetRepository"] == dict(service="ECR", repositoryName=parts["repositories"][0]) and stored["tags"] == dict(team="a")
    assert stored["components"] == [
        dict(componentArn="arn:aws:imagebuilder:%s:aws:component/update-linux/x.x.x" % REGION),
        dict(componentArn="arn:aws:imagebuilder:%s:%s:component/%s-c/1.0.0" % (REGION, ACCOUNT, prefix), parameters=[dict(name="p", value=["1"])])]

    # Content changes: new versions; the diff says what changed; a plan predicts the next version without writing.
    other_template = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\nRUN true\n"
    predicted = play([task("container_recipe", **recipe(prefix, parts, working_directory="/srv"))], check=True, diff=True)
    assert predicted[0]["changed"] and predicted[0]["arn"] == arn(prefix, "1.0.1") and writes() == []
    assert predicted[0]["diff"]["before"].get("working_directory") is None and predicted[0]["diff"]["after"]["working_directory"] == "/srv"
    steps = play([
        task("container_recipe", **recipe(prefix, parts, working_directory="/srv")),
        task("container_recipe", **recipe(prefix, parts, working_directory="/srv",
                                          dockerfile_template_data="{% raw %}" + other_template + "{% endraw %}")),
        task("container_recipe", **recipe(prefix, parts, working_directory="/srv", target_repository=dict(repository_name=parts["repositories"][1]),
                                          dockerfile_template_data="{% raw %}" + other_template + "{% endraw %}")),
        task("container_recipe", name=prefix + "-recipe", parent_image="amazonlinux:latest", dockerfile_template_uri=parts["uri"]),
        task("container_recipe", name=prefix + "-recipe", parent_image="amazonlinux:latest", dockerfile_template_uri=parts["uri"]),
        task("container_recipe", name=prefix + "-recipe", parent_image="amazonlinux:latest", dockerfile_template_uri=parts["uri"],
             tags=dict(team="b"), version_bump="minor"),
        task("container_recipe", name=prefix + "-recipe", parent_image="amazonlinux:latest", dockerfile_template_uri=parts["uri"],
             tags=dict(extra="x"), purge_tags=False),
    ])
    assert [(step["changed"], step["version"]) for step in steps] == [
        (True, "1.0.1"), (True, "1.0.2"), (True, "1.0.3"), (True, "1.0.4"), (False, "1.0.4"), (True, "1.0.4"), (True, "1.0.4")]
    assert writes() == ["CreateContainerRecipe"] * 4 + ["TagResource", "TagResource"]
    fourth = client.get_container_recipe(containerRecipeArn=arn(prefix, "1.0.4"))["containerRecipe"]
    assert fourth["dockerfileTemplateData"] == TEMPLATE, "the template read from S3"
    assert fourth["targetRepository"]["repositoryName"] == parts["repositories"][1], "options left out keep the latest version's values"
    assert fourth["workingDirectory"] == "/srv" and len(fourth["components"]) == 2 and fourth["tags"] == dict(team="b", extra="x")

    # keep_versions, then delete: every version, then nothing to do.
    with lists_visible(emulator):
        steps = play([
            task("container_recipe", name=prefix + "-recipe", parent_image="amazonlinux:latest", dockerfile_template_uri=parts["uri"], keep_versions=2),
            task("container_recipe", name=prefix + "-recipe", state="absent"),
            task("container_recipe", name=prefix + "-recipe", state="absent"),
            task("container_recipe_info", name=prefix + "-recipe", all_versions=True),
        ])
    assert steps[0]["changed"] and [item.rsplit("/", 1)[1] for item in steps[0]["deleted_versions"]] == ["1.0.0", "1.0.1", "1.0.2"]
    assert steps[1]["changed"] and len(steps[1]["deleted_versions"]) == 2 and not steps[2]["changed"]
    assert steps[3]["container_recipes"] == []
    assert writes() == ["DeleteContainerRecipe"] * 5


BAD = [
    (dict(parent_image="ami-0123456789abcdef0"), "parent_image: 'ami-0123456789abcdef0' is an AMI; a container recipe starts from a container image"),
    (dict(parent_image="arn:aws:imagebuilder:us-east-1:aws:image-recipe/x/1.0.0"), "parent_image: 'arn:aws:imagebuilder:us-east-1:aws:image-recipe/x/1.0.0'"
     " is not an Image Builder image ARN"),
    (dict(parent_image="arn:aws:imagebuilder:us-east-1:aws:image/no-such-image/x.x.x"), "parent_image: image arn:aws:imagebuilder:us-east-1:aws:image/"
     "no-such-image/x.x.x does not exist"),
    (dict(dockerfile_template_uri="s3://bucket/Dockerfile"), "parameters are mutually exclusive: dockerfile_template_data|dockerfile_template_uri"),
    (dict(dockerfile_template_data=None, dockerfile_template_uri="https://example.com/Dockerfile"),
     "dockerfile_template_uri: 'https://example.com/Dockerfile' is not an S3 URI"),
    (dict(dockerfile_template_data=None, dockerfile_template_uri="s3://no-such-bucket-amiforge/Dockerfile"),
     "dockerfile_template_uri: cannot read s3://no-such-bucket-amiforge/Dockerfile"),
    (dict(dockerfile_template_data=None), "state is present but any of the following are missing: dockerfile_template_data, dockerfile_template_uri"),
    (dict(dockerfile_template_data="x" * 16001), "dockerfile_template_data: 'xxx"),
    (dict(target_repository=dict(repository_name="no-such-repository")), "target_repository.repository_name: ECR repository no-such-repository does not exist"),
    (dict(target_repository=dict(repository_name="%s.dkr.ecr.us-east-1.amazonaws.com/app" % ACCOUNT)),
     "target_repository.repository_name: '%s.dkr.ecr.us-east-1.amazonaws.com/app': give the repository name only" % ACCOUNT),
    (dict(target_repository=dict(repository_name="App")), "target_repository.repository_name: 'App': is not an ECR repository name"),
    (dict(target_repository=dict(service="DockerHub", repository_name="app")), "value of service must be one of: ECR"),
    (dict(container_type="PODMAN"), "value of container_type must be one of: DOCKER"),
    (dict(platform_override="macOS"), "value of platform_override must be one of: Linux, Windows"),
    (dict(platform_override="Windows"), "is for Linux, but the parent image is a Windows image"),
    (dict(instance_configuration=dict(image="amazonlinux:latest")), "instance_configuration.image: 'amazonlinux:latest' is neither an AMI id"),
    (dict(instance_configuration=dict(image="ami-0123456789abcdef0")), "instance_configuration.image: AMI ami-0123456789abcdef0 does not exist"),
    (dict(instance_configuration=dict(block_device_mappings=[dict(device_name="/dev/xvda", ebs=dict(volume_type="gp4"))])),
     "instance_configuration.block_device_mappings[0].ebs.volume_type: 'gp4' is not one of"),
    (dict(kms_key_id="alias/no-such-key"), "kms_key_id: KMS key alias/no-such-key does not exist"),
    (dict(components=[dict(name="@P-c", parameters=dict(q="1"))]), "components[0].parameters: 'q' is not declared by component"),
    (dict(components=[dict(name="@P-c"), dict(name="@P-c")]), "components[1]: component"),
    (dict(components=[dict(name="@P-nocomp")]), "components[0].name: component '@P-nocomp' does not exist"),
    (dict(version="1.0"), "version: '1.0' is not a semantic version"),
    (dict(tags={"aws:team": "x"}), "tags: key 'aws:team' must match"),
]


def test_bad_input_is_refused_before_any_write(play, writes, emulator, prefix, parts):
    """Each case a task of one play (ignore_errors), judged on its own: refused with a message naming the option, and the
    play's call log holds no write of any service."""
    tasks = []
    for index, (changes, _message) in enumerate(BAD):
        options = recipe(prefix, parts, name="%s-bad%d" % (prefix, index))
        for key, value in changes.items():
            if value is None:
                options.pop(key)
            else:
                options[key] = value
        tasks.append(dict(task("container_recipe", **yaml.safe_load(yaml.safe_dump(options).replace("@P", prefix))), ignore_errors=True))
    writes()
    result = play(tasks, expect_failure=True)
    problems = ["case %d: %s" % (index, outcome.get("msg")) for index, ((_changes, message), outcome) in enumerate(zip(BAD, result.results))
                if not outcome.get("failed") or message.replace("@P", prefix) not in outcome["msg"]]
    assert problems == [] and len(result.results) == len(BAD), problems
    assert writes() == [] and [call for call in emulator.calls() if call.get("write")] == []


def test_container_pipeline_builds_an_image_uri_in_the_target_repository(play, writes, emulator, prefix, parts, instance_profile):
    ecr = emulator.client("ecr")
    stack = [
        task("container_recipe", **recipe(prefix, parts)),
        task("infrastructure_configuration", name=prefix + "-infra", instance_profile_name=instance_profile),
        task("distribution_configuration", name=prefix + "-dist", distributions=[
            dict(region=REGION, container_distribution_configuration=dict(
                target_repository=dict(service="ECR", repository_name=parts["repositories"][1]), container_tags=["latest", "stable"],
                description="to the other repository")),
            dict(region="eu-west-1", container_distribution_configuration=dict(
                target_repository=dict(service="ECR", repository_name=parts["repositories"][0])))]),
        task("image_pipeline", name=prefix + "-pipe", container_recipe=prefix + "-recipe", infrastructure_configuration=prefix + "-infra",
             distribution_configuration=prefix + "-dist", image_scanning_configuration=dict(
                 image_scanning_enabled=True, ecr_configuration=dict(repository_name=parts["repositories"][0], container_tags=["scan"]))),
    ]
    writes()
    planned = play(stack + [task("image", pipeline=prefix + "-pipe", container_recipe=prefix + "-recipe")], check=True)
    assert all(planned.changed) and writes() == []
    assert planned[4]["arn"] == "arn:aws:imagebuilder:%s:%s:image/%s-recipe/1.0.0/1" % (REGION, ACCOUNT, prefix)
    created = play(stack)
    assert all(created.changed)
    pipeline = emulator.client("imagebuilder").get_image_pipeline(imagePipelineArn=created[3]["arn"])["imagePipeline"]
    assert pipeline["containerRecipeArn"] == arn(prefix, "1.0.0") and "imageRecipeArn" not in pipeline
    again = play(stack)
    assert not any(again.changed)
    writes()

    built = play([task("image", pipeline=prefix + "-pipe")])
    assert built[0]["changed"] and writes() == ["StartImagePipelineExecution"]
    image = built[0]["image"]
    assert image["state"]["status"] == "AVAILABLE" and image["type"] == "DOCKER" and built[0]["amis"] == []
    tag = "1.0.0-1"
    containers = dict((item["region"], item["image_uris"]) for item in image["output_resources"]["containers"])
    assert containers == {REGION: ["%s.dkr.ecr.%s.amazonaws.com/%s:%s" % (ACCOUNT, REGION, parts["repositories"][1], tag)],
                          "eu-west-1": ["%s.dkr.ecr.eu-west-1.amazonaws.com/%s:%s" % (ACCOUNT, parts["repositories"][0], tag)]}
    pushed = ecr.describe_images(repositoryName=parts["repositories"][1])["imageDetails"]
    assert sorted(tag for detail in pushed for tag in detail.get("imageTags", [])) == ["1.0.0-1", "latest", "stable"]
    assert emulator.client("ecr", region="eu-west-1").describe_images(repositoryName=parts["repositories"][0])["imageDetails"][0]["imageTags"] == [tag]
    assert not play([task("image", pipeline=prefix + "-pipe")])[0]["changed"] and writes() == []

    # A new recipe version: the pipeline follows it (it names the recipe), a run builds 1.0.1.
    steps = play([task("container_recipe", **recipe(prefix, parts, description="next")), *stack[3:],
                  task("image", pipeline=prefix + "-pipe", container_recipe=prefix + "-recipe")])
    assert [step["changed"] for step in steps] == [True, True, True]
    assert steps[2]["arn"].endswith("image/%s-recipe/1.0.1/1" % prefix)
    listed = play([task("image_info", name=prefix + "-recipe", all_versions=True)])  # while List* lags behind the build
    assert steps[2]["arn"] in [image["arn"] for image in listed[0]["images"]], "the newest recipe version's build is found"

    # Without a pipeline: CreateImage with the container recipe, no distribution: the recipe's repository in the build region.
    direct = play([task("image", container_recipe=prefix + "-recipe:1.0.0", infrastructure_configuration=prefix + "-infra", force=True,
                        logging_configuration=dict(log_group_name="/aws/imagebuilder/" + prefix))])
    assert direct[0]["changed"] and writes()[-1] == "CreateImage"
    assert direct[0]["arn"].endswith("image/%s-recipe/1.0.0/2" % prefix)
    assert direct[0]["image"]["output_resources"]["containers"] == [
        dict(region=REGION, image_uris=["%s.dkr.ecr.%s.amazonaws.com/%s:1.0.0-2" % (ACCOUNT, REGION, parts["repositories"][0])])]
    assert direct[0]["image"]["logging_configuration"] == dict(log_group_name="/aws/imagebuilder/" + prefix)

    # A recipe in use by the pipeline cannot be deleted; the pipeline can switch back to nothing else, then all goes.
    with lists_visible(emulator):
        refused = play([task("container_recipe", name=prefix + "-recipe", version="1.0.1", state="absent")], expect_failure=True)
    assert "still in use" in refused[0]["msg"]


def test_container_recipe_sharing(play, writes, emulator, prefix, parts):
    """The policy option on a container recipe: shared on the version converged (no new version), the same policy
    written differently is no change, an empty value takes the other account away."""
    created = play([task("container_recipe", **recipe(prefix, parts))])
    recipe_arn = created[0]["arn"]
    policy = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                                                     "Action": ["imagebuilder:ListContainerRecipes", "imagebuilder:GetContainerRecipe"],
                                                     "Resource": recipe_arn}}
    writes()
    shared = play([task("container_recipe", **recipe(prefix, parts, policy=policy))])
    assert shared[0]["changed"] and shared[0]["arn"] == recipe_arn and writes() == ["PutContainerRecipePolicy"]
    stored = json.loads(emulator.client("imagebuilder").get_container_recipe_policy(containerRecipeArn=recipe_arn)["policy"])
    assert "111122223333" in json.dumps(stored)
    same = play([task("container_recipe", **recipe(prefix, parts, policy=json.dumps(dict(reversed(list(policy.items()))))))])
    assert same[0]["changed"] is False and writes() == []
    removed = play([task("container_recipe", **recipe(prefix, parts, policy=""))])
    assert removed[0]["changed"] and writes() == ["PutContainerRecipePolicy"] and removed[0]["arn"] == recipe_arn
    stored = emulator.client("imagebuilder").get_container_recipe_policy(containerRecipeArn=recipe_arn)["policy"]
    assert "111122223333" not in stored
