"""amiforge.imagebuilder.workflow against the emulator: versions follow content, re-runs write nothing, check mode
predicts without writing, bad input fails before any write; and a build with a custom BUILD and a custom TEST
workflow runs those workflows (read back with boto3 from the emulator)."""
import uuid

import pytest
import yaml

from tests.integration.conftest import lists_visible
from tests.integration.helpers import task

ACCOUNT = "123456789012"


def build_document(extra_step=False):
    steps = [
        dict(name="LaunchBuildInstance", action="LaunchInstance", onFailure="Abort", inputs=dict(waitFor="ssmAgent")),
        dict(name="ApplyBuildComponents", action="ExecuteComponents", onFailure="Abort",
             inputs={"instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceId"}),
        dict(name="CreateOutputAMI", action="CreateImage", onFailure="Abort",
             inputs={"instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceId"}),
        dict(name="TerminateBuildInstance", action="TerminateInstance", onFailure="Continue",
             inputs={"instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceId"}),
    ]
    if extra_step:
        steps.insert(2, dict(name="Sanitize", action="SanitizeInstance", inputs={"instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceId"}))
    return dict(name="custom-build", schemaVersion=1.0, steps=steps, outputs=[dict(name="ImageId", value="$.stepOutputs.CreateOutputAMI.imageId")])


def workflow_test_document():
    return dict(schemaVersion=1.0, parameters=[dict(name="pauseAtEnd", type="boolean", default=False), dict(name="suite", type="string")],
                steps=[dict(name="LaunchTestInstance", action="LaunchInstance", inputs=dict(waitFor="ssmAgent")),
                       dict(name="RunTests", action="ExecuteComponents", inputs={"instanceId.$": "$.stepOutputs.LaunchTestInstance.instanceId"}),
                       dict(name="TerminateTestInstance", action="TerminateInstance", onFailure="Continue",
                            inputs={"instanceId.$": "$.stepOutputs.LaunchTestInstance.instanceId"}),
                       dict(name="PauseAtEnd", action="WaitForAction", **{"if": dict(booleanEquals=True, value="$.parameters.pauseAtEnd")})])


def workflow_task(name, **options):
    options.setdefault("type", "BUILD")
    options.setdefault("data", build_document())
    return {"name": "workflow", "amiforge.imagebuilder.workflow": dict(name=name, **options), "register": "out"}


def versions(emulator, name, workflow_type="build"):
    with lists_visible(emulator):
        listed = emulator.client("imagebuilder").list_workflows(owner="Self", filters=[dict(name="name", values=[name])])
    return sorted(item["arn"].rsplit("/", 1)[1] for item in listed["workflowVersionList"] if "/%s/" % workflow_type in item["arn"])


@pytest.fixture
def name():
    return "it-wf-" + uuid.uuid4().hex[:10]


def test_create_rerun_new_version_and_tags(play, writes, emulator, name):
    first = play([workflow_task(name, tags=dict(team="platform"), description="ours")])
    assert first[0]["changed"] is True and first[0]["version"] == "1.0.0"
    assert first[0]["arn"] == "arn:aws:imagebuilder:us-east-1:%s:workflow/build/%s/1.0.0/1" % (ACCOUNT, name)
    assert writes() == ["CreateWorkflow"]
    got = emulator.client("imagebuilder").get_workflow(workflowBuildVersionArn=first[0]["arn"])["workflow"]
    assert got["type"] == "BUILD" and got["tags"] == {"team": "platform"} and yaml.safe_load(got["data"]) == build_document()

    again = play([workflow_task(name, tags=dict(team="platform"), description="ours",
                                data=yaml.safe_dump(build_document(), default_flow_style=True))])  # the same content, written otherwise
    assert again[0]["changed"] is False and again[0]["arn"] == first[0]["arn"]
    assert writes() == []

    words = play([workflow_task(name, tags=dict(team="platform"), description="ours", change_description="only words")])
    assert words[0]["changed"] is False and writes() == []

    nxt = play([workflow_task(name, data=build_document(extra_step=True), tags=dict(team="platform"), description="ours")])
    assert (nxt[0]["changed"], nxt[0]["version"]) == (True, "1.0.1")
    assert writes() == ["CreateWorkflow"]
    assert versions(emulator, name) == ["1.0.0", "1.0.1"]

    retag = play([workflow_task(name, data=build_document(extra_step=True), description="ours", tags=dict(team="core"))])
    assert retag[0]["changed"] is True and retag[0]["version"] == "1.0.1"
    assert sorted(writes()) == ["TagResource"]
    assert emulator.client("imagebuilder").list_tags_for_resource(resourceArn=retag[0]["arn"])["tags"] == {"team": "core"}

    with lists_visible(emulator):  # on AWS, versions older than List's lag
        info = play([task("workflow_info", register="found", name=name, type="BUILD"),
                     task("workflow_info", register="every", name=name, all_versions=True)])
    assert [item["version"] for item in info[0]["workflows"]] == ["1.0.1"]
    assert [item["version"] for item in info[1]["workflows"]] == ["1.0.0", "1.0.1"]


