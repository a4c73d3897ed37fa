"""Request validation and response shaping driven by botocore's Image Builder service model.

Nothing here knows an operation by name: :func:`validate` walks an input shape (required
members, types, enums, lengths, ranges, patterns) and :func:`shape` projects a stored record
onto an output shape, so every response carries exactly the members the API defines.
"""
import datetime
import functools
import re

from tests.emulator import exceptions

service_model = exceptions.service_model


@functools.lru_cache(maxsize=None)
def _compiled(pattern):
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct: the pattern is not checked
        return None


# Members whose pattern failures have their own error code in Image Builder.
VERSION_MEMBERS = {"semanticVersion"}


def _fail(path, message, error=exceptions.InvalidParameterValueException):
    raise error("1 validation error detected: Value at '%s' failed to satisfy constraint: %s" % (path, message))


def _check_size(shape, size, path, what):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and size < low:
        _fail(path, "Member must have %s greater than or equal to %s" % (what, low))
    if high is not None and size > high:
        _fail(path, "Member must have %s less than or equal to %s" % (what, high))


def validate(shape, value, path=""):
    """Raise the service's error for the first way ``value`` breaks ``shape``."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            _fail(path or shape.name, "Member must be an object", exceptions.InvalidRequestException)
        for name in shape.required_members:
            if value.get(name) is None:
                raise exceptions.InvalidRequestException(
                    "Missing required parameter: %s" % ((path + "." if path else "") + name))
        for name, member in shape.members.items():
            if value.get(name) is not None:
                validate(member, value[name], (path + "." if path else "") + name)
    elif kind == "list":
        if not isinstance(value, list):
            _fail(path, "Member must be a list", exceptions.InvalidRequestException)
        _check_size(shape, len(value), path, "length")
        for index, item in enumerate(value):
            validate(shape.member, item, "%s.%d" % (path, index + 1))
    elif kind == "map":
        if not isinstance(value, dict):
            _fail(path, "Member must be a map", exceptions.InvalidRequestException)
        _check_size(shape, len(value), path, "length")
        for key, item in value.items():
            validate(shape.key, key, path + ".key")
            validate(shape.value, item, "%s.%s" % (path, key))
    elif kind == "string":
        if not isinstance(value, str):
            _fail(path, "Member must be a string", exceptions.InvalidRequestException)
        if shape.enum and value not in shape.enum:
            _fail(path, "Member must satisfy enum value set: [%s]" % ", ".join(shape.enum))
        _check_size(shape, len(value), path, "length")
        pattern = shape.metadata.get("pattern")
        regex = _compiled(pattern) if pattern else None
        if regex is not None and not regex.search(value):
            error = exceptions.InvalidVersionNumberException if path.split(".")[-1] in VERSION_MEMBERS \
                else exceptions.InvalidParameterValueException
            _fail(path, "Member must satisfy regular expression pattern: %s" % pattern, error)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(path, "Member must be an integer", exceptions.InvalidRequestException)
        _check_size(shape, value, path, "value")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _fail(path, "Member must be a number", exceptions.InvalidRequestException)
        _check_size(shape, value, path, "value")
    elif kind == "boolean":
        if not isinstance(value, bool):
            _fail(path, "Member must be a boolean", exceptions.InvalidRequestException)
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            _fail(path, "Member must be a timestamp", exceptions.InvalidRequestException)


def shape(model_shape, value):
    """Project ``value`` onto ``model_shape``: unknown members dropped, timestamps serialised."""
    if value is None:
        return None
    kind = model_shape.type_name
    if kind == "structure":
        out = {}
        for name, member in model_shape.members.items():
            if isinstance(value, dict) and value.get(name) is not None:
                out[name] = shape(member, value[name])
        return out
    if kind == "list":
        return [shape(model_shape.member, item) for item in value]
    if kind == "map":
        return {key: shape(model_shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return value.timestamp() if isinstance(value, datetime.datetime) else value
    if kind == "string" and isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value


def check_output(model_shape, value, path=""):
    """Return the list of ways a parsed boto3 response breaks ``model_shape`` (used by the tests)."""
    problems = []
    kind = model_shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return ["%s: not an object" % path]
        for name in model_shape.required_members:
            if name not in value:
                problems.append("%s.%s: required member missing" % (path, name))
        for name, item in value.items():
            if name == "ResponseMetadata" and not path:
                continue
            if name not in model_shape.members:
                problems.append("%s.%s: not in the shape" % (path, name))
            else:
                problems += check_output(model_shape.members[name], item, "%s.%s" % (path, name))
    elif kind == "list":
        if not isinstance(value, list):
            return ["%s: not a list" % path]
        for index, item in enumerate(value):
            problems += check_output(model_shape.member, item, "%s[%d]" % (path, index))
    elif kind == "map":
        if not isinstance(value, dict):
            return ["%s: not a map" % path]
        for key, item in value.items():
            problems += check_output(model_shape.value, item, "%s[%s]" % (path, key))
    elif kind == "string":
        if not isinstance(value, str):
            problems.append("%s: not a string" % path)
        elif model_shape.enum and value not in model_shape.enum:
            problems.append("%s: %r not in enum" % (path, value))
        elif model_shape.metadata.get("pattern") and not re.search(model_shape.metadata["pattern"], value):
            problems.append("%s: %r does not match %s" % (path, value, model_shape.metadata["pattern"]))
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append("%s: not an integer" % path)
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append("%s: not a boolean" % path)
    elif kind == "timestamp" and not isinstance(value, datetime.datetime):
        problems.append("%s: not a timestamp" % path)
    return problems
