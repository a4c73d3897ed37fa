"""Small builders shared by the integration tests."""


def document(message="hello", parameters=()):
    """A valid Linux component document that echoes ``message`` and declares ``parameters`` (names)."""
    result = dict(name="doc", schemaVersion=1.0, phases=[dict(name="build", steps=[
        dict(name="Say", action="ExecuteBash", inputs=dict(commands=["echo %s" % message]))])])
    if parameters:
        result["parameters"] = [{name: dict(type="string", default="unset", description="parameter %s" % name)} for name in parameters]
    return result


def task(module, register=None, **options):
    """A task of one of our modules."""
    entry = {"amiforge.imagebuilder.%s" % module: options}
    if register:
        entry["register"] = register
    return entry


def component_task(name, **options):
    options.setdefault("data", document())
    return {"name": "component", "amiforge.imagebuilder.component": dict(name=name, **options), "register": "out"}


def merged(base, **changes):
    """``base`` with ``changes`` applied (a copy)."""
    result = dict(base)
    result.update(changes)
    return result


def versions_in_emulator(emulator, name):
    """The versions of component ``name`` the emulator holds, sorted (listed with the AWS-mode lag lifted)."""
    from tests.integration.conftest import lists_visible

    with lists_visible(emulator):
        listed = emulator.client("imagebuilder").list_components(owner="Self", filters=[dict(name="name", values=[name])])
    return sorted(item["arn"].rsplit("/", 1)[1] for item in listed["componentVersionList"])
