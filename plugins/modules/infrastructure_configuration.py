#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: infrastructure_configuration
short_description: Manage EC2 Image Builder infrastructure configurations
version_added: 0.1.0
description:
  - Creates, updates and deletes the infrastructure configuration that says where images are built and tested, with the
    instance profile, instance types, network, logging and notifications.
  - Updates replace the whole configuration, so options left out return to the service's defaults.
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
  instance_profile_name:
    description:
      - The IAM instance profile of the build and test instances. It must exist; required when O(state=present).
    type: str
  instance_types:
    description:
      - Instance types to build with; the service picks one that is available.
    type: list
    elements: str
  subnet_id:
    description:
      - The subnet to launch the build instance in.
    type: str
  security_group_ids:
    description:
      - Security groups of the build instance (they must belong to the subnet's VPC).
    type: list
    elements: str
  key_pair:
    description:
      - An EC2 key pair for logging into the build instance when troubleshooting.
    type: str
  logging:
    description:
      - Where build logs go.
    type: dict
    suboptions:
      s3_bucket_name:
        description:
          - The S3 bucket for logs.
        type: str
        required: true
      s3_key_prefix:
        description:
          - A key prefix in the bucket.
        type: str
  terminate_instance_on_failure:
    description:
      - Terminate the build instance when a build fails. Set to V(false) to troubleshoot.
    type: bool
    default: true
  sns_topic_arn:
    description:
      - An SNS topic notified about builds.
    type: str
  resource_tags:
    description:
      - Tags put on the build instances and the other resources the build creates (not on this configuration; see O(tags)).
    type: dict
  instance_metadata_options:
    description:
      - Instance metadata service settings of the build instances.
    type: dict
    suboptions:
      http_tokens:
        description:
          - V(required) enforces IMDSv2.
        type: str
        choices: [required, optional]
      http_put_response_hop_limit:
        description:
          - The hop limit for instance metadata requests (1 to 64).
        type: int
  placement:
    description:
      - Placement of the build instances, as the API takes it in snake_case (V(availability_zone), V(tenancy),
        V(host_id), V(host_resource_group_arn)).
    type: dict
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Build on small instances in a private subnet, IMDSv2 enforced
  amiforge.imagebuilder.infrastructure_configuration:
    name: golden-build
    instance_profile_name: EC2InstanceProfileForImageBuilder
    instance_types: [t3.small, t3a.small]
    subnet_id: subnet-0123456789abcdef0
    security_group_ids: [sg-0123456789abcdef0]
    logging:
      s3_bucket_name: my-build-logs
      s3_key_prefix: imagebuilder/
    instance_metadata_options:
      http_tokens: required
      http_put_response_hop_limit: 2
    resource_tags:
      purpose: image-build
    tags:
      team: platform
"""

RETURN = r"""
arn:
  description: The configuration's ARN.
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/golden-build
infrastructure_configuration:
  description: The configuration, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/golden-build", "name": "golden-build",
           "instance_profile_name": "EC2InstanceProfileForImageBuilder", "instance_types": ["t3.small"],
           "terminate_instance_on_failure": true, "tags": {"team": "platform"}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    ImageBuilder, UpdatableResource, converge_updatable, require, resource_argument_spec, to_api,
)


def check_references(module):
    """What the configuration names must exist before it is written."""
    params = module.params
    require(module, "iam", "GetInstanceProfile", "instance_profile_name", ["NoSuchEntity"],
            "instance profile %s" % params["instance_profile_name"], InstanceProfileName=params["instance_profile_name"])
    if params["subnet_id"]:
        require(module, "ec2", "DescribeSubnets", "subnet_id", ["InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed"],
                "subnet %s" % params["subnet_id"], SubnetIds=[params["subnet_id"]])
    if params["security_group_ids"]:
        require(module, "ec2", "DescribeSecurityGroups", "security_group_ids", ["InvalidGroup.NotFound", "InvalidGroupId.Malformed"],
                "security group(s) %s" % ", ".join(params["security_group_ids"]), GroupIds=params["security_group_ids"])
    if params["key_pair"]:
        require(module, "ec2", "DescribeKeyPairs", "key_pair", ["InvalidKeyPair.NotFound"], "key pair %s" % params["key_pair"],
                KeyNames=[params["key_pair"]])
    if params["sns_topic_arn"]:
        require(module, "sns", "GetTopicAttributes", "sns_topic_arn", ["NotFound"], "SNS topic %s" % params["sns_topic_arn"],
                TopicArn=params["sns_topic_arn"])
    if params["logging"]:
        require(module, "s3", "HeadBucket", "logging.s3_bucket_name", ["404", "NoSuchBucket"],
                "bucket %s" % params["logging"]["s3_bucket_name"], Bucket=params["logging"]["s3_bucket_name"])


def main():
    argument_spec = resource_argument_spec(
        description=dict(type="str"),
        instance_profile_name=dict(type="str"),
        instance_types=dict(type="list", elements="str"),
        subnet_id=dict(type="str"),
        security_group_ids=dict(type="list", elements="str"),
        key_pair=dict(type="str", no_log=False),
        logging=dict(type="dict", options=dict(s3_bucket_name=dict(type="str", required=True), s3_key_prefix=dict(type="str", no_log=False))),
        terminate_instance_on_failure=dict(type="bool", default=True),
        sns_topic_arn=dict(type="str"),
        resource_tags=dict(type="dict"),
        instance_metadata_options=dict(type="dict", options=dict(
            http_tokens=dict(type="str", choices=["required", "optional"], no_log=False),
            http_put_response_hop_limit=dict(type="int"),
        )),
        placement=dict(type="dict"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ("instance_profile_name",))],
        supports_check_mode=True,
    )
    params = module.params
    limit = (params["instance_metadata_options"] or {}).get("http_put_response_hop_limit")
    if limit is not None and not 1 <= limit <= 64:
        module.fail_json(msg="instance_metadata_options.http_put_response_hop_limit: %d is out of range; use 1 to 64" % limit)

    manager = UpdatableResource(ImageBuilder(module), "infrastructure_configuration", defaults=dict(terminateInstanceOnFailure=True),
                                unordered=("instanceTypes", "securityGroupIds"))
    desired = to_api(dict(
        description=params["description"],
        instance_profile_name=params["instance_profile_name"],
        instance_types=params["instance_types"],
        subnet_id=params["subnet_id"],
        security_group_ids=params["security_group_ids"],
        key_pair=params["key_pair"],
        logging=dict(s3_logs=params["logging"]) if params["logging"] else None,
        terminate_instance_on_failure=params["terminate_instance_on_failure"],
        sns_topic_arn=params["sns_topic_arn"],
        resource_tags=params["resource_tags"],
        instance_metadata_options=params["instance_metadata_options"],
        placement=params["placement"],
    ))
    converge_updatable(module, manager, "infrastructure_configuration", desired, before_write=lambda: check_references(module))


if __name__ == "__main__":
    main()
