/* test-files.c - the files sockstep reads and writes itself: a file is
 * replaced whole with the mode asked for (atomic_write); a FIFO where a
 * lesson file or a program's source should be is refused, never waited
 * on; a lesson file saved with a UTF-8 byte order mark reads. */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"
#include "check.h"

static char dir[] = "/tmp/sockstep-files-XXXXXX";

static size_t
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_atomic_write(void)
{
	char path[256], buf[64], err[512];
	struct stat sb;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/out", dir);
	/* The mode is the one asked for, whatever the umask. */
	umask(077);
	CHECK(atomic_write(path, "first\n", 6, 0644, err, sizeof err) == 0);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644);
	umask(022);
	CHECK(atomic_write(path, "second\n", 7, 0600, err, sizeof err) == 0);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	if ((fd = open(path, O_RDONLY)) == -1)
		exit(99);
	n = read(fd, buf, sizeof buf);
	close(fd);
	CHECK(n == 7 && memcmp(buf, "second\n", 7) == 0);
	/* Nothing left behind: no temporary file. */
	CHECK(count_entries() == 1);
	CHECK(atomic_write(path, "", 0, 0600, err, sizeof err) == 0);
	CHECK(stat(path, &sb) == 0 && sb.st_size == 0);

	/* A directory that is not there: an error naming the path, and
	 * the old file (none here) untouched. */
	snprintf(path, sizeof path, "%s/no/such/out", dir);
	CHECK(atomic_write(path, "x", 1, 0600, err, sizeof err) == -1);
	CHECK(strstr(err, path) != NULL);
	CHECK(count_entries() == 1);
	snprintf(path, sizeof path, "%s/out", dir);
	unlink(path);
}

static void
test_lesson_fifo(void)
{
	char path[256], err[512];
	struct lesson l;

	snprintf(path, sizeof path, "%s/lesson.ini", dir);
	if (mkfifo(path, 0600) == -1)
		exit(99);
	alarm(20);		/* a hang is a failure, never a stuck run */
	CHECK(lesson_load_file(&l, path, err, sizeof err) == -1);
	alarm(0);
	CHECK(strstr(err, "not a regular file") != NULL);
	CHECK(strncmp(err, path, strlen(path)) == 0);
	unlink(path);
}

static void
test_lesson_bom(void)
{
	static const char text[] = "\xef\xbb\xbf[lesson]\ntitle.en = Hi\n"
	    "title.zh = 你好\nserver = server {port}\n";
	char path[256], err[512];
	struct lesson l;
	FILE *f;

	CHECK(lesson_parse(&l, text, strlen(text), "t.ini", err,
	    sizeof err) == 0);
	CHECK(l.title[LANG_EN] != NULL && strcmp(l.title[LANG_EN], "Hi") == 0);
	lesson_finish(&l);
	snprintf(path, sizeof path, "%s/lesson.ini", dir);
	if ((f = fopen(path, "w")) == NULL)
		exit(99);
	fputs(text, f);
	fclose(f);
	CHECK(lesson_load_file(&l, path, err, sizeof err) == 0);
	CHECK(l.server_cmd != NULL &&
	    strcmp(l.server_cmd, "server {port}") == 0);
	lesson_finish(&l);
	unlink(path);
	/* Only at the very start: elsewhere it is text like any other. */
	CHECK(lesson_parse(&l, "[lesson]\n\xef\xbb\xbftitle.en = Hi\n", 26,
	    "t.ini", err, sizeof err) == -1);
	lesson_finish(&l);
}

static void
test_srcmap_fifo(void)
{
	char path[256];
	struct srcmap *sm = srcmap_create();
	const char *const *lines;
	size_t n = 99;

	snprintf(path, sizeof path, "%s/server.c", dir);
	if (mkfifo(path, 0600) == -1)
		exit(99);
	alarm(20);
	lines = srcmap_source_lines(sm, path, &n);
	alarm(0);
	CHECK(lines == NULL && n == 0);
	CHECK(strstr(srcmap_error(sm), "not a regular file") != NULL);
	/* Asked again (the screen does, each frame): the same answer. */
	alarm(20);
	CHECK(srcmap_source_lines(sm, path, &n) == NULL);
	alarm(0);
	srcmap_destroy(sm);
	unlink(path);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 99;
	test_atomic_write();
	test_lesson_fifo();
	test_lesson_bom();
	test_srcmap_fifo();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		CHECK_FAIL("%s", cmd);
	return check_finish();
}
