/*
 * replay.c - a fuzz target without libFuzzer: each file named, and each
 * regular file in each directory named, goes through the target once.
 * Built in every build so `meson test` replays the corpus; a crash or a
 * sanitizer report fails the test.  Exit 0, or 99 when there was nothing
 * to replay or a file could not be read (a broken harness).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "fuzz.h"

#define REPLAY_MAX_BYTES	(1024 * 1024)

static int
replay_file(const char *path)
{
	FILE *f;
	uint8_t *buf, *input;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(REPLAY_MAX_BYTES + 1);
	n = fread(buf, 1, REPLAY_MAX_BYTES + 1, f);
	if (ferror(f) || n > REPLAY_MAX_BYTES) {
		fprintf(stderr, "replay: %s: unreadable or over %d bytes\n",
		    path, REPLAY_MAX_BYTES);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* Exactly n bytes (never NULL), so a read past them is caught. */
	input = xmalloc(n > 0 ? n : 1);
	memcpy(input, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(input, n);
	free(input);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* In name order, so a failure names the same file every run. */
static int
replay_dir(const char *dir, size_t *count)
{
	DIR *d;
	struct dirent *de;
	struct stat sb;
	char **names = NULL, *path;
	size_t n = 0, i;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (replay_file(path) == -1)
				rc = -1;
			else
				(*count)++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat sb;
	size_t count = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 99;
		} else if (S_ISDIR(sb.st_mode)) {
			if (replay_dir(argv[i], &count) == -1)
				rc = 99;
		} else if (replay_file(argv[i]) == -1)
			rc = 99;
		else
			count++;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 99;
	}
	printf("replayed %zu inputs\n", count);
	return rc;
}
