#!/usr/bin/env python3
"""pe_nxcompat.py - mark BOOTX64.EFI NX-compatible only when it is.

    python3 tools/pe_nxcompat.py build/loader.so build/esp/EFI/BOOT/BOOTX64.EFI
    python3 tools/pe_nxcompat.py --check build/esp/EFI/BOOT/BOOTX64.EFI

IMAGE_DLLCHARACTERISTICS_NX_COMPAT (0x0100) tells firmware it may map the
image's data and every allocation non-executable.  It is set when:
  - SectionAlignment is a multiple of 4 KiB and every section starts on it,
    so each page has one section's permissions;
  - no section is both writable and executable;
  - no PE base relocation and no ELF dynamic relocation (gnu-efi's
    _relocate applies .rela at run time) writes into an executable section;
and the loader runs no code from its data: its one piece of runtime code,
the trampoline page, is EfiLoaderCode made executable through
EFI_MEMORY_ATTRIBUTE_PROTOCOL (efi/exit.c).  Otherwise the bit is cleared
and the reason printed; exit status 0 either way (1 on a malformed file).
--check only prints the verdict and exits 0 if the bit is set, 2 if not.
"""
import struct
import sys

NX_COMPAT = 0x0100
SCN_EXECUTE, SCN_WRITE = 0x20000000, 0x80000000


def pe_sections(data):
    if data[:2] != b"MZ":
        raise ValueError("not a PE image (no MZ)")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise ValueError("not a PE image (no PE signature)")
    nsec, optsize = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    opt = pe + 24
    if struct.unpack_from("<H", data, opt)[0] != 0x20B:
        raise ValueError("not PE32+")
    align = struct.unpack_from("<I", data, opt + 32)[0]
    dllchar_off = opt + 70
    ndirs = struct.unpack_from("<I", data, opt + 108)[0]
    reloc_rva, reloc_size = (struct.unpack_from("<II", data, opt + 112 + 5 * 8) if ndirs > 5 else (0, 0))
    secs = []
    for i in range(nsec):
        o = opt + optsize + 40 * i
        name = data[o:o + 8].rstrip(b"\0").decode("ascii", "replace")
        vsize, va, rawsize, rawptr = struct.unpack_from("<IIII", data, o + 8)
        chars = struct.unpack_from("<I", data, o + 36)[0]
        secs.append(dict(name=name, va=va, end=va + max(vsize, rawsize), raw=rawptr, rawsize=rawsize,
                         chars=chars))
    return align, dllchar_off, (reloc_rva, reloc_size), secs


def rva_to_off(secs, rva):
    for s in secs:
        if s["va"] <= rva < s["va"] + s["rawsize"]:
            return s["raw"] + rva - s["va"]
    return None


def section_at(secs, rva):
    for s in secs:
        if s["va"] <= rva < s["end"]:
            return s
    return None


def elf_rela_offsets(path):
    """r_offset of every entry in the ELF's SHT_RELA sections (ELF64 LE)."""
    with open(path, "rb") as f:
        e = f.read()
    if e[:4] != b"\x7fELF" or e[4] != 2 or e[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF")
    shoff, = struct.unpack_from("<Q", e, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", e, 0x3A)
    out = []
    for i in range(shnum):
        sh = shoff + i * shentsize
        sh_type, = struct.unpack_from("<I", e, sh + 4)
        off, size, entsize = struct.unpack_from("<QQ", e, sh + 24) + struct.unpack_from("<Q", e, sh + 56)
        if sh_type == 4 and entsize:                 # SHT_RELA
            out += [struct.unpack_from("<Q", e, off + j)[0] for j in range(0, size, entsize)]
    return out


def verdict(data, elf=None):
    """None if NX-compatible, else why not."""
    align, _, (rrva, rsize), secs = pe_sections(data)
    if align == 0 or align % 4096:
        return f"SectionAlignment 0x{align:x} is not a multiple of 4 KiB"
    for s in secs:
        if s["va"] % align:
            return f"section {s['name']} at RVA 0x{s['va']:x} does not start on a section boundary"
        if s["chars"] & SCN_WRITE and s["chars"] & SCN_EXECUTE:
            return f"section {s['name']} is writable and executable"
    off = rva_to_off(secs, rrva) if rsize else None
    end = off + rsize if off is not None else 0
    while off is not None and off + 8 <= end:
        page, blk = struct.unpack_from("<II", data, off)
        if blk < 8:
            break
        for k in range(8, blk, 2):
            ent, = struct.unpack_from("<H", data, off + k)
            if ent >> 12 == 0:                        # IMAGE_REL_BASED_ABSOLUTE: padding
                continue
            s = section_at(secs, page + (ent & 0xFFF))
            if s and s["chars"] & SCN_EXECUTE:
                return f"a base relocation writes into executable section {s['name']}"
        off += blk
    for r in elf_rela_offsets(elf) if elf else []:
        s = section_at(secs, r)
        if s and s["chars"] & SCN_EXECUTE:
            return f"a .rela entry (0x{r:x}) writes into executable section {s['name']}"
    return None


def main(argv):
    check = argv[1:2] == ["--check"]
    args = argv[2:] if check else argv[1:]
    if len(args) != (1 if check else 2):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 1
    pe_path = args[-1]
    with open(pe_path, "rb") as f:
        data = bytearray(f.read())
    try:
        why = verdict(bytes(data), None if check else args[0])
        _, dllchar_off, _, _ = pe_sections(bytes(data))
    except (ValueError, struct.error) as e:
        print(f"pe_nxcompat: {pe_path}: {e}", file=sys.stderr)
        return 1
    cur, = struct.unpack_from("<H", data, dllchar_off)
    if check:
        print(f"{pe_path}: DllCharacteristics 0x{cur:04x}, NX_COMPAT {'set' if cur & NX_COMPAT else 'clear'}"
              + (f"; not NX-compatible: {why}" if why else ""))
        return 0 if cur & NX_COMPAT and not why else 2
    new = (cur | NX_COMPAT) if why is None else (cur & ~NX_COMPAT)
    struct.pack_into("<H", data, dllchar_off, new)
    with open(pe_path, "wb") as f:
        f.write(data)
    if why:
        print(f"pe_nxcompat: {pe_path} is NOT marked NX-compatible: {why}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
