#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`stubflash chips`: the JSON document parses and every line is well formed; it lists every
product ID of issue 17; the stubs it names are families.txt's; the text listing agrees with it
and says why each ROM-only line has no stub; extra arguments are a usage error.
Usage: check_chips.py STUBFLASH FAMILIES_TXT"""
import json
import re
import subprocess
import sys

ISSUE_17_IDS = """440 442 444 445 448 410 412 414 418 420 428 430 411 422 432 438 439 446 413 419 421 423 431
433 434 441 458 463 449 451 452 456 460 466 467 468 469 479 450 417 425 447 457 416 427 429 436 437 415
435 461 462 464 470 471 472 482 481 495 494 497 443 453 480 483 484""".split()


def run(cli, *args):
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)


def main():
    cli, families_txt = sys.argv[1], sys.argv[2]
    stub_ids = {m.group(1) for m in re.finditer(r"^([a-z0-9]+)\s+name=", open(families_txt).read(), re.M)}
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    r = run(cli, "--json", "chips")
    check(r.returncode == 0, f"--json chips exited {r.returncode}: {r.stderr}")
    doc = json.loads(r.stdout)
    check(doc.get("result") == "ok" and doc.get("command") == "chips", f"result/command: {doc.get('result')}")
    chips = doc["chips"]
    check(len(chips) >= 65, f"only {len(chips)} lines")
    pids = [c["pid"] for c in chips]
    check(len(set(pids)) == len(pids), "a product ID listed twice")
    for want in ISSUE_17_IDS:
        check("0x" + want.upper() in pids, f"0x{want} missing")
    keys = {"pid", "name", "flash_bytes", "bootloader_ram_start", "usarts", "stub"}
    for c in chips:
        where = c.get("pid", "?")
        check(set(c) == keys, f"{where}: keys {sorted(c)}")
        check(re.fullmatch(r"0x[0-9A-F]{3}", c["pid"]) is not None, f"{where}: pid {c['pid']!r}")
        check(isinstance(c["name"], str) and c["name"].startswith("STM32"), f"{where}: name {c['name']!r}")
        check(isinstance(c["flash_bytes"], int) and c["flash_bytes"] >= 16384 and c["flash_bytes"] % 1024 == 0,
              f"{where}: flash_bytes {c['flash_bytes']!r}")
        ram = c["bootloader_ram_start"]
        check(re.fullmatch(r"0x[0-9A-F]{8}", ram) is not None and 0x20000000 <= int(ram, 16) < 0x25000000,
              f"{where}: bootloader_ram_start {ram!r}")
        check(len(c["usarts"]) >= 1, f"{where}: no USART")
        for u in c["usarts"]:
            check(set(u) == {"name", "tx", "rx"} and re.fullmatch(r"(USART|LPUART)\d", u["name"]) is not None
                  and all(re.fullmatch(r"P[A-K]\d{1,2}", u[p]) for p in ("tx", "rx")), f"{where}: usart {u}")
        check(c["stub"] is None or c["stub"] in stub_ids, f"{where}: stub {c['stub']!r} not in families.txt")
    by_pid = {c["pid"]: c for c in chips}
    check(by_pid["0x413"]["stub"] == "f4" and by_pid["0x413"]["flash_bytes"] == 1024 * 1024, "0x413: f4, 1 MiB")
    check(by_pid["0x419"]["stub"] == "f4" and by_pid["0x419"]["bootloader_ram_start"] == "0x20003000", "0x419")
    check(by_pid["0x434"]["stub"] is None, "0x434: the F469's bank 2 is not checked yet")
    check(by_pid["0x451"]["stub"] == "f7", "0x451: the F7 stub, nDBANK read by the session")
    check(by_pid["0x480"]["stub"] == "h7a", "0x480: the H7A3's build of the H7 stub")
    check(by_pid["0x453"]["stub"] is None, "0x453 has no stub")

    r = run(cli, "chips")
    check(r.returncode == 0, f"chips exited {r.returncode}")
    text = r.stdout
    stubs = sum(1 for c in chips if c["stub"])
    summary = f"{len(chips)} product IDs: {stubs} written through a RAM stub, {len(chips) - stubs} through the ROM"
    check(summary in text, f"the summary is not '{summary}...'")
    blocks = re.split(r"^(?=0x[0-9A-F]{3} )", text, flags=re.M)
    for c in chips:
        block = next((b for b in blocks if b.startswith(c["pid"] + " ")), "")
        check(c["name"] in block, f"{c['pid']}: not in the text listing")
        if c["stub"]:
            check(f"stub: {c['stub']}\n" in block, f"{c['pid']}: text does not name stub {c['stub']}")
        else:
            m = re.search(r"ROM only: (.{20,})", block)
            check(m is not None, f"{c['pid']}: ROM only without a reason")
        for u in c["usarts"]:
            check(f"{u['name']} {u['tx']}/{u['rx']}" in block, f"{c['pid']}: {u} not in the text")

    r = run(cli, "chips", "extra")
    check(r.returncode == 2 and "chips takes no arguments" in r.stderr, f"chips extra: {r.returncode} {r.stderr}")

    for f in failures:
        print(f)
    print(f"{len(chips)} lines, {sum(1 for c in chips if c['stub'])} with a stub; "
          f"{'0 failed' if not failures else str(len(failures)) + ' failed'}")
    return 1 if failures else 0


sys.exit(main())
