# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image builds: which builds a recipe version has, whether one is running, waiting for one.

An image takes its name and version from its recipe: the builds of recipe version NAME/1.2.3 are
image/NAME/1.2.3/1, /2, ... (AWS CLI examples, list-images and get-image). They are found without
List* (which lags behind creates): Get on the version ARN answers the latest AVAILABLE build, and
Get on build ARNs /1, /2, ... finds builds in any state; List* results are added where they show
more. A build just started may answer ResourceNotFoundException for a short while: waiting
counts that as PENDING.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import parse_arn, version_key
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS

BUILDING = ("PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING")
NOT_FOUND_GRACE = 120  # seconds a build just started may be unknown to GetImage
IMAGE = KINDS["image"]


def build_number(image):
    return int((parse_arn(image.get("arn")) or {}).get("build") or 0)


def builds_of(api, name, version, pipeline_arn=None):
    """Every build of image NAME/VERSION we can see, oldest first (Get by build number, then
    the lagging List* for builds past a gap)."""
    found = {}
    number = 1
    while True:
        image = api.get(IMAGE, api.arn(IMAGE, name, version, number))
        if image is None:
            break
        found[image["arn"]] = image
        number += 1
    if pipeline_arn:
        summaries = api.list_all("ListImagePipelineImages", "imageSummaryList", imagePipelineArn=pipeline_arn)
    else:
        summaries = api.list_all("ListImageBuildVersions", "imageSummaryList", imageVersionArn=api.arn(IMAGE, name, version))
    for summary in summaries:
        parts = parse_arn(summary.get("arn")) or {}
        if parts.get("version") == version and parts.get("name") == parse_arn(api.arn(IMAGE, name))["name"]:
            found.setdefault(summary["arn"], summary)
    return sorted(found.values(), key=build_number)


def status_of(image):
    return ((image or {}).get("state") or {}).get("status")


