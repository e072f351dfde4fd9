/*
 * pe_fuzz.c - libFuzzer target: the input is the loader's own image as the
 * firmware loaded it.  pe_find_section() must never read outside it, and a
 * section it returns lies inside it; a malformed image always says why.
 */
#include "fuzz_common.h"
#include "../../efi/pe.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { ".kernel", ".cmdline", ".text", ".reloc" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t rva = 0, len = 0;
		const char *why = NULL;
		int r = pe_find_section(data, size, names[i], &rva, &len, &why);

		FUZZ_CHECK(r == 1 || r == 0 || r == -1);
		FUZZ_CHECK((r == -1) == (why != NULL));
		if (r == 1) {
			FUZZ_CHECK((uint64_t)rva + len <= size);
			if (len)
				(void)*(volatile const uint8_t *)(data + rva + len - 1);
		}
	}
	return 0;
}
