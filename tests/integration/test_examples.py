"""Docs that run: every module's EXAMPLES block, as written, runs against a fresh emulator (a new
account: nothing of another test, and names that cannot clash with the README's, which all start
with ``readme-``).

What an example assumes exists in the account (an instance profile, a bucket, the components a
recipe names) is made first. IDs EC2 generates (subnets, security groups) cannot be chosen in the
emulator, so an example's placeholder ids are swapped for real ones of the fresh account; that is
the only change made to the text."""
import os

import pytest
import yaml

from tests.conftest import ROOT, EmulatorProcess
from tests.integration.conftest import player
from tests.integration.helpers import document, task

MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
AMI_NAME = "golden-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"


def examples_of(module):
    """The EXAMPLES text of a module, read the way ansible-doc reads it."""
    namespace = {}
    source = open(os.path.join(ROOT, "plugins", "modules", module + ".py")).read()
    start = source.index('EXAMPLES = r"""')
    exec(source[start:source.index('"""', start + len('EXAMPLES = r"""')) + 3], namespace)  # pylint: disable=exec-used
    return namespace["EXAMPLES"]


def recipe_stack(profile="EC2InstanceProfileForImageBuilder"):
    """What the pipeline and image examples name: a recipe, build infrastructure, a distribution."""
    return [
        task("component", name="install-nginx", data=document("nginx")),
        task("image_recipe", name="golden-al2023", parent_image="ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
             components=[dict(name="update-linux"), dict(name="install-nginx")]),
        task("infrastructure_configuration", name="golden-build", instance_profile_name=profile),
        task("distribution_configuration", name="golden-distribution", distributions=[
            dict(region="us-east-1", ami_distribution_configuration=dict(name=AMI_NAME))]),
    ]


def workflow_examples():
    """The workflows the workflow module's examples create (the pipeline and image examples run them)."""
    return [entry for entry in yaml.safe_load(examples_of("workflow")) if entry["amiforge.imagebuilder.workflow"].get("state") != "absent"]


def prepare(module, emulator, folder):
    """Make what ``module``'s examples expect in the account (and in ``folder``, the playbook's); returns
    {placeholder in the text: real value}."""
    iam, s3 = emulator.client("iam"), emulator.client("s3")
    iam.create_role(RoleName="EC2InstanceProfileForImageBuilder", AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="EC2InstanceProfileForImageBuilder")
    iam.add_role_to_instance_profile(InstanceProfileName="EC2InstanceProfileForImageBuilder", RoleName="EC2InstanceProfileForImageBuilder")
    replacements, setup = {}, []
    if module == "component":
        s3.create_bucket(Bucket="my-components")
        s3.put_object(Bucket="my-components", Key="cis-level1.yml", Body=yaml.safe_dump(document("cis level 1")).encode())
    elif module == "image_recipe":
        setup = [task("component", name="install-nginx", data=document("nginx")),
                 task("component", name="os-hardening", data=document("hardening", parameters=("profile",)))]
    elif module == "container_recipe":
        emulator.client("ecr").create_repository(repositoryName="team-a/web")
        setup = [task("component", name="install-nginx", data=document("nginx"))]
    elif module == "infrastructure_configuration":
        ec2 = emulator.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
        replacements["subnet-0123456789abcdef0"] = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
        replacements["sg-0123456789abcdef0"] = ec2.create_security_group(GroupName="build", Description="build", VpcId=vpc)["GroupId"]
        s3.create_bucket(Bucket="my-build-logs")
    elif module == "lifecycle_policy":
        iam.create_role(RoleName="ImageBuilderLifecycleRole", AssumeRolePolicyDocument="{}")
    elif module == "workflow_info":
        setup = workflow_examples()
    elif module in ("image_pipeline", "image", "image_info"):
        iam.create_role(RoleName="ImageBuilderWorkflowRole", AssumeRolePolicyDocument="{}")
        setup = recipe_stack() + workflow_examples()
        if module in ("image", "image_info"):
            setup.append(task("image_pipeline", name="golden-al2023", image_recipe="golden-al2023", infrastructure_configuration="golden-build",
                              distribution_configuration="golden-distribution"))
    elif module == "role_tarball":
        s3.create_bucket(Bucket="my-artifacts")
        (folder / "roles" / "baseline" / "tasks").mkdir(parents=True)
        (folder / "roles" / "baseline" / "tasks" / "main.yml").write_text("- ansible.builtin.debug: {msg: baseline}\n")
    return replacements, setup


@pytest.mark.parametrize("module", MODULES)
def test_the_examples_run_as_written(module, tmp_path):
    text = examples_of(module)
    emulator = EmulatorProcess.start(env={"AMIFORGE_EMULATOR_LIST_LAG_SECONDS": "100000"})
    try:
        replacements, setup = prepare(module, emulator, tmp_path)
        play = player(emulator, tmp_path)
        if setup:
            play(setup)
        for placeholder, real in replacements.items():
            assert placeholder in text, "%s: the example no longer uses %s" % (module, placeholder)
            text = text.replace(placeholder, real)
        examples = yaml.safe_load(text)
        assert examples, "%s has no EXAMPLES" % module
        result = play(examples)  # fails the test on the first task that fails
        assert len(result.results) == len(examples)
    finally:
        emulator.stop()
