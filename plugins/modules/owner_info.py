#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: owner_info
short_description: Which stack owns EC2 Image Builder resources, by their amiforge:stack tag
version_added: 0.2.0
description:
  - Reads each resource named (the latest version of a versioned one, by Get on its C(x.x.x) ARN, not the List that
    lags behind creates) and returns the stack its C(amiforge:stack) tag names, and a conflict for each resource that
    exists and is not O(stack)'s (without the tag it was created by another tool or by hand; with another stack's tag it is that stack's) unless adopted.
  - The same rule the resource modules apply with their C(stack) and C(adopt) options, for many resources in one run;
    the M(amiforge.imagebuilder.stack) role runs it before its first write, so that a conflict stops the whole stack
    before anything is changed. It never fails on a conflict; it reports them.
  - Also reads, by their tags, what C(playbooks/golden_ami.yml) creates beside the stack, the IAM role and instance
    profile of the build instance (GetRole, GetInstanceProfile), the artifacts bucket (GetBucketTagging) and launch
    templates (DescribeLaunchTemplates, in O(resources[].region)); that playbook and C(playbooks/destroy.yml) run it
    before their first write. A bucket without any tag and without any object is no conflict, as S3 creates a bucket
    and tags it in two calls, and a run stopped between them leaves such a bucket for its re-run to finish.
author:
  - amiforge developers (@amiforge)
