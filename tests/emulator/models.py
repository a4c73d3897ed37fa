"""The Image Builder backend, in moto's BaseBackend style (one backend per account and region).

Records are plain dicts shaped like the API's objects (camelCase); members starting with ``_``
are internal and never leave the server, because responses are projected onto botocore's output
shapes (see ``validation.shape``). Each operation is a method named like the operation in
snake_case taking the validated request dict and returning the response dict.

The backend is split by concern, as moto splits its larger backends: this module holds the resources'
create/get/update/delete, ARNs and lookups; ``listing`` the List* operations; ``builds`` images and
the build clock; ``checks`` the references and documented rules a request must meet; ``settings``
the run-time settings (clock, quota, AWS mode). ``server.register_imagebuilder`` installs this
module as ``moto.imagebuilder``.
"""
import copy
import functools
import json
import re
import threading
import time

import boto3
import yaml
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.utils import camelcase_to_underscores

from tests.emulator import exceptions as err
from tests.emulator import settings
from tests.emulator.builds import BuildsMixin
from tests.emulator.checks import ChecksMixin
from tests.emulator.listing import ListingMixin
from tests.emulator.utils import (AMAZON_COMPONENTS, AMAZON_IMAGES, AMAZON_WORKFLOWS, ARN_RE, FINAL_STATES, KINDS, arn_name,
                                  fingerprint, now, version_key, version_matches)

# One lock for every Image Builder backend: the WSGI server is threaded and builds advance in a ticker.
LOCK = threading.RLock()
CLOCK = settings.CLOCK  # the build clock (the server's /_amiforge/clock endpoint changes it)

POLICY_OPERATION = re.compile(r"^(Put|Get)(Component|Image|ImageRecipe|ContainerRecipe)Policy$")
UNSUPPORTED = {
    "ImportVmImage", "ImportDiskImage", "GetMarketplaceResource", "GetLifecycleExecution", "ListLifecycleExecutions",
    "ListLifecycleExecutionResources", "CancelLifecycleExecution", "StartResourceStateUpdate",
    "ListImageScanFindings", "ListImageScanFindingAggregations",
    "ListWaitingWorkflowSteps", "SendWorkflowStepAction",
}


