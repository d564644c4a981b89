/* startup.c - vector table and reset handler for the benchmark firmware (newlib). */
#include <stddef.h>
#include <stdint.h>

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss, _end_heap;
int main(void);
void *_sbrk(ptrdiff_t incr);

void reset_handler(void)
{
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata)
        *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss; dst++)
        *dst = 0;
    main();
    for (;;)
        ;
}

/* newlib's malloc (printf uses it) takes memory from after .bss up to the stack's reserve. */
void *_sbrk(ptrdiff_t incr)
{
    static char *brk = (char *)&_ebss;
    char *old = brk;
    if (brk + incr > (char *)&_end_heap)
        return (void *)-1;
    brk += incr;
    return old;
}

__attribute__((section(".vectors"), used)) static const void *const vectors[] = {
    &_estack,
    (void *)reset_handler,
};
