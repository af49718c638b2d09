"""STIX 2.1 export: the bundle opens in the stix2 parser with the expected objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stix2

from basewatch.queries.claims import load_claimset
from basewatch.demo.build import build_demo
from basewatch.sources.stix import stix_bundle
from basewatch.store import Workspace


@pytest.fixture(scope="module")
def claimset(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("demo-stix")
    build_demo(folder)
    with Workspace(folder) as ws:
        return load_claimset(ws)


def test_bundle_parses_with_stix2_and_keeps_every_record(claimset):
    bundle = stix_bundle(list(claimset.sources.values()), list(claimset.reports.values()),
                         claimset.claims, claimset.groups, claimset.sites)
    parsed = stix2.parse(bundle.serialize(), allow_custom=True)
    types: dict[str, int] = {}
    for o in parsed.objects:
        types[o.type] = types.get(o.type, 0) + 1
    assert types["report"] == len(claimset.reports)
    assert types["identity"] == len(claimset.sources) + 1  # + the exporting analyst
    silences = sum(len(g.silences) for g in claimset.groups)
    assert types["note"] == len(claimset.claims) + silences
    assert {"location", "relationship"} <= set(types)
    ids = {o.id for o in parsed.objects}
    for o in parsed.objects:  # every reference points inside the bundle
        for ref in [*getattr(o, "object_refs", []), getattr(o, "created_by_ref", None),
                    getattr(o, "source_ref", None), getattr(o, "target_ref", None)]:
            assert ref is None or ref in ids
    tartus = [o for o in parsed.objects if o.type == "location" and o.name.startswith("Tartus")]
    assert len(tartus) == 1 and tartus[0].latitude == pytest.approx(34.905)


def test_bundle_ids_are_stable_across_exports(claimset):
    def ids() -> list[str]:
        b = stix_bundle(list(claimset.sources.values()), list(claimset.reports.values()),
                        claimset.claims, claimset.groups, claimset.sites)
        return sorted(o["id"] for o in json.loads(b.serialize())["objects"])

    assert ids() == ids()


def test_silence_is_a_note_no_official_confirmation(claimset):
    bundle = json.loads(stix_bundle(list(claimset.sources.values()),
                                    list(claimset.reports.values()), claimset.claims,
                                    claimset.groups, claimset.sites).serialize())
    notes = [o for o in bundle["objects"] if o["type"] == "note"
             and o.get("abstract") == "no official confirmation"]
    assert any("Russian Ministry of Defence published nothing on tartus departure" in n["content"]
               for n in notes)


def test_export_stix_command_writes_a_parseable_file(claimset, tmp_path: Path):
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    folder = tmp_path / "ws"
    build_demo(folder)
    out = tmp_path / "bundle.json"
    res = CliRunner().invoke(app, ["export", "stix", "--out", str(out), "-w", str(folder)])
    assert res.exit_code == 0, res.output
    parsed = stix2.parse(out.read_text("utf-8"), allow_custom=True)
    assert parsed.type == "bundle" and len(parsed.objects) > 20
