"""Builds: the state walk, failure, cancel, distribution to regions (AMIs, tags, permissions, templates, SSM)."""
import time

import botocore.exceptions
import pytest

from tests.emulator.tests.conftest import unique

WALK = ["PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING", "AVAILABLE"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]


def test_pipeline_execution_walks_every_state_and_distributes_to_three_regions(stack, emulator):
    parameter = "/emulator/%s/ami" % unique()
    template = emulator.client("ec2", "us-west-2").create_launch_template(
        LaunchTemplateName=unique("lt"), LaunchTemplateData={"InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    distributions = [{
        "region": region,
        "amiDistributionConfiguration": {"name": "golden-{{imagebuilder:buildDate}}", "amiTags": {"team": "platform"},
                                         "launchPermission": {"userIds": ["111122223333"]}},
        "ssmParameterConfigurations": [{"parameterName": parameter}],
    } for region in REGIONS]
    distributions[1]["launchTemplateConfigurations"] = [{"launchTemplateId": template, "setDefaultVersion": True}]
    pipeline = stack.pipeline(distribution=stack.distribution(distributions))
    arn = stack.ib.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    assert arn.endswith("/1.0.0/1")
    image, seen = stack.wait(arn)
    assert seen == WALK
    amis = image["outputResources"]["amis"]
    assert [ami["region"] for ami in amis] == REGIONS
    for ami in amis:
        ec2 = emulator.client("ec2", ami["region"])
        described = ec2.describe_images(ImageIds=[ami["image"]])["Images"][0]
        assert described["Name"] == ami["name"] and described["Name"].startswith("golden-20")
        assert "{{" not in described["Name"]
        tags = {t["Key"]: t["Value"] for t in described["Tags"]}
        assert tags["team"] == "platform" and tags["Ec2ImageBuilderArn"] == arn
        permissions = ec2.describe_image_attribute(ImageId=ami["image"], Attribute="launchPermission")["LaunchPermissions"]
        assert {"UserId": "111122223333"} in permissions
        value = emulator.client("ssm", ami["region"]).get_parameter(Name=parameter)["Parameter"]["Value"]
        assert value == ami["image"]
    versions = emulator.client("ec2", "us-west-2").describe_launch_template_versions(LaunchTemplateId=template)["LaunchTemplateVersions"]
    latest = max(versions, key=lambda v: v["VersionNumber"])
    assert latest["VersionNumber"] == 2 and latest["DefaultVersion"] is True
    assert latest["LaunchTemplateData"]["ImageId"] == amis[1]["image"]
    listed = stack.ib.list_image_pipeline_images(imagePipelineArn=pipeline)["imageSummaryList"]
    assert [item["arn"] for item in listed] == [arn]
    got = stack.ib.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"]
    assert got["lastRunStatus"] == "AVAILABLE" and "dateLastRun" in got


def test_workflow_executions_follow_the_build(stack):
    ib = stack.ib
    build = "arn:aws:imagebuilder:us-east-1:aws:workflow/build/build-image/x.x.x"
    test = "arn:aws:imagebuilder:us-east-1:aws:workflow/test/test-image/x.x.x"
    assert {w["name"] for w in ib.list_workflows(owner="Amazon")["workflowVersionList"]} >= {"build-image", "test-image", "distribute-image"}
    pipeline = stack.pipeline(workflows=[{"workflowArn": build}, {"workflowArn": test}])
    arn = ib.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    seen = set()
    for _step in range(len(WALK)):  # held builds: each state is read, then the build is moved on
        image = ib.get_image(imageBuildVersionArn=arn)["image"]
        executions = ib.list_workflow_executions(imageBuildVersionArn=arn)["workflowExecutions"]
        seen.add((image["state"]["status"], tuple(e["status"] for e in executions)))
        if image["state"]["status"] == "AVAILABLE":
            break
        stack.advance(arn)
    assert ("BUILDING", ("RUNNING", "PENDING")) in seen and ("TESTING", ("COMPLETED", "RUNNING")) in seen
    assert [e["type"] for e in executions] == ["BUILD", "TEST"]
    assert all(e["status"] == "COMPLETED" for e in executions)
    got = ib.get_workflow_execution(workflowExecutionId=executions[0]["workflowExecutionId"])
    assert got["imageBuildVersionArn"] == arn and got["workflowBuildVersionArn"].endswith("/build-image/1.0.2/1")


