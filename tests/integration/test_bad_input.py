"""Every mistake refused before anything is written (issue 10).

Each case is one task of one module with one bad option. It must fail, its message must name the
option as the playbook wrote it (snake_case, 0-based indexes, the module's own option names, never
the API's camelCase or an API error text), the emulator's call log must show no write call to any
service (not even one the service refused), and nothing may be half-made: a resource the task
would have created does not exist, one it would have updated is unchanged.

What a case refers to (a component with parameters, a recipe, both configurations, a pipeline, a
launch template in eu-west-1) is made once per worker by the module-scoped ``stack`` fixture.
Every rule asserted here comes from botocore's Image Builder model or AWS's documentation.
"""
import uuid

import botocore.exceptions
import pytest

from tests.integration.conftest import READ_PREFIXES, writes_in
from tests.integration.helpers import document, task

BUILD_DATE = "{{ '{{' }}imagebuilder:buildDate{{ '}}' }}"  # {{imagebuilder:buildDate}}, untouched by Ansible
AMI_NAME = "golden-" + BUILD_DATE
ACCOUNT = "123456789012"
DROP = object()  # a case's value that removes the base option

# What a task of each module needs besides the bad option; @P is the stack's prefix, @N a name of the case's own
# (so that a case that wrongly creates something cannot change another case), @AMI the parent AMI, @PROFILE the
# instance profile, @LT_EU a launch template in eu-west-1.
WINDOWS_DOCUMENT = dict(name="doc", schemaVersion=1.0, phases=[dict(name="build", steps=[
    dict(name="Say", action="ExecutePowerShell", inputs=dict(commands=["Write-Output hello"]))])])
BASE = {
    "component": dict(name="@P-@N", data=document()),
    "image_recipe": dict(name="@P-@N", parent_image="@AMI", components=[dict(name="@P-comp")]),
    "infrastructure_configuration": dict(name="@P-@N", instance_profile_name="@PROFILE"),
    "distribution_configuration": dict(name="@P-@N", distributions=[
        dict(region="us-east-1", ami_distribution_configuration=dict(name=AMI_NAME))]),
    "image_pipeline": dict(name="@P-@N", image_recipe="@P-recipe", infrastructure_configuration="@P-infra",
                           distribution_configuration="@P-dist"),
    "image": dict(pipeline="@P-pipe"),
    "lifecycle_policy": dict(name="@P-@N", execution_role="LifecycleRole", resource_type="AMI_IMAGE",
                             policy_details=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=5))],
                             resource_selection=dict(recipes=[dict(name="@P-recipe", semantic_version="x.x.x")])),
    "workflow": dict(name="@P-@N", type="BUILD", data=dict(schemaVersion=1.0, steps=[dict(name="Wait", action="WaitForAction")])),
    "workflow_info": {},
    "component_info": {}, "image_recipe_info": {}, "image_pipeline_info": {}, "infrastructure_configuration_info": {},
    "distribution_configuration_info": {}, "lifecycle_policy_info": {}, "image_info": {},
}
ARN_TYPES = {"component": "component", "image_recipe": "image-recipe", "infrastructure_configuration": "infrastructure-configuration",
             "distribution_configuration": "distribution-configuration", "image_pipeline": "image-pipeline",
             "lifecycle_policy": "lifecycle-policy"}
RESOURCE_MODULES = tuple(ARN_TYPES)


def ib_arn(kind, name, version=None, account=ACCOUNT):
    return "arn:aws:imagebuilder:us-east-1:%s:%s/%s%s" % (account, kind, name, "/" + version if version else "")


def amis(index_of_bad, **bad):
    """Two distributions; the one at ``index_of_bad`` gets ``bad`` merged into its ami_distribution_configuration."""
    regions = [dict(region=region, ami_distribution_configuration=dict(name=AMI_NAME)) for region in ("us-east-1", "eu-west-1")]
    regions[index_of_bad]["ami_distribution_configuration"].update(bad)
    return regions


def second(**bad):
    """Two distributions; the second (eu-west-1) has ``bad`` as its own options."""
    return [dict(region="us-east-1", ami_distribution_configuration=dict(name=AMI_NAME)),
            dict(dict(region="eu-west-1", ami_distribution_configuration=dict(name=AMI_NAME)), **bad)]


def workflow(**options):
    return dict(dict(workflow_arn="arn:aws:imagebuilder:us-east-1:aws:workflow/build/build-image/x.x.x"), **options)


BAD_NAMES = [("a", "'a' is not a valid Image Builder name"), ("bad/name", "'bad/name' is not a valid Image Builder name"),
             ("n" * 200, "'%s' is not a valid Image Builder name" % ("n" * 200))]

