/*
 * fadt_test.c - tests of acpi/fadt.c: fadt_reset_reg() takes the reset
 * register as Linux's acpi_reboot() does (revision >= 2, RESET_REG_SUP,
 * non-zero address in I/O, memory or bus-0 PCI configuration space) and
 * says why it does not otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"
#include "acpi/fadt.h"

static struct tbuf tb;
static char reason[160];
static struct handoff_reset r;

/* A revision-6 FADT of 276 bytes with QEMU q35's reset register (I/O 0xcf9 <- 0x0f). */
static struct fadt_head *fadt_build(uint8_t revision, size_t len)
{
	uint8_t zero[276] = { 0 };
	struct fadt_head *f;

	tb_begin(&tb, "FACP", revision);
	tb_put(&tb, zero, len - sizeof(struct acpi_table_header));
	f = (void *)tb.data;
	if (len >= sizeof(*f)) {
		f->flags = FADT_F_RESET_REG_SUP;
		f->reset_reg = (struct acpi_gas){ ACPI_GAS_IO, 8, 0, 1, 0xcf9 };
		f->reset_value = 0x0f;
		f->iapc_boot_arch = 2;
	}
	return f;
}

static int parse(void)
{
	tb_finish(&tb);
	reason[0] = '\0';
	memset(&r, 0xee, sizeof(r));
	return fadt_reset_reg(tb.data, tb.len, &r, reason, sizeof(reason));
}

static void test_fadt_reset_reg_qemu_q35(void **state)
{
	fadt_build(6, 276);
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(r.valid, 1);
	assert_int_equal(r.space, ACPI_GAS_IO);
	assert_int_equal(r.address, 0xcf9);
	assert_int_equal(r.value, 0x0f);
	assert_int_equal(r.kbd_8042, 1);
	assert_int_equal(r.va, 0);
}

static void test_fadt_reset_reg_revision_1_has_none(void **state)
{
	fadt_build(1, 116);
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "FADT revision 1 has no reset register");
}

static void test_fadt_reset_reg_short_table(void **state)
{
	fadt_build(3, 120);
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "FADT: 120 bytes end before the reset register (129 needed)");
}

static void test_fadt_reset_reg_not_supported(void **state)
{
	fadt_build(6, 276)->flags = 0x0a5;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "FADT: reset register not supported (flags 0xa5, bit 10 clear)");
}

static void test_fadt_reset_reg_address_zero(void **state)
{
	fadt_build(6, 276)->reset_reg.address = 0;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "FADT: reset register address is 0");
}

static void test_fadt_reset_reg_memory_and_pci(void **state)
{
	struct fadt_head *f = fadt_build(6, 276);

	f->reset_reg = (struct acpi_gas){ ACPI_GAS_MEMORY, 8, 0, 1, 0xfed80000 };
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(r.space, ACPI_GAS_MEMORY);
	assert_int_equal(r.address, 0xfed80000);

	f = fadt_build(6, 276);
	f->reset_reg = (struct acpi_gas){ ACPI_GAS_PCI_CONFIG, 8, 0, 1,
					  (0x1fULL << 32) | (0ULL << 16) | 0x44 };
	assert_int_equal(parse(), ACPI_OK);
	assert_int_equal(r.space, ACPI_GAS_PCI_CONFIG);

	f = fadt_build(6, 276);
	f->reset_reg = (struct acpi_gas){ ACPI_GAS_PCI_CONFIG, 8, 0, 1, (32ULL << 32) | 0x44 };
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_non_null(strstr(reason, "is not a bus-0 device/function/offset"));
}

static void test_fadt_reset_reg_other_space_and_big_port(void **state)
{
	struct fadt_head *f = fadt_build(6, 276);

	f->reset_reg.space_id = 0x7f;         /* functional fixed hardware */
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "FADT: reset register in address space 127 (not I/O, memory or PCI"
				    " configuration)");
	f = fadt_build(6, 276);
	f->reset_reg.address = 0x10000;
	assert_int_equal(parse(), ACPI_EINVAL);
	assert_string_equal(reason, "FADT: reset I/O port 0x10000 is above 0xffff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fadt_reset_reg_qemu_q35),
		cmocka_unit_test(test_fadt_reset_reg_revision_1_has_none),
		cmocka_unit_test(test_fadt_reset_reg_short_table),
		cmocka_unit_test(test_fadt_reset_reg_not_supported),
		cmocka_unit_test(test_fadt_reset_reg_address_zero),
		cmocka_unit_test(test_fadt_reset_reg_memory_and_pci),
		cmocka_unit_test(test_fadt_reset_reg_other_space_and_big_port),
	};

	return cmocka_run_group_tests_name("fadt", tests, NULL, NULL);
}
