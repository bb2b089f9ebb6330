/*
 * base.h - the base layer: what every file may use (allocation, strings,
 * UTF-8, atomic files, gettext).  Below everything; includes nothing of
 * the project's.  The layers, each with its header, arrows down only:
 *   base.h < model.h < lesson.h < drive.h < output.h, views.h < tui.h
 * (tests/test_layers.py checks who includes what).
 */
#ifndef BASE_H
#define BASE_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>

#define SOCKSTEP_DEFAULT_PORT	9190
#define SOCKSTEP_MAX_CLIENTS	9

#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))

/* main.c: the interface's own words go through gettext (po/, zh_CN);
 * lesson text, call names and transcript/JSON keys do not. */
#include <libintl.h>
#define _(s)	gettext(s)
#define N_(s)	(s)

/* xmalloc.c: allocation that never returns NULL (tmux xmalloc.c) */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);
/* Frees a NULL-terminated array of strings and the array; NULL is fine. */
void	 strv_free(char **);

/* sbuf.c: a growable NUL-terminated string */
struct sbuf {
	char	*s;	/* always NUL-terminated once anything was added */
	size_t	 len;
	size_t	 cap;
};
void	 sbuf_init(struct sbuf *);
void	 sbuf_finish(struct sbuf *);
void	 sbuf_reset(struct sbuf *);
void	 sbuf_add(struct sbuf *, const char *);
void	 sbuf_addn(struct sbuf *, const char *, size_t);
void	 sbuf_addc(struct sbuf *, char);
void	 sbuf_addf(struct sbuf *, const char *, ...) PRINTFLIKE(2, 3);
void	 sbuf_vaddf(struct sbuf *, const char *, va_list);
/* Appends s as a JSON string literal, quotes included; invalid UTF-8
 * bytes become \u00XX so the output is always valid JSON. */
void	 sbuf_add_json(struct sbuf *, const char *);
/* The UTF-8 sequence at s (n bytes left): its length and code point;
 * 0 for invalid UTF-8. */
size_t	 utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
const char *sbuf_str(const struct sbuf *);	/* "" when empty */

/* atomic.c: a file replaced whole or not at all (a temporary file in the
 * same directory, written, fsynced, given mode, renamed over path) */
int	 atomic_write(const char *path, const void *, size_t, mode_t,
	    char *err, size_t);

#endif
