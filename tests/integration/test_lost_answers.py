"""Lost answers: the service applies a create, then its answer never reaches the module (a 5xx in its place, or the
connection dropped), as when a response is lost on the way back. The module's retry carries the same clientToken, so
the service answers it with the first answer and creates nothing twice.

What AWS documents, and the emulator honours (tests/emulator/models.py ``handle``; docs/aws-behaviour.md §12):
the botocore model's ``clientToken`` member of every Create* below is an ``idempotencyToken``: "If you retry a
request with the same client token, Image Builder returns the original response without running the operation
again"; IdempotentParameterMismatchException: "You have specified a client token for an operation using parameter
values that differ from a previous request that used the same client token"
(https://docs.aws.amazon.com/botocore/latest/reference/services/imagebuilder/client/exceptions/IdempotentParameterMismatchException.html).
Both rules are tested on the emulator itself in tests/emulator/tests/test_components.py and below.

tests/integration/test_retries.py faults calls *before* they reach the backend, so it cannot see a duplicate;
here every faulted call was applied (the call log's ``applied``)."""
import json
import uuid

import pytest
import yaml

from tests.integration.conftest import lists_visible
from tests.integration.helpers import document, task
from tests.integration.test_workflow import build_document

MODES = {"answer-5xx": {}, "connection-dropped": {"drop": True}}


@pytest.fixture
def prefix():
    return "la-" + uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def lifecycle_role(emulator):
    name = "LostAnswers" + uuid.uuid4().hex[:6]
    emulator.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "imagebuilder.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    return name


def steps(prefix, ami, profile, role):
    """(create operation, task, what exists of it afterwards: a function of the boto3 client) for every create
    kind whose clientToken AWS documents as idempotent, in the order a stack needs them."""
    def one(operation, key, **arguments):
        return lambda ib: [item["arn"] for item in getattr(ib, operation)(**arguments)[key]]

    by_name = dict(filters=[dict(name="name", values=[prefix])])
    image_version = "arn:aws:imagebuilder:us-east-1:123456789012:image/%s/1.0.0" % prefix
    return [
        ("CreateComponent", task("component", name=prefix, data=document("lost")),
         one("list_component_build_versions", "componentSummaryList",
             componentVersionArn="arn:aws:imagebuilder:us-east-1:123456789012:component/%s/1.0.0" % prefix)),
        ("CreateWorkflow", task("workflow", name=prefix, type="BUILD", data=yaml.safe_dump(build_document())),
         one("list_workflow_build_versions", "workflowSummaryList",
             workflowVersionArn="arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/%s/1.0.0" % prefix)),
        ("CreateImageRecipe", task("image_recipe", name=prefix, parent_image=ami, components=[dict(name=prefix)]),
         one("list_image_recipes", "imageRecipeSummaryList", **by_name)),
        ("CreateInfrastructureConfiguration", task("infrastructure_configuration", name=prefix, instance_profile_name=profile),
         one("list_infrastructure_configurations", "infrastructureConfigurationSummaryList", **by_name)),
        ("CreateDistributionConfiguration", task("distribution_configuration", name=prefix, distributions=[
            dict(region="us-east-1", ami_distribution_configuration=dict(name=prefix + "-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"))]),
         one("list_distribution_configurations", "distributionConfigurationSummaryList", **by_name)),
        ("CreateImagePipeline", task("image_pipeline", name=prefix, image_recipe=prefix, infrastructure_configuration=prefix,
                                     distribution_configuration=prefix),
         one("list_image_pipelines", "imagePipelineList", **by_name)),
        ("StartImagePipelineExecution", task("image", pipeline=prefix, wait=False),
         one("list_image_build_versions", "imageSummaryList", imageVersionArn=image_version)),
        ("CreateImage", task("image", image_recipe=prefix, infrastructure_configuration=prefix, force=True, wait=False),
         one("list_image_build_versions", "imageSummaryList", imageVersionArn=image_version)),
        ("CreateLifecyclePolicy", task("lifecycle_policy", name=prefix, execution_role=role, resource_type="AMI_IMAGE",
                                       policy_details=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=3))],
                                       resource_selection=dict(recipes=[dict(name=prefix, semantic_version="1.x.x")])),
         one("list_lifecycle_policies", "lifecyclePolicySummaryList", **by_name)),
    ]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_create_whose_answer_is_lost_is_retried_and_applied_once(play, emulator, prefix, linux_ami, instance_profile,
                                                                   lifecycle_role, mode):
    ib = emulator.client("imagebuilder")
    expected_builds = 0
    for operation, step, existing in steps(prefix, linux_ami, instance_profile, lifecycle_role):
        emulator.admin("POST", "faults", dict(operation=operation, error_rate=1, after=True, times=1, **MODES[mode]))
        emulator.reset_calls()
        try:
            result = play([step])
        finally:
            emulator.admin("DELETE", "faults")
        calls = [call for call in emulator.calls() if call["operation"] == operation]
        assert result[0]["changed"], (operation, result[0])
        lost = [call for call in calls if "applied" in call]
        assert len(lost) == 1 and lost[0]["applied"] < 300 and lost[0]["status"] == (0 if mode == "connection-dropped" else 503), calls
        assert [call["status"] for call in calls if "applied" not in call] == [200], ("the retry, answered", operation, calls)
        expected_builds += operation in ("StartImagePipelineExecution", "CreateImage")
        with lists_visible(emulator):
            found = existing(ib)
        want = expected_builds if operation in ("StartImagePipelineExecution", "CreateImage") else 1
        assert len(found) == want, ("the retry created %s again" % operation, found)
        assert result[0]["arn"] in found, (operation, result[0]["arn"], found)


def test_a_token_reused_for_another_request_is_refused(emulator, prefix, linux_ami):
    """The other half of the clientToken rule, on the emulator: same token, other request →
    IdempotentParameterMismatchException, and nothing created; same token, same request → the first answer."""
    ib = emulator.client("imagebuilder")
    component = ib.create_component(name=prefix, semanticVersion="1.0.0", platform="Linux", data=yaml.safe_dump(document()),
                                    clientToken="t-" + prefix)["componentBuildVersionArn"]
    first = ib.create_image_recipe(name=prefix, semanticVersion="1.0.0", parentImage=linux_ami,
                                   components=[dict(componentArn=component)], clientToken="r-" + prefix)
    again = ib.create_image_recipe(name=prefix, semanticVersion="1.0.0", parentImage=linux_ami,
                                   components=[dict(componentArn=component)], clientToken="r-" + prefix)
    assert again["imageRecipeArn"] == first["imageRecipeArn"] and again["clientToken"] == first["clientToken"] == "r-" + prefix
    with pytest.raises(ib.exceptions.IdempotentParameterMismatchException):
        ib.create_image_recipe(name=prefix, semanticVersion="1.0.1", parentImage=linux_ami,
                               components=[dict(componentArn=component)], clientToken="r-" + prefix)
    with lists_visible(emulator):
        listed = ib.list_image_recipes(filters=[dict(name="name", values=[prefix])])["imageRecipeSummaryList"]
    assert [item["arn"] for item in listed] == [first["imageRecipeArn"]]
