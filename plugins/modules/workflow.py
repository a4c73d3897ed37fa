#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: workflow
short_description: Manage EC2 Image Builder workflows, with automatic semantic versions
version_added: 0.2.0
description:
  - Creates EC2 Image Builder workflows, the steps Image Builder runs to build, test or distribute an image
    (launch an instance, run the recipe's components, create the image, wait for an action, ...). Pipelines and
    images run them through their C(workflows) option (M(amiforge.imagebuilder.image_pipeline), M(amiforge.imagebuilder.image)).
  - Workflows are immutable. When the wanted content differs from the latest version, the next semantic version
    is created; when it is the same, nothing is written.
  - The document is validated offline before any API call (its structure, each step action and its required inputs,
    C($.stepOutputs) references to earlier steps, C($.parameters) references to declared parameters, conditions, the
    actions the workflow's O(type) may run), so a broken document fails in a second instead of during a build.
  - A C(WaitForAction) step pauses the build until someone answers it with Image Builder's SendWorkflowStepAction
    (C(aws imagebuilder list-waiting-workflow-steps), then C(aws imagebuilder send-workflow-step-action --action RESUME)
    or C(STOP)); this collection has no module for that yet. Meanwhile M(amiforge.imagebuilder.image) and the playbooks
    keep showing the build's state (C(BUILDING), C(TESTING)) until their C(wait_timeout).
author:
  - amiforge developers (@amiforge)
options:
  name:
    description:
      - The workflow's name.
    type: str
    required: true
  type:
    description:
      - The stage of image creation the workflow runs in. Part of the workflow's ARN
        (C(arn:aws:imagebuilder:REGION:ACCOUNT:workflow/build/NAME/1.0.0/1)), so workflows of different types are
        different workflows, even with the same name.
    type: str
    required: true
    choices: [BUILD, TEST, DISTRIBUTION]
  data:
    description:
      - The workflow document, as YAML text or as a dictionary (which is written out as YAML).
      - Compared with the latest version as parsed YAML, so formatting and key order do not make a new version.
      - Mutually exclusive with O(uri).
    type: raw
  uri:
    description:
      - The S3 URI (V(s3://bucket/key)) of the workflow document, instead of O(data).
      - The object is read to validate it and compare its content with the latest version.
    type: str
  validate:
    description:
      - Validate the document before any API call and fail listing every error found, each with its path in the document.
    type: bool
    default: true
  description:
    description:
      - A description of the workflow.
    type: str
  change_description:
    description:
      - What changed in this version. Sent with a new version; not compared, so changing it alone makes no new version.
    type: str
  kms_key_id:
    description:
      - The KMS key used to encrypt the workflow.
    type: str
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.versioned
  - amiforge.imagebuilder.imagebuilder.service_validation
  - amiforge.imagebuilder.imagebuilder.tags
  - amiforge.imagebuilder.imagebuilder.state
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A build workflow that also sanitizes the instance before the image is taken
  amiforge.imagebuilder.workflow:
    name: build-sanitized
    type: BUILD
    description: Build, sanitize, snapshot
    data:
      name: build-sanitized
      schemaVersion: 1.0
      steps:
        - name: LaunchBuildInstance
          action: LaunchInstance
          onFailure: Abort
          inputs:
            waitFor: ssmAgent
        - name: ApplyBuildComponents
          action: ExecuteComponents
          onFailure: Abort
          inputs:
            instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
        - name: Sanitize
          action: SanitizeInstance
          onFailure: Abort
          inputs:
            instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
        - name: CreateOutputAMI
          action: CreateImage
          onFailure: Abort
          inputs:
            instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
        - name: TerminateBuildInstance
          action: TerminateInstance
          onFailure: Continue
          inputs:
            instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
      outputs:
        - name: ImageId
          value: $.stepOutputs.CreateOutputAMI.imageId
    keep_versions: 3
    tags:
      team: platform

- name: A test workflow with a parameter a pipeline sets
  amiforge.imagebuilder.workflow:
    name: test-with-pause
    type: TEST
    data:
      schemaVersion: 1.0
      parameters:
        - name: pauseAtEnd
          type: boolean
          default: false
      steps:
        - name: LaunchTestInstance
          action: LaunchInstance
          onFailure: Abort
          inputs:
            waitFor: ssmAgent
        - name: RunTestComponents
          action: ExecuteComponents
          onFailure: Abort
          inputs:
            instanceId.$: $.stepOutputs.LaunchTestInstance.instanceId
        - name: TerminateTestInstance
          action: TerminateInstance
          onFailure: Continue
          inputs:
            instanceId.$: $.stepOutputs.LaunchTestInstance.instanceId
        - name: PauseAtEnd
          action: WaitForAction
          if:
            booleanEquals: true
            value: $.parameters.pauseAtEnd

- name: Delete every version of a workflow
  amiforge.imagebuilder.workflow:
    name: build-sanitized
    type: BUILD
    state: absent
"""

RETURN = r"""
arn:
  description: The ARN of the workflow build version (created, unchanged or predicted).
  returned: when state is present
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/build-sanitized/1.0.1/1
version:
  description: The semantic version the task converged to.
  returned: when state is present
  type: str
  sample: 1.0.1
workflow:
  description: The workflow, in snake_case, as the API returns it.
  returned: when state is present
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/build-sanitized/1.0.1/1", "name": "build-sanitized",
           "version": "1.0.1", "type": "BUILD", "data": "schemaVersion: 1.0\nsteps:\n...", "tags": {"team": "platform"}}
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
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    check_versioned_options, converge_versioned, load_document, parsed_data, read_yaml_uri, require_kms_key,
    versioned_argument_spec,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import VersionedResource
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.workflow_document import errors_of, validate_workflow


def check_document(module, document, option):
    """Every error of the document, each with its path (and line, given as text), before any call."""
    if not module.params["validate"]:
        return
    errors = errors_of(validate_workflow(document, module.params["type"]))
    if errors:
        module.fail_json(msg="%s: the %s workflow document has %d error(s): %s" % (
            option, module.params["type"], len(errors), "; ".join(
                "%s%s: %s" % (finding.path or "(document)", " (line %d)" % finding.line if finding.line else "", finding.message)
                for finding in errors)), findings=[finding.to_dict() for finding in errors])


def main():
    argument_spec = versioned_argument_spec(
        type=dict(type="str", required=True, choices=["BUILD", "TEST", "DISTRIBUTION"]),
        data=dict(type="raw"),
        uri=dict(type="str"),
        validate=dict(type="bool", default=True),
        validate_with_service=dict(type="bool", default=False),
        description=dict(type="str"),
        change_description=dict(type="str"),
        kms_key_id=dict(type="str"),
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
        module.fail_json(msg="data: give the workflow document as YAML text or as a dictionary")

    desired = dict(description=params["description"], changeDescription=params["change_description"], kmsKeyId=params["kms_key_id"])
    compare_as = None
    if params["state"] == "present" and params["data"] is not None:
        text, parsed = load_document(module, 'workflow', "'schemaVersion' and 'steps'")
        check_document(module, text if isinstance(params["data"], str) else parsed, "data")
        desired["data"] = text
    elif params["state"] == "present":
        parsed = read_yaml_uri(module)
        check_document(module, parsed, "uri")
        compare_as = dict(desired, data=parsed)
        desired["uri"] = params["uri"]
    if params["state"] == "present":
        desired["type"] = params["type"]  # part of the ARN too: compared only to refuse a version of another type

    manager = VersionedResource(ImageBuilder(module), "workflow", workflow_type=params["type"].lower(), normalize=parsed_data,
                                ignore=("changeDescription",), renames=dict(semanticVersion="version"))
    converge_versioned(module, manager, "workflow", desired, compare_as=compare_as,
                       before_write=lambda: require_kms_key(module, params["kms_key_id"], "kms_key_id"))


if __name__ == "__main__":
    main()
