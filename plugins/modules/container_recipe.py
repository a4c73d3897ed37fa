#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: container_recipe
short_description: Manage EC2 Image Builder container recipes, with automatic semantic versions
version_added: 0.1.0
description:
  - Creates EC2 Image Builder container recipes, each a parent container image, a Dockerfile template, the components to
    run and the ECR repository the built image is pushed to.
  - Recipes are immutable. When the wanted content differs from the latest version (including a component that got a
    new version since), the next semantic version is created; when it is the same, nothing is written.
  - Components are given as in M(amiforge.imagebuilder.image_recipe) (by name, name and version, or ARN, with
    parameters); ours referred to by name are pinned to their latest version at converge time.
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
  container_type:
    description:
      - The type of container to build. The API knows only V(DOCKER).
    type: str
    choices: [DOCKER]
    default: DOCKER
  parent_image:
    description:
      - The base image, a container image from a registry (for example V(amazonlinux:latest)) or an Image Builder image
        ARN (versions may use V(x) wildcards).
      - An AMI id or V(ssm:) parameter is refused here; the build instance's AMI goes in O(instance_configuration.image).
      - Required when O(state=present).
    type: str
  components:
    description:
      - The components to run, in order, each at most once; when unset, a new version keeps the components of the version
        compared with.
      - Parameters are checked against what each component declares before the recipe is written, and each component's
        platform against the recipe's (O(platform_override), else an Image Builder parent image's).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - A component name. Ours first; when we own none by that name, an Amazon-owned component, which is referred to as
            V(x.x.x) (the latest at build time) unless O(components[].version) is set.
          - One of O(components[].name) and O(components[].arn) is required.
        type: str
      arn:
        description:
          - The component's ARN, used as it is (a build version ARN is referred to by its version). In check mode, also
            the ARN an earlier task only predicted.
        type: str
      version:
        description:
          - The version to use with O(components[].name). V(x) wildcards are allowed (V(1.x.x)). When unset, our latest
            version is pinned.
        type: str
      parameters:
        description:
          - Values for the component's parameters, as a dictionary of name to value (a string or a list of strings).
        type: dict
  target_repository:
    description:
      - The ECR repository the built image is pushed to. It must exist in the module's region (where the build runs);
        this is checked before the recipe is written.
      - Required to create the first version; when unset, a new version keeps the repository of the version compared with.
    type: dict
    suboptions:
      service:
        description:
          - The registry service. The API knows only V(ECR).
        type: str
        choices: [ECR]
        default: ECR
      repository_name:
        description:
          - The repository's name only (a namespace path such as V(team-a/my-app) is allowed), not its URI.
        type: str
        required: true
  dockerfile_template_data:
    description:
      - The Dockerfile template, inline (at most 16000 characters). Image Builder replaces its contextual variables
        (V({{{ imagebuilder:parentImage }}}), V({{{ imagebuilder:environments }}}), V({{{ imagebuilder:components }}}))
        at build time; in a playbook write them so that Ansible does not template them (C(!unsafe) or a C({% raw %}) block).
      - Exactly one of O(dockerfile_template_data) and O(dockerfile_template_uri) is required when O(state=present).
    type: str
  dockerfile_template_uri:
    description:
      - The Dockerfile template as an S3 object (V(s3://bucket/key)). Image Builder reads it once, when it creates the
        recipe, and stores its content; this module reads it too and compares that content with the latest version's, so
        a changed object gives a new version and an unchanged one none.
    type: str
  instance_configuration:
    description:
      - The instance that builds and tests the image.
    type: dict
    suboptions:
      image:
        description:
          - The build instance's AMI, an AMI id or an SSM parameter holding one (V(ssm:/name)). When unset, Image Builder
            uses the ECS-optimized AMI.
        type: str
      block_device_mappings:
        description:
          - Block device mappings of the build instance, as the API takes them in snake_case (V(device_name), V(ebs) with
            V(volume_size), V(volume_type), V(encrypted), V(delete_on_termination), V(iops), V(throughput), V(kms_key_id),
            V(snapshot_id); V(virtual_name), V(no_device)).
        type: list
        elements: dict
  working_directory:
    description:
      - The working directory for use during build and test workflows.
    type: str
  kms_key_id:
    description:
      - The KMS key (key ARN or alias ARN) that encrypts the Dockerfile template at rest.
    type: str
  platform_override:
    description:
      - The operating system platform of a custom base image. Container recipes support only V(Linux) and V(Windows).
      - Compared with the recipe's platform, so giving the platform the recipe already has is no change.
    type: str
    choices: [Linux, Windows]
  image_os_version_override:
    description:
      - The operating system version of a base image from a registry (an Image Builder parent image brings its own).
      - GetContainerRecipe does not return it, so it is sent with a new version but never compared; a change of it alone
        makes no new version (give O(version) to force one).
    type: str
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
- name: A container recipe from Amazon Linux, pushed to our ECR repository
  amiforge.imagebuilder.container_recipe:
    name: web-container
    parent_image: amazonlinux:latest
    target_repository:
      repository_name: team-a/web
    components:
      - name: update-linux
      - name: install-nginx
    dockerfile_template_data: |
      {% raw %}FROM {{{ imagebuilder:parentImage }}}
      {{{ imagebuilder:environments }}}
      {{{ imagebuilder:components }}}{% endraw %}
    working_directory: /tmp
    tags:
      team: platform
    keep_versions: 5

- name: Delete every version of it
  amiforge.imagebuilder.container_recipe:
    name: web-container
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
           "Action": ["imagebuilder:GetContainerRecipe", "imagebuilder:ListContainerRecipes"],
           "Resource": ["arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/my-app/1.0.0"]}]}
