"""Ownership (options ``stack`` and ``adopt`` of every resource module): a module given ``stack`` tags what it creates
``amiforge:stack: <stack>``, and changes or deletes a resource of the same name only when that tag names its stack,
unless ``adopt: true``. A refusal makes no write call of any kind (no update, no new version, no tag, no delete), in
check mode too, and names the resource, its ARN and its owner. One kind of each family: component (versioned) and
distribution configuration (updated in place); the stack role's acceptance test is in test_stack_role.py."""
import json
import os
import uuid

import pytest
import yaml

from tests.conftest import ROOT
from tests.integration.helpers import component_task, document, task, versions_in_emulator
from tests.integration.stack_helpers import not_reads

OWNER_TAG = "amiforge:stack"


@pytest.fixture
def name():
    return "ow-" + uuid.uuid4().hex[:10]


def imagebuilder_writes(emulator):
    """Every Image Builder write the emulator logged since the last reset, successful or not."""
    return [call for call in not_reads(emulator.calls()) if call.startswith("imagebuilder:")]


def someone_elses_component(emulator, name, tags=None):
    """Component ``name`` 1.0.0 as another tool creates it: boto3, with ``tags`` (none by default)."""
    request = dict(name=name, semanticVersion="1.0.0", platform="Linux", data=yaml.safe_dump(document()),
                   clientToken=str(uuid.uuid4()))
    if tags:
        request["tags"] = tags
    return emulator.client("imagebuilder").create_component(**request)["componentBuildVersionArn"]


def distribution_task(name, **options):
    return task("distribution_configuration", name=name, distributions=[dict(
        region="us-east-1", ami_distribution_configuration=dict(name="ours-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"))], **options)


def someone_elses_distribution(emulator, name, tags=None):
    request = dict(name=name, distributions=[dict(region="us-east-1", amiDistributionConfiguration=dict(name="theirs-{{imagebuilder:buildDate}}"))],
                   clientToken=str(uuid.uuid4()))
    if tags:
        request["tags"] = tags
    return emulator.client("imagebuilder").create_distribution_configuration(**request)["distributionConfigurationArn"]


def test_a_component_is_created_tagged_with_its_stack_and_converges_as_its_own(play, emulator, name):
    first = play([component_task(name, stack="web", tags=dict(team="platform"))])
    assert first[0]["changed"] is True
    got = emulator.client("imagebuilder").get_component(componentBuildVersionArn=first[0]["arn"])["component"]
    assert got["tags"] == {"team": "platform", OWNER_TAG: "web"}
    emulator.reset_calls()
    changed = play([component_task(name, stack="web", data=document("changed"))])
    assert (changed[0]["changed"], changed[0]["version"]) == (True, "1.0.1"), "its own component: the next version"
    assert imagebuilder_writes(emulator) == ["imagebuilder:CreateComponent"]


@pytest.mark.parametrize("owner", [None, "other"], ids=["untagged", "another-stack"])
def test_someone_elses_component_is_left_alone_in_check_mode_converge_and_delete(play, emulator, name, owner):
    arn = someone_elses_component(emulator, name, tags={OWNER_TAG: owner} if owner else None)
    whose = "another stack: other" if owner else "no amiforge:stack tag: created by another tool or by hand"
    for check, state, data in ((True, "present", document("mine")), (False, "present", document("mine")),
                               (False, "present", document()), (False, "absent", None), (True, "absent", None)):
        emulator.reset_calls()
        options = dict(stack="web", state=state, **(dict(data=data) if data is not None else {}))
        refused = play([task("component", name=name, **options)], check=check, expect_failure=True)[0]
        assert refused.get("failed") is True, refused
        assert "component %r (%s) belongs to %s, not to stack 'web'" % (name, arn, whose) in refused["msg"], refused["msg"]
        assert "adopt: true" in refused["msg"] and "another name" in refused["msg"]
        assert (refused["resource"], refused["owner"]) == (arn, owner)
        assert imagebuilder_writes(emulator) == [], "no write call of any kind (%s, check=%s)" % (state, check)
    assert versions_in_emulator(emulator, name) == ["1.0.0"], "no new version"
    got = emulator.client("imagebuilder").get_component(componentBuildVersionArn=arn)["component"]
    assert got["tags"] == ({OWNER_TAG: owner} if owner else {}), "not even a tag"


def test_adopting_a_component_takes_it_over_then_it_is_the_stacks(play, emulator, name):
    arn = someone_elses_component(emulator, name)
    emulator.reset_calls()
    planned = play([component_task(name, stack="web", adopt=True)], check=True)
    assert planned[0]["changed"] is True and imagebuilder_writes(emulator) == []
    assert any("adopt:" in warning and "no amiforge:stack tag" in warning for warning in planned[0].get("warnings", [])), planned[0]
    adopted = play([component_task(name, stack="web", adopt=True)])
    assert (adopted[0]["changed"], adopted[0]["arn"]) == (True, arn), "the same content: the version is tagged, not a new one"
    assert imagebuilder_writes(emulator) == ["imagebuilder:TagResource"]
    assert emulator.client("imagebuilder").get_component(componentBuildVersionArn=arn)["component"]["tags"] == {OWNER_TAG: "web"}
    emulator.reset_calls()
    again = play([component_task(name, stack="web")])
    assert again[0]["changed"] is False and imagebuilder_writes(emulator) == [], "the stack's own from then on"
    gone = play([task("component", name=name, stack="web", state="absent")])
    assert gone[0]["changed"] is True and versions_in_emulator(emulator, name) == []


