#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: image
short_description: Build EC2 Image Builder images, by running a pipeline or from a recipe
version_added: 0.1.0
description:
  - Ensures an image exists for the recipe version a pipeline (or a recipe given directly) uses now, building one
    when there is none. A re-run after a successful build builds nothing, so a playbook can say "bake the image"
    every time and only pay for a build when the recipe changed (or with O(force=true)).
  - Never starts a second build of a recipe version while one is running, even one GetImage does not show yet (the
    pipeline's last run status says so), and two runs that start the same pipeline build at the same moment start
    one build (their requests carry the same client token).
  - Waits for the build by default and fails with the service's reason when it fails, naming where its logs are (the
    infrastructure configuration's S3 log location and the CloudWatch Logs groups).
  - While it waits, each state the build reaches is printed as it happens (a line with the state, the time waited and
    the image ARN, in ansible-playbook's output and in AWX job output), and the result carries RV(timeline).
  - With O(arn) and no O(pipeline) or O(image_recipe), follows that build (waits for it, or reports its state).
  - With O(state=absent), deletes the image build version O(arn). Its AMIs and their snapshots stay (DeleteImage leaves
    them) unless O(delete_output_resources=true).
  - With O(state=cancelled), cancels the build O(arn) if it is still running (CancelImageCreation).
author:
  - amiforge developers (@amiforge)
options:
  pipeline:
    description:
      - The image pipeline to run, by name or ARN. Its recipe, infrastructure and distribution are used.
    type: str
  image_recipe:
    description:
      - Without O(pipeline), build from this image recipe, by name (its latest version), V(name:version), or ARN; needs
        O(infrastructure_configuration).
      - With O(pipeline), the recipe version the pipeline must build (for example the RV(amiforge.imagebuilder.image_recipe#module:arn)
        an earlier task registered). If the pipeline uses another recipe the task fails, except in check mode, where it
        means the pipeline task before would change the pipeline, so a build would start; the plan predicts it.
    type: str
  container_recipe:
    description:
      - Like O(image_recipe), for a container image. Without O(pipeline), build from this container recipe (by name,
        V(name:version) or ARN); with O(pipeline), the container recipe version the pipeline must build. Mutually
        exclusive with O(image_recipe).
      - The build ends with the image pushed to the recipe's (or the distribution's) ECR repository; its URIs are in
        C(image.output_resources.containers).
    type: str
  infrastructure_configuration:
    description:
      - With O(image_recipe) or O(container_recipe), the infrastructure configuration to build on, by name or ARN.
    type: str
  distribution_configuration:
    description:
      - With O(image_recipe) or O(container_recipe), where to distribute the image, by name or ARN.
    type: str
  workflows:
    description:
      - With O(image_recipe) and no O(pipeline), the build and test workflows to run instead of the default ones
        (M(amiforge.imagebuilder.workflow)), in order; needs O(execution_role). A pipeline runs its own.
      - Checked before any write as M(amiforge.imagebuilder.image_pipeline) checks its O(amiforge.imagebuilder.image_pipeline#module:workflows).
    type: list
    elements: dict
    suboptions:
      workflow:
        description:
          - The workflow, by name (its latest version, ours before Amazon's), V(name:version), or ARN.
        type: str
        required: true
        aliases: [workflow_arn]
      parameters:
        description:
          - Values of the parameters the workflow's document declares.
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The parameter's name.
            type: str
            required: true
          value:
            description:
              - The value, or a list of values for a V(stringList) parameter. Booleans are sent as V(true) or V(false).
            type: raw
            required: true
      on_failure:
        description:
          - V(ABORT) (when unset) fails the build when the workflow fails; V(CONTINUE) goes on with the next workflow.
        type: str
      parallel_group:
        description:
          - The parallel group of a TEST workflow.
        type: str
  execution_role:
    description:
      - With O(workflows), the IAM role (name or ARN) Image Builder assumes to run them.
    type: str
  image_scanning_configuration:
    description:
      - Without O(pipeline), how Amazon Inspector scans the new image (it scans during image tests).
    type: dict
    suboptions:
      image_scanning_enabled:
        description:
          - Scan the image.
        type: bool
      ecr_configuration:
        description:
          - For a container image, the ECR repository Image Builder pushes it to for the scan.
        type: dict
        suboptions:
          repository_name:
            description:
              - The repository's name only; it must exist in the module's region.
            type: str
          container_tags:
            description:
              - Tags for the scanned container image.
            type: list
            elements: str
      image_scanning_types:
        description:
          - The one scan Amazon Inspector runs (one value). V(TEST_INSTANCE_CVE) (what Image Builder uses when unset) scans
            the test instance and needs Inspector activated for EC2 scanning; V(ON_DEMAND_AMI_CVE) scans the output AMI on
            demand, without activating Inspector, and needs an image recipe (not a container recipe).
        type: list
        elements: str
        choices: [TEST_INSTANCE_CVE, ON_DEMAND_AMI_CVE]
      scan_result_condition:
        description:
          - With V(ON_DEMAND_AMI_CVE) only, which findings fail the image in the test phase (the AMI is then not
            distributed). Without it, the scan runs but its results do not pass or fail the image.
        type: dict
        suboptions:
          maximum_severity_label:
            description:
              - The highest severity allowed; a counted finding above it fails the image.
            type: str
            required: true
            choices: [INFORMATIONAL, LOW, MEDIUM, HIGH]
          fix_available:
            description:
              - Count only findings that have a fix available (what Image Builder does when unset); V(false) counts every finding.
            type: bool
  logging_configuration:
    description:
      - Without O(pipeline), the CloudWatch Logs log group of the build's logs.
    type: dict
    suboptions:
      log_group_name:
        description:
          - The log group (default V(/aws/imagebuilder/IMAGE_NAME)). One outside V(/aws/imagebuilder/) needs an execution
            role that may write to it.
        type: str
  force:
    description:
      - Build even when an image of the current recipe version exists or is being built.
    type: bool
    default: false
  wait:
    description:
      - Wait for the build to end.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds. When it runs out the task fails, the build goes on, and a re-run waits for
        that same build instead of starting another.
    type: int
    default: 7200
  arn:
    description:
      - An image build version, C(arn:aws:imagebuilder:REGION:ACCOUNT:image/NAME/x.y.z/BUILD). The one to delete with
        O(state=absent), to cancel with O(state=cancelled), or to follow with O(state=present) (instead of O(pipeline) or
        O(image_recipe)).
    type: str
  delete_output_resources:
    description:
      - With O(state=absent), first deregister the AMIs the build distributed to this account, in every region, and delete
        their EBS snapshots, then delete the image. AWS's DeleteImage leaves them, and DeregisterImage leaves the snapshots.
      - AMIs distributed to other accounts (C(target_account_ids)) and container images stay; RV(output_resources_kept)
        lists them with the reason. When something of this account cannot be removed the image is kept and the task
        fails, so a re-run finishes the job (snapshots are tagged C(Ec2ImageBuilderArn) before their AMI is
        deregistered, so a run cut short finds them again).
      - In check mode, RV(output_resources_removed) lists what would be removed.
    type: bool
    default: false
  tags:
    description:
      - Tags for a new image.
    type: dict
  state:
    description:
      - V(present) makes sure an image of the current recipe version exists (or follows the build O(arn)), V(absent)
        deletes the image O(arn), V(cancelled) cancels the build O(arn) if it is still running.
      - V(cancelled) is unchanged when the build already ended (the result's C(msg) says in which state); with O(wait) it
        waits until the build is CANCELLED (cancelling is asynchronous).
    type: str
    choices: [present, absent, cancelled]
    default: present
notes:
  - An action plugin of the same name runs in front of the module to print the states while it waits; it works when
    the module is called by its FQCN, its short name with C(collections), and with
    C(module_defaults) for C(group/amiforge.imagebuilder.aws).
  - Supports check mode (no write call; C(changed) says whether a build would start) and diff mode.
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts without modifying the target.
    support: full
  diff_mode:
    description: Returns what has changed (or would change in check mode) in diff mode.
    support: full
extends_documentation_fragment:
  - amiforge.imagebuilder.imagebuilder.image_tests
  - amiforge.imagebuilder.imagebuilder.sharing
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Bake the golden image if its recipe changed since the last build
  amiforge.imagebuilder.image:
    pipeline: golden-al2023
  register: golden

- name: Show the AMIs it distributed
  ansible.builtin.debug:
    msg: "{{ golden.amis | map(attribute='image') | list }}"

- name: A one-off build from a recipe, without a pipeline, not waiting
  amiforge.imagebuilder.image:
    image_recipe: golden-al2023
    infrastructure_configuration: golden-build
    force: true
    wait: false

- name: A build from a recipe with custom build and test workflows
  amiforge.imagebuilder.image:
    image_recipe: golden-al2023
    infrastructure_configuration: golden-build
    workflows:
      - workflow: build-sanitized
      - workflow: test-with-pause
        parameters:
          - name: pauseAtEnd
            value: false
    execution_role: ImageBuilderWorkflowRole

- name: Delete an image build version
  amiforge.imagebuilder.image:
    arn: arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.4/1
    state: absent

- name: Delete a build with its AMIs and their snapshots in every region
  amiforge.imagebuilder.image:
    arn: "{{ golden.arn }}"
    state: absent
    delete_output_resources: true
  register: teardown

- name: Start a build, then cancel it
  amiforge.imagebuilder.image:
    pipeline: golden-al2023
    force: true
    wait: false
  register: started

- name: Cancel it (unchanged if it already ended)
  amiforge.imagebuilder.image:
    arn: "{{ started.arn }}"
    state: cancelled
"""

RETURN = r"""
policy:
  description:
    - The resource policy of the version converged, as a dictionary in a canonical form (lists sorted, account ids as root
      ARNs); null when it is not shared.
  returned: when O(policy) is set and state is present
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
           "Action": ["imagebuilder:GetComponent", "imagebuilder:ListComponents"],
           "Resource": ["arn:aws:imagebuilder:us-east-1:123456789012:component/my-component/1.0.0/1"]}]}
arn:
  description: The ARN of the image build version (existing, new or deleted).
  returned: always
  type: str
  sample: arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.4/1
image:
  description: The image, in snake_case, as GetImage returns it (in check mode, when a build would start, only its predicted RV(arn)).
  returned: always
  type: dict
  sample: {"arn": "arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.4/1", "state": {"status": "AVAILABLE"}}
amis:
  description: The AMIs the build distributed, one per region and account.
  returned: always
  type: list
  elements: dict
  sample: [{"region": "us-east-1", "image": "ami-0abcdef1234567890", "name": "golden-2026-11-27T03-00-00Z", "account_id": "123456789012"}]
timeline:
  description:
    - The states the build went through while the task waited, each with when it was first seen (UTC) and the seconds
      waited until then.
  returned: when the task waited for a build
  type: list
  elements: dict
  sample: [{"status": "PENDING", "time": "2026-11-27T03:00:01Z", "elapsed_seconds": 0},
           {"status": "BUILDING", "time": "2026-11-27T03:04:31Z", "elapsed_seconds": 270}]
log_locations:
  description: Where the logs of a FAILED build are (S3 and CloudWatch Logs).
  returned: when the build failed
  type: str
  sample: "S3 s3://build-logs/golden/; CloudWatch Logs group /aws/imagebuilder/golden-al2023 (stream 1.0.4/1)"
output_resources_removed:
  description: With O(delete_output_resources), what was removed (in check mode, what would be), per region.
  returned: with O(delete_output_resources)
  type: dict
  sample: {"us-east-1": {"amis": ["ami-0abcdef1234567890"], "snapshots": ["snap-0123456789abcdef0"]}}
output_resources_kept:
  description: With O(delete_output_resources), what stays, each with the reason (AMIs of other accounts, container images).
  returned: with O(delete_output_resources)
  type: list
  elements: dict
  sample: [{"region": "eu-west-1", "account_id": "210987654321", "image": "ami-0fedcba9876543210", "reason": "distributed to account 210987654321: ..."}]
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import is_wildcard, name_problem, parse_arn, strip_build
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.builds import (
    BUILDING, IMAGE, NOT_FOUND_GRACE, build_number, builds_of, log_locations, newest, pipeline_is_building, remove_outputs, status_of,
    wait_for_image,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.checks import fail_on_problems, request_problems, tag_problems
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS, ImageBuilder, client_token
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import diff_of, result_of, to_api
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import (
    IMAGE_SCANNING_SPEC, IMAGE_TESTS_SPEC, WORKFLOWS_SPEC, check_common_options, check_image_scanning, check_workflows_form,
    image_tests_configuration, require_ecr_repository, workflow_configurations,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.references import References
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.sharing import POLICY_OPTION, share, wanted_policy


def find_pipeline(module, api, references):
    """The pipeline to run; in check mode, one an earlier task would create ({'arn': ...} only)."""
    reference = module.params["pipeline"]
    kind = KINDS["image_pipeline"]
    if reference.startswith("arn:"):
        arn = references.resolve("image_pipeline", reference, "pipeline")
    else:
        problem = name_problem(reference, "pipeline")
        if problem:
            module.fail_json(msg=problem)
        arn = api.arn(kind, reference)
    pipeline = api.get(kind, arn)
    if pipeline is None and not module.check_mode:
        module.fail_json(msg="pipeline: image pipeline %r does not exist in %s. Create it first (amiforge.imagebuilder.image_pipeline)."
                         % (reference, module.region))
    if pipeline is None:
        module.warn("check mode: pipeline: image pipeline %r does not exist yet; assuming an earlier task creates it" % reference)
    return pipeline or dict(arn=arn, predicted=True)


def exact_recipe(api, arn):
    """The recipe version an ARN with x wildcards stands for now (unchanged when none exists yet)."""
    if not arn or not is_wildcard(parse_arn(arn)["version"]):
        return arn
    recipe = api.get(KINDS[parse_arn(arn)["type"].replace("-", "_")], arn)
    return strip_build(recipe["arn"]) if recipe else arn


def recipe_of(module, api, references, pipeline):
    """(the exact recipe version ARN to build, whether the pipeline builds it now): the pipeline's,
    or the one ``image_recipe`` says it must build (in check mode, the one an earlier task would
    give it)."""
    params = module.params
    recipe_arn = exact_recipe(api, (pipeline or {}).get("imageRecipeArn") or (pipeline or {}).get("containerRecipeArn"))
    option = "container_recipe" if params["container_recipe"] else "image_recipe"
    if params[option]:
        wanted = exact_recipe(api, references.resolve(option, params[option], option))
        if recipe_arn and wanted != recipe_arn and not module.check_mode:
            module.fail_json(msg="%s: pipeline %s builds %s, not %s; converge the pipeline first (amiforge.imagebuilder.image_pipeline)"
                             % (option, pipeline["arn"], recipe_arn, wanted))
        return wanted, wanted == recipe_arn
    return recipe_arn, True  # None: check mode, a pipeline an earlier task would create, with a recipe not given here


def start_request(module, references, pipeline, recipe_arn, builds):
    """The call that starts a build. Unless ``force``, its clientToken is derived from what this
    run saw (the pipeline's last run, or the builds of the recipe version), so two runs that see
    the same state send the same token and the service starts one build."""
    params = module.params
    if pipeline:
        operation, request = "StartImagePipelineExecution", dict(imagePipelineArn=pipeline["arn"])
        seen = [pipeline.get("dateCreated"), pipeline.get("dateLastRun")]  # a pipeline made anew under the same name differs
    else:
        operation, seen = "CreateImage", [(build["arn"], status_of(build)) for build in builds]
        recipe_field = "containerRecipeArn" if parse_arn(recipe_arn)["type"] == "container-recipe" else "imageRecipeArn"
        request = {recipe_field: recipe_arn}
        request.update(
            infrastructureConfigurationArn=references.resolve("infrastructure_configuration", params["infrastructure_configuration"],
                                                              "infrastructure_configuration"),
            distributionConfigurationArn=references.resolve("distribution_configuration", params["distribution_configuration"],
                                                            "distribution_configuration") if params["distribution_configuration"] else None,
            imageTestsConfiguration=image_tests_configuration(module),
            workflows=workflow_configurations(module, references) or None,
            executionRole=params["execution_role"] or None,
            imageScanningConfiguration=to_api(params["image_scanning_configuration"]) or None,
            loggingConfiguration=to_api(params["logging_configuration"]) or None,
        )
        request = dict((key, value) for key, value in request.items() if value is not None)
    if params["tags"]:
        request["tags"] = params["tags"]
    if not params["force"]:
        request["clientToken"] = client_token([request, recipe_arn, seen], "start")
    return operation, request


def finish(module, changed, image, before, api=None):
    """Exit with the image; a build that ended badly fails the task with the service's reason (and,
    when it FAILED, where its logs are)."""
    image = image or {}
    status = status_of(image)
    result = dict(changed=changed, arn=image.get("arn"), image=result_of(image),
                  amis=[result_of(ami) for ami in (image.get("outputResources") or {}).get("amis", [])])
    if module._diff:
        result["diff"] = diff_of(before, dict(arn=image.get("arn"), status=status) if image else {})
    if module.params["policy"] is not None and status not in ("FAILED", "CANCELLED"):  # sharing: on the build converged
        shared, result["policy"] = share(module, ImageBuilder(module), "image", image, result.get("diff"))
        result["changed"] = changed or shared
    if status in ("FAILED", "CANCELLED"):
        message = "image build %s ended %s: %s" % (image["arn"], status, image["state"].get("reason", "no reason given"))
        if status == "FAILED":
            result["log_locations"] = log_locations(api or ImageBuilder(module), image)
            message += ". Logs: %s" % result["log_locations"]
        module.fail_json(msg=message, **result)
    if module.params["wait"] and status in BUILDING:
        module.fail_json(msg="image build %s is still %s after %d seconds; it goes on, and a re-run waits for it"
                         % (image["arn"], status, module.params["wait_timeout"]), **result)
    module.exit_json(**result)


def follow(module, api, arn):
    return wait_for_image(api, arn, module.params["wait_timeout"]) if module.params["wait"] else (api.get(IMAGE, arn) or dict(arn=arn))


def wait_to_appear(module, api, name, version, pipeline):
    """The pipeline says it is building this recipe version, but GetImage does not show the build
    yet: wait (up to the grace period) for it to appear, instead of starting another."""
    deadline = time.monotonic() + NOT_FOUND_GRACE
    while time.monotonic() < deadline:
        running = [build for build in builds_of(api, name, version, pipeline["arn"]) if status_of(build) in BUILDING + ("AVAILABLE",)]
        if running:
            return newest(running)
        time.sleep(5)
    module.fail_json(msg="pipeline %s says a build is running (%s since %s), but no build of %s %s can be read; run again later"
                     % (pipeline["arn"], pipeline.get("lastRunStatus"), pipeline.get("dateLastRun"), name, version))


def check_build_arn(module):
    """``arn`` must be an image build version ARN (checked before any call)."""
    arn = module.params["arn"]
    parts = parse_arn(arn) or {}
    if parts.get("type") != "image" or not parts.get("build"):
        module.fail_json(msg="arn: %r is not an image build version ARN (arn:aws:imagebuilder:REGION:ACCOUNT:image/NAME/x.y.z/BUILD)" % arn)


def delete(module, api):
    """Delete the image ``arn``; with ``delete_output_resources`` first its AMIs and snapshots in our account."""
    arn = module.params["arn"]
    image = api.get(IMAGE, arn)
    outputs = dict(output_resources_removed={}, output_resources_kept=[]) if module.params["delete_output_resources"] else {}
    if not image or status_of(image) == "DELETED":
        module.exit_json(changed=False, arn=arn, image={}, amis=[], **outputs)
    diff = dict(diff=diff_of(dict(arn=arn, status=status_of(image)), {})) if module._diff else {}
    if module.params["delete_output_resources"]:
        if status_of(image) in BUILDING:
            module.fail_json(msg="arn: image build %s is still %s, so its AMIs may not exist yet; cancel it first (state=cancelled), then "
                                 "delete it" % (arn, status_of(image)), changed=False, arn=arn, **outputs)
        removed, kept = remove_outputs(api, image)
        outputs = dict(output_resources_removed=removed, output_resources_kept=kept)
        ours = [item for item in kept if "account_id" not in item and "image_uris" not in item]
        if ours:
            module.fail_json(msg="Removed the AMIs and snapshots of %s but %s; the image is kept so that a re-run finishes the job once "
                                 "that is fixed" % (arn, "; ".join("%s %s is %s" % (item["region"], item["snapshot"], item["reason"])
                                                                   for item in ours)),
                             changed=bool(removed), arn=arn, image=result_of(image), amis=[], **outputs)
    api.delete_or_fail(IMAGE, arn)
    module.exit_json(changed=True, arn=arn, image={}, amis=[], **dict(outputs, **diff))


def cancel(module, api):
    """Cancel the build ``arn`` if it still runs (asynchronous: with ``wait``, until it is CANCELLED)."""
    arn = module.params["arn"]
    image = api.get(IMAGE, arn)
    if not image:
        module.fail_json(msg="arn: image build %s does not exist in %s" % (arn, module.region))
    before = dict(arn=arn, status=status_of(image))
    if status_of(image) in BUILDING:
        # A build that ends between GetImage and the cancel answers InvalidParameterValueException (the cfn
        # provider's image DeleteHandler takes it for "the image hit a terminal state"): read it again.
        answer = api.write("CancelImageCreation", ignore=("InvalidParameterValueException",), imageBuildVersionArn=arn)
        if not isinstance(answer, Exception):
            if answer is not None and module.params["wait"]:
                image = wait_for_image(api, arn, module.params["wait_timeout"])
            result = dict(changed=True, arn=arn, image=result_of(image),
                          amis=[result_of(ami) for ami in (image.get("outputResources") or {}).get("amis", [])],
                          msg="cancellation of %s %s" % (arn, "requested" if status_of(image) in BUILDING else "done: %s" % status_of(image)))
            if module._diff:
                result["diff"] = diff_of(before, dict(arn=arn, status="CANCELLED"))
            if module.params["wait"] and answer is not None and status_of(image) in BUILDING:
                module.fail_json(msg="cancellation of %s requested, but it is still %s after %d seconds"
                                     % (arn, status_of(image), module.params["wait_timeout"]), **result)
            module.exit_json(**result)
        image = api.get(IMAGE, arn) or image
    module.exit_json(changed=False, arn=arn, image=result_of(image),
                     amis=[result_of(ami) for ami in (image.get("outputResources") or {}).get("amis", [])],
                     msg="image build %s already ended %s: nothing to cancel" % (arn, status_of(image)))


def follow_build(module, api):
    """``state=present`` with ``arn``: follow that build (wait for it, or report its state)."""
    arn = module.params["arn"]
    image = api.get(IMAGE, arn)
    if image is None:
        module.fail_json(msg="arn: image build %s does not exist in %s (a build just started may be unknown to GetImage for a "
                             "short while)" % (arn, module.region), missing=True, changed=False, arn=arn, image={}, amis=[])
    finish(module, False, follow(module, api, arn), dict(arn=arn, status=status_of(image)), api)


def main():
    argument_spec = dict(
        pipeline=dict(type="str"),
        image_recipe=dict(type="str"),
        container_recipe=dict(type="str"),
        infrastructure_configuration=dict(type="str"),
        distribution_configuration=dict(type="str"),
        image_tests=IMAGE_TESTS_SPEC,
        workflows=WORKFLOWS_SPEC,
        execution_role=dict(type="str"),
        image_scanning_configuration=IMAGE_SCANNING_SPEC,
        logging_configuration=dict(type="dict", options=dict(log_group_name=dict(type="str"))),
        force=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=7200),
        arn=dict(type="str"),
        tags=dict(type="dict"),
        policy=POLICY_OPTION,
        delete_output_resources=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent", "cancelled"], default="present"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ("pipeline", "image_recipe", "container_recipe", "arn"), True), ("state", "absent", ("arn",)),
                     ("state", "cancelled", ("arn",))],
        mutually_exclusive=[("arn", "pipeline"), ("arn", "image_recipe"), ("arn", "container_recipe"), ("image_recipe", "container_recipe")],
        supports_check_mode=True,
    )
    params = module.params
    check_common_options(module)
    image_tests_configuration(module)  # an out-of-range timeout fails here, before any call
    fail_on_problems(module, tag_problems(params["tags"]))
    wanted_policy(module)  # a sharing policy that is not one fails before any call
    check_workflows_form(module)
    if params["workflows"] and not params["execution_role"]:
        module.fail_json(msg="execution_role: workflows need an execution role (the IAM role Image Builder assumes to run them); give one")
    given = dict(imageScanningConfiguration=to_api(params["image_scanning_configuration"]), loggingConfiguration=to_api(params["logging_configuration"]))
    check_image_scanning(module, given["imageScanningConfiguration"], container_recipe=bool(params["container_recipe"]))
    fail_on_problems(module, [problem for problem in request_problems("CreateImage", dict((key, value) for key, value in given.items() if value))
                              if not problem.endswith(" is required")])
    if params["wait_timeout"] < 0:
        module.fail_json(msg="wait_timeout: must be 0 or more seconds")
    if params["arn"]:
        check_build_arn(module)
    if params["delete_output_resources"] and params["state"] != "absent":
        module.fail_json(msg="delete_output_resources: only with state=absent (it removes the AMIs and snapshots of the image deleted)")
    if params["state"] == "present" and not params["pipeline"] and not params["arn"]:
        missing = [option for option in ("infrastructure_configuration",) if not params[option]]
        if missing:
            module.fail_json(msg="infrastructure_configuration: required to build from %s without a pipeline"
                             % ("container_recipe" if params["container_recipe"] else "image_recipe"))
    elif params["pipeline"]:
        ignored = [option for option in ("infrastructure_configuration", "distribution_configuration", "image_tests", "workflows",
                                         "execution_role", "image_scanning_configuration", "logging_configuration") if params[option]]
        if ignored:
            module.fail_json(msg="%s: the pipeline's own settings are used; remove %s or build from image_recipe without pipeline"
                             % (", ".join(ignored), "it" if len(ignored) == 1 else "them"))
    api = ImageBuilder(module)
    if params["state"] == "absent":
        delete(module, api)
    if params["state"] == "cancelled":
        cancel(module, api)
    if params["arn"]:
        follow_build(module, api)
    references = References(api)
    pipeline = find_pipeline(module, api, references) if params["pipeline"] else None
    recipe_arn, follows_pipeline = recipe_of(module, api, references, pipeline)
    if recipe_arn is None:
        finish(module, True, {}, {})
    recipe = parse_arn(recipe_arn)
    name, version = recipe["name"], recipe["version"]

    available = None if params["force"] else api.get(IMAGE, api.arn(IMAGE, name, version))
    if available:
        finish(module, False, available, dict(arn=available["arn"], status=status_of(available)))
    builds = builds_of(api, name, version, pipeline["arn"] if pipeline and not pipeline.get("predicted") else None)
    running = [build for build in builds if status_of(build) in BUILDING]
    if running and not params["force"]:
        build = newest(running)
        finish(module, False, follow(module, api, build["arn"]), dict(arn=build["arn"], status=status_of(build)))
    if pipeline and follows_pipeline and not params["force"] and pipeline_is_building(pipeline):
        build = wait_to_appear(module, api, name, version, pipeline)
        finish(module, False, follow(module, api, build["arn"]), dict(arn=build["arn"], status=status_of(build)))

    before = dict(arn=builds[-1]["arn"], status=status_of(builds[-1])) if builds else {}
    operation, request = start_request(module, references, pipeline, recipe_arn, builds)
    repository = ((request.get("imageScanningConfiguration") or {}).get("ecrConfiguration") or {}).get("repositoryName")
    if repository:
        require_ecr_repository(module, repository, "image_scanning_configuration.ecr_configuration.repository_name")
    response = api.write(operation, **request)
    if response is None:  # check mode: the build it would start
        predicted = api.arn(IMAGE, name, version, max([build_number(build) for build in builds] or [0]) + 1)
        finish(module, True, dict(arn=predicted), before)
    finish(module, True, follow(module, api, response["imageBuildVersionArn"]), before)


if __name__ == "__main__":
    main()
