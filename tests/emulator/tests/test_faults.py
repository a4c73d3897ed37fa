"""Fault injection (admin endpoint and environment) and the build clock setting."""
import json
import os
import subprocess
import sys

import pytest

from tests.emulator.tests.conftest import NO_RETRY, error_code, status_of, unique


@pytest.fixture
def faults(emulator):
    yield lambda **spec: emulator.admin("POST", "faults", spec)
    emulator.admin("DELETE", "faults")


def test_throttling_is_a_429_and_stores_nothing(emulator, faults):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    faults(operation="CreateComponent", throttle_rate=1)
    emulator.reset_calls()
    name = unique("throttled")
    with pytest.raises(ib.exceptions.CallRateLimitExceededException) as excinfo:
        ib.create_component(name=name, semanticVersion="1.0.0", platform="Linux", data="phases: []")
    assert status_of(excinfo) == 429
    assert ib.list_components(filters=[{"name": "name", "values": [name]}])["componentVersionList"] == []
    assert [(c["operation"], c["status"]) for c in emulator.calls()] == [("CreateComponent", 429), ("ListComponents", 200)]


def test_unavailable_is_a_503(emulator, faults):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    faults(operation="ListImages", error_rate=1)
    with pytest.raises(ib.exceptions.ServiceUnavailableException) as excinfo:
        ib.list_images()
    assert status_of(excinfo) == 503
    ib.list_image_recipes()  # other operations are untouched


def test_a_partial_rate_faults_about_that_share_of_calls(emulator, faults):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    faults(operation="ListImageRecipes", throttle_rate=0.5)
    emulator.reset_calls()
    failed = 0
    for _round in range(200):
        try:
            ib.list_image_recipes(maxResults=1)
        except ib.exceptions.CallRateLimitExceededException:
            failed += 1
    statuses = [c["status"] for c in emulator.calls()]
    assert statuses.count(429) == failed and statuses.count(200) == 200 - failed
    assert 60 <= failed <= 140  # binomial(200, 0.5): more than six standard deviations of room


def test_wildcard_faults_reach_other_services_in_their_protocol(emulator, faults):
    faults(operation="*", throttle_rate=1)
    with pytest.raises(Exception) as excinfo:
        emulator.client("ec2", config=NO_RETRY).describe_vpcs()
    assert error_code(excinfo) == "RequestLimitExceeded"
    with pytest.raises(Exception) as excinfo:
        emulator.client("ssm", config=NO_RETRY).describe_parameters()
    assert error_code(excinfo) == "ThrottlingException"
    with pytest.raises(Exception) as excinfo:
        emulator.client("iam", config=NO_RETRY).list_roles()
    assert error_code(excinfo) == "Throttling"
    emulator.admin("DELETE", "faults")
    emulator.client("ec2", config=NO_RETRY).describe_vpcs()


def test_environment_sets_faults_clock_and_quota_at_start(repo_root):
    from tests.conftest import EmulatorProcess

    env = dict(os.environ, AMIFORGE_EMULATOR_STEP_SECONDS="0.05", AMIFORGE_EMULATOR_QUOTA="2",
               AMIFORGE_EMULATOR_FAULTS=json.dumps({"ListWorkflows": {"error_rate": 1}}))
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0"], cwd=repo_root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server = EmulatorProcess(process.stdout.readline().split()[1], process)
        assert server.admin("GET", "clock") == {"step_seconds": 0.05}
        ib = server.client("imagebuilder", config=NO_RETRY)
        with pytest.raises(ib.exceptions.ServiceUnavailableException):
            ib.list_workflows()
        assert ib.list_components(owner="Amazon")["componentVersionList"]  # seeds do not count against the quota
        server.client("iam").create_instance_profile(InstanceProfileName="p")
        for name in ("one", "two"):
            ib.create_infrastructure_configuration(name=name, instanceProfileName="p")
        with pytest.raises(ib.exceptions.ServiceQuotaExceededException) as excinfo:
            ib.create_infrastructure_configuration(name="three", instanceProfileName="p")
        assert status_of(excinfo) == 402
    finally:
        process.terminate()
        process.wait(timeout=10)
