"""AWS mode: behaviours real AWS documents and a kind emulator would hide (docs/emulator.md, "AWS mode").

Ages are driven by the settings (a lag of 0 against one no test outlives), never by sleeping to an edge,
and builds by the clock endpoint (a step of 30 s holds a build still; 0 finishes it).
"""
import urllib.error

import botocore.session
import pytest

from tests.emulator.checks import INSTANCE_PROFILE_MISSING
from tests.emulator.server import imagebuilder_fault_codes
from tests.emulator.tests.conftest import AMAZON_IMAGE, DOCUMENT, NO_RETRY, error_code, status_of, unique
from tests.emulator.tests.test_resources import WORKFLOW

ACCOUNT = "123456789012"
ARN = "arn:aws:imagebuilder:us-east-1:%s:" % ACCOUNT
NEVER = 100000  # seconds: longer than any test lives
WITH_PARAMETERS = """name: with-parameters
schemaVersion: 1.0
parameters:
  - Greeting: {type: string, default: hello, description: what the step prints}
phases:
  - name: build
    steps:
      - {name: Print, action: ExecuteBash, inputs: {commands: ["echo {{ Greeting }}"]}}
"""
LIFECYCLE = dict(executionRole="arn:aws:iam::123456789012:role/lifecycle", resourceType="AMI_IMAGE",
                 policyDetails=[{"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 5}}],
                 resourceSelection={"tagMap": {"app": "x"}})


@pytest.fixture
def aws_mode(emulator):
    """Change the AWS-mode settings for one test, then put the session's values back."""
    before = emulator.settings()
    yield emulator.settings
    emulator.settings(**before)


def by_name(name):
    return [{"name": "name", "values": [name]}]


def arns(ib, operation, key, **arguments):
    return [item["arn"] for page in ib.get_paginator(operation).paginate(**arguments) for item in page[key]]


def test_settings_are_read_and_changed_at_run_time(emulator, aws_mode):
    assert set(emulator.settings()) == {"list_lag_seconds", "iam_propagation_seconds", "new_image_not_found_seconds"}
    changed = aws_mode(list_lag_seconds=7, iam_propagation_seconds=3)
    assert changed == {"list_lag_seconds": 7.0, "iam_propagation_seconds": 3.0, "new_image_not_found_seconds": 0.0} == emulator.settings()
    for bad in ({"list_lag": 1}, {"list_lag_seconds": -1}, {"list_lag_seconds": "soon"}, {"iam_propagation_seconds": True}):
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            emulator.admin("POST", "settings", bad)
        assert excinfo.value.code == 400
    assert emulator.settings() == changed  # a refused body changes nothing


def test_new_records_are_missing_from_every_list_until_the_lag_passes(stack, aws_mode):
    aws_mode(list_lag_seconds=NEVER)
    ib = stack.ib
    component = stack.component()
    recipe = stack.recipe([component])
    container = ib.create_container_recipe(
        containerType="DOCKER", name=unique("ctr"), semanticVersion="1.0.0", components=[{"componentArn": component}],
        parentImage="amazonlinux:2023", dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}",
        targetRepository={"service": "ECR", "repositoryName": "repo"})["containerRecipeArn"]
    infrastructure, distribution = stack.infrastructure(), stack.distribution()
    pipeline = stack.pipeline(recipe, infrastructure, distribution)
    image = ib.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    workflow = ib.create_workflow(name=unique("wf"), semanticVersion="1.0.0", type="BUILD", data=WORKFLOW)["workflowBuildVersionArn"]
    policy = ib.create_lifecycle_policy(name=unique("lc"), **LIFECYCLE)["lifecyclePolicyArn"]
    component_name = ib.get_component(componentBuildVersionArn=component)["component"]["name"]  # Get* sees each at once
    ib.get_image_recipe(imageRecipeArn=recipe)
    ib.get_container_recipe(containerRecipeArn=container)
    ib.get_image(imageBuildVersionArn=image)
    ib.get_workflow(workflowBuildVersionArn=workflow)
    ib.get_lifecycle_policy(lifecyclePolicyArn=policy)
    recipe_name = recipe.split("/")[-2]

    def version_of(arn):
        return arn.rsplit("/", 1)[0]

    lists = [  # (operation, key, arguments, the ARN it lists once old enough)
        ("list_components", "componentVersionList", dict(filters=by_name(component_name)), version_of(component)),
        ("list_component_build_versions", "componentSummaryList", dict(componentVersionArn=version_of(component)), component),
        ("list_image_recipes", "imageRecipeSummaryList", dict(filters=by_name(recipe_name)), recipe),
        ("list_container_recipes", "containerRecipeSummaryList", {}, container),
        ("list_infrastructure_configurations", "infrastructureConfigurationSummaryList", {}, infrastructure),
        ("list_distribution_configurations", "distributionConfigurationSummaryList", {}, distribution),
        ("list_image_pipelines", "imagePipelineList", {}, pipeline),
        ("list_images", "imageVersionList", dict(filters=by_name(recipe_name)), version_of(image)),
        ("list_image_build_versions", "imageSummaryList", dict(imageVersionArn=version_of(image)), image),
        ("list_image_pipeline_images", "imageSummaryList", dict(imagePipelineArn=pipeline), image),
        ("list_workflows", "workflowVersionList", {}, version_of(workflow)),
        ("list_workflow_build_versions", "workflowSummaryList", dict(workflowVersionArn=version_of(workflow)), workflow),
        ("list_lifecycle_policies", "lifecyclePolicySummaryList", {}, policy),
    ]
    for operation, key, arguments, arn in lists:
        assert arn not in arns(ib, operation, key, **arguments), operation
    assert {"update-linux", "reboot-linux"} <= {c["name"] for c in ib.list_components(owner="Amazon")["componentVersionList"]}
    aws_mode(list_lag_seconds=0)
    for operation, key, arguments, arn in lists:
        assert arn in arns(ib, operation, key, **arguments), operation
    aws_mode(list_lag_seconds=NEVER)  # ages count from creation: an old lag hides again what is younger than it
    assert infrastructure not in arns(ib, "list_infrastructure_configurations", "infrastructureConfigurationSummaryList")


def test_an_update_does_not_make_a_record_young_again(stack, aws_mode):
    """No race with the real clock: each assertion holds however slow the machine is. The lag is set, after the update,
    to a value the record's age since creation is known to reach (the time between its creation's answer and the
    update's call), so the record lists exactly when ages still count from its creation."""
    import time

    aws_mode(list_lag_seconds=NEVER)
    ib = stack.ib
    arn = stack.infrastructure()
    created = time.monotonic()  # the record is at least this old from here on
    name = ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]["name"]

    def listed():
        return arn in arns(ib, "list_infrastructure_configurations", "infrastructureConfigurationSummaryList", filters=by_name(name))

    assert not listed()
    time.sleep(0.3)  # some age, so that an update that reset it would leave the record younger than the lag below
    before_update = time.monotonic()
    ib.update_infrastructure_configuration(infrastructureConfigurationArn=arn, instanceProfileName=stack.profile, description="new")
    aws_mode(list_lag_seconds=before_update - created)
    assert listed()


