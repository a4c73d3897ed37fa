# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action in front of amiforge.imagebuilder.image: shows a build's states as they happen.

A module prints nothing until it returns, so a 40-minute build would show nothing for 40 minutes. This
action runs the module once without waiting (it starts the build, or finds the one running, exactly as
the module does), then follows the build by running the module again in its follow mode (``arn`` with
``state=present`` and ``wait=false``: one GetImage), and prints a line with ansible's Display each time
the state changes (the state, the time waited, the image ARN). Display from a worker goes to the
controller at once, so the lines appear while the task runs, in ansible-playbook's output and in an AWX
job's (ansible-runner turns them into verbose events). The result is the module's, with ``timeline``.

Check mode, ``wait: false``, ``state: absent`` and ``state: cancelled`` run the module as they are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

MODULE = "amiforge.imagebuilder.image"
BUILDING = ("PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING")  # as module_utils/builds.py
NOT_FOUND_GRACE = 120  # seconds a build just started may be unknown to GetImage (module_utils/builds.py)
FIRST_DELAY, MAX_DELAY = 1.0, 30.0
# The options of amazon.aws's common and region doc fragments (with their aliases): how to reach AWS, which the
# follow-up runs keep; every option about what to build is left out.
CONNECTION = ("access_key", "aws_access_key_id", "aws_access_key", "secret_key", "aws_secret_access_key", "aws_secret_key",
              "session_token", "aws_session_token", "profile", "aws_profile", "endpoint_url", "aws_endpoint_url",
              "validate_certs", "aws_ca_bundle", "aws_config", "debug_botocore_endpoint_logs", "region", "aws_region")


def status_of(result):
    return ((result.get("image") or {}).get("state") or {}).get("status")


def elapsed_text(seconds):
    seconds = int(seconds)
    if seconds < 60:
        return "%ds" % seconds
    if seconds < 3600:
        return "%dm%02ds" % (seconds // 60, seconds % 60)
    return "%dh%02dm%02ds" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        wait = boolean(args.get("wait", True), strict=False)
        if self._task.check_mode or not wait or args.get("state", "present") != "present":
            result.update(self._run_module(args, task_vars))
            return result
        try:
            timeout = int(args.get("wait_timeout", 7200))
        except (TypeError, ValueError):
            timeout = None  # the module refuses it, naming the option
        if timeout is None or timeout < 0:
            result.update(self._run_module(args, task_vars))
            return result
        started = time.monotonic()
        first = self._run_module(dict(args, wait=False), task_vars)
        if first.get("failed") or not first.get("arn"):
            result.update(first)
            return result
        result.update(self._follow(first, args, timeout, started, task_vars))
        return result

    def _run_module(self, args, task_vars):
        return self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)

    def _follow(self, first, args, timeout, started, task_vars):
        """Poll the build ``first`` found or started until it ends or ``timeout`` seconds from ``started`` pass."""
        arn = first["arn"]
        host = task_vars.get("inventory_hostname", "localhost") if task_vars else "localhost"
        follow_args = dict((name, value) for name, value in args.items() if name in CONNECTION)
        follow_args.update(arn=arn, state="present", wait=False)
        timeline = []

        def seen(status):
            if timeline and timeline[-1]["status"] == status:
                return
            elapsed = time.monotonic() - started
            timeline.append(dict(status=status, time=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                 elapsed_seconds=int(elapsed)))
            display.display("[%s] image build %s after %s: %s" % (host, status, elapsed_text(elapsed), arn))

        last = first
        seen(status_of(first) or "PENDING")
        delay = FIRST_DELAY
        while (status_of(last) or "PENDING") in BUILDING:
            if time.monotonic() + delay - started > timeout:
                return self._finish(first, last, timeline, dict(
                    failed=True, msg="image build %s is still %s after %d seconds; it goes on, and a re-run waits for it"
                                     % (arn, status_of(last) or "PENDING", timeout)))
            time.sleep(delay)
            polled = self._run_module(follow_args, task_vars)
            if polled.get("failed") and polled.get("missing") and time.monotonic() - started <= NOT_FOUND_GRACE:
                polled = dict(last, image=dict(arn=arn, state=dict(status="PENDING")))  # not visible yet: still PENDING
            elif polled.get("failed") and not status_of(polled):
                return self._finish(first, polled, timeline, {})  # an error reaching AWS, not the build's end
            before = timeline[-1]["status"]
            seen(status_of(polled) or "PENDING")
            delay = FIRST_DELAY if timeline[-1]["status"] != before else min(delay * 1.5, MAX_DELAY)
            last = polled
        return self._finish(first, last, timeline, {})

    @staticmethod
    def _finish(first, last, timeline, overrides):
        """The result: the last module run's (the build as it ended, the failure with its reason and logs), with
        ``changed`` and the diff's ``before`` of the first run (which started the build, or not), and the timeline.
        The follow-up runs leave ``policy`` out, so the sharing the first run converged (its ``policy`` result and the
        policy in its diff) is carried over."""
        final = dict(last)
        final.pop("missing", None)
        final.update(changed=bool(first.get("changed")), timeline=timeline, **overrides)
        if "policy" in first:
            final["policy"] = first["policy"]
        if "diff" in first:
            final["diff"] = dict(before=first["diff"].get("before"),
                                 after=dict(arn=first["arn"], status=status_of(last)) if first["diff"].get("after") else {})
            if "policy" in (first["diff"].get("after") or {}):
                final["diff"]["after"]["policy"] = first["diff"]["after"]["policy"]
        return final
