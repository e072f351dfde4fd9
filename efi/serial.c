/*
 * serial.c - find the serial console the kernel will write to, before
 * ExitBootServices, in the order a server's firmware is most likely to
 * tell the truth about it:
 *
 *   1. the command line (console=, earlycon=; bare `earlycon` = SPCR);
 *   2. the ACPI SPCR table (acpi/spcr.c), what Linux uses as earlycon;
 *   3. the UARTs in the firmware's own console (the ConOut variable's device
 *      paths): a PNP0501 node is legacy COM<UID+1>, a PCI node is read
 *      through EFI_PCI_IO_PROTOCOL (first I/O or memory BAR);
 *   4. legacy COM1-COM4 found by probing, as Linux's 8250 autoconfig does
 *      (IER read-back, then the loopback check);
 *   5. PCI serial controllers (class 07, subclass 00, 16550-compatible).
 *
 * The result goes into the handoff (h->uart[]); an MMIO UART also gets an
 * IOMAP window in every page-table copy.  Nothing here waits without bound,
 * and nothing reprograms a UART: the firmware's divisor stays unless the
 * command line names a baud rate (the kernel applies it).
 */
#include "efi/loader.h"
#include "efi/console_opt.h"
#include "acpi/acpi.h"
#include "acpi/spcr.h"
#include "acpi/topology.h"
#include "uart16550.h"
#include "lib/printf.h"
#include "mm/pgtable.h"

#define PCI_CLASS_SERIAL  0x07
#define PCI_SUB_SERIAL    0x00
#define PCI_PROGIF_16950  0x06   /* 0x00 8250 .. 0x06 16950: all 16550 register sets */

/* ttyS1 / uart, for messages. */
static const char *uart_name(const struct handoff_uart *u, char *buf, size_t len)
{
	if (u->index != UART_INDEX_NONE)
		ksnprintf(buf, len, "ttyS%u", u->index);
	else
		ksnprintf(buf, len, "uart");
	return buf;
}

static bool have(struct loader *l, const struct handoff_uart *u)
{
	for (uint32_t i = 0; i < l->h->nr_uarts; i++)
		if (l->h->uart[i].space == u->space && l->h->uart[i].base == u->base)
			return true;
	return false;
}

/* Record u (and map it when MMIO).  False when the list is full. */
static bool add(struct loader *l, struct handoff_uart u)
{
	if (l->h->nr_uarts == HANDOFF_UART_MAX || have(l, &u))
		return false;
	if (u.space == UART_SPACE_MMIO) {
		u.va = loader_iomap(l, ALIGN_DOWN(u.base, PAGE_SIZE), PAGE_SIZE, PTE_PCD | PTE_PWT);
		if (u.va == 0)
			return false;
		u.va += u.base & (PAGE_SIZE - 1);
	}
	l->h->uart[l->h->nr_uarts++] = u;
	return true;
}

/*
 * Is there a 16550 at this I/O port?  Linux's autoconfig checks: IER keeps
 * what is written to its low nibble, and in loopback mode the modem-status
 * lines follow the modem-control outputs.  Every register is restored, and
 * loopback is entered only once the transmitter is empty, so a firmware
 * console on the same port loses nothing.
 */
static bool probe_io(uint16_t port)
{
	uint8_t ier, ier0, ierf, mcr, msr;
	int spin;

	if (inb(port + UART_LSR) == 0xff)
		return false;
	ier = inb(port + UART_IER);
	outb(port + UART_IER, 0);
	ier0 = inb(port + UART_IER);
	outb(port + UART_IER, 0x0f);
	ierf = inb(port + UART_IER);
	outb(port + UART_IER, ier);
	if ((ier0 & 0x0f) != 0 || (ierf & 0x0f) != 0x0f)
		return false;
	for (spin = 0; spin < 100000 && !(inb(port + UART_LSR) & UART_LSR_TEMT); spin++)
		cpu_relax();
	mcr = inb(port + UART_MCR);
	outb(port + UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	msr = inb(port + UART_MSR) & UART_MSR_STATUS;
	outb(port + UART_MCR, mcr);
	return msr == 0x90;            /* DCD (from OUT2) and CTS (from RTS) */
}

/* First usable BAR of a PCI function into u (I/O, or memory below 2^52). */
static bool pci_bar(EFI_PCI_IO_PROTOCOL *pci, struct handoff_uart *u)
{
	for (UINT32 i = 0; i < 6; i++) {
		UINT32 bar = 0, hi = 0;

		if (EFI_ERROR(uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32,
						0x10 + 4 * i, 1, &bar)) || bar == 0 || bar == ~0u)
			continue;
		if (bar & 1) {
			if ((bar & ~3u) == 0 || (bar & ~3u) > 0xfff8)
				continue;
			u->space = UART_SPACE_IO;
			u->base = bar & ~3u;
			u->reg_width = 1;
			return true;
		}
		u->base = bar & ~0xfu;
		if (((bar >> 1) & 3) == 2) {            /* 64-bit BAR */
			uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32,
					  0x10 + 4 * (i + 1), 1, &hi);
			u->base |= (uint64_t)hi << 32;
			i++;
		}
		if (u->base == 0 || u->base >= (1ULL << 52))
			continue;
		u->space = UART_SPACE_MMIO;
		u->reg_width = 1;
		return true;
	}
	return false;
}