CASES = [
    # ---- names, on every resource module: refused before any call, naming `name`
    *[pytest.param(module, dict(name=name), "name: " + message, id="%s-name-%s" % (module, name[:10].replace("/", "_")))
      for module in RESOURCE_MODULES for name, message in BAD_NAMES],
    pytest.param("component_info", dict(name="a"), "name: 'a' is not a valid Image Builder name", id="component_info-name"),
    pytest.param("image_pipeline_info", dict(name="bad/name"), "name: 'bad/name' is not a valid", id="image_pipeline_info-name"),
    pytest.param("image_recipe_info", dict(arn=ib_arn("component", "x", "1.0.0")), "arn: '%s' is not an Image Builder image recipe ARN"
                 % ib_arn("component", "x", "1.0.0"), id="image_recipe_info-arn-of-a-component"),
    pytest.param("component_info", dict(owner="Me"), "value of owner must be one of", id="component_info-owner"),

    # ---- image_pipeline
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 * * SUN *)")),
                 "schedule.expression: 'cron(0 3 * * SUN *)': both day fields are set; put ? in the Day field: cron(0 3 ? * SUN *)",
                 id="pipeline-cron-both-day-fields"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 ? * SUN)")),
                 "schedule.expression: 'cron(0 3 ? * SUN)': has 5 fields; Image Builder's cron has 6", id="pipeline-cron-5-fields"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 25 ? * SUN *)")),
                 "schedule.expression: 'cron(0 25 ? * SUN *)': hour 25 is out of range 0-23", id="pipeline-cron-hour-25"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="rate(0 days)")),
                 "schedule.expression: 'rate(0 days)': the rate must be at least 1", id="pipeline-rate-0"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 ? * SUN *)", timezone="Paris")),
                 "schedule.timezone: 'Paris': not an IANA time zone; use Region/City such as Europe/Paris", id="pipeline-timezone-paris"),
    pytest.param("image_pipeline", dict(schedule=dict(timezone="Europe/Paris")), "schedule.expression: required with a schedule",
                 id="pipeline-timezone-without-expression"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 ? * SUN *)", start_condition="ALWAYS")),
                 "value of start_condition must be one of", id="pipeline-start-condition"),
    pytest.param("image_pipeline", dict(status="PAUSED"), "value of status must be one of: ENABLED, DISABLED", id="pipeline-status"),
    pytest.param("image_pipeline", dict(image_tests=dict(timeout_minutes=59)), "image_tests.timeout_minutes: 59 is out of range",
                 id="pipeline-test-timeout-59"),
    pytest.param("image_pipeline", dict(image_tests=dict(timeout_minutes=1441)), "image_tests.timeout_minutes: 1441 is out of range",
                 id="pipeline-test-timeout-1441"),
    pytest.param("image_pipeline", dict(description="d" * 1025), "description: 'ddd", id="pipeline-description-1025"),
    pytest.param("image_pipeline", dict(infrastructure_configuration=ib_arn("image-recipe", "x", "1.0.0")),
                 "infrastructure_configuration: '%s' is not an Image Builder infrastructure configuration ARN" % ib_arn("image-recipe", "x", "1.0.0"),
                 id="pipeline-recipe-arn-as-infrastructure"),
    pytest.param("image_pipeline", dict(image_recipe="arn:aws:imagebuilder:us-east-1:%s:image-recipe/x" % ACCOUNT),
                 "image_recipe: 'arn:aws:imagebuilder:us-east-1:%s:image-recipe/x'" % ACCOUNT, id="pipeline-recipe-arn-without-version"),
    pytest.param("image_pipeline", dict(image_recipe="arn:aws:imagebuilder:us-east-1:1234:image-recipe/x/1.0.0"),
                 "image_recipe: 'arn:aws:imagebuilder:us-east-1:1234:image-recipe/x/1.0.0' is not an Image Builder image recipe ARN",
                 id="pipeline-recipe-arn-short-account"),
    pytest.param("image_pipeline", dict(image_recipe="@P-recipe:1.x.0"), "image_recipe: '1.x.0' is not a semantic version",
                 id="pipeline-recipe-version-x-inside"),
    pytest.param("image_pipeline", dict(image_recipe="@P-recipe:9.9.9"), "image_recipe: image recipe '@P-recipe' has no version 9.9.9",
                 id="pipeline-recipe-version-missing"),
    pytest.param("image_pipeline", dict(distribution_configuration="@P-nodist"),
                 "distribution_configuration: distribution configuration '@P-nodist' does not exist", id="pipeline-distribution-missing"),
    pytest.param("image_pipeline", dict(workflows=[workflow()]), "execution_role: workflows need an execution role",
                 id="pipeline-workflows-without-execution-role"),
    pytest.param("image_pipeline", dict(workflows=[workflow(on_failure="STOP")], execution_role="ImageBuilderExecution"),
                 "workflows[0].on_failure: 'STOP' is not one of: CONTINUE, ABORT", id="pipeline-workflow-on-failure"),
    pytest.param("image_pipeline", dict(workflows=[workflow(), workflow(workflow_arn="arn:aws:imagebuilder:us-east-1:aws:workflow/build-image/1.0.0")],
                                        execution_role="ImageBuilderExecution"),
                 "workflows[1].workflow: 'arn:aws:imagebuilder:us-east-1:aws:workflow/build-image/1.0.0' has no workflow type",
                 id="pipeline-workflow-arn"),
    pytest.param("image_pipeline", dict(workflows=[workflow(workflow_arn="no-such-workflow")], execution_role="ImageBuilderExecution"),
                 "workflows[0].workflow: workflow 'no-such-workflow' does not exist in us-east-1", id="pipeline-workflow-missing"),
    pytest.param("image_pipeline", dict(workflows=[workflow(workflow_arn="distribute-image")], execution_role="ImageBuilderExecution"),
                 "workflows[0].workflow: arn:aws:imagebuilder:us-east-1:aws:workflow/distribution/distribute-image/x.x.x is a DISTRIBUTION workflow",
                 id="pipeline-workflow-distribution"),
    pytest.param("image_pipeline", dict(workflows=[workflow(parallel_group="smoke")], execution_role="ImageBuilderExecution"),
                 "workflows[0].parallel_group: parallel groups are for TEST workflows", id="pipeline-workflow-parallel-group-on-build"),
    pytest.param("image_pipeline", dict(workflows=[workflow(parallel_group="no spaces")], execution_role="ImageBuilderExecution"),
                 "workflows[0].parallel_group: 'no spaces' must be", id="pipeline-workflow-parallel-group-pattern"),
    pytest.param("image_pipeline", dict(workflows=[workflow(parameters=[dict(name="a", value="1"), dict(name="a", value="2")])],
                                        execution_role="ImageBuilderExecution"),
                 "workflows[0].parameters[1].name: 'a' is given twice", id="pipeline-workflow-parameter-twice"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe", infrastructure_configuration="@P-infra", workflows=[workflow()]),
                 "execution_role: workflows need an execution role", id="image-workflows-without-execution-role"),
    pytest.param("image", dict(workflows=[workflow()], execution_role="ImageBuilderExecution"),
                 "workflows, execution_role: the pipeline's own settings are used", id="image-workflows-with-pipeline"),
    pytest.param("workflow", dict(data=dict(schemaVersion=1.0, steps=[dict(name="Run", action="RunCommand", inputs=dict(instanceId="i-1"))])),
                 "steps[0].inputs.documentName: RunCommand needs input 'documentName'", id="workflow-run-command-without-document"),
    pytest.param("workflow", dict(type="TEST", data=dict(schemaVersion=1.0, steps=[dict(name="Meta", action="CollectImageMetadata",
                                                                                        inputs=dict(instanceId="i-1"))])),
                 "CollectImageMetadata is only valid in BUILD workflows", id="workflow-type-action"),
    pytest.param("workflow_info", dict(arn=ib_arn("component", "x", "1.0.0")), "arn: '%s' is not an Image Builder workflow ARN"
                 % ib_arn("component", "x", "1.0.0"), id="workflow_info-arn-of-a-component"),
    pytest.param("image_pipeline", dict(execution_role="arn:aws:iam::1234:role/x"),
                 "execution_role: 'arn:aws:iam::1234:role/x' is neither an IAM role name nor a role ARN", id="pipeline-execution-role-arn"),
    pytest.param("image_pipeline", dict(logging=dict(image_log_group_name="my logs!")), "logging.image_log_group_name: 'my logs!' must match",
                 id="pipeline-log-group"),
    pytest.param("image_pipeline", dict(logging=dict(log_group_name="builds")),
                 "logging_configuration.log_group_name. Supported parameters include: image_log_group_name, pipeline_log_group_name",
                 id="pipeline-logging-unknown-option"),
    pytest.param("image_pipeline", dict(logging_configuration=dict(pipeline_log_group_name="pipe logs")),
                 "logging_configuration.pipeline_log_group_name: 'pipe logs' must match", id="pipeline-pipeline-log-group"),
    pytest.param("image_pipeline", dict(image_recipe=DROP, container_recipe="@P-nocontainer"),
                 "container_recipe: container recipe '@P-nocontainer' does not exist", id="pipeline-container-recipe-missing"),
    pytest.param("image_pipeline", dict(container_recipe="@P-container"), "parameters are mutually exclusive: image_recipe|container_recipe",
                 id="pipeline-image-and-container-recipe"),
    pytest.param("image_pipeline", dict(image_recipe=DROP, container_recipe=ib_arn("image-recipe", "@P-recipe", "1.0.0")),
                 "container_recipe: '%s' is not an Image Builder container recipe ARN" % ib_arn("image-recipe", "@P-recipe", "1.0.0"),
                 id="pipeline-image-recipe-arn-as-container-recipe"),
    pytest.param("image_pipeline", dict(image_recipe=DROP, infrastructure_configuration=DROP, name="@P-@N"),
                 "image_recipe or container_recipe and infrastructure_configuration: required to create image pipeline",
                 id="pipeline-without-recipe"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 ? * SUN *)", auto_disable_policy=dict(failure_count=11))),
                 "schedule.auto_disable_policy.failure_count: 11 is out of range 1-10", id="pipeline-auto-disable-11"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 ? * SUN *)", auto_disable_policy=dict())),
                 "missing required arguments: failure_count found in schedule -> auto_disable_policy", id="pipeline-auto-disable-without-count"),
    pytest.param("image_pipeline", dict(schedule=dict(expression="cron(0 3 ? * SUN *)", pipeline_execution_start_condition="ALWAYS")),
                 "value of start_condition must be one of", id="pipeline-execution-start-condition"),
    pytest.param("image_pipeline", dict(image_scanning_configuration=dict(image_scanning_types=["TEST_INSTANCE_CVE", "ON_DEMAND_AMI_CVE"])),
                 "image_scanning_configuration.image_scanning_types: give one scan type, not 2", id="pipeline-scan-types-two"),
    pytest.param("image_pipeline", dict(image_scanning_configuration=dict(scan_result_condition=dict(maximum_severity_label="LOW"))),
                 "image_scanning_configuration.scan_result_condition: only an on-demand AMI scan has a result condition",
                 id="pipeline-scan-condition-without-on-demand"),
    pytest.param("image", dict(pipeline=DROP, container_recipe="@P-nocontainer",
                               image_scanning_configuration=dict(image_scanning_types=["ON_DEMAND_AMI_CVE"])),
                 "image_scanning_configuration.image_scanning_types: ON_DEMAND_AMI_CVE scans the output AMI, which a container recipe",
                 id="image-on-demand-scan-of-a-container"),
    pytest.param("image_pipeline", dict(image_scanning=True, image_scanning_configuration=dict(image_scanning_enabled=True)),
                 "parameters are mutually exclusive: image_scanning|image_scanning_configuration", id="pipeline-scanning-twice"),
    pytest.param("image_pipeline", dict(image_scanning_configuration=dict(ecr_configuration=dict(repository_name="no-such-repository"))),
                 "image_scanning_configuration.ecr_configuration.repository_name: ECR repository no-such-repository does not exist",
                 id="pipeline-scanning-repository-missing"),
    pytest.param("image_pipeline", dict(image_scanning_configuration=dict(ecr_configuration=dict(repository_name="Scans"))),
                 "image_scanning_configuration.ecr_configuration.repository_name: 'Scans': is not an ECR repository name",
                 id="pipeline-scanning-repository-name"),
    pytest.param("image_pipeline", dict(image_tags={"aws:team": "x"}), "image_tags: key 'aws:team' must match", id="pipeline-image-tags-aws"),
    pytest.param("image_pipeline", dict(tags=dict(("k%d" % index, "v") for index in range(51))),
                 "tags has 51 entries; at most 50 are allowed", id="pipeline-51-tags"),

    # ---- distribution_configuration
    pytest.param("distribution_configuration", dict(distributions=amis(1, name="golden")),
                 "distributions[1].ami_distribution_configuration.name: 'golden': does not include {{imagebuilder:buildDate}}",
                 id="distribution-ami-name-without-variable"),
    pytest.param("distribution_configuration", dict(distributions=amis(0, name="golden#1-" + BUILD_DATE)),
                 "distributions[0].ami_distribution_configuration.name: 'golden#1-{{imagebuilder:buildDate}}': contains characters that "
                 "are not allowed: '#'", id="distribution-ami-name-hash"),
    pytest.param("distribution_configuration", dict(distributions=[dict(region="us-east-7", ami_distribution_configuration=dict(name=AMI_NAME))]),
                 "distributions[0].region: 'us-east-7': not a region of partition aws", id="distribution-region-us-east-7"),
    pytest.param("distribution_configuration", dict(distributions=second(launch_template_configurations=[
        dict(launch_template_id="lt-0123456789abcdef0")])),
        "distributions[1].launch_template_configurations[0].launch_template_id: launch template lt-0123456789abcdef0 does not exist in "
        "eu-west-1", id="distribution-launch-template-missing"),
    pytest.param("distribution_configuration", dict(distributions=[dict(
        region="us-east-1", launch_template_configurations=[dict(launch_template_id="@LT_EU")])]),
        "distributions[0].launch_template_configurations[0].launch_template_id: launch template @LT_EU does not exist in us-east-1",
        id="distribution-launch-template-of-another-region"),
    pytest.param("distribution_configuration", dict(distributions=second(launch_template_configurations=[dict(launch_template_id="lt-123")])),
                 "distributions[1].launch_template_configurations[0].launch_template_id: 'lt-123' must match",
                 id="distribution-launch-template-id-form"),
    pytest.param("distribution_configuration", dict(distributions=amis(1, target_account_ids=[ACCOUNT, "12345678901"])),
                 "distributions[1].ami_distribution_configuration.target_account_ids[1]: '12345678901' must match",
                 id="distribution-target-account-11-digits"),
    pytest.param("distribution_configuration", dict(distributions=amis(0, launch_permission=dict(user_ids=["12345678901"]))),
                 "distributions[0].ami_distribution_configuration.launch_permission.user_ids[0]: '12345678901' must match",
                 id="distribution-launch-permission-11-digits"),
    pytest.param("distribution_configuration", dict(distributions=second(launch_template_configurations=[
        dict(launch_template_id="lt-0123456789abcdef0", account_id="12345678901")])),
        "distributions[1].launch_template_configurations[0].account_id: '12345678901' must match", id="distribution-template-account-11-digits"),
    pytest.param("distribution_configuration", dict(distributions=second(ssm_parameter_configurations=[
        dict(parameter_name="/golden/ami", ami_account_id="12345678901")])),
        "distributions[1].ssm_parameter_configurations[0].ami_account_id: '12345678901' must match", id="distribution-ssm-account-11-digits"),
    pytest.param("distribution_configuration", dict(distributions=second(ssm_parameter_configurations=[
        dict(parameter_name="/golden/ami", data_type="String")])),
        "distributions[1].ssm_parameter_configurations[0].data_type: 'String' is not one of: text, aws:ec2:image",
        id="distribution-ssm-data-type"),
    pytest.param("distribution_configuration", dict(distributions=second(ssm_parameter_configurations=[dict(parameter_name="golden ami")])),
                 "distributions[1].ssm_parameter_configurations[0].parameter_name: 'golden ami' must match", id="distribution-ssm-name"),
    pytest.param("distribution_configuration", dict(distributions=amis(0, ami_tags={"aws:os": "al2023"})),
                 "distributions[0].ami_distribution_configuration.ami_tags: key 'aws:os' must match", id="distribution-ami-tags-aws"),
    pytest.param("distribution_configuration", dict(distributions=amis(1, launch_permission=dict(organization_arns=["o-abcdefghij"]))),
                 "distributions[1].ami_distribution_configuration.launch_permission.organization_arns[0]: 'o-abcdefghij' must match",
                 id="distribution-organization-arn"),
    pytest.param("distribution_configuration", dict(distributions=second(s3_export_configuration=dict(
        role_name="vmimport", disk_image_format="QCOW2", s3_bucket="exports"))),
        "distributions[1].s3_export_configuration.disk_image_format: 'QCOW2' is not one of: VMDK, RAW, VHD", id="distribution-export-format"),
    pytest.param("distribution_configuration", dict(distributions=amis(0, launch_permission=dict(user_groups=["all", "admins"]))),
                 "distributions[0].ami_distribution_configuration.launch_permission.user_groups[1]: 'admins': the only group is all",
                 id="distribution-user-group"),
    pytest.param("distribution_configuration", dict(distributions=amis(1, tags=dict(os="al2023"))),
                 "distributions[1].ami_distribution_configuration.tags is not an option here; known: name, description, target_account_ids, "
                 "ami_tags", id="distribution-unknown-option"),
    pytest.param("distribution_configuration", dict(distributions=second(fast_launch_configurations=[dict(enabled=True, max_parallel_launches=0)])),
                 "distributions[1].fast_launch_configurations[0].max_parallel_launches: 0 must be at least 1", id="distribution-fast-launch-0"),
    pytest.param("distribution_configuration", dict(distributions=second(fast_launch_configurations=[dict(max_parallel_launches=6)])),
                 "distributions[1].fast_launch_configurations[0].enabled is required", id="distribution-fast-launch-without-enabled"),
    pytest.param("distribution_configuration", dict(distributions=second(license_configuration_arns=["lic-0123456789abcdef"])),
                 "distributions[1].license_configuration_arns[0]: 'lic-0123456789abcdef' must match", id="distribution-license-arn"),
    pytest.param("distribution_configuration", dict(distributions=second(container_distribution_configuration=dict(
        target_repository=dict(service="ECR", repository_name="@P-repo")))),
        "distributions[1].container_distribution_configuration.target_repository.repository_name: ECR repository @P-repo does not exist in "
        "eu-west-1", id="distribution-container-repository-of-another-region"),
    pytest.param("distribution_configuration", dict(distributions=second(container_distribution_configuration=dict(
        target_repository=dict(service="ECR", repository_name="%s.dkr.ecr.eu-west-1.amazonaws.com/app:latest" % ACCOUNT)))),
        "distributions[1].container_distribution_configuration.target_repository.repository_name: '%s.dkr.ecr.eu-west-1.amazonaws.com/app:latest': "
        "give the repository name only, not a registry URI or tag, e.g. app" % ACCOUNT, id="distribution-container-repository-uri"),
    pytest.param("distribution_configuration", dict(distributions=second(container_distribution_configuration=dict(container_tags=["latest"]))),
                 "distributions[1].container_distribution_configuration.target_repository is required", id="distribution-container-without-repository"),
    pytest.param("distribution_configuration", dict(distributions=second(container_distribution_configuration=dict(
        target_repository=dict(service="DockerHub", repository_name="app")))),
        "distributions[1].container_distribution_configuration.target_repository.service: 'DockerHub' is not one of: ECR",
        id="distribution-container-service"),
    pytest.param("distribution_configuration", dict(distributions=second(fast_launch_configurations=[dict(enabled=True, launch_template=dict(
        launch_template_id="lt-0123456789abcdef0", launch_template_name="windows"))])),
        "distributions[1].fast_launch_configurations[0].launch_template: give launch_template_id or launch_template_name, not both",
        id="distribution-fast-launch-template-id-and-name"),
    pytest.param("distribution_configuration", dict(distributions=second(fast_launch_configurations=[dict(enabled=True, launch_template=dict(
        launch_template_id="lt-0123456789abcdef0"))])),
        "distributions[1].fast_launch_configurations[0].launch_template.launch_template_id: launch template lt-0123456789abcdef0 does not exist "
        "in eu-west-1", id="distribution-fast-launch-template-missing"),
    pytest.param("distribution_configuration", dict(distributions=second(fast_launch_configurations=[dict(enabled=True, snapshot_configuration=dict(
        target_resource_count=0))])),
        "distributions[1].fast_launch_configurations[0].snapshot_configuration.target_resource_count: 0 is out of range 1-10000",
        id="distribution-fast-launch-snapshots-0"),
    pytest.param("distribution_configuration", dict(distributions=second(s3_export_configuration=dict(
        role_name="vmimport", disk_image_format="RAW", s3_bucket="no-such-bucket-amiforge"))),
        "distributions[1].s3_export_configuration.s3_bucket: bucket no-such-bucket-amiforge does not exist", id="distribution-export-bucket-missing"),
    pytest.param("distribution_configuration", dict(distributions=second(s3_export_configuration=dict(disk_image_format="RAW", s3_bucket="b"))),
                 "distributions[1].s3_export_configuration.role_name is required", id="distribution-export-without-role"),
    pytest.param("distribution_configuration", dict(distributions=amis(1, launch_permission=dict(organizational_unit_arns=["ou-abcd-12345678"]))),
                 "distributions[1].ami_distribution_configuration.launch_permission.organizational_unit_arns[0]: 'ou-abcd-12345678' must match",
                 id="distribution-organizational-unit-arn"),
    pytest.param("distribution_configuration", dict(distributions=second(license_configuration_arns=[
        "arn:aws:license-manager:eu-west-1:%s:license-configuration:lic-%s" % (ACCOUNT, "a" * 32)] * 51)),
        "distributions[1].license_configuration_arns has 51 items; at most 50 are allowed", id="distribution-51-licenses"),
    pytest.param("distribution_configuration", dict(distributions=amis(0, kms_key_id="alias/no-such-key")),
                 "distributions[0].ami_distribution_configuration.kms_key_id: KMS key alias/no-such-key does not exist in us-east-1",
                 id="distribution-kms-key-missing"),
    pytest.param("distribution_configuration", dict(distributions=[
        dict(region="eu-west-1", ami_distribution_configuration=dict(name=AMI_NAME)),
        dict(region="eu-west-1", ami_distribution_configuration=dict(name="other-" + BUILD_DATE))]),
        "distributions: region(s) eu-west-1 appear more than once", id="distribution-duplicate-region"),
    pytest.param("distribution_configuration", dict(distributions=[]), "distributions: give at least one region",
                 id="distribution-empty"),
    pytest.param("distribution_configuration", dict(distributions=second(ami_distribution_configuration=None)),
                 "distributions[1] (eu-west-1): say what to distribute there", id="distribution-nothing-to-distribute"),

    # ---- infrastructure_configuration
    pytest.param("infrastructure_configuration", dict(instance_profile_name="NoSuchProfile"),
                 "instance_profile_name: instance profile NoSuchProfile does not exist", id="infra-profile-missing"),
    pytest.param("infrastructure_configuration", dict(instance_profile_name="arn:aws:iam::%s:instance-profile/ImageBuilderProfile" % ACCOUNT),
                 "instance_profile_name: 'arn:aws:iam::%s:instance-profile/ImageBuilderProfile' must match" % ACCOUNT,
                 id="infra-profile-arn"),
    pytest.param("infrastructure_configuration", dict(subnet_id="subnet-0123456789abcdef0"),
                 "subnet_id: subnet subnet-0123456789abcdef0 does not exist", id="infra-subnet-missing"),
    pytest.param("infrastructure_configuration", dict(security_group_ids=["sg-0123456789abcdef0"]),
                 "security_group_ids: security group(s) sg-0123456789abcdef0 does not exist", id="infra-security-group-missing"),
    pytest.param("infrastructure_configuration", dict(key_pair="no-such-key"), "key_pair: key pair no-such-key does not exist",
                 id="infra-key-pair-missing"),
    pytest.param("infrastructure_configuration", dict(sns_topic_arn="arn:aws:sns:us-east-1:%s:no-such-topic" % ACCOUNT),
                 "sns_topic_arn: SNS topic arn:aws:sns:us-east-1:%s:no-such-topic does not exist" % ACCOUNT, id="infra-topic-missing"),
    pytest.param("infrastructure_configuration", dict(sns_topic_arn="builds"), "sns_topic_arn: 'builds' must match", id="infra-topic-arn"),
    pytest.param("infrastructure_configuration", dict(logging=dict(s3_bucket_name="no-such-bucket-amiforge")),
                 "logging.s3_bucket_name: bucket no-such-bucket-amiforge does not exist", id="infra-bucket-missing"),
    pytest.param("infrastructure_configuration", dict(logging=dict(s3_key_prefix="logs/")), "logging.s3_bucket_name: required with logging",
                 id="infra-logging-without-bucket"),
    pytest.param("infrastructure_configuration", dict(instance_metadata_options=dict(http_put_response_hop_limit=0)),
                 "instance_metadata_options.http_put_response_hop_limit: 0 is out of range 1-64", id="infra-hop-limit-0"),
    pytest.param("infrastructure_configuration", dict(instance_metadata_options=dict(http_put_response_hop_limit=65)),
                 "instance_metadata_options.http_put_response_hop_limit: 65 is out of range 1-64", id="infra-hop-limit-65"),
    pytest.param("infrastructure_configuration", dict(instance_metadata_options=dict(http_tokens="sometimes")),
                 "value of http_tokens must be one of: required, optional", id="infra-http-tokens"),
    pytest.param("infrastructure_configuration", dict(placement=dict(tenancy="shared")),
                 "placement.tenancy: 'shared' is not one of: default, dedicated, host", id="infra-tenancy"),
    pytest.param("infrastructure_configuration", dict(placement=dict(zone="us-east-1a")),
                 "placement.zone is not an option here; known: availability_zone, tenancy, host_id, host_resource_group_arn",
                 id="infra-placement-unknown-option"),
    pytest.param("infrastructure_configuration", dict(terminate_instance_on_failure="maybe"),
                 "argument 'terminate_instance_on_failure' is of type", id="infra-terminate-not-a-boolean"),
    pytest.param("infrastructure_configuration", dict(resource_tags={"aws:cost": "x"}), "resource_tags: key 'aws:cost' must match",
                 id="infra-resource-tags-aws"),
    pytest.param("infrastructure_configuration", dict(resource_tags=dict(("k%d" % index, "v") for index in range(31))),
                 "resource_tags has 31 entries; at most 30 are allowed", id="infra-31-resource-tags"),
    pytest.param("infrastructure_configuration", dict(tags={"aws:owner": "me"}), "tags: key 'aws:owner' must match", id="infra-tags-aws"),
    pytest.param("infrastructure_configuration", dict(description="d" * 1025), "description: 'ddd", id="infra-description-1025"),

    # ---- image_recipe
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp", parameters=dict(alpha="1", gamma="3"))]),
                 "components[0].parameters: 'gamma' is not declared by component", id="recipe-undeclared-parameter"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp"), dict(name="@P-win")]),
                 "components[1].name: component arn:aws:imagebuilder:us-east-1:123456789012:component/@P-win/1.0.0 is for Windows, but the "
                 "parent image is a Linux image", id="recipe-windows-component-on-a-linux-ami"),
    pytest.param("image_recipe", dict(parent_image="ssm:@SSM", components=[dict(name="@P-win")]),
                 "components[0].name: component arn:aws:imagebuilder:us-east-1:123456789012:component/@P-win/1.0.0 is for Windows, but the "
                 "parent image is a Linux image", id="recipe-windows-component-on-the-linux-ami-of-an-ssm-parameter"),
    pytest.param("image_recipe", dict(components=[dict(name="update-linux"), dict(name="@P-comp", version="1.0")]),
                 "components[1].version: '1.0' is not a semantic version", id="recipe-component-version-1.0"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp", version="1.x.0")]),
                 "components[0].version: '1.x.0' is not a semantic version", id="recipe-component-version-x-inside"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp", version="x.2.x")]),
                 "components[0].version: 'x.2.x' is not a semantic version", id="recipe-component-version-x-first"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp", version="%d.0.0" % 2 ** 30)]),
                 "components[0].version: '%d.0.0' is not a semantic version" % 2 ** 30, id="recipe-component-version-2^30"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp", version="9.9.9")]),
                 "components[0].name: component '@P-comp' has no version 9.9.9", id="recipe-component-version-missing"),
    pytest.param("image_recipe", dict(components=[dict(name="update-linux", version="99.0.0")]),
                 "components[0].name: component 'update-linux' has no version 99.0.0", id="recipe-amazon-component-version-missing"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-nocomp")]),
                 "components[0].name: component '@P-nocomp' does not exist", id="recipe-component-missing"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp"), dict(name="update-linux"), dict(name="@P-comp")]),
                 "components[2]: component %s is already components[0]" % ib_arn("component", "@P-comp", "1.0.0"), id="recipe-component-twice"),
    pytest.param("image_recipe", dict(components=[dict(name="@P-comp", arn=ib_arn("component", "@P-comp", "1.0.0"))]),
                 "components[0]: give exactly one of 'name' and 'arn'", id="recipe-component-name-and-arn"),
    pytest.param("image_recipe", dict(components=[dict(arn=ib_arn("image-recipe", "@P-recipe", "1.0.0"))]),
                 "components[0].arn: '%s' is not an Image Builder component ARN" % ib_arn("image-recipe", "@P-recipe", "1.0.0"),
                 id="recipe-component-arn-of-a-recipe"),
    pytest.param("image_recipe", dict(components=[dict(arn="arn:aws:imagebuilder:us-east-1:%s:component/@P-comp" % ACCOUNT)]),
                 "components[0].arn: 'arn:aws:imagebuilder:us-east-1:%s:component/@P-comp'" % ACCOUNT, id="recipe-component-arn-without-version"),
    pytest.param("image_recipe", dict(components=[dict(arn=ib_arn("component", "@P-comp", "7.0.0"))]),
                 "components[0].arn: component %s does not exist" % ib_arn("component", "@P-comp", "7.0.0"), id="recipe-component-arn-missing"),
    pytest.param("image_recipe", dict(parent_image="ubuntu-latest"), "parent_image: 'ubuntu-latest' is neither an AMI id",
                 id="recipe-parent-image-form"),
    pytest.param("image_recipe", dict(parent_image="ami-00000000000000000"), "parent_image: AMI ami-00000000000000000 does not exist",
                 id="recipe-parent-ami-missing"),
    pytest.param("image_recipe", dict(parent_image="ssm:/amiforge/no/such/parameter"),
                 "parent_image: SSM parameter /amiforge/no/such/parameter does not exist", id="recipe-parent-ssm-missing"),
    pytest.param("image_recipe", dict(parent_image="arn:aws:imagebuilder:us-east-1:aws:image/no-such-image/x.x.x"),
                 "parent_image: image arn:aws:imagebuilder:us-east-1:aws:image/no-such-image/x.x.x does not exist",
                 id="recipe-parent-image-arn-missing"),
    pytest.param("image_recipe", dict(parent_image=ib_arn("image-recipe", "@P-recipe", "1.0.0")), "is neither an AMI id",
                 id="recipe-parent-recipe-arn"),
    pytest.param("image_recipe", dict(version="1.0"), "version: '1.0' is not a semantic version", id="recipe-version-1.0"),
    pytest.param("image_recipe", dict(keep_versions=-1), "keep_versions: -1 is negative", id="recipe-keep-versions-negative"),
    pytest.param("image_recipe", dict(user_data_override="#!/bin/bash\necho hello"), "user_data_override: the value given (hidden) must match",
                 id="recipe-user-data-not-base64"),
    pytest.param("image_recipe", dict(block_device_mappings=[dict(device_name="/dev/xvda", ebs=dict(volume_size=8)),
                                                             dict(device_name="/dev/xvdb", ebs=dict(volume_size=16001))]),
                 "block_device_mappings[1].ebs.volume_size: 16001 is out of range 1-16000", id="recipe-volume-size"),
    pytest.param("image_recipe", dict(block_device_mappings=[dict(device_name="/dev/xvda", ebs=dict(volume_type="gp4"))]),
                 "block_device_mappings[0].ebs.volume_type: 'gp4' is not one of", id="recipe-volume-type"),
    pytest.param("image_recipe", dict(block_device_mappings=[dict(device_name="/dev/xvda", ebs=dict(volume_type="gp3", throughput=2000))]),
                 "block_device_mappings[0].ebs.throughput: 2000 is out of range 125-1000", id="recipe-volume-throughput"),
    pytest.param("image_recipe", dict(block_device_mappings=[dict(device_name="/dev/xvda", ebs=dict(kms_key_id="alias/no-such-key"))]),
                 "block_device_mappings[0].ebs.kms_key_id: KMS key alias/no-such-key does not exist", id="recipe-volume-kms-missing"),
    pytest.param("image_recipe", dict(ami_tags={"aws:os": "x"}), "ami_tags: key 'aws:os' must match", id="recipe-ami-tags-aws"),
    pytest.param("image_recipe", dict(description="d" * 1025), "description: 'ddd", id="recipe-description-1025"),

    # ---- component
    pytest.param("component", dict(platform="Solaris"), "value of platform must be one of", id="component-platform"),
    pytest.param("component", dict(platform="Windows"), "data: the component document has 1 error(s): phases[0].steps[0].action: "
                 "ExecuteBash does not run on Windows", id="component-bash-on-windows"),
    pytest.param("component", dict(version="1.0.x"), "version: '1.0.x' is not a semantic version", id="component-version-wildcard"),
    pytest.param("component", dict(version="1.%d.0" % 2 ** 30), "version: '1.%d.0' is not a semantic version" % 2 ** 30,
                 id="component-version-2^30"),
    pytest.param("component", dict(keep_versions=-2), "keep_versions: -2 is negative", id="component-keep-versions-negative"),
    pytest.param("component", dict(data=DROP, uri="https://example.com/doc.yml"), "uri: 'https://example.com/doc.yml' is not an S3 URI",
                 id="component-uri-not-s3"),
    pytest.param("component", dict(data=DROP, uri="s3://no-such-bucket-amiforge/doc.yml"), "uri: cannot read s3://no-such-bucket-amiforge/doc.yml",
                 id="component-uri-missing"),
    pytest.param("component", dict(uri="s3://bucket/doc.yml"), "parameters are mutually exclusive: data|uri", id="component-data-and-uri"),
    pytest.param("component", dict(data="phases: [unclosed"), "data: the component document is not valid YAML", id="component-data-yaml"),
    pytest.param("component", dict(data="- a list\n- not a mapping\n"), "data: the component document must be a YAML mapping",
                 id="component-data-not-mapping"),
    pytest.param("component", dict(data=dict(schemaVersion=1.0, phases=[dict(name="build", steps=[
        dict(name="Say", action="ExecuteBash", inputs=dict(commands=["echo hi"])), dict(name="Say", action="Reboot")])])),
        "data: the component document has 1 error(s): phases[0].steps[1].name: step name 'Say' is already used",
        id="component-document-error"),
    pytest.param("component", dict(data=document("x" * 16100)), "data: ", id="component-data-over-16000"),
    pytest.param("component", dict(description="d" * 1025), "description: 'ddd", id="component-description-1025"),
    pytest.param("component", dict(change_description="d" * 1025), "change_description: 'ddd", id="component-change-description-1025"),
    pytest.param("component", dict(supported_os_versions=["Amazon Linux 2023"] * 26), "supported_os_versions has 26 items; at most 25",
                 id="component-26-os-versions"),
    pytest.param("component", dict(kms_key_id="alias/no-such-key"), "kms_key_id: KMS key alias/no-such-key does not exist",
                 id="component-kms-missing"),
    pytest.param("component", dict(tags={"aws:team": "x"}), "tags: key 'aws:team' must match", id="component-tags-aws"),
    pytest.param("component", dict(stack="web", tags={"amiforge:stack": "other"}),
                 "tags: amiforge:stack is 'other' but stack is 'web'; leave the amiforge:stack tag out of tags", id="component-tags-not-stack"),
    pytest.param("component", dict(stack="s" * 257), "stack: 257 characters; the amiforge:stack tag's value takes 256 at most",
                 id="component-stack-too-long"),
    pytest.param("component", dict(stack="web", adopt="perhaps"), "argument 'adopt' is of type", id="component-adopt-not-a-boolean"),
    pytest.param("distribution_configuration", dict(stack="web", tags={"amiforge:stack": "other"}),
                 "tags: amiforge:stack is 'other' but stack is 'web'", id="distribution-tags-not-stack"),

    # ---- lifecycle_policy: the documented combinations, each naming the option path
    *[pytest.param("lifecycle_policy", dict(policy_details=[dict(dict(action=dict(type=action)), **detail)], **extra), message,
                   id="lifecycle-" + case_id)
      for case_id, action, detail, extra, message in [
          ("unit-with-count", "DELETE", dict(filter=dict(type="COUNT", value=5, unit="DAYS")), {},
           "policy_details[0].filter.unit: a unit of time only goes with an AGE filter"),
          ("age-without-unit", "DELETE", dict(filter=dict(type="AGE", value=5)), {},
           "policy_details[0].filter.unit: an AGE filter needs a unit of time; add unit: DAYS, WEEKS, MONTHS or YEARS"),
          ("count-with-deprecate", "DEPRECATE", dict(filter=dict(type="COUNT", value=5)), {},
           "policy_details[0].filter.type: a COUNT filter only goes with a DELETE action"),
          ("retain-with-count", "DELETE", dict(filter=dict(type="COUNT", value=5, retain_at_least=2)), {},
           "policy_details[0].filter.retain_at_least: retain_at_least only goes with an AGE filter"),
          ("containers-in-ami-policy", "DELETE", dict(action=dict(type="DELETE", include_resources=dict(containers=True)),
                                                      filter=dict(type="COUNT", value=5)), {},
           "policy_details[0].action.include_resources.containers: containers are the container images of a CONTAINER_IMAGE policy"),
          ("amis-in-container-policy", "DELETE", dict(action=dict(type="DELETE", include_resources=dict(amis=True)),
                                                      filter=dict(type="COUNT", value=5)), dict(resource_type="CONTAINER_IMAGE"),
           "policy_details[0].action.include_resources.amis: amis belong to AMI images"),
          ("deprecate-container", "DEPRECATE", dict(filter=dict(type="AGE", value=5, unit="DAYS")), dict(resource_type="CONTAINER_IMAGE"),
           "policy_details[0].action.type: DEPRECATE is for AMI images only; a CONTAINER_IMAGE policy can only DELETE"),
          ("snapshots-without-amis", "DELETE", dict(action=dict(type="DELETE", include_resources=dict(snapshots=True)),
                                                    filter=dict(type="COUNT", value=5)), {},
           "policy_details[0].action.include_resources.snapshots: snapshots can only be included together with AMIs; add amis: true"),
          ("disable-snapshots", "DISABLE", dict(action=dict(type="DISABLE", include_resources=dict(amis=True, snapshots=True)),
                                                filter=dict(type="AGE", value=1, unit="YEARS")), {},
           "policy_details[0].action.include_resources: a DISABLE rule can include AMIs only"),
          ("ami-exclusions-in-container-policy", "DELETE",
           dict(filter=dict(type="COUNT", value=5), exclusion_rules=dict(amis=dict(is_public=True))),
           dict(resource_type="CONTAINER_IMAGE"), "policy_details[0].exclusion_rules.amis: AMI exclusion rules are for AMI_IMAGE policies"),
          ("value-0", "DELETE", dict(filter=dict(type="COUNT", value=0)), {}, "policy_details[0].filter.value: 0 is out of range 1-1000"),
          ("last-launched-400", "DELETE", dict(filter=dict(type="COUNT", value=5),
                                               exclusion_rules=dict(amis=dict(last_launched=dict(value=400, unit="DAYS")))), {},
           "policy_details[0].exclusion_rules.amis.last_launched.value: 400 is out of range 1-365"),
    ]],
    pytest.param("lifecycle_policy", dict(policy_details=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=5)),
                                                          dict(action=dict(type="DELETE"), filter=dict(type="AGE", value=1, unit="YEARS"))]),
                 "policy_details[1].action.type: DELETE is already the action of policy_details[0]", id="lifecycle-two-deletes"),
    pytest.param("lifecycle_policy", dict(policy_details=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=5))] * 4),
                 "policy_details has 4 items; at most 3 are allowed", id="lifecycle-4-details"),
    pytest.param("lifecycle_policy", dict(resource_selection=dict(recipes=[dict(name="@P-recipe", semantic_version="x.x.x")],
                                                                  tag_map=dict(retire="yes"))),
                 "resource_selection: give exactly one of recipes or tag_map (both are given)", id="lifecycle-recipes-and-tags"),
    pytest.param("lifecycle_policy", dict(resource_selection=dict(recipes=[dict(name="@P-recipe", semantic_version="1.0")])),
                 "resource_selection.recipes[0].semantic_version: '1.0' must match", id="lifecycle-recipe-version"),
    pytest.param("lifecycle_policy", dict(execution_role="arn:aws:iam::1234:role/x"), "execution_role: 'arn:aws:iam::1234:role/x' must match",
                 id="lifecycle-role-arn"),
    pytest.param("lifecycle_policy", dict(policy_details=[dict(action=dict(type="DELETE"), filter=dict(type="COUNT", value=5, unit="DECADES"))]),
                 "value of unit must be one of: DAYS, WEEKS, MONTHS, YEARS", id="lifecycle-unit-choice"),
    pytest.param("lifecycle_policy", dict(status="PAUSED"), "value of status must be one of: ENABLED, DISABLED", id="lifecycle-status"),
    pytest.param("lifecycle_policy", dict(execution_role=DROP), "execution_role: required to create lifecycle policy", id="lifecycle-no-role"),
    pytest.param("lifecycle_policy_info", dict(arn=ib_arn("image-pipeline", "x")),
                 "arn: '%s' is not an Image Builder lifecycle policy ARN" % ib_arn("image-pipeline", "x"), id="lifecycle_policy_info-arn"),

    # ---- sharing policies: checked before any call
    pytest.param("component", dict(policy="{not json"), "policy: is not valid JSON", id="component-policy-not-json"),
    pytest.param("image_recipe", dict(policy=dict(Version="2012-10-17")), "policy: has no Statement", id="recipe-policy-no-statement"),
    pytest.param("image", dict(policy=dict(Statement=dict(Effect="Allow", Principal=dict(AWS="111122223333"), Action="ec2:RunInstances"))),
                 "policy.Statement[0].Action: 'ec2:RunInstances' is not an Image Builder action", id="image-policy-not-imagebuilder"),
    pytest.param("component", dict(policy=dict(Statement=[])), "policy.Statement: give at least one statement", id="component-policy-empty"),

    # ---- image
    pytest.param("image", dict(infrastructure_configuration="@P-infra"), "infrastructure_configuration: the pipeline's own settings are used",
                 id="image-pipeline-and-infrastructure"),
    pytest.param("image", dict(wait_timeout=-1), "wait_timeout: must be 0 or more seconds", id="image-negative-wait"),
    pytest.param("image", dict(pipeline="a"), "pipeline: 'a' is not a valid Image Builder name", id="image-pipeline-name"),
    pytest.param("image", dict(pipeline="@P-nopipe"), "pipeline: image pipeline '@P-nopipe' does not exist", id="image-pipeline-missing"),
    pytest.param("image", dict(pipeline=ib_arn("image-recipe", "@P-recipe", "1.0.0")), "pipeline: '%s' is not an Image Builder image pipeline ARN"
                 % ib_arn("image-recipe", "@P-recipe", "1.0.0"), id="image-pipeline-arn-of-a-recipe"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe"), "infrastructure_configuration: required to build from image_recipe",
                 id="image-recipe-without-infrastructure"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe", infrastructure_configuration=ib_arn("distribution-configuration", "@P-dist")),
                 "infrastructure_configuration: '%s' is not an Image Builder infrastructure configuration ARN"
                 % ib_arn("distribution-configuration", "@P-dist"), id="image-infrastructure-arn-of-a-distribution"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe", infrastructure_configuration="@P-infra",
                               image_tests=dict(timeout_minutes=1441)),
                 "image_tests.timeout_minutes: 1441 is out of range", id="image-test-timeout"),
    pytest.param("image", dict(tags={"aws:build": "x"}), "tags: key 'aws:build' must match", id="image-tags-aws"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe", container_recipe="@P-container", infrastructure_configuration="@P-infra"),
                 "parameters are mutually exclusive: image_recipe|container_recipe", id="image-image-and-container-recipe"),
    pytest.param("image", dict(pipeline=DROP, container_recipe="@P-container"),
                 "infrastructure_configuration: required to build from container_recipe without a pipeline", id="image-container-without-infrastructure"),
    pytest.param("image", dict(pipeline=DROP, container_recipe="@P-nocontainer", infrastructure_configuration="@P-infra"),
                 "container_recipe: container recipe '@P-nocontainer' does not exist", id="image-container-recipe-missing"),
    pytest.param("image", dict(container_recipe="@P-container"),
                 "container_recipe: pipeline %s builds" % ib_arn("image-pipeline", "@P-pipe"), id="image-pipeline-builds-another-recipe"),
    pytest.param("image", dict(logging_configuration=dict(log_group_name="/aws/imagebuilder/x")),
                 "logging_configuration: the pipeline's own settings are used", id="image-pipeline-and-logging"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe", infrastructure_configuration="@P-infra",
                               logging_configuration=dict(log_group_name="my logs!")),
                 "logging_configuration.log_group_name: 'my logs!' must match", id="image-log-group"),
    pytest.param("image", dict(pipeline=DROP, image_recipe="@P-recipe", infrastructure_configuration="@P-infra",
                               image_scanning_configuration=dict(ecr_configuration=dict(repository_name="no-such-repository"))),
                 "image_scanning_configuration.ecr_configuration.repository_name: ECR repository no-such-repository does not exist",
                 id="image-scanning-repository-missing"),
    pytest.param("image", dict(pipeline=DROP, state="absent", arn=ib_arn("image", "@P-recipe", "1.0.0")),
                 "arn: '%s' is not an image build version ARN" % ib_arn("image", "@P-recipe", "1.0.0"), id="image-absent-version-arn"),
    pytest.param("image", dict(pipeline=DROP, state="absent", arn=ib_arn("image-recipe", "@P-recipe", "1.0.0")),
                 "is not an image build version ARN", id="image-absent-recipe-arn"),
    pytest.param("image", dict(pipeline=DROP, state="cancelled"), "state is cancelled but all of the following are missing: arn",
                 id="image-cancelled-without-arn"),
    pytest.param("image", dict(pipeline=DROP, state="cancelled", arn=ib_arn("image", "@P-recipe", "1.0.0")),
                 "arn: '%s' is not an image build version ARN" % ib_arn("image", "@P-recipe", "1.0.0"), id="image-cancelled-version-arn"),
    pytest.param("image", dict(delete_output_resources=True), "delete_output_resources: only with state=absent",
                 id="image-delete-output-resources-present"),
    pytest.param("image", dict(arn=ib_arn("image", "@P-recipe", "1.0.0") + "/1"), "parameters are mutually exclusive: arn|pipeline",
                 id="image-arn-and-pipeline"),
    pytest.param("image_info", dict(latest_available=True), "latest_available: give image_recipe or pipeline",
                 id="image_info-latest-without-recipe-or-pipeline"),
    pytest.param("image_info", dict(pipeline="@P-nopipe", latest_available=True), "pipeline: image pipeline '@P-nopipe' does not exist",
                 id="image_info-pipeline-missing"),
    pytest.param("image_info", dict(pipeline=ib_arn("image-recipe", "@P-recipe", "1.0.0")),
                 "pipeline: '%s' is not an Image Builder image pipeline ARN" % ib_arn("image-recipe", "@P-recipe", "1.0.0"),
                 id="image_info-pipeline-arn-of-a-recipe"),
    pytest.param("image_info", dict(image_recipe="@P-recipe:1.x.0", latest_available=True), "image_recipe version: '1.x.0'",
                 id="image_info-recipe-version"),
    pytest.param("image_info", dict(pipeline="@P-pipe", filters=dict(name="x")), "filters: not with image_recipe or pipeline",
                 id="image_info-pipeline-with-filters"),

    # ---- updates of what exists: refused the same way, the resource left as it was
    pytest.param("distribution_configuration", dict(name="@P-dist", distributions=amis(1, target_account_ids=["12345678901"])),
                 "distributions[1].ami_distribution_configuration.target_account_ids[0]: '12345678901' must match", id="update-distribution-account"),
    pytest.param("image_pipeline", dict(name="@P-pipe", schedule=dict(expression="cron(0 3 * * SUN *)")),
                 "schedule.expression: 'cron(0 3 * * SUN *)': both day fields are set", id="update-pipeline-schedule"),
    pytest.param("image_pipeline", dict(name="@P-pipe", image_recipe=DROP, infrastructure_configuration=DROP, distribution_configuration=DROP,
                                        workflows=[workflow()]),
                 "execution_role: workflows need an execution role", id="update-pipeline-workflows-without-role"),
    pytest.param("infrastructure_configuration", dict(name="@P-infra", subnet_id="subnet-0123456789abcdef0"),
                 "subnet_id: subnet subnet-0123456789abcdef0 does not exist", id="update-infra-subnet"),
    pytest.param("infrastructure_configuration", dict(name="@P-infra", instance_types=["t3.large"], tags={"aws:owner": "me"}),
                 "tags: key 'aws:owner' must match", id="update-infra-tags-aws"),
    pytest.param("image_recipe", dict(name="@P-recipe", components=[dict(name="@P-comp", parameters=dict(delta="4"))]),
                 "components[0].parameters: 'delta' is not declared by component", id="update-recipe-parameter"),
    pytest.param("component", dict(name="@P-comp", kms_key_id="alias/no-such-key"), "kms_key_id: KMS key alias/no-such-key does not exist",
                 id="update-component-kms"),
    pytest.param("component", dict(name="@P-comp", data=document("new content"), tags=dict(("k%d" % index, "v") for index in range(51))),
                 "tags has 51 entries; at most 50 are allowed", id="update-component-51-tags"),
]


