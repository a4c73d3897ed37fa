# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: valid_component_document
short_description: Whether an EC2 Image Builder component or workflow document has no errors
version_added: 0.1.0
author: amiforge developers
description:
  - True when the offline validator finds no error in the document (warnings and infos are allowed).
  - Use the P(amiforge.imagebuilder.component_lint#filter) filter to see the findings.
options:
  _input:
    description: The document, as YAML or JSON text or as an already parsed mapping.
    type: raw
    required: true
  platform:
    description: The platform the component is for (V(Linux), V(Windows) or V(macOS)).
    type: str
"""

EXAMPLES = r"""
- name: Only accept documents without errors
  ansible.builtin.assert:
    that: document is amiforge.imagebuilder.valid_component_document(platform='Linux')
"""

RETURN = r"""
_value:
  description: Whether the document has no error finding.
  type: bool
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import has_errors, validate_document


def valid_component_document(document, platform=None):
    try:
        return not has_errors(validate_document(document, platform=platform))
    except ValueError as exc:
        raise AnsibleFilterError("valid_component_document: %s" % exc)


class TestModule(object):
    def tests(self):
        return {"valid_component_document": valid_component_document}
