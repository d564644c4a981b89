/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* layout.c - the sizes and member offsets of the public structs the Python binding mirrors
 * with ctypes (python/stubflash/_lib.py), as this compiler lays them out, in JSON:
 * {"sf_chip": {"sizeof": 72, "version": 0, ...}, ...}. test_layout.py compares them. */
#include <stddef.h>
#include <stdio.h>

#include <stubflash/stubflash.h>

#define FIELD(type, m) printf(", \"%s\": %zu", #m, offsetof(type, m))
#define BEGIN(type) printf("%s\"%s\": {\"sizeof\": %zu", first++ ? ", " : "", #type, sizeof(type))
#define END() printf("}")

int main(void)
{
    int first = 0;
    printf("{");
    BEGIN(sf_chip);
    FIELD(sf_chip, version); FIELD(sf_chip, pid); FIELD(sf_chip, device);
    FIELD(sf_chip, bootloader_version); FIELD(sf_chip, commands); FIELD(sf_chip, command_count);
    FIELD(sf_chip, flash_size); FIELD(sf_chip, protection); FIELD(sf_chip, stub_running);
    END();
    BEGIN(sf_protection);
    FIELD(sf_protection, readout); FIELD(sf_protection, known_wrp); FIELD(sf_protection, wrp);
    END();
    BEGIN(sf_erase_run);
    FIELD(sf_erase_run, count); FIELD(sf_erase_run, size);
    END();
    BEGIN(sf_device);
    FIELD(sf_device, pid); FIELD(sf_device, name); FIELD(sf_device, family);
    FIELD(sf_device, flash_base); FIELD(sf_device, flash_size); FIELD(sf_device, layout);
    FIELD(sf_device, layout_runs); FIELD(sf_device, ram_base); FIELD(sf_device, ram_end);
    FIELD(sf_device, sysmem_base); FIELD(sf_device, sysmem_end); FIELD(sf_device, option_base);
    FIELD(sf_device, option_end); FIELD(sf_device, flash_size_reg); FIELD(sf_device, write_align);
    FIELD(sf_device, erased_value); FIELD(sf_device, dual_bank); FIELD(sf_device, bank2_fixed);
    FIELD(sf_device, single_bank_max); FIELD(sf_device, flash_size_coding);
    FIELD(sf_device, empty_check); FIELD(sf_device, uid_reg); FIELD(sf_device, program_bytes);
    FIELD(sf_device, bank_mode); FIELD(sf_device, alt_layout); FIELD(sf_device, alt_layout_runs);
    FIELD(sf_device, usarts); FIELD(sf_device, usart_count); FIELD(sf_device, no_stub);
    FIELD(sf_device, source);
    END();
    BEGIN(sf_boot_usart);
    FIELD(sf_boot_usart, name); FIELD(sf_boot_usart, tx); FIELD(sf_boot_usart, rx);
    END();
    printf(", \"SF_CHIP_VERSION\": %d, \"SF_STUB_BAUD_AUTO\": %u, \"SF_GO_BOOT_ADDRESS\": %u}\n",
           SF_CHIP_VERSION, SF_STUB_BAUD_AUTO, SF_GO_BOOT_ADDRESS);
    return 0;
}
