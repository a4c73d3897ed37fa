"""amiforge.imagebuilder.role_component against the emulator, and its document run for real.

The role packages tests/integration/roles/amiforge_marker (a role that writes a marker file) as a
component. The tests check that the document validates, that the S3 object holds the tarball with
the recorded sha256, that a re-run writes nothing and that a change of the role's content makes a
new component version.

The slow test then runs the document's build phase in a Debian root filesystem, the way AWSTOE
would on a build instance: parameters and constants substituted, each ExecuteBash step as a bash
script inside the chroot (under ``unshare --mount --pid --fork --mount-proc``, so its mounts and
processes vanish with it, with a clean environment), and the one S3Download step replaced by
fetching the object from the emulator's S3 into the same destination in the rootfs (the build
instance would fetch it from S3 with its instance profile). The rootfs comes from
tests/molecule/rootfs.sh; Ansible is installed in it by the document's own InstallAnsible step
(apt, ansible-core from Debian 12) once, and that rootfs is cached beside rootfs.sh's tarballs
(~/.cache/amiforge/rootfs/bookworm-<hash>-ansible-<hash of the step>.tar), so a warm run takes
the "already installed" branch and needs no network.
"""
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import ssl
import subprocess
import tarfile
import tempfile
import uuid

import pytest
import yaml

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import validate_document
from tests.conftest import ROOT
from tests.integration.conftest import ensure_bucket

FIXTURE_ROLE = os.path.join(ROOT, "tests", "integration", "roles", "amiforge_marker")
ROOTFS_SH = os.path.join(ROOT, "tests", "molecule", "rootfs.sh")
RELEASE = "bookworm"
AWSTOE_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")
CLEAN_ENV = ["/usr/bin/env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8"]


@pytest.fixture(scope="module")
def bucket(emulator):
    return ensure_bucket(emulator, "it-role-components")


def role_tasks(**variables):
    """Run the role, then show its result (the last task's ``role_component_result``)."""
    return [{"name": "role_component", "ansible.builtin.include_role": {"name": "amiforge.imagebuilder.role_component"}, "vars": variables},
            {"name": "result", "ansible.builtin.debug": {"var": "role_component_result"}}]


def task_result(result, name):
    """The result of the role's task whose name contains ``name``."""
    matches = [task["hosts"]["localhost"] for task in result.tasks if name in task["task"]["name"]]
    assert matches, "no task named %r in %s" % (name, [task["task"]["name"] for task in result.tasks])
    return matches[-1]


def s3_writes(calls):
    return [call["operation"] for call in calls if call.get("service") == "s3" and call["operation"].startswith(("Put", "Delete", "Create"))]


def fetch_object(emulator, s3_uri):
    bucket_name, _sep, key = s3_uri[len("s3://"):].partition("/")
    return emulator.client("s3").get_object(Bucket=bucket_name, Key=key)["Body"].read()


def component_document(emulator, arn):
    return emulator.client("imagebuilder").get_component(componentBuildVersionArn=arn)["component"]["data"]


def tarball_names(blob):
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
        return sorted(archive.getnames())


@pytest.fixture(scope="module")
def packaged(play, emulator, bucket):
    """The fixture role packaged once as a component (shared by the tests that only read it)."""
    name = "it-role-" + uuid.uuid4().hex[:8]
    result = play(role_tasks(role_component_role=FIXTURE_ROLE, role_component_name=name, role_component_bucket=bucket,
                             role_component_variables={"amiforge_marker_message": "from the component's default"}))
    return dict(name=name, result=result, info=result[-1]["role_component_result"])


