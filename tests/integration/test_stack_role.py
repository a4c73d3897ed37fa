"""The role amiforge.imagebuilder.stack against the emulator in AWS mode (List* lags, IAM propagates).

A playbook in its own folder runs the role; components come inline, from files (one found beside the
playbook, one in stack_project_dir) and from a role packaged by role_component. The tests check the
API state, the changed flags and the emulator's call log: a converge, a re-run that writes nothing,
mistakes refused before any call naming the key, a file that is not found with the places tried,
AWX-style strings (the stack as JSON, "true", "7200"), a plan on an empty account, and a teardown
that leaves nothing of the stack, images, AMIs, snapshots and SSM parameter included."""
import json
import os
import uuid

import pytest
import yaml

from tests.conftest import ROOT
from tests.integration.conftest import ensure_bucket, lists_visible, task_name
from tests.integration.helpers import document
from tests.integration.stack_helpers import BUILD_DATE, not_reads

ROLE = "amiforge.imagebuilder.stack : "
FIXTURE_ROLE = os.path.join(ROOT, "tests", "integration", "roles", "amiforge_marker")
AL2023 = "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


@pytest.fixture
def prefix():
    return "sr-" + uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def bucket(emulator):
    return ensure_bucket(emulator, "it-stack-role-artifacts")


@pytest.fixture
def project(tmp_path, prefix):
    """A user's project: a playbook that runs the role, a component file beside it, another in a separate folder."""
    plays, config = tmp_path / "plays", tmp_path / "config"
    (plays / "components").mkdir(parents=True)
    (config / "components").mkdir(parents=True)
    (plays / "components" / "beside.yml").write_text(yaml.safe_dump(document("beside the playbook")))
    (config / "components" / "in-project.yml").write_text(yaml.safe_dump(document("in the project folder")))
    playbook = plays / "site.yml"
    playbook.write_text(yaml.safe_dump([dict(name="Stack", hosts="localhost", gather_facts=False, tasks=[
        {"name": "Run the stack role", "ansible.builtin.include_role": {"name": "amiforge.imagebuilder.stack"}},
        {"name": "Result", "ansible.builtin.debug": {"var": "stack_result"}},
    ])], sort_keys=False))
    return dict(playbook=str(playbook), config=str(config), plays=str(plays))


def definition(prefix, profile, parent_image, **changes):
    stack = dict(
        name=prefix + "-stack",
        parent_image=parent_image,
        components=[
            dict(name=prefix + "-inline", data=document("inline")),
            dict(name=prefix + "-beside", file="components/beside.yml"),
            dict(name=prefix + "-project", file="components/in-project.yml", description="found in stack_project_dir"),
            dict(name=prefix + "-role", role=FIXTURE_ROLE, variables=dict(amiforge_marker_message="baked")),
        ],
        instance_profile_name=profile,
        instance_types=["t3.small"],
        schedule=dict(expression="cron(0 3 ? * SUN *)"),
    )
    stack.update(changes)
    return stack


def role_vars(project, stack, bucket, **others):
    return dict(dict(stack_definition=stack, stack_artifacts_bucket=bucket, stack_project_dir=project["config"]), **others)


def changed_by_task(result):
    return dict((task["task"]["name"].replace(ROLE, ""), bool(task["hosts"]["localhost"].get("changed"))) for task in result.tasks
                if not task["hosts"]["localhost"].get("skipped"))


def stack_result(result):
    return result.by_name("Result")["stack_result"]


def writes_of_any_service(calls):
    """Every write the emulator logged (any service), successful or not."""
    return not_reads(calls)


