/* test-progress.c - the learner's record: saved atomically, mode 0600,
 * read back whatever the lesson's name; a line that cannot be read is
 * skipped with a note and costs no other entry; a file an older sockstep
 * shares is never set aside by it. */
#include <sys/stat.h>

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"
#include "check.h"

static char statedir[] = "/tmp/sockstep-progress-XXXXXX";
static char path[256];

static void
write_file(const char *text)
{
	check_write_file(path, text);
}

static int
count_aside(void)
{
	char dir[256];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof dir, "%s/sockstep", statedir);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			n += strstr(de->d_name, "progress.corrupt-") != NULL;
		closedir(d);
	}
	return n;
}

static bool
file_has_line(const char *want)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		found = strcmp(line, want) == 0;
	}
	fclose(f);
	return found;
}

/* The reader of the first version, as it was: any line it cannot take
 * made it set the whole file aside. */
static bool
v1_reader_accepts(void)
{
	char line[512], name[64];
	int fin, right, wrong, n = 0;
	FILE *f = fopen(path, "r");
	bool ok = true;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (n++ == 0) {
			ok = ok && strcmp(line, "# sockstep progress v1") == 0;
			continue;
		}
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (sscanf(line, "%63s finished=%d right=%d wrong=%d", name,
		    &fin, &right, &wrong) != 4 || strchr(name, '/') != NULL)
			ok = false;
	}
	fclose(f);
	return ok && n > 0;
}

static void
test_basic(void)
{
	char note[1024], err[256];
	struct progress p;
	const struct progress_entry *e;
	struct stat sb;

	CHECK(progress_record("01-hello", 0, 1, err, sizeof err) == 0);
	CHECK(progress_record("01-hello", 1, -1, err, sizeof err) == 0);
	CHECK(progress_record("04-accept-blocks", 0, 1, err, sizeof err) == 0);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	progress_load(&p, note, sizeof note);
	CHECK(note[0] == '\0');
	e = progress_get(&p, "01-hello");
	CHECK(e != NULL && e->finished == 1 && e->right == 1 && e->wrong == 1);
	e = progress_get(&p, "04-accept-blocks");
	CHECK(e != NULL && e->finished == 0 && e->right == 1);
	CHECK(progress_get(&p, "02-x") == NULL);
	progress_finish(&p);
	/* Plain names are written as the first version wrote them. */
	CHECK(file_has_line("01-hello finished=1 right=1 wrong=1"));
	CHECK(progress_record("", 1, 0, err, sizeof err) == -1);
}

/* Any directory name, stored and read back; the others survive it. */
static void
test_names(void)
{
	static char n63[64], n64[65], line63[128];
	const char *names[] = {
		"my lesson",			/* a space */
		"lesson-with-a-name-that-is-longer-than-sixty-three-bytes-"
		    "which-the-old-reader-cut",
		n63,				/* the most the old one took */
		n64,
		"tab\there",
		"new\nline",
		"back\\slash",
		"#hash",
		"v2 #v2 lookalike",
		"/tmp/draft/",			/* a path's last part can be it */
		"第一课 你好",
		"\xff\xfe not utf-8",
		"esc \x1b[2J",
		"trailing space ",
	};
	char note[1024], err[256];
	struct progress p;
	const struct progress_entry *e;
	size_t i;

	memset(n63, 'a', 63);
	memset(n64, 'b', 64);
	snprintf(line63, sizeof line63, "%s finished=1 right=1 wrong=1", n63);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK(progress_record(names[i], 1, 1, err, sizeof err) == 0);
		CHECK(progress_record(names[i], 0, -1, err, sizeof err) == 0);
	}
	CHECK(progress_record("02-after", 0, 1, err, sizeof err) == 0);
	progress_load(&p, note, sizeof note);
	CHECK(note[0] == '\0');
	if (note[0] != '\0')
		fprintf(stderr, "note: %s\n", note);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		e = progress_get(&p, names[i]);
		CHECK(e != NULL && e->finished == 1 && e->right == 1 &&
		    e->wrong == 1);
		if (e == NULL || e->right != 1)
			fprintf(stderr, "  name %zu '%s' not read back\n", i,
			    names[i]);
	}
	e = progress_get(&p, "01-hello");
	CHECK(e != NULL && e->finished == 1 && e->right == 1 && e->wrong == 1);
	e = progress_get(&p, "02-after");
	CHECK(e != NULL && e->right == 1);
	CHECK(p.n == 3 + sizeof names / sizeof names[0]);
	progress_finish(&p);
	CHECK(count_aside() == 0);
	CHECK(v1_reader_accepts());
	CHECK(file_has_line("02-after finished=0 right=1 wrong=0"));
	CHECK(file_has_line(line63));
}

