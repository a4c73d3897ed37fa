#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: lifecycle_policy
short_description: Manage EC2 Image Builder lifecycle policies
version_added: 0.2.0
description:
  - Creates, updates in place and deletes the lifecycle policies that deprecate, disable or delete old Image Builder images
    (and, optionally, their AMIs, snapshots or container images).
  - The combinations Image Builder documents are checked before any call, each problem naming the option path
    (e.g. C(policy_details[0].filter.unit)) and the fix; see the notes.
author:
  - amiforge developers (@amiforge)
options:
  name:
    description:
      - The policy's name. Names that differ only in case, spaces or underscores are the same policy.
    type: str
    required: true
  description:
    description:
      - A description of the policy. V('') removes it.
    type: str
  execution_role:
    description:
      - The IAM role (name, C(path/name) or ARN) Image Builder assumes to run the policy's actions, e.g. one with the
        C(EC2ImageBuilderLifecycleExecutionPolicy) managed policy. A name is turned into this account's role ARN, which is
        what is sent and compared. A role of this account must exist (checked before a write).
      - Required to create a policy; when unset, an existing one keeps its role.
    type: str
  resource_type:
    description:
      - What the policy acts on. Required to create a policy; it cannot change afterwards (delete and create again).
    type: str
    choices: [AMI_IMAGE, CONTAINER_IMAGE]
  policy_details:
    description:
      - The rules, 1 to 3, at most one per action type. Their order does not matter. Required to create a policy; when unset,
        an existing one keeps its rules.
    type: list
    elements: dict
    suboptions:
      action:
        description:
          - What the rule does.
        type: dict
        required: true
        suboptions:
          type:
            description:
              - V(DEPRECATE) and V(DISABLE) are for V(AMI_IMAGE) policies only.
            type: str
            required: true
            choices: [DELETE, DEPRECATE, DISABLE]
          include_resources:
            description:
              - What, beyond the Image Builder image, the action extends to.
            type: dict
            suboptions:
              amis:
                description:
                  - The distributed AMIs (V(AMI_IMAGE) policies).
                type: bool
              snapshots:
                description:
                  - The AMIs' snapshots (V(DELETE) of V(AMI_IMAGE) only, together with O(policy_details[].action.include_resources.amis)).
                type: bool
              containers:
                description:
                  - The distributed container images (V(DELETE) of V(CONTAINER_IMAGE) only).
                type: bool
      filter:
        description:
          - Which images the rule applies to.
        type: dict
        required: true
        suboptions:
          type:
            description:
              - V(AGE) (older than O(policy_details[].filter.value) units) or V(COUNT) (beyond the newest
                O(policy_details[].filter.value) images; V(DELETE) rules only).
            type: str
            required: true
            choices: [AGE, COUNT]
          value:
            description:
              - The age in units, or how many images to keep (1 to 1000).
            type: int
            required: true
          unit:
            description:
              - The unit of an V(AGE) filter (required there, refused with V(COUNT)).
            type: str
            choices: [DAYS, WEEKS, MONTHS, YEARS]
          retain_at_least:
            description:
              - With an V(AGE) filter, how many images to keep whatever their age (1 to 10).
            type: int
      exclusion_rules:
        description:
          - Images the rule leaves alone.
        type: dict
        suboptions:
          tag_map:
            description:
              - Images with any of these tags (key and value) are skipped.
            type: dict
          amis:
            description:
              - AMIs to skip (V(AMI_IMAGE) policies only).
            type: dict
            suboptions:
              is_public:
                description:
                  - Skip public AMIs.
                type: bool
              regions:
                description:
                  - Skip AMIs in these regions.
                type: list
                elements: str
              shared_accounts:
                description:
                  - Skip AMIs shared with any of these accounts.
                type: list
                elements: str
              last_launched:
                description:
                  - Skip AMIs launched within this period (O(policy_details[].exclusion_rules.amis.last_launched.value) 1 to 365).
                type: dict
                suboptions:
                  value:
                    description:
                      - The number of units.
                    type: int
                    required: true
                  unit:
                    description:
                      - The unit of time.
                    type: str
                    required: true
                    choices: [DAYS, WEEKS, MONTHS, YEARS]
              tag_map:
                description:
                  - Skip AMIs with any of these tags (key and value).
                type: dict
  resource_selection:
    description:
      - Which images the policy covers, by exactly one of O(resource_selection.recipes) or O(resource_selection.tag_map).
        Required to create a policy; when unset, an existing one keeps its selection.
    type: dict
    suboptions:
      recipes:
        description:
          - Images built from these recipes (image recipes for V(AMI_IMAGE), container recipes for V(CONTAINER_IMAGE)).
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The recipe's name.
            type: str
            required: true
          semantic_version:
            description:
              - The recipe's version; V(x) stands for any number (V(1.x.x), V(x.x.x)).
            type: str
            required: true
      tag_map:
        description:
          - Images with these tags.
        type: dict
  status:
    description:
      - Only V(ENABLED) policies run (once a day). When unset, a new policy is V(ENABLED) and an existing one keeps its status.
    type: str
    choices: [ENABLED, DISABLED]