CUSTOM_BUILD = """schemaVersion: 1.0
steps:
  - name: Launch
    action: LaunchInstance
    inputs: {waitFor: ssmAgent}
  - name: Components
    action: ExecuteComponents
    inputs: {instanceId.$: $.stepOutputs.Launch.instanceId}
  - name: Snapshot
    action: CreateImage
    inputs: {instanceId.$: $.stepOutputs.Launch.instanceId}
"""


def test_custom_workflow_steps_are_walked_in_the_image_state(stack, emulator):
    ib = stack.ib
    build = ib.create_workflow(name=unique("wf"), semanticVersion="1.0.0", type="BUILD", data=CUSTOM_BUILD)["workflowBuildVersionArn"]
    role = emulator.client("iam").create_role(RoleName=unique("role"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn = ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure(),
                          workflows=[{"workflowArn": build}], executionRole=role)["imageBuildVersionArn"]
    [execution] = ib.list_workflow_executions(imageBuildVersionArn=arn)["workflowExecutions"]
    assert (execution["workflowBuildVersionArn"], execution["type"], execution["status"], execution["totalStepCount"]) == (
        build, "BUILD", "PENDING", 3), "only the custom workflow runs"
    steps = ib.list_workflow_step_executions(workflowExecutionId=execution["workflowExecutionId"])["steps"]
    assert [(step["name"], step["action"], step["status"]) for step in steps] == [
        ("Launch", "LaunchInstance", "PENDING"), ("Components", "ExecuteComponents", "PENDING"), ("Snapshot", "CreateImage", "PENDING")]

    def statuses():
        return tuple(step["status"] for step in ib.list_workflow_step_executions(workflowExecutionId=execution["workflowExecutionId"])["steps"])

    # the build is held still; walk it to BUILDING, then a third of the state at a time: the steps run one at a time
    assert stack.advance(arn, steps=2)[arn] == "BUILDING"
    seen = [statuses()]
    for _third in range(2):
        stack.advance(arn, fraction=0.34)
        seen.append(statuses())
    assert seen == [("RUNNING", "PENDING", "PENDING"), ("COMPLETED", "RUNNING", "PENDING"), ("COMPLETED", "COMPLETED", "RUNNING")], seen
    assert stack.advance(arn)[arn] == "TESTING"
    assert statuses() == ("COMPLETED",) * 3
    assert stack.wait(arn)[0]["state"]["status"] == "AVAILABLE"
    [execution] = ib.list_workflow_executions(imageBuildVersionArn=arn)["workflowExecutions"]
    assert (execution["status"], execution["totalStepsSucceeded"]) == ("COMPLETED", 3)
    got = ib.get_workflow_step_execution(stepExecutionId=steps[1]["stepExecutionId"])
    assert (got["action"], got["status"], got["imageBuildVersionArn"], got["workflowBuildVersionArn"]) == (
        "ExecuteComponents", "COMPLETED", arn, build)


@pytest.mark.parametrize("data, message", [
    ("schemaVersion: 1.0\nsteps: []\n", "1 to 15 steps"),
    ("schemaVersion: 1.0\nsteps:\n" + "".join("  - {name: Wait%d, action: WaitForAction}\n" % n for n in range(16)), "1 to 15 steps"),
    ("schemaVersion: 1.0\nsteps:\n  - {name: 1st, action: WaitForAction}\n", "unique name"),
    ("schemaVersion: 1.0\nsteps:\n  - {name: Run, action: ExecuteBash}\n", "unsupported action"),
    ("schemaVersion: 1.0\nsteps:\n  - {name: Run, action: WaitForAction, onFailure: Ignore}\n", "Abort or Continue"),
    ("steps:\n  - {name: Run, action: WaitForAction}\n", "schemaVersion 1.0"),
])
def test_create_workflow_refuses_documents_aws_documents_as_invalid(stack, data, message):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        stack.ib.create_workflow(name=unique("wf"), semanticVersion="1.0.0", type="BUILD", data=data)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException" and message in str(raised.value)


def test_create_image_build_versions_and_listing(stack):
    recipe, infrastructure = stack.recipe(), stack.infrastructure()
    first = stack.ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)
    second = stack.ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)["imageBuildVersionArn"]
    assert first["imageBuildVersionArn"].endswith("/1.0.0/1") and second.endswith("/1.0.0/2")
    assert first["latestVersionReferences"]["latestVersionArn"].endswith("/x.x.x")
    stack.wait(second)
    version_arn = second.rsplit("/", 1)[0]
    builds = stack.ib.list_image_build_versions(imageVersionArn=version_arn)["imageSummaryList"]
    assert sorted(b["arn"] for b in builds) == sorted([first["imageBuildVersionArn"], second])
    name = recipe.split("/")[-2]
    versions = stack.ib.list_images(filters=[{"name": "name", "values": [name]}])["imageVersionList"]
    assert [v["arn"] for v in versions] == [version_arn]
    image = stack.ib.get_image(imageBuildVersionArn=version_arn.rsplit("/", 1)[0] + "/x.x.x")["image"]
    assert image["arn"] == second and image["imageRecipe"]["arn"] == recipe
    assert image["outputResources"]["amis"][0]["region"] == "us-east-1"  # no distribution: the build region
    assert stack.ib.list_image_packages(imageBuildVersionArn=second)["imagePackageList"] == []


