"""Components: versions, build versions, wildcards, idempotency, pagination, tags, policies, owners."""
import json

import pytest

from tests.emulator.tests.conftest import DOCUMENT, error_code, status_of, unique

ACCOUNT = "123456789012"


def arn_of(name, version):
    return "arn:aws:imagebuilder:us-east-1:%s:component/%s/%s" % (ACCOUNT, name, version)


def create(ib, name, version, **extra):
    return ib.create_component(name=name, semanticVersion=version, platform="Linux", data=DOCUMENT.format(step="s"), **extra)


def test_create_get_delete(ib):
    name = unique("comp")
    response = create(ib, name, "1.2.3", description="first", tags={"team": "a"}, supportedOsVersions=["Amazon Linux 2023"])
    arn = response["componentBuildVersionArn"]
    assert arn == arn_of(name, "1.2.3/1")
    assert response["latestVersionReferences"] == {
        "latestVersionArn": arn_of(name, "x.x.x"), "latestMajorVersionArn": arn_of(name, "1.x.x"),
        "latestMinorVersionArn": arn_of(name, "1.2.x"), "latestPatchVersionArn": arn_of(name, "1.2.3")}
    component = ib.get_component(componentBuildVersionArn=arn)["component"]
    assert component["name"] == name and component["version"] == "1.2.3" and component["description"] == "first"
    assert component["type"] == "BUILD" and component["platform"] == "Linux" and component["owner"] == ACCOUNT
    assert component["data"] == DOCUMENT.format(step="s") and component["tags"] == {"team": "a"}
    assert component["supportedOsVersions"] == ["Amazon Linux 2023"] and component["encrypted"] is True
    assert ib.delete_component(componentBuildVersionArn=arn)["componentBuildVersionArn"] == arn
    with pytest.raises(ib.exceptions.ResourceNotFoundException) as excinfo:
        ib.get_component(componentBuildVersionArn=arn)
    assert status_of(excinfo) == 404


def test_an_existing_version_gets_a_new_build_only_for_new_content(ib):
    """model 1.44.8 CreateComponent ``name``: same name and version, new content -> a new build version; identical -> refused."""
    name = unique("comp")
    first = create(ib, name, "1.0.0")["componentBuildVersionArn"]
    with pytest.raises(ib.exceptions.ResourceInUseException) as excinfo:
        create(ib, name, "1.0.0")
    assert "identical content" in excinfo.value.response["Error"]["Message"]
    second = create(ib, name, "1.0.0", description="changed")["componentBuildVersionArn"]
    assert (first, second) == (arn_of(name, "1.0.0/1"), arn_of(name, "1.0.0/2"))
    assert ib.get_component(componentBuildVersionArn=arn_of(name, "1.0.0"))["component"]["arn"] == second
    assert ib.get_component(componentBuildVersionArn=first)["component"].get("description") is None
    listed = ib.list_components(filters=[{"name": "name", "values": [name]}])["componentVersionList"]
    assert [(item["arn"], item["version"], item["description"]) for item in listed] == [(arn_of(name, "1.0.0"), "1.0.0", "changed")]
    builds = ib.list_component_build_versions(componentVersionArn=arn_of(name, "1.0.0"))["componentSummaryList"]
    assert [b["arn"] for b in builds] == [first, second]
    with pytest.raises(ib.exceptions.ResourceInUseException):
        create(ib, name, "1.0.0", description="changed")


def test_wildcards_resolve_to_the_latest_matching_version(ib):
    name = unique("comp")
    for version in ("1.0.0", "1.0.9", "1.2.0", "2.0.0", "1.10.1"):
        create(ib, name, version)

    def get(version):
        return ib.get_component(componentBuildVersionArn=arn_of(name, version))["component"]["arn"].split("/", 2)[2]

    assert get("x.x.x") == "2.0.0/1"
    assert get("1.x.x") == "1.10.1/1"
    assert get("1.0.x") == "1.0.9/1"
    assert get("1.2.0/1") == "1.2.0/1"
    with pytest.raises(ib.exceptions.ResourceNotFoundException):
        get("3.x.x")