def test_a_stack_of_inline_file_and_role_components_converges_then_changes_nothing(
        play, emulator, prefix, project, bucket, linux_ami, instance_profile):
    stack = definition(prefix, instance_profile, linux_ami)
    emulator.reset_calls()
    first = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket))
    calls = emulator.calls()
    result = stack_result(first)
    assert result["state"] == "present" and result["changed"] is True and result["region"] == "us-east-1"
    assert [(item["name"], item["version"], item["changed"]) for item in result["components"]] == [
        (prefix + "-inline", "1.0.0", True), (prefix + "-beside", "1.0.0", True), (prefix + "-project", "1.0.0", True),
        (prefix + "-role", "1.0.0", True)]
    assert result["image_recipe"].endswith(":image-recipe/%s-stack/1.0.0" % prefix)
    assert result["distribution_configuration"] is None and result["image"] is None and result["amis"] == {}
    created = sorted("%s:%s" % (call["service"], call["operation"]) for call in calls
                     if not call["operation"].startswith(("Get", "List", "Describe", "Head")) and call["operation"] != "GetCallerIdentity"
                     and int(call["status"]) < 300)
    assert created == sorted(["imagebuilder:CreateComponent"] * 4 + [
        "s3:PutObject", "imagebuilder:CreateImageRecipe", "imagebuilder:CreateInfrastructureConfiguration", "imagebuilder:CreateImagePipeline"])
    assert {call["region"] for call in calls if call["service"] not in ("iam", "sts")} == {"us-east-1"}

    client = emulator.client("imagebuilder")
    recipe = client.get_image_recipe(imageRecipeArn=result["image_recipe"])["imageRecipe"]
    assert [component["componentArn"].split("/")[-2] for component in recipe["components"]] == [
        prefix + "-inline", prefix + "-beside", prefix + "-project", prefix + "-role"], "the stack's components in the order given"
    beside = client.get_component(componentBuildVersionArn=result["components"][1]["arn"])["component"]
    assert "beside the playbook" in beside["data"]
    project_component = client.get_component(componentBuildVersionArn=result["components"][2]["arn"])["component"]
    assert "in the project folder" in project_component["data"]
    role_component = client.get_component(componentBuildVersionArn=result["components"][3]["arn"])["component"]
    assert "amiforge_marker_message" in role_component["data"] and "baked" in role_component["data"]
    keys = [item["Key"] for item in emulator.client("s3").list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(key.startswith("imagebuilder/%s-stack/%s-role/" % (prefix, prefix)) for key in keys), keys

    emulator.reset_calls()
    again = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket))
    assert writes_of_any_service(emulator.calls()) == [], "a re-run makes no write call of any service"
    assert not any(changed_by_task(again).values()), changed_by_task(again)
    assert stack_result(again)["changed"] is False
    assert [item["arn"] for item in stack_result(again)["components"]] == [item["arn"] for item in result["components"]]


@pytest.mark.parametrize("change, expected", [
    (dict(components=[dict(name="x", dta="typo")]), "dta"),
    (dict(components=[dict(data="no name")]), "name"),
    (dict(components=[dict(name="x", data="a", file="b.yml")]), "mutually exclusive: data|file|role"),
    (dict(components=[dict(name="x", data="a", variables=dict(a=1))]), "variables"),
    (dict(schedule=dict(expresion="cron(0 3 ? * SUN *)")), "expresion"),
    (dict(distributions=[dict(region="eu-west-1", ssm_parameter_configurations=[dict(name="/x")])]), "parameter_name"),
    (dict(status="PAUSED"), "status"),
    (dict(keep_versions="five"), "keep_versions"),
    (dict(name=None), "name"),
], ids=["unknown-key", "missing-name", "data-and-file", "variables-without-role", "nested-typo", "ssm-without-name", "bad-choice",
        "not-an-int", "no-stack-name"])
def test_a_mistake_in_the_stack_fails_before_any_call_naming_the_key(play, emulator, prefix, project, bucket, change, expected):
    stack = definition(prefix, "profile", "ami-0123456789abcdef0", **change)
    if stack["name"] is None:
        del stack["name"]
    emulator.reset_calls()
    failed = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket), expect_failure=True)
    assert failed.failed
    message = [result for result in failed.results if result.get("failed")][0]["msg"]
    assert expected in message, message
    assert "stack_definition" in message, message
    assert emulator.calls() == [], "no call of any kind"


