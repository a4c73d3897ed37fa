"""Helpers for the emulator's own tests: everything goes through boto3 against the ``emulator`` fixture."""
import uuid

import botocore.config
import pytest

DOCUMENT = """name: hello
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: {step}
        action: ExecuteBash
        inputs:
          commands: ["echo hello"]
"""
AMAZON_IMAGE = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"
NO_RETRY = botocore.config.Config(retries={"total_max_attempts": 1})
RAW = botocore.config.Config(parameter_validation=False, retries={"total_max_attempts": 1})


def unique(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


@pytest.fixture
def ib(emulator):
    return emulator.client("imagebuilder")


@pytest.fixture
def raw(emulator):
    """A client that sends what it is given: no client-side validation, no retries."""
    return emulator.client("imagebuilder", config=RAW)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def status_of(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


class Stack:
    """Creates the resources a build needs, with unique names, through the public API."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.ib = emulator.client("imagebuilder")
        self.profile = unique("profile")
        iam = emulator.client("iam")
        iam.create_instance_profile(InstanceProfileName=self.profile)

    def component(self, name=None, version="1.0.0", step="hello", **extra):
        return self.ib.create_component(name=name or unique("comp"), semanticVersion=version, platform="Linux",
                                        data=DOCUMENT.format(step=step), **extra)["componentBuildVersionArn"]

    def recipe(self, components=None, name=None, version="1.0.0", parent=AMAZON_IMAGE, **extra):
        components = components or [self.component()]
        return self.ib.create_image_recipe(
            name=name or unique("recipe"), semanticVersion=version, parentImage=parent,
            components=[{"componentArn": arn} for arn in components], **extra)["imageRecipeArn"]

    def infrastructure(self, name=None, **extra):
        return self.ib.create_infrastructure_configuration(
            name=name or unique("infra"), instanceProfileName=self.profile, **extra)["infrastructureConfigurationArn"]

    def distribution(self, distributions=None, name=None):
        distributions = distributions or [{"region": "us-east-1", "amiDistributionConfiguration": {
            "name": "test-{{imagebuilder:buildDate}}"}}]
        return self.ib.create_distribution_configuration(
            name=name or unique("dist"), distributions=distributions)["distributionConfigurationArn"]

    def pipeline(self, recipe=None, infrastructure=None, distribution=None, name=None, **extra):
        arguments = dict(name=name or unique("pipe"), imageRecipeArn=recipe or self.recipe(),
                         infrastructureConfigurationArn=infrastructure or self.infrastructure(), **extra)
        if distribution:
            arguments["distributionConfigurationArn"] = distribution
        return self.ib.create_image_pipeline(**arguments)["imagePipelineArn"]

    def advance(self, image_arn=None, steps=1, fraction=None):
        """Move builds on by ``steps`` states now, or by ``fraction`` of a clock step inside their state
        (``POST /_amiforge/advance``); {build ARN: status}."""
        body = dict({"steps": steps}, **({"image": image_arn} if image_arn else {}))
        if fraction is not None:
            body["fraction"] = fraction
        return self.emulator.admin("POST", "advance", body)

    def wait(self, image_arn, most=50):
        """Walk the build state by state to its end, driving the emulator (``advance``) rather than the real clock:
        the ``stack`` fixture holds builds still, so every state is seen whatever the machine's load.
        Returns (image, the statuses seen in order)."""
        seen = []
        for _step in range(most):
            image = self.ib.get_image(imageBuildVersionArn=image_arn)["image"]
            if not seen or seen[-1] != image["state"]["status"]:
                seen.append(image["state"]["status"])
            if image["state"]["status"] in ("AVAILABLE", "FAILED", "CANCELLED"):
                return image, seen
            self.advance(image_arn)
        raise AssertionError("image %s stuck in %s" % (image_arn, seen))


@pytest.fixture
def clock(emulator):
    """Set the build clock for one test, then put the session's value back."""
    before = emulator.admin("GET", "clock")
    yield lambda seconds: emulator.admin("POST", "clock", {"step_seconds": seconds})
    emulator.admin("POST", "clock", before)


HELD = 100000  # seconds a build state lasts while held: longer than any test lives


@pytest.fixture
def stack(emulator):
    """Helpers that make what builds need; builds are held still (only ``stack.advance``/``stack.wait`` move them)
    unless the test sets the clock itself (``clock``)."""
    before = emulator.admin("GET", "clock")
    emulator.admin("POST", "clock", {"step_seconds": HELD})
    yield Stack(emulator)
    emulator.admin("POST", "clock", before)