def test_document_validates_and_s3_object_has_the_recorded_sha256(packaged, emulator, bucket):
    info = packaged["info"]
    assert info["changed"] is True and info["version"] == "1.0.0"
    assert info["arn"].endswith(":component/%s/1.0.0/1" % packaged["name"])
    assert re.fullmatch(r"[0-9a-f]{64}", info["sha256"])
    assert info["s3_uri"] == "s3://%s/role-components/%s/%s.tar.gz" % (bucket, packaged["name"], info["sha256"])

    blob = fetch_object(emulator, info["s3_uri"])
    assert hashlib.sha256(blob).hexdigest() == info["sha256"]
    head = emulator.client("s3").head_object(Bucket=bucket, Key=info["s3_uri"].split("/", 3)[3])
    assert head["Metadata"] == {"sha256": info["sha256"], "role": "amiforge_marker"}
    assert tarball_names(blob) == [
        "amiforge_marker", "amiforge_marker/defaults", "amiforge_marker/defaults/main.yml", "amiforge_marker/files",
        "amiforge_marker/files/shipped.txt", "amiforge_marker/meta", "amiforge_marker/meta/main.yml", "amiforge_marker/tasks",
        "amiforge_marker/tasks/main.yml", "amiforge_marker/templates", "amiforge_marker/templates/marker.j2", "playbook.yml"]
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
        members = archive.getmembers()
        assert {(member.uid, member.gid, member.mtime) for member in members} == {(0, 0, 0)}
        assert {member.mode for member in members if member.isfile()} == {0o644}
        playbook = yaml.safe_load(archive.extractfile("playbook.yml"))
    assert playbook[0]["roles"] == [{"role": "amiforge_marker"}] and playbook[0]["connection"] == "local"
    assert b"from the component's default" not in blob, "role variables must not be baked into the tarball"

    text = component_document(emulator, info["arn"])
    errors = [finding.to_dict() for finding in validate_document(text, platform="Linux", kind="component") if finding.severity != "info"]
    assert errors == []
    document = yaml.safe_load(text)
    assert [step["name"] for step in document["phases"][0]["steps"]] == ["InstallAnsible", "DownloadRole", "VerifyRole", "RunRole", "Cleanup"]
    assert document["phases"][0]["steps"][1]["inputs"][0]["source"] == info["s3_uri"]
    parameters = {name: spec for item in document["parameters"] for name, spec in item.items()}
    assert yaml.safe_load(parameters["RoleVariables"]["default"]) == {"amiforge_marker_message": "from the component's default"}
    assert info["sha256"] in document["phases"][0]["steps"][2]["inputs"]["commands"][0]


def test_rerun_is_unchanged_and_writes_nothing(packaged, play, writes, emulator, bucket):
    emulator.reset_calls()
    again = play(role_tasks(role_component_role=FIXTURE_ROLE, role_component_name=packaged["name"], role_component_bucket=bucket,
                            role_component_variables={"amiforge_marker_message": "from the component's default"}))
    calls = emulator.calls()
    assert not any(again.changed), [task["task"]["name"] for task, changed in zip(again.tasks, again.changed) if changed]
    assert again[-1]["role_component_result"]["arn"] == packaged["info"]["arn"]
    assert again[-1]["role_component_result"]["sha256"] == packaged["info"]["sha256"]
    assert writes() == [] and s3_writes(calls) == []


def test_one_component_serves_recipes_with_their_own_variables(packaged, play, emulator, linux_ami):
    info = packaged["info"]
    recipes = []
    for label, variables in (("web", '{"amiforge_marker_message": "web"}'), ("db", '{"amiforge_marker_message": "db"}')):
        name = "%s-%s" % (packaged["name"], label)
        recipes.append((name, variables))
    play([{"amiforge.imagebuilder.image_recipe": dict(name=name, parent_image=linux_ami, components=[
        dict(name=packaged["name"], version=info["version"], parameters=dict(RoleVariables=variables))])} for name, variables in recipes])
    client = emulator.client("imagebuilder")
    for name, variables in recipes:
        arn = info["arn"].replace(":component/%s/1.0.0/1" % packaged["name"], ":image-recipe/%s/1.0.0" % name)
        component = client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["components"][0]
        assert component["componentArn"] in (info["arn"], info["arn"].rsplit("/", 1)[0])
        assert component["parameters"] == [dict(name="RoleVariables", value=[variables])]


@pytest.mark.parametrize("role", ["ssh_hardening", "integrity_baseline"])
def test_role_by_collection_name_leaves_molecule_out(play, emulator, bucket, role):
    result = play(role_tasks(role_component_role="amiforge.imagebuilder." + role, role_component_bucket=bucket,
                             role_component_name="it-role-%s-%s" % (role.replace("_", "-"), uuid.uuid4().hex[:6])))
    names = tarball_names(fetch_object(emulator, result[-1]["role_component_result"]["s3_uri"]))
    assert "%s/tasks/main.yml" % role in names and "playbook.yml" in names
    assert not [name for name in names if "molecule" in name or name.startswith(".") or "/.rootfs" in name]


