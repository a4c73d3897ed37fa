"""Every supported operation once, each response checked against botocore's output shape."""
import json

import botocore.session

from tests.emulator.tests.conftest import unique
from tests.emulator.tests.test_resources import WORKFLOW
from tests.emulator.validation import check_output

OUT_OF_SCOPE = {
    "ImportVmImage", "ImportDiskImage", "GetMarketplaceResource", "GetLifecycleExecution", "ListLifecycleExecutions",
    "ListLifecycleExecutionResources", "CancelLifecycleExecution", "StartResourceStateUpdate", "ListImageScanFindings",
    "ListImageScanFindingAggregations", "ListWaitingWorkflowSteps", "SendWorkflowStepAction",
}


def test_every_supported_operation_answers_in_its_output_shape(stack, emulator, clock):
    model = botocore.session.get_session().get_service_model("imagebuilder")
    responses = []
    ib = stack.ib
    ib.meta.events.register("after-call.imagebuilder", lambda parsed, model, http_response, **_: responses.append(
        (model.name, parsed, http_response.status_code)))
    component = stack.component()
    recipe = stack.recipe([component])
    infrastructure = stack.infrastructure()
    distribution = stack.distribution()
    pipeline = stack.pipeline(recipe, infrastructure, distribution)
    image = ib.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    stack.wait(image)
    clock(30)  # the second build stays PENDING until cancelled
    second = ib.create_image(imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)["imageBuildVersionArn"]
    ib.cancel_image_creation(imageBuildVersionArn=second)
    clock(0)
    assert stack.wait(second)[0]["state"]["status"] == "CANCELLED"
    assert ib.retry_image(imageBuildVersionArn=second)["imageBuildVersionArn"] == second
    stack.wait(second)
    role = emulator.client("iam").create_role(RoleName=unique("role"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    distributed = ib.distribute_image(sourceImage=image, distributionConfigurationArn=distribution, executionRole=role)["imageBuildVersionArn"]
    stack.wait(distributed)
    ib.list_image_pipeline_images(imagePipelineArn=pipeline)
    ib.list_image_build_versions(imageVersionArn=image.rsplit("/", 1)[0])
    ib.list_images()
    ib.list_image_packages(imageBuildVersionArn=image)
    execution = ib.list_workflow_executions(imageBuildVersionArn=image)["workflowExecutions"][0]["workflowExecutionId"]
    ib.get_workflow_execution(workflowExecutionId=execution)
    step = ib.list_workflow_step_executions(workflowExecutionId=execution)["steps"][0]["stepExecutionId"]
    ib.get_workflow_step_execution(stepExecutionId=step)
    ib.get_image_pipeline(imagePipelineArn=pipeline)
    ib.list_image_pipelines()
    ib.update_image_pipeline(imagePipelineArn=pipeline, imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure)
    ib.get_image_recipe(imageRecipeArn=recipe)
    ib.list_image_recipes()
    ib.get_component(componentBuildVersionArn=component)
    ib.list_components()
    ib.list_component_build_versions(componentVersionArn=component.rsplit("/", 1)[0])
    ib.import_component(name=unique("imp"), semanticVersion="1.0.0", type="BUILD", format="SHELL", platform="Linux", data="true")
    ib.get_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)
    ib.list_infrastructure_configurations()
    ib.update_infrastructure_configuration(infrastructureConfigurationArn=infrastructure, instanceProfileName=stack.profile)
    ib.get_distribution_configuration(distributionConfigurationArn=distribution)
    ib.list_distribution_configurations()
    ib.update_distribution_configuration(distributionConfigurationArn=distribution, distributions=[{"region": "us-east-1"}])

    def policy(action, arn):
        return json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["111122223333"]}, "Action": [action], "Resource": arn}]})

    for kind, arn in (("component", component), ("image", image), ("image_recipe", recipe)):
        key = {"component": "componentArn", "image": "imageArn", "image_recipe": "imageRecipeArn"}[kind]
        action = {"component": "imagebuilder:GetComponent", "image": "imagebuilder:GetImage", "image_recipe": "imagebuilder:GetImageRecipe"}[kind]
        getattr(ib, "put_%s_policy" % kind)(**{key: arn, "policy": policy(action, arn)})
        getattr(ib, "get_%s_policy" % kind)(**{key: arn})
    container = ib.create_container_recipe(
        containerType="DOCKER", name=unique("ctr"), semanticVersion="1.0.0", components=[{"componentArn": component}],
        parentImage="amazonlinux:2023", dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}",
        targetRepository={"service": "ECR", "repositoryName": "repo"})["containerRecipeArn"]
    ib.get_container_recipe(containerRecipeArn=container)
    ib.list_container_recipes()
    ib.put_container_recipe_policy(containerRecipeArn=container, policy=policy("imagebuilder:GetContainerRecipe", container))
    ib.get_container_recipe_policy(containerRecipeArn=container)
    ib.delete_container_recipe(containerRecipeArn=container)
    workflow = ib.create_workflow(name=unique("wf"), semanticVersion="1.0.0", type="TEST", data=WORKFLOW)["workflowBuildVersionArn"]
    ib.get_workflow(workflowBuildVersionArn=workflow)
    ib.list_workflows()
    ib.list_workflow_build_versions(workflowVersionArn=workflow.rsplit("/", 1)[0])
    ib.delete_workflow(workflowBuildVersionArn=workflow)
    lifecycle = dict(executionRole="arn:aws:iam::123456789012:role/r", resourceType="AMI_IMAGE",
                     policyDetails=[{"action": {"type": "DELETE"}, "filter": {"type": "AGE", "value": 30, "unit": "DAYS"}}],
                     resourceSelection={"recipes": [{"name": recipe.split("/")[-2], "semanticVersion": "1.0.0"}]})
    policy_arn = ib.create_lifecycle_policy(name=unique("lc"), **lifecycle)["lifecyclePolicyArn"]
    ib.get_lifecycle_policy(lifecyclePolicyArn=policy_arn)
    ib.list_lifecycle_policies()
    ib.update_lifecycle_policy(lifecyclePolicyArn=policy_arn, **lifecycle)
    ib.delete_lifecycle_policy(lifecyclePolicyArn=policy_arn)
    ib.tag_resource(resourceArn=pipeline, tags={"a": "b"})
    ib.list_tags_for_resource(resourceArn=pipeline)
    ib.untag_resource(resourceArn=pipeline, tagKeys=["a"])
    ib.delete_image(imageBuildVersionArn=second)
    ib.delete_image(imageBuildVersionArn=distributed)
    ib.delete_image_pipeline(imagePipelineArn=pipeline)
    ib.delete_image(imageBuildVersionArn=image)
    ib.delete_image_recipe(imageRecipeArn=recipe)
    ib.delete_component(componentBuildVersionArn=component)
    ib.delete_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)
    ib.delete_distribution_configuration(distributionConfigurationArn=distribution)

    called = {response[0] for response in responses}
    assert called == set(model.operation_names) - OUT_OF_SCOPE, sorted(set(model.operation_names) - OUT_OF_SCOPE - called)
    problems = []
    for name, parsed, status in responses:
        assert status == 200, (name, parsed)
        problems += ["%s%s" % (name, p) for p in check_output(model.operation_model(name).output_shape, parsed)]
    assert problems == [], "\n".join(problems)
