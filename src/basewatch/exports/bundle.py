"""Report bundles: the report plus the data it used and a manifest of SHA-256 hashes, as a
folder or a zip file, so that anyone can check that nothing changed since it was written.

``MANIFEST.sha256`` has one ``<hex digest>  <path>`` line per file (the format of
``sha256sum``, so ``sha256sum -c MANIFEST.sha256`` checks a folder bundle too).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from basewatch.errors import ValidationError

__all__ = ["MANIFEST", "bundle_files", "verify_bundle", "write_bundle"]

MANIFEST = "MANIFEST.sha256"
#: Largest manifest read back (a bundle's manifest is a few lines per data file).
_MANIFEST_LIMIT = 1 << 20


def _json(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode()


def _imagery_csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    cols = ["site", "date", "area", "class", "count", "verdict", "base_rate", "n_history",
            "history_synthetic", "p_tail", "source", "synthetic", "text"]
    w = csv.DictWriter(buf, cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def bundle_files(ws: Any, rep: dict[str, Any], report: bytes, report_name: str) -> dict[str, bytes]:
    """Every file of the bundle of ``rep`` (the dict of :func:`situation_report`) by path."""
    from basewatch.exports import collect
    from basewatch.exports.writers import write_geojson

    sec = rep["sections"]
    files: dict[str, bytes] = {report_name: report}
    day = rep["date"]
    if rep["snapshot"] is not None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for layer in ("control", "facilities"):
                out = Path(tmp) / f"{layer}.geojson"
                write_geojson(collect(ws, layer, day), out)
                files[f"data/{layer}.geojson"] = out.read_bytes()
    ch = rep["changes"]
    files["data/control_changes.json"] = _json(ch.to_dict() if ch is not None else None)
    files["data/inventory.json"] = _json(rep["inventory"].to_dict())
    for name in ("rings", "reach", "corridors"):
        files[f"data/{name}.geojson"] = _json(sec[name] or {"type": "FeatureCollection",
                                                            "features": []})
    files["data/exposure.json"] = _json(sec["exposure"])
    files["data/alerts.json"] = _json(sec.get("alerts", []))
    files["data/imagery.json"] = _json(sec["imagery"])
    files["data/imagery.csv"] = _imagery_csv(sec["imagery"])
    files["data/flights.json"] = _json({"events": sec["flights"], "daily_surges": sec["surges"]})
    files["data/claims.json"] = _json(sec["claims"])
    files["data/assessment.json"] = _json({"on_date": sec["assessments"], "series": {
        k: {"probability": v["probability"], "distance_km": v["distance"]}
        for k, v in sec.get("charts", {}).items()}})
    files["data/sources.json"] = _json({"sources": rep["sources"], "caveats": rep["caveats"],
                                        "date": day.isoformat(),
                                        "snapshot": rep["snapshot"].isoformat()
                                        if rep["snapshot"] else None})
    return files


def _manifest(files: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(b).hexdigest()}  {p}\n" for p, b in sorted(files.items())).encode()


def write_bundle(files: dict[str, bytes], target: Path) -> Path:
    """Write ``files`` and their manifest to a folder, or to a zip if ``target`` ends in .zip."""
    manifest = _manifest(files)
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for p, b in sorted(files.items()):
                z.writestr(p, b)
            z.writestr(MANIFEST, manifest)
        return target
    if target.exists() and any(target.iterdir()):
        raise ValidationError(f"--bundle {target}: folder is not empty; give a new folder")
    for p, b in files.items():
        out = target / p
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b)
    (target / MANIFEST).write_bytes(manifest)
    return target


def _parse_manifest(text: bytes, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, line in enumerate(text.decode("utf-8", "replace").splitlines(), 1):
        digest, sep, path = line.partition("  ")
        pp = PurePosixPath(path)
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValidationError(f"{where} line {n}: expected '<sha256 hex>  <path>'")
        if pp.is_absolute() or ".." in pp.parts or not path:
            raise ValidationError(f"{where} line {n}: path {path!r} leaves the bundle")
        out[path] = digest
    return out


def verify_bundle(bundle: Path) -> dict[str, Any]:
    """Recompute every file's SHA-256 against the manifest. Raises :class:`ValidationError`
    naming each file that changed, is missing, or is not in the manifest."""
    if bundle.is_dir():
        mpath = bundle / MANIFEST
        if not mpath.is_file():
            raise ValidationError(f"{bundle}: no {MANIFEST}; not a report bundle")
        if mpath.stat().st_size > _MANIFEST_LIMIT:
            raise ValidationError(f"{mpath}: larger than {_MANIFEST_LIMIT} bytes")
        listed = _parse_manifest(mpath.read_bytes(), str(mpath))
        present = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*")
                   if p.is_file() and p != mpath}

        def digest(p: str) -> str:
            return hashlib.sha256((bundle / p).read_bytes()).hexdigest()
    elif zipfile.is_zipfile(bundle):
        z = zipfile.ZipFile(bundle)
        names = {i.filename for i in z.infolist() if not i.is_dir()}
        if MANIFEST not in names:
            raise ValidationError(f"{bundle}: no {MANIFEST}; not a report bundle")
        if z.getinfo(MANIFEST).file_size > _MANIFEST_LIMIT:
            raise ValidationError(f"{bundle}: {MANIFEST} larger than {_MANIFEST_LIMIT} bytes")
        listed = _parse_manifest(z.read(MANIFEST), f"{bundle}:{MANIFEST}")
        present = names - {MANIFEST}

        def digest(p: str) -> str:
            h = hashlib.sha256()
            with z.open(p) as f:
                for chunk in iter(lambda: f.read(1 << 16), b""):
                    h.update(chunk)
            return h.hexdigest()
    else:
        raise ValidationError(f"{bundle}: neither a bundle folder nor a zip file")
    changed = sorted(p for p in listed if p in present and digest(p) != listed[p])
    missing = sorted(set(listed) - present)
    extra = sorted(present - set(listed))
    problems = [f"{p}: SHA-256 differs from the manifest" for p in changed]
    problems += [f"{p}: listed in the manifest but missing" for p in missing]
    problems += [f"{p}: not in the manifest" for p in extra]
    if problems:
        raise ValidationError(f"{bundle}: " + "; ".join(problems))
    return {"bundle": str(bundle), "files": len(listed), "ok": True}
