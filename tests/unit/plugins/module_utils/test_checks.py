"""Local request checks: the botocore model, schedules, time zones, regions, AMI names, account ids."""
import pytest

from ansible_collections.amiforge.imagebuilder.plugins.module_utils import checks

RENAMES = {
    "imageRecipeArn": "image_recipe", "infrastructureConfigurationArn": "infrastructure_configuration",
    "schedule.scheduleExpression": "schedule.expression", "schedule.pipelineExecutionStartCondition": "schedule.start_condition",
    "imageTestsConfiguration": "image_tests", "imageTestsConfiguration.imageTestsEnabled": "image_tests.enabled",
    "semanticVersion": "version", "components[].componentArn": "components[].arn", "logging.s3Logs": "logging",
    "additionalInstanceConfiguration.systemsManagerAgent": "systems_manager_agent",
}
ACCOUNT = "123456789012"
PREFIX = "arn:aws:imagebuilder:eu-west-1:%s:" % ACCOUNT


# ---- schedules ----------------------------------------------------------------------------

@pytest.mark.parametrize("expression, message", [
    ("cron(0 3 * * SUN *)", "both day fields are set; put ? in the Day field: cron(0 3 ? * SUN *)"),
    ("cron(0 3 * * 0)", "has 5 fields; Image Builder's cron has 6 (minute hour day month day-of-week year), e.g. cron(0 3 ? * SUN *)"),
    ("cron(0 25 ? * SUN *)", "hour 25 is out of range 0-23"),
    ("cron(60 3 ? * SUN *)", "minute 60 is out of range 0-59"),
    ("cron(0 3 32 * ? *)", "day 32 is out of range 1-31"),
    ("cron(0 3 ? 13 SUN *)", "month 13 is out of range 1-12"),
    ("cron(0 3 ? * 8 *)", "day-of-week 8 is out of range 1-7"),
    ("cron(0 3 ? * SUN 1969)", "year 1969 is out of range 1970-2199"),
    ("cron(0 3 1 * * *)", "both day fields are set; put ? in the Day of week field: cron(0 3 1 * ? *)"),
    ("cron(0 3 ? * ? *)", "both day fields are ?; put * in the Day field: cron(0 3 * * ? *)"),
])
def test_cron_problems_say_what_is_wrong_with_a_fix(expression, message):
    assert checks.schedule_expression_problem(expression) == message


@pytest.mark.parametrize("expression, fragment", [
    ("cron(0 3 1 * MON *)", "put ? in the Day field: cron(0 3 ? * MON *) (or in the Day of week field: cron(0 3 1 * ? *))"),
    ("cron(0 3 ? * SUN#6 *)", "# must be followed by 1-5"),
    ("cron(0 3 ? FOO SUN *)", "month 'FOO' is not valid; use 1-12 or JAN-DEC"),
    ("cron(L 3 ? * SUN *)", "minute 'L' is not valid; use 0-59"),
    ("cron(0 ? ? * SUN *)", "? is only allowed in the day and day-of-week fields"),
    ("cron(0 3 1? * ? *)", "? must be the whole field"),
    ("cron(0/0 3 ? * SUN *)", "the increment after / must be a number from 1"),
    ("cron(0 3 1,,2 * ? *)", "has an empty value"),
    ("cron(0  3 ? * SUN *)", "single spaces"),
    ("cron(0 3 0W * ? *)", "day 0 is out of range 1-31"),
    ("0 3 * * *", "is not a schedule expression"),
    ("rate(1 days)", "use the singular unit with 1: rate(1 day)"),
    ("rate(2 hour)", "use the plural unit with 2: rate(2 hours)"),
    ("rate(0 days)", "at least 1"),
    ("rate(5 weeks)", "minute(s), hour(s) or day(s)"),
    ("rate(1day)", "minute(s), hour(s) or day(s)"),
])
def test_invalid_schedules(expression, fragment):
    assert fragment in checks.schedule_expression_problem(expression)