notes:
  - "Checked before any call, from the botocore model's documentation of these members and the user guide (quoted in
    docs/aws-behaviour.md): at most one rule per action type; V(CONTAINER_IMAGE) policies only V(DELETE); a V(COUNT) filter
    only with V(DELETE); O(policy_details[].filter.unit) required with V(AGE) and refused with V(COUNT); retain_at_least only
    with V(AGE); include_resources: V(DEPRECATE)/V(DISABLE) AMIs only, snapshots only with AMIs, containers only for
    V(CONTAINER_IMAGE) and amis/snapshots only for V(AMI_IMAGE); exclusion_rules.amis only for V(AMI_IMAGE); exactly one of
    recipes or tag_map in O(resource_selection)."
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.updatable
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Deprecate golden AMIs after 3 months, delete them with their snapshots after a year, keep the tagged ones
  amiforge.imagebuilder.lifecycle_policy:
    name: golden-retirement
    execution_role: ImageBuilderLifecycleRole
    resource_type: AMI_IMAGE
    policy_details:
      - action:
          type: DEPRECATE
          include_resources:
            amis: true
        filter:
          type: AGE
          value: 3
          unit: MONTHS
      - action:
          type: DELETE
          include_resources:
            amis: true
            snapshots: true
        filter:
          type: AGE
          value: 1
          unit: YEARS
          retain_at_least: 2
        exclusion_rules:
          amis:
            last_launched:
              value: 30
              unit: DAYS
            tag_map:
              retain: "true"
    resource_selection:
      recipes:
        - name: golden-al2023
          semantic_version: 1.x.x
    tags:
      team: platform

- name: Keep only the 10 newest container images of the web service
  amiforge.imagebuilder.lifecycle_policy:
    name: web-containers
    execution_role: ImageBuilderLifecycleRole
    resource_type: CONTAINER_IMAGE
    policy_details:
      - action:
          type: DELETE
          include_resources:
            containers: true
        filter:
          type: COUNT
          value: 10
    resource_selection:
      tag_map:
        service: web
