# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What image recipes and container recipes share: their ``components`` option (by name, name and
version, or ARN, with parameters), turned into the API's component configurations with names
resolved to ARNs, and checked before any write (botocore 1.44.8 ComponentConfigurationList: "You can
specify each component only one time in a recipe"; ComponentConfiguration.parameters: only the
parameters the component declares)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import version_problem

COMPONENTS_SPEC = dict(type="list", elements="dict", options=dict(
    name=dict(type="str"), arn=dict(type="str"), version=dict(type="str"), parameters=dict(type="dict"),
))
# The API's names of the components option, as the user wrote them.
COMPONENT_RENAMES = {"components[].componentArn": "components[]", "components[].parameters": "components[].parameters"}


def check_components(module):
    """Fail, before any call, on a component entry that names nothing or two things, or a version AWS refuses."""
    for index, component in enumerate(module.params["components"] or []):
        if bool(component.get("name")) == bool(component.get("arn")):
            module.fail_json(msg="components[%d]: give exactly one of 'name' and 'arn'" % index)
        problem = component.get("version") and version_problem(component["version"], "components[%d].version" % index, wildcards=True)
        if problem:
            module.fail_json(msg=problem)


def component_configurations(module, references, current):
    """The recipe's components as the API takes them, names resolved to ARNs (ARNs the current
    version already refers to cost no call). None when the option is unset (the version compared
    with keeps its components)."""
    held = [item["componentArn"] for item in (current or {}).get("components") or []]
    configurations = []
    if module.params["components"] is None:
        return None
    for index, component in enumerate(module.params["components"]):
        if component.get("arn"):
            arn = references.resolve("component", component["arn"], "components[%d].arn" % index)
        else:
            arn = references.pin("component", component["name"], component.get("version"), "components[%d].name" % index, held)
        configuration = dict(componentArn=arn)
        if component.get("parameters"):
            configuration["parameters"] = [
                dict(name=name, value=[str(item) for item in value] if isinstance(value, list) else [str(value)])
                for name, value in sorted(component["parameters"].items())]
        for position, earlier in enumerate(configurations):
            if earlier["componentArn"] == arn:
                module.fail_json(msg="components[%d]: component %s is already components[%d]; a recipe can use each component only once"
                                 % (index, arn, position))
        configurations.append(configuration)
    return configurations


def check_parameters(module, references, configurations, platform=None):
    """Each component must be for the recipe's ``platform`` (Linux, Windows or macOS: the parent image's; None when it
    cannot be told) and declare the parameters the recipe gives it (read before a write; a component that only an
    earlier task would create, in check mode, is not checked). A component runs on the platform it declares
    (Component.platform), so one for another platform would only fail the build."""
    for index, configuration in enumerate(configurations or []):
        given = "arn" if module.params["components"][index].get("arn") else "name"
        component = references.require("component", configuration["componentArn"], "components[%d].%s" % (index, given))
        if component is None:
            continue
        if platform and component.get("platform") and component["platform"] != platform:
            module.fail_json(msg="components[%d].%s: component %s is for %s, but the parent image is a %s image; use a component for %s "
                                 "(its platform option) or a %s parent image" % (
                                     index, given, configuration["componentArn"], component["platform"], platform, platform,
                                     component["platform"]))
        if not configuration.get("parameters"):
            continue
        declared = [item["name"] for item in component.get("parameters") or []]
        unknown = [item["name"] for item in configuration["parameters"] if item["name"] not in declared]
        if unknown:
            module.fail_json(msg="components[%d].parameters: %s %s not declared by component %s (it declares: %s)" % (
                index, ", ".join(repr(name) for name in unknown), "is" if len(unknown) == 1 else "are", configuration["componentArn"],
                ", ".join(declared) or "no parameters"))


def sorted_parameters(value):
    """Component parameters compare by name, in any order."""
    for component in value.get("components") or []:
        if component.get("parameters"):
            component["parameters"] = sorted(component["parameters"], key=lambda item: item.get("name"))
    return value