def test_client_token_returns_the_original_response_or_a_mismatch(ib):
    name = unique("comp")
    first = create(ib, name, "1.0.0", clientToken="token-" + name)
    again = create(ib, name, "1.0.0", clientToken="token-" + name)
    assert again["componentBuildVersionArn"] == first["componentBuildVersionArn"]
    assert again["clientToken"] == "token-" + name
    with pytest.raises(ib.exceptions.IdempotentParameterMismatchException) as excinfo:
        create(ib, name, "1.0.1", clientToken="token-" + name)
    assert status_of(excinfo) == 400
    versions = ib.list_components(filters=[{"name": "name", "values": [name]}])["componentVersionList"]
    assert [v["version"] for v in versions] == ["1.0.0"]


def test_dry_run_validates_and_stores_nothing(ib):
    name = unique("comp")
    with pytest.raises(ib.exceptions.DryRunOperationException) as excinfo:
        create(ib, name, "1.0.0", dryRun=True)
    assert status_of(excinfo) == 412
    assert ib.list_components(filters=[{"name": "name", "values": [name]}])["componentVersionList"] == []


def test_pagination_over_250_versions(ib):
    name = unique("many")
    for index in range(250):
        create(ib, name, "1.%d.0" % index)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = ib.list_components(filters=[{"name": "name", "values": [name]}], maxResults=25, **kwargs)
        assert len(page["componentVersionList"]) <= 25
        seen += [item["version"] for item in page["componentVersionList"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert pages == 10
    assert sorted(seen, key=lambda v: tuple(map(int, v.split(".")))) == ["1.%d.0" % i for i in range(250)]
    assert len(set(seen)) == 250
    paginated = ib.get_paginator("list_components").paginate(filters=[{"name": "name", "values": [name]}])
    assert sum(len(p["componentVersionList"]) for p in paginated) == 250
    [by_name] = ib.list_components(filters=[{"name": "name", "values": [name]}], byName=True)["componentVersionList"]
    assert by_name["version"] == "1.249.0"


def test_bad_pagination_token(raw):
    with pytest.raises(raw.exceptions.InvalidPaginationTokenException):
        raw.list_components(nextToken="not-a-token")


def test_list_build_versions_and_version_arns(ib):
    name = unique("comp")
    create(ib, name, "1.0.0")
    create(ib, name, "1.1.0")
    listed = ib.list_components(filters=[{"name": "name", "values": [name]}])["componentVersionList"]
    assert [item["arn"] for item in listed] == [arn_of(name, "1.0.0"), arn_of(name, "1.1.0")]
    builds = ib.list_component_build_versions(componentVersionArn=arn_of(name, "1.1.0"))["componentSummaryList"]
    assert [b["arn"] for b in builds] == [arn_of(name, "1.1.0/1")]
    assert builds[0]["state"] == {"status": "ACTIVE"}


def test_owner_filters(ib):
    amazon = ib.list_components(owner="Amazon")["componentVersionList"]
    assert {"update-linux", "reboot-linux"} <= {c["name"] for c in amazon}
    assert all(c["arn"].split(":")[4] == "aws" and c["owner"] == "Amazon" for c in amazon)
    mine = ib.list_components(owner="Self", maxResults=25)["componentVersionList"]
    assert all(c["owner"] == ACCOUNT for c in mine)
    update = ib.get_component(componentBuildVersionArn="arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x")
    assert update["component"]["owner"] == "Amazon"
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.delete_component(componentBuildVersionArn=update["component"]["arn"])


def test_filters_by_platform_and_type(ib):
    name = unique("comp")
    create(ib, name, "1.0.0")
    found = ib.list_components(filters=[{"name": "name", "values": [name]}, {"name": "platform", "values": ["Linux"]},
                                        {"name": "type", "values": ["BUILD"]}])["componentVersionList"]
    assert len(found) == 1
    assert ib.list_components(filters=[{"name": "name", "values": [name]},
                                       {"name": "platform", "values": ["Windows"]}])["componentVersionList"] == []
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.list_components(filters=[{"name": "colour", "values": ["blue"]}])


def test_tags_on_create_and_through_the_tag_api(ib):
    arn = create(ib, unique("comp"), "1.0.0", tags={"a": "1"})["componentBuildVersionArn"]
    ib.tag_resource(resourceArn=arn, tags={"b": "2", "c": "3"})
    ib.untag_resource(resourceArn=arn, tagKeys=["a", "c"])
    assert ib.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    assert ib.get_component(componentBuildVersionArn=arn)["component"]["tags"] == {"b": "2"}
    with pytest.raises(ib.exceptions.ResourceNotFoundException):
        ib.list_tags_for_resource(resourceArn=arn_of("nothing-" + unique(), "1.0.0/1"))


def test_resource_policy_put_get(ib):
    arn = create(ib, unique("comp"), "1.0.0")["componentBuildVersionArn"]
    with pytest.raises(ib.exceptions.ResourceNotFoundException):
        ib.get_component_policy(componentArn=arn)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ["111122223333"]}, "Action": ["imagebuilder:GetComponent"], "Resource": arn}]})
    assert ib.put_component_policy(componentArn=arn, policy=policy)["componentArn"] == arn
    stored = json.loads(policy)
    stored["Statement"][0]["Resource"] = [arn]  # read back with Resource as a list (docs/emulator.md)
    assert json.loads(ib.get_component_policy(componentArn=arn)["policy"]) == stored
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.put_component_policy(componentArn=arn, policy="{not json")


