"""Every document of ../shared/corpus/component-documents (public documents written by others) gets
the verdict a careful reader would give.

VERDICTS lists each file with the platform it was written for (None: not platform specific or
does not parse), the findings of severity error or warning we expect (severity, rule, path), and,
for every file with findings, the reason. A file added to the corpus fails the test until someone
decides its verdict here.

Template placeholders: several documents are stored as their authors committed them, inside a
CloudFormation !Sub (${Param}), a Terraform templatefile (${var}, %{ if }) or a CDK app (@@VAR@@).
Inside strings these are just text to the document format (AWSTOE substitutes only {{ ... }}),
so they are not errors; the validator notes them as `info` when they sit outside shell commands,
because the document only works once the template around it is rendered. A template whose
directives break the YAML itself (%{ ... } at column 0) is an error: as committed it is not a
document.
"""
import os

import pytest

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import validate_document

SAMPLES = "aws-samples__amazon-ec2-image-builder-samples/"
PCLUSTER = "aws__aws-parallelcluster/cli__src__pcluster__resources__imagebuilder__"
VALID = "valid"

VERDICTS = [
    # (file, platform, expected error/warning findings, reason)
    ("EmmanuelTsouris__ec2-image-builder-components/install-vscode.yml", None,
     [("error", "yaml-syntax", "")],
     "Not YAML: the PowerShell script sits under 'commands:' as bare lines without a '- |' block (and the file has CRLF "
     "line endings), so no parser, AWSTOE's included, can read it."),
    ("aws-ia__terraform-aws-ec2-image-builder/examples__linux__linuxbuild.yaml", "Linux", [], VALID),
    ("aws-ia__terraform-aws-ec2-image-builder/examples__linux__linuxtest.yaml", "Linux", [], VALID),
    ("aws-ia__terraform-aws-ec2-image-builder/examples__windows__win2022build.yaml", "Windows", [], VALID),
    ("aws-ia__terraform-aws-ec2-image-builder/examples__windows__win2022test.yaml", "Windows", [], VALID),
    (SAMPLES + "CDK__Linux__hello-world__example-component__hello-world-component.yaml", "Linux", [], VALID),
    (SAMPLES + "CloudFormation__Docker__amazon-linux-2-with-helloworld__amazon-linux-2-container-image.yml__embedded-1.yml",
     "Linux", [], VALID),
    (SAMPLES + "CloudFormation__Docker__ubuntu-dotnet-web-application__ubuntu-dotnet-web-application-pipeline.yml__embedded-1.yml",
     "Linux", [], "valid; its constants hold CloudFormation ${...} references that !Sub fills in (info only)"),
    (SAMPLES + "CloudFormation__Docker__windows-dotnet-web-application__windows-dotnet-web-application-pipeline.yml__embedded-1.yml",
     "Windows", [], "valid; constants hold !Sub ${...} references (info only)"),
    (SAMPLES + "CloudFormation__Linux__amazon-linux-2023-attestable-image__base-template.yaml__embedded-1.yml", "Linux", [],
     "valid; uses Assert, `if` with stringEquals on chained outputs, and a parameter with allowedValues (accepted: AWS's "
     "own sample deploys it, though the AWSTOE reference does not list the field)"),
    (SAMPLES + "CloudFormation__Linux__amazon-linux-2023-attestable-image__base-template.yaml__embedded-2.yml", None, [],
     "valid BUILD workflow; RunCommand passes 'imageNamePrefix.$' inside its 'parameters' input, a nested JSONPath key "
     "that Image Builder resolves; the name is a !Sub ${...} reference (info only)"),
    (SAMPLES + "CloudFormation__Windows__cascading-images-with-dotnet-web-application__windows-dotnet-application-stack.yml__embedded-1.yml",
     "Windows", [], VALID),
    (SAMPLES + "CloudFormation__Windows__cascading-images-with-dotnet-web-application__windows-dotnet-application-stack.yml__embedded-2.yml",
     "Windows", [], "valid; test phase repeats its own steps instead of chaining to build outputs; !Sub constants (info)"),
    (SAMPLES + "CloudFormation__Windows__windows-server-2016-with-vscode__windows-server-2016-with-vscode.yml__embedded-1.yml",
     "Windows", [], VALID),
    (SAMPLES + "Components__Linux__ansible-playbook-execution-amazon-linux-2__cloudformation.yml__embedded-1.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Linux__ansible-playbook-execution-amazon-linux-2__component.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Linux__chef-recipe-execution-linux__component.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Linux__inspec-recipe-execution-linux__inspec-test-linux-component.yml", "Linux",
     [("warning", "unknown-input", "phases[0].steps[10].inputs[0].force")],
     "Valid, one warning: DeleteFile has no 'force' input (DeleteFolder has); the intent, deleting the folder "
     "/tmp/inspec_test/ recursively, is not what DeleteFile does."),
    (SAMPLES + "Components__Linux__orca-security-scan-test-component-linux__test_component.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Linux__wordpress-recipes-linux__install_wordpress.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Linux__wordpress-recipes-linux__install_wordpress_with_db.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Linux__wordpress-recipes-linux__install_wordpress_with_db_pma.yml", "Linux", [], VALID),
    (SAMPLES + "Components__Windows__chef-recipe-execution-windows__component.yml", None,
     [("error", "yaml-syntax", "")],
     "Not YAML: the last line ends in a stray '\"' after a single-quoted path, which opens a quoted scalar that never "
     "closes. Image Builder rejects it at CreateComponent; an official AWS sample, broken as committed."),
    (SAMPLES + "Components__Windows__configure-wsus-server__configure-wsus-server.yaml", "Windows", [], VALID),
    (SAMPLES + "Components__Windows__create-local-user__create-local-user.yaml", "Windows", [], VALID),
    (SAMPLES + "Components__Windows__inspec-recipe-execution-windows__inspec-test-windows-component.yml", "Windows", [], VALID),
    ("aws-samples__aws-cdk-golden-ami-pipeline/components__build1.yaml", "Linux", [],
     "valid; parameter 'testparam' is declared but unused (info only)"),
    ("aws-samples__aws-cdk-golden-ami-pipeline/components__build2.yaml", "Linux", [], VALID),
    ("aws-samples__aws-cdk-golden-ami-pipeline/components__customtest.yaml", "Linux", [], VALID),
    ("aws-samples__aws-cdk-golden-ami-pipeline/components__test1.yaml", "Linux", [], VALID),
    ("aws-samples__aws-cdk-imagebuilder-pipeline/components__install_angular.yml", "Linux", [], VALID),
    ("aws-samples__aws-cdk-imagebuilder-pipeline/components__install_devtools.yml", "Linux", [], VALID),
    ("aws-samples__aws-cdk-imagebuilder-pipeline/components__install_dotnetcore.yml", "Linux", [], VALID),
    ("aws-samples__aws-cdk-imagebuilder-pipeline/components__install_python3.yml", "Linux", [], VALID),
    ("aws-samples__aws-sap-golden-ami-image-builder/terraform__modules__ec2-image-builder__files__call_ansible_from_git.tfpl.yml",
     "Linux", [], "valid as a document: the Terraform ${...} interpolations sit inside shell commands, where they are "
     "plain text to AWSTOE (Terraform renders them before upload)"),
    ("aws-samples__build-and-deploy-docker-images-to-aws-using-ec2-image-builder/components__component.yml", "Linux", [], VALID),
    ("aws-samples__cdk-image-pipeline/test__test_component_example.yml", "Linux", [], VALID),
    ("aws-samples__cdk-image-pipeline/test__test_component_example_2.yml", "Linux", [], VALID),
    ("aws-samples__deploy-cis-level-1-hardened-ami-with-ec2-image-builder-pipeline/AnsibleConfig__component-nginx.yml", "Linux", [],
     "valid; chains S3Download inputs[0].destination into later ExecuteBash steps"),
    ("aws-samples__ec2-imagebuilder-ami-lifecycle/stacks__amilifecycle__resources__lambda__ami_lifecycle__app__ami_patch__samples__"
     "sample_component.yaml", "Linux", [], VALID),
    ("aws-samples__ec2-imagebuilder-ami-lifecycle/stacks__imagebuilder__components__install_generic_component.yml", "Linux", [], VALID),
    ("aws-samples__ec2-imagebuilder-secure-proxy/stacks__secureproxy__components__mockservers__install_mock_servers.template.yml",
     "Linux", [], "valid: the CDK app's @@VAR@@ placeholders are inside shell commands, plain text to AWSTOE"),
    ("aws-samples__ec2-imagebuilder-secure-proxy/stacks__secureproxy__components__secureproxy__install_secure_proxy.template.yml",
     "Linux", [], "valid: @@VAR@@ placeholders only inside shell commands"),
    ("aws__aws-cdk/packages__@aws-cdk__aws-imagebuilder-alpha__test__assets__workflow-data.yaml", None, [],
     "valid BUILD workflow: every $.stepOutputs reference names an earlier step, conditions use and/not"),
    ("aws__aws-cdk/packages__@aws-cdk__aws-imagebuilder-alpha__test__integ.asset.component.ts.snapshot__asset."
     "bc0e810d66f3b8e9e6cfe276de3f128be221671559a8b6e657d1d97ace42bd52.yaml", "Linux", [],
     "valid: the same step name in three phases is allowed (names are unique per phase)"),
    (PCLUSTER + "custom_script.yaml", "Linux",
     [("error", "chaining", "phases[0].steps[2].inputs.commands[0]"),
      ("error", "chaining", "phases[0].steps[2].inputs.commands[0]")],
     "Invalid on its own: it chains to build.ScriptUrlScheme and build.ScriptUrl, steps this file does not have. It is a "
     "template: ParallelCluster's wrap_script_to_component() inserts those two steps at the top of the build phase before "
     "uploading it; the rendered document is valid."),
    (PCLUSTER + "parallelcluster.yaml", "Linux", [],
     "valid; ${AWS::Region} and ${!VAR} are CloudFormation !Sub text inside commands and file content (info only); the "
     "constant FailExitCode: 1 is a YAML integer AWSTOE reads as '1' (info)"),
    (PCLUSTER + "parallelcluster_tag.yaml", "Linux", [], VALID),
    (PCLUSTER + "parallelcluster_test.yaml", "Linux", [], VALID),
    (PCLUSTER + "parallelcluster_validate.yaml", "Linux", [], VALID),
    (PCLUSTER + "update_and_reboot.yaml", "Linux", [], "valid (infos as in parallelcluster.yaml)"),
    ("hashicorp__terraform-provider-aws/internal__service__imagebuilder__testdata__Workflow__basic__main_gen.tf__embedded-1.yml",
     None, [], "valid TEST workflow with a boolean parameter and a booleanEquals condition"),
    ("jacklin213__imagebuilder-component-builder/src__components__editor__hello_world.json.yml", "Linux", [],
     "valid: JSON is YAML, and schemaVersion may be the string \"1.0\""),
    ("nhammadi__ec2-image-builder-components/components__elastic-agent-windows-component__component.yml", "Windows", [],
     "valid; forEach loop over chained outputs"),
    ("nhammadi__ec2-image-builder-components/components__grafana-alloy-windows-component__component.yml", "Windows", [], VALID),
    ("nhammadi__ec2-image-builder-components/components__newrelic-infra-windows-component__component.yml", "Windows", [], VALID),
    ("rhythmictech__terraform-aws-imagebuilder-component-ansible/component.yml.tpl.yml", None,
     [("error", "yaml-syntax", "")],
     "Not a document as committed: a Terraform templatefile whose '%{ if ... ~}' directives at column 0 read as YAML "
     "directives. It only parses after Terraform renders it (the message says so)."),
    ("walkerk1980__ec2-image-builder-components/src__chef__lambda__components__linux_component.yaml", "Linux",
     [("warning", "phase-name", "phases[3].name")],
     "Valid, one warning: a 'cleanup' phase, which Image Builder never runs (it runs build, validate, test)."),
    ("walkerk1980__ec2-image-builder-components/src__chef__lambda__components__windows_component.yaml", "Windows", [], VALID),
    ("walkerk1980__ec2-image-builder-components/src__splunk_forwarder__splunk_component.yaml__embedded-1.yml", "Linux", [], VALID),
    ("walkerk1980__ec2-image-builder-components/src__splunk_forwarder__splunk_component.yaml__embedded-2.yml", "Windows", [], VALID),
    ("walkerk1980__ec2-image-builder-components/src__ssm_agent__ssm_component.yaml__embedded-1.yml", "Linux", [], VALID),
]


