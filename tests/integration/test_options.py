"""Every option of every module against the emulator (issue 9).

For each resource module and each of its options (suboptions included): create with value A,
re-run A (unchanged, no write), change to B (changed, exactly the expected write, the stored
resource read with boto3 carries B), re-run B (unchanged, no write). For the updatable kinds also:
an option left out keeps its value (no write), and the documented empty value ('' / [] / {})
removes it (one write, gone when read back, then unchanged).

A sequence runs as one playbook: after each task a checkpoint task reads the length of the
emulator's call log (``lookup('url')`` on the controller, cheap), so the writes of every task are
known exactly without paying an ansible-playbook start per step. One resource carries every option
at once; each B-change is its own task, changing one option (or one suboption) only.
"""
import base64
import copy
import json
import uuid

import pytest
import yaml

from tests.integration.conftest import lists_visible, writes_in
from tests.integration.helpers import document, merged, task

BUILD_DATE = "{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"  # Image Builder's variable, escaped from Jinja
STORED_BUILD_DATE = "{{imagebuilder:buildDate}}"
ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"


# --------------------------------------------------------------------------- running steps

class Step:
    def __init__(self, result, writes):
        self.result = result
        self.writes = writes
        self.changed = bool(result.get("changed"))

    def __repr__(self):
        return "Step(changed=%s, writes=%s, msg=%s)" % (self.changed, self.writes, self.result.get("msg"))


def run_steps(play, emulator, tasks, **options):
    """Run ``tasks`` as one play, each followed by a checkpoint; return one Step per task with the
    Image Builder writes that task made (and nothing else made: the call log is per test worker)."""
    checkpoint = {"ansible.builtin.debug": {"msg": "{{ lookup('ansible.builtin.url', '%s/_amiforge/calls', split_lines=False, "
                                                   "use_proxy=False) | from_json | length }}" % emulator.url}}
    emulator.reset_calls()
    played = play([item for entry in tasks for item in (entry, checkpoint)], expect_failure=True, **options)
    failed = ["task %d: %s" % (index // 2, result.get("msg")) for index, result in enumerate(played.results) if result.get("failed")]
    assert not failed and len(played.results) == 2 * len(tasks), failed or played.completed.stderr[-3000:]
    calls = emulator.calls()
    steps, start = [], 0
    for index in range(len(tasks)):
        end = int(played[2 * index + 1]["msg"])
        steps.append(Step(played[2 * index], writes_in(calls[start:end])))
        start = end
    return steps


def unchanged(step):
    return not step.changed and step.writes == []


def assert_writes(steps, labels, write):
    """Each step changed and made exactly ``write`` (a list of operations, any order)."""
    for label, step in zip(labels, steps):
        assert step.changed and sorted(step.writes) == sorted(write), (label, step)


def setting(options, path, value):
    """A deep copy of ``options`` with ``path`` ('a.b', 'a[1].b') set to ``value`` (None: the key removed)."""
    result = copy.deepcopy(options)
    target = result
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if value is None:
        target.pop(last, None)
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return result


def without(options, *keys):
    """``options`` without ``keys`` (an option given as null still counts as given for mutually_exclusive)."""
    return dict((key, value) for key, value in options.items() if key not in keys)


def sequence(module, base, changes):
    """Tasks: ``base`` then, for each (path, value) in ``changes``, the previous options with that one
    change. Returns (tasks, the final options)."""
    tasks, current = [], base
    for path, value in changes:
        current = setting(current, path, value)
        tasks.append(task(module, **current))
    return tasks, current


# --------------------------------------------------------------------------- prerequisites

@pytest.fixture(scope="module")
def world(emulator, instance_profile):
    """What the options refer to, made with boto3 in the emulator: two of each (A and B; a third launch template)."""
    tag = uuid.uuid4().hex[:8]
    ec2, s3, kms, sns, iam = (emulator.client(service) for service in ("ec2", "s3", "kms", "sns", "iam"))
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.%d.0/24" % index, AvailabilityZone=REGION + zone)["Subnet"]["SubnetId"]
               for index, zone in ((1, "a"), (2, "b"))]
    groups = [ec2.create_security_group(GroupName="opt-%s-%s" % (tag, letter), Description="options", VpcId=vpc)["GroupId"]
              for letter in "ab"]
    key_pairs = []
    for letter in "ab":
        ec2.create_key_pair(KeyName="opt-%s-%s" % (tag, letter))
        key_pairs.append("opt-%s-%s" % (tag, letter))
    buckets = ["opt-%s-%s" % (tag, letter) for letter in "ab"]
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket)
    documents = []
    for letter in "ab":
        s3.put_object(Bucket=buckets[0], Key="doc-%s.yml" % letter, Body=yaml.safe_dump(document("from uri " + letter)).encode())
        documents.append("s3://%s/doc-%s.yml" % (buckets[0], letter))
    keys = [kms.create_key(Description="options " + letter)["KeyMetadata"]["Arn"] for letter in "ab"]
    topics = [sns.create_topic(Name="opt-%s-%s" % (tag, letter))["TopicArn"] for letter in "ab"]
    roles = []
    for letter in "ab":
        iam.create_role(RoleName="opt-%s-%s" % (tag, letter), AssumeRolePolicyDocument="{}")
        roles.append("opt-%s-%s" % (tag, letter))
    iam.create_instance_profile(InstanceProfileName="opt-%s-profile" % tag)
    iam.add_role_to_instance_profile(InstanceProfileName="opt-%s-profile" % tag, RoleName=roles[0])
    templates = [ec2.create_launch_template(LaunchTemplateName="opt-%s-%s" % (tag, letter), LaunchTemplateData={"InstanceType": "t3.micro"})
                 ["LaunchTemplate"]["LaunchTemplateId"] for letter in "abc"]
    return dict(tag=tag, subnets=subnets, groups=groups, key_pairs=key_pairs, buckets=buckets, documents=documents, keys=keys,
                topics=topics, roles=roles, profiles=[instance_profile, "opt-%s-profile" % tag], templates=templates)


@pytest.fixture
def prefix():
    return "op-" + uuid.uuid4().hex[:8]


def imagebuilder(emulator):
    return emulator.client("imagebuilder")


# --------------------------------------------------------------------------- infrastructure_configuration

def test_infrastructure_configuration_options(play, emulator, world, prefix):
    name = prefix + "-infra"
    base = dict(
        name=name, description="infra A", instance_profile_name=world["profiles"][0], instance_types=["t3.small", "t3.medium"],
        subnet_id=world["subnets"][0], security_group_ids=[world["groups"][0]], key_pair=world["key_pairs"][0],
        logging=dict(s3_bucket_name=world["buckets"][0], s3_key_prefix="logs/a"), terminate_instance_on_failure=False,
        sns_topic_arn=world["topics"][0], resource_tags=dict(purpose="a"),
        instance_metadata_options=dict(http_tokens="optional", http_put_response_hop_limit=1),
        placement=dict(availability_zone=REGION + "a", tenancy="default"), tags=dict(stage="a", old="1"),
    )
    changes = [
        ("description", "infra B"),
        ("instance_profile_name", world["profiles"][1]),
        ("instance_types", ["m5.large", "t3.large"]),
        ("subnet_id", world["subnets"][1]),
        ("security_group_ids", [world["groups"][1], world["groups"][0]]),
        ("key_pair", world["key_pairs"][1]),
        ("logging.s3_bucket_name", world["buckets"][1]),
        ("logging.s3_key_prefix", "logs/b"),
        ("terminate_instance_on_failure", True),
        ("sns_topic_arn", world["topics"][1]),
        ("resource_tags", dict(purpose="b", extra="x")),
        ("instance_metadata_options.http_tokens", "required"),
        ("instance_metadata_options.http_put_response_hop_limit", 2),
        ("placement.availability_zone", REGION + "b"),
        ("placement.tenancy", "dedicated"),
    ]
    changed_tasks, final = sequence("infrastructure_configuration", base, changes)
    reordered = dict(final, instance_types=["t3.large", "m5.large"], security_group_ids=[world["groups"][0], world["groups"][1]])
    retagged = dict(final, tags=dict(stage="b", new="2"))
    steps = run_steps(play, emulator, [task("infrastructure_configuration", **base), task("infrastructure_configuration", **base)]
                      + changed_tasks + [task("infrastructure_configuration", **reordered), task("infrastructure_configuration", **retagged),
                                         task("infrastructure_configuration", **retagged),
                                         task("infrastructure_configuration", **merged(retagged, tags=dict(keep="k"), purge_tags=False)),
                                         task("infrastructure_configuration", **merged(retagged, tags=dict(keep="k"), purge_tags=False))])
    assert steps[0].changed and steps[0].writes == ["CreateInfrastructureConfiguration"]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateInfrastructureConfiguration"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]), ("instance types and security groups compare as sets", rest[0])
    assert rest[1].changed and sorted(rest[1].writes) == ["TagResource", "UntagResource"], rest[1]
    assert unchanged(rest[2]), rest[2]
    assert rest[3].changed and rest[3].writes == ["TagResource"], rest[3]
    assert unchanged(rest[4]), rest[4]

    arn = steps[0].result["arn"]
    stored = imagebuilder(emulator).get_infrastructure_configuration(infrastructureConfigurationArn=arn)["infrastructureConfiguration"]
    expected_b = dict(
        description="infra B", instanceProfileName=world["profiles"][1], subnetId=world["subnets"][1], keyPair=world["key_pairs"][1],
        logging=dict(s3Logs=dict(s3BucketName=world["buckets"][1], s3KeyPrefix="logs/b")), terminateInstanceOnFailure=True,
        snsTopicArn=world["topics"][1], resourceTags=dict(purpose="b", extra="x"),
        instanceMetadataOptions=dict(httpTokens="required", httpPutResponseHopLimit=2),
        placement=dict(availabilityZone=REGION + "b", tenancy="dedicated"), tags=dict(stage="b", new="2", keep="k"),
    )
    for key, value in expected_b.items():
        assert stored.get(key) == value, (key, stored.get(key))
    assert sorted(stored["instanceTypes"]) == ["m5.large", "t3.large"]
    assert sorted(stored["securityGroupIds"]) == sorted(world["groups"])

    # Left out: kept. Left out while something else changes: kept too (Update* replaces the whole object).
    emptied = dict(name=name, description="", instance_types=[], subnet_id="", security_group_ids=[], key_pair="", logging={},
                   sns_topic_arn="", resource_tags={}, instance_metadata_options={}, placement={})
    steps = run_steps(play, emulator, [
        task("infrastructure_configuration", name=name),
        task("infrastructure_configuration", name=name, description="infra C"),
        task("infrastructure_configuration", **emptied),
        task("infrastructure_configuration", **emptied),
        task("infrastructure_configuration", name=name),
        task("infrastructure_configuration", name=name, state="absent"),
        task("infrastructure_configuration", name=name, state="absent"),
    ])
    assert unchanged(steps[0]), steps[0]
    assert steps[1].changed and steps[1].writes == ["UpdateInfrastructureConfiguration"], steps[1]
    after = steps[1].result["infrastructure_configuration"]
    assert after["description"] == "infra C" and after["key_pair"] == world["key_pairs"][1] and after["placement"]["tenancy"] == "dedicated"
    assert steps[2].changed and steps[2].writes == ["UpdateInfrastructureConfiguration"], steps[2]
    gone = steps[2].result["infrastructure_configuration"]
    for key in ("description", "instance_types", "subnet_id", "security_group_ids", "key_pair", "logging", "sns_topic_arn",
                "resource_tags", "instance_metadata_options", "placement"):
        assert key not in gone, (key, gone[key])
    assert gone["instance_profile_name"] == world["profiles"][1] and gone["terminate_instance_on_failure"] is True
    assert unchanged(steps[3]) and unchanged(steps[4]), steps[3:5]
    assert steps[5].changed and steps[5].writes == ["DeleteInfrastructureConfiguration"] and unchanged(steps[6])


# --------------------------------------------------------------------------- distribution_configuration

ORGANIZATION = "arn:aws:organizations::%s:organization/o-%s" % (ACCOUNT, "a" * 10)
OTHER_ORGANIZATION = "arn:aws:organizations::%s:organization/o-%s" % (ACCOUNT, "b" * 10)
UNIT = "arn:aws:organizations::%s:ou/o-%s/ou-aaaa-%s" % (ACCOUNT, "a" * 10, "a" * 8)
OTHER_UNIT = "arn:aws:organizations::%s:ou/o-%s/ou-bbbb-%s" % (ACCOUNT, "a" * 10, "b" * 8)
LICENSE = "arn:aws:license-manager:%s:%s:license-configuration:lic-%s" % (REGION, ACCOUNT, "a" * 32)
OTHER_LICENSE = "arn:aws:license-manager:%s:%s:license-configuration:lic-%s" % (REGION, ACCOUNT, "b" * 32)


