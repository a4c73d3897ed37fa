"""Image Builder requests: parse by botocore's model, validate generically, call the backend, shape the answer."""
import json
import traceback
import uuid
from urllib.parse import unquote

from moto.core.responses import BaseResponse

from tests.emulator import exceptions as err
from tests.emulator import validation
from tests.emulator.models import UNSUPPORTED, imagebuilder_backends


def _from_text(shape, text):
    """A querystring or URI value converted to the member's type (left as text when it is not one)."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text
    if shape.type_name == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


TAG_OPERATIONS = {"GET": "ListTagsForResource", "POST": "TagResource", "DELETE": "UntagResource"}


def operation_from_path(method, path):
    """Image Builder's routes are ``/OperationName`` plus ``/tags/{resourceArn}`` by method."""
    name = path.strip("/").split("/")[0]
    return TAG_OPERATIONS.get(method, name) if name == "tags" else name


class ImageBuilderResponse(BaseResponse):
    def __init__(self):
        super().__init__(service_name="imagebuilder")

    @property
    def imagebuilder_backend(self):
        return imagebuilder_backends[self.current_account][self.region]

    def _params(self, operation_model):
        try:
            params = json.loads(self.body) if self.body else {}
        except ValueError:
            raise err.InvalidRequestException("The request body is not valid JSON")
        if not isinstance(params, dict):
            raise err.InvalidRequestException("The request body must be a JSON object")
        query = self.normalized_request.args
        for name, member in operation_model.input_shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "querystring" and wire in query:
                values = query.getlist(wire)
                params[name] = [_from_text(member.member, v) for v in values] if member.type_name == "list" \
                    else _from_text(member, values[0])
            elif location == "uri":
                params[name] = unquote(self.path.split("/", 2)[-1])
        return params

    def call_action(self):
        headers = {"content-type": "application/json"}
        operation = operation_from_path(self.method, self.path)
        model = validation.service_model()
        if operation not in model.operation_names:
            error = err.InvalidRequestException("Unknown operation %s %s" % (self.method, self.path))
            return error.code, dict(headers, **{"x-amzn-ErrorType": error.error_type}), error.description
        operation_model = model.operation_model(operation)
        try:
            if operation in UNSUPPORTED:
                raise err.InvalidRequestException("%s is not supported by the emulator (see docs/emulator.md)" % operation)
            params = self._params(operation_model)
            validation.validate(operation_model.input_shape, params)
            result = self.imagebuilder_backend.handle(operation, params)
        except err.ImageBuilderError as error:
            return error.code, dict(headers, **{"x-amzn-ErrorType": error.error_type}), error.description
        except Exception as error:  # an emulator bug: say so in the service's error format, trace on stderr
            traceback.print_exc()
            body = json.dumps({"__type": "ServiceException", "message": "emulator error in %s: %r" % (operation, error)})
            return 500, dict(headers, **{"x-amzn-ErrorType": "ServiceException"}), body
        result.setdefault("requestId", str(uuid.uuid4()))
        return 200, headers, json.dumps(validation.shape(operation_model.output_shape, result))
