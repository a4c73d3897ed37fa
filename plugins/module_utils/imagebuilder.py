# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules share: argument specs, option checks made before any call, the converge of
a resource module from its parameters to its exit, and the _info modules.

The engine is split by concern, the way amazon.aws splits its module_utils:

- ``arns``: names, versions and ARNs as Image Builder forms them;
- ``compare``: option values to API shapes and back, comparable forms;
- ``checks``: a request validated against the botocore model and Image Builder's documented rules;
- ``client``: the Image Builder client of one module run (retries, check mode, ARNs, tags, deletes);
- ``managers``: ``UpdatableResource`` and ``VersionedResource``;
- ``references``: names and ARNs of other resources resolved to ARNs;
- ``builds``: image builds, running or done, and waiting for them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

try:
    import yaml
except ImportError:
    yaml = None  # a dependency of ansible-core; kept optional as the modules do

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import (
    AMAZON, WORKFLOW_TYPES, is_wildcard, name_problem, parse_arn, semver_of, strip_build, version_key, version_problem,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.builds import (
    build_number, builds_of, builds_of_pipeline, latest_of_recipe,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS, RETRY, ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import hide_replaced, result_of
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.managers import OWNER_TAG
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.sharing import share, wanted_policy
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.workflow_document import parameter_value_problem, parameters_of


# --------------------------------------------------------------------------- argument specs

def resource_argument_spec(**options):
    """A resource module's options: ``name``, its own, then ``tags``, ``purge_tags``, ``state``, and the ownership
    options ``stack`` and ``adopt`` (see the ``state`` doc fragment and ``managers.Resource.claim``)."""
    spec = dict(name=dict(type="str", required=True))
    spec.update(options)
    spec.update(tags=dict(type="dict"), purge_tags=dict(type="bool", default=True),
                state=dict(type="str", choices=["present", "absent"], default="present"),
                stack=dict(type="str"), adopt=dict(type="bool", default=False))
    return spec


def versioned_argument_spec(**options):
    """A versioned resource module's options (see the ``versioned`` doc fragment)."""
    return resource_argument_spec(version=dict(type="str"), version_bump=dict(type="str", choices=["patch", "minor", "major"], default="patch"),
                                  keep_versions=dict(type="int"), **options)


IMAGE_TESTS_SPEC = dict(type="dict", options=dict(enabled=dict(type="bool", default=True), timeout_minutes=dict(type="int", default=720)))
# image_scanning_configuration of image_pipeline and image (botocore 1.44.8 ImageScanningConfiguration)
IMAGE_SCANNING_SPEC = dict(type="dict", options=dict(
    image_scanning_enabled=dict(type="bool"),
    ecr_configuration=dict(type="dict", options=dict(repository_name=dict(type="str"), container_tags=dict(type="list", elements="str"))),
    image_scanning_types=dict(type="list", elements="str", choices=["TEST_INSTANCE_CVE", "ON_DEMAND_AMI_CVE"]),
    scan_result_condition=dict(type="dict", options=dict(
        maximum_severity_label=dict(type="str", required=True, choices=["INFORMATIONAL", "LOW", "MEDIUM", "HIGH"]),
        fix_available=dict(type="bool"),
    )),
))
# What the service uses for members left out (botocore 1.44.8 ImageScanningConfiguration.imageScanningTypes: "If you omit
# imageScanningTypes, Image Builder uses TEST_INSTANCE_CVE"; ScanResultCondition.fixAvailable: "The default is true"),
# for comparison only: whether Get shows them is not documented.
IMAGE_SCANNING_DEFAULTS = dict(imageScanningTypes=["TEST_INSTANCE_CVE"], scanResultCondition=dict(fixAvailable=True))


def check_image_scanning(module, scanning, container_recipe=False):
    """The rules of ImageScanningConfiguration the model cannot express, before any call (botocore 1.44.8:
    scanResultCondition "You can set scanResultCondition only when imageScanningTypes is ON_DEMAND_AMI_CVE";
    ON_DEMAND_AMI_CVE "To use this scan, you must build from an image recipe"; the list takes one value)."""
    types = (scanning or {}).get("imageScanningTypes") or []
    option = "image_scanning_configuration."
    if len(types) > 1:
        module.fail_json(msg="%simage_scanning_types: give one scan type, not %d (TEST_INSTANCE_CVE or ON_DEMAND_AMI_CVE)" % (option, len(types)))
    if (scanning or {}).get("scanResultCondition") and types != ["ON_DEMAND_AMI_CVE"]:
        module.fail_json(msg="%sscan_result_condition: only an on-demand AMI scan has a result condition; set %simage_scanning_types: "
                             "[ON_DEMAND_AMI_CVE] or remove the condition" % (option, option))
    if "ON_DEMAND_AMI_CVE" in types and container_recipe:
        module.fail_json(msg="%simage_scanning_types: ON_DEMAND_AMI_CVE scans the output AMI, which a container recipe does not make; "
                             "use TEST_INSTANCE_CVE with container_recipe" % option)


def info_argument_spec(kind_noun):
    """The options every _info module takes."""
    spec = dict(name=dict(type="str"), arn=dict(type="str"), filters=dict(type="dict"))
    if KINDS[kind_noun].owner:
        spec["owner"] = dict(type="str", choices=["Self", "Shared", "Amazon", "ThirdParty", "AWSMarketplace"], default="Self")
    if KINDS[kind_noun].versioned:
        spec["all_versions"] = dict(type="bool", default=False)
    return spec


# Custom workflows of a pipeline or an image (API WorkflowConfiguration): a workflow by name or ARN, the values of its parameters,
# what a failure does, and the parallel group of a test workflow.
WORKFLOWS_SPEC = dict(type="list", elements="dict", options=dict(
    workflow=dict(type="str", required=True, aliases=["workflow_arn"]),
    parameters=dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True), value=dict(type="raw", required=True))),
    on_failure=dict(type="str"),  # CONTINUE or ABORT, checked by check_workflows_form so the message has the index
    parallel_group=dict(type="str"),
))
PARALLEL_GROUP_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-_+#]{0,99}$")  # botocore ParallelGroup
ROLE_RE = re.compile(r"^(?:arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role/)?[a-zA-Z_0-9+=,.@\-_/]+$")  # botocore RoleNameOrArn


