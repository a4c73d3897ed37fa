"""Issue 12's first acceptance: playbooks/golden_ami.yml with playbooks/vars/golden_ami.yml (the complete example: our
hardening roles as role components, a file component, three regions, an SSM parameter, a launch template) against an
emulator of its own in AWS mode, from an empty account: it creates everything and builds; a re-run writes nothing, of
any service; an edited hardening variable gives one component version, one recipe version and one pipeline update;
playbooks/destroy.yml leaves the account as it was, checked through the APIs (Image Builder, IAM, S3, EC2, SSM).

The emulator is this module's own (not the session's), so "an empty account" is what the test starts from and the
example's fixed names (SSM parameter, launch template) meet nothing of other tests."""
import copy
import json
import os

import pytest
import yaml

from tests.conftest import ROOT
from tests.integration.conftest import READ_PREFIXES, aws_mode_emulator, lists_visible, player

REGIONS = ("us-east-1", "eu-west-1", "eu-central-1")
GOLDEN_AMI = os.path.join(ROOT, "playbooks", "golden_ami.yml")
DESTROY = os.path.join(ROOT, "playbooks", "destroy.yml")
RUN_PIPELINE = os.path.join(ROOT, "playbooks", "run_pipeline.yml")


@pytest.fixture(scope="module")
def account(tmp_path_factory):
    """An emulator in AWS mode (List* lags, IAM propagates in 5 s) with an empty account, for this module."""
    yield from aws_mode_emulator(tmp_path_factory, "golden-ami-emulator")


@pytest.fixture(scope="module")
def run(account, tmp_path_factory):
    return player(account, tmp_path_factory.mktemp("golden-ami-plays"))


def example():
    """playbooks/vars/golden_ami.yml, with a poll interval for an emulator that builds in a second or two."""
    with open(os.path.join(ROOT, "playbooks", "vars", "golden_ami.yml")) as handle:
        variables = yaml.safe_load(handle)
    return variables


def is_read(call):
    return str(call["operation"]).startswith(READ_PREFIXES + ("GET ", "HEAD "))  # STS GetCallerIdentity is a read


def not_reads(calls):
    """Every call that is not a read, of any service, whether it succeeded or not."""
    return ["%s:%s" % (call["service"], call["operation"]) for call in calls if not is_read(call)]


def writes_of_all_services(emulator):
    """The write calls of any service that succeeded since the last time, sorted; then the call log starts anew."""
    calls = emulator.calls()
    emulator.reset_calls()
    return sorted("%s:%s" % (call["service"], call["operation"]) for call in calls
                  if not is_read(call) and int(call.get("status", 500)) < 300)


def snapshot(emulator):
    """What the account holds, read through the APIs (List* with the AWS-mode lag lifted)."""
    state = {}
    with lists_visible(emulator):
        imagebuilder = emulator.client("imagebuilder")
        state["imagebuilder"] = dict(
            components=sorted(c["arn"] for c in imagebuilder.list_components(owner="Self")["componentVersionList"]),
            image_recipes=sorted(r["arn"] for r in imagebuilder.list_image_recipes(owner="Self")["imageRecipeSummaryList"]),
            infrastructure_configurations=sorted(
                c["arn"] for c in imagebuilder.list_infrastructure_configurations()["infrastructureConfigurationSummaryList"]),
            distribution_configurations=sorted(
                c["arn"] for c in imagebuilder.list_distribution_configurations()["distributionConfigurationSummaryList"]),
            image_pipelines=sorted(p["arn"] for p in imagebuilder.list_image_pipelines()["imagePipelineList"]),
            images=sorted(i["arn"] for i in imagebuilder.list_images(owner="Self")["imageVersionList"]),
        )
    iam = emulator.client("iam")
    state["iam"] = dict(
        roles=sorted(r["RoleName"] for r in iam.list_roles()["Roles"]),
        instance_profiles=sorted(p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]),
        policies=sorted(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]),
    )
    state["s3"] = sorted(b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"])
    for region in REGIONS:
        ec2 = emulator.client("ec2", region=region)
        state[region] = dict(
            images=sorted(i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]),
            snapshots=sorted(s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]),
            launch_templates=sorted(t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]),
            # the account's own parameters (AWS's public /aws/service/ ones are not the account's; moto loads them lazily)
            ssm_parameters=sorted(parameter["Name"] for page in emulator.client("ssm", region=region).get_paginator(
                "describe_parameters").paginate() for parameter in page["Parameters"] if not parameter["Name"].startswith("/aws/")),
        )
    return state


