/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash-sim - run a virtual STM32 board on a pseudo-terminal. */
#define _POSIX_C_SOURCE 200809L
#include "stm32sim.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: stubflash-sim [OPTION]...\n"
            "Run a virtual STM32 (ROM bootloader, flash, Cortex-M3) on a pseudo-terminal.\n"
            "The first line on stdout is the path of the serial port to open.\n\n"
            "  -d, --device NAME          part to simulate (default stm32f103re; see --list)\n"
            "  -l, --list                 list the parts and exit\n"
            "      --pty                  serve the board on a pseudo-terminal (the default)\n"
            "  -f, --flash FILE           keep flash and option bytes in FILE between runs\n"
            "      --fast                 no pacing: bytes and flash operations take no time\n"
            "      --boot0 0|1            level of the BOOT0 pin (default 1: ROM bootloader)\n"
            "      --corrupt-rx RATE      flip a bit in this fraction of host->device bytes\n"
            "      --corrupt-tx RATE      flip a bit in this fraction of device->host bytes\n"
            "      --drop-rx RATE         lose this fraction of host->device bytes\n"
            "      --drop-tx RATE         lose this fraction of device->host bytes\n"
            "      --power-cut-bytes N    cut power once N bytes reached the device\n"
            "      --power-cut-ms N       cut power N ms after start\n"
            "      --power-off-ms N       how long a cut lasts (default 100)\n"
            "      --seed N               seed for the fault rates\n"
            "      --max-baud N           the link carries at most N baud (faster bytes arrive garbled)\n"
            "      --adapter-clock HZ     the host's adapter divides HZ by a whole number to make\n"
            "                             a rate (3000000: 1M, 1.5M and 3M exact, 921600 8%% off)\n"
            "      --reply-delay MS       every byte reaches the host MS ms late (a radio modem's round trip)\n"
            "      --pll-stuck            the PLL never locks (code waiting for it hangs)\n"
            "      --rom-pll              F2/F4/F7: Go leaves the ROM's PLL running (SYSCLK 60 MHz)\n"
            "      --usart N              the ROM answers on USARTN (1, 2 or 3; default 1): code\n"
            "                             started by Go finds the line only there\n"
            "      --rfc2217 PORT         serve the board as an RFC 2217 (Telnet Com Port Control)\n"
            "                             server on 127.0.0.1:PORT (0: any) instead of a pty: DTR,\n"
            "                             RTS and BREAK reach the pins per --reset-line/--boot0-line\n"
            "      --reset-line LINE      NRST is held low while LINE (dtr, rts, brk) is asserted;\n"
            "                             !LINE: while it is released\n"
            "      --boot0-line LINE      BOOT0 is high while LINE is asserted (!LINE: released)\n"
            "      --serial N             a different chip unique ID for each N (boards side by side)\n"
            "      --damage-ram-byte N    flip a bit of the Nth byte Write Memory stores in RAM\n"
            "                             (line errors the XOR checksum cannot see)\n"
            "  -h, --help                 this text\n"
            "      --version              version\n\n"
            "Runs until SIGINT or SIGTERM, then saves the flash file.\n"
            "Exit status: 0 ok, 1 runtime error, 2 usage error.\n");
}

