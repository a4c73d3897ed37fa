"""Forty malformed requests, each answered with Image Builder's error code, and nothing stored.

The ``raw`` client skips botocore's client-side validation, so the server's own checks (driven by the
service model) are what is tested.
"""
import pytest

from tests.emulator.tests.conftest import DOCUMENT, error_code, status_of, unique

ARN = "arn:aws:imagebuilder:us-east-1:123456789012:"
COMPONENT = dict(semanticVersion="1.0.0", platform="Linux", data=DOCUMENT.format(step="s"))
PIPELINE_ARNS = dict(infrastructureConfigurationArn=ARN + "infrastructure-configuration/none")
LIFECYCLE = dict(executionRole="role", resourceType="AMI_IMAGE", policyDetails=[{"action": {"type": "DELETE"},
                 "filter": {"type": "COUNT", "value": 1}}], resourceSelection={"tagMap": {"a": "b"}})

BAD = "InvalidParameterValueException"
MISSING = "InvalidRequestException"
VERSION = "InvalidVersionNumberException"
COMBINATION = "InvalidParameterCombinationException"

CASES = [
    # (id, operation, arguments without name, expected code); a unique name is added to creates
    ("component-missing-version", "create_component", dict(platform="Linux", data="x: 1"), MISSING),
    ("component-missing-platform", "create_component", dict(semanticVersion="1.0.0", data="x: 1"), MISSING),
    ("component-two-part-version", "create_component", dict(COMPONENT, semanticVersion="1.0"), VERSION),
    ("component-four-part-version", "create_component", dict(COMPONENT, semanticVersion="1.0.0.0"), VERSION),
    ("component-wildcard-version", "create_component", dict(COMPONENT, semanticVersion="1.x.0"), VERSION),
    ("component-v-prefixed-version", "create_component", dict(COMPONENT, semanticVersion="v1.0.0"), VERSION),
    ("component-unknown-platform", "create_component", dict(COMPONENT, platform="Solaris"), BAD),
    ("component-empty-description", "create_component", dict(COMPONENT, description=""), BAD),
    ("component-empty-data", "create_component", dict(COMPONENT, data=""), BAD),
    ("component-data-and-uri", "create_component", dict(COMPONENT, uri="s3://bucket/key.yml"), COMBINATION),
    ("component-no-data-no-uri", "create_component", dict(semanticVersion="1.0.0", platform="Linux"), MISSING),
    ("component-dry-run-not-boolean", "create_component", dict(COMPONENT, dryRun="yes"), MISSING),
    ("component-51-tags", "create_component", dict(COMPONENT, tags={"k%d" % i: "v" for i in range(51)}), BAD),
    ("component-empty-os-list", "create_component", dict(COMPONENT, supportedOsVersions=[]), BAD),
    ("component-unknown-kms-key", "create_component", dict(COMPONENT, kmsKeyId="alias/no-such-key"), BAD),
    ("component-aws-tag-key", "create_component", dict(COMPONENT, tags={"aws:reserved": "v"}), BAD),
    ("recipe-missing-parent", "create_image_recipe", dict(semanticVersion="1.0.0", components=[{"componentArn": ARN + "component/a/1.0.0/1"}]), MISSING),
    ("recipe-component-not-an-arn", "create_image_recipe", dict(semanticVersion="1.0.0", parentImage="ami-12345678",
                                                                components=[{"componentArn": "update-linux"}]), BAD),
    ("recipe-wildcard-version", "create_image_recipe", dict(semanticVersion="1.x.0", parentImage="ami-12345678",
                                                            components=[{"componentArn": ARN + "component/a/1.0.0/1"}]), VERSION),
    ("recipe-volume-size-zero", "create_image_recipe", dict(semanticVersion="1.0.0", parentImage="ami-12345678",
                                                            components=[{"componentArn": ARN + "component/a/1.0.0/1"}],
                                                            blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 0}}]), BAD),
    ("recipe-no-components", "create_image_recipe", dict(semanticVersion="1.0.0", parentImage="ami-12345678", components=[]), BAD),
    ("infra-missing-profile", "create_infrastructure_configuration", dict(), MISSING),
    ("infra-http-tokens", "create_infrastructure_configuration", dict(instanceProfileName="p",
                                                                      instanceMetadataOptions={"httpTokens": "sometimes"}), BAD),
    ("infra-instance-type-number", "create_infrastructure_configuration", dict(instanceProfileName="p", instanceTypes=[5]), MISSING),
    ("infra-hop-limit-too-high", "create_infrastructure_configuration", dict(instanceProfileName="p",
                                                                             instanceMetadataOptions={"httpPutResponseHopLimit": 65}), BAD),
    ("dist-missing-region", "create_distribution_configuration", dict(distributions=[{"amiDistributionConfiguration": {}}]), MISSING),
    ("dist-empty-region", "create_distribution_configuration", dict(distributions=[{"region": ""}]), BAD),
    ("dist-bad-ami-name", "create_distribution_configuration",
     dict(distributions=[{"region": "us-east-1", "amiDistributionConfiguration": {"name": "a"}}]), BAD),
    ("pipeline-recipe-arn-of-component", "create_image_pipeline", dict(PIPELINE_ARNS, imageRecipeArn=ARN + "component/a/1.0.0/1"), BAD),
    ("pipeline-unknown-status", "create_image_pipeline", dict(PIPELINE_ARNS, imageRecipeArn=ARN + "image-recipe/a/1.0.0", status="PAUSED"), BAD),
    ("pipeline-both-recipes", "create_image_pipeline", dict(PIPELINE_ARNS, imageRecipeArn=ARN + "image-recipe/a/1.0.0",
                                                            containerRecipeArn=ARN + "container-recipe/a/1.0.0"), COMBINATION),
    ("pipeline-start-condition", "create_image_pipeline", dict(PIPELINE_ARNS, imageRecipeArn=ARN + "image-recipe/a/1.0.0",
                                                               schedule={"pipelineExecutionStartCondition": "SOMETIMES"}), BAD),
    ("workflow-unknown-type", "create_workflow", dict(semanticVersion="1.0.0", type="DEPLOY", data="steps: []"), BAD),
    ("lifecycle-unknown-resource-type", "create_lifecycle_policy", dict(LIFECYCLE, resourceType="VOLUME"), BAD),
    ("get-component-s3-arn", "get_component", dict(componentBuildVersionArn="arn:aws:s3:::bucket"), BAD),
    ("get-image-short-version", "get_image", dict(imageBuildVersionArn=ARN + "image/a/1.0"), BAD),
    ("list-max-results-zero", "list_components", dict(maxResults=0), BAD),
    ("list-max-results-101", "list_components", dict(maxResults=101), BAD),
    ("list-unknown-owner", "list_components", dict(owner="Everyone"), BAD),
    ("list-max-results-text", "list_images", dict(maxResults="ten"), MISSING),
]
NAMED = {"create_component", "create_image_recipe", "create_infrastructure_configuration", "create_distribution_configuration",
         "create_image_pipeline", "create_workflow", "create_lifecycle_policy"}


