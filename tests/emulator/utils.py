"""Names, versions, ARNs and build states shared by the backend's modules (models, listing, builds, checks)."""
import datetime
import json
import re

STATES = ["PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING", "AVAILABLE"]
FINAL_STATES = {"AVAILABLE", "CANCELLED", "FAILED", "DEPRECATED", "DELETED", "DISABLED"}
FAIL_STEP = "emulator-fail"
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


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def version_matches(pattern, version):
    return all(want in ("x", have) for want, have in zip(pattern.split("."), version.split(".")))


def arn_name(name):
    """The ARN's name segment: AWS lowercases the name and puts '-' for spaces and underscores (model 1.44.8,
    Create* ``name``: "names that differ only in case, spaces, or underscores count as the same name")."""
    return re.sub(r"[ _]", "-", name.lower())


def fingerprint(params):
    return json.dumps({k: v for k, v in params.items() if k != "clientToken"}, sort_keys=True, default=str)


# Amazon-owned resources seeded in every region (see models.ImageBuilderBackend._seed_amazon).
AMAZON_COMPONENTS = [  # name, version, type
    ("update-linux", "1.0.2", "BUILD"),
    ("reboot-linux", "1.0.1", "BUILD"),
    ("aws-cli-version-2-linux", "1.0.4", "BUILD"),
    ("simple-boot-test-linux", "1.0.0", "TEST"),
    ("reboot-test-linux", "1.0.0", "TEST"),
]
AMAZON_WORKFLOWS = [("build-image", "1.0.2", "BUILD"), ("test-image", "1.0.1", "TEST"), ("distribute-image", "1.0.0", "DISTRIBUTION")]
AMAZON_IMAGES = [  # name, version, os version, moto AMI name prefix
    ("amazon-linux-2023-x86", "2025.11.1", "Amazon Linux 2023", "al2023-ami-"),
    ("amazon-linux-2-x86", "2025.11.1", "Amazon Linux 2", "amzn2-ami-"),
]
