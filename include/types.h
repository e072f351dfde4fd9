/*
 * types.h - fixed-width types and address arithmetic shared by the loader,
 * the kernel, mm/, acpi/ and the host tests.
 *
 * Physical and virtual addresses have distinct names so a reader can tell
 * which one a function takes.  Ranges are half-open [start, end) in code and
 * printed inclusive (end - 1), as Linux prints them.
 */
#ifndef TYPES_H
#define TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t phys_addr_t;   /* a physical address */
typedef uint64_t virt_addr_t;   /* a virtual address as an integer */
typedef uint64_t pfn_t;         /* a physical frame number (phys >> PAGE_SHIFT) */

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1ULL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))

#define SZ_1M           (1ULL << 20)
#define SZ_2M           (1ULL << 21)
#define SZ_1G           (1ULL << 30)

/* Rounding direction is in the name: UP rounds toward +inf, DOWN toward 0. */
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define PFN_UP(pa)       (((pa) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(pa)     ((pa) >> PAGE_SHIFT)
#define PFN_PHYS(pfn)    ((phys_addr_t)(pfn) << PAGE_SHIFT)

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define __packed         __attribute__((packed))
#define __noreturn       __attribute__((noreturn))
#define __printf(a, b)   __attribute__((format(printf, a, b)))
/* For hand-written copy/fill loops: GCC ("loop distribution") and clang
 * ("loop idiom recognition") would turn them back into memcpy/memset calls,
 * which inside memcpy itself recurse forever. */
#ifdef __clang__
#define __no_libcall     __attribute__((no_builtin))
#else
#define __no_libcall     __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
/* Keep a function's own symbol (no ".constprop"/".isra" copies) for traces;
 * clang makes no such clones and has no attribute for it. */
#ifdef __clang__
#define __noclone
#else
#define __noclone        __attribute__((noclone))
#endif

/* printf-like sink that freestanding modules report through (no I/O of their own). */
typedef void (*printf_fn)(const char *fmt, ...) __printf(1, 2);

#endif /* TYPES_H */
