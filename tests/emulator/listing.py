"""The List* operations: owners, filters, paging, one entry per version or per name, and the AWS-mode list lag."""
from tests.emulator import exceptions as err
from tests.emulator import settings
from tests.emulator.utils import PAGE_SIZE, version_key

# The filter names each List operation documents (botocore 1.44.8, each operation's ``filters`` member); AWS
# rejects others. Filter names and values are case-sensitive.
FILTER_NAMES = {
    "ListComponents": {"description", "name", "platform", "productCodes", "status", "supportedOsVersion", "type", "version"},
    "ListContainerRecipes": {"containerType", "name", "parentImage", "platform"},
    "ListDistributionConfigurations": {"name"},
    "ListInfrastructureConfigurations": {"name"},
    "ListImageRecipes": {"name", "parentImage", "platform"},
    "ListImages": {"name", "osVersion", "platform", "type", "version"},
    "ListImageBuildVersions": {"name", "osVersion", "platform", "type", "version"},
    "ListImagePipelineImages": {"name", "version"},
    "ListImagePipelines": {"description", "distributionConfigurationArn", "imageRecipeArn", "infrastructureConfigurationArn",
                           "name", "status"},
    "ListWorkflows": {"description", "name", "type", "version"},
    "ListLifecyclePolicies": {"name", "resourceType", "status"},
}


def _matches(name, have, wanted):
    """Whether a record's values ``have`` for filter ``name`` meet one of the ``wanted`` values."""
    if name != "name":
        return bool(have & wanted)
    return any(_name_matches(value, item) for value in wanted for item in have)


def _name_matches(value, name):
    """The ``name`` filter takes ``web*`` and ``*web*`` wildcards (model 1.44.8 ``Filter.values``); others match exactly."""
    if len(value) > 2 and value.startswith("*") and value.endswith("*"):
        return value[1:-1] in name
    if value.endswith("*"):
        return name.startswith(value[:-1])
    return value == name


