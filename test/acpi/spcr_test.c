/*
 * spcr_test.c - tests of acpi/spcr.c: spcr_parse() reads the iasl-compiled
 * tables (I/O COM2, MMIO dword registers) and rejects what Linux rejects
 * (non-16550 types, address 0, undefined baud codes, odd widths, spaces,
 * short tables), each with a reason naming the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"
#include "acpi/spcr.h"

static struct tbuf tb;
static char reason[160];
static struct handoff_uart u;

/* A revision-2 SPCR: 16550 at I/O 0x3f8, 115200; tests patch fields. */
static struct spcr_table *spcr_build(uint8_t revision)
{
	struct spcr_table t;

	memset(&t, 0, sizeof(t));
	tb_begin(&tb, "SPCR", revision);
	tb_put(&tb, (const uint8_t *)&t + sizeof(t.hdr), sizeof(t) - sizeof(t.hdr));
	struct spcr_table *s = (void *)tb.data;
	s->base.space_id = ACPI_GAS_IO;
	s->base.bit_width = 8;
	s->base.access_size = 1;
	s->base.address = 0x3f8;
	s->baud_code = 7;
	s->pci_device_id = 0xffff;
	s->pci_vendor_id = 0xffff;
	return s;
}

static int parse(void)
{
	tb_finish(&tb);
	reason[0] = '\0';
	return spcr_parse(tb.data, tb.len, &u, reason, sizeof(reason));
}

static void test_spcr_parse_iasl_com2(void **state)
{
	size_t len;
	uint8_t *t = aml_load("spcr-com2", &len);

	assert_non_null(t);
	assert_int_equal(acpi_table_check(t, len, "SPCR", reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(spcr_parse(t, len, &u, reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(u.space, UART_SPACE_IO);
	assert_int_equal(u.base, 0x2f8);
	assert_int_equal(u.index, 1);
	assert_int_equal(u.baud, 115200);
	assert_int_equal(u.reg_width, 1);
	assert_int_equal(u.source, CONSOLE_SRC_SPCR);
	assert_int_equal(u.pci, 0);
	free(t);
}

static void test_spcr_parse_iasl_mmio32_keeps_baud(void **state)
{
	size_t len;
	uint8_t *t = aml_load("spcr-mmio32", &len);

	assert_non_null(t);
	assert_int_equal(spcr_parse(t, len, &u, reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(u.space, UART_SPACE_MMIO);
	assert_int_equal(u.base, 0xfe030000);
	assert_int_equal(u.reg_width, 4);
	assert_int_equal(u.baud, 0);
	assert_int_equal(u.index, UART_INDEX_NONE);
	free(t);
}

static void test_spcr_parse_baud_codes(void **state)
{
	static const struct { uint8_t code; uint32_t baud; } ok[] = {
		{ 0, 0 }, { 3, 9600 }, { 4, 19200 }, { 6, 57600 }, { 7, 115200 } };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		spcr_build(2)->baud_code = ok[i].code;
		assert_int_equal(parse(), ACPI_OK);
		assert_int_equal(u.baud, ok[i].baud);
	}
	spcr_build(2)->baud_code = 5;        /* 38400 was never given a code */
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: baud rate code 5 is not defined");
}

static void test_spcr_parse_rejects_pl011(void **state)
{
	spcr_build(2)->interface_type = 0x03;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: interface type 0x03 is not 16550-compatible");
}

static void test_spcr_parse_rejects_address_zero(void **state)
{
	spcr_build(2)->base.address = 0;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: base address is 0 (redirection disabled)");
}

static void test_spcr_parse_rejects_other_space(void **state)
{
	spcr_build(2)->base.space_id = 2;    /* PCI configuration space */
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: address space 2 is neither memory nor I/O");
}

static void test_spcr_parse_rejects_io_port_too_high(void **state)
{
	spcr_build(2)->base.address = 0x10000;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: I/O port 0x10000 is above 0xfff8");
}

static void test_spcr_parse_mmio_widths(void **state)
{
	struct spcr_table *s = spcr_build(2);

	s->base.space_id = ACPI_GAS_MEMORY;
	s->base.address = 0xfedc9000;
	s->base.access_size = 0;            /* legacy: bit width decides */
	s->base.bit_width = 32;
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(u.reg_width, 4);

	s = spcr_build(2);
	s->base.space_id = ACPI_GAS_MEMORY;
	s->base.address = 0xfedc9000;
	s->base.access_size = 0;
	s->base.bit_width = 0;              /* nothing: byte-wide, as Linux reads it */
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(u.reg_width, 1);

	s = spcr_build(2);
	s->base.space_id = ACPI_GAS_MEMORY;
	s->base.address = 0xfedc9000;
	s->base.access_size = 2;            /* word registers: not a 16550 we drive */
	s->base.bit_width = 16;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: MMIO register access (access size 2, bit width 16) is "
				    "neither byte nor dword");

	s = spcr_build(2);
	s->base.space_id = ACPI_GAS_MEMORY;
	s->base.address = 0xfedc9002;
	s->base.access_size = 3;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "SPCR: MMIO base 0xfedc9002 is not 4-byte aligned");
}

static void test_spcr_parse_revision_3_clock_and_4_precise_baud(void **state)
{
	struct spcr_table *s = spcr_build(3);
	uint32_t precise = 1500000;

	s->uart_clock = 48000000;
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(u.clock, 48000000);
	assert_int_equal(u.baud, 115200);

	s = spcr_build(4);
	s->uart_clock = 48000000;
	tb_u32(&tb, precise);                /* offset 80 */
	tb_u16(&tb, 0);
	tb_u16(&tb, 0);
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(u.baud, 1500000);

	s = spcr_build(2);                   /* revision 2: offset 76 is reserved */
	s->uart_clock = 48000000;
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(u.clock, 0);
}

static void test_spcr_parse_pci_location(void **state)
{
	struct spcr_table *s = spcr_build(2);

	s->pci_device_id = 0x0002;
	s->pci_vendor_id = 0x1b36;
	s->pci_bus = 0;
	s->pci_device = 3;
	s->pci_function = 0;
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(u.pci, 3 << 3);
}

static void test_spcr_parse_truncated(void **state)
{
	spcr_build(2);
	tb.len = 60;                          /* the header says 60: fixed part is 80 */
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_non_null(strstr(reason, "SPCR"));

	spcr_build(2);
	tb_finish(&tb);
	assert_int_equal(spcr_parse(tb.data, 79, &u, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "SPCR"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spcr_parse_iasl_com2),
		cmocka_unit_test(test_spcr_parse_iasl_mmio32_keeps_baud),
		cmocka_unit_test(test_spcr_parse_baud_codes),
		cmocka_unit_test(test_spcr_parse_rejects_pl011),
		cmocka_unit_test(test_spcr_parse_rejects_address_zero),
		cmocka_unit_test(test_spcr_parse_rejects_other_space),
		cmocka_unit_test(test_spcr_parse_rejects_io_port_too_high),
		cmocka_unit_test(test_spcr_parse_mmio_widths),
		cmocka_unit_test(test_spcr_parse_revision_3_clock_and_4_precise_baud),
		cmocka_unit_test(test_spcr_parse_pci_location),
		cmocka_unit_test(test_spcr_parse_truncated),
	};

	return cmocka_run_group_tests_name("spcr", tests, NULL, NULL);
}