def substitute(value, names):
    if isinstance(value, str):
        for token, replacement in sorted(names.items(), key=lambda item: -len(item[0])):  # @PROFILE before @P
            value = value.replace(token, replacement)
        return value
    if isinstance(value, dict):
        return dict((key, substitute(item, names)) for key, item in value.items())
    if isinstance(value, list):
        return [substitute(item, names) for item in value]
    return value


@pytest.fixture(scope="module")
def stack(play, emulator, linux_ami, instance_profile):
    """What the cases refer to, made once: a component declaring alpha and beta, a recipe using it, both
    configurations, a pipeline, and a launch template in eu-west-1 (none in us-east-1)."""
    prefix = "bad-" + uuid.uuid4().hex[:8]
    play([
        task("component", name=prefix + "-comp", data=document(parameters=("alpha", "beta"))),
        task("component", name=prefix + "-win", platform="Windows", data=WINDOWS_DOCUMENT),
        task("image_recipe", name=prefix + "-recipe", parent_image=linux_ami, components=[dict(name=prefix + "-comp")]),
        task("infrastructure_configuration", name=prefix + "-infra", instance_profile_name=instance_profile),
        task("distribution_configuration", name=prefix + "-dist", distributions=[
            dict(region="us-east-1", ami_distribution_configuration=dict(name=AMI_NAME))]),
        task("image_pipeline", name=prefix + "-pipe", image_recipe=prefix + "-recipe", infrastructure_configuration=prefix + "-infra",
             distribution_configuration=prefix + "-dist", schedule=dict(expression="cron(0 3 ? * SUN *)")),
    ])
    emulator.client("ecr").create_repository(repositoryName=prefix + "-repo")
    play([task("container_recipe", name=prefix + "-container", parent_image="amazonlinux:latest", target_repository=dict(repository_name=prefix + "-repo"),
               dockerfile_template_data="{% raw %}FROM {{{ imagebuilder:parentImage }}}\n{% endraw %}")])
    template = emulator.client("ec2", region="eu-west-1").create_launch_template(
        LaunchTemplateName=prefix + "-lt", LaunchTemplateData=dict(InstanceType="t3.small"))["LaunchTemplate"]["LaunchTemplateId"]
    parameter = "/%s/parent-image" % prefix
    emulator.client("ssm").put_parameter(Name=parameter, Value=linux_ami, Type="String", DataType="aws:ec2:image")
    return dict(prefix=prefix, names={"@P": prefix, "@AMI": linux_ami, "@PROFILE": instance_profile, "@LT_EU": template, "@SSM": parameter})