@pytest.mark.parametrize("expression", [
    "cron(0 3 ? * SUN *)", "cron(0 0 * * ? *)", "cron(15 10 ? * MON-FRI *)", "cron(0/15 * * * ? *)", "cron(0 8 1 * ? *)",
    "cron(0 18 ? * 6L *)", "cron(0 9 ? * fri#2 *)", "cron(0 0 LW * ? *)", "cron(0 0 3W * ? 2025-2030)",
    "cron(0 10 ? JAN,jul mon *)", "cron(30 2 L * ? *)", "cron(0 */2 ? * * *)", "cron(0 0 ? * 1-7 2199)",
    "rate(1 minute)", "rate(30 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)",
])
def test_valid_schedules(expression):
    assert checks.schedule_expression_problem(expression) is None


# ---- time zones, regions, AMI names, accounts ---------------------------------------------

@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Europe/Paris", "America/Los_Angeles", "America/Argentina/Buenos_Aires"])
def test_valid_timezones(zone):
    assert checks.timezone_problem(zone) is None


def test_invalid_timezones():
    assert checks.timezone_problem("Paris") == "not an IANA time zone; use Region/City such as Europe/Paris or Etc/UTC"
    assert "Asia/Tokyo" in checks.timezone_problem("Tokyo")
    assert "case-sensitive: Europe/Paris" in checks.timezone_problem("europe/paris")
    assert checks.timezone_problem("Mars/Olympus_Mons").startswith("not an IANA time zone")


def test_timezones_without_zone_data_fall_back_to_the_model_pattern(monkeypatch):
    monkeypatch.setitem(checks._CACHE, "zones", set())
    assert checks.timezone_problem("Mars/Olympus_Mons") is None
    assert checks.timezone_problem("Paris/") is not None


@pytest.mark.parametrize("region, partition", [("us-east-1", "aws"), ("eu-west-3", "aws"), ("cn-north-1", "aws-cn"),
                                               ("us-gov-west-1", "aws-us-gov")])
def test_valid_regions(region, partition):
    assert checks.region_problem(region, partition) is None


def test_invalid_regions():
    message = checks.region_problem("us-east-7")
    assert message.startswith("not a region of partition aws; known: ")
    assert "us-east-1" in message and "needs a newer botocore" in message
    assert checks.region_problem("cn-north-1") == "is a region of partition aws-cn, not of partition aws"
    assert "not a partition botocore knows" in checks.region_problem("us-east-1", "aws-moon")


@pytest.mark.parametrize("name", ["my-ami-{{imagebuilder:buildDate}}", "my ami {{ imagebuilder:buildDate }}",
                                  "{{imagebuilder:buildDate}}", "web: 1.2 {{imagebuilder:buildDate}}"])
def test_valid_ami_names(name):
    assert checks.ami_name_problem(name) is None


def test_invalid_ami_names():
    missing = checks.ami_name_problem("my-ami")
    assert missing.startswith("does not include {{imagebuilder:buildDate}}")
    assert "my-ami-{{imagebuilder:buildDate}}" in missing
    assert "\"my-ami-{{ '{{' }}imagebuilder:buildDate{{ '}}' }}\"" in missing and "!unsafe" in missing
    assert "not allowed: '#'" in checks.ami_name_problem("my#ami-{{imagebuilder:buildDate}}")
    assert "1-127" in checks.ami_name_problem("a" * 120 + "-{{imagebuilder:buildDate}}")
    assert "must match" in checks.ami_name_problem("my-ami-{{imagebuilder:buildDate}}.")


@pytest.mark.parametrize("account, fragment", [
    (ACCOUNT, None), ("012345678901", None),
    ("12345678901", "has 11 digits"), (12345678901, "leading zeros"), ("1234-5678-9012", "write the 12 digits only: 123456789012"),
    ("1234567890123", "has 13 digits"), ("abc", "not a 12-digit AWS account id"), (None, "not a 12-digit AWS account id"),
])
def test_account_ids(account, fragment):
    problem = checks.account_id_problem(account)
    assert problem is None if fragment is None else fragment in problem


