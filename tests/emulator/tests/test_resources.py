"""Recipes, configurations, pipelines, workflows and lifecycle policies: CRUD, references, dependencies."""
import json

import pytest

from tests.emulator.tests.conftest import AMAZON_IMAGE, DOCUMENT, error_code, unique

WORKFLOW = """name: build
schemaVersion: 1.0
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
"""


def test_image_recipe_crud_and_references(stack, emulator):
    ib = stack.ib
    component = stack.component()
    arn = stack.recipe([component, "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"], version="2.0.0",
                       blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 20}}], amiTags={"os": "al2023"})
    recipe = ib.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert arn.endswith("/2.0.0") and recipe["version"] == "2.0.0" and recipe["platform"] == "Linux"
    assert [c["componentArn"] for c in recipe["components"]][0] == component
    assert recipe["parentImage"] == AMAZON_IMAGE and recipe["amiTags"] == {"os": "al2023"}
    assert ib.get_image_recipe(imageRecipeArn=arn.rsplit("/", 1)[0] + "/x.x.x")["imageRecipe"]["arn"] == arn
    assert arn in [r["arn"] for r in ib.list_image_recipes(filters=[{"name": "name", "values": [recipe["name"]]}])["imageRecipeSummaryList"]]
    ami = emulator.client("ec2").describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*"]}])["Images"][0]["ImageId"]
    assert stack.recipe(parent=ami)
    emulator.client("ssm").put_parameter(Name="/emulator/" + recipe["name"], Value=ami, Type="String", DataType="aws:ec2:image")
    assert stack.recipe(parent="ssm:/emulator/" + recipe["name"])
    assert stack.recipe(parent="ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")  # moto's public parameters
    assert ib.delete_image_recipe(imageRecipeArn=arn)["imageRecipeArn"] == arn


@pytest.mark.parametrize("parent", ["ami-0123456789abcdef0", "ssm:/emulator/missing-parameter",
                                    "arn:aws:imagebuilder:us-east-1:aws:image/no-such-image/x.x.x"])
def test_image_recipe_parent_must_exist(stack, parent):
    with pytest.raises(stack.ib.exceptions.InvalidParameterValueException):
        stack.recipe(parent=parent)


def test_image_recipe_components_must_exist(stack):
    with pytest.raises(stack.ib.exceptions.InvalidParameterValueException):
        stack.recipe(["arn:aws:imagebuilder:us-east-1:123456789012:component/%s/1.0.0/1" % unique()])


def test_component_deletion_blocked_while_a_recipe_uses_it(stack):
    component = stack.component()
    recipe = stack.recipe([component.rsplit("/", 2)[0] + "/x.x.x"])
    with pytest.raises(stack.ib.exceptions.ResourceDependencyException):
        stack.ib.delete_component(componentBuildVersionArn=component)
    stack.ib.delete_image_recipe(imageRecipeArn=recipe)
    stack.ib.delete_component(componentBuildVersionArn=component)


def test_infrastructure_configuration_crud_and_update_replaces(stack, emulator):
    ib = stack.ib
    ec2 = emulator.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=unique("sg"), Description="d", VpcId=vpc)["GroupId"]
    key = ec2.create_key_pair(KeyName=unique("key"))["KeyName"]
    topic = emulator.client("sns").create_topic(Name=unique("topic"))["TopicArn"]
    bucket = unique("logs")
    emulator.client("s3").create_bucket(Bucket=bucket)
    arn = stack.infrastructure(description="d", instanceTypes=["t3.micro"], subnetId=subnet, securityGroupIds=[group],
                               keyPair=key, snsTopicArn=topic, logging={"s3Logs": {"s3BucketName": bucket}},
                               terminateInstanceOnFailure=False, tags={"k": "v"})
    got = ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]
    assert got["subnetId"] == subnet and got["keyPair"] == key and got["terminateInstanceOnFailure"] is False
    assert got["tags"] == {"k": "v"} and arn.endswith(":infrastructure-configuration/" + got["name"].lower())
    ib.update_infrastructure_configuration(infrastructureConfigurationArn=arn, instanceProfileName=stack.profile,
                                           instanceTypes=["t3.large"])
    updated = ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]
    assert updated["instanceTypes"] == ["t3.large"]
    assert "subnetId" not in updated and "keyPair" not in updated and "description" not in updated
    assert updated["terminateInstanceOnFailure"] is True and updated["tags"] == {"k": "v"} and "dateUpdated" in updated
    listed = ib.list_infrastructure_configurations(filters=[{"name": "name", "values": [got["name"]]}])
    assert [item["arn"] for item in listed["infrastructureConfigurationSummaryList"]] == [arn]
    with pytest.raises(ib.exceptions.ResourceAlreadyExistsException):
        stack.infrastructure(name=got["name"])
    ib.delete_infrastructure_configuration(infrastructureConfigurationArn=arn)


