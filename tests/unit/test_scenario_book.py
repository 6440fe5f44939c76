"""Tests for simcs.scenario.book: a real t=0 book, inline or in a CSV file beside the scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from simcs.scenario.book import BookAccount, read_book, write_book
from simcs.scenario.files import ScenarioError, load_scenario, scenario_from_dict, scenario_sha256
from tests.conftest import scenario_path

ACCOUNTS = [
    {"account_id": "A-1", "group": "cohort", "arr": 12000.0, "renewals": 2,
     "renewal_in_days": 40.0, "trained": True},
    {"account_id": "A-2", "group": "cohort", "arr": 8000.5, "renewals": 0,
     "renewal_in_days": 365.0, "trained": None},
]  # fmt: skip


def _scenario_data(accounts: Any) -> dict[str, Any]:
    data = yaml.safe_load(scenario_path("sbg_validation").read_text(encoding="utf-8"))
    data["population"]["cohort"]["initial_customers"] = 2
    data["initial_book"]["accounts"] = accounts
    return data


def _write_scenario(folder: Path, accounts: Any) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(_scenario_data(accounts)), encoding="utf-8")
    return path


def test_a_book_file_round_trips_and_loads_beside_the_scenario(tmp_path: Path) -> None:
    write_book(tmp_path / "book.csv", ACCOUNTS)
    read = [BookAccount.model_validate(a).model_dump() for a in read_book(tmp_path / "book.csv")]
    assert read == ACCOUNTS
    scenario = load_scenario(_write_scenario(tmp_path, "book.csv"))
    accounts = scenario.initial_book.accounts
    assert accounts is not None and [a.arr for a in accounts] == [12000.0, 8000.5]
    assert [a.trained for a in accounts] == [True, None]
    # the same book inline gives the same scenario (and hash)
    inline = scenario_from_dict(_scenario_data(ACCOUNTS))
    assert scenario_sha256(inline) == scenario_sha256(scenario)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("group,arr\ncohort,1\n", "line 1: missing column 'renewal_in_days'"),
        ("group,arr,renewal_in_days,owner\n", "line 1: unknown column 'owner'"),
        ("group,arr,renewal_in_days\ncohort,-5,10\n", "line 2, column arr: Input should be"),
        ("group,arr,renewal_in_days\ncohort,5,10\ncohort,x,10\n", "line 3, column arr:"),
        ("group,arr,renewal_in_days\ncohort,5,0\n", "line 2, column renewal_in_days:"),
        ("group,arr,renewal_in_days,trained\ncohort,5,3,maybe\n", "column trained: 'maybe'"),
        ("group,arr,renewal_in_days\ncohort,5\n", "line 2: 2 cells, the header has 3"),
        ("", "the file is empty"),
    ],
)
def test_a_bad_book_file_names_its_line_and_column(tmp_path: Path, text: str, phrase: str) -> None:
    (tmp_path / "book.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write_scenario(tmp_path, "book.csv"))
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "book.csv")), message
    assert phrase in message, message


@pytest.mark.parametrize("name", ["../book.csv", "/etc/passwd", "sub/../../x.csv"])
def test_a_book_file_outside_the_scenario_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScenarioError, match="relative to the scenario's folder"):
        load_scenario(_write_scenario(tmp_path, name))


def test_a_missing_book_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"book\.csv: no such file"):
        load_scenario(_write_scenario(tmp_path, "book.csv"))


def test_a_file_name_is_refused_where_no_file_can_be_read() -> None:
    with pytest.raises(ScenarioError, match="read only when the scenario is loaded"):
        scenario_from_dict(_scenario_data("book.csv"))


def test_the_book_must_agree_with_the_groups() -> None:
    unknown = [{**ACCOUNTS[0], "group": "nobody"}, ACCOUNTS[1]]
    with pytest.raises(ScenarioError, match="accounts.0.group: no customer group 'nobody'"):
        scenario_from_dict(_scenario_data(unknown))
    with pytest.raises(
        ScenarioError, match="initial_customers: 2, but initial_book.accounts lists 1"
    ):
        scenario_from_dict(_scenario_data(ACCOUNTS[:1]))
    data = _scenario_data(ACCOUNTS)
    data["population"]["cohort"]["initial_arr_total"] = 20000.5
    with pytest.raises(ScenarioError, match="initial_arr_total: leave it out"):
        scenario_from_dict(data)
