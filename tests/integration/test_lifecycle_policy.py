"""Lifecycle policies: created, updated in place, unchanged on re-run, check mode, diff, tags, deleted,
and bad inputs refused before any write. Each step is proven by the emulator's call log and read back with boto3."""
import json
import uuid

import pytest

from tests.integration.helpers import task

AGE_DELETE = dict(action=dict(type="DELETE", include_resources=dict(amis=True, snapshots=True)),
                  filter=dict(type="AGE", value=6, unit="MONTHS", retain_at_least=2))
DEPRECATE = dict(action=dict(type="DEPRECATE", include_resources=dict(amis=True)), filter=dict(type="AGE", value=30, unit="DAYS"),
                 exclusion_rules=dict(amis=dict(regions=["us-west-2", "eu-west-1"], last_launched=dict(value=7, unit="DAYS"))))


@pytest.fixture(scope="module")
def lifecycle_role(emulator):
    iam = emulator.client("iam")
    name = "LifecycleRole" + uuid.uuid4().hex[:6]
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "imagebuilder.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    return name, role["Role"]["Arn"]


def options(name, role, **changes):
    base = dict(name=name, execution_role=role, resource_type="AMI_IMAGE", policy_details=[AGE_DELETE],
                resource_selection=dict(recipes=[dict(name="golden", semantic_version="1.x.x")]), tags=dict(team="platform"))
    base.update(changes)
    return base


def test_lifecycle_policy_life(play, writes, emulator, lifecycle_role):
    role_name, role_arn = lifecycle_role
    name = "lp-" + uuid.uuid4().hex[:8]
    client = emulator.client("imagebuilder")
    writes()

    planned = play([task("lifecycle_policy", **options(name, role_name))], check=True, diff=True)
    assert planned[0]["changed"] and writes() == []
    assert planned[0]["arn"].endswith(":lifecycle-policy/%s" % name)
    assert planned[0]["diff"]["before"] == {} and planned[0]["diff"]["after"]["execution_role"] == role_arn

    created = play([task("lifecycle_policy", **options(name, role_name))], diff=True)
    assert created[0]["changed"] and writes() == ["CreateLifecyclePolicy"]
    assert created[0]["arn"] == planned[0]["arn"]
    stored = client.get_lifecycle_policy(lifecyclePolicyArn=created[0]["arn"])["lifecyclePolicy"]
    assert stored["executionRole"] == role_arn  # a role name is sent as this account's role ARN
    assert stored["status"] == "ENABLED" and stored["tags"] == {"team": "platform"}
    assert stored["policyDetails"][0]["filter"] == {"type": "AGE", "value": 6, "unit": "MONTHS", "retainAtLeast": 2}
    assert created[0]["lifecycle_policy"]["policy_details"][0]["action"]["include_resources"] == {"amis": True, "snapshots": True}

    # the same policy written another way (the role as an ARN) is no change
    rerun = play([task("lifecycle_policy", **options(name, role_arn))])
    assert rerun[0]["changed"] is False and writes() == []

    # the order of the rules does not matter
    two = options(name, role_name, policy_details=[AGE_DELETE, DEPRECATE])
    added = play([task("lifecycle_policy", **two)], diff=True)
    assert added[0]["changed"] and writes() == ["UpdateLifecyclePolicy"]
    assert [detail["action"]["type"] for detail in added[0]["diff"]["after"]["policy_details"]] == ["DELETE", "DEPRECATE"]
    swapped = play([task("lifecycle_policy", **options(name, role_name, policy_details=[DEPRECATE, AGE_DELETE]))])
    assert swapped[0]["changed"] is False and writes() == []

    # check mode plans an update in place without writing it
    disabled = dict(name=name, status="DISABLED")
    plan = play([task("lifecycle_policy", **disabled)], check=True, diff=True)
    assert plan[0]["changed"] and writes() == []
    assert plan[0]["diff"]["before"]["status"] == "ENABLED" and plan[0]["diff"]["after"]["status"] == "DISABLED"

    # options left out keep their values: the whole object is resent
    updated = play([task("lifecycle_policy", **disabled)])
    assert updated[0]["changed"] and writes() == ["UpdateLifecyclePolicy"]
    stored = client.get_lifecycle_policy(lifecyclePolicyArn=created[0]["arn"])["lifecyclePolicy"]
    assert stored["status"] == "DISABLED" and len(stored["policyDetails"]) == 2
    assert stored["resourceSelection"] == {"recipes": [{"name": "golden", "semanticVersion": "1.x.x"}]}
    assert updated[0]["arn"] == created[0]["arn"]

    # selection by tags instead of recipes; tags of the policy itself
    retag = play([task("lifecycle_policy", name=name, resource_selection=dict(tag_map=dict(retire="yes")),
                       tags=dict(team="platform", cost="images"))])
    assert retag[0]["changed"] and writes() == ["UpdateLifecyclePolicy", "TagResource"]
    stored = client.get_lifecycle_policy(lifecyclePolicyArn=created[0]["arn"])["lifecyclePolicy"]
    assert stored["resourceSelection"] == {"tagMap": {"retire": "yes"}}
    assert client.list_tags_for_resource(resourceArn=created[0]["arn"])["tags"] == {"team": "platform", "cost": "images"}

    info = play([task("lifecycle_policy_info", name=name, register="found")])
    assert info[0]["lifecycle_policies"][0]["status"] == "DISABLED"

    # the resource type cannot change: refused before any write
    refused = play([task("lifecycle_policy", name=name, resource_type="CONTAINER_IMAGE",
                         policy_details=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=3))])], expect_failure=True)
    assert "resource_type" in refused[0]["msg"] and "cannot change" in refused[0]["msg"] and writes() == []

    predicted_delete = play([task("lifecycle_policy", name=name, state="absent")], check=True)
    assert predicted_delete[0]["changed"] and writes() == []
    deleted = play([task("lifecycle_policy", name=name, state="absent")], diff=True)
    assert deleted[0]["changed"] and writes() == ["DeleteLifecyclePolicy"]
    assert deleted[0]["diff"]["after"] == {} and deleted[0]["diff"]["before"]["name"] == name
    again = play([task("lifecycle_policy", name=name, state="absent")])
    assert again[0]["changed"] is False and writes() == []