def test_a_missing_file_and_state_rules_fail_before_any_call_listing_what_was_tried(play, emulator, prefix, project, bucket):
    stack = definition(prefix, "profile", "ami-0123456789abcdef0")
    stack["components"][1]["file"] = "components/nowhere.yml"
    emulator.reset_calls()
    failed = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket), expect_failure=True)
    message = [result for result in failed.results if result.get("failed")][0]["msg"]
    assert message.startswith("stack_definition.components[1].file: components/nowhere.yml not found; tried "), message
    tried = message.split("; tried ", 1)[1].split(", ")
    assert tried == [os.path.join(project["config"], "components/nowhere.yml"), os.path.join(project["plays"], "components/nowhere.yml"),
                     os.path.join(ROOT, "components/nowhere.yml")], "stack_project_dir, the playbook's folder, the current directory"
    assert emulator.calls() == []

    incomplete = definition(prefix, "profile", "ami-0123456789abcdef0")
    del incomplete["parent_image"]
    no_bucket = play(playbook=project["playbook"], extra_vars=role_vars(project, incomplete, ""), expect_failure=True)
    message = [result for result in no_bucket.results if result.get("failed")][0]["msg"]
    assert "stack_definition.parent_image: required with stack_state present" in message, message
    assert "stack_artifacts_bucket: required, as components %s-role have role" % prefix in message, message
    assert emulator.calls() == []


def test_a_plan_on_an_empty_account_runs_to_the_end_in_the_region_asked(play, emulator, prefix, project, bucket, instance_profile):
    stack = definition(prefix, instance_profile, AL2023, distributions=[dict(
        region="eu-west-1", ami_distribution_configuration=dict(name=prefix + "-" + BUILD_DATE))])
    emulator.reset_calls()
    plan = play(playbook=project["playbook"], check=True, diff=True,
                extra_vars=role_vars(project, stack, bucket, stack_region="eu-west-1", stack_build=True))
    calls = emulator.calls()
    assert not_reads(calls) == [], "a plan calls nothing but reads"
    assert {call["region"] for call in calls if call["service"] not in ("iam", "sts", "s3")} == {"eu-west-1"}, \
        "every module, ours and amazon.aws's, got the region from the role"
    changed = changed_by_task(plan)
    for name in ("Converge the components", "Converge the image recipe", "Converge the infrastructure configuration",
                 "Converge the distribution configuration", "Converge the image pipeline",
                 "Bake the image if the recipe changed since the last build"):
        assert changed[name], (name, changed)
    result = stack_result(plan)
    assert result["region"] == "eu-west-1"
    assert result["image_pipeline"] == "arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/%s-stack" % prefix
    assert result["image"]["arn"] == "arn:aws:imagebuilder:eu-west-1:123456789012:image/%s-stack/1.0.0/1" % prefix
    assert [item["version"] for item in result["components"]] == ["1.0.0"] * 4
    recipe = plan.by_name(ROLE + "Converge the image recipe")
    assert recipe["diff"]["after"]["components"][0]["component_arn"].endswith("component/%s-inline/1.0.0" % prefix)
    with lists_visible(emulator):
        assert emulator.client("imagebuilder", region="eu-west-1").list_image_pipelines()["imagePipelineList"] == []


