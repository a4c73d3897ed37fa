#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: distribution_configuration
short_description: Manage EC2 Image Builder distribution configurations
version_added: 0.1.0
description:
  - Creates, updates and deletes the distribution configuration that says where built images go (regions, AMI names
    and tags, accounts and organizations allowed to launch them, launch templates and SSM parameters to update).
  - Updates replace the whole configuration. The order of O(distributions) does not matter.
author:
  - amiforge developers (@amiforge)
options:
  name:
    description:
      - The configuration's name.
    type: str
    required: true
  description:
    description:
      - A description of the configuration.
    type: str
  distributions:
    description:
      - One entry per region the image is distributed to. Required when O(state=present).
    type: list
    elements: dict
    suboptions:
      region:
        description:
          - The target region.
        type: str
        required: true
      ami_distribution_configuration:
        description:
          - The AMI made in that region, as the API takes it in snake_case.
          - V(name) (may use V({{imagebuilder:buildDate}}) and the other Image Builder variables), V(description),
            V(ami_tags), V(kms_key_id), V(target_account_ids), V(launch_permission) (V(user_ids), V(user_groups),
            V(organization_arns), V(organizational_unit_arns)).
        type: dict
      launch_template_configurations:
        description:
          - Launch templates that get a new version with the new AMI (V(launch_template_id), V(account_id),
            V(set_default_version)).
        type: list
        elements: dict
      ssm_parameter_configurations:
        description:
          - SSM parameters that receive the new AMI id (V(parameter_name), V(ami_account_id), V(data_type)).
        type: list
        elements: dict
      s3_export_configuration:
        description:
          - Export the image to S3 (V(role_name), V(disk_image_format), V(s3_bucket), V(s3_prefix)).
        type: dict
      fast_launch_configurations:
        description:
          - Windows fast launch settings, as the API takes them in snake_case.
        type: list
        elements: dict
      license_configuration_arns:
        description:
          - License Manager configurations to attach.
        type: list
        elements: str
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Distribute to three regions, share with two accounts, publish the AMI id in SSM
  amiforge.imagebuilder.distribution_configuration:
    name: golden-distribution
    distributions:
      - region: us-east-1
        ami_distribution_configuration:
          name: "golden-al2023-{{ '{{' }} imagebuilder:buildDate {{ '}}' }}"
          ami_tags:
            os: al2023
          launch_permission:
            user_ids: ["111122223333", "444455556666"]
        ssm_parameter_configurations:
          - parameter_name: /golden/al2023/latest
      - region: eu-west-1
        ami_distribution_configuration:
          name: "golden-al2023-{{ '{{' }} imagebuilder:buildDate {{ '}}' }}"
      - region: ap-southeast-2
        ami_distribution_configuration:
          name: "golden-al2023-{{ '{{' }} imagebuilder:buildDate {{ '}}' }}"
"""

RETURN = r"""
arn:
  description: The configuration's ARN.
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:distribution-configuration/golden-distribution
distribution_configuration:
  description: The configuration, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:distribution-configuration/golden-distribution",
           "name": "golden-distribution", "distributions": [{"region": "us-east-1",
           "ami_distribution_configuration": {"name": "golden-{{imagebuilder:buildDate}}"}}]}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    ImageBuilder, UpdatableResource, converge_updatable, resource_argument_spec, to_api,
)

REGION_OPTIONS = ("ami_distribution_configuration", "launch_template_configurations", "ssm_parameter_configurations",
                  "s3_export_configuration", "fast_launch_configurations", "license_configuration_arns")


def by_region(value):
    """Distributions compare as a set keyed by region; SSM parameters default to the AMI data type."""
    distributions = sorted(value.get("distributions") or [], key=lambda item: item.get("region", ""))
    for distribution in distributions:
        for parameter in distribution.get("ssmParameterConfigurations") or []:
            parameter.setdefault("dataType", "aws:ec2:image")
    return dict(value, distributions=distributions)


def check_distributions(module):
    """One entry per region, each saying what to distribute there."""
    distributions = module.params["distributions"] or []
    regions = [distribution["region"] for distribution in distributions]
    if not regions:
        module.fail_json(msg="distributions: give at least one region to distribute to")
    duplicates = sorted(set(region for region in regions if regions.count(region) > 1))
    if duplicates:
        module.fail_json(msg="distributions: region(s) %s appear more than once; give one entry per region" % ", ".join(duplicates))
    for index, distribution in enumerate(distributions):
        if not any(distribution.get(option) for option in REGION_OPTIONS):
            module.fail_json(msg="distributions[%d] (%s): say what to distribute there, e.g. ami_distribution_configuration"
                             % (index, distribution["region"]))


def main():
    argument_spec = resource_argument_spec(
        description=dict(type="str"),
        distributions=dict(type="list", elements="dict", options=dict(
            region=dict(type="str", required=True),
            ami_distribution_configuration=dict(type="dict"),
            launch_template_configurations=dict(type="list", elements="dict"),
            ssm_parameter_configurations=dict(type="list", elements="dict"),
            s3_export_configuration=dict(type="dict"),
            fast_launch_configurations=dict(type="list", elements="dict"),
            license_configuration_arns=dict(type="list", elements="str"),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, required_if=[("state", "present", ("distributions",))],
                              supports_check_mode=True)
    params = module.params
    if params["state"] == "present":
        check_distributions(module)
    manager = UpdatableResource(ImageBuilder(module), "distribution_configuration", normalize=by_region,
                                unordered=("targetAccountIds", "userIds", "userGroups", "organizationArns", "organizationalUnitArns",
                                           "licenseConfigurationArns"))
    desired = to_api(dict(description=params["description"], distributions=params["distributions"]))
    converge_updatable(module, manager, "distribution_configuration", desired)


if __name__ == "__main__":
    main()
