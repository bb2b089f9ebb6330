/*
 * diff-read.c - a JSON Lines transcript read back (diff.h): for each
 * task, the calls it made with what they returned, where in the source
 * they were made, and what the kernel showed of the socket they used;
 * its exit.  A transcript may have been edited or cut short: anything
 * that is not one JSON object per line is an error naming file and
 * line.  JSON is read with Jansson (libjansson), not by hand: the file
 * may come from anyone, and a well-kept parser already refuses all
 * that is malformed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diff.h"

/* The place of a call that never returned: after every event. */
#define UNRETURNED_SEQ	(ULONG_MAX / 4)

/* Calls that do the same to a socket are compared as one. */
static const struct {
	const char	*call;
	const char	*family;
} families[] = {
	{ "accept4", "accept" },
	{ "recvfrom", "read" }, { "recvmsg", "read" }, { "readv", "read" },
	{ "recvmmsg", "read" },
	{ "sendto", "write" }, { "sendmsg", "write" }, { "writev", "write" },
	{ "sendmmsg", "write" }, { "sendfile", "write" },
	{ "dup2", "dup" }, { "dup3", "dup" },
	{ "ppoll", "poll" }, { "pselect6", "select" },
	{ "epoll_pwait", "epoll_wait" }, { "epoll_pwait2", "epoll_wait" },
};

/* The role of each fd of a side, as its calls made it: 'S' a socket,
 * 'L' listening, 'C' connected.  fds past the table are '?'. */
#define MAXFD	1024
struct side_fds {
	char	*side;
	char	 role[MAXFD];
};

/* A call paused at, waiting for its return: where it was made. */
struct pending {
	char	*task;
	char	*src;
	char	*path;
	char	*func;
	int	 step;
	char	*call;
	json_t	*ev;		/* the call event: its args, its seq */
	bool	 open;
};

struct reader {
	struct trun	*run;
	struct side_fds	*sides;
	size_t		 nsides;
	struct pending	*pend;
	size_t		 npend;
	size_t		 line;
};

static const char *
family_of(const char *call)
{
	size_t i;

	for (i = 0; i < sizeof families / sizeof families[0]; i++)
		if (strcmp(families[i].call, call) == 0)
			return families[i].family;
	return call;
}

/*
 * A copy that is safe to print: what a transcript says goes into words
 * on a terminal, and a hostile one could hold escape sequences.  Control
 * characters, C0 and C1 (U+0080..U+009F), become '?'.  Jansson gives
 * valid UTF-8 only.
 */
