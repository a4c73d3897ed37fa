"""Two runs create the same updatable resource at once (the chaos suite's concurrent pair found it: one run failed with
the raw ResourceAlreadyExistsException of CreateInfrastructureConfiguration). The race is made exact, not timed: the
emulator holds the module's Create (``POST /_amiforge/hold``, after the module's Get found nothing), "another run"
creates the resource meanwhile, then the Create is released and the service answers ResourceAlreadyExistsException.
The module must converge what the other run made, as a re-run would: no failure, one resource, its own settings."""
import threading
import time
import uuid

import pytest

from tests.integration.helpers import task


@pytest.fixture
def hold(emulator):
    yield lambda write: emulator.admin("POST", "hold", {"write": write})
    emulator.admin("POST", "hold/release", {"apply": True})


def held(emulator):
    for _poll in range(6000):
        found = emulator.admin("GET", "hold")["held"]
        if found:
            return found
        time.sleep(0.05)  # waiting for the module's call to arrive, nothing measured
    raise AssertionError("the module made no write call")


@pytest.mark.parametrize("kind", ["infrastructure_configuration", "distribution_configuration"])
def test_a_create_another_run_made_first_is_converged_not_failed(emulator, play, instance_profile, hold, kind):
    name = "race-" + uuid.uuid4().hex[:8]
    ib = emulator.client("imagebuilder")
    build_date = "race-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"
    ours = dict(
        infrastructure_configuration=task(kind, name=name, instance_profile_name=instance_profile, description="ours", register="out"),
        distribution_configuration=task(kind, name=name, description="ours", register="out", distributions=[
            dict(region="us-east-1", ami_distribution_configuration=dict(name=build_date))]))[kind]

    def theirs():
        if kind == "infrastructure_configuration":
            ib.create_infrastructure_configuration(name=name, instanceProfileName=instance_profile, description="theirs")
        else:
            ib.create_distribution_configuration(name=name, description="theirs", distributions=[dict(
                region="us-east-1", amiDistributionConfiguration=dict(name="race-{{imagebuilder:buildDate}}"))])

    def get(arn):
        if kind == "infrastructure_configuration":
            return ib.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]
        return ib.get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]

    emulator.reset_calls()
    hold(1)
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(result=play([ours], expect_failure=True)))
    runner.start()
    try:
        assert held(emulator)["operation"] == "Create" + "".join(part.title() for part in kind.split("_"))
        theirs()  # the other run's create, between our Get and our Create
    finally:
        emulator.admin("POST", "hold/release", {"apply": True})
        runner.join(600)
    result = outcome["result"]
    assert not result.failed, result.results
    assert result[0]["changed"] is True
    assert get(result[0]["arn"])["description"] == "ours"
    operation = "".join(part.title() for part in kind.split("_"))
    writes = [(call["operation"], call["status"]) for call in emulator.calls() if call["write"]]
    assert writes == [("Create" + operation, 200), ("Create" + operation, 400), ("Update" + operation, 200)], \
        "theirs, ours (ResourceAlreadyExistsException), then ours converges it"
