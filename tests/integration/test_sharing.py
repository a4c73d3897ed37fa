"""Sharing through resource policies (the ``policy`` option of component, image_recipe and image):
set, compared semantically (the same policy written differently is no change and no write), changed
without a new version, removed, each read back with boto3 and proven by the emulator's call log."""
import json
import uuid

import pytest

from tests.integration.helpers import document, task

BUILD_DATE = "{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"
FRIEND, OTHER = "111122223333", "444455556666"


@pytest.fixture
def prefix():
    return "sh-" + uuid.uuid4().hex[:8]


def component_policy(arn, *accounts):
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": list(accounts)},
        "Action": ["imagebuilder:GetComponent", "imagebuilder:ListComponents"], "Resource": [arn]}]}


def same_policy_written_differently(arn, account):
    """One statement as an object, keys in another order, the account as its root ARN, a single resource as a string,
    the actions in another order, as JSON text."""
    return json.dumps({"Statement": {"Resource": arn, "Action": ["imagebuilder:ListComponents", "imagebuilder:GetComponent"],
                                     "Principal": {"AWS": "arn:aws:iam::%s:root" % account}, "Effect": "Allow"},
                       "Version": "2012-10-17"}, indent=2)


def read_policy(client, operation, **arn):
    try:
        return json.loads(getattr(client, operation)(**arn)["policy"])
    except client.exceptions.ResourceNotFoundException:
        return None


def principals(policy):
    found = set()
    for statement in policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]:
        values = statement["Principal"]["AWS"]
        found.update([values] if isinstance(values, str) else values)
    return found


def test_component_sharing(play, writes, emulator, prefix):
    client = emulator.client("imagebuilder")
    account = emulator.client("sts").get_caller_identity()["Account"]
    name = prefix + "-c"
    created = play([task("component", name=name, data=document())])
    arn = created[0]["arn"]
    writes()

    planned = play([task("component", name=name, data=document(), policy=component_policy(arn, FRIEND))], check=True, diff=True)
    assert planned[0]["changed"] and writes() == []
    assert planned[0]["diff"]["after"]["policy"]["Statement"][0]["Principal"] == {"AWS": ["arn:aws:iam::%s:root" % FRIEND]}
    assert planned[0]["diff"]["before"]["policy"] is None  # not shared yet

    shared = play([task("component", name=name, data=document(), policy=component_policy(arn, FRIEND))], diff=True)
    assert shared[0]["changed"] and writes() == ["PutComponentPolicy"]  # a policy is not a new version
    assert shared[0]["arn"] == arn and shared[0]["version"] == "1.0.0"
    assert principals(read_policy(client, "get_component_policy", componentArn=arn)) == {FRIEND}

    rewritten = play([task("component", name=name, data=document(), policy=same_policy_written_differently(arn, FRIEND))])
    assert rewritten[0]["changed"] is False and writes() == []

    widened = play([task("component", name=name, data=document(), policy=component_policy(arn, FRIEND, OTHER))], diff=True)
    assert widened[0]["changed"] and writes() == ["PutComponentPolicy"]
    assert widened[0]["diff"]["before"]["policy"]["Statement"][0]["Principal"]["AWS"] == ["arn:aws:iam::%s:root" % FRIEND]
    assert principals(read_policy(client, "get_component_policy", componentArn=arn)) == {FRIEND, OTHER}
    assert widened[0]["version"] == "1.0.0"

    # a new version (content changed) gets the policy, its Resource filled in when the statement names none;
    # the older version keeps its own
    no_resource = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": OTHER},
                                                           "Action": ["imagebuilder:GetComponent", "imagebuilder:ListComponents"]}]}
    bumped = play([task("component", name=name, data=document("three"), policy=no_resource)])
    new_arn = bumped[0]["arn"]
    assert bumped[0]["version"] == "1.0.1" and writes() == ["CreateComponent", "PutComponentPolicy"]
    stored = read_policy(client, "get_component_policy", componentArn=new_arn)
    assert principals(stored) == {OTHER} and stored["Statement"][0]["Resource"] == [new_arn]
    assert principals(read_policy(client, "get_component_policy", componentArn=arn)) == {FRIEND, OTHER}
    assert play([task("component", name=name, data=document("three"), policy=no_resource)])[0]["changed"] is False
    assert writes() == []

    # leaving the option out leaves the policy alone
    assert play([task("component", name=name, data=document("three"))])[0]["changed"] is False and writes() == []

    unshare = play([task("component", name=name, data=document("three"), policy="")], check=True, diff=True)
    assert unshare[0]["changed"] and writes() == []
    assert unshare[0]["diff"]["after"]["policy"] is None
    unshared = play([task("component", name=name, data=document("three"), policy="")])
    assert unshared[0]["changed"] and writes() == ["PutComponentPolicy"] and unshared[0]["policy"] is None
    assert principals(read_policy(client, "get_component_policy", componentArn=new_arn)) == {"arn:aws:iam::%s:root" % account}
    again = play([task("component", name=name, data=document("three"), policy={})])
    assert again[0]["changed"] is False and writes() == []