def test_a_new_instance_profile_is_unknown_to_image_builder_until_it_propagates(stack, emulator, aws_mode):
    aws_mode(iam_propagation_seconds=NEVER)
    ib = stack.ib
    name = unique("infra")
    with pytest.raises(ib.exceptions.InvalidParameterValueException) as excinfo:
        ib.create_infrastructure_configuration(name=name, instanceProfileName=stack.profile)
    assert excinfo.value.response["Error"]["Message"] == INSTANCE_PROFILE_MISSING
    assert "The provided instance profile does not exist" in INSTANCE_PROFILE_MISSING
    aws_mode(iam_propagation_seconds=0)
    arn = ib.create_infrastructure_configuration(name=name, instanceProfileName=stack.profile)["infrastructureConfigurationArn"]
    newer = unique("profile")
    emulator.client("iam").create_instance_profile(InstanceProfileName=newer)
    aws_mode(iam_propagation_seconds=NEVER)
    with pytest.raises(ib.exceptions.InvalidParameterValueException) as excinfo:
        ib.update_infrastructure_configuration(infrastructureConfigurationArn=arn, instanceProfileName=newer)
    assert excinfo.value.response["Error"]["Message"] == INSTANCE_PROFILE_MISSING
    aws_mode(iam_propagation_seconds=0)
    ib.update_infrastructure_configuration(infrastructureConfigurationArn=arn, instanceProfileName=newer)
    assert ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]["instanceProfileName"] == newer


