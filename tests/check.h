/*
 * check.h - the one way the C unit tests check (tests/test-*.c).
 *
 *   CHECK(cond)                      counts a check; fails when !cond
 *   CHECK(cond, "fmt", args...)      the same, with a message on failure
 *   CHECK_AT(line, cond[, "fmt", args...])
 *                                    the same, reported at the caller's
 *                                    line (for helpers that check for it)
 *   CHECK_STR(got, want)             strings equal (two NULLs are equal)
 *   CHECK_INT(got, want)             integers equal
 *   CHECK_FAIL("fmt", args...)       a check that failed with no condition
 *                                    left to test (a step that could not
 *                                    be taken): counted, and reported as
 *                                    "file:line: FAIL: message"
 *   check_finish()                   the summary line; the exit status
 *
 * Each is an expression whose value is whether the check passed, so
 * `if (!CHECK(p != NULL)) return;` stops where going on would crash.
 * A failure prints, on stderr,
 *   file:line: FAIL: cond
 *     message
 * (no message line for a plain CHECK(cond)), and the summary is
 *   test-x: all N checks passed          exit 0
 *   test-x: F of N checks FAILED         exit 1
 * Include it once per test program: the counters are per file.
 */
#ifndef CHECK_H
#define CHECK_H

#include <errno.h>	/* program_invocation_short_name (_GNU_SOURCE) */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_count;		/* checks run */
static int check_failures;	/* checks failed */

/*
 * CHECK passes its whole argument text unexpanded (#__VA_ARGS__, so NULL
 * and errno read as written) and picks the function by the number of
 * arguments: one is a bare condition, more are a condition and a printf
 * format with its arguments (up to 13 of them).  No __VA_ARGS__ is ever
 * empty, which C11 with -Wpedantic refuses.
 */
#define CHECK_PICK_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12,	\
	    _13, _14, _15, name, ...) name
#define CHECK_HOW_(...) CHECK_PICK_(__VA_ARGS__, check_msg_at_,	\
	    check_msg_at_, check_msg_at_, check_msg_at_, check_msg_at_,	\
	    check_msg_at_, check_msg_at_, check_msg_at_, check_msg_at_,	\
	    check_msg_at_, check_msg_at_, check_msg_at_, check_msg_at_,	\
	    check_msg_at_, check_at_, -)
#define CHECK(...) CHECK_HOW_(__VA_ARGS__)(__FILE__, __LINE__,		\
	    #__VA_ARGS__, __VA_ARGS__)
#define CHECK_AT(line, ...) CHECK_HOW_(__VA_ARGS__)(__FILE__, (line),	\
	    #__VA_ARGS__, __VA_ARGS__)
#define CHECK_STR(got, want)						\
	check_str(__FILE__, __LINE__, #got, (got), (want))
#define CHECK_INT(got, want)						\
	check_int(__FILE__, __LINE__, #got, (got), (want))
#define CHECK_FAIL(...) check_fail_at_(__FILE__, __LINE__, __VA_ARGS__)

/* The condition's text: `what` up to its first comma outside parentheses
 * and literals, as the preprocessor split the arguments. */
static inline int
check_cond_len_(const char *what)
{
	const char *p;
	int depth = 0;
	char quote = 0;

	for (p = what; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == ',' && depth == 0)
			break;
	}
	return (int)(p - what);
}

/* Every failure is printed here: "file:line: FAIL: what", then the
 * message (when there is one) indented on the next line; with no what,
 * the message on the FAIL line itself. */
static inline void
check_vfail_(const char *file, int line, const char *what, const char *fmt,
    va_list *ap)
{
	check_failures++;
	fflush(stdout);		/* the test's own lines before this one */
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	if (what != NULL)
		fprintf(stderr, "%.*s\n", check_cond_len_(what), what);
	if (fmt != NULL) {
		if (what != NULL)
			fputs("  ", stderr);
		vfprintf(stderr, fmt, *ap);
		fputc('\n', stderr);
	}
}

static inline bool
check_at_(const char *file, int line, const char *what, bool ok)
{
	check_count++;
	if (!ok)
		check_vfail_(file, line, what, NULL, NULL);
	return ok;
}

static inline bool __attribute__((format(printf, 5, 6)))
check_msg_at_(const char *file, int line, const char *what, bool ok,
    const char *fmt, ...)
{
	va_list ap;

	check_count++;
	if (!ok) {
		va_start(ap, fmt);
		check_vfail_(file, line, what, fmt, &ap);
		va_end(ap);
	}
	return ok;
}

static inline bool __attribute__((format(printf, 3, 4)))
check_fail_at_(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	check_count++;
	va_start(ap, fmt);
	check_vfail_(file, line, NULL, fmt, &ap);
	va_end(ap);
	return false;
}

static inline bool
check_str(const char *file, int line, const char *what, const char *got,
    const char *want)
{
	bool ok = got == NULL ? want == NULL :
	    want != NULL && strcmp(got, want) == 0;

	return check_msg_at_(file, line, what, ok,
	    "expected: %s\n  got:      %s", want != NULL ? want : "(null)",
	    got != NULL ? got : "(null)");
}

static inline bool
check_int(const char *file, int line, const char *what, long long got,
    long long want)
{
	return check_msg_at_(file, line, what, got == want,
	    "expected: %lld\n  got:      %lld", want, got);
}

/* The summary line; the exit status for main to return. */
static inline int
check_finish(void)
{
	if (check_failures != 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %d of %d checks FAILED\n",
		    program_invocation_short_name, check_failures,
		    check_count);
		return 1;
	}
	printf("%s: all %d checks passed\n", program_invocation_short_name,
	    check_count);
	return 0;
}

/* A scratch file the test writes whole; 99 (broken harness) if not. */
static inline void
check_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		exit(99);
	fputs(text, f);
	fclose(f);
}

#endif
