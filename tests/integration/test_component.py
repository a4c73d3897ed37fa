"""amiforge.imagebuilder.component against the emulator: versions follow content, re-runs
write nothing, check mode predicts without writing, bad input fails before any write."""
import uuid

import pytest

from tests.integration.conftest import lists_visible
from tests.integration.helpers import component_task, document, versions_in_emulator


@pytest.fixture
def name():
    return "it-" + uuid.uuid4().hex[:10]


def test_create_then_rerun_is_unchanged(play, writes, emulator, name):
    first = play([component_task(name, tags=dict(team="platform"))])
    assert first[0]["changed"] is True
    assert first[0]["version"] == "1.0.0"
    assert first[0]["arn"].endswith(":component/%s/1.0.0/1" % name)
    assert writes() == ["CreateComponent"]
    got = emulator.client("imagebuilder").get_component(componentBuildVersionArn=first[0]["arn"])["component"]
    assert got["tags"] == {"team": "platform"} and "echo hello" in got["data"]

    emulator.reset_calls()
    second = play([component_task(name, tags=dict(team="platform"))])
    assert second[0]["changed"] is False
    assert second[0]["arn"] == first[0]["arn"]
    assert writes() == []


def test_same_document_written_differently_is_unchanged(play, writes, name):
    play([component_task(name)])
    writes()
    text = ("phases:\n  - steps:\n      - inputs: {commands: ['echo hello']}\n        action: ExecuteBash\n        name: Say\n"
            "    name: build\nschemaVersion: 1.0\nname: doc\n")
    result = play([component_task(name, data=text)])
    assert result[0]["changed"] is False
    assert writes() == []


def test_content_change_creates_next_version(play, writes, emulator, name):
    play([component_task(name)])
    writes()  # forget the first version's create
    patch = play([component_task(name, data=document("changed"))])
    assert (patch[0]["changed"], patch[0]["version"]) == (True, "1.0.1")
    minor = play([component_task(name, data=document("again"), version_bump="minor")])
    assert minor[0]["version"] == "1.1.0"
    major = play([component_task(name, data=document("big"), version_bump="major")])
    assert major[0]["version"] == "2.0.0"
    assert versions_in_emulator(emulator, name) == ["1.0.0", "1.0.1", "1.1.0", "2.0.0"]


def test_change_description_alone_makes_no_version(play, writes, name):
    play([component_task(name)])
    writes()
    result = play([component_task(name, change_description="just words")])
    assert result[0]["changed"] is False


def test_check_mode_predicts_without_writing(play, writes, emulator, name):
    emulator.reset_calls()
    created = play([component_task(name)], check=True)
    assert created[0]["changed"] is True and created[0]["version"] == "1.0.0"
    assert created[0]["arn"] == "arn:aws:imagebuilder:us-east-1:123456789012:component/%s/1.0.0/1" % name, "the ARN it would create"
    assert [call["operation"] for call in emulator.calls() if call["service"] == "imagebuilder"] == ["GetComponent"], \
        "check mode makes no write call of any kind, not even a dryRun"
    assert writes() == [] and versions_in_emulator(emulator, name) == []

    play([component_task(name)])
    emulator.reset_calls()
    predicted = play([component_task(name, data=document("next"))], check=True, diff=True)
    assert predicted[0]["changed"] is True
    assert predicted[0]["diff"]["before"]["version"] == "1.0.0"
    assert predicted[0]["diff"]["after"]["version"] == "1.0.1"
    assert predicted[0]["arn"].endswith("component/%s/1.0.1/1" % name)
    assert writes() == []
    assert versions_in_emulator(emulator, name) == ["1.0.0"]


def imagebuilder_calls(emulator):
    return [(call["operation"], call["status"]) for call in emulator.calls() if call["service"] == "imagebuilder"]


