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
  - The order of O(distributions) does not matter. Regions, AMI names, account ids and launch templates are checked
    before anything is written.
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
      - A description of the configuration. V('') removes it.
    type: str
  distributions:
    description:
      - One entry per region the image is distributed to. Required to create a configuration; when unset, an existing
        one keeps its distributions.
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
          - V(name) must include Image Builder's V({{imagebuilder:buildDate}}) variable so that each build gets a unique
            AMI name; in a playbook write it so that Ansible does not template it, e.g.
            V("golden-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}") or with C(!unsafe).
          - V(description),
            V(ami_tags), V(kms_key_id), V(target_account_ids), V(launch_permission) (V(user_ids), V(user_groups),
            V(organization_arns), V(organizational_unit_arns)).
        type: dict
      container_distribution_configuration:
        description:
          - For container images, where the image goes in that region, as the API takes it in snake_case -
            V(target_repository) (V(service) V(ECR) and V(repository_name), the name only; the repository must exist in
            the entry's region, which is checked before anything is written), V(container_tags) (image tags added in the
            repository), V(description).
        type: dict
      launch_template_configurations:
        description:
          - Launch templates that get a new version with the new AMI (V(launch_template_id), V(account_id),
            V(set_default_version)). Templates of this account must exist in the entry's region.
        type: list
        elements: dict
      ssm_parameter_configurations:
        description:
          - SSM parameters that receive the new AMI id (V(parameter_name), V(ami_account_id), V(data_type)).
        type: list
        elements: dict
      s3_export_configuration:
        description:
          - Export the image to S3 (V(role_name), V(disk_image_format) V(VMDK), V(RAW) or V(VHD), V(s3_bucket),
            V(s3_prefix)). The bucket and the role (the VM Import/Export service role) must exist; both are checked before
            anything is written.
        type: dict
      fast_launch_configurations:
        description:
          - Windows fast launch settings (Windows AMIs only), as the API takes them in snake_case, V(enabled) (required),
            V(snapshot_configuration) (V(target_resource_count)), V(max_parallel_launches), V(launch_template)
            (V(launch_template_id) or V(launch_template_name), not both, and V(launch_template_version)), V(account_id).
            A launch template of this account given by id must exist in the entry's region.
        type: list
        elements: dict
      license_configuration_arns:
        description:
          - License Manager configuration ARNs to associate with the AMI in that region.
        type: list
        elements: str
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.updatable
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
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_common_options, converge_updatable, missing, require, require_ecr_repository, require_kms_key, resource_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import UpdatableResource

REGION_OPTIONS = ("ami_distribution_configuration", "container_distribution_configuration", "launch_template_configurations",
                  "ssm_parameter_configurations", "s3_export_configuration", "fast_launch_configurations", "license_configuration_arns")


def by_region(value):
    """Distributions compare as a set keyed by region, with the service's documented defaults filled in
    (botocore 1.44.8 LaunchTemplateConfiguration.setDefaultVersion: "If you don't set a value, Image Builder treats it
    as true"). SsmParameterConfiguration.dataType has no documented default (the model only says "We recommend that
    you use data type aws:ec2:image"), so an unset data type is compared as unset: setting it is a change."""
    distributions = sorted(value.get("distributions") or [], key=lambda item: item.get("region", ""))
    for distribution in distributions:
        for template in distribution.get("launchTemplateConfigurations") or []:
            template.setdefault("setDefaultVersion", True)
    return dict(value, distributions=distributions)


def check_distributions(module):
    """One entry per region, each saying what to distribute there."""
    distributions = module.params["distributions"]
    if distributions is None:
        return
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


def require_launch_template(module, template_id, option, region):
    found = require(module, "ec2", "DescribeLaunchTemplates", option,
                    ["InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.Malformed", "InvalidLaunchTemplateName.NotFoundException"],
                    "launch template %s" % template_id, region=region, LaunchTemplateIds=[template_id])
    if found is not None and not found.get("LaunchTemplates"):
        missing(module, option, "launch template %s" % template_id, region)


def check_region_references(module, account):
    """Launch templates of this account (for new versions and for Windows fast launch), AMI encryption keys and the ECR
    repositories of container distributions must exist in their entry's region; an S3 export's bucket and role must exist."""
    for index, distribution in enumerate(module.params["distributions"] or []):
        region = distribution["region"]
        for position, template in enumerate(distribution.get("launch_template_configurations") or []):
            if template.get("account_id") not in (None, account) or not template.get("launch_template_id"):
                continue
            require_launch_template(module, template["launch_template_id"],
                                    "distributions[%d].launch_template_configurations[%d].launch_template_id" % (index, position), region)
        for position, fast in enumerate(distribution.get("fast_launch_configurations") or []):
            template_id = (fast.get("launch_template") or {}).get("launch_template_id")
            if template_id and fast.get("account_id") in (None, account):
                require_launch_template(module, template_id, "distributions[%d].fast_launch_configurations[%d].launch_template.launch_template_id"
                                        % (index, position), region)
        ami = distribution.get("ami_distribution_configuration") or {}
        require_kms_key(module, ami.get("kms_key_id"), "distributions[%d].ami_distribution_configuration.kms_key_id" % index, region=region)
        repository = ((distribution.get("container_distribution_configuration") or {}).get("target_repository") or {}).get("repository_name")
        if repository:
            require_ecr_repository(module, repository, "distributions[%d].container_distribution_configuration.target_repository.repository_name"
                                   % index, region=region)
        export = distribution.get("s3_export_configuration") or {}
        if export.get("s3_bucket"):
            require(module, "s3", "HeadBucket", "distributions[%d].s3_export_configuration.s3_bucket" % index, ["404", "NoSuchBucket"],
                    "bucket %s" % export["s3_bucket"], unknowable=["403", "AccessDenied"], Bucket=export["s3_bucket"])
        if export.get("role_name"):
            require(module, "iam", "GetRole", "distributions[%d].s3_export_configuration.role_name" % index, ["NoSuchEntity"],
                    "IAM role %s" % export["role_name"], RoleName=export["role_name"])


def main():
    argument_spec = resource_argument_spec(
        description=dict(type="str"),
        distributions=dict(type="list", elements="dict", options=dict(
            region=dict(type="str", required=True),
            ami_distribution_configuration=dict(type="dict"),
            launch_template_configurations=dict(type="list", elements="dict"),
            ssm_parameter_configurations=dict(type="list", elements="dict"),
            container_distribution_configuration=dict(type="dict"),
            s3_export_configuration=dict(type="dict"),
            fast_launch_configurations=dict(type="list", elements="dict"),
            license_configuration_arns=dict(type="list", elements="str"),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    check_common_options(module)
    check_distributions(module)
    api = ImageBuilder(module)
    desired = dict(description=params["description"], distributions=to_api(params["distributions"]))

    def with_distributions(current):
        if current is None and params["distributions"] is None and params["state"] == "present":
            module.fail_json(msg="distributions: required to create distribution configuration %r" % params["name"])
        return desired

    manager = UpdatableResource(api, "distribution_configuration", normalize=by_region,
                                unordered=("targetAccountIds", "userIds", "userGroups", "organizationArns", "organizationalUnitArns",
                                           "licenseConfigurationArns"))
    manager.early_check(desired)
    converge_updatable(module, manager, "distribution_configuration", with_distributions,
                       before_write=lambda: check_region_references(module, api.identity()[1]))


if __name__ == "__main__":
    main()