class ImageBuilderBackend(ChecksMixin, ListingMixin, BuildsMixin, BaseBackend):
    def __init__(self, region_name, account_id):
        super().__init__(region_name, account_id)
        self.resources = {kind: {} for kind in KINDS}
        self.tokens = {}
        self.policies = {}
        self.build_numbers = {}
        self._seed_amazon()

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
        """The record an ARN names; ``x`` wildcards and a missing build number resolve to the latest (for images, the
        latest AVAILABLE build: model 1.44.8 GetImage, "To get an image in any other state … specify the full build version ARN")."""
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
                    if kind == "image" and len(rest) < 3 and record["state"]["status"] != "AVAILABLE":
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
        """Build and (unless dryRun) store a record. Names are the same when their ARN forms are (``arn_name``); recipes
        refuse an existing version, the kinds with build numbers (components, workflows, images) get the next build."""
        versioned, builds = KINDS[kind]
        owner = owner or self.account_id
        if owner != "aws" and sum(r["_account"] == owner for r in self.resources[kind].values()) >= settings.QUOTA:
            raise err.ServiceQuotaExceededException("The quota of %d %s resources is reached" % (settings.QUOTA, kind))
        build = None
        if versioned and builds:
            key = (kind, owner, prefix, arn_name(name), version)
            build = self.build_numbers.get(key, 0) + 1
        elif versioned:
            if self.find(kind, self.arn(kind, name, version, owner=owner, prefix=prefix), quiet=True):
                raise err.ResourceAlreadyExistsException("The %s %s version %s already exists" % (kind, name, version))
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
            "_created": time.monotonic(),  # the age the AWS-mode list lag counts (settings.listed)
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

    def _refuse_identical(self, kind, name, version, content, prefix=None):
        """Components and workflows (model 1.44.8 CreateComponent/CreateWorkflow ``name``): an existing name and version
        gets a new build version, but "If the content is also identical to the latest build version, the request fails".
        The code is not documented; ResourceInUseException is what their modeled errors offer (ResourceAlreadyExists is not)."""
        latest = self.find(kind, self.arn(kind, name, version, prefix=prefix), quiet=True)
        if latest and latest.get("_content") == content:
            raise err.ResourceInUseException("The %s %s version %s already exists with identical content: %s" % (
                kind, name, version, latest["arn"]))

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
        content = dict({k: params.get(k) for k in ("description", "changeDescription", "platform", "supportedOsVersions", "kmsKeyId")},
                       type=component_type or ("TEST" if names == {"test"} else "BUILD"), data=data)
        self._refuse_identical("component", params["name"], params["semanticVersion"], content)
        record = self._new("component", params, params["name"], params["semanticVersion"], state={"status": "ACTIVE"},
                           encrypted=True, parameters=parameters or None, _document=document, _content=content, **content)
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

    # ----- recipes
    def _recipe_fields(self, params):
        platform, os_version = self._check_parent_image(params["parentImage"])
        self._check_components(params.get("components"), platform)
        return dict(description=params.get("description"), platform=platform, components=params.get("components"),
                    parentImage=params["parentImage"], workingDirectory=params.get("workingDirectory"), _osVersion=os_version)

    def create_image_recipe(self, params):
        fields = self._recipe_fields(params)
        # Components are optional (botocore 1.44.8: "A recipe with no components bakes the base image"), each at most once.
        arns = [self.find("component", item["componentArn"])["arn"] for item in params.get("components") or []]
        self._must(len(set(arns)) == len(arns), "You can specify each component only one time in a recipe")
        # additionalInstanceConfiguration is stored as sent: an unset agent setting is not false (model 1.44.8
        # SystemsManagerAgent.uninstallAfterBuild: "If you don't set this property, Image Builder removes the agent only
        # if Image Builder installed the agent"), and Get shows none (aws-cli examples/imagebuilder/get-image-recipe.rst).
        record = self._new(
            "image-recipe", params, params["name"], params["semanticVersion"], type="AMI",
            blockDeviceMappings=params.get("blockDeviceMappings"), amiTags=params.get("amiTags"),
            additionalInstanceConfiguration=params.get("additionalInstanceConfiguration"), **fields)
        return {"imageRecipeArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def get_image_recipe(self, params):
        record = self.find("image-recipe", params["imageRecipeArn"])
        return {"imageRecipe": record, "latestVersionReferences": self.latest_references(record)}

    def delete_image_recipe(self, params):
        return {"imageRecipeArn": self._delete("image-recipe", params["imageRecipeArn"], self._users("image-pipeline", "image"))}

    def create_container_recipe(self, params):
        """Model 1.44.8 CreateContainerRecipe: exactly one of dockerfileTemplateData and dockerfileTemplateUri ("Image Builder
        reads the object once, when it creates the recipe, and stores its content"; Get returns the data, never the URI); the
        parent is an image ARN (whose platform the recipe takes) or a registry image; platformOverride only Linux or Windows
        ("Container recipes support only the Linux and Windows platforms"); imageOsVersionOverride is not in the Get shape."""
        template, uri = params.get("dockerfileTemplateData"), params.get("dockerfileTemplateUri")
        if template and uri:
            raise err.InvalidParameterCombinationException("Specify dockerfileTemplateData or dockerfileTemplateUri, not both")
        if not template and not uri:
            raise err.InvalidRequestException("Specify dockerfileTemplateData or dockerfileTemplateUri")
        if uri:
            template = self._s3_text(uri, "Dockerfile template")
        platform, os_version = "Linux", params.get("imageOsVersionOverride") or "Linux"
        if params["parentImage"].startswith("arn:"):
            platform, os_version = self._check_parent_image(params["parentImage"])
        else:
            self._must(not params["parentImage"].startswith(("ami-", "ssm:")),
                       "The parent image %s of a container recipe must be a container image or an image ARN" % params["parentImage"])
        if params.get("platformOverride"):
            self._must(params["platformOverride"] in ("Linux", "Windows"), "Container recipes support only the Linux and Windows platforms")
            platform = params["platformOverride"]
        image = (params.get("instanceConfiguration") or {}).get("image")
        if image:
            self._check_parent_image(image)
        self._check_components(params.get("components"), platform)
        arns = [self.find("component", item["componentArn"])["arn"] for item in params.get("components") or []]
        self._must(len(set(arns)) == len(arns), "You can specify each component only one time in a recipe")
        self._check_kms(params.get("kmsKeyId"))
        record = self._new(
            "container-recipe", params, params["name"], params["semanticVersion"],
            containerType=params["containerType"], description=params.get("description"), platform=platform,
            components=params.get("components"), instanceConfiguration=params.get("instanceConfiguration"),
            dockerfileTemplateData=template, kmsKeyId=params.get("kmsKeyId"),
            encrypted=True, parentImage=params["parentImage"], workingDirectory=params.get("workingDirectory"),
            targetRepository=params["targetRepository"], _osVersion=os_version)
        return {"containerRecipeArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def get_container_recipe(self, params):
        record = self.find("container-recipe", params["containerRecipeArn"])
        return {"containerRecipe": record, "latestVersionReferences": self.latest_references(record)}

    def delete_container_recipe(self, params):
        arn = self._delete("container-recipe", params["containerRecipeArn"], self._users("image-pipeline", "image"))
        return {"containerRecipeArn": arn}

    # ----- infrastructure configurations
    def _infrastructure_fields(self, params):
        self._check_infrastructure_references(params)
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

    # ----- distribution configurations
    def _distribution_fields(self, params):
        self._check_distributions(params["distributions"])
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

    # ----- pipelines
    def _pipeline_fields(self, params):
        recipe = self._build_inputs(params)[0]
        self._check_schedule(params.get("schedule"))
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

    # ----- workflows
    def create_workflow(self, params):
        data, document = self._document(params, "workflow")
        self._check_workflow_document(document)
        self._check_kms(params.get("kmsKeyId"))
        prefix = params["type"].lower()
        content = dict({k: params.get(k) for k in ("description", "changeDescription", "type", "kmsKeyId")}, data=data)
        self._refuse_identical("workflow", params["name"], params["semanticVersion"], content, prefix=prefix)
        # Workflow.parameters (WorkflowParameterDetail): what the document declares, defaults as lists of strings.
        parameters = [dict(name=item["name"], type=item.get("type", "string"), description=item.get("description"),
                           defaultValue=[str(value).lower() if isinstance(value, bool) else str(value)
                                         for value in (item["default"] if isinstance(item["default"], list) else [item["default"]])]
                           if "default" in item else None)
                      for item in document.get("parameters") or [] if isinstance(item, dict) and item.get("name")]
        record = self._new("workflow", params, params["name"], params["semanticVersion"], prefix=prefix, _content=content,
                           parameters=parameters or None, **content)
        return {"workflowBuildVersionArn": record["arn"], "latestVersionReferences": self.latest_references(record)}

    def get_workflow(self, params):
        record = self.find("workflow", params["workflowBuildVersionArn"])
        return {"workflow": record, "latestVersionReferences": self.latest_references(record)}

    def delete_workflow(self, params):
        return {"workflowBuildVersionArn": self._delete("workflow", params["workflowBuildVersionArn"], self._users("image-pipeline", "image"))}

    # ----- lifecycle policies
    def _lifecycle_fields(self, params):
        """Stored only (no policy runs). The combinations the model documents are refused as AWS would (the error code is
        not documented; InvalidParameterValueException is what the operation models)."""
        details = params["policyDetails"]
        types = [detail["action"]["type"] for detail in details]
        self._must(len(set(types)) == len(types), "A policy can contain at most one rule per action type")
        for detail in details:
            action, rule = detail["action"], detail["filter"]
            include = action.get("includeResources") or {}
            container = params["resourceType"] == "CONTAINER_IMAGE"
            self._must(not container or action["type"] == "DELETE", "Policies for container images support only DELETE")
            self._must(rule["type"] != "COUNT" or action["type"] == "DELETE", "The count filter only goes with the DELETE action")
            self._must(rule["type"] != "AGE" or rule.get("unit"), "The unit is required for age-based rules")
            self._must(action["type"] == "DELETE" or not (include.get("snapshots") or include.get("containers")),
                       "DEPRECATE and DISABLE rules can include AMIs only")
            self._must(not include.get("snapshots") or include.get("amis"), "Snapshots can only be included together with AMIs")
            self._must(not container or not (detail.get("exclusionRules") or {}).get("amis"), "AMI exclusion rules are for AMI images")
        selection = params["resourceSelection"]
        self._must(bool(selection.get("recipes")) != bool(selection.get("tagMap")),
                   "You must provide exactly one selection criteria: either recipes or a tag map, not both")
        return {k: params.get(k) for k in ("description", "executionRole", "resourceType", "policyDetails", "resourceSelection")} | {
            "status": params.get("status") or "ENABLED"}

    def create_lifecycle_policy(self, params):
        record = self._new("lifecycle-policy", params, params["name"], **self._lifecycle_fields(params))
        return {"lifecyclePolicyArn": record["arn"]}

    def update_lifecycle_policy(self, params):
        record = self.find("lifecycle-policy", params["lifecyclePolicyArn"])
        # model CreateLifecyclePolicy.resourceType: "You can't change the resource type after creation."
        self._must(params["resourceType"] == record["resourceType"], "You can't change the resource type after creation")
        self._replace(record, self._lifecycle_fields(params))
        return {"lifecyclePolicyArn": record["arn"]}

    def get_lifecycle_policy(self, params):
        return {"lifecyclePolicy": self.find("lifecycle-policy", params["lifecyclePolicyArn"])}

    def delete_lifecycle_policy(self, params):
        return {"lifecyclePolicyArn": self._delete("lifecycle-policy", params["lifecyclePolicyArn"], [])}

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
        """Put/Get{Component,Image,ImageRecipe,ContainerRecipe}Policy. Put validates the policy as AWS RAM would turn it into a
        share (model 1.44.8 PutImagePolicy ``policy``: "Image Builder validates the policy with Amazon Web Services RAM before
        applying it, and rejects invalid policies with InvalidParameterValueException"): JSON with statements that Allow
        principals (accounts, organizations, roles) the read actions AWS's sharing examples grant (aws-cli examples
        put-*-policy.rst) on this very resource. Get answers the policy re-serialised, Resource as a list (aws-cli example
        get-image-policy.rst), and ResourceNotFoundException when the resource has none (undocumented; the engine reads
        that as "not shared")."""
        record = self.find(kind, params[key])
        if verb == "Get":
            if record["arn"] not in self.policies:
                raise err.ResourceNotFoundException("The resource %s has no policy" % record["arn"])
            return {"policy": self.policies[record["arn"]]}
        if record["_account"] != self.account_id:
            raise err.InvalidParameterValueException("Only resources that your account owns can be shared")
        if kind in KINDS and KINDS[kind][1] and record["arn"] != params[key]:
            raise err.InvalidParameterValueException("A policy applies to a build version ARN: %s" % params[key])
        document = self._policy_document(kind, record["arn"], params["policy"])
        self.policies[record["arn"]] = json.dumps(document)
        return {key: record["arn"]}

    def _policy_document(self, kind, arn, text):
        try:
            document = json.loads(text)
        except ValueError:
            raise err.InvalidParameterValueException("The policy is not valid JSON")
        statements = document.get("Statement") if isinstance(document, dict) else None
        statements = [statements] if isinstance(statements, dict) else statements
        self._must(isinstance(statements, list) and statements and all(isinstance(item, dict) for item in statements),
                   "The policy needs at least one Statement")
        noun = "".join(part.capitalize() for part in kind.split("-"))
        allowed = {"imagebuilder:Get%s" % noun, "imagebuilder:List%ss" % noun}
        for statement in statements:
            self._must(statement.get("Effect") == "Allow", "A sharing policy can only Allow")
            principal = statement.get("Principal")
            self._must(isinstance(principal, dict) and principal.get("AWS"), "A sharing policy names AWS principals")
            actions = statement.get("Action")
            actions = [actions] if isinstance(actions, str) else actions
            self._must(isinstance(actions, list) and actions and set(actions) <= allowed,
                       "The actions a %s can be shared with are %s" % (kind, ", ".join(sorted(allowed))))
            resources = statement.get("Resource")
            resources = [resources] if isinstance(resources, str) else resources
            self._must(isinstance(resources, list) and resources and set(resources) <= {arn},
                       "The policy's Resource must be %s" % arn)
            statement["Resource"] = resources
        return document

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


def advance_images(arn=None, steps=1, fraction=None):
    """``POST /_amiforge/advance``: {build ARN: status} of the builds moved (see ``BuildsMixin.advance_image``)."""
    moved = {}
    with LOCK:
        for backend in all_backends():
            moved.update(backend.advance_image(arn, steps, fraction))
    return moved
