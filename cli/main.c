/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash - update STM32 firmware over a serial line: through the ROM bootloader, and a RAM stub
 * it loads for speed. */
#define _POSIX_C_SOURCE 200809L
#include "chips.h"
#include "config.h"
#include "gang.h"
#include "port_wait.h"
#include "options_cmd.h"
#include "output.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Options of all commands: parsed in one pass, so global options may come anywhere. */
typedef struct cmd_opts {
    uint32_t address, size, go_addr;
    bool have_address, have_size, go, go_given, no_verify, all, write, readout, yes, erase_all, irreversible, no_backup,
        force, data, allow_no_bootloader, bank_swap;
    uint32_t level;
    const char *format, *range;
} cmd_opts;

typedef struct cli {
    cmd_opts opt;
    const char *port;
    const char *ports[64];     /* every -p, for writing many boards at once */
    size_t nports;
    const char *protocol, *ymodem_start; /* --protocol ymodem */
    const char *require_signature;       /* a minisign public key file */
    connect_opts conn;
    uint32_t image_address;              /* a binary image's address unless --address */
    uint32_t wait_s;                     /* --wait: how long to wait for the port to appear */
    cfg cfg;                             /* every setting and where it came from */
    char **names;                        /* the ports to open: -p, identities resolved, waited for */
    size_t nnames;
    bool resolved;
    bool json, quiet, verbose;
    cli_out out;
    sf_session *session;
    const char *command;
} cli;

static sf_session *volatile active_session;
static volatile int ymodem_cancel; /* --protocol ymodem: set on SIGINT */

static void on_sigint(int sig)
{
    (void)sig;
    if (active_session)
        sf_session_cancel(active_session); /* an atomic store: async-signal-safe */
    gang_cancel();
    ymodem_cancel = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: stubflash [OPTIONS] COMMAND [ARGS]\n"
"Update STM32 firmware over a serial line through the ROM bootloader (AN3155) and a RAM stub\n"
"it loads: only pages that differ are written, compressed, and checked by CRC.\n"
"\n"
"Commands:\n"
"  ports                       list serial ports (and the virtual boards, sim:PART)\n"
"  info                        chip, bootloader, flash and RAM layout, protection\n"
"  write FILE                  write the pages that differ, verify (by CRC with the stub)\n"
"      [--address A] [--format bin|hex|srec|elf] [--no-verify] [--go[=ADDR]] [--no-backup]\n"
"      [--data] [--force]      keeps what it replaces (per chip, in ~/.local/share/stubflash);\n"
"                              refuses what is not firmware for the chip (a vector table at\n"
"                              its start) unless --force; --data writes data, not firmware\n"
"  rollback                    write back what the last write replaced (again: one further)\n"
"  write --bank-swap FILE      A/B update on parts whose banks swap (L4, G4, F42x, H7, G0B/C):\n"
"                              write the bank that does not boot, verify, switch the boot bank\n"
"                              (BFB2, SWAP_BANK_OPT, nSWAP_BANK)\n"
"  rollback --bank-swap        switch the boot bank back (the other bank's firmware boots)\n"
"  verify FILE [--address A]   compare the flash with an image\n"
"  read OUT [--address A] [--size N]   save memory to a file (default: all flash)\n"
"  erase --all | --range A:N   erase the whole flash, or the pages covering A..A+N\n"
"  go [ADDR]                   start the code at ADDR (default: flash start)\n"
"  protect --write GROUP[,GROUP...]      write-protect page groups (chip resets; group 0,\n"
"                              the first pages, also needs --yes): WRP bits (F0/F1/F3),\n"
"                              sectors (F2/F4/F7; H7: both banks' in address order, WRPSN1/2;\n"
"                              H7A3: a sector protects its group of 4),\n"
"                              4 KiB sectors (L0/L1), pages in at most two runs per bank\n"
"                              (L4/G0/G4/WB/WL/C0, L5/U5: WRP areas), bank 2's numbered\n"
"                              on from bank 1's (an L476's pages: 0..511)\n"
"  protect --readout --yes [--level 2 --irreversibly-lock-the-chip]\n"
"                              enable readout protection (chip resets); level 2 is forever\n"
"  unprotect --write           remove write protection (chip resets)\n"
"  unprotect --readout --erase-all   remove readout protection: ERASES ALL FLASH\n"
"  reset                       reset the chip (back to the bootloader if BOOT0 is high)\n"
"  options                     every option-byte field by its reference-manual name\n"
"  options set NAME=VALUE... --yes   change option bytes (the chip resets; read back and\n"
"                              checked); values that take the way into the ROM bootloader\n"
"                              away also need --allow-no-bootloader; a bank-mode change\n"
"                              (DB1M, nDBANK) needs --erase-all: it erases all flash\n"
"  config                      the settings in effect and where each comes from\n"
"  chips                       the STM32 lines known: flash, bootloader RAM and USARTs, and\n"
"                              which RAM stub serves each (or why only the ROM does)\n"
"\n"
"Options:\n"
"  -p, --port PORT     serial port (/dev/ttyUSB0), tcp://HOST:PORT (raw bridge),\n"
"                      rfc2217://HOST:PORT, sim:PART[?flash=FILE], or by USB identity:\n"
"                      usb:VID:PID[:SERIAL], usb-serial:SERIAL; default $STUBFLASH_PORT.\n"
"                      write and verify take several -p, or a pattern ('/dev/ttyUSB*'):\n"
"                      every board at once, a line each, a table at the end\n"
"  -b, --baud RATE     bootloader baud rate (default 115200)\n"
"      --wait[=SECONDS]  wait for the port to appear (default 30 s): a board plugged in\n"
"      --board NAME    the settings of [board NAME] in the config files ($STUBFLASH_BOARD)\n"
"      --no-stub       use only the ROM bootloader (no RAM stub); --stub undoes 'stub = off'\n"
"      --stub-baud RATE  rate the stub switches to (default: the fastest up to 3000000\n"
"                      the chip makes and the adapter carries, probed and remembered per\n"
"                      USB adapter; 0 keeps the bootloader's rate, e.g. over a radio link)\n"
"      --usart N       the USART the chip's bootloader answers on, 1, 2 or 3, for the\n"
"                      stub (default: the first it lists, mostly 1; a Nucleo's ST-LINK\n"
"                      port is usually 2)\n"
"      --before SEQ    control lines to reset the chip into its bootloader first:\n"
"                      dtr-reset-rts-boot0, rts-reset-dtr-boot0 (wirings), none, or\n"
"                      steps like \"-dtr,rts,dtr,100,-dtr\" (dtr/rts/brk, - releases, ms)\n"
"      --after SEQ     the same at the end, to start the application\n"
"      --protocol ymodem   write: send the image (as one binary) to an application's\n"
"                      YMODEM receiver (ST's IAP examples) at -b's rate, 8N1\n"
"      --ymodem-start S    what to send first to start its download (e.g. 1)\n"
"      --enter=magic:STRING@BAUD   an application with appentry/stubflash_enter.c:\n"
"                      if no bootloader answers, send STRING at BAUD 8N1 first\n"
"      --require-signature KEY.pub   write and verify only files with a valid\n"
"                      minisign signature (FILE.minisig) by this key; also\n"
"                      $STUBFLASH_REQUIRE_SIGNATURE (a production line's setting)\n"
"      --json          print one JSON document on stdout\n"
"  -q, --quiet         only errors\n"
"  -v, --verbose       more detail\n"
"  -h, --help          this text\n"
"  -V, --version       version\n"
"\n"
"Numbers take 0x for hex and K/M suffixes for sizes (64K).\n"
"Settings also come from stubflash.ini (this folder or a parent) and\n"
"~/.config/stubflash/config.ini: see 'stubflash config' and stubflash(1).\n"
"Binary images go to --address (default 0x08000000); HEX, S-record and ELF carry addresses.\n"
"\n"
"Exit status: 0 success, 1 operation failed, 2 usage error, 3 file error or image does not fit,\n"
"4 port cannot be opened or no bootloader answers, 5 chip protected, 6 verification failed,\n"
"130 interrupted.\n");
}