/* Location, decode enable and BAR of a PCI UART. */
static bool pci_uart(EFI_PCI_IO_PROTOCOL *pci, struct handoff_uart *u)
{
	UINTN seg, bus, dev, fn;

	if (!pci_bar(pci, u))
		return false;
	if (!EFI_ERROR(uefi_call_wrapper(pci->GetLocation, 5, pci, &seg, &bus, &dev, &fn)))
		u->pci = (uint32_t)(seg << 16 | bus << 8 | dev << 3 | fn);
	/* The firmware may not have enabled decoding if no driver bound it. */
	uefi_call_wrapper(pci->Attributes, 4, pci, EfiPciIoAttributeOperationEnable,
			  u->space == UART_SPACE_IO ? EFI_PCI_IO_ATTRIBUTE_IO
						    : EFI_PCI_IO_ATTRIBUTE_MEMORY, NULL);
	return true;
}

/* ConOut's UARTs: one device-path instance per console device. */
static void from_conout(struct loader *l)
{
	EFI_DEVICE_PATH *all, *dp;
	UINTN size = 0;

	all = LibGetVariableAndSize(L"ConOut", &EfiGlobalVariable, &size);
	if (all == NULL)
		return;
	dp = all;
	while ((uint8_t *)dp + 4 <= (uint8_t *)all + size) {
		EFI_DEVICE_PATH *inst = dp, *n;
		bool uart = false, pci = false;
		int com = -1;

		bool ended = false;

		for (n = inst; (uint8_t *)n + 4 <= (uint8_t *)all + size; n = NextDevicePathNode(n)) {
			size_t len = DevicePathNodeLength(n);

			if (len < 4 || (uint8_t *)n + len > (uint8_t *)all + size)
				goto out;               /* malformed: stop, never loop */
			if (DevicePathType(n) == END_DEVICE_PATH_TYPE) {
				ended = true;
				break;
			}
			if (DevicePathType(n) == MESSAGING_DEVICE_PATH &&
			    DevicePathSubType(n) == MSG_UART_DP)
				uart = true;
			if (DevicePathType(n) == HARDWARE_DEVICE_PATH && DevicePathSubType(n) == HW_PCI_DP)
				pci = true;
			if (DevicePathType(n) == ACPI_DEVICE_PATH && DevicePathSubType(n) == ACPI_DP &&
			    len >= sizeof(ACPI_HID_DEVICE_PATH) &&
			    ((ACPI_HID_DEVICE_PATH *)n)->HID == EISA_PNP_ID(0x0501))
				com = (int)((ACPI_HID_DEVICE_PATH *)n)->UID;
		}
		if (!ended)
			goto out;
		if (uart && com >= 0 && com < 4) {
			struct handoff_uart u = { .space = UART_SPACE_IO, .reg_width = 1,
						  .base = uart_legacy_port((unsigned)com),
						  .index = (uint8_t)com,
						  .source = CONSOLE_SRC_FIRMWARE };

			add(l, u);
		} else if (uart && pci) {
			EFI_DEVICE_PATH *walk = inst;
			EFI_HANDLE hd;
			EFI_PCI_IO_PROTOCOL *pio;
			struct handoff_uart u = { .index = UART_INDEX_NONE,
						  .source = CONSOLE_SRC_FIRMWARE };

			if (!EFI_ERROR(uefi_call_wrapper(BS->LocateDevicePath, 3, &PciIoProtocol,
							 &walk, &hd)) &&
			    !EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, hd, &PciIoProtocol,
							 (void **)&pio)) &&
			    pci_uart(pio, &u)) {
				if (u.space == UART_SPACE_IO)
					u.index = uart_legacy_index(u.base);
				add(l, u);
			}
		}
		if (DevicePathSubType(n) == END_ENTIRE_DEVICE_PATH_SUBTYPE)
			break;
		dp = NextDevicePathNode(n);     /* past the end-of-instance node */
	}
