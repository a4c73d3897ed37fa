# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Image Builder client of one module run: calls with the retries AWS needs, pagination,
check mode (no write call of any kind; a dryRun only when asked), ARNs built for this account,
region and partition, tags and deletes. docs/aws-behaviour.md cites the source of each behaviour handled here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import time
import uuid

try:
    import botocore
    import botocore.loaders
except ImportError:
    botocore = None  # AnsibleAWSModule reports the missing SDK

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import AMAZON, build_arn, parse_arn

# Image Builder throttles with CallRateLimitExceededException (HTTP 429, modeled on 72 of its 77
# operations); TooManyRequestsException only on DistributeImage and ImportDiskImage. botocore's
# standard and adaptive retry modes do not retry a modeled error, so the engine retries these
# itself, on top of whatever botocore did.
RETRY = AWSRetry.jittered_backoff(
    retries=10, delay=1, max_delay=30,
    catch_extra_error_codes=["CallRateLimitExceededException", "TooManyRequestsException", "ThrottlingException",
                             "ServiceUnavailableException", "ServiceException"],
)
MISSING = ("ResourceNotFoundException",)


if botocore is not None:
    class SharedModels(botocore.loaders.JSONFileLoader):
        """botocore's data files (service models, endpoint rules), parsed once per Python process.

        Every module run makes a new boto3 session, and every session parses each client's model again (0.1 s for
        Image Builder, 0.4 s for EC2 and S3). Where one interpreter runs many tasks (the mitogen strategy, which
        ``make demo`` uses) this was about a fifth of the demo's time. A session already shares each parsed file between
        all its clients; this shares it between the sessions of one process too. Under Ansible's default strategy
        every module run is a new process, and nothing changes."""
        parsed = {}

        def load_file(self, file_path):
            if file_path not in self.parsed:
                self.parsed[file_path] = super(SharedModels, self).load_file(file_path)
            return self.parsed[file_path]

    botocore.loaders.Loader.FILE_LOADER_CLASS = SharedModels


class Kind:
    """How the API names one resource kind: Create<api>, Get<api>, List<api>s, ..."""

    def __init__(self, noun, api, arn_param, list_key, get_key, versioned=False, owner=False, builds=False):
        self.noun = noun
        self.api = api
        self.arn_param = arn_param
        self.list_key = list_key
        self.get_key = get_key
        self.versioned = versioned
        self.owner = owner  # List* takes an owner (Self, Amazon, ...)
        self.builds = builds  # versions have build numbers in their ARN (…/1.0.0/2)

    @property
    def arn_type(self):
        return self.noun.replace("_", "-")

    @property
    def list_operation(self):
        """ListComponents, ..., ListLifecyclePolicies."""
        return "List%s" % (self.api[:-1] + "ies" if self.api.endswith("y") else self.api + "s")

    @property
    def label(self):
        return self.noun.replace("_", " ")


KINDS = dict((kind.noun, kind) for kind in (
    Kind("component", "Component", "componentBuildVersionArn", "componentVersionList", "component", versioned=True, owner=True, builds=True),
    Kind("image_recipe", "ImageRecipe", "imageRecipeArn", "imageRecipeSummaryList", "imageRecipe", versioned=True, owner=True),
    Kind("container_recipe", "ContainerRecipe", "containerRecipeArn", "containerRecipeSummaryList", "containerRecipe",
         versioned=True, owner=True),
    Kind("workflow", "Workflow", "workflowBuildVersionArn", "workflowVersionList", "workflow", versioned=True, owner=True, builds=True),
    Kind("infrastructure_configuration", "InfrastructureConfiguration", "infrastructureConfigurationArn",
         "infrastructureConfigurationSummaryList", "infrastructureConfiguration"),
    Kind("distribution_configuration", "DistributionConfiguration", "distributionConfigurationArn",
         "distributionConfigurationSummaryList", "distributionConfiguration"),
    Kind("image_pipeline", "ImagePipeline", "imagePipelineArn", "imagePipelineList", "imagePipeline"),
    Kind("lifecycle_policy", "LifecyclePolicy", "lifecyclePolicyArn", "lifecyclePolicySummaryList", "lifecyclePolicy"),
    Kind("image", "Image", "imageBuildVersionArn", "imageVersionList", "image", versioned=True, owner=True, builds=True),
))


def client_token(request, salt):
    """A clientToken derived from the request. ``salt`` is fixed for one module run, so the
    retries of that run carry the same token (never a duplicate) while a later run that
    creates the same content again (after a delete) is not mistaken for a retry."""
    digest = hashlib.sha256(json.dumps([request, salt], sort_keys=True, default=str).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16]))


