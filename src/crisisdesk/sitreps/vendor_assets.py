"""Copy the map's browser assets from node_modules into the package's static folder.

Run after `npm ci` at the repository root (package.json pins the versions):

    npm ci && python3 src/crisisdesk/sitreps/vendor_assets.py      # or: npm run vendor

The copied files are committed, so the app needs neither node nor a network at run time and
serves everything itself (no CDN). Licences travel with the files:
- leaflet (BSD-2-Clause): dist/leaflet.js, dist/leaflet.css, dist/images/*
- topojson-client (ISC): dist/topojson-client.min.js
- world-atlas (ISC; data from Natural Earth, public domain): countries-50m.json
"""

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NODE = ROOT / "node_modules"
OUT = Path(__file__).resolve().parent / "static" / "sitreps" / "vendor"

FILES = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
    "leaflet/LICENSE": "leaflet/LICENSE",
    "topojson-client/dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
    "topojson-client/LICENSE": "topojson-client/LICENSE",
    "world-atlas/countries-50m.json": "world-atlas/countries-50m.json",
    "world-atlas/LICENSE": "world-atlas/LICENSE",
}


def main() -> int:
    if not NODE.is_dir():
        print("node_modules is missing: run `npm ci` at the repository root first", file=sys.stderr)
        return 1
    versions = {}
    for src, dst in FILES.items():
        source = NODE / src
        target = OUT / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        package = src.split("/", 1)[0]
        versions[package] = json.loads((NODE / package / "package.json").read_text())["version"]
    (OUT / "VERSIONS.json").write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
    print(f"vendored {len(FILES)} files into {OUT.relative_to(ROOT)}: {versions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
