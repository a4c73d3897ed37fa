"""The same life for every resource module: check mode, create, re-run, update, tags, delete,
delete again, each step proven by the emulator's call log."""
import uuid

import pytest

from tests.integration.helpers import document, task

BUILD_DATE = "{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"  # Image Builder's variable, escaped from Jinja


def scenarios(prefix, ami, profile):
    """module → (options to create, options that change it, the write that change takes)."""
    return {
        "component": (dict(data=document("one")), dict(data=document("two")), "CreateComponent"),
        "image_recipe": (dict(parent_image=ami, components=[dict(name=prefix + "-dep")]),
                         dict(parent_image=ami, components=[dict(name=prefix + "-dep")], working_directory="/var/tmp"), "CreateImageRecipe"),
        "infrastructure_configuration": (dict(instance_profile_name=profile), dict(instance_profile_name=profile, instance_types=["m5.large"]),
                                         "UpdateInfrastructureConfiguration"),
        "distribution_configuration": (dict(distributions=[dict(region="us-east-1", ami_distribution_configuration=dict(name="a-" + BUILD_DATE))]),
                                       dict(distributions=[dict(region="eu-west-1", ami_distribution_configuration=dict(name="b-" + BUILD_DATE))]),
                                       "UpdateDistributionConfiguration"),
        "image_pipeline": (dict(image_recipe=prefix + "-deprecipe", infrastructure_configuration=prefix + "-depinfra"),
                           dict(image_recipe=prefix + "-deprecipe", infrastructure_configuration=prefix + "-depinfra", description="changed"),
                           "UpdateImagePipeline"),
    }


DELETES = dict(component="DeleteComponent", image_recipe="DeleteImageRecipe", infrastructure_configuration="DeleteInfrastructureConfiguration",
               distribution_configuration="DeleteDistributionConfiguration", image_pipeline="DeleteImagePipeline")


@pytest.mark.parametrize("module", sorted(DELETES))
def test_resource_life(play, writes, emulator, module, linux_ami, instance_profile):
    prefix = "lf-" + uuid.uuid4().hex[:8]
    create, change, change_write = scenarios(prefix, linux_ami, instance_profile)[module]
    name = prefix + "-" + module.replace("_", "-")
    play([task("component", name=prefix + "-dep", data=document()),
          task("image_recipe", name=prefix + "-deprecipe", parent_image=linux_ami, components=[dict(name=prefix + "-dep")]),
          task("infrastructure_configuration", name=prefix + "-depinfra", instance_profile_name=instance_profile)])
    writes()

    predicted = play([task(module, name=name, tags=dict(stage="one"), **create)], check=True)
    assert predicted[0]["changed"] and writes() == []

    created = play([task(module, name=name, tags=dict(stage="one"), **create)], diff=True)
    assert created[0]["changed"] and created[0]["diff"]["before"] == {} and created[0]["diff"]["after"]["name"] == name
    assert writes() == ["Create" + DELETES[module][len("Delete"):]]
    assert created[0]["arn"] and created[0][module]["tags"] == {"stage": "one"}

    rerun = play([task(module, name=name, tags=dict(stage="one"), **create)])
    assert rerun[0]["changed"] is False and writes() == []

    predicted_change = play([task(module, name=name, tags=dict(stage="one"), **change)], check=True, diff=True)
    assert predicted_change[0]["changed"] and writes() == []
    assert predicted_change[0]["diff"]["before"] != predicted_change[0]["diff"]["after"]

    changed = play([task(module, name=name, tags=dict(stage="one"), **change)])
    assert changed[0]["changed"] and writes() == [change_write]

    retagged = play([task(module, name=name, tags=dict(stage="two", owner="platform"), **change)])
    assert retagged[0]["changed"] and writes() == ["TagResource"]
    kept = play([task(module, name=name, tags=dict(extra="x"), purge_tags=False, **change)])
    assert kept[0]["changed"] and writes() == ["TagResource"]
    tags = emulator.client("imagebuilder").list_tags_for_resource(resourceArn=kept[0]["arn"])["tags"]
    assert tags == {"stage": "two", "owner": "platform", "extra": "x"}

    predicted_delete = play([task(module, name=name, state="absent")], check=True)
    assert predicted_delete[0]["changed"] and writes() == []
    deleted = play([task(module, name=name, state="absent")])
    assert deleted[0]["changed"] and set(writes()) == {DELETES[module]}
    again = play([task(module, name=name, state="absent")])
    assert again[0]["changed"] is False and writes() == []