static int fail(cli *c, sf_error e, const char *msg)
{
    out_finish_phase(&c->out);
    if (c->json) {
        out_json_str(&c->out, "result", "error");
        out_json_num(&c->out, "exit_code", cli_exit_code(e));
        out_json_str(&c->out, "error", msg);
    } else {
        fprintf(stderr, "stubflash: %s\n", msg);
    }
    return cli_exit_code(e);
}

static int session_fail(cli *c, sf_error e) { return fail(c, e, sf_session_last_error(c->session)); }

static int usage_error(cli *c, const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    if (c->json)
        return fail(c, SF_ERR_ARG, msg);
    fprintf(stderr, "stubflash: %s\nTry 'stubflash --help'.\n", msg);
    return EXIT_USAGE;
}

/* The -p values (or the configured port) as ports to open: USB identities resolved, and with
 * --wait each waited for. many: an identity may name several boards (write, verify). */
static int find_ports(cli *c, bool many)
{
    if (c->resolved || !c->nports)
        return EXIT_OK;
    c->resolved = true;
    char err[2048];
    int rc = port_wait_resolve(c->ports, c->nports, c->wait_s, many, &ymodem_cancel, &c->out, &c->names, &c->nnames,
                               err, sizeof err);
    if (rc == EXIT_USAGE)
        return usage_error(c, "%s", err);
    if (rc)
        return fail(c, rc == EXIT_CANCELLED ? SF_ERR_CANCELLED : SF_ERR_PORT, err);
    c->port = c->nnames ? c->names[0] : NULL;
    return EXIT_OK;
}

static int open_session(cli *c)
{
    int rc = find_ports(c, false);
    if (rc)
        return rc;
    if (!c->port)
        return usage_error(c, "no port given: use -p PORT (see 'stubflash ports'), set STUBFLASH_PORT or "
                              "port in stubflash.ini%s", "");
    if (sf_session_new(&c->session) != SF_OK)
        return fail(c, SF_ERR_NOMEM, "out of memory");
    sf_session_set_progress(c->session, out_progress, &c->out);
    sf_session_set_log(c->session, out_log, &c->out);
    sf_error e = connect_opts_apply(&c->conn, c->session);
    if (e == SF_ERR_ARG)
        return usage_error(c, "%s", sf_session_last_error(c->session));
    if (e)
        return session_fail(c, e);
    active_session = c->session;
    out_json_str(&c->out, "port", c->port);
    e = sf_session_open(c->session, c->port);
    if (e)
        return session_fail(c, e);
    return EXIT_OK;
}

static void json_chip(cli *c, const sf_chip *chip)
{
    char buf[1024], name[256];
    json_escape(chip->device ? chip->device->name : "unknown", name, sizeof name);
    snprintf(buf, sizeof buf,
             "{\"pid\": %u, \"name\": %s, \"bootloader_version\": \"%u.%u\", \"flash_size\": %u, "
             "\"bank2_address\": %u, \"readout_protected\": %s, \"write_protection\": %u}",
             chip->pid, name, chip->bootloader_version >> 4, chip->bootloader_version & 15, chip->flash_size,
             sf_device_bank2_base(chip->device, chip->flash_size),
             chip->protection.readout ? "true" : "false", chip->protection.known_wrp ? chip->protection.wrp : 0xFFFFFFFFu);
    out_json_raw(&c->out, "chip", buf);
}

/* The boot bank into --json's chip object, where the chip has one. */
static void json_boot_bank(cli *c)
{
    int bank;
    if (c->json && sf_session_boot_bank(c->session, &bank) == SF_OK)
        out_json_num(&c->out, "boot_bank", bank);
}

static int cmd_ports(cli *c)
{
    sf_port_info **list;
    size_t n;
    if (sf_port_list(&list, &n) != SF_OK)
        return fail(c, SF_ERR_NOMEM, "cannot list ports");
    if (c->json) {
        char *arr = malloc(n * 900 + 4), *p = arr;
        *p++ = '[';
        for (size_t i = 0; i < n; i++) {
            char nm[300], ds[300], sn[200];
            uint16_t vid = 0, pid = 0;
            bool usb = sf_port_info_usb_ids(list[i], &vid, &pid);
            json_escape(sf_port_info_name(list[i]), nm, sizeof nm);
            json_escape(sf_port_info_description(list[i]), ds, sizeof ds);
            json_escape(sf_port_info_serial(list[i]), sn, sizeof sn);
            p += sprintf(p, "%s{\"name\": %s, \"description\": %s, \"serial\": %s, \"usb\": %s, \"vid\": %u, \"pid\": %u}",
                         i ? ", " : "", nm, ds, sn, usb ? "true" : "false", vid, pid);
        }
        strcpy(p, "]");
        out_json_raw(&c->out, "ports", arr);
        out_json_str(&c->out, "result", "ok");
        free(arr);
    } else {
        for (size_t i = 0; i < n; i++) {
            const char *serial = sf_port_info_serial(list[i]);
            uint16_t vid, pid;
            if (sf_port_info_usb_ids(list[i], &vid, &pid))
                printf("%-24s %04x:%04x %s%s%s\n", sf_port_info_name(list[i]), vid, pid,
                       sf_port_info_description(list[i]), serial[0] ? " serial " : "", serial);
            else
                printf("%-24s %s\n", sf_port_info_name(list[i]), sf_port_info_description(list[i]));
        }
    }
    sf_port_list_free(list);
    return EXIT_OK;
}