def test_ownership_options(play, emulator, world, prefix):
    """stack and adopt (every resource module's, from the engine; refusals are in test_ownership.py): the owner tag is
    set on create, kept beside the task's tags, moved by adopt, and a resource of the task's stack is deleted."""
    name = prefix + "-owned"
    base = dict(name=name, instance_profile_name=world["profiles"][0])
    steps = run_steps(play, emulator, [
        task("infrastructure_configuration", stack="a", **base), task("infrastructure_configuration", stack="a", **base),
        task("infrastructure_configuration", stack="a", tags=dict(team="x"), **base),
        task("infrastructure_configuration", stack="b", adopt=True, **base), task("infrastructure_configuration", stack="b", **base),
        task("infrastructure_configuration", **base),
        task("infrastructure_configuration", name=name, stack="b", state="absent"),
    ])
    assert steps[0].changed and steps[0].writes == ["CreateInfrastructureConfiguration"], steps[0]
    assert steps[0].result["infrastructure_configuration"]["tags"] == {"amiforge:stack": "a"}
    assert unchanged(steps[1]), steps[1]
    assert steps[2].changed and steps[2].writes == ["TagResource"], steps[2]
    assert steps[3].changed and steps[3].writes == ["TagResource"], ("adopt moves the owner tag, the others stay", steps[3])
    assert steps[3].result["infrastructure_configuration"]["tags"] == {"team": "x", "amiforge:stack": "b"}
    assert unchanged(steps[4]) and unchanged(steps[5]), steps[4:6]
    assert steps[6].changed and steps[6].writes == ["DeleteInfrastructureConfiguration"], steps[6]


def sorted_lists(value):
    """``value`` with every list of scalars sorted and every list of maps kept in order (for comparing stored values)."""
    if isinstance(value, dict):
        return dict((key, sorted_lists(item)) for key, item in value.items())
    if isinstance(value, list):
        items = [sorted_lists(item) for item in value]
        return sorted(items) if all(not isinstance(item, (dict, list)) for item in items) else items
    return value