def test_image_recipe_and_image_sharing(play, writes, emulator, prefix, linux_ami, instance_profile):
    client = emulator.client("imagebuilder")
    play([task("component", name=prefix + "-c", data=document()),
          task("infrastructure_configuration", name=prefix + "-i", instance_profile_name=instance_profile)])
    recipe = play([task("image_recipe", name=prefix + "-r", parent_image=linux_ami, components=[dict(name=prefix + "-c")])])
    recipe_arn = recipe[0]["arn"]
    recipe_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": FRIEND},
                                                             "Action": ["imagebuilder:GetImageRecipe", "imagebuilder:ListImageRecipes"],
                                                             "Resource": recipe_arn}]}
    writes()
    shared = play([task("image_recipe", name=prefix + "-r", parent_image=linux_ami, components=[dict(name=prefix + "-c")],
                        policy=recipe_policy)])
    assert shared[0]["changed"] and writes() == ["PutImageRecipePolicy"] and shared[0]["arn"] == recipe_arn
    assert principals(read_policy(client, "get_image_recipe_policy", imageRecipeArn=recipe_arn)) == {FRIEND}

    built = play([task("image", image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i")])
    image_arn = built[0]["arn"]
    image_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": [FRIEND]},
                                                            "Action": ["imagebuilder:GetImage", "imagebuilder:ListImages"],
                                                            "Resource": [image_arn]}]}
    writes()
    planned = play([task("image", image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i", policy=image_policy)],
                   check=True, diff=True)
    assert planned[0]["changed"] and writes() == [] and planned[0]["diff"]["after"]["policy"]["Statement"][0]["Resource"] == [image_arn]
    shared = play([task("image", image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i", policy=image_policy)])
    assert shared[0]["changed"] and shared[0]["arn"] == image_arn and writes() == ["PutImagePolicy"]  # no new build
    assert principals(read_policy(client, "get_image_policy", imageArn=image_arn)) == {FRIEND}
    same = play([task("image", image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i",
                      policy=json.dumps(dict(reversed(list(image_policy.items())))))])
    assert same[0]["changed"] is False and writes() == []
    removed = play([task("image", image_recipe=prefix + "-r", infrastructure_configuration=prefix + "-i", policy="")])
    assert removed[0]["changed"] and writes() == ["PutImagePolicy"]
    assert FRIEND not in json.dumps(read_policy(client, "get_image_policy", imageArn=image_arn))


@pytest.mark.parametrize("policy, message", [
    ("{not json", "policy: is not valid JSON"),
    ('["a list"]', "policy: must be a JSON object with a Statement"),
    ({"Version": "2012-10-17"}, "policy: has no Statement"),
    ({"Statement": []}, "policy.Statement: give at least one statement"),
    ({"Statement": [{"Effect": "Maybe", "Principal": {"AWS": FRIEND}, "Action": "imagebuilder:GetComponent"}]},
     "policy.Statement[0].Effect: 'Maybe' must be Allow or Deny"),
    ({"Statement": [{"Effect": "Allow", "Action": "imagebuilder:GetComponent"}]}, "policy.Statement[0]: has no Principal"),
    ({"Statement": [{"Effect": "Allow", "Principal": {"AWS": FRIEND}, "Action": "s3:GetObject"}]},
     "policy.Statement[0].Action: 's3:GetObject' is not an Image Builder action"),
])
def test_bad_policies_fail_before_any_call(play, emulator, prefix, policy, message):
    emulator.reset_calls()
    failed = play([task("component", name=prefix, data=document(), policy=policy)], expect_failure=True)
    assert failed[0]["msg"].startswith(message), failed[0]["msg"]
    assert [call for call in emulator.calls() if call.get("service") == "imagebuilder"] == []