def test_a_component_step_named_emulator_fail_fails_the_build(stack):
    recipe = stack.recipe([stack.component(step="emulator-fail")])
    pipeline = stack.pipeline(recipe=recipe)
    arn = stack.ib.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    image, seen = stack.wait(arn)
    assert seen[-1] == "FAILED" and "BUILDING" in seen and "AVAILABLE" not in seen
    assert "emulator-fail" in image["state"]["reason"]
    assert image["outputResources"]["amis"] == []
    assert stack.ib.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"]["lastRunStatus"] == "FAILED"
    assert stack.ib.retry_image(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn  # in place (see test_aws_mode)
    assert stack.wait(arn)[0]["state"]["status"] == "FAILED"  # the component still fails
    with pytest.raises(stack.ib.exceptions.InvalidRequestException):
        stack.ib.retry_image(imageBuildVersionArn=stack.ib.create_image(
            imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"])


def test_cancel_and_dependencies_of_a_building_image(stack, clock):
    clock(30)
    recipe, infrastructure = stack.recipe(), stack.infrastructure()
    arn = stack.ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)["imageBuildVersionArn"]
    with pytest.raises(stack.ib.exceptions.ResourceDependencyException):
        stack.ib.delete_image(imageBuildVersionArn=arn)
    with pytest.raises(stack.ib.exceptions.ResourceDependencyException):
        stack.ib.delete_image_recipe(imageRecipeArn=recipe)
    with pytest.raises(stack.ib.exceptions.ResourceDependencyException):
        stack.ib.delete_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)
    assert stack.ib.cancel_image_creation(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn
    clock(0)  # cancellation is asynchronous: it lands on the next clock step
    image = stack.ib.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"]["status"] == "CANCELLED"
    with pytest.raises(stack.ib.exceptions.InvalidParameterValueException):
        stack.ib.cancel_image_creation(imageBuildVersionArn=arn)
    stack.ib.delete_image(imageBuildVersionArn=arn)
    stack.ib.delete_image_recipe(imageRecipeArn=recipe)


def test_clock_step_zero_finishes_at_once(stack, clock):
    clock(0)
    arn = stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"]
    assert stack.ib.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == "AVAILABLE"


def test_amis_appear_without_polling_the_image(stack, emulator, clock):
    """The server's ticker finishes builds even when nobody calls GetImage (the one test of the real-time ticker: it
    asserts only that the AMI appears, within a deadline far beyond the 0.05 s ticks of a 0.2 s clock step)."""
    clock(0.2)
    name = unique("nopoll")
    distribution = stack.distribution([{"region": "eu-west-1", "amiDistributionConfiguration": {"name": name + "-{{imagebuilder:buildDate}}"}}])
    stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure(),
                          distributionConfigurationArn=distribution)
    ec2 = emulator.client("ec2", "eu-west-1")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [name + "-*"]}])["Images"]:
            return
        time.sleep(0.1)
    raise AssertionError("no AMI named %s-* appeared" % name)


