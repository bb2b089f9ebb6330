/* test-lesson.c - lesson files, step specs, command splitting, JSON strings. */
#include <stdlib.h>
#include <string.h>

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

int
main(void)
{
	test_lesson();
	test_steps();
	test_argv();
	test_json();
	return check_finish();
}
