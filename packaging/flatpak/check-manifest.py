#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check the Flatpak manifest without building it: valid JSON, the application ID and command
the desktop file and the metainfo use, the permissions the app needs, and Meson options that
exist (packaging/flatpak/README.md)."""
import json
import os
import re
import sys

manifest, desktop, metainfo, options = sys.argv[1:5]
root = os.path.dirname(os.path.abspath(options))
errors = []
with open(manifest) as f:
    m = json.load(f)
app_id = m.get("id")
if not app_id or not desktop.endswith(app_id + ".desktop"):
    errors.append(f"id {app_id!r} does not name the desktop file {desktop}")
with open(metainfo) as f:
    if f"<id>{app_id}</id>" not in f.read():
        errors.append(f"the metainfo's <id> is not {app_id}")
with open(desktop) as f:
    exec_line = [l for l in f.read().splitlines() if l.startswith("Exec=")]
if not exec_line or exec_line[0].split()[0][5:] != m.get("command"):
    errors.append(f"command {m.get('command')!r} is not what the desktop file runs ({exec_line})")
for needed in ("--device=all", "--share=network", "--socket=wayland", "--socket=fallback-x11"):
    if needed not in m.get("finish-args", []):
        errors.append(f"finish-args lack {needed}")
for key in ("runtime", "runtime-version", "sdk", "modules"):
    if key not in m:
        errors.append(f"no {key}")
with open(options) as f:
    known = set(re.findall(r"option\('([a-z_]+)'", f.read()))
main = [mod for mod in m.get("modules", []) if mod.get("name") == "stubflash"]
if not main:
    errors.append("no stubflash module")
else:
    for opt in main[0].get("config-opts", []):
        name = opt[2:].split("=")[0]
        if opt.startswith("-D") and name not in known:
            errors.append(f"unknown Meson option {name}")
    # One ready-built stub per family (families/families.txt: a record starts with the id).
    with open(os.path.join(root, "families", "families.txt")) as f:
        families = re.findall(r"^([a-z][a-z0-9]{1,3})\s", f.read(), re.M)
    files = {s.get("path") for s in main[0].get("sources", []) if s.get("type") == "file"}
    for fam in families:
        if f"stub-{fam}.bin" not in files:
            errors.append(f"the stubflash module does not take the ready-built stub-{fam}.bin")
    if not families:
        errors.append("no stub families found in families/families.txt")
for mod in m.get("modules", []):
    for src in mod.get("sources", []):
        if src.get("type") == "archive" and "sha256" not in src:
            errors.append(f"{mod.get('name')}: an archive without sha256")
for e in errors:
    print("flatpak manifest:", e)
print("1 passed, 0 failed" if not errors else "0 passed, 1 failed")
sys.exit(1 if errors else 0)
