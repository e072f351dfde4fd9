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

/* The bitwise form handoff_crc32() had before it became table-driven: the
 * reference the table must match bit for bit (the handoff ABI). */
static uint32_t crc32_bitwise(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static void test_handoff_crc32_more_vectors(void **state)
{
	static const uint8_t zeros[32];

	assert_int_equal(handoff_crc32(0, "", 0), 0);
	assert_int_equal(handoff_crc32(0, "a", 1), 0xe8b7be43u);
	assert_int_equal(handoff_crc32(0, "The quick brown fox jumps over the lazy dog", 43),
			 0x414fa339u);
	assert_int_equal(handoff_crc32(0, zeros, sizeof(zeros)), 0x190a55adu);
}

static void test_handoff_crc32_matches_bitwise(void **state)
{
	enum { LEN = 4096 };
	uint8_t *buf = malloc(LEN);
	uint32_t seed = 0x12345678u;

	assert_non_null(buf);
	for (int round = 0; round < 200; round++) {
		size_t len, split;
		uint32_t start;

		for (size_t i = 0; i < LEN; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		len = (seed >> 3) % (LEN + 1);
		split = len ? (seed >> 7) % len : 0;
		start = round & 1 ? seed : 0;
		assert_int_equal(handoff_crc32(start, buf, len), crc32_bitwise(start, buf, len));
		assert_int_equal(handoff_crc32(handoff_crc32(start, buf, split), buf + split,
					       len - split),
				 crc32_bitwise(start, buf, len));
	}
	free(buf);
}

/* A sealed handoff's checksum is what the bitwise CRC gives over the same
 * bytes: a kernel built before the table still accepts it. */
static void test_handoff_checksum_abi_unchanged(void **state)
{
	struct handoff *h = new_sealed();
	struct handoff_header hdr = h->hdr;

	hdr.checksum = 0;
	assert_int_equal(h->hdr.checksum,
			 crc32_bitwise(crc32_bitwise(0, &hdr, sizeof(hdr)),
				       (const uint8_t *)h + sizeof(hdr), hdr.size - sizeof(hdr)));
	free(h);
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
		cmocka_unit_test(test_handoff_crc32_more_vectors),
		cmocka_unit_test(test_handoff_crc32_matches_bitwise),
		cmocka_unit_test(test_handoff_checksum_abi_unchanged),
		cmocka_unit_test(test_handoff_check_bad_magic),
		cmocka_unit_test(test_handoff_check_bad_version),
		cmocka_unit_test(test_handoff_check_bad_size),
		cmocka_unit_test(test_handoff_check_flipped_bit_anywhere),
		cmocka_unit_test(test_handoff_check_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