options:
  stack:
    description:
      - The stack the resources should belong to (the value of their C(amiforge:stack) tag).
    type: str
    required: true
  adopt:
    description:
      - The stack takes over the resources that do not say otherwise (O(resources[].adopt)) even when someone else owns them.
    type: bool
    default: false
  resources:
    description:
      - The resources to read.
    type: list
    elements: dict
    required: true
    suboptions:
      kind:
        description:
          - The kind of resource, as the module that manages it is named.
        type: str
        required: true
        choices: [component, workflow, image_recipe, container_recipe, infrastructure_configuration, distribution_configuration,
                  image_pipeline, lifecycle_policy, iam_role, iam_instance_profile, s3_bucket, launch_template]
      name:
        description:
          - Its name.
        type: str
        required: true
      type:
        description:
          - For a workflow, its type (part of a workflow's ARN).
        type: str
        choices: [BUILD, TEST, DISTRIBUTION]
      region:
        description:
          - For a launch template, the region it is in; the module's region when unset. Ignored for the other kinds.
        type: str
      adopt:
        description:
          - The stack takes this resource over even when someone else owns it (as the modules' C(adopt) option); no
            conflict is reported for it, it is listed with RV(resources[].adopted). When unset, O(adopt).
        type: bool
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Are the stack's resources its own?
  amiforge.imagebuilder.owner_info:
    stack: golden-al2023
    resources:
      - kind: component
        name: golden-os-hardening
      - kind: image_recipe
        name: golden-al2023
      - kind: image_pipeline
        name: golden-al2023
  register: owners

- name: Stop before any write when one is someone else's
  ansible.builtin.fail:
    msg: "{{ owners.conflicts | join('; ') }}"
  when: owners.conflicts | length > 0
"""

RETURN = r"""
resources:
  description: Each resource asked about, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Its kind.
      type: str
      sample: component
    name:
      description: Its name.
      type: str
      sample: golden-os-hardening
    region:
      description: The region it was looked for in (the module's, or O(resources[].region) for a launch template).
      type: str
      sample: us-east-1
    arn:
      description: The ARN of the resource (the latest version of a versioned one; a launch template's id); null when there is none.
      type: str
      sample: arn:aws:imagebuilder:us-east-1:123456789012:component/golden-os-hardening/1.0.3/1
    owner:
      description: The stack its C(amiforge:stack) tag names; null when it has no such tag or does not exist.
      type: str
      sample: golden-al2023
    conflict:
      description: Why it is not O(stack)'s (resource, ARN, owner); null when it is, when there is none or when adopted.
      type: str
      sample: "component 'golden-os-hardening' (arn:...) belongs to another stack: web, not to stack 'golden-al2023'"
    adopted:
      description: It exists, is someone else's, and O(resources[].adopt) takes it over.
      type: bool
      sample: false
conflicts:
  description: The conflicts of RV(resources), one sentence each; empty when every resource is the stack's or free.
  returned: always
  type: list
  elements: str
  sample: ["infrastructure configuration 'golden-al2023' (arn:...) belongs to no amiforge:stack tag: created by another tool or by hand"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS, ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import require_region
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import ownership_conflict, owner_of


class Other:
    """A kind outside Image Builder, as ownership_conflict names it."""

    def __init__(self, label, read):
        self.label = label
        self.read = read


def read_role(api, name, region):
    found = api.call("GetRole", ignore=("NoSuchEntity",), client=api.regional("iam", region), RoleName=name)
    return found and dict(name=name, arn=found["Role"]["Arn"], tags=boto3_tag_list_to_ansible_dict(found["Role"].get("Tags")))


def read_instance_profile(api, name, region):
    found = api.call("GetInstanceProfile", ignore=("NoSuchEntity",), client=api.regional("iam", region), InstanceProfileName=name)
    return found and dict(name=name, arn=found["InstanceProfile"]["Arn"], tags=boto3_tag_list_to_ansible_dict(found["InstanceProfile"].get("Tags")))


def read_bucket(api, name, region):
    s3 = api.regional("s3", region)
    found = api.call("GetBucketTagging", ignore=("NoSuchBucket", "NoSuchTagSet"), client=s3, Bucket=name)
    if found is None and api.call("HeadBucket", ignore=("404", "NoSuchBucket", "NotFound"), client=s3, Bucket=name) is None:
        return None
    bucket = dict(name=name, arn="arn:%s:s3:::%s" % (api.identity()[0], name), tags=boto3_tag_list_to_ansible_dict((found or {}).get("TagSet")))
    # S3 creates a bucket and tags it in two calls (CreateBucket, PutBucketTagging): a run stopped between them leaves
    # an empty bucket without any tag, which its re-run must be able to finish. Such a bucket is nobody's.
    if not bucket["tags"] and not api.call("ListObjectsV2", client=s3, Bucket=name, MaxKeys=1).get("KeyCount"):
        bucket["unclaimed"] = True
    return bucket


def read_launch_template(api, name, region):
    found = api.call("DescribeLaunchTemplates", ignore=("InvalidLaunchTemplateName.NotFoundException",),
                     client=api.regional("ec2", region), LaunchTemplateNames=[name])
    templates = (found or {}).get("LaunchTemplates") or []
    return templates and dict(name=name, arn=templates[0]["LaunchTemplateId"], tags=boto3_tag_list_to_ansible_dict(templates[0].get("Tags"))) or None


OTHER_KINDS = dict(
    iam_role=Other("IAM role", read_role),
    iam_instance_profile=Other("IAM instance profile", read_instance_profile),
    s3_bucket=Other("S3 bucket", read_bucket),
    launch_template=Other("launch template", read_launch_template),
)


def main():
    argument_spec = dict(
        stack=dict(type="str", required=True),
        adopt=dict(type="bool", default=False),
        resources=dict(type="list", elements="dict", required=True, options=dict(
            kind=dict(type="str", required=True, choices=["component", "workflow", "image_recipe", "container_recipe", "infrastructure_configuration",
                                                          "distribution_configuration", "image_pipeline", "lifecycle_policy"] + sorted(OTHER_KINDS)),
            name=dict(type="str", required=True),
            type=dict(type="str", choices=["BUILD", "TEST", "DISTRIBUTION"]),
            region=dict(type="str"),
            adopt=dict(type="bool"),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    for index, item in enumerate(params["resources"]):
        if item["kind"] == "workflow" and not item["type"]:
            module.fail_json(msg="resources[%d].type: a workflow's type is part of its ARN; give BUILD, TEST or DISTRIBUTION" % index)
    require_region(module)
    api = ImageBuilder(module)
    found = []
    for item in params["resources"]:
        region = item["region"] if item["kind"] == "launch_template" and item["region"] else module.region
        if item["kind"] in OTHER_KINDS:
            kind = OTHER_KINDS[item["kind"]]
            resource = kind.read(api, item["name"], region)
        else:
            kind = KINDS[item["kind"]]
            version = "x.x.x" if kind.versioned else None
            resource = api.get(kind, api.arn(kind, item["name"], version, workflow_type=(item["type"] or "").lower() or None))
        conflict = None if (resource or {}).get("unclaimed") else ownership_conflict(kind, item["name"], resource, params["stack"])
        adopt = params["adopt"] if item["adopt"] is None else item["adopt"]
        found.append(dict(kind=item["kind"], name=item["name"], region=region, arn=(resource or {}).get("arn"), owner=owner_of(resource),
                          conflict=None if adopt else conflict, adopted=bool(conflict and adopt)))
    module.exit_json(changed=False, resources=found, conflicts=[item["conflict"] for item in found if item["conflict"]])


if __name__ == "__main__":
    main()
