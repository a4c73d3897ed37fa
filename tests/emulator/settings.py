"""Run-time settings: the build clock, the quota and the "AWS mode" behaviours.

Each is read from the environment at start; the clock and the AWS-mode settings can be changed while
the emulator runs (``POST /_amiforge/clock``, ``POST /_amiforge/settings``; see docs/emulator.md).
Ages are measured with ``time.monotonic()``, the clock the build ticker uses, except an IAM instance
profile's, which only moto knows (its ``create_date``, wall-clock UTC).
"""
import datetime
import os
import time

CLOCK = {"step_seconds": float(os.environ.get("AMIFORGE_EMULATOR_STEP_SECONDS", "0.2"))}
QUOTA = int(os.environ.get("AMIFORGE_EMULATOR_QUOTA", "5000"))

# setting -> the environment variable that sets it at start (all default to 0: the kind, consistent emulator)
ENVIRONMENT = {
    "list_lag_seconds": "AMIFORGE_EMULATOR_LIST_LAG_SECONDS",
    "iam_propagation_seconds": "AMIFORGE_EMULATOR_IAM_PROPAGATION_SECONDS",
    "new_image_not_found_seconds": "AMIFORGE_EMULATOR_NEW_IMAGE_NOT_FOUND_SECONDS",
}


def _seconds(name, value):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be a number of seconds, not %r" % (name, value))
    if isinstance(value, bool) or not 0 <= seconds < float("inf"):
        raise ValueError("%s must be a number of seconds >= 0, not %r" % (name, value))
    return seconds


SETTINGS = {key: _seconds(variable, os.environ.get(variable, "0")) for key, variable in ENVIRONMENT.items()}


def update(values):
    """Apply a ``POST /_amiforge/settings`` body; a ValueError (nothing changed) names what is wrong."""
    if not isinstance(values, dict):
        raise ValueError("the body must be a JSON object of settings: %s" % ", ".join(sorted(SETTINGS)))
    unknown = sorted(set(values) - set(SETTINGS))
    if unknown:
        raise ValueError("unknown settings %s; the settings are %s" % (", ".join(unknown), ", ".join(sorted(SETTINGS))))
    parsed = {key: _seconds(key, value) for key, value in values.items()}
    SETTINGS.update(parsed)
    return dict(SETTINGS)


def listed(record):
    """Whether List* answers show ``record`` yet: AWS documented "up to two minutes" for new components and images.
    Age counts from creation (an Update does not make a record young again); Amazon-owned records are never young."""
    lag = SETTINGS["list_lag_seconds"]
    return not lag or record["_account"] == "aws" or time.monotonic() - record["_created"] >= lag


def image_visible(record):
    """Whether GetImage knows a build yet: right after a start it may answer ResourceNotFoundException for a while
    (terraform's image waiter counts that as PENDING). Amazon-owned images are always visible."""
    lag = SETTINGS["new_image_not_found_seconds"]
    return not lag or record["_account"] == "aws" or time.monotonic() - record["_created"] >= lag


def propagated(create_date):
    """Whether Image Builder sees an IAM instance profile created at ``create_date`` (moto's, naive UTC) yet."""
    lag = SETTINGS["iam_propagation_seconds"]
    if not lag:
        return True
    current = datetime.datetime.now(datetime.timezone.utc)
    if create_date.tzinfo is None:
        current = current.replace(tzinfo=None)
    return (current - create_date).total_seconds() >= lag
