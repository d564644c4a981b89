/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-rig.c - libstubflash in a test rig's loop: flash a board, start the firmware, read
 * what it prints. Build it against the installed library:
 *     cc test-rig.c $(pkg-config --cflags --libs libstubflash) -o test-rig
 * Usage: test-rig PORT IMAGE [SECONDS [BAUD [SEND]]]
 * Writes IMAGE (any format stubflash reads) through the board's ROM bootloader, starts it, then
 * prints for SECONDS (default 2) what the firmware sends at BAUD (default 115200, 8E1 as the
 * bootloader's line; an application with 8N1 reads the same bytes on most adapters), after
 * sending SEND if given (a command the firmware answers). */
#include <stubflash/stubflash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_log(sf_log_level level, const char *message, void *user)
{
    (void)user;
    if (level <= SF_LOG_WARNING)
        fprintf(stderr, "test-rig: %s\n", message);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT IMAGE [SECONDS [BAUD [SEND]]]\n", argv[0]);
        return 2;
    }
    unsigned seconds = argc > 3 ? (unsigned)atoi(argv[3]) : 2;
    uint32_t baud = argc > 4 ? (uint32_t)atoi(argv[4]) : 115200;
    char err[512];
    sf_image *img = NULL;
    if (sf_image_load(argv[2], SF_FORMAT_AUTO, 0x08000000, &img, err, sizeof err) != SF_OK) {
        fprintf(stderr, "test-rig: %s\n", err);
        return 1;
    }
    sf_session *s = NULL;
    if (sf_session_new(&s) != SF_OK)
        return 1;
    sf_session_set_log(s, on_log, NULL);
    sf_error e = sf_session_open(s, argv[1]);
    if (e == SF_OK)
        e = sf_session_write_image(s, img, SF_WRITE_VERIFY);
    if (e == SF_OK)
        e = sf_session_go(s, 0x08000000);
    if (e != SF_OK)
        fprintf(stderr, "test-rig: %s\n", sf_session_last_error(s));
    sf_session_free(s); /* closes the port */
    sf_image_free(img);
    if (e != SF_OK)
        return 1;
    fprintf(stderr, "test-rig: flashed and started; the board says:\n");

    sf_port *port = NULL;
    if (sf_port_open(argv[1], &port, err, sizeof err) != SF_OK || sf_port_set_format(port, baud, true) != SF_OK) {
        fprintf(stderr, "test-rig: %s\n", err);
        return 1;
    }
    if (argc > 5)
        sf_port_write(port, (const uint8_t *)argv[5], strlen(argv[5]));
    for (unsigned ms = 0; ms < seconds * 1000; ms += 100) {
        uint8_t buf[256];
        size_t got = 0;
        sf_port_read(port, buf, sizeof buf, &got, 100); /* a timeout with what came is fine */
        fwrite(buf, 1, got, stdout);
        fflush(stdout);
    }
    sf_port_close(port);
    return 0;
}
