/*
 * fadt.h - the Fixed ACPI Description Table ("FACP"), read for its reset
 * register only (ACPI 6.5, 5.2.9 and 4.8.3.6): what Linux's acpi_reboot()
 * writes first when it restarts the machine.
 */
#ifndef ACPI_FADT_H
#define ACPI_FADT_H

#include "types.h"
#include "handoff.h"
#include "acpi/acpi.h"

struct fadt_head {
	struct acpi_table_header hdr;
	uint8_t  pm[73];            /* 36..108: FACS/DSDT pointers, PM blocks, latencies: unused here */
	uint16_t iapc_boot_arch;    /* 109: bit 1 = an 8042 keyboard controller is present */
	uint8_t  reserved0;
	uint32_t flags;             /* 112: bit 10 RESET_REG_SUP */
	struct acpi_gas reset_reg;  /* 116: revision >= 2 */
	uint8_t  reset_value;       /* 128 */
} __packed;
_Static_assert(sizeof(struct fadt_head) == 129, "FADT up to RESET_VALUE is 129 bytes");
_Static_assert(__builtin_offsetof(struct fadt_head, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH at 109");
_Static_assert(__builtin_offsetof(struct fadt_head, flags) == 112, "FADT flags at 112");
_Static_assert(__builtin_offsetof(struct fadt_head, reset_reg) == 116, "FADT RESET_REG at 116");
_Static_assert(__builtin_offsetof(struct fadt_head, reset_value) == 128, "FADT RESET_VALUE at 128");

#define FADT_F_RESET_REG_SUP  (1u << 10)

/*
 * The reset register of a FADT of `len` readable bytes (checksum checked
 * by the caller), as Linux's acpi_reboot() accepts it: table revision >= 2,
 * RESET_REG_SUP set, a non-zero address in I/O, memory or PCI configuration
 * space (the bit width is not checked: Windows ignores it, firmware gets it
 * wrong).  Returns ACPI_OK with *out filled (va 0), or ACPI_EINVAL with the
 * reason.
 */
int fadt_reset_reg(const void *table, size_t len, struct handoff_reset *out,
		   char *reason, size_t rlen);

#endif /* ACPI_FADT_H */
