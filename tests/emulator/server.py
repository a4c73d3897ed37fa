"""The emulator's server: moto's WSGI dispatcher with our Image Builder backend, wrapped by a thin
layer that serves the admin endpoints (``/_amiforge/...``), injects faults and logs every call."""
import functools
import io
import ipaddress
import json
import logging
import os
import random
import re
import socket
import sys
import threading
import traceback
from urllib.parse import parse_qs

from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from tests.emulator import moto_fixes

LOOPBACK_NAMES = {"localhost"}


def register_imagebuilder():
    """Make moto's server answer for Image Builder (the one registration place).

    moto's ``DomainDispatcherApplication`` turns the SigV4 credential scope's service name into a
    host such as ``imagebuilder.us-east-1.amazonaws.com``, matches it against
    ``moto.backend_index.backend_url_patterns`` to name a backend, and then
    ``moto.backends.get_backend(name)`` imports ``moto.<name>`` and reads ``<name>_backends``.
    So two entries suffice: our models module stands in as ``moto.imagebuilder`` and a URL pattern
    maps the host to it. moto is pinned (requirements-dev.txt), so these internals do not move.
    """
    from moto import backend_index

    from tests.emulator import models

    sys.modules.setdefault("moto.imagebuilder", models)
    pattern = ("imagebuilder", re.compile(r"https?://imagebuilder\.(.+)\.amazonaws\.com"))
    if pattern[0] not in {name for name, _pattern in backend_index.backend_url_patterns}:
        backend_index.backend_url_patterns.insert(0, pattern)


def is_loopback(host):
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _query(environ):
    """The query string's parameters, names folded to lower case (presigned URLs spell them either way)."""
    return {name.lower(): values for name, values in parse_qs(environ.get("QUERY_STRING", "")).items()}


def _scope(environ):
    """(service, region) of a signed request, or (None, None) for an unsigned one.

    SigV4 names both in its credential scope, in the Authorization header or, for a presigned URL, in the
    X-Amz-Credential query parameter. A SigV2 presigned URL (AWSAccessKeyId and Signature in the query, as
    botocore presigns S3 URLs in us-east-1) names neither: only S3 still accepts it, so it is S3, region unknown.
    """
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request", environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        return match.group(2), match.group(1)
    query = _query(environ)
    credential = (query.get("x-amz-credential") or [""])[0].split("/")
    if len(credential) == 5 and credential[4] == "aws4_request":
        return credential[3], credential[2]
    if "awsaccesskeyid" in query and "signature" in query:
        return "s3", None
    return None, None


def _session_token(environ):
    """Whether the request carried a session token: the X-Amz-Security-Token header (every signed API call),
    or the query parameter X-Amz-Security-Token of a presigned URL (SigV4; SigV2 spells it in lower case), or
    SigV2 query APIs' SecurityToken. Only the fact is logged, never the token."""
    if environ.get("HTTP_X_AMZ_SECURITY_TOKEN"):
        return True
    query = _query(environ)
    return any((query.get(name) or [""])[0] for name in ("x-amz-security-token", "securitytoken"))


READ_PREFIXES = ("Get", "List", "Describe", "Head")


def is_write(operation):
    """A write call: an operation whose name does not start with Get, List, Describe or Head. An operation the
    log could not name ("METHOD /path") counts as a write unless the method is GET or HEAD."""
    if " " in operation:
        return operation.split(" ", 1)[0] not in ("GET", "HEAD")
    return not operation.startswith(READ_PREFIXES)


def _operation(environ, service):
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.split(".")[-1]
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if not action and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # put the body back for moto
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    if action:
        return action[0]
    if service == "imagebuilder":
        from tests.emulator.responses import operation_from_path

        return operation_from_path(environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", ""))
    try:  # rest-json / rest-xml services (Image Builder, S3): botocore's routes through moto's router
        from moto.core.request import Request as MotoRequest
        from moto.core.routing import get_service_router

        return get_service_router(service).match(MotoRequest(environ, shallow=True))[0].name
    except Exception:
        return "%s %s" % (environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))


QUERY_XML = ("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
             "<RequestId>emulator</RequestId></ErrorResponse>")
EC2_XML = "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>emulator</RequestID></Response>"
S3_XML = "<Error><Code>{code}</Code><Message>{message}</Message></Error>"


