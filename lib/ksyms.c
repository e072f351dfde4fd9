/*
 * ksyms.c - address -> function name lookup (contract in ksyms.h).
 */
#include "lib/ksyms.h"
#include "lib/printf.h"

bool ksyms_lookup(const struct ksyms_table *t, uint64_t addr, const char **name,
		  uint64_t *start, uint64_t *size)
{
	uint32_t lo = 0, hi;
	uint64_t off;

	if (!t || !t->nr || addr < t->base)
		return false;
	off = addr - t->base;
	hi = t->nr;
	/* Last entry with syms[i].off <= off. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (t->syms[lo].off > off || off - t->syms[lo].off >= t->syms[lo].size)
		return false;
	*name = t->names + t->syms[lo].name;
	*start = t->base + t->syms[lo].off;
	*size = t->syms[lo].size;
	return true;
}

bool ksyms_format(const struct ksyms_table *t, uint64_t addr, bool ret_addr, char *buf,
		  size_t len)
{
	const char *name;
	uint64_t start, size;

	if (len)
		buf[0] = '\0';
	if (ret_addr && addr == 0)
		return false;
	if (!ksyms_lookup(t, ret_addr ? addr - 1 : addr, &name, &start, &size))
		return false;
	ksnprintf(buf, len, "%s+0x%llx/0x%llx", name, (unsigned long long)(addr - start),
		  (unsigned long long)size);
	return true;
}
