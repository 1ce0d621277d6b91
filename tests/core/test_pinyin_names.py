"""Names found by their real readings (issue #19): 300+ surnames with the reading they have as a
surname (tests/fixtures/surnames.csv, from a cited public table) and 50 polyphonic given names
(tests/fixtures/given_name_polyphones.csv), each found by full pinyin and by initials through the
customer search on a real database; and step 0012 rebuilding the keys of an older database."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from conftest import FIXTURES

from shopcrm import customers as C
from shopcrm.core.pinyin_keys import _TONELESS, SURNAME_READINGS, name_keys, sort_key
from shopcrm.store.db import close_database, database, open_database


def rows(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


SURNAMES = rows("surnames.csv")
GIVEN = rows("given_name_polyphones.csv")


def syllables(reading: str) -> list[str]:
    return [s.translate(_TONELESS) for s in reading.split()]


def found(cid: int, text: str) -> bool:
    """The real search (the list's query), restricted to one customer: is it among the matches?"""
    q = C.CustomerQuery(text=text, ids=[cid])
    return C.count(q) == 1 and [r.id for r in C.page(q, 0, 10)] == [cid]


def make(name: str, n: int) -> int:
    return C.create(C.CustomerInput(name=name, mobile=f"139{n:08d}")).id


def test_the_lists_are_as_large_as_asked():
    assert len(SURNAMES) >= 300 and len({r["surname"] for r in SURNAMES}) == len(SURNAMES)
    assert len(GIVEN) >= 50
    for r in SURNAMES + GIVEN:
        word = r.get("surname") or r["given"]
        assert len(syllables(r["reading"])) == len(word), r


def test_every_surname_is_found_by_its_surname_reading_full_and_initials(db):
    made = [(make(r["surname"] + "伟", i), syllables(r["reading"])) for i, r in enumerate(SURNAMES)]
    missed = []
    for (cid, syl), r in zip(made, SURNAMES, strict=True):
        full = "".join(syl) + "wei"
        initials = "".join(s[0] for s in syl) + "w"
        for text in (full, initials, "".join(syl)):
            if not found(cid, text):
                missed.append((r["surname"], text))
    assert missed == []


def test_every_polyphonic_given_name_is_found_by_its_reading_full_and_initials(db):
    missed = []
    for i, r in enumerate(GIVEN):
        cid = make("李" + r["given"], i)
        syl = ["li", *syllables(r["reading"])]
        # the whole name, its initials, and the prefix a clerk has typed after the first syllable
        for text in ("".join(syl), "".join(s[0] for s in syl), "li" + syl[1]):
            if not found(cid, text):
                missed.append((r["given"], text))
    assert missed == []


@pytest.mark.parametrize(
    "name, typed",
    [
        ("王单单", "wangshanshan"),
        ("王单单", "wangdandan"),
        ("王单单", "wangchanchan"),
        ("王单单", "wss"),
        ("黑伟", "hewei"),
        ("黑伟", "heiwei"),
        ("黑伟", "hw"),
        ("浣晓", "wanxiao"),
        ("浣晓", "huanxiao"),
        ("贠文", "yunwen"),
        ("貟文", "yunwen"),
        ("单单单单", "shanshanshanshan"),  # 3 x 3 x 3 readings after the surname's three
    ],
)
def test_the_cases_the_issue_names(db, name, typed):
    assert found(make(name, 1), typed)


def test_the_sort_table_feeds_the_keys():
    for surname, reading in SURNAME_READINGS.items():
        if len(surname) == 1:
            assert reading + "wei" in name_keys(surname + "伟"), surname
            assert sort_key(surname + "伟").startswith(reading + " wei"), surname


def test_step_0012_rebuilds_the_keys_of_an_older_database(db_path):
    open_database(db_path)
    live = C.create(C.CustomerInput(name="王单单", mobile="13900000001")).id
    binned = C.create(C.CustomerInput(name="黑伟", mobile="13900000002")).id
    C.soft_delete([binned])
    close_database()
    # as step 0011 left it: the keys of the old rule (no shanshan), an older name_sort
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM search_key WHERE key LIKE 'wangshan%' OR key LIKE 'wangchan%'")
    con.execute("UPDATE customer SET name_sort = 'x'")
    con.commit()
    con.close()
    open_database(db_path)
    # step 12 run on that state (rewinding user_version to 11 would also re-run the later steps,
    # whose tables exist already; the runner itself is tested in tests/store/test_db.py)
    from shopcrm.store.migrations import m0012_pinyin_keys_every_reading as step12

    with database.atomic():
        step12.migrate(database)
    try:
        assert found(live, "wangshanshan")
        # the recycle bin still has no keys; restoring writes them
        assert (
            database.execute_sql("SELECT count(*) FROM search_key WHERE customer_id = ?", (binned,)).fetchone()[0] == 0
        )
        C.restore([binned])
        assert found(binned, "hewei")
        assert {r[0] for r in database.execute_sql("SELECT name_sort FROM customer")} == {
            sort_key("王单单"),
            sort_key("黑伟"),
        }
    finally:
        close_database()
