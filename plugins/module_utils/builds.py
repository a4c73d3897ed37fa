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
