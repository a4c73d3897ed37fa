"""Images and builds: the state walk on the clock, failure, asynchronous cancel, in-place retry, distribution
(AMIs, tags, launch permissions, launch templates, SSM parameters) and workflow executions."""
import copy
import hashlib
import json
import re
import time
import uuid

import yaml

from tests.emulator import exceptions as err
from tests.emulator import settings
from tests.emulator.utils import AMAZON_WORKFLOWS, FAIL_STEP, FINAL_STATES, STATES, now

WORKFLOW_STATE = {"BUILD": "BUILDING", "TEST": "TESTING", "DISTRIBUTION": "DISTRIBUTING"}  # the image state a workflow runs in


class BuildsMixin:
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

    def start_image_pipeline_execution(self, params):
        pipeline = self.find("image-pipeline", params["imagePipelineArn"])
        request = dict({k: pipeline.get(k) for k in (
            "imageRecipeArn", "containerRecipeArn", "infrastructureConfigurationArn", "distributionConfigurationArn",
            "imageTestsConfiguration", "enhancedImageMetadataEnabled", "imageScanningConfiguration", "workflows",
            "executionRole", "loggingConfiguration") if pipeline.get(k) is not None},
            tags=dict(pipeline.get("imageTags") or {}, **(params.get("tags") or {})))
        image = self._create_image(request, pipeline)
        # "The status of the last image that this pipeline built, such as BUILDING" (ImagePipeline.lastRunStatus):
        # it follows the newest build from its start.
        pipeline.update(dateLastRun=now(), lastRunStatus="PENDING", _lastImage=image["arn"])
        return {"imageBuildVersionArn": image["arn"]}

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

    # ----- the clock
    def advance(self):
        """Move every unfinished build along the clock; called on reads and by the server's ticker."""
        step = settings.CLOCK["step_seconds"]
        for record in list(self.resources["image"].values()):
            # One state per step at most, each lasting a full step from when it began, so a poller sees every state
            # even after a stall; a step of 0 finishes the build at once.
            while record["state"]["status"] not in FINAL_STATES and time.monotonic() - record["_since"] >= step:
                record["_since"] = time.monotonic()
                self._next_state(record)
                if step > 0:
                    break

    def advance_image(self, arn=None, steps=1, fraction=None):
        """Move unfinished builds (every one, or the build ``arn``) ``steps`` states on, whatever the clock says
        (``POST /_amiforge/advance``: tests hold builds with a long clock step and walk them state by state).
        ``fraction`` instead moves them that fraction of a clock step on inside their state (a workflow's steps run
        one after the other over the step). Returns {build ARN: status}."""
        moved = {}
        for record in list(self.resources["image"].values()):
            if arn and record["arn"] != arn:
                continue
            if fraction is not None:
                if record["state"]["status"] not in FINAL_STATES:
                    record["_since"] -= fraction * settings.CLOCK["step_seconds"]
                moved[record["arn"]] = record["state"]["status"]
                continue
            for _step in range(steps):
                if record["state"]["status"] in FINAL_STATES:
                    break
                record["_since"] = time.monotonic()
                self._next_state(record)
            moved[record["arn"]] = record["state"]["status"]
        return moved

    def _next_state(self, record):
        status = record["state"]["status"]
        if record.get("_cancelling"):
            self._stop(record, "CANCELLED", "Cancelled by CancelImageCreation")
            return
        if status == "BUILDING":
            failing = self._failing_component(record)
            if failing:
                self._stop(record, "FAILED", "Step %s of component %s failed" % (FAIL_STEP, failing))
                return
        following = STATES[STATES.index(status) + 1]
        if following == "AVAILABLE":
            try:
                self._distribute(record)
            except Exception as error:  # a vanished launch template or region: the build fails like AWS's would
                self._stop(record, "FAILED", "Distribution failed: %s" % error, phase="DISTRIBUTING")
                return
        record["state"] = {"status": following}
        self._report(record, following)
        if following == "AVAILABLE":
            self._finish(record, following)

    def _stop(self, record, status, reason, phase=None):
        """End a build FAILED or CANCELLED, remembering the phase a RetryImage resumes from."""
        record["_resume"] = phase or record["state"]["status"]
        record.pop("_cancelling", None)
        record["state"] = {"status": status, "reason": reason}
        self._finish(record, status)

    def _finish(self, record, status):
        record["_ended"] = now()
        self._report(record, status)

    def _report(self, record, status):
        """The pipeline's lastRunStatus follows its newest build."""
        pipeline = self.resources["image-pipeline"].get(record.get("sourcePipelineArn") or "")
        if pipeline and pipeline.get("_lastImage", record["arn"]) == record["arn"]:
            pipeline["lastRunStatus"] = status

    def _failing_component(self, record):
        recipe = record.get("imageRecipe") or record.get("containerRecipe") or {}
        for component in recipe.get("components") or []:
            target = self.find("component", component["componentArn"], quiet=True)
            for phase in ((target or {}).get("_document") or {}).get("phases") or []:
                if any(isinstance(step, dict) and step.get("name") == FAIL_STEP for step in phase.get("steps") or []):
                    return target["arn"]
        return None

    def _distribute_containers(self, record):
        """A container build pushes its image to ECR in each distribution region (the build region without a distribution):
        to the distribution's containerDistributionConfiguration.targetRepository, else the recipe's. The image is tagged
        VERSION-BUILD and with the distribution's containerTags; outputResources.containers lists one URI per region. A
        repository that does not exist fails the build (model 1.44.8 CreateContainerRecipe.targetRepository: "The Amazon ECR
        repository must already exist in the Amazon Web Services Region where the build runs")."""
        recipe = record["containerRecipe"]
        distributions = (record.get("distributionConfiguration") or {}).get("distributions") or [{"region": self.region_name}]
        tag = "%s-%s" % (record["_version"], record["_build"])
        for distribution in distributions:
            region = distribution["region"]
            config = distribution.get("containerDistributionConfiguration") or {}
            repository = (config.get("targetRepository") or recipe["targetRepository"])["repositoryName"]
            ecr = self._service("ecr", region)
            if repository not in ecr.repositories:
                raise ValueError("the ECR repository %s does not exist in %s" % (repository, region))
            manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                                   "config": {"digest": "sha256:" + hashlib.sha256(record["arn"].encode()).hexdigest()}, "layers": []})
            for image_tag in [tag] + list(config.get("containerTags") or []):
                ecr.put_image(repository, manifest, image_tag)
            uri = "%s.dkr.ecr.%s.amazonaws.com/%s:%s" % (self.account_id, region, repository, tag)
            record["outputResources"].setdefault("containers", []).append({"region": region, "imageUris": [uri]})

    def _distribute(self, record):
        """Register an AMI per distribution region (and target account), tag it, share it, update templates, write SSM."""
        if record["type"] == "DOCKER":
            self._distribute_containers(record)
            return
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

    # ----- the operations
    def get_image(self, params):
        """A version or wildcard ARN resolves to the latest AVAILABLE build (``find``); a build ARN to that build in any state."""
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if not settings.image_visible(record):
            raise err.ResourceNotFoundException("The resource %s does not exist" % params["imageBuildVersionArn"])
        return {"image": record, "latestVersionReferences": self.latest_references(record)}

    def cancel_image_creation(self, params):
        """Asynchronous, as in AWS: the answer comes at once, the build stops CANCELLED one clock step later."""
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if record["state"]["status"] in FINAL_STATES:
            # The cfn provider's image DeleteHandler treats this code as "the image hit a terminal state".
            raise err.InvalidParameterValueException("The image %s is %s: only an image that is being built can be cancelled" % (
                record["arn"], record["state"]["status"]))
        if not record.get("_cancelling"):
            record["_cancelling"] = True
            record["_since"] = time.monotonic()
            record["state"] = dict(record["state"], reason="Cancellation requested by CancelImageCreation")
        return {"imageBuildVersionArn": record["arn"]}

    def retry_image(self, params):
        """In place, as in AWS: the same build version returns to the phase where it failed or was cancelled."""
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if record["state"]["status"] not in ("FAILED", "CANCELLED"):
            raise err.InvalidRequestException("Only a FAILED or CANCELLED image can be retried, not %s" % record["state"]["status"])
        if record["type"] != "AMI":
            raise err.InvalidRequestException("Retry is only supported for AMI-based images")
        record["state"] = {"status": record.pop("_resume", "PENDING")}
        record["_since"] = time.monotonic()
        record.pop("_ended", None)
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

    def delete_image(self, params):
        self.advance()
        record = self.find("image", params["imageBuildVersionArn"])
        if record["state"]["status"] not in FINAL_STATES:
            raise err.ResourceDependencyException("The image %s is still being built" % record["arn"])
        return {"imageBuildVersionArn": self._delete("image", params["imageBuildVersionArn"], [])}

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
            execution_id = "wf-%s-%04d-0000-0000-%012d" % (image["_id"], index, image["_build"])
            steps = self._steps(image, workflow, execution_id, state)
            executions.append({
                "workflowExecutionId": execution_id,
                "workflowBuildVersionArn": workflow["arn"], "type": workflow["type"], "status": state, "totalStepCount": len(steps),
                "totalStepsSucceeded": sum(1 for step in steps if step["status"] == "COMPLETED"),
                "totalStepsFailed": sum(1 for step in steps if step["status"] == "FAILED"),
                "totalStepsSkipped": sum(1 for step in steps if step["status"] in ("SKIPPED", "CANCELLED")), "startTime": image["dateCreated"],
                "endTime": image.get("_ended"), "message": image["state"].get("reason"), "_steps": steps})
        return executions

    def _steps(self, image, workflow, execution_id, state):
        """The steps of one workflow execution, walked in order while the image is in the workflow's state: during
        that state the steps run one after the other over the clock step; before it they are PENDING, after it
        COMPLETED; a failed execution fails at its running step and skips the rest, a cancelled one cancels them."""
        document = yaml.safe_load(workflow["data"]) or {}
        steps = [step for step in document.get("steps") or [] if isinstance(step, dict)]
        running = 0
        if state == "RUNNING" and steps:
            elapsed = time.monotonic() - image["_since"]
            running = min(int(elapsed / max(settings.CLOCK["step_seconds"], 1e-6) * len(steps)), len(steps) - 1)
        found = []
        for number, step in enumerate(steps):
            if state == "COMPLETED" or (state == "RUNNING" and number < running):
                status = "COMPLETED"
            elif state == "RUNNING" and number == running:
                status = "RUNNING"
            elif state == "FAILED":
                status = "FAILED" if number == 0 else "SKIPPED"
            elif state in ("SKIPPED", "CANCELLED"):
                status = state
            else:
                status = "PENDING"
            found.append({
                "stepExecutionId": "step-%s-%04x-%04x-0000-%012d" % (image["_id"], int(execution_id[12:16]), number, image["_build"]),
                "name": step.get("name"), "description": step.get("description"), "action": step.get("action"), "status": status,
                "rollbackStatus": "SKIPPED" if status == "FAILED" else None,
                "message": image["state"].get("reason") if status == "FAILED" else None,
                "inputs": json.dumps(step.get("inputs") or {}), "outputs": json.dumps({}) if status == "COMPLETED" else None,
                "startTime": image["dateCreated"] if status != "PENDING" else None,
                "endTime": image.get("_ended") if status in ("FAILED", "SKIPPED", "CANCELLED") else None,
                "onFailure": step.get("onFailure", "Abort"), "timeoutSeconds": step.get("timeoutSeconds"),
                "workflowBuildVersionArn": workflow["arn"], "workflowExecutionId": execution_id})
        return found

    def list_workflow_executions(self, params):
        self.advance()
        image = self.find("image", params["imageBuildVersionArn"])
        executions, token = self._page([self._public(execution) for execution in self._executions(image)], params)
        return {"workflowExecutions": executions, "imageBuildVersionArn": image["arn"], "nextToken": token}

    @staticmethod
    def _public(item):
        return dict((key, value) for key, value in item.items() if not key.startswith("_") and value is not None)

    def _execution(self, execution_id):
        """(image, execution) of a workflow execution id of this account."""
        self.advance()
        for image in self.resources["image"].values():
            for execution in self._executions(image) if image["_account"] == self.account_id else []:
                if execution["workflowExecutionId"] == execution_id:
                    return image, execution
        raise err.ResourceNotFoundException("The workflow execution %s does not exist" % execution_id)

    def get_workflow_execution(self, params):
        image, execution = self._execution(params["workflowExecutionId"])
        return dict(self._public(execution), imageBuildVersionArn=image["arn"])

    def list_workflow_step_executions(self, params):
        image, execution = self._execution(params["workflowExecutionId"])
        fields = ("stepExecutionId", "name", "description", "action", "status", "rollbackStatus", "message", "inputs", "outputs",
                  "startTime", "endTime")  # WorkflowStepMetadata
        steps, token = self._page([self._public(dict((key, step[key]) for key in fields)) for step in execution["_steps"]], params)
        return {"steps": steps, "workflowBuildVersionArn": execution["workflowBuildVersionArn"], "imageBuildVersionArn": image["arn"],
                "workflowExecutionId": execution["workflowExecutionId"], "nextToken": token}

    def get_workflow_step_execution(self, params):
        self.advance()
        for image in self.resources["image"].values():
            for execution in self._executions(image) if image["_account"] == self.account_id else []:
                for step in execution["_steps"]:
                    if step["stepExecutionId"] == params["stepExecutionId"]:
                        return dict(self._public(step), imageBuildVersionArn=image["arn"])
        raise err.ResourceNotFoundException("The workflow step execution %s does not exist" % params["stepExecutionId"])