"""

RETURN = r"""
arn:
  description: The policy's ARN.
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:lifecycle-policy/golden-retirement
lifecycle_policy:
  description: The policy, in snake_case, as the API returns it (predicted in check mode).
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:lifecycle-policy/golden-retirement", "name": "golden-retirement",
           "execution_role": "arn:aws:iam::123456789012:role/ImageBuilderLifecycleRole", "resource_type": "AMI_IMAGE",
           "status": "ENABLED", "policy_details": [{"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 10}}],
           "resource_selection": {"tag_map": {"service": "web"}}, "tags": {}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import role_arn
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_common_options, converge_updatable, require, resource_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import UpdatableResource

TIME_UNITS = ["DAYS", "WEEKS", "MONTHS", "YEARS"]
REQUIRED_TO_CREATE = ("execution_role", "resource_type", "policy_details", "resource_selection")


def argument_spec():
    return resource_argument_spec(
        description=dict(type="str"),
        execution_role=dict(type="str"),
        resource_type=dict(type="str", choices=["AMI_IMAGE", "CONTAINER_IMAGE"]),
        policy_details=dict(type="list", elements="dict", options=dict(
            action=dict(type="dict", required=True, options=dict(
                type=dict(type="str", required=True, choices=["DELETE", "DEPRECATE", "DISABLE"]),
                include_resources=dict(type="dict", options=dict(amis=dict(type="bool"), snapshots=dict(type="bool"),
                                                                 containers=dict(type="bool"))),
            )),
            filter=dict(type="dict", required=True, options=dict(
                type=dict(type="str", required=True, choices=["AGE", "COUNT"]),
                value=dict(type="int", required=True),
                unit=dict(type="str", choices=TIME_UNITS),
                retain_at_least=dict(type="int"),
            )),
            exclusion_rules=dict(type="dict", options=dict(
                tag_map=dict(type="dict"),
                amis=dict(type="dict", options=dict(
                    is_public=dict(type="bool"),
                    regions=dict(type="list", elements="str"),
                    shared_accounts=dict(type="list", elements="str"),
                    last_launched=dict(type="dict", options=dict(value=dict(type="int", required=True),
                                                                 unit=dict(type="str", required=True, choices=TIME_UNITS))),
                    tag_map=dict(type="dict"),
                )),
            )),
        )),
        resource_selection=dict(type="dict", options=dict(
            recipes=dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True),
                                                                    semantic_version=dict(type="str", required=True))),
            tag_map=dict(type="dict"),
        )),
        status=dict(type="str", choices=["ENABLED", "DISABLED"]),
    )


def normalized(identity):
    """Rules compare as a set (at most one per action type, each applied on its own), recipes as a set, the role as an ARN."""
    partition, account = identity

    def normalize(value):
        details = value.get("policyDetails")
        if details:
            value["policyDetails"] = sorted(details, key=lambda detail: str((detail.get("action") or {}).get("type")))
        recipes = (value.get("resourceSelection") or {}).get("recipes")
        if recipes:
            value["resourceSelection"]["recipes"] = sorted(recipes, key=lambda recipe: (recipe.get("name"), recipe.get("semanticVersion")))
        if value.get("executionRole"):
            value["executionRole"] = role_arn(partition, account, value["executionRole"])
        return value

    return normalize


def require_role(module, arn, account):
    """A role of this account must exist before a policy names it (IAM GetRole; another account's is the service's to check)."""
    if arn and arn.split(":")[4] == account:
        require(module, "iam", "GetRole", "execution_role", ["NoSuchEntity"], "IAM role %s" % arn, RoleName=arn.rsplit("/", 1)[-1])


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    check_common_options(module)
    api = ImageBuilder(module)
    manager = UpdatableResource(api, "lifecycle_policy", defaults=dict(status="ENABLED"), unordered=("regions", "sharedAccounts"))
    desired = dict(
        description=params["description"], executionRole=params["execution_role"], resourceType=params["resource_type"],
        policyDetails=to_api(params["policy_details"]), resourceSelection=to_api(params["resource_selection"]), status=params["status"],
    )
    manager.early_check(desired)  # the model and the documented combinations, before any call
    identity = api.identity()
    manager.normalize = normalized(identity)
    desired["executionRole"] = role_arn(identity[0], identity[1], params["execution_role"])

    def with_current(current):
        if current is None and params["state"] == "present":
            missing = [option for option in REQUIRED_TO_CREATE if not params[option]]
            if missing:
                module.fail_json(msg="%s: required to create lifecycle policy %r" % (", ".join(missing), params["name"]))
        elif current is not None and params["resource_type"] and params["resource_type"] != current.get("resourceType"):
            module.fail_json(msg="resource_type: lifecycle policy %r is %s and the resource type cannot change after creation; set "
                                 "resource_type: %s, or delete the policy (state: absent) and create it again"
                                 % (params["name"], current.get("resourceType"), current.get("resourceType")))
        return desired

    converge_updatable(module, manager, "lifecycle_policy", with_current,
                       before_write=lambda: require_role(module, desired["executionRole"], identity[1]))


if __name__ == "__main__":
    main()