def test_survey_strings_build_then_absent_removes_everything_and_converges(
        play, emulator, prefix, project, bucket, instance_profile):
    parameter = "/%s/golden" % prefix
    stack = definition(prefix, instance_profile, AL2023, keep_versions="3", terminate_instance_on_failure="false", distributions=[
        dict(region="us-east-1", ami_distribution_configuration=dict(name=prefix + "-" + BUILD_DATE),
             ssm_parameter_configurations=[dict(parameter_name=parameter)]),
        dict(region="eu-west-1", ami_distribution_configuration=dict(name=prefix + "-" + BUILD_DATE)),
    ])
    survey = dict(stack_definition=json.dumps(stack), stack_artifacts_bucket=bucket, stack_project_dir=project["config"],
                  stack_build="true", stack_wait_timeout="7200")
    built = play(playbook=project["playbook"], extra_vars=survey)
    result = stack_result(built)
    assert result["image"]["status"] == "AVAILABLE"
    assert sorted(result["amis"]) == ["eu-west-1", "us-east-1"]
    ssm = emulator.client("ssm")
    assert ssm.get_parameter(Name=parameter)["Parameter"]["Value"] == result["amis"]["us-east-1"]
    snapshots = {}
    for region, ami in result["amis"].items():
        image = emulator.client("ec2", region=region).describe_images(ImageIds=[ami])["Images"][0]
        snapshots[region] = [mapping["Ebs"]["SnapshotId"] for mapping in image.get("BlockDeviceMappings", []) if "SnapshotId" in mapping.get("Ebs", {})]

    # a half-gone stack: the pipeline was deleted by hand
    emulator.client("imagebuilder").delete_image_pipeline(imagePipelineArn=result["image_pipeline"])
    absent = dict(survey, stack_state="absent", stack_delete_images="true")
    removed = play(playbook=project["playbook"], extra_vars=absent)
    assert stack_result(removed)["changed"] is True and stack_result(removed)["state"] == "absent"
    changed = changed_by_task(removed)
    assert changed["Delete the image pipeline"] is False and changed["Delete every version of the image recipe"] is True

    with lists_visible(emulator):
        client = emulator.client("imagebuilder")
        for listing, key in (("list_components", "componentVersionList"), ("list_image_recipes", "imageRecipeSummaryList"),
                             ("list_images", "imageVersionList"), ("list_image_pipelines", "imagePipelineList"),
                             ("list_infrastructure_configurations", "infrastructureConfigurationSummaryList"),
                             ("list_distribution_configurations", "distributionConfigurationSummaryList")):
            left = [item["arn"] for item in getattr(client, listing)()[key] if prefix in item["arn"]]
            assert left == [], (listing, left)
    for region, ami in result["amis"].items():
        ec2 = emulator.client("ec2", region=region)
        assert ec2.describe_images(Filters=[dict(Name="image-id", Values=[ami])])["Images"] == []
        for snapshot in snapshots[region]:
            assert ec2.describe_snapshots(Filters=[dict(Name="snapshot-id", Values=[snapshot])])["Snapshots"] == []
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=parameter)
    assert emulator.client("s3").list_objects_v2(Bucket=bucket, Prefix="imagebuilder/%s-stack/" % prefix).get("KeyCount") == 0

    emulator.reset_calls()
    again = play(playbook=project["playbook"], extra_vars=absent)
    assert stack_result(again)["changed"] is False and not any(changed_by_task(again).values())
    assert not_reads(emulator.calls()) == []


def test_a_lifecycle_policy_follows_the_stack_recipe_and_goes_with_the_stack(
        play, emulator, prefix, project, bucket, linux_ami, instance_profile):
    iam = emulator.client("iam")
    role = prefix + "-lifecycle"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "imagebuilder.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    stack = definition(prefix, instance_profile, linux_ami, components=[dict(name=prefix + "-inline", data=document("inline"))],
                       lifecycle_policy=dict(execution_role=role, policy_details=[dict(
                           action=dict(type="DELETE", include_resources=dict(amis=True, snapshots=True)),
                           filter=dict(type="COUNT", value=5))]))
    converged = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket))
    result = stack_result(converged)
    assert result["lifecycle_policy"].endswith(":lifecycle-policy/%s-stack" % prefix)
    assert changed_by_task(converged)["Converge the lifecycle policy"] is True
    policy = emulator.client("imagebuilder").get_lifecycle_policy(lifecyclePolicyArn=result["lifecycle_policy"])["lifecyclePolicy"]
    assert policy["resourceSelection"] == {"recipes": [{"name": prefix + "-stack", "semanticVersion": "x.x.x"}]}, "the stack's recipe"
    assert policy["resourceType"] == "AMI_IMAGE" and policy["executionRole"].endswith(":role/" + role)

    emulator.reset_calls()
    again = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket))
    assert writes_of_any_service(emulator.calls()) == [] and stack_result(again)["changed"] is False

    removed = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket, stack_state="absent"))
    assert changed_by_task(removed)["Delete the lifecycle policy"] is True
    with lists_visible(emulator):
        left = emulator.client("imagebuilder").list_lifecycle_policies()["lifecyclePolicySummaryList"]
    assert [item["arn"] for item in left if prefix in item["arn"]] == []


