"""Manual counts: the documented CSV imports; bad rows stop the import with nothing stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from basewatch.errors import ImportFormatError, ValidationError
from basewatch.model import Provenance, Source
from basewatch.model.imagery import CountMethod, ImageryCount, parse_count_class
from basewatch.sources.imagery_counts import import_counts
from basewatch.store import Workspace
from basewatch.store.imagery import IMAGERY_COUNTS, site_counts

from .conftest import doc_example

HEADER = "site,area,time,class,count,sensor,source\n"
UTC = dt.UTC


def _write(tmp_path: Path, text: str, name: str = "counts.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def test_documented_example_imports_with_aliases_and_plural_classes(sites_ws: Workspace,
                                                                    tmp_path: Path) -> None:
    name, text = doc_example("imagery-counts")
    report = import_counts(sites_ws, _write(tmp_path, text, name))
    assert report.result.inserted == 3
    apron = site_counts(sites_ws.store, "khmeimim", area="apron")
    assert [(c.object_class, c.count, c.resolution_m) for c in apron] == [("aircraft", 0, 0.5)]
    assert apron[0].time == dt.datetime(2024, 12, 3, tzinfo=UTC)
    assert apron[0].method is CountMethod.MANUAL
    assert apron[0].provenance.source.publisher == "MT Anderson (@MT_Anderson)"
    tartus = site_counts(sites_ws.store, "tartus")
    assert [(c.area, c.object_class) for c in tartus] == [("harbour basin", "frigate")]
    # re-importing the same file changes nothing
    again = import_counts(sites_ws, _write(tmp_path, text, name))
    assert again.result.changed == 0 and again.result.unchanged == 3


@pytest.mark.parametrize(("row", "message"), [
    ("tartus,harbour basin,2024-12-03,frigate,-1,S2,x", r"line 3: count -1 is negative"),
    ("tartus,harbour basin,2024-12-03,cruiser,1,S2,x", r"line 3: unknown class 'cruiser'"),
    ("atlantis,harbour basin,2024-12-03,frigate,1,S2,x", r"line 3: no facility named 'atlantis'"),
    ("tartus,harbour basin,2024-12-03,frigate,1.5,S2,x", r"line 3: count 1.5 is not a whole number"),
    ("tartus,harbour basin,2999-01-01,frigate,1,S2,x", r"line 3: time 2999-01-01 is in the future"),
    ("tartus,harbour basin,yesterday,frigate,1,S2,x", r"line 3: time 'yesterday' is not an ISO"),
    ("tartus,harbour basin,2024-12-03,frigate,1,S2,", r"line 3: source is empty"),
    ("tartus,harbour basin,2024-12-02,frigate,3,S2,x", r"line 3: duplicate count"),
])
def test_bad_row_names_line_and_fault_and_stores_nothing(sites_ws: Workspace, tmp_path: Path,
                                                         row: str, message: str) -> None:
    good = "tartus,harbour basin,2024-12-02,frigate,3,S2,x\n"
    path = _write(tmp_path, HEADER + good + row + "\n")
    with pytest.raises(ImportFormatError, match=message):
        import_counts(sites_ws, path)
    assert sites_ws.store.select(IMAGERY_COUNTS) == []


def test_missing_column_is_named(sites_ws: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path, "site,area,time,count,sensor,source\n")
    with pytest.raises(ImportFormatError, match=r"line 1: missing column class"):
        import_counts(sites_ws, path)


def test_presence_only_counts_are_zero_or_one(sites_ws: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path, "site,area,time,class,count,sensor,source,presence_only\n"
                            "khmeimim,apron,2024-11-01,aircraft,3,S2,x,true\n")
    with pytest.raises(ImportFormatError, match=r"line 2: .*presence-only count is 0 .* or 1"):
        import_counts(sites_ws, path)


def test_count_record_round_trips_and_refuses_naive_time() -> None:
    prov = Provenance(Source("test"))
    c = ImageryCount("tartus", "harbour basin", dt.datetime(2024, 12, 3, 8, 30, tzinfo=UTC),
                     "submarine", 1, "Sentinel-1 GRD", prov, resolution_m=10.0,
                     method=CountMethod.DETECTOR)
    assert ImageryCount.from_dict(c.to_dict()) == c
    with pytest.raises(ValidationError, match="must be UTC"):
        ImageryCount("tartus", "harbour basin", dt.datetime(2024, 12, 3), "submarine", 1, "S1", prov)
    assert parse_count_class("Auxiliaries") == "auxiliary"


def _areas(tmp_path: Path, props: dict[str, str], geom: dict[str, object]) -> Path:
    import json

    p = tmp_path / "areas.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"source": "test", **props}, "geometry": geom}]}), "utf-8")
    return p


SQUARE = {"type": "Polygon", "coordinates": [[[35.86, 34.90], [35.87, 34.90], [35.87, 34.91],
                                              [35.86, 34.91], [35.86, 34.90]]]}


def test_areas_import_and_bad_features(sites_ws: Workspace, tmp_path: Path) -> None:
    from basewatch.sources.imagery_counts import import_areas
    from basewatch.store.imagery import site_areas

    with pytest.raises(ImportFormatError, match=r"feature 0: no facility named 'nowhere'"):
        import_areas(sites_ws, _areas(tmp_path, {"site": "nowhere", "name": "apron"}, SQUARE))
    with pytest.raises(ImportFormatError, match=r"feature 0: .*geometry must be a polygon"):
        import_areas(sites_ws, _areas(tmp_path, {"site": "tartus", "name": "basin"},
                                      {"type": "Point", "coordinates": [35.87, 34.9]}))
    assert site_areas(sites_ws.store) == []
    import_areas(sites_ws, _areas(tmp_path, {"site": "Tartous naval base", "name": "Harbour-Basin",
                                             "kind": "water"}, SQUARE))
    (a,) = site_areas(sites_ws.store, "tartus")
    assert (a.name, a.kind) == ("harbour basin", "water") and a.geometry.equals(
        __import__("shapely").geometry.shape(SQUARE))


def test_scene_and_area_records_round_trip() -> None:
    from shapely.geometry import shape

    from basewatch.model.imagery import Scene, SiteArea

    prov = Provenance(Source("STAC test"), synthetic=True, generator="g", seed=3)
    s = Scene("S2B_X", "sentinel-2-l2a", dt.datetime(2024, 12, 3, 8, 25, tzinfo=UTC), "tartus",
              shape(SQUARE), prov, {"scl": "http://h/scl.tif"}, "sentinel-2b", 12.5, 0.0, 1234,
              "http://h")
    assert Scene.from_dict(s.to_dict()) == s
    area = SiteArea("tartus", "harbour basin", shape(SQUARE), prov, kind="water")
    assert SiteArea.from_dict(area.to_dict()) == area