def versions(emulator, kind, name):
    with lists_visible(emulator):
        imagebuilder = emulator.client("imagebuilder")
        if kind == "component":
            listed = imagebuilder.list_components(owner="Self", filters=[dict(name="name", values=[name])])["componentVersionList"]
        else:
            listed = imagebuilder.list_image_recipes(owner="Self", filters=[dict(name="name", values=[name])])["imageRecipeSummaryList"]
    return sorted(item["arn"].rsplit("/", 1)[1] for item in listed)


def report(result):
    return result.by_name("Report the AMIs per region")["msg"]


def test_check_mode_on_an_empty_account_plans_without_a_write(run, account):
    before = snapshot(account)
    account.reset_calls()
    planned = run(playbook=GOLDEN_AMI, check=True, extra_vars=example())
    assert not_reads(account.calls()) == []
    assert planned.by_name("Converge the Image Builder stack") is not None
    assert report(planned)["region"] == "us-east-1"
    assert snapshot(account) == before

    # validated with the service: every component version the run would create is sent with dryRun, nothing else is
    account.reset_calls()
    run(playbook=GOLDEN_AMI, check=True, extra_vars=dict(example(), imagebuilder_validate_with_service="true"))
    calls = account.calls()
    dry_runs = [call["status"] for call in calls if call["operation"] == "CreateComponent"]
    assert set(not_reads(calls)) == {"imagebuilder:CreateComponent"} and set(dry_runs) == {412}, not_reads(calls)
    assert len(dry_runs) == len(example()["imagebuilder_stack"]["components"])
    assert snapshot(account) == before


