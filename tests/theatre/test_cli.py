"""The Crimea scenario on the command line (JSON): distances, reach dates, front, timelines,
inventory, assessment and tripwires, against answers computed in tests/theatre/crimea.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.theatre.crimea import (
    change_dates,
    cli,
    day,
    depth_km,
    distance_km,
    front_geometry,
    front_length_km,
    inside_hostile,
    reach_since,
    sites,
    snapshot_dates,
)


def test_the_example_files_import_through_the_cli(crimea_ws: Path) -> None:
    facilities = cli("facilities", "--json", "-w", crimea_ws)
    rows = facilities if isinstance(facilities, list) else facilities["features"]
    assert len(rows) == len(sites()) == 6
    changes = cli("control", "changes", "--from", "2022-06-01", "--to", "2022-11-11", "--json",
                  "-w", crimea_ws)
    # Kherson changed hands when Russia left the right bank (11 Nov 2022).
    assert any(p["place"] in ("kherson", "Kherson") and p["date"] == "2022-11-11"
               for p in changes["places_changed"])
    weapons = cli("weapons", "list", "--json", "-w", crimea_ws)
    assert {s["id"] for s in weapons["systems"]} == {"himars", "storm-shadow", "atacms-165",
                                                     "atacms-300"}
    assert all(m["source"] for s in weapons["systems"] for m in s["munitions"])


@pytest.mark.parametrize("date", ["2022-07-01", "2022-10-01", "2023-06-01", "2024-03-01"])
def test_distances_to_hostile_ground_match_pyproj(crimea_ws: Path, date: str) -> None:
    rows = {r["facility"]: r for r in cli("exposure", "--date", date, "--json", "-w", crimea_ws)}
    sites_outside = [s for s in sites() if not inside_hostile(s, date)]
    assert len(sites_outside) == (6 if date < "2022-11-11" else 5)
    for site in sites_outside:
        assert rows[site]["distance_km"] == pytest.approx(distance_km(site, date), abs=0.1), site
        assert rows[site]["nearest_faction"] == "ukraine"
        assert rows[site]["synthetic"] is True  # the control areas are hand-drawn


def test_storm_shadow_reaches_saky_from_its_own_date_between_snapshots(crimea_ws: Path) -> None:
    # Delivered 11 May 2023, between the snapshots of 11 Nov 2022 and 17 Feb 2024.
    assert reach_since("saky")["storm-shadow"] == "2023-05-11"
    rows = {r["facility"]: r for r in cli("exposure", "--date", "2023-06-01", "--json",
                                          "-w", crimea_ws)}
    since = {r["system"]: r["since"] for r in rows["saky"]["systems_in_reach"]}
    assert since == {"storm-shadow": "2023-05-11"}
    timeline = cli("exposure", "timeline", "--site", "saky", "--json", "-w", crimea_ws)
    first = {x["system"]: x["date"] for x in timeline["first_in_reach"]}
    assert first == reach_since("saky")
    assert "2023-05-11" in [r["date"] for r in timeline["series"]]


def test_longer_range_atacms_after_the_last_snapshot_is_not_since_the_asked_date(
        crimea_ws: Path) -> None:
    rows = {r["facility"]: r for r in cli("exposure", "--date", "2024-06-01", "--json",
                                          "-w", crimea_ws)}
    for site in ("kerch-bridge", "dzhankoi"):
        since = {r["system"]: r["since"] for r in rows[site]["systems_in_reach"]}
        assert since == reach_since(site), site


def test_himars_reaches_chornobaivka_from_23_june_2022(crimea_ws: Path) -> None:
    timeline = cli("exposure", "timeline", "--site", "Kherson International Airport", "--json",
                   "-w", crimea_ws)
    first = {x["system"]: x["date"] for x in timeline["first_in_reach"]}
    assert first == {"himars": "2022-06-23"}


def test_chornobaivka_is_inside_hostile_ground_after_the_withdrawal(crimea_ws: Path) -> None:
    rows = {r["facility"]: r for r in cli("exposure", "--date", "2023-01-01", "--json",
                                          "-w", crimea_ws)}
    row = rows["chornobaivka"]
    assert distance_km("chornobaivka", "2023-01-01") == 0.0
    assert not row["systems_in_reach"]  # its state is not "0.0 km, in reach"
    assert row["state"] == "inside_hostile"
    assert row["inside"]["since"] == "2022-11-11"
    assert row["inside"]["faction"] == "ukraine"
    assert row["inside"]["depth_km"] == pytest.approx(
        depth_km("chornobaivka", "2023-01-01"), abs=0.1)


def test_front_runs_along_the_hand_drawn_line_not_the_coast(crimea_ws: Path) -> None:
    import shapely
    from shapely.geometry import shape

    for date in snapshot_dates():
        out = cli("front", "--date", date, "--geometry", "--json", "-w", crimea_ws)
        assert out["segments"], date
        expected = front_geometry(date)
        # all of it: from the Dnipro-Bug estuary to the Russian border. Less by at most 2%:
        # on 1 Jun 2022 an 8 km wedge of Ukrainian ground under 3 km wide between the drawn
        # line and the border is a strip along the held ground (docs/theatre-crimea.md).
        total = sum(seg["length_km"] for seg in out["segments"])
        assert front_length_km(date) * 0.98 <= total <= front_length_km(date) + 0.1, date
        for seg in out["segments"]:
            geom = shape(seg["geometry"])
            # every vertex of basewatch's front lies on the drawn line's part of Russia's
            # boundary (within ~10 m): no coast, no border
            far = [p for p in shapely.get_coordinates(geom)
                   if shapely.distance(shapely.Point(p), expected) > 1e-4]
            assert not far, (date, far[:3])


def test_inventory_counts_the_russian_sites(crimea_ws: Path) -> None:
    inv = cli("inventory", "--date", "2023-06-01", "--by", "operator", "--json", "-w", crimea_ws)
    assert inv["total"] == 6
    # The Crimean Bridge opened on 15 May 2018: not yet a site in 2017.
    early = cli("inventory", "--date", "2017-01-01", "--by", "operator", "--json", "-w", crimea_ws)
    assert early["total"] == 4  # Saky, Belbek, Dzhankoi and Sevastopol (no start date)


def test_inventory_tells_airbases_from_naval_bases(crimea_ws: Path) -> None:
    inv = cli("inventory", "--date", "2023-06-01", "--by", "type", "--json", "-w", crimea_ws)
    text = str(inv)
    assert "airbase" in text and "naval_base" in text


def test_assess_uses_the_generic_table_and_says_so(crimea_ws: Path) -> None:
    # No likelihood table in this workspace: nothing borrowed from the Syria demo, a warning.
    rows = cli("assess", "--date", "2023-06-01", "--json", "-w", crimea_ws)
    by_site = {r["site"]: r for r in rows}
    assert "saky" in by_site
    assert any("generic" in w for w in by_site["saky"]["warnings"])
    storm = [s for s in by_site["saky"]["steps"] if "Storm Shadow" in s["description"]]
    assert storm and storm[0]["date"] == reach_since("saky")["storm-shadow"]


def test_tripwires_fire_on_the_dates_of_the_rules(crimea_ws: Path) -> None:
    alerts = cli("alerts", "--json", "-w", crimea_ws)
    # "saky: in_reach(storm-shadow) on 2023-05-11": the condition is in the message
    by_site = {(a["site"], a["message"].split(": ", 1)[1].rsplit(" on ", 1)[0]): a["date"]
               for a in alerts}
    assert by_site[("saky", "in_reach(storm-shadow)")] == reach_since("saky")["storm-shadow"]
    assert by_site[("dzhankoi", "in_reach(atacms-165)")] == "2023-10-17"
    assert by_site[("chornobaivka", "in_reach(himars)")] == "2022-06-23"
    assert any(a["site"] == "chornobaivka" and "overrun" in a["message"].lower()
               and a["date"] == "2022-11-11" for a in alerts)


def test_assess_timeline_defaults_to_the_workspace_span(crimea_ws: Path) -> None:
    # Nothing of the Syria demo's dates: from the first snapshot to the last date anything
    # changes (the longer-range ATACMS, after the last snapshot), every day of it.
    t = cli("assess", "timeline", "--site", "saky", "--json", "-w", crimea_ws)
    days = [r["date"] for r in t["series"]]
    first, last = snapshot_dates()[0], change_dates()[-1]
    assert (days[0], days[-1]) == (first, last) == ("2022-06-01", "2024-04-17")
    assert len(days) == (day(last) - day(first)).days + 1
    assert any("generic" in w for w in t["warnings"])
