"""What docs/aws-behaviour.md could not verify offline, checked on a real account with boto3.

Opt-in and cheap: see tests/live/README.md. Run with ``-s`` to see the findings each test prints
(lines starting with ``[live]``); paste them into an issue or into docs/aws-behaviour.md.
"""
import ast
import concurrent.futures
import importlib
import json
import os
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = "ansible_collections.amiforge.imagebuilder.plugins.modules."
LIST_LAG_LIMIT = 180  # seconds to wait for List* to catch up (AWS documented "up to two minutes")
PROPAGATION_LIMIT = 120  # seconds, as the engine (and terraform) retry a new instance profile
AL2023_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def report(text, *args):
    print("[live] " + (text % args if args else text))


def show(value):
    return json.dumps(value, default=str, sort_keys=True)


def error_of(error):
    details = getattr(error, "response", {}) or {}
    return (details.get("Error", {}).get("Code"), details.get("Error", {}).get("Message") or "",
            details.get("ResponseMetadata", {}).get("HTTPStatusCode"))


def document(message):
    return ("name: amiforge-live\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Say\n"
            "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo %s\n" % message)


# --------------------------------------------------------------------------- resources and their cleanup

def delete_component_version(live, version_arn, builds):
    """Every build of one component version: those we created, then whatever Get still finds."""
    from botocore.exceptions import ClientError

    for arn in builds:
        try:
            live.imagebuilder.delete_component(componentBuildVersionArn=arn)
        except ClientError as error:
            if error_of(error)[0] != "ResourceNotFoundException":
                raise
    for _attempt in range(10):
        try:
            found = live.imagebuilder.get_component(componentBuildVersionArn=version_arn)["component"]
        except ClientError as error:
            if error_of(error)[0] == "ResourceNotFoundException":
                return
            raise
        live.imagebuilder.delete_component(componentBuildVersionArn=found["arn"])


class Components:
    """Creates components and deletes every build of every version it made."""

    def __init__(self, live, cleanup):
        self.live = live
        self.cleanup = cleanup
        self.builds = {}

    def create(self, name, version, message, **extra):
        version_arn = self.live.arn("component", name, version)
        if version_arn not in self.builds:
            self.builds[version_arn] = []
            self.cleanup.add("component %s" % version_arn, delete_component_version, self.live, version_arn, self.builds[version_arn])
        arn = self.live.imagebuilder.create_component(name=name, semanticVersion=version, platform="Linux", data=document(message),
                                                      **extra)["componentBuildVersionArn"]
        self.builds[version_arn].append(arn)
        return arn


def get_component(live, arn, client=None):
    """GetComponent, or None when it answers ResourceNotFoundException."""
    from botocore.exceptions import ClientError

    try:
        return (client or live.imagebuilder).get_component(componentBuildVersionArn=arn)["component"]
    except ClientError as error:
        if error_of(error)[0] == "ResourceNotFoundException":
            return None
        raise


def list_components(live, name, by_name=False):
    params = dict(owner="Self", filters=[dict(name="name", values=[name])])
    if by_name:
        params["byName"] = True
    items = []
    while True:
        response = live.imagebuilder.list_components(**params)
        items.extend(response.get("componentVersionList", []))
        if not response.get("nextToken"):
            return items
        params["nextToken"] = response["nextToken"]


def wait_until_listed(live, name, versions):
    """(entries, seconds) once ListComponents (without byName) shows every one of ``versions``, or (entries, None)."""
    start = time.monotonic()
    while True:
        entries = list_components(live, name)
        if set(versions) <= set(entry.get("version") for entry in entries):
            return entries, time.monotonic() - start
        if time.monotonic() - start > LIST_LAG_LIMIT:
            return entries, None
        time.sleep(10)