static char *
sdup(const char *s)
{
	char *d = xstrdup(s), *p, *q;

	for (p = q = d; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == 0xc2 && (unsigned char)p[1] >= 0x80 &&
		    (unsigned char)p[1] <= 0x9f) {
			*q++ = '?';
			p++;
		} else
			*q++ = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	*q = '\0';
	return d;
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *
jdup(json_t *o, const char *key)
{
	const char *s = jstr(o, key);

	return s != NULL ? sdup(s) : NULL;
}

static long long
jint(json_t *o, const char *key, long long dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static struct side_fds *
side_fds(struct reader *r, const char *side)
{
	size_t i;

	for (i = 0; i < r->nsides; i++)
		if (strcmp(r->sides[i].side, side) == 0)
			return &r->sides[i];
	r->sides = xreallocarray(r->sides, r->nsides + 1, sizeof *r->sides);
	memset(&r->sides[r->nsides], 0, sizeof *r->sides);
	memset(r->sides[r->nsides].role, '?', MAXFD);
	r->sides[r->nsides].side = sdup(side);
	return &r->sides[r->nsides++];
}

static struct ttask *
task_of(struct trun *run, const char *name, const char *side)
{
	size_t i;

	for (i = 0; i < run->ntasks; i++)
		if (strcmp(run->tasks[i].name, name) == 0)
			return &run->tasks[i];
	run->tasks = xreallocarray(run->tasks, run->ntasks + 1,
	    sizeof *run->tasks);
	memset(&run->tasks[run->ntasks], 0, sizeof *run->tasks);
	run->tasks[run->ntasks].name = sdup(name);
	run->tasks[run->ntasks].side = sdup(side);
	return &run->tasks[run->ntasks++];
}

static struct pending *
pending_of(struct reader *r, const char *task)
{
	size_t i;

	for (i = 0; i < r->npend; i++)
		if (strcmp(r->pend[i].task, task) == 0)
			return &r->pend[i];
	r->pend = xreallocarray(r->pend, r->npend + 1, sizeof *r->pend);
	memset(&r->pend[r->npend], 0, sizeof *r->pend);
	r->pend[r->npend].task = sdup(task);
	return &r->pend[r->npend++];
}

static void
pending_clear(struct pending *p)
{
	free(p->src);
	free(p->path);
	free(p->func);
	free(p->call);
	json_decref(p->ev);
	p->src = p->path = p->func = p->call = NULL;
	p->ev = NULL;
	p->open = false;
}

static struct titem *
item_new(struct ttask *t)
{
	struct titem *it;

	t->items = xreallocarray(t->items, t->nitems + 1, sizeof *t->items);
	it = &t->items[t->nitems++];
	memset(it, 0, sizeof *it);
	return it;
}

static int
fd_arg(const struct titem *it)
{
	char *end;
	long v;

	if (it->nargs == 0 || it->args[0] == NULL)
		return -1;
	errno = 0;
	v = strtol(it->args[0], &end, 10);
	if (errno != 0 || *end != '\0' || end == it->args[0] || v < 0 ||
	    v >= MAXFD)
		return -1;
	return (int)v;
}

/* The fd whose socket the kernel view is read for: the new one for
 * socket() and accept(), else the first argument. */
static int
item_fd(const struct titem *it)
{
	if (strcmp(it->family, "socket") == 0)
		return it->returned && it->ret >= 0 && it->ret < MAXFD ?
		    (int)it->ret : -1;
	/* A failed accept(): the socket it was called on. */
	if (strcmp(it->family, "accept") == 0 && it->returned &&
	    it->ret >= 0 && it->ret < MAXFD)
		return (int)it->ret;
	return fd_arg(it);
}

/* What the kernel showed of the call's socket at its return. */
static void
item_kernel(struct titem *it, json_t *ev)
{
	json_t *k = json_object_get(ev, "kernel"), *socks, *s, *lis;
	struct sbuf b;
	long long pid = jint(ev, "pid", -1);
	int fd = item_fd(it);
	size_t i;

	if (!json_is_object(k))
		return;
	lis = json_object_get(k, "listeners");
	it->nlisteners = (int)json_array_size(lis);
	sbuf_init(&b);
	json_array_foreach(lis, i, s)
		if (jstr(s, "addr") != NULL)
			sbuf_addf(&b, "%s%s", i > 0 ? ", " : "", jstr(s, "addr"));
	if (it->nlisteners > 0)
		it->klisten = sdup(sbuf_str(&b));
	sbuf_finish(&b);
	socks = json_object_get(k, "sockets");
	if (fd < 0 || !json_is_array(socks))
		return;
	json_array_foreach(socks, i, s) {
		if (jint(s, "pid", -2) == pid && jint(s, "fd", -2) == fd) {
			it->kstate = jdup(s, "state");
			it->klocal = jdup(s, "local");
			return;
		}
	}
}

/* The role of the fd the call uses, then what the call made of it. */
static void
item_roles(struct reader *r, struct titem *it, const char *side)
{
	struct side_fds *sf = side_fds(r, side);
	int fd = fd_arg(it);
	bool ok = it->returned && it->err == NULL;
	/* The fd a call returned; a transcript may say anything. */
	int nfd = ok && it->ret >= 0 && it->ret < MAXFD ? (int)it->ret : -1;

	it->role = strcmp(it->family, "socket") == 0 ? '-' :
	    fd >= 0 ? sf->role[fd] : '?';
	if (strcmp(it->family, "socket") == 0 && nfd >= 0)
		sf->role[nfd] = 'S';
	else if (strcmp(it->family, "accept") == 0 && nfd >= 0)
		sf->role[nfd] = 'C';
	else if (strcmp(it->family, "listen") == 0 && ok && fd >= 0)
		sf->role[fd] = 'L';
	else if (strcmp(it->family, "connect") == 0 && fd >= 0 && (ok ||
	    (it->err != NULL && strcmp(it->err, "EINPROGRESS") == 0)))
		sf->role[fd] = 'C';
	else if (strcmp(it->family, "dup") == 0 && nfd >= 0 && fd >= 0)
		sf->role[nfd] = sf->role[fd];
	else if (strcmp(it->family, "close") == 0 && ok && fd >= 0)
		sf->role[fd] = '?';
}

/* "accept:L:ok", "read:C:eof", "connect:S:ECONNREFUSED", "exit:0". */
static void
item_token(struct titem *it)
{
	const char *out;

	if (it->kind == TI_EXIT) {
		if (it->status >= 0)
			xasprintf(&it->token, "exit:%d", it->status);
		else
			xasprintf(&it->token, "signal:%d", it->sig);
		return;
	}
	if (!it->returned)
		out = "blocked";
	else if (it->err != NULL)
		out = it->err;
	else if (strcmp(it->family, "read") == 0)
		out = it->ret == 0 ? "eof" : "data";
	else
		out = "ok";
	xasprintf(&it->token, "%s:%c:%s", it->family, it->role, out);
}

static void
item_call(struct reader *r, struct ttask *t, json_t *ev, bool returned,
    struct pending *p)
{
	struct titem *it = item_new(t);
	json_t *args = json_object_get(ev, "args"), *a;
	size_t i;

	it->kind = TI_CALL;
	it->seq = (unsigned long)jint(ev, "seq", 0);
	it->call = jdup(ev, "call");
	if (it->call == NULL)
		it->call = xstrdup("?");
	it->family = family_of(it->call);
	json_array_foreach(args, i, a) {
		if (i >= TI_MAXARGS)
			break;
		it->args[i] = sdup(json_is_string(a) ?
		    json_string_value(a) : "?");
		it->nargs++;
	}
	it->returned = returned;
	it->ret = jint(ev, "ret", -1);
	it->err = jdup(ev, "errno");
	if (p != NULL && p->open && p->call != NULL &&
	    strcmp(p->call, it->call) == 0) {
		it->src = p->src;
		it->path = p->path;
		it->func = p->func;
		it->step = p->step;
		p->src = p->path = p->func = NULL;
	}
	if (returned) {
		it->step = (int)jint(ev, "step", it->step);
		item_kernel(it, ev);
	}
	item_roles(r, it, t->side);
	item_token(it);
}

/* A call paused at and never returned: it blocked, or the run ended. */
static void
item_unreturned(struct reader *r, struct ttask *t, struct pending *p)
{
	if (!p->open)
		return;
	item_call(r, t, p->ev, false, p);
	/* It parts from a reference that returned only where that one
	 * returned: after all that did happen, not where it was called
	 * (a server's accept() waits from its first steps). */
	t->items[t->nitems - 1].seq = UNRETURNED_SEQ;
	pending_clear(p);
}

static void
event_call(struct reader *r, struct ttask *t, json_t *ev)
{
	struct pending *p = pending_of(r, t->name);
	const char *src = jstr(ev, "source"), *slash;

	pending_clear(p);
	p->open = true;
	p->call = jdup(ev, "call");
	p->step = (int)jint(ev, "step", 0);
	p->func = jdup(ev, "func");
	p->ev = json_incref(ev);
	if (src != NULL) {
		p->path = sdup(src);
		slash = strrchr(p->path, '/');
		xasprintf(&p->src, "%s:%lld", slash != NULL ? slash + 1 :
		    p->path, jint(ev, "line", 0));
	}
}

static void
event_exit(struct reader *r, struct ttask *t, json_t *ev)
{
	struct pending *p = pending_of(r, t->name);
	struct titem *it;
	json_t *st = json_object_get(ev, "status");

	item_unreturned(r, t, p);
	it = item_new(t);
	it->kind = TI_EXIT;
	it->seq = (unsigned long)jint(ev, "seq", 0);
	it->step = (int)jint(ev, "step", 0);
	it->call = xstrdup("exit");
	it->family = "exit";
	it->status = json_is_integer(st) ? (int)json_integer_value(st) : -1;
	it->sig = (int)jint(ev, "signal", 0);
	item_token(it);
}

static void
port_add(long **ports, size_t *n, const char *addr)
{
	const char *colon;
	char *end;
	long port;

	if (addr == NULL || (colon = strrchr(addr, ':')) == NULL)
		return;
	port = strtol(colon + 1, &end, 10);
	if (port <= 0 || port > 65535 || (*end != '\0' && *end != '}'))
		return;
	*ports = xreallocarray(*ports, *n + 1, sizeof **ports);
	(*ports)[(*n)++] = port;
}

static void
eport_add(struct trun *run, const char *addr)
{
	port_add(&run->eports, &run->neports, addr);
}

/* The ports the kernel chose: a connected client's own (the peer the
 * server sees, a local address "chosen by the kernel"). */
static void
eports_of(struct trun *run, json_t *ev)
{
	const char *origin = jstr(ev, "local_origin");
	const char *call = jstr(ev, "call");
	json_t *args = json_object_get(ev, "args");

	if (origin != NULL && strcmp(origin, "chosen by the kernel") == 0)
		eport_add(run, jstr(ev, "local"));
	if (jstr(ev, "peer") != NULL && call != NULL &&
	    strncmp(call, "accept", 6) == 0)
		eport_add(run, jstr(ev, "peer"));
	if (call != NULL && strncmp(call, "accept", 6) == 0)
		eport_add(run, json_string_value(json_array_get(args, 1)));
	if (call != NULL && (strcmp(call, "bind") == 0 ||
	    strcmp(call, "connect") == 0))
		port_add(&run->nports, &run->nnports,
		    json_string_value(json_array_get(args, 1)));
}

char *
trun_mask_ports(const struct trun *run, const char *s)
{
	struct sbuf b;
	const char *p = s;
	char *end, *out;
	long v;
	size_t i;
	bool masked;

	sbuf_init(&b);
	while (*p != '\0') {
		if (*p < '0' || *p > '9' || (p > s && p[-1] >= '0' &&
		    p[-1] <= '9')) {
			sbuf_addc(&b, *p++);
			continue;
		}
		v = strtol(p, &end, 10);
		for (masked = false, i = 0; i < run->neports; i++)
			if (run->eports[i] == v)
				masked = true;
		if (masked)
			sbuf_addc(&b, '#');
		else
			sbuf_addn(&b, p, (size_t)(end - p));
		p = end;
	}
	out = xstrdup(sbuf_str(&b));
	sbuf_finish(&b);
	return out;
}

static int
read_event(struct reader *r, json_t *ev, char *err, size_t errsz)
{
	const char *type = jstr(ev, "event"), *side, *task;
	struct ttask *t;

	if (!json_is_object(ev) || type == NULL) {
		snprintf(err, errsz, _("%s:%zu: not a sockstep transcript "
		    "(a line without \"event\")"), r->run->path, r->line);
		return -1;
	}
	side = jstr(ev, "side");
	task = jstr(ev, "task_name");
	if (side == NULL)	/* notes and checks: sockstep's, not a program's */
		return 0;
	t = task_of(r->run, task != NULL ? task : side, side);
	if (strcmp(type, "call") == 0)
		event_call(r, t, ev);
	else if (strcmp(type, "return") == 0) {
		struct pending *p = pending_of(r, t->name);

		eports_of(r->run, ev);
		item_call(r, t, ev, true, p);
		pending_clear(p);
	} else if (strcmp(type, "exit") == 0)
		event_exit(r, t, ev);
	return 0;
}

/* One transcript from f, named name in what is said of it. */
static int
read_stream(struct trun *run, FILE *f, const char *name, char *err,
    size_t errsz)
{
	struct reader r;
	json_error_t jerr;
	json_t *ev;
	char *line = NULL;
	size_t cap = 0, i, nevents = 0;
	ssize_t n;
	int rc = 0;

	memset(run, 0, sizeof *run);
	memset(&r, 0, sizeof r);
	run->path = xstrdup(name);
	r.run = run;
	while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
		r.line++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((ev = json_loadb(line, (size_t)n, 0, &jerr)) == NULL) {
			snprintf(err, errsz, _("%s:%zu: invalid JSON (a "
			    "transcript is written with --json): %s"), name,
			    r.line, jerr.text);
			rc = -1;
			break;
		}
		rc = read_event(&r, ev, err, errsz);
		json_decref(ev);
		nevents++;
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errsz, "%s: %s", name, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && nevents == 0) {
		snprintf(err, errsz, _("%s: empty: not a sockstep transcript"),
		    name);
		rc = -1;
	}
	/* Calls still paused at when the transcript ends. */
	for (i = 0; rc == 0 && i < r.npend; i++)
		if (r.pend[i].open)
			item_unreturned(&r, task_of(run, r.pend[i].task, "?"),
			    &r.pend[i]);
	free(line);
	for (i = 0; i < r.npend; i++) {
		pending_clear(&r.pend[i]);
		free(r.pend[i].task);
	}
	free(r.pend);
	for (i = 0; i < r.nsides; i++)
		free(r.sides[i].side);
	free(r.sides);
	if (rc == -1)
		trun_free(run);
	return rc;
}

int
trun_read(struct trun *run, const char *path, char *err, size_t errsz)
{
	FILE *f;
	int rc;

	memset(run, 0, sizeof *run);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = read_stream(run, f, path, err, errsz);
	fclose(f);
	return rc;
}

int
trun_read_mem(struct trun *run, const char *name, const char *data,
    size_t len, char *err, size_t errsz)
{
	FILE *f;
	int rc;

	memset(run, 0, sizeof *run);
	/* fmemopen() refuses an empty buffer; it is an empty file. */
	if (len == 0) {
		snprintf(err, errsz, _("%s: empty: not a sockstep transcript"),
		    name);
		return -1;
	}
	if ((f = fmemopen((void *)data, len, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", name, strerror(errno));
		return -1;
	}
	rc = read_stream(run, f, name, err, errsz);
	fclose(f);
	return rc;
}

const struct ttask *
trun_task(const struct trun *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->ntasks; i++)
		if (strcmp(run->tasks[i].name, name) == 0)
			return &run->tasks[i];
	return NULL;
}

void
trun_free(struct trun *run)
{
	size_t i, j, k;

	for (i = 0; i < run->ntasks; i++) {
		struct ttask *t = &run->tasks[i];

		for (j = 0; j < t->nitems; j++) {
			struct titem *it = &t->items[j];

			free(it->call);
			for (k = 0; k < it->nargs; k++)
				free(it->args[k]);
			free(it->err);
			free(it->src);
			free(it->path);
			free(it->func);
			free(it->kstate);
			free(it->klocal);
			free(it->klisten);
			free(it->token);
		}
		free(t->items);
		free(t->name);
		free(t->side);
	}
	free(run->tasks);
	free(run->eports);
	free(run->nports);
	free(run->path);
	memset(run, 0, sizeof *run);
}