def test_golden_ami_creates_builds_changes_nothing_follows_one_edit_and_destroy_leaves_the_account_as_found(run, account):
    account.settings(iam_propagation_seconds=5)
    before = snapshot(account)
    account.reset_calls()

    # From an empty account: IAM, bucket, launch template, the stack, a build, AMIs in three regions.
    first = run(playbook=GOLDEN_AMI, extra_vars=example())
    created = writes_of_all_services(account)
    for write in ("iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:CreateInstanceProfile",
                  "iam:AddRoleToInstanceProfile", "s3:CreateBucket", "s3:PutPublicAccessBlock", "s3:PutBucketEncryption",
                  "ec2:CreateLaunchTemplate", "imagebuilder:CreateImagePipeline", "imagebuilder:StartImagePipelineExecution"):
        assert write in created, (write, created)
    assert created.count("imagebuilder:CreateComponent") == 4
    assert created.count("s3:PutObject") == 3, "one tarball per role component"
    amis = report(first)["amis"]
    assert sorted(amis) == sorted(REGIONS)
    for region, ami in amis.items():
        images = account.client("ec2", region=region).describe_images(ImageIds=[ami])["Images"]
        assert images and images[0]["Name"].startswith("golden-al2023-")
    parameter = account.client("ssm").get_parameter(Name="/golden/al2023/latest")["Parameter"]
    assert parameter["Value"] == amis["us-east-1"]
    template = account.client("ec2").describe_launch_templates(LaunchTemplateNames=["golden-al2023-web"])["LaunchTemplates"][0]
    assert template["LatestVersionNumber"] == 2 and template["DefaultVersionNumber"] == 2, "Image Builder added a version"
    latest = account.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"])["LaunchTemplateVersions"][0]
    assert latest["LaunchTemplateData"]["ImageId"] == amis["us-east-1"]
    iam = account.client("iam")
    role = "golden-al2023-instance"
    attached = sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])
    assert attached == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder"]
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == [role + "-artifacts"]
    bucket = "golden-al2023-123456789012-us-east-1"
    s3 = account.client("s3")
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == dict(
        BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]

    # A second run: nothing changes, no write call of any service.
    second = run(playbook=GOLDEN_AMI, extra_vars=example())
    assert writes_of_all_services(account) == []
    assert not any(second.changed), [task["task"]["name"] for task, changed in zip(second.tasks, second.changed) if changed]
    assert report(second)["amis"] == amis

    # A hardening variable edited: one component version, one recipe version, one pipeline update (and the build of it).
    edited_vars = example()
    edited_vars["imagebuilder_stack"]["components"][0]["variables"]["os_hardening_password_max_days"] = 45
    edited = run(playbook=GOLDEN_AMI, extra_vars=edited_vars)
    assert writes_of_all_services(account) == sorted(["imagebuilder:CreateComponent", "imagebuilder:CreateImageRecipe",
                                                      "imagebuilder:UpdateImagePipeline",
                                                      "imagebuilder:StartImagePipelineExecution"])
    assert versions(account, "component", "golden-os-hardening") == ["1.0.0", "1.0.1"]
    for name in ("golden-ssh-hardening", "golden-hello-motd", "golden-image-cleanup"):
        assert versions(account, "component", name) == ["1.0.0"], name
    assert versions(account, "image_recipe", "golden-al2023") == ["1.0.0", "1.0.1"]
    pipeline = account.client("imagebuilder").get_image_pipeline(
        imagePipelineArn="arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/golden-al2023")["imagePipeline"]
    assert pipeline["imageRecipeArn"].endswith("image-recipe/golden-al2023/1.0.1")
    assert report(edited)["image"].endswith("image/golden-al2023/1.0.1/1")

    # destroy.yml: the account as it was, through the APIs.
    run(playbook=DESTROY, extra_vars=edited_vars)
    assert snapshot(account) == before


def test_run_pipeline_fails_with_the_services_reason(run, account):
    """run_pipeline.yml starts an existing pipeline and follows it; a FAILED build fails the job with the reason. The
    stack is made by golden_ami.yml with survey-style strings and only AWS_SECURITY_TOKEN set."""
    failing = dict(name="golden-failing", schemaVersion=1.0, phases=[dict(name="build", steps=[
        dict(name="emulator-fail", action="ExecuteBash", inputs=dict(commands=["exit 1"]))])])
    variables = example()
    stack = copy.deepcopy(variables["imagebuilder_stack"])
    stack.update(name="golden-failing", components=[dict(name="golden-failing-step", data=failing)], distributions=[],
                 recipe_components=[dict(name="golden-failing-step")])
    stack.pop("schedule")
    variables.update(imagebuilder_stack=stack, imagebuilder_build="false", imagebuilder_launch_templates="[]")
    # credentials as AWX releases before late 2022 inject them: AWS_SECURITY_TOKEN alone; every request must carry it
    account.reset_calls()
    run(playbook=GOLDEN_AMI, extra_vars=variables, env_extra=dict(AWS_SECURITY_TOKEN="token-as-older-awx-injects-it", AWS_SESSION_TOKEN=""))
    calls = account.calls()
    assert calls and [call for call in calls if not call.get("session_token")] == []
    failed = run(playbook=RUN_PIPELINE, extra_vars=dict(imagebuilder_pipeline="golden-failing"),
                 expect_failure=True)
    message = failed.by_name("Run the pipeline and follow the build, printing each state as it happens")["msg"]
    assert "ended FAILED" in message and "emulator-fail" in message and "logs" in message, message
    run(playbook=DESTROY, extra_vars=dict(variables, imagebuilder_stack=json.dumps(stack)))
