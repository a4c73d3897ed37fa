#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: workflow_info
short_description: Read EC2 Image Builder workflows
version_added: 0.2.0
description:
  - Gets workflows by ARN or name, or lists them (all pages) with filters.
  - With O(arn) or O(name), each item is the whole resource as the Get API returns it; otherwise each item is the summary
    the List API returns.
  - A workflow's type is part of its ARN, so a name may stand for up to three workflows (build, test, distribution);
    O(type) keeps one.
author:
  - amiforge developers (@amiforge)
options:
  type:
    description:
      - With O(name), only the workflow of this type.
    type: str
    choices: [BUILD, TEST, DISTRIBUTION]
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.info
  - amiforge.imagebuilder.imagebuilder.info_versioned
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Get the latest version of a build workflow
  amiforge.imagebuilder.workflow_info:
    name: build-sanitized
    type: BUILD
  register: found

- name: Every version of it
  amiforge.imagebuilder.workflow_info:
    name: build-sanitized
    type: BUILD
    all_versions: true

- name: The workflows Amazon manages
  amiforge.imagebuilder.workflow_info:
    owner: Amazon
"""

RETURN = r"""
workflows:
  description: The workflows found, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/build-sanitized/1.0.0/1", "name": "build-sanitized",
            "type": "BUILD"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import info_argument_spec, run_info


def main():
    argument_spec = info_argument_spec("workflow")
    argument_spec["type"] = dict(type="str", choices=["BUILD", "TEST", "DISTRIBUTION"])
    module = AnsibleAWSModule(argument_spec=argument_spec, mutually_exclusive=[("name", "arn")], supports_check_mode=True)
    run_info(module, "workflow", "workflows")


if __name__ == "__main__":
    main()
