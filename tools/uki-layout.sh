#!/bin/sh
# uki-layout.sh IMAGE.efi .name=FILE ... - print the objcopy options that
# append each FILE to the PE image as section .name, read-only data, at the
# next page-aligned RVA after the image's last section (objcopy updates
# SizeOfImage).  Used by the Makefile for the unified image numaboot.efi.
set -e
img=$1; shift
# End of the last section: max(VMA + size) over `objdump -h`.
end=0
for e in $(objdump -h "$img" | awk '$1 ~ /^[0-9]+$/ { print "0x" $4 "+0x" $3 }'); do
	[ $(( $e )) -gt "$end" ] && end=$(( $e ))
done
next=$(( (end + 0xfff) & ~0xfff ))
for arg in "$@"; do
	name=${arg%%=*}
	file=${arg#*=}
	size=$(stat -c %s "$file")
	printf -- '--add-section %s=%s --change-section-vma %s=0x%x --set-section-flags %s=data,readonly ' \
		"$name" "$file" "$name" "$next" "$name"
	next=$(( (next + size + 0xfff) & ~0xfff ))
done
echo
