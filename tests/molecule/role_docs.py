"""Writes the variables section of each hardening role's README.md from its meta/argument_specs.yml,
so the README and the argument spec cannot drift apart. Text outside the markers is hand-written.

usage: python tests/molecule/role_docs.py [--check] [ROLE ...]
  --check   change nothing; exit 1 and name the READMEs that are out of date
"""
import argparse
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = ("os_hardening", "ssh_hardening", "image_cleanup", "integrity_baseline", "role_component", "stack")
BEGIN = "<!-- BEGIN generated from meta/argument_specs.yml by tests/molecule/role_docs.py -->"
END = "<!-- END generated -->"


def _text(value):
    return " ".join(value) if isinstance(value, list) else str(value)


def _default(name, spec, defaults):
    if "default" in spec:
        value = spec["default"]
    elif name in defaults:
        value = defaults[name]
        if isinstance(value, str) and "{{" in value:
            return "from vars/<family>.yml" if "__" in value else "see defaults/main.yml"
        if isinstance(value, (dict, list)) and len(yaml.safe_dump(value, default_flow_style=True)) > 60:
            return "see defaults/main.yml"
    else:
        return "null (detected)" if spec.get("type") == "bool" else "-"
    return "`%s`" % yaml.safe_dump(value, default_flow_style=True, width=1000).strip().replace("\n...", "").replace("|", "\\|")


def generated_section(role):
    role_dir = os.path.join(ROOT, "roles", role)
    with open(os.path.join(role_dir, "meta", "argument_specs.yml")) as handle:
        spec = yaml.safe_load(handle)["argument_specs"]["main"]
    with open(os.path.join(role_dir, "defaults", "main.yml")) as handle:
        defaults = yaml.safe_load(handle) or {}
    lines = [BEGIN, "", "## Variables", "", spec["short_description"] + ".", ""]
    lines += ["- " + _text(paragraph) for paragraph in spec.get("description", [])]
    lines += ["", "| variable | type | default | description |", "|---|---|---|---|"]
    for name, option in spec["options"].items():
        kind = option.get("type", "str")
        if kind == "list" and "elements" in option:
            kind = "list of %s" % option["elements"]
        description = _text(option["description"])
        if "choices" in option:
            description += " Choices: %s." % ", ".join("`%s`" % choice for choice in option["choices"])
        lines.append("| `%s` | %s | %s | %s |" % (name, kind, _default(name, option, defaults), description.replace("|", "\\|")))
    lines += ["", END]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("roles", nargs="*", default=ROLES)
    args = parser.parse_args(argv)
    stale = []
    for role in args.roles:
        path = os.path.join(ROOT, "roles", role, "README.md")
        with open(path) as handle:
            current = handle.read()
        if BEGIN not in current or END not in current:
            sys.exit("%s: add the markers %s and %s where the variables go" % (path, BEGIN, END))
        head, rest = current.split(BEGIN, 1)
        wanted = head + generated_section(role) + rest.split(END, 1)[1]
        if wanted != current:
            stale.append(path)
            if not args.check:
                with open(path, "w") as handle:
                    handle.write(wanted)
    if args.check and stale:
        print("out of date (run python tests/molecule/role_docs.py): %s" % ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
