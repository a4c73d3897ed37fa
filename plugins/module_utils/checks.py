# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local checks of an Image Builder request, before any call.

botocore's client validation checks types and (some) lengths. Here the request is checked
against the whole botocore input shape (required members, enums, lengths, patterns, list and
map sizes, integer ranges) and a few rules Image Builder documents (cron schedules, IANA time
zones, regions, the ``{{imagebuilder:buildDate}}`` AMI name rule). Every problem is reported in
the playbook's words: snake_case option names, 0-based indexes, and the module's own option
names through ``renames``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

try:
    import botocore
    import botocore.session
    HAS_BOTOCORE = True
except ImportError:
    HAS_BOTOCORE = False  # AnsibleAWSModule reports the missing SDK

from ansible.module_utils.common.dict_transformations import _camel_to_snake

SKIP = ("clientToken", "dryRun")
ZONEINFO_DIR = "/usr/share/zoneinfo"
TIMEZONE_PATTERN = r"[a-zA-Z0-9]{2,}(?:\/[a-zA-Z0-9-_+]+)*"  # botocore 1.44.8 Timezone
AMI_NAME_PATTERN = r"^[-_A-Za-z0-9{][-_A-Za-z0-9\s:{}\.]+[-_A-Za-z0-9}]$"  # AmiNameString, 1-127 chars
BUILD_DATE_RE = re.compile(r"\{\{\s*imagebuilder:buildDate\s*\}\}")
CRON_EXAMPLE = "cron(0 3 ? * SUN *)"
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# name, lowest, highest, names for 1.., wildcards
CRON_FIELDS = (
    ("minute", 0, 59, None, ", - * /"), ("hour", 0, 23, None, ", - * /"), ("day", 1, 31, None, ", - * ? / L W"),
    ("month", 1, 12, MONTHS, ", - * /"), ("day-of-week", 1, 7, DAYS, ", - * ? L #"), ("year", 1970, 2199, None, ", - * /"),
)

# Values never shown in a problem (no_log options such as user data).
HIDDEN_SHAPES = ("UserDataOverride",)
# What a value of these model shapes looks like, shown after a pattern mismatch.
HINTS = {
    "AccountId": "a 12-digit AWS account id",
    "ResourceName": "3-128 letters, digits, - or _, spaces only inside",
    "VersionNumber": "major.minor.patch such as 1.0.0",
    "WildcardVersionNumber": "major.minor.patch such as 1.0.0; x stands for any number",
    "VersionNumberWithBuild": "major.minor.patch such as 1.0.0, optionally /build",
    "ImageRecipeArn": "an image recipe ARN such as arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.0",
    "ContainerRecipeArn": "a container recipe ARN such as arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/my-recipe/1.0.0",
    "InfrastructureConfigurationArn": "an infrastructure configuration ARN such as "
                                      "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/my-build",
    "DistributionConfigurationArn": "a distribution configuration ARN such as "
                                    "arn:aws:imagebuilder:us-east-1:123456789012:distribution-configuration/my-distribution",
    "ComponentVersionArnOrBuildVersionArn": "a component ARN such as arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x "
                                            "or .../component/my-component/1.0.0/1",
    "TagKey": "tag keys cannot start with aws:",
    "RoleNameOrArn": "an IAM role name or role ARN",
    "InstanceProfileNameType": "an instance profile name, not its ARN",
    "SnsTopicArn": "an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:my-topic",
    "LaunchTemplateId": "a launch template id such as lt-0123456789abcdef0",
    "OrganizationArn": "an organization ARN such as arn:aws:organizations::123456789012:organization/o-abcd123456",
    "UserDataOverride": "base64-encoded user data",
    "Timezone": "an IANA time zone such as Etc/UTC",
}

_CACHE = {}


def _session():
    if "session" not in _CACHE:
        _CACHE["session"] = botocore.session.get_session()
    return _CACHE["session"]


