"""The server itself: start, loopback only, one endpoint for every service, admin endpoints."""
import json
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.emulator.tests.conftest import NO_RETRY, error_code, unique


def test_refuses_a_non_loopback_host(repo_root):
    result = subprocess.run([sys.executable, "-m", "tests.emulator", "--host", "0.0.0.0", "--port", "0"],
                            cwd=repo_root, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "loopback" in result.stderr
    assert "emulator: http" not in result.stdout


def test_starts_within_three_seconds_and_prints_its_url(repo_root):
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1", "--port", "0"],
                               cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        elapsed = time.monotonic() - started
        assert line.startswith("emulator: http://127.0.0.1:")
        with urllib.request.urlopen(line.split()[1] + "/_amiforge/calls", timeout=10) as response:
            assert json.loads(response.read()) == []
        assert elapsed < 3, "startup took %.2f s" % elapsed
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
    assert emulator.calls() == [
        {"service": "imagebuilder", "operation": "ListImageRecipes", "status": 200, "region": "us-east-1"},
        {"service": "imagebuilder", "operation": "GetImageRecipe", "status": 404, "region": "us-east-1"},
        {"service": "ec2", "operation": "DescribeVpcs", "status": 200, "region": "eu-west-1"},
        {"service": "ssm", "operation": "DescribeParameters", "status": 200, "region": "us-east-1"},
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
