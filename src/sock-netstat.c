/*
 * sock-netstat.c - the kernel's count of connection requests a full
 * listener turned away: TcpExt ListenOverflows (the accept queue was
 * full when a SYN or the handshake's last ACK came) and ListenDrops
 * (every request dropped at a listener, overflows included), as
 * nstat(8) reads them from /proc/net/netstat.  That file is the network
 * namespace of the reader's, so inside the lab it is the lab's own: its
 * counters start at 0 with the run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* The file is a few KiB today; a counter past the buffer is "unknown". */
#define NETSTAT_BUF	16384

/* The field named name in a "TcpExt: a b c" / "TcpExt: 1 2 3" pair. */
static int
netstat_field(const char *names, const char *values, const char *name,
    uint64_t *out)
{
	size_t len = strlen(name);
	const char *n = names, *v = values;
	char *end;

	for (;;) {
		n += strcspn(n, " \n");
		v += strcspn(v, " \n");
		if (*n != ' ' || *v != ' ')
			return -1;	/* the line ended: no such field */
		n++;
		v++;
		if (strncmp(n, name, len) == 0 && (n[len] == ' ' ||
		    n[len] == '\n' || n[len] == '\0')) {
			*out = strtoull(v, &end, 10);
			return end == v ? -1 : 0;
		}
	}
}

int
sock_netstat_listen(uint64_t *overflows, uint64_t *drops)
{
	char buf[NETSTAT_BUF];
	const char *names, *values;
	ssize_t n, got = 0;
	int fd;

	if ((fd = open("/proc/self/net/netstat", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got < (ssize_t)sizeof(buf) - 1 &&
	    (n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	/* The names' line, then the values' line, each "TcpExt:". */
	if ((names = strstr(buf, "TcpExt:")) == NULL ||
	    (values = strstr(names + 1, "\nTcpExt:")) == NULL)
		return -1;
	values++;
	if (netstat_field(names, values, "ListenOverflows", overflows) == -1 ||
	    netstat_field(names, values, "ListenDrops", drops) == -1)
		return -1;
	return 0;
}