def test_environment_sets_aws_mode_at_start():
    from tests.conftest import EmulatorProcess

    server = EmulatorProcess.start(env={"AMIFORGE_EMULATOR_LIST_LAG_SECONDS": str(NEVER),
                                        "AMIFORGE_EMULATOR_IAM_PROPAGATION_SECONDS": "250.5"})
    try:
        assert server.settings() == {"list_lag_seconds": NEVER, "iam_propagation_seconds": 250.5, "new_image_not_found_seconds": 0.0}
        ib = server.client("imagebuilder", config=NO_RETRY)
        server.client("iam").create_instance_profile(InstanceProfileName="p")
        with pytest.raises(ib.exceptions.InvalidParameterValueException):
            ib.create_infrastructure_configuration(name="infra", instanceProfileName="p")
        arn = ib.create_component(name="comp", semanticVersion="1.0.0", platform="Linux", data=DOCUMENT.format(step="s"))["componentBuildVersionArn"]
        assert ib.list_components()["componentVersionList"] == []
        assert ib.get_component(componentBuildVersionArn=arn)["component"]["arn"] == arn
        server.settings(list_lag_seconds=0)
        assert [c["name"] for c in ib.list_components()["componentVersionList"]] == ["comp"]
    finally:
        server.stop()


def test_by_name_returns_one_entry_per_name_with_the_latest_version(stack):
    ib = stack.ib
    component = unique("comp")
    for version in ("1.0.0", "1.10.0", "1.2.0"):
        stack.component(name=component, version=version)
    entries = ib.list_components(filters=by_name(component), byName=True)["componentVersionList"]
    assert [(e["arn"], e["version"], e["status"]) for e in entries] == [(ARN + "component/%s/1.10.0" % component, "1.10.0", "ACTIVE")]
    assert len(ib.list_components(filters=by_name(component), byName=False)["componentVersionList"]) == 3
    assert len(ib.list_components(filters=by_name(component))["componentVersionList"]) == 3
    for operation in (ib.list_components, ib.list_images, ib.list_workflows):
        with pytest.raises(ib.exceptions.InvalidParameterCombinationException) as excinfo:
            operation(byName=True, filters=[{"name": "version", "values": ["1.0.0"]}])
        assert "by name and filter by version" in excinfo.value.response["Error"]["Message"]
    recipe = unique("recipe")
    infrastructure = stack.infrastructure()
    for version in ("1.0.0", "2.0.0"):
        ib.create_image(imageRecipeArn=stack.recipe(name=recipe, version=version), infrastructureConfigurationArn=infrastructure)
    assert [e["version"] for e in ib.list_images(filters=by_name(recipe), byName=True)["imageVersionList"]] == ["2.0.0"]
    assert [e["version"] for e in ib.list_images(filters=by_name(recipe))["imageVersionList"]] == ["1.0.0", "2.0.0"]
    workflow = unique("wf")
    for version in ("1.0.0", "1.1.0"):
        ib.create_workflow(name=workflow, semanticVersion=version, type="TEST", data=WORKFLOW)
    assert [e["version"] for e in ib.list_workflows(filters=by_name(workflow), byName=True)["workflowVersionList"]] == ["1.1.0"]
    assert len(ib.list_workflows(filters=by_name(workflow))["workflowVersionList"]) == 2