@functools.lru_cache(maxsize=None)
def imagebuilder_fault_codes(operation, throttle):
    """The codes an Image Builder operation answers an injected fault with, from its modeled errors (botocore).

    Throttling: TooManyRequestsException and CallRateLimitExceededException where the model lists them (in turn
    where it lists both, as DistributeImage does), else AWS's generic ThrottlingException (the tag operations).
    Outage: ServiceUnavailableException, or ServiceException where the model lists only that (the tag operations).
    """
    from tests.emulator import exceptions

    model = exceptions.service_model()
    modeled = {shape.name for shape in model.operation_model(operation).error_shapes} if operation in model.operation_names else set()
    if throttle:
        return tuple(c for c in ("TooManyRequestsException", "CallRateLimitExceededException") if c in modeled) or ("ThrottlingException",)
    return ("ServiceException",) if "ServiceException" in modeled and "ServiceUnavailableException" not in modeled \
        else ("ServiceUnavailableException",)


def fault_response(service, throttle, operation=None, turn=0):
    """(status, headers, body) of an injected fault in the protocol the service speaks; ``turn`` picks among the
    codes an operation may answer (the server counts each operation's faults)."""
    message = "Injected by the emulator"
    if service == "imagebuilder":
        from tests.emulator import exceptions

        codes = imagebuilder_fault_codes(operation, throttle)
        code = codes[turn % len(codes)]
        status = 429 if code == "ThrottlingException" else exceptions.status(code)
        body = json.dumps({"__type": code, "message": message})
        return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], body
    code, status = ("Throttling", 400) if throttle else ("ServiceUnavailable", 503)
    if service in ("ssm", "kms"):
        body = json.dumps({"__type": "ThrottlingException" if throttle else code, "message": message})
        return status, [("Content-Type", "application/x-amz-json-1.1")], body
    template = {"ec2": EC2_XML, "s3": S3_XML}.get(service, QUERY_XML)
    if service == "ec2" and throttle:
        code = "RequestLimitExceeded"
    if service == "s3" and throttle:
        # S3 throttles with 503 SlowDown ("Please reduce your request rate"), not a 400: Amazon S3 API Reference,
        # "Error responses", https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
        code, status = "SlowDown", 503
    return status, [("Content-Type", "text/xml")], template.format(code=code, message=message)


class Hold:
    """Stops the k-th write call (of any service, counted from when it is armed) before it reaches the backend and
    keeps it waiting until released: a test kills its client meanwhile (a SIGKILL at a point measured in calls, not
    in time), then releases it applied (the request reached the service; its answer goes to nobody) or not (it never
    arrived). One hold at a time; arming again forgets the count. A released or never-reached hold stops nothing."""

    def __init__(self):
        self.lock = threading.Lock()
        self.target = None
        self.seen = 0
        self.held = None
        self.released = threading.Event()
        self.apply = True

    def arm(self, write):
        if not isinstance(write, int) or isinstance(write, bool) or write < 1:
            return None
        with self.lock:
            self._release(True)
            self.target, self.seen, self.held = write, 0, None
            self.released = threading.Event()
            return self._state()

    def wait(self, service, operation):
        """Called for each write call: True to go on (at once, or once released applied), False when released unapplied."""
        with self.lock:
            if self.target is None:
                return True
            self.seen += 1
            if self.seen != self.target:
                return True
            self.held = {"service": service, "operation": operation, "write": self.seen}
            released = self.released
        released.wait()
        return self.apply

    def release(self, apply):
        with self.lock:
            self._release(apply)
            return self._state()

    def _release(self, apply):
        self.apply = apply
        self.target = None
        self.released.set()

    def state(self):
        with self.lock:
            return self._state()

    def _state(self):
        return {"armed": self.target is not None, "write": self.target, "seen": self.seen, "held": self.held}