def _model():
    if "model" not in _CACHE:
        _CACHE["model"] = _session().get_service_model("imagebuilder")
    return _CACHE["model"]


def _compiled(pattern):
    """A model pattern (a Java regex) as a Python regex, or None when Python cannot compile it.
    re.ASCII because Java's \\s \\w \\d are ASCII-only by default."""
    key = "pattern:" + pattern
    if key not in _CACHE:
        try:
            _CACHE[key] = re.compile(pattern, re.ASCII)
        except re.error:
            _CACHE[key] = None
    return _CACHE[key]


def _matches(pattern, value):
    """AWS applies patterns as Java String.matches: the whole value, anchored or not."""
    regex = _compiled(pattern)
    return regex is None or regex.fullmatch(value) is not None


def _shown_as(shape):
    """How a problem shows a value of ``shape``: never at all when its option is no_log (user data) or AWS marks it
    sensitive, since Ansible hides a no_log value only where it shows verbatim, not its repr in a message."""
    if shape.name in HIDDEN_SHAPES or shape.metadata.get("sensitive"):
        return lambda value: "the value given (hidden)"
    return _show


def _show(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _count(number, noun, plural=None):
    return "%d %s" % (number, noun if number == 1 else plural or noun + "s")


# ---- paths ------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"""\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\]]*)\]|[^.\[\]]+""")


def user_path(api_path, renames=None):
    """'distributions[0].amiDistributionConfiguration.launchPermission.userIds[1]'
    -> 'distributions[0].ami_distribution_configuration.launch_permission.user_ids[1]'.

    ``renames`` maps API path prefixes ('[]' stands for any index or map key) to the option names
    the module exposes, e.g. {'components[].componentArn': 'components[].arn'}; the longest
    matching prefix wins, the real indexes are kept and the rest is converted to snake_case.
    Map keys (``tags['Name']``) are kept as they are."""
    tokens = _TOKEN_RE.findall(api_path)
    generic = ["[]" if token.startswith("[") else token for token in tokens]
    best, size = None, 0
    for prefix, name in (renames or {}).items():
        wanted = _TOKEN_RE.findall(prefix)
        if len(wanted) > size and generic[:len(wanted)] == wanted:
            best, size = name, len(wanted)
    path = ""
    if best is not None:
        indexes = [token for token in tokens[:size] if token.startswith("[")]
        parts = best.split("[]")
        path = parts[0]
        for position, part in enumerate(parts[1:]):
            path += (indexes[position] if position < len(indexes) else "[]") + part
    for token in tokens[size:]:
        if token.startswith("["):
            path += token
        else:
            path += ("." if path else "") + _camel_to_snake(token)
    return path


# ---- the request against the model --------------------------------------------------------

def _size_problem(metadata, size, noun, plural):
    if "max" in metadata and size > metadata["max"]:
        return "has %s; at most %d %s allowed" % (_count(size, noun, plural), metadata["max"], "is" if metadata["max"] == 1 else "are")
    if "min" in metadata and size < metadata["min"]:
        return "has %s; at least %d %s required" % (_count(size, noun, plural), metadata["min"], "is" if metadata["min"] == 1 else "are")
    return None


def _any_region_problem(region):
    """Distributions may target another partition's regions only in theory: accept any known one."""
    if not isinstance(region, str) or not HAS_BOTOCORE:
        return None
    if any(region in _regions(partition) for partition in _session().get_available_partitions()):
        return None
    return region_problem(region)


def _string_problem(shape, value, where):
    _show = _shown_as(shape)
    if not isinstance(value, str):
        return "%s must be a string" % _show(value)
    if shape.enum and value not in shape.enum:
        return "%s is not one of: %s" % (_show(value), ", ".join(shape.enum))
    special = SPECIAL.get(where) or SPECIAL.get(shape.name)
    problem = special(value) if special else None
    if problem:
        return "%s: %s" % (_show(value), problem)
    metadata = shape.metadata
    if "max" in metadata and len(value) > metadata["max"]:
        return "%s is %d characters long; at most %d are allowed" % (_show(value), len(value), metadata["max"])
    if "min" in metadata and len(value) < metadata["min"]:
        return "%s is %s long; at least %d %s required" % (_show(value), _count(len(value), "character"), metadata["min"],
                                                           "is" if metadata["min"] == 1 else "are")
    if "pattern" in metadata and not _matches(metadata["pattern"], value):
        hint = HINTS.get(shape.name)
        return "%s must match %s%s" % (_show(value), metadata["pattern"], " (%s)" % hint if hint else "")
    return None


def _scalar_problem(shape, value, where):
    kind = shape.type_name
    if kind == "string":
        return _string_problem(shape, value, where)
    if kind == "boolean":
        return None if isinstance(value, bool) else "%s must be true or false" % _show(value)
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "%s must be an integer" % _show(value)
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                return "%d is out of range %d-%d" % (value, low, high)
            return "%d must be at %s %d" % (value, "least" if low is not None else "most", low if low is not None else high)
    if kind in ("float", "double") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "%s must be a number" % _show(value)
    return None  # timestamps and blobs: botocore converts them


def _walk(shape, value, path, found, renames, where=None):
    def report(at, separator, text):
        found.append("%s%s%s" % (user_path(at, renames) or "the request", separator, text))

    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return report(path, ": ", "%s must be a dictionary" % _show(value))
        for name in shape.required_members:
            if name not in SKIP and value.get(name) is None:
                report(_join(path, name), " ", "is required")
        for name, item in value.items():
            if name in SKIP or item is None:
                continue
            if name not in shape.members:
                known = [user_path(_join(path, member), renames).rsplit(".", 1)[-1] for member in shape.members if member not in SKIP]
                report(_join(path, name), " ", "is not an option here; known: %s" % ", ".join(known))
            else:
                _walk(shape.members[name], item, _join(path, name), found, renames, (shape.name, name))
    elif kind in ("list", "map"):
        if not isinstance(value, dict if kind == "map" else (list, tuple)):
            return report(path, ": ", "%s must be a %s" % (_show(value), "dictionary" if kind == "map" else "list"))
        problem = _size_problem(shape.metadata, len(value), *(("item", "items") if kind == "list" else ("entry", "entries")))
        if problem:
            report(path, " ", problem)
        if kind == "list":
            for index, item in enumerate(value):
                _walk(shape.member, item, "%s[%d]" % (path, index), found, renames, where)  # SPECIAL checks of a list apply to its items
            return None
        for key, item in value.items():
            problem = _scalar_problem(shape.key, key, None)
            if problem:
                report(path, ": ", "key " + problem)
            _walk(shape.value, item, "%s[%r]" % (path, key), found, renames)
    else:
        problem = _scalar_problem(shape, value, where)
        if problem:
            report(path, ": ", problem)
    return None


def _join(path, name):
    return "%s.%s" % (path, name) if path else name


def request_problems(operation, request, renames=None, service_model=None):
    """Every way ``request`` (the dict we would send, camelCase, without clientToken) breaks the
    botocore input shape of Image Builder ``operation`` ('CreateImagePipeline', ...): required
    members missing, enum values, string lengths and patterns, list/map sizes, integer ranges,
    types, plus the documented rules of schedules, time zones, regions and AMI names, and of
    members that go together (workflows need an execution role). Returns a
    list of messages, each starting with the user's path of the value (see ``user_path``)."""
    if service_model is None:
        if not HAS_BOTOCORE:
            return []  # nothing to check against; AnsibleAWSModule reports the missing SDK
        service_model = _model()
    found = []
    shape = service_model.operation_model(operation).input_shape
    _walk(shape, request or {}, "", found, renames)
    found.extend(_combination_problems(shape, request or {}, renames))
    return found


def _combination_problems(shape, request, renames):
    """The documented rules that tie members together."""
    found = []
    # Custom workflows run as the execution role: without one, CreateImagePipeline / CreateImage refuse the request
    # ("An execution role is required to provide workflows").
    if "executionRole" in shape.members and request.get("workflows") and not request.get("executionRole"):
        found.append("%s: workflows need an execution role (the IAM role Image Builder assumes to run them); give one, or %s: [] to "
                     "use the default workflows" % (user_path("executionRole", renames), user_path("workflows", renames)))
    # A fast launch launch template is named by id or by name (EC2 EnableFastLaunch, which distribution calls:
    # "You can specify either the LaunchTemplateName or the LaunchTemplateId, but not both").
    for index, distribution in enumerate(request.get("distributions") or [] if "distributions" in shape.members else []):
        for position, fast in enumerate((distribution or {}).get("fastLaunchConfigurations") or []):
            template = (fast or {}).get("launchTemplate") or {}
            if template.get("launchTemplateId") and template.get("launchTemplateName"):
                found.append("%s: give launch_template_id or launch_template_name, not both" % user_path(
                    "distributions[%d].fastLaunchConfigurations[%d].launchTemplate" % (index, position), renames))
    # "You must specify either this property or containerRecipeArn, but not both" (CreateImage / CreateImagePipeline
    # imageRecipeArn).
    if "containerRecipeArn" in shape.members and request.get("imageRecipeArn") and request.get("containerRecipeArn"):
        found.append("%s and %s: give one recipe, not both" % (user_path("imageRecipeArn", renames), user_path("containerRecipeArn", renames)))
    if shape.name in ("CreateLifecyclePolicyRequest", "UpdateLifecyclePolicyRequest"):
        found.extend(lifecycle_policy_problems(request, renames))
    return found


# ---- lifecycle policies --------------------------------------------------------------------
# The combinations Image Builder documents for lifecycle policies. Sources: botocore 1.44.8 (model) member
# documentation of CreateLifecyclePolicy, LifecyclePolicyDetailAction(IncludeResources), LifecyclePolicyDetailFilter,
# LifecyclePolicyDetailExclusionRules(Amis) and LifecyclePolicyResourceSelection, and the user guide's
# image-lifecycle-rules.html and create-lifecycle-policies.html; docs/aws-behaviour.md "Lifecycle policies" quotes them.

def _lifecycle_detail_problems(detail, index, resource_type, renames):
    found = []

    def at(path):
        return user_path("policyDetails[%d].%s" % (index, path), renames)

    action = detail.get("action") or {}
    action_type = action.get("type")
    container = resource_type == "CONTAINER_IMAGE"
    # model resourceType: "policies for container-based Image Builder images support only DELETE"; user guide
    # image-lifecycle-rules: the deprecate and disable rules are "not available for container images".
    if container and action_type in ("DEPRECATE", "DISABLE"):
        found.append("%s: %s is for AMI images only; a CONTAINER_IMAGE policy can only DELETE (use type: DELETE, or "
                     "resource_type: AMI_IMAGE)" % (at("action.type"), action_type))
    include = action.get("includeResources") or {}
    if include.get("containers") and not container:
        # model includeResources.containers: "apply to distributed containers"; an AMI_IMAGE policy distributes none.
        found.append("%s: containers are the container images of a CONTAINER_IMAGE policy; remove it, or use amis and "
                     "snapshots for an AMI_IMAGE policy" % at("action.include_resources.containers"))
    for member in ("amis", "snapshots"):
        if include.get(member) and container:
            found.append("%s: %s belong to AMI images; a CONTAINER_IMAGE policy can include containers only" % (
                at("action.include_resources.%s" % member), member))
    # model LifecyclePolicyDetailAction.includeResources: "DELETE rules can include all three, DEPRECATE and DISABLE
    # rules can include AMIs only, and you can only include snapshots together with AMIs."
    if action_type in ("DEPRECATE", "DISABLE") and (include.get("snapshots") or include.get("containers")):
        found.append("%s: a %s rule can include AMIs only; remove snapshots and containers" % (at("action.include_resources"), action_type))
    elif include.get("snapshots") and not include.get("amis") and not container:
        found.append("%s: snapshots can only be included together with AMIs; add amis: true" % at("action.include_resources.snapshots"))
    rule = detail.get("filter") or {}
    filter_type = rule.get("type")
    # model LifecyclePolicyDetailFilter.type: "You can only use the count filter with the DELETE action type."
    if filter_type == "COUNT" and action_type and action_type != "DELETE":
        found.append("%s: a COUNT filter only goes with a DELETE action; use type: AGE with a unit for %s" % (at("filter.type"), action_type))
    # model LifecyclePolicyDetailFilter.unit: "Defines the unit of time ... This is required for age-based rules."
    if filter_type == "AGE" and not rule.get("unit"):
        found.append("%s: an AGE filter needs a unit of time; add unit: DAYS, WEEKS, MONTHS or YEARS" % at("filter.unit"))
    if filter_type == "COUNT" and rule.get("unit"):
        found.append("%s: a unit of time only goes with an AGE filter (a COUNT filter counts images); remove unit, or use type: AGE"
                     % at("filter.unit"))
    # model LifecyclePolicyDetailFilter.retainAtLeast: "For age-based filters, this is the number of resources to keep on hand".
    if filter_type == "COUNT" and rule.get("retainAtLeast") is not None:
        found.append("%s: retain_at_least only goes with an AGE filter (a COUNT filter's value already is how many to keep); remove it"
                     % at("filter.retain_at_least"))
    exclusions = detail.get("exclusionRules") or {}
    # model LifecyclePolicyDetailExclusionRules.amis: "configuration values that apply to AMIs"; user guide
    # image-lifecycle-rules "AMI lifecycle exclusion rules".
    if exclusions.get("amis") and container:
        found.append("%s: AMI exclusion rules are for AMI_IMAGE policies; use exclusion_rules.tag_map for container images"
                     % at("exclusion_rules.amis"))
    return found


def lifecycle_policy_problems(request, renames=None):
    """The documented rules that tie a lifecycle policy's members together, each message naming the option path."""
    found = []
    resource_type = request.get("resourceType")
    details = request.get("policyDetails")
    if isinstance(details, list):
        # model CreateLifecyclePolicy.policyDetails: "A policy can contain at most one rule per action type: one DELETE, one
        # DEPRECATE, and one DISABLE."
        seen = {}
        for index, detail in enumerate(details):
            if not isinstance(detail, dict):
                continue
            action_type = (detail.get("action") or {}).get("type")
            if action_type in seen:
                found.append("%s: %s is already the action of %s; a policy has at most one rule per action type" % (
                    user_path("policyDetails[%d].action.type" % index, renames), action_type,
                    user_path("policyDetails[%d]" % seen[action_type], renames)))
            seen.setdefault(action_type, index)
            found.extend(_lifecycle_detail_problems(detail, index, resource_type, renames))
    selection = request.get("resourceSelection")
    if isinstance(selection, dict):
        # model LifecyclePolicyResourceSelection: "You must provide exactly one selection criteria: either recipes or a tag
        # map, not both."
        given = [member for member in ("recipes", "tagMap") if selection.get(member)]
        if len(given) != 1:
            found.append("%s: give exactly one of recipes or tag_map%s" % (
                user_path("resourceSelection", renames), " (both are given)" if given else ""))
    return found


def tag_problems(tags):
    """What is wrong with the ``tags`` option as TagResource (and every Create*) takes it."""
    if not tags:
        return []
    return [problem for problem in request_problems("TagResource", dict(tags=tags)) if problem.startswith("tags")]


def fail_on_problems(module, problems):
    """module.fail_json(msg=<all problems joined by '; '>, problems=<the list>) when there are any."""
    if problems:
        module.fail_json(msg="; ".join(problems), problems=list(problems))


# ---- schedules ---------------------------------------------------------------------------

def _cron_value_problem(text, index):
    name, low, high, names, wildcards = CRON_FIELDS[index]
    if re.match(r"^[0-9]+$", text):
        if low <= int(text) <= high:
            return None
        return "%s %s is out of range %d-%d" % (name, text, low, high)
    if names and text.upper() in names:
        return None
    allowed = "%d-%d%s" % (low, high, " or %s-%s" % (names[0], names[-1]) if names else "")
    return "%s %r is not valid; use %s (wildcards: %s)" % (name, text, allowed, wildcards)


def _cron_item_problem(item, index):
    name = CRON_FIELDS[index][0]
    if index == 2:  # day: L, LW, <day>W
        if item in ("L", "LW"):
            return None
        if item.endswith("W"):
            return _cron_value_problem(item[:-1], index)
    if index == 4:  # day of week: L, <day>L, <day>#<1-5>
        if item == "L":
            return None
        if item.endswith("L"):
            return _cron_value_problem(item[:-1], index)
        if "#" in item:
            day, nth = item.split("#", 1)
            if nth not in ("1", "2", "3", "4", "5"):
                return "day-of-week %s: # must be followed by 1-5 (the week of the month), e.g. FRI#2" % item
            return _cron_value_problem(day, index)
    base, slash, step = item.partition("/")
    if slash and not (re.match(r"^[0-9]+$", step) and int(step) >= 1):
        return "%s %s: the increment after / must be a number from 1, e.g. */15" % (name, item)
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    return _cron_value_problem(start, index) or (_cron_value_problem(end, index) if dash else None)


def _cron_problem(inner):
    fields = inner.split(" ")
    if "" in fields:
        return "separate the fields with single spaces, without leading or trailing spaces: cron(%s)" % " ".join(inner.split())
    if len(fields) != 6:
        return ("has %d fields; Image Builder's cron has 6 (minute hour day month day-of-week year), e.g. %s"
                % (len(fields), CRON_EXAMPLE))
    for index, field in enumerate(fields):
        name = CRON_FIELDS[index][0]
        if "?" in field:
            if index not in (2, 4):
                return "%s %r: ? is only allowed in the day and day-of-week fields" % (name, field)
            if field != "?":
                return "%s %r: ? must be the whole field" % (name, field)
            continue
        for item in field.split(","):
            problem = "%s %r has an empty value" % (name, field) if not item else _cron_item_problem(item, index)
            if problem:
                return problem
    day, weekday = fields[2], fields[4]

    def example(day_field, weekday_field):
        return "cron(%s)" % " ".join(fields[:2] + [day_field, fields[3], weekday_field, fields[5]])

    if day == "?" and weekday == "?":
        return "both day fields are ?; put * in the Day field: %s" % example("*", "?")
    if day != "?" and weekday != "?":
        if weekday == "*":
            return "both day fields are set; put ? in the Day of week field: %s" % example(day, "?")
        fix = "both day fields are set; put ? in the Day field: %s" % example("?", weekday)
        return fix if day == "*" else fix + " (or in the Day of week field: %s)" % example(day, "?")
    return None


def _rate_problem(inner):
    match = re.match(r"^([0-9]+) (minutes?|hours?|days?)$", inner)
    if not match:
        return "is not rate(<number> <unit>) with unit minute(s), hour(s) or day(s), e.g. rate(12 hours) or rate(1 day)"
    number, unit = int(match.group(1)), match.group(2)
    singular = unit.rstrip("s")
    if number < 1:
        return "the rate must be at least 1, e.g. rate(1 %s)" % singular
    if number == 1 and unit != singular:
        return "use the singular unit with 1: rate(1 %s)" % singular
    if number > 1 and unit == singular:
        return "use the plural unit with %d: rate(%d %ss)" % (number, number, singular)
    return None


def schedule_expression_problem(expression):
    """None, or why ``expression`` is not an Image Builder schedule: rate(N unit) or a 6-field
    cron(...) as https://docs.aws.amazon.com/imagebuilder/latest/userguide/cron-expressions.html
    defines it. The message says what is wrong and shows a corrected example."""
    if isinstance(expression, str) and expression.startswith("rate(") and expression.endswith(")"):
        return _rate_problem(expression[5:-1])
    if isinstance(expression, str) and expression.startswith("cron(") and expression.endswith(")"):
        return _cron_problem(expression[5:-1])
    return "is not a schedule expression; use cron(...) with 6 fields, e.g. %s, or rate(...), e.g. rate(7 days)" % CRON_EXAMPLE


# ---- time zones, regions, AMI names, accounts ---------------------------------------------

def _zones():
    if "zones" not in _CACHE:
        zones = set()
        try:
            import zoneinfo  # Python 3.9+
            zones = set(zoneinfo.available_timezones())
        except ImportError:
            pass
        if not zones and os.path.isdir(ZONEINFO_DIR):
            for folder, dummy, files in os.walk(ZONEINFO_DIR):
                for name in files:
                    path = os.path.join(folder, name)
                    zone = os.path.relpath(path, ZONEINFO_DIR)
                    if zone.split(os.sep)[0] in ("posix", "right") or zone in ("localtime", "posixrules"):
                        continue
                    try:
                        with open(path, "rb") as handle:
                            if handle.read(4) == b"TZif":
                                zones.add(zone.replace(os.sep, "/"))
                    except (IOError, OSError):
                        pass
        _CACHE["zones"] = zones
    return _CACHE["zones"]


def timezone_problem(timezone):
    """None, or why ``timezone`` is not an IANA time zone (the model pattern when no zone data is installed)."""
    if not isinstance(timezone, str):
        return "is not a string; use an IANA time zone such as Europe/Paris or Etc/UTC"
    zones = _zones()
    if timezone in zones or (not zones and _matches(TIMEZONE_PATTERN, timezone)):
        return None
    same = [zone for zone in zones if zone.lower() == timezone.lower()]
    if same:
        return "not an IANA time zone; names are case-sensitive: %s" % same[0]
    city = sorted(zone for zone in zones if zone.lower().endswith("/" + timezone.lower()))
    return "not an IANA time zone; use Region/City such as %s or Etc/UTC" % (city[0] if city else "Europe/Paris")


def _regions(partition):
    key = "regions:" + partition
    if key not in _CACHE:
        _CACHE[key] = _session().get_available_regions("ec2", partition_name=partition)
    return _CACHE[key]


def region_problem(region, partition="aws"):
    """None, or why ``region`` is not a region of ``partition`` according to the installed botocore."""
    if not HAS_BOTOCORE:
        return None
    if not isinstance(region, str):
        return "is not a string; use a region name such as us-east-1"
    regions = _regions(partition)
    if region in regions:
        return None
    partitions = _session().get_available_partitions()
    if not regions:
        return "%s is not a partition botocore knows; known: %s" % (partition, ", ".join(partitions))
    others = [other for other in partitions if other != partition and region in _regions(other)]
    if others:
        return "is a region of partition %s, not of partition %s" % (others[0], partition)
    return ("not a region of partition %s; known: %s (a region newer than your botocore %s needs a newer botocore)"
            % (partition, ", ".join(regions), botocore.__version__))


def ami_name_problem(name):
    """None, or why ``name`` is not a valid AMI name for a distribution: the AmiNameString pattern
    (1-127 characters) and the {{imagebuilder:buildDate}} rule, with the fix as a playbook writes it."""
    if not isinstance(name, str):
        return "is not a string"
    if not 1 <= len(name) <= 127:
        return "is %d characters long; an AMI name has 1-127" % len(name)
    bad = sorted(set(char for char in name if not re.match(r"[-_A-Za-z0-9\s:{}.]", char, re.ASCII)))
    if bad:
        return ("contains characters that are not allowed: %s (use letters, digits, spaces and - _ : . { })"
                % ", ".join(repr(char) for char in bad))
    if not _matches(AMI_NAME_PATTERN, name):
        return ("must match %s: at least 3 characters, starting with a letter, a digit, - _ or { and ending with "
                "a letter, a digit, - _ or }" % AMI_NAME_PATTERN)
    if not BUILD_DATE_RE.search(name):
        return ("does not include {{imagebuilder:buildDate}}, which Image Builder requires so that each build produces "
                "a uniquely named AMI; append -{{imagebuilder:buildDate}}: %s-{{imagebuilder:buildDate}}; "
                "in a playbook Ansible would template the braces, so write "
                "\"%s-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}\" or mark the value !unsafe" % (name, name))
    return None


def account_id_problem(account_id):
    """None, or why ``account_id`` is not a 12-digit AWS account id."""
    if isinstance(account_id, bool) or not isinstance(account_id, (str, int)):
        return "is not a 12-digit AWS account id"
    text = str(account_id)
    if re.match(r"^[0-9]{12}$", text):
        return None
    digits = re.sub(r"[\s-]", "", text)
    if re.match(r"^[0-9]{12}$", digits):
        return "contains dashes or spaces; write the 12 digits only: %s" % digits
    if re.match(r"^[0-9]+$", text):
        return ("has %d digits; an AWS account id has exactly 12 (quote it in YAML so that leading zeros are kept, "
                "e.g. '012345678901')" % len(text))
    return "is not a 12-digit AWS account id"


def user_group_problem(group):
    """None, or why ``group`` is not a launch permission group (botocore 1.44.8 LaunchPermissionConfiguration.userGroups:
    "The only supported value is all, which makes the distributed AMI public")."""
    if group == "all":
        return None
    return "the only group is all, which makes the AMI public; share with accounts through user_ids, with organizations through organization_arns"


# ECR's RepositoryName (botocore 1.44.8 ecr model: 2-256 characters, lower case, '/' between namespace parts).
ECR_REPOSITORY_PATTERN = r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"


def ecr_repository_name_problem(name):
    """None, or why ``name`` is not an ECR repository name as Image Builder takes it (botocore 1.44.8
    TargetContainerRepository.repositoryName: "Provide the repository name only (a namespace path such as team-a/my-repo
    is allowed, but not the registry hostname)"; ECR's RepositoryName pattern, 2-256 characters)."""
    if not isinstance(name, str):
        return "is not a string"
    if ".dkr.ecr." in name or ":" in name or name.startswith(("http://", "https://")):
        repository = name.split("://")[-1].split("/", 1)[-1].split(":")[0] if "/" in name else name.split(":")[0]
        return "give the repository name only, not a registry URI or tag, e.g. %s" % repository
    if not 2 <= len(name) <= 256 or not _matches(ECR_REPOSITORY_PATTERN, name):
        return ("is not an ECR repository name: 2-256 lower-case letters and digits, parts joined by '.', '_' or '-', "
                "namespaces separated by '/' (e.g. team-a/my-app)")
    return None


# (structure shape, member) or shape name -> a check returning None or what is wrong with the value (of each item, for a list)
SPECIAL = {
    ("Schedule", "scheduleExpression"): schedule_expression_problem,
    ("AmiDistributionConfiguration", "name"): ami_name_problem,
    ("Distribution", "region"): _any_region_problem,
    ("LaunchPermissionConfiguration", "userGroups"): user_group_problem,
    "Timezone": timezone_problem,
    ("TargetContainerRepository", "repositoryName"): ecr_repository_name_problem,
    ("EcrConfiguration", "repositoryName"): ecr_repository_name_problem,
}