def test_fault_codes_follow_each_operations_modeled_errors():
    model = botocore.session.get_session().get_service_model("imagebuilder")
    codes = {operation: imagebuilder_fault_codes(operation, True) for operation in model.operation_names}
    odd = {operation: code for operation, code in codes.items() if code != ("CallRateLimitExceededException",)}
    assert odd == {
        "DistributeImage": ("TooManyRequestsException", "CallRateLimitExceededException"),
        "ImportDiskImage": ("TooManyRequestsException",), "ImportVmImage": ("ThrottlingException",),
        "TagResource": ("ThrottlingException",), "UntagResource": ("ThrottlingException",),
        "ListTagsForResource": ("ThrottlingException",),
    }
    assert len(codes) - len(odd) == 71  # CallRateLimitExceededException alone; with DistributeImage, 72 of 77 list it
    assert imagebuilder_fault_codes("GetComponent", False) == ("ServiceUnavailableException",)
    assert imagebuilder_fault_codes("TagResource", False) == ("ServiceException",)


def test_throttled_calls_answer_the_operations_real_code(emulator):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    arn = ARN + "component/none/1.0.0/1"
    try:
        emulator.admin("POST", "faults", {"operation": "GetComponent", "throttle_rate": 1})
        emulator.admin("POST", "faults", {"operation": "DistributeImage", "throttle_rate": 1})
        emulator.admin("POST", "faults", {"operation": "TagResource", "throttle_rate": 1})
        emulator.admin("POST", "faults", {"operation": "UntagResource", "error_rate": 1})
        with pytest.raises(ib.exceptions.CallRateLimitExceededException) as excinfo:
            ib.get_component(componentBuildVersionArn=arn)
        assert status_of(excinfo) == 429
        seen = []
        for _turn in range(2):
            with pytest.raises(ib.exceptions.ClientError) as excinfo:
                ib.distribute_image(sourceImage=arn.replace("component", "image"), distributionConfigurationArn=ARN + "distribution-configuration/d",
                                    executionRole="role")
            seen.append((error_code(excinfo), status_of(excinfo)))
        assert seen == [("TooManyRequestsException", 429), ("CallRateLimitExceededException", 429)]
        with pytest.raises(ib.exceptions.ClientError) as excinfo:
            ib.tag_resource(resourceArn=arn, tags={"a": "b"})
        assert (error_code(excinfo), status_of(excinfo)) == ("ThrottlingException", 429)
        with pytest.raises(ib.exceptions.ServiceException) as excinfo:
            ib.untag_resource(resourceArn=arn, tagKeys=["a"])
        assert status_of(excinfo) == 500
    finally:
        emulator.admin("DELETE", "faults")


def test_names_differing_only_in_case_spaces_or_underscores_are_one_name(stack):
    ib = stack.ib
    base = unique("golden")  # golden-<hex>
    first = base.replace("-", "_").upper()
    arn = stack.infrastructure(name=first)
    assert arn == ARN + "infrastructure-configuration/" + base
    assert ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]["name"] == first
    for other in (base, base.replace("-", " ")):
        with pytest.raises(ib.exceptions.ResourceAlreadyExistsException):
            stack.infrastructure(name=other)
    recipe = stack.recipe(name=first)
    assert recipe == ARN + "image-recipe/%s/1.0.0" % base
    with pytest.raises(ib.exceptions.ResourceAlreadyExistsException):
        stack.recipe(name=base)
    assert stack.recipe(name=base, version="1.0.1") == ARN + "image-recipe/%s/1.0.1" % base
    component = stack.component(name=first)
    assert component == ARN + "component/%s/1.0.0/1" % base
    second = stack.component(name=base, step="other")  # same name and version, new content: a new build
    assert second == ARN + "component/%s/1.0.0/2" % base
    assert ib.get_component(componentBuildVersionArn=second)["component"]["name"] == base
    with pytest.raises(ib.exceptions.ResourceInUseException):
        stack.component(name=first, step="other")