def test_stack_workflows_run_the_build_and_go_with_the_stack(play, emulator, prefix, project, bucket, linux_ami, instance_profile):
    role = prefix + "-wf-role"
    emulator.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument="{}")
    launch = dict(name="Launch", action="LaunchInstance", inputs=dict(waitFor="ssmAgent"))
    on_instance = {"instanceId.$": "$.stepOutputs.Launch.instanceId"}
    workflows = [
        dict(name=prefix + "-build", type="BUILD", data=dict(schemaVersion=1.0, steps=[
            launch, dict(name="Components", action="ExecuteComponents", inputs=on_instance),
            dict(name="Snapshot", action="CreateImage", inputs=on_instance),
            dict(name="Terminate", action="TerminateInstance", onFailure="Continue", inputs=on_instance)])),
        dict(name=prefix + "-test", type="TEST", parallel_group="smoke", parameters=[dict(name="suite", value="smoke")],
             data=dict(schemaVersion=1.0, parameters=[dict(name="suite", type="string")], steps=[
                 launch, dict(name="Terminate", action="TerminateInstance", inputs=on_instance)])),
    ]
    stack = definition(prefix, instance_profile, linux_ami, components=[dict(name=prefix + "-inline", data=document("inline"))],
                       workflows=workflows, execution_role=role)
    missing_role = play(playbook=project["playbook"], extra_vars=role_vars(project, dict(stack, execution_role=None), bucket),
                        expect_failure=True)
    assert "stack_definition.execution_role: required, as the stack has workflows" in str(missing_role.results)

    emulator.reset_calls()
    built = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket, stack_build=True))
    result = stack_result(built)
    assert result["image"]["status"] == "AVAILABLE"
    assert [arn.split("/")[-4:-2] for arn in result["workflows"]] == [["build", prefix + "-build"], ["test", prefix + "-test"]]
    client = emulator.client("imagebuilder")
    pipeline = client.get_image_pipeline(imagePipelineArn=result["image_pipeline"])["imagePipeline"]
    assert [item["workflowArn"] for item in pipeline["workflows"]] == [arn.rsplit("/", 1)[0] for arn in result["workflows"]]
    assert pipeline["workflows"][1]["parallelGroup"] == "smoke" and pipeline["executionRole"] == role
    executions = client.list_workflow_executions(imageBuildVersionArn=result["image"]["arn"])["workflowExecutions"]
    assert [(item["workflowBuildVersionArn"], item["status"]) for item in executions] == [(arn, "COMPLETED") for arn in result["workflows"]]

    emulator.reset_calls()
    again = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket, stack_build=True))
    assert writes_of_any_service(emulator.calls()) == [] and stack_result(again)["changed"] is False

    removed = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket, stack_state="absent", stack_delete_images=True))
    changed = changed_by_task(removed)
    assert changed["Delete the image pipeline"] is True and changed["Delete every version of the workflows"] is True
    with lists_visible(emulator):
        left = [item["arn"] for item in client.list_workflows(owner="Self")["workflowVersionList"] if prefix in item["arn"]]
    assert left == []


