#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: component
short_description: Manage EC2 Image Builder components, with automatic semantic versions
version_added: 0.1.0
description:
  - Creates EC2 Image Builder components (AWSTOE documents that install, configure or test software on an image).
  - Components are immutable. When the wanted content differs from the latest version, the next semantic version
    is created; when it is the same, nothing is written.
  - The document is validated offline before any API call, so a broken document fails in a second instead of
    after a build.
author:
  - amiforge developers (@amiforge)
options:
  name:
    description:
      - The component's name.
    type: str
    required: true
  platform:
    description:
      - The operating system platform of the component.
      - When unset, a new component is for V(Linux) and an existing one keeps its platform.
    type: str
    choices: [Linux, Windows, macOS]
  data:
    description:
      - The component document, as YAML text or as a dictionary (which is written out as YAML).
      - Compared with the latest version as parsed YAML, so formatting and key order do not make a new version.
      - Ansible templates every C({{ }}) in a task's options, including AWSTOE's own parameters and chaining expressions.
        Pass the document through a file lookup (C(lookup('ansible.builtin.file', 'doc.yml')), whose result is not
        templated again) or mark inline text C(!unsafe); see docs/component-documents.md in the collection.
      - Mutually exclusive with O(uri).
    type: raw
  uri:
    description:
      - The S3 URI (V(s3://bucket/key)) of the component document, instead of O(data).
      - The object is read to compare its content with the latest version.
    type: str
  secret_values:
    description:
      - Values, such as the passwords in I(data), that Ansible shows as C(********) wherever they appear in the result, the
        diff and warnings (a string, or a list or mapping whose every value counts, nested ones included). The document still holds
        them. M(amiforge.imagebuilder.role_component) passes the role variables whose names look like secrets.
    type: raw
  validate:
    description:
      - Validate the document (AWSTOE schema, actions and their inputs, step references) before any API call and
        fail listing every error found.
    type: bool
    default: true
  description:
    description:
      - A description of the component.
    type: str
  change_description:
    description:
      - What changed in this version. Sent with a new version; not compared, so changing it alone makes no new version.
    type: str
  supported_os_versions:
    description:
      - The operating system versions the component supports, for example V(Amazon Linux 2023).
    type: list
    elements: str
  kms_key_id:
    description:
      - The KMS key used to encrypt the component.
    type: str
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.versioned
  - amiforge.imagebuilder.imagebuilder.service_validation
  - amiforge.imagebuilder.imagebuilder.sharing
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Install and configure nginx (a new version appears whenever the document changes)
  amiforge.imagebuilder.component:
    name: install-nginx
    description: Installs nginx
    data:
      name: install-nginx
      schemaVersion: 1.0
      phases:
        - name: build
          steps:
            - name: Install
              action: ExecuteBash
              inputs:
                commands:
                  - sudo dnf install -y nginx
        - name: validate
          steps:
            - name: Check
              action: ExecuteBash
              inputs:
                commands:
                  - nginx -v
    keep_versions: 5
    tags:
      team: platform

- name: A component whose document lives in S3
  amiforge.imagebuilder.component:
    name: cis-level1
    uri: s3://my-components/cis-level1.yml
    version: 2.0.0

- name: Delete every version of a component
  amiforge.imagebuilder.component:
    name: install-nginx
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
  description: The ARN of the component build version (created, unchanged or predicted).
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:component/install-nginx/1.0.1/1
version:
  description: The semantic version the task converged to.
  returned: when state is present
  type: str
  sample: 1.0.1
component:
  description: The component, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:component/install-nginx/1.0.1/1", "name": "install-nginx",
           "version": "1.0.1", "platform": "Linux", "data": "name: install-nginx\n...", "tags": {"team": "platform"}}
deleted_versions:
  description: ARNs of the versions deleted (by O(state=absent) or O(keep_versions)).
  returned: always
  type: list
  elements: str
kept_in_use:
  description: ARNs of versions that O(keep_versions) would delete but that are still in use.
  returned: always
  type: list
  elements: str
"""

try:
    import yaml  # noqa: F401, only to say it is missing (module_utils.imagebuilder parses the documents)
except ImportError:
    yaml = None

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import validate_document
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_versioned_options, converge_versioned, load_document, parsed_data, read_yaml_uri, require_kms_key,
    versioned_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import VersionedResource
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.sharing import POLICY_OPTION


def check_document(module, text, option):
    if not module.params["validate"]:
        return
    errors = [finding for finding in validate_document(text, platform=module.params["platform"] or "Linux", kind="component")
              if finding.severity == "error"]
    if errors:
        module.fail_json(msg="%s: the component document has %d error(s): %s" % (
            option, len(errors), "; ".join("%s: %s" % (finding.path or "(document)", finding.message) for finding in errors)),
            findings=[finding.to_dict() for finding in errors])


def main():
    argument_spec = versioned_argument_spec(
        platform=dict(type="str", choices=["Linux", "Windows", "macOS"]),
        data=dict(type="raw"),
        uri=dict(type="str"),
        validate=dict(type="bool", default=True),
        validate_with_service=dict(type="bool", default=False),
        secret_values=dict(type="raw", no_log=True),
        description=dict(type="str"),
        change_description=dict(type="str"),
        supported_os_versions=dict(type="list", elements="str"),
        kms_key_id=dict(type="str"),
        policy=POLICY_OPTION,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("data", "uri")],
        required_if=[("state", "present", ("data", "uri"), True)],
        supports_check_mode=True,
    )
    params = module.params
    if yaml is None:
        module.fail_json(msg="PyYAML is required on the host that runs this module (pip install PyYAML)")
    check_versioned_options(module)
    if params["uri"] and not params["uri"].startswith("s3://"):
        module.fail_json(msg="uri: %r is not an S3 URI; use s3://bucket/key" % params["uri"])
    if params["data"] is not None and not isinstance(params["data"], (str, dict)):
        module.fail_json(msg="data: give the component document as YAML text or as a dictionary")

    desired = dict(
        platform=params["platform"], description=params["description"], changeDescription=params["change_description"],
        supportedOsVersions=params["supported_os_versions"], kmsKeyId=params["kms_key_id"],
    )
    compare_as = None
    if params["state"] == "present" and params["data"] is not None:
        text, parsed = load_document(module, 'component', "'schemaVersion' and 'phases'")
        check_document(module, text, "data")
        desired["data"] = text
    elif params["state"] == "present":
        parsed = read_yaml_uri(module)
        check_document(module, parsed, "uri")
        compare_as = dict(desired, data=parsed)
        desired["uri"] = params["uri"]

    def with_platform(current):
        """A new component is for Linux unless 'platform' says otherwise; an existing one keeps its platform."""
        if current is None and desired["platform"] is None:
            desired["platform"] = "Linux"
            if compare_as is not None:
                compare_as["platform"] = "Linux"
        return desired

    manager = VersionedResource(ImageBuilder(module), "component", normalize=parsed_data, unordered=("supportedOsVersions",),
                                ignore=("changeDescription",), renames=dict(semanticVersion="version"))
    converge_versioned(module, manager, "component", with_platform, compare_as=compare_as,
                       before_write=lambda: require_kms_key(module, params["kms_key_id"], "kms_key_id"))


if __name__ == "__main__":
    main()
