/* test-lesson.c - lesson files, step specs, command splitting, JSON strings. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"
#include "check.h"

static int
parse(const char *text, struct lesson *l, char *err, size_t len)
{
	return lesson_parse(l, text, strlen(text), "t.ini", err, len);
}

static void
test_lesson(void)
{
	struct lesson l;
	char err[256];

	CHECK(parse("# c\n[lesson]\ntitle.en = Hi\ntitle.zh = 你好\n"
	    "server = server {port}\nclients = 3\nsteps = s c\n", &l, err,
	    sizeof err) == 0);
	CHECK_STR(l.title[LANG_EN], "Hi");
	CHECK_STR(l.title[LANG_ZH], "你好");
	CHECK_STR(l.server_cmd, "server {port}");
	CHECK(l.clients == 3);
	CHECK_STR(l.steps, "s c");
	lesson_finish(&l);

	CHECK(parse("[lesson]\ntitle.en = a\nbogus = 1\n", &l, err,
	    sizeof err) == -1);
	CHECK_STR(err, "t.ini:3: unknown key 'bogus' in [lesson]");
	CHECK(parse("[lesson]\ntitle.en = a\nno equals\n", &l, err,
	    sizeof err) == -1);
	CHECK_STR(err, "t.ini:3: expected 'key = value'");
	CHECK(parse("title.en = a\n", &l, err, sizeof err) == -1);
	CHECK_STR(err, "t.ini:1: key before any [section]");
	CHECK(parse("[lesson]\ntitle.en = a\nserver = s\nclients = 99\n", &l,
	    err, sizeof err) == -1);
	CHECK(strstr(err, "t.ini:4: clients = 99") == err);
	CHECK(parse("[lesson]\nserver = s\n", &l, err, sizeof err) == -1);
	CHECK_STR(err, "t.ini: no title.en or title.zh");
	CHECK(parse("[lesson\n", &l, err, sizeof err) == -1);
	CHECK(parse("[lesson]\ntitle.en = a\ntitle.en = b\nserver=s\n", &l,
	    err, sizeof err) == -1);
	CHECK_STR(err, "t.ini:3: title.en given twice");
	CHECK(lesson_parse(&l, "[lesson]\0x", 10, "t.ini", err,
	    sizeof err) == -1);
}

/* The file as libinih reads it (issue 17 §1): a line that begins with a
 * blank continues the value above; ';' is text; errors keep their
 * file:line, a header's at the header. */
static void
test_lesson_ini(void)
{
	struct lesson l;
	char err[256], *big;

	CHECK(parse("[lesson]\ntitle.en = a long\n  title ; with a semicolon\n"
	    "\n\ttoo\ntitle.zh = 第一行\n  第二行\nserver = s {port}\n"
	    "[checks]\nend = client output\n    \"x\"\n", &l, err,
	    sizeof err) == 0, "%s", err);
	CHECK_STR(l.title[LANG_EN], "a long title ; with a semicolon too");
	CHECK_STR(l.title[LANG_ZH], "第一行第二行");
	CHECK(l.nchecks == 1 && l.checks[0].line == 10);
	if (l.nchecks == 1)
		CHECK_STR(l.checks[0].expr, "client output \"x\"");
	lesson_finish(&l);
	/* an error in a continued value is at its key's line */
	CHECK(parse("[lesson]\ntitle.en = a\nclients = 1\n  2\n", &l, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "t.ini:3: clients = 1 2") == err, "%s", err);
	CHECK(parse("[lesson]\ntitle.en = a\n\n[lessons]\nx = 1\n", &l, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "t.ini:4: unknown section [lessons]") == err, "%s",
	    err);
	CHECK(parse("[lesson]\ntitle.en = a\n[checks] x\n", &l, err,
	    sizeof err) == -1);
	CHECK_STR(err, "t.ini:3: bad section header (expected [name])");
	CHECK(parse("[lesson]\ntitle.en = a\n[]\n", &l, err, sizeof err) == -1);
	CHECK_STR(err, "t.ini:3: bad section header (expected [name])");
	/* an indented line right under a header is a key, as inih reads it */
	CHECK(parse("[lesson]\n  title.en = a\n  server = s\n", &l, err,
	    sizeof err) == -1);
	CHECK_STR(err, "t.ini: needs a server or a client command");
	CHECK(parse("[lesson]\n  title.en = a\nserver = s\n", &l, err,
	    sizeof err) == 0, "%s", err);
	lesson_finish(&l);
	CHECK(parse("[lesson]\ntitle.en = a\nserver = s\n[input]\n"
	    "client = x\n# c\n; c\n  nothing but text\n[checks]\n"
	    "no equals here\n", &l, err, sizeof err) == -1);
	CHECK_STR(err, "t.ini:10: expected 'key = value'");
	big = malloc(5000);
	if (big != NULL) {
		memcpy(big, "[lesson]\ntitle.en = ", 20);
		memset(big + 20, 'x', 4500);
		big[4520] = '\0';
		CHECK(parse(big, &l, err, sizeof err) == -1);
		CHECK_STR(err, "t.ini:2: line too long");
		free(big);
	}
}