def _read(corpus_dir, name):
    with open(os.path.join(corpus_dir, name), encoding="utf-8", newline="") as handle:
        return handle.read()


def _corpus_files(corpus_dir):
    return sorted(os.path.relpath(os.path.join(folder, name), corpus_dir)
                  for folder, _dirs, names in os.walk(corpus_dir) for name in names if name != "SOURCES.md")


def test_every_corpus_document_has_a_verdict(corpus_dir):
    assert sorted(entry[0] for entry in VERDICTS) == _corpus_files(corpus_dir)


def test_every_verdict_with_findings_has_a_reason():
    for name, _platform, expected, reason in VERDICTS:
        assert reason, name
        if expected:
            assert reason != VALID and len(reason) > 40, "explain the findings of %s" % name


@pytest.mark.parametrize("name,platform,expected,reason", VERDICTS, ids=[entry[0].split("/")[-1][:60] for entry in VERDICTS])
def test_corpus_verdict(corpus_dir, name, platform, expected, reason):
    text = _read(corpus_dir, name)
    findings = validate_document(text, platform=platform)
    got = sorted((finding.severity, finding.rule, finding.path) for finding in findings if finding.severity != "info")
    assert got == sorted(expected), "%s: %s\n%s" % (name, reason, "\n".join(str(finding) for finding in findings))
    # without a platform the verdict must not get stricter
    loose = [finding for finding in validate_document(text) if finding.severity == "error"]
    assert len(loose) == sum(1 for entry in expected if entry[0] == "error")


def test_valid_documents_have_no_errors_as_parsed_mappings(corpus_dir):
    """The parsed mapping and the text give the same verdict (a module may get its data as a mapping)."""
    import yaml
    for name, platform, expected, _reason in VERDICTS:
        if any(entry[1] == "yaml-syntax" for entry in expected):
            continue
        document = yaml.safe_load(_read(corpus_dir, name))
        from_text = [str(finding) for finding in validate_document(_read(corpus_dir, name), platform=platform)]
        from_mapping = [str(finding) for finding in validate_document(document, platform=platform)]
        # only difference allowed: a parsed mapping has lost the text of an unquoted octal mode (0755 -> 493)
        assert [text for text in from_mapping if "permissions is the number" not in text] == from_text


# How fast the corpus validates is a figure of `make bench` (tests/bench/bench_component_document.py, 100 ms a
# document), not a test: a timing assertion fails on a busy CI machine for reasons that are not ours.
