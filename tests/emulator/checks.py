"""Checks a request needs beyond its input shape: references to other services and to Image Builder resources,
and the rules AWS documents in prose (schedules, timezones, AMI names, component parameters).

Every refusal is InvalidParameterValueException unless said otherwise, the code Image Builder uses for a
value it does not accept.
"""
import functools
import re
import zoneinfo

import yaml
from moto.backends import get_backend

from tests.emulator import exceptions as err
from tests.emulator import settings

# AWS's own text (aws/aws-cdk#11441; terraform retries on "instance profile does not exist" for two minutes).
INSTANCE_PROFILE_MISSING = ("The value supplied for parameter 'instanceProfileName' is not valid. The provided instance profile "
                            "does not exist. Please specify a different instance profile and try again.")
BUILD_DATE = re.compile(r"\{\{\s*imagebuilder:buildDate\s*\}\}")
# The step actions of https://docs.aws.amazon.com/imagebuilder/latest/userguide/wfdoc-step-actions.html
WORKFLOW_STEP_ACTIONS = (
    "ApplyImageConfigurations", "BootstrapInstanceForContainer", "CollectImageMetadata", "CollectImageScanFindings", "CreateImage",
    "DistributeImage", "ExecuteComponents", "ExecuteStateMachine", "LaunchInstance", "ModifyImageAttributes", "RegisterImage",
    "RunCommand", "RunSysPrep", "SanitizeInstance", "TerminateInstance", "WaitForAction", "WaitForSSMAgent",
)
RATE = re.compile(r"^rate\((?P<value>[0-9]+) (?:minute|minutes|hour|hours|day|days)\)$")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# https://docs.aws.amazon.com/imagebuilder/latest/userguide/cron-expressions.html: six fields, their values and wildcards.
# (name, lowest, highest, names for 1.., '/' allowed, the field's own forms: '?' and L, W or # where documented)
CRON_FIELDS = (
    ("Minute", 0, 59, (), True, None),
    ("Hour", 0, 23, (), True, None),
    ("Day", 1, 31, (), True, re.compile(r"L|LW|(?P<value>[0-9]+)W")),
    ("Month", 1, 12, MONTHS, True, None),
    ("Day of the week", 1, 7, WEEKDAYS, False, re.compile(r"L|(?P<value>\w+)(?:L|#[1-5])")),
    ("Year", 1970, 2199, (), True, None),
)


def schedule_problem(expression):
    """What is wrong with a pipeline's ``scheduleExpression`` (None when Image Builder accepts it)."""
    rate = RATE.match(expression)
    if rate:
        return None if int(rate.group("value")) > 0 else "a rate must be at least 1"
    match = re.match(r"^cron\((.*)\)$", expression)
    if not match:
        return "it is neither rate(N minutes|hours|days) nor cron(...)"
    fields = match.group(1).split(" ")
    if len(fields) != 6:
        return "a cron expression has six fields (<Minute> <Hour> <Day> <Month> <Day of the week> <Year>) separated by one space"
    for field, (name, low, high, names, steps, special) in zip(fields, CRON_FIELDS):
        if not (field == "?" and special) and not all(
                _cron_item(item, low, high, names, steps, special) for item in field.upper().split(",")):
            return "the %s field %r is not valid (values %d-%d%s)" % (
                name, field, low, high, " or %s-%s" % (names[0], names[-1]) if names else "")
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of Day and Day of the week must be ? (they cannot both be given)"
    return None


def _cron_item(item, low, high, names, steps, special):
    def value(text):
        return (text in names) or (text.isdigit() and low <= int(text) <= high)

    def span(text):
        first, dash, last = text.partition("-")
        return value(first) and (not dash or value(last))

    base, slash, step = item.partition("/")
    if slash:
        return steps and step.isdigit() and int(step) >= 1 and (base == "*" or span(base))
    if item == "*" or span(item):
        return True
    form = special.fullmatch(item) if special else None
    return bool(form) and (form.group("value") is None or value(form.group("value")))


@functools.lru_cache(maxsize=1)
def _timezones():
    return frozenset(zoneinfo.available_timezones())


