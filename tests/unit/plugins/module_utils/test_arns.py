"""Names, versions and ARNs as Image Builder forms them, in every partition."""
import pytest

from ansible_collections.amiforge.imagebuilder.plugins.module_utils import arns


@pytest.mark.parametrize("text, parsed", [
    ("1.0.0", (1, 0, 0)), ("10.20.30", (10, 20, 30)), ("0.0.1", (0, 0, 1)),
    ("2021.01.01", (2021, 1, 1)), ("01.0.0", (1, 0, 0)), ("1073741823.0.0", (1073741823, 0, 0)),
    ("1073741824.0.0", None), ("1.0", None), ("1.0.0.0", None), ("1.x.0", None), ("v1.0.0", None), ("", None), (None, None),
])
def test_parse_version_accepts_what_aws_accepts(text, parsed):
    assert arns.parse_version(text) == parsed


@pytest.mark.parametrize("version, part, expected", [
    ("1.2.3", "patch", "1.2.4"), ("1.2.3", "minor", "1.3.0"), ("1.2.3", "major", "2.0.0"),
    ("2021.01.01", "patch", "2021.01.02"), ("2021.01.09", "patch", "2021.01.10"), ("2021.01.01", "minor", "2021.02.00"),
    ("1.0.1073741823", "patch", None),
])
def test_bump_version_keeps_node_widths_and_stops_at_the_limit(version, part, expected):
    assert arns.bump_version(version, part) == expected


def test_a_bumped_date_version_sorts_after_the_one_it_bumps():
    assert arns.version_key(arns.bump_version("2021.01.01")) > arns.version_key("2021.01.01")
    versions = ["1.0.10", "1.0.9", "1.10.0", "1.9.0", "2.0.0", "2021.01.01", "2021.1.2"]
    assert sorted(versions, key=arns.version_key) == ["1.0.9", "1.0.10", "1.9.0", "1.10.0", "2.0.0", "2021.01.01", "2021.1.2"]


@pytest.mark.parametrize("text, wildcards, ok", [
    ("1.x.x", True, True), ("x.x.x", True, True), ("1.2.x", True, True), ("x.2.x", True, False), ("1.x.8", True, False),
    ("1.x.x", False, False), ("2021.01.01", False, True),
])
def test_version_problem_follows_the_wildcard_rule(text, wildcards, ok):
    problem = arns.version_problem(text, "components[0].version", wildcards=wildcards)
    assert (problem is None) == ok
    if problem:
        assert problem.startswith("components[0].version: ")


@pytest.mark.parametrize("name, normalized", [
    ("golden", "golden"), ("Golden AL2023", "golden-al2023"), ("golden_al2023", "golden-al2023"), ("My_Image Name", "my-image-name"),
])
def test_names_are_normalised_as_aws_forms_the_arn(name, normalized):
    assert arns.normalize_name(name) == normalized


def test_name_problem_names_the_option():
    assert arns.name_problem("ok-name") is None
    assert arns.name_problem("a") .startswith("name: 'a' is not a valid Image Builder name")
    assert arns.name_problem("bad/name", "pipeline").startswith("pipeline: ")


@pytest.mark.parametrize("partition, region", [("aws", "us-east-1"), ("aws-cn", "cn-north-1"), ("aws-us-gov", "us-gov-west-1")])
def test_arns_are_built_and_parsed_in_every_partition(partition, region):
    arn = arns.build_arn(partition, region, "123456789012", "component", "My_Component", "1.0.0", 2)
    assert arn == "arn:%s:imagebuilder:%s:123456789012:component/my-component/1.0.0/2" % (partition, region)
    parts = arns.parse_arn(arn)
    assert parts == dict(partition=partition, region=region, account="123456789012", type="component", workflow_type=None,
                         name="my-component", version="1.0.0", build="2")
    amazon = arns.build_arn(partition, region, arns.AMAZON, "component", "update-linux", "x.x.x")
    assert amazon == "arn:%s:imagebuilder:%s:aws:component/update-linux/x.x.x" % (partition, region)
    assert arns.parse_arn(amazon)["account"] == "aws"


@pytest.mark.parametrize("account", ["aws-marketplace", "third-party", "aws"])
def test_marketplace_and_third_party_component_arns_parse(account):
    arn = "arn:aws:imagebuilder:us-east-1:%s:component/cis-hardened-amazon-linux-2023-level-1/2.3.0/1" % account
    parts = arns.parse_arn(arn)
    assert parts["account"] == account and parts["type"] == "component" and parts["version"] == "2.3.0"
    assert arns.strip_build(arn) == arn.rsplit("/", 1)[0]


def test_workflow_arns_carry_their_type():
    arn = arns.build_arn("aws", "us-east-1", "123456789012", "workflow", "Build_Mine", "1.0.0", 1, workflow_type="build")
    assert arn == "arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/build-mine/1.0.0/1"
    assert arns.parse_arn(arn)["workflow_type"] == "build" and arns.parse_arn(arn)["name"] == "build-mine"


@pytest.mark.parametrize("arn", [
    "arn:aws:s3:::bucket", "arn:aws:imagebuilder:us-east-1:12345678901:component/x/1.0.0", "arn:aws:imagebuilder:us-east-1:123456789012:component/",
    "arn:aws:imagebuilder:us-east-1:123456789012:component/a/1.0.0/1/2", "not an arn", None,
])
def test_parse_arn_refuses_what_is_not_an_image_builder_arn(arn):
    assert arns.parse_arn(arn) is None


def test_versions_of_resources_come_from_the_arn():
    assert arns.semver_of(dict(arn="arn:aws:imagebuilder:us-east-1:123456789012:component/a/1.0.2/1", version="1.0.2/1")) == "1.0.2"
    assert arns.semver_of(dict(version="2019.12.03/7")) == "2019.12.03"
    assert arns.is_wildcard("1.x.x") and not arns.is_wildcard("1.0.0") and not arns.is_wildcard(None)
