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
  - With O(image_recipe) or O(pipeline), the builds of that recipe or pipeline, in any state, oldest first, each the whole
    resource; with O(latest_available), only the newest AVAILABLE one, and RV(amis) lists its AMIs per region, as Packer's
    and Terraform's data sources for the newest AMI do.
author:
  - amiforge developers (@amiforge)
options:
  image_recipe:
    description:
      - The builds of this image or container recipe, by name (every version), V(name:version) (that version) or ARN.
      - With O(latest_available), the newest AVAILABLE build (GetImage on the version ARN, or on C(x.x.x) for the name,
        answers it); builds that failed, are still running, or were deprecated, disabled or deleted are passed over.
    type: str
  pipeline:
    description:
      - The builds this image pipeline ran, by name or ARN (ListImagePipelineImages, which may lag a few minutes behind a
        new build, joined with the builds of the pipeline's current recipe read by Get).
      - With O(latest_available), the most recently created AVAILABLE one, even when a newer build FAILED.
    type: str
  latest_available:
    description:
      - With O(image_recipe) or O(pipeline), return only the newest AVAILABLE build (an empty list when there is none) and
        its AMIs in RV(amis).
    type: bool
    default: false
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

- name: The newest AVAILABLE build of a pipeline (a data source for the newest AMI)
  amiforge.imagebuilder.image_info:
    pipeline: golden-al2023
    latest_available: true
  register: newest

- name: Its AMI in eu-west-1
  ansible.builtin.debug:
    msg: "{{ (newest.amis | selectattr('region', 'equalto', 'eu-west-1') | first).image }}"
  when: newest.amis | selectattr('region', 'equalto', 'eu-west-1') | list | length > 0

- name: The newest AVAILABLE build of version 1.0.4 of a recipe
  amiforge.imagebuilder.image_info:
    image_recipe: golden-al2023:1.0.4
    latest_available: true
"""

RETURN = r"""
images:
  description: The images found, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:imagebuilder:us-east-1:123456789012:image/golden/1.0.0/1", "name": "golden"}]
amis:
  description: With O(latest_available), the AMIs of the build found, one per region and account (empty when none was found).
  returned: with O(latest_available)
  type: list
  elements: dict
  sample: [{"region": "us-east-1", "image": "ami-0abcdef1234567890", "name": "golden-2026-11-27T03-00-00Z", "account_id": "123456789012"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import builds_info, info_argument_spec, run_info


def main():
    argument_spec = info_argument_spec("image")
    argument_spec.update(image_recipe=dict(type="str"), pipeline=dict(type="str"), latest_available=dict(type="bool", default=False))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              mutually_exclusive=[("name", "arn", "image_recipe", "pipeline")])
    if module.params["image_recipe"] or module.params["pipeline"] or module.params["latest_available"]:
        builds_info(module)
    run_info(module, "image", "images")


if __name__ == "__main__":
    main()