class ChecksMixin:
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
        """Each component exists, suits the platform, and is given only the parameters its document declares
        (model 1.44.8 ``ComponentConfiguration.parameters``: "you can only supply parameters that the component defines")."""
        for component in components or []:
            target = self.find("component", component["componentArn"], quiet=True)
            self._must(target, "The component %s does not exist" % component["componentArn"])
            if target["platform"] != platform:
                raise err.InvalidParameterValueException(
                    "The component %s is for %s, the recipe for %s" % (target["arn"], target["platform"], platform))
            declared = {parameter["name"] for parameter in target.get("parameters") or []}
            for parameter in component.get("parameters") or []:
                self._must(parameter["name"] in declared, "The parameter %s is not defined by the component %s (it defines: %s)" % (
                    parameter["name"], target["arn"], ", ".join(sorted(declared)) or "none"))

    def _check_kms(self, key_id, region=None):
        if key_id:
            self._must(self._exists(lambda: self._service("kms", region).describe_key(key_id)), "The KMS key %s does not exist" % key_id)

    def _s3_text(self, uri, what):
        """The text of the S3 object ``uri`` (s3://bucket/key), or InvalidParameterValueException."""
        match = re.match(r"^s3://([^/]+)/(.+)$", uri)
        self._must(match, "The uri %s is not an s3:// URI" % uri)
        try:
            return self._service("s3", "aws").get_object(match.group(1), match.group(2)).value.decode()
        except Exception:
            raise err.InvalidParameterValueException("The %s %s cannot be read" % (what, uri))

    def _document(self, params, what):
        data, uri = params.get("data"), params.get("uri")
        if data and uri:
            raise err.InvalidParameterCombinationException("Specify either data or uri for the %s, not both" % what)
        if not data and not uri:
            raise err.InvalidRequestException("Specify data or uri for the %s" % what)
        if uri:
            data = self._s3_text(uri, "document")
        try:
            document = yaml.safe_load(data)
        except yaml.YAMLError as error:
            raise err.InvalidParameterValueException("The %s document is not valid YAML: %s" % (what, error))
        self._must(isinstance(document, dict), "The %s document must be a YAML mapping" % what)
        return data, document

    def _check_workflow_document(self, document):
        """What AWS documents of a workflow document (image-workflow-create-document.html, wfdoc-step-actions.html):
        schemaVersion 1.0, 1 to 15 steps run in order, each named (WorkflowStepName pattern, unique) with one of the
        documented step actions, onFailure Abort or Continue; parameters named and typed."""
        self._must(str(document.get("schemaVersion")) == "1.0", "The workflow document needs schemaVersion 1.0")
        steps = document.get("steps")
        self._must(isinstance(steps, list) and 1 <= len(steps) <= 15, "The workflow document needs a steps list of 1 to 15 steps")
        names = set()
        for index, step in enumerate(steps):
            self._must(isinstance(step, dict), "Step %d of the workflow document is not a mapping" % index)
            name = step.get("name")
            self._must(isinstance(name, str) and re.match(r"^[A-Za-z][A-Za-z0-9-_]{1,99}$", name) and name not in names,
                       "Step %d of the workflow document needs a unique name matching ^[A-Za-z][A-Za-z0-9-_]{1,99}$" % index)
            names.add(name)
            self._must(step.get("action") in WORKFLOW_STEP_ACTIONS, "Step %s has an unsupported action %r" % (name, step.get("action")))
            self._must(step.get("onFailure", "Abort") in ("Abort", "Continue"), "Step %s: onFailure must be Abort or Continue" % name)
        for item in document.get("parameters") or []:
            self._must(isinstance(item, dict) and item.get("name") and item.get("type") in ("string", "integer", "boolean", "stringList"),
                       "Each workflow parameter needs a name and a type of string, integer, boolean or stringList")

    def _check_infrastructure_references(self, params):
        """The instance profile (unknown to Image Builder while younger than iam_propagation_seconds), subnet,
        security groups, key pair, SNS topic and log bucket must exist."""
        ec2 = self._service("ec2")
        profile = None
        try:
            profile = self._service("iam", "aws").get_instance_profile(params["instanceProfileName"])
        except Exception:
            profile = None
        self._must(profile is not None and settings.propagated(profile.create_date), INSTANCE_PROFILE_MISSING)
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

    def _check_distributions(self, distributions):
        """Regions exist and appear once; KMS keys and launch templates exist; AMI names carry {{imagebuilder:buildDate}}."""
        regions = [d["region"] for d in distributions]
        if len(set(regions)) != len(regions):
            raise err.InvalidParameterValueException("Each region can appear only once in distributions")
        known = set(get_backend("ec2")[self.account_id].regions)
        for distribution in distributions:
            region = distribution["region"]
            self._must(region in known, "The region %s is not valid" % region)
            ami = distribution.get("amiDistributionConfiguration") or {}
            # model 1.44.8: "The name must include the {{ imagebuilder:buildDate }} dynamic tag so that each build
            # produces a uniquely named AMI". Whether Create refuses a name without it is unconfirmed.
            if ami.get("name") is not None:
                self._must(BUILD_DATE.search(ami["name"]), "The AMI name %s must include the {{ imagebuilder:buildDate }} dynamic tag "
                           "so that each build produces a uniquely named AMI" % ami["name"])
            self._check_kms(ami.get("kmsKeyId"), region)
            for template in distribution.get("launchTemplateConfigurations") or []:
                account = template.get("accountId") or self.account_id
                ec2 = self._service("ec2", region, account)
                self._must(self._exists(lambda: ec2.get_launch_template(template["launchTemplateId"])),
                           "The launch template %s does not exist in %s" % (template["launchTemplateId"], region))

    def _check_schedule(self, schedule):
        """A pipeline schedule: rate(...) or Image Builder's six-field cron(...), and an IANA timezone."""
        expression = (schedule or {}).get("scheduleExpression")
        if expression is not None:
            problem = schedule_problem(expression)
            self._must(problem is None, "The value supplied for parameter 'scheduleExpression' is not valid: %s: %s" % (
                expression, problem))
        timezone = (schedule or {}).get("timezone")
        if timezone is not None:
            self._must(timezone in _timezones(), "The value supplied for parameter 'timezone' is not valid: %s is not an IANA "
                       "timezone, for example Etc/UTC or America/Los_Angeles" % timezone)