class Emulator:
    """WSGI wrapper: admin endpoints, faults and the call log around moto's dispatcher."""

    def __init__(self, app, faults=None):
        self.app = app
        self.lock = threading.Lock()
        self.calls = []
        self.faults = {}
        self.turns = {}  # faults injected per operation, to take turns among its codes
        self.random = random.Random()
        self.hold = Hold()
        for spec in faults or []:
            self.set_fault(spec)

    def set_fault(self, spec):
        """``after``: the request is applied first, then its answer is lost: a fault answered in its place, or with
        ``drop`` the connection closed without an answer (a response lost on the way back). ``times``: fault that
        many calls, then no more (a rate of 1 with ``times`` faults exactly the first calls, so a retry gets through)."""
        if spec.get("seed") is not None:  # a seed makes the faults a test sees repeatable
            self.random.seed(spec["seed"])
        self.turns.clear()  # and each operation's codes start again from the first
        fault = {"throttle_rate": float(spec.get("throttle_rate") or 0), "error_rate": float(spec.get("error_rate") or 0)}
        for flag in ("after", "drop"):
            if spec.get(flag):
                fault[flag] = True
        if spec.get("drop") and not spec.get("after"):
            fault["after"] = True  # a dropped connection loses the answer of an applied request
        if spec.get("times") is not None:
            fault["times"] = int(spec["times"])
        self.faults[spec.get("operation") or "*"] = fault

    def _draw(self, operation, service):
        """The fault that answers this call, if one does (the ``times`` left counted down), else None."""
        fault = (self.faults.get(operation) or self.faults.get("*")) if service else None
        if not fault:
            return None
        with self.lock:
            if fault.get("times") is not None and fault["times"] <= 0:
                return None
            draw = self.random.random()
            if draw >= fault["throttle_rate"] + fault["error_rate"]:
                return None
            if fault.get("times") is not None:
                fault["times"] -= 1
            throttle = draw < fault["throttle_rate"]
            turn = self.turns[operation, throttle] = self.turns.get((operation, throttle), -1) + 1
        return dict(fault, throttle=throttle, turn=turn)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/_amiforge/"):
            return self.admin(environ, start_response)
        service, region = _scope(environ)
        moto_fixes.apply(service)
        operation = _operation(environ, service)
        token = _session_token(environ)
        if service and is_write(operation) and not self.hold.wait(service, operation):
            return self._abandon(start_response, (service, operation, region, token))
        fault = self._draw(operation, service)
        if fault and fault.get("after"):
            return self._lose_answer(environ, start_response, fault, (service, operation, region, token))
        if fault:
            status, headers, body = fault_response(service, fault["throttle"], operation, fault["turn"])
            self._log(service, operation, status, region, token, injected=True)
            start_response("%d Injected" % status, headers)
            return [body.encode()]
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        self._log(service, operation, seen.get("status", 500), region, token)
        return result

    def _lose_answer(self, environ, start_response, fault, call):
        """Apply the request, then lose its answer: the fault's answer instead, or (``drop``) no answer at all. The
        call is logged with the status the client saw (0 for a dropped connection) and ``applied``: the status the
        backend answered, so a test knows what was stored although the client was told it failed."""
        service, operation, region, token = call
        seen = {}

        def discard(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return lambda data: None

        result = self.app(environ, discard)
        try:
            for _chunk in result:
                pass
        finally:
            if hasattr(result, "close"):
                result.close()
        applied = seen.get("status", 500)
        if fault.get("drop"):
            self._log(service, operation, 0, region, token, applied=applied, injected=True)
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                connection.shutdown(socket.SHUT_RDWR)
            # werkzeug's server takes a ConnectionError as "the client went away" and sends nothing
            raise ConnectionResetError("answer dropped by the emulator")
        status, headers, body = fault_response(service, fault["throttle"], operation, fault["turn"])
        self._log(service, operation, status, region, token, applied=applied, injected=True)
        start_response("%d Injected" % status, headers)
        return [body.encode()]

    def _abandon(self, start_response, call):
        """A held write released without being applied: nothing is stored (its client is gone; the 503 reaches
        nobody). Logged with status 0 and ``held``."""
        service, operation, region, token = call
        self._log(service, operation, 0, region, token, held=True)
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"held and dropped by the emulator"]

    def _log(self, service, operation, status, region, session_token, applied=None, injected=False, held=False):
        """One entry per request but the admin ones; an unsigned request is logged with service None. A call whose
        answer was lost (a fault ``after``) also has ``applied``: the status the backend answered; an injected
        fault has ``injected: true``; a held write released without being applied has ``held: true``."""
        entry = {"service": service, "operation": operation, "status": status, "region": region,
                 "session_token": session_token, "write": is_write(operation)}
        if applied is not None:
            entry["applied"] = applied
        if injected:
            entry["injected"] = True
        if held:
            entry["held"] = True
        with self.lock:
            self.calls.append(entry)

    def admin(self, environ, start_response):
        request = Request(environ)
        route = (request.method, request.path)
        body = request.get_json(silent=True) or {}
        result = {"ok": True}
        from tests.emulator import models, settings

        if route == ("GET", "/_amiforge/calls"):
            with self.lock:
                result = list(self.calls)
        elif route == ("DELETE", "/_amiforge/calls"):
            with self.lock:
                self.calls.clear()
        elif route == ("POST", "/_amiforge/faults"):
            self.set_fault(body)
            result = self.faults
        elif route in (("GET", "/_amiforge/faults"), ("DELETE", "/_amiforge/faults")):
            if request.method == "DELETE":
                self.faults.clear()
                self.turns.clear()
            result = self.faults
        elif route == ("POST", "/_amiforge/hold"):
            result = self.hold.arm(body.get("write"))
            if result is None:
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [json.dumps({"error": "write must be a whole number >= 1, not %r" % (body.get("write"),)}).encode()]
        elif route == ("GET", "/_amiforge/hold"):
            result = self.hold.state()
        elif route == ("POST", "/_amiforge/hold/release"):
            result = self.hold.release(bool(body.get("apply", True)))
        elif route == ("POST", "/_amiforge/reset"):
            from moto.moto_api._internal.models import moto_api_backend

            with models.LOCK:
                moto_api_backend.reset()
            threading.Thread(target=warm_up, daemon=True).start()
        elif route in (("POST", "/_amiforge/clock"), ("GET", "/_amiforge/clock")):
            if "step_seconds" in body:
                settings.CLOCK["step_seconds"] = float(body["step_seconds"])
            result = dict(settings.CLOCK)
        elif route == ("POST", "/_amiforge/advance"):
            steps, fraction = body.get("steps", 1), body.get("fraction")
            if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [json.dumps({"error": "steps must be a whole number >= 1, not %r" % (steps,)}).encode()]
            if fraction is not None and (not isinstance(fraction, (int, float)) or isinstance(fraction, bool) or not 0 < fraction < 1):
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [json.dumps({"error": "fraction must be a number between 0 and 1 (a part of a clock step), not %r" % (fraction,)}).encode()]
            result = models.advance_images(body.get("image"), steps, fraction)
        elif route in (("POST", "/_amiforge/settings"), ("GET", "/_amiforge/settings")):
            result = dict(settings.SETTINGS)
            if request.method == "POST":
                try:
                    result = settings.update(request.get_json(silent=True))
                except ValueError as error:
                    start_response("400 Bad Request", [("Content-Type", "application/json")])
                    return [json.dumps({"error": str(error)}).encode()]
        else:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [json.dumps({"error": "unknown admin endpoint %s %s" % route}).encode()]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(result).encode()]


