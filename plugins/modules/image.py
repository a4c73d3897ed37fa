#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: image
short_description: Build EC2 Image Builder images, by running a pipeline or from a recipe
version_added: 0.1.0
description:
  - Ensures an image exists for the recipe version a pipeline (or a recipe given directly) uses now, building one
    when there is none. A re-run after a successful build builds nothing, so a playbook can say "bake the image"
    every time and only pay for a build when the recipe changed (or with O(force=true)).
  - Waits for the build by default and fails with the service's reason when it fails.
  - With O(state=absent), deletes the image build version O(arn) (the AMIs it distributed stay; deregister them
    with M(amazon.aws.ec2_ami)).
author:
  - amiforge developers (@amiforge)
options:
  pipeline:
    description:
      - The image pipeline to run, by name or ARN. Its recipe, infrastructure and distribution are used.
      - Mutually exclusive with O(image_recipe).
    type: str
  image_recipe:
    description:
      - Build from this image recipe without a pipeline, by name (its latest version), V(name:version), or ARN.
      - Needs O(infrastructure_configuration).
    type: str
  infrastructure_configuration:
    description:
      - With O(image_recipe), the infrastructure configuration to build on, by name or ARN.
    type: str
  distribution_configuration:
    description:
      - With O(image_recipe), where to distribute the image, by name or ARN.
    type: str
  force:
    description:
      - Build even when an image of the current recipe version exists or is being built.
    type: bool
    default: false
  wait:
    description:
      - Wait for the build to end.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds. When it runs out the task fails, the build goes on, and a re-run waits for
        that same build instead of starting another.
    type: int
    default: 7200
  arn:
    description:
      - The image build version to delete with O(state=absent).
    type: str
  tags:
    description:
      - Tags for a new image.
    type: dict
  state:
    description:
      - V(present) makes sure an image of the current recipe version exists, V(absent) deletes the image O(arn).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode (no write call; C(changed) says whether a build would start) and diff mode.
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts without modifying the target.
    support: full
  diff_mode:
    description: Returns what has changed (or would change in check mode) in diff mode.
    support: full
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.image_tests
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Bake the golden image if its recipe changed since the last build
  amiforge.imagebuilder.image:
    pipeline: golden-al2023
  register: golden

- name: Show the AMIs it distributed
  ansible.builtin.debug:
    msg: "{{ golden.amis | map(attribute='image') | list }}"

- name: A one-off build from a recipe, without a pipeline, not waiting
  amiforge.imagebuilder.image:
    image_recipe: golden-al2023
    infrastructure_configuration: golden-build
    force: true
    wait: false

- name: Delete an image build version
  amiforge.imagebuilder.image:
    arn: arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.4/1
    state: absent