def test_a_stack_next_to_same_named_resources_of_someone_else_changes_nothing_and_says_so_until_adopted(
        play, emulator, prefix, project, bucket, linux_ami, instance_profile):
    """Issue 13's ownership acceptance: a component and an infrastructure configuration of the stack's names, made by another
    tool (boto3, no amiforge:stack tag) and by another stack: the converge, its plan and the teardown stop before any write
    of any service, naming the resource, its ARN and its owner; with adopt the stack converges and tags them as its own."""
    client = emulator.client("imagebuilder")
    theirs = client.create_component(name=prefix + "-inline", semanticVersion="1.0.0", platform="Linux", clientToken=str(uuid.uuid4()),
                                     data=yaml.safe_dump(document("theirs")), tags={"amiforge:stack": "their-stack"})
    component = theirs["componentBuildVersionArn"]
    delay = emulator.settings()["iam_propagation_seconds"]
    emulator.settings(iam_propagation_seconds=0)  # the other tool's profile propagated long ago
    try:
        infrastructure = client.create_infrastructure_configuration(
            name=prefix + "-stack", instanceProfileName=instance_profile, clientToken=str(uuid.uuid4()))["infrastructureConfigurationArn"]
    finally:
        emulator.settings(iam_propagation_seconds=delay)
    stack = definition(prefix, instance_profile, linux_ami)

    def refusal(result):
        """The one failed task's message: the role's last check, which lists every conflict."""
        failures = [(task_name(task), task["hosts"]["localhost"]) for task in result.tasks if task["hosts"]["localhost"].get("failed")]
        assert [name for name, _result in failures] == ["Stop, having changed nothing, when a resource of the stack's names belongs to "
                                                        "someone else"], failures
        assert "Converge the components" not in changed_by_task(result), "the stack stopped before its first converge"
        return failures[0][1]["msg"]

    component_conflict = ("component %r (%s) belongs to another stack: their-stack, not to stack %r"
                          % (prefix + "-inline", component, prefix + "-stack"))
    infrastructure_conflict = ("infrastructure configuration %r (%s) belongs to no amiforge:stack tag: created by another tool or by "
                               "hand, not to stack %r" % (prefix + "-stack", infrastructure, prefix + "-stack"))
    for check, state in ((False, "present"), (True, "present"), (False, "absent")):
        emulator.reset_calls()
        failed = play(playbook=project["playbook"], check=check, expect_failure=True,
                      extra_vars=role_vars(project, stack, bucket, stack_state=state))
        assert writes_of_any_service(emulator.calls()) == [], "no write call of any service (%s, check=%s)" % (state, check)
        message = refusal(failed)
        assert message.startswith("%s; %s. Nothing was %s. Set adopt: true" % (
            component_conflict, infrastructure_conflict, "deleted" if state == "absent" else "changed")), message

    # the component adopted alone: the infrastructure configuration, made by another tool, stops the run, still before any write
    adopt_component = dict(stack, components=[dict(item, adopt=True) if item["name"] == prefix + "-inline" else item
                                              for item in stack["components"]])
    emulator.reset_calls()
    failed = play(playbook=project["playbook"], expect_failure=True, extra_vars=role_vars(project, adopt_component, bucket))
    assert writes_of_any_service(emulator.calls()) == []
    assert refusal(failed).startswith(infrastructure_conflict + ". Nothing was changed."), refusal(failed)
    assert client.get_component(componentBuildVersionArn=component)["component"]["tags"] == {"amiforge:stack": "their-stack"}
    assert not client.get_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)["infrastructureConfiguration"].get("tags")

    adopted = play(playbook=project["playbook"], extra_vars=role_vars(project, dict(stack, adopt=True), bucket))
    result = stack_result(adopted)
    assert result["changed"] is True
    inline = result["components"][0]
    assert (inline["name"], inline["version"]) == (prefix + "-inline", "1.0.1"), "their content: the stack's next version"
    assert client.get_component(componentBuildVersionArn=inline["arn"])["component"]["tags"] == {"amiforge:stack": prefix + "-stack"}
    assert result["infrastructure_configuration"] == infrastructure
    got = client.get_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)["infrastructureConfiguration"]
    assert got["tags"] == {"amiforge:stack": prefix + "-stack"} and got["instanceTypes"] == ["t3.small"]
    for key in ("image_recipe", "image_pipeline"):
        arn = result[key]
        getter = client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"] if key == "image_recipe" else \
            client.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
        assert getter["tags"] == {"amiforge:stack": prefix + "-stack"}, (key, getter.get("tags"))

    emulator.reset_calls()
    again = play(playbook=project["playbook"], extra_vars=role_vars(project, stack, bucket))
    assert writes_of_any_service(emulator.calls()) == [] and stack_result(again)["changed"] is False, "the stack's own from then on"