/* A bad line is skipped and named; the others are kept, the file as it
 * was is set aside once, and the file is readable afterwards. */
static void
test_bad_lines(void)
{
	char note[2048], err[256], longline[6000];
	struct progress p;
	const struct progress_entry *e;

	write_file("# sockstep progress v1\n"
	    "01-hello finished=1 right=2 wrong=0\n"
	    "03-x finished=7 right=x\n"
	    "#v2 bad\\000name finished=1 right=0 wrong=0\n"
	    "just-a-name\n"
	    "\n# a comment\n"
	    "#v2 my\\040draft finished=1 right=3 wrong=1\n"
	    "04-accept-blocks finished=0 right=1 wrong=1 later=field\n");
	progress_load(&p, note, sizeof note);
	CHECK(strstr(note, "3 lines (the first: line 3) could not be read")
	    != NULL);
	CHECK(strstr(note, "kept as") != NULL);
	e = progress_get(&p, "01-hello");
	CHECK(e != NULL && e->finished == 1 && e->right == 2);
	e = progress_get(&p, "my draft");
	CHECK(e != NULL && e->finished == 1 && e->right == 3 && e->wrong == 1);
	e = progress_get(&p, "04-accept-blocks");
	CHECK(e != NULL && e->right == 1 && e->wrong == 1);
	CHECK(p.n == 3);
	progress_finish(&p);
	CHECK(count_aside() == 1);
	/* Written back without the bad lines: read again, no note. */
	CHECK(access(path, F_OK) == 0);
	progress_load(&p, note, sizeof note);
	CHECK(note[0] == '\0' && p.n == 3);
	progress_finish(&p);
	CHECK(count_aside() == 1);

	/* No header at all (an edited file), a line too long, CRLF. */
	memset(longline, 'x', sizeof longline - 2);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	write_file("01-hello finished=1 right=0 wrong=0\r\n");
	{
		FILE *f = fopen(path, "a");

		if (f == NULL)
			exit(99);
		fputs(longline, f);
		fputs("02-y finished=0 right=1 wrong=0\n", f);
		fclose(f);
	}
	progress_load(&p, note, sizeof note);
	CHECK(strstr(note, "line 2 could not be read") != NULL);
	CHECK(p.n == 2 && progress_get(&p, "01-hello") != NULL &&
	    progress_get(&p, "02-y") != NULL);
	progress_finish(&p);

	/* A header of a later version: its lines are still read. */
	write_file("# sockstep progress v3\n01-hello finished=1 right=0 "
	    "wrong=0\n");
	progress_load(&p, note, sizeof note);
	CHECK(note[0] == '\0' && p.n == 1);
	progress_finish(&p);

	/* Recording works on top of it all. */
	CHECK(progress_record("01-hello", 1, 1, err, sizeof err) == 0);
	progress_load(&p, note, sizeof note);
	e = progress_get(&p, "01-hello");
	CHECK(note[0] == '\0' && e != NULL && e->right == 1);
	progress_finish(&p);
}

/* A FIFO where the file should be: no hang, a note, nothing lost. */
static void
test_fifo(void)
{
	char note[1024];
	struct progress p;

	unlink(path);
	if (mkfifo(path, 0600) == -1)
		exit(99);
	alarm(20);		/* a hang is a failure, never a stuck run */
	progress_load(&p, note, sizeof note);
	alarm(0);
	CHECK(strstr(note, "not a regular file") != NULL);
	CHECK(p.n == 0);
	progress_finish(&p);
	unlink(path);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(statedir) == NULL)
		return 99;
	setenv("XDG_STATE_HOME", statedir, 1);
	snprintf(path, sizeof path, "%s/sockstep/progress", statedir);
	test_basic();
	test_names();
	test_bad_lines();
	test_fifo();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", statedir);
	if (system(cmd) != 0)
		CHECK_FAIL("%s", cmd);
	return check_finish();
}