"""

RETURN = r"""
arn:
  description: The ARN of the image build version (existing, new or deleted).
  returned: always
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.4/1
image:
  description: The image, in snake_case, as GetImage returns it (empty in check mode when a build would start).
  returned: always
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.4/1", "state": {"status": "AVAILABLE"}}
amis:
  description: The AMIs the build distributed, one per region and account.
  returned: always
  type: list
  elements: dict
  sample: [{"region": "us-east-1", "image": "ami-0abcdef1234567890", "name": "golden-2026-11-27T03-00-00Z", "account_id": "123456789012"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    BUILDING, IMAGE_TESTS_SPEC, KINDS, diff_of, image_tests_configuration, ImageBuilder, parse_arn, References, result_of, semver_of,
    wait_for_image,
)


def builds_of_recipe(api, recipe_arn, pipeline=None):
    """Image builds of the recipe version ``recipe_arn`` (newest last): the pipeline's, or any of ours."""
    version = semver_of(dict(arn=recipe_arn))
    if pipeline:
        summaries = api.list_all("ListImagePipelineImages", "imageSummaryList", imagePipelineArn=pipeline["arn"])
    else:
        name = parse_arn(recipe_arn)["name"]
        versions = [item for item in api.list_all("ListImages", "imageVersionList", owner="Self", byName=True,
                                                  filters=[dict(name="name", values=[name])]) if semver_of(item) == version]
        summaries = [build for item in versions
                     for build in api.list_all("ListImageBuildVersions", "imageSummaryList", imageVersionArn=item["arn"])]
    builds = [item for item in summaries if semver_of(item) == version]
    return sorted(builds, key=lambda item: int(parse_arn(item["arn"])["build"] or 0))


def find_pipeline(module, api):
    reference = module.params["pipeline"]
    if reference.startswith("arn:"):
        pipeline = api.get(KINDS["image_pipeline"], reference, ignore=("ResourceNotFoundException",))
    else:
        found = api.list_named(KINDS["image_pipeline"], [reference])
        pipeline = found[0] if found else None
    if not pipeline and module.check_mode:
        module.warn("check mode: pipeline: image pipeline %r does not exist yet; assuming an earlier task creates it" % reference)
        module.exit_json(changed=True, arn=None, image={}, amis=[])
    if not pipeline:
        module.fail_json(msg="pipeline: image pipeline %r does not exist. Create it first (amiforge.imagebuilder.image_pipeline)." % reference)
    return pipeline


def recipe_version_arn(api, recipe_arn):
    """The exact recipe version behind an ARN that may use x wildcards."""
    if "x" not in (semver_of(dict(arn=recipe_arn)) or "").split("."):
        return recipe_arn
    return api.get(KINDS["image_recipe"], recipe_arn)["arn"]


def start_build(module, api, pipeline):
    params = module.params
    if pipeline:
        request = dict(imagePipelineArn=pipeline["arn"])
        if params["tags"]:
            request["tags"] = params["tags"]
        return "StartImagePipelineExecution", request
    references = References(api)
    request = dict(
        imageRecipeArn=references.resolve("image_recipe", params["image_recipe"], "image_recipe"),
        infrastructureConfigurationArn=references.resolve("infrastructure_configuration", params["infrastructure_configuration"],
                                                          "infrastructure_configuration"),
        imageTestsConfiguration=image_tests_configuration(module),
    )
    if params["distribution_configuration"]:
        request["distributionConfigurationArn"] = references.resolve("distribution_configuration", params["distribution_configuration"],
                                                                     "distribution_configuration")
    if params["tags"]:
        request["tags"] = params["tags"]
    return "CreateImage", request


def finish(module, changed, image, before):
    """Exit with the image; a build that ended badly fails the task with the service's reason."""
    image = image or {}
    status = (image.get("state") or {}).get("status")
    result = dict(changed=changed, arn=image.get("arn"), image=result_of(image),
                  amis=[result_of(ami) for ami in (image.get("outputResources") or {}).get("amis", [])])
    if module._diff:
        result["diff"] = diff_of(before, dict(arn=image.get("arn"), status=status) if image else {})
    if status in ("FAILED", "CANCELLED"):
        module.fail_json(msg="image build %s ended %s: %s" % (image["arn"], status, image["state"].get("reason", "no reason given")), **result)
    if module.params["wait"] and status in BUILDING:
        module.fail_json(msg="image build %s is still %s after %d seconds; it goes on, and a re-run waits for it"
                         % (image["arn"], status, module.params["wait_timeout"]), **result)
    module.exit_json(**result)


def main():
    argument_spec = dict(
        pipeline=dict(type="str"),
        image_recipe=dict(type="str"),
        infrastructure_configuration=dict(type="str"),
        distribution_configuration=dict(type="str"),
        image_tests=IMAGE_TESTS_SPEC,
        force=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=7200),
        arn=dict(type="str"),
        tags=dict(type="dict"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("pipeline", "image_recipe")],
        required_if=[("state", "present", ("pipeline", "image_recipe"), True), ("state", "absent", ("arn",))],
        required_by=dict(image_recipe=("infrastructure_configuration",)),
        supports_check_mode=True,
    )
    params = module.params
    api = ImageBuilder(module)
    if params["state"] == "absent":
        if (parse_arn(params["arn"]) or {}).get("type") != "image" or not parse_arn(params["arn"])["build"]:
            module.fail_json(msg="arn: %r is not an image build version ARN (arn:aws:imagebuilder:REGION:ACCOUNT:image/NAME/x.y.z/BUILD)" % params["arn"])
        image = api.get(KINDS["image"], params["arn"], ignore=("ResourceNotFoundException",))
        if not image or image["state"]["status"] == "DELETED":
            module.exit_json(changed=False, arn=params["arn"], image={}, amis=[])
        api.delete_or_fail(KINDS["image"], params["arn"])
        module.exit_json(changed=True, arn=params["arn"], image={}, amis=[],
                         **(dict(diff=diff_of(dict(arn=params["arn"], status=image["state"]["status"]), {})) if module._diff else {}))

    if params["wait_timeout"] < 0:
        module.fail_json(msg="wait_timeout: must be 0 or more seconds")
    pipeline = find_pipeline(module, api) if params["pipeline"] else None
    operation, request = start_build(module, api, pipeline)
    recipe_arn = recipe_version_arn(api, pipeline["imageRecipeArn"] if pipeline else request["imageRecipeArn"])
    builds = [item for item in builds_of_recipe(api, recipe_arn, pipeline)
              if item["state"]["status"] in BUILDING + ("AVAILABLE",)]
    before = dict(arn=builds[-1]["arn"], status=builds[-1]["state"]["status"]) if builds else {}
    if builds and not params["force"]:
        arn = builds[-1]["arn"]
        image = wait_for_image(api, arn, params["wait_timeout"]) if params["wait"] else api.get(KINDS["image"], arn)
        finish(module, False, image, before)
    response = api.write(operation, **request)
    if not response:  # check mode
        finish(module, True, {}, before)
    arn = response["imageBuildVersionArn"]
    image = wait_for_image(api, arn, params["wait_timeout"]) if params["wait"] else api.get(KINDS["image"], arn)
    finish(module, True, image, before)


if __name__ == "__main__":
    main()
