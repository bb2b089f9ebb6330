/*
 * diff-words.c - the first divergence of two runs said in words, in the
 * language of the messages (gettext): a sentence a student can act on
 * ("your server never called listen(): the client's connect() was
 * refused"), then where (step, call, source line), the reference's
 * call there, and what the kernel showed.  tdiff_files() is the API
 * that `sockstep diff`, grade and run --lesson call.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* "server", "client2", "server.2" in the current language. */
static void
who(const char *task, char *out, size_t outsz)
{
	if (strncmp(task, "server", 6) == 0)
		snprintf(out, outsz, "%s%s", _("server"), task + 6);
	else if (strncmp(task, "client", 6) == 0)
		snprintf(out, outsz, "%s%s", _("client"), task + 6);
	else
		snprintf(out, outsz, "%s", task);
}

/* The second of "closed the listening socket, not the connected one". */
static const char *
role_one(char role)
{
	switch (role) {
	case 'L':
		return _("the listening one");
	case 'C':
		return _("the connected one");
	case 'S':
		return _("the one not yet listening or connected");
	default:
		return _("a file descriptor that is no socket");
	}
}

static const char *
role_word(char role)
{
	switch (role) {
	case 'L':
		return _("the listening socket");
	case 'C':
		return _("the connected socket");
	case 'S':
		return _("a socket not yet listening or connected");
	default:
		return _("a file descriptor that is no socket");
	}
}

/* What came of a call: "was refused", "returned 4", ... */
static void
outcome(const struct titem *it, struct sbuf *b)
{
	if (it->kind == TI_EXIT) {
		if (it->status >= 0)
			sbuf_addf(b, _("exited with status %d"), it->status);
		else
			sbuf_addf(b, _("was killed by signal %d"), it->sig);
	} else if (!it->returned)
		sbuf_add(b, _("blocked and never returned"));
	else if (it->err != NULL && strcmp(it->err, "ECONNREFUSED") == 0)
		sbuf_add(b, _("was refused"));
	else if (it->err != NULL)
		sbuf_addf(b, _("failed with %s"), it->err);
	else if (strcmp(it->family, "read") == 0 && it->ret == 0)
		sbuf_add(b, _("read 0 bytes: the peer had closed"));
	else
		sbuf_addf(b, _("returned %lld"), it->ret);
}

static void
headline(const struct tdiv *d, struct sbuf *b)
{
	char w[64];
	struct sbuf o, r;

	who(d->gtask != NULL ? d->gtask->name : d->rtask->name, w, sizeof w);
	sbuf_init(&o);
	sbuf_init(&r);
	if (d->got != NULL)
		outcome(d->got, &o);
	if (d->ref != NULL)
		outcome(d->ref, &r);
	switch (d->kind) {
	case DV_MISSING:
		if (strcmp(d->ref->family, "close") == 0)
			sbuf_addf(b, _("your %s never closed %s"), w,
			    role_word(d->ref->role));
		else
			sbuf_addf(b, _("your %s never called %s()"), w,
			    d->ref->call);
		break;
	case DV_EXTRA:
		sbuf_addf(b, _("your %s called %s(), which the reference "
		    "does not call there"), w, d->got->call);
		break;
	case DV_RESULT:
		sbuf_addf(b, _("your %s's %s() %s, where the reference's %s"),
		    w, d->got->call, sbuf_str(&o), sbuf_str(&r));
		break;
	case DV_ROLE:
		if (strcmp(d->ref->family, "close") == 0)
			sbuf_addf(b, _("your %s closed %s, not %s"), w,
			    role_word(d->got->role), role_one(d->ref->role));
		else
			sbuf_addf(b, _("your %s called %s() on %s, not on %s"),
			    w, d->got->call, role_word(d->got->role),
			    role_word(d->ref->role));
		break;
	case DV_HTONS:
		sbuf_addf(b, _("the port in your %s() is %s, not %s: htons() "
		    "missing?"), d->got->call, d->what[1], d->what[0]);
		break;
	case DV_HTONL:
		sbuf_addf(b, _("the address in your %s() is %s, not %s: "
		    "htonl() missing?"), d->got->call, d->what[1], d->what[0]);
		break;
	case DV_PORT:
		sbuf_addf(b, _("the port in your %s() is %s, not %s"),
		    d->got->call, d->what[1], d->what[0]);
		break;
	case DV_ADDR:
		sbuf_addf(b, _("the address in your %s() is %s, not %s"),
		    d->got->call, d->what[1], d->what[0]);
		break;
	case DV_ARGS:
		sbuf_addf(b, _("your %s called %s(…, %s), the reference "
		    "%s(…, %s)"), w, d->got->call, d->what[1], d->ref->call,
		    d->what[0]);
		break;
	case DV_DATA:
		sbuf_addf(b, _("your %s wrote %s (%lld bytes), the reference "
		    "%s (%lld bytes)"), w, d->what[1], d->got->ret, d->what[0],
		    d->ref->ret);
		break;
	case DV_KSTATE:
		sbuf_addf(b, _("after your %s's %s() the kernel shows its "
		    "socket in %s, in the reference run in %s"), w,
		    d->got->call, d->what[1], d->what[0]);
		break;
	case DV_EXIT:
		sbuf_addf(b, _("your %s %s, where the reference's %s"), w,
		    sbuf_str(&o), sbuf_str(&r));
		break;
	case DV_TASK_MISSING:
		sbuf_addf(b, _("the reference run has a process or thread "
		    "'%s' that yours has not"), d->rtask->name);
		break;
	case DV_TASK_EXTRA:
		sbuf_addf(b, _("your run has a process or thread '%s' that "
		    "the reference's has not"), d->gtask->name);
		break;
	default:
		break;
	}
	sbuf_finish(&o);
	sbuf_finish(&r);
}