static int cmd_info(cli *c)
{
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_chip chip = SF_CHIP_INIT;
    sf_session_chip(c->session, &chip);
    const sf_device *d = chip.device;
    /* Write protection of every unit, from the option bytes (where this version knows them). */
    size_t nunits = d ? sf_device_unit_count(d, chip.flash_size) : 0, nprot = 0;
    uint8_t *prot = calloc(nunits ? nunits : 1, 1);
    bool known = prot && !chip.protection.readout &&
                 sf_session_protected_units(c->session, prot, nunits, &nprot) == SF_OK;
    if (c->json) {
        json_chip(c, &chip);
        json_boot_bank(c);
        if (known) {
            char *list = malloc(nunits * 8 + 3), *p = list;
            *p++ = '[';
            for (size_t u = 0; list && u < nunits; u++)
                if (prot[u])
                    p += sprintf(p, "%s%zu", p[-1] == '[' ? "" : ", ", u);
            if (list) {
                strcpy(p, "]");
                out_json_raw(&c->out, "write_protected_units", list);
            }
            free(list);
        }
        free(prot);
        out_json_str(&c->out, "result", "ok");
        return EXIT_OK;
    }
    printf("chip:        PID 0x%03X, %s\n", chip.pid, d ? d->name : "unknown to stubflash");
    printf("bootloader:  V%u.%u, commands:", chip.bootloader_version >> 4, chip.bootloader_version & 15);
    for (int i = 0; i < chip.command_count; i++)
        printf(" %02X", chip.commands[i]);
    printf("%s\n", chip.stub_running ? " (not asked: the stub a previous run left was answering)" : "");
    if (d) {
        printf("flash:       0x%08X..0x%08X, %u KiB, %zu erase units", d->flash_base,
               sf_device_flash_end(d, chip.flash_size) - 1, chip.flash_size / 1024, sf_device_unit_count(d, chip.flash_size));
        if (d->layout_runs == 1)
            printf(" of %u bytes", d->layout[0].size);
        uint32_t bank2 = sf_device_bank2_base(d, chip.flash_size), hole_size, hole = sf_device_hole(d, chip.flash_size, &hole_size);
        if (bank2)
            printf(", two banks (bank 2 at 0x%08X)", bank2);
        printf("\n");
        if (hole)
            printf("             no flash at 0x%08X..0x%08X (between the banks)\n", hole, hole + hole_size - 1);
        printf("RAM:         0x%08X..0x%08X usable through the bootloader\n", d->ram_base, d->ram_end - 1);
        printf("system mem:  0x%08X..0x%08X\n", d->sysmem_base, d->sysmem_end - 1);
    }
    printf("protection:  readout %s", chip.protection.readout ? "ACTIVE (flash cannot be read or written)" : "off");
    if (chip.protection.known_wrp)
        printf(", write %s (WRP 0x%08X)\n", chip.protection.wrp == 0xFFFFFFFF ? "off" : "ON for some pages",
               chip.protection.wrp);
    else if (known)
        printf(", write %s\n", nprot ? "ON for some erase units" : "off");
    else
        printf("\n");
    int bank;
    if (sf_session_boot_bank(c->session, &bank) == SF_OK)
        printf("boot bank:   %d (with BOOT0 low; 'write --bank-swap' writes the other)\n", bank);
    if (known && nprot) { /* the protected units as runs: "0-3, 7" */
        printf("             write-protected erase units:");
        for (size_t u = 0; u < nunits; u++) {
            if (!prot[u] || (u && prot[u - 1]))
                continue;
            size_t v = u;
            while (v + 1 < nunits && prot[v + 1])
                v++;
            if (v > u)
                printf(" %zu-%zu", u, v);
            else
                printf(" %zu", u);
        }
        printf("\n");
    }
    free(prot);
    return EXIT_OK;
}

static int load_image(cli *c, const char *path, const char *format, uint32_t address, sf_image **img)
{
    sf_image_format f = SF_FORMAT_AUTO;
    if (format) {
        if (!strcmp(format, "bin")) f = SF_FORMAT_BIN;
        else if (!strcmp(format, "hex") || !strcmp(format, "ihex")) f = SF_FORMAT_IHEX;
        else if (!strcmp(format, "srec") || !strcmp(format, "s19")) f = SF_FORMAT_SREC;
        else if (!strcmp(format, "elf")) f = SF_FORMAT_ELF;
        else return usage_error(c, "unknown --format '%s' (bin, hex, srec, elf)", format);
    }
    char err[512];
    if (c->require_signature) { /* before anything else reads the file */
        char trusted[1024];
        sf_error se = sf_signature_verify_file(path, NULL, c->require_signature, trusted, sizeof trusted, err,
                                               sizeof err);
        if (se)
            return fail(c, se, err);
        out_json_str(&c->out, "signed", trusted);
        out_say(&c->out, "signature verified: %s", trusted);
    }
    sf_error e = sf_image_load(path, f, address, img, err, sizeof err);
    if (e)
        return fail(c, e, err);
    uint32_t lo, hi;
    sf_image_bounds(*img, &lo, &hi);
    if (c->verbose)
        out_say(&c->out, "%s: %s, %zu bytes in %zu segment(s), 0x%08X..0x%08X", path,
                sf_image_format_name(sf_image_get_format(*img)), sf_image_size(*img), sf_image_segment_count(*img),
                lo, hi - 1);
    return EXIT_OK;
}

static void summary(cli *c, const char *what, size_t bytes, uint64_t t0)
{
    double s = (double)(out_now_ms() - t0) / 1000.0;
    out_json_num(&c->out, "bytes", (double)bytes);
    out_json_num(&c->out, "seconds", s);
    out_json_str(&c->out, "result", "ok");
    out_say(&c->out, "%s %zu bytes in %.2f s (%.1f kbit/s effective)", what, bytes, s,
            s > 0 ? (double)bytes * 8 / 1000 / s : 0.0);
}