def test_an_existing_workflow_version_gets_a_new_build_only_for_new_content(ib):
    name = unique("wf")
    first = ib.create_workflow(name=name, semanticVersion="1.0.0", type="BUILD", data=WORKFLOW)["workflowBuildVersionArn"]
    with pytest.raises(ib.exceptions.ResourceInUseException):
        ib.create_workflow(name=name, semanticVersion="1.0.0", type="BUILD", data=WORKFLOW)
    second = ib.create_workflow(name=name, semanticVersion="1.0.0", type="BUILD", data=WORKFLOW + "  - name: Two\n    action: WaitForAction\n")
    assert first.endswith("/1.0.0/1") and second["workflowBuildVersionArn"] == first[:-1] + "2"
    assert ib.create_workflow(name=name, semanticVersion="1.0.0", type="TEST", data=WORKFLOW)["workflowBuildVersionArn"].endswith(
        "workflow/test/%s/1.0.0/1" % name)  # another type is another workflow
    assert ib.get_workflow(workflowBuildVersionArn=first.rsplit("/", 1)[0])["workflow"]["arn"] == second["workflowBuildVersionArn"]


def test_a_version_arn_resolves_only_to_available_images(stack, clock):
    ib = stack.ib
    recipe, infrastructure = stack.recipe(), stack.infrastructure()
    version = recipe.replace(":image-recipe/", ":image/")
    clock(30)  # hold builds still
    first = ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)["imageBuildVersionArn"]
    for unresolved in (version, version.rsplit("/", 1)[0] + "/x.x.x", version.rsplit("/", 1)[0] + "/1.x.x"):
        with pytest.raises(ib.exceptions.ResourceNotFoundException):
            ib.get_image(imageBuildVersionArn=unresolved)
    assert ib.get_image(imageBuildVersionArn=first)["image"]["state"]["status"] == "PENDING"  # a build ARN: any state
    clock(0)
    assert ib.get_image(imageBuildVersionArn=version)["image"]["arn"] == first
    clock(30)
    second = ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)["imageBuildVersionArn"]
    assert ib.get_image(imageBuildVersionArn=version)["image"]["arn"] == first
    ib.cancel_image_creation(imageBuildVersionArn=second)
    clock(0)
    assert ib.get_image(imageBuildVersionArn=second)["image"]["state"]["status"] == "CANCELLED"
    assert ib.get_image(imageBuildVersionArn=version.rsplit("/", 1)[0] + "/x.x.x")["image"]["arn"] == first


def test_a_build_just_started_may_be_unknown_to_get_image(stack, clock, aws_mode):
    ib = stack.ib
    recipe, infrastructure = stack.recipe(), stack.infrastructure()
    clock(30)
    aws_mode(new_image_not_found_seconds=NEVER)
    started = ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)["imageBuildVersionArn"]
    with pytest.raises(ib.exceptions.ResourceNotFoundException):
        ib.get_image(imageBuildVersionArn=started)
    aws_mode(new_image_not_found_seconds=0)
    assert ib.get_image(imageBuildVersionArn=started)["image"]["state"]["status"] == "PENDING"


