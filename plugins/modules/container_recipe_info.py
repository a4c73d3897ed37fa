#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: container_recipe_info
short_description: Read EC2 Image Builder container recipes
version_added: 0.1.0
description:
  - Gets container recipes by ARN or name, or lists them (all pages) with filters.
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
  amiforge.imagebuilder.container_recipe_info:
    name: golden
  register: found

- name: List all of ours
  amiforge.imagebuilder.container_recipe_info:
  register: everything
"""

RETURN = r"""
container_recipes:
  description: The container recipes found, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/golden/1.0.0", "name": "golden"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import info_argument_spec, run_info


def main():
    module = AnsibleAWSModule(argument_spec=info_argument_spec("container_recipe"), mutually_exclusive=[("name", "arn")], supports_check_mode=True)
    run_info(module, "container_recipe", "container_recipes")


if __name__ == "__main__":
    main()
