/* sbuf.c - a growable string for decoders, transcripts and the screen. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

void
sbuf_init(struct sbuf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void
sbuf_finish(struct sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

static void
sbuf_grow(struct sbuf *b, size_t more)
{
	size_t want = b->len + more + 1;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_addn(b, &c, 1);
}

void
sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0)
		return;
	sbuf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

const char *
sbuf_str(const struct sbuf *b)
{
	return b->s != NULL ? b->s : "";
}

/*
 * The UTF-8 sequence at s (at most n bytes): its length and, in *cpp,
 * its code point; 0 if it is not valid UTF-8 (a stray or missing
 * continuation byte, an overlong form, a surrogate, past U+10FFFF).
 */
size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cpp)
{
	size_t len, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cpp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpp = cp;
	return len;
}

static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	uint32_t cp;

	return utf8_decode(s, n, &cp);
}

void
sbuf_add_json(struct sbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, l;

	sbuf_addc(b, '"');
	while (i < n) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			sbuf_add(b, "\\\"");
			i++;
			continue;
		case '\\':
			sbuf_add(b, "\\\\");
			i++;
			continue;
		case '\n':
			sbuf_add(b, "\\n");
			i++;
			continue;
		case '\r':
			sbuf_add(b, "\\r");
			i++;
			continue;
		case '\t':
			sbuf_add(b, "\\t");
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			sbuf_addf(b, "\\u%04x", c);
			i++;
			continue;
		}
		l = utf8_seq_len(s + i, n - i);
		if (l == 0) {
			/* Invalid byte: keep it visible, keep the JSON valid. */
			sbuf_addf(b, "\\u%04x", c);
			i++;
			continue;
		}
		sbuf_addn(b, (const char *)s + i, l);
		i += l;
	}
	sbuf_addc(b, '"');
}