def make_instance_profile(live, cleanup, name):
    """An IAM role for EC2 and an instance profile holding it (nothing attached: no permission is granted)."""
    from botocore.exceptions import ClientError

    iam = live.client("iam")
    suffix = "amazonaws.com.cn" if live.partition == "aws-cn" else "amazonaws.com"
    trust = dict(Version="2012-10-17", Statement=[dict(Effect="Allow", Principal=dict(Service="ec2." + suffix), Action="sts:AssumeRole")])
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description="amiforge live test; safe to delete")
    cleanup.add("IAM role %s" % name, iam.delete_role, RoleName=name)
    iam.create_instance_profile(InstanceProfileName=name)
    cleanup.add("IAM instance profile %s" % name, iam.delete_instance_profile, InstanceProfileName=name)
    for attempt in range(10):
        try:
            iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
            break
        except ClientError as error:  # the role itself may take a moment to be visible to IAM
            if error_of(error)[0] != "NoSuchEntity" or attempt == 9:
                raise
            time.sleep(2)
    cleanup.add("role %s in instance profile %s" % (name, name), iam.remove_role_from_instance_profile, InstanceProfileName=name, RoleName=name)
    return name


def create_infrastructure(live, cleanup, request):
    """CreateInfrastructureConfiguration, retried for PROPAGATION_LIMIT seconds while Image Builder does not see
    the instance profile. Returns (arn, the first error or None, seconds until it succeeded)."""
    from botocore.exceptions import ClientError

    start, first = time.monotonic(), None
    while True:
        try:
            arn = live.imagebuilder.create_infrastructure_configuration(**request)["infrastructureConfigurationArn"]
        except ClientError as error:
            code, message, status = error_of(error)
            first = first or (code, message, status)
            if "instance profile" in message.lower() and time.monotonic() - start < PROPAGATION_LIMIT:
                time.sleep(5)
                continue
            raise
        cleanup.add("infrastructure configuration %s" % arn, live.imagebuilder.delete_infrastructure_configuration,
                    infrastructureConfigurationArn=arn)
        return arn, first, time.monotonic() - start


# --------------------------------------------------------------------------- what the engine compares

def engine_comparison(live, module_name, create_operation):
    """(compared fields, DEFAULTS) of one of our modules: the Create members its ``desired`` dict sets (read from
    its source) and its DEFAULTS constant (the service's documented defaults the engine fills in before comparing)."""
    members = set(live.imagebuilder.meta.service_model.operation_model(create_operation).input_shape.members)
    with open(os.path.join(ROOT, "plugins", "modules", module_name + ".py")) as handle:
        tree = ast.parse(handle.read())
    fields = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            names = set(keyword.arg for keyword in node.keywords if keyword.arg)
            if "description" in names and len(names & members) > len(fields):
                fields = names & members
    module = importlib.import_module(MODULES + module_name)
    return fields, getattr(module, "DEFAULTS", {})


def is_empty(value):
    return value in (None, "", [], {})


def differences(sent, got, path=""):
    """(path, sent, read back) wherever what Get returns differs from what was sent; empty values ('', [], {},
    None) count as absent, as the engine's comparison prunes them."""
    if is_empty(sent) and is_empty(got):
        return []
    if isinstance(got, dict) and (isinstance(sent, dict) or sent is None):
        found = []
        for key in sorted(set(got) | set(sent or {})):
            found += differences((sent or {}).get(key), got.get(key), "%s.%s" % (path, key) if path else key)
        return found
    if isinstance(got, list) and isinstance(sent, list) and len(got) == len(sent):
        found = []
        for index, (one, other) in enumerate(zip(sent, got)):
            found += differences(one, other, "%s[%d]" % (path, index))
        return found
    return [] if sent == got else [(path, sent, got)]


def default_at(defaults, path):
    value = defaults
    for part in path.replace("]", "").replace("[", ".").split("."):
        if part.isdigit() or not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def perpetual_diff_risks(label, sent, got, fields, defaults):
    """Report each member Get returns other than sent; return those the engine compares without a DEFAULTS entry."""
    risks = []
    for path, wanted, have in differences(sent, got):
        top = path.split(".")[0].split("[")[0]
        if top not in fields:
            verdict = "not compared by the engine"
        elif wanted is None and default_at(defaults, path) == have:
            verdict = "covered by DEFAULTS"
        else:
            verdict = "COMPARED, not in DEFAULTS"
            risks.append((path, wanted, have))
        report("%s: %s sent %s, Get returns %s -> %s", label, path, show(wanted), show(have), verdict)
    return risks