# ---- paths -------------------------------------------------------------------------------

def test_user_path():
    assert (checks.user_path("distributions[0].amiDistributionConfiguration.launchPermission.userIds[1]")
            == "distributions[0].ami_distribution_configuration.launch_permission.user_ids[1]")
    assert checks.user_path("components[3].componentArn", RENAMES) == "components[3].arn"
    assert checks.user_path("components[3].parameters[0].name", RENAMES) == "components[3].parameters[0].name"
    assert checks.user_path("imageTestsConfiguration.imageTestsEnabled", RENAMES) == "image_tests.enabled"
    assert checks.user_path("imageTestsConfiguration.timeoutMinutes", RENAMES) == "image_tests.timeout_minutes"
    assert checks.user_path("logging.s3Logs.s3BucketName", RENAMES) == "logging.s3_bucket_name"
    assert checks.user_path("additionalInstanceConfiguration.systemsManagerAgent.uninstallAfterBuild", RENAMES) \
        == "systems_manager_agent.uninstall_after_build"
    assert checks.user_path("tags['CostCenter.Id']", RENAMES) == "tags['CostCenter.Id']"


# ---- whole requests ----------------------------------------------------------------------

def pipeline(**changes):
    request = dict(
        name="nightly web", imageRecipeArn=PREFIX + "image-recipe/web/1.0.0",
        infrastructureConfigurationArn=PREFIX + "infrastructure-configuration/build",
        distributionConfigurationArn=PREFIX + "distribution-configuration/eu",
        imageTestsConfiguration=dict(imageTestsEnabled=True, timeoutMinutes=90),
        schedule=dict(scheduleExpression="cron(0 3 ? * SUN *)", timezone="Europe/Paris",
                      pipelineExecutionStartCondition="EXPRESSION_MATCH_ONLY"),
        status="ENABLED", enhancedImageMetadataEnabled=True, imageScanningConfiguration=dict(imageScanningEnabled=False),
        tags={"team": "web"}, clientToken="ignored", dryRun=False,
    )
    request.update(changes)
    return request


def test_a_valid_pipeline_request_has_no_problem():
    assert checks.request_problems("CreateImagePipeline", pipeline(), RENAMES) == []


def test_pipeline_problems_in_the_users_words():
    request = pipeline(
        imageRecipeArn=PREFIX + "component/web/1.0.0", status="ON", bogus=1,
        imageTestsConfiguration=dict(imageTestsEnabled="yes", timeoutMinutes=30.5),
        schedule=dict(scheduleExpression="cron(0 3 * * SUN *)", timezone="Paris", pipelineExecutionStartCondition="NOW"),
        tags={"aws:owner": "x"},
    )
    del request["infrastructureConfigurationArn"]
    problems = checks.request_problems("CreateImagePipeline", request, RENAMES)
    assert "infrastructure_configuration is required" in problems
    assert any(p.startswith("image_recipe: '%scomponent/web/1.0.0' must match ^arn:" % PREFIX) and "an image recipe ARN" in p
               for p in problems)
    assert "status: 'ON' is not one of: DISABLED, ENABLED" in problems
    assert ("schedule.expression: 'cron(0 3 * * SUN *)': both day fields are set; put ? in the Day field: cron(0 3 ? * SUN *)"
            in problems)
    assert "schedule.timezone: 'Paris': not an IANA time zone; use Region/City such as Europe/Paris or Etc/UTC" in problems
    assert any(p.startswith("schedule.start_condition: 'NOW' is not one of: ") for p in problems)
    assert "image_tests.enabled: 'yes' must be true or false" in problems
    assert "image_tests.timeout_minutes: 30.5 must be an integer" in problems
    assert any(p.startswith("tags: key 'aws:owner' must match") for p in problems)
    assert any(p.startswith("bogus is not an option here; known: name, description, image_recipe, ") for p in problems)
    assert len(problems) == 10


