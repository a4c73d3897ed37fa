"""The amazon.aws modules golden_ami.yml and the stack role lean on work against the emulator, and a second run of
the same tasks is idempotent: nothing changed and no write call of any service in the call log."""
import json
import uuid

import pytest

from tests.integration.conftest import player

BUILD_POLICIES = ["arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
                  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


@pytest.fixture
def play(emulator, tmp_path):
    return player(emulator, tmp_path)


@pytest.fixture
def names():
    suffix = uuid.uuid4().hex[:8]
    return dict(bucket="artifacts-%s" % suffix, role="ImageBuilderInstance-%s" % suffix,
                template="golden-%s" % suffix, parameter="/golden/%s/ami" % suffix)


def tasks(names, ami):
    bucket_policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::%s" % names["bucket"], "arn:aws:s3:::%s/*" % names["bucket"]]}]}
    return [
        {"name": "Bucket", "amazon.aws.s3_bucket": {
            "name": names["bucket"], "state": "present", "encryption": "AES256", "tags": {"purpose": "test"},
            "public_access": {"block_public_acls": True, "ignore_public_acls": True,
                              "block_public_policy": True, "restrict_public_buckets": True}}},
        {"name": "Role", "amazon.aws.iam_role": {
            "name": names["role"], "assume_role_policy_document": json.dumps(TRUST), "managed_policies": BUILD_POLICIES,
            "create_instance_profile": False, "tags": {"purpose": "test"}}},
        {"name": "Instance profile", "amazon.aws.iam_instance_profile": {
            "name": names["role"], "role": names["role"], "state": "present"}},
        {"name": "Inline policy", "amazon.aws.iam_policy": {
            "iam_type": "role", "iam_name": names["role"], "policy_name": "artifacts-read",
            "policy_json": json.dumps(bucket_policy), "state": "present"}},
        {"name": "Launch template", "amazon.aws.ec2_launch_template": {
            "name": names["template"], "image_id": ami, "instance_type": "t3.micro", "tags": {"purpose": "test"}}},
        {"name": "Parameter", "community.aws.ssm_parameter": {
            "name": names["parameter"], "value": ami, "string_type": "String"}},
    ]


def writes_of_any_service(calls):
    return ["%s:%s" % (call["service"], call["operation"]) for call in calls if call["write"]]


def test_each_module_converges_then_a_second_run_changes_nothing_and_writes_nothing(emulator, play, names):
    ec2 = emulator.client("ec2")
    ami = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*"]}])["Images"][0]["ImageId"]
    first = play(tasks(names, ami))
    assert first.changed == [True] * 6

    iam = emulator.client("iam")
    attached = iam.list_attached_role_policies(RoleName=names["role"])["AttachedPolicies"]
    assert sorted(policy["PolicyArn"] for policy in attached) == sorted(BUILD_POLICIES)
    assert [role["RoleName"] for role in iam.get_instance_profile(InstanceProfileName=names["role"])["InstanceProfile"]["Roles"]] \
        == [names["role"]]
    s3 = emulator.client("s3")
    assert all(s3.get_public_access_block(Bucket=names["bucket"])["PublicAccessBlockConfiguration"].values())
    rules = s3.get_bucket_encryption(Bucket=names["bucket"])["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"

    emulator.reset_calls()
    second = play(tasks(names, ami))
    calls = emulator.calls()
    assert second.changed == [False] * 6, json.dumps(second.results, indent=1)[:4000]
    assert writes_of_any_service(calls) == []
    assert {call["service"] for call in calls} >= {"s3", "iam", "ec2", "ssm"}, "the call log covers every service"


def test_ec2_ami_absent_deletes_the_snapshots_and_then_does_nothing(emulator, play):
    ec2 = emulator.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.delete_volume(VolumeId=volume)
    ami = ec2.register_image(Name="golden-%s" % uuid.uuid4().hex[:8], RootDeviceName="/dev/xvda", Architecture="x86_64",
                             VirtualizationType="hvm", BlockDeviceMappings=[
                                 {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot, "VolumeSize": 8}}])["ImageId"]
    # moto registers every AMI with a snapshot of its own (its RegisterImage ignores BlockDeviceMappings), as the
    # emulator's builds do: the AMI's snapshots are the ones DescribeImages names
    snapshots = [mapping["Ebs"]["SnapshotId"] for mapping in ec2.describe_images(ImageIds=[ami])["Images"][0]["BlockDeviceMappings"]]
    absent = [{"name": "AMI", "amazon.aws.ec2_ami": {"image_id": ami, "state": "absent", "delete_snapshot": True}}]

    result = play(absent)
    assert result.changed == [True] and result[0]["snapshots_deleted"] == snapshots
    assert _image_gone(ec2, ami)
    assert not set(snapshots) & {each["SnapshotId"] for each in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}

    emulator.reset_calls()
    assert play(absent).changed == [False]
    assert writes_of_any_service(emulator.calls()) == []


def _image_gone(ec2, ami):
    """DescribeImages of a deregistered id answers an empty list or InvalidAMIID.NotFound: both mean gone."""
    try:
        return ec2.describe_images(ImageIds=[ami])["Images"] == []
    except ec2.exceptions.ClientError as error:
        return error.response["Error"]["Code"] == "InvalidAMIID.NotFound"


def test_the_aws_managed_policies_a_build_instance_needs_exist_with_their_documents(emulator):
    iam = emulator.client("iam")
    for arn, action in zip(BUILD_POLICIES, ["imagebuilder:GetComponent", "ssmmessages:CreateControlChannel"]):
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
        actions = [each for statement in document["Statement"] for each in
                   ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])]
        assert action in actions, arn


def test_a_launch_template_with_versions_is_deleted_and_its_numbers_never_reused(emulator, play, names):
    """amazon.aws.ec2_launch_template absent deletes the non-default versions (DeleteLaunchTemplateVersions, which
    moto lacks), then the template; a version made after a deletion gets a new number, as on AWS."""
    ec2 = emulator.client("ec2")
    template = ec2.create_launch_template(LaunchTemplateName=names["template"], LaunchTemplateData={"InstanceType": "t3.micro"})
    template_id = template["LaunchTemplate"]["LaunchTemplateId"]
    for image in ("ami-12345678", "ami-12345679"):
        ec2.create_launch_template_version(LaunchTemplateId=template_id, LaunchTemplateData={"ImageId": image})
    deleted = ec2.delete_launch_template_versions(LaunchTemplateId=template_id, Versions=["2", "1"])
    assert [entry["VersionNumber"] for entry in deleted["SuccessfullyDeletedLaunchTemplateVersions"]] == [2]
    assert [entry["VersionNumber"] for entry in deleted["UnsuccessfullyDeletedLaunchTemplateVersions"]] == [1]  # the default
    made = ec2.create_launch_template_version(LaunchTemplateId=template_id, LaunchTemplateData={"ImageId": "ami-1234567a"})
    assert made["LaunchTemplateVersion"]["VersionNumber"] == 4

    absent = [{"name": "Launch template", "amazon.aws.ec2_launch_template": {"name": names["template"], "state": "absent"}}]
    assert play(absent).changed == [True]
    assert ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [names["template"]]}])["LaunchTemplates"] == []
    assert play(absent).changed == [False]
