"""The demo's view of the emulated account, through the AWS APIs: ``python tools/observe.py URL`` reads commands on
stdin, one per line, and answers each with lines starting with "demo:" and then a line holding only ".":

  writes    the calls of every service the emulator saw since the last time, how many of them wrote, which
  account   what the account holds: Image Builder resources, IAM roles and instance profiles, S3 buckets, and
            per region AMIs, launch templates and SSM parameters

One process for the whole demo: boto3 is imported and each service's model parsed once, while the emulator starts.
"""
import json
import sys
import urllib.request

import boto3

REGIONS = ("us-east-1", "eu-west-1", "eu-central-1")
READS = ("Get", "List", "Describe", "Head", "GET ", "HEAD ")


class Observer:
    def __init__(self, url):
        self.url = url
        session = boto3.session.Session()
        self.clients = {}
        for service in ("imagebuilder", "iam", "s3"):
            self.clients[service, None] = session.client(service, endpoint_url=url, region_name=REGIONS[0])
        for region in REGIONS:
            for service in ("ec2", "ssm"):
                self.clients[service, region] = session.client(service, endpoint_url=url, region_name=region)

    def admin(self, path, method="GET", body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + "/_amiforge/" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def writes(self):
        calls = self.admin("calls")
        self.admin("calls", method="DELETE")
        writes = ["%s:%s" % (c["service"], c["operation"]) for c in calls
                  if not str(c["operation"]).startswith(READS) and int(c["status"]) < 300]
        counted = {}
        for write in writes:
            counted[write] = counted.get(write, 0) + 1
        listed = ", ".join("%s%s" % (write, " x%d" % count if count > 1 else "") for write, count in sorted(counted.items()))
        return ["demo: %d call(s), %d of them write(s)%s" % (len(calls), len(writes), (": " + listed) if writes else "")]

    def account(self):
        self.admin("settings", method="POST", body={"list_lag_seconds": 0})  # list everything (as AWS does after two minutes)
        try:
            ib = self.clients["imagebuilder", None]
            found = {
                "Image Builder components": [c["arn"].split("/", 1)[1] for c in ib.list_components(owner="Self")["componentVersionList"]],
                "Image Builder recipes": [r["arn"].split("/", 1)[1] for r in ib.list_image_recipes(owner="Self")["imageRecipeSummaryList"]],
                "Image Builder pipelines": [p["name"] for p in ib.list_image_pipelines()["imagePipelineList"]],
                "Image Builder images": [i["arn"].split("/", 1)[1] for i in ib.list_images(owner="Self")["imageVersionList"]],
            }
        finally:
            self.admin("settings", method="POST", body={"list_lag_seconds": 100000})
        iam = self.clients["iam", None]
        found["IAM roles"] = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        found["IAM instance profiles"] = [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]]
        found["S3 buckets"] = [b["Name"] for b in self.clients["s3", None].list_buckets()["Buckets"]]
        for region in REGIONS:
            ec2, ssm = self.clients["ec2", region], self.clients["ssm", region]
            found["AMIs in " + region] = ["%s %s" % (i["ImageId"], i["Name"]) for i in ec2.describe_images(Owners=["self"])["Images"]]
            found["launch templates in " + region] = [
                "%s (latest version %d)" % (t["LaunchTemplateName"], t["LatestVersionNumber"])
                for t in ec2.describe_launch_templates()["LaunchTemplates"]]
            found["SSM parameters in " + region] = [  # ours: AWS's public /aws/service/... parameters left out
                "%s = %s" % (p["Name"], ssm.get_parameter(Name=p["Name"])["Parameter"]["Value"])
                for page in ssm.get_paginator("describe_parameters").paginate() for p in page["Parameters"]
                if not p["Name"].startswith("/aws/")]
        lines = ["demo:   %s: %s" % (what, ", ".join(sorted(items))) for what, items in found.items() if items]
        return lines or ["demo:   nothing: the account is empty"]


def main():
    observer = Observer(sys.argv[1])
    for command in sys.stdin:
        command = command.strip()
        if command in ("writes", "account"):
            lines = getattr(observer, command)()
        else:
            lines = ["demo: observe.py knows writes and account, not %r" % command]
        print("\n".join(lines + ["."]), flush=True)


if __name__ == "__main__":
    main()