# --------------------------------------------------------------------------- checks before any call

def require_region(module):
    """Fail, before any call, when no region is given (AWX injects credentials but no region)."""
    if not module.region:
        module.fail_json(msg="region: no region given; set 'region' or AWS_REGION (AWX injects credentials but no region)")


def check_common_options(module):
    """Fail, before any call, on a name Image Builder refuses or a missing region."""
    require_region(module)
    problem = name_problem(module.params["name"]) if "name" in module.params else None
    if problem:
        module.fail_json(msg=problem)
    check_ownership_options(module)


def check_ownership_options(module):
    """Fail, before any call, on a ``stack`` that cannot be a tag value or that ``tags`` contradicts."""
    stack = module.params.get("stack")
    if not stack:
        return
    if len(stack) > 256:
        module.fail_json(msg="stack: %d characters; the %s tag's value takes 256 at most" % (len(stack), OWNER_TAG))
    tagged = (module.params.get("tags") or {}).get(OWNER_TAG)
    if tagged is not None and tagged != stack:
        module.fail_json(msg="tags: %s is %r but stack is %r; leave the %s tag out of tags (stack sets it)"
                             % (OWNER_TAG, tagged, stack, OWNER_TAG))


def check_versioned_options(module):
    """Fail, before any call, on a version AWS refuses or a negative keep_versions."""
    check_common_options(module)
    if module.params["version"]:
        problem = version_problem(module.params["version"])
        if problem:
            module.fail_json(msg=problem)
    if module.params["keep_versions"] is not None and module.params["keep_versions"] < 0:
        module.fail_json(msg="keep_versions: %d is negative; give how many of the newest versions to keep (0 keeps every version)"
                         % module.params["keep_versions"])
    if "policy" in module.params:
        wanted_policy(module)  # a sharing policy that is not one fails here, before any call