arn:
  description: The ARN of the recipe version (created, unchanged or predicted).
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/web-container/1.0.2
version:
  description: The semantic version the task converged to.
  returned: when state is present
  type: str
  sample: 1.0.2
container_recipe:
  description: The recipe, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/web-container/1.0.2", "name": "web-container",
           "container_type": "DOCKER", "parent_image": "amazonlinux:latest", "platform": "Linux",
           "target_repository": {"service": "ECR", "repository_name": "team-a/web"},
           "dockerfile_template_data": "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\n"}
deleted_versions:
  description: ARNs of the versions deleted (by O(state=absent) or O(keep_versions)).
  returned: always
  type: list
  elements: str
kept_in_use:
  description: Versions that would be deleted but are still in use (by a pipeline or image), each with the service's reason.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import parse_arn
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_versioned_options, converge_versioned, read_s3_uri, require_ecr_repository, require_kms_key, require_parent_image,
    versioned_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import VersionedResource
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.recipes import (
    COMPONENT_RENAMES, COMPONENTS_SPEC, check_components, check_parameters, component_configurations, sorted_parameters,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.references import References
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.sharing import POLICY_OPTION

RENAMES = dict(COMPONENT_RENAMES, semanticVersion="version")
# No service defaults to fill in: containerType is required (its only value DOCKER is this module's default),
# instanceConfiguration.image has no stored default ("If not specified, Image Builder uses the appropriate
# ECS-optimized AMI", botocore 1.44.8 InstanceConfiguration.image), and ``encrypted`` is always true and not an option.


def check_parent_image(module):
    """A container recipe's parent is an image ARN or a container image from a registry (botocore 1.44.8
    CreateContainerRecipe.parentImage: "an Image Builder image resource ARN or a container image URI from a registry,
    for example amazonlinux:latest"), never an AMI: refused before any call."""
    parent = module.params["parent_image"]
    if parent.startswith(("ami-", "ssm:")):
        module.fail_json(msg="parent_image: %r is an AMI; a container recipe starts from a container image (e.g. amazonlinux:latest) or an "
                             "Image Builder image ARN. The build instance's AMI goes in instance_configuration.image" % parent)
    if parent.startswith("arn:") and (parse_arn(parent) or {}).get("type") != "image":
        module.fail_json(msg="parent_image: %r is not an Image Builder image ARN (arn:PARTITION:imagebuilder:REGION:ACCOUNT:image/NAME/VERSION)"
                         % parent)


def check_instance_image(module):
    """instance_configuration.image: "an AMI ID or ... an SSM Parameter Store Parameter, prefixed by ssm:" (botocore
    1.44.8 InstanceConfiguration.image)."""
    image = (module.params["instance_configuration"] or {}).get("image")
    if image and not image.startswith(("ami-", "ssm:")):
        module.fail_json(msg="instance_configuration.image: %r is neither an AMI id (ami-...) nor an SSM parameter (ssm:/name)" % image)


def main():
    argument_spec = versioned_argument_spec(
        description=dict(type="str"),
        container_type=dict(type="str", choices=["DOCKER"], default="DOCKER"),
        parent_image=dict(type="str"),
        components=COMPONENTS_SPEC,
        target_repository=dict(type="dict", options=dict(
            service=dict(type="str", choices=["ECR"], default="ECR"), repository_name=dict(type="str", required=True),
        )),
        dockerfile_template_data=dict(type="str"),
        dockerfile_template_uri=dict(type="str"),
        instance_configuration=dict(type="dict", options=dict(
            image=dict(type="str"), block_device_mappings=dict(type="list", elements="dict"),
        )),
        working_directory=dict(type="str"),
        kms_key_id=dict(type="str"),
        platform_override=dict(type="str", choices=["Linux", "Windows"]),
        image_os_version_override=dict(type="str"),
        policy=POLICY_OPTION,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("dockerfile_template_data", "dockerfile_template_uri")],
        required_if=[("state", "present", ("parent_image",)),
                     ("state", "present", ("dockerfile_template_data", "dockerfile_template_uri"), True)],
        supports_check_mode=True,
    )
    params = module.params
    check_versioned_options(module)
    template = params["dockerfile_template_data"]
    if params["state"] == "present":
        check_components(module)
        check_parent_image(module)
        check_instance_image(module)
        if params["dockerfile_template_uri"]:
            template = read_s3_uri(module, params["dockerfile_template_uri"], "dockerfile_template_uri")

    api = ImageBuilder(module)
    references = References(api)
    manager = VersionedResource(api, "container_recipe", normalize=sorted_parameters, renames=RENAMES, ignore=("imageOsVersionOverride",))
    made, compare_as = {}, {}

    def desired(current):
        made["components"] = component_configurations(module, references, current)
        request = dict(
            containerType=params["container_type"],
            description=params["description"],
            parentImage=params["parent_image"],
            components=made["components"],
            targetRepository=to_api(params["target_repository"]),
            # One of the two, never both (the other is '' so that the version compared with does not lend it).
            dockerfileTemplateData=params["dockerfile_template_data"] or "",
            dockerfileTemplateUri=params["dockerfile_template_uri"] or "",
            instanceConfiguration=to_api(params["instance_configuration"]),
            workingDirectory=params["working_directory"],
            kmsKeyId=params["kms_key_id"],
            platformOverride=params["platform_override"],
            imageOsVersionOverride=params["image_os_version_override"],
        )
        # Compared: the template's content (GetContainerRecipe returns the data, never the URI) and the platform the
        # recipe has (Get returns ``platform``, never ``platformOverride``).
        compare_as.update(request, dockerfileTemplateData=template, platform=params["platform_override"])
        for key in ("dockerfileTemplateUri", "platformOverride"):
            compare_as.pop(key)
        return request

    def before_write():
        # the recipe's platform: platform_override, else an Image Builder parent image's (a registry image's is not known)
        parent_platform = require_parent_image(module, params["parent_image"]) if params["parent_image"].startswith("arn:") else None
        image = (params["instance_configuration"] or {}).get("image")
        if image:
            require_parent_image(module, image, "instance_configuration.image")
        check_parameters(module, references, made["components"], params["platform_override"] or parent_platform)
        if params["target_repository"]:
            require_ecr_repository(module, params["target_repository"]["repository_name"], "target_repository.repository_name")
        require_kms_key(module, params["kms_key_id"], "kms_key_id")
        for index, mapping in enumerate((params["instance_configuration"] or {}).get("block_device_mappings") or []):
            require_kms_key(module, (mapping.get("ebs") or {}).get("kms_key_id"),
                            "instance_configuration.block_device_mappings[%d].ebs.kms_key_id" % index)

    converge_versioned(module, manager, "container_recipe", desired, compare_as=compare_as if params["state"] == "present" else None,
                       before_write=before_write)


if __name__ == "__main__":
    main()
