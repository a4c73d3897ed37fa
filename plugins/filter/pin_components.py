# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: pin_components
short_description: Refer to components converged earlier in the play by the ARNs they registered
version_added: 0.2.0
author: amiforge developers
description:
  - Takes a recipe's component list (entries with C(name), optional C(version) and C(parameters)) and the registered
    result of a looped M(amiforge.imagebuilder.component) task, and gives each entry whose name that task converged
    the C(arn) it registered instead of its C(name).
  - That is what makes a C(--check --diff) run a plan of the whole stack. In check mode the component task returns the
    ARN of the version it would create, and the recipe task, given that ARN, predicts its own new version in turn.
    Entries for other components (Amazon-owned ones such as C(update-linux)) are left as they are.
options:
  _input:
    description: The recipe's components, each a dictionary with C(name) or C(arn), and optionally C(version) and C(parameters).
    type: list
    elements: dict
    required: true
  results:
    description: The registered result of the component task (its C(results) list when the task had a loop, or a single result).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Converge our components
  amiforge.imagebuilder.component:
    name: "{{ item.name }}"
    data: "{{ lookup('ansible.builtin.file', item.file) }}"
  loop:
    - {name: install-nginx, file: components/install-nginx.yml}
    - {name: os-settings, file: components/os-settings.yml}
  register: converged

- name: Converge the recipe, pinned to exactly the versions just converged (or predicted, in check mode)
  amiforge.imagebuilder.image_recipe:
    name: golden
    parent_image: ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    components: "{{ recipe_components | amiforge.imagebuilder.pin_components(converged) }}"
  vars:
    recipe_components:
      - name: update-linux          # Amazon-owned: left as it is
      - name: install-nginx         # becomes {arn: <the ARN the loop registered>}
      - name: os-settings
        parameters:
          Profile: server
"""

RETURN = r"""
_value:
  description: The component list, with C(arn) in place of C(name) (and no C(version)) for the components the task converged.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError


def pin_components(components, results):
    if isinstance(results, dict):
        results = results.get("results", [results])
    arns = {}
    for result in results or []:
        if isinstance(result, dict) and result.get("arn"):
            name = ((result.get("invocation") or {}).get("module_args") or {}).get("name") or (result.get("component") or {}).get("name")
            arns[name] = result["arn"]
    pinned = []
    for entry in components or []:
        if not isinstance(entry, dict):
            raise AnsibleFilterError("pin_components: each component must be a dictionary with 'name' or 'arn', got %r" % (entry,))
        if entry.get("name") in arns:
            entry = dict([(key, value) for key, value in entry.items() if key not in ("name", "version")] + [("arn", arns[entry["name"]])])
        pinned.append(entry)
    return pinned


class FilterModule(object):
    def filters(self):
        return {"pin_components": pin_components}
