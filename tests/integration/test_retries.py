"""Throttling and server errors are retried with backoff, and a create is applied once."""
import uuid

from tests.integration.helpers import component_task, document, versions_in_emulator


def test_throttled_and_failing_calls_are_retried_and_nothing_is_duplicated(play, writes, emulator):
    names = ["rt-%s-%d" % (uuid.uuid4().hex[:6], index) for index in range(3)]
    emulator.admin("POST", "faults", dict(operation="*", throttle_rate=0.35, error_rate=0.15, seed=20261127))  # seeded: repeatable
    try:
        emulator.reset_calls()
        result = play([component_task(name, data=document(name)) for name in names])
        log = emulator.calls()
    finally:
        emulator.admin("DELETE", "faults")
    assert all(result.changed)
    statuses = [int(call["status"]) for call in log if call["service"] == "imagebuilder"]
    assert 429 in statuses and 503 in statuses, "the faults were injected: %s" % statuses
    creates = [call for call in log if call["operation"] == "CreateComponent" and int(call["status"]) < 300]
    assert len(creates) == 3
    for name in names:
        assert versions_in_emulator(emulator, name) == ["1.0.0"]
    writes()