def image_tests_configuration(module):
    """The ``image_tests`` option (see the ``image_tests`` doc fragment) as the API takes it;
    None when not given (a pipeline keeps what it has)."""
    tests = module.params["image_tests"]
    if tests is None:
        return None
    if not 60 <= tests["timeout_minutes"] <= 1440:
        module.fail_json(msg="image_tests.timeout_minutes: %d is out of range; use 60 to 1440" % tests["timeout_minutes"])
    return dict(imageTestsEnabled=tests["enabled"], timeoutMinutes=tests["timeout_minutes"])


def missing(module, option, what, region=None):
    """``what`` (named by ``option``) does not exist: fail, or in check mode warn and go on, since an
    earlier task of the same plan may be the one that creates it (an IAM instance profile, a bucket,
    a launch template) and check mode created nothing."""
    where = region or module.region
    if module.check_mode:
        module.warn("%s: %s does not exist in %s yet; the plan assumes an earlier task creates it (a real run fails otherwise)"
                    % (option, what, where))
        # what the plan assumed, so that validate_with_service does not ask the service about it (ImageBuilder.dry_run)
        module.assumed_to_exist = getattr(module, "assumed_to_exist", []) + [option]
        return
    module.fail_json(msg="%s: %s does not exist in %s. Create it first or fix the name." % (option, what, where))


def require(module, service, operation, option, missing_codes, what, region=None, unknowable=(), **params):
    """Fail naming ``option`` unless ``operation`` on ``service`` finds ``what`` (see ``missing`` for
    check mode; a malformed identifier fails in check mode too). Error codes in ``unknowable`` (we may
    not look, e.g. another account's key) return None: the service decides."""
    client = module.client(service, retry_decorator=RETRY, region=region) if region else module.client(service, retry_decorator=RETRY)
    try:
        return getattr(client, botocore.xform_name(operation))(aws_retry=True, **params)
    except is_boto3_error_code(missing_codes) as error:
        if "Malformed" in error.response["Error"]["Code"]:  # no task can create it: check mode fails too
            module.fail_json(msg="%s: %s does not exist in %s. Fix the name." % (option, what, region or module.region))
        missing(module, option, what, region)
        return None
    except is_boto3_error_code(list(unknowable) or ["-"]):  # pylint: disable=duplicate-except
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
        module.fail_json_aws(error, msg="%s: cannot check %s" % (option, what))


def check_parent_image_form(module, parent_image, option="parent_image"):
    """Fail, without any call, unless ``parent_image`` is an AMI id, an ssm: parameter or an image ARN."""
    if parent_image.startswith(("ami-", "ssm:")) or (parse_arn(parent_image) or {}).get("type") == "image":
        return
    module.fail_json(msg="%s: %r is neither an AMI id (ami-...), an Image Builder image ARN nor an SSM parameter (ssm:/name)"
                     % (option, parent_image))


def require_parent_image(module, parent_image, option="parent_image"):
    """An AMI id must exist in EC2, an ssm: parameter in SSM, an Image Builder image ARN in Image Builder.
    Returns the parent's platform (Linux, Windows or macOS), or None when it cannot be told: for an ssm:
    parameter, that of the AMI it holds (one more DescribeImages)."""
    check_parent_image_form(module, parent_image, option)
    if parent_image.startswith("ami-"):
        found = require(module, "ec2", "DescribeImages", option, ["InvalidAMIID.NotFound", "InvalidAMIID.Malformed"],
                        "AMI %s" % parent_image, ImageIds=[parent_image])
        if found is not None and not found.get("Images"):
            missing(module, option, "AMI %s" % parent_image)
        return ami_platform(found)
    if parent_image.startswith("ssm:"):
        found = require(module, "ssm", "GetParameter", option, ["ParameterNotFound"], "SSM parameter %s" % parent_image[4:],
                        Name=parent_image[4:])
        value = ((found or {}).get("Parameter") or {}).get("Value") or ""
        if not value.startswith("ami-"):
            return None
        images = require(module, "ec2", "DescribeImages", option, [], "AMI %s" % value,
                         unknowable=["InvalidAMIID.NotFound", "InvalidAMIID.Malformed", "UnauthorizedOperation"], ImageIds=[value])
        return ami_platform(images)
    found = require(module, "imagebuilder", "GetImage", option, ["ResourceNotFoundException"], "image %s" % parent_image,
                    unknowable=["AccessDeniedException", "ForbiddenException"], imageBuildVersionArn=parent_image)
    return ((found or {}).get("image") or {}).get("platform")


