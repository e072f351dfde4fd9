/*
 * spcr_fuzz.c - libFuzzer target: the input is an SPCR.  Whatever it holds,
 * spcr_parse() either fails with a reason or yields a UART the loader could
 * hand over: I/O port below 0xfff8 with byte registers, or an aligned MMIO
 * address with byte or dword registers, and a baud rate the spec defines.
 */
#include "fuzz_common.h"
#include "acpi/spcr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handoff_uart u;
	char reason[160];
	int r;

	reason[0] = '\0';
	r = spcr_parse(data, size, &u, reason, sizeof(reason));
	if (r != ACPI_OK) {
		FUZZ_CHECK(r == ACPI_EINVAL && reason[0]);
		return 0;
	}
	FUZZ_CHECK(u.base != 0 && u.source == CONSOLE_SRC_SPCR);
	if (u.space == UART_SPACE_IO)
		FUZZ_CHECK(u.base <= 0xfff8 && u.reg_width == 1);
	else
		FUZZ_CHECK(u.space == UART_SPACE_MMIO && (u.reg_width == 1 || u.reg_width == 4) &&
			   (u.base & (u.reg_width - 1)) == 0 && u.index == UART_INDEX_NONE);
	if (((const struct acpi_table_header *)data)->revision < 4)
		FUZZ_CHECK(u.baud == 0 || u.baud == 9600 || u.baud == 19200 || u.baud == 57600 ||
			   u.baud == 115200);
	return 0;
}