static int write_ymodem(cli *c, const char *path, const sf_image *img);

/* write --bank-swap: the bank that does not boot, then the boot-bank option flipped. */
static int write_bank_swap(cli *c, const sf_image *img)
{
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_chip chip = SF_CHIP_INIT;
    sf_session_chip(c->session, &chip);
    json_chip(c, &chip);
    sf_error e;
    /* An F76x/77x runs each bank at its own address: a binary for bank 2 is linked for its base,
     * not for the flash base where it was loaded, and the library checks its vector table where
     * it places it (bank_swap.c, f7_place). */
    bool placed_by_library = sf_image_get_format(img) == SF_FORMAT_BIN && chip.device &&
                             !strcmp(chip.device->family, "F7");
    if (!c->opt.force && !c->opt.data && !placed_by_library &&
        (e = sf_session_check_firmware(c->session, img, false)))
        return session_fail(c, e);
    int before;
    if ((e = sf_session_boot_bank(c->session, &before)))
        return session_fail(c, e);
    out_say(&c->out, "bank %d boots now: writing bank %d, then switching the boot bank; the firmware in bank %d "
            "stays for 'rollback --bank-swap'", before, 3 - before, before);
    uint64_t t0 = out_now_ms();
    if ((e = sf_session_write_bank_swap(c->session, img, c->opt.no_verify ? 0 : SF_WRITE_VERIFY)))
        return session_fail(c, e);
    json_boot_bank(c);
    summary(c, "wrote, verified and switched to", sf_image_size(img), t0);
    out_say(&c->out, "bank %d boots after a reset with BOOT0 low", 3 - before);
    return EXIT_OK;
}

static int cmd_write(cli *c, int argc, char **argv, bool verify_only)
{
    uint32_t address = c->opt.have_address ? c->opt.address : c->image_address, go_addr = c->opt.go_addr;
    const char *format = c->opt.format;
    bool verify = !c->opt.no_verify, go = c->opt.go, go_given = c->opt.go_given;
    if (argc != 2)
        return usage_error(c, "%s needs one image file", verify_only ? "verify" : "write");
    int optind = 1;
    const char *path = argv[optind];
    sf_image *img = NULL;
    int rc = load_image(c, path, format, address, &img);
    if (rc)
        return rc;
    out_json_str(&c->out, "file", path);
    if (c->protocol && !strcmp(c->protocol, "ymodem")) {
        rc = verify_only ? usage_error(c, "verify has no YMODEM form%s", "") : write_ymodem(c, path, img);
        sf_image_free(img);
        return rc;
    }
    if (c->opt.bank_swap) {
        rc = verify_only ? usage_error(c, "--bank-swap goes with write%s", "") : write_bank_swap(c, img);
        sf_image_free(img);
        return rc;
    }
    char **ports = NULL;
    size_t nports = 0;
    char err[300];
    if ((rc = find_ports(c, true))) {
        sf_image_free(img);
        return rc;
    }
    if (c->nnames > 1 || (c->nnames == 1 && gang_is_pattern(c->names[0]))) {
        if ((rc = gang_expand((const char *const *)c->names, c->nnames, &ports, &nports, err, sizeof err))) {
            sf_image_free(img);
            return usage_error(c, "%s", err);
        }
        if (nports > 1) {
            gang_opts g = {.conn = c->conn, .verify = verify, .verify_only = verify_only, .backup = !c->opt.no_backup,
                           .force = c->opt.force, .data = c->opt.data,
                           .go = go, .go_given = go_given, .go_addr = go_addr};
            rc = gang_write(&g, ports, nports, img, &c->out);
            gang_free_ports(ports, nports);
            sf_image_free(img);
            return rc;
        }
        c->port = ports[0]; /* a pattern that matched one port */
    }
    rc = open_session(c);
    uint64_t t0 = out_now_ms();
    sf_job *job = NULL;
    if (!rc && sf_job_new(&job) != SF_OK)
        rc = fail(c, SF_ERR_NOMEM, "out of memory");
    if (!rc) {
        if (c->json) { /* otherwise the job reads the chip's state once, through its stub */
            sf_chip chip = SF_CHIP_INIT;
            sf_session_chip(c->session, &chip);
            json_chip(c, &chip);
        }
        sf_job_set_flags(job, (verify ? SF_JOB_VERIFY : 0) | (c->opt.no_backup ? 0 : SF_JOB_BACKUP) |
                                  (go ? SF_JOB_GO : 0) | (c->opt.force ? SF_JOB_FORCE : 0) |
                                  (c->opt.data ? SF_JOB_DATA : 0));
        sf_job_set_go_address(job, go_given ? go_addr : SF_GO_BOOT_ADDRESS);
        sf_error e = verify_only ? sf_job_verify(job, c->session, img) : sf_job_write(job, c->session, img);
        if (*sf_job_backup_path(job)) {
            out_json_str(&c->out, "backup", sf_job_backup_path(job));
            out_say(&c->out, "kept what was replaced in %s ('stubflash rollback' restores it)", sf_job_backup_path(job));
        }
        if (sf_job_bytes(job)) /* written (or compared) whatever the start did */
            summary(c, verify_only ? "verified" : verify ? "wrote and verified" : "wrote", sf_image_size(img), t0);
        if (e == SF_ERR_BACKUP) {
            char msg[1200];
            snprintf(msg, sizeof msg, "%s (--no-backup writes without a backup)", sf_session_last_error(c->session));
            rc = fail(c, e, msg);
        } else if (e) {
            rc = session_fail(c, e);
        } else if (go) {
            out_say(&c->out, "started at 0x%08X", sf_job_started_at(job));
        }
    }
    sf_job_free(job);
    gang_free_ports(ports, nports);
    sf_image_free(img);
    return rc;
}

static void ymodem_progress(uint64_t done, uint64_t total, void *user) { out_progress(SF_PHASE_WRITE, done, total, user); }