def ami_platform(described):
    """The Image Builder platform of the image a DescribeImages answer (``described``, or None) holds (botocore 1.44.8
    Image.Platform: "windows" for Windows AMIs, absent otherwise; ArchitectureValues x86_64_mac and arm64_mac for macOS);
    None without an image."""
    image = ((described or {}).get("Images") or [None])[0]
    if not image:
        return None
    if image.get("Platform") == "windows":
        return "Windows"
    return "macOS" if str(image.get("Architecture", "")).endswith("_mac") else "Linux"


def require_kms_key(module, key_id, option, region=None):
    """A KMS key (id, ARN, alias or alias ARN) must exist in its region (an ARN's own, else ``region``
    or the module's); a key we may not describe (another account's) is left to the service."""
    if key_id:
        arn_region = key_id.split(":")[3] if key_id.startswith("arn:") and key_id.count(":") >= 5 else None
        require(module, "kms", "DescribeKey", option, ["NotFoundException"], "KMS key %s" % key_id, region=arn_region or region,
                unknowable=["AccessDeniedException"], KeyId=key_id)


def _parameter_values(value):
    """A workflow parameter's value as the API takes it: a list of strings (booleans as true/false)."""
    values = value if isinstance(value, list) else [value]
    return [("true" if item else "false") if isinstance(item, bool) else str(item) for item in values]


def check_workflows_form(module, option="workflows"):
    """Fail, before any call, on what ``workflows`` and ``execution_role`` say wrongly by themselves."""
    role = module.params.get("execution_role")
    if role and not ROLE_RE.match(role):
        module.fail_json(msg="execution_role: %r is neither an IAM role name nor a role ARN (arn:aws:iam::123456789012:role/NAME)" % role)
    if module.params[option] and role == "":
        module.fail_json(msg="execution_role: workflows need an execution role; give one, or %s: [] to use the default workflows" % option)
    for index, entry in enumerate(module.params[option] or []):
        where = "%s[%d]" % (option, index)
        if entry["on_failure"] is not None and entry["on_failure"] not in ("CONTINUE", "ABORT"):
            module.fail_json(msg="%s.on_failure: %r is not one of: CONTINUE, ABORT" % (where, entry["on_failure"]))
        if entry["parallel_group"] is not None and not PARALLEL_GROUP_RE.match(entry["parallel_group"]):
            module.fail_json(msg="%s.parallel_group: %r must be 1-100 letters, digits, - _ + or #, starting with a letter or digit"
                             % (where, entry["parallel_group"]))
        seen = set()
        for position, parameter in enumerate(entry["parameters"] or []):
            if parameter["name"] in seen:
                module.fail_json(msg="%s.parameters[%d].name: %r is given twice; give each parameter once, its values in one list"
                                 % (where, position, parameter["name"]))
            seen.add(parameter["name"])
            if not parameter["name"] or len(parameter["name"]) > 128:
                module.fail_json(msg="%s.parameters[%d].name: a parameter name has 1 to 128 characters" % (where, position))