def test_distribution_configuration_options(play, emulator, world, prefix):
    name = prefix + "-dist"
    full = dict(
        region=REGION,
        ami_distribution_configuration=dict(
            name="a-" + BUILD_DATE, description="ami A", ami_tags=dict(build="a"), kms_key_id=world["keys"][0],
            target_account_ids=["111111111111"],
            launch_permission=dict(user_ids=["222222222222"], user_groups=["all"], organization_arns=[ORGANIZATION],
                                   organizational_unit_arns=[UNIT])),
        launch_template_configurations=[dict(launch_template_id=world["templates"][0], set_default_version=False),
                                        dict(launch_template_id=world["templates"][2])],
        ssm_parameter_configurations=[dict(parameter_name="/%s/a" % prefix, ami_account_id="111111111111", data_type="text"),
                                      dict(parameter_name="/%s/plain" % prefix)],
        s3_export_configuration=dict(role_name=world["roles"][0], disk_image_format="VMDK", s3_bucket=world["buckets"][0], s3_prefix="a/"),
        fast_launch_configurations=[dict(enabled=True, snapshot_configuration=dict(target_resource_count=2), max_parallel_launches=6,
                                         launch_template=dict(launch_template_id=world["templates"][0], launch_template_version="1"),
                                         account_id=ACCOUNT)],
        license_configuration_arns=[LICENSE],
    )
    base = dict(name=name, description="dist A", distributions=[full, dict(region="eu-west-1", ami_distribution_configuration=dict(
        name="eu-" + BUILD_DATE))], tags=dict(stage="a", old="1"))
    ami = "distributions[0].ami_distribution_configuration."
    changes = [
        ("description", "dist B"),
        (ami + "name", "b-" + BUILD_DATE),
        (ami + "description", "ami B"),
        (ami + "ami_tags", dict(build="b", extra="x")),
        (ami + "kms_key_id", world["keys"][1]),
        (ami + "target_account_ids", ["111111111111", "333333333333"]),
        (ami + "launch_permission.user_ids", ["444444444444", "222222222222"]),
        (ami + "launch_permission.user_groups", None),
        (ami + "launch_permission.organization_arns", [OTHER_ORGANIZATION]),
        (ami + "launch_permission.organizational_unit_arns", [UNIT, OTHER_UNIT]),
        ("distributions[0].launch_template_configurations[0].launch_template_id", world["templates"][1]),
        ("distributions[0].launch_template_configurations[0].account_id", ACCOUNT),
        ("distributions[0].launch_template_configurations[0].set_default_version", True),
        ("distributions[0].ssm_parameter_configurations[0].parameter_name", "/%s/b" % prefix),
        ("distributions[0].ssm_parameter_configurations[0].ami_account_id", "333333333333"),
        ("distributions[0].ssm_parameter_configurations[0].data_type", "aws:ec2:image"),
        ("distributions[0].ssm_parameter_configurations[1].data_type", "aws:ec2:image"),
        ("distributions[0].s3_export_configuration.role_name", world["roles"][1]),
        ("distributions[0].s3_export_configuration.disk_image_format", "RAW"),
        ("distributions[0].s3_export_configuration.s3_bucket", world["buckets"][1]),
        ("distributions[0].s3_export_configuration.s3_prefix", "b/"),
        ("distributions[0].fast_launch_configurations[0].enabled", False),
        ("distributions[0].fast_launch_configurations[0].snapshot_configuration.target_resource_count", 3),
        ("distributions[0].fast_launch_configurations[0].max_parallel_launches", 8),
        ("distributions[0].fast_launch_configurations[0].launch_template.launch_template_id", world["templates"][1]),
        ("distributions[0].fast_launch_configurations[0].launch_template.launch_template_version", "2"),
        ("distributions[0].fast_launch_configurations[0].account_id", "111111111111"),
        ("distributions[0].license_configuration_arns", [OTHER_LICENSE, LICENSE]),
        ("distributions[1].region", "ap-southeast-2"),
    ]
    changed_tasks, final = sequence("distribution_configuration", base, changes)
    shuffled = copy.deepcopy(final)
    shuffled["distributions"].reverse()
    for key in ("target_account_ids",):
        shuffled["distributions"][1]["ami_distribution_configuration"][key].reverse()
    shuffled["distributions"][1]["ami_distribution_configuration"]["launch_permission"]["user_ids"].reverse()
    shuffled["distributions"][1]["license_configuration_arns"].reverse()
    # "If you don't set a value, Image Builder treats it as true" (botocore 1.44.8 LaunchTemplateConfiguration.setDefaultVersion)
    shuffled["distributions"][1]["launch_template_configurations"][1]["set_default_version"] = True
    retagged = dict(final, tags=dict(stage="b", new="2"))
    steps = run_steps(play, emulator, [task("distribution_configuration", **base), task("distribution_configuration", **base)] + changed_tasks
                      + [task("distribution_configuration", **shuffled), task("distribution_configuration", **retagged),
                         task("distribution_configuration", **retagged),
                         task("distribution_configuration", **merged(retagged, tags=dict(keep="k"), purge_tags=False)),
                         task("distribution_configuration", **merged(retagged, tags=dict(keep="k"), purge_tags=False))])
    assert steps[0].changed and steps[0].writes == ["CreateDistributionConfiguration"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateDistributionConfiguration"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]), ("regions and account lists compare as sets", rest[0], rest[0].result.get("diff"))
    assert rest[1].changed and sorted(rest[1].writes) == ["TagResource", "UntagResource"], rest[1]
    assert unchanged(rest[2]), rest[2]
    assert rest[3].changed and rest[3].writes == ["TagResource"], rest[3]
    assert unchanged(rest[4]), rest[4]

    arn = steps[0].result["arn"]
    stored = imagebuilder(emulator).get_distribution_configuration(distributionConfigurationArn=arn)["distributionConfiguration"]
    assert stored["description"] == "dist B" and stored["tags"] == dict(stage="b", new="2", keep="k")
    regions = dict((item["region"], item) for item in stored["distributions"])
    assert sorted(regions) == ["ap-southeast-2", REGION]
    assert regions["ap-southeast-2"] == dict(region="ap-southeast-2", amiDistributionConfiguration=dict(name="eu-" + STORED_BUILD_DATE))
    assert sorted_lists(regions[REGION]) == sorted_lists(dict(
        region=REGION,
        amiDistributionConfiguration=dict(
            name="b-" + STORED_BUILD_DATE, description="ami B", amiTags=dict(build="b", extra="x"), kmsKeyId=world["keys"][1],
            targetAccountIds=["111111111111", "333333333333"],
            launchPermission=dict(userIds=["222222222222", "444444444444"], organizationArns=[OTHER_ORGANIZATION],
                                  organizationalUnitArns=[UNIT, OTHER_UNIT])),
        launchTemplateConfigurations=[dict(launchTemplateId=world["templates"][1], accountId=ACCOUNT, setDefaultVersion=True),
                                      dict(launchTemplateId=world["templates"][2])],
        ssmParameterConfigurations=[dict(parameterName="/%s/b" % prefix, amiAccountId="333333333333", dataType="aws:ec2:image"),
                                    dict(parameterName="/%s/plain" % prefix, dataType="aws:ec2:image")],
        s3ExportConfiguration=dict(roleName=world["roles"][1], diskImageFormat="RAW", s3Bucket=world["buckets"][1], s3Prefix="b/"),
        fastLaunchConfigurations=[dict(enabled=False, snapshotConfiguration=dict(targetResourceCount=3), maxParallelLaunches=8,
                                       launchTemplate=dict(launchTemplateId=world["templates"][1], launchTemplateVersion="2"),
                                       accountId="111111111111")],
        licenseConfigurationArns=[LICENSE, OTHER_LICENSE],
    ))

    # Left out: kept, also while something else changes. '' removes the description; what an entry no
    # longer says is removed from that region (the distributions are replaced as a whole).
    bare = [dict(region=REGION, ami_distribution_configuration=dict(name="b-" + BUILD_DATE)),
            dict(region="ap-southeast-2", ami_distribution_configuration=dict(name="eu-" + BUILD_DATE))]
    steps = run_steps(play, emulator, [
        task("distribution_configuration", name=name),
        task("distribution_configuration", name=name, description="dist C"),
        task("distribution_configuration", name=name, description=""),
        task("distribution_configuration", name=name, description=""),
        task("distribution_configuration", name=name, distributions=bare),
        task("distribution_configuration", name=name, distributions=bare),
        task("distribution_configuration", name=name),
        task("distribution_configuration", name=name, state="absent"),
        task("distribution_configuration", name=name, state="absent"),
    ])
    assert unchanged(steps[0]), steps[0]
    assert steps[1].changed and steps[1].writes == ["UpdateDistributionConfiguration"], steps[1]
    kept = dict((item["region"], item) for item in steps[1].result["distribution_configuration"]["distributions"])
    assert kept[REGION]["s3_export_configuration"]["s3_prefix"] == "b/", "distributions left out are resent"
    assert steps[2].changed and steps[2].writes == ["UpdateDistributionConfiguration"], steps[2]
    assert "description" not in steps[2].result["distribution_configuration"]
    assert unchanged(steps[3]), steps[3]
    assert steps[4].changed and steps[4].writes == ["UpdateDistributionConfiguration"], steps[4]
    stripped = dict((item["region"], item) for item in steps[4].result["distribution_configuration"]["distributions"])
    assert stripped[REGION] == dict(region=REGION, ami_distribution_configuration=dict(name="b-" + STORED_BUILD_DATE))
    assert unchanged(steps[5]) and unchanged(steps[6]), steps[5:7]
    assert steps[7].changed and steps[7].writes == ["DeleteDistributionConfiguration"] and unchanged(steps[8])


# --------------------------------------------------------------------------- image_pipeline

def create_infrastructure(emulator, name, profile):
    """CreateInfrastructureConfiguration with boto3, the AWS-mode IAM propagation of ``profile`` lifted for the call
    (a fixture's setup, not what the test is about: the modules' own wait is tested in test_golden_ami.py)."""
    delay = emulator.settings()["iam_propagation_seconds"]
    emulator.settings(iam_propagation_seconds=0)
    try:
        return imagebuilder(emulator).create_infrastructure_configuration(name=name, instanceProfileName=profile)[
            "infrastructureConfigurationArn"]
    finally:
        emulator.settings(iam_propagation_seconds=delay)


@pytest.fixture
def pipeline_parts(emulator, world, prefix, linux_ami):
    """Two recipes (B in versions 1.0.0 and 1.0.1), two infrastructure and two distribution configurations, and a test
    workflow of ours, made with boto3."""
    client = imagebuilder(emulator)
    update_linux = "arn:aws:imagebuilder:%s:aws:component/update-linux/x.x.x" % REGION
    recipes = {}
    for name, version in (("ra", "1.0.0"), ("rb", "1.0.0"), ("rb", "1.0.1")):
        recipes[name + version] = client.create_image_recipe(name="%s-%s" % (prefix, name), semanticVersion=version, parentImage=linux_ami,
                                                             components=[dict(componentArn=update_linux)])["imageRecipeArn"]
    infrastructures = [create_infrastructure(emulator, "%s-i%s" % (prefix, letter), world["profiles"][0]) for letter in "ab"]
    distributions = [client.create_distribution_configuration(name="%s-d%s" % (prefix, letter), distributions=[dict(
        region=REGION, amiDistributionConfiguration=dict(name="%s-%s" % (letter, STORED_BUILD_DATE)))])["distributionConfigurationArn"]
        for letter in "ab"]
    workflow = client.create_workflow(name=prefix + "-wf", semanticVersion="1.0.0", type="TEST", data=yaml.safe_dump(
        dict(name="wf", schemaVersion=1.0, steps=[dict(name="Wait", action="WaitForAction")])))["workflowBuildVersionArn"]
    build_workflow = client.create_workflow(name=prefix + "-bwf", semanticVersion="1.0.0", type="BUILD", data=yaml.safe_dump(
        dict(schemaVersion=1.0, parameters=[dict(name="note", type="string", default="none")],
             steps=[dict(name="Wait", action="WaitForAction")])))["workflowBuildVersionArn"]
    return dict(recipes=recipes, infrastructures=infrastructures, distributions=distributions, workflow=workflow.rsplit("/", 1)[0],
                build_workflow=build_workflow.rsplit("/", 1)[0])


def amazon_workflow(kind, name):
    return "arn:aws:imagebuilder:%s:aws:workflow/%s/%s/x.x.x" % (REGION, kind, name)


def test_image_pipeline_options(play, emulator, world, prefix, pipeline_parts):
    parts = pipeline_parts
    name = prefix + "-pipeline"
    base = dict(
        name=name, description="pipe A", image_recipe=prefix + "-ra", infrastructure_configuration=prefix + "-ia",
        distribution_configuration=prefix + "-da", image_tests=dict(enabled=False, timeout_minutes=60),
        schedule=dict(expression="cron(0 3 ? * SUN *)", timezone="Europe/Paris", start_condition="EXPRESSION_MATCH_ONLY"),
        status="DISABLED", enhanced_image_metadata=False, image_scanning=True,
        workflows=[dict(workflow=parts["build_workflow"], parameters=[dict(name="note", value=["a"])]),
                   dict(workflow_arn=amazon_workflow("test", "test-image"), on_failure="ABORT", parallel_group="group-a")],
        execution_role=world["roles"][0], logging=dict(image_log_group_name="/aws/imagebuilder/a", pipeline_log_group_name="/pipelines/a"),
        image_tags=dict(build="a"), tags=dict(stage="a", old="1"),
    )
    changes = [
        ("description", "pipe B"),
        ("image_recipe", prefix + "-rb:1.0.0"),
        ("image_recipe", parts["recipes"]["rb1.0.1"]),
        ("infrastructure_configuration", parts["infrastructures"][1]),
        ("distribution_configuration", prefix + "-db"),
        ("image_tests.enabled", True),
        ("image_tests.timeout_minutes", 90),
        ("schedule.expression", "cron(0 4 ? * MON *)"),
        ("schedule.timezone", "America/New_York"),
        ("schedule.start_condition", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"),
        ("status", "ENABLED"),
        ("enhanced_image_metadata", True),
        ("image_scanning", False),
        ("workflows[0].parameters", [dict(name="note", value=["b"])]),
        ("workflows[1].on_failure", "CONTINUE"),
        ("workflows[1].parallel_group", "group-b"),
        ("workflows[1].workflow_arn", parts["workflow"]),
        ("execution_role", "arn:aws:iam::%s:role/%s" % (ACCOUNT, world["roles"][1])),
        ("logging.image_log_group_name", "/aws/imagebuilder/b"),
        ("logging.pipeline_log_group_name", "/pipelines/b"),
        ("image_tags", dict(build="b", extra="x")),
    ]
    changed_tasks, final = sequence("image_pipeline", base, changes)
    by_name = dict(final, image_recipe=prefix + "-rb", infrastructure_configuration=prefix + "-ib",
                   distribution_configuration=parts["distributions"][1])
    retagged = dict(final, tags=dict(stage="b", new="2"))
    steps = run_steps(play, emulator, [task("image_pipeline", **base), task("image_pipeline", **base)] + changed_tasks
                      + [task("image_pipeline", **by_name), task("image_pipeline", **retagged), task("image_pipeline", **retagged),
                         task("image_pipeline", **merged(retagged, tags=dict(keep="k"), purge_tags=False)),
                         task("image_pipeline", **merged(retagged, tags=dict(keep="k"), purge_tags=False))])
    assert steps[0].changed and steps[0].writes == ["CreateImagePipeline"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateImagePipeline"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]), ("a name, name:version or ARN of the same resource is no change", rest[0], rest[0].result.get("diff"))
    assert rest[1].changed and sorted(rest[1].writes) == ["TagResource", "UntagResource"], rest[1]
    assert unchanged(rest[2]), rest[2]
    assert rest[3].changed and rest[3].writes == ["TagResource"], rest[3]
    assert unchanged(rest[4]), rest[4]

    arn = steps[0].result["arn"]
    stored = imagebuilder(emulator).get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
    expected = dict(
        description="pipe B", imageRecipeArn=parts["recipes"]["rb1.0.1"], infrastructureConfigurationArn=parts["infrastructures"][1],
        distributionConfigurationArn=parts["distributions"][1], imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=90),
        schedule=dict(scheduleExpression="cron(0 4 ? * MON *)", timezone="America/New_York",
                      pipelineExecutionStartCondition="EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"),
        status="ENABLED", enhancedImageMetadataEnabled=True, imageScanningConfiguration=dict(imageScanningEnabled=False),
        workflows=[dict(workflowArn=parts["build_workflow"], parameters=[dict(name="note", value=["b"])]),
                   dict(workflowArn=parts["workflow"], onFailure="CONTINUE", parallelGroup="group-b")],
        executionRole="arn:aws:iam::%s:role/%s" % (ACCOUNT, world["roles"][1]),
        loggingConfiguration=dict(imageLogGroupName="/aws/imagebuilder/b", pipelineLogGroupName="/pipelines/b"),
        imageTags=dict(build="b", extra="x"), tags=dict(stage="b", new="2", keep="k"),
    )
    for key, value in expected.items():
        assert stored.get(key) == value, (key, stored.get(key))

    # Left out: kept, also while something else changes; the documented empty values remove.
    emptied = dict(name=name, description="", distribution_configuration="", schedule={}, workflows=[], execution_role="", logging={},
                   image_tags={})
    steps = run_steps(play, emulator, [
        task("image_pipeline", name=name),
        task("image_pipeline", name=name, description="pipe C"),
        task("image_pipeline", **emptied),
        task("image_pipeline", **emptied),
        task("image_pipeline", name=name),
        task("image_pipeline", name=name, state="absent"),
        task("image_pipeline", name=name, state="absent"),
    ])
    assert unchanged(steps[0]), steps[0]
    assert steps[1].changed and steps[1].writes == ["UpdateImagePipeline"], steps[1]
    kept = steps[1].result["image_pipeline"]
    assert kept["status"] == "ENABLED" and kept["schedule"]["timezone"] == "America/New_York" and kept["image_tags"] == dict(build="b", extra="x")
    assert kept["execution_role"] == expected["executionRole"] and len(kept["workflows"]) == 2
    assert steps[2].changed and steps[2].writes == ["UpdateImagePipeline"], steps[2]
    gone = steps[2].result["image_pipeline"]
    for key in ("description", "distribution_configuration_arn", "schedule", "workflows", "execution_role", "logging_configuration", "image_tags"):
        assert key not in gone, (key, gone[key])
    assert gone["image_recipe_arn"] == parts["recipes"]["rb1.0.1"] and gone["image_tests_configuration"]["timeout_minutes"] == 90
    assert unchanged(steps[3]) and unchanged(steps[4]), steps[3:5]
    assert steps[5].changed and steps[5].writes == ["DeleteImagePipeline"] and unchanged(steps[6])


def test_image_pipeline_unset_and_documented_defaults(play, emulator, prefix, pipeline_parts):
    """A documented default given explicitly is no change; a value without a documented default is one."""
    bare = dict(name=prefix + "-bare", image_recipe=prefix + "-ra", infrastructure_configuration=prefix + "-ia")
    documented = dict(bare, status="ENABLED", enhanced_image_metadata=True, image_tests=dict(enabled=True, timeout_minutes=720))
    steps = run_steps(play, emulator, [
        task("image_pipeline", **bare), task("image_pipeline", **documented),
        task("image_pipeline", **merged(bare, image_scanning=False)), task("image_pipeline", **merged(bare, image_scanning=False)),
        task("image_pipeline", **bare),
    ])
    assert steps[0].changed and steps[0].writes == ["CreateImagePipeline"], steps[0]
    assert unchanged(steps[1]), ("documented defaults (botocore 1.44.8 UpdateImagePipeline status, enhancedImageMetadataEnabled, "
                                 "ImageTestsConfiguration)", steps[1], steps[1].result.get("diff"))
    assert steps[2].changed and steps[2].writes == ["UpdateImagePipeline"], ("no documented default for imageScanningConfiguration", steps[2])
    stored = imagebuilder(emulator).get_image_pipeline(imagePipelineArn=steps[0].result["arn"])["imagePipeline"]
    assert stored["imageScanningConfiguration"] == dict(imageScanningEnabled=False)
    assert unchanged(steps[3]) and unchanged(steps[4]), steps[3:5]


# --------------------------------------------------------------------------- component

def test_component_options(play, emulator, world, prefix):
    name = prefix + "-comp"
    base = dict(name=name, platform="Linux", data=document("A"), description="component A", change_description="first",
                supported_os_versions=["Amazon Linux 2023"], kms_key_id=world["keys"][0], tags=dict(stage="a", old="1"))
    from_uri = [dict(without(base, "data"), uri=world["documents"][0]), dict(without(base, "data"), uri=world["documents"][1])]
    changes = [
        ("description", "component B"),
        ("supported_os_versions", ["Amazon Linux 2023", "Amazon Linux 2"]),
        ("kms_key_id", world["keys"][1]),
        ("platform", "macOS"),
    ]
    changed_tasks, final = sequence("component", dict(from_uri[1]), changes)
    final_b = dict(without(final, "uri"), change_description="second")
    steps = run_steps(play, emulator, [
        task("component", **base), task("component", **base),
        task("component", **merged(base, data=document("B"))),                       # data
        task("component", **from_uri[0]), task("component", **from_uri[1]),        # uri instead of data, then another object
    ] + changed_tasks + [
        task("component", **merged(final, supported_os_versions=["Amazon Linux 2", "Amazon Linux 2023"])),
        task("component", **merged(without(final, "uri"), data=document("from uri b"))),  # the same document inline: no change
        task("component", **merged(final, change_description="second")),            # not compared: no version
        task("component", **merged(final_b, data=document("C"), validate=False)),
        task("component", **merged(final_b, data=document("C"), validate=True)),
        task("component", **merged(final_b, data=document("C"), tags=dict(stage="b", new="2"))),
        task("component", **merged(final_b, data=document("C"), tags=dict(stage="b", new="2"))),
        task("component", **merged(final_b, data=document("C"), tags=dict(keep="k"), purge_tags=False)),
        task("component", name=name, data=document("C")),                        # everything else left out: kept
    ])
    assert steps[0].changed and steps[0].writes == ["CreateComponent"] and steps[0].result["version"] == "1.0.0", steps[0]
    assert unchanged(steps[1]), steps[1]
    labels = ["data", "uri", "uri object"] + [label for label, _value in changes]
    assert_writes(steps[2:5 + len(changes)], labels, ["CreateComponent"])
    rest = steps[5 + len(changes):]
    assert unchanged(rest[0]), ("supported_os_versions compare as a set", rest[0], rest[0].result.get("diff"))
    assert unchanged(rest[1]), ("a document from uri compares with the same document inline", rest[1], rest[1].result.get("diff"))
    assert unchanged(rest[2]), ("change_description alone makes no version", rest[2])
    assert rest[3].changed and rest[3].writes == ["CreateComponent"], rest[3]
    assert unchanged(rest[4]), rest[4]
    assert rest[5].changed and sorted(rest[5].writes) == ["TagResource", "UntagResource"], rest[5]
    assert unchanged(rest[6]), rest[6]
    assert rest[7].changed and rest[7].writes == ["TagResource"], rest[7]
    assert unchanged(rest[8]), ("options left out keep the latest version's values", rest[8], rest[8].result.get("diff"))

    client = imagebuilder(emulator)
    versions = [step.result["arn"] for step in steps[2:5 + len(changes)]]
    assert [arn.split("/")[-2] for arn in versions] == ["1.0.%d" % index for index in range(1, 1 + len(versions))]
    stored = [client.get_component(componentBuildVersionArn=arn)["component"] for arn in versions]
    assert yaml.safe_load(stored[0]["data"]) == document("B")
    assert yaml.safe_load(stored[1]["data"]) == document("from uri a") and yaml.safe_load(stored[2]["data"]) == document("from uri b")
    assert stored[3]["description"] == "component B" and stored[2]["description"] == "component A"
    assert sorted(stored[4]["supportedOsVersions"]) == ["Amazon Linux 2", "Amazon Linux 2023"]
    assert stored[5]["kmsKeyId"] == world["keys"][1] and stored[4]["kmsKeyId"] == world["keys"][0]
    assert stored[6]["platform"] == "macOS" and stored[5]["platform"] == "Linux"
    assert stored[6]["changeDescription"] == "first"
    last = client.get_component(componentBuildVersionArn=rest[3].result["arn"])["component"]
    assert yaml.safe_load(last["data"]) == document("C") and last["changeDescription"] == "second" and last["platform"] == "macOS"
    assert last["tags"] == dict(stage="b", new="2", keep="k")

    # version, version_bump, keep_versions, state
    bumped = dict(name=name, data=document("D"), version_bump="minor")
    with lists_visible(emulator):  # keep_versions lists the versions (AWS lists lag behind creates)
        steps = run_steps(play, emulator, [
            task("component", name=name, data=document("C"), version="3.0.0"), task("component", name=name, data=document("C"), version="3.0.0"),
            task("component", **bumped), task("component", **bumped),
            task("component", **merged(bumped, version_bump="major", data=document("E"))),
            task("component", name=name, data=document("E"), keep_versions=2), task("component", name=name, data=document("E"), keep_versions=2),
            task("component", name=name, state="absent"), task("component", name=name, state="absent"),
        ])
    assert steps[0].changed and steps[0].writes == ["CreateComponent"] and steps[0].result["version"] == "3.0.0", steps[0]
    assert unchanged(steps[1]), steps[1]
    assert steps[2].changed and steps[2].result["version"] == "3.1.0" and unchanged(steps[3]), steps[2:4]
    assert steps[4].changed and steps[4].result["version"] == "4.0.0", steps[4]
    assert steps[5].changed and steps[5].writes == ["DeleteComponent"] * (len(versions) + 3), steps[5]
    assert [arn.split("/")[-1] for arn in steps[5].result["deleted_versions"]][-1] == "3.0.0"
    assert unchanged(steps[6]), steps[6]
    assert steps[7].changed and steps[7].writes == ["DeleteComponent"] * 2 and unchanged(steps[8]), steps[7:9]


# --------------------------------------------------------------------------- image_recipe

@pytest.fixture
def recipe_parts(emulator, world, prefix, linux_ami):
    """Our components (c1 in 1.0.0 and 1.0.1, c2, and cp declaring parameter p), two EBS snapshots and an SSM parameter
    holding the parent AMI, made with boto3."""
    client = imagebuilder(emulator)
    arns = {}
    for key, version, message, parameters in (("c1", "1.0.0", "one", ()), ("c1", "1.0.1", "one more", ()), ("c2", "1.0.0", "two", ()),
                                              ("cp", "1.0.0", "parameters", ("p",))):
        arns[key + version] = client.create_component(name="%s-%s" % (prefix, key), semanticVersion=version, platform="Linux",
                                                      data=yaml.safe_dump(document(message, parameters)))["componentBuildVersionArn"]
    ec2 = emulator.client("ec2")
    snapshots = [ec2.create_snapshot(VolumeId=ec2.create_volume(AvailabilityZone=REGION + "a", Size=8)["VolumeId"])["SnapshotId"]
                 for _index in range(2)]
    emulator.client("ssm").put_parameter(Name="/%s/parent" % prefix, Value=linux_ami, Type="String", DataType="aws:ec2:image")
    return dict(components=arns, snapshots=snapshots, parameter="ssm:/%s/parent" % prefix)


def b64(text):
    return base64.b64encode(text.encode()).decode()


def test_image_recipe_options(play, emulator, world, prefix, linux_ami, recipe_parts):
    parts = recipe_parts
    name = prefix + "-recipe"
    ebs = dict(volume_size=20, volume_type="gp3", encrypted=True, delete_on_termination=True, iops=3000, throughput=125,
               kms_key_id=world["keys"][0], snapshot_id=parts["snapshots"][0])
    base = dict(
        name=name, description="recipe A", parent_image=linux_ami,
        components=[dict(name=prefix + "-c1"), dict(name="update-linux"), dict(name=prefix + "-cp", parameters=dict(p="1"))],
        block_device_mappings=[dict(device_name="/dev/xvda", ebs=ebs), dict(device_name="/dev/sdb", virtual_name="ephemeral0"),
                               dict(device_name="/dev/sdc", no_device="")],
        working_directory="/var/tmp", systems_manager_agent=dict(uninstall_after_build=True), user_data_override=b64("#!/bin/bash\necho A\n"),
        ami_tags=dict(build="a"), tags=dict(stage="a", old="1"),
    )
    device = "block_device_mappings[0]."
    changes = [
        ("description", "recipe B"),
        ("parent_image", parts["parameter"]),
        ("parent_image", "arn:aws:imagebuilder:%s:aws:image/amazon-linux-2023-x86/x.x.x" % REGION),
        ("components[0].version", "1.0.0"),
        ("components[0].version", "1.x.x"),
        ("components[1]", dict(arn=parts["components"]["c21.0.0"])),
        ("components[2].parameters", dict(p=["2"])),
        (device + "device_name", "/dev/xvdb"),
        (device + "ebs.volume_size", 30),
        (device + "ebs.volume_type", "io2"),
        (device + "ebs.encrypted", False),
        (device + "ebs.delete_on_termination", False),
        (device + "ebs.iops", 4000),
        (device + "ebs.throughput", 250),
        (device + "ebs.kms_key_id", world["keys"][1]),
        (device + "ebs.snapshot_id", parts["snapshots"][1]),
        ("block_device_mappings[1].virtual_name", "ephemeral1"),
        ("block_device_mappings[2].no_device", None),
        ("working_directory", "/opt/build"),
        ("systems_manager_agent.uninstall_after_build", False),
        ("user_data_override", b64("#!/bin/bash\necho B\n")),
        ("ami_tags", dict(build="b", extra="x")),
    ]
    changed_tasks, final = sequence("image_recipe", base, changes)
    retagged = dict(final, tags=dict(stage="b", new="2"))
    steps = run_steps(play, emulator, [task("image_recipe", **base), task("image_recipe", **base)] + changed_tasks + [
        task("image_recipe", **merged(final, components=[dict(name=prefix + "-c1", version="1.x.x"),
                                                         dict(arn=parts["components"]["c21.0.0"]),  # the build ARN of the same version
                                                         dict(name=prefix + "-cp", parameters=dict(p="2"))])),
        task("image_recipe", **retagged), task("image_recipe", **retagged),
        task("image_recipe", **merged(retagged, tags=dict(keep="k"), purge_tags=False)),
        task("image_recipe", name=name, parent_image=final["parent_image"]),  # everything else left out: kept
        task("image_recipe", name=name, parent_image=final["parent_image"], description="recipe C"),
        task("image_recipe", name=name, parent_image=final["parent_image"], components=[]),
        task("image_recipe", name=name, parent_image=final["parent_image"], components=[]),
    ])
    assert steps[0].changed and steps[0].writes == ["CreateImageRecipe"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["CreateImageRecipe"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]), ("a build ARN of the version the recipe uses is no change", rest[0], rest[0].result.get("diff"))
    assert rest[1].changed and sorted(rest[1].writes) == ["TagResource", "UntagResource"], rest[1]
    assert unchanged(rest[2]), rest[2]
    assert rest[3].changed and rest[3].writes == ["TagResource"], rest[3]
    assert unchanged(rest[4]), ("options left out keep the latest version's values", rest[4], rest[4].result.get("diff"))
    assert rest[5].changed and rest[5].writes == ["CreateImageRecipe"], rest[5]
    assert rest[6].changed and rest[6].writes == ["CreateImageRecipe"] and unchanged(rest[7]), rest[6:8]

    client = imagebuilder(emulator)
    versions = [step.result["arn"] for step in steps[2:2 + len(changes)]]
    assert [arn.split("/")[-1] for arn in versions] == ["1.0.%d" % index for index in range(1, 1 + len(versions))]
    b = client.get_image_recipe(imageRecipeArn=versions[-1])["imageRecipe"]
    own = "arn:aws:imagebuilder:%s:%s:component/%s-" % (REGION, ACCOUNT, prefix)
    assert b["description"] == "recipe B" and b["parentImage"] == changes[2][1]
    assert b["components"] == [dict(componentArn=own + "c1/1.x.x"), dict(componentArn=own + "c2/1.0.0"),
                               dict(componentArn=own + "cp/1.0.0", parameters=[dict(name="p", value=["2"])])]
    assert b["blockDeviceMappings"] == [
        dict(deviceName="/dev/xvdb", ebs=dict(volumeSize=30, volumeType="io2", encrypted=False, deleteOnTermination=False, iops=4000,
                                              throughput=250, kmsKeyId=world["keys"][1], snapshotId=parts["snapshots"][1])),
        dict(deviceName="/dev/sdb", virtualName="ephemeral1"), dict(deviceName="/dev/sdc")]
    assert b["workingDirectory"] == "/opt/build" and b["amiTags"] == dict(build="b", extra="x")
    assert b["additionalInstanceConfiguration"] == dict(systemsManagerAgent=dict(uninstallAfterBuild=False),
                                                        userDataOverride=b64("#!/bin/bash\necho B\n"))
    first = client.get_image_recipe(imageRecipeArn=steps[0].result["arn"])["imageRecipe"]
    assert first["parentImage"] == linux_ami and first["blockDeviceMappings"][2] == dict(deviceName="/dev/sdc", noDevice="")
    assert first["components"][0] == dict(componentArn=own + "c1/1.0.1"), "ours by name: pinned to the latest version"
    assert first["components"][1] == dict(componentArn="arn:aws:imagebuilder:%s:aws:component/update-linux/x.x.x" % REGION)
    assert first["additionalInstanceConfiguration"]["systemsManagerAgent"] == dict(uninstallAfterBuild=True)
    pinned = client.get_image_recipe(imageRecipeArn=versions[3])["imageRecipe"]
    assert pinned["components"][0] == dict(componentArn=own + "c1/1.0.0")
    kept = client.get_image_recipe(imageRecipeArn=rest[5].result["arn"])["imageRecipe"]
    assert kept["description"] == "recipe C" and kept["blockDeviceMappings"] == b["blockDeviceMappings"] and kept["components"] == b["components"]
    assert kept["amiTags"] == b["amiTags"] and kept["additionalInstanceConfiguration"] == b["additionalInstanceConfiguration"]
    assert "components" not in client.get_image_recipe(imageRecipeArn=rest[6].result["arn"])["imageRecipe"]

    explicit = dict(name=name, parent_image=linux_ami, version="7.0.0")
    keep_agent = dict(name=name, parent_image=linux_ami, systems_manager_agent=dict(uninstall_after_build=False))
    steps = run_steps(play, emulator, [
        task("image_recipe", **explicit), task("image_recipe", **explicit),
        # 7.0.0 leaves the agent setting unset ("removes the agent only if Image Builder installed the agent");
        # false ("the agent is kept") is another setting (botocore 1.44.8 SystemsManagerAgent.uninstallAfterBuild).
        task("image_recipe", **keep_agent), task("image_recipe", **keep_agent),
        task("image_recipe", **merged(explicit, version=None, version_bump="major", working_directory="/srv")),
    ])
    assert steps[0].changed and steps[0].result["version"] == "7.0.0" and steps[0].writes == ["CreateImageRecipe"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert "additionalInstanceConfiguration" not in client.get_image_recipe(imageRecipeArn=steps[0].result["arn"])["imageRecipe"]
    assert steps[2].changed and steps[2].writes == ["CreateImageRecipe"] and steps[2].result["version"] == "7.0.1", steps[2]
    assert client.get_image_recipe(imageRecipeArn=steps[2].result["arn"])["imageRecipe"]["additionalInstanceConfiguration"] == dict(
        systemsManagerAgent=dict(uninstallAfterBuild=False))
    assert unchanged(steps[3]), steps[3]
    assert steps[4].changed and steps[4].result["version"] == "8.0.0", steps[4]
    with lists_visible(emulator):
        steps = run_steps(play, emulator, [
            task("image_recipe", name=name, parent_image=linux_ami, keep_versions=1),
            task("image_recipe", name=name, parent_image=linux_ami, keep_versions=1),
            task("image_recipe", name=name, state="absent"), task("image_recipe", name=name, state="absent"),
        ])
    assert steps[0].changed and len(steps[0].writes) == len(changes) + 5 and set(steps[0].writes) == {"DeleteImageRecipe"}, steps[0]
    assert unchanged(steps[1]), steps[1]
    assert steps[2].changed and steps[2].writes == ["DeleteImageRecipe"] and unchanged(steps[3]), steps[2:4]


# --------------------------------------------------------------------------- image

def wait_available(emulator, arn):
    """The build ``arn`` moved to its end by the emulator (``POST /_amiforge/advance``), not waited for in real time."""
    emulator.admin("POST", "advance", {"image": arn, "steps": 20})
    return imagebuilder(emulator).get_image(imageBuildVersionArn=arn)["image"]


@pytest.fixture
def build_parts(emulator, world, prefix, linux_ami):
    """Two recipes of ours (one per build path), an infrastructure and a distribution configuration, and a pipeline
    that tags its images, made with boto3."""
    client = imagebuilder(emulator)
    component = client.create_component(name=prefix + "-c", semanticVersion="1.0.0", platform="Linux",
                                        data=yaml.safe_dump(document("build")))["componentBuildVersionArn"]
    recipes = [client.create_image_recipe(name="%s-r%d" % (prefix, index), semanticVersion="1.0.0", parentImage=linux_ami,
                                          components=[dict(componentArn=component)])["imageRecipeArn"] for index in (1, 2)]
    infrastructure = create_infrastructure(emulator, prefix + "-i", world["profiles"][0])
    distribution = client.create_distribution_configuration(name=prefix + "-d", distributions=[dict(
        region=REGION, amiDistributionConfiguration=dict(name="%s-%s" % (prefix, STORED_BUILD_DATE)))])["distributionConfigurationArn"]
    pipeline = client.create_image_pipeline(name=prefix + "-p", imageRecipeArn=recipes[0], infrastructureConfigurationArn=infrastructure,
                                            imageTags=dict(fromPipeline="yes"))["imagePipelineArn"]
    return dict(recipes=recipes, infrastructure=infrastructure, distribution=distribution, pipeline=pipeline)


def test_image_options(play, writes, emulator, prefix, build_parts):
    parts = build_parts
    pipeline = prefix + "-p"
    writes()  # forget what the fixtures made
    clock = emulator.admin("GET", "clock")
    emulator.admin("POST", "clock", dict(step_seconds=100000))  # builds held still: they outlast any wait_timeout
    try:
        started = play([task("image", pipeline=pipeline, tags=dict(run="a"), wait=False)])
        assert started[0]["changed"] and writes() == ["StartImagePipelineExecution"]
        arn = started[0]["arn"]
        assert started[0]["image"]["state"]["status"] not in ("AVAILABLE", "FAILED")
        short = play([task("image", pipeline=pipeline, tags=dict(run="a"), wait_timeout=1)], expect_failure=True)
        assert "still" in short[0]["msg"] and "after 1 seconds" in short[0]["msg"] and short[0]["arn"] == arn, short[0]["msg"]
        assert writes() == [], "a running build of the recipe version is waited for, not started again"
    finally:
        emulator.admin("POST", "clock", clock)
    direct = dict(image_recipe=prefix + "-r2", infrastructure_configuration=prefix + "-i", distribution_configuration=parts["distribution"],
                  image_tests=dict(enabled=False, timeout_minutes=60), tags=dict(direct="x"))
    steps = run_steps(play, emulator, [
        task("image", pipeline=pipeline, tags=dict(run="a"), wait_timeout=120),
        task("image", pipeline=pipeline, tags=dict(run="a")),
        task("image", pipeline=pipeline, image_recipe=parts["recipes"][0]),
        task("image", pipeline=pipeline, tags=dict(run="b"), force=True),
        task("image", **direct),
        task("image", **direct),
        task("image", arn=arn, state="absent"),
        task("image", arn=arn, state="absent"),
    ])
    assert unchanged(steps[0]) and steps[0].result["arn"] == arn and steps[0].result["image"]["state"]["status"] == "AVAILABLE", steps[0]
    assert unchanged(steps[1]) and unchanged(steps[2]) and steps[2].result["arn"] == arn, steps[1:3]
    assert steps[3].changed and steps[3].writes == ["StartImagePipelineExecution"] and steps[3].result["arn"].endswith("/1.0.0/2"), steps[3]
    assert steps[4].changed and steps[4].writes == ["CreateImage"], steps[4]
    assert unchanged(steps[5]) and steps[5].result["arn"] == steps[4].result["arn"], steps[5]
    assert steps[6].changed and steps[6].writes == ["DeleteImage"] and unchanged(steps[7]), steps[6:8]

    client = imagebuilder(emulator)
    forced = client.get_image(imageBuildVersionArn=steps[3].result["arn"])["image"]
    assert forced["tags"] == dict(fromPipeline="yes", run="b")
    built = client.get_image(imageBuildVersionArn=steps[4].result["arn"])["image"]
    assert built["imageTestsConfiguration"] == dict(imageTestsEnabled=False, timeoutMinutes=60)
    assert built["distributionConfiguration"]["arn"] == parts["distribution"] and built["tags"] == dict(direct="x")
    assert built["infrastructureConfiguration"]["arn"] == parts["infrastructure"]
    assert built["imageRecipe"]["arn"] == parts["recipes"][1]


# --------------------------------------------------------------------------- policy (sharing): component, image_recipe, image

FRIEND, OTHER = "111122223333", "444455556666"
POLICY_READ = dict(Component=("get_component_policy", "componentArn"), ImageRecipe=("get_image_recipe_policy", "imageRecipeArn"),
                   Image=("get_image_policy", "imageArn"))


def sharing_policy(kind, *accounts):
    """A sharing policy of ``kind`` (Component, ImageRecipe, Image) with ``accounts``, granting the actions AWS's examples grant,
    without Resource (the module fills in the version converged, which a playbook cannot know before a new version)."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": list(accounts)},
                                                    "Action": ["imagebuilder:Get%s" % kind, "imagebuilder:List%ss" % kind]}]}


def written_differently(kind, arn, *accounts):
    """The policy ``sharing_policy`` makes, with its Resource, written another way: JSON text, one statement as an object,
    keys, actions and principals in another order, accounts as root ARNs, the resource as a string."""
    return json.dumps({"Statement": {"Resource": arn, "Action": ["imagebuilder:List%ss" % kind, "imagebuilder:Get%s" % kind],
                                     "Principal": {"AWS": ["arn:aws:iam::%s:root" % account for account in reversed(accounts)]},
                                     "Effect": "Allow"}, "Version": "2012-10-17"})


def stored_policy(emulator, kind, arn):
    """The policy of ``arn`` read with boto3 (Get*Policy), parsed; None when it has none."""
    client = imagebuilder(emulator)
    operation, parameter = POLICY_READ[kind]
    try:
        return json.loads(getattr(client, operation)(**{parameter: arn})["policy"])
    except client.exceptions.ResourceNotFoundException:
        return None


def shared_with(policy):
    """The AWS principals of ``policy``'s statements, and the resources they name."""
    principals, resources = set(), set()
    for statement in policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]:
        for key, found in (("Principal", principals), ("Resource", resources)):
            values = statement[key]["AWS"] if key == "Principal" else statement[key]
            found.update([values] if isinstance(values, str) else values)
    return principals, resources


def check_policy_option(play, emulator, module, kind, options, create):
    """The ``policy`` option of ``module`` (its other options: ``options``; ``create``: the write that makes the resource):
    with policy A the resource is made and shared (one Put*Policy), A again is no change, B (one more account) is one
    Put*Policy on the same version, B again none; B read back with boto3. Then B written another way and the option left
    out are no change, '' stops sharing (one Put*Policy, only the owner left), '' and {} again are no change."""
    put = "Put%sPolicy" % kind
    a, b = sharing_policy(kind, FRIEND), sharing_policy(kind, FRIEND, OTHER)
    steps = run_steps(play, emulator, [task(module, **merged(options, policy=a)), task(module, **merged(options, policy=a)),
                                       task(module, **merged(options, policy=b)), task(module, **merged(options, policy=b))])
    arn = steps[0].result["arn"]
    assert steps[0].changed and sorted(steps[0].writes) == sorted([create, put]), steps[0]
    assert unchanged(steps[1]), steps[1]
    assert steps[2].changed and steps[2].writes == [put] and steps[2].result["arn"] == arn, ("a policy is not a new version", steps[2])
    assert unchanged(steps[3]) and steps[3].result["arn"] == arn, steps[3]
    root = "arn:aws:iam::%s:root"
    assert steps[0].result["policy"]["Statement"][0]["Principal"] == {"AWS": [root % FRIEND]}, steps[0].result["policy"]
    assert steps[2].result["policy"]["Statement"][0]["Principal"] == {"AWS": sorted([root % FRIEND, root % OTHER])}
    stored = stored_policy(emulator, kind, arn)
    assert shared_with(stored) == ({FRIEND, OTHER}, {arn}), stored
    assert sorted(stored["Statement"][0]["Action"]) == sorted(b["Statement"][0]["Action"]), stored

    steps = run_steps(play, emulator, [
        task(module, **merged(options, policy=written_differently(kind, arn, FRIEND, OTHER))),
        task(module, **options),
        task(module, **merged(options, policy="")), task(module, **merged(options, policy="")), task(module, **merged(options, policy={})),
    ])
    assert unchanged(steps[0]) and unchanged(steps[1]), ("the same policy written differently; the option left out", steps[0:2])
    assert steps[2].changed and steps[2].writes == [put] and steps[2].result["policy"] is None and steps[2].result["arn"] == arn, steps[2]
    assert unchanged(steps[3]) and unchanged(steps[4]), steps[3:5]
    assert shared_with(stored_policy(emulator, kind, arn)) == ({root % ACCOUNT}, {arn}), "only the owner left: shared with nobody"
    return arn


def test_component_policy_option(play, emulator, prefix):
    arn = check_policy_option(play, emulator, "component", "Component", dict(name=prefix + "-c", data=document("shared")), "CreateComponent")
    assert arn.endswith("/1.0.0/1")


def test_image_recipe_policy_option(play, emulator, prefix, linux_ami):
    options = dict(name=prefix + "-r", parent_image=linux_ami, components=[dict(name="update-linux")])
    arn = check_policy_option(play, emulator, "image_recipe", "ImageRecipe", options, "CreateImageRecipe")
    assert arn.endswith("/1.0.0")


def test_image_policy_option(play, emulator, prefix, build_parts):
    options = dict(image_recipe=prefix + "-r2", infrastructure_configuration=prefix + "-i", wait_timeout=120)
    arn = check_policy_option(play, emulator, "image", "Image", options, "CreateImage")
    assert imagebuilder(emulator).get_image(imageBuildVersionArn=arn)["image"]["imageRecipe"]["arn"] == build_parts["recipes"][1]


# --------------------------------------------------------------------------- lifecycle_policy

def role(world, index):
    return "arn:aws:iam::%s:role/%s" % (ACCOUNT, world["roles"][index])


def rules(policy):
    """A lifecycle policy's rules (as the module returns them) by action type."""
    return dict((detail["action"]["type"], detail) for detail in policy["policy_details"])


def test_lifecycle_policy_options(play, emulator, world, prefix):
    name = prefix + "-lp"
    delete = dict(action=dict(type="DELETE", include_resources=dict(amis=True, snapshots=True)),
                  filter=dict(type="AGE", value=6, unit="MONTHS", retain_at_least=2),
                  exclusion_rules=dict(tag_map=dict(keep="yes"), amis=dict(
                      is_public=False, regions=["us-west-2"], shared_accounts=["111111111111"], last_launched=dict(value=7, unit="DAYS"),
                      tag_map=dict(pinned="yes"))))
    deprecate = dict(action=dict(type="DEPRECATE", include_resources=dict(amis=True)), filter=dict(type="AGE", value=30, unit="DAYS"))
    base = dict(name=name, description="lp A", execution_role=world["roles"][0], resource_type="AMI_IMAGE", policy_details=[delete, deprecate],
                resource_selection=dict(recipes=[dict(name="golden", semantic_version="1.x.x"), dict(name="base", semantic_version="2.0.0")]),
                status="ENABLED", tags=dict(stage="a", old="1"))
    rule, amis = "policy_details[0].", "policy_details[0].exclusion_rules.amis."
    changes = [
        ("description", "lp B"),
        ("execution_role", role(world, 1)),
        (rule + "action.include_resources.snapshots", False),
        (rule + "action.include_resources.amis", False),
        (rule + "filter.value", 12),
        (rule + "filter.unit", "WEEKS"),
        (rule + "filter.retain_at_least", 3),
        (rule + "exclusion_rules.tag_map", dict(keep="always", also="this")),
        (amis + "is_public", True),
        (amis + "regions", ["us-west-2", "eu-west-1"]),
        (amis + "shared_accounts", ["111111111111", "222222222222"]),
        (amis + "last_launched.value", 14),
        (amis + "last_launched.unit", "WEEKS"),
        (amis + "tag_map", dict(pinned="no")),
        ("policy_details[1].action.type", "DISABLE"),
        ("policy_details[1].action.include_resources.amis", False),
        ("policy_details[1].filter.value", 60),
        ("policy_details[1].filter.unit", "MONTHS"),
        ("resource_selection.recipes[0].name", "golden-b"),
        ("resource_selection.recipes[1].semantic_version", "2.x.x"),
        ("resource_selection", dict(tag_map=dict(retire="yes"))),
        ("resource_selection.tag_map", dict(retire="now", team="x")),
        ("status", "DISABLED"),
        (rule + "filter", dict(type="COUNT", value=10)),
    ]
    changed_tasks, final = sequence("lifecycle_policy", base, changes)
    # the rules in another order, the AMI regions and accounts in another order, the role as an ARN: no change
    shuffled = copy.deepcopy(final)
    shuffled["policy_details"].reverse()
    for key in ("regions", "shared_accounts"):
        shuffled["policy_details"][1]["exclusion_rules"]["amis"][key].reverse()
    shuffled["execution_role"] = world["roles"][1]
    recipes_reordered = dict(base)  # (dict(base, key=...) for keys base has reads as a repeated keyword to pylint)
    recipes_reordered.update(resource_selection=dict(recipes=list(reversed(base["resource_selection"]["recipes"]))), execution_role=role(world, 0))
    retagged = dict(final, tags=dict(stage="b", new="2"))
    steps = run_steps(play, emulator, [task("lifecycle_policy", **base), task("lifecycle_policy", **base),
                                       task("lifecycle_policy", **recipes_reordered)] + changed_tasks
                      + [task("lifecycle_policy", **shuffled), task("lifecycle_policy", **retagged), task("lifecycle_policy", **retagged),
                         task("lifecycle_policy", **merged(retagged, tags=dict(keep="k"), purge_tags=False)),
                         task("lifecycle_policy", **merged(retagged, tags=dict(keep="k"), purge_tags=False))])
    assert steps[0].changed and steps[0].writes == ["CreateLifecyclePolicy"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert unchanged(steps[2]), ("recipes compare as a set, the role as an ARN", steps[2], steps[2].result.get("diff"))
    assert_writes(steps[3:3 + len(changes)], changes, ["UpdateLifecyclePolicy"])
    rest = steps[3 + len(changes):]
    assert unchanged(rest[0]), ("rules, AMI regions and accounts compare as sets", rest[0], rest[0].result.get("diff"))
    assert rest[1].changed and sorted(rest[1].writes) == ["TagResource", "UntagResource"], rest[1]
    assert unchanged(rest[2]), rest[2]
    assert rest[3].changed and rest[3].writes == ["TagResource"], rest[3]
    assert unchanged(rest[4]), rest[4]

    # each B as the module read it back after its write (later changes replace some of them)
    after = [step.result["lifecycle_policy"] for step in steps[3:3 + len(changes)]]
    assert after[1]["execution_role"] == role(world, 1)
    assert rules(after[2])["DELETE"]["action"]["include_resources"] == dict(amis=True, snapshots=False)
    assert rules(after[3])["DELETE"]["action"]["include_resources"] == dict(amis=False, snapshots=False)
    assert rules(after[6])["DELETE"]["filter"] == dict(type="AGE", value=12, unit="WEEKS", retain_at_least=3)
    assert sorted(after[19]["resource_selection"]["recipes"], key=lambda recipe: recipe["name"]) == [
        dict(name="base", semantic_version="2.x.x"), dict(name="golden-b", semantic_version="1.x.x")]

    arn = steps[0].result["arn"]
    stored = imagebuilder(emulator).get_lifecycle_policy(lifecyclePolicyArn=arn)["lifecyclePolicy"]
    assert stored["description"] == "lp B" and stored["executionRole"] == role(world, 1) and stored["resourceType"] == "AMI_IMAGE"
    assert stored["status"] == "DISABLED" and stored["tags"] == dict(stage="b", new="2", keep="k")
    assert stored["resourceSelection"] == dict(tagMap=dict(retire="now", team="x"))
    details = dict((detail["action"]["type"], detail) for detail in stored["policyDetails"])
    assert sorted(details) == ["DELETE", "DISABLE"]
    assert sorted_lists(details["DELETE"]) == sorted_lists(dict(
        action=dict(type="DELETE", includeResources=dict(amis=False, snapshots=False)), filter=dict(type="COUNT", value=10),
        exclusionRules=dict(tagMap=dict(keep="always", also="this"), amis=dict(
            isPublic=True, regions=["eu-west-1", "us-west-2"], sharedAccounts=["111111111111", "222222222222"],
            lastLaunched=dict(value=14, unit="WEEKS"), tagMap=dict(pinned="no")))))
    assert details["DISABLE"] == dict(action=dict(type="DISABLE", includeResources=dict(amis=False)),
                                      filter=dict(type="AGE", value=60, unit="MONTHS"))

    # Left out: kept, also while something else changes (Update* replaces the whole object); '' removes the description;
    # what a rule no longer says is removed from it (the rules are replaced as a whole).
    bare_rules = [dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=10)), final["policy_details"][1]]
    steps = run_steps(play, emulator, [
        task("lifecycle_policy", name=name),
        task("lifecycle_policy", name=name, description="lp C"),
        task("lifecycle_policy", name=name, description=""),
        task("lifecycle_policy", name=name, description=""),
        task("lifecycle_policy", name=name, policy_details=bare_rules),
        task("lifecycle_policy", name=name, policy_details=bare_rules),
        task("lifecycle_policy", name=name, resource_type="AMI_IMAGE"),
        task("lifecycle_policy", name=name),
        task("lifecycle_policy", name=name, state="absent"),
        task("lifecycle_policy", name=name, state="absent"),
    ])
    assert unchanged(steps[0]), steps[0]
    assert steps[1].changed and steps[1].writes == ["UpdateLifecyclePolicy"], steps[1]
    kept = steps[1].result["lifecycle_policy"]
    assert kept["description"] == "lp C" and kept["status"] == "DISABLED" and kept["execution_role"] == role(world, 1)
    assert kept["resource_selection"] == dict(tag_map=dict(retire="now", team="x")) and len(kept["policy_details"]) == 2
    assert kept["tags"] == dict(stage="b", new="2", keep="k"), "tags left out are left alone"
    assert steps[2].changed and steps[2].writes == ["UpdateLifecyclePolicy"], steps[2]
    assert "description" not in steps[2].result["lifecycle_policy"], steps[2].result["lifecycle_policy"]
    assert unchanged(steps[3]), steps[3]
    assert steps[4].changed and steps[4].writes == ["UpdateLifecyclePolicy"], steps[4]
    stripped = rules(steps[4].result["lifecycle_policy"])
    assert stripped["DELETE"] == dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=10)), stripped["DELETE"]
    assert unchanged(steps[5]) and unchanged(steps[6]) and unchanged(steps[7]), steps[5:8]
    assert steps[8].changed and steps[8].writes == ["DeleteLifecyclePolicy"] and unchanged(steps[9]), steps[8:10]