/* write --protocol ymodem: the image, as one binary, to an application's YMODEM receiver. */
static int write_ymodem(cli *c, const char *path, const sf_image *img)
{
    int rc = find_ports(c, false);
    if (rc)
        return rc;
    if (!c->port)
        return usage_error(c, "no port given: use -p PORT%s", "");
    uint8_t *bin;
    size_t len;
    uint32_t base;
    sf_error e = sf_image_flatten(img, &bin, &len, &base);
    if (e)
        return fail(c, e, "the image is empty");
    char err[640];
    sf_port *port = NULL;
    if ((e = sf_port_open(c->port, &port, err, sizeof err))) {
        free(bin);
        return fail(c, e, err);
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    out_json_str(&c->out, "port", c->port);
    out_log(SF_LOG_INFO, "sending by YMODEM (the application's receiver writes it where it keeps its firmware)",
            &c->out);
    sf_ymodem_opts o = SF_YMODEM_OPTS_INIT;
    o.baud = c->conn.baud;
    o.start = c->ymodem_start;
    o.progress = ymodem_progress;
    o.progress_user = &c->out;
    o.cancel = &ymodem_cancel;
    uint64_t t0 = out_now_ms();
    e = sf_ymodem_send(port, name, bin, len, &o, err, sizeof err);
    sf_port_close(port);
    free(bin);
    if (e)
        return fail(c, e, err);
    out_finish_phase(&c->out);
    summary(c, "sent by YMODEM", len, t0);
    return EXIT_OK;
}

static int cmd_rollback(cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return usage_error(c, "rollback takes no arguments, not '%s'", argv[1]);
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_chip chip = SF_CHIP_INIT;
    sf_session_chip(c->session, &chip);
    json_chip(c, &chip);
    if (c->opt.bank_swap) { /* flip the boot bank back: the other bank's firmware boots */
        int before;
        sf_error e = sf_session_boot_bank(c->session, &before);
        if (e == SF_OK)
            e = sf_session_swap_banks(c->session);
        if (e)
            return session_fail(c, e);
        json_boot_bank(c);
        out_json_str(&c->out, "result", "ok");
        out_say(&c->out, "switched the boot bank from %d to %d: bank %d boots after a reset with BOOT0 low", before,
                3 - before, 3 - before);
        return EXIT_OK;
    }
    sf_job *job;
    if (sf_job_new(&job) != SF_OK)
        return fail(c, SF_ERR_NOMEM, "out of memory");
    uint64_t t0 = out_now_ms();
    sf_error e = sf_job_rollback(job, c->session);
    if (*sf_job_backup_path(job))
        out_json_str(&c->out, "backup", sf_job_backup_path(job));
    if (e)
        rc = session_fail(c, e);
    else
        summary(c, "rolled back", (size_t)sf_job_bytes(job), t0);
    sf_job_free(job);
    return rc;
}

static int cmd_read(cli *c, int argc, char **argv)
{
    uint32_t address = c->opt.address, size = c->opt.size;
    bool have_addr = c->opt.have_address, have_size = c->opt.have_size;
    if (argc != 2)
        return usage_error(c, "read needs one output file%s", "");
    int optind = 1;
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_chip chip = SF_CHIP_INIT;
    sf_session_chip(c->session, &chip);
    if (!have_addr)
        address = chip.device ? chip.device->flash_base : 0x08000000;
    if (!have_size) {
        if (!chip.device)
            return fail(c, SF_ERR_DEVICE, "unknown chip: give --size");
        size = sf_device_flash_end(chip.device, chip.flash_size) - address; /* a hole reads as erased */
    }
    uint8_t *buf = malloc(size);
    if (!buf)
        return fail(c, SF_ERR_NOMEM, "out of memory");
    uint64_t t0 = out_now_ms();
    sf_error e = sf_session_read(c->session, address, buf, size);
    if (e) {
        free(buf);
        return session_fail(c, e);
    }
    FILE *f = fopen(argv[optind], "wb");
    if (!f || fwrite(buf, 1, size, f) != size || fclose(f) != 0) {
        free(buf);
        char msg[512];
        snprintf(msg, sizeof msg, "%s: cannot write: %s", argv[optind], strerror(errno));
        return fail(c, SF_ERR_FILE, msg);
    }
    free(buf);
    out_json_str(&c->out, "file", argv[optind]);
    summary(c, "read", size, t0);
    return EXIT_OK;
}

static int cmd_erase(cli *c, int argc, char **argv)
{
    bool all = c->opt.all, range = c->opt.range != NULL;
    uint32_t a = 0, n = 0;
    if (argc != 1)
        return usage_error(c, "unexpected erase argument '%s'", argv[1]);
    if (range) {
        char spec[64];
        snprintf(spec, sizeof spec, "%s", c->opt.range);
        char *colon = strchr(spec, ':');
        if (!colon)
            return usage_error(c, "--range takes ADDRESS:LENGTH, not '%s'", c->opt.range);
        *colon = 0;
        if (!cfg_parse_u32(spec, &a) || !cfg_parse_u32(colon + 1, &n) || !n)
            return usage_error(c, "bad --range '%s'", c->opt.range);
    }
    if (all == range)
        return usage_error(c, "erase needs --all or --range ADDRESS:LENGTH%s", "");
    int rc = open_session(c);
    if (rc)
        return rc;
    uint64_t t0 = out_now_ms();
    if (all) {
        sf_chip chip = SF_CHIP_INIT;
        sf_session_chip(c->session, &chip);
        out_say(&c->out, "erasing all %u KiB of flash", chip.flash_size / 1024);
    }
    sf_error e = all ? sf_session_mass_erase(c->session) : sf_session_erase_range(c->session, a, n);
    if (e)
        return session_fail(c, e);
    summary(c, "erased", all ? 0 : n, t0);
    return EXIT_OK;
}

static int cmd_go(cli *c, int argc, char **argv)
{
    uint32_t addr = 0;
    bool given = argc > 1;
    if (argc > 2 || (given && !cfg_parse_u32(argv[1], &addr)))
        return usage_error(c, "go takes one address, not '%s'", argv[1]);
    int rc = open_session(c);
    if (rc)
        return rc;
    if (!given)
        sf_session_boot_address(c->session, &addr);
    sf_error e = sf_session_go(c->session, addr);
    if (e)
        return session_fail(c, e);
    out_json_str(&c->out, "result", "ok");
    out_say(&c->out, "started at 0x%08X", addr);
    return EXIT_OK;
}

static int cmd_protect(cli *c, int argc, char **argv, bool protect)
{
    bool write = c->opt.write, readout = c->opt.readout, yes = c->opt.yes, erase_all = c->opt.erase_all;
    unsigned level = c->opt.level ? c->opt.level : 1;
    const char *groups = argc == 2 ? argv[1] : NULL;
    if (argc > 2 || (argc == 2 && !(protect && write)))
        return usage_error(c, "unexpected argument '%s'", argv[argc - 1]);
    if (write == readout)
        return usage_error(c, "say --write or --readout%s", "");
    if (c->opt.level && !(protect && readout))
        return usage_error(c, "--level goes with protect --readout%s", "");
    if (protect && readout && level == 2 && !(yes && c->opt.irreversible))
        return usage_error(c, "readout protection level 2 locks the chip FOREVER: no bootloader, no debugger, no way "
                              "back, not even by erasing it. Add --yes and --irreversibly-lock-the-chip if you mean it%s", "");
    if (protect && readout && !yes)
        return usage_error(c, "readout protection makes the flash unreadable, and removing it erases all flash: "
                              "add --yes to confirm%s", "");
    if (!protect && readout && !erase_all)
        return usage_error(c, "removing readout protection ERASES ALL FLASH on the chip: add --erase-all to confirm%s", "");
    uint32_t list[1024];
    size_t n = 0;
    bool first_pages = false;
    if (protect && write) {
        if (!groups)
            return usage_error(c, "protect --write needs the page groups (WRP bits), e.g. 0,1%s", "");
        char *copy = strdup(groups), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            uint32_t g;
            if (!cfg_parse_u32(t, &g) || n == sizeof list / sizeof list[0]) {
                free(copy);
                return usage_error(c, "bad group '%s' (a number: a WRP bit, or a page or sector)", t);
            }
            first_pages |= g == 0;
            list[n++] = g;
        }
        free(copy);
        if (first_pages && !yes)
            return usage_error(c, "group 0 holds the first pages of flash: the vector table and any bootloader of "
                                  "your own, which then cannot be updated until protection is removed: add --yes%s", "");
    }
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_chip chip = SF_CHIP_INIT;
    sf_session_chip(c->session, &chip);
    sf_error e;
    if (protect && write) {
        out_say(&c->out, "write-protecting %zu group(s) of pages; the chip resets", n);
        e = sf_session_write_protect_units(c->session, list, n);
    } else if (protect) {
        out_say(&c->out, "enabling readout protection level %u: the flash can then no longer be read or written "
                "through the bootloader; the chip resets", level);
        e = sf_session_readout_protect_level(c->session, level);
    } else if (write) {
        e = sf_session_write_unprotect(c->session);
    } else {
        if (chip.protection.readout)
            out_say(&c->out, "readout protection is active: removing it ERASES ALL %u KiB of flash (its contents "
                    "cannot be read or saved first)", chip.flash_size / 1024);
        e = sf_session_readout_unprotect(c->session);
    }
    if (e)
        return session_fail(c, e);
    sf_session_chip(c->session, &chip);
    json_chip(c, &chip);
    out_json_str(&c->out, "result", "ok");
    out_say(&c->out, "%s %s protection; the chip was reset", protect ? "enabled" : "removed", write ? "write" : "readout");
    return EXIT_OK;
}