def send(raw, operation, arguments):
    if operation in NAMED:
        arguments = dict(arguments, name=unique("bad"))
    getattr(raw, operation)(**arguments)


def test_there_are_forty_cases():
    assert len(CASES) == 40 and len({case[0] for case in CASES}) == 40


@pytest.mark.parametrize("operation, arguments, code", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_malformed_request_gets_the_service_error(raw, operation, arguments, code):
    with pytest.raises(raw.exceptions.ClientError) as excinfo:
        send(raw, operation, arguments)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]["Message"]
    assert status_of(excinfo) == 400


def _inventory(ib):
    lists = {"list_components": "componentVersionList", "list_image_recipes": "imageRecipeSummaryList",
             "list_infrastructure_configurations": "infrastructureConfigurationSummaryList",
             "list_distribution_configurations": "distributionConfigurationSummaryList",
             "list_image_pipelines": "imagePipelineList", "list_workflows": "workflowVersionList",
             "list_lifecycle_policies": "lifecyclePolicySummaryList"}
    return {operation: sorted(item["arn"] for page in ib.get_paginator(operation).paginate() for item in page[key])
            for operation, key in lists.items()}


def test_malformed_requests_store_nothing(raw, ib):
    before = _inventory(ib)
    for _case, operation, arguments, _code in CASES:
        with pytest.raises(raw.exceptions.ClientError):
            send(raw, operation, arguments)
    assert _inventory(ib) == before


def test_missing_required_member_names_it(raw):
    with pytest.raises(raw.exceptions.ClientError) as excinfo:
        raw.create_component(name=unique("bad"), platform="Linux", data="x: 1")
    assert "semanticVersion" in excinfo.value.response["Error"]["Message"]
