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

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import (
    AMAZON, name_problem, parse_arn, semver_of, strip_build, version_key, version_problem,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.builds import build_number, builds_of
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS, RETRY, ImageBuilder
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import result_of


# --------------------------------------------------------------------------- argument specs

def resource_argument_spec(**options):
    """A resource module's options: ``name``, its own, then ``tags``, ``purge_tags`` and ``state``."""
    spec = dict(name=dict(type="str", required=True))
    spec.update(options)
    spec.update(tags=dict(type="dict"), purge_tags=dict(type="bool", default=True),
                state=dict(type="str", choices=["present", "absent"], default="present"))
    return spec


def versioned_argument_spec(**options):
    """A versioned resource module's options (see the ``versioned`` doc fragment)."""
    return resource_argument_spec(version=dict(type="str"), version_bump=dict(type="str", choices=["patch", "minor", "major"], default="patch"),
                                  keep_versions=dict(type="int"), **options)


IMAGE_TESTS_SPEC = dict(type="dict", options=dict(enabled=dict(type="bool", default=True), timeout_minutes=dict(type="int", default=720)))


def info_argument_spec(kind_noun):
    """The options every _info module takes."""
    spec = dict(name=dict(type="str"), arn=dict(type="str"), filters=dict(type="dict"))
    if KINDS[kind_noun].owner:
        spec["owner"] = dict(type="str", choices=["Self", "Shared", "Amazon", "ThirdParty", "AWSMarketplace"], default="Self")
    if KINDS[kind_noun].versioned:
        spec["all_versions"] = dict(type="bool", default=False)
    return spec


# --------------------------------------------------------------------------- checks before any call

def check_common_options(module):
    """Fail, before any call, on a name Image Builder refuses or a missing region."""
    if not module.region:
        module.fail_json(msg="region: no region given; set 'region' or AWS_REGION (AWX injects credentials but no region)")
    problem = name_problem(module.params["name"]) if "name" in module.params else None
    if problem:
        module.fail_json(msg=problem)


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
    """An AMI id must exist in EC2, an ssm: parameter in SSM, an Image Builder image ARN in Image Builder."""
    check_parent_image_form(module, parent_image, option)
    if parent_image.startswith("ami-"):
        found = require(module, "ec2", "DescribeImages", option, ["InvalidAMIID.NotFound", "InvalidAMIID.Malformed"],
                        "AMI %s" % parent_image, ImageIds=[parent_image])
        if found is not None and not found.get("Images"):
            missing(module, option, "AMI %s" % parent_image)
    elif parent_image.startswith("ssm:"):
        require(module, "ssm", "GetParameter", option, ["ParameterNotFound"], "SSM parameter %s" % parent_image[4:],
                Name=parent_image[4:])
    else:
        require(module, "imagebuilder", "GetImage", option, ["ResourceNotFoundException"], "image %s" % parent_image,
                unknowable=["AccessDeniedException", "ForbiddenException"], imageBuildVersionArn=parent_image)


def require_kms_key(module, key_id, option, region=None):
    """A KMS key (id, ARN, alias or alias ARN) must exist in its region (an ARN's own, else ``region``
    or the module's); a key we may not describe (another account's) is left to the service."""
    if key_id:
        arn_region = key_id.split(":")[3] if key_id.startswith("arn:") and key_id.count(":") >= 5 else None
        require(module, "kms", "DescribeKey", option, ["NotFoundException"], "KMS key %s" % key_id, region=arn_region or region,
                unknowable=["AccessDeniedException"], KeyId=key_id)


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
    if module._diff:
        result["diff"] = diff
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
    deleted, in_use = [], []
    if params["keep_versions"]:
        deleted, in_use = manager.prune_versions(params["name"], params["keep_versions"], resource)
        changed = changed or bool(deleted)
    exit_resource(module, noun, changed, resource, diff, version=semver_of(resource), deleted_versions=deleted, kept_in_use=in_use)


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

def describe(api, kind_noun, name=None, arn=None, owner="Self", filters=None, all_versions=False):
    """What the _info modules return: full resources for an ARN or a name (the latest version,
    or all of them), summaries (all pages) for a filtered list or for everything."""
    kind = KINDS[kind_noun]
    if arn:
        found = api.get(kind, arn)
        return [found] if found else []
    if name and owner in ("Self", "Amazon"):
        account = AMAZON if owner == "Amazon" else None
        latest = api.get(kind, api.arn(kind, name, "x.x.x" if kind.versioned else None, account=account))
        if not kind.versioned or not all_versions:
            return [latest] if latest else []
        arns = set(strip_build(item["arn"]) for item in api.list_named(kind, name, owner)) | set([strip_build(latest["arn"])] if latest else [])
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
    return api.list_all("List%ss" % kind.api, kind.list_key, **params)


def every_build(api, name, version_arns):
    """Every build, in any state, of image NAME: of the versions listed or found (GetImage on NAME/x.x.x
    sees only AVAILABLE builds) and of the recipe's latest version (whose builds the lagging List* may not
    show yet, and which may all have failed), each read by its exact build ARN."""
    versions = set(semver_of(dict(arn=arn)) for arn in version_arns)
    recipe = api.get(KINDS["image_recipe"], api.arn(KINDS["image_recipe"], name, "x.x.x"))
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
                     owner=params.get("owner") or "Self", filters=params.get("filters"), all_versions=params.get("all_versions"))
    module.exit_json(changed=False, **{result_key: [result_of(item) for item in items]})