def project(shape, value):
    """``value`` (a resource read back) reduced to what ``shape`` (a botocore input shape) takes,
    recursively: what a write must resend to keep it."""
    if value is None or shape is None:
        return None
    if shape.type_name == "structure" and isinstance(value, dict):
        return dict((name, project(member, value[name])) for name, member in shape.members.items() if value.get(name) is not None)
    if shape.type_name == "list" and isinstance(value, list):
        return [project(shape.member, item) for item in value]
    return value


class ImageBuilder:
    """Image Builder calls with retries, pagination and error reporting, for one module run."""

    def __init__(self, module):
        self.module = module
        self.client = module.client("imagebuilder", retry_decorator=RETRY)
        self.salt = uuid.uuid4().hex
        self._identity = None
        self._regional = {}

    # ----- identity and ARNs
    def identity(self):
        """(partition, account) of the caller: one STS GetCallerIdentity per module run (it needs
        no permission); the partition is read from the caller's ARN, so aws-cn and aws-us-gov work."""
        if self._identity is None:
            sts = self.module.client("sts", retry_decorator=RETRY)
            try:
                found = sts.get_caller_identity(aws_retry=True)
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
                self.module.fail_json_aws(error, msg="Cannot tell which account and partition the credentials belong to (STS GetCallerIdentity)")
            self._identity = (found["Arn"].split(":")[1], found["Account"])
        return self._identity

    def arn(self, kind, name, version=None, build=None, account=None, workflow_type=None):
        """The ARN Image Builder gives ``name`` of ``kind`` in this region (our account unless
        ``account`` says otherwise, e.g. 'aws' for Amazon-owned resources)."""
        partition, own_account = self.identity()
        return build_arn(partition, self.module.region, account or own_account, kind.arn_type, name, version, build, workflow_type)

    def amazon_arn(self, kind, name, version=None):
        return self.arn(kind, name, version, account=AMAZON)

    def regional(self, service, region):
        """A client of another service (EC2, ...) in ``region``, with the module's credentials, endpoint and
        retries; one per service and region for this run."""
        if (service, region) not in self._regional:
            self._regional[service, region] = self.module.client(service, retry_decorator=RETRY, region=region)
        return self._regional[service, region]

    # ----- calls
    def call(self, operation, ignore=(), client=None, **params):
        """Call ``operation`` (the API's name, e.g. 'GetComponent'). Error codes in ``ignore``
        return None; any other error fails the module, naming the operation. ``client``: another
        service's (``regional``), Image Builder's by default."""
        method = getattr(client or self.client, botocore.xform_name(operation))
        try:
            return method(aws_retry=True, **params)
        except is_boto3_error_code(list(ignore) or ["-"]):
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(error, msg="%s failed" % operation)

    def write(self, operation, retry_while=None, ignore=(), client=None, **params):
        """A call that changes something; never made in check mode (returns None then).

        ``retry_while``: (error code, text in its message, seconds, warning) of an error that
        only means "not visible yet" (an IAM instance profile just created): retried for that
        long, with the warning. Error codes in ``ignore`` return the error instead of failing.
        ``client``: another service's (``regional``), Image Builder's by default. In check mode, with the module's
        ``validate_with_service`` set, an Image Builder write that takes ``dryRun`` is sent with it (``dry_run``)."""
        if self.module.check_mode:
            if self.module.params.get("validate_with_service") and client is None and "dryRun" in self.operation_fields(operation):
                self.dry_run(operation, ignore, **params)
            return None
        if client is None and "clientToken" in self.operation_fields(operation):
            params.setdefault("clientToken", client_token(params, self.salt))
        method = getattr(client or self.client, botocore.xform_name(operation))
        deadline, delay, warned = None, 2.0, False
        while True:
            try:
                return method(aws_retry=True, **params)
            except is_boto3_error_code(list(ignore) or ["-"]) as error:
                return error
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
                code, text, seconds, warning = retry_while or (None, None, 0, None)
                response = getattr(error, "response", {}).get("Error", {})
                if code and response.get("Code") == code and text in (response.get("Message") or ""):
                    deadline = deadline or time.monotonic() + seconds
                    if time.monotonic() + delay <= deadline:
                        if not warned:
                            self.module.warn(warning)
                            warned = True
                        time.sleep(delay)
                        delay = min(delay * 1.5, 15.0)
                        continue
                self.module.fail_json_aws(error, msg="%s failed" % operation)

    def dry_run(self, operation, ignore=(), **params):
        """``operation`` with ``dryRun``: the service validates the request and the caller's permission to make it,
        and changes nothing (botocore 1.44.8 CreateComponent/CreateWorkflow ``dryRun``: "If validation succeeds, the
        operation returns a DryRunOperationException error response", HTTP 412). Any other error fails the module as
        the write itself would; codes in ``ignore`` (those the write tolerates: another run created it) do not. Not sent
        when the request refers to what the plan only assumes an earlier task creates (``missing`` in module_utils.imagebuilder
        records it): the service would refuse what a real run would not."""
        assumed = getattr(self.module, "assumed_to_exist", None)
        if assumed:
            self.module.warn("validate_with_service: %s was not sent with dryRun: it refers to what an earlier task would create (%s)"
                             % (operation, ", ".join(assumed)))
            return
        method = getattr(self.client, botocore.xform_name(operation))
        try:
            method(aws_retry=True, dryRun=True, **params)
        except is_boto3_error_code(["DryRunOperationException"] + list(ignore)):
            return
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
            denied = getattr(error, "response", {}).get("Error", {}).get("Code") in ("AccessDeniedException", "ForbiddenException")
            self.module.fail_json_aws(error, msg="validate_with_service: Image Builder refused the %s this run would make (sent with "
                                                 "dryRun: nothing was created)%s" % (operation, (
                                                     "; these credentials may not make it. A read-only role cannot validate a plan "
                                                     "with the service: leave validate_with_service off for it" if denied else "")))
        self.module.warn("validate_with_service: %s with dryRun was answered without DryRunOperationException; the service may "
                         "have made it" % operation)

    def list_all(self, operation, key, **params):
        """Every item of a List* operation, all pages."""
        items = []
        while True:
            response = self.call(operation, **params)
            items.extend(response.get(key, []))
            if not response.get("nextToken"):
                return items
            params["nextToken"] = response["nextToken"]

    def list_named(self, kind, name, owner="Self"):
        """Summaries of every version of ``name`` (one entry per version: no byName, which
        aggregates versions). List* lags behind creates: callers union this with what Get found."""
        params = dict(filters=[dict(name="name", values=[name])])
        if kind.owner:
            params["owner"] = owner
        return self.list_all(kind.list_operation, kind.list_key, **params)

    def get(self, kind, arn, missing_ok=True):
        """Get* by ARN (exact, or a version with x wildcards): read-after-write consistent, unlike
        List*. None when it does not exist (unless ``missing_ok`` is false)."""
        response = self.call("Get%s" % kind.api, ignore=MISSING if missing_ok else (), **{kind.arn_param: arn})
        return response[kind.get_key] if response else None

    def operation_fields(self, operation, exclude=()):
        shape = self.client.meta.service_model.operation_model(operation).input_shape
        return [name for name in shape.members if name not in exclude]

    def sendable(self, operation, resource, exclude=()):
        """What of ``resource`` the write ``operation`` takes (to resend what it must keep)."""
        shape = self.client.meta.service_model.operation_model(operation).input_shape
        kept = project(shape, resource) or {}
        return dict((key, value) for key, value in kept.items() if key not in exclude)

    # ----- tags and deletes
    def sync_tags(self, arn, current, wanted, purge):
        """Bring the tags of ``arn`` from ``current`` to ``wanted`` (None: leave them).
        Returns (changed, the tags afterwards)."""
        if wanted is None:
            return False, current or {}
        to_set, to_unset = compare_aws_tags(current or {}, wanted, purge)
        if to_unset:
            self.write("UntagResource", resourceArn=arn, tagKeys=to_unset)
        if to_set:
            self.write("TagResource", resourceArn=arn, tags=to_set)
        after = dict((key, value) for key, value in (current or {}).items() if key not in to_unset)
        after.update(to_set)
        return bool(to_set or to_unset), after

    def delete(self, kind, arn):
        """Delete ``arn`` (not in check mode). Returns None when it is gone, or the service's
        explanation when something still uses it (ResourceDependencyException)."""
        error = self.write("Delete%s" % kind.api, ignore=("ResourceDependencyException", "ResourceNotFoundException"),
                           **{kind.arn_param: arn})
        if isinstance(error, Exception) and is_dependency(error):
            return error.response["Error"].get("Message") or "in use"
        return None

    def delete_or_fail(self, kind, arn):
        """Delete ``arn``; a resource still in use fails the module with the service's explanation."""
        in_use = self.delete(kind, arn)
        if in_use:
            self.module.fail_json(msg="Cannot delete %s %s: it is still in use (%s). Remove or update what uses it first."
                                  % (kind.label, arn, in_use))


def is_dependency(error):
    return error.response.get("Error", {}).get("Code") == "ResourceDependencyException"


def owned_by_amazon(arn):
    return (parse_arn(arn) or {}).get("account") == AMAZON
