#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: image_pipeline
short_description: Manage EC2 Image Builder image pipelines
version_added: 0.1.0
description:
  - Creates, updates and deletes image pipelines, each a recipe, the infrastructure to build it on, where to distribute
    it, and when to run.
  - The recipe (an image recipe for AMIs, or a container recipe for container images), infrastructure and distribution
    configurations may be given by name or ARN. A recipe given by name follows its latest version, so a new recipe
    version (for example after a component changed) updates the pipeline on the next run.
author:
  - amiforge developers (@amiforge)
options:
  name:
    description:
      - The pipeline's name.
    type: str
    required: true
  description:
    description:
      - A description of the pipeline. V('') removes it.
    type: str
  image_recipe:
    description:
      - The image recipe, by name (its latest version), V(name:version), or ARN (in check mode, also the ARN an earlier
        task predicted).
      - One of O(image_recipe) and O(container_recipe) is required to create a pipeline; when both are unset, an existing
        pipeline keeps its recipe. Giving one replaces the other.
    type: str
  container_recipe:
    description:
      - The container recipe, by name (its latest version), V(name:version), or ARN (in check mode, also the ARN an
        earlier task predicted), for a pipeline that builds container images; mutually exclusive with O(image_recipe).
    type: str
  infrastructure_configuration:
    description:
      - The infrastructure configuration, by name or ARN.
      - Required to create a pipeline; when unset, an existing pipeline keeps its configuration.
    type: str
  distribution_configuration:
    description:
      - The distribution configuration, by name or ARN. V('') removes it (images then stay in the build Region).
    type: str
  schedule:
    description:
      - When the pipeline runs by itself. V({}) removes the schedule, so the pipeline runs only when started.
    type: dict
    suboptions:
      expression:
        description:
          - An Image Builder schedule expression, checked before any call. A cron expression has six fields (minute,
            hour, day of month, month, day of week, year) and V(?) in one of the two day fields, for example
            V(cron(0 3 ? * SUN *)); a rate expression looks like V(rate(7 days)).
          - Required unless O(schedule) is V({}).
        type: str
      timezone:
        description:
          - The IANA time zone of the expression, for example V(Europe/Paris) (V(UTC) when unset).
        type: str
      start_condition:
        description:
          - V(EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE) (when unset) runs only when something the image depends
            on has a new version; V(EXPRESSION_MATCH_ONLY) runs at every match.
        type: str
        choices: [EXPRESSION_MATCH_ONLY, EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE]
        aliases: [pipeline_execution_start_condition]
      auto_disable_policy:
        description:
          - Disable the pipeline after this many consecutive failed scheduled runs. No default; when unset, the
            pipeline is never disabled by itself.
        type: dict
        suboptions:
          failure_count:
            description:
              - The number of consecutive failed scheduled runs, 1 to 10.
            type: int
            required: true
  status:
    description:
      - Whether the schedule is active. A new pipeline is V(ENABLED) unless this says otherwise.
    type: str
    choices: [ENABLED, DISABLED]
  enhanced_image_metadata:
    description:
      - Collect the software inventory of the image (needs the SSM agent). The service's default is V(true).
    type: bool
  image_scanning:
    description:
      - Scan the image with Amazon Inspector; short for O(image_scanning_configuration.image_scanning_enabled).
        It has no documented default, so V(false) on a pipeline that has no scanning configuration is a change.
    type: bool
  image_scanning_configuration:
    description:
      - How Amazon Inspector scans the images (Inspector scans during image tests, so keep O(image_tests) enabled).
        Mutually exclusive with O(image_scanning). V({}) removes it.
    type: dict
    suboptions:
      image_scanning_enabled:
        description:
          - Scan the images.
        type: bool
      ecr_configuration:
        description:
          - For container images, the ECR repository Image Builder pushes the image to for the scan.
        type: dict
        suboptions:
          repository_name:
            description:
              - The repository's name only (not its URI). It must exist in the module's region; when unset, Image
                Builder uses its default repository V(image-builder-image-scanning-repository).
            type: str
          container_tags:
            description:
              - Tags for the scanned container image.
            type: list
            elements: str
      image_scanning_types:
        description:
          - The one scan Amazon Inspector runs (one value). V(TEST_INSTANCE_CVE) (what Image Builder uses when unset) scans
            the test instance and needs Inspector activated for EC2 scanning; V(ON_DEMAND_AMI_CVE) scans the output AMI on
            demand, without activating Inspector, and needs an image recipe (not a container recipe).
        type: list
        elements: str
        choices: [TEST_INSTANCE_CVE, ON_DEMAND_AMI_CVE]
      scan_result_condition:
        description:
          - With V(ON_DEMAND_AMI_CVE) only, which findings fail the image in the test phase (the AMI is then not
            distributed). Without it, the scan runs but its results do not pass or fail the image.
        type: dict
        suboptions:
          maximum_severity_label:
            description:
              - The highest severity allowed; a counted finding above it fails the image.
            type: str
            required: true
            choices: [INFORMATIONAL, LOW, MEDIUM, HIGH]
          fix_available:
            description:
              - Count only findings that have a fix available (what Image Builder does when unset); V(false) counts every finding.
            type: bool
  workflows:
    description:
      - The build and test workflows to run instead of the default ones (M(amiforge.imagebuilder.workflow)), in order.
        Needs O(execution_role). V([]) returns to the default workflows; when unset, the pipeline keeps its workflows.
      - Each is checked before any write against the workflow it names, when it can be read (a BUILD or TEST workflow,
        parameters its document declares, values of their type, every parameter without a default given).
    type: list
    elements: dict
    suboptions:
      workflow:
        description:
          - The workflow, by name (its latest version, ours before Amazon's, such as V(build-image)), V(name:version), or
            ARN (in check mode, also the ARN an earlier task predicted).
        type: str
        required: true
        aliases: [workflow_arn]
      parameters:
        description:
          - Values of the parameters the workflow's document declares.
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The parameter's name, as the workflow document declares it.
            type: str
            required: true
          value:
            description:
              - The value, or a list of values for a V(stringList) parameter. Booleans are sent as V(true) or V(false).
            type: raw
            required: true
      on_failure:
        description:
          - V(ABORT) fails the build when the workflow fails (what the service does when unset); V(CONTINUE) logs the
            failure and goes on with the next workflow.
        type: str
      parallel_group:
        description:
          - The parallel group of a TEST workflow; test workflows of one group run at the same time.
        type: str
  execution_role:
    description:
      - The IAM role (name or ARN) Image Builder assumes to run the workflows. V('') returns to the service-linked role.
      - Compared by the role's name, so a name and the ARN of the same role are no change.
    type: str
  logging_configuration:
    description:
      - CloudWatch Logs log groups for the pipeline. V({}) returns to the default log groups. Log groups outside
        V(/aws/imagebuilder/) need an O(execution_role) that may write to them.
    type: dict
    aliases: [logging]
    suboptions:
      image_log_group_name:
        description:
          - The log group of image build logs (default V(/aws/imagebuilder/IMAGE_NAME)).
        type: str
      pipeline_log_group_name:
        description:
          - The log group of pipeline execution logs.
        type: str
  image_tags:
    description:
      - Tags for the images the pipeline builds. V({}) removes them.
    type: dict
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.image_tests
  - amiforge.imagebuilder.imagebuilder.updatable
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Weekly golden image, rebuilt only when a component or the parent image changed
  amiforge.imagebuilder.image_pipeline:
    name: golden-al2023
    image_recipe: golden-al2023
    infrastructure_configuration: golden-build
    distribution_configuration: golden-distribution
    schedule:
      expression: cron(0 3 ? * SUN *)
      timezone: Europe/Paris
    image_tests:
      timeout_minutes: 90
    tags:
      team: platform

- name: Pause the schedule (the recipe, configurations and schedule stay as they are)
  amiforge.imagebuilder.image_pipeline:
    name: golden-al2023
    status: DISABLED

- name: Custom build and test workflows, run by an execution role
  amiforge.imagebuilder.image_pipeline:
    name: golden-al2023
    workflows:
      - workflow: build-sanitized
      - workflow: test-with-pause
        parameters:
          - name: pauseAtEnd
            value: true
        on_failure: ABORT
        parallel_group: smoke
    execution_role: ImageBuilderWorkflowRole

- name: Run only when started (remove the schedule)
  amiforge.imagebuilder.image_pipeline:
    name: golden-al2023
    schedule: {}
"""

RETURN = r"""
arn:
  description: The pipeline's ARN.
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/golden-al2023
image_pipeline:
  description: The pipeline, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/golden-al2023", "name": "golden-al2023",
           "image_recipe_arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/golden-al2023/1.0.4", "status": "ENABLED"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.checks import schedule_expression_problem, timezone_problem
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    IMAGE_SCANNING_DEFAULTS, IMAGE_SCANNING_SPEC, IMAGE_TESTS_SPEC, WORKFLOWS_SPEC, check_common_options, check_image_scanning,
    check_workflows_form, converge_updatable, image_tests_configuration, normalize_workflows, require_ecr_repository, resource_argument_spec,
    workflow_configurations,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import UpdatableResource
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.references import References

# What the service stores for a field left out (botocore 1.44.8 CreateImagePipeline / UpdateImagePipeline:
# status "Defaults to ENABLED", enhancedImageMetadataEnabled "Defaults to true", image tests "enabled" with
# timeoutMinutes 720, schedule timezone "defaults to UTC", start condition EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE).
# imageScanningConfiguration has no documented default (and a pipeline created without one shows none: terraform
# image_pipeline_test.go basic, image_scanning_configuration.# 0), so image_scanning: false is stored when asked for.
DEFAULTS = dict(
    enhancedImageMetadataEnabled=True,
    status="ENABLED",
    imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=720),
    schedule=dict(timezone="UTC", pipelineExecutionStartCondition="EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"),
    imageScanningConfiguration=IMAGE_SCANNING_DEFAULTS,
)
RENAMES = {
    "imageRecipeArn": "image_recipe", "infrastructureConfigurationArn": "infrastructure_configuration",
    "distributionConfigurationArn": "distribution_configuration", "imageTestsConfiguration": "image_tests",
    "imageTestsConfiguration.imageTestsEnabled": "image_tests.enabled", "schedule.scheduleExpression": "schedule.expression",
    "schedule.pipelineExecutionStartCondition": "schedule.start_condition", "enhancedImageMetadataEnabled": "enhanced_image_metadata",
    "imageScanningConfiguration": "image_scanning_configuration", "loggingConfiguration": "logging_configuration",
    "workflows[].workflowArn": "workflows[].workflow", "containerRecipeArn": "container_recipe",
}