def test_same_name_other_type_is_another_workflow(play, writes, emulator, name):
    play([workflow_task(name), workflow_task(name, type="TEST", data=workflow_test_document())])
    assert writes() == ["CreateWorkflow", "CreateWorkflow"]
    assert versions(emulator, name, "build") == ["1.0.0"] and versions(emulator, name, "test") == ["1.0.0"]
    gone = play([workflow_task(name, state="absent")])
    assert len(gone[0]["deleted_versions"]) == 1 and ":workflow/build/" in gone[0]["deleted_versions"][0]
    assert versions(emulator, name, "build") == [] and versions(emulator, name, "test") == ["1.0.0"]


def test_check_mode_and_diff(play, writes, emulator, name):
    emulator.reset_calls()
    created = play([workflow_task(name)], check=True, diff=True)
    assert created[0]["changed"] is True and created[0]["version"] == "1.0.0"
    assert created[0]["arn"] == "arn:aws:imagebuilder:us-east-1:%s:workflow/build/%s/1.0.0/1" % (ACCOUNT, name)
    assert created[0]["diff"]["after"]["data"]["schemaVersion"] == 1.0, "the document's own keys stay as written"
    assert writes() == [] and versions(emulator, name) == []

    play([workflow_task(name)])
    writes()
    predicted = play([workflow_task(name, data=build_document(extra_step=True))], check=True, diff=True)
    assert predicted[0]["changed"] is True and predicted[0]["arn"].endswith("workflow/build/%s/1.0.1/1" % name)
    assert (predicted[0]["diff"]["before"]["version"], predicted[0]["diff"]["after"]["version"]) == ("1.0.0", "1.0.1")
    assert [step["name"] for step in predicted[0]["diff"]["after"]["data"]["steps"]][2] == "Sanitize"
    assert writes() == [] and versions(emulator, name) == ["1.0.0"]


def test_check_mode_with_validate_with_service_sends_the_create_as_a_dry_run(play, writes, emulator, name):
    emulator.reset_calls()
    planned = play([workflow_task(name, validate_with_service=True)], check=True)
    assert planned[0]["changed"] is True
    dry_runs = [call for call in emulator.calls() if call["operation"] == "CreateWorkflow"]
    assert [call["status"] for call in dry_runs] == [412], "one CreateWorkflow with dryRun, answered DryRunOperationException"
    assert writes() == [] and versions(emulator, name) == []

    # the offline validation off, a step action the service does not know is refused by the dry run alone
    unknown = build_document()
    unknown["steps"][1]["action"] = "RunEverything"
    failed = play([workflow_task(name, data=unknown, validate=False, validate_with_service=True)], check=True, expect_failure=True)
    assert "validate_with_service" in failed[0]["msg"] and "RunEverything" in failed[0]["msg"], failed[0]["msg"]
    assert versions(emulator, name) == []


def test_absent_deletes_every_version(play, writes, emulator, name):
    play([workflow_task(name), workflow_task(name, data=build_document(extra_step=True))])
    writes()
    gone = play([workflow_task(name, state="absent")])
    assert gone[0]["changed"] is True and sorted(arn.rsplit("/", 1)[1] for arn in gone[0]["deleted_versions"]) == ["1.0.0", "1.0.1"]
    assert writes() == ["DeleteWorkflow", "DeleteWorkflow"]
    assert versions(emulator, name) == []
    again = play([workflow_task(name, state="absent")])
    assert again[0]["changed"] is False and writes() == []


