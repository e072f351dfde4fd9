/*
 * fadt.c - the FADT's reset register (see fadt.h).
 */
#include "acpi/fadt.h"
#include "lib/printf.h"

int fadt_reset_reg(const void *table, size_t len, struct handoff_reset *out,
		   char *reason, size_t rlen)
{
	const struct fadt_head *f = table;
	size_t tlen;

	if (acpi_table_length(table, len, sizeof(struct acpi_table_header), "FADT", &tlen, reason,
			      rlen))
		return ACPI_EINVAL;
	if (f->hdr.revision < 2) {
		ksnprintf(reason, rlen, "FADT revision %u has no reset register", f->hdr.revision);
		return ACPI_EINVAL;
	}
	if (tlen < sizeof(*f)) {
		ksnprintf(reason, rlen, "FADT: %zu bytes end before the reset register (129 needed)",
			  tlen);
		return ACPI_EINVAL;
	}
	if (!(f->flags & FADT_F_RESET_REG_SUP)) {
		ksnprintf(reason, rlen, "FADT: reset register not supported (flags 0x%x, bit 10 clear)",
			  f->flags);
		return ACPI_EINVAL;
	}
	if (f->reset_reg.address == 0) {
		ksnprintf(reason, rlen, "FADT: reset register address is 0");
		return ACPI_EINVAL;
	}
	switch (f->reset_reg.space_id) {
	case ACPI_GAS_IO:
		if (f->reset_reg.address > 0xffff) {
			ksnprintf(reason, rlen, "FADT: reset I/O port 0x%llx is above 0xffff",
				  (unsigned long long)f->reset_reg.address);
			return ACPI_EINVAL;
		}
		break;
	case ACPI_GAS_MEMORY:
		break;
	case ACPI_GAS_PCI_CONFIG:
		/* Device in bits 47:32, function 31:16, offset 15:0, on bus 0. */
		if ((f->reset_reg.address >> 32) > 31 || ((f->reset_reg.address >> 16) & 0xffff) > 7 ||
		    (f->reset_reg.address & 0xffff) > 0xff) {
			ksnprintf(reason, rlen, "FADT: reset register PCI address 0x%llx is not a bus-0"
				  " device/function/offset", (unsigned long long)f->reset_reg.address);
			return ACPI_EINVAL;
		}
		break;
	default:
		ksnprintf(reason, rlen, "FADT: reset register in address space %u (not I/O, memory"
			  " or PCI configuration)", f->reset_reg.space_id);
		return ACPI_EINVAL;
	}
	*out = (struct handoff_reset){ .address = f->reset_reg.address,
				       .space = f->reset_reg.space_id,
				       .value = f->reset_value, .valid = 1,
				       .kbd_8042 = (f->iapc_boot_arch & 2) ? 1 : 0 };
	return ACPI_OK;
}
