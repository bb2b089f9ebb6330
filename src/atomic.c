/*
 * atomic.c - replace a file whole or not at all: a temporary file in the
 * same directory (so rename() cannot cross a filesystem), written,
 * flushed to the disk, given its mode, then renamed over the old one.
 * A crash at any moment leaves either the old file or the new one,
 * never half of one.  The progress file (0600) and record files (0644)
 * are both written here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

static int
atomic_write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The rename itself is only durable once the directory is; a failure
 * here loses nothing that the rename did not already do. */
static void
atomic_sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int
atomic_write(const char *path, const void *buf, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	char *tmp;
	int fd, saved;

	xasprintf(&tmp, "%s.XXXXXX", path);
	/* mkstemp makes it 0600: nobody reads it before fchmod. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (atomic_write_all(fd, buf, len) == -1 || fsync(fd) == -1 ||
	    fchmod(fd, mode) == -1) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	atomic_sync_dir(path);
	free(tmp);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(saved));
	unlink(tmp);
	free(tmp);
	return -1;
}