@pytest.mark.parametrize("options, message", [
    (dict(data=dict(schemaVersion=1.0, steps=[dict(name="Launch", action="LaunchInstance"),
                                              dict(name="Run", action="ExecuteComponent", inputs={"instanceId.$": "$.stepOutputs.Launch.instanceId"})])),
     "data: the BUILD workflow document has 1 error(s): steps[1].action: unknown workflow step action 'ExecuteComponent' (did you mean "
     "'ExecuteComponents'?)"),
    (dict(data="schemaVersion: 1.0\nsteps:\n  - name: Launch\n    action: LaunchInstance\n    onFailure: Ignore\n"),
     "steps[0].onFailure (line 5): onFailure of a workflow step must be Abort or Continue"),
    (dict(data=dict(schemaVersion=1.0, steps=[dict(name="Terminate", action="TerminateInstance")])),
     "steps[0].inputs.instanceId: TerminateInstance needs input 'instanceId'"),
    (dict(type="TEST", data=dict(schemaVersion=1.0, steps=[dict(name="Launch", action="LaunchInstance"), dict(
        name="Metadata", action="CollectImageMetadata", inputs={"instanceId.$": "$.stepOutputs.Launch.instanceId"})])),
     "steps[1].action: CollectImageMetadata is only valid in BUILD workflows, and this is a TEST workflow"),
    (dict(data="steps: [unclosed"), "data: the workflow document is not valid YAML"),
    (dict(type="DEPLOY"), "value of type must be one of: BUILD, TEST, DISTRIBUTION"),
    (dict(uri="https://example.invalid/wf.yml", data=None), "uri: 'https://example.invalid/wf.yml' is not an S3 URI"),
    (dict(version="1.0"), "version: '1.0' is not a semantic version"),
    (dict(name="x"), "name: 'x' is not a valid Image Builder name"),
    (dict(tags={"aws:team": "x"}), "tags: key 'aws:team' must match"),
    (dict(kms_key_id="alias/no-such-key"), "kms_key_id: KMS key alias/no-such-key does not exist"),
])
def test_bad_input_fails_before_any_write(play, writes, emulator, name, options, message):
    options.setdefault("name", name)
    entry = workflow_task(**options)
    if options.get("data", "") is None:
        del entry["amiforge.imagebuilder.workflow"]["data"]
    result = play([entry], expect_failure=True)
    assert result[0]["failed"] and message in result[0]["msg"], result[0]["msg"]
    assert writes() == []
    assert versions(emulator, options["name"]) == []


# --------------------------------------------------------------------------- a build with custom workflows

@pytest.fixture
def execution_role(emulator):
    name = "it-wf-role-" + uuid.uuid4().hex[:6]
    emulator.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument="{}")
    return name


def test_build_with_custom_build_and_test_workflows(play, writes, emulator, name, linux_ami, instance_profile, execution_role):
    build_name, test_name = name + "-build", name + "-test"
    recipe, infrastructure = name + "-recipe", name + "-infra"
    workflows = [dict(workflow=build_name), dict(workflow=test_name, parameters=[dict(name="suite", value="smoke")],
                                                 on_failure="ABORT", parallel_group="smoke")]
    build = [
        workflow_task(build_name),
        workflow_task(test_name, type="TEST", data=workflow_test_document()),
        task("image_recipe", name=recipe, parent_image=linux_ami,
             components=[dict(arn="arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x")]),
        task("infrastructure_configuration", name=infrastructure, instance_profile_name=instance_profile),
        task("image", register="built", image_recipe=recipe, infrastructure_configuration=infrastructure, workflows=workflows,
             execution_role=execution_role),
    ]
    planned = play(build, check=True)
    assert planned.changed == [True] * 5, "check mode predicts the whole ripple, the build included"
    assert writes() == []

    result = play(build)
    image = result[4]
    assert image["changed"] is True and image["image"]["state"]["status"] == "AVAILABLE"
    client = emulator.client("imagebuilder")
    got = client.get_image(imageBuildVersionArn=image["arn"])["image"]
    build_arn = "arn:aws:imagebuilder:us-east-1:%s:workflow/build/%s/1.0.0" % (ACCOUNT, build_name)
    test_arn = "arn:aws:imagebuilder:us-east-1:%s:workflow/test/%s/1.0.0" % (ACCOUNT, test_name)
    assert got["workflows"] == [dict(workflowArn=build_arn),
                                dict(workflowArn=test_arn, parameters=[dict(name="suite", value=["smoke"])], onFailure="ABORT",
                                     parallelGroup="smoke")]
    assert got["executionRole"] == execution_role
    executions = client.list_workflow_executions(imageBuildVersionArn=image["arn"])["workflowExecutions"]
    assert [(execution["type"], execution["workflowBuildVersionArn"], execution["status"]) for execution in executions] == [
        ("BUILD", build_arn + "/1", "COMPLETED"), ("TEST", test_arn + "/1", "COMPLETED")], "the custom workflows ran, not Amazon's"
    steps = client.list_workflow_step_executions(workflowExecutionId=executions[1]["workflowExecutionId"])["steps"]
    assert [step["name"] for step in steps] == ["LaunchTestInstance", "RunTests", "TerminateTestInstance", "PauseAtEnd"]

    writes()
    again = play(build)
    assert again.changed == [False] * 5 and writes() == [], "a re-run builds nothing and writes nothing"