def test_container_lifecycle_policy_options(play, emulator, world, prefix):
    """The options only a CONTAINER_IMAGE policy takes: include_resources.containers (and a rule's tag exclusions there)."""
    name = prefix + "-lpc"
    base = dict(name=name, execution_role=world["roles"][0], resource_type="CONTAINER_IMAGE",
                policy_details=[dict(action=dict(type="DELETE", include_resources=dict(containers=True)), filter=dict(type="COUNT", value=10),
                                     exclusion_rules=dict(tag_map=dict(keep="yes")))],
                resource_selection=dict(tag_map=dict(service="web")))
    changes = [
        ("policy_details[0].action.include_resources.containers", False),
        ("policy_details[0].filter.value", 5),
        ("policy_details[0].exclusion_rules.tag_map", dict(keep="always")),
        ("policy_details[0].filter", dict(type="AGE", value=2, unit="YEARS", retain_at_least=1)),
    ]
    changed_tasks, final = sequence("lifecycle_policy", base, changes)
    steps = run_steps(play, emulator, [task("lifecycle_policy", **base), task("lifecycle_policy", **base)] + changed_tasks
                      + [task("lifecycle_policy", **final)])
    assert steps[0].changed and steps[0].writes == ["CreateLifecyclePolicy"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateLifecyclePolicy"])
    assert unchanged(steps[-1]), steps[-1]
    assert steps[2].result["lifecycle_policy"]["policy_details"][0]["action"]["include_resources"] == dict(containers=False)
    stored = imagebuilder(emulator).get_lifecycle_policy(lifecyclePolicyArn=steps[0].result["arn"])["lifecyclePolicy"]
    assert stored["resourceType"] == "CONTAINER_IMAGE" and stored["status"] == "ENABLED"
    assert stored["policyDetails"] == [dict(action=dict(type="DELETE", includeResources=dict(containers=False)),
                                            filter=dict(type="AGE", value=2, unit="YEARS", retainAtLeast=1),
                                            exclusionRules=dict(tagMap=dict(keep="always")))]


# --------------------------------------------------------------------------- _info modules

def test_info_module_options(play, writes, emulator, world, prefix, linux_ami, build_parts):
    parts = build_parts
    client = imagebuilder(emulator)
    component = client.create_component(name=prefix + "-c", semanticVersion="1.0.1", platform="Linux",
                                        data=yaml.safe_dump(document("build 2")))["componentBuildVersionArn"]
    recipe = client.create_image_recipe(name=prefix + "-r1", semanticVersion="1.0.1", parentImage=linux_ami,
                                        components=[dict(componentArn=component)])["imageRecipeArn"]
    images = [client.create_image(imageRecipeArn=arn, infrastructureConfigurationArn=parts["infrastructure"])["imageBuildVersionArn"]
              for arn in (parts["recipes"][0], recipe)]
    assert [wait_available(emulator, arn)["state"]["status"] for arn in images] == ["AVAILABLE", "AVAILABLE"]
    amazon_image = "amazon-linux-2023-x86"
    lifecycle = [client.create_lifecycle_policy(
        name="%s-lp%d" % (prefix, index), executionRole="arn:aws:iam::%s:role/%s" % (ACCOUNT, world["roles"][0]), resourceType=kind,
        status=status, policyDetails=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=5))],
        resourceSelection=dict(tagMap=dict(service="web")))["lifecyclePolicyArn"]
        for index, kind, status in ((1, "AMI_IMAGE", "ENABLED"), (2, "CONTAINER_IMAGE", "DISABLED"))]

    writes()
    got = play([
        task("component_info", register="a", name=prefix + "-c"),
        task("component_info", register="b", arn=component.rsplit("/", 2)[0] + "/1.0.0/1"),
        task("component_info", register="c", name="update-linux", owner="Amazon"),
        task("image_recipe_info", register="d", name=prefix + "-r1"),
        task("image_recipe_info", register="e", arn=parts["recipes"][0]),
        task("infrastructure_configuration_info", register="f", name=prefix + "-i"),
        task("infrastructure_configuration_info", register="g", arn=parts["infrastructure"]),
        task("distribution_configuration_info", register="h", name=prefix + "-d"),
        task("distribution_configuration_info", register="i", arn=parts["distribution"]),
        task("image_pipeline_info", register="j", name=prefix + "-p"),
        task("image_pipeline_info", register="k", arn=parts["pipeline"]),
        task("image_info", register="l", name=prefix + "-r1"),
        task("image_info", register="m", arn=images[0]),
        task("image_info", register="n", name=amazon_image, owner="Amazon"),
        task("image_info", register="o", image_recipe=prefix + "-r1", latest_available=True),
        task("image_info", register="p", image_recipe=prefix + "-r1:1.0.0"),
        task("image_info", register="q", image_recipe=parts["recipes"][0], latest_available=True),
        task("image_info", register="r", pipeline=prefix + "-p", latest_available=True),
        task("lifecycle_policy_info", register="s", name=prefix + "-lp1"),
        task("lifecycle_policy_info", register="t", arn=lifecycle[1]),
    ])
    assert not any(got.changed) and writes() == []
    assert [item["version"] for item in got[0]["components"]] == ["1.0.1"]
    assert [item["arn"] for item in got[1]["components"]] == [component.rsplit("/", 2)[0] + "/1.0.0/1"]
    assert got[2]["components"][0]["owner"] == "Amazon" and got[2]["components"][0]["name"] == "update-linux"
    assert [item["arn"] for item in got[3]["image_recipes"]] == [recipe]
    assert [item["arn"] for item in got[4]["image_recipes"]] == [parts["recipes"][0]]
    for index, key, arn in ((5, "infrastructure_configurations", parts["infrastructure"]), (6, "infrastructure_configurations", parts["infrastructure"]),
                            (7, "distribution_configurations", parts["distribution"]), (8, "distribution_configurations", parts["distribution"]),
                            (9, "image_pipelines", parts["pipeline"]), (10, "image_pipelines", parts["pipeline"])):
        assert [item["arn"] for item in got[index][key]] == [arn], (index, got[index][key])
    assert [item["arn"] for item in got[11]["images"]] == [images[1]]
    assert [item["arn"] for item in got[12]["images"]] == [images[0]]
    assert got[13]["images"][0]["arn"].startswith("arn:aws:imagebuilder:%s:aws:image/%s/" % (REGION, amazon_image))
    assert [item["arn"] for item in got[14]["images"]] == [images[1]] and [ami["region"] for ami in got[14]["amis"]] == [REGION]
    assert [item["arn"] for item in got[15]["images"]] == [images[0]] and "amis" not in got[15]
    assert [item["arn"] for item in got[16]["images"]] == [images[0]]
    assert got[17]["images"] == [] and got[17]["amis"] == [], "the pipeline ran no build (the images were made by CreateImage)"
    assert [item["arn"] for item in got[18]["lifecycle_policies"]] == [lifecycle[0]]
    assert got[18]["lifecycle_policies"][0]["policy_details"] == [dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=5))]
    assert [item["arn"] for item in got[19]["lifecycle_policies"]] == [lifecycle[1]]
    assert got[19]["lifecycle_policies"][0]["resource_type"] == "CONTAINER_IMAGE"

    with lists_visible(emulator):  # listing: all_versions and filters
        listed = play([
            task("component_info", register="a", name=prefix + "-c", all_versions=True),
            task("component_info", register="b", filters=dict(name=prefix + "-c", version="1.0.0")),
            task("component_info", register="c", filters=dict(name="update-linux"), owner="Amazon"),
            task("image_recipe_info", register="d", name=prefix + "-r1", all_versions=True),
            task("image_recipe_info", register="e", filters=dict(name=[prefix + "-r1", prefix + "-r2"]), owner="Self"),
            task("infrastructure_configuration_info", register="f", filters=dict(name=prefix + "-i")),
            task("distribution_configuration_info", register="g", filters=dict(name=prefix + "-d")),
            task("image_pipeline_info", register="h", filters=dict(name=prefix + "-p", status="ENABLED")),
            task("image_info", register="i", name=prefix + "-r1", all_versions=True),
            task("image_info", register="j", filters=dict(name=prefix + "-r1", version="1.0.1")),
            task("image_info", register="k", filters=dict(name=amazon_image), owner="Amazon"),
            task("lifecycle_policy_info", register="l", filters=dict(name=[prefix + "-lp1", prefix + "-lp2"])),
            task("lifecycle_policy_info", register="m", filters=dict(name=[prefix + "-lp1", prefix + "-lp2"], resourceType="CONTAINER_IMAGE")),
            task("lifecycle_policy_info", register="n", filters=dict(name=[prefix + "-lp1", prefix + "-lp2"], status="ENABLED")),
        ])
    assert not any(listed.changed) and writes() == []
    assert [item["version"] for item in listed[0]["components"]] == ["1.0.0", "1.0.1"]
    assert [item["version"] for item in listed[1]["components"]] == ["1.0.0"]
    assert [item["name"] for item in listed[2]["components"]] == ["update-linux"] and listed[2]["components"][0]["owner"] == "Amazon"
    assert [item["arn"] for item in listed[3]["image_recipes"]] == [parts["recipes"][0], recipe]
    assert sorted(item["arn"] for item in listed[4]["image_recipes"]) == sorted([parts["recipes"][0], recipe, parts["recipes"][1]])
    assert [item["arn"] for item in listed[5]["infrastructure_configurations"]] == [parts["infrastructure"]]
    assert [item["arn"] for item in listed[6]["distribution_configurations"]] == [parts["distribution"]]
    assert [item["arn"] for item in listed[7]["image_pipelines"]] == [parts["pipeline"]]
    assert [item["arn"] for item in listed[8]["images"]] == images
    assert [item["arn"].split("/")[-1] for item in listed[9]["images"]] == ["1.0.1"]
    assert [item["name"] for item in listed[10]["images"]] == [amazon_image]
    assert sorted(item["arn"] for item in listed[11]["lifecycle_policies"]) == sorted(lifecycle)
    assert [item["arn"] for item in listed[12]["lifecycle_policies"]] == [lifecycle[1]]
    assert [item["arn"] for item in listed[13]["lifecycle_policies"]] == [lifecycle[0]]