def explain(risks, module_name):
    members = "; ".join("%s (sent %s, read %s)" % (path, show(sent), show(got)) for path, sent, got in risks)
    return ("%s compares these members, which the service filled in or changed, and its DEFAULTS does not cover them: %s. "
            "An option left unset keeps the current value (fill_unset), but a playbook that sets the parent option without "
            "them, or removes them, would differ on every run. Add them to DEFAULTS in plugins/modules/%s.py or show that "
            "the case cannot arise." % (module_name, members, module_name))


# --------------------------------------------------------------------------- the checks

def test_identity_gives_the_partition_and_amazon_components_use_account_aws(live):
    """Behaviour 6: partition from STS GetCallerIdentity; Amazon-owned ARNs carry 'aws' in the account field."""
    expected = None
    try:
        expected = live.session.get_partition_for_region(live.region)
    except AttributeError:  # boto3 older than get_partition_for_region
        pass
    report("STS caller ARN %s -> partition %s (botocore says %s for %s)", live.caller_arn, live.partition, expected, live.region)
    if expected:
        assert live.partition == expected
    arn = live.arn("component", "update-linux", "x.x.x", account="aws")
    found = get_component(live, arn)
    report("GetComponent %s -> %s", arn, found and found["arn"])
    assert found, "Amazon's update-linux component is not found at %s" % arn
    assert found["arn"].startswith("arn:%s:imagebuilder:%s:aws:component/update-linux/" % (live.partition, live.region))


def test_get_sees_a_new_component_at_once_while_list_may_lag(live, prefix, cleanup):
    """Behaviours 1 and 8: Get by constructed ARN right after Create; whether ListComponents shows it yet."""
    name = prefix + "_Lag Check"  # upper case, underscore and space: the ARN carries the normalised name
    arn = Components(live, cleanup).create(name, "1.0.0", "lag")
    report("CreateComponent %r -> %s", name, arn)
    assert arn == live.arn("component", name, "1.0.0", 1), "the ARN does not carry the name normalised as documented"

    for constructed in (live.arn("component", name, "x.x.x"), live.arn("component", name, "1.0.0")):
        found = get_component(live, constructed)
        report("GetComponent %s immediately after create -> %s", constructed, found and found["arn"])
        assert found and found["arn"] == arn, "Get on %s does not see the component just created" % constructed

    listed = list_components(live, name)
    report("ListComponents (name filter %r, no byName) immediately after create: %s", name,
           "shows it" if listed else "does NOT show it yet (List lags behind Create)")
    if not listed:
        entries, seconds = wait_until_listed(live, name, ["1.0.0"])
        report("ListComponents showed it after %s", "%.0f s" % seconds if seconds is not None else "more than %d s" % LIST_LAG_LIMIT)
    else:
        report("ListComponents entry: %s", show(listed))


def test_by_name_aggregates_versions_and_versions_order_numerically(live, prefix, cleanup):
    """Behaviours 2 and 7: byName gives one entry per name; versions with leading zeros; numeric ordering."""
    name = prefix + "-byname"
    components = Components(live, cleanup)
    created = dict((version, components.create(name, version, version)) for version in ("1.0.9", "1.0.10", "2021.01.01"))
    report("created %s", show(created))
    assert created["2021.01.01"].endswith("/2021.01.01/1"), "the leading zeros of 2021.01.01 are not kept in the ARN"

    for wildcard, expected in (("1.0.x", "1.0.10"), ("x.x.x", "2021.01.01")):
        found = get_component(live, live.arn("component", name, wildcard))
        report("GetComponent .../%s/%s -> %s", name, wildcard, found and found["arn"])
        assert found and found["arn"] == created[expected], "%s should resolve to %s (numeric order)" % (wildcard, expected)

    entries, seconds = wait_until_listed(live, name, list(created))
    report("ListComponents (no byName) showed all three versions after %s: %s",
           "%.0f s" % seconds if seconds is not None else "more than %d s (not all)" % LIST_LAG_LIMIT,
           show([(entry.get("arn"), entry.get("version")) for entry in entries]))
    if seconds is None:
        pytest.fail("ListComponents still misses versions %d s after they were created" % LIST_LAG_LIMIT)
    aggregated = list_components(live, name, by_name=True)
    report("ListComponents byName=True: %s", show(aggregated))
    assert len(aggregated) == 1, "byName=True did not return one entry per name"


