#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: image_recipe
short_description: Manage EC2 Image Builder image recipes, with automatic semantic versions
version_added: 0.1.0
description:
  - Creates EC2 Image Builder image recipes, each a parent image and the components to apply to it.
  - Recipes are immutable. When the wanted content differs from the latest version (including a component that
    got a new version since), the next semantic version is created; when it is the same, nothing is written.
  - Components referred to by name are pinned to their latest version at converge time, so re-running a playbook
    after a component changed gives a new recipe version without editing any version by hand.
author:
  - amiforge developers (@amiforge)
options:
  name:
    description:
      - The recipe's name.
    type: str
    required: true
  description:
    description:
      - A description of the recipe.
    type: str
  parent_image:
    description:
      - The image the recipe starts from. An AMI id (V(ami-...)), an Image Builder image ARN (versions may use
        V(x) wildcards), or an SSM parameter holding an AMI id (V(ssm:/aws/service/...)).
      - Required when O(state=present).
    type: str
  components:
    description:
      - The components to run, in order, each at most once. Components are optional (a recipe without any bakes the
        parent image as it is); when unset, a new version keeps the components of the version compared with.
      - Parameters are checked against what each component declares before the recipe is written, and each component's
        platform against the parent image's (a Windows component on a Linux AMI fails, naming the entry).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - A component name. Ours first; when we own none by that name, an Amazon-owned component (for example
            V(update-linux)), which is referred to as V(x.x.x) (the latest at build time) unless O(components[].version) is set.
          - One of O(components[].name) and O(components[].arn) is required.
        type: str
      arn:
        description:
          - The component's ARN, used as it is (a build version ARN is referred to by its version). Amazon, Marketplace
            (V(aws-marketplace)) and third-party (V(third-party)) ARNs are accepted.
          - In check mode, also the ARN an earlier task only predicted (RV(amiforge.imagebuilder.component#module:arn));
            the recipe then predicts its own new version.
        type: str
      version:
        description:
          - The version to use with O(components[].name). V(x) wildcards are allowed (V(1.x.x)) and are resolved by
            the service at build time. When unset, our latest version is pinned.
        type: str
      parameters:
        description:
          - Values for the component's parameters, as a dictionary of name to value (a string or a list of strings).
        type: dict
  block_device_mappings:
    description:
      - Block device mappings for the build instance and the image, as the API takes them in snake_case
        (V(device_name), V(ebs) with V(volume_size), V(volume_type), V(encrypted), V(delete_on_termination), V(iops),
        V(throughput), V(kms_key_id), V(snapshot_id); V(virtual_name), V(no_device)).
    type: list
    elements: dict
  working_directory:
    description:
      - The working directory on the build instance.
    type: str
  systems_manager_agent:
    description:
      - What to do with the Systems Manager agent after the build.
    type: dict
    suboptions:
      uninstall_after_build:
        description:
          - Remove the agent from the image when the build is done.
        type: bool
  user_data_override:
    description:
      - User data (base64) to run on the build instance instead of the default.
      - Hidden (C(********)) in the result, the diff (the user data it replaces too) and error messages, since user data
        often carries credentials.
    type: str
  ami_tags:
    description:
      - Tags for the AMIs built from this recipe.
    type: dict
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.versioned
  - amiforge.imagebuilder.imagebuilder.sharing
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A recipe from the latest Amazon Linux 2023, our components pinned to their latest versions
  amiforge.imagebuilder.image_recipe:
    name: golden-al2023
    parent_image: ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    components:
      - name: update-linux
      - name: install-nginx
      - name: os-hardening
        parameters:
          profile: server
    block_device_mappings:
      - device_name: /dev/xvda
        ebs:
          volume_size: 20
          volume_type: gp3
          encrypted: true
          delete_on_termination: true
    systems_manager_agent:
      uninstall_after_build: false
    ami_tags:
      os: al2023
    keep_versions: 10

- name: Delete one version of a recipe
  amiforge.imagebuilder.image_recipe:
    name: golden-al2023
    version: 1.0.3
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The resource policy of the version converged, as a dictionary in a canonical form (lists sorted, account ids as root
      ARNs); null when it is not shared.
  returned: when O(policy) is set and state is present
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
           "Action": ["imagebuilder:GetComponent", "imagebuilder:ListComponents"],
           "Resource": ["arn:aws:imagebuilder:us-east-1:123456789012:component/my-component/1.0.0/1"]}]}