def workflow_configurations(module, references, option="workflows"):
    """The ``workflows`` option as the API takes it (None: unset, the resource keeps its workflows; []: back to the
    default workflows), each workflow resolved to its ARN and checked against what it is, before any write: a
    pipeline or an image runs BUILD and TEST workflows, a parallel group is for test workflows, and the parameters
    given must be ones the workflow's document declares, with values of their type, and those without a default
    must be given (AWS documents both: image-workflow-create-document.html)."""
    if module.params[option] is None:
        return None
    check_workflows_form(module, option)
    configurations = []
    for index, entry in enumerate(module.params[option]):
        where = "%s[%d]" % (option, index)
        arn, workflow = references.workflow(entry["workflow"], where + ".workflow", guess="test" if entry["parallel_group"] else "build")
        workflow_type = (parse_arn(arn) or {}).get("workflow_type", "").upper()
        if workflow_type == "DISTRIBUTION":
            module.fail_json(msg="%s.workflow: %s is a DISTRIBUTION workflow; a pipeline or an image runs BUILD and TEST workflows "
                                 "(distribution workflows run through DistributeImage)" % (where, arn))
        if entry["parallel_group"] and workflow_type == "BUILD":
            module.fail_json(msg="%s.parallel_group: parallel groups are for TEST workflows and %s is a BUILD workflow; remove "
                                 "parallel_group" % (where, arn))
        parameters = [dict(name=parameter["name"], value=_parameter_values(parameter["value"])) for parameter in entry["parameters"] or []]
        if workflow and workflow.get("data"):
            declared = parameters_of(workflow["data"])
            for position, parameter in enumerate(parameters):
                if parameter["name"] not in declared:
                    module.fail_json(msg="%s.parameters[%d].name: %r is not a parameter of workflow %s; it declares: %s"
                                     % (where, position, parameter["name"], arn, ", ".join(sorted(declared)) or "none"))
                problem = parameter_value_problem(declared[parameter["name"]], parameter["value"])
                if problem:
                    module.fail_json(msg="%s.parameters[%d].value: %s (parameter %r of workflow %s is a %s)" % (
                        where, position, problem, parameter["name"], arn, declared[parameter["name"]].get("type", "string")))
            given = set(parameter["name"] for parameter in parameters)
            needed = sorted(name for name, spec in declared.items() if "default" not in spec and name not in given)
            if needed:
                module.fail_json(msg="%s.parameters: workflow %s needs a value for %s (no default in its document); add "
                                     "{name: %s, value: [...]}" % (where, arn, ", ".join(needed), needed[0]))
        configurations.append(dict((key, value) for key, value in (
            ("workflowArn", arn), ("parameters", parameters or None), ("onFailure", entry["on_failure"]),
            ("parallelGroup", entry["parallel_group"])) if value is not None))
    return configurations


def normalize_workflows(value):
    """A pipeline's or image's workflows and execution role as compared: a workflow without onFailure fails the build when it
    fails ("If you don't set a value, the image build fails when the workflow fails", API WorkflowConfiguration), which is
    ABORT; the role by its name, whether given by name or ARN."""
    value = dict(value)
    if isinstance(value.get("workflows"), list):
        value["workflows"] = [dict(item, onFailure=item.get("onFailure") or "ABORT") if isinstance(item, dict) else item
                              for item in value["workflows"]]
    if isinstance(value.get("executionRole"), str):
        value["executionRole"] = value["executionRole"].rsplit("/", 1)[-1]
    return value


def load_document(module, kind, keys):
    """O(data) of a document module (a ``kind`` such as "component" or "workflow" document, a mapping with
    ``keys``), given as YAML text or as a dictionary: the text Create* takes, and the parsed YAML to compare."""
    data = module.params["data"]
    if isinstance(data, dict):
        return yaml.safe_dump(data, sort_keys=False, default_flow_style=False), data
    try:
        parsed = yaml.safe_load(data)
    except yaml.YAMLError as error:
        module.fail_json(msg="data: the %s document is not valid YAML: %s" % (kind, error))
    if not isinstance(parsed, dict):
        module.fail_json(msg="data: the %s document must be a YAML mapping with %s, got %s" % (kind, keys, type(parsed).__name__))
    return data, parsed


