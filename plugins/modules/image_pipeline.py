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
  - The recipe, infrastructure and distribution configurations may be given by name. A recipe given by name follows
    its latest version, so a new recipe version (for example after a component changed) updates the pipeline on the
    next run.
  - Updates replace the whole pipeline, so options left out return to the service's defaults.
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
      - A description of the pipeline.
    type: str
  image_recipe:
    description:
      - The image recipe, by name (its latest version), V(name:version), or ARN. Required when O(state=present).
    type: str
  infrastructure_configuration:
    description:
      - The infrastructure configuration, by name or ARN. Required when O(state=present).
    type: str
  distribution_configuration:
    description:
      - The distribution configuration, by name or ARN.
    type: str
  schedule:
    description:
      - When the pipeline runs by itself. Without a schedule it runs only when started.
    type: dict
    suboptions:
      expression:
        description:
          - A cron expression, for example V(cron(0 3 ? * SUN *)).
        type: str
        required: true
      timezone:
        description:
          - The IANA timezone of the expression, for example V(Europe/Paris).
        type: str
        default: UTC
      start_condition:
        description:
          - V(EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE) runs only when something the image depends on
            has a new version; V(EXPRESSION_MATCH_ONLY) runs at every match.
        type: str
        choices: [EXPRESSION_MATCH_ONLY, EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE]
        default: EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE
  status:
    description:
      - Whether the schedule is active.
    type: str
    choices: [ENABLED, DISABLED]
    default: ENABLED
  enhanced_image_metadata:
    description:
      - Collect the software inventory of the image (needs the SSM agent).
    type: bool
    default: true
  image_scanning:
    description:
      - Scan the image with Amazon Inspector.
    type: bool
    default: false
  workflows:
    description:
      - Image Builder workflows to run instead of the default ones, as the API takes them in snake_case
        (V(workflow_arn), V(parameters), V(parallel_group), V(on_failure)).
    type: list
    elements: dict
  execution_role:
    description:
      - The IAM role Image Builder assumes to run the workflows.
    type: str
  logging:
    description:
      - CloudWatch log groups for the pipeline (V(image_log_group_name), V(pipeline_log_group_name)).
    type: dict
  image_tags:
    description:
      - Tags for the images the pipeline builds.
    type: dict
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.image_tests
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

- name: Pause the schedule
  amiforge.imagebuilder.image_pipeline:
    name: golden-al2023
    image_recipe: golden-al2023
    infrastructure_configuration: golden-build
    distribution_configuration: golden-distribution
    status: DISABLED
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
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    IMAGE_TESTS_SPEC, converge_updatable, image_tests_configuration, ImageBuilder, References, resource_argument_spec, to_api,
    UpdatableResource,
)

DEFAULTS = dict(
    enhancedImageMetadataEnabled=True,
    status="ENABLED",
    imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=720),
    imageScanningConfiguration=dict(imageScanningEnabled=False),
)


def main():
    argument_spec = resource_argument_spec(
        description=dict(type="str"),
        image_recipe=dict(type="str"),
        infrastructure_configuration=dict(type="str"),
        distribution_configuration=dict(type="str"),
        image_tests=IMAGE_TESTS_SPEC,
        schedule=dict(type="dict", options=dict(
            expression=dict(type="str", required=True),
            timezone=dict(type="str", default="UTC"),
            start_condition=dict(type="str", default="EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
                                 choices=["EXPRESSION_MATCH_ONLY", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"]),
        )),
        status=dict(type="str", choices=["ENABLED", "DISABLED"], default="ENABLED"),
        enhanced_image_metadata=dict(type="bool", default=True),
        image_scanning=dict(type="bool", default=False),
        workflows=dict(type="list", elements="dict"),
        execution_role=dict(type="str"),
        logging=dict(type="dict"),
        image_tags=dict(type="dict"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec,
                              required_if=[("state", "present", ("image_recipe", "infrastructure_configuration"))],
                              supports_check_mode=True)
    params = module.params
    tests = image_tests_configuration(module)
    if params["schedule"] and not params["schedule"]["expression"].startswith(("cron(", "rate(")):
        module.fail_json(msg="schedule.expression: %r is not a schedule expression; use cron(...) or rate(...)" % params["schedule"]["expression"])

    api = ImageBuilder(module)
    manager = UpdatableResource(api, "image_pipeline", defaults=DEFAULTS)
    references = References(api)
    schedule = params["schedule"]

    def desired(current):
        current = current or {}
        request = dict(
            description=params["description"],
            imageRecipeArn=references.resolve("image_recipe", params["image_recipe"], "image_recipe"),
            infrastructureConfigurationArn=references.resolve("infrastructure_configuration", params["infrastructure_configuration"],
                                                              "infrastructure_configuration", current.get("infrastructureConfigurationArn")),
            distributionConfigurationArn=references.resolve("distribution_configuration", params["distribution_configuration"],
                                                            "distribution_configuration", current.get("distributionConfigurationArn"))
            if params["distribution_configuration"] else None,
            imageTestsConfiguration=tests,
            schedule=dict(scheduleExpression=schedule["expression"], timezone=schedule["timezone"],
                          pipelineExecutionStartCondition=schedule["start_condition"]) if schedule else None,
            status=params["status"],
            enhancedImageMetadataEnabled=params["enhanced_image_metadata"],
            imageScanningConfiguration=dict(imageScanningEnabled=params["image_scanning"]),
            workflows=to_api(params["workflows"]),
            executionRole=params["execution_role"],
            loggingConfiguration=to_api(params["logging"]),
            imageTags=params["image_tags"],
        )
        return dict((key, value) for key, value in request.items() if value is not None)

    converge_updatable(module, manager, "image_pipeline", desired)


if __name__ == "__main__":
    main()