/* "the client's connect() was refused": what followed on another side. */
static void
consequence(const struct tdiv *d, struct sbuf *b)
{
	char w[64];
	struct sbuf o;

	if (d->kind == DV_NONE || d->gtask == NULL)
		return;
	who(d->gtask->name, w, sizeof w);
	sbuf_init(&o);
	if (d->got != NULL)
		outcome(d->got, &o);
	if (d->kind == DV_RESULT)
		sbuf_addf(b, _("the %s's %s() %s"), w, d->got->call,
		    sbuf_str(&o));
	else if (d->kind == DV_EXIT)
		sbuf_addf(b, _("the %s %s"), w, sbuf_str(&o));
	else if (d->kind == DV_MISSING)
		sbuf_addf(b, _("the %s never called %s()"), w, d->ref->call);
	sbuf_finish(&o);
}

/* "step 3, server, accept(3, NULL, NULL) = -1 EINVAL at student.c:28
 * in main()": the call as the transcript shows it. */
static void
where(const struct titem *it, const char *task, struct sbuf *b)
{
	char w[64];
	unsigned k;

	who(task, w, sizeof w);
	if (it->step > 0)
		sbuf_addf(b, _("step %d, "), it->step);
	sbuf_addf(b, "%s, ", w);
	if (it->kind == TI_EXIT) {
		outcome(it, b);
		return;
	}
	sbuf_addf(b, "%s(", it->call);
	for (k = 0; k < it->nargs; k++)
		sbuf_addf(b, "%s%s", k > 0 ? ", " : "", it->args[k]);
	sbuf_addc(b, ')');
	if (!it->returned)
		sbuf_add(b, " = ?");
	else if (it->err != NULL)
		sbuf_addf(b, " = %lld %s", it->ret, it->err);
	else
		sbuf_addf(b, " = %lld", it->ret);
	if (it->src != NULL)
		sbuf_addf(b, _(" at %s"), it->src);
	if (it->func != NULL)
		sbuf_addf(b, _(" in %s()"), it->func);
	if (it->src == NULL)
		sbuf_add(b, _(" (no source line: build it with -g)"));
}

/* What the kernel showed, where it tells the two runs apart. */
static void
kernel_line(const struct tdiv *d, const struct tdiv *then, struct sbuf *b)
{
	char w[64];

	if (d->got != NULL && d->ref != NULL && d->kind != DV_KSTATE &&
	    d->got->kstate != NULL && d->ref->kstate != NULL &&
	    strcmp(d->got->kstate, d->ref->kstate) != 0) {
		who(d->gtask->name, w, sizeof w);
		sbuf_addf(b, _("  kernel: your %s's socket is %s at %s; in "
		    "the reference run, %s\n"), w, d->got->kstate,
		    d->got->klocal != NULL ? d->got->klocal : "?",
		    d->ref->kstate);
	}
	/* A refused connect(): what was listening, if anything. */
	if (then->kind == DV_RESULT && strcmp(then->got->family,
	    "connect") == 0 && then->got->err != NULL &&
	    then->ref->err == NULL) {
		who(then->gtask->name, w, sizeof w);
		if (then->got->klisten == NULL)
			sbuf_addf(b, _("  kernel: no socket of the lab was "
			    "listening when the %s connected\n"), w);
		else
			sbuf_addf(b, _("  kernel: when the %s connected, the "
			    "lab's listening socket was at %s\n"), w,
			    then->got->klisten);
	}
}

char *
tdiff_runs(const struct trun *ref, const struct trun *got)
{
	struct tdiv d, then;
	struct sbuf b, h, c;
	char *w;

	tdiff_align(ref, got, &d, &then);
	if (d.kind == DV_NONE)
		return NULL;
	sbuf_init(&b);
	sbuf_init(&h);
	sbuf_init(&c);
	headline(&d, &h);
	consequence(&then, &c);
	if (c.len == 0)
		sbuf_add(&b, sbuf_str(&h));
	else if (d.kind == DV_HTONS || d.kind == DV_HTONL)	/* a question */
		sbuf_addf(&b, _("%s (then %s)"), sbuf_str(&h), sbuf_str(&c));
	else
		sbuf_addf(&b, _("%s: %s"), sbuf_str(&h), sbuf_str(&c));
	sbuf_finish(&h);
	sbuf_finish(&c);
	sbuf_addc(&b, '\n');
	if (d.got != NULL) {
		sbuf_addf(&b, "  %s ", _("where:"));
		where(d.got, d.gtask->name, &b);
		sbuf_addc(&b, '\n');
	}
	if (d.ref != NULL) {
		sbuf_addf(&b, "  %s ", _("the reference:"));
		where(d.ref, d.rtask->name, &b);
		sbuf_addc(&b, '\n');
	}
	kernel_line(&d, &then, &b);
	w = xstrdup(sbuf_str(&b));
	sbuf_finish(&b);
	return w;
}

int
tdiff_files(const char *ref_jsonl, const char *got_jsonl, char **words,
    char *err, size_t errsz)
{
	struct trun ref, got;
	char *w;

	*words = NULL;
	if (trun_read(&ref, ref_jsonl, err, errsz) == -1)
		return -1;
	if (trun_read(&got, got_jsonl, err, errsz) == -1) {
		trun_free(&ref);
		return -1;
	}
	w = tdiff_runs(&ref, &got);
	trun_free(&ref);
	trun_free(&got);
	if (w == NULL)
		return 0;
	*words = w;
	return 1;
}