def options_of(module, changes, names):
    options = dict(BASE[module])
    for key, value in changes.items():
        if value is DROP:
            options.pop(key, None)
        else:
            options[key] = value
    return substitute(options, names)


def read(emulator, module, name):
    """The resource ``name`` of ``module`` as GetX answers (the latest version of a versioned one), or None."""
    client = emulator.client("imagebuilder")
    kind = ARN_TYPES[module]
    versioned = module in ("component", "image_recipe")
    arn = ib_arn(kind, name.lower(), "x.x.x" if versioned else None)
    parameter = {"component": "componentBuildVersionArn", "image_recipe": "imageRecipeArn", "image_pipeline": "imagePipelineArn",
                 "infrastructure_configuration": "infrastructureConfigurationArn",
                 "distribution_configuration": "distributionConfigurationArn", "lifecycle_policy": "lifecyclePolicyArn"}[module]
    try:
        found = getattr(client, "get_" + module)(**{parameter: arn})
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    found.pop("ResponseMetadata", None)
    found.pop("requestId", None)
    return found


def batches():
    """The cases in plays of their own: bad names (refused before any call at all), then one play per module."""
    groups = {}
    for case in CASES:
        module, _changes, message = case.values
        groups.setdefault("names" if message.startswith("name: ") else module, []).append(case)
    return [pytest.param(cases, id=group) for group, cases in sorted(groups.items())]


