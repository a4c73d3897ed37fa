"""Secrets stay secret: a stack with a role component whose variables hold a secret, run by ansible-playbook -vvv
--diff with a session token, twice (a converge, then a change of the secret, which makes a new component version and
a diff). Neither secret (the new one, nor the old one the diff shows replaced), nor the session token, nor the secret
access key appears anywhere in the output, nor in the emulator's call log. The secret is still baked into the component
(that is what the user asked for). The same for a recipe's user data."""
import base64
import json
import os
import subprocess
import sys
import uuid

import pytest
import yaml

from tests.conftest import COLLECTIONS, ROOT
from tests.integration.conftest import ensure_bucket
from tests.integration.test_stack_role import FIXTURE_ROLE

SECRET_KEY = "emulator-secret-key-" + uuid.uuid4().hex
SESSION_TOKEN = "session-token-" + uuid.uuid4().hex


@pytest.fixture
def prefix():
    return "se-" + uuid.uuid4().hex[:8]


def run(emulator, playbook, extra_vars):
    env = dict(os.environ, **emulator.env)
    env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="default",
               AWS_ACCESS_KEY_ID="AKIAEMULATOREXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_SESSION_TOKEN=SESSION_TOKEN)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv", "--diff", playbook, "-e", json.dumps(extra_vars)]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    return completed.stdout + completed.stderr


def test_no_secret_in_a_verbose_run_nor_in_the_call_log(emulator, tmp_path, prefix, linux_ami, instance_profile):
    bucket = ensure_bucket(emulator, "it-secrets-artifacts")
    playbook = tmp_path / "site.yml"
    playbook.write_text(yaml.safe_dump([dict(name="Stack", hosts="localhost", gather_facts=False, tasks=[
        {"name": "Run the stack role", "ansible.builtin.include_role": {"name": "amiforge.imagebuilder.stack"}},
    ])], sort_keys=False))
    secrets = ["db-password-" + uuid.uuid4().hex, "db-password-" + uuid.uuid4().hex]
    emulator.reset_calls()
    outputs = []
    for secret in secrets:
        stack = dict(name=prefix + "-stack", parent_image=linux_ami, instance_profile_name=instance_profile,
                     components=[dict(name=prefix + "-role", role=FIXTURE_ROLE,
                                      variables=dict(amiforge_marker_message="hello", db_password=secret))])
        outputs.append(run(emulator, str(playbook), dict(stack_definition=stack, stack_artifacts_bucket=bucket)))
        (tmp_path / ("run%d.log" % len(outputs))).write_text(outputs[-1])  # to read when a secret shows
    calls = json.dumps(emulator.calls())
    shown = [(secrets[1], outputs[1]), (secrets[0], outputs[1]), (SECRET_KEY, outputs[0]), (SECRET_KEY, outputs[1]), (SESSION_TOKEN, outputs[0]),
             (SESSION_TOKEN, outputs[1]), (secrets[0], outputs[0])]
    for value, output in shown:
        assert value not in output, "a run printed a secret: ...%s..." % output[max(0, output.index(value) - 1500):output.index(value) + 200]
    for value in secrets + [SECRET_KEY, SESSION_TOKEN]:
        assert value not in calls
    assert any('"session_token": true' in json.dumps(call) for call in emulator.calls()), "the session token was sent"
    assert "db_password" in outputs[1], "the run shows the variable's name, only its value is hidden"
    ib = emulator.client("imagebuilder")
    arn = "arn:aws:imagebuilder:us-east-1:123456789012:component/%s-role/1.0.1/1" % prefix
    assert secrets[1] in ib.get_component(componentBuildVersionArn=arn)["component"]["data"], "the secret is baked in as asked"


def test_user_data_shows_nowhere_not_even_the_replaced_one(emulator, tmp_path, prefix, linux_ami):
    user_data = [base64.b64encode(("#!/bin/bash\necho %s\n" % uuid.uuid4().hex).encode()).decode() for _unused in range(2)]
    playbook = tmp_path / "recipe.yml"
    outputs = []
    for value in user_data:
        playbook.write_text(yaml.safe_dump([dict(name="Recipe", hosts="localhost", gather_facts=False, tasks=[
            {"name": "A recipe with user data", "amiforge.imagebuilder.image_recipe": dict(
                name=prefix + "-recipe", parent_image=linux_ami, components=[dict(name="update-linux")], user_data_override=value)},
        ])], sort_keys=False))
        outputs.append(run(emulator, str(playbook), {}))
    assert "user_data_override" in outputs[1] and "changed=1" in outputs[1], outputs[1][-3000:]
    for value in user_data:
        for output in outputs:
            assert value not in output, "a run printed user data: ...%s..." % output[max(0, output.index(value) - 1500):output.index(value) + 200]
    recipe = emulator.client("imagebuilder").get_image_recipe(
        imageRecipeArn="arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/%s-recipe/1.0.1" % prefix)["imageRecipe"]
    assert recipe["additionalInstanceConfiguration"]["userDataOverride"] == user_data[1]
