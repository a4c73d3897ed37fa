#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: lifecycle_policy_info
short_description: Read EC2 Image Builder lifecycle policies
version_added: 0.2.0
description:
  - Gets lifecycle policies by ARN or name, or lists them (all pages) with filters.
  - With O(arn) or O(name), each item is the whole policy as the Get API returns it; otherwise each item is the summary
    the List API returns.
author:
  - amiforge developers (@amiforge)
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Get one by name
  amiforge.imagebuilder.lifecycle_policy_info:
    name: golden-retirement
  register: found

- name: List the container image policies
  amiforge.imagebuilder.lifecycle_policy_info:
    filters:
      resourceType: CONTAINER_IMAGE
  register: container_policies
"""

RETURN = r"""
lifecycle_policies:
  description: The lifecycle policies found, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:imagebuilder:us-east-1:123456789012:lifecycle-policy/golden-retirement", "name": "golden-retirement",
            "resource_type": "AMI_IMAGE", "status": "ENABLED"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import info_argument_spec, run_info


def main():
    module = AnsibleAWSModule(argument_spec=info_argument_spec("lifecycle_policy"), mutually_exclusive=[("name", "arn")], supports_check_mode=True)
    run_info(module, "lifecycle_policy", "lifecycle_policies")


if __name__ == "__main__":
    main()