static int cmd_options(cli *c, int argc, char **argv)
{
    bool set = argc >= 2 && !strcmp(argv[1], "set");
    if (argc >= 2 && !set)
        return usage_error(c, "unexpected argument '%s' (options, or options set NAME=VALUE...)", argv[1]);
    if (set && argc < 3)
        return usage_error(c, "options set needs NAME=VALUE, e.g. BOR_LEV=2%s", "");
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_options *o = NULL;
    sf_error e = sf_session_options_read(c->session, &o);
    if (e)
        return session_fail(c, e);
    if (!set) {
        if (c->json) {
            char buf[4096];
            options_json(o, buf, sizeof buf);
            out_json_raw(&c->out, "options", buf);
            out_json_str(&c->out, "result", "ok");
        } else {
            options_print(o, stdout);
        }
        sf_options_free(o);
        return EXIT_OK;
    }
    char why[512];
    for (int i = 2; i < argc; i++)
        if (!options_stage(o, argv[i], why, sizeof why)) {
            sf_options_free(o);
            return usage_error(c, "%s", why);
        }
    FILE *say = c->json ? stderr : stdout;
    if (!c->quiet)
        fprintf(say, "changing the option bytes of the %s; the chip resets to load them:\n", sf_options_family(o));
    size_t lose = options_describe_changes(o, c->quiet ? NULL : say);
    if (lose && !c->opt.allow_no_bootloader) {
        sf_options_free(o);
        return usage_error(c, "a change above can make the ROM bootloader unreachable: add --allow-no-bootloader "
                              "(and --yes) if you mean it; nothing was written%s", "");
    }
    bool bank_mode = false;
    for (size_t i = 0; i < sf_options_count(o); i++)
        bank_mode |= sf_options_changed(o, i) && (sf_options_flags(o, i) & SF_OPTION_BANK_MODE);
    if (bank_mode && !c->opt.erase_all) {
        sf_options_free(o);
        return usage_error(c, "a bank-mode change above ERASES ALL FLASH: add --erase-all (and --yes) if you mean "
                              "it; nothing was written%s", "");
    }
    if (!c->opt.yes) {
        sf_options_free(o);
        return usage_error(c, "option bytes change how the chip starts and runs: add --yes to write them; nothing "
                              "was written%s", "");
    }
    e = sf_session_options_write(c->session, o, (c->opt.allow_no_bootloader ? SF_OPTIONS_ALLOW_NO_BOOTLOADER : 0u) |
                                                    (bank_mode ? SF_OPTIONS_ALLOW_BANK_MODE : 0u));
    sf_options_free(o);
    if (e)
        return session_fail(c, e);
    if ((e = sf_session_options_read(c->session, &o)))
        return session_fail(c, e);
    char buf[4096];
    options_json(o, buf, sizeof buf);
    out_json_raw(&c->out, "options", buf);
    out_json_str(&c->out, "result", "ok");
    out_say(&c->out, "option bytes written, the chip reset, and every field reads back as written");
    sf_options_free(o);
    return EXIT_OK;
}

static int cmd_reset(cli *c)
{
    int rc = open_session(c);
    if (rc)
        return rc;
    sf_error e = sf_session_reset(c->session);
    if (e)
        return session_fail(c, e);
    out_json_str(&c->out, "result", "ok");
    out_say(&c->out, "chip reset");
    return EXIT_OK;
}

static const char *env(const char *name) { return getenv(name); }

