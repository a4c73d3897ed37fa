"""docs/emulator.md's coverage table names every Image Builder operation and says truly which are supported."""
import os

import botocore.session

from tests.emulator.tests.test_shapes import OUT_OF_SCOPE


def test_coverage_table_matches_the_service_and_the_emulator(repo_root):
    with open(os.path.join(repo_root, "docs", "emulator.md"), encoding="utf-8") as handle:
        rows = [line.strip("|\n").split("|") for line in handle if line.startswith("| ") and line.count("|") == 4]
    table = {cells[0].strip(): cells[1].strip() for cells in rows if cells[1].strip() in ("yes", "no")}
    model = botocore.session.get_session().get_service_model("imagebuilder")
    assert sorted(table) == sorted(model.operation_names)
    assert {name for name, supported in table.items() if supported == "no"} == OUT_OF_SCOPE
