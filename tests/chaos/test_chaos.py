"""The bounded part of the chaos suite, in `make test` (`make chaos` runs the whole: tests/chaos/run.py): one converge
of playbooks/golden_ami.yml (its variables reduced to one role component, the file component and one region, to keep
make test within CI's time) under 30% faults at every service, three SIGKILL points (two in a first run, one in the
run after an edit), one pair of concurrent runs; each compared with the state uninterrupted runs leave, with no
duplicate and no orphan.

The tests share one emulator and the uninterrupted runs' snapshots (module scope), so they run on one xdist worker
(`xdist_group`, with `--dist loadgroup` in the Makefile's integration target)."""
import pytest

from tests.chaos.run import FAULT_RATE, SERVICES, Chaos, Figures, kill_points
from tests.integration.conftest import aws_mode_emulator

SEED = 13

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("chaos")]


@pytest.fixture(scope="module")
def chaos(tmp_path_factory):
    for emulator in aws_mode_emulator(tmp_path_factory, "chaos-emulator"):
        yield Chaos(emulator, tmp_path_factory.mktemp("chaos-runs"), small=True)


@pytest.fixture
def figures(chaos):
    chaos.figures = Figures()
    return chaos.figures


def clean(figures):
    return dict(duplicates=figures.duplicates, orphans=figures.orphans, differences=figures.differences, problems=figures.problems)


def test_a_converge_with_30_percent_of_the_calls_to_every_service_faulted(chaos, figures):
    chaos.faults(SEED)
    assert figures.fault_rate == FAULT_RATE and figures.faulted_calls > 0, figures
    assert clean(figures) == dict(duplicates=[], orphans=[], differences=[], problems=[]), "\n".join(map(str, clean(figures).values()))
    assert sorted(figures.faults_by_service) == sorted(SERVICES)
    assert sum(faulted for faulted, _made in figures.faults_by_service.values()) == figures.faulted_calls


def test_three_kill_points_each_converge_on_one_rerun_to_the_uninterrupted_state(chaos, figures):
    references = chaos.reference()
    points = kill_points(3, SEED, references["first"][1], references["edited"][1])
    assert sorted(point[0] for point in points) == ["edited", "first", "first"]
    chaos.interruptions(points)
    assert figures.interruption_points == 3 and figures.reruns == 3
    assert clean(figures) == dict(duplicates=[], orphans=[], differences=[], problems=[]), figures.kills


def test_two_runs_started_together_end_as_one_run(chaos, figures):
    chaos.concurrent()
    assert figures.concurrent_equal is True, figures.differences
    assert clean(figures) == dict(duplicates=[], orphans=[], differences=[], problems=[]), figures.concurrent_failures
    assert len(figures.concurrent_failures) <= 1
