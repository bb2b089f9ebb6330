/* test-progress.c - the learner's record: saved atomically, mode 0600,
 * read back; a corrupt file is set aside with a note, never a crash. */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"

static int failures;

#define CHECK(c) do { if (!(c)) { failures++; \
	fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #c); } } while (0)

int
main(void)
{
	char dir[] = "/tmp/sockstep-progress-XXXXXX", path[256], note[1024];
	char err[256];
	struct progress p;
	const struct progress_entry *e;
	struct stat sb;
	FILE *f;
	DIR *d;
	struct dirent *de;
	int aside = 0;

	if (mkdtemp(dir) == NULL)
		return 99;
	setenv("XDG_STATE_HOME", dir, 1);
	CHECK(progress_record("01-hello", 0, 1, err, sizeof err) == 0);
	CHECK(progress_record("01-hello", 1, -1, err, sizeof err) == 0);
	CHECK(progress_record("04-accept-blocks", 0, 1, err, sizeof err) == 0);
	snprintf(path, sizeof path, "%s/sockstep/progress", dir);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	progress_load(&p, note, sizeof note);
	CHECK(note[0] == '\0');
	e = progress_get(&p, "01-hello");
	CHECK(e != NULL && e->finished == 1 && e->right == 1 && e->wrong == 1);
	e = progress_get(&p, "04-accept-blocks");
	CHECK(e != NULL && e->finished == 0 && e->right == 1);
	CHECK(progress_get(&p, "02-x") == NULL);
	progress_finish(&p);

	/* Corrupt: set aside, reported, empty. */
	f = fopen(path, "w");
	fputs("# sockstep progress v1\n01-hello finished=7 right=x\n", f);
	fclose(f);
	progress_load(&p, note, sizeof note);
	CHECK(strstr(note, "could not be read") != NULL);
	CHECK(p.n == 0);
	progress_finish(&p);
	CHECK(access(path, F_OK) == -1);
	snprintf(path, sizeof path, "%s/sockstep", dir);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			aside += strstr(de->d_name, "progress.corrupt-") != NULL;
		closedir(d);
	}
	CHECK(aside == 1);
	/* And recording works again afterwards. */
	CHECK(progress_record("01-hello", 1, 0, err, sizeof err) == 0);
	progress_load(&p, note, sizeof note);
	CHECK(note[0] == '\0' && p.n == 1 && p.e[0].finished == 1);
	progress_finish(&p);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		failures++;
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
