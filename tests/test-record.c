/* test-record.c - record files: any number of steps written on lines of
 * bounded length and read back, the older one-line form still read; a
 * copy cut short is an error; no control character gets through; a
 * lesson named by a path is marked as one from outside. */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"
#include "check.h"

#define NSTEPS	3000	/* the one-line form broke at about 2,048 */

static char dir[] = "/tmp/sockstep-rec-XXXXXX";
static char path[256];

static void
write_file(const char *text)
{
	check_write_file(path, text);
}

static char *
read_file(void)
{
	FILE *f = fopen(path, "r");
	char *s = xcalloc(1, 1 << 20);

	if (f == NULL)
		exit(99);
	if (fread(s, 1, (1 << 20) - 1, f) == 0)
		s[0] = '\0';
	fclose(f);
	return s;
}

/* 0 when loading fails with an error containing want. */
static int
load_fails(const char *text, const char *want)
{
	struct record r;
	char err[1024];

	write_file(text);
	if (record_load(&r, path, err, sizeof err) == 0) {
		record_finish(&r);
		fprintf(stderr, "  loaded, want '%s'\n", want);
		return -1;
	}
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "  error '%s', want '%s'\n", err, want);
		return -1;
	}
	for (const char *p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;	/* the error prints no control byte */
	return 0;
}

static void
test_long(void)
{
	struct record r, back;
	struct sbuf old;
	char err[1024], *text, *line, *save;
	size_t i, longest = 0, nlines = 0;
	struct stat sb;

	record_init(&r);
	r.lesson = xstrdup("01-hello");
	r.port = 9190;
	r.clients = 2;
	r.lang = LANG_ZH;
	for (i = 0; i < NSTEPS; i++)
		sbuf_add(&r.steps, i == 0 ? "s" : i % 3 == 0 ? " c2+" : " s");
	umask(077);
	CHECK(record_save(&r, path, err, sizeof err) == 0);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644);
	text = read_file();
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		nlines++;
		if (strlen(line) > longest)
			longest = strlen(line);
	}
	free(text);
	CHECK(longest <= 80);
	CHECK(nlines > NSTEPS / 40);
	text = read_file();
	CHECK(strstr(text, "\nend 3000\n") != NULL);
	CHECK(strstr(text, "\nformat 2\n") != NULL);
	free(text);

	CHECK(record_load(&back, path, err, sizeof err) == 0);
	CHECK(strcmp(sbuf_str(&back.steps), sbuf_str(&r.steps)) == 0);
	CHECK(back.port == 9190 && back.clients == 2 && back.lang == LANG_ZH);
	CHECK(strcmp(back.lesson, "01-hello") == 0 && !back.lesson_external);
	record_finish(&back);

	/* The older form: every step on one line, no format, no end. */
	sbuf_init(&old);
	sbuf_addf(&old, "# sockstep record\nlesson 01-hello\nsteps %s\n",
	    sbuf_str(&r.steps));
	CHECK(old.len > 4096);	/* the old reader's limit */
	write_file(sbuf_str(&old));
	sbuf_finish(&old);
	CHECK(record_load(&back, path, err, sizeof err) == 0);
	CHECK(strcmp(sbuf_str(&back.steps), sbuf_str(&r.steps)) == 0);
	record_finish(&back);
	record_finish(&r);
}