def test_retry_reruns_the_same_build_from_the_phase_where_it_failed(stack, emulator, clock):
    ib = stack.ib
    name = unique("comp")
    stack.component(name=name, step="emulator-fail")
    recipe = stack.recipe([ARN + "component/%s/1.0.0" % name])  # a version ARN: its latest build
    arn = ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"]
    assert stack.wait(arn)[0]["state"]["status"] == "FAILED"
    stack.component(name=name, step="fixed")  # build 2 of the component version, without the failing step
    clock(30)
    assert ib.retry_image(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn
    assert ib.get_image(imageBuildVersionArn=arn)["image"]["state"] == {"status": "BUILDING"}
    assert [b["arn"] for b in ib.list_image_build_versions(imageVersionArn=arn.rsplit("/", 1)[0])["imageSummaryList"]] == [arn]
    clock(0)
    image = ib.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"]["status"] == "AVAILABLE" and image["outputResources"]["amis"]
    with pytest.raises(ib.exceptions.InvalidRequestException):
        ib.retry_image(imageBuildVersionArn=arn)


def test_cancel_is_asynchronous_and_a_cancelled_build_can_be_retried(stack, clock):
    ib = stack.ib
    clock(30)
    arn = ib.create_image(imageRecipeArn=stack.recipe(), infrastructureConfigurationArn=stack.infrastructure())["imageBuildVersionArn"]
    assert ib.cancel_image_creation(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn
    state = ib.get_image(imageBuildVersionArn=arn)["image"]["state"]
    assert state["status"] == "PENDING" and "Cancellation requested" in state["reason"]  # not yet: a clock step later
    assert ib.cancel_image_creation(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn  # asking again changes nothing
    clock(0)
    assert ib.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == "CANCELLED"
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.cancel_image_creation(imageBuildVersionArn=arn)
    clock(30)
    assert ib.retry_image(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn
    assert ib.get_image(imageBuildVersionArn=arn)["image"]["state"] == {"status": "PENDING"}
    clock(0)
    assert ib.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == "AVAILABLE"
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.cancel_image_creation(imageBuildVersionArn=arn)


def test_filters_each_list_operation_documents(stack):
    ib = stack.ib
    prefix = unique("pre")
    for suffix in ("a", "b"):
        stack.component(name="%s-%s" % (prefix, suffix))
    assert len(ib.list_components(filters=by_name(prefix + "*"))["componentVersionList"]) == 2
    assert [c["name"] for c in ib.list_components(filters=by_name("*%s-a*" % prefix[4:]))["componentVersionList"]] == [prefix + "-a"]
    assert ib.list_components(filters=by_name(prefix))["componentVersionList"] == []  # exact without a wildcard
    status = [{"name": "name", "values": [prefix + "-a"]}, {"name": "status", "values": ["ACTIVE"]}]
    assert len(ib.list_components(filters=status)["componentVersionList"]) == 1
    status[1]["values"] = ["DEPRECATED"]
    assert ib.list_components(filters=status)["componentVersionList"] == []
    policy = ib.create_lifecycle_policy(name=unique("lc"), **LIFECYCLE)["lifecyclePolicyArn"]
    assert policy in arns(ib, "list_lifecycle_policies", "lifecyclePolicySummaryList",
                          filters=[{"name": "resourceType", "values": ["AMI_IMAGE"]}])
    assert ib.list_workflows(filters=[{"name": "type", "values": ["DISTRIBUTION"]}], owner="Amazon")["workflowVersionList"]
    pipeline = stack.pipeline()
    for operation, arguments in ((ib.list_lifecycle_policies, {}), (ib.list_workflows, {}),
                                 (ib.list_image_pipeline_images, dict(imagePipelineArn=pipeline))):
        with pytest.raises(ib.exceptions.InvalidParameterValueException):
            operation(filters=[{"name": "platform", "values": ["Linux"]}], **arguments)


REFUSED_SCHEDULES = ["cron(0 3 * * SUN *)", "cron(0 3 ? * SUN)", "cron(0 25 ? * SUN *)", "cron(0 3 ? * ? *)", "cron(0 0 32 * ? *)",
                     "cron(0 0 ? * MON/2 *)", "cron(0 0 ? * 2 1969)", "0 3 * * *", "rate(0 days)", "rate(1 fortnight)"]
ACCEPTED_SCHEDULES = ["cron(0 3 ? * SUN *)", "cron(0 0 1 * ? *)", "cron(15 10 ? * MON-FRI *)", "cron(0 9 ? * fri#2 *)",
                      "cron(0/15 * ? * * *)", "cron(0 0 L * ? *)", "cron(0 0 15W JAN,JUL ? 2030-2040)", "rate(1 day)", "rate(12 hours)"]


def test_pipeline_schedules_and_timezones_are_checked(stack):
    ib = stack.ib
    recipe, infrastructure = stack.recipe(), stack.infrastructure()
    for expression, timezone in [(e, None) for e in REFUSED_SCHEDULES] + [("cron(0 3 ? * SUN *)", "Paris")]:
        schedule = dict({"scheduleExpression": expression}, **({"timezone": timezone} if timezone else {}))
        with pytest.raises(ib.exceptions.InvalidParameterValueException) as excinfo:
            stack.pipeline(recipe, infrastructure, schedule=schedule)
        assert ("timezone" if timezone else "scheduleExpression") in excinfo.value.response["Error"]["Message"], expression
    for index, expression in enumerate(ACCEPTED_SCHEDULES):
        timezone = ("Europe/Paris", "Etc/UTC", "UTC")[index % 3]
        arn = stack.pipeline(recipe, infrastructure, schedule={"scheduleExpression": expression, "timezone": timezone})
        assert ib.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]["schedule"]["scheduleExpression"] == expression
        ib.delete_image_pipeline(imagePipelineArn=arn)
    arn = stack.pipeline(recipe, infrastructure)
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.update_image_pipeline(imagePipelineArn=arn, imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure,
                                 schedule={"scheduleExpression": "cron(0 3 * * SUN *)"})


def test_ami_names_must_carry_the_build_date(stack):
    ib = stack.ib
    with pytest.raises(ib.exceptions.InvalidParameterValueException) as excinfo:
        stack.distribution([{"region": "us-east-1", "amiDistributionConfiguration": {"name": "golden-ami"}}])
    assert "imagebuilder:buildDate" in excinfo.value.response["Error"]["Message"]
    arn = stack.distribution([{"region": "us-east-1", "amiDistributionConfiguration": {"name": "golden-{{ imagebuilder:buildDate }}"}}])
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.update_distribution_configuration(distributionConfigurationArn=arn, distributions=[
            {"region": "us-east-1", "amiDistributionConfiguration": {"name": "golden-{{imagebuilder:version}}"}}])
    ib.update_distribution_configuration(distributionConfigurationArn=arn, distributions=[{"region": "us-east-1"}])  # no name: AWS's


def test_recipes_may_set_only_the_parameters_a_component_declares(stack):
    ib = stack.ib
    component = ib.create_component(name=unique("param"), semanticVersion="1.0.0", platform="Linux",
                                    data=WITH_PARAMETERS)["componentBuildVersionArn"]
    plain = stack.component()
    good = [{"componentArn": component, "parameters": [{"name": "Greeting", "value": ["hi"]}]}, {"componentArn": plain}]
    arn = ib.create_image_recipe(name=unique("recipe"), semanticVersion="1.0.0", parentImage=AMAZON_IMAGE,
                                 components=good)["imageRecipeArn"]
    assert ib.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["components"][0]["parameters"] == good[0]["parameters"]
    for components in ([{"componentArn": component, "parameters": [{"name": "Farewell", "value": ["bye"]}]}],
                       [{"componentArn": plain, "parameters": [{"name": "Greeting", "value": ["hi"]}]}]):
        with pytest.raises(ib.exceptions.InvalidParameterValueException) as excinfo:
            ib.create_image_recipe(name=unique("recipe"), semanticVersion="1.0.0", parentImage=AMAZON_IMAGE,
                                   components=components)
        assert "is not defined by the component" in excinfo.value.response["Error"]["Message"]
        with pytest.raises(ib.exceptions.InvalidParameterValueException):
            ib.create_container_recipe(
                containerType="DOCKER", name=unique("ctr"), semanticVersion="1.0.0", components=components,
                parentImage="amazonlinux:2023", dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}",
                targetRepository={"service": "ECR", "repositoryName": "repo"})
