# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sharing: the resource policy of a component, image recipe, container recipe or image version,
set with Put*Policy and read with Get*Policy, compared as JSON semantically.

The ``policy`` option of those modules: unset leaves the policy alone; a JSON document (text or a
dictionary) is the policy to have; an empty value ('' or {}) stops sharing.

- Image Builder has no Delete*Policy: Put*Policy is the only write (botocore 1.44.8 lists
  Get/Put{Component,Image,ImageRecipe,ContainerRecipe}Policy and nothing else), and the policy is
  validated with AWS RAM before it is applied (model PutImagePolicy ``policy``: "Image Builder
  validates the policy with Amazon Web Services RAM before applying it, and rejects invalid policies
  with InvalidParameterValueException"). A policy without statements is not a policy RAM can turn
  into a share, so stopping sharing puts the policy that shares with nobody but the owner: one
  statement granting the owner's own account the read actions AWS's examples grant (see
  docs/aws-behaviour.md "Sharing policies"). Read back, a policy whose only principal is the owner
  counts as "not shared", so a re-run of the removal is unchanged.
- A policy attaches to one version (a component or image build version ARN, an image or container
  recipe version ARN: the patterns of Put*Policy's ARN members), and is not part of the version's
  content: a policy change never makes a new version. The module puts it on the version it
  converged (the latest, a new one it created, or the one ``version`` names); older versions keep
  whatever policy they had.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS

POLICY_OPTION = dict(type="raw")
# The actions AWS's sharing examples grant, per kind (aws-cli examples put-component-policy.rst,
# put-image-policy.rst, put-image-recipe-policy.rst, put-container-recipe-policy.rst; user guide
# manage-shared-resources-share.html).
SHARING_ACTIONS = {
    "component": ["imagebuilder:GetComponent", "imagebuilder:ListComponents"],
    "image": ["imagebuilder:GetImage", "imagebuilder:ListImages"],
    "image_recipe": ["imagebuilder:GetImageRecipe", "imagebuilder:ListImageRecipes"],
    "container_recipe": ["imagebuilder:GetContainerRecipe", "imagebuilder:ListContainerRecipes"],
}
POLICY_ARN_PARAM = dict(component="componentArn", image="imageArn", image_recipe="imageRecipeArn", container_recipe="containerRecipeArn")
POLICY_MAX = 30000  # model ResourcePolicyDocument: length 1-30000
VERSIONS = ("2012-10-17", "2008-10-17")  # IAM JSON policy reference, Version element
LISTS = ("Action", "NotAction", "Resource", "NotResource")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


def _empty(value):
    return value is None or (isinstance(value, str) and not value.strip()) or value == {}


def policy_problems(document, option="policy"):
    """What makes ``document`` (parsed JSON) not a resource policy Image Builder can take; [] when nothing."""
    if not isinstance(document, dict):
        return ["%s: must be a JSON object with a Statement, got %s" % (option, type(document).__name__)]
    if "Statement" not in document:
        return ["%s: has no Statement; a resource policy is {\"Version\": \"2012-10-17\", \"Statement\": [...]}, or give '' to stop "
                "sharing" % option]
    found = []
    if "Version" in document and document["Version"] not in VERSIONS:
        found.append("%s.Version: %r is not a policy language version; use 2012-10-17" % (option, document["Version"]))
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return found + ["%s.Statement: give at least one statement (an object or a list of objects); to stop sharing give policy: ''"
                        % option]
    for index, statement in enumerate(statements):
        where = "%s.Statement[%d]" % (option, index)
        if not isinstance(statement, dict):
            found.append("%s: must be an object with Effect, Principal, Action and Resource" % where)
            continue
        if statement.get("Effect") not in ("Allow", "Deny"):
            found.append("%s.Effect: %r must be Allow or Deny" % (where, statement.get("Effect")))
        if "Principal" not in statement:
            found.append("%s: has no Principal; a resource policy names whom it shares with, e.g. {\"AWS\": [\"111122223333\"]}" % where)
        actions = statement.get("Action", statement.get("NotAction"))
        if actions is None:
            found.append("%s: has no Action; sharing grants e.g. [\"imagebuilder:GetComponent\", \"imagebuilder:ListComponents\"]" % where)
        else:
            for action in actions if isinstance(actions, list) else [actions]:
                if not isinstance(action, str) or not action.lower().startswith("imagebuilder:"):
                    found.append("%s.Action: %r is not an Image Builder action (imagebuilder:...); a resource policy on an Image "
                                 "Builder resource can only grant Image Builder actions" % (where, action))
    text = json.dumps(document)
    if len(text) > POLICY_MAX:
        found.append("%s: is %d characters as JSON; at most %d are allowed" % (option, len(text), POLICY_MAX))
    return found


def wanted_policy(module, option="policy"):
    """The ``policy`` option, checked before any call: None (leave the policy), {} (stop sharing) or
    the parsed document. Fails naming the option on anything else."""
    value = module.params.get(option)
    if value is None or module.params.get("state") == "absent":
        return None
    if _empty(value):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            module.fail_json(msg="%s: is not valid JSON (%s); give the policy as JSON text or as a dictionary, or '' to stop sharing"
                             % (option, error))
    if isinstance(value, dict) and not value:
        return {}
    problems = policy_problems(value, option)
    if problems:
        module.fail_json(msg="; ".join(problems), problems=problems)
    return value


def _principal(value, partition):
    """IAM takes an account as its id or as its root ARN: compare the ARN."""
    if isinstance(value, str) and ACCOUNT_ID.match(value):
        return "arn:%s:iam::%s:root" % (partition, value)
    return value


def canonical_policy(document, partition="aws"):
    """``document`` in a form where the ways of writing the same policy compare equal: key order, a
    single Statement object or a list of one, a single Action/Resource/Principal string or a list
    of one, list order, an account id or its root ARN as principal."""
    if document is None:
        return None
    document = copy.deepcopy(document)
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else list(statements or [])
    canonical = []
    for statement in statements:
        statement = dict(statement)
        for key in LISTS:
            if key in statement:
                value = statement[key]
                statement[key] = sorted(set(value if isinstance(value, list) else [value]), key=str)
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key)
            if isinstance(principal, dict):
                statement[key] = dict((kind, sorted(set(_principal(item, partition) for item in (value if isinstance(value, list) else [value])),
                                                    key=str))
                                      for kind, value in principal.items())
        canonical.append(statement)
    document["Statement"] = sorted(canonical, key=lambda item: json.dumps(item, sort_keys=True))
    return json.loads(json.dumps(document, sort_keys=True))


def with_resource(document, arn):
    """Statements that name no Resource apply to the version converged (whose ARN a playbook cannot know before a
    new version is created)."""
    if not document:
        return document
    document = copy.deepcopy(document)
    statements = document["Statement"]
    for statement in [statements] if isinstance(statements, dict) else statements:
        if "Resource" not in statement and "NotResource" not in statement:
            statement["Resource"] = [arn]
    return document


def owner_only_policy(kind_noun, arn, partition, account):
    """The policy that stops sharing: the owner's own account, the kind's read actions, this ARN."""
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["arn:%s:iam::%s:root" % (partition, account)]},
        "Action": list(SHARING_ACTIONS[kind_noun]), "Resource": [arn]}]}


