"""Fixtures of the imagery tests: a workspace with the demo's factions and facilities, and the
examples of docs/imagery.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from basewatch.sources.importing import import_file
from basewatch.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
IMAGERY_DOC = ROOT / "docs" / "imagery.md"
_EXAMPLE = re.compile(r"<!-- example: (\S+) kind=([\w-]+) -->\s*```\w*\n(.*?)```", re.DOTALL)


def doc_example(kind: str) -> tuple[str, str]:
    """(file name, text) of the first example of ``kind`` in docs/imagery.md."""
    for m in _EXAMPLE.finditer(IMAGERY_DOC.read_text("utf-8")):
        if m[2] == kind:
            return m[1], m[3]
    raise LookupError(kind)


@pytest.fixture
def sites_ws(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace holding the demo's factions and facilities (Khmeimim, Tartus...)."""
    w = Workspace(tmp_path / "ws", create=True)
    data = resources.files("basewatch.demo").joinpath("data")
    for kind, name in (("factions", "factions.json"), ("facilities", "facilities.csv")):
        with resources.as_file(data.joinpath(name)) as p:
            import_file(w, kind, p)
    yield w
    w.close()


@pytest.fixture(scope="session")
def demo_imagery_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per session (includes the imagery demo)."""
    from basewatch.demo.build import build_demo

    folder = tmp_path_factory.mktemp("demo-imagery")
    build_demo(folder)
    return folder


# --- synthetic scenes on a loopback STAC API + object store ---------------------------------

import datetime as _dt
import json as _json
from dataclasses import dataclass as _dataclass
from typing import Any as _Any

from shapely.geometry import shape as _shape
from shapely.geometry.base import BaseGeometry as _Geom

AREAS_FILE = ROOT / "src" / "basewatch" / "demo" / "data" / "imagery" / "areas.geojson"


def demo_area(area_id: str) -> _Geom:
    """A polygon of the demo's areas.geojson by feature id (e.g. 'tartus-harbour-basin')."""
    doc = _json.loads(AREAS_FILE.read_text("utf-8"))
    return _shape(next(f for f in doc["features"] if f["id"] == area_id)["geometry"])


@_dataclass
class SceneSet:
    root: Path
    items: list[dict[str, _Any]]
    truth: dict[str, list[_Any]]
    basin: _Geom


def _utc(d: int, month: int = 11) -> _dt.datetime:
    return _dt.datetime(2024, month, d, 8, 25, tzinfo=_dt.UTC)


@pytest.fixture(scope="session")
def scene_set(tmp_path_factory: pytest.TempPathFactory) -> SceneSet:
    """Tiny scenes over Tartus' basin: S2 clear with the flotilla (28 Nov), S2 under cloud
    (23 Nov), S2 with a cloud edge across the basin (18 Nov), S2 clear and empty (3 Dec), S1 with vessels (30 Nov) and
    S1 empty (3 Dec). Hrefs point at a placeholder host rewritten per server."""
    from basewatch.demo.imagery_scenes import SceneSpec, generate_scene

    root = tmp_path_factory.mktemp("scenes")
    basin = demo_area("tartus-harbour-basin")
    specs = [
        SceneSpec("sentinel-2-l2a", _utc(28)),
        SceneSpec("sentinel-2-l2a", _utc(23), cloud_fraction=1.0),
        SceneSpec("sentinel-2-l2a", _utc(18), cloud_fraction=0.75),
        SceneSpec("sentinel-2-l2a", _utc(3, 12), fleet=()),
        SceneSpec("sentinel-1-grd", _utc(30)),
        SceneSpec("sentinel-1-grd", _utc(3, 12), fleet=()),
    ]
    items, truth = [], {}
    for i, spec in enumerate(specs):
        item, planted = generate_scene(spec, basin, root, "{BASE}", seed=100 + i)
        items.append(item)
        truth[item["id"]] = planted
    return SceneSet(root, items, truth, basin)


def items_for(scene_set: SceneSet, base_url: str) -> list[dict[str, _Any]]:
    return _json.loads(_json.dumps(scene_set.items).replace("{BASE}", base_url))


@pytest.fixture
def stac(scene_set: SceneSet) -> Iterator[_Any]:
    """A running loopback STAC API serving ``scene_set``."""
    from basewatch.demo.stac_server import LoopbackStac

    srv = LoopbackStac(scene_set.root)
    srv.items = items_for(scene_set, srv.url)
    with srv:
        yield srv
