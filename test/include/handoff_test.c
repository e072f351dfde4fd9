/*
 * handoff_test.c - the handoff contract: handoff_seal() then handoff_check()
 * accepts, and each broken rule is refused with its own reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "handoff.h"

static struct handoff *new_sealed(void)
{
	struct handoff *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	h->nr_physmap = 1;
	h->physmap[0] = (struct physmap_entry){ 0, 0x80000000, PHYSMAP_USABLE, OWNER_NONE };
	h->numa.nr_nodes = 1;
	h->nr_pgd = 1;
	strcpy(h->cmdline, "qemu_exit");
	handoff_seal(h);
	return h;
}

static void test_handoff_check_accepts_sealed(void **state)
{
	struct handoff *h = new_sealed();

	assert_null(handoff_check(h, sizeof(*h)));
	free(h);
}

static void test_handoff_crc32_known_vector(void **state)
{
	/* The standard CRC-32 check value. */
	assert_int_equal(handoff_crc32(0, "123456789", 9), 0xcbf43926u);
	/* Incremental == one shot. */
	assert_int_equal(handoff_crc32(handoff_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

static void expect_reason(struct handoff *h, size_t avail, const char *needle)
{
	const char *why = handoff_check(h, avail);

	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("reason '%s' does not mention '%s'", why, needle);
}

static void test_handoff_check_bad_magic(void **state)
{
	struct handoff *h = new_sealed();

	h->hdr.magic ^= 1;
	expect_reason(h, sizeof(*h), "magic");
	free(h);
}

static void test_handoff_check_bad_version(void **state)
{
	struct handoff *h = new_sealed();

	h->hdr.version = HANDOFF_VERSION + 1;
	expect_reason(h, sizeof(*h), "version");
	free(h);
}

static void test_handoff_check_bad_size(void **state)
{
	struct handoff *h = new_sealed();

	expect_reason(h, sizeof(*h) - 1, "size");
	h->hdr.size -= 8;
	expect_reason(h, sizeof(*h), "size");
	free(h);
}

static void test_handoff_check_flipped_bit_anywhere(void **state)
{
	struct handoff *h = new_sealed();
	uint8_t *p = (uint8_t *)h;

	/* A single flipped bit in the body, at a few places, fails the CRC. */
	for (size_t off = sizeof(h->hdr); off < sizeof(*h); off += sizeof(*h) / 7) {
		p[off] ^= 0x10;
		expect_reason(h, sizeof(*h), "checksum");
		p[off] ^= 0x10;
	}
	assert_null(handoff_check(h, sizeof(*h)));
	free(h);
}

static void test_handoff_check_counts(void **state)
{
	struct handoff *h = new_sealed();

	h->nr_physmap = HANDOFF_PHYSMAP_MAX + 1;
	handoff_seal(h);
	expect_reason(h, sizeof(*h), "nr_physmap");
	h->nr_physmap = 1;
	h->numa.nr_nodes = 0;
	handoff_seal(h);
	expect_reason(h, sizeof(*h), "nr_nodes");
	h->numa.nr_nodes = 2;
	handoff_seal(h);
	expect_reason(h, sizeof(*h), "nr_pgd");
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handoff_check_accepts_sealed),
		cmocka_unit_test(test_handoff_crc32_known_vector),
		cmocka_unit_test(test_handoff_check_bad_magic),
		cmocka_unit_test(test_handoff_check_bad_version),
		cmocka_unit_test(test_handoff_check_bad_size),
		cmocka_unit_test(test_handoff_check_flipped_bit_anywhere),
		cmocka_unit_test(test_handoff_check_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