/* A setting given on the command line: NULL, or what is wrong with it. */
static const char *cli_setting(cli *c, cfg_key k, const char *value, const char *where)
{
    static char bad[700];
    char why[600] = "";
    if (!cfg_check(k, value, why, sizeof why)) {
        snprintf(bad, sizeof bad, "--%s: %s", cfg_key_name(k), why);
        return bad;
    }
    cfg_set(&c->cfg, k, value, CFG_SRC_CLI, where);
    return NULL;
}

/* The config files and the environment under the command line, then the effective settings
 * into c. Exit status 2 for a bad file or variable. */
static int load_settings(cli *c)
{
    if (c->nports) { /* every -p, for `stubflash config` */
        char all[2048] = "";
        for (size_t i = 0; i < c->nports; i++) {
            size_t l = strlen(all);
            snprintf(all + l, sizeof all - l, "%s%s", i ? " " : "", c->ports[i]);
        }
        cfg_set(&c->cfg, CFG_PORT, all, CFG_SRC_CLI, "command line (-p)");
    }
    char cwd[4096], err[4600];
    if (cfg_load(&c->cfg, getcwd(cwd, sizeof cwd) ? cwd : NULL, env, err, sizeof err) < 0)
        return usage_error(c, "%s", err);
    const cfg_entry *e = c->cfg.e;
    if (!c->nports && e[CFG_PORT].value) /* a pattern from a file writes many boards too */
        c->port = c->ports[c->nports++] = e[CFG_PORT].value;
    bool stub = true;
    cfg_parse_u32(e[CFG_BAUD].value, &c->conn.baud);
    cfg_parse_bool(e[CFG_STUB].value, &stub);
    c->conn.no_stub = !stub;
    if (strcmp(e[CFG_STUB_BAUD].value, "auto") != 0)
        cfg_parse_u32(e[CFG_STUB_BAUD].value, &c->conn.stub_baud);
    uint32_t usart = 0;
    if (strcmp(e[CFG_USART].value, "auto") != 0 && cfg_parse_u32(e[CFG_USART].value, &usart))
        c->conn.usart = usart;
    c->conn.before = e[CFG_BEFORE].value;
    c->conn.after = e[CFG_AFTER].value;
    if (e[CFG_ENTER].value)
        connect_opts_parse_enter(&c->conn, e[CFG_ENTER].value);
    c->protocol = e[CFG_PROTOCOL].value;
    c->ymodem_start = e[CFG_YMODEM_START].value;
    c->require_signature = e[CFG_REQUIRE_SIGNATURE].value;
    cfg_parse_u32(e[CFG_ADDRESS].value, &c->image_address);
    cfg_parse_u32(e[CFG_WAIT].value, &c->wait_s);
    return EXIT_OK;
}