def test_create_of_an_existing_component_version(live, prefix, cleanup):
    """Behaviour 1 (the Create backstop) and 10: same version, identical content fails; other content gets build /2."""
    from botocore.exceptions import ClientError

    name = prefix + "-again"
    components = Components(live, cleanup)
    first = components.create(name, "1.0.0", "first")
    report("CreateComponent 1.0.0 -> %s", first)
    failure = None
    try:
        again = components.create(name, "1.0.0", "first")
        report("CreateComponent 1.0.0 with identical content SUCCEEDED -> %s", again)
    except ClientError as error:
        failure = error_of(error)
        report("CreateComponent 1.0.0 with identical content -> %s (HTTP %s): %s", failure[0], failure[2], failure[1])
        report("the engine's backstop (VersionedResource.ensure_present) handles this code: %s",
               failure[0] in ("ResourceAlreadyExistsException", "ResourceInUseException"))
    assert failure, "a create of an existing version with identical content was expected to fail"

    second = components.create(name, "1.0.0", "second")
    report("CreateComponent 1.0.0 with other content -> %s", second)
    assert second == live.arn("component", name, "1.0.0", 2), "other content for an existing version should be build /2"
    latest = get_component(live, live.arn("component", name, "1.0.0"))
    report("GetComponent on the version ARN now -> %s", latest and latest["arn"])
    assert latest and latest["arn"] == second


def test_a_dry_run_create_answers_dry_run_operation_exception_and_creates_nothing(live, prefix, cleanup):
    """Behaviour 11 (validate_with_service): CreateComponent with dryRun answers DryRunOperationException (HTTP 412)
    when the request is valid and creates nothing; whether it refuses a document without phases is reported."""
    from botocore.exceptions import ClientError

    name = prefix + "-dryrun"
    cleanup.add("component %s" % live.arn("component", name, "1.0.0"), delete_component_version, live,
                live.arn("component", name, "1.0.0"), [])
    answers = {}
    for label, data in (("valid", document("dry")), ("no phases", "name: amiforge-live\nschemaVersion: 1.0\nphases: []\n")):
        try:
            response = live.imagebuilder.create_component(name=name, semanticVersion="1.0.0", platform="Linux", data=data, dryRun=True)
            answers[label] = ("no error", response.get("componentBuildVersionArn"), 200)
        except ClientError as error:
            answers[label] = error_of(error)
        report("CreateComponent dryRun, %s document -> %s (HTTP %s): %s", label, answers[label][0], answers[label][2], answers[label][1])
    found = get_component(live, live.arn("component", name, "x.x.x"))
    report("GetComponent after the dry runs -> %s", found and found["arn"])
    assert found is None, "a dry run created %s" % (found and found["arn"])
    assert answers["valid"][:1] == ("DryRunOperationException",) and answers["valid"][2] == 412, answers["valid"]
    # what the service refuses is its own (the emulator refuses a document without phases): reported, not asserted
    report("a document without phases is %s by a dry run", "accepted" if answers["no phases"][0] == "DryRunOperationException" else "refused")