@pytest.mark.parametrize("workflows, message", [
    ([dict(workflow="@B", parameters=[dict(name="suite", value="x")])], "workflows[0].parameters[0].name: 'suite' is not a parameter of workflow"),
    ([dict(workflow="@T")], "workflows[0].parameters: workflow arn:aws:imagebuilder:us-east-1:%s:workflow/test/@T/1.0.0 needs a value for suite"
     % ACCOUNT),
    ([dict(workflow="@T", parameters=[dict(name="suite", value="x"), dict(name="pauseAtEnd", value="maybe")])],
     "workflows[0].parameters[1].value: 'maybe' is not true or false"),
    ([dict(workflow="@B", parallel_group="g")], "workflows[0].parallel_group: parallel groups are for TEST workflows"),
    ([dict(workflow="@B"), dict(workflow="@T", parallel_group="bad group")], "workflows[1].parallel_group: 'bad group' must be"),
    ([dict(workflow="distribute-image")], "workflows[0].workflow: arn:aws:imagebuilder:us-east-1:aws:workflow/distribution/distribute-image/"
     "x.x.x is a DISTRIBUTION workflow"),
    ([dict(workflow="@B-none")], "workflows[0].workflow: workflow '@B-none' does not exist in us-east-1"),
    ([dict(workflow="arn:aws:imagebuilder:us-east-1:%s:workflow/@B/1.0.0" % ACCOUNT)], "workflows[0].workflow: "),
])
def test_pipeline_workflows_checked_before_any_write(play, writes, emulator, name, linux_ami, instance_profile, execution_role, workflows,
                                                     message):
    build_name, test_name = name + "-b", name + "-t"
    play([workflow_task(build_name), workflow_task(test_name, type="TEST", data=workflow_test_document()),
          task("image_recipe", name=name + "-r", parent_image=linux_ami,
               components=[dict(arn="arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x")]),
          task("infrastructure_configuration", name=name + "-i", instance_profile_name=instance_profile)])
    writes()
    replaced = yaml.safe_load(yaml.safe_dump(workflows).replace("@B", build_name).replace("@T", test_name))
    result = play([task("image_pipeline", name=name + "-p", image_recipe=name + "-r", infrastructure_configuration=name + "-i",
                        workflows=replaced, execution_role=execution_role)], expect_failure=True)
    assert result[0]["failed"] and message.replace("@B", build_name).replace("@T", test_name) in result[0]["msg"], result[0]["msg"]
    assert writes() == []


def test_pipeline_with_workflows_by_name_is_unchanged_on_rerun(play, writes, emulator, name, linux_ami, instance_profile, execution_role):
    build_name = name + "-b"
    pipeline = task("image_pipeline", name=name + "-p", image_recipe=name + "-r", infrastructure_configuration=name + "-i",
                    workflows=[dict(workflow=build_name), dict(workflow="test-image")], execution_role=execution_role)
    setup = [workflow_task(build_name), task("image_recipe", name=name + "-r", parent_image=linux_ami,
                                             components=[dict(arn="arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x")]),
             task("infrastructure_configuration", name=name + "-i", instance_profile_name=instance_profile)]
    first = play(setup + [pipeline])
    stored = emulator.client("imagebuilder").get_image_pipeline(imagePipelineArn=first[3]["arn"])["imagePipeline"]
    assert [item["workflowArn"] for item in stored["workflows"]] == [
        "arn:aws:imagebuilder:us-east-1:%s:workflow/build/%s/1.0.0" % (ACCOUNT, build_name),
        "arn:aws:imagebuilder:us-east-1:aws:workflow/test/test-image/x.x.x"], "ours pinned to the exact version, Amazon's follows x.x.x"
    writes()
    by_arn = dict(pipeline["amiforge.imagebuilder.image_pipeline"], workflows=[
        dict(workflow=stored["workflows"][0]["workflowArn"], on_failure="ABORT"), dict(workflow_arn=stored["workflows"][1]["workflowArn"])],
        execution_role="arn:aws:iam::%s:role/%s" % (ACCOUNT, execution_role))
    again = play([pipeline, {"amiforge.imagebuilder.image_pipeline": by_arn}])
    assert again.changed == [False, False], "name or ARN, ABORT or unset, role name or ARN: the same pipeline"
    assert writes() == []
    # a new version of our workflow is a change of the pipeline, predicted in check mode
    bumped = play([workflow_task(build_name, data=build_document(extra_step=True)), pipeline], check=True)
    assert bumped.changed == [True, False] and writes() == []
    applied = play([workflow_task(build_name, data=build_document(extra_step=True)), pipeline])
    assert applied.changed == [True, True] and writes() == ["CreateWorkflow", "UpdateImagePipeline"]
