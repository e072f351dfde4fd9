/*
 * console.c - the loader's output: ConOut while boot services run (OVMF and
 * most firmware mirror it to the serial port), the UARTs serial.c found
 * written directly after ExitBootServices, when there is no firmware
 * console any more (MMIO ones through the firmware's identity map, which
 * stays until the jump).
 */
#include "efi/loader.h"
#include "lib/printf.h"
#include "uart16550.h"

static const struct handoff *exited;
static char log_buf[64 * 1024];
static size_t log_len;

const char *console_log(size_t *len)
{
	*len = log_len;
	return log_buf;
}

/* Polled, bounded: a missing UART must not hang the loader. */
static void uarts_putc(char c)
{
	for (uint32_t i = 0; i < exited->nr_uarts && i < HANDOFF_UART_MAX; i++) {
		const struct handoff_uart *u = &exited->uart[i];

		for (int spin = 0; spin < 100000 && !(uart_in(u, u->base, UART_LSR) & UART_LSR_THRE);
		     spin++)
			;
		uart_out(u, u->base, UART_THR, (uint8_t)c);
	}
}

static void conout_write(const char *s)
{
	CHAR16 w[130];
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '\n')
			w[n++] = L'\r';
		w[n++] = (CHAR16)(uint8_t)*s;
		if (n >= ARRAY_SIZE(w) - 3) {
			w[n] = 0;
			uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, w);
			n = 0;
		}
	}
	if (n) {
		w[n] = 0;
		uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, w);
	}
}

void loader_printf(const char *fmt, ...)
{
	static char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!exited) {
		for (const char *s = buf; *s && log_len < sizeof(log_buf); s++)
			log_buf[log_len++] = *s;
		conout_write(buf);
		return;
	}
	for (const char *s = buf; *s; s++) {
		if (*s == '\n')
			uarts_putc('\r');
		uarts_putc(*s);
	}
}

void console_exit_boot_services(const struct handoff *h)
{
	exited = h;
}

const char *efi_status_str(EFI_STATUS st)
{
	static const struct { EFI_STATUS st; const char *s; } names[] = {
		{ EFI_SUCCESS, "Success" },
		{ EFI_LOAD_ERROR, "Load Error" },
		{ EFI_INVALID_PARAMETER, "Invalid Parameter" },
		{ EFI_UNSUPPORTED, "Unsupported" },
		{ EFI_BAD_BUFFER_SIZE, "Bad Buffer Size" },
		{ EFI_BUFFER_TOO_SMALL, "Buffer Too Small" },
		{ EFI_NOT_READY, "Not Ready" },
		{ EFI_DEVICE_ERROR, "Device Error" },
		{ EFI_WRITE_PROTECTED, "Write Protected" },
		{ EFI_OUT_OF_RESOURCES, "Out of Resources" },
		{ EFI_VOLUME_CORRUPTED, "Volume Corrupted" },
		{ EFI_VOLUME_FULL, "Volume Full" },
		{ EFI_NO_MEDIA, "No Media" },
		{ EFI_MEDIA_CHANGED, "Media Changed" },
		{ EFI_NOT_FOUND, "Not Found" },
		{ EFI_ACCESS_DENIED, "Access Denied" },
		{ EFI_NO_MAPPING, "No Mapping" },
		{ EFI_TIMEOUT, "Timeout" },
		{ EFI_ABORTED, "Aborted" },
		{ EFI_END_OF_FILE, "End of File" },
		{ EFI_INCOMPATIBLE_VERSION, "Incompatible Version" },
		{ EFI_SECURITY_VIOLATION, "Security Violation" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].st == st)
			return names[i].s;
	return "Unknown Error";
}