/* The one rule every view shows narration by, which check-lesson counts
 * by (issue 18 §5): before words at the call, after words only on its
 * return without an error; the most specific side wins; the line of the
 * first key of each kind is kept for check-lesson's warnings. */
static void
test_narration_shown(void)
{
	struct lesson l;
	struct side client2;
	struct sc_call call;
	struct lab_event ev;
	const struct lesson_narration *n;
	char err[256];
	bool after;

	CHECK(parse("[lesson]\ntitle.en = a\nserver = s\n[narration]\n"
	    "connect.before.en = any\nclient2.connect.after.zh = c2z\n"
	    "client2.connect.after.en = c2\nconnect.after.en = anyafter\n",
	    &l, err, sizeof err) == 0);
	CHECK(l.nnarr == 2);
	if (l.nnarr != 2)
		return;
	CHECK(l.narr[0].before_line == 5 && l.narr[0].after_line == 8);
	CHECK(l.narr[1].before_line == 0 && l.narr[1].after_line == 6);
	memset(&client2, 0, sizeof client2);
	strlcpy(client2.name, "client2", sizeof client2.name);
	memset(&call, 0, sizeof call);
	call.desc = sc_lookup_name("connect");
	memset(&ev, 0, sizeof ev);
	ev.side = &client2;
	ev.call = &call;
	ev.type = LEV_CALL;
	n = lesson_narration_shown(&l, &ev, LANG_EN, &after);
	CHECK(n == &l.narr[0] && !after);
	ev.type = LEV_RETURN;
	n = lesson_narration_shown(&l, &ev, LANG_EN, &after);
	CHECK(n == &l.narr[1] && after);
	call.err = 111;		/* ECONNREFUSED: it did not connect */
	CHECK(lesson_narration_shown(&l, &ev, LANG_EN, &after) == NULL);
	call.err = 0;
	ev.type = LEV_BLOCKED;
	CHECK(lesson_narration_shown(&l, &ev, LANG_EN, &after) == NULL);
	lesson_finish(&l);
}