def test_adopting_to_delete_deletes_someone_elses_component(play, emulator, name):
    someone_elses_component(emulator, name, tags={OWNER_TAG: "other"})
    gone = play([task("component", name=name, stack="web", adopt=True, state="absent")])
    assert gone[0]["changed"] is True and versions_in_emulator(emulator, name) == []


def test_without_stack_a_module_behaves_as_before_ownership(play, emulator, name):
    someone_elses_component(emulator, name, tags={OWNER_TAG: "other"})
    changed = play([component_task(name, data=document("changed"))])
    assert (changed[0]["changed"], changed[0]["version"]) == (True, "1.0.1")


def test_someone_elses_distribution_configuration_is_left_alone_until_adopted(play, emulator, name):
    arn = someone_elses_distribution(emulator, name)
    client = emulator.client("imagebuilder")
    for check, state in ((True, "present"), (False, "present"), (False, "absent"), (True, "absent")):
        emulator.reset_calls()
        converge = distribution_task(name, stack="web") if state == "present" else task(
            "distribution_configuration", name=name, stack="web", state="absent")
        refused = play([converge], check=check, expect_failure=True)[0]
        assert refused.get("failed") is True, refused
        assert ("distribution configuration %r (%s) belongs to no amiforge:stack tag: created by another tool or by hand, not to stack "
                "'web'" % (name, arn)) in refused["msg"], refused["msg"]
        assert (refused["resource"], refused["owner"]) == (arn, None)
        assert imagebuilder_writes(emulator) == [], "no write call of any kind (%s, check=%s)" % (state, check)
    got = client.get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]
    assert got["distributions"][0]["amiDistributionConfiguration"]["name"].startswith("theirs-") and not got.get("tags")

    emulator.reset_calls()
    adopted = play([distribution_task(name, stack="web", adopt=True, tags=dict(team="platform"))])
    assert adopted[0]["changed"] is True
    assert sorted(imagebuilder_writes(emulator)) == ["imagebuilder:TagResource", "imagebuilder:UpdateDistributionConfiguration"]
    got = client.get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]
    assert got["distributions"][0]["amiDistributionConfiguration"]["name"].startswith("ours-")
    assert got["tags"] == {"team": "platform", OWNER_TAG: "web"}
    emulator.reset_calls()
    assert play([distribution_task(name, stack="web", tags=dict(team="platform"))])[0]["changed"] is False
    assert imagebuilder_writes(emulator) == []


def test_another_stacks_distribution_configuration_is_not_deleted(play, emulator, name):
    arn = someone_elses_distribution(emulator, name, tags={OWNER_TAG: "other"})
    emulator.reset_calls()
    refused = play([task("distribution_configuration", name=name, stack="web", state="absent")], expect_failure=True)[0]
    assert "belongs to another stack: other, not to stack 'web'; nothing was deleted" in refused["msg"], refused["msg"]
    assert imagebuilder_writes(emulator) == []
    assert emulator.client("imagebuilder").get_distribution_configuration(distributionConfigurationArn=arn)
    assert play([task("distribution_configuration", name=name, stack="other", state="absent")])[0]["changed"] is True


def test_tags_that_contradict_stack_are_refused_before_any_call(play, emulator, name):
    emulator.reset_calls()
    refused = play([component_task(name, stack="web", tags={OWNER_TAG: "other"})], expect_failure=True)[0]
    assert refused["msg"] == "tags: amiforge:stack is 'other' but stack is 'web'; leave the amiforge:stack tag out of tags (stack sets it)"
    assert [call for call in emulator.calls() if call["service"] == "imagebuilder"] == []


def test_owner_info_reads_each_resource_once_and_lists_the_conflicts_without_failing(play, emulator, name):
    """What the stack role runs before any write: one module run for many resources, reads only."""
    ours = play([component_task(name + "-ours", stack="web"), distribution_task(name + "-theirs", stack="other")])
    someone_elses_component(emulator, name + "-free")  # created by another tool: no tag
    emulator.reset_calls()
    resources = [dict(kind="component", name=name + "-ours"), dict(kind="component", name=name + "-free"),
                 dict(kind="distribution_configuration", name=name + "-theirs"), dict(kind="image_pipeline", name=name + "-none"),
                 dict(kind="component", name=name + "-free", adopt=True)]
    found = play([task("owner_info", stack="web", resources=resources)])[0]
    assert found["changed"] is False and not_reads(emulator.calls()) == [], "reads only"
    assert [(item["name"], item["owner"], bool(item["conflict"]), item["adopted"]) for item in found["resources"]] == [
        (name + "-ours", "web", False, False), (name + "-free", None, True, False), (name + "-theirs", "other", True, False),
        (name + "-none", None, False, False), (name + "-free", None, False, True)]
    assert found["resources"][0]["arn"] == ours[0]["arn"] and found["resources"][3]["arn"] is None
    assert found["conflicts"] == [found["resources"][1]["conflict"], found["resources"][2]["conflict"]]
    assert "no amiforge:stack tag" in found["conflicts"][0] and "another stack: other" in found["conflicts"][1]
    everything = play([task("owner_info", stack="web", adopt=True, resources=resources[1:3])])[0]
    assert everything["conflicts"] == [] and [item["adopted"] for item in everything["resources"]] == [True, True]
    refused = play([task("owner_info", stack="web", resources=[dict(kind="workflow", name=name)])], expect_failure=True)[0]
    assert "resources[0].type: a workflow's type is part of its ARN" in refused["msg"]