@pytest.mark.parametrize("extra", [
    {"instanceProfileName": "no-such-profile"}, {"subnetId": "subnet-12345678"}, {"securityGroupIds": ["sg-12345678"]},
    {"keyPair": "no-such-key"}, {"snsTopicArn": "arn:aws:sns:us-east-1:123456789012:no-such-topic"},
    {"logging": {"s3Logs": {"s3BucketName": "no-such-bucket-emulator"}}},
])
def test_infrastructure_references_must_exist(stack, extra):
    arguments = dict({"name": unique("infra"), "instanceProfileName": stack.profile}, **extra)
    with pytest.raises(stack.ib.exceptions.InvalidParameterValueException):
        stack.ib.create_infrastructure_configuration(**arguments)
    assert stack.ib.list_infrastructure_configurations(
        filters=[{"name": "name", "values": [arguments["name"]]}])["infrastructureConfigurationSummaryList"] == []


def test_distribution_configuration_crud_and_references(stack, emulator):
    ib = stack.ib
    template = emulator.client("ec2", "us-west-2").create_launch_template(
        LaunchTemplateName=unique("lt"), LaunchTemplateData={"InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    key = emulator.client("kms", "us-west-2").create_key()["KeyMetadata"]["KeyId"]
    distributions = [{"region": "us-east-1", "amiDistributionConfiguration": {"name": "a-{{imagebuilder:buildDate}}"}},
                     {"region": "us-west-2", "amiDistributionConfiguration": {"name": "b-{{imagebuilder:buildDate}}", "kmsKeyId": key},
                      "launchTemplateConfigurations": [{"launchTemplateId": template}]}]
    arn = stack.distribution(distributions, name=unique("Dist Name"))
    got = ib.get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]
    assert [d["region"] for d in got["distributions"]] == ["us-east-1", "us-west-2"]
    assert "/dist-name-" in arn
    ib.update_distribution_configuration(distributionConfigurationArn=arn, distributions=distributions[:1])
    got = ib.get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]
    assert len(got["distributions"]) == 1
    for broken in ([{"region": "us-west-2", "launchTemplateConfigurations": [{"launchTemplateId": "lt-0123456789abcdef0"}]}],
                   [{"region": "us-west-2", "amiDistributionConfiguration": {"kmsKeyId": "alias/none"}}],
                   [{"region": "us-east-1"}, {"region": "us-east-1"}], [{"region": "mars-north-1"}]):
        with pytest.raises(ib.exceptions.InvalidParameterValueException):
            stack.distribution(broken)
    ib.delete_distribution_configuration(distributionConfigurationArn=arn)


def test_pipeline_crud_dependencies_and_update(stack):
    ib = stack.ib
    recipe, infrastructure, distribution = stack.recipe(), stack.infrastructure(), stack.distribution()
    arn = stack.pipeline(recipe, infrastructure, distribution, description="nightly",
                         schedule={"scheduleExpression": "cron(0 0 * * ? *)"}, tags={"t": "1"})
    pipeline = ib.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
    assert pipeline["status"] == "ENABLED" and pipeline["imageRecipeArn"] == recipe and pipeline["platform"] == "Linux"
    assert pipeline["imageTestsConfiguration"] == {"imageTestsEnabled": True, "timeoutMinutes": 720}
    for delete, key in ((ib.delete_image_recipe, "imageRecipeArn"), (ib.delete_infrastructure_configuration, "infrastructureConfigurationArn"),
                        (ib.delete_distribution_configuration, "distributionConfigurationArn")):
        with pytest.raises(ib.exceptions.ResourceDependencyException):
            delete(**{key: pipeline[key]})
    ib.update_image_pipeline(imagePipelineArn=arn, imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure,
                             status="DISABLED")
    updated = ib.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
    assert updated["status"] == "DISABLED" and "description" not in updated and "distributionConfigurationArn" not in updated
    assert updated["tags"] == {"t": "1"}
    ib.delete_distribution_configuration(distributionConfigurationArn=distribution)
    assert arn in [p["arn"] for p in ib.list_image_pipelines(maxResults=25, filters=[{"name": "name", "values": [pipeline["name"]]}])["imagePipelineList"]]
    ib.delete_image_pipeline(imagePipelineArn=arn)
    ib.delete_image_recipe(imageRecipeArn=recipe)


