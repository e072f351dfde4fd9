/*
 * ksyms.h - the kernel's function symbol table and Linux's %pS / %pB
 * formatting of an address ("fault_inject+0x5e/0x1d0").
 *
 * The table is generated at build time from the first link of kernel.elf
 * (tools/mkksyms.py, a two-pass link as Linux's kallsyms): every function
 * in .text, sorted by address, with its size.  Freestanding: the lookup
 * takes the table, so host tests run it over synthetic tables.
 */
#ifndef LIB_KSYMS_H
#define LIB_KSYMS_H

#include "types.h"

struct ksym {
	uint32_t off;           /* start, from the table's base */
	uint32_t size;          /* bytes; 0 is never generated */
	uint32_t name;          /* offset into names */
};

struct ksyms_table {
	uint64_t base;          /* address the offsets count from (__text_start) */
	uint32_t nr;
	const struct ksym *syms;        /* nr entries, sorted by off, disjoint */
	const char *names;              /* NUL-terminated names */
};

/*
 * The function containing addr: *name, *start and *size, or false when
 * addr is in no function (outside the table, or in a gap between two).
 */
bool ksyms_lookup(const struct ksyms_table *t, uint64_t addr, const char **name,
		  uint64_t *start, uint64_t *size);

/*
 * "name+0xoff/0xsize" into buf[len] (always NUL-terminated); returns false,
 * leaving buf empty, when addr is in no function.  ret_addr: addr is a
 * return address (Linux's %pB): the function is looked up at addr - 1, so
 * a call that ends a function is not named after the next one; the offset
 * printed is still addr's.
 */
bool ksyms_format(const struct ksyms_table *t, uint64_t addr, bool ret_addr, char *buf,
		  size_t len);

#endif /* LIB_KSYMS_H */
