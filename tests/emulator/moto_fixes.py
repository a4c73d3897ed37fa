"""Where moto (pinned in requirements-dev.txt) answers differently from AWS in a way the amazon.aws modules trip
over, the emulator corrects it here; each fix names its AWS source. The fixes are EC2's, and importing moto's EC2
takes a second or two, so the server applies them before it passes on the first EC2 request (``apply(service)``),
not at start.
"""
import threading

APPLIED = []
LOCK = threading.Lock()


def create_launch_template(self):
    """CreateLaunchTemplate that keeps the request's ``TagSpecifications`` (the launch template's own tags) out of
    the version's ``LaunchTemplateData``.

    AWS: ``TagSpecifications`` "The tags to apply to the launch template on creation"; the data's own
    ``TagSpecifications`` are "the tags to apply to resources that are created during instance launch"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RequestLaunchTemplateData.html).
    moto 5.2.5 appends the former to the latter, so amazon.aws.ec2_launch_template with ``tags`` saw version 1's
    data differ from its parameters and made a new version on every run.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.utils import parse_user_data

    name = self._get_param("LaunchTemplateName")
    version_description = self._get_param("VersionDescription")
    tag_spec = self._parse_tag_specification()
    template_data = self._get_param("LaunchTemplateData", {})
    template_data["UserData"] = parse_user_data(self._get_param("LaunchTemplateData.UserData"))
    self.error_on_dryrun()
    template = self.ec2_backend.create_launch_template(name, version_description, template_data, tag_spec)
    version = template.default_version()
    return ActionResult({"LaunchTemplate": {
        "CreateTime": version.create_time,
        "CreatedBy": "arn:%s:iam::%s:root" % (self.partition, self.current_account),
        "DefaultVersionNumber": template.default_version_number,
        "LatestVersionNumber": version.number,
        "LaunchTemplateId": template.id,
        "LaunchTemplateName": template.name,
        "Tags": template.tags,
    }})


def delete_launch_template_versions(self):
    """DeleteLaunchTemplateVersions, which moto 5.2.5 does not implement (amazon.aws.ec2_launch_template with
    state absent calls it for every version but the default before DeleteLaunchTemplate). As AWS: the default
    version cannot be deleted this way, a missing one is reported as unsuccessful, and version numbers are never
    reused (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteLaunchTemplateVersions.html)."""
    from moto.core.responses import ActionResult

    name, template_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
    self.error_on_dryrun()
    template = self.ec2_backend.get_launch_template(template_id) if template_id else self.ec2_backend.get_launch_template_by_name(name)
    deleted, refused = [], []
    for number in self._get_param("Versions", []):
        found = [version for version in template.versions if str(version.number) == str(number)]
        entry = {"LaunchTemplateId": template.id, "LaunchTemplateName": template.name, "VersionNumber": int(number)}
        if not found or template.is_default(found[0]):
            code = "launchTemplateVersionDoesNotExist" if not found else "launchTemplateVersionIsDefault"
            refused.append(dict(entry, ResponseError={"Code": code, "Message": "version %s cannot be deleted" % number}))
            continue
        template.versions.remove(found[0])
        deleted.append(entry)
    return ActionResult({"SuccessfullyDeletedLaunchTemplateVersions": deleted, "UnsuccessfullyDeletedLaunchTemplateVersions": refused})


def get_version(self, num):
    """A version by its number, not by its place in the list (versions can be deleted)."""
    from moto.ec2.exceptions import InvalidLaunchTemplateVersionNotFound

    if str(num).lower() == "$latest":
        return self.versions[-1]
    if str(num).lower() == "$default":
        return self.default_version()
    for version in self.versions:
        if str(version.number) == str(num):
            return version
    raise InvalidLaunchTemplateVersionNotFound(template_id=self.id, version=num)


def create_version(self, data, description):
    """A new version numbered after the highest ever given (AWS never reuses a deleted version's number)."""
    from moto.ec2.models.launch_templates import LaunchTemplateVersion

    self.highest_version_number = max(getattr(self, "highest_version_number", 0), len(self.versions)) + 1
    version = LaunchTemplateVersion(self, self.highest_version_number, data, description)
    self.versions.append(version)
    return version


def apply(service="ec2"):
    """Apply the fixes for ``service`` once (a no-op for the services without any)."""
    if service != "ec2" or APPLIED:
        return
    with LOCK:
        if not APPLIED:
            from moto.ec2.responses.launch_templates import LaunchTemplates

            from moto.ec2.models.launch_templates import LaunchTemplate

            LaunchTemplates.create_launch_template = create_launch_template
            LaunchTemplates.delete_launch_template_versions = delete_launch_template_versions
            LaunchTemplate.get_version = get_version
            LaunchTemplate.create_version = create_version
            LaunchTemplate.default_version = lambda template: template.get_version(template.default_version_number)
            APPLIED.extend(["CreateLaunchTemplate", "DeleteLaunchTemplateVersions"])