def test_check_mode_with_validate_with_service_sends_the_create_as_a_dry_run(play, writes, emulator, name):
    emulator.reset_calls()
    planned = play([component_task(name, validate_with_service=True)], check=True)
    assert planned[0]["changed"] is True and planned[0]["version"] == "1.0.0"
    assert imagebuilder_calls(emulator) == [("GetComponent", 404), ("CreateComponent", 412)], \
        "the create this run would make, sent with dryRun: answered DryRunOperationException (412)"
    assert versions_in_emulator(emulator, name) == [], "a dry run creates nothing"

    play([component_task(name)])
    emulator.reset_calls()
    unchanged = play([component_task(name, validate_with_service=True)], check=True)
    assert unchanged[0]["changed"] is False
    assert imagebuilder_calls(emulator) == [("GetComponent", 200)], "nothing to create, nothing to validate"
    assert versions_in_emulator(emulator, name) == ["1.0.0"]


def test_a_document_the_service_refuses_fails_a_plan_validated_with_the_service(play, writes, emulator, name):
    # the offline linter is off (validate: false), so only the service can see that the document has no phase
    refused = dict(name="doc", schemaVersion=1.0, phases=[])
    planned = play([component_task(name, data=refused, validate=False)], check=True)
    assert planned[0]["changed"] is True, "without validate_with_service the plan cannot know"

    emulator.reset_calls()
    failed = play([component_task(name, data=refused, validate=False, validate_with_service=True)], check=True, expect_failure=True)
    message = failed[0]["msg"]
    assert "validate_with_service" in message and "CreateComponent" in message and "needs a phases list" in message, message
    assert writes() == [] and versions_in_emulator(emulator, name) == []


def test_a_plan_validated_with_the_service_does_not_ask_about_what_an_earlier_task_would_create(play, emulator, name):
    # a KMS key the plan assumes an earlier task creates: the service would refuse the request, a real run would not
    emulator.reset_calls()
    planned = play([component_task(name, kms_key_id="alias/%s-not-yet" % name, validate_with_service=True)], check=True)
    assert planned[0]["changed"] is True
    warnings = " ".join(planned[0].get("warnings", []))
    assert "kms_key_id: KMS key alias/%s-not-yet does not exist" % name in warnings and "was not sent with dryRun" in warnings, warnings
    assert [call for call in emulator.calls() if call["operation"] == "CreateComponent"] == []


def test_diff_shows_document_as_written(play, name):
    result = play([component_task(name)], diff=True)
    after = result[0]["diff"]["after"]
    assert after["data"]["schemaVersion"] == 1.0, "the document's own keys must not be rewritten to snake_case"
    assert after["platform"] == "Linux"


def test_tags_are_added_and_purged_without_new_version(play, writes, emulator, name):
    play([component_task(name, tags=dict(a="1", b="2"))])
    writes()
    added = play([component_task(name, tags=dict(a="1", b="2", c="3"), purge_tags=False)])
    assert added[0]["changed"] is True and added[0]["version"] == "1.0.0"
    assert writes() == ["TagResource"]
    emulator.reset_calls()
    purged = play([component_task(name, tags=dict(a="1"))])
    assert purged[0]["changed"] is True
    assert writes() == ["UntagResource"]
    tags = emulator.client("imagebuilder").list_tags_for_resource(resourceArn=purged[0]["arn"])["tags"]
    assert tags == {"a": "1"}


def test_explicit_version_with_other_content_fails_clearly(play, writes, name):
    play([component_task(name, version="1.2.3")])
    writes()
    result = play([component_task(name, version="1.2.3", data=document("other"))], expect_failure=True)
    assert result[0]["failed"] and "immutable" in result[0]["msg"] and "version" in result[0]["msg"]
    assert writes() == []
    same = play([component_task(name, version="1.2.3")])
    assert same[0]["changed"] is False


