"""The engine's pure parts: versions, ARNs, case conversion, normalisation and comparison."""
import pytest

from ansible_collections.amiforge.imagebuilder.plugins.module_utils import imagebuilder as engine


@pytest.mark.parametrize("text, parsed", [
    ("1.0.0", (1, 0, 0)), ("10.20.30", (10, 20, 30)), ("0.0.1", (0, 0, 1)),
    ("1.0", None), ("1.0.0.0", None), ("01.0.0", None), ("1.x.0", None), ("v1.0.0", None), ("", None), (None, None),
])
def test_parse_version(text, parsed):
    assert engine.parse_version(text) == parsed


@pytest.mark.parametrize("part, expected", [("patch", "1.2.4"), ("minor", "1.3.0"), ("major", "2.0.0")])
def test_bump_version(part, expected):
    assert engine.bump_version("1.2.3", part) == expected


def test_versions_sort_numerically_not_as_text():
    versions = ["1.0.10", "1.0.9", "1.10.0", "1.9.0", "2.0.0"]
    assert sorted(versions, key=engine.version_key) == ["1.0.9", "1.0.10", "1.9.0", "1.10.0", "2.0.0"]


def test_parse_arn_and_versions_of_resources():
    parts = engine.parse_arn("arn:aws:imagebuilder:eu-west-1:123456789012:component/install-nginx/1.2.3/4")
    assert parts == dict(region="eu-west-1", account="123456789012", type="component", name="install-nginx", version="1.2.3", build="4")
    assert engine.parse_arn("arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x")["account"] == "aws"
    assert engine.parse_arn("arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/build")["version"] is None
    assert engine.parse_arn("arn:aws:s3:::bucket") is None
    # the ARN wins over a version field that carries a build number
    assert engine.semver_of(dict(arn="arn:aws:imagebuilder:us-east-1:123456789012:component/a/1.0.2/1", version="1.0.2/1")) == "1.0.2"


def test_to_api_converts_keys_but_not_user_keyed_maps_and_drops_unset():
    options = dict(ami_distribution_configuration=dict(name="x", ami_tags=dict(cost_center="42"), kms_key_id=None),
                   s3_export_configuration=dict(role_name="r"), tags=dict(owner_team="a"))
    assert engine.to_api(options) == dict(amiDistributionConfiguration=dict(name="x", amiTags=dict(cost_center="42")),
                                          s3ExportConfiguration=dict(roleName="r"), tags=dict(owner_team="a"))


def test_to_snake_keeps_tags_and_documents_as_written():
    resource = dict(arn="a", instanceTypes=["t3.small"], tags=dict(CostCenter="1"), data="x", amiTags=dict(myTag="v"))
    assert engine.to_snake(resource) == dict(arn="a", instance_types=["t3.small"], tags=dict(CostCenter="1"), data="x",
                                             ami_tags=dict(myTag="v"))


def test_canonical_ignores_empties_defaults_order_and_unknown_fields():
    fields = ["description", "instanceTypes", "terminateInstanceOnFailure", "logging"]
    defaults = dict(terminateInstanceOnFailure=True)
    wanted = dict(instanceTypes=["b", "a"], description=None, logging={})
    read_back = dict(arn="x", dateCreated="today", instanceTypes=["a", "b"], terminateInstanceOnFailure=True, description="")
    assert engine.canonical(wanted, fields, defaults, ("instanceTypes",)) == engine.canonical(read_back, fields, defaults, ("instanceTypes",))
    changed = dict(read_back, terminateInstanceOnFailure=False)
    assert engine.canonical(wanted, fields, defaults, ("instanceTypes",)) != engine.canonical(changed, fields, defaults, ("instanceTypes",))


def test_canonical_keeps_the_order_of_ordered_lists():
    first = dict(components=[dict(componentArn="a"), dict(componentArn="b")])
    second = dict(components=[dict(componentArn="b"), dict(componentArn="a")])
    assert engine.canonical(first, ["components"]) != engine.canonical(second, ["components"])


def test_merge_defaults_fills_nested_values_without_overriding():
    defaults = dict(imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=720), status="ENABLED")
    merged = engine.merge_defaults(dict(imageTestsConfiguration=dict(timeoutMinutes=60)), defaults)
    assert merged == dict(imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=60), status="ENABLED")
    assert engine.merge_defaults(dict(status="DISABLED"), defaults)["status"] == "DISABLED"


def test_client_token_is_stable_within_a_run_and_differs_between_runs_and_requests():
    request = dict(name="a", semanticVersion="1.0.0", data="x")
    token = engine.client_token(request, "run-1")
    assert token == engine.client_token(dict(reversed(list(request.items()))), "run-1")
    assert token != engine.client_token(request, "run-2")
    assert token != engine.client_token(dict(request, data="y"), "run-1")
    assert 1 <= len(token) <= 36