static void
test_steps(void)
{
	struct step *st;
	size_t n;
	char err[256];

	CHECK(steps_parse("s, s+ c c2+\tc9", 9, &st, &n, err, sizeof err) == 0);
	CHECK(n == 5);
	if (n == 5) {
		CHECK(st[0].side == 0 && st[0].op == STEP_ONE);
		CHECK(st[1].side == 0 && st[1].op == STEP_RUN);
		CHECK(st[2].side == 1 && st[2].op == STEP_ONE);
		CHECK(st[3].side == 2 && st[3].op == STEP_RUN);
		CHECK(st[4].side == 9);
	}
	free(st);
	CHECK(steps_parse("s q", 1, &st, &n, err, sizeof err) == -1);
	CHECK(strstr(err, "'q'") != NULL);
	CHECK(steps_parse("c2", 1, &st, &n, err, sizeof err) == -1);
	CHECK(strstr(err, "'c2'") != NULL);
	CHECK(steps_parse("c0", 9, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("  ", 1, &st, &n, err, sizeof err) == -1);
}

/* s.2, c2.3+, s.2@read (issue 15 §1): one task of a side. */
static void
test_task_steps(void)
{
	struct step *st, one;
	size_t n;
	char err[256];

	CHECK(steps_parse("s s.2 c2.3+ s.12@read c.1 s+", 2, &st, &n, err,
	    sizeof err) == 0);
	CHECK(n == 6);
	if (n == 6) {
		CHECK(st[0].side == 0 && st[0].task == 0);
		CHECK(st[1].side == 0 && st[1].task == 2 &&
		    st[1].op == STEP_ONE);
		CHECK_STR(st[1].token, "s.2");
		CHECK(st[2].side == 2 && st[2].task == 3 &&
		    st[2].op == STEP_RUN);
		CHECK(st[3].side == 0 && st[3].task == 12);
		CHECK_STR(st[3].call, "read");
		CHECK(st[4].side == 1 && st[4].task == 1);
		CHECK(st[5].task == 0 && st[5].op == STEP_RUN);
	}
	free(st);
	CHECK(steps_parse("s.0", 1, &st, &n, err, sizeof err) == -1);
	CHECK(strstr(err, ".N for one task") != NULL);
	CHECK(steps_parse("s.", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("s.x", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("s+.2", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("s.2.3", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("s.2!", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("c3.2", 2, &st, &n, err, sizeof err) == -1);
	/* A key's step, with the task the screen chose. */
	step_make(&one, 2, STEP_RUN);
	step_set_task(&one, 4);
	CHECK(one.task == 4);
	CHECK_STR(one.token, "c2.4+");
	step_make(&one, 0, STEP_ONE);
	step_set_task(&one, 0);
	CHECK(one.task == 0);
	CHECK_STR(one.token, "s");
}

/* s!, s!NAME (issue 18 §6): a side started again, and [programs]. */
static void
test_restart(void)
{
	struct check_expr *c;
	struct lesson l;
	struct step *st;
	size_t n;
	char err[256];

	CHECK(steps_parse("s! s!book c! c2!fixed_2", 2, &st, &n, err,
	    sizeof err) == 0);
	CHECK(n == 4);
	if (n == 4) {
		CHECK(st[0].side == 0 && st[0].op == STEP_RESTART &&
		    st[0].prog[0] == '\0');
		CHECK(st[1].side == 0 && st[1].op == STEP_RESTART);
		CHECK_STR(st[1].prog, "book");
		CHECK_STR(st[1].token, "s!book");
		CHECK(st[2].side == 1 && st[2].prog[0] == '\0');
		CHECK(st[3].side == 2);
		CHECK_STR(st[3].prog, "fixed_2");
	}
	free(st);
	CHECK(steps_parse("s+!", 1, &st, &n, err, sizeof err) == -1);
	CHECK(strstr(err, "! to start it again") != NULL);
	CHECK(steps_parse("s@bind!", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("!x", 1, &st, &n, err, sizeof err) == -1);
	CHECK(steps_parse("s!a.b", 1, &st, &n, err, sizeof err) == -1);
	CHECK(strstr(err, "[programs]") != NULL);
	CHECK(steps_parse("s!abcdefghijklmnop", 1, &st, &n, err,
	    sizeof err) == -1);
	CHECK(steps_parse("c3!", 2, &st, &n, err, sizeof err) == -1);

	CHECK(parse("[lesson]\ntitle.en = a\nserver = s {port}\n"
	    "[programs]\nbook = server {port}\n", &l, err, sizeof err) == 0);
	CHECK(l.nprogs == 1 && lesson_program(&l, "book") != NULL &&
	    lesson_program(&l, "other") == NULL);
	if (l.nprogs == 1) {
		CHECK_STR(l.progs[0].cmd, "server {port}");
		CHECK(l.progs[0].line == 5);
	}
	lesson_finish(&l);
	CHECK(parse("[lesson]\ntitle.en = a\nserver = s\n[programs]\n"
	    "a.b = x\n", &l, err, sizeof err) == -1);
	CHECK(strstr(err, "t.ini:5: program name 'a.b'") == err);
	CHECK(parse("[lesson]\ntitle.en = a\nserver = s\n[programs]\n"
	    "x = a\nx = b\n", &l, err, sizeof err) == -1);
	CHECK_STR(err, "t.ini:6: program 'x' given twice");

	/* orphans STATE: a count form like sockets, from the table. */
	CHECK((c = check_create("orphans TIME-WAIT = 1", err,
	    sizeof err)) != NULL);
	check_destroy(c);
	CHECK(check_create("orphans TIME-WAIT", err, sizeof err) == NULL);
	CHECK(check_create("orphans WAITING = 1", err, sizeof err) == NULL);
	CHECK(strstr(err, "'WAITING' is not a TCP state") != NULL);
	CHECK((c = check_create("sockets LISTEN >= 1", err,
	    sizeof err)) != NULL);
	check_destroy(c);
	CHECK((c = check_create("queue = 0", err, sizeof err)) != NULL);
	check_destroy(c);
	CHECK(check_create("queue LISTEN = 0", err, sizeof err) == NULL);

	/* Issue 16 §3: the SYN queue, the lab's drop counters, and a
	 * side's unacknowledged bytes and retransmissions. */
	CHECK((c = check_create("syn-queue = 1", err, sizeof err)) != NULL);
	check_destroy(c);
	CHECK((c = check_create("listen-overflows >= 1", err,
	    sizeof err)) != NULL);
	check_destroy(c);
	CHECK((c = check_create("listen-drops > 0", err, sizeof err)) != NULL);
	check_destroy(c);
	CHECK((c = check_create("client unacked = 0", err, sizeof err)) != NULL);
	check_destroy(c);
	CHECK((c = check_create("client4 retransmits >= 1", err,
	    sizeof err)) != NULL);
	check_destroy(c);
	CHECK(check_create("syn-queue SYN-RECV = 1", err, sizeof err) == NULL);
	CHECK(check_create("client retransmits = port2", err, sizeof err) ==
	    NULL);
	CHECK(check_create("client unacked", err, sizeof err) == NULL);
	CHECK(check_create("server retransmits >= x", err, sizeof err) == NULL);
	CHECK(check_create("listen-overflow >= 1", err, sizeof err) == NULL);
	CHECK(strstr(err, "listen-overflows") != NULL);

	/* Issue 16 §4: segments by their flags, tcpdump's letters. */
	CHECK((c = check_create("segments S. = 1", err, sizeof err)) != NULL);
	check_destroy(c);
	CHECK((c = check_create("segments . >= 1", err, sizeof err)) != NULL);
	check_destroy(c);
	CHECK(check_create("segments SYN = 1", err, sizeof err) == NULL);
	CHECK(check_create("segments S.", err, sizeof err) == NULL);
	CHECK(check_create("segments S. = x", err, sizeof err) == NULL);
}

static void
test_argv(void)
{
	char err[256], **av;
	const uint16_t ports[2] = { 9190, 9191 };

	av = lesson_argv("client {ip} {port} 'a b' \"x{port}\" c\\ d "
	    "{port2}", NULL, ports, "127.0.0.1", err, sizeof err);
	CHECK(av != NULL);
	if (av != NULL) {
		CHECK_STR(av[0], "client");
		CHECK_STR(av[1], "127.0.0.1");
		CHECK_STR(av[2], "9190");
		CHECK_STR(av[3], "a b");
		CHECK_STR(av[4], "x9190");
		CHECK_STR(av[5], "c d");
		CHECK_STR(av[6], "9191");
		CHECK(av[7] == NULL);
	}
	strv_free(av);
	/* {ip} as {port}: inside single quotes too, doubled for its text */
	av = lesson_argv("sh -c './client {ip} {port}' {{ip}}", NULL, ports,
	    "10.1.0.1", err, sizeof err);
	CHECK(av != NULL);
	if (av != NULL) {
		CHECK_STR(av[2], "./client 10.1.0.1 9190");
		CHECK_STR(av[3], "{ip}");
	}
	strv_free(av);
	CHECK(lesson_argv("a 'b", NULL, ports, "127.0.0.1", err, sizeof err) == NULL);
	CHECK(lesson_argv("   ", NULL, ports, "127.0.0.1", err, sizeof err) == NULL);
}

static void
test_json(void)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_add_json(&b, "a\"b\\c\n\x01中\xff");
	CHECK_STR(sbuf_str(&b), "\"a\\\"b\\\\c\\n\\u0001中\\u00ff\"");
	sbuf_finish(&b);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!CHECK(f != NULL, "%s", path))
		return;
	fputs(text, f);
	fclose(f);
}

/* What a built program prints (its first line). */
static void
program_output(const char *exe, char *out, size_t len)
{
	char *cmd;
	FILE *p;

	out[0] = '\0';
	xasprintf(&cmd, "'%s'", exe);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fgets(out, (int)len, p) == NULL)
			out[0] = '\0';
		pclose(p);
	}
	free(cmd);
}

/*
 * lesson_cc_build (issue 17 §1): built into $XDG_CACHE_HOME, the same
 * program again while the source is the same, a new one once it
 * changed, the compiler's own words for an error, and a one-line error
 * for a compiler that is not there.
 */
static void
test_cc_build(void)
{
	char tmpl[] = "/tmp/sockstep-cc-XXXXXX", src[256], cache[300];
	char exe[4096], exe2[4096], out[256], *diag;
	struct stat a, b;
	const char *oldcc = getenv("CC");
	char *savecc = oldcc != NULL ? strdup(oldcc) : NULL;
	int rc;

	if (!CHECK(mkdtemp(tmpl) != NULL))
		return;
	snprintf(src, sizeof src, "%s/hello.c", tmpl);
	snprintf(cache, sizeof cache, "%s/cache", tmpl);
	setenv("XDG_CACHE_HOME", cache, 1);
	unsetenv("CC");
	write_text(src, "#include <stdio.h>\nint main(void) { "
	    "puts(\"one\"); return 0; }\n");
	rc = lesson_cc_build(src, exe, sizeof exe, &diag);
	CHECK(rc == 0, "rc %d: %s", rc, diag != NULL ? diag : "");
	free(diag);
	CHECK(strncmp(exe, cache, strlen(cache)) == 0, "%s", exe);
	program_output(exe, out, sizeof out);
	CHECK_STR(out, "one\n");
	CHECK(stat(exe, &a) == 0);
	/* the same bytes: the same file, not built again */
	CHECK(lesson_cc_build(src, exe2, sizeof exe2, &diag) == 0);
	free(diag);
	CHECK_STR(exe2, exe);
	CHECK(stat(exe2, &b) == 0 && a.st_ino == b.st_ino);
	/* changed: built again (a new file renamed over the old) */
	write_text(src, "#include <stdio.h>\nint main(void) { "
	    "puts(\"two\"); return 0; }\n");
	CHECK(lesson_cc_build(src, exe2, sizeof exe2, &diag) == 0);
	free(diag);
	CHECK(stat(exe2, &b) == 0 && a.st_ino != b.st_ino);
	program_output(exe2, out, sizeof out);
	CHECK_STR(out, "two\n");
	/* a header beside it changed: built again */
	snprintf(out, sizeof out, "%s/greeting.h", tmpl);
	write_text(out, "#define GREETING \"three\"\n");
	write_text(src, "#include <stdio.h>\n#include \"greeting.h\"\n"
	    "int main(void) { puts(GREETING); return 0; }\n");
	CHECK(lesson_cc_build(src, exe2, sizeof exe2, &diag) == 0);
	free(diag);
	CHECK(stat(exe2, &a) == 0);
	snprintf(out, sizeof out, "%s/greeting.h", tmpl);
	write_text(out, "#define GREETING \"four\"\n");
	CHECK(lesson_cc_build(src, exe2, sizeof exe2, &diag) == 0);
	free(diag);
	CHECK(stat(exe2, &b) == 0 && a.st_ino != b.st_ino);
	program_output(exe2, out, sizeof out);
	CHECK_STR(out, "four\n");
	/* a syntax error: -1 and the compiler's message naming the line */
	write_text(src, "int main(void) { return 0 }\n");
	rc = lesson_cc_build(src, exe2, sizeof exe2, &diag);
	CHECK(rc == -1, "rc %d", rc);
	CHECK(diag != NULL && strstr(diag, "hello.c:1:") != NULL, "%s",
	    diag != NULL ? diag : "(null)");
	free(diag);
	/* no such compiler: -2, one line */
	setenv("CC", "/nonexistent/cc -std=c99", 1);
	write_text(src, "int main(void) { return 0; }\n");
	rc = lesson_cc_build(src, exe2, sizeof exe2, &diag);
	CHECK(rc == -2, "rc %d", rc);
	CHECK(diag != NULL && strstr(diag, "/nonexistent/cc") != NULL &&
	    strchr(diag, '\n') == NULL, "%s", diag != NULL ? diag : "(null)");
	free(diag);
	/* CC of several words */
	setenv("CC", "cc -Wall", 1);
	CHECK(lesson_cc_build(src, exe2, sizeof exe2, &diag) == 0);
	free(diag);
	if (savecc != NULL)
		setenv("CC", savecc, 1);
	else
		unsetenv("CC");
	free(savecc);
	/* a cache that cannot be made (under a file: root too): -2 */
	snprintf(cache, sizeof cache, "%s/cache", src);
	setenv("XDG_CACHE_HOME", cache, 1);
	rc = lesson_cc_build(src, exe2, sizeof exe2, &diag);
	CHECK(rc == -2 && diag != NULL && strstr(diag, "cache") != NULL &&
	    strchr(diag, '\n') == NULL, "rc %d: %s", rc,
	    diag != NULL ? diag : "(null)");
	free(diag);
	/* a source that is not there: -2 */
	snprintf(src, sizeof src, "%s/none.c", tmpl);
	CHECK(lesson_cc_build(src, exe2, sizeof exe2, &diag) == -2);
	free(diag);
	xasprintf(&diag, "rm -rf '%s'", tmpl);
	CHECK(system(diag) == 0);
	free(diag);
}

int
main(void)
{
	test_lesson();
	test_lesson_ini();
	test_narration_shown();
	test_steps();
	test_task_steps();
	test_restart();
	test_argv();
	test_json();
	test_cc_build();
	return check_finish();
}
