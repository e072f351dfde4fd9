# NUMA-aware boot path for x86-64.
#
# Boot flow, and so the layout:  efi/ (UEFI loader) --include/handoff.h--> kernel/ --> mm/, acpi/
#
#   make            loader, kernel, the FAT image build/esp.img, the GPT disk image build/disk.img
#                   and the unified image build/numaboot.efi
#   make run        boot it in QEMU+OVMF (NODES=2 CPUS=4 MEM=2G ACCEL=tcg by default)
#   make sign       KEY=… CERT=…: build/numaboot.signed.efi, the unified image signed for Secure Boot
#   make run-secboot  the unified image, snakeoil-signed, under OVMF with Secure Boot on
#   make test       host unit tests, fuzz smoke runs, QEMU boot cases; ends with "N passed, N failed"
#   make debug      QEMU halted with a gdb stub, prints the gdb command
#   make screenshot the framebuffer console after a boot -> doc/screenshot.png
#   make fuzz       each fuzzer for FUZZ_SECONDS (default 300)
#   make bench      mm benchmark on the host (numbers, not a test)
#
# mm/, acpi/ and lib/ are freestanding: the same sources are compiled three
# ways, into the loader (gnu-efi, PIC), into the kernel (mcmodel=kernel) and
# for the host (cmocka tests, libFuzzer, tools).

BUILD    ?= build
NODES    ?= 2
CPUS     ?= 4
MEM      ?= 2G
ACCEL    ?= tcg
CMDLINE  ?=
QEMU_EXTRA ?=
FUZZ_SECONDS ?= 300
# Per-fuzzer budget inside `make test`.
FUZZ_SMOKE_SECONDS ?= 8

CC       := gcc
LD       := ld
OBJCOPY  := objcopy
CLANG    := clang
PYTHON   := python3

# Warnings are errors in every build (loader, kernel, host, fuzzers), so a
# warning cannot land; `make WERROR=` builds anyway with a newer compiler
# that warns about something new.
WERROR   ?= -Werror
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes $(WERROR)
INCLUDES := -Iinclude -I.