/* stubflash config: the effective settings and where each came from. */
static int cmd_config(cli *c, int argc, char **argv)
{
    if (argc != 1)
        return usage_error(c, "config takes no arguments, not '%s'", argv[1]);
    if (c->json) {
        char *j = cfg_json(&c->cfg), f[2][4200], b[600];
        for (int i = 0; i < 2; i++) {
            if (c->cfg.read[i])
                json_escape(c->cfg.files[i], f[i], sizeof f[i]);
            else
                strcpy(f[i], "null");
        }
        if (c->cfg.board.value)
            json_escape(c->cfg.board.value, b, sizeof b);
        else
            strcpy(b, "null");
        out_json_raw(&c->out, "settings", j);
        out_json_raw(&c->out, "project_file", f[1]);
        out_json_raw(&c->out, "user_file", f[0]);
        out_json_raw(&c->out, "board", b);
        out_json_str(&c->out, "result", "ok");
        free(j);
    } else {
        cfg_print(&c->cfg, stdout);
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    enum { O_NOSTUB = 256, O_JSON, O_ADDRESS, O_FORMAT, O_NOVERIFY, O_GO, O_SIZE, O_ALL, O_RANGE, O_WRITE,
           O_READOUT, O_YES, O_ERASE_ALL, O_STUB_BAUD, O_USART, O_LEVEL, O_IRREVERSIBLE, O_ALLOW_NO_BOOTLOADER, O_BANK_SWAP, O_NO_BACKUP, O_FORCE, O_DATA, O_BEFORE, O_AFTER, O_ENTER, O_PROTOCOL, O_YMODEM_START, O_REQUIRE_SIGNATURE,
           O_STUB, O_BOARD, O_WAIT };
    static const struct option opts[] = {
        {"port", required_argument, 0, 'p'}, {"baud", required_argument, 0, 'b'},
        {"no-stub", no_argument, 0, O_NOSTUB}, {"json", no_argument, 0, O_JSON}, {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'},
        {"address", required_argument, 0, O_ADDRESS}, {"format", required_argument, 0, O_FORMAT},
        {"no-verify", no_argument, 0, O_NOVERIFY}, {"go", optional_argument, 0, O_GO},
        {"size", required_argument, 0, O_SIZE}, {"all", no_argument, 0, O_ALL},
        {"range", required_argument, 0, O_RANGE}, {"write", no_argument, 0, O_WRITE},
        {"readout", no_argument, 0, O_READOUT}, {"yes", no_argument, 0, O_YES},
        {"erase-all", no_argument, 0, O_ERASE_ALL}, {"stub-baud", required_argument, 0, O_STUB_BAUD},
        {"usart", required_argument, 0, O_USART},
        {"level", required_argument, 0, O_LEVEL}, {"irreversibly-lock-the-chip", no_argument, 0, O_IRREVERSIBLE},
        {"allow-no-bootloader", no_argument, 0, O_ALLOW_NO_BOOTLOADER}, {"bank-swap", no_argument, 0, O_BANK_SWAP},
        {"no-backup", no_argument, 0, O_NO_BACKUP}, {"force", no_argument, 0, O_FORCE},
        {"data", no_argument, 0, O_DATA}, {"before", required_argument, 0, O_BEFORE},
        {"after", required_argument, 0, O_AFTER}, {"enter", required_argument, 0, O_ENTER},
        {"require-signature", required_argument, 0, O_REQUIRE_SIGNATURE},
        {"protocol", required_argument, 0, O_PROTOCOL}, {"ymodem-start", required_argument, 0, O_YMODEM_START},
        {"stub", no_argument, 0, O_STUB}, {"board", required_argument, 0, O_BOARD},
        {"wait", optional_argument, 0, O_WAIT},
        {0, 0, 0, 0},
    };
    cli c = {.conn = {.baud = 115200, .stub_baud = SF_STUB_BAUD_AUTO}};
    cfg_init(&c.cfg);
    cmd_opts *op = &c.opt;
    int o;
    while ((o = getopt_long(argc, argv, "p:b:qvhV", opts, NULL)) != -1) {
        const char *bad = NULL;
        switch (o) {
        case 'p':
            c.port = optarg;
            if (c.nports == sizeof c.ports / sizeof c.ports[0])
                bad = "too many -p (64 at most; a pattern such as '/dev/ttyUSB*' takes more)";
            else
                c.ports[c.nports++] = optarg;
            break;
        case 'b': bad = cli_setting(&c, CFG_BAUD, optarg, "command line (-b)"); break;
        case O_NOSTUB: bad = cli_setting(&c, CFG_STUB, "off", "command line (--no-stub)"); break;
        case O_STUB: bad = cli_setting(&c, CFG_STUB, "on", "command line (--stub)"); break;
        case O_STUB_BAUD: bad = cli_setting(&c, CFG_STUB_BAUD, optarg, "command line (--stub-baud)"); break;
        case O_USART: bad = cli_setting(&c, CFG_USART, optarg, "command line (--usart)"); break;
        case O_WAIT: bad = cli_setting(&c, CFG_WAIT, optarg ? optarg : "30", "command line (--wait)"); break;
        case O_BOARD:
            free(c.cfg.board.value);
            free(c.cfg.board.where);
            c.cfg.board = (cfg_entry){strdup(optarg), CFG_SRC_CLI, strdup("--board")};
            break;
        case O_JSON: c.json = true; break;
        case 'q': c.quiet = true; break;
        case 'v': c.verbose = true; break;
        case 'h': usage(stdout); cfg_free(&c.cfg); return EXIT_OK;
        case 'V': printf("stubflash %s\n", sf_version()); cfg_free(&c.cfg); return EXIT_OK;
        case O_ADDRESS:
            op->have_address = cfg_parse_u32(optarg, &op->address);
            bad = op->have_address ? cli_setting(&c, CFG_ADDRESS, optarg, "command line (--address)") : "bad --address";
            break;
        case O_SIZE: op->have_size = cfg_parse_u32(optarg, &op->size) && op->size; if (!op->have_size) bad = "bad --size"; break;
        case O_FORMAT: op->format = optarg; break;
        case O_NOVERIFY: op->no_verify = true; break;
        case O_GO:
            op->go = true;
            if (optarg && !(op->go_given = cfg_parse_u32(optarg, &op->go_addr)))
                bad = "bad --go address";
            break;
        case O_ALL: op->all = true; break;
        case O_RANGE: op->range = optarg; break;
        case O_WRITE: op->write = true; break;
        case O_READOUT: op->readout = true; break;
        case O_YES: op->yes = true; break;
        case O_ERASE_ALL: op->erase_all = true; break;
        case O_LEVEL: if (!cfg_parse_u32(optarg, &op->level) || op->level < 1 || op->level > 2) bad = "--level is 1 or 2"; break;
        case O_IRREVERSIBLE: op->irreversible = true; break;
        case O_ALLOW_NO_BOOTLOADER: op->allow_no_bootloader = true; break;
        case O_BANK_SWAP: op->bank_swap = true; break;
        case O_NO_BACKUP: op->no_backup = true; break;
        case O_FORCE: op->force = true; break;
        case O_DATA: op->data = true; break;
        case O_BEFORE: bad = cli_setting(&c, CFG_BEFORE, optarg, "command line (--before)"); break;
        case O_AFTER: bad = cli_setting(&c, CFG_AFTER, optarg, "command line (--after)"); break;
        case O_ENTER: bad = cli_setting(&c, CFG_ENTER, optarg, "command line (--enter)"); break;
        case O_REQUIRE_SIGNATURE:
            bad = cli_setting(&c, CFG_REQUIRE_SIGNATURE, optarg, "command line (--require-signature)");
            break;
        case O_PROTOCOL: bad = cli_setting(&c, CFG_PROTOCOL, optarg, "command line (--protocol)"); break;
        case O_YMODEM_START: bad = cli_setting(&c, CFG_YMODEM_START, optarg, "command line (--ymodem-start)"); break;
        default: usage(stderr); cfg_free(&c.cfg); return EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "stubflash: %s: '%s'\n", bad, optarg ? optarg : "");
            cfg_free(&c.cfg);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        cfg_free(&c.cfg);
        return EXIT_USAGE;
    }
    out_init(&c.out, c.json, c.quiet, c.verbose);
    int rc = load_settings(&c);
    if (rc) {
        out_close(&c.out);
        cfg_free(&c.cfg);
        return rc;
    }
    struct sigaction sa = {.sa_handler = on_sigint};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int sub_argc = argc - optind;
    char **sub = argv + optind;
    c.command = sub[0];
    out_json_str(&c.out, "command", c.command);
    if (!strcmp(c.command, "ports")) rc = cmd_ports(&c);
    else if (!strcmp(c.command, "config")) rc = cmd_config(&c, sub_argc, sub);
    else if (!strcmp(c.command, "chips"))
        rc = sub_argc > 1 ? usage_error(&c, "chips takes no arguments, not '%s'", sub[1]) : cmd_chips(&c.out, c.json);
    else if (!strcmp(c.command, "info")) rc = cmd_info(&c);
    else if (!strcmp(c.command, "write")) rc = cmd_write(&c, sub_argc, sub, false);
    else if (!strcmp(c.command, "verify")) rc = cmd_write(&c, sub_argc, sub, true);
    else if (!strcmp(c.command, "read")) rc = cmd_read(&c, sub_argc, sub);
    else if (!strcmp(c.command, "erase")) rc = cmd_erase(&c, sub_argc, sub);
    else if (!strcmp(c.command, "go")) rc = cmd_go(&c, sub_argc, sub);
    else if (!strcmp(c.command, "protect")) rc = cmd_protect(&c, sub_argc, sub, true);
    else if (!strcmp(c.command, "unprotect")) rc = cmd_protect(&c, sub_argc, sub, false);
    else if (!strcmp(c.command, "reset")) rc = cmd_reset(&c);
    else if (!strcmp(c.command, "options")) rc = cmd_options(&c, sub_argc, sub);
    else if (!strcmp(c.command, "rollback")) rc = cmd_rollback(&c, sub_argc, sub);
    else rc = usage_error(&c, "unknown command '%s'", c.command);
    active_session = NULL;
    sf_session_free(c.session);
    out_close(&c.out);
    gang_free_ports(c.names, c.nnames);
    cfg_free(&c.cfg);
    return rc;
}