@pytest.mark.parametrize("cases", batches())
def test_bad_input_is_refused_before_any_write(play, emulator, writes, stack, cases):
    """One play per batch, each case a task that may fail (ignore_errors), so the whole batch costs one
    ansible-playbook start; every case is then judged on its own result, and the batch's call log must
    hold no write at all."""
    prepared = []
    for case in cases:
        module, changes, message = case.values
        names = dict(stack["names"], **{"@N": "case-" + uuid.uuid4().hex[:8]})
        options = options_of(module, changes, names)
        name = options.get("name")
        target = module in RESOURCE_MODULES and name and "/" not in name and 3 <= len(name) <= 128
        prepared.append((case.id, module, options, substitute(message, names), name if target else None))
    before = dict((case_id, read(emulator, module, name)) for case_id, module, _options, _message, name in prepared if name)
    writes()  # count from here

    result = play([dict(task(module, **options), name=case_id, ignore_errors=True) for case_id, module, options, _message, _name in prepared],
                  expect_failure=True)

    problems = []
    for (case_id, module, _options, message, name), outcome in zip(prepared, result.results):
        if not outcome.get("failed"):
            problems.append("%s: not refused: %s" % (case_id, outcome))
        elif message not in outcome["msg"]:
            problems.append("%s: expected %r in: %s" % (case_id, message, outcome["msg"]))
        elif name and read(emulator, module, name) != before[case_id]:
            problems.append("%s: the task left %s %s changed or half-made" % (case_id, module, name))
    assert len(result.results) == len(prepared)
    calls = emulator.calls()
    assert writes() == [] and writes_in(calls) == []
    attempted = ["%s:%s" % (call["service"], call["operation"]) for call in calls if not call["operation"].startswith(READ_PREFIXES)]
    assert attempted == [], "write calls were made (even if refused): %s" % attempted
    if all(message.startswith("name: ") for _id, _module, _options, message, _name in prepared):
        assert calls == [], "a bad name is refused before any call, not by a Get or List the service refuses"
    assert problems == [], "\n".join(problems)