arn:
  description: The ARN of the recipe version (created, unchanged or predicted).
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/golden-al2023/1.0.4
version:
  description: The semantic version the task converged to.
  returned: when state is present
  type: str
  sample: 1.0.4
image_recipe:
  description: The recipe, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/golden-al2023/1.0.4", "name": "golden-al2023",
           "version": "1.0.4", "parent_image": "ami-0abcdef1234567890",
           "components": [{"component_arn": "arn:aws:imagebuilder:us-east-1:123456789012:component/install-nginx/1.0.1"}]}
deleted_versions:
  description: ARNs of the versions deleted (by O(state=absent) or O(keep_versions)).
  returned: always
  type: list
  elements: str
kept_in_use:
  description: ARNs of versions that O(keep_versions) would delete but that are still in use (by a pipeline or image).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_parent_image_form, check_versioned_options, converge_versioned, require_kms_key, require_parent_image, versioned_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import VersionedResource
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.recipes import (
    COMPONENT_RENAMES, COMPONENTS_SPEC, check_components, check_parameters, component_configurations, sorted_parameters,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.references import References
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.sharing import POLICY_OPTION

RENAMES = dict(COMPONENT_RENAMES, **{
    "semanticVersion": "version",
    "additionalInstanceConfiguration.systemsManagerAgent": "systems_manager_agent",
    "additionalInstanceConfiguration.userDataOverride": "user_data_override",
})
# No service defaults to fill in. botocore 1.44.8 SystemsManagerAgent.uninstallAfterBuild: "If you don't set this
# property, Image Builder removes the agent only if Image Builder installed the agent during the build", which is not
# false ("the agent is kept"; hashicorp/terraform-provider-aws#31619), and GetImageRecipe of a recipe that did not set
# it shows no additionalInstanceConfiguration (aws-cli examples/imagebuilder/get-image-recipe.rst). Comparing unset as
# false made "systems_manager_agent: {uninstall_after_build: false}" on such a recipe no change at all.
DEFAULTS = {}


def main():
    argument_spec = versioned_argument_spec(
        description=dict(type="str"),
        parent_image=dict(type="str"),
        components=COMPONENTS_SPEC,
        block_device_mappings=dict(type="list", elements="dict"),
        working_directory=dict(type="str"),
        systems_manager_agent=dict(type="dict", options=dict(uninstall_after_build=dict(type="bool"))),
        user_data_override=dict(type="str", no_log=True),
        ami_tags=dict(type="dict"),
        policy=POLICY_OPTION,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ("parent_image",))],
        supports_check_mode=True,
    )
    params = module.params
    check_versioned_options(module)
    if params["state"] == "present":
        check_components(module)
        check_parent_image_form(module, params["parent_image"])

    api = ImageBuilder(module)
    references = References(api)
    manager = VersionedResource(api, "image_recipe", normalize=sorted_parameters, defaults=DEFAULTS, renames=RENAMES)

    made = {}

    def desired(current):
        made["components"] = component_configurations(module, references, current)
        additional = None
        if params["systems_manager_agent"] is not None or params["user_data_override"] is not None:
            additional = dict((current or {}).get("additionalInstanceConfiguration") or {})
            additional.update(to_api(dict(systems_manager_agent=params["systems_manager_agent"], user_data_override=params["user_data_override"])))
        return dict(
            description=params["description"],
            parentImage=params["parent_image"],
            components=made["components"],
            blockDeviceMappings=to_api(params["block_device_mappings"]),
            workingDirectory=params["working_directory"],
            additionalInstanceConfiguration=additional,
            amiTags=params["ami_tags"],
        )

    def before_write():
        platform = require_parent_image(module, params["parent_image"])
        check_parameters(module, references, made["components"], platform)
        for index, mapping in enumerate(params["block_device_mappings"] or []):
            require_kms_key(module, (mapping.get("ebs") or {}).get("kms_key_id"), "block_device_mappings[%d].ebs.kms_key_id" % index)

    converge_versioned(module, manager, "image_recipe", desired, before_write=before_write)


if __name__ == "__main__":
    main()