def read_yaml_uri(module, option="uri"):
    """The parsed YAML of the S3 object O(uri) names (read with ``read_s3_uri``)."""
    text = read_s3_uri(module, module.params[option], option)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        module.fail_json(msg="%s: %s is not valid YAML: %s" % (option, module.params[option], error))


def parsed_data(value):
    """A manager's ``normalize`` for document kinds: ``data`` compared as parsed YAML (text that is not YAML as it is)."""
    if isinstance(value.get("data"), str):
        try:
            value = dict(value, data=yaml.safe_load(value["data"]))
        except yaml.YAMLError:
            pass
    return value


def read_s3_uri(module, uri, option):
    """The text of the S3 object ``uri`` (s3://bucket/key), read with the module's credentials, or a
    failure naming ``option`` (a URI of another form fails before any call)."""
    if not (uri or "").startswith("s3://") or "/" not in uri[len("s3://"):]:
        module.fail_json(msg="%s: %r is not an S3 URI; use s3://bucket/key" % (option, uri))
    bucket, _sep, key = uri[len("s3://"):].partition("/")
    try:
        body = module.client("s3", retry_decorator=RETRY).get_object(aws_retry=True, Bucket=bucket, Key=key)["Body"].read()
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json(msg="%s: cannot read %s: %s" % (option, uri, error))
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        module.fail_json(msg="%s: %s is not UTF-8 text" % (option, uri))


def require_ecr_repository(module, repository_name, option, region=None):
    """An ECR repository of this account must exist in ``region`` (the module's unless given): Image Builder pushes
    container images there (botocore 1.44.8 CreateContainerRecipe.targetRepository: "The Amazon ECR repository must
    already exist in the Amazon Web Services Region where the build runs")."""
    found = require(module, "ecr", "DescribeRepositories", option, ["RepositoryNotFoundException"], "ECR repository %s" % repository_name,
                    region=region, repositoryNames=[repository_name])
    if found is not None and not found.get("repositories"):
        missing(module, option, "ECR repository %s" % repository_name, region)


# --------------------------------------------------------------------------- converge and exit

def exit_resource(module, noun, changed, resource, diff, **extra):
    """Finish a module run: the resource in snake_case under ``noun``, its ``arn``, the diff."""
    result = dict(changed=changed, arn=(resource or {}).get("arn"), **extra)
    result[noun] = result_of(resource)
    if module._diff:  # the values a new secret replaces are hidden too (Ansible hides only the new ones)
        result["diff"] = dict(diff, before=hide_replaced(diff.get("before"), diff.get("after"), module.no_log_values))
    module.exit_json(**result)


def converge_versioned(module, manager, noun, desired, **options):
    """The whole converge of a versioned module: delete for ``state=absent``; else ensure the
    ``desired`` content (see VersionedResource.ensure_present, ``options`` go there too), prune
    with ``keep_versions``, and exit."""
    params = module.params
    if params["state"] == "absent":
        changed, deleted, in_use, diff = manager.ensure_absent(params["name"], params["version"])
        if in_use:
            module.fail_json(
                msg="Deleted %d version(s) of %s %r; %d still in use, so not deleted: %s. Remove or update what uses them, then run "
                    "again." % (len(deleted), manager.kind.label, params["name"], len(in_use),
                                "; ".join("%s (%s)" % (item["arn"], item["reason"]) for item in in_use)),
                changed=changed, deleted_versions=deleted, kept_in_use=in_use, **(dict(diff=diff) if module._diff else {}))
        exit_resource(module, noun, changed, {}, diff, deleted_versions=deleted, kept_in_use=[])
    changed, resource, diff = manager.ensure_present(
        params["name"], desired, version=params["version"], version_bump=params["version_bump"],
        tags=params["tags"], purge_tags=params["purge_tags"], **options)
    extra = {}
    if "policy" in params:  # sharing (see module_utils.sharing): on the version converged, never a new version
        created = changed and (diff.get("before") or {}).get("version") != (diff.get("after") or {}).get("version")
        shared, extra["policy"] = share(module, manager.api, manager.kind.noun, resource, diff, created=created)
        changed = changed or shared
    deleted, in_use = [], []
    if params["keep_versions"]:
        deleted, in_use = manager.prune_versions(params["name"], params["keep_versions"], resource)
        changed = changed or bool(deleted)
    exit_resource(module, noun, changed, resource, diff, version=semver_of(resource), deleted_versions=deleted, kept_in_use=in_use, **extra)


