"""The Image Builder backend, in moto's BaseBackend style (one backend per account and region).

Records are plain dicts shaped like the API's objects (camelCase); members starting with ``_``
are internal and never leave the server, because responses are projected onto botocore's output
shapes (see ``validation.shape``). Each operation is a method named like the operation in
snake_case taking the validated request dict and returning the response dict.
"""
import copy
import datetime
import functools
import json
import os
import re
import threading
import time
import uuid

import boto3
import yaml
from moto.backends import get_backend
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.utils import camelcase_to_underscores

from tests.emulator import exceptions as err

# One lock for every Image Builder backend: the WSGI server is threaded and builds advance in a ticker.
LOCK = threading.RLock()

STATES = ["PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING", "AVAILABLE"]
FINAL_STATES = {"AVAILABLE", "CANCELLED", "FAILED", "DEPRECATED", "DELETED", "DISABLED"}
FAIL_STEP = "emulator-fail"
CLOCK = {"step_seconds": float(os.environ.get("AMIFORGE_EMULATOR_STEP_SECONDS", "0.2"))}
QUOTA = int(os.environ.get("AMIFORGE_EMULATOR_QUOTA", "5000"))
PAGE_SIZE = 25

ARN_RE = re.compile(r"^arn:aws[^:]*:imagebuilder:(?P<region>[^:]+):(?P<account>[^:]+):(?P<kind>[a-z-]+)/(?P<rest>.+)$")
# kind -> (versioned, has build numbers)
KINDS = {
    "component": (True, True),
    "image-recipe": (True, False),
    "container-recipe": (True, False),
    "workflow": (True, True),
    "image": (True, True),
    "infrastructure-configuration": (False, False),
    "distribution-configuration": (False, False),
    "image-pipeline": (False, False),
    "lifecycle-policy": (False, False),
}
# The filter names each List operation accepts (AWS rejects others); lists not named here accept any.
FILTER_NAMES = {
    "componentVersionList": {"description", "name", "platform", "supportedOsVersion", "type", "version"},
    "containerRecipeSummaryList": {"containerType", "name", "parentImage", "platform"},
    "distributionConfigurationSummaryList": {"name"},
    "infrastructureConfigurationSummaryList": {"name"},
    "imageRecipeSummaryList": {"name", "parentImage", "platform"},
    "imageVersionList": {"name", "osVersion", "platform", "type", "version"},
    "imageSummaryList": {"name", "osVersion", "platform", "type", "version"},
    "imagePipelineList": {"description", "distributionConfigurationArn", "imageRecipeArn", "infrastructureConfigurationArn", "name", "status"},
}
POLICY_OPERATION = re.compile(r"^(Put|Get)(Component|Image|ImageRecipe|ContainerRecipe)Policy$")
UNSUPPORTED = {
    "ImportVmImage", "ImportDiskImage", "GetMarketplaceResource", "GetLifecycleExecution", "ListLifecycleExecutions",
    "ListLifecycleExecutionResources", "CancelLifecycleExecution", "StartResourceStateUpdate",
    "ListImageScanFindings", "ListImageScanFindingAggregations",
    "GetWorkflowStepExecution", "ListWorkflowStepExecutions", "ListWaitingWorkflowSteps", "SendWorkflowStepAction",
}

AMAZON_COMPONENTS = [  # name, version, type
    ("update-linux", "1.0.2", "BUILD"),
    ("reboot-linux", "1.0.1", "BUILD"),
    ("aws-cli-version-2-linux", "1.0.4", "BUILD"),
    ("simple-boot-test-linux", "1.0.0", "TEST"),
    ("reboot-test-linux", "1.0.0", "TEST"),
]
AMAZON_WORKFLOWS = [("build-image", "1.0.2", "BUILD"), ("test-image", "1.0.1", "TEST"), ("distribute-image", "1.0.0", "DISTRIBUTION")]
WORKFLOW_STATE = {"BUILD": "BUILDING", "TEST": "TESTING", "DISTRIBUTION": "DISTRIBUTING"}  # the image state a workflow runs in
AMAZON_IMAGES = [  # name, version, os version, moto AMI name prefix
    ("amazon-linux-2023-x86", "2025.11.1", "Amazon Linux 2023", "al2023-ami-"),
    ("amazon-linux-2-x86", "2025.11.1", "Amazon Linux 2", "amzn2-ami-"),
]


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def version_matches(pattern, version):
    return all(want in ("x", have) for want, have in zip(pattern.split("."), version.split(".")))


def arn_name(name):
    return name.lower().replace(" ", "-")


def fingerprint(params):
    return json.dumps({k: v for k, v in params.items() if k != "clientToken"}, sort_keys=True, default=str)


