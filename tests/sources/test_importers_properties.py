"""Property tests: valid rows round-trip; any input ends in success or our own error."""

import csv
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basewatch.errors import BasewatchError
from basewatch.model import FacilityType
from basewatch.sources.importing import import_file
from basewatch.store import Workspace
from tests.conftest import doc_examples

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s.strip() != "" and "|" not in s and ";" not in s)
row = st.fixed_dictionaries({
    "name": text,
    "operator": st.sampled_from(["government", "opposition", "russia", "iran", "Russia", "SAA"]),
    "type": st.sampled_from([t.value for t in FacilityType]),
    "lon": st.floats(-180, 180, allow_nan=False),
    "lat": st.floats(-90, 90, allow_nan=False),
    "aliases": st.lists(text, max_size=3),
})


def new_workspace(tmp: Path) -> Workspace:
    ws = Workspace(tmp, create=True)
    name, kind, body = next(e for e in doc_examples() if e[1] == "factions")
    (tmp / name).write_text(body, "utf-8")
    import_file(ws, kind, tmp / name)
    return ws


@SETTINGS
@given(rows=st.lists(row, min_size=1, max_size=8))
def test_valid_facility_rows_round_trip(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("prop")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "name", "aliases", "operator", "type", "lon", "lat", "source"])
    for i, r in enumerate(rows):
        w.writerow([f"f{i}", r["name"], "|".join(r["aliases"]), r["operator"], r["type"],
                    repr(r["lon"]), repr(r["lat"]), "prop test"])
    (tmp / "f.csv").write_text(buf.getvalue(), "utf-8")
    with new_workspace(tmp / "ws") as ws:
        import_file(ws, "facilities", tmp / "f.csv")
        back = {f.id: f for f in ws.facilities()}
    assert len(back) == len(rows)
    for i, r in enumerate(rows):
        f = back[f"f{i}"]
        assert (f.name, f.lon, f.lat, f.type.value) == (r["name"], r["lon"], r["lat"], r["type"])
        assert f.aliases == tuple(r["aliases"])


junk_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "features", "geometry", "properties", "coordinates", "faction",
                         "date", "source", "crs", "id"]), children, max_size=5),
    max_leaves=20)


@SETTINGS
@given(doc=junk_json, kind=st.sampled_from(["control", "facilities", "places"]))
def test_any_json_ends_in_success_or_our_error(tmp_path_factory, doc, kind):
    tmp = tmp_path_factory.mktemp("junk")
    (tmp / "x.geojson").write_text(json.dumps(doc), "utf-8")
    with new_workspace(tmp / "ws") as ws:
        before = (tmp / "ws" / "basewatch.gpkg").read_bytes()
        try:
            import_file(ws, kind, tmp / "x.geojson")
        except BasewatchError:
            assert (tmp / "ws" / "basewatch.gpkg").read_bytes() == before


@SETTINGS
@given(body=st.text(max_size=300), kind=st.sampled_from(["facilities", "places", "survey"]))
def test_any_csv_text_ends_in_success_or_our_error(tmp_path_factory, body, kind):
    tmp = tmp_path_factory.mktemp("junkcsv")
    header = {"facilities": "id,name,operator,type,lon,lat,source\n",
              "places": "id,name,lon,lat,source\n",
              "survey": "publisher,edition_date,count,source\n"}[kind]
    (tmp / "x.csv").write_text(header + body, "utf-8")
    with new_workspace(tmp / "ws") as ws:
        try:
            import_file(ws, kind, tmp / "x.csv")
        except BasewatchError:
            pass