@pytest.mark.parametrize("options, message", [
    (dict(version="1.0"), "version: '1.0' is not a semantic version"),
    (dict(uri="s3://bucket/doc.yml"), "mutually exclusive: data|uri"),
    (dict(data="phases: [unclosed"), "data: the component document is not valid YAML"),
    (dict(data="- just\n- a list\n"), "data: the component document must be a YAML mapping"),
    (dict(data=dict(schemaVersion=1.0, phases=[dict(name="build", steps=[dict(name="X", action="NoSuchAction")])])), "data: the component document has"),
    (dict(uri="https://example.invalid/doc.yml", data=None), "uri: 'https://example.invalid/doc.yml' is not an S3 URI"),
    (dict(keep_versions=-1), "keep_versions: -1 is negative"),
    (dict(name="x"), "name: 'x' is not a valid Image Builder name"),
    (dict(version="1.x.0"), "version: '1.x.0' is not a semantic version"),
])
def test_bad_input_fails_before_any_write(play, writes, emulator, name, options, message):
    options.setdefault("name", name)
    task = component_task(**options)
    if options.get("data", "") is None:
        del task["amiforge.imagebuilder.component"]["data"]
    result = play([task], expect_failure=True)
    assert result[0]["failed"]
    assert message in result[0]["msg"], result[0]["msg"]
    assert writes() == []
    assert versions_in_emulator(emulator, options["name"]) == []


def test_keep_versions_prunes_old_unused_versions_and_keeps_those_in_use(play, writes, emulator, name, linux_ami):
    for message in ("v1", "v2", "v3"):
        play([component_task(name, data=document(message))])
    recipe = "it-recipe-" + name
    play([{"amiforge.imagebuilder.image_recipe": dict(
        name=recipe, parent_image=linux_ami, components=[dict(name=name, version="1.0.0")])}])
    with lists_visible(emulator):  # on AWS, versions older than List's lag (a few minutes)
        result = play([component_task(name, data=document("v4"), keep_versions=1)])
    assert result[0]["version"] == "1.0.3"
    assert [arn.split("/")[-1] for arn in result[0]["deleted_versions"]] == ["1.0.1", "1.0.2"]
    assert [item["arn"].split("/")[-1] for item in result[0]["kept_in_use"]] == ["1.0.0"]
    assert recipe in result[0]["kept_in_use"][0]["reason"], "the service says what uses it"
    assert versions_in_emulator(emulator, name) == ["1.0.0", "1.0.3"]


def test_absent_deletes_every_version_and_rerun_is_unchanged(play, writes, emulator, name):
    play([component_task(name), component_task(name, data=document("two"))])
    emulator.reset_calls()
    task = {"amiforge.imagebuilder.component": dict(name=name, state="absent")}
    gone = play([task])
    assert gone[0]["changed"] is True and len(gone[0]["deleted_versions"]) == 2
    assert versions_in_emulator(emulator, name) == []
    again = play([task])
    assert again[0]["changed"] is False


def test_absent_with_a_version_in_use_deletes_the_others_and_says_what_is_left_and_why(play, writes, emulator, name, linux_ami):
    play([component_task(name, data=document("v1")), component_task(name, data=document("v2")), component_task(name, data=document("v3"))])
    recipe = "it-recipe-" + name
    play([{"amiforge.imagebuilder.image_recipe": dict(name=recipe, parent_image=linux_ami, components=[dict(name=name, version="1.0.1")])}])
    writes()
    task = {"amiforge.imagebuilder.component": dict(name=name, state="absent")}
    with lists_visible(emulator):  # on AWS, versions older than List's lag; Get alone cannot see past the one in use
        failed = play([task], expect_failure=True)
    assert failed[0]["failed"] and failed[0]["changed"] is True, "what was deleted is reported as a change"
    assert sorted(arn.rsplit("/", 1)[1] for arn in failed[0]["deleted_versions"]) == ["1.0.0", "1.0.2"]
    assert [item["arn"].rsplit("/", 1)[1] for item in failed[0]["kept_in_use"]] == ["1.0.1"]
    assert "1 still in use" in failed[0]["msg"] and recipe in failed[0]["msg"], "the message says what uses it"
    assert writes() == ["DeleteComponent", "DeleteComponent"]  # the one in use was refused by the service
    assert versions_in_emulator(emulator, name) == ["1.0.1"]
    play([{"amiforge.imagebuilder.image_recipe": dict(name=recipe, state="absent")}])
    gone = play([task])
    assert gone[0]["changed"] and [arn.rsplit("/", 1)[1] for arn in gone[0]["deleted_versions"]] == ["1.0.1"]
    assert versions_in_emulator(emulator, name) == []