def converge_updatable(module, manager, noun, desired, **options):
    """The whole converge of an updatable module: delete for ``state=absent``, else ensure
    ``desired`` (see UpdatableResource.ensure_present), and exit."""
    params = module.params
    if params["state"] == "absent":
        changed, resource, diff = manager.ensure_absent(params["name"])
    else:
        changed, resource, diff = manager.ensure_present(params["name"], desired, tags=params["tags"], purge_tags=params["purge_tags"], **options)
    exit_resource(module, noun, changed, resource, diff)


# --------------------------------------------------------------------------- _info modules

def describe(api, kind_noun, name=None, arn=None, owner="Self", filters=None, all_versions=False, workflow_type=None):
    """What the _info modules return: full resources for an ARN or a name (the latest version,
    or all of them), summaries (all pages) for a filtered list or for everything. A workflow's
    name is read in each type (``workflow_type``: only that one), since the type is in its ARN."""
    kind = KINDS[kind_noun]
    if arn:
        found = api.get(kind, arn)
        return [found] if found else []
    if name and owner in ("Self", "Amazon") and kind_noun == "workflow" and not workflow_type:
        return [item for each in WORKFLOW_TYPES for item in describe(api, kind_noun, name, None, owner, filters, all_versions, each)]
    if name and owner in ("Self", "Amazon"):
        account = AMAZON if owner == "Amazon" else None
        latest = api.get(kind, api.arn(kind, name, "x.x.x" if kind.versioned else None, account=account, workflow_type=workflow_type))
        if not kind.versioned or not all_versions:
            return [latest] if latest else []
        listed = [item for item in api.list_named(kind, name, owner)
                  if not workflow_type or (parse_arn(item["arn"]) or {}).get("workflow_type") == workflow_type]
        arns = set(strip_build(item["arn"]) for item in listed) | set([strip_build(latest["arn"])] if latest else [])
        if kind_noun == "image" and owner == "Self":
            return every_build(api, name, arns)
        resources = [api.get(kind, version_arn) for version_arn in arns]
        return sorted([item for item in resources if item], key=lambda item: version_key(semver_of(item)))
    params = {}
    filters = dict(filters or {}, **(dict(name=name) if name else {}))
    if filters:
        params["filters"] = [dict(name=key, values=value if isinstance(value, list) else [str(value)]) for key, value in filters.items()]
    if kind.owner:
        params["owner"] = owner
    return api.list_all(kind.list_operation, kind.list_key, **params)


def every_build(api, name, version_arns):
    """Every build, in any state, of image NAME: of the versions listed or found (GetImage on NAME/x.x.x
    sees only AVAILABLE builds) and of the (image or container) recipe's latest version (whose builds the lagging List* may not
    show yet, and which may all have failed), each read by its exact build ARN."""
    versions = set(semver_of(dict(arn=arn)) for arn in version_arns)
    recipe = api.get(KINDS["image_recipe"], api.arn(KINDS["image_recipe"], name, "x.x.x"))
    if recipe is None:  # an image named after a container recipe
        recipe = api.get(KINDS["container_recipe"], api.arn(KINDS["container_recipe"], name, "x.x.x"))
    if recipe:
        versions.add(semver_of(recipe))
    builds = [build for version in versions for build in builds_of(api, name, version)]
    return sorted(builds, key=lambda build: (version_key(semver_of(build)), build_number(build)))