def test_a_launch_template_is_looked_up_in_the_region_it_serves(play, emulator, writes, stack):
    """The launch template the cases miss in us-east-1 is found in eu-west-1 (check mode: nothing is written)."""
    names = dict(stack["names"], **{"@N": "case-" + uuid.uuid4().hex[:8]})
    options = options_of("distribution_configuration", dict(distributions=[dict(
        region="eu-west-1", launch_template_configurations=[dict(launch_template_id="@LT_EU")])]), names)
    writes()
    predicted = play([task("distribution_configuration", **options)], check=True)
    assert predicted[0]["changed"] is True and writes() == []


def test_a_windows_parent_image_takes_windows_components_and_refuses_linux_ones(play, emulator, writes, stack):
    """The platform of the parent image comes from DescribeImages (Platform: windows): the Windows component is taken,
    a Linux one is refused before any write, naming the entry."""
    windows = emulator.client("ec2").describe_images(Owners=["amazon"], Filters=[dict(Name="platform", Values=["windows"])])["Images"]
    assert windows, "moto's built-in images have no Windows AMI"
    name = "%s-windows-%s" % (stack["prefix"], uuid.uuid4().hex[:6])
    created = play([task("image_recipe", name=name, parent_image=windows[0]["ImageId"], components=[dict(name=stack["prefix"] + "-win")])])
    assert created[0]["changed"] is True
    writes()

    refused = play([task("image_recipe", name=name, parent_image=windows[0]["ImageId"],
                         components=[dict(name=stack["prefix"] + "-win"), dict(name=stack["prefix"] + "-comp")])], expect_failure=True)
    assert "components[1].name: component" in refused[0]["msg"] and "is for Linux, but the parent image is a Windows image" in refused[0]["msg"], \
        refused[0]["msg"]
    assert not [call for call in emulator.calls() if call["operation"] == "CreateImageRecipe"], "refused before the create was sent"
    assert writes() == []
