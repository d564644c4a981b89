/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* app.c - a realistic firmware image for the benchmark: newlib's printf with floating point,
 * libm, tables, text handling, the sort of code a product's firmware carries. It runs on the
 * virtual STM32F103 and prints a report on USART1 (115200 8N1 at the reset clock, 8 MHz HSI).
 * VERSION is the "one-line source change" of the re-flash case (bench/stub-path). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef VERSION
#define VERSION "1.0.0"
#endif

#define REG(a) (*(volatile uint32_t *)(a))
#define RCC_APB2ENR REG(0x40021018u)
#define GPIOA_CRH REG(0x40010804u)
#define USART1_SR REG(0x40013800u)
#define USART1_DR REG(0x40013804u)
#define USART1_BRR REG(0x40013808u)
#define USART1_CR1 REG(0x4001380Cu)

int _write(int fd, const char *p, int n);
int _write(int fd, const char *p, int n)
{
    (void)fd;
    for (int i = 0; i < n; i++) {
        while (!(USART1_SR & (1u << 7)))
            ;
        USART1_DR = (uint8_t)p[i];
    }
    return n;
}

struct sensor {
    const char *name;
    float gain, offset;
    int16_t raw[8];
};

static const struct sensor sensors[] = {
    {"temperature", 0.0625f, -40.0f, {812, 815, 817, 820, 818, 816, 813, 811}},
    {"pressure", 0.01f, 900.0f, {13012, 13015, 13011, 13020, 13018, 13016, 13013, 13011}},
    {"humidity", 0.1f, 0.0f, {455, 456, 458, 460, 459, 457, 455, 454}},
    {"voltage", 0.001f, 0.0f, {3298, 3301, 3300, 3297, 3302, 3299, 3300, 3301}},
};

/* A 256-entry sine table in Q15, as motor control code carries. */
static int16_t sine_q15[256];
static uint32_t crc_table[256];

static void make_tables(void)
{
    for (int i = 0; i < 256; i++) {
        sine_q15[i] = (int16_t)lrintf(32767.0f * sinf(2.0f * (float)M_PI * (float)i / 256.0f));
        uint32_t c = (uint32_t)i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        crc_table[i] = c;
    }
}

static uint32_t crc32_of(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint32_t c = 0xFFFFFFFFu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report_sensor(const struct sensor *s)
{
    double v[8], sum = 0, sq = 0;
    for (int i = 0; i < 8; i++) {
        v[i] = s->raw[i] * (double)s->gain + s->offset;
        sum += v[i];
        sq += v[i] * v[i];
    }
    qsort(v, 8, sizeof v[0], by_value);
    double mean = sum / 8, sd = sqrt(sq / 8 - mean * mean);
    printf("%-12s mean %10.4f  sd %9.3e  median %10.4f  range [%g, %g]\n", s->name, mean, sd,
           (v[3] + v[4]) / 2, v[0], v[7]);
}

static void parse_command(const char *line)
{
    char buf[64], *save = NULL;
    strncpy(buf, line, sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
    for (char *tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        char *end;
        double d = strtod(tok, &end);
        if (*end == 0)
            printf("  number %s -> %.6f (exp %.3f, log10 %.3f)\n", tok, d, exp(d / 10), log10(fabs(d) + 1));
        else
            printf("  word   %s (%u letters)\n", tok, (unsigned)strlen(tok));
    }
}

int main(void)
{
    RCC_APB2ENR |= (1u << 14) | (1u << 2);
    GPIOA_CRH = (GPIOA_CRH & ~0xFF0u) | 0x4B0u;
    USART1_BRR = 8000000u / 115200u;
    USART1_CR1 = (1u << 13) | (1u << 3) | (1u << 2);
    make_tables();
    printf("bench app " VERSION "\n");
    for (size_t i = 0; i < sizeof sensors / sizeof sensors[0]; i++)
        report_sensor(&sensors[i]);
    printf("sine table crc %08lx, crc table crc %08lx\n", (unsigned long)crc32_of(sine_q15, sizeof sine_q15),
           (unsigned long)crc32_of(crc_table, sizeof crc_table));
    parse_command("set gain 2.5, offset -0.75 mode fast");
    printf("atan2 %.5f hypot %.5f pow %.5f\n", atan2(1.0, 3.0), hypot(3.0, 4.0), pow(2.0, 0.5));
    for (;;)
        ;
}