def test_integer_ranges():
    problems = checks.request_problems("CreateImagePipeline", pipeline(imageTestsConfiguration=dict(timeoutMinutes=30)), RENAMES)
    assert problems == ["image_tests.timeout_minutes: 30 is out of range 60-1440"]


def distribution(**ami):
    configuration = dict(name="web-{{imagebuilder:buildDate}}", targetAccountIds=[ACCOUNT, "210987654321"],
                         launchPermission=dict(userIds=[ACCOUNT]), amiTags={"Name": "web"})
    configuration.update(ami)
    return dict(name="eu-web", distributions=[
        dict(region="eu-west-1", amiDistributionConfiguration=dict(name="web-{{ imagebuilder:buildDate }}")),
        dict(region="eu-central-1", amiDistributionConfiguration=configuration,
             launchTemplateConfigurations=[dict(launchTemplateId="lt-0123456789abcdef0", setDefaultVersion=True)]),
    ])


def test_a_valid_distribution_request_has_no_problem():
    assert checks.request_problems("CreateDistributionConfiguration", distribution()) == []


def test_distribution_problems():
    request = distribution(targetAccountIds=[ACCOUNT, "12345678901"], name="web",
                           launchPermission=dict(organizationArns=["arn:aws:organizations::123456789012:organization/o-abcd123456"] * 26))
    request["distributions"][0]["region"] = "eu-west-9"
    request["distributions"].append(dict(region="us-east-1", fastLaunchConfigurations=[dict(enabled=True, accountId=ACCOUNT,
                                                                                            snapshotConfiguration=dict(targetResourceCount=0))],
                                         containerDistributionConfiguration=dict(targetRepository=dict(service="DOCKER",
                                                                                                       repositoryName="r"))))
    problems = checks.request_problems("CreateDistributionConfiguration", request)
    assert ("distributions[1].ami_distribution_configuration.target_account_ids[1]: '12345678901' must match ^[0-9]{12}$ "
            "(a 12-digit AWS account id)") in problems
    assert ("distributions[1].ami_distribution_configuration.launch_permission.organization_arns has 26 items; "
            "at most 25 are allowed") in problems
    assert any(p.startswith("distributions[1].ami_distribution_configuration.name: 'web': does not include "
                            "{{imagebuilder:buildDate}}") for p in problems)
    assert any(p.startswith("distributions[0].region: 'eu-west-9': not a region of partition aws") for p in problems)
    assert "distributions[2].container_distribution_configuration.target_repository.service: 'DOCKER' is not one of: ECR" in problems
    assert "distributions[2].fast_launch_configurations[0].snapshot_configuration.target_resource_count: 0 is out of range 1-10000" \
        in problems
    assert any(p.startswith("distributions[2].container_distribution_configuration.target_repository.repository_name: 'r': is not an ECR "
                            "repository name") for p in problems)
    assert len(problems) == 7