GOLDEN_AMI = os.path.join(ROOT, "playbooks", "golden_ami.yml")
DESTROY = os.path.join(ROOT, "playbooks", "destroy.yml")
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def test_golden_ami_stops_before_any_write_when_its_iam_role_name_is_taken(play, emulator, name):
    """An IAM role of the name golden_ami.yml would give the build instance's, made by another tool (no tag): the run
    changes nothing, of any service, and names the role and its owner; adopt: true takes it over."""
    emulator.client("iam").create_role(RoleName=name + "-instance", AssumeRolePolicyDocument=TRUST)
    emulator.reset_calls()
    refused = play(playbook=GOLDEN_AMI, extra_vars=dict(imagebuilder_stack=dict(name=name), imagebuilder_build=False),
                   expect_failure=True)
    assert not_reads(emulator.calls()) == [], "no write call of any service"
    message = [result for result in refused.results if result.get("failed")][0]["msg"]
    assert "IAM role %r" % (name + "-instance") in message and "no amiforge:stack tag" in message, message
    assert "adopt: true" in message
    assert emulator.client("s3").list_buckets()["Buckets"] == [] or all(
        not bucket["Name"].startswith(name) for bucket in emulator.client("s3").list_buckets()["Buckets"])


def test_destroy_deletes_nothing_of_someone_elses_and_keeps_their_launch_template(play, emulator, name):
    """destroy.yml next to a bucket of its name that another tool made: nothing deleted, the bucket named; next to a
    launch template of its name that golden_ami.yml did not make (no tag of this stack): the template is kept."""
    variables = dict(imagebuilder_stack=dict(name=name, distributions=[dict(region="us-east-1")]),
                     imagebuilder_launch_templates=[dict(name=name + "-web", regions=["us-east-1"])])
    bucket = "%s-123456789012-us-east-1" % name
    s3, ec2 = emulator.client("s3"), emulator.client("ec2")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="theirs.txt", Body=b"someone else's")
    template = ec2.create_launch_template(LaunchTemplateName=name + "-web", LaunchTemplateData={"InstanceType": "t3.micro"})
    emulator.reset_calls()
    refused = play(playbook=DESTROY, extra_vars=variables, expect_failure=True)
    assert not_reads(emulator.calls()) == [], "nothing deleted"
    message = [result for result in refused.results if result.get("failed")][0]["msg"]
    assert "S3 bucket %r" % bucket in message and "no amiforge:stack tag" in message, message
    s3.delete_object(Bucket=bucket, Key="theirs.txt")
    s3.delete_bucket(Bucket=bucket)
    kept = play(playbook=DESTROY, extra_vars=variables)
    found = ec2.describe_launch_templates(LaunchTemplateNames=[name + "-web"])["LaunchTemplates"]
    assert [item["LaunchTemplateId"] for item in found] == [template["LaunchTemplate"]["LaunchTemplateId"]]
    assert "launch template %r" % (name + "-web") in kept.completed.stdout, "the kept template is reported"


def test_an_empty_untagged_bucket_is_nobodys_as_a_run_stopped_after_creating_it_leaves_it(play, emulator, name):
    """S3 creates a bucket and tags it in two calls; a run killed between them must converge on its re-run. An empty
    bucket without any tag is therefore no conflict; once it holds an object, or a tag of another stack, it is."""
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=name)
    resources = [dict(kind="s3_bucket", name=name), dict(kind="s3_bucket", name=name + "-none")]
    found = play([task("owner_info", stack="web", resources=resources)])[0]
    assert [(item["owner"], item["conflict"], item["arn"]) for item in found["resources"]] == [
        (None, None, "arn:aws:s3:::" + name), (None, None, None)]
    s3.put_object(Bucket=name, Key="theirs.txt", Body=b"someone else's")
    assert "S3 bucket %r" % name in play([task("owner_info", stack="web", resources=resources[:1])])[0]["conflicts"][0]
    s3.delete_object(Bucket=name, Key="theirs.txt")
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": OWNER_TAG, "Value": "other"}]})
    assert "another stack: other" in play([task("owner_info", stack="web", resources=resources[:1])])[0]["conflicts"][0]