def test_shared_owner_lists_resources_shared_with_this_account(emulator):
    import boto3

    other = boto3.client("imagebuilder", region_name="us-east-1", endpoint_url=emulator.url,
                         aws_access_key_id="testing", aws_secret_access_key="testing")
    other.meta.events.register("before-sign.imagebuilder.*", lambda request, **_: request.headers.add_header("x-moto-account-id", "111122223333"))
    name = unique("shared")
    arn = create(other, name, "1.0.0")["componentBuildVersionArn"]
    assert arn.split(":")[4] == "111122223333"
    ib = emulator.client("imagebuilder")
    assert all(c["name"] != name for c in ib.list_components(owner="Shared")["componentVersionList"])
    other.put_component_policy(componentArn=arn, policy=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": [ACCOUNT]}, "Action": ["imagebuilder:GetComponent"], "Resource": arn}]}))
    assert name in [c["name"] for c in ib.list_components(owner="Shared")["componentVersionList"]]


def test_component_from_s3_uri_and_data_uri_exclusive(emulator, ib, raw):
    s3 = emulator.client("s3")
    bucket = unique("docs")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="c.yml", Body=DOCUMENT.format(step="s").encode())
    arn = ib.create_component(name=unique("comp"), semanticVersion="1.0.0", platform="Linux",
                              uri="s3://%s/c.yml" % bucket)["componentBuildVersionArn"]
    assert "phases" in ib.get_component(componentBuildVersionArn=arn)["component"]["data"]
    with pytest.raises(ib.exceptions.InvalidParameterValueException):
        ib.create_component(name=unique("comp"), semanticVersion="1.0.0", platform="Linux", uri="s3://%s/missing.yml" % bucket)
    with pytest.raises(raw.exceptions.InvalidParameterCombinationException):
        raw.create_component(name=unique("comp"), semanticVersion="1.0.0", platform="Linux", clientToken="t",
                             data=DOCUMENT.format(step="s"), uri="s3://%s/c.yml" % bucket)


def test_invalid_yaml_document(ib):
    with pytest.raises(ib.exceptions.InvalidParameterValueException) as excinfo:
        ib.create_component(name=unique("comp"), semanticVersion="1.0.0", platform="Linux", data="phases: [unclosed")
    assert error_code(excinfo) == "InvalidParameterValueException"


def test_import_component_shell_script(ib):
    arn = ib.import_component(name=unique("imp"), semanticVersion="1.0.0", type="TEST", format="SHELL", platform="Linux",
                              data="echo one\necho two")["componentBuildVersionArn"]
    component = ib.get_component(componentBuildVersionArn=arn)["component"]
    assert component["type"] == "TEST" and "echo two" in component["data"]
