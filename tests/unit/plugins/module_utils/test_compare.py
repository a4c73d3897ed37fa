"""Comparison: case conversion, normalisation, defaults, and options left out keeping their value."""
from ansible_collections.amiforge.imagebuilder.plugins.module_utils import compare
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import client_token


def test_to_api_converts_keys_but_not_user_keyed_maps_and_drops_unset():
    options = dict(ami_distribution_configuration=dict(name="x", ami_tags=dict(cost_center="42"), kms_key_id=None),
                   s3_export_configuration=dict(role_name="r"), tags=dict(owner_team="a"))
    assert compare.to_api(options) == dict(amiDistributionConfiguration=dict(name="x", amiTags=dict(cost_center="42")),
                                           s3ExportConfiguration=dict(roleName="r"), tags=dict(owner_team="a"))


def test_to_snake_keeps_tags_and_documents_as_written():
    resource = dict(arn="a", instanceTypes=["t3.small"], tags=dict(CostCenter="1"), data="x", amiTags=dict(myTag="v"))
    assert compare.to_snake(resource) == dict(arn="a", instance_types=["t3.small"], tags=dict(CostCenter="1"), data="x",
                                              ami_tags=dict(myTag="v"))


def test_canonical_ignores_empties_defaults_order_and_unknown_fields():
    fields = ["description", "instanceTypes", "terminateInstanceOnFailure", "logging"]
    defaults = dict(terminateInstanceOnFailure=True)
    wanted = dict(instanceTypes=["b", "a"], description=None, logging={})
    read_back = dict(arn="x", dateCreated="today", instanceTypes=["a", "b"], terminateInstanceOnFailure=True, description="",
                     terminateInstanceOnCompletion=True)
    assert compare.canonical(wanted, fields, defaults, ("instanceTypes",)) == compare.canonical(read_back, fields, defaults, ("instanceTypes",))
    changed = dict(read_back, terminateInstanceOnFailure=False)
    assert compare.canonical(wanted, fields, defaults, ("instanceTypes",)) != compare.canonical(changed, fields, defaults, ("instanceTypes",))


def test_canonical_keeps_the_order_of_ordered_lists_and_an_empty_no_device():
    first = dict(components=[dict(componentArn="a"), dict(componentArn="b")])
    second = dict(components=[dict(componentArn="b"), dict(componentArn="a")])
    assert compare.canonical(first, ["components"]) != compare.canonical(second, ["components"])
    with_no_device = dict(blockDeviceMappings=[dict(deviceName="/dev/sdb", noDevice="")])
    assert compare.canonical(with_no_device, ["blockDeviceMappings"]) != compare.canonical(
        dict(blockDeviceMappings=[dict(deviceName="/dev/sdb")]), ["blockDeviceMappings"])


def test_merge_defaults_fills_nested_values_without_overriding():
    defaults = dict(imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=720), status="ENABLED")
    merged = compare.merge_defaults(dict(imageTestsConfiguration=dict(timeoutMinutes=60)), defaults)
    assert merged == dict(imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=60), status="ENABLED")
    assert compare.merge_defaults(dict(status="DISABLED"), defaults)["status"] == "DISABLED"


def test_fill_unset_keeps_what_the_user_left_out_and_removes_what_they_emptied():
    current = dict(schedule=dict(scheduleExpression="cron(0 3 ? * SUN *)"), status="DISABLED", description="old",
                   imageRecipeArn="arn:r", dateCreated="today")
    desired = dict(schedule=None, status="ENABLED", description="", imageRecipeArn=None, workflows=None)
    sendable = ("schedule", "status", "description", "imageRecipeArn", "workflows")
    assert compare.fill_unset(desired, current, sendable) == dict(
        schedule=dict(scheduleExpression="cron(0 3 ? * SUN *)"), status="ENABLED", imageRecipeArn="arn:r")
    assert compare.fill_unset(dict(dateCreated=None), current, sendable) == {}, "read-only fields are never resent"
    assert compare.fill_unset(dict(amiTags=dict(a="1"), components=[dict(arn="a", parameters=[])]), None) == dict(
        amiTags=dict(a="1"), components=[dict(arn="a")])


def test_client_token_is_stable_within_a_run_and_differs_between_runs_and_requests():
    request = dict(name="a", semanticVersion="1.0.0", data="x")
    token = client_token(request, "run-1")
    assert token == client_token(dict(reversed(list(request.items()))), "run-1")
    assert token != client_token(request, "run-2")
    assert token != client_token(dict(request, data="y"), "run-1")
    assert 1 <= len(token) <= 36


def test_hide_replaced_hides_what_a_secret_replaces_in_a_text_and_as_a_whole_value():
    before = {"data": 'vars: "{\\"user\\": \\"app\\", \\"db_password\\": \\"old-secret\\"}"\nsteps: []', "user_data": "T0xE", "size": 8,
              "items": ["old-token-value", "kept"]}
    after = {"data": 'vars: "{\\"user\\": \\"app\\", \\"db_password\\": \\"new-longer-secret\\"}"\nsteps: []', "user_data": "TkVX",
             "size": 8, "items": ["new-token-value", "kept"]}
    hidden = compare.hide_replaced(before, after, {"new-longer-secret", "TkVX", "new-token-value"})
    assert hidden == {"data": 'vars: "{\\"user\\": \\"app\\", \\"db_password\\": \\"********\\"}"\nsteps: []', "user_data": "********",
                      "size": 8, "items": ["********", "kept"]}
    assert compare.hide_replaced(before, after, set()) is before
    assert compare.hide_replaced(before, {}, {"TkVX"}) == before, "nothing replaces a value that is gone"


def test_hide_replaced_leaves_other_lines_and_other_places_alone():
    before = "password: old-secret\ncomment: old-secret is not here\n"
    after = "password: the-new-secret\ncomment: old-secret is not here\n"
    assert compare.hide_replaced(before, after, ["the-new-secret"]) == "password: ********\ncomment: old-secret is not here\n"
