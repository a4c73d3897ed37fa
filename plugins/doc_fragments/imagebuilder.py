# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Tags on Image Builder resources (no 'resource_tags' alias: infrastructure
    # configurations have an API field of that name).
    TAGS = r"""
options:
  tags:
    description:
      - Tags for the resource, as a dictionary.
      - When unset, the resource's tags are left as they are.
    type: dict
  purge_tags:
    description:
      - When O(tags) is set, remove the tags that are not in it.
      - Keys that begin with V(aws:) are reserved by AWS and never removed.
    type: bool
    default: true
"""

    # A plan checked by the service: the modules whose Create operation takes dryRun (botocore 1.44.8: CreateComponent,
    # CreateWorkflow).
    SERVICE_VALIDATION = r"""
options:
  validate_with_service:
    description:
      - In check mode, when a new version would be created, also send that create with C(dryRun=true), so that Image
        Builder validates the request and the permission of these credentials to make it, and creates nothing. A refusal
        fails the task with the service's message, as the create would fail without check mode.
      - It needs the permission to create, which a read-only role used for plans lacks; leave it off there. Check mode
        without it makes no write call of any kind.
      - A request that refers to what the plan assumes an earlier task creates (a KMS key, with a warning) is not sent,
        since the service would refuse what the real run would not.
      - Ignored outside check mode.
    type: bool
    default: false
"""

    # What every resource module shares.
    STATE = r"""
options:
  state:
    description:
      - V(present) creates or updates the resource, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  stack:
    description:
      - The stack (any name for the set of resources this task belongs to) that owns the resource. The stack role
        passes its stack's name.
      - What this task creates is tagged C(amiforge:stack) with this value, and an existing resource of the same name
        is changed or deleted only when its C(amiforge:stack) tag has this value. When its tag is absent (created by
        another tool or by hand) or names another stack, the task changes nothing (no update, no new version, no tag,
        no delete) and fails, in check mode too, naming the resource, its ARN and its owner; the failed result also
        has C(resource) (the ARN), C(owner) (the other stack, or null) and C(conflict) (that sentence).
      - For versioned resources, the owner of a name is the owner of its latest version (or of the version C(version)
        names).
      - When unset or empty, every resource of that name is the task's, and no ownership tag is set.
    type: str
  adopt:
    description:
      - With O(stack), converge or delete a resource of the same name that belongs to someone else (another stack, or
        no one); the task warns, and a converge tags the resource as the stack's, so it is the stack's from then on.
      - Adopting a versioned resource's name takes every version of it (C(keep_versions) and O(state=absent) delete
        older versions).
    type: bool
    default: false
notes:
  - Supports check mode as a plan, and diff mode (C(diff.before) and C(diff.after) in snake_case). In check mode no
    write call of any kind is made (only Get, List, Describe and STS GetCallerIdentity); the result predicts C(changed),
    the diff and the RV(arn) a create would give (the next version for versioned resources), and a reference to an ARN
    an earlier task only predicted means "this would change", so a chain of tasks predicts its whole ripple. Check mode
    cannot see a change another tool makes between the plan and the run.
  - Every request is checked before any write against the botocore model and Image Builder's documented rules;
    a problem fails the task naming the option as written in the playbook.
  - Calls are retried with backoff on throttling (C(CallRateLimitExceededException)) and on server errors; creates carry
    a C(clientToken) so a retried request is never applied twice.
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts without modifying the target.
    support: full
  diff_mode:
    description: Returns what has changed (or would change in check mode) in diff mode.
    support: full
"""

    # Versioned, immutable resources.
    VERSIONED = r"""
options:
  version:
    description:
      - The semantic version (V(major.minor.patch)) to ensure.
      - When unset, the latest version is compared with the wanted content; if it differs, the next version
        is created (see O(version_bump)); if there is none yet, V(1.0.0) is created.
      - Any version AWS accepts, leading zeros included (V(2021.01.01)); each number at most 1073741823.
      - When set to a version that exists with other content, the task fails, because versions are immutable.
      - With O(state=absent), only this version is deleted.
    type: str
  version_bump:
    description:
      - Which part of the version grows when the content changes and O(version) is unset.
    type: str
    choices: [patch, minor, major]
    default: patch
  keep_versions:
    description:
      - After a converge, delete versions older than the newest O(keep_versions).
      - Versions still used by something (a recipe, pipeline or image) are kept and listed in RV(kept_in_use).
      - When unset or V(0), no version is deleted.
    type: int
notes:
  - Options left unset keep the value of the version compared with, so a new version changes only what the task
    says; an empty value (V(''), V([]), V({})) removes an option.
  - The latest version is read with Get on the C(x.x.x) ARN, not through List (which lags behind creates), so a
    version created a moment before is seen at once.
"""

    # Sharing through a resource policy (components, image and container recipes, images).
    SHARING = r"""
options:
  policy:
    description:
      - >-
        The resource policy that shares this version with other accounts (Image Builder's C(Put*Policy)), as JSON text
        or as a dictionary, e.g. V({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS":
        ["111122223333"]}, "Action": ["imagebuilder:GetComponent", "imagebuilder:ListComponents"]}]}).
      - >-
        A statement without C(Resource) applies to the version converged (its ARN is filled in), so the same policy
        follows each new version.
      - >-
        Compared with the current policy as JSON, semantically: key order, one statement or a list of one, one action,
        resource or principal or a list of one, list order, an account id or its C(arn:aws:iam::ID:root) ARN are the same.
      - >-
        Checked before any call (valid JSON, an object with a C(Statement), each statement with C(Effect), C(Principal)
        and Image Builder C(Action)s).
      - >-
        Set on the version this task converged (the latest, the one it created, or the one C(version) names for
        versioned resources; the build for images). A policy change is not a new version; older versions keep their policy.
      - >-
        V('') or V({}) stops sharing. Image Builder has no operation that deletes a resource policy, so the module puts the
        policy that names only this account (with the read actions AWS's sharing examples grant); read back, a policy whose
        only principal is this account counts as not shared. See docs/aws-behaviour.md in the collection.
      - >-
        When unset, the policy is left as it is.
      - >-
        Sharing this way leaves a resource share that AWS RAM creates from the policy; AWS asks you to promote it with RAM's
        C(PromoteResourceShareCreatedFromPolicy) for the resource to be visible to every principal it is shared with.
    type: raw
"""

    # Resources updated in place.
    UPDATABLE = r"""
options: {}
notes:
  - Image Builder's Update* replaces the whole object. Options left unset keep the resource's current value (the module
    resends it); an empty value (V(''), V([]), V({})) removes an option, as each option says.
"""

    # Tests of a build (pipelines, images).
    IMAGE_TESTS = r"""
options:
  image_tests:
    description:
      - Whether to run the recipe's test components after the build, and for how long at most.
    type: dict
    suboptions:
      enabled:
        description:
          - Run the tests.
        type: bool
        default: true
      timeout_minutes:
        description:
          - The longest the tests may run (60 to 1440).
        type: int
        default: 720
"""

    # The _info modules of versioned resources.
    INFO_VERSIONED = r"""
options:
  owner:
    description:
      - Whose resources to list.
    type: str
    choices: [Self, Shared, Amazon, ThirdParty, AWSMarketplace]
    default: Self
  all_versions:
    description:
      - With O(name), return every version instead of only the latest.
      - For images, every build of every version, whatever its state (V(FAILED) and V(CANCELLED) ones too), each read by
        its exact ARN, including the builds of the latest version of the image recipe of the same name, which the lagging
        listing may not show yet.
    type: bool
    default: false
"""

    # The _info modules.
    INFO = r"""
options:
  name:
    description:
      - The name to look up. For versioned resources, the latest version is returned.
    type: str
  arn:
    description:
      - The ARN to get. Returns an empty list when it does not exist.
    type: str
  filters:
    description:
      - Filters of the List API, as a dictionary of filter name to value or list of values (for example V(name), V(platform)).
    type: dict
attributes:
  check_mode:
    description: Can run in check mode.
    support: full
    details: This module only reads.
  diff_mode:
    description: Would return what changed in diff mode.
    support: none
"""
