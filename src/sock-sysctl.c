/*
 * sock-sysctl.c - the kernel's TCP settings a lesson quotes, read from
 * /proc/sys when asked, never assumed: somaxconn, and when a SYN that
 * got no answer is sent again (tcp_syn_retries, tcp_syn_linear_timeouts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

/* The first retransmission timeout of a SYN (TCP_TIMEOUT_INIT, 1 s) and
 * the most it doubles to (TCP_RTO_MAX, 120 s): constants of the kernel. */
#define SYN_RTO_INIT	1
#define SYN_RTO_MAX	120

/* name: "net/core/somaxconn".  -1 (errno set) if there is no such file. */
int
sock_sysctl(const char *name, long *val)
{
	char path[128];
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "/proc/sys/%s", name);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	rc = fscanf(f, "%ld", val) == 1 ? 0 : -1;
	fclose(f);
	if (rc == -1)
		errno = EINVAL;
	return rc;
}

/*
 * When a client's SYN is sent again, in seconds after the first, and
 * when connect() gives up with ETIMEDOUT.  As tcp_retransmit_timer() and
 * tcp_write_timeout() do it: the timer starts at 1 s; after each resend
 * it doubles, except while no more than tcp_syn_linear_timeouts resends
 * were made (Linux 6.5 and later; no such file: 0); after
 * tcp_syn_retries + tcp_syn_linear_timeouts resends the next timeout
 * ends the connect().  Returns how many times were stored in at[].
 */
size_t
tcp_syn_schedule(long *at, size_t max, long *timeout)
{
	long retries = 6, linear = 0, rto = SYN_RTO_INIT, t = 0;
	size_t n = 0, k;

	(void)sock_sysctl("net/ipv4/tcp_syn_retries", &retries);
	(void)sock_sysctl("net/ipv4/tcp_syn_linear_timeouts", &linear);
	for (k = 1; k <= (size_t)(retries + linear); k++) {
		t += rto;
		if (n < max)
			at[n++] = t;
		if ((long)k > linear)
			rto = rto * 2 > SYN_RTO_MAX ? SYN_RTO_MAX : rto * 2;
	}
	*timeout = t + rto;
	return n;
}
