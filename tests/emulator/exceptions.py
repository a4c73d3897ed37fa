"""Image Builder's error codes, with the HTTP statuses its service model gives them."""
import functools

import botocore.session
from moto.core.exceptions import JsonRESTError


@functools.lru_cache(maxsize=None)
def service_model(name="imagebuilder"):
    return botocore.session.get_session().get_service_model(name)


class ImageBuilderError(JsonRESTError):
    code = 400

    def __init__(self, message):
        super().__init__(type(self).__name__, message)
        self.code = status(type(self).__name__)


_STATUS = {}


def _status_table():
    # Statuses come from the model (e.g. ResourceNotFoundException 404, ServiceQuotaExceededException 402).
    for error in service_model().error_shapes:
        _STATUS[error.name] = error.metadata.get("error", {}).get("httpStatusCode", 400)


def status(name):
    """The HTTP status the model gives an error code (400 for codes it does not define)."""
    if not _STATUS:
        _status_table()
    return _STATUS.get(name, 400)


def _make(name):
    return type(name, (ImageBuilderError,), {})


InvalidParameterValueException = _make("InvalidParameterValueException")
InvalidParameterCombinationException = _make("InvalidParameterCombinationException")
InvalidRequestException = _make("InvalidRequestException")
InvalidVersionNumberException = _make("InvalidVersionNumberException")
InvalidPaginationTokenException = _make("InvalidPaginationTokenException")
ResourceNotFoundException = _make("ResourceNotFoundException")
ResourceAlreadyExistsException = _make("ResourceAlreadyExistsException")
ResourceDependencyException = _make("ResourceDependencyException")
ResourceInUseException = _make("ResourceInUseException")
IdempotentParameterMismatchException = _make("IdempotentParameterMismatchException")
ServiceQuotaExceededException = _make("ServiceQuotaExceededException")
DryRunOperationException = _make("DryRunOperationException")
TooManyRequestsException = _make("TooManyRequestsException")
ServiceUnavailableException = _make("ServiceUnavailableException")
ClientException = _make("ClientException")