@pytest.mark.parametrize("name, problem", [
    ("team-a/web", None), ("web", None), ("a.b_c__d--e/f", None),
    ("r", "is not an ECR repository name"), ("Web", "is not an ECR repository name"), ("web/", "is not an ECR repository name"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web", "give the repository name only, not a registry URI or tag, e.g. team/web"),
    ("web:latest", "give the repository name only, not a registry URI or tag, e.g. web"),
])
def test_ecr_repository_names(name, problem):
    found = checks.ecr_repository_name_problem(name)
    assert (found is None) if problem is None else (problem in found), found


def test_recipe_and_fast_launch_combinations():
    request = distribution()
    template = dict(launchTemplateId="lt-0123456789abcdef0", launchTemplateName="windows")
    request["distributions"][0]["fastLaunchConfigurations"] = [dict(enabled=True, launchTemplate=template)]
    assert checks.request_problems("CreateDistributionConfiguration", request) == [
        "distributions[0].fast_launch_configurations[0].launch_template: give launch_template_id or launch_template_name, not both"]
    both = dict(imageRecipeArn="arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/r/1.0.0",
                containerRecipeArn="arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/r/1.0.0",
                infrastructureConfigurationArn="arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/i")
    assert checks.request_problems("CreateImage", both, dict(imageRecipeArn="image_recipe", containerRecipeArn="container_recipe")) == [
        "image_recipe and container_recipe: give one recipe, not both"]


def test_distribution_regions_of_other_partitions_are_accepted():
    request = distribution()
    request["distributions"][0]["region"] = "cn-north-1"
    assert checks.request_problems("CreateDistributionConfiguration", request) == []


def recipe(*arns, **agent):
    return dict(name="web", semanticVersion="1.0.x", parentImage="arn:aws:imagebuilder:eu-west-1:aws:image/amazon-linux-2023-x86/x.x.x",
                components=[dict(componentArn=arn) for arn in arns], workingDirectory="/tmp",
                additionalInstanceConfiguration=dict(systemsManagerAgent=dict(agent)))


def test_recipe_components_of_third_parties_and_the_marketplace_are_valid():
    arns = ["arn:aws:imagebuilder:eu-west-1:aws:component/update-linux/x.x.x",
            "arn:aws:imagebuilder:eu-west-1:third-party:component/cis-hardening/1.0.0/1",
            "arn:aws:imagebuilder:eu-west-1:aws-marketplace:component/agent/2.1.0/3",
            PREFIX + "component/install-nginx/1.2.3/4",
            "arn:aws-cn:imagebuilder:cn-north-1:%s:component/install-nginx/1.x.x" % ACCOUNT]
    problems = checks.request_problems("CreateImageRecipe", recipe(*arns, uninstallAfterBuild="no"), RENAMES)
    assert problems == ["systems_manager_agent.uninstall_after_build: 'no' must be true or false"]


def test_recipe_component_arn_of_another_kind():
    problems = checks.request_problems("CreateImageRecipe", recipe(PREFIX + "component/a/1.0.0", PREFIX + "image-recipe/web/1.0.0"),
                                       RENAMES)
    assert len(problems) == 1
    assert problems[0].startswith("components[1].arn: '%simage-recipe/web/1.0.0' must match ^arn:" % PREFIX)
    assert "(a component ARN such as" in problems[0]


def test_empty_recipe_components():
    problems = checks.request_problems("CreateImageRecipe", recipe(), RENAMES)
    assert problems == ["components has 0 items; at least 1 is required"]


@pytest.mark.parametrize("version, problem", [
    ("1.0.0", None), ("2021.01.01", None),
    ("1.0", "version: '1.0' must match ^[0-9]+\\.[0-9]+\\.[0-9]+$ (major.minor.patch such as 1.0.0)"),
    ("1.x.0", "version: '1.x.0' must match"),
])
def test_component_versions(version, problem):
    request = dict(name="install-nginx", semanticVersion=version, platform="Linux", data="schemaVersion: 1.0\n")
    problems = checks.request_problems("CreateComponent", request, RENAMES)
    assert problems == [] if problem is None else (len(problems) == 1 and problems[0].startswith(problem))


def test_component_enum_types_and_missing_members():
    problems = checks.request_problems("CreateComponent", dict(name="x y", platform="Solaris", data="", tags=[]), RENAMES)
    assert problems == [
        "version is required",
        "platform: 'Solaris' is not one of: Windows, Linux, macOS",
        "data: '' is 0 characters long; at least 1 is required",
        "tags: [] must be a dictionary",
    ]


def test_fail_on_problems():
    class Module:
        failed = None

        def fail_json(self, **kwargs):
            self.failed = kwargs

    module = Module()
    checks.fail_on_problems(module, [])
    assert module.failed is None
    checks.fail_on_problems(module, ["a is required", "b: 1 must be a string"])
    assert module.failed == dict(msg="a is required; b: 1 must be a string", problems=["a is required", "b: 1 must be a string"])
