/*
 * spcr.h - Serial Port Console Redirection table (Microsoft's SPCR
 * specification, revisions 1-4; the interface types are DBG2's): where the
 * firmware's serial console is, as Linux reads it for `earlycon`.
 * Freestanding: the caller hands over the table's bytes.
 */
#ifndef ACPI_SPCR_H
#define ACPI_SPCR_H

#include "types.h"
#include "handoff.h"
#include "acpi/acpi.h"

struct spcr_table {
	struct acpi_table_header hdr;
	uint8_t  interface_type;    /* DBG2 serial subtype: 0x00 16550, 0x01 16450, 0x12 16550+GAS */
	uint8_t  reserved0[3];
	struct acpi_gas base;       /* register block */
	uint8_t  interrupt_type;
	uint8_t  pc_irq;
	uint32_t gsi;
	uint8_t  baud_code;         /* 0 as configured, 3 9600, 4 19200, 6 57600, 7 115200 */
	uint8_t  parity;
	uint8_t  stop_bits;
	uint8_t  flow_control;
	uint8_t  terminal_type;
	uint8_t  language;
	uint16_t pci_device_id;     /* 0xffff: not a PCI device */
	uint16_t pci_vendor_id;
	uint8_t  pci_bus;
	uint8_t  pci_device;
	uint8_t  pci_function;
	uint32_t pci_flags;
	uint8_t  pci_segment;
	uint32_t uart_clock;        /* revision >= 3: input clock in Hz, 0 unknown */
} __packed;
_Static_assert(sizeof(struct spcr_table) == 80, "SPCR revision 2 is 80 bytes");
_Static_assert(__builtin_offsetof(struct spcr_table, interface_type) == 36, "SPCR type at 36");
_Static_assert(__builtin_offsetof(struct spcr_table, base) == 40, "SPCR base address at 40");
_Static_assert(__builtin_offsetof(struct spcr_table, baud_code) == 58, "SPCR baud rate at 58");
_Static_assert(__builtin_offsetof(struct spcr_table, pci_device_id) == 64, "SPCR PCI device at 64");
_Static_assert(__builtin_offsetof(struct spcr_table, pci_segment) == 75, "SPCR PCI segment at 75");
_Static_assert(__builtin_offsetof(struct spcr_table, uart_clock) == 76, "SPCR UART clock at 76");

/* Revision 4 adds the precise baud rate right after the 80 bytes. */
#define SPCR_PRECISE_BAUD_OFFSET  80

#define SPCR_TYPE_16550        0x00
#define SPCR_TYPE_16450        0x01   /* "16550 subset": the same registers */
#define SPCR_TYPE_16550_GAS    0x12   /* 16550 with the GAS giving width */

/*
 * Parse an SPCR of `len` readable bytes (checksum checked by the caller)
 * into *out (space, base, reg_width, baud, clock, pci; source
 * CONSOLE_SRC_SPCR, index set for the legacy COM ports).  As Linux's
 * acpi_parse_spcr: only the 16550-compatible interface types, I/O or memory
 * space, a non-zero address, the baud codes of the specification (0: keep
 * the firmware's setting).  Returns ACPI_OK, or ACPI_EINVAL with a reason
 * naming the field.
 */
int spcr_parse(const void *table, size_t len, struct handoff_uart *out,
	       char *reason, size_t rlen);

#endif /* ACPI_SPCR_H */