def test_a_repeated_client_token_returns_the_original_response(live, prefix, cleanup):
    """ClientToken: the engine's retries within one run resend the same token and must not create a second build."""
    from botocore.exceptions import ClientError

    name = prefix + "-token"
    components = Components(live, cleanup)
    token = "amiforge-live-" + prefix[-8:]
    first = components.create(name, "1.0.0", "token", clientToken=token)
    again = components.create(name, "1.0.0", "token", clientToken=token)
    report("CreateComponent twice with clientToken %s -> %s, then %s", token, first, again)
    assert again == first, "the same token and request should return the original response"
    try:
        other = components.create(name, "1.0.0", "other", clientToken=token)
        report("the same token with other content SUCCEEDED -> %s", other)
        mismatch = None
    except ClientError as error:
        mismatch = error_of(error)
        report("the same token with other content -> %s (HTTP %s): %s", mismatch[0], mismatch[2], mismatch[1])
    assert mismatch and mismatch[0] == "IdempotentParameterMismatchException"


def test_throttling_answers_call_rate_limit_exceeded(live, prefix, cleanup):
    """Behaviour 3: the throttling error code of Image Builder (a burst of at most 60 GetComponent, no retries)."""
    from botocore.config import Config
    from botocore.exceptions import ClientError

    name = prefix + "-burst"
    arn = Components(live, cleanup).create(name, "1.0.0", "burst")
    client = live.client("imagebuilder", config=Config(retries={"max_attempts": 1, "mode": "standard"}))

    def one(_index):
        try:
            client.get_component(componentBuildVersionArn=arn)
            return None
        except ClientError as error:
            return error_of(error)

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(one, range(60)))
    errors = [outcome for outcome in outcomes if outcome]
    report("60 GetComponent calls (10 at a time, no retries): %d answered, errors: %s", outcomes.count(None),
           show(sorted(set((code, status) for code, _message, status in errors))))
    throttled = [error for error in errors if error[2] == 429 or "throttl" in (error[0] or "").lower()
                 or "limit" in (error[0] or "").lower() or "toomany" in (error[0] or "").lower()]
    unexpected = [error for error in errors if error not in throttled]
    assert not unexpected, "errors other than throttling: %s" % show(unexpected)
    if not throttled:
        pytest.skip("no throttling in a burst of 60 GetComponent calls: the throttling code could not be observed")
    assert set(error[0] for error in throttled) == {"CallRateLimitExceededException"}, show(throttled)


def test_a_new_instance_profile_may_be_unknown_to_image_builder(live, prefix, cleanup):
    """Behaviour 4: CreateInfrastructureConfiguration right after the instance profile is created."""
    engine = importlib.import_module(MODULES + "infrastructure_configuration").PROFILE_PROPAGATION
    profile = make_instance_profile(live, cleanup, prefix + "-profile")
    arn, first, seconds = create_infrastructure(live, cleanup, dict(name=prefix + "-infra", instanceProfileName=profile))
    if first:
        report("CreateInfrastructureConfiguration right after creating the instance profile -> %s (HTTP %s): %s",
               first[0], first[2], first[1])
        report("succeeded after %.0f s of retries -> %s", seconds, arn)
        assert first[0] == engine[0] and engine[1] in first[1], (
            "the engine retries only %s containing %r (PROFILE_PROPAGATION), AWS answered %s: %s" % (engine[0], engine[1], first[0], first[1]))
        assert seconds <= engine[2], "it took longer than the engine retries (%d s)" % engine[2]
    else:
        report("CreateInfrastructureConfiguration right after creating the instance profile succeeded at once -> %s", arn)


def test_infrastructure_configuration_members_the_service_fills_in(live, prefix, cleanup):
    """Behaviour 9 (perpetual-diff detector): members Get returns that were not sent, against the engine's DEFAULTS."""
    fields, defaults = engine_comparison(live, "infrastructure_configuration", "CreateInfrastructureConfiguration")
    report("infrastructure_configuration compares %s; DEFAULTS %s", sorted(fields), show(defaults))
    profile = make_instance_profile(live, cleanup, prefix + "-profile")
    sent = dict(name=prefix + "-infra", instanceProfileName=profile)
    arn, _first, _seconds = create_infrastructure(live, cleanup, sent)
    got = live.imagebuilder.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]
    report("GetInfrastructureConfiguration after a minimal create: %s", show(got))
    risks = perpetual_diff_risks("minimal infrastructure configuration", sent, got, fields, defaults)

    update = dict(infrastructureConfigurationArn=arn, instanceProfileName=profile, instanceMetadataOptions=dict(httpTokens="required"))
    live.imagebuilder.update_infrastructure_configuration(**update)
    got = live.imagebuilder.get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]
    report("GetInfrastructureConfiguration after an update with instanceMetadataOptions.httpTokens only: %s", show(got))
    sent = dict(update, name=sent["name"], arn=arn)
    del sent["infrastructureConfigurationArn"]
    risks += perpetual_diff_risks("infrastructure configuration, partial instanceMetadataOptions", sent, got, fields, defaults)
    assert not risks, explain(risks, "infrastructure_configuration")


