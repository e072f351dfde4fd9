/*
 * spcr.c - SPCR parsing (see spcr.h).
 */
#include "acpi/spcr.h"
#include "uart16550.h"
#include "lib/printf.h"

/* Baud code -> rate; 0 = "as configured" (keep the firmware's divisor). */
static bool spcr_baud(uint8_t code, uint32_t *baud)
{
	switch (code) {
	case 0: *baud = 0; return true;
	case 3: *baud = 9600; return true;
	case 4: *baud = 19200; return true;
	case 6: *baud = 57600; return true;
	case 7: *baud = 115200; return true;
	default: return false;
	}
}

int spcr_parse(const void *table, size_t len, struct handoff_uart *out,
	       char *reason, size_t rlen)
{
	const struct spcr_table *t = table;
	size_t tlen;
	uint32_t baud;
	uint8_t width;

	/* Revision 1 tables are 80 bytes too (the tail was reserved). */
	if (acpi_table_length(table, len, sizeof(*t), "SPCR", &tlen, reason, rlen))
		return ACPI_EINVAL;
	if (t->interface_type != SPCR_TYPE_16550 && t->interface_type != SPCR_TYPE_16450 &&
	    t->interface_type != SPCR_TYPE_16550_GAS) {
		ksnprintf(reason, rlen, "SPCR: interface type 0x%02x is not 16550-compatible",
			  t->interface_type);
		return ACPI_EINVAL;
	}
	if (t->base.address == 0) {
		ksnprintf(reason, rlen, "SPCR: base address is 0 (redirection disabled)");
		return ACPI_EINVAL;
	}
	if (!spcr_baud(t->baud_code, &baud)) {
		ksnprintf(reason, rlen, "SPCR: baud rate code %u is not defined", t->baud_code);
		return ACPI_EINVAL;
	}
	if (t->hdr.revision >= 4 && tlen >= SPCR_PRECISE_BAUD_OFFSET + 4) {
		uint32_t precise;

		__builtin_memcpy(&precise, (const uint8_t *)table + SPCR_PRECISE_BAUD_OFFSET, 4);
		if (precise)
			baud = precise;
	}

	*out = (struct handoff_uart){ .base = t->base.address, .baud = baud,
				      .source = CONSOLE_SRC_SPCR, .index = UART_INDEX_NONE };
	if (t->hdr.revision >= 3)
		out->clock = t->uart_clock;
	if (t->pci_device_id != 0xffff && t->pci_vendor_id != 0xffff &&
	    (t->pci_device_id | t->pci_vendor_id) != 0)
		out->pci = (uint32_t)t->pci_segment << 16 | (uint32_t)t->pci_bus << 8 |
			   (uint32_t)(t->pci_device & 31) << 3 | (t->pci_function & 7);

	switch (t->base.space_id) {
	case ACPI_GAS_IO:
		if (t->base.address > 0xfff8) {
			ksnprintf(reason, rlen, "SPCR: I/O port 0x%llx is above 0xfff8",
				  (unsigned long long)t->base.address);
			return ACPI_EINVAL;
		}
		out->space = UART_SPACE_IO;
		out->reg_width = 1;
		out->index = uart_legacy_index(t->base.address);
		return ACPI_OK;
	case ACPI_GAS_MEMORY:
		/* The access size says it; legacy tables (0) give the bit width,
		 * or nothing, which Linux reads as byte-wide. */
		if (t->base.access_size == 1 || t->base.access_size == 3)
			width = (uint8_t)(1u << (t->base.access_size - 1));
		else if (t->base.access_size == 0 && t->base.bit_width == 32)
			width = 4;
		else if (t->base.access_size == 0 && (t->base.bit_width == 8 || t->base.bit_width == 0))
			width = 1;
		else
			width = 0;
		if (width != 1 && width != 4) {
			ksnprintf(reason, rlen, "SPCR: MMIO register access (access size %u, bit"
				  " width %u) is neither byte nor dword", t->base.access_size,
				  t->base.bit_width);
			return ACPI_EINVAL;
		}
		if (t->base.address & (width - 1)) {
			ksnprintf(reason, rlen, "SPCR: MMIO base 0x%llx is not %u-byte aligned",
				  (unsigned long long)t->base.address, width);
			return ACPI_EINVAL;
		}
		out->space = UART_SPACE_MMIO;
		out->reg_width = width;
		return ACPI_OK;
	default:
		ksnprintf(reason, rlen, "SPCR: address space %u is neither memory nor I/O",
			  t->base.space_id);
		return ACPI_EINVAL;
	}
}