def shares_with_nobody(document, partition, account):
    """A policy (canonical) whose only principal is the owner's account shares with nobody."""
    owner = "arn:%s:iam::%s:root" % (partition, account)
    principals = set()
    for statement in document.get("Statement") or []:
        principal = statement.get("Principal")
        if not isinstance(principal, dict) or "NotPrincipal" in statement:
            return False
        for values in principal.values():
            principals.update(values)
    return principals <= set([owner])


def read_policy(api, kind_noun, arn):
    """The policy of ``arn`` parsed (None when it has none). A version that does not exist yet (check mode's prediction)
    has none; Get*Policy answers ResourceNotFoundException for both."""
    kind = KINDS[kind_noun]
    response = api.call("Get%sPolicy" % kind.api, ignore=("ResourceNotFoundException",), **{POLICY_ARN_PARAM[kind_noun]: arn})
    text = (response or {}).get("policy")
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"unreadable": text}  # compares unequal to anything wanted, so it gets replaced


def converge_policy(module, api, kind_noun, resource, wanted, created=False):
    """Bring the policy of ``resource`` (its ARN) to ``wanted`` (see ``wanted_policy``). Returns
    (changed, the policy afterwards or None, before, after) with before/after canonical (None: not shared)."""
    arn = (resource or {}).get("arn")
    if wanted is None or not arn:
        return False, None, None, None
    partition, account = api.identity()
    current = None if created else read_policy(api, kind_noun, arn)
    have = canonical_policy(current, partition)
    if have is not None and shares_with_nobody(have, partition, account):
        have = None
    wanted = with_resource(wanted, arn)
    want = canonical_policy(wanted, partition) if wanted else None
    if have == want:
        return False, want, have, want
    document = wanted if wanted else owner_only_policy(kind_noun, arn, partition, account)
    api.write("Put%sPolicy" % KINDS[kind_noun].api, **{POLICY_ARN_PARAM[kind_noun]: arn, "policy": json.dumps(document)})
    return True, want, have, want


def share(module, api, kind_noun, resource, diff, created=False, option="policy"):
    """The ``policy`` option of a module, converged on ``resource``: (changed, the ``policy`` result),
    and the policy added to ``diff`` (before/after) when the option is set."""
    wanted = wanted_policy(module, option)
    changed, policy, before, after = converge_policy(module, api, kind_noun, resource, wanted, created)
    if wanted is not None and diff is not None:
        if diff.get("before") or before is not None:
            diff.setdefault("before", {})["policy"] = before
        diff.setdefault("after", {})["policy"] = after
    return changed, policy