class ImageBuilderBackend(BaseBackend):
    def __init__(self, region_name, account_id):
        super().__init__(region_name, account_id)
        self.resources = {kind: {} for kind in KINDS}
        self.tokens = {}
        self.policies = {}
        self.build_numbers = {}
        self._seed_amazon()

    # ----- the other services, through moto's own backends
    def _service(self, name, region=None, account=None):
        return get_backend(name)[account or self.account_id][region or self.region_name]

    def _must(self, found, message):
        if not found:
            raise err.InvalidParameterValueException(message)

    def _exists(self, call):
        try:
            return call() is not None
        except Exception:  # moto raises its own not-found errors; any of them means "absent"
            return False

    # ----- dispatch, idempotency, dry run
    def handle(self, operation, params):
        policy = POLICY_OPERATION.match(operation)
        if policy:
            kind = camelcase_to_underscores(policy.group(2)).replace("_", "-")
            method = functools.partial(self._policy, policy.group(1), kind, policy.group(2)[0].lower() + policy.group(2)[1:] + "Arn")
        else:
            method = getattr(self, camelcase_to_underscores(operation))
        version = params.get("semanticVersion")
        if version is not None and not re.match(r"^[0-9]+\.[0-9]+\.[0-9]+$", version):  # some shapes allow x wildcards
            raise err.InvalidVersionNumberException("The semantic version %s must be major.minor.patch numbers" % version)
        with LOCK:
            token = params.get("clientToken")
            if not token:
                return method(params)
            key = (operation, token)
            if key in self.tokens:
                seen, response = self.tokens[key]
                if seen != fingerprint(params):
                    raise err.IdempotentParameterMismatchException(
                        "The client token %s was already used with different parameters" % token)
                return copy.deepcopy(response)
            response = method(params)
            response["clientToken"] = token
            self.tokens[key] = (fingerprint(params), copy.deepcopy(response))
            return response

    # ----- ARNs and lookups
    def arn(self, kind, name, version=None, build=None, owner=None, prefix=None):
        parts = [kind] + ([prefix] if prefix else []) + [arn_name(name)]
        parts += [str(p) for p in (version, build) if p is not None]
        return "arn:aws:imagebuilder:%s:%s:%s" % (self.region_name, owner or self.account_id, "/".join(parts))

    def _parse(self, kind, arn):
        match = ARN_RE.match(arn or "")
        if not match or match.group("kind") != kind:
            raise err.InvalidParameterValueException("The value supplied for parameter 'arn' is not a valid %s ARN: %s" % (kind, arn))
        rest = match.group("rest").split("/")
        if kind == "workflow":
            rest = rest[1:]
        return match.group("region"), match.group("account"), rest

    def find(self, kind, arn, quiet=False):
        """The record an ARN names; ``x`` wildcards and a missing build number resolve to the latest."""
        region, account, rest = self._parse(kind, arn)
        versioned, builds = KINDS[kind]
        candidates = []
        if region == self.region_name:
            for record in self.resources[kind].values():
                if record["_account"] != account or record["_arn_name"] != rest[0]:
                    continue
                if kind == "workflow" and arn.split("/")[1] != record["type"].lower():
                    continue
                if versioned:
                    if len(rest) < 2 or not version_matches(rest[1], record["_version"]):
                        continue
                    if len(rest) > 2 and str(record["_build"]) != rest[2]:
                        continue
                candidates.append(record)
        if not candidates:
            if quiet:
                return None
            raise err.ResourceNotFoundException("The resource %s does not exist" % arn)
        return max(candidates, key=lambda r: (version_key(r["_version"]), r.get("_build", 0)) if versioned else 0)

    def latest_references(self, record):
        kind = record["_kind"]
        major, minor, patch = record["_version"].split(".")
        prefix = record["type"].lower() if kind == "workflow" else None
        owner = record["_account"]
        return {
            "latestVersionArn": self.arn(kind, record["name"], "x.x.x", owner=owner, prefix=prefix),
            "latestMajorVersionArn": self.arn(kind, record["name"], "%s.x.x" % major, owner=owner, prefix=prefix),
            "latestMinorVersionArn": self.arn(kind, record["name"], "%s.%s.x" % (major, minor), owner=owner, prefix=prefix),
            "latestPatchVersionArn": self.arn(kind, record["name"], record["_version"], owner=owner, prefix=prefix),
        }

    def _new(self, kind, params, name, version=None, prefix=None, owner=None, **fields):
        """Build and (unless dryRun) store a record; versioned kinds refuse an existing version."""
        versioned, builds = KINDS[kind]
        owner = owner or self.account_id
        if owner != "aws" and sum(r["_account"] == owner for r in self.resources[kind].values()) >= QUOTA:
            raise err.ServiceQuotaExceededException("The quota of %d %s resources is reached" % (QUOTA, kind))
        build = None
        if versioned:
            same = self.find(kind, self.arn(kind, name, version, owner=owner, prefix=prefix), quiet=True)
            if same and kind != "image":
                raise err.ResourceAlreadyExistsException("The %s %s version %s already exists" % (kind, name, version))
            if builds:
                key = (kind, prefix, arn_name(name), version)
                build = self.build_numbers.get(key, 0) + 1
        elif self.find(kind, self.arn(kind, name), quiet=True):
            raise err.ResourceAlreadyExistsException("The %s %s already exists" % (kind, name))
        if params.get("dryRun"):
            raise err.DryRunOperationException("Dry run succeeded: the request would have been accepted")
        if build:
            self.build_numbers[key] = build
        record = {
            "arn": self.arn(kind, name, version, build, owner=owner, prefix=prefix), "name": name,
            "dateCreated": now(), "tags": dict(params.get("tags") or {}), "owner": "Amazon" if owner == "aws" else owner,
            "_kind": kind, "_account": owner, "_arn_name": arn_name(name), "_version": version, "_build": build,
        }
        if versioned:
            # Only images carry the build in their version (VersionNumberWithBuild); components
            # and workflows say x.y.z (VersionNumber) and keep the build in their ARN.
            record["version"] = "%s/%s" % (version, build) if build and kind == "image" else version
        record.update({k: v for k, v in fields.items() if v is not None})
        self.resources[kind][record["arn"]] = record
        return record

    def _delete(self, kind, arn, users):
        record = self.find(kind, arn)
        if record["_account"] != self.account_id:
            raise err.InvalidParameterValueException("Only resources that your account owns can be deleted")
        if kind in KINDS and KINDS[kind][1] and arn.count("/") < (4 if kind == "workflow" else 3):
            raise err.InvalidParameterValueException("Deletion needs a build version ARN: %s" % arn)
        in_use = [user for user in users if record["arn"] in self._references(user)]
        if in_use:
            raise err.ResourceDependencyException(
                "Resource dependency error: %s is used by %s" % (record["arn"], in_use[0]["arn"]))
        del self.resources[kind][record["arn"]]
        self.policies.pop(record["arn"], None)
        return record["arn"]

    def _references(self, record):
        """The ARNs (resolved) that a recipe, pipeline or building image uses."""
        found = set()
        for component in record.get("components") or []:
            target = self.find("component", component["componentArn"], quiet=True)
            found.add(target["arn"] if target else component["componentArn"])
        for workflow in record.get("workflows") or []:
            target = self.find("workflow", workflow["workflowArn"], quiet=True)
            found.add(target["arn"] if target else workflow["workflowArn"])
        for key in ("imageRecipeArn", "containerRecipeArn", "infrastructureConfigurationArn", "distributionConfigurationArn"):
            if record.get(key):
                found.add(record[key])
        if record["_kind"] == "image" and record["state"]["status"] not in FINAL_STATES:
            for key in ("imageRecipe", "containerRecipe", "infrastructureConfiguration", "distributionConfiguration"):
                if record.get(key):
                    found.add(record[key]["arn"])
                    found |= self._references(record[key]) if key.endswith("Recipe") else set()
        return found

    def _users(self, *kinds):
        return [record for kind in kinds for record in self.resources[kind].values()]

    # ----- listing
    def _page(self, items, params):
        size = params.get("maxResults") or PAGE_SIZE
        token = params.get("nextToken")
        start = int(token) if token and token.isdigit() else 0
        if token and not token.isdigit():
            raise err.InvalidPaginationTokenException("The nextToken %s is not valid" % token)
        page = items[start:start + size]
        return page, (str(start + size) if start + size < len(items) else None)

    def _list(self, kind, params, key, owner_filter=True, versions=False, extra=None):
        owner = params.get("owner") or "Self"
        records = list(self.resources[kind].values())
        if owner_filter:
            wanted = {"Self": self.account_id, "Amazon": "aws"}.get(owner)
            records = self._shared(kind) if owner == "Shared" else [r for r in records if r["_account"] == wanted]
        if extra:
            records = [r for r in records if extra(r)]
        for item in params.get("filters") or []:
            name, values = item.get("name"), set(item.get("values") or [])
            if name not in FILTER_NAMES.get(key, {name}):
                raise err.InvalidParameterValueException("The filter name %s is not valid here; use one of %s" % (
                    name, ", ".join(sorted(FILTER_NAMES[key]))))
            records = [r for r in records if self._filter_value(r, name) & values]
        if versions:  # one entry per semantic version, its latest build, with the version ARN
            latest = {}
            for record in records:
                group = (record["_account"], record.get("type"), record["_arn_name"], record["_version"])
                if group not in latest or record["_build"] > latest[group]["_build"]:
                    latest[group] = record
            records = [dict(r, arn=r["arn"].rsplit("/", 1)[0], version=r["_version"]) for r in latest.values()]
        records.sort(key=lambda r: (r["_arn_name"], version_key(r["_version"]) if r["_version"] else (), r["_build"] or 0))
        page, token = self._page(records, params)
        return {key: page, "nextToken": token}

    def _filter_value(self, record, name):
        value = record.get(name, record.get(name + "s"))
        if name == "version":
            value = record["_version"]
        if name == "status" and isinstance(record.get("state"), dict):
            value = record["state"]["status"]
        return {str(v) for v in value} if isinstance(value, list) else {str(value)}

    def _shared(self, kind):
        """Resources of other accounts whose resource policy names this account."""
        shared = []
        for backend in all_backends():
            if backend.account_id == self.account_id or backend.region_name != self.region_name:
                continue
            for arn, policy in backend.policies.items():
                if self.account_id in policy and arn in backend.resources[kind]:
                    shared.append(backend.resources[kind][arn])
        return shared

    # ----- reference checks against the other services
    def _check_parent_image(self, parent):
        """Return (platform, os version) of a parent image: AMI id, ssm: parameter or image ARN."""
        if parent.startswith("ssm:"):
            name = parent[4:]
            parameter = None
            try:
                parameter = self._service("ssm").get_parameter(name)
            except Exception:
                parameter = None
            self._must(parameter is not None, "The SSM parameter %s for the parent image does not exist" % name)
            parent = parameter.value
        if parent.startswith("ami-"):
            ec2 = self._service("ec2")
            amis = []
            try:
                amis = ec2.describe_images(ami_ids=[parent])
            except Exception:
                amis = []
            self._must(amis, "The parent image %s does not exist in EC2 (%s)" % (parent, self.region_name))
            return ("Windows" if getattr(amis[0], "platform", None) == "windows" else "Linux"), "Linux"
        if parent.startswith("arn:"):
            image = self.find("image", parent, quiet=True)
            self._must(image, "The parent image %s does not exist" % parent)
            return image.get("platform", "Linux"), image.get("osVersion", "Linux")
        raise err.InvalidParameterValueException("The parent image %s is not an AMI id, an ssm: parameter or an image ARN" % parent)

    def _check_components(self, components, platform):
        for component in components or []:
            target = self.find("component", component["componentArn"], quiet=True)
            self._must(target, "The component %s does not exist" % component["componentArn"])
            if target["platform"] != platform:
                raise err.InvalidParameterValueException(
                    "The component %s is for %s, the recipe for %s" % (target["arn"], target["platform"], platform))

    def _check_kms(self, key_id, region=None):
        if key_id:
            self._must(self._exists(lambda: self._service("kms", region).describe_key(key_id)), "The KMS key %s does not exist" % key_id)

    def _document(self, params, what):
        data, uri = params.get("data"), params.get("uri")
        if data and uri:
            raise err.InvalidParameterCombinationException("Specify either data or uri for the %s, not both" % what)
        if not data and not uri:
            raise err.InvalidRequestException("Specify data or uri for the %s" % what)
        if uri:
            match = re.match(r"^s3://([^/]+)/(.+)$", uri)
            self._must(match, "The uri %s is not an s3:// URI" % uri)
            try:
                data = self._service("s3", "aws").get_object(match.group(1), match.group(2)).value.decode()
            except Exception:
                raise err.InvalidParameterValueException("The document %s cannot be read" % uri)
        try:
            document = yaml.safe_load(data)
        except yaml.YAMLError as error:
            raise err.InvalidParameterValueException("The %s document is not valid YAML: %s" % (what, error))
        self._must(isinstance(document, dict), "The %s document must be a YAML mapping" % what)
        return data, document

    # ----- components
    def create_component(self, params, component_type=None):
        data, document = self._document(params, "component")
        phases = document.get("phases") or []
        self._must(isinstance(phases, list) and phases, "The component document needs a phases list")
        self._check_kms(params.get("kmsKeyId"))
        names = {phase.get("name") for phase in phases if isinstance(phase, dict)}
        parameters = [{"name": k, "type": v.get("type", "string"), "defaultValue": [str(v["default"])] if "default" in v else None,
                       "description": v.get("description")}
                      for item in document.get("parameters") or [] for k, v in item.items() if isinstance(v, dict)]
        record = self._new(
            "component", params, params["name"], params["semanticVersion"],
            description=params.get("description"), changeDescription=params.get("changeDescription"),
            type=component_type or ("TEST" if names == {"test"} else "BUILD"), platform=params["platform"],
            supportedOsVersions=params.get("supportedOsVersions"), state={"status": "ACTIVE"}, data=data,
            kmsKeyId=params.get("kmsKeyId"), encrypted=True, parameters=parameters or None, _document=document)
        return {"componentBuildVersionArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def import_component(self, params):
        if params.get("format") != "SHELL":
            raise err.InvalidParameterValueException("Only the SHELL format can be imported")
        script = params.get("data") or ""
        if params.get("uri") and script:
            raise err.InvalidParameterCombinationException("Specify either data or uri, not both")
        document = {"schemaVersion": 1.0, "phases": [{"name": "build", "steps": [
            {"name": "Script", "action": "ExecuteBash", "inputs": {"commands": script.splitlines()}}]}]}
        response = self.create_component(dict(params, data=yaml.safe_dump(document), uri=None), params["type"])
        response.pop("latestVersionReferences")
        return response

    def get_component(self, params):
        record = self.find("component", params["componentBuildVersionArn"])
        return {"component": record, "latestVersionReferences": self.latest_references(record)}

    def delete_component(self, params):
        arn = self._delete("component", params["componentBuildVersionArn"], self._users("image-recipe", "container-recipe", "image"))
        return {"componentBuildVersionArn": arn}

    def list_components(self, params):
        return self._list("component", params, "componentVersionList", versions=True)

    def list_component_build_versions(self, params):
        arn = params.get("componentVersionArn")
        return self._list("component", params, "componentSummaryList", owner_filter=not arn,
                          extra=(lambda r: r["arn"].rsplit("/", 1)[0] == arn) if arn else None)

    # ----- recipes
    def _recipe_fields(self, params):
        platform, os_version = self._check_parent_image(params["parentImage"])
        self._check_components(params.get("components"), platform)
        return dict(description=params.get("description"), platform=platform, components=params.get("components"),
                    parentImage=params["parentImage"], workingDirectory=params.get("workingDirectory"), _osVersion=os_version)

    def create_image_recipe(self, params):
        fields = self._recipe_fields(params)
        self._must(params.get("components"), "An image recipe needs at least one component")
        record = self._new(
            "image-recipe", params, params["name"], params["semanticVersion"], type="AMI",
            blockDeviceMappings=params.get("blockDeviceMappings"), amiTags=params.get("amiTags"),
            additionalInstanceConfiguration=params.get("additionalInstanceConfiguration") or {
                "systemsManagerAgent": {"uninstallAfterBuild": False}},
            **fields)
        return {"imageRecipeArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def get_image_recipe(self, params):
        record = self.find("image-recipe", params["imageRecipeArn"])
        return {"imageRecipe": record, "latestVersionReferences": self.latest_references(record)}

    def delete_image_recipe(self, params):
        return {"imageRecipeArn": self._delete("image-recipe", params["imageRecipeArn"], self._users("image-pipeline", "image"))}

    def list_image_recipes(self, params):
        return self._list("image-recipe", params, "imageRecipeSummaryList")

    def create_container_recipe(self, params):
        template, uri = params.get("dockerfileTemplateData"), params.get("dockerfileTemplateUri")
        if template and uri:
            raise err.InvalidParameterCombinationException("Specify dockerfileTemplateData or dockerfileTemplateUri, not both")
        if not template and not uri:
            raise err.InvalidRequestException("Specify dockerfileTemplateData or dockerfileTemplateUri")
        platform = params.get("platformOverride") or "Linux"
        self._check_components(params.get("components"), platform)
        self._check_kms(params.get("kmsKeyId"))
        record = self._new(
            "container-recipe", params, params["name"], params["semanticVersion"],
            containerType=params["containerType"], description=params.get("description"), platform=platform,
            components=params.get("components"), instanceConfiguration=params.get("instanceConfiguration"),
            dockerfileTemplateData=template or "FROM {{{ imagebuilder:parentImage }}}", kmsKeyId=params.get("kmsKeyId"),
            encrypted=True, parentImage=params["parentImage"], workingDirectory=params.get("workingDirectory"),
            targetRepository=params["targetRepository"])
        return {"containerRecipeArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def get_container_recipe(self, params):
        record = self.find("container-recipe", params["containerRecipeArn"])
        return {"containerRecipe": record, "latestVersionReferences": self.latest_references(record)}

    def delete_container_recipe(self, params):
        arn = self._delete("container-recipe", params["containerRecipeArn"], self._users("image-pipeline", "image"))
        return {"containerRecipeArn": arn}

    def list_container_recipes(self, params):
        return self._list("container-recipe", params, "containerRecipeSummaryList")

    # ----- infrastructure configurations
    def _infrastructure_fields(self, params):
        ec2 = self._service("ec2")
        profile = params["instanceProfileName"]
        self._must(self._exists(lambda: self._service("iam", "aws").get_instance_profile(profile)),
                   "The instance profile %s does not exist" % profile)
        if params.get("subnetId"):
            self._must(self._exists(lambda: ec2.get_subnet(params["subnetId"])), "The subnet %s does not exist" % params["subnetId"])
        for group in params.get("securityGroupIds") or []:
            self._must(self._exists(lambda: ec2.get_security_group_from_id(group)), "The security group %s does not exist" % group)
        if params.get("keyPair"):
            self._must(self._exists(lambda: ec2.describe_key_pairs([params["keyPair"]])), "The key pair %s does not exist" % params["keyPair"])
        if params.get("snsTopicArn"):
            region = params["snsTopicArn"].split(":")[3] if params["snsTopicArn"].count(":") >= 5 else None
            self._must(self._exists(lambda: self._service("sns", region).get_topic(params["snsTopicArn"])),
                       "The SNS topic %s does not exist" % params["snsTopicArn"])
        bucket = ((params.get("logging") or {}).get("s3Logs") or {}).get("s3BucketName")
        if bucket:
            self._must(self._exists(lambda: self._service("s3", "aws").get_bucket(bucket)), "The S3 bucket %s does not exist" % bucket)
        fields = {k: params.get(k) for k in (
            "description", "instanceTypes", "instanceProfileName", "securityGroupIds", "subnetId", "logging", "keyPair",
            "snsTopicArn", "resourceTags", "instanceMetadataOptions", "placement", "terminateInstanceOnCompletion")}
        fields["terminateInstanceOnFailure"] = params.get("terminateInstanceOnFailure", True)
        return fields

    def create_infrastructure_configuration(self, params):
        fields = self._infrastructure_fields(params)
        record = self._new("infrastructure-configuration", params, params["name"], dateUpdated=None, **fields)
        return {"infrastructureConfigurationArn": record["arn"]}

    def update_infrastructure_configuration(self, params):
        record = self.find("infrastructure-configuration", params["infrastructureConfigurationArn"])
        fields = self._infrastructure_fields(params)
        self._replace(record, fields)
        return {"infrastructureConfigurationArn": record["arn"]}

    def _replace(self, record, fields):
        """Update* replaces the whole object: members not sent are removed."""
        for key in list(record):
            if not key.startswith("_") and key not in ("arn", "name", "owner", "dateCreated", "tags", "version"):
                del record[key]
        record.update({k: v for k, v in fields.items() if v is not None})
        record["dateUpdated"] = now()

    def get_infrastructure_configuration(self, params):
        return {"infrastructureConfiguration": self.find("infrastructure-configuration", params["infrastructureConfigurationArn"])}

    def delete_infrastructure_configuration(self, params):
        arn = self._delete("infrastructure-configuration", params["infrastructureConfigurationArn"], self._users("image-pipeline", "image"))
        return {"infrastructureConfigurationArn": arn}

    def list_infrastructure_configurations(self, params):
        return self._list("infrastructure-configuration", params, "infrastructureConfigurationSummaryList", owner_filter=False)

    # ----- distribution configurations
    def _distribution_fields(self, params):
        regions = [d["region"] for d in params["distributions"]]
        if len(set(regions)) != len(regions):
            raise err.InvalidParameterValueException("Each region can appear only once in distributions")
        known = set(get_backend("ec2")[self.account_id].regions)
        for distribution in params["distributions"]:
            region = distribution["region"]
            self._must(region in known, "The region %s is not valid" % region)
            self._check_kms((distribution.get("amiDistributionConfiguration") or {}).get("kmsKeyId"), region)
            for template in distribution.get("launchTemplateConfigurations") or []:
                account = template.get("accountId") or self.account_id
                ec2 = self._service("ec2", region, account)
                self._must(self._exists(lambda: ec2.get_launch_template(template["launchTemplateId"])),
                           "The launch template %s does not exist in %s" % (template["launchTemplateId"], region))
        return {"description": params.get("description"), "distributions": params["distributions"], "timeoutMinutes": 720}

    def create_distribution_configuration(self, params):
        fields = self._distribution_fields(params)
        record = self._new("distribution-configuration", params, params["name"], **fields)
        return {"distributionConfigurationArn": record["arn"]}

    def update_distribution_configuration(self, params):
        record = self.find("distribution-configuration", params["distributionConfigurationArn"])
        self._replace(record, self._distribution_fields(params))
        return {"distributionConfigurationArn": record["arn"]}

    def get_distribution_configuration(self, params):
        return {"distributionConfiguration": self.find("distribution-configuration", params["distributionConfigurationArn"])}

    def delete_distribution_configuration(self, params):
        arn = self._delete("distribution-configuration", params["distributionConfigurationArn"], self._users("image-pipeline", "image"))
        return {"distributionConfigurationArn": arn}

    def list_distribution_configurations(self, params):
        return self._list("distribution-configuration", params, "distributionConfigurationSummaryList", owner_filter=False,
                          extra=None)

    # ----- pipelines
    def _build_inputs(self, params):
        """Resolve the recipe and configurations a pipeline or CreateImage names."""
        if params.get("imageRecipeArn") and params.get("containerRecipeArn"):
            raise err.InvalidParameterCombinationException("Specify imageRecipeArn or containerRecipeArn, not both")
        if not params.get("imageRecipeArn") and not params.get("containerRecipeArn"):
            raise err.InvalidRequestException("Specify imageRecipeArn or containerRecipeArn")
        recipe = self.find("image-recipe", params["imageRecipeArn"]) if params.get("imageRecipeArn") else \
            self.find("container-recipe", params["containerRecipeArn"])
        infrastructure = self.find("infrastructure-configuration", params["infrastructureConfigurationArn"])
        distribution = None
        if params.get("distributionConfigurationArn"):
            distribution = self.find("distribution-configuration", params["distributionConfigurationArn"])
        for workflow in params.get("workflows") or []:
            self._must(self.find("workflow", workflow["workflowArn"], quiet=True), "The workflow %s does not exist" % workflow["workflowArn"])
        return recipe, infrastructure, distribution

    def _pipeline_fields(self, params):
        recipe = self._build_inputs(params)[0]
        fields = {k: params.get(k) for k in (
            "description", "imageRecipeArn", "containerRecipeArn", "infrastructureConfigurationArn", "distributionConfigurationArn",
            "schedule", "imageScanningConfiguration", "workflows", "executionRole", "loggingConfiguration", "imageTags")}
        fields.update(platform=recipe["platform"], status=params.get("status") or "ENABLED",
                      enhancedImageMetadataEnabled=params.get("enhancedImageMetadataEnabled", True),
                      imageTestsConfiguration=params.get("imageTestsConfiguration") or {"imageTestsEnabled": True, "timeoutMinutes": 720})
        return fields

    def create_image_pipeline(self, params):
        record = self._new("image-pipeline", params, params["name"], **self._pipeline_fields(params))
        return {"imagePipelineArn": record["arn"]}

    def update_image_pipeline(self, params):
        record = self.find("image-pipeline", params["imagePipelineArn"])
        keep = {k: record.get(k) for k in ("dateLastRun", "lastRunStatus")}
        self._replace(record, dict(self._pipeline_fields(params), **keep))
        return {"imagePipelineArn": record["arn"]}

    def get_image_pipeline(self, params):
        return {"imagePipeline": self.find("image-pipeline", params["imagePipelineArn"])}

    def delete_image_pipeline(self, params):
        arn = self._delete("image-pipeline", params["imagePipelineArn"], [])
        return {"imagePipelineArn": arn}

    def list_image_pipelines(self, params):
        return self._list("image-pipeline", params, "imagePipelineList", owner_filter=False)

    def start_image_pipeline_execution(self, params):
        pipeline = self.find("image-pipeline", params["imagePipelineArn"])
        request = dict({k: pipeline.get(k) for k in (
            "imageRecipeArn", "containerRecipeArn", "infrastructureConfigurationArn", "distributionConfigurationArn",
            "imageTestsConfiguration", "enhancedImageMetadataEnabled", "imageScanningConfiguration", "workflows",
            "executionRole", "loggingConfiguration") if pipeline.get(k) is not None},
            tags=dict(pipeline.get("imageTags") or {}, **(params.get("tags") or {})))
        image = self._create_image(request, pipeline)
        pipeline["dateLastRun"] = now()
        return {"imageBuildVersionArn": image["arn"]}

    # ----- images and builds
    def _create_image(self, params, pipeline=None):
        recipe, infrastructure, distribution = self._build_inputs(params)
        container = recipe["_kind"] == "container-recipe"
        record = self._new(
            "image", params, recipe["name"], recipe["_version"], type="DOCKER" if container else "AMI",
            platform=recipe["platform"], osVersion=recipe.get("_osVersion", "Linux"), state={"status": "PENDING"},
            imageRecipe=None if container else copy.deepcopy(recipe), containerRecipe=copy.deepcopy(recipe) if container else None,
            infrastructureConfiguration=copy.deepcopy(infrastructure), distributionConfiguration=copy.deepcopy(distribution),
            imageTestsConfiguration=params.get("imageTestsConfiguration") or {"imageTestsEnabled": True, "timeoutMinutes": 720},
            enhancedImageMetadataEnabled=params.get("enhancedImageMetadataEnabled", True),
            sourcePipelineArn=pipeline and pipeline["arn"], sourcePipelineName=pipeline and pipeline["name"],
            buildType="USER_INITIATED", imageSource="CUSTOM", outputResources={"amis": []},
            imageScanningConfiguration=params.get("imageScanningConfiguration"), workflows=params.get("workflows"),
            executionRole=params.get("executionRole"), loggingConfiguration=params.get("loggingConfiguration"),
            _since=time.monotonic(), _id=uuid.uuid4().hex[:8])
        return record

    def create_image(self, params):
        record = self._create_image(params)
        return {"imageBuildVersionArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def advance(self):
        """Move every unfinished build along the clock; called on reads and by the server's ticker."""
        step = CLOCK["step_seconds"]
        for record in list(self.resources["image"].values()):
            # One state per step at most, each lasting a full step from when it began, so a poller sees every state
            # even after a stall; a step of 0 finishes the build at once.
            while record["state"]["status"] not in FINAL_STATES and time.monotonic() - record["_since"] >= step:
                record["_since"] = time.monotonic()
                self._next_state(record)
                if step > 0:
                    break

    def _next_state(self, record):
        status = record["state"]["status"]
        if status == "BUILDING":
            failing = self._failing_component(record)
            if failing:
                record["state"] = {"status": "FAILED", "reason": "Step %s of component %s failed" % (FAIL_STEP, failing)}
                self._finish(record, "FAILED")
                return
        record["state"] = {"status": STATES[STATES.index(status) + 1]}
        if record["state"]["status"] == "AVAILABLE":
            try:
                self._distribute(record)
            except Exception as error:  # a vanished launch template or region: the build fails like AWS's would
                record["state"] = {"status": "FAILED", "reason": "Distribution failed: %s" % error}
            self._finish(record, record["state"]["status"])

    def _finish(self, record, status):
        record["_ended"] = now()
        pipeline = self.resources["image-pipeline"].get(record.get("sourcePipelineArn") or "")
        if pipeline:
            pipeline["lastRunStatus"] = status

    def _failing_component(self, record):
        recipe = record.get("imageRecipe") or record.get("containerRecipe") or {}
        for component in recipe.get("components") or []:
            target = self.find("component", component["componentArn"], quiet=True)
            for phase in ((target or {}).get("_document") or {}).get("phases") or []:
                if any(isinstance(step, dict) and step.get("name") == FAIL_STEP for step in phase.get("steps") or []):
                    return target["arn"]
        return None

    def _distribute(self, record):
        """Register an AMI per distribution region (and target account), tag it, share it, update templates, write SSM."""
        if record["type"] != "AMI":
            return
        date = record["dateCreated"].strftime("%Y-%m-%dT%H-%M-%S.") + "%03dZ" % (record["dateCreated"].microsecond // 1000)
        distributions = (record.get("distributionConfiguration") or {}).get("distributions") or [{"region": self.region_name}]
        for distribution in distributions:
            region = distribution["region"]
            config = distribution.get("amiDistributionConfiguration") or {}
            name = (config.get("name") or "%s {{imagebuilder:buildDate}}" % record["name"])
            # Image Builder's variables, with or without spaces inside the braces.
            variables = dict(buildDate=date, buildVersion=str(record["_build"]), version=record["_version"])
            name = re.sub(r"\{\{\s*imagebuilder:(buildDate|buildVersion|version)\s*\}\}", lambda match: variables[match.group(1)], name)
            tags = dict(config.get("amiTags") or {}, Ec2ImageBuilderArn=record["arn"], CreatedBy="EC2 Image Builder")
            tags.update((record.get("imageRecipe") or {}).get("amiTags") or {})
            for account in [self.account_id] + list(config.get("targetAccountIds") or []):
                ec2 = self._service("ec2", region, account)
                ami = ec2.register_image(name=name, description=config.get("description") or record["name"])
                ec2.create_tags([ami.id], tags)
                permission = config.get("launchPermission") or {}
                grants = [{"UserId": u} for u in permission.get("userIds") or []] + [{"Group": g} for g in permission.get("userGroups") or []]
                if grants:
                    ec2.modify_image_attribute(ami.id, grants, [])
                record["outputResources"]["amis"].append(
                    {"region": region, "image": ami.id, "name": name, "description": config.get("description") or record["name"],
                     "accountId": account})
                for template in distribution.get("launchTemplateConfigurations") or []:
                    if (template.get("accountId") or self.account_id) == account:
                        launch_template = ec2.get_launch_template(template["launchTemplateId"])
                        data = copy.deepcopy(launch_template.latest_version().data)
                        data["ImageId"] = ami.id
                        version = launch_template.create_version(data, "Image Builder %s" % record["arn"])
                        if template.get("setDefaultVersion"):
                            launch_template.default_version_number = version.number
                for parameter in distribution.get("ssmParameterConfigurations") or []:
                    if (parameter.get("amiAccountId") or self.account_id) == account:
                        self._service("ssm", region, account).put_parameter(
                            name=parameter["parameterName"], description="Image Builder %s" % record["arn"], value=ami.id,
                            parameter_type="String", allowed_pattern=None, keyid=None, overwrite=True, tags=[],
                            data_type=parameter.get("dataType") or "aws:ec2:image", tier=None, policies=None)

    def get_image(self, params):
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        return {"image": record, "latestVersionReferences": self.latest_references(record)}

    def cancel_image_creation(self, params):
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if record["state"]["status"] in FINAL_STATES:
            raise err.ResourceInUseException("The image %s is %s and cannot be cancelled" % (record["arn"], record["state"]["status"]))
        record["state"] = {"status": "CANCELLED", "reason": "Cancelled by CancelImageCreation"}
        self._finish(record, "CANCELLED")
        return {"imageBuildVersionArn": record["arn"]}

    def distribute_image(self, params):
        """Only the distribution phase: a new image build version that starts in DISTRIBUTING."""
        distribution = self.find("distribution-configuration", params["distributionConfigurationArn"])
        platform, os_version = self._check_parent_image(params["sourceImage"])
        source = self.find("image", params["sourceImage"]) if params["sourceImage"].startswith("arn:") else None
        if source:
            self._must(any(ami["region"] == self.region_name for ami in source["outputResources"]["amis"]),
                       "The image %s has no AMI in %s" % (source["arn"], self.region_name))
        role = params["executionRole"].split("/")[-1]
        self._must(self._exists(lambda: self._service("iam", "aws").get_role(role)), "The execution role %s does not exist" % role)
        name, version = (source["name"], source["_version"]) if source else (distribution["name"], "1.0.0")
        record = self._new(
            "image", params, name, version, type="AMI", platform=platform, osVersion=os_version, state={"status": "DISTRIBUTING"},
            distributionConfiguration=copy.deepcopy(distribution), buildType="USER_INITIATED", imageSource="CUSTOM",
            outputResources={"amis": []}, executionRole=params["executionRole"], loggingConfiguration=params.get("loggingConfiguration"),
            _since=time.monotonic(), _id=uuid.uuid4().hex[:8])
        return {"imageBuildVersionArn": record["arn"]}

    def retry_image(self, params):
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if record["state"]["status"] not in ("FAILED", "CANCELLED"):
            raise err.InvalidRequestException("Only a FAILED or CANCELLED image can be retried, not %s" % record["state"]["status"])
        recipe = record.get("imageRecipe") or record.get("containerRecipe")
        if not recipe:
            raise err.InvalidRequestException("Only images built from a recipe can be retried")
        request = {"imageRecipeArn" if recipe["_kind"] == "image-recipe" else "containerRecipeArn": recipe["arn"],
                   "infrastructureConfigurationArn": record["infrastructureConfiguration"]["arn"], "tags": record["tags"]}
        if record.get("distributionConfiguration"):
            request["distributionConfigurationArn"] = record["distributionConfiguration"]["arn"]
        pipeline = self.resources["image-pipeline"].get(record.get("sourcePipelineArn") or "")
        return {"imageBuildVersionArn": self._create_image(request, pipeline)["arn"]}

    def delete_image(self, params):
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if record["state"]["status"] not in FINAL_STATES:
            raise err.ResourceDependencyException("The image %s is still being built" % record["arn"])
        return {"imageBuildVersionArn": self._delete("image", params["imageBuildVersionArn"], [])}

    def list_images(self, params):
        self.advance()
        return self._list("image", params, "imageVersionList", versions=True)

    def list_image_build_versions(self, params):
        self.advance()
        arn = params.get("imageVersionArn")
        return self._list("image", params, "imageSummaryList", owner_filter=not arn,
                          extra=(lambda r: r["arn"].rsplit("/", 1)[0] == arn) if arn else None)

    def list_image_pipeline_images(self, params):
        self.advance()
        pipeline = self.find("image-pipeline", params["imagePipelineArn"])
        return self._list("image", params, "imageSummaryList", owner_filter=False,
                          extra=lambda r: r.get("sourcePipelineArn") == pipeline["arn"])

    def list_image_packages(self, params):
        self.find("image", params["imageBuildVersionArn"])
        return {"imagePackageList": []}

    def _executions(self, image):
        """The image's workflow executions, their status derived from the image's state."""
        workflows = [w["workflowArn"] for w in image.get("workflows") or []] or [
            "arn:aws:imagebuilder:%s:aws:workflow/%s/%s/x.x.x" % (self.region_name, kind.lower(), name)
            for name, _version, kind in AMAZON_WORKFLOWS[:2]]
        status, executions = image["state"]["status"], []
        for index, arn in enumerate(workflows):
            workflow = self.find("workflow", arn, quiet=True)
            if not workflow:
                continue
            if status in ("AVAILABLE", "CANCELLED"):
                state = "COMPLETED" if status == "AVAILABLE" else "CANCELLED"
            elif status == "FAILED":
                state = "FAILED" if workflow["type"] == "BUILD" else "SKIPPED"
            else:
                phase = STATES.index(WORKFLOW_STATE[workflow["type"]])
                state = "PENDING" if STATES.index(status) < phase else "RUNNING" if STATES.index(status) == phase else "COMPLETED"
            steps = len((yaml.safe_load(workflow["data"]) or {}).get("steps") or [])
            executions.append({
                "workflowExecutionId": "wf-%s-%04d-0000-0000-%012d" % (image["_id"], index, image["_build"]),
                "workflowBuildVersionArn": workflow["arn"], "type": workflow["type"], "status": state, "totalStepCount": steps,
                "totalStepsSucceeded": steps if state == "COMPLETED" else 0, "totalStepsFailed": 1 if state == "FAILED" else 0,
                "totalStepsSkipped": steps if state in ("SKIPPED", "CANCELLED") else 0, "startTime": image["dateCreated"],
                "endTime": image.get("_ended"), "message": image["state"].get("reason")})
        return executions

    def list_workflow_executions(self, params):
        self.advance()
        image = self.find("image", params["imageBuildVersionArn"])
        executions, token = self._page(self._executions(image), params)
        return {"workflowExecutions": executions, "imageBuildVersionArn": image["arn"], "nextToken": token}

    def get_workflow_execution(self, params):
        self.advance()
        for image in self.resources["image"].values():
            for execution in self._executions(image) if image["_account"] == self.account_id else []:
                if execution["workflowExecutionId"] == params["workflowExecutionId"]:
                    return dict(execution, imageBuildVersionArn=image["arn"])
        raise err.ResourceNotFoundException("The workflow execution %s does not exist" % params["workflowExecutionId"])

    # ----- workflows
    def create_workflow(self, params):
        data, document = self._document(params, "workflow")
        self._must(isinstance(document.get("steps"), list), "The workflow document needs a steps list")
        self._check_kms(params.get("kmsKeyId"))
        record = self._new(
            "workflow", params, params["name"], params["semanticVersion"], prefix=params["type"].lower(),
            description=params.get("description"), changeDescription=params.get("changeDescription"), type=params["type"],
            data=data, kmsKeyId=params.get("kmsKeyId"))
        return {"workflowBuildVersionArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def get_workflow(self, params):
        record = self.find("workflow", params["workflowBuildVersionArn"])
        return {"workflow": record, "latestVersionReferences": self.latest_references(record)}

    def delete_workflow(self, params):
        return {"workflowBuildVersionArn": self._delete("workflow", params["workflowBuildVersionArn"], self._users("image-pipeline", "image"))}

    def list_workflows(self, params):
        return self._list("workflow", params, "workflowVersionList", versions=True)

    def list_workflow_build_versions(self, params):
        arn = params.get("workflowVersionArn")
        return self._list("workflow", params, "workflowSummaryList", owner_filter=not arn,
                          extra=(lambda r: r["arn"].rsplit("/", 1)[0] == arn) if arn else None)

    # ----- lifecycle policies
    def _lifecycle_fields(self, params):
        return {k: params.get(k) for k in ("description", "executionRole", "resourceType", "policyDetails", "resourceSelection")} | {
            "status": params.get("status") or "ENABLED"}

    def create_lifecycle_policy(self, params):
        record = self._new("lifecycle-policy", params, params["name"], **self._lifecycle_fields(params))
        return {"lifecyclePolicyArn": record["arn"]}

    def update_lifecycle_policy(self, params):
        record = self.find("lifecycle-policy", params["lifecyclePolicyArn"])
        self._replace(record, self._lifecycle_fields(params))
        return {"lifecyclePolicyArn": record["arn"]}

    def get_lifecycle_policy(self, params):
        return {"lifecyclePolicy": self.find("lifecycle-policy", params["lifecyclePolicyArn"])}

    def delete_lifecycle_policy(self, params):
        return {"lifecyclePolicyArn": self._delete("lifecycle-policy", params["lifecyclePolicyArn"], [])}

    def list_lifecycle_policies(self, params):
        return self._list("lifecycle-policy", params, "lifecyclePolicySummaryList", owner_filter=False)

    # ----- tags and resource policies
    def _any(self, arn):
        match = ARN_RE.match(arn or "")
        kind = match.group("kind") if match else None
        record = self.resources[kind].get(arn) if kind in KINDS else None
        if record is None:
            raise err.ResourceNotFoundException("The resource %s does not exist" % arn)
        return record

    def tag_resource(self, params):
        self._any(params["resourceArn"])["tags"].update(params["tags"])
        return {}

    def untag_resource(self, params):
        tags = self._any(params["resourceArn"])["tags"]
        for key in params["tagKeys"]:
            tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, params):
        return {"tags": self._any(params["resourceArn"])["tags"]}

    def _policy(self, verb, kind, key, params):
        """Put/Get{Component,Image,ImageRecipe,ContainerRecipe}Policy."""
        record = self.find(kind, params[key])
        if verb == "Get":
            if record["arn"] not in self.policies:
                raise err.ResourceNotFoundException("The resource %s has no policy" % record["arn"])
            return {"policy": self.policies[record["arn"]]}
        try:
            document = json.loads(params["policy"])
        except ValueError:
            raise err.InvalidParameterValueException("The policy is not valid JSON")
        self._must(isinstance(document, dict) and document.get("Statement"), "The policy needs a Statement")
        self.policies[record["arn"]] = params["policy"]
        return {key: record["arn"]}

    # ----- Amazon-owned resources
    def _seed_amazon(self):
        document = {"schemaVersion": 1.0, "phases": [{"name": "build", "steps": [
            {"name": "Run", "action": "ExecuteBash", "inputs": {"commands": ["true"]}}]}]}
        for name, version, component_type in AMAZON_COMPONENTS:
            self._new("component", {}, name, version, owner="aws", description="Amazon-managed component %s" % name,
                      type=component_type, platform="Linux", state={"status": "ACTIVE"}, data=yaml.safe_dump(document),
                      encrypted=True, _document=document)
        steps = yaml.safe_dump({"schemaVersion": 1.0, "steps": [{"name": "Run", "action": "WaitForAction"}]})
        for name, version, workflow_type in AMAZON_WORKFLOWS:
            self._new("workflow", {}, name, version, owner="aws", prefix=workflow_type.lower(), type=workflow_type, data=steps,
                      description="Amazon-managed workflow %s" % name)
        for name, version, os_version, ami_prefix in AMAZON_IMAGES:
            self._new("image", {}, name, version, owner="aws", type="AMI", platform="Linux", osVersion=os_version,
                      state={"status": "AVAILABLE"}, buildType="USER_INITIATED", imageSource="AMAZON_MANAGED",
                      outputResources={"amis": []}, _ami_prefix=ami_prefix)
        for record in self.resources["image"].values():
            record["outputResources"]["amis"] = self._amazon_amis(record)

    def _amazon_amis(self, record):
        """The seeded images point at one of moto's built-in Amazon AMIs of this region."""
        try:
            amis = self._service("ec2").describe_images(owners=["amazon"])
        except Exception:
            return []
        for ami in amis:
            if (ami.name or "").startswith(record["_ami_prefix"]):
                return [{"region": self.region_name, "image": ami.id, "name": ami.name, "accountId": ami.owner_id}]
        return []


# botocore's endpoint data lists no regions for Image Builder: serve the regions EC2 has.
imagebuilder_backends = BackendDict(ImageBuilderBackend, "imagebuilder", use_boto3_regions=False,
                                    additional_regions=boto3.session.Session().get_available_regions("ec2"))


def all_backends():
    """A snapshot: request threads may add a region's backend while we look."""
    return [backend for account in list(imagebuilder_backends.values()) for backend in list(account.values())]


def advance_all():
    with LOCK:
        for backend in all_backends():
            backend.advance()