# --------------------------------------------------------------------------- container recipes, container pipelines (issue 11)

TEMPLATE_A = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\n"
TEMPLATE_B = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}\n{{{ imagebuilder:components }}}\n"
AMAZON_IMAGE = "arn:aws:imagebuilder:%s:aws:image/amazon-linux-2023-x86/x.x.x" % REGION


def raw(text):
    """A Dockerfile template as a playbook writes it, so that Ansible leaves Image Builder's braces alone."""
    return "{% raw %}" + text + "{% endraw %}"


@pytest.fixture
def container_parts(emulator, world, prefix, linux_ami):
    """Our components c (declaring p) and c2, two ECR repositories in us-east-1 (the first in eu-west-1 too), a template in
    S3, an SSM parameter holding the build AMI, and two container recipes (A, B) made with boto3."""
    client = imagebuilder(emulator)
    components = dict((key, client.create_component(name="%s-%s" % (prefix, key), semanticVersion="1.0.0", platform="Linux", data=yaml.safe_dump(
        document(key, parameters)))["componentBuildVersionArn"]) for key, parameters in (("c", ("p",)), ("c2", ())))
    repositories = ["%s/app-%s" % (prefix, letter) for letter in "ab"]
    for repository in repositories:
        emulator.client("ecr").create_repository(repositoryName=repository)
    emulator.client("ecr", region="eu-west-1").create_repository(repositoryName=repositories[0])
    emulator.client("s3").put_object(Bucket=world["buckets"][0], Key="%s/Dockerfile" % prefix, Body=b"FROM {{{ imagebuilder:parentImage }}}\nRUN s3\n")
    emulator.client("ssm").put_parameter(Name="/%s/build-ami" % prefix, Value=linux_ami, Type="String", DataType="aws:ec2:image")
    recipes = [client.create_container_recipe(
        name="%s-cr%s" % (prefix, letter), semanticVersion="1.0.0", containerType="DOCKER", parentImage="amazonlinux:2023",
        targetRepository=dict(service="ECR", repositoryName=repositories[0]), dockerfileTemplateData=TEMPLATE_A,
        components=[dict(componentArn=components["c2"].rsplit("/", 1)[0])])["containerRecipeArn"] for letter in "ab"]
    return dict(components=components, repositories=repositories, uri="s3://%s/%s/Dockerfile" % (world["buckets"][0], prefix),
                parameter="ssm:/%s/build-ami" % prefix, recipes=recipes)