# ---------------------------------------------------------------- sources
# Freestanding cores, shared by loader, kernel and host.
ACPI_SRCS   := $(wildcard acpi/*.c)
MM_SRCS     := $(wildcard mm/*.c)
LIB_SRCS    := $(wildcard lib/*.c)
# The loader links only the freestanding pieces it calls; lib/string.c is
# left out because gnu-efi's libefi already provides memcpy/memset.
LOADER_SRCS := $(wildcard efi/*.c) $(ACPI_SRCS) mm/physmap.c mm/pgtable.c mm/pgtable_check.c lib/printf.c lib/cmdline.c
LOADER_ASM  := $(wildcard efi/*.S)
# efi/params.c, efi/console_opt.c: the loader's option tables, so the kernel
# knows those words.
KERNEL_SRCS := $(wildcard kernel/*.c) $(MM_SRCS) $(ACPI_SRCS) $(LIB_SRCS) efi/params.c efi/console_opt.c
KERNEL_ASM  := $(wildcard kernel/*.S)
# Host builds: everything freestanding except lib/string.c (libc has it).
HOST_CORE_SRCS := $(ACPI_SRCS) $(MM_SRCS) $(filter-out lib/string.c,$(LIB_SRCS)) efi/params.c efi/console_opt.c

# ---------------------------------------------------------------- loader (gnu-efi)
EFI_INC     := /usr/include/efi
EFI_LIB     := /usr/lib
# gnu-efi's call wrapper wants gcc to keep outgoing-argument space; clang
# has no such option (and reserves it anyway).
EFI_GCC_ONLY := $(if $(findstring clang,$(CC)),,-maccumulate-outgoing-args)
EFI_CFLAGS  := -std=gnu11 -O2 -g $(WARN) $(INCLUDES) -I$(EFI_INC) -I$(EFI_INC)/x86_64 \
               -ffreestanding -fpic -fshort-wchar -fno-stack-protector -fno-strict-aliasing \
               -mno-red-zone $(EFI_GCC_ONLY) -DEFI_FUNCTION_WRAPPER -DLOADER
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LIB)/elf_x86_64_efi.lds \
               -L$(EFI_LIB) $(EFI_LIB)/crt0-efi-x86_64.o

LOADER_OBJS := $(patsubst %.c,$(BUILD)/efi-obj/%.o,$(LOADER_SRCS)) \
               $(patsubst %.S,$(BUILD)/efi-obj/%.o,$(LOADER_ASM))

$(BUILD)/efi-obj/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi-obj/%.o: %.S | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/loader.so: $(LOADER_OBJS)
	$(LD) $(EFI_LDFLAGS) $^ -o $@ -lefi -lgnuefi

# --strip-all: no COFF symbol table after the last section, where an
# Authenticode signature would not cover it (sbsign warns "gaps between
# PE/COFF sections"); gdb reads symbols from loader.so.
$(BUILD)/esp/EFI/BOOT/BOOTX64.EFI: $(BUILD)/loader.so tools/pe_nxcompat.py
	@mkdir -p $(dir $@)
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
	           -j .rel.* -j .rela.* -j .reloc --strip-all --target=efi-app-x86_64 $< $@
	$(PYTHON) tools/pe_nxcompat.py $< $@

# ---------------------------------------------------------------- kernel
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(INCLUDES) -DKERNEL \
                 -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie -fno-stack-protector \
                 -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
                 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T kernel/kernel.ld

KERNEL_OBJS := $(patsubst %.S,$(BUILD)/kernel-obj/%.o,$(KERNEL_ASM)) \
               $(patsubst %.c,$(BUILD)/kernel-obj/%.o,$(KERNEL_SRCS)) $(BUILD)/kernel-obj/gen/font.o

# The console font: a PSF that Debian ships (console-data), converted to C.
CONSOLE_FONT ?= /usr/share/consolefonts/default8x16.psf.gz
$(BUILD)/gen/font.c: tools/psf.py | deps-build
	@mkdir -p $(dir $@)
	$(PYTHON) tools/psf.py c $(CONSOLE_FONT) $@
$(BUILD)/kernel-obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel-obj/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel-obj/%.o: %.S | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLER__ -MMD -MP -c $< -o $@

# Two links, as Linux's kallsyms: the first with an empty symbol table
# gives every function's address; tools/mkksyms.py turns them into
# build/gen/ksyms.c (lib/ksyms.h), linked last into .rodata, after .text, so
# no function moves (checked: the build fails if one does).
$(BUILD)/gen/ksyms0.c: tools/mkksyms.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/mkksyms.py --empty $@

$(BUILD)/kernel.pass1.elf: $(KERNEL_OBJS) $(BUILD)/kernel-obj/gen/ksyms0.o kernel/kernel.ld
	$(LD) $(KERNEL_LDFLAGS) $(KERNEL_OBJS) $(BUILD)/kernel-obj/gen/ksyms0.o -o $@

$(BUILD)/gen/ksyms.c: $(BUILD)/kernel.pass1.elf tools/mkksyms.py
	$(PYTHON) tools/mkksyms.py $< $@

$(BUILD)/esp/EFI/BOOT/kernel.elf: $(KERNEL_OBJS) $(BUILD)/kernel-obj/gen/ksyms.o $(BUILD)/kernel.pass1.elf
	@mkdir -p $(dir $@)
	$(LD) $(KERNEL_LDFLAGS) $(KERNEL_OBJS) $(BUILD)/kernel-obj/gen/ksyms.o -o $@.tmp
	$(PYTHON) tools/mkksyms.py --check $(BUILD)/kernel.pass1.elf $@.tmp
	mv $@.tmp $@

# ---------------------------------------------------------------- ESP image
ESP_FILES := $(BUILD)/esp/EFI/BOOT/BOOTX64.EFI $(BUILD)/esp/EFI/BOOT/kernel.elf \
             $(BUILD)/esp/EFI/BOOT/cmdline.txt

$(BUILD)/esp/EFI/BOOT/cmdline.txt: esp/cmdline.txt
	@mkdir -p $(dir $@)
	cp $< $@

# A 64 MiB FAT image built with mtools: no loop device, no root.
$(BUILD)/esp.img: $(ESP_FILES)
	rm -f $@.tmp
	truncate -s 64M $@.tmp
	mformat -i $@.tmp -v ESP ::
	mmd -i $@.tmp ::/EFI ::/EFI/BOOT
	mcopy -i $@.tmp $(ESP_FILES) ::/EFI/BOOT/
	mv $@.tmp $@

# ---------------------------------------------------------------- unified image, signing, USB disk
# numaboot.efi: BOOTX64.EFI + `.cmdline` (UKI_CMDLINE, cmdline.txt syntax) +
# `.kernel` (kernel.elf), as a Linux unified kernel image carries its
# kernel and command line, so that one signature covers all three
# (efi/image.c; README "Secure Boot").  The sections go after the last one
# at page-aligned RVAs (tools/uki-layout.sh prints the objcopy options).
UKI_CMDLINE ?= esp/cmdline.txt
UKI         ?= $(BUILD)/numaboot.efi

# UKI_CMDLINE may name another, older file: a stamp holding the name makes
# a change of name rebuild the image too.
UKI_STAMP := $(BUILD)/.uki-cmdline
$(shell mkdir -p $(BUILD) && { echo '$(UKI_CMDLINE)' | cmp -s - $(UKI_STAMP) || \
        echo '$(UKI_CMDLINE)' > $(UKI_STAMP); })
$(UKI): $(BUILD)/esp/EFI/BOOT/BOOTX64.EFI $(BUILD)/esp/EFI/BOOT/kernel.elf $(UKI_CMDLINE) \
        $(UKI_STAMP) tools/uki-layout.sh
	$(OBJCOPY) $$(sh tools/uki-layout.sh $< .cmdline=$(UKI_CMDLINE) \
	             .kernel=$(BUILD)/esp/EFI/BOOT/kernel.elf) $< $@

# make sign KEY=db.key CERT=db.crt: the unified image signed for Secure Boot
# (SIGNED), checked with sbverify against the same certificate.
SIGNED ?= $(BUILD)/numaboot.signed.efi
sign: deps-sign $(UKI)
	@test -n "$(KEY)" -a -n "$(CERT)" || { echo "make sign needs KEY=<private key> CERT=<certificate (PEM)>" >&2; exit 2; }
	sbsign --key $(KEY) --cert $(CERT) --output $(SIGNED) $(UKI)
	sbverify --cert $(CERT) $(SIGNED)

# The Secure Boot cases (test/qemu/cases.py) run `make sign` with Debian's
# OVMF snakeoil key, which OVMF_VARS_4M.snakeoil.fd trusts; its PEM file is
# encrypted with the passphrase "snakeoil".
SNAKEOIL_DIR := /usr/share/ovmf
$(BUILD)/test-keys/snakeoil.key: | deps-sign
	@mkdir -p $(dir $@)
	openssl pkey -in $(SNAKEOIL_DIR)/PkKek-1-snakeoil.key -passin pass:snakeoil -out $@

# disk.img: a GPT disk with one EFI system partition (type EF00, FAT32)
# holding the same files as esp.img; some firmware will not boot a
# partitionless FAT stick.  `dd` it to a USB stick as it is.
DISK_MIB := 72
$(BUILD)/disk.img: $(ESP_FILES) | deps-build
	rm -f $@.tmp
	truncate -s $(DISK_MIB)M $@.tmp
	sgdisk --clear --new=1:2048:0 --typecode=1:ef00 --change-name=1:ESP $@.tmp >/dev/null
	mformat -i $@.tmp@@1M -F -T $$(( ($(DISK_MIB) - 1) * 2048 - 34 )) -v ESP ::
	mmd -i $@.tmp@@1M ::/EFI ::/EFI/BOOT
	mcopy -i $@.tmp@@1M $(ESP_FILES) ::/EFI/BOOT/
	mv $@.tmp $@

.DEFAULT_GOAL := all
all: $(BUILD)/esp.img $(BUILD)/disk.img $(BUILD)/numaboot.efi tools acpi-tables

# ---------------------------------------------------------------- host: tools, unit tests, fuzzers, bench
HOST_CFLAGS  := -std=gnu11 -O1 -g $(WARN) $(INCLUDES) -DHOST -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=undefined
HOST_LDFLAGS := -fsanitize=address,undefined
HOST_CORE_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(HOST_CORE_SRCS))

$(BUILD)/host-obj/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/libcore.a: $(HOST_CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Host tools: tools/<name>.c -> build/host/<name>
TOOL_SRCS := $(wildcard tools/*.c)
TOOLS     := $(patsubst tools/%.c,$(BUILD)/host/%,$(TOOL_SRCS))
$(BUILD)/host/%: tools/%.c $(BUILD)/host/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -MF $@.d $< $(BUILD)/host/libcore.a $(HOST_LDFLAGS) -o $@
tools: $(TOOLS)

# Unit tests mirror the source tree: test/mm/buddy_test.c tests mm/buddy.c.
# test/support/*.c are the host stand-ins (printk, panic -> test failure).
# -pthread: tests of locks and per-CPU code run threads as CPUs.
UNIT_SRCS    := $(wildcard test/*/*_test.c)
UNIT_TESTS   := $(patsubst test/%.c,$(BUILD)/host/test/%,$(UNIT_SRCS))
SUPPORT_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(wildcard test/support/*.c))
$(BUILD)/host/test/%: test/%.c $(SUPPORT_OBJS) $(BUILD)/host/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -pthread -MMD -MP -MF $@.d -Itest/support $< $(SUPPORT_OBJS) $(BUILD)/host/libcore.a \
	      $(HOST_LDFLAGS) -pthread -lcmocka -o $@

# ---- ACPI test tables (acpi/): test/acpi/tables/<name>.dsl is compiled by
# iasl into $(BUILD)/host/acpi-tables/<name>.aml; the test/acpi/ unit tests
# and test/tools/numatopo_test.sh read them (BUILD_DIR from the runner).
ACPI_DSL := $(wildcard test/acpi/tables/*.dsl)
ACPI_AML := $(patsubst test/acpi/tables/%.dsl,$(BUILD)/host/acpi-tables/%.aml,$(ACPI_DSL))
$(BUILD)/host/acpi-tables/%.aml: test/acpi/tables/%.dsl | deps-build
	@mkdir -p $(dir $@)
	@iasl -p $(basename $@) $< > $(basename $@).log 2>&1 || { cat $(basename $@).log; exit 1; }
acpi-tables: $(ACPI_AML)
$(filter $(BUILD)/host/test/acpi/%,$(UNIT_TESTS)): $(ACPI_AML)
# ---- end ACPI test tables

# libFuzzer targets: test/fuzz/<name>_fuzz.c, built with clang against the
# same core sources; corpora in test/fuzz/corpus/<name>/.
FUZZ_SRCS    := $(wildcard test/fuzz/*_fuzz.c)
FUZZERS      := $(patsubst test/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS  := -g -O1 $(WARN) $(INCLUDES) -DHOST -Itest/support \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
$(BUILD)/fuzz/%: test/fuzz/%.c $(HOST_CORE_SRCS) $(wildcard test/support/*.c) | deps-fuzz
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -MF $@.d $< $(HOST_CORE_SRCS) $(wildcard test/support/*.c) -o $@

# ---------------------------------------------------------------- dependencies (Debian packages)
# `make run` and `make test` install what they need on a fresh Debian 12.
deps-build:
	@sh tools/install-deps.sh build
deps-fuzz:
	@sh tools/install-deps.sh fuzz
deps-run:
	@sh tools/install-deps.sh run
deps-bench:
	@sh tools/install-deps.sh bench
deps-sign:
	@sh tools/install-deps.sh sign

# ---------------------------------------------------------------- run, debug, test
QEMU_ARGS = --nodes $(NODES) --cpus $(CPUS) --mem $(MEM) --accel $(ACCEL)

run: deps-run all
	$(PYTHON) test/qemu/qemu.py run $(QEMU_ARGS) --image $(BUILD)/esp.img \
	    --cmdline "$(CMDLINE)" $(if $(QEMU_EXTRA),--extra "$(QEMU_EXTRA)")

# Secure Boot in QEMU: the unified image signed with the snakeoil key that
# OVMF_VARS_4M.snakeoil.fd enrolls, booted by OVMF's secboot build
# (UKI_CMDLINE is its command line; cmdline.txt is ignored under Secure Boot).
run-secboot: deps-run all $(BUILD)/test-keys/snakeoil.key
	$(MAKE) --no-print-directory sign KEY=$(BUILD)/test-keys/snakeoil.key \
	        CERT=$(SNAKEOIL_DIR)/PkKek-1-snakeoil.pem SIGNED=$(BUILD)/numaboot.snakeoil.efi
	$(PYTHON) test/qemu/qemu.py run $(QEMU_ARGS) --image $(BUILD)/esp.img --firmware secboot \
	    --boot-file $(BUILD)/numaboot.snakeoil.efi $(if $(QEMU_EXTRA),--extra "$(QEMU_EXTRA)")

debug: deps-run all
	$(PYTHON) test/qemu/qemu.py debug $(QEMU_ARGS) --image $(BUILD)/esp.img \
	    --cmdline "$(CMDLINE)" --kernel $(BUILD)/esp/EFI/BOOT/kernel.elf

# The kernel's screen at the end of a boot (framebuffer console), for the README.
screenshot: deps-run all
	$(PYTHON) test/qemu/screen.py shot $(BUILD)/esp.img doc/screenshot.png "$(CMDLINE)"

# The loader, kernel and host cores once more with clang, warnings as
# errors, so neither compiler's warnings can land (objects in $(BUILD)/clang).
clang-build: deps-fuzz
	$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang $(BUILD)/clang/esp/EFI/BOOT/BOOTX64.EFI \
	    $(BUILD)/clang/esp/EFI/BOOT/kernel.elf $(BUILD)/clang/host/libcore.a

test: deps-run deps-fuzz all clang-build $(UNIT_TESTS) $(FUZZERS) $(BUILD)/test-keys/snakeoil.key
	$(PYTHON) test/run_tests.py --build $(BUILD) --fuzz-seconds $(FUZZ_SMOKE_SECONDS)

# Debian's own Linux under the same QEMU arguments as a case: the lines that
# differ from ours (test/qemu/linux_compare.py).  Optional, slow under TCG.
CASE ?= boot-default
linux-compare: deps-run all
	@sh tools/install-deps.sh linux
	$(PYTHON) test/qemu/linux_compare.py --build $(BUILD) $(CASE)

fuzz: deps-fuzz $(FUZZERS)
	$(PYTHON) test/run_tests.py --build $(BUILD) --only fuzz --fuzz-seconds $(FUZZ_SECONDS)

BENCH_SRCS := $(wildcard test/bench/*.c)
# One peer binary per allocator (test/bench/peer/): each replaces malloc for
# its whole process, so they cannot share one; mm_bench runs them in turn.
BENCH_PEERS := glibc: jemalloc:-ljemalloc mimalloc:-lmimalloc tcmalloc:-ltcmalloc_minimal
bench: deps-bench
	@mkdir -p $(BUILD)/bench
	$(CC) -std=gnu11 -O2 -g $(INCLUDES) -DHOST -DBENCH -Itest/support $(BENCH_SRCS) \
	      $(MM_SRCS) $(filter-out lib/string.c,$(LIB_SRCS)) $(wildcard test/support/*.c) -o $(BUILD)/bench/mm_bench
	$(foreach p,$(BENCH_PEERS),$(CC) -std=gnu11 -O2 -g test/bench/peer/peer_bench.c \
	      $(word 2,$(subst :, ,$(p))) -ldl -o $(BUILD)/bench/peer_$(word 1,$(subst :, ,$(p))) &&) true
	$(BUILD)/bench/mm_bench

clean:
	rm -rf $(BUILD)

.PHONY: all tools run run-secboot debug screenshot test fuzz bench clean sign deps-build deps-fuzz deps-run deps-sign clang-build deps-bench linux-compare
# Keep the test support objects: they are shared by every unit-test link.
.SECONDARY: $(SUPPORT_OBJS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
