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
  instance_profile_name:
    description:
      - The IAM instance profile of the build and test instances. It must exist. Required to create a configuration.
      - A profile created moments before is not visible to Image Builder at once; the module retries for up to two
        minutes, with a warning, while the service answers that it does not exist.
    type: str
  instance_types:
    description:
      - Instance types to build with; the service picks one that is available. V([]) removes them.
    type: list
    elements: str
  subnet_id:
    description:
      - The subnet to launch the build instance in. V('') removes it (the default VPC is used).
    type: str
  security_group_ids:
    description:
      - Security groups of the build instance (they must belong to the subnet's VPC). V([]) removes them.
    type: list
    elements: str
  key_pair:
    description:
      - An EC2 key pair for logging into the build instance when troubleshooting. V('') removes it.
    type: str
  logging:
    description:
      - Where build logs go. V({}) removes the logging configuration.
    type: dict
    suboptions:
      s3_bucket_name:
        description:
          - The S3 bucket for logs. Required unless O(logging) is V({}).
        type: str
      s3_key_prefix:
        description:
          - A key prefix in the bucket.
        type: str
  terminate_instance_on_failure:
    description:
      - Terminate the build instance when a build fails. Set to V(false) to troubleshoot. The service's default is V(true).
    type: bool
  sns_topic_arn:
    description:
      - An SNS topic notified about builds. V('') removes it.
    type: str
  resource_tags:
    description:
      - Tags put on the build instances and the other resources the build creates (not on this configuration; see O(tags)).
        V({}) removes them.
    type: dict
  instance_metadata_options:
    description:
      - Instance metadata service settings of the build instances. V({}) returns to the EC2 launch defaults.
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
        V(host_id), V(host_resource_group_arn)). V({}) removes it.
    type: dict
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.updatable
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
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_common_options, converge_updatable, require, resource_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import UpdatableResource

# botocore 1.44.8 UpdateInfrastructureConfiguration terminateInstanceOnFailure: "Defaults to true".
DEFAULTS = dict(terminateInstanceOnFailure=True)
RENAMES = {"logging.s3Logs": "logging"}
# A new instance profile is not visible to Image Builder at once (terraform retries this message for 2 minutes).
PROFILE_PROPAGATION = ("InvalidParameterValueException", "instance profile does not exist", 120,
                       "instance_profile_name: Image Builder does not see the instance profile yet (IAM changes take a while to "
                       "reach other services); retrying for up to 2 minutes")


def check_references(module):
    """What the configuration names must exist before it is written."""
    params = module.params
    if params["instance_profile_name"]:
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
    if (params["logging"] or {}).get("s3_bucket_name"):
        require(module, "s3", "HeadBucket", "logging.s3_bucket_name", ["404", "NoSuchBucket"],
                "bucket %s" % params["logging"]["s3_bucket_name"], Bucket=params["logging"]["s3_bucket_name"])


def logging_of(module):
    """The ``logging`` option as the API takes it ({} removes it)."""
    logging = module.params["logging"]
    if logging is None:
        return None
    if not any(value for value in logging.values()):
        return {}
    if not logging["s3_bucket_name"]:
        module.fail_json(msg="logging.s3_bucket_name: required with logging; give the bucket, or logging: {} to remove logging")
    return dict(s3Logs=to_api(logging))


def main():
    argument_spec = resource_argument_spec(
        description=dict(type="str"),
        instance_profile_name=dict(type="str"),
        instance_types=dict(type="list", elements="str"),
        subnet_id=dict(type="str"),
        security_group_ids=dict(type="list", elements="str"),
        key_pair=dict(type="str", no_log=False),
        logging=dict(type="dict", options=dict(s3_bucket_name=dict(type="str"), s3_key_prefix=dict(type="str", no_log=False))),
        terminate_instance_on_failure=dict(type="bool"),
        sns_topic_arn=dict(type="str"),
        resource_tags=dict(type="dict"),
        instance_metadata_options=dict(type="dict", options=dict(
            http_tokens=dict(type="str", choices=["required", "optional"], no_log=False),
            http_put_response_hop_limit=dict(type="int"),
        )),
        placement=dict(type="dict"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    check_common_options(module)
    desired = dict(
        description=params["description"],
        instanceProfileName=params["instance_profile_name"],
        instanceTypes=params["instance_types"],
        subnetId=params["subnet_id"],
        securityGroupIds=params["security_group_ids"],
        keyPair=params["key_pair"],
        logging=logging_of(module),
        terminateInstanceOnFailure=params["terminate_instance_on_failure"],
        snsTopicArn=params["sns_topic_arn"],
        resourceTags=params["resource_tags"],
        instanceMetadataOptions=to_api(params["instance_metadata_options"]),
        placement=to_api(params["placement"]),
    )

    def with_profile(current):
        if current is None and not params["instance_profile_name"] and params["state"] == "present":
            module.fail_json(msg="instance_profile_name: required to create infrastructure configuration %r" % params["name"])
        return desired

    manager = UpdatableResource(ImageBuilder(module), "infrastructure_configuration", defaults=DEFAULTS, renames=RENAMES,
                                unordered=("instanceTypes", "securityGroupIds"), retry_while=PROFILE_PROPAGATION)
    converge_updatable(module, manager, "infrastructure_configuration", with_profile, before_write=lambda: check_references(module))


if __name__ == "__main__":
    main()
