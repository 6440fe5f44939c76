"""The workbench's results folder and uploads (`simcs.app.workspace`), and how it is started
(`simcs.app.launch`): an upload is size-limited and validated like a file given to the CLI
(same messages), nothing is written outside the app's folder, equal scenarios share a folder,
and the server listens on loopback unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcs.app.launch import DEFAULT_HOST, is_loopback, streamlit_command
from simcs.app.workspace import (
    MAX_UPLOAD_BYTES,
    Workspace,
    job_name,
    read_upload,
    shipped_scenarios,
)
from simcs.scenario.files import (
    ScenarioError,
    default_scenario_path,
    load_scenario,
    scenario_yaml,
    with_overrides,
)


@pytest.fixture()
def space(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "results")


def _problems(space: Workspace, name: str, data: bytes) -> tuple[str, list[str]]:
    with pytest.raises(ScenarioError) as caught:
        read_upload(name, data)
    return caught.value.source, caught.value.problems


def test_an_upload_reads_as_the_file_does(space: Workspace) -> None:
    path = default_scenario_path()
    assert read_upload("mine.yaml", path.read_bytes()) == load_scenario(path)
    assert not space.root.exists()  # the bytes are written nowhere


def test_an_uploads_problems_are_the_clis_naming_the_upload(
    space: Workspace, tmp_path: Path
) -> None:
    text = default_scenario_path().read_text(encoding="utf-8")
    broken = text.replace("headcount: 6", "headcount: -6", 1)
    source, problems = _problems(space, "broken.yaml", broken.encode())
    on_disk = tmp_path / "broken.yaml"
    on_disk.write_text(broken, encoding="utf-8")
    with pytest.raises(ScenarioError) as cli:
        load_scenario(on_disk)
    assert source == "broken.yaml"
    assert problems == cli.value.problems
    assert any("staff.support.headcount" in p for p in problems)


def test_bad_bytes_are_refused_with_one_line(space: Workspace) -> None:
    assert _problems(space, "x.yaml", b"name: [\n")[1][0].startswith("line 2")
    assert "binary" in _problems(space, "x.yaml", b"name: x\x00")[1][0]
    assert "UTF-8" in _problems(space, "x.yaml", b"name: \xff\n")[1][0]
    assert "mapping" in _problems(space, "x.yaml", b"- 1\n")[1][0]


def test_an_upload_over_the_limit_is_refused_before_it_is_read(space: Workspace) -> None:
    source, problems = _problems(space, "big.yaml", b"#" * (MAX_UPLOAD_BYTES + 1))
    assert "over the limit" in problems[0]
    assert not space.root.exists()


def test_a_path_in_an_uploads_name_goes_nowhere(space: Workspace) -> None:
    data = default_scenario_path().read_bytes()
    read_upload("../../etc/passwd", data)
    source, _ = _problems(space, "../../x/evil.yaml", b"- 1\n")
    assert source == "evil.yaml"
    assert not (space.root.parent / "x").exists()


def test_a_book_file_named_by_an_upload_is_refused(space: Workspace) -> None:
    text = default_scenario_path().read_text(encoding="utf-8")
    text += "\ninitial_book:\n  accounts: ../../secrets.csv\n"
    _, problems = _problems(space, "book.yaml", text.encode())
    assert problems[0].startswith("initial_book.accounts: names the file")


def test_nothing_is_written_outside_the_results_folder(space: Workspace) -> None:
    with pytest.raises(ValueError, match="outside"):
        space.inside(space.root / ".." / "elsewhere")
    with pytest.raises(ValueError, match="unknown kind"):
        space.folder("../runs", "x")
    with pytest.raises(ValueError, match="outside"):
        space.folder("runs", "../../x")


def test_equal_scenarios_share_a_folder_and_a_file(space: Workspace) -> None:
    baseline = load_scenario(default_scenario_path())
    again = load_scenario(default_scenario_path())
    fewer = with_overrides(baseline, {"staff.support.headcount": 5})
    assert job_name(baseline) == job_name(again) != job_name(fewer)
    assert job_name(baseline, fewer) != job_name(fewer, baseline)
    assert job_name(baseline, extra="a") != job_name(baseline, extra="b")
    path = space.scenario_file(fewer)
    assert path.parent == space.root / "inputs"
    assert load_scenario(path) == fewer
    assert path.read_text(encoding="utf-8") == scenario_yaml(fewer)


def test_the_shipped_scenarios_start_with_the_default() -> None:
    shipped = shipped_scenarios()
    assert next(iter(shipped)) == default_scenario_path().name
    assert all(p.suffix == ".yaml" and p.is_file() for p in shipped.values())


def test_the_app_listens_on_loopback_unless_asked() -> None:
    assert DEFAULT_HOST == "127.0.0.1" and is_loopback(DEFAULT_HOST)
    assert is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    command = streamlit_command("127.0.0.1", 8765)
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.port"] == "8765"
    assert options["--browser.gatherUsageStats"] == "false"
    assert int(options["--server.maxUploadSize"]) * 1_000_000 >= MAX_UPLOAD_BYTES


def test_streamlit_finds_no_pages_folder_beside_the_entry_script() -> None:
    """A `pages/` folder beside main.py would be served file by file (every module its own
    URL, the navigation bypassed): the page modules live in `views/`."""
    from simcs.app.launch import MAIN

    assert not (MAIN.parent / "pages").exists()
    assert (MAIN.parent / "views" / "scenario.py").exists()