static int parse_rate(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || v < 0 || v > 1)
        return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { OPT_PTY = 256, OPT_FAST, OPT_BOOT0, OPT_CRX, OPT_CTX, OPT_DRX, OPT_DTX, OPT_PCB, OPT_PCM,
           OPT_POFF, OPT_SEED, OPT_VERSION, OPT_MAXBAUD, OPT_ADAPTERCLOCK, OPT_REPLYDELAY, OPT_PLLSTUCK, OPT_ROMPLL, OPT_USART, OPT_DAMAGE, OPT_RFC2217, OPT_RESETLINE, OPT_BOOT0LINE, OPT_SERIAL };
    static const struct option longopts[] = {
        {"device", required_argument, 0, 'd'}, {"list", no_argument, 0, 'l'},
        {"pty", no_argument, 0, OPT_PTY}, {"flash", required_argument, 0, 'f'},
        {"fast", no_argument, 0, OPT_FAST}, {"boot0", required_argument, 0, OPT_BOOT0},
        {"corrupt-rx", required_argument, 0, OPT_CRX}, {"corrupt-tx", required_argument, 0, OPT_CTX},
        {"drop-rx", required_argument, 0, OPT_DRX}, {"drop-tx", required_argument, 0, OPT_DTX},
        {"power-cut-bytes", required_argument, 0, OPT_PCB}, {"power-cut-ms", required_argument, 0, OPT_PCM},
        {"power-off-ms", required_argument, 0, OPT_POFF}, {"seed", required_argument, 0, OPT_SEED},
        {"max-baud", required_argument, 0, OPT_MAXBAUD},
        {"adapter-clock", required_argument, 0, OPT_ADAPTERCLOCK},
        {"reply-delay", required_argument, 0, OPT_REPLYDELAY}, {"pll-stuck", no_argument, 0, OPT_PLLSTUCK},
        {"rom-pll", no_argument, 0, OPT_ROMPLL}, {"usart", required_argument, 0, OPT_USART},
        {"damage-ram-byte", required_argument, 0, OPT_DAMAGE}, {"rfc2217", required_argument, 0, OPT_RFC2217},
        {"reset-line", required_argument, 0, OPT_RESETLINE}, {"boot0-line", required_argument, 0, OPT_BOOT0LINE},
        {"serial", required_argument, 0, OPT_SERIAL},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, OPT_VERSION}, {0, 0, 0, 0},
    };
    const char *device = "stm32f103re";
    int rfc2217_port = -1;
    sim_options opt = {.realtime = true, .boot0 = true};
    uint64_t n;
    int c;
    while ((c = getopt_long(argc, argv, "d:lf:h", longopts, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case 'd': device = optarg; break;
        case 'l':
            for (size_t i = 0; sim_part_at(i); i++)
                printf("%-14s PID 0x%03X  %s\n", sim_part_name(sim_part_at(i)), sim_part_pid(sim_part_at(i)),
                       sim_part_description(sim_part_at(i)));
            return 0;
        case OPT_PTY: break;
        case 'f': opt.flash_file = optarg; break;
        case OPT_FAST: opt.realtime = false; break;
        case OPT_BOOT0:
            if (strcmp(optarg, "0") && strcmp(optarg, "1"))
                bad = "--boot0 takes 0 or 1";
            opt.boot0 = strcmp(optarg, "1") == 0;
            break;
        case OPT_CRX: if (parse_rate(optarg, &opt.faults.corrupt_to_device)) bad = "--corrupt-rx takes a rate from 0 to 1"; break;
        case OPT_CTX: if (parse_rate(optarg, &opt.faults.corrupt_to_host)) bad = "--corrupt-tx takes a rate from 0 to 1"; break;
        case OPT_DRX: if (parse_rate(optarg, &opt.faults.drop_to_device)) bad = "--drop-rx takes a rate from 0 to 1"; break;
        case OPT_DTX: if (parse_rate(optarg, &opt.faults.drop_to_host)) bad = "--drop-tx takes a rate from 0 to 1"; break;
        case OPT_PCB: if (parse_u64(optarg, &opt.faults.power_cut_after_bytes)) bad = "--power-cut-bytes takes a count"; break;
        case OPT_PCM:
            if (parse_u64(optarg, &n) || n > UINT32_MAX) bad = "--power-cut-ms takes milliseconds";
            opt.faults.power_cut_after_ms = (uint32_t)n;
            break;
        case OPT_POFF:
            if (parse_u64(optarg, &n) || n > UINT32_MAX) bad = "--power-off-ms takes milliseconds";
            opt.faults.power_off_ms = (uint32_t)n;
            break;
        case OPT_MAXBAUD: {
            if (parse_u64(optarg, &n) || n > 100000000)
                bad = "--max-baud takes a rate";
            else
                opt.faults.max_baud = (uint32_t)n;
            break;
        }
        case OPT_ADAPTERCLOCK:
            if (parse_u64(optarg, &n) || n > 1000000000)
                bad = "--adapter-clock takes a frequency in Hz";
            else
                opt.faults.adapter_clock = (uint32_t)n;
            break;
        case OPT_REPLYDELAY:
            if (parse_u64(optarg, &n) || n > 60000)
                bad = "--reply-delay takes milliseconds (at most 60000)";
            else
                opt.faults.reply_delay_ms = (uint32_t)n;
            break;
        case OPT_PLLSTUCK: opt.faults.pll_stuck = true; break;
        case OPT_ROMPLL: opt.rom_pll_on = true; break;
        case OPT_USART:
            if (parse_u64(optarg, &n) || n < 1 || n > 3)
                bad = "--usart takes 1, 2 or 3";
            else
                opt.usart = (uint8_t)n;
            break;
        case OPT_DAMAGE: {
            if (parse_u64(optarg, &n) || n == 0 || n > UINT32_MAX)
                bad = "--damage-ram-byte takes a byte number from 1";
            else
                opt.faults.damage_ram_byte = (uint32_t)n;
            break;
        }
        case OPT_SEED: if (parse_u64(optarg, &opt.faults.seed)) bad = "--seed takes a number"; break;
        case OPT_RFC2217: {
            if (parse_u64(optarg, &n) || n > 65535)
                bad = "--rfc2217 takes a TCP port (0: any free one)";
            else
                rfc2217_port = (int)n;
            break;
        }
        case OPT_SERIAL: {
            if (parse_u64(optarg, &n) || n > UINT32_MAX)
                bad = "--serial takes a number";
            else
                opt.serial = (uint32_t)n;
            break;
        }
        case OPT_RESETLINE:
            if (sim_wiring_parse_line(optarg, &opt.wiring.nrst, &opt.wiring.nrst_inverted))
                bad = "--reset-line takes dtr, rts, brk or none, with ! in front for inverted";
            break;
        case OPT_BOOT0LINE:
            if (sim_wiring_parse_line(optarg, &opt.wiring.boot0, &opt.wiring.boot0_inverted))
                bad = "--boot0-line takes dtr, rts, brk or none, with ! in front for inverted";
            break;
        case 'h': usage(stdout); return 0;
        case OPT_VERSION: printf("stubflash-sim %s\n", STUBFLASH_VERSION); return 0;
        default: usage(stderr); return 2;
        }
        if (bad) {
            fprintf(stderr, "stubflash-sim: %s (got '%s')\n", bad, optarg);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "stubflash-sim: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    const sim_part *part = sim_part_find(device);
    if (!part) {
        fprintf(stderr, "stubflash-sim: unknown device '%s'; known parts:\n", device);
        for (size_t i = 0; sim_part_at(i); i++)
            fprintf(stderr, "  %s\n", sim_part_name(sim_part_at(i)));
        return 2;
    }
    char *err = NULL;
    sim_board *b = sim_board_new(part, &opt, &err);
    if (!b) {
        fprintf(stderr, "stubflash-sim: %s\n", err ? err : "cannot create the board");
        free(err);
        return 1;
    }
    sim_pty *pty = NULL;
    sim_rfc2217 *tel = NULL;
    if (rfc2217_port >= 0)
        tel = sim_rfc2217_open(b, rfc2217_port, &err);
    else
        pty = sim_pty_open(b, &err);
    if (!pty && !tel) {
        fprintf(stderr, "stubflash-sim: %s\n", err ? err : "cannot open the endpoint");
        free(err);
        sim_board_free(b);
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sim_board_start(b);
    char where[64];
    if (tel)
        snprintf(where, sizeof where, "rfc2217://127.0.0.1:%d", sim_rfc2217_port(tel));
    else
        snprintf(where, sizeof where, "%s", sim_pty_path(pty));
    printf("%s\n", where);
    fflush(stdout);
    fprintf(stderr, "stubflash-sim: %s (%s) on %s, %s mode%s\n", sim_part_name(part), sim_part_description(part),
            where, opt.realtime ? "real-time" : "fast", opt.boot0 ? ", BOOT0 high" : ", BOOT0 low");
    while (!quit)
        pause();
    sim_pty_close(pty);
    sim_rfc2217_close(tel);
    sim_board_stop(b);
    int rc = 0;
    if (sim_board_save(b, &err) != 0) {
        fprintf(stderr, "stubflash-sim: %s\n", err);
        free(err);
        rc = 1;
    }
    sim_board_free(b);
    return rc;
}