def test_container_recipe_options(play, emulator, world, prefix, linux_ami, container_parts):
    parts = container_parts
    name = prefix + "-container"
    base = dict(
        name=name, description="container A", container_type="DOCKER", parent_image="amazonlinux:2023",
        components=[dict(name=prefix + "-c", parameters=dict(p="1")), dict(name="update-linux")],
        target_repository=dict(service="ECR", repository_name=parts["repositories"][0]), dockerfile_template_data=raw(TEMPLATE_A),
        instance_configuration=dict(image=linux_ami, block_device_mappings=[dict(device_name="/dev/xvda", ebs=dict(volume_size=20, volume_type="gp3"))]),
        working_directory="/tmp", kms_key_id=world["keys"][0], platform_override="Linux", image_os_version_override="Amazon Linux 2023",
        tags=dict(stage="a", old="1"),
    )
    changes = [
        ("description", "container B"),
        ("parent_image", AMAZON_IMAGE),
        ("components[0].parameters", dict(p="2")),
        ("components[1]", dict(arn=parts["components"]["c2"])),
        ("target_repository.repository_name", parts["repositories"][1]),
        ("dockerfile_template_data", raw(TEMPLATE_B)),
        ("instance_configuration.image", parts["parameter"]),
        ("instance_configuration.block_device_mappings[0].ebs.volume_size", 30),
        ("working_directory", "/srv"),
        ("kms_key_id", world["keys"][1]),
    ]
    changed_tasks, final = sequence("container_recipe", base, changes)
    from_s3 = dict(without(final, "dockerfile_template_data"), dockerfile_template_uri=parts["uri"])
    retagged = dict(from_s3, tags=dict(stage="b", new="2"))
    steps = run_steps(play, emulator, [task("container_recipe", **base), task("container_recipe", **base)] + changed_tasks + [
        task("container_recipe", **merged(final, image_os_version_override="Amazon Linux 2")),  # not returned by Get: never compared
        task("container_recipe", **without(final, "platform_override")),  # the platform the recipe has: no change either way
        task("container_recipe", **from_s3),
        task("container_recipe", **merged(final, dockerfile_template_data=raw("FROM {{{ imagebuilder:parentImage }}}\nRUN s3\n"))),
        task("container_recipe", **retagged), task("container_recipe", **retagged),
        task("container_recipe", **merged(retagged, tags=dict(keep="k"), purge_tags=False)),
        task("container_recipe", name=name, parent_image=AMAZON_IMAGE, dockerfile_template_uri=parts["uri"]),  # the rest left out: kept
    ])
    assert steps[0].changed and steps[0].writes == ["CreateContainerRecipe"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["CreateContainerRecipe"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]) and unchanged(rest[1]), rest[:2]
    assert rest[2].changed and rest[2].writes == ["CreateContainerRecipe"], rest[2]
    assert unchanged(rest[3]), ("the S3 template's content inline is no change", rest[3], rest[3].result.get("diff"))
    assert rest[4].changed and sorted(rest[4].writes) == ["TagResource", "UntagResource"] and unchanged(rest[5]), rest[4:6]
    assert rest[6].changed and rest[6].writes == ["TagResource"] and unchanged(rest[7]), rest[6:8]

    client = imagebuilder(emulator)
    b = client.get_container_recipe(containerRecipeArn=steps[1 + len(changes)].result["arn"])["containerRecipe"]
    own = "arn:aws:imagebuilder:%s:%s:component/%s-" % (REGION, ACCOUNT, prefix)
    assert b["description"] == "container B" and b["parentImage"] == AMAZON_IMAGE and b["platform"] == "Linux"
    assert b["components"] == [dict(componentArn=own + "c/1.0.0", parameters=[dict(name="p", value=["2"])]), dict(componentArn=own + "c2/1.0.0")]
    assert b["targetRepository"] == dict(service="ECR", repositoryName=parts["repositories"][1]) and b["dockerfileTemplateData"] == TEMPLATE_B
    assert b["instanceConfiguration"] == dict(image=parts["parameter"], blockDeviceMappings=[
        dict(deviceName="/dev/xvda", ebs=dict(volumeSize=30, volumeType="gp3"))])
    assert b["workingDirectory"] == "/srv" and b["kmsKeyId"] == world["keys"][1] and b["containerType"] == "DOCKER"
    last = client.get_container_recipe(containerRecipeArn=rest[2].result["arn"])["containerRecipe"]
    assert last["dockerfileTemplateData"] == "FROM {{{ imagebuilder:parentImage }}}\nRUN s3\n" and last["tags"] == dict(stage="b", new="2", keep="k")
    assert [step.result["version"] for step in steps] == ["1.0.0"] * 2 + ["1.0.%d" % index for index in range(1, 1 + len(changes))] + [
        "1.0.%d" % len(changes)] * 2 + ["1.0.%d" % (len(changes) + 1)] * 6


