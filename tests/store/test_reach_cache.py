"""Reach histories kept in the store (store/reach_cache.py, queries/reach_kept.py): a new
process reads each facility's history instead of evaluating every change date again, and gets
the row a fresh evaluation up to that date gives, on dates asked in any order; a committed
change (new holding, new control snapshot, new facility) moves the stamp, so what was kept is
evaluated again; a damaged or foreign entry is ignored and replaced. Both back ends.
Data: the seeded daily series of demo/history_gen.py, a few weeks."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from basewatch.demo.history_gen import generate_history
from basewatch.model import Provenance, Source
from basewatch.model.weapons import Holding, Munition, WeaponClass, WeaponSystem
from basewatch.queries import reach_kept
from basewatch.queries.exposure import load_catalog, projection
from basewatch.queries.reach import reach_history
from basewatch.queries.reach_kept import exposure_rows, kept_histories
from basewatch.store import CONTROL, FACILITIES, FACTIONS, RELATIONS
from basewatch.store.reach_cache import REACH_HISTORY, KeptReach, reach_stamp, read_kept
from basewatch.store.weapons import HOLDINGS, WEAPON_SYSTEMS

SRC = Source("test catalogue")


def _holding(day: dt.date) -> Holding:
    return Holding("opp", "rocket", Provenance(SRC), valid_from=day)


@pytest.fixture()
def ws(backend):
    h = generate_history(days=30, vertices=600, sites=5, seed=5)
    w = backend(create=True)
    rocket = WeaponSystem("rocket", "Rocket", WeaponClass.MRL,
                          (Munition("long", 0.0, 60.0, SRC), Munition("short", 0.0, 20.0, SRC)),
                          Provenance(SRC))
    with w.store.transaction():
        w.store.put(FACTIONS, h.factions)
        w.store.put(RELATIONS, h.relations)
        w.store.put(FACILITIES, h.facilities)
        w.store.put(CONTROL, [a for a in h.areas if a.date < h.dates()[-1]])
        w.store.put(WEAPON_SYSTEMS, [rocket])
        w.store.put(HOLDINGS, [_holding(h.dates()[4])])
    yield w, h
    w.close()


def _new_process() -> None:
    """Forget what this process kept: the next question must read the store (or evaluate)."""
    reach_kept._KEPT.clear()


def _no_evaluation(monkeypatch) -> None:
    def refuse(*a, **k):
        raise AssertionError("evaluated again: the kept history was not read")

    monkeypatch.setattr(reach_kept, "reach_history", refuse)


def _fresh_rows(w, facs, day):
    fresh = reach_history(w, facs, day)
    return [fresh[f.id].row(day) for f in facs]


def test_a_new_process_reads_the_kept_history_on_dates_in_any_order(ws, monkeypatch):
    w, h = ws
    days = h.dates()
    facs = w.facilities()
    _new_process()
    exposure_rows(w, facs, days[5])  # evaluates and keeps, in memory and in the store
    assert w.store.count(REACH_HISTORY) == len(facs)
    expected = {d: _fresh_rows(w, facs, d) for d in (days[27], days[2], days[17], days[4], days[28])}
    _new_process()
    with monkeypatch.context() as m:
        _no_evaluation(m)
        for d, rows in expected.items():
            _new_process()
            assert exposure_rows(w, facs, d) == rows
        # one site alone reads its own entry (what `exposure --site` asks)
        _new_process()
        assert exposure_rows(w, facs[1:2], days[17]) == expected[days[17]][1:2]
    assert any(r["systems_in_reach"] for r in expected[days[17]])
    # the projection of the CLI: from the facility's own change dates up to the day
    cat = load_catalog(w)
    for f in facs:
        kept = kept_histories(w, [f], days[20])[f.id]
        alone = reach_history(w, [f], days[20])[f.id]
        assert projection(kept.states_upto(days[20]), cat) == \
            projection([alone.states[x] for x in alone.dates], cat)


@pytest.mark.parametrize("change", ["holding", "snapshot", "facility"])
def test_a_committed_change_moves_the_stamp_and_is_evaluated_again(ws, change):
    w, h = ws
    days = h.dates()
    facs = w.facilities()
    _new_process()
    before_stamp = reach_stamp(w.store)
    exposure_rows(w, facs, days[2])
    with w.store.transaction():
        if change == "holding":
            w.store.put(HOLDINGS, [_holding(days[1])])
        elif change == "snapshot":  # the last day of the series, not stored until now
            w.store.put(CONTROL, [a for a in h.areas if a.date == days[-1]])
        else:
            f = facs[0]
            w.store.put(FACILITIES, [dataclasses.replace(
                f, id="new-site", name="New site", lon=f.lon + 0.3, lat=f.lat - 0.2,
                aliases=(), valid_from=days[6])])
    assert reach_stamp(w.store) != before_stamp
    assert read_kept(w.store, reach_stamp(w.store), [f.id for f in facs]) == {}
    facs = w.facilities()
    for d in (days[2], days[-1], days[9]):
        _new_process()
        assert exposure_rows(w, facs, d) == _fresh_rows(w, facs, d)
    if change == "holding":
        assert any(r["systems_in_reach"] for r in exposure_rows(w, facs, days[2]))
    if change == "facility":
        assert w.store.count(REACH_HISTORY) == len(facs)


def _rewrite(w, entries) -> None:
    with w.store.transaction():
        w.store.put(REACH_HISTORY, entries)


def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(ws, monkeypatch):
    w, h = ws
    days = h.dates()
    facs = w.facilities()
    _new_process()
    expected = exposure_rows(w, facs, days[20])
    stamp = reach_stamp(w.store)
    good = read_kept(w.store, stamp, [f.id for f in facs])
    a, b, c, d = (good[f.id] for f in facs[:4])
    near = expected[0]["distance_km"]
    bad = [
        # text damaged, digest not redone: fails the digest
        dataclasses.replace(a, body=a.body[: len(a.body) // 2]),
        # another facility's body under this facility's id, digest redone: foreign
        KeptReach(b.facility, stamp, b.fingerprint, b.end, c.body),
        # not JSON at all, digest redone
        KeptReach(c.facility, stamp, c.fingerprint, c.end, "\x80 not json {"),
        # an entry of the facility before it moved (another fingerprint), digest redone
        KeptReach(d.facility, stamp, "0" * 40, d.end, d.body),
    ]
    _rewrite(w, bad)
    assert set(read_kept(w.store, stamp, [f.id for f in facs])) == {f.id for f in facs} - {a.facility}
    _new_process()
    assert exposure_rows(w, facs, days[20]) == expected
    assert expected[0]["distance_km"] == near
    # replaced by good entries: the next new process evaluates nothing
    with monkeypatch.context() as m:
        _no_evaluation(m)
        _new_process()
        assert exposure_rows(w, facs, days[11]) == _fresh_rows(w, facs, days[11])


def test_keep_all_after_an_import_keeps_every_site(ws, monkeypatch):
    w, h = ws
    facs = w.facilities()
    _new_process()
    assert reach_kept.keep_all(w, limit=1) == 0  # over the limit: left to the first question
    assert read_kept(w.store, reach_stamp(w.store), [f.id for f in facs]) == {}
    assert reach_kept.keep_all(w) == len(facs)
    day = h.dates()[15]
    expected = _fresh_rows(w, facs, day)
    with monkeypatch.context() as m:
        _no_evaluation(m)
        _new_process()
        assert exposure_rows(w, facs, day) == expected


def test_the_projection_walked_from_the_end_picks_the_dates_a_full_scan_picks(ws):
    """projection() reads a kept history from its end; the window it picks is the one of the
    plain rule (last dated distance; the latest one >= 3 days before it, else the first),
    written out here over every prefix of every site's series, gaps included."""
    w, h = ws
    cat = load_catalog(w)
    for f in w.facilities():
        hist = reach_history(w, [f], h.dates()[-2])[f.id]
        series = [hist.states[d] for d in hist.dates]
        # gaps: every third state without a distance
        series = [dataclasses.replace(e, nearest=None) if i % 3 == 1 else e
                  for i, e in enumerate(series)]
        for n in range(len(series) + 1):
            usable = [e for e in series[:n] if e.nearest is not None]
            got = projection(series[:n], cat)
            if len(usable) < 2:
                assert got["note"] == "not enough dates"
                continue
            last = usable[-1]
            if last.inside:
                continue
            earlier = [e for e in usable if (last.date - e.date).days >= 3]
            first = earlier[-1] if earlier else usable[0]
            assert got["window"] == {"from": first.date.isoformat(), "to": last.date.isoformat()}


def test_a_kept_historys_states_read_like_the_fresh_ones(ws):
    w, h = ws
    facs = w.facilities()
    _new_process()
    kept_histories(w, facs, h.dates()[3])
    _new_process()
    for f in facs:
        kept = kept_histories(w, [f], h.dates()[3])[f.id]
        fresh = reach_history(w, [f], h.dates()[-2])[f.id]
        assert kept.dates == fresh.dates and len(kept.states) == len(fresh.states)
        assert all(d in kept.states for d in fresh.dates)
        assert kept.states.get(fresh.dates[-1]) == fresh.states[fresh.dates[-1]]
        assert dict(kept.states.items()) == {d: fresh.states[d] for d in fresh.dates}
        assert kept.spans == fresh.spans and kept.inside == fresh.inside