def test_container_lifecycle_policy(play, writes, emulator, lifecycle_role):
    name = "lpc-" + uuid.uuid4().hex[:8]
    policy = dict(name=name, execution_role=lifecycle_role[1], resource_type="CONTAINER_IMAGE",
                  policy_details=[dict(action=dict(type="DELETE", include_resources=dict(containers=True)),
                                       filter=dict(type="COUNT", value=10),
                                       exclusion_rules=dict(tag_map=dict(keep="true")))],
                  resource_selection=dict(tag_map=dict(service="web")))
    writes()
    created = play([task("lifecycle_policy", **policy)])
    assert created[0]["changed"] and writes() == ["CreateLifecyclePolicy"]
    stored = emulator.client("imagebuilder").get_lifecycle_policy(lifecyclePolicyArn=created[0]["arn"])["lifecyclePolicy"]
    assert stored["resourceType"] == "CONTAINER_IMAGE"
    assert stored["policyDetails"][0]["exclusionRules"] == {"tagMap": {"keep": "true"}}
    assert play([task("lifecycle_policy", **policy)])[0]["changed"] is False and writes() == []
    play([task("lifecycle_policy", name=name, state="absent")])


def test_missing_role_is_refused_before_a_write(play, writes):
    writes()
    failed = play([task("lifecycle_policy", **options("lp-" + uuid.uuid4().hex[:8], "NoSuchRole" + uuid.uuid4().hex[:6]))],
                  expect_failure=True)
    assert "execution_role" in failed[0]["msg"] and "does not exist" in failed[0]["msg"] and writes() == []


def test_required_to_create(play, writes):
    writes()
    failed = play([task("lifecycle_policy", name="lp-" + uuid.uuid4().hex[:8], status="ENABLED")], expect_failure=True)
    assert failed[0]["msg"].startswith("execution_role, resource_type, policy_details, resource_selection: required to create")
    assert writes() == []