def schedule_of(module):
    """The ``schedule`` option as the API takes it ({} removes it), checked before any call."""
    schedule = module.params["schedule"]
    if schedule is None:
        return None
    if not any(value is not None for value in schedule.values()):
        return {}
    if not schedule["expression"]:
        module.fail_json(msg="schedule.expression: required with a schedule; give e.g. cron(0 3 ? * SUN *), or schedule: {} to remove it")
    problem = schedule_expression_problem(schedule["expression"])
    if problem:
        module.fail_json(msg="schedule.expression: %r: %s" % (schedule["expression"], problem))
    if schedule["timezone"]:
        problem = timezone_problem(schedule["timezone"])
        if problem:
            module.fail_json(msg="schedule.timezone: %r: %s" % (schedule["timezone"], problem))
    return dict(scheduleExpression=schedule["expression"], timezone=schedule["timezone"] or "UTC",
                pipelineExecutionStartCondition=schedule["start_condition"] or "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
                autoDisablePolicy=to_api(schedule["auto_disable_policy"]))


def image_scanning_of(module):
    """``image_scanning_configuration`` (or its short form ``image_scanning``) as the API takes it; None when neither is given
    ({} removes it). Inspector scans during image tests (botocore 1.44.8 ImageScanningConfiguration.imageScanningEnabled:
    "You must also enable image tests"), so scanning with tests turned off is warned about."""
    params = module.params
    if params["image_scanning"] is not None:
        scanning = dict(imageScanningEnabled=params["image_scanning"])
    elif params["image_scanning_configuration"] is not None:
        scanning = to_api(params["image_scanning_configuration"])
    else:
        return None
    check_image_scanning(module, scanning, container_recipe=bool(params["container_recipe"]))
    if scanning.get("imageScanningEnabled") and (params.get("image_tests") or {}).get("enabled") is False:
        module.warn("image_scanning_configuration: Amazon Inspector scans during image tests, which image_tests.enabled: false turns off")
    return scanning


