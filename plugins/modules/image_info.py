#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: image_info
short_description: Read EC2 Image Builder images
version_added: 0.1.0
description:
  - Gets images (build versions) by ARN or name (the recipe name), or lists them (all pages) with filters.
  - With O(arn) or O(name), each item is the whole resource as the Get API returns it; otherwise each item is the summary
    the List API returns.
author:
  - amiforge developers (@amiforge)
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.info
  - amiforge.imagebuilder.imagebuilder.info_versioned
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Get one by name
  amiforge.imagebuilder.image_info:
    name: golden
  register: found

- name: List all of ours
  amiforge.imagebuilder.image_info:
  register: everything
"""

RETURN = r"""
images:
  description: The images found, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:imagebuilder:us-east-1:123456789012:image/golden/1.0.0/1", "name": "golden"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import info_argument_spec, run_info


def main():
    module = AnsibleAWSModule(argument_spec=info_argument_spec("image"), mutually_exclusive=[("name", "arn")], supports_check_mode=True)
    run_info(module, "image", "images")


if __name__ == "__main__":
    main()