def run_info(module, kind_noun, result_key):
    """The whole of an _info module: describe, then exit with the list under ``result_key``."""
    params = module.params
    if params.get("name"):
        problem = name_problem(params["name"])
        if problem:
            module.fail_json(msg=problem)
    if params.get("arn") and (parse_arn(params["arn"]) or {}).get("type") != KINDS[kind_noun].arn_type:
        module.fail_json(msg="arn: %r is not an Image Builder %s ARN" % (params["arn"], KINDS[kind_noun].label))
    items = describe(ImageBuilder(module), kind_noun, name=params.get("name"), arn=params.get("arn"),
                     owner=params.get("owner") or "Self", filters=params.get("filters"), all_versions=params.get("all_versions"),
                     workflow_type=(params.get("type") or "").lower() or None)
    module.exit_json(changed=False, **{result_key: [result_of(item) for item in items]})


def builds_info(module):
    """image_info with ``image_recipe`` or ``pipeline``: their builds in any state, oldest first, or with
    ``latest_available`` the newest AVAILABLE one and its AMIs; checked before any call."""
    params = module.params
    latest = params["latest_available"]
    if not params["image_recipe"] and not params["pipeline"]:
        module.fail_json(msg="latest_available: give image_recipe or pipeline, whose newest AVAILABLE build to return")
    for option in ("filters", "all_versions"):
        if params.get(option):
            module.fail_json(msg="%s: not with image_recipe or pipeline (they return the builds of that recipe or pipeline)" % option)
    if params.get("owner") not in (None, "Self"):
        module.fail_json(msg="owner: only Self with image_recipe or pipeline (the builds of this account)")
    require_region(module)
    reference = params["pipeline"] or params["image_recipe"]
    option = "pipeline" if params["pipeline"] else "image_recipe"
    parts = parse_arn(reference) if reference.startswith("arn:") else None
    types, label = (("image-pipeline",), "image pipeline") if params["pipeline"] else (("image-recipe", "container-recipe"), "image or container recipe")
    if reference.startswith("arn:") and (parts or {}).get("type") not in types:
        module.fail_json(msg="%s: %r is not an Image Builder %s ARN" % (option, reference, label))
    if parts:
        name, version = parts["name"], parts.get("version")
    else:
        name, _sep, version = reference.partition(":")
        if params["pipeline"] and version:
            module.fail_json(msg="pipeline: %r: give the pipeline's name or ARN, without a version" % reference)
        problem = name_problem(name, option) or (version_problem(version, option + " version", wildcards=True) if version else None)
        if problem:
            module.fail_json(msg=problem)
    api = ImageBuilder(module)
    if params["pipeline"]:
        pipeline = api.get(KINDS["image_pipeline"], reference if parts else api.arn(KINDS["image_pipeline"], name))
        if pipeline is None:
            module.fail_json(msg="pipeline: image pipeline %r does not exist in %s" % (reference, module.region))
        builds = builds_of_pipeline(api, pipeline, "AVAILABLE" if latest else None)
        images = builds[-1:] if latest else builds
    elif latest:
        found = latest_of_recipe(api, name, version or None)
        images = [found] if found else []
    elif version and not is_wildcard(version):
        images = [api.get(KINDS["image"], build["arn"]) or build for build in builds_of(api, name, version)]
    else:
        kind = KINDS["image"]
        arns = set(strip_build(item["arn"]) for item in api.list_named(kind, name) if version_matches(version, semver_of(item)))
        images = [build for build in every_build(api, name, arns) if version_matches(version, semver_of(build))]
    result = dict(changed=False, images=[result_of(image) for image in images])
    if latest:
        result["amis"] = [result_of(ami) for image in images for ami in (image.get("outputResources") or {}).get("amis", [])]
    module.exit_json(**result)


def version_matches(pattern, version):
    """Whether ``version`` (x.y.z) matches ``pattern`` (x.y.z with x wildcards; None matches all)."""
    if not pattern:
        return True
    return all(want in ("x", have) for want, have in zip(pattern.split("."), (version or "").split(".")))
