"""The stack playbook (playbooks/stack.yml) as the acceptance tests run it: a variables builder,
a playbook that first creates the build's IAM role and instance profile the way a user would
(amazon.aws), and readers of the emulator's call log."""
import os

import yaml

from tests.conftest import ROOT
from tests.integration.conftest import task_name
from tests.integration.helpers import document

BUILD_DATE = "{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"  # Image Builder's variable, kept from Ansible's templating
# What a plan may call: reads of every service, and STS to learn the account and partition.
READS = ("Get", "List", "Describe", "Head")


def stack_vars(prefix, parent_image, message="hello", profile=None, regions=("us-east-1", "eu-west-1")):
    """imagebuilder_stack for playbooks/stack.yml: three components (the first says ``message``), a recipe with an
    Amazon-owned component first, distribution to ``regions``, a weekly schedule."""
    components = [dict(name="%s-c%d" % (prefix, index), data=document(message if index == 0 else "fixed %d" % index))
                  for index in range(3)]
    return dict(imagebuilder_stack=dict(
        name=prefix + "-stack",
        parent_image=parent_image,
        components=components,
        recipe_components=[dict(name="update-linux")] + [dict(name=component["name"]) for component in components],
        instance_profile_name=profile or prefix + "-profile",
        instance_types=["t3.small"],
        distributions=[dict(region=region, ami_distribution_configuration=dict(name=prefix + "-" + BUILD_DATE)) for region in regions],
        schedule=dict(expression="cron(0 3 ? * SUN *)"),
    ))


def site_playbook(folder, prefix):
    """A playbook that creates the IAM role and instance profile the build needs, then imports playbooks/stack.yml."""
    path = os.path.join(str(folder), "site-%s.yml" % prefix)
    iam = dict(name="IAM for the build instance", hosts="localhost", gather_facts=False, tasks=[
        {"name": "The build instance's role", "amazon.aws.iam_role": dict(
            name=prefix + "-role", create_instance_profile=False,
            assume_role_policy_document=dict(Version="2012-10-17", Statement=[dict(
                Effect="Allow", Principal=dict(Service="ec2.amazonaws.com"), Action="sts:AssumeRole")]))},
        {"name": "Its instance profile", "amazon.aws.iam_instance_profile": dict(name=prefix + "-profile", role=prefix + "-role")},
    ])
    with open(path, "w") as handle:
        yaml.safe_dump([iam, {"ansible.builtin.import_playbook": os.path.join(ROOT, "playbooks", "stack.yml")}], handle, sort_keys=False)
    return path


def stack_playbook():
    return os.path.join(ROOT, "playbooks", "stack.yml")


def not_reads(calls):
    """Calls a plan must never make: anything but reads and STS GetCallerIdentity."""
    return ["%s:%s" % (call["service"], call["operation"]) for call in calls
            if not call["operation"].startswith(READS) and call["operation"] != "GetCallerIdentity"]


def changed_tasks(result):
    """Task name → changed, for the tasks that ran (loops count as changed when any item changed)."""
    return dict((task_name(task), bool(task["hosts"]["localhost"].get("changed"))) for task in result.tasks
                if not task["hosts"]["localhost"].get("skipped"))