@pytest.fixture
def container_pipeline_parts(emulator, world, prefix, container_parts, linux_ami):
    parts = dict(container_parts)
    parts["infrastructure"] = create_infrastructure(emulator, prefix + "-ci", world["profiles"][0])
    parts["image_recipe"] = imagebuilder(emulator).create_image_recipe(name=prefix + "-ir", semanticVersion="1.0.0", parentImage=linux_ami)[
        "imageRecipeArn"]
    return parts


def test_image_scanning_types_and_result_condition(play, emulator, prefix, pipeline_parts):
    """An on-demand AMI scan with a result condition, each member changed alone; the documented default scan type
    (TEST_INSTANCE_CVE when none is given) compares equal to the same type given."""
    name = prefix + "-scanpipe"
    scanning = dict(image_scanning_enabled=True, image_scanning_types=["ON_DEMAND_AMI_CVE"],
                    scan_result_condition=dict(maximum_severity_label="HIGH"))
    base = dict(name=name, image_recipe=prefix + "-ra", infrastructure_configuration=prefix + "-ia", image_scanning_configuration=scanning)
    changes = [
        ("image_scanning_configuration.scan_result_condition.maximum_severity_label", "MEDIUM"),
        ("image_scanning_configuration.scan_result_condition.fix_available", False),
        ("image_scanning_configuration.scan_result_condition", None),
        ("image_scanning_configuration.image_scanning_types", ["TEST_INSTANCE_CVE"]),
    ]
    changed_tasks, final = sequence("image_pipeline", base, changes)
    steps = run_steps(play, emulator, [task("image_pipeline", **base), task("image_pipeline", **base)] + changed_tasks + [
        task("image_pipeline", **final),
        task("image_pipeline", **merged(final, image_scanning_configuration=dict(image_scanning_enabled=True))),  # the default type
    ])
    assert steps[0].changed and steps[0].writes == ["CreateImagePipeline"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateImagePipeline"])
    assert unchanged(steps[-2]) and unchanged(steps[-1]), steps[-2:]
    stored = imagebuilder(emulator).get_image_pipeline(imagePipelineArn=steps[0].result["arn"])["imagePipeline"]
    assert stored["imageScanningConfiguration"] == dict(imageScanningEnabled=True, imageScanningTypes=["TEST_INSTANCE_CVE"])
    first = steps[0].result["image_pipeline"]["image_scanning_configuration"]
    assert first["scan_result_condition"] == dict(maximum_severity_label="HIGH") and first["image_scanning_types"] == ["ON_DEMAND_AMI_CVE"]


def test_container_pipeline_options(play, emulator, world, prefix, container_pipeline_parts):
    """The pipeline options of issue 11: container_recipe, image_scanning_configuration, logging_configuration, schedule
    auto_disable_policy and pipeline_execution_start_condition."""
    parts = container_pipeline_parts
    name = prefix + "-cpipe"
    base = dict(
        name=name, container_recipe=prefix + "-cra", infrastructure_configuration=prefix + "-ci",
        image_scanning_configuration=dict(image_scanning_enabled=True, ecr_configuration=dict(repository_name=parts["repositories"][0],
                                                                                              container_tags=["scan-a"])),
        schedule=dict(expression="cron(0 3 ? * SUN *)", pipeline_execution_start_condition="EXPRESSION_MATCH_ONLY",
                      auto_disable_policy=dict(failure_count=2)),
        logging_configuration=dict(image_log_group_name="/aws/imagebuilder/a", pipeline_log_group_name="/aws/imagebuilder/pipe-a"),
    )
    changes = [
        ("container_recipe", parts["recipes"][1]),
        ("image_scanning_configuration.image_scanning_enabled", False),
        ("image_scanning_configuration.ecr_configuration.repository_name", parts["repositories"][1]),
        ("image_scanning_configuration.ecr_configuration.container_tags", ["scan-b", "extra"]),
        ("schedule.pipeline_execution_start_condition", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"),
        ("schedule.auto_disable_policy.failure_count", 10),
        ("logging_configuration.image_log_group_name", "/aws/imagebuilder/b"),
        ("logging_configuration.pipeline_log_group_name", "/aws/imagebuilder/pipe-b"),
    ]
    changed_tasks, final = sequence("image_pipeline", base, changes)
    as_image = dict(without(final, "container_recipe"), image_recipe=prefix + "-ir")
    steps = run_steps(play, emulator, [task("image_pipeline", **base), task("image_pipeline", **base)] + changed_tasks + [
        task("image_pipeline", **merged(final, container_recipe=prefix + "-crb")),  # the same recipe by name: no change
        task("image_pipeline", **as_image), task("image_pipeline", **as_image),       # an image recipe replaces the container recipe
        task("image_pipeline", name=name),                                          # everything left out: kept
        task("image_pipeline", name=name, image_scanning_configuration={}, logging_configuration={},
             schedule=dict(expression="cron(0 3 ? * SUN *)")),                      # removed (the schedule is replaced as a whole)
        task("image_pipeline", name=name, image_scanning_configuration={}, logging_configuration={},
             schedule=dict(expression="cron(0 3 ? * SUN *)")),
        task("image_pipeline", name=name, container_recipe=prefix + "-cra"),          # back to a container recipe
    ])
    assert steps[0].changed and steps[0].writes == ["CreateImagePipeline"], steps[0]
    assert unchanged(steps[1]), steps[1]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateImagePipeline"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]), rest[0]
    assert rest[1].changed and rest[1].writes == ["UpdateImagePipeline"] and unchanged(rest[2]) and unchanged(rest[3]), rest[1:4]
    assert rest[4].changed and rest[4].writes == ["UpdateImagePipeline"] and unchanged(rest[5]), rest[4:6]
    assert rest[6].changed and rest[6].writes == ["UpdateImagePipeline"], rest[6]

    client = imagebuilder(emulator)
    arn = steps[0].result["arn"]
    b = rest[0].result["image_pipeline"]
    assert b["container_recipe_arn"] == parts["recipes"][1] and "image_recipe_arn" not in b
    assert b["image_scanning_configuration"] == dict(image_scanning_enabled=False, ecr_configuration=dict(
        repository_name=parts["repositories"][1], container_tags=["scan-b", "extra"]))
    assert b["schedule"] == dict(schedule_expression="cron(0 3 ? * SUN *)", timezone="UTC", auto_disable_policy=dict(failure_count=10),
                                 pipeline_execution_start_condition="EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE")
    assert b["logging_configuration"] == dict(image_log_group_name="/aws/imagebuilder/b", pipeline_log_group_name="/aws/imagebuilder/pipe-b")
    switched = rest[1].result["image_pipeline"]
    assert switched["image_recipe_arn"] == parts["image_recipe"] and "container_recipe_arn" not in switched
    gone = rest[4].result["image_pipeline"]
    assert "image_scanning_configuration" not in gone and "logging_configuration" not in gone and "auto_disable_policy" not in gone["schedule"]
    stored = client.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
    assert stored["containerRecipeArn"] == parts["recipes"][0] and "imageRecipeArn" not in stored


def test_container_image_options(play, emulator, prefix, container_pipeline_parts):
    """image: container_recipe, image_scanning_configuration and logging_configuration of a build without a pipeline."""
    parts = container_pipeline_parts
    options = dict(container_recipe=prefix + "-cra", infrastructure_configuration=prefix + "-ci",
                   image_scanning_configuration=dict(image_scanning_enabled=True, ecr_configuration=dict(
                       repository_name=parts["repositories"][1], container_tags=["scan"])),
                   logging_configuration=dict(log_group_name="/aws/imagebuilder/" + prefix))
    steps = run_steps(play, emulator, [task("image", **options), task("image", **options)])
    assert steps[0].changed and steps[0].writes == ["CreateImage"] and unchanged(steps[1]), steps
    image = imagebuilder(emulator).get_image(imageBuildVersionArn=steps[0].result["arn"])["image"]
    assert image["containerRecipe"]["arn"] == parts["recipes"][0] and image["type"] == "DOCKER"
    assert image["imageScanningConfiguration"] == dict(imageScanningEnabled=True, ecrConfiguration=dict(
        repositoryName=parts["repositories"][1], containerTags=["scan"]))
    assert image["loggingConfiguration"] == dict(logGroupName="/aws/imagebuilder/" + prefix)
    assert image["outputResources"]["containers"] == [dict(region=REGION, imageUris=[
        "%s.dkr.ecr.%s.amazonaws.com/%s:1.0.0-1" % (ACCOUNT, REGION, parts["repositories"][0])])]


def test_container_distribution_options(play, emulator, prefix, container_parts):
    parts = container_parts
    name = prefix + "-cdist"
    base = dict(name=name, distributions=[
        dict(region=REGION, container_distribution_configuration=dict(
            target_repository=dict(service="ECR", repository_name=parts["repositories"][0]), container_tags=["a"], description="to A")),
        dict(region="eu-west-1", container_distribution_configuration=dict(
            target_repository=dict(service="ECR", repository_name=parts["repositories"][0])))])
    cdc = "distributions[0].container_distribution_configuration."
    changes = [
        (cdc + "target_repository.repository_name", parts["repositories"][1]),
        (cdc + "container_tags", ["b", "latest"]),
        (cdc + "description", "to B"),
    ]
    changed_tasks, final = sequence("distribution_configuration", base, changes)
    removed = [dict(region=REGION, ami_distribution_configuration=dict(name="a-" + BUILD_DATE)), final["distributions"][1]]
    steps = run_steps(play, emulator, [task("distribution_configuration", **base), task("distribution_configuration", **base)] + changed_tasks + [
        task("distribution_configuration", **merged(final, distributions=list(reversed(final["distributions"])))),
        task("distribution_configuration", name=name, distributions=removed),
        task("distribution_configuration", name=name, distributions=removed),
    ])
    assert steps[0].changed and steps[0].writes == ["CreateDistributionConfiguration"] and unchanged(steps[1]), steps[:2]
    assert_writes(steps[2:2 + len(changes)], changes, ["UpdateDistributionConfiguration"])
    rest = steps[2 + len(changes):]
    assert unchanged(rest[0]), rest[0]
    b = dict((item["region"], item) for item in rest[0].result["distribution_configuration"]["distributions"])[REGION]
    assert b["container_distribution_configuration"] == dict(
        target_repository=dict(service="ECR", repository_name=parts["repositories"][1]), container_tags=["b", "latest"], description="to B")
    assert rest[1].changed and rest[1].writes == ["UpdateDistributionConfiguration"] and unchanged(rest[2]), rest[1:3]
    stored = imagebuilder(emulator).get_distribution_configuration(distributionConfigurationArn=steps[0].result["arn"])["distributionConfiguration"]
    regions = dict((item["region"], item) for item in stored["distributions"])
    assert "containerDistributionConfiguration" not in regions[REGION]
    assert regions["eu-west-1"]["containerDistributionConfiguration"]["targetRepository"]["repositoryName"] == parts["repositories"][0]