def test_missing_role_fails_before_any_write(play, writes, emulator, bucket):
    emulator.reset_calls()
    result = play(role_tasks(role_component_role="no_such_role_anywhere", role_component_bucket=bucket), expect_failure=True)
    failed = [item for item in result.results if item.get("failed")]
    assert failed and "no folder for 'no_such_role_anywhere'" in failed[0]["msg"]
    assert s3_writes(emulator.calls()) == [] and writes() == []


def test_role_content_change_makes_a_new_version(play, writes, emulator, bucket, tmp_path):
    role = tmp_path / "amiforge_marker"
    shutil.copytree(FIXTURE_ROLE, role)
    name = "it-role-" + uuid.uuid4().hex[:8]
    variables = dict(role_component_role=str(role), role_component_name=name, role_component_bucket=bucket)

    emulator.reset_calls()
    predicted = play(role_tasks(**variables), check=True)
    assert task_result(predicted, "Create the component")["changed"] is True
    assert s3_writes(emulator.calls()) == [] and writes() == []

    first = play(role_tasks(**variables))[-1]["role_component_result"]
    assert first["version"] == "1.0.0"
    # Same content with other mtimes and modes (another checkout, another umask): the same tarball.
    for path in role.rglob("*"):
        os.utime(path, (1, 1))
        path.chmod(0o775 if path.is_dir() else 0o664)
    emulator.reset_calls()
    same = play(role_tasks(**variables))[-1]["role_component_result"]
    assert (same["changed"], same["sha256"], same["version"]) == (False, first["sha256"], "1.0.0")
    assert s3_writes(emulator.calls()) == [] and writes() == []

    (role / "files" / "shipped.txt").write_text("a new release of the role\n")
    emulator.reset_calls()
    changed = play(role_tasks(**variables))[-1]["role_component_result"]
    assert changed["changed"] is True and changed["version"] == "1.0.1"
    assert changed["sha256"] != first["sha256"]
    assert s3_writes(emulator.calls()) == ["PutObject"] and writes() == ["CreateComponent"]
    assert b"a new release" in tarball_names_and_blob(emulator, changed["s3_uri"])
    assert hashlib.sha256(fetch_object(emulator, first["s3_uri"])).hexdigest() == first["sha256"], "the old version's tarball stays"
    assert changed["sha256"] in component_document(emulator, changed["arn"])

    # Other default variables: the same tarball (no upload), a new document and so the next version.
    emulator.reset_calls()
    revalued = play(role_tasks(role_component_variables={"amiforge_marker_message": "new default"}, **variables))[-1]["role_component_result"]
    assert (revalued["changed"], revalued["version"], revalued["sha256"]) == (True, "1.0.2", changed["sha256"])
    assert s3_writes(emulator.calls()) == [] and writes() == ["CreateComponent"]

    gone = play(role_tasks(role_component_role=str(role), role_component_name=name, role_component_state="absent"))
    assert gone[-1]["role_component_result"]["changed"] is True
    assert [gone[-1]["role_component_result"][key] for key in ("arn", "sha256", "s3_uri")] == [None, None, None]
    listed = emulator.client("imagebuilder").list_components(owner="Self", filters=[dict(name="name", values=[name])])
    assert listed["componentVersionList"] == []


def tarball_names_and_blob(emulator, s3_uri):
    with tarfile.open(fileobj=io.BytesIO(fetch_object(emulator, s3_uri)), mode="r:gz") as archive:
        return archive.extractfile("amiforge_marker/files/shipped.txt").read()


# The document, run for real --------------------------------------------------------------------------


def substitute(value, values):
    """AWSTOE's substitution of {{ Name }} references to parameters and constants, in every string of a step's inputs."""
    if isinstance(value, dict):
        return {key: substitute(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, values) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match):
        assert match.group(1) in values, "the document refers to %r, which it does not declare" % match.group(1)
        return values[match.group(1)]
    return AWSTOE_REFERENCE.sub(replace, value)


def declared_values(document, parameters):
    values = {}
    for kind, field in (("parameters", "default"), ("constants", "value")):
        for item in document.get(kind) or []:
            for name, spec in item.items():
                values[name] = str(spec.get(field, ""))
    values.update(parameters)
    return values


