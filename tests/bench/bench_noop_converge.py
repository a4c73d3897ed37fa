"""Issue 4's benchmark: a no-op converge of a whole stack (3 components, recipe, infrastructure,
distribution to 3 regions, pipeline) against the emulator.

Targets: at most 2 Image Builder read calls per resource on average, no write call, and a wall
time at most 1.5 times that of the same number of amazon.aws.aws_caller_info runs in the same
playbook run. Prints the numbers and exits 1 when a target is missed.
"""
import datetime
import json
import os
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
RESOURCES = 7  # 3 components, recipe, infrastructure, distribution, pipeline
MODULE_RUNS = 7


def start_emulator():
    # AWS mode: List* never shows the stack, so the figures are those of reads that do not depend on it.
    env = dict(os.environ, AMIFORGE_EMULATOR_LIST_LAG_SECONDS="100000")
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    banner = process.stdout.readline()
    if not banner.startswith("emulator: "):
        process.kill()
        sys.exit("the emulator did not start")
    return process, banner.split(" ", 1)[1].strip()


def calls(url, reset=True):
    with urllib.request.urlopen(url + "/_amiforge/calls") as response:
        log = json.load(response)
    if reset:
        urllib.request.urlopen(urllib.request.Request(url + "/_amiforge/calls", method="DELETE")).close()
    return [call for call in log if call["service"] == "imagebuilder"]


def run(env, playbook, *extra):
    completed = subprocess.run([os.path.join(BIN, "ansible-playbook"), playbook, "-e", "@tests/bench/stack-vars.yml",
                                "-e", "baseline_runs=%d" % MODULE_RUNS] + list(extra),
                               cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.exit("ansible-playbook failed:\n%s\n%s" % (completed.stdout[-3000:], completed.stderr[-3000:]))
    return json.loads(completed.stdout[completed.stdout.index("{"):])


def seconds(task):
    duration = task["task"]["duration"]
    parse = datetime.datetime.fromisoformat
    return (parse(duration["end"].replace("Z", "+00:00")) - parse(duration["start"].replace("Z", "+00:00"))).total_seconds()


def main():
    process, url = start_emulator()
    try:
        import boto3

        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
        iam.create_role(RoleName="bench-imagebuilder", AssumeRolePolicyDocument="{}")
        iam.create_instance_profile(InstanceProfileName="bench-imagebuilder")
        env = dict(os.environ, AWS_URL=url, AWS_ACCESS_KEY_ID="AKIABENCHEXAMPLE", AWS_SECRET_ACCESS_KEY="bench-secret-key",
                   AWS_REGION="us-east-1", ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
                   ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCALHOST_WARNING="false",
                   ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
        run(env, "playbooks/stack.yml")
        calls(url)
        report = run(env, "tests/bench/noop-converge.yml")
        log = calls(url)
    finally:
        process.terminate()
        process.wait(timeout=10)

    tasks = [task for play in report["plays"] for task in play["tasks"]]
    ours = sum(seconds(task) for task in tasks if task["task"]["name"].split(" : ", 1)[-1].startswith("Converge the"))
    baseline = sum(seconds(task) for task in tasks if task["task"]["name"] == "Caller identity (baseline)")
    reads = [call["operation"] for call in log if call["operation"].startswith(("Get", "List"))]
    writes = [call["operation"] for call in log if not call["operation"].startswith(("Get", "List"))]
    changed = [task["task"]["name"] for task in tasks if task["hosts"]["localhost"].get("changed")]
    ratio = ours / baseline if baseline else float("inf")
    print("no-op converge of %d resources: %d Image Builder reads (%.2f per resource), %d writes, changed tasks: %s"
          % (RESOURCES, len(reads), len(reads) / RESOURCES, len(writes), changed or "none"))
    print("reads: %s" % ", ".join("%s x%d" % (name, reads.count(name)) for name in sorted(set(reads))))
    print("wall time: stack %.2f s for %d module runs, aws_caller_info %.2f s for as many: ratio %.2f" % (ours, MODULE_RUNS, baseline, ratio))
    failures = []
    if len(reads) > 2 * RESOURCES:
        failures.append("more than 2 read calls per resource")
    if writes or changed:
        failures.append("a no-op converge wrote or reported changes")
    if ratio > 1.5:
        failures.append("slower than 1.5x the aws_caller_info baseline")
    print("targets: %s" % ("met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