def ticker(stop):
    """Advance builds in the background so AMIs appear even when nobody polls GetImage."""
    from tests.emulator import models

    while not stop.wait(0.05):
        try:
            models.advance_all()
        except Exception:  # never let one bad build stop the clock for the others
            traceback.print_exc()


def warm_up():
    """Create the default region's backends (moto's EC2 loads its AMI catalogue) before the first call needs them."""
    from moto.core import DEFAULT_ACCOUNT_ID

    from tests.emulator import models

    with models.LOCK:
        models.imagebuilder_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]


def load_aws_managed_policies():
    """Give every account's IAM the AWS managed policies (``arn:aws:iam::aws:policy/...``), as a real account has.

    moto bundles them (``moto/iam/aws_managed_policies.py``, imported from AWS; 1582 in moto 5.2.5, among them
    EC2InstanceProfileForImageBuilder v12 and AmazonSSMManagedInstanceCore v2, the documents of the AWS Managed
    Policy Reference, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/EC2InstanceProfileForImageBuilder.html
    and .../AmazonSSMManagedInstanceCore.html) but loads them only when ``MOTO_IAM_LOAD_MANAGED_POLICIES`` is true;
    without them AttachRolePolicy of an AWS managed policy ARN is NoSuchEntity. moto reads the setting when it
    creates an account's IAM backend (about 0.15 s), so setting it here, before any request, covers resets too.
    ``MOTO_IAM_LOAD_MANAGED_POLICIES=false`` in the environment keeps them out.
    """
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def make_app(faults=None):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    register_imagebuilder()
    load_aws_managed_policies()
    return Emulator(DomainDispatcherApplication(create_backend_app), faults)


def serve(host, port, faults=None, ready=print):
    """Run the emulator until interrupted; ``ready`` receives the line naming its URL."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    if not is_loopback(host):
        raise ValueError("the emulator binds only loopback addresses, not %s" % host)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(host, port, make_app(faults), threaded=True, request_handler=MotoRequestHandler)
    stop = threading.Event()
    threading.Thread(target=ticker, args=(stop,), daemon=True).start()
    threading.Thread(target=warm_up, daemon=True).start()
    ready("emulator: http://%s:%d" % (host, server.server_address[1]))
    try:
        server.serve_forever()
    finally:
        stop.set()