def run_bash_in_chroot(rootfs, script, timeout=600):
    """One ExecuteBash step: a bash script run as root inside the rootfs, isolated from the host. The script goes in
    as bash's argument, not as a file in the image: a file written after integrity_baseline's database would be a
    change in the image, and the next run would rebuild the database."""
    wrapper = ('set -e; root="$1"; shift; mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; '
               'exec chroot "$root" "$@"')
    return subprocess.run(
        ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc", "--uts", "sh", "-c", wrapper, "sh", rootfs]
        + CLEAN_ENV + ["/bin/bash", "-c", script, "awstoe-step"],
        capture_output=True, text=True, timeout=timeout, check=False)


def build_steps(document, parameters):
    values = declared_values(document, parameters)
    phase = [phase for phase in document["phases"] if phase["name"] == "build"][0]
    return [(step["name"], step["action"], substitute(step["inputs"], values)) for step in phase["steps"]]


def rootfs_with_ansible(dest, install_script, cache_key, extra=None):
    """A bookworm rootfs in ``dest`` in which the document's InstallAnsible step has run, cached per
    ``cache_key`` (the step as written, before the work folder, which differs per component, is filled in).
    ``extra``: rootfs.sh's second package list (e.g. "enhanced"), in the base rootfs and its cache key."""
    extra_args = [extra] if extra else []
    base = subprocess.run([ROOTFS_SH, RELEASE, "--cache-only"] + extra_args, capture_output=True, text=True, check=True).stdout.strip()
    cached = "%s-ansible-%s.tar" % (base[:-len(".tar")], hashlib.sha256(cache_key.encode()).hexdigest()[:12])
    if not os.path.exists(cached):
        with open(cached + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.exists(cached):
                build = tempfile.mkdtemp(prefix="build-ansible-", dir=os.path.dirname(cached))
                try:
                    root = os.path.join(build, "root")
                    subprocess.run([ROOTFS_SH, RELEASE, root] + extra_args, capture_output=True, check=True)
                    shutil.copy("/etc/resolv.conf", os.path.join(root, "etc", "resolv.conf"))  # apt needs the network once
                    installed = run_bash_in_chroot(root, install_script)
                    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
                    assert "Ansible is already installed" not in installed.stdout
                    work = re.search(r"work='([^']+)'", install_script).group(1)
                    with open(os.path.join(root, work.lstrip("/"), "installed-by")) as handle:
                        assert handle.read().strip() == "apt ansible-core", "Debian 12 gets Ansible from apt"
                    shutil.rmtree(os.path.join(root, work.lstrip("/")))
                    cleaned = run_bash_in_chroot(root, "apt-get clean && rm -rf /var/lib/apt/lists/* && rm -f /etc/resolv.conf\n")
                    assert cleaned.returncode == 0, cleaned.stderr
                    subprocess.run(["tar", "--numeric-owner", "--xattrs", "-cf", os.path.join(build, "rootfs.tar"), "-C", root, "."], check=True)
                    os.rename(os.path.join(build, "rootfs.tar"), cached)
                finally:
                    shutil.rmtree(build, ignore_errors=True)
    os.makedirs(dest)
    subprocess.run(["tar", "--numeric-owner", "--xattrs", "-xpf", cached, "-C", dest], check=True)
    return dest


@pytest.fixture
def rootfs_dir():
    if shutil.which("debootstrap") is None or shutil.which("unshare") is None:
        pytest.skip("needs debootstrap and unshare (make test installs them through tools/setup-system)")
    if os.geteuid() != 0:
        pytest.skip("needs root for chroot and unshare --mount")
    folder = tempfile.mkdtemp(prefix="role-component-rootfs-")
    yield os.path.join(folder, "root")
    shutil.rmtree(folder, ignore_errors=True)  # the step mounts lived in their own namespace; nothing of the host is below


def without_minimum(script):
    """The InstallAnsible step without the role's min_ansible_version: the image gets the distribution's Ansible
    whatever the role needs, so one cached image serves every role."""
    return re.sub(r"^minimum=.*$", "minimum=''", script, count=1, flags=re.M)


def image_with_ansible(emulator, arn, rootfs_dir, extra=None):
    """The bookworm rootfs (cached, with rootfs.sh's ``extra`` package list) in which the InstallAnsible step of the
    component ARN's document has run, unpacked in ``rootfs_dir``."""
    document = yaml.safe_load(component_document(emulator, arn))
    install_script = [inputs["commands"][0] for name, _action, inputs in build_steps(document, {}) if name == "InstallAnsible"][0]
    as_written = [step for step in document["phases"][0]["steps"] if step["name"] == "InstallAnsible"][0]["inputs"]["commands"][0]
    return rootfs_with_ansible(rootfs_dir, without_minimum(install_script), without_minimum(as_written), extra)


def run_build_steps(emulator, arn, role_variables, root):
    """Runs the build phase of the component ARN in the image ``root``, as AWSTOE would; every step must succeed.
    Returns the work folder and each step's stdout."""
    steps = build_steps(yaml.safe_load(component_document(emulator, arn)), {"RoleVariables": role_variables})
    work, outputs = None, {}
    for name, action, inputs in steps:
        if action == "S3Download":
            for item in inputs:  # stands in for the S3 download the build instance makes
                target = os.path.join(root, item["destination"].lstrip("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(fetch_object(emulator, item["source"]))
                work = os.path.dirname(target)
            continue
        assert action == "ExecuteBash", "the document has a step this test cannot run: %s" % action
        completed = run_bash_in_chroot(root, "\n".join(inputs["commands"]))
        assert completed.returncode == 0, "step %s failed:\n%s\n%s" % (name, completed.stdout[-4000:], completed.stderr[-4000:])
        outputs[name] = completed.stdout
    return work, steps, outputs


def run_build_phase(emulator, arn, role_variables, rootfs_dir, prepare=None):
    """Runs the build phase of the component ARN in a bookworm rootfs with Ansible (cached), as AWSTOE would.
    prepare(root) runs before the first step. Returns the rootfs, the work folder and each step's stdout."""
    root = image_with_ansible(emulator, arn, rootfs_dir)
    if prepare:
        prepare(root)
    return (root,) + run_build_steps(emulator, arn, role_variables, root)


@pytest.mark.slow
def test_document_applies_the_role_in_a_debian_rootfs(packaged, emulator, rootfs_dir):
    """Needs root, debootstrap and unshare; the first run builds and caches the rootfs (debootstrap, then
    apt installs ansible-core from the Debian archive, a few minutes); warm, about 30 s."""
    # A recipe overrides the role's variables through the component parameter; nothing is rebuilt.
    root, work, steps, outputs = run_build_phase(emulator, packaged["info"]["arn"], '{"amiforge_marker_message": "from the recipe"}',
                                                 rootfs_dir)
    for name, stdout in outputs.items():
        if name == "InstallAnsible":
            assert "Ansible is already installed: /usr/bin/ansible-playbook" in stdout
        if name == "VerifyRole":
            assert "role.tar.gz: OK" in stdout
        if name == "RunRole":
            assert re.search(r"localhost\s+: ok=\d+\s+changed=2 ", stdout), stdout[-2000:]

    with open(os.path.join(root, "etc", "amiforge-marker")) as handle:
        assert handle.read() == "from the recipe\n"
    with open(os.path.join(root, "etc", "amiforge-marker.shipped")) as handle:
        assert handle.read() == "shipped with the role\n"
    assert work is not None and not os.path.exists(work), "Cleanup removes the work folder"
    assert os.path.exists(os.path.join(root, "usr", "bin", "ansible-playbook")), "Ansible was there before; Cleanup keeps it"

    # Where InstallAnsible installed ansible-core with apt (as when this rootfs was cached), Cleanup purges it.
    os.makedirs(work)
    with open(os.path.join(work, "installed-by"), "w") as handle:
        handle.write("apt ansible-core\n")
    cleanup = [inputs for name, action, inputs in steps if name == "Cleanup"][0]
    completed = run_bash_in_chroot(root, "\n".join(cleanup["commands"]))
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert not os.path.exists(os.path.join(root, "usr", "bin", "ansible-playbook")) and not os.path.exists(work)


@pytest.mark.slow
def test_image_cleanup_as_a_component_empties_tmp_but_not_its_own_work_folder(play, emulator, bucket, rootfs_dir):
    """image_cleanup empties /tmp and /var/tmp, where the component's work folder (/var/tmp/amiforge-NAME) holds the
    playbook it runs, the role and Ansible's temporary files: the role keeps that folder (the Cleanup step removes it
    after), and every step of the build phase succeeds."""
    name = "ic-" + uuid.uuid4().hex[:8]
    result = play(role_tasks(role_component_role="amiforge.imagebuilder.image_cleanup", role_component_name=name,
                             role_component_bucket=bucket))[-1]["role_component_result"]

    def leave_build_traces(root):
        for path in ("tmp/build-leftover", "var/tmp/build-leftover/file"):
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as handle:
                handle.write("left by the build\n")

    root, work, _steps, outputs = run_build_phase(emulator, result["arn"], '{"image_cleanup_image_build_mode": true}', rootfs_dir,
                                                  prepare=leave_build_traces)
    assert work.startswith(os.path.join(root, "var", "tmp", "amiforge-"))
    assert re.search(r"localhost\s+: ok=\d+\s+changed=[1-9]\d* .*failed=0", outputs["RunRole"]), outputs["RunRole"][-3000:]
    assert not os.path.exists(os.path.join(root, "tmp", "build-leftover"))
    assert not os.path.exists(os.path.join(root, "var", "tmp", "build-leftover"))
    assert not os.path.exists(work), "Cleanup removes the work folder"


# The hardening roles at the enhanced level, in a recipe's order (integrity_baseline last), with what each needs to
# know it hardens an image: a chroot has no running service manager (on a build instance the roles would enable
# units with systemctl instead of links). AIDE comes with os_hardening's packages, as in the enhanced scenarios.
HARDENING_COMPONENTS = (
    ("os_hardening", {"os_hardening_level": "enhanced", "os_hardening_packages_extra": ["aide", "aide-common"],
                      "os_hardening_image_build_mode": True}),
    ("ssh_hardening", {"ssh_hardening_image_build_mode": True}),
    ("image_cleanup", {"image_cleanup_image_build_mode": True}),
    ("integrity_baseline", {"integrity_baseline_image_build_mode": True}),
)


@pytest.mark.slow
def test_the_hardening_roles_as_components_harden_a_debian_12_image_with_its_packaged_ansible(play, emulator, bucket, rootfs_dir):
    """The four hardening roles, each packaged by role_component, run by their documents' build phases one after the
    other in one Debian 12 image (the enhanced rootfs: its packages installed, no network needed) with the ansible-core
    Debian 12 packages, 2.14, which the InstallAnsible step installs there and which the roles declare as their minimum:
    every step succeeds, the image carries the hardening, and a second build of each component changes nothing."""
    suffix = uuid.uuid4().hex[:8]
    arns = {role: play(role_tasks(role_component_role="amiforge.imagebuilder." + role, role_component_name="hc-%s-%s" % (role, suffix),
                                  role_component_bucket=bucket))[-1]["role_component_result"]["arn"]
            for role, _variables in HARDENING_COMPONENTS}
    root = image_with_ansible(emulator, arns["os_hardening"], rootfs_dir, extra="enhanced")
    version = run_bash_in_chroot(root, "ansible-playbook --version")
    assert re.search(r"core 2\.14\.", version.stdout), version.stdout

    for build in ("first", "second"):
        for role, variables in HARDENING_COMPONENTS:
            _work, _steps, outputs = run_build_steps(emulator, arns[role], json.dumps(variables), root)
            recap = re.search(r"localhost\s+: ok=\d+\s+changed=(\d+) .*failed=0", outputs["RunRole"])
            assert recap, "%s, %s build:\n%s" % (role, build, outputs["RunRole"][-3000:])
            if build == "second":
                changed = re.findall(r"^changed: .*$|^TASK \[.*$", outputs["RunRole"], re.M)
                assert recap.group(1) == "0", "%s changes again: %s" % (
                    role, [task for task, then in zip(changed, changed[1:]) if task.startswith("TASK") and then.startswith("changed")])

    def image_file(path):
        with open(os.path.join(root, path.lstrip("/"))) as handle:
            return handle.read()
    assert "minlen = 15" in image_file("/etc/security/pwquality.conf").splitlines()
    assert "PASS_MAX_DAYS\t90" in image_file("/etc/login.defs").splitlines()
    assert image_file("/etc/audit/rules.d/90-amiforge-hardening.rules").rstrip().splitlines()[-1] == "-e 2"
    assert re.search(r"^PermitRootLogin no$", image_file("/etc/ssh/sshd_config"), re.M)
    assert image_file("/etc/machine-id") == ""
    assert os.path.getsize(os.path.join(root, "var", "lib", "aide", "aide.db")) > 0
    assert not [name for name in os.listdir(os.path.join(root, "var", "tmp")) if name.startswith("amiforge-")], "Cleanup removes every work folder"


def lend_network(root):
    """The host's DNS and CA bundle (and its package index, if one is set) for a step that downloads: the test image
    has no ca-certificates, and the host may reach PyPI through a proxy with a CA of its own."""
    shutil.copy("/etc/resolv.conf", os.path.join(root, "etc", "resolv.conf"))
    settings = ["[global]"]
    bundle = os.environ.get("PIP_CERT") or ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt"
    if os.path.isfile(bundle):
        shutil.copy(bundle, os.path.join(root, "etc", "amiforge-test-ca.crt"))
        settings.append("cert = /etc/amiforge-test-ca.crt")
    if os.environ.get("PIP_INDEX_URL", "").startswith(("http://", "https://")):
        settings.append("index-url = " + os.environ["PIP_INDEX_URL"])
    with open(os.path.join(root, "etc", "pip.conf"), "w") as handle:
        handle.write("\n".join(settings) + "\n")


@pytest.mark.slow
def test_a_role_that_needs_a_newer_ansible_than_the_image_gets_it_with_pip(play, emulator, bucket, rootfs_dir, tmp_path):
    """Debian 12 has ansible-core 2.14; the fixture role declaring min_ansible_version 2.15 gets ansible-core from pip in
    the work folder's virtualenv (python3-venv from apt first: Debian ships it apart), runs on it, and Cleanup purges what
    the step installed and keeps the Ansible the image had. Needs the Debian archive and PyPI (about a minute)."""
    role = tmp_path / "amiforge_marker"
    shutil.copytree(FIXTURE_ROLE, role)
    meta = role / "meta" / "main.yml"
    meta.write_text(meta.read_text().replace('min_ansible_version: "2.14"', "min_ansible_version: 2.15"))
    result = play(role_tasks(role_component_role=str(role), role_component_name="it-role-" + uuid.uuid4().hex[:8],
                             role_component_bucket=bucket))[-1]["role_component_result"]
    root = image_with_ansible(emulator, result["arn"], rootfs_dir)
    lend_network(root)
    work, _steps, outputs = run_build_steps(emulator, result["arn"], '{"amiforge_marker_message": "run by the newer Ansible"}', root)

    install = outputs["InstallAnsible"]
    assert re.search(r"^Ansible 2\.14\.\d+ \(/usr/bin/ansible-playbook\) is older than the role's min_ansible_version 2\.15: ", install, re.M), install
    pip_version = re.search(r"^Ansible (\d+)\.(\d+)\S* installed with pip in ", install, re.M)
    assert pip_version and (int(pip_version.group(1)), int(pip_version.group(2))) >= (2, 15), install[-3000:]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=2 ", outputs["RunRole"]), outputs["RunRole"][-2000:]
    with open(os.path.join(root, "etc", "amiforge-marker")) as handle:
        assert handle.read() == "run by the newer Ansible\n"
    assert work is not None and not os.path.exists(work), "Cleanup removes the work folder, and the virtualenv in it"
    venv = run_bash_in_chroot(root, "dpkg-query -W -f '${Status}' python3-venv 2>/dev/null || true")
    assert "ok installed" not in venv.stdout, "Cleanup purges the python3-venv the step installed (RemoveAnsible is true)"
    assert os.path.exists(os.path.join(root, "usr", "bin", "ansible-playbook")), "the image's own Ansible stays"


def test_a_tampered_tarball_stops_the_build(packaged, emulator, tmp_path):
    """VerifyRole is the guard: a tarball with other bytes fails the step (run on the host, in a scratch folder)."""
    document = yaml.safe_load(component_document(emulator, packaged["info"]["arn"]))
    work = str(tmp_path / "work")
    steps = {name: inputs for name, action, inputs in build_steps(document, {"WorkDir": work})}
    os.makedirs(work)
    verify = "\n".join(steps["VerifyRole"]["commands"])
    with open(os.path.join(work, "role.tar.gz"), "wb") as handle:
        handle.write(fetch_object(emulator, packaged["info"]["s3_uri"]))
    assert subprocess.run(["bash", "-c", verify], capture_output=True, check=False).returncode == 0
    with open(os.path.join(work, "role.tar.gz"), "ab") as handle:
        handle.write(b"tampered")
    failed = subprocess.run(["bash", "-c", verify], capture_output=True, text=True, check=False)
    assert failed.returncode != 0 and "FAILED" in failed.stdout
