/*
 * port.c - choosing the lab's port.  A port is busy when a server could
 * not bind it the way the lessons do (no SO_REUSEADDR), which includes
 * old connections still in TIME-WAIT from a previous run.
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"

#define PORT_FALLBACK_TRIES	100
#define PORT_ANY_TRIES		20

/* No socket at all has this port at either end: a connection of another
 * program that used it before (TIME-WAIT, peer side) would show in the
 * lab's kernel view as a stranger.  Without sock_diag, assume none. */
static bool
port_unseen(uint16_t port)
{
	struct ksock *socks = NULL;
	size_t n = 0;
	char err[128];

	if (sock_diag_dump(port, &socks, &n, err, sizeof err) == -1)
		return true;
	free(socks);
	return n == 0;
}

static int
port_try(uint16_t port, uint16_t *got)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd, rc = -1, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0) {
		*got = ntohs(sin.sin_port);
		rc = 0;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Any free port the kernel gives, preferring one no socket names. */
static int
port_any(uint16_t *got)
{
	int i;

	for (i = 0; i < PORT_ANY_TRIES; i++) {
		if (port_try(0, got) == -1)
			return -1;
		if (port_unseen(*got))
			return 0;
	}
	return 0;
}

int
port_pick(uint16_t requested, bool explicit, uint16_t *port, char *note,
    size_t notelen, char *err, size_t errlen)
{
	uint16_t got, p;
	int i;

	note[0] = '\0';
	if (requested == 0) {
		if (port_any(&got) == -1) {
			snprintf(err, errlen, _("no free port on 127.0.0.1: %s"),
			    strerror(errno));
			return -1;
		}
		*port = got;
		return 0;
	}
	if (port_try(requested, &got) == 0) {
		*port = got;
		return 0;
	}
	if (explicit) {
		snprintf(err, errlen, _("port %u on 127.0.0.1 is busy (%s); "
		    "choose another with --port, or --port 0 for any free "
		    "one"), requested, strerror(errno));
		return -1;
	}
	for (i = 1; i <= PORT_FALLBACK_TRIES; i++) {
		p = (uint16_t)(requested + i);
		if (p < 1024)
			break;
		if (port_try(p, &got) == 0)
			goto found;
	}
	if (port_any(&got) == -1) {
		snprintf(err, errlen, _("no free port on 127.0.0.1: %s"),
		    strerror(errno));
		return -1;
	}
found:
	snprintf(note, notelen, "port %u is busy (in use, or TIME-WAIT from "
	    "an earlier run); using %u", requested, got);
	*port = got;
	return 0;
}
