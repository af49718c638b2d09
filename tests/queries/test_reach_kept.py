"""`exposure_rows` (the API's /exposure) keeps each facility's reach history per store
revision, so the slider's next date is read, not evaluated again: every date, asked in any
order, gives the row a fresh evaluation up to that date gives, and a committed change (a new
holding) is seen at once. Data: the seeded daily series of demo/history_gen.py, a few weeks."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.demo.history_gen import generate_history
from basewatch.model import Provenance, Source
from basewatch.model.weapons import Holding, Munition, WeaponClass, WeaponSystem
from basewatch.queries.reach import exposure_rows, reach_history
from basewatch.store import CONTROL, FACILITIES, FACTIONS, RELATIONS, Workspace
from basewatch.store.weapons import HOLDINGS, WEAPON_SYSTEMS

SRC = Source("test catalogue")


def _holding(day: dt.date) -> Holding:
    return Holding("opp", "rocket", Provenance(SRC), valid_from=day)


@pytest.fixture()
def ws(tmp_path):
    h = generate_history(days=30, vertices=600, sites=6, seed=5)
    w = Workspace(tmp_path / "ws", create=True)
    rocket = WeaponSystem("rocket", "Rocket", WeaponClass.MRL,
                          (Munition("long", 0.0, 60.0, SRC), Munition("short", 0.0, 20.0, SRC)),
                          Provenance(SRC))
    with w.store.transaction():
        w.store.put(FACTIONS, h.factions)
        w.store.put(RELATIONS, h.relations)
        w.store.put(FACILITIES, h.facilities)
        w.store.put(CONTROL, h.areas)
        w.store.put(WEAPON_SYSTEMS, [rocket])
        w.store.put(HOLDINGS, [_holding(h.dates()[4])])
    yield w, h.dates()
    w.close()


def test_every_date_in_any_order_gives_the_fresh_row(ws):
    w, days = ws
    facs = w.facilities()
    for day in (days[-1], days[3], days[17], days[4], days[29], days[10] + dt.timedelta(days=400)):
        fresh = reach_history(w, facs, day)
        assert exposure_rows(w, facs, day) == [fresh[f.id].row(day) for f in facs]
    assert any(r["systems_in_reach"] for r in exposure_rows(w, facs, days[20]))


def test_a_new_holding_is_seen_by_the_next_question(ws):
    w, days = ws
    facs = w.facilities()
    before = exposure_rows(w, facs, days[2])
    assert not any(r["systems_in_reach"] for r in before)  # the rocket comes on day 4
    with w.store.transaction():
        w.store.put(HOLDINGS, [_holding(days[1])])
    after = exposure_rows(w, facs, days[2])
    fresh = reach_history(w, facs, days[2])
    assert after == [fresh[f.id].row(days[2]) for f in facs]
    assert any(r["systems_in_reach"] for r in after)