static void
test_cut(void)
{
	struct record r;
	char err[1024], *text, *cut, *whole;
	size_t i;

	record_init(&r);
	r.lesson = xstrdup("04-accept-blocks");
	for (i = 0; i < 200; i++)
		sbuf_add(&r.steps, i == 0 ? "s" : " s");
	CHECK(record_save(&r, path, err, sizeof err) == 0);
	record_finish(&r);
	whole = read_file();
	CHECK(record_load(&r, path, err, sizeof err) == 0);
	record_finish(&r);

	/* Cut between two lines of steps. */
	text = xstrdup(whole);
	cut = strstr(text, "\nsteps ");
	cut = cut != NULL ? strstr(cut + 1, "\nsteps ") : NULL;
	CHECK(cut != NULL);
	if (cut != NULL)
		cut[1] = '\0';
	CHECK(load_fails(text, "record is cut short (no 'end' line after "
	    "its") == 0);
	free(text);

	/* Cut inside the end line: "end 200" becomes "end 2". */
	text = xstrdup(whole);
	cut = strstr(text, "\nend 200\n");
	CHECK(cut != NULL);
	if (cut != NULL)
		cut[6] = '\0';
	CHECK(load_fails(text, "record is cut short (its 'end' line says 2 "
	    "steps, it has 200") == 0);
	free(text);
	free(whole);

	/* A step added by hand, the end line left as it was. */
	CHECK(load_fails("format 2\nlesson 01\nsteps s s\nsteps c\nend 2\n",
	    "record is cut short (its 'end' line says 2 steps, it has 3; "
	    "after editing the steps, make it 'end 3')") == 0);
	CHECK(load_fails("format 2\nlesson 01\nsteps s s\n",
	    "record is cut short") == 0);
	/* Older or hand-written (no format): an end line is checked... */
	CHECK(load_fails("lesson 01\nsteps s, s\nend 3\n",
	    "record is cut short") == 0);
	/* ... and none is needed. */
	write_file("lesson 01\nsteps s, s c\n");
	CHECK(record_load(&r, path, err, sizeof err) == 0);
	record_finish(&r);
	write_file("lesson 01\r\nsteps s s c\r\nend 3\r\n");
	CHECK(record_load(&r, path, err, sizeof err) == 0);
	record_finish(&r);
	CHECK(load_fails("lesson 01\nsteps s\nend 1\nsteps c\n",
	    ":4: 'steps' after the 'end' line (line 3)") == 0);
	CHECK(load_fails("format 3\nlesson 01\n", ":1: format '3'") == 0);
	CHECK(load_fails("lesson 01\nsteps s\nend x\n", ":3: end 'x'") == 0);
}

static void
test_control(void)
{
	struct record r;
	char err[1024];

	CHECK(load_fails("lesson 01\nsteps s \x1b]0;owned\x07 c\nend 3\n",
	    ":2: control character 0x1b") == 0);
	CHECK(load_fails("lesson /tmp/\x1b[2J\nsteps s\n",
	    ":1: control character 0x1b") == 0);
	CHECK(load_fails("lesson 01\nsteps s \xc2\x9b" "2J\n",
	    ":2: control character U+009B") == 0);
	CHECK(load_fails("lesson 01\nsteps s \x9b" "2J\n",
	    ":2: invalid UTF-8 (byte 0x9b)") == 0);
	CHECK(load_fails("lesson 01\nsteps s\rc\n",
	    ":2: control character 0x0d") == 0);
	/* In a comment too: the line is refused before it is read. */
	CHECK(load_fails("# \x1b[2J\nlesson 01\nsteps s\n",
	    ":1: control character 0x1b") == 0);
	/* UTF-8 text is fine (a teacher's comment in Chinese). */
	write_file("# 第一课\nlesson 01\nsteps s\n");
	CHECK(record_load(&r, path, err, sizeof err) == 0);
	record_finish(&r);

	/* And such a lesson path is never written. */
	record_init(&r);
	r.lesson = xstrdup("/tmp/x\x1b[2J");
	sbuf_add(&r.steps, "s");
	unlink(path);
	CHECK(record_save(&r, path, err, sizeof err) == -1);
	CHECK(strstr(err, "cannot be recorded (control character 0x1b)") !=
	    NULL);
	CHECK(access(path, F_OK) == -1);
	free(r.lesson);
	r.lesson = xstrdup("/tmp/lesson#2");
	CHECK(record_save(&r, path, err, sizeof err) == -1);
	record_finish(&r);
}

static void
test_external(void)
{
	struct record r;
	struct options o;
	char err[1024];

	write_file("lesson 01-hello\nsteps s\n");
	CHECK(record_load(&r, path, err, sizeof err) == 0);
	CHECK(!r.lesson_external);
	record_finish(&r);
	write_file("format 2\nlesson /home/someone/else\nsteps s\nend 1\n");
	CHECK(record_load(&r, path, err, sizeof err) == 0);
	CHECK(r.lesson_external);
	memset(&o, 0, sizeof o);
	CHECK(strcmp(record_apply(&r, &o), "/home/someone/else") == 0);
	CHECK(o.steps != NULL && strcmp(o.steps, "s") == 0);
	record_finish(&r);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof path, "%s/walk.rec", dir);
	test_long();
	test_cut();
	test_control();
	test_external();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		CHECK_FAIL("%s", cmd);
	return check_finish();
}