def parse_date(value):
    """Image Builder's dates (ISO 8601 strings in this API) as aware datetimes, or None."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def pipeline_is_building(pipeline):
    """Whether the pipeline says it started a build since it last changed (so a build of its
    current recipe runs even if GetImage does not know it yet): lastRunStatus not final and
    dateLastRun not older than dateUpdated."""
    if pipeline.get("lastRunStatus") not in BUILDING:
        return False
    last_run = parse_date(pipeline.get("dateLastRun"))
    changed = parse_date(pipeline.get("dateUpdated")) or parse_date(pipeline.get("dateCreated"))
    return last_run is None or changed is None or last_run >= changed


def wait_for_image(api, arn, timeout):
    """Poll an image build until it ends (AVAILABLE, FAILED, CANCELLED, ...) or ``timeout``
    seconds pass; returns the image as last read. The delay grows from 1 s to 30 s, so a build in
    the emulator ends in seconds and one in AWS costs a read every half minute. Not found during
    the first two minutes counts as PENDING (terraform's image waiter does the same)."""
    start = time.monotonic()
    deadline = start + timeout
    delay = 1.0
    while True:
        image = api.get(IMAGE, arn)
        if image is None:
            if time.monotonic() - start > NOT_FOUND_GRACE:
                api.module.fail_json(msg="image build %s is still unknown to GetImage %d seconds after it started. If an image of this "
                                         "recipe version was deleted moments ago, the service may have answered this same request again: "
                                         "run again with force=true." % (arn, NOT_FOUND_GRACE))
            image = dict(arn=arn, state=dict(status="PENDING"))
        if status_of(image) not in BUILDING or time.monotonic() + delay > deadline:
            return image
        time.sleep(delay)
        delay = min(delay * 1.5, 30.0)


def newest(images):
    return sorted(images, key=lambda image: (version_key((parse_arn(image["arn"]) or {}).get("version")), build_number(image)))[-1]


# --------------------------------------------------------------------------- where a build's logs are

def log_locations(api, image):
    """Where to read why ``image`` failed, as text: the infrastructure configuration's S3 log location
    (``logging.s3Logs``, where Image Builder writes build and test logs) and the CloudWatch Logs groups.
    Log groups: the image's ``loggingConfiguration.logGroupName``, or its pipeline's
    ``loggingConfiguration.imageLogGroupName``, else ``/aws/imagebuilder/IMAGE-NAME`` (stream
    VERSION/BUILD); for a pipeline build also ``pipelineLogGroupName`` or ``/aws/imagebuilder/pipeline/NAME``
    (model 1.44.8 ImageLoggingConfiguration and PipelineLoggingConfiguration; user guide monitor-cwlogs.html)."""
    places = []
    s3 = (((image.get("infrastructureConfiguration") or {}).get("logging") or {}).get("s3Logs") or {})
    if s3.get("s3BucketName"):
        places.append("S3 s3://%s/%s" % (s3["s3BucketName"], (s3.get("s3KeyPrefix") or "").lstrip("/")))
    pipeline_arn = image.get("sourcePipelineArn")
    pipeline = (api.get(KINDS["image_pipeline"], pipeline_arn) or {}) if pipeline_arn else {}
    logging = pipeline.get("loggingConfiguration") or {}
    parts = parse_arn(image.get("arn")) or {}
    image_group = ((image.get("loggingConfiguration") or {}).get("logGroupName") or logging.get("imageLogGroupName")
                   or "/aws/imagebuilder/%s" % (image.get("name") or parts.get("name")))
    places.append("CloudWatch Logs group %s (stream %s/%s)" % (image_group, parts.get("version"), parts.get("build")))
    if pipeline_arn:
        places.append("CloudWatch Logs group %s (pipeline runs)"
                      % (logging.get("pipelineLogGroupName") or "/aws/imagebuilder/pipeline/%s" % parse_arn(pipeline_arn)["name"]))
    return "; ".join(places)


# --------------------------------------------------------------------------- the latest AVAILABLE build

def latest_of_recipe(api, name, version=None):
    """The newest AVAILABLE build of recipe NAME (any version, or VERSION): GetImage on the version or
    x.x.x ARN answers exactly that (model 1.44.8 GetImage: "A version or wildcard ARN resolves to the
    latest matching build version that has reached AVAILABLE status")."""
    return api.get(IMAGE, api.arn(IMAGE, name, version or "x.x.x"))


def builds_of_pipeline(api, pipeline, status=None):
    """Every build a pipeline ran that we can see (only those in ``status``, if given), oldest first, read
    in full by Get: ListImagePipelineImages (which may lag behind new builds), plus the builds of its
    current recipe version and the newest AVAILABLE build of its recipe, both read by Get and kept when
    the pipeline made them (``sourcePipelineArn``)."""
    full = {}
    recipe_arn = pipeline.get("imageRecipeArn") or pipeline.get("containerRecipeArn")
    recipe = parse_arn(recipe_arn or "") or {}
    if recipe.get("name"):
        version = recipe["version"]
        if "x" in version.split("."):
            current = api.get(KINDS["image_recipe" if pipeline.get("imageRecipeArn") else "container_recipe"], recipe_arn)
            version = (parse_arn((current or {}).get("arn") or "") or {}).get("version")
        candidates = builds_of(api, recipe["name"], version) if version and "x" not in version.split(".") else []
        candidates = [build for build in candidates if "sourcePipelineArn" in build]  # read by Get, not a List summary
        candidates.append(latest_of_recipe(api, recipe["name"]))
        full.update((build["arn"], build) for build in candidates if build and build.get("sourcePipelineArn") == pipeline["arn"])
    for summary in api.list_all("ListImagePipelineImages", "imageSummaryList", imagePipelineArn=pipeline["arn"]):
        if summary["arn"] not in full and (status is None or status_of(summary) == status):
            build = api.get(IMAGE, summary["arn"])
            if build:
                full[build["arn"]] = build
    builds = [build for build in full.values() if status is None or status_of(build) == status]
    return sorted(builds, key=lambda build: (parse_date(build.get("dateCreated")) or EPOCH, build_number(build)))


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# --------------------------------------------------------------------------- a build's AMIs and snapshots

# The tag Image Builder puts on the AMIs it distributes; put on their snapshots before the AMIs are
# deregistered, so that a run cut short between DeregisterImage and DeleteSnapshot finds them again.
BUILD_TAG = "Ec2ImageBuilderArn"


def remove_outputs(api, image):
    """Deregister the AMIs ``image`` distributed to our account and delete their EBS snapshots, region by
    region (DeleteImage leaves both: model 1.44.8 DeleteImage "does not delete any EC2 AMIs ...";
    DeregisterImage leaves the snapshots unless asked: "Default: The snapshots are not deleted").
    In check mode nothing is written and the result says what would go.

    Returns (removed, kept): removed is {region: {"amis": [...], "snapshots": [...]}} for what was (or
    would be) removed; kept lists what stays, each with a ``reason``: AMIs of other accounts (DeregisterImage
    acts only on the caller's own AMIs), container images, snapshots another AMI still uses."""
    account = api.identity()[1]
    arn = image["arn"]
    outputs = image.get("outputResources") or {}
    by_region, kept = {}, []
    for ami in outputs.get("amis") or []:
        if ami.get("accountId") and ami["accountId"] != account:
            kept.append(dict(region=ami.get("region"), account_id=ami["accountId"], image=ami.get("image"),
                             reason="distributed to account %s: only that account can deregister it (DeregisterImage acts on the "
                                    "caller's own AMIs); deregister it and delete its snapshots with that account's credentials"
                                    % ami["accountId"]))
        elif ami.get("region") and ami.get("image"):
            by_region.setdefault(ami["region"], []).append(ami["image"])
    for container in outputs.get("containers") or []:
        kept.append(dict(region=container.get("region"), image_uris=container.get("imageUris") or [],
                         reason="a container image in ECR: delete it with ECR (BatchDeleteImage)"))
    removed = {}
    for region in sorted(by_region):
        amis, snapshots, problems = _remove_region_outputs(api, region, by_region[region], arn)
        kept.extend(problems)
        if amis or snapshots:
            removed[region] = dict(amis=amis, snapshots=snapshots)
    return removed, kept


def _remove_region_outputs(api, region, ami_ids, arn):
    ec2 = api.regional("ec2", region)
    registered = api.call("DescribeImages", client=ec2, Owners=["self"], Filters=[dict(Name="image-id", Values=ami_ids)])["Images"]
    in_amis = dict((bdm["Ebs"]["SnapshotId"], image["ImageId"]) for image in registered for bdm in image.get("BlockDeviceMappings") or []
                   if (bdm.get("Ebs") or {}).get("SnapshotId"))
    tagged, params = [], dict(OwnerIds=["self"], Filters=[dict(Name="tag:%s" % BUILD_TAG, Values=[arn])])
    while True:  # snapshots left by an earlier run that deregistered their AMIs
        page = api.call("DescribeSnapshots", client=ec2, **params)
        tagged.extend(snapshot["SnapshotId"] for snapshot in page.get("Snapshots") or [])
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    snapshots = sorted(set(in_amis) | set(tagged))
    amis = sorted(image["ImageId"] for image in registered)
    untagged = sorted(set(in_amis) - set(tagged))
    if untagged:
        api.write("CreateTags", client=ec2, Resources=untagged, Tags=[dict(Key=BUILD_TAG, Value=arn)])
    for ami in amis:
        api.write("DeregisterImage", client=ec2, ignore=("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"), ImageId=ami)
    problems, deleted = [], []
    for snapshot in snapshots:
        answer = api.write("DeleteSnapshot", client=ec2, ignore=("InvalidSnapshot.NotFound", "InvalidSnapshot.InUse"), SnapshotId=snapshot)
        error = answer.response["Error"] if isinstance(answer, Exception) else {}
        if error.get("Code") == "InvalidSnapshot.InUse":
            problems.append(dict(region=region, snapshot=snapshot, reason="still in use: %s" % error.get("Message")))
        elif not error:  # InvalidSnapshot.NotFound: gone already
            deleted.append(snapshot)
    return amis, deleted, problems
