# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: component_lint
short_description: Lint an EC2 Image Builder component or workflow document
version_added: 0.1.0
author: amiforge developers
description:
  - Validates an AWSTOE component document or an Image Builder workflow document offline, the same way the
    C(amiforge.imagebuilder.component) and C(amiforge.imagebuilder.workflow) modules do before any API call.
  - Checks the document structure, every action module's inputs, unique phase and step names, chaining expressions
    (C({{ phase.step.outputs.stdout }}) must point at an earlier step, never from the test stage into the build stage),
    declared parameters and constants, loops, conditions and, when O(platform) is given, platform fit.
  - Returns the list of findings; an empty list means the document is clean.
options:
  _input:
    description: The document, as YAML or JSON text or as an already parsed mapping.
    type: raw
    required: true
  platform:
    description: The platform the component is for. Without it, platform-specific actions are not checked.
    type: str
    choices: [Linux, Windows, macOS]
  kind:
    description: The kind of document. Without it, it is detected from the top-level keys (C(phases) or C(steps)).
    type: str
    choices: [component, workflow]
  min_severity:
    description: The lowest severity to return.
    type: str
    default: info
    choices: [error, warning, info]
seealso:
  - name: Component documents
    description: How the validator judges documents (docs/component-documents.md in the collection).
    link: https://github.com/amiforge/amiforge.imagebuilder/blob/main/docs/component-documents.md
"""

EXAMPLES = r"""
- name: Fail early on a broken component document
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | map(attribute='path') | zip(errors | map(attribute='message')) | map('join', ': ') | list }}"
  vars:
    errors: >-
      {{ lookup('ansible.builtin.file', 'hardening.yml')
         | amiforge.imagebuilder.component_lint(platform='Linux', min_severity='error') }}
"""

RETURN = r"""
_value:
  description: The findings, in document order (an empty list when the document is clean).
  type: list
  elements: dict
  contains:
    severity:
      description: C(error) (the build would fail or the service rejects the document), C(warning) or C(info).
      type: str
    path:
      description: Where in the document, for example C(phases[0].steps[2].inputs.commands); empty for the whole document.
      type: str
    message:
      description: What is wrong and how to fix it.
      type: str
    rule:
      description: A short identifier of the check, for example C(chaining-order).
      type: str
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import SEVERITIES, validate_document


def component_lint(document, platform=None, kind=None, min_severity="info"):
    if min_severity not in SEVERITIES:
        raise AnsibleFilterError("component_lint: min_severity must be one of %s" % ", ".join(SEVERITIES))
    if isinstance(document, bytes):
        document = to_text(document)
    try:
        findings = validate_document(document, platform=platform, kind=kind)
    except ValueError as exc:
        raise AnsibleFilterError("component_lint: %s" % exc)
    shown = SEVERITIES[:SEVERITIES.index(min_severity) + 1]
    return [finding.to_dict() for finding in findings if finding.severity in shown]


class FilterModule(object):
    def filters(self):
        return {"component_lint": component_lint}