def test_image_recipe_members_the_service_fills_in(live, prefix, cleanup):
    """Behaviour 9 for recipes: workingDirectory and additionalInstanceConfiguration echoes of a minimal recipe."""
    from botocore.exceptions import ClientError

    fields, defaults = engine_comparison(live, "image_recipe", "CreateImageRecipe")
    report("image_recipe compares %s; DEFAULTS %s", sorted(fields), show(defaults))
    try:
        ami = live.client("ssm").get_parameter(Name=AL2023_PARAMETER)["Parameter"]["Value"]
    except ClientError as error:
        pytest.skip("cannot resolve %s in %s: %s" % (AL2023_PARAMETER, live.region, error))
    sent = dict(name=prefix + "-recipe", semanticVersion="1.0.0", parentImage=ami)
    arn = live.imagebuilder.create_image_recipe(**sent)["imageRecipeArn"]
    cleanup.add("image recipe %s" % arn, live.imagebuilder.delete_image_recipe, imageRecipeArn=arn)
    got = live.imagebuilder.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    report("GetImageRecipe after a minimal create (parent %s, no components): %s", ami, show(got))
    report("workingDirectory: %s; additionalInstanceConfiguration: %s", show(got.get("workingDirectory")),
           show(got.get("additionalInstanceConfiguration")))
    risks = perpetual_diff_risks("minimal image recipe", sent, got, fields, defaults)
    assert not risks, explain(risks, "image_recipe")


def test_distribution_configuration_members_the_service_fills_in(live, prefix, cleanup):
    """Behaviour 9 for distributions (no DEFAULTS), and whether AWS itself refuses an AMI name without the build date."""
    from botocore.exceptions import ClientError

    fields, defaults = engine_comparison(live, "distribution_configuration", "CreateDistributionConfiguration")
    report("distribution_configuration compares %s; DEFAULTS %s", sorted(fields), show(defaults))
    distributions = [dict(region=live.region, amiDistributionConfiguration=dict(name=prefix + "-{{imagebuilder:buildDate}}"))]
    sent = dict(name=prefix + "-dist", distributions=distributions)
    arn = live.imagebuilder.create_distribution_configuration(**sent)["distributionConfigurationArn"]
    cleanup.add("distribution configuration %s" % arn, live.imagebuilder.delete_distribution_configuration, distributionConfigurationArn=arn)
    got = live.imagebuilder.get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]
    report("GetDistributionConfiguration after a minimal create: %s", show(got))
    risks = perpetual_diff_risks("minimal distribution configuration", sent, got, fields, defaults)

    undated = [dict(region=live.region, amiDistributionConfiguration=dict(name=prefix + "-undated"))]
    try:
        other = live.imagebuilder.create_distribution_configuration(name=prefix + "-undated", distributions=undated)
        cleanup.add("distribution configuration %s" % other["distributionConfigurationArn"], live.imagebuilder.delete_distribution_configuration,
                    distributionConfigurationArn=other["distributionConfigurationArn"])
        report("an AMI name without {{imagebuilder:buildDate}} is ACCEPTED by CreateDistributionConfiguration "
               "(checks.py ami_name_problem refuses it before any call)")
    except ClientError as error:
        report("an AMI name without {{imagebuilder:buildDate}} is refused: %s: %s", *error_of(error)[:2])
    assert not risks, explain(risks, "distribution_configuration")
