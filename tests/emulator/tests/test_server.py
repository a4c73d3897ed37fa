"""The server itself: start, loopback only, one endpoint for every service, admin endpoints."""
import json
import subprocess
import sys
import urllib.request

import boto3
import botocore.config
import pytest

from tests.emulator.tests.conftest import NO_RETRY, error_code, unique


def test_refuses_a_non_loopback_host(repo_root):
    result = subprocess.run([sys.executable, "-m", "tests.emulator", "--host", "0.0.0.0", "--port", "0"],
                            cwd=repo_root, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "loopback" in result.stderr
    assert "emulator: http" not in result.stdout


def test_starts_and_prints_its_url(repo_root):
    """How fast it starts is a figure of `make bench` (tests/bench/bench_emulator.py, 3 s budget), not of this test."""
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1", "--port", "0"],
                               cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("emulator: http://127.0.0.1:")
        with urllib.request.urlopen(line.split()[1] + "/_amiforge/calls", timeout=10) as response:
            assert json.loads(response.read()) == []
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_service_answers_at_the_one_endpoint(emulator):
    assert emulator.client("sts").get_caller_identity()["Account"] == "123456789012"
    bucket = unique("bucket")
    emulator.client("s3").create_bucket(Bucket=bucket)
    assert bucket in [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]]
    emulator.client("ssm").put_parameter(Name="/emulator/" + bucket, Value="v", Type="String")
    assert emulator.client("kms").create_key()["KeyMetadata"]["KeyId"]
    assert emulator.client("sns").create_topic(Name=bucket)["TopicArn"].endswith(bucket)
    assert emulator.client("iam").create_role(RoleName=bucket, AssumeRolePolicyDocument="{}")["Role"]["RoleName"] == bucket
    assert emulator.client("ec2").describe_images(Owners=["amazon"])["Images"]
    assert emulator.client("imagebuilder").list_components(owner="Amazon")["componentVersionList"]


def test_env_carries_what_amazon_aws_modules_need(emulator):
    assert emulator.env["AWS_URL"] == emulator.url
    assert emulator.env["AWS_REGION"] == emulator.env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert emulator.env["AWS_ACCESS_KEY_ID"] and emulator.env["AWS_SECRET_ACCESS_KEY"]


def test_call_log_records_service_operation_status_and_region(emulator, ib):
    emulator.reset_calls()
    ib.list_image_recipes()
    with pytest.raises(ib.exceptions.ResourceNotFoundException):
        ib.get_image_recipe(imageRecipeArn="arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/missing/1.0.0")
    emulator.client("ec2", "eu-west-1").describe_vpcs()
    emulator.client("ssm").describe_parameters()
    emulator.client("s3").create_bucket(Bucket=unique("bucket"))
    read = dict(session_token=False, write=False)
    assert emulator.calls() == [
        dict(read, service="imagebuilder", operation="ListImageRecipes", status=200, region="us-east-1"),
        dict(read, service="imagebuilder", operation="GetImageRecipe", status=404, region="us-east-1"),
        dict(read, service="ec2", operation="DescribeVpcs", status=200, region="eu-west-1"),
        dict(read, service="ssm", operation="DescribeParameters", status=200, region="us-east-1"),
        dict(service="s3", operation="CreateBucket", status=200, region="us-east-1", session_token=False, write=True),
    ]
    emulator.reset_calls()
    assert emulator.calls() == []


def test_unknown_admin_endpoint_is_a_404(emulator):
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        emulator.admin("GET", "nothing-here")
    assert excinfo.value.code == 404


def test_reset_wipes_state_and_reseeds_amazon_resources(repo_root):
    """Uses its own server: a reset would disturb the session's other tests."""
    from tests.conftest import EmulatorProcess

    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0"], cwd=repo_root,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server = EmulatorProcess(process.stdout.readline().split()[1], process)
        ib = server.client("imagebuilder", config=NO_RETRY)
        server.client("iam").create_instance_profile(InstanceProfileName="p")
        arn = ib.create_infrastructure_configuration(name="infra", instanceProfileName="p")["infrastructureConfigurationArn"]
        server.reset()
        with pytest.raises(ib.exceptions.ResourceNotFoundException):
            ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
        with pytest.raises(Exception) as excinfo:
            server.client("iam").get_instance_profile(InstanceProfileName="p")
        assert error_code(excinfo) == "NoSuchEntity"
        names = [c["name"] for c in ib.list_components(owner="Amazon")["componentVersionList"]]
        assert "update-linux" in names and "reboot-linux" in names
    finally:
        process.terminate()
        process.wait(timeout=10)


def session(emulator, token, region="us-east-1"):
    return boto3.session.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="secret", aws_session_token=token,
                                 region_name=region)


def test_call_log_says_whether_each_request_carried_a_session_token_never_the_token(emulator):
    """Header (every service, every protocol) and query parameter (presigned URLs, SigV2 and SigV4)."""
    bucket = unique("bucket")
    with_token = session(emulator, "FwoGZXIvYXdzEXAMPLETOKEN")
    s3 = with_token.client("s3", endpoint_url=emulator.url)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    emulator.reset_calls()
    reads = [("sts", "get_caller_identity"), ("iam", "list_roles"), ("ec2", "describe_vpcs"), ("ssm", "describe_parameters"),
             ("kms", "list_keys"), ("imagebuilder", "list_components")]
    for service, method in reads:
        getattr(with_token.client(service, endpoint_url=emulator.url), method)()
    presigned = [s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}),
                 with_token.client("s3", endpoint_url=emulator.url, config=botocore.config.Config(signature_version="s3v4"))
                 .generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})]
    assert any("AWSAccessKeyId=" in url for url in presigned) and any("X-Amz-Credential=" in url for url in presigned)
    for url in presigned:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"x"
    session(emulator, None).client("sts", endpoint_url=emulator.url).get_caller_identity()
    calls = emulator.calls()
    assert [(call["service"], call["operation"], call["session_token"]) for call in calls] == [
        ("sts", "GetCallerIdentity", True), ("iam", "ListRoles", True), ("ec2", "DescribeVpcs", True),
        ("ssm", "DescribeParameters", True), ("kms", "ListKeys", True), ("imagebuilder", "ListComponents", True),
        ("s3", "GetObject", True), ("s3", "GetObject", True), ("sts", "GetCallerIdentity", False)]
    assert "EXAMPLETOKEN" not in json.dumps(calls)


def test_call_log_marks_write_calls_of_every_service_and_logs_unsigned_requests(emulator):
    bucket = unique("bucket")
    emulator.reset_calls()
    emulator.client("s3").create_bucket(Bucket=bucket)
    emulator.client("s3").head_bucket(Bucket=bucket)
    emulator.client("iam").create_role(RoleName=unique("role"), AssumeRolePolicyDocument="{}")
    emulator.client("ec2").create_security_group(GroupName=unique("sg"), Description="log test")
    with urllib.request.urlopen(urllib.request.Request(emulator.url + "/" + bucket, method="HEAD"), timeout=10):
        pass
    assert [(call["service"], call["operation"], call["write"]) for call in emulator.calls()] == [
        ("s3", "CreateBucket", True), ("s3", "HeadBucket", False), ("iam", "CreateRole", True), ("ec2", "CreateSecurityGroup", True),
        (None, "HEAD /" + bucket, False)]