def test_pipeline_recipe_choices(stack, raw):
    recipe, infrastructure = stack.recipe(), stack.infrastructure()
    with pytest.raises(raw.exceptions.InvalidParameterCombinationException):
        raw.create_image_pipeline(name=unique("p"), clientToken=unique(), imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure,
                                  containerRecipeArn=recipe.replace("image-recipe", "container-recipe"))
    with pytest.raises(stack.ib.exceptions.ResourceNotFoundException):
        stack.pipeline(recipe=recipe.rsplit("/", 2)[0] + "/missing/1.0.0", infrastructure=infrastructure)


def test_container_recipe_crud(stack):
    ib = stack.ib
    name = unique("ctr")
    arn = ib.create_container_recipe(
        containerType="DOCKER", name=name, semanticVersion="1.0.0", components=[{"componentArn": stack.component()}],
        parentImage="amazonlinux:2023", dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}",
        targetRepository={"service": "ECR", "repositoryName": "repo"})["containerRecipeArn"]
    got = ib.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert got["containerType"] == "DOCKER" and got["targetRepository"]["repositoryName"] == "repo"
    assert arn in [r["arn"] for r in ib.list_container_recipes()["containerRecipeSummaryList"]]
    ib.put_container_recipe_policy(containerRecipeArn=arn, policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["111122223333"]}, "Action": ["imagebuilder:GetContainerRecipe"], "Resource": arn}]}))
    assert "111122223333" in ib.get_container_recipe_policy(containerRecipeArn=arn)["policy"]
    ib.delete_container_recipe(containerRecipeArn=arn)


def test_workflow_crud_and_dependency(stack):
    ib = stack.ib
    name = unique("wf")
    arn = ib.create_workflow(name=name, semanticVersion="1.0.0", type="BUILD", data=WORKFLOW)["workflowBuildVersionArn"]
    assert arn == "arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/%s/1.0.0/1" % name
    assert ib.get_workflow(workflowBuildVersionArn=arn.rsplit("/", 2)[0] + "/x.x.x")["workflow"]["type"] == "BUILD"
    assert [w["name"] for w in ib.list_workflows(filters=[{"name": "name", "values": [name]}])["workflowVersionList"]] == [name]
    builds = ib.list_workflow_build_versions(workflowVersionArn=arn.rsplit("/", 1)[0])["workflowSummaryList"]
    assert [b["arn"] for b in builds] == [arn]
    pipeline = stack.pipeline(workflows=[{"workflowArn": arn}])
    with pytest.raises(ib.exceptions.ResourceDependencyException):
        ib.delete_workflow(workflowBuildVersionArn=arn)
    ib.delete_image_pipeline(imagePipelineArn=pipeline)
    ib.delete_workflow(workflowBuildVersionArn=arn)


def test_lifecycle_policy_crud(stack):
    ib = stack.ib
    name = unique("lc")
    details = [{"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 5}}]
    arn = ib.create_lifecycle_policy(name=name, executionRole="arn:aws:iam::123456789012:role/lifecycle", resourceType="AMI_IMAGE",
                                     policyDetails=details, resourceSelection={"tagMap": {"app": "x"}})["lifecyclePolicyArn"]
    got = ib.get_lifecycle_policy(lifecyclePolicyArn=arn)["lifecyclePolicy"]
    assert got["status"] == "ENABLED" and got["policyDetails"] == details
    ib.update_lifecycle_policy(lifecyclePolicyArn=arn, executionRole="arn:aws:iam::123456789012:role/lifecycle", resourceType="AMI_IMAGE",
                               policyDetails=details, resourceSelection={"tagMap": {"app": "y"}}, status="DISABLED")
    got = ib.get_lifecycle_policy(lifecyclePolicyArn=arn)["lifecyclePolicy"]
    assert got["status"] == "DISABLED" and got["resourceSelection"] == {"tagMap": {"app": "y"}}
    assert arn in [p["arn"] for p in ib.list_lifecycle_policies()["lifecyclePolicySummaryList"]]
    ib.delete_lifecycle_policy(lifecyclePolicyArn=arn)
    with pytest.raises(ib.exceptions.ResourceNotFoundException):
        ib.get_lifecycle_policy(lifecyclePolicyArn=arn)


def test_out_of_scope_operations_say_so(emulator):
    from botocore import xform_name

    from tests.emulator.tests.conftest import RAW
    from tests.emulator.tests.test_shapes import OUT_OF_SCOPE

    ib = emulator.client("imagebuilder", config=RAW)
    for operation in sorted(OUT_OF_SCOPE):
        with pytest.raises(ib.exceptions.ClientError) as excinfo:
            getattr(ib, xform_name(operation))()
        assert error_code(excinfo) == "InvalidRequestException", operation
        assert "%s is not supported by the emulator" % operation in excinfo.value.response["Error"]["Message"]


def test_document_unused(stack):
    assert DOCUMENT.format(step="x") in stack.ib.get_component(componentBuildVersionArn=stack.component(step="x"))["component"]["data"]
