/*
 * fadt_fuzz.c - libFuzzer target: the input is a FADT.  fadt_reset_reg()
 * either fails with a reason or yields a reset register the kernel can
 * write: a 16-bit I/O port, a memory address, or a bus-0 PCI function.
 */
#include "fuzz_common.h"
#include "acpi/fadt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handoff_reset r;
	char reason[160];
	int st;

	reason[0] = '\0';
	st = fadt_reset_reg(data, size, &r, reason, sizeof(reason));
	if (st != ACPI_OK) {
		FUZZ_CHECK(st == ACPI_EINVAL && reason[0]);
		return 0;
	}
	FUZZ_CHECK(size >= sizeof(struct fadt_head) && r.valid == 1 && r.address != 0);
	if (r.space == ACPI_GAS_IO)
		FUZZ_CHECK(r.address <= 0xffff);
	else if (r.space == ACPI_GAS_PCI_CONFIG)
		FUZZ_CHECK((r.address >> 32) <= 31 && ((r.address >> 16) & 0xffff) <= 7 &&
			   (r.address & 0xffff) <= 0xff);
	else
		FUZZ_CHECK(r.space == ACPI_GAS_MEMORY);
	return 0;
}