def main():
    argument_spec = resource_argument_spec(
        description=dict(type="str"),
        image_recipe=dict(type="str"),
        container_recipe=dict(type="str"),
        infrastructure_configuration=dict(type="str"),
        distribution_configuration=dict(type="str"),
        image_tests=IMAGE_TESTS_SPEC,
        schedule=dict(type="dict", options=dict(
            expression=dict(type="str"),
            timezone=dict(type="str"),
            start_condition=dict(type="str", choices=["EXPRESSION_MATCH_ONLY", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"],
                                 aliases=["pipeline_execution_start_condition"]),
            auto_disable_policy=dict(type="dict", options=dict(failure_count=dict(type="int", required=True))),
        )),
        status=dict(type="str", choices=["ENABLED", "DISABLED"]),
        enhanced_image_metadata=dict(type="bool"),
        image_scanning=dict(type="bool"),
        image_scanning_configuration=IMAGE_SCANNING_SPEC,
        workflows=WORKFLOWS_SPEC,
        execution_role=dict(type="str"),
        logging_configuration=dict(type="dict", aliases=["logging"], options=dict(
            image_log_group_name=dict(type="str"), pipeline_log_group_name=dict(type="str"),
        )),
        image_tags=dict(type="dict"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              mutually_exclusive=[("image_recipe", "container_recipe"), ("image_scanning", "image_scanning_configuration")])
    params = module.params
    check_common_options(module)
    tests = image_tests_configuration(module)
    schedule = schedule_of(module)
    check_workflows_form(module)
    scanning = image_scanning_of(module)

    api = ImageBuilder(module)
    references = References(api)
    renames = dict(RENAMES, loggingConfiguration="logging" if "logging" in params else "logging_configuration")  # as the playbook wrote it
    manager = UpdatableResource(api, "image_pipeline", defaults=DEFAULTS, renames=renames, normalize=normalize_workflows)

    resolved = {}

    def reference(option, current, field):
        value = params[option]
        if not value:
            return value  # None keeps the current reference, '' removes it
        resolved[option] = references.resolve(option, value, option, held=[(current or {}).get(field)])
        return resolved[option]

    def desired(current):
        if current is None:
            missing = [option for option in ("image_recipe", "infrastructure_configuration") if not params[option]]
            if params["container_recipe"]:
                missing.remove("image_recipe")
            if missing and params["state"] == "present":
                module.fail_json(msg="%s: required to create image pipeline %r" % (
                    " and ".join("image_recipe or container_recipe" if option == "image_recipe" else option for option in missing), params["name"]))
        # One recipe: the one given replaces the other (Update* would otherwise be sent both).
        recipes = dict(imageRecipeArn="" if params["container_recipe"] else reference("image_recipe", current, "imageRecipeArn"),
                       containerRecipeArn="" if params["image_recipe"] else reference("container_recipe", current, "containerRecipeArn"))
        return dict(
            description=params["description"],
            imageRecipeArn=recipes["imageRecipeArn"],
            containerRecipeArn=recipes["containerRecipeArn"],
            infrastructureConfigurationArn=reference("infrastructure_configuration", current, "infrastructureConfigurationArn"),
            distributionConfigurationArn=reference("distribution_configuration", current, "distributionConfigurationArn"),
            imageTestsConfiguration=tests,
            schedule=schedule,
            status=params["status"],
            enhancedImageMetadataEnabled=params["enhanced_image_metadata"],
            imageScanningConfiguration=scanning,
            workflows=workflow_configurations(module, references),
            executionRole=params["execution_role"],
            loggingConfiguration=to_api(params["logging_configuration"]),
            imageTags=params["image_tags"],
        )

    def before_write():
        """What the pipeline refers to must exist (in check mode it may be what an earlier task would create)."""
        for option, arn in resolved.items():
            references.require(option, arn, option)
        repository = ((params["image_scanning_configuration"] or {}).get("ecr_configuration") or {}).get("repository_name")
        if repository:
            require_ecr_repository(module, repository, "image_scanning_configuration.ecr_configuration.repository_name")

    converge_updatable(module, manager, "image_pipeline", desired, before_write=before_write)


if __name__ == "__main__":
    main()