class ListingMixin:
    def _page(self, items, params):
        size = params.get("maxResults") or PAGE_SIZE
        token = params.get("nextToken")
        start = int(token) if token and token.isdigit() else 0
        if token and not token.isdigit():
            raise err.InvalidPaginationTokenException("The nextToken %s is not valid" % token)
        page = items[start:start + size]
        return page, (str(start + size) if start + size < len(items) else None)

    def _list(self, operation, kind, params, key, owner_filter=True, versions=False, extra=None):
        filters = params.get("filters") or []
        if params.get("byName") and any(item.get("name") == "version" for item in filters):
            # aws/aws-sdk-js-v3#2901 shows the service's answer; the model: "You can't combine this option with the version filter."
            raise err.InvalidParameterCombinationException(
                "You cannot list %s by name and filter by version in the same request" % operation[4:])
        owner = params.get("owner") or "Self"
        records = list(self.resources[kind].values())
        if owner_filter:
            wanted = {"Self": self.account_id, "Amazon": "aws"}.get(owner)
            records = self._shared(kind) if owner == "Shared" else [r for r in records if r["_account"] == wanted]
        records = [r for r in records if settings.listed(r)]
        if extra:
            records = [r for r in records if extra(r)]
        for item in filters:
            name, values = item.get("name"), set(item.get("values") or [])
            if name not in FILTER_NAMES.get(operation, {name}):
                raise err.InvalidParameterValueException("The filter name %s is not valid here; use one of %s" % (
                    name, ", ".join(sorted(FILTER_NAMES[operation]))))
            records = [r for r in records if _matches(name, self._filter_value(r, name), values)]
        if versions:  # one entry per semantic version, its latest build, with the version ARN
            records = [dict(r, arn=r["arn"].rsplit("/", 1)[0], version=r["_version"], status=(r.get("state") or {}).get("status"))
                       for r in self._latest(records, lambda r: r["_version"]).values()]
        if params.get("byName"):  # one entry per name; the aggregated entry's shape is undocumented: the latest version's
            records = list(self._latest(records, lambda r: None).values())
        records.sort(key=lambda r: (r["_arn_name"], version_key(r["_version"]) if r["_version"] else (), r["_build"] or 0))
        page, token = self._page(records, params)
        return {key: page, "nextToken": token}

    @staticmethod
    def _latest(records, group_by):
        """The newest record (version, then build) of each (account, type, ARN name, group_by) group."""
        latest = {}
        for record in records:
            group = (record["_account"], record.get("type"), record["_arn_name"], group_by(record))
            order = (version_key(record["_version"]), record["_build"] or 0)
            if group not in latest or order > (version_key(latest[group]["_version"]), latest[group]["_build"] or 0):
                latest[group] = record
        return latest

    def _filter_value(self, record, name):
        value = record.get(name, record.get(name + "s"))
        if name == "version":
            value = record["_version"]
        if name == "status" and isinstance(record.get("state"), dict):
            value = record["state"]["status"]
        return {str(v) for v in value} if isinstance(value, list) else {str(value)}

    def _shared(self, kind):
        """Resources of other accounts whose resource policy names this account."""
        from tests.emulator.models import all_backends

        shared = []
        for backend in all_backends():
            if backend.account_id == self.account_id or backend.region_name != self.region_name:
                continue
            for arn, policy in backend.policies.items():
                if self.account_id in policy and arn in backend.resources[kind]:
                    shared.append(backend.resources[kind][arn])
        return shared

    def _builds_of(self, version_arn):
        return (lambda r: r["arn"].rsplit("/", 1)[0] == version_arn) if version_arn else None

    # ----- the operations
    def list_components(self, params):
        # Deprecated components are hidden unless the status filter asks for them (model 1.44.8).
        by_status = any(item.get("name") == "status" for item in params.get("filters") or [])
        return self._list("ListComponents", "component", params, "componentVersionList", versions=True,
                          extra=None if by_status else lambda r: r["state"]["status"] != "DEPRECATED")

    def list_component_build_versions(self, params):
        arn = params.get("componentVersionArn")
        return self._list("ListComponentBuildVersions", "component", params, "componentSummaryList", owner_filter=not arn,
                          extra=self._builds_of(arn))

    def list_image_recipes(self, params):
        return self._list("ListImageRecipes", "image-recipe", params, "imageRecipeSummaryList")

    def list_container_recipes(self, params):
        return self._list("ListContainerRecipes", "container-recipe", params, "containerRecipeSummaryList")

    def list_infrastructure_configurations(self, params):
        return self._list("ListInfrastructureConfigurations", "infrastructure-configuration", params,
                          "infrastructureConfigurationSummaryList", owner_filter=False)

    def list_distribution_configurations(self, params):
        return self._list("ListDistributionConfigurations", "distribution-configuration", params,
                          "distributionConfigurationSummaryList", owner_filter=False)

    def list_image_pipelines(self, params):
        return self._list("ListImagePipelines", "image-pipeline", params, "imagePipelineList", owner_filter=False)

    def list_images(self, params):
        self.advance()
        return self._list("ListImages", "image", params, "imageVersionList", versions=True)

    def list_image_build_versions(self, params):
        self.advance()
        arn = params.get("imageVersionArn")
        return self._list("ListImageBuildVersions", "image", params, "imageSummaryList", owner_filter=not arn,
                          extra=self._builds_of(arn))

    def list_image_pipeline_images(self, params):
        self.advance()
        pipeline = self.find("image-pipeline", params["imagePipelineArn"])
        return self._list("ListImagePipelineImages", "image", params, "imageSummaryList", owner_filter=False,
                          extra=lambda r: r.get("sourcePipelineArn") == pipeline["arn"])

    def list_workflows(self, params):
        return self._list("ListWorkflows", "workflow", params, "workflowVersionList", versions=True)

    def list_workflow_build_versions(self, params):
        arn = params.get("workflowVersionArn")
        return self._list("ListWorkflowBuildVersions", "workflow", params, "workflowSummaryList", owner_filter=not arn,
                          extra=self._builds_of(arn))

    def list_lifecycle_policies(self, params):
        return self._list("ListLifecyclePolicies", "lifecycle-policy", params, "lifecyclePolicySummaryList", owner_filter=False)
