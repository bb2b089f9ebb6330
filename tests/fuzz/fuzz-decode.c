/*
 * fuzz-decode.c - the syscall decoders fed a hostile tracee: any call
 * of the table (or none), any registers, any memory behind them, and a
 * kernel that may rewrite part of that memory before the call returns.
 *
 * Input, little-endian:
 *	u8  row		sc_at(row % (sc_count() + 1)); the last is "no row"
 *	u8  flags	FZ_*
 *	u16 patch_off	where the kernel writes before the exit stop
 *	u8  patch_len
 *	u64 args[6]
 *	i64 ret
 *	patch_len bytes	what it writes
 *	the rest	the tracee's memory: address A is byte A of it, so
 *			address 0 is NULL and reads past the end come back
 *			short or fail, as at an unmapped page
 */
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "fuzz.h"

#define FZ_NO_EXIT	0x01	/* the call never returns (still pending) */
#define FZ_EXIT_GONE	0x02	/* its memory cannot be read at exit */
#define FZ_ENTRY_GONE	0x04	/* nor at entry */
#define FZ_PAGE_READS	0x08	/* reads stop at 64-byte "pages" */

#define FZ_HEADER	(1 + 1 + 2 + 1 + 8 * SCF_MAXARGS + 8)

struct blob {
	const unsigned char	*p;
	size_t			 len;
	bool			 paged;
};

static ssize_t
blob_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct blob *b = ctx;
	size_t room;

	if (addr >= b->len)
		return -1;
	room = b->len - (size_t)addr;
	/* A page boundary: the part before it reads, the rest is a hole. */
	if (b->paged && room > 64 - addr % 64)
		room = 64 - addr % 64;
	if (len > room)
		len = room;
	memcpy(buf, b->p + addr, len);
	return (ssize_t)len;
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The sbuf's promise: NUL-terminated, len is strlen. */
static void
check_sbuf(const struct sbuf *sb)
{
	if (strlen(sbuf_str(sb)) != sb->len)
		abort();
}

static void
format_all(struct sbuf *sb, const struct sc_call *c)
{
	sbuf_reset(sb);
	sc_format_call(sb, c);
	sbuf_add(sb, " | ");
	sc_format_args(sb, c);
	sbuf_add(sb, " | ");
	sc_format_ret(sb, c);
	if (c->addr_len > 0) {
		sbuf_add(sb, " | ");
		sc_format_addr_port(sb, &c->addr);
	}
	check_sbuf(sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_call call, copy;
	struct sc_mem entry_mem, exit_mem;
	struct blob entry_blob, exit_blob;
	struct sbuf a, b;
	const struct sc_desc *desc;
	uint64_t args[SCF_MAXARGS];
	unsigned char *after = NULL;
	size_t row, patch_off, patch_len, i;
	unsigned flags;
	int64_t ret;

	if (size < FZ_HEADER)
		return 0;
	row = data[0] % (sc_count() + 1);
	desc = sc_at(row);
	if ((row < sc_count()) != (desc != NULL))
		abort();
	flags = data[1];
	patch_off = (size_t)data[2] | (size_t)data[3] << 8;
	patch_len = data[4];
	for (i = 0; i < SCF_MAXARGS; i++)
		args[i] = get_u64(data + 5 + 8 * i);
	ret = (int64_t)get_u64(data + 5 + 8 * SCF_MAXARGS);
	data += FZ_HEADER;
	size -= FZ_HEADER;
	if (patch_len > size)
		patch_len = size;

	entry_blob.p = data + patch_len;
	entry_blob.len = size - patch_len;
	entry_blob.paged = (flags & FZ_PAGE_READS) != 0;
	entry_mem.read = blob_read;
	entry_mem.ctx = &entry_blob;

	/* The memory at exit: the same, but for what the kernel wrote. */
	exit_blob = entry_blob;
	if (entry_blob.len > 0) {
		after = xmalloc(entry_blob.len);
		memcpy(after, entry_blob.p, entry_blob.len);
		if (patch_off < entry_blob.len) {
			if (patch_len > entry_blob.len - patch_off)
				patch_len = entry_blob.len - patch_off;
			memcpy(after + patch_off, data, patch_len);
		}
		exit_blob.p = after;
	}
	exit_mem.read = blob_read;
	exit_mem.ctx = &exit_blob;

	sbuf_init(&a);
	sbuf_init(&b);
	sc_call_init(&call, desc, args);
	sc_decode_entry(&call, (flags & FZ_ENTRY_GONE) ? NULL : &entry_mem);
	format_all(&a, &call);
	if (!(flags & FZ_NO_EXIT)) {
		sc_decode_exit(&call, (flags & FZ_EXIT_GONE) ? NULL : &exit_mem,
		    ret);
		if (call.addr_len > sizeof call.addr)
			abort();
		format_all(&a, &call);
	}

	/* A copy owns its own strings and says the same. */
	sc_call_copy(&copy, &call);
	sc_call_clear(&call);
	format_all(&b, &copy);
	if (strcmp(sbuf_str(&a), sbuf_str(&b)) != 0)
		abort();
	sc_call_clear(&copy);
	sc_call_clear(&copy);	/* twice is harmless */

	/* The formatters straight on the bytes, unaligned as they come. */
	sbuf_reset(&a);
	sc_format_sockaddr(&a, entry_blob.p, entry_blob.len);
	sc_format_sockaddr(&a, entry_blob.p, patch_off % (entry_blob.len + 1));
	sc_format_buf(&a, entry_blob.p, entry_blob.len, entry_blob.len +
	    (flags >> 4));
	check_sbuf(&a);

	sbuf_finish(&a);
	sbuf_finish(&b);
	free(after);
	return 0;
}