def test_distribute_image_runs_only_the_distribution_phase(stack, emulator):
    role = emulator.client("iam").create_role(RoleName=unique("role"), AssumeRolePolicyDocument="{}")["Role"]["RoleName"]
    built = stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"]
    stack.wait(built)
    name = unique("copy")
    distribution = stack.distribution([{"region": "eu-west-1", "amiDistributionConfiguration": {"name": name + "-{{imagebuilder:buildDate}}"}}])
    arn = stack.ib.distribute_image(sourceImage=built.rsplit("/", 1)[0], distributionConfigurationArn=distribution,
                                    executionRole=role)["imageBuildVersionArn"]
    assert arn.rsplit("/", 1)[0] == built.rsplit("/", 1)[0] and arn != built
    image, seen = stack.wait(arn)
    assert seen == ["DISTRIBUTING", "INTEGRATING", "AVAILABLE"]
    [ami] = image["outputResources"]["amis"]
    assert ami["region"] == "eu-west-1" and ami["name"].startswith(name)
    assert emulator.client("ec2", "eu-west-1").describe_images(ImageIds=[ami["image"]])["Images"]
    with pytest.raises(stack.ib.exceptions.InvalidParameterValueException):
        stack.ib.distribute_image(sourceImage="ami-0123456789abcdef0", distributionConfigurationArn=distribution, executionRole=role)
    with pytest.raises(stack.ib.exceptions.InvalidParameterValueException):
        stack.ib.distribute_image(sourceImage=built, distributionConfigurationArn=distribution, executionRole=unique("no-role"))


def test_target_accounts_get_their_own_ami(stack, emulator):
    other = "111122223333"
    distribution = stack.distribution([{"region": "us-east-1", "amiDistributionConfiguration": {
        "name": unique("shared") + "-{{imagebuilder:buildDate}}", "targetAccountIds": [other]}}])
    arn = stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure(),
                                distributionConfigurationArn=distribution)["imageBuildVersionArn"]
    amis = stack.wait(arn)[0]["outputResources"]["amis"]
    assert [ami["accountId"] for ami in amis] == ["123456789012", other]
    ec2 = emulator.client("ec2")
    ec2.meta.events.register("before-sign.ec2.*", lambda request, **kwargs: request.headers.add_header("x-moto-account-id", other))
    assert ec2.describe_images(ImageIds=[amis[1]["image"]])["Images"][0]["OwnerId"] == other


def test_ami_names_render_image_builder_variables_with_or_without_spaces(stack, emulator):
    name = unique("vars")
    distribution = stack.distribution([{"region": "us-east-1", "amiDistributionConfiguration": {
        "name": name + "-{{ imagebuilder:buildDate }}-v{{imagebuilder:version}}-b{{ imagebuilder:buildVersion}}"}}])
    arn = stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure(),
                                distributionConfigurationArn=distribution)["imageBuildVersionArn"]
    stack.wait(arn)
    images = emulator.client("ec2").describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [name + "-*"]}])["Images"]
    assert len(images) == 1
    rendered = images[0]["Name"]
    assert "{{" not in rendered and rendered.endswith("-v1.0.0-b1"), rendered


def test_advance_walks_a_held_build_state_by_state_and_its_amis_have_snapshots(stack, emulator, clock):
    clock(100000)  # held: only the advance endpoint moves it
    arn = stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"]
    other = stack.ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"]
    seen = [stack.ib.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"]]
    while seen[-1] != "AVAILABLE":
        assert emulator.admin("POST", "advance", {"image": arn}) == {arn: WALK[len(seen)]}
        seen.append(stack.ib.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"])
    assert seen == WALK
    assert stack.ib.get_image(imageBuildVersionArn=other)["image"]["state"]["status"] == "PENDING", "only the build named moves"
    assert emulator.admin("POST", "advance", {"image": other, "steps": 3}) == {other: "TESTING"}
    assert emulator.admin("POST", "advance", {"image": arn}) == {arn: "AVAILABLE"}, "a finished build stays as it is"
    ami = stack.ib.get_image(imageBuildVersionArn=arn)["image"]["outputResources"]["amis"][0]
    image = emulator.client("ec2").describe_images(ImageIds=[ami["image"]])["Images"][0]
    snapshot = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert emulator.client("ec2").describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["SnapshotId"] == snapshot
    for wrong in ({"steps": 0}, {"fraction": 1}, {"fraction": "half"}):
        with pytest.raises(Exception) as refused:
            emulator.admin("POST", "advance", wrong)
        assert "400" in str(refused.value), wrong