out:
	FreePool(all);
}

/* COM1-COM4 that answer the probe. */
static void from_probe(struct loader *l)
{
	for (unsigned i = 0; i < 4; i++) {
		struct handoff_uart u = { .space = UART_SPACE_IO, .reg_width = 1,
					  .base = uart_legacy_port(i), .index = (uint8_t)i,
					  .source = CONSOLE_SRC_PROBE };

		if (probe_io((uint16_t)u.base))
			add(l, u);
	}
}

/* PCI functions of class 07/00 with a 16550-compatible interface. */
static void from_pci(struct loader *l)
{
	EFI_HANDLE *hs = NULL;
	UINTN nr = 0;

	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol,
					NULL, &nr, &hs)))
		return;
	for (UINTN i = 0; i < nr; i++) {
		EFI_PCI_IO_PROTOCOL *pio;
		UINT32 cls = 0;
		struct handoff_uart u = { .index = UART_INDEX_NONE, .source = CONSOLE_SRC_PCI };

		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, hs[i], &PciIoProtocol,
						(void **)&pio)) ||
		    EFI_ERROR(uefi_call_wrapper(pio->Pci.Read, 5, pio, EfiPciIoWidthUint32, 0x08, 1,
						&cls)))
			continue;
		if ((cls >> 24) != PCI_CLASS_SERIAL || ((cls >> 16) & 0xff) != PCI_SUB_SERIAL ||
		    ((cls >> 8) & 0xff) > PCI_PROGIF_16950)
			continue;
		if (pci_uart(pio, &u))
			add(l, u);
	}
	FreePool(hs);
}

/* The SPCR's UART, or false with the reason printed. */
static bool from_spcr(struct loader *l, bool quiet_absent)
{
	struct acpi_access acc = loader_acpi_access(l);
	struct acpi_table_ref ref;
	struct handoff_uart u;
	char reason[160];
	int r;

	if (l->h->rsdp_pa == 0)
		return false;
	r = acpi_find_table(&acc, l->h->rsdp_pa, "SPCR", &ref, NULL, reason, sizeof(reason));
	if (r == ACPI_ENOTFOUND) {
		if (!quiet_absent)
			loader_printf("loader: earlycon: no SPCR table\n");
		return false;
	}
	if (r == ACPI_OK)
		r = spcr_parse(ref.table, ref.length, &u, reason, sizeof(reason));
	if (r != ACPI_OK) {
		loader_printf("loader: SPCR ignored: %s\n", reason);
		return false;
	}
	if (u.space == UART_SPACE_IO && !probe_io((uint16_t)u.base)) {
		loader_printf("loader: SPCR ignored: no UART answers at I/O port 0x%llx\n",
			      (unsigned long long)u.base);
		return false;
	}
	return add(l, u);
}

void serial_discover(struct loader *l)
{
	const struct console_opts *o = &l->console_opt;    /* from cmdline_setup */
	const char *how = NULL;
	char name[8];

	l->h->nr_uarts = 0;
	for (uint32_t i = 0; i < o->nr_uarts; i++)
		add(l, o->uart[i]);
	if (o->nr_uarts)
		how = "command line";
	else if (o->earlycon_spcr && from_spcr(l, false))
		how = "SPCR (earlycon)";
	else if (o->screen && !o->earlycon_spcr)
		how = "console=tty0: screen only";
	else if (from_spcr(l, true))
		how = "SPCR";
	else if ((from_conout(l), l->h->nr_uarts))
		how = "firmware console (ConOut)";
	else if ((from_probe(l), l->h->nr_uarts))
		how = "legacy COM probe";
	else if ((from_pci(l), l->h->nr_uarts))
		how = "PCI serial";
	else
		how = "no UART found";

	loader_printf("loader: serial console: %s", how);
	for (uint32_t i = 0; i < l->h->nr_uarts; i++) {
		const struct handoff_uart *u = &l->h->uart[i];

		loader_printf("%s %s %s 0x%llx", i ? "," : ":", uart_name(u, name, sizeof(name)),
			      u->space == UART_SPACE_IO ? "io" : u->reg_width == 4 ? "mmio32" : "mmio",
			      (unsigned long long)u->base);
	}
	loader_printf("\n");
}
