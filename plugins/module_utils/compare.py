# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shapes and comparison: option values to the API's camelCase and back, and the comparable
form of a request or of a resource read back (only the fields a module manages, the service's
documented defaults filled in, empties dropped, unordered lists sorted)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

# Maps whose keys belong to the user (tags, a component document, a resource policy): never converted between cases.
USER_KEYED = ("tags", "amiTags", "resourceTags", "imageTags", "ami_tags", "resource_tags", "image_tags", "data", "tagMap", "tag_map",
              "policy")
# Members where an empty string is a value, not "unset" (block device mappings: noDevice "" suppresses a device).
EMPTY_IS_VALUE = ("noDevice",)


def _convert_key(key):
    return re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), key)


def to_api(value, _key=None):
    """snake_case option values → the API's camelCase, leaving user-keyed maps (tags) alone
    and dropping options left unset (None)."""
    if isinstance(value, dict):
        if _key in USER_KEYED:
            return dict(value)
        return dict((_convert_key(key), to_api(item, key)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [to_api(item) for item in value]
    return value


def to_snake(value):
    """The API's camelCase → snake_case for results, leaving user-keyed maps alone."""
    if isinstance(value, dict):
        return camel_dict_to_snake_dict(value, ignore_list=list(USER_KEYED))
    return value


def is_empty(value):
    return value in (None, "", [], {})


def prune(value):
    """Drop what carries no information (None, empty strings, lists and maps), recursively,
    so 'not set' and 'set to nothing' compare equal."""
    if isinstance(value, dict):
        pruned = dict((key, prune(item)) for key, item in value.items())
        return dict((key, item) for key, item in pruned.items() if not is_empty(item) or (key in EMPTY_IS_VALUE and item == ""))
    if isinstance(value, list):
        return [item for item in (prune(item) for item in value) if not is_empty(item)]
    return value


def merge_defaults(value, defaults):
    """Fill what the service would fill in, so a value left out and the service's default
    compare equal (a default is a dict mirroring the request's structure)."""
    if not isinstance(defaults, dict) or not isinstance(value, dict):
        return value if value is not None else copy.deepcopy(defaults)
    merged = dict(value)
    for key, default in defaults.items():
        merged[key] = merge_defaults(value.get(key), default)
    return merged


def sort_unordered(value, unordered):
    """Sort the scalar lists whose order the service does not keep (security groups, ...)."""
    if isinstance(value, dict):
        return dict((key, sorted(item, key=str) if key in unordered and isinstance(item, list)
                     and all(not isinstance(entry, (dict, list)) for entry in item)
                     else sort_unordered(item, unordered)) for key, item in value.items())
    if isinstance(value, list):
        return [sort_unordered(item, unordered) for item in value]
    return value


def canonical(value, fields=None, defaults=None, unordered=()):
    """The comparable form of a request or of a resource read back: only ``fields``, service
    defaults filled in, empties dropped, unordered lists sorted."""
    if fields is not None:
        value = dict((key, item) for key, item in (value or {}).items() if key in fields)
    if defaults:
        value = merge_defaults(value, dict((key, item) for key, item in defaults.items() if fields is None or key in fields))
    return sort_unordered(prune(value), unordered)


def fill_unset(desired, current, sendable=None):
    """``desired`` with each top-level field left unset (None) taken from ``current``, so an
    option the user left out keeps the resource's value (Update* and new versions replace the
    whole object). ``sendable``: the fields the write takes, so read-only fields stay out.
    Fields set to an empty value are dropped: that is how an option is removed."""
    merged = {}
    for key, value in desired.items():
        if value is None and current and not is_empty(current.get(key)) and (sendable is None or key in sendable):
            merged[key] = copy.deepcopy(current[key])
        elif not is_empty(prune(value)):
            merged[key] = prune(value)
    return merged


def result_of(resource):
    """A resource read back, as modules return it: snake_case, ``arn`` kept."""
    return to_snake(resource or {})


def diff_of(before, after):
    return dict(before=to_snake(before or {}), after=to_snake(after or {}))


MASK = "********"


def hide_replaced(before, after, secrets):
    """``before`` (a diff's previous value) with what stands where ``after`` holds a secret hidden as Ansible hides it.

    Ansible hides the values of no_log options wherever they show, so the new secret in ``after`` is masked, but the
    value it replaces (an old password in the previous document, the previous user data) is not one of them. A value
    that is a secret hides the value it replaces; in a text, the text between the secret's neighbours (up to 16
    characters before it on its line, up to 3 after it) is hidden at the same place in ``before``."""
    secrets = [value for value in secrets or () if isinstance(value, str) and value]
    if not secrets:
        return before
    if isinstance(before, dict) and isinstance(after, dict):
        return dict((key, hide_replaced(value, after.get(key), secrets)) for key, value in before.items())
    if isinstance(before, list) and isinstance(after, list):
        return [hide_replaced(value, after[index] if index < len(after) else None, secrets) for index, value in enumerate(before)]
    if not isinstance(before, str) or not isinstance(after, str):
        return before
    if after in secrets:
        return MASK
    for secret in secrets:
        start = after.find(secret)
        while start >= 0:
            end = start + len(secret)
            prefix = after[max(after.rfind("\n", 0, start) + 1, start - 16):start]
            line_end = after.find("\n", end)
            suffix = after[end:min(end + 3, len(after) if line_end < 0 else line_end)]
            if prefix:
                pattern = re.escape(prefix) + r"[^\n]+?" + (re.escape(suffix) if suffix else "$")
                before = re.sub(pattern, lambda match: prefix + MASK + suffix, before, flags=re.MULTILINE)
            start = after.find(secret, end)
    return before
