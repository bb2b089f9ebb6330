/*
 * session.c - from a lesson name and the options to a lab ready to
 * start: the lesson file, the port, the command lines, the guided order.
 * Shared by batch and the TUI so both mean the same by every option.
 */
#include <stdlib.h>
#include <string.h>

#include "drive.h"

/* sockstep run with no lesson: the user's commands alone. */
static void
session_adhoc_lesson(struct lesson *l, const struct options *o)
{
	memset(l, 0, sizeof *l);
	l->name = xstrdup("run");
	l->title[LANG_EN] = xstrdup("your own programs");
	l->title[LANG_ZH] = xstrdup("你自己的程序");
	l->clients = 1;
	if (o->run_server != NULL)
		l->server_cmd = xstrdup(o->run_server);
	if (o->run_client != NULL)
		l->client_cmd = xstrdup(o->run_client);
}

/*
 * sockstep run --lesson: the user's program takes one side, the lesson's
 * program the other, under the lesson's guided order and checks.  The
 * user's command is found like a shell would (PATH or a path), never
 * in the lesson's directory.
 */
static void
session_user_programs(struct lesson *l, const struct options *o)
{
	if (o->run_server != NULL) {
		free(l->server_cmd);
		l->server_cmd = xstrdup(o->run_server);
		l->server_is_user = true;
	}
	if (o->run_client != NULL) {
		free(l->client_cmd);
		l->client_cmd = xstrdup(o->run_client);
		l->client_is_user = true;
	}
}

/* A lesson's program found neither where the lesson's programs are
 * built nor on PATH: most likely never built. */
static int
session_check_built(const struct lesson *l, char **argv, const char *side,
    char *err, size_t errlen)
{
	char path[4096], why[512];

	if (argv == NULL || l->bindir == NULL || strchr(argv[0], '/') != NULL ||
	    trace_resolve(argv[0], path, sizeof path, why, sizeof why) == 0)
		return 0;
	if (l->external)	/* its programs come from its sources */
		snprintf(err, errlen, _("%s: the %s program '%s' is not built "
		    "(no %s.c nor %s in %s, nor on PATH)"), l->name, side,
		    argv[0], argv[0], argv[0], l->dir);
	else
		snprintf(err, errlen, _("%s: the %s program '%s' is not built "
		    "(not in %s, nor on PATH)"), l->name, side, argv[0],
		    l->bindir);
	return -1;
}

/* Why the segments are not captured, NULL when they are: only the
 * lab network is sockstep's alone (on the host's, other programs'
 * segments would mix in, and capturing there needs root). */
static const char *
session_wire_off(const struct session *s, const struct options *o)
{
	const char *no = getenv("SOCKSTEP_NO_CAPTURE");

	if (s->net.lab && no != NULL && strcmp(no, "0") != 0)
		return _("segments are not captured: SOCKSTEP_NO_CAPTURE is "
		    "set");
	if (s->net.lab)
		return NULL;
	if (o->net == NET_HOST)
		return _("segments are not captured: this run is on the "
		    "host's network (--net host), shared with other "
		    "programs; the lab network has its own");
	return _("segments are not captured: there is no lab network "
	    "(said above), and the host's is shared with other programs");
}

/* Errors are the user's: -1 and a message, nothing left running. */
int
session_open(struct session *s, const char *name, const struct options *o,
    char *errbuf, size_t errlen)
{
	struct lab_config cfg;
	char err[1024];
	const char *spec;
	uint16_t ports[2];

	memset(s, 0, sizeof *s);
	memset(&cfg, 0, sizeof cfg);
	/* First: the lesson's kernel facts (somaxconn, the SYN schedule)
	 * and a free port are read on the network the programs will use;
	 * each run (a restart too) gets a fresh one.  Lessons get a client
	 * host of their own (the book's client has "the host's IP"), run
	 * (--lesson too) one host unless asked, so 127.0.0.1 in the user's
	 * command keeps working. */
	if (net_lab_enter(o->net, o->hosts != 0 ? o->hosts :
	    o->run_server != NULL || o->run_client != NULL ? 1 : 2, &s->net,
	    err, sizeof err) == -1) {
		snprintf(errbuf, errlen, "%s", err);
		return -1;
	}
	if (name == NULL)
		session_adhoc_lesson(&s->lesson, o);
	else if (lesson_open(&s->lesson, name, err, sizeof err) == -1) {
		snprintf(errbuf, errlen, "%s", err);
		return -1;
	} else {
		char *diag;

		session_user_programs(&s->lesson, o);
		/* A lesson of one's own: its programs from its sources (the
		 * compiler's whole output is main.c's to show, before). */
		if (lesson_build(&s->lesson, err, sizeof err, &diag) == -1) {
			free(diag);
			snprintf(errbuf, errlen, "%s", err);
			lesson_finish(&s->lesson);
			memset(s, 0, sizeof *s);
			return -1;
		}
	}
	s->nclients = o->clients != 0 ? o->clients : s->lesson.clients;
	spec = o->steps != NULL ? o->steps : s->lesson.steps;
	if (spec != NULL && strcmp(spec, "-") == 0)
		spec = NULL;	/* read step by step from stdin */
	if (spec != NULL && steps_parse(spec, s->nclients, &s->steps,
	    &s->nsteps, err, sizeof err) == -1) {
		snprintf(errbuf, errlen, "%s: %s", o->steps != NULL ?
		    "--steps" : _("lesson steps"), err);
		goto fail;
	}
	if (port_pick(o->port, o->port_explicit, &s->port, s->port_note,
	    sizeof s->port_note, err, sizeof err) == -1) {
		snprintf(errbuf, errlen, "%s", err);
		goto fail;
	}

	if ((s->lesson.server_cmd != NULL &&
	    strstr(s->lesson.server_cmd, "{port2}") != NULL) ||
	    (s->lesson.client_cmd != NULL &&
	    strstr(s->lesson.client_cmd, "{port2}") != NULL)) {
		char note[160];

		/* A free port from the kernel (bind to port 0), other than
		 * the lab's.  Not port + 1: with --port 0 that is in the
		 * ephemeral range, on the parity connect() prefers, so a
		 * client's kernel-chosen port could take it first. */
		do {
			if (port_pick(0, false, &s->port2, note, sizeof note,
			    err, sizeof err) == -1) {
				snprintf(errbuf, errlen, "%s", err);
				goto fail;
			}
		} while (s->port2 == s->port);
	}
	ports[0] = s->port;
	ports[1] = s->port2;
	cfg.port = s->port;
	cfg.nclients = s->nclients;
	cfg.wire_off = session_wire_off(s, o);
	cfg.client_ns = s->net.hosts == 2 ? s->net.client_ns : -1;
	cfg.diag[0] = s->net.diag[0];
	cfg.diag[1] = s->net.diag[1];
	if (s->lesson.server_cmd != NULL &&
	    (cfg.server_argv = lesson_argv(s->lesson.server_cmd,
	    s->lesson.server_is_user ? NULL : s->lesson.bindir, ports,
	    s->net.ip, err, sizeof err)) == NULL) {
		snprintf(errbuf, errlen, _("%s: server: %s"), s->lesson.name,
		    err);
		goto fail;
	}
	if (s->lesson.client_cmd != NULL &&
	    (cfg.client_argv = lesson_argv(s->lesson.client_cmd,
	    s->lesson.client_is_user ? NULL : s->lesson.bindir, ports,
	    s->net.ip, err, sizeof err)) == NULL) {
		snprintf(errbuf, errlen, _("%s: client: %s"), s->lesson.name,
		    err);
		goto fail;
	}
	if ((!s->lesson.server_is_user && session_check_built(&s->lesson,
	    cfg.server_argv, "server", errbuf, errlen) == -1) ||
	    (!s->lesson.client_is_user && session_check_built(&s->lesson,
	    cfg.client_argv, "client", errbuf, errlen) == -1))
		goto fail;
	s->lab = lab_create(&cfg, err, sizeof err);
	if (s->lab == NULL) {
		snprintf(errbuf, errlen, "%s", err);
		goto fail;
	}
	if (session_input(s, o, errbuf, errlen) == -1) {
		lab_destroy(s->lab);
		goto fail;
	}
	strv_free(cfg.server_argv);
	strv_free(cfg.client_argv);
	return 0;

fail:
	strv_free(cfg.server_argv);
	strv_free(cfg.client_argv);
	net_lab_leave(&s->net);
	lesson_finish(&s->lesson);
	free(s->steps);
	memset(s, 0, sizeof *s);
	return -1;
}

void
session_close(struct session *s)
{
	if (s->lab != NULL)
		lab_kill_all(s->lab, NULL);
	lab_destroy(s->lab);
	net_lab_leave(&s->net);
	lesson_finish(&s->lesson);
	free(s->steps);
	memset(s, 0, sizeof *s);
}

struct side *
session_side(struct session *s, int index)
{
	size_t i;

	for (i = 0; i < lab_nsides(s->lab); i++)
		if (lab_side(s->lab, i)->index == index)
			return lab_side(s->lab, i);
	return NULL;
}

char **
session_argv(struct session *s, int index, const char *prog, char *err,
    size_t errlen)
{
	const struct lesson *l = &s->lesson;
	const struct lesson_program *pr;
	const char *cmd, *bindir = l->bindir;
	uint16_t ports[2] = { s->port, s->port2 };
	char why[512];
	char **argv;

	if (prog[0] != '\0') {
		if ((pr = lesson_program(l, prog)) == NULL) {
			snprintf(err, errlen, _("no program '%s' to start: "
			    "s!NAME names one of the lesson's [programs]"),
			    prog);
			return NULL;
		}
		cmd = pr->cmd;
	} else if (index == 0) {
		cmd = l->server_cmd;
		if (l->server_is_user)
			bindir = NULL;
	} else {
		cmd = l->client_cmd;
		if (l->client_is_user)
			bindir = NULL;
	}
	if (cmd == NULL) {
		snprintf(err, errlen, "%s", _("this side has no command"));
		return NULL;
	}
	if ((argv = lesson_argv(cmd, bindir, ports, s->net.ip, why,
	    sizeof why)) == NULL)
		snprintf(err, errlen, "%s: %s", prog[0] != '\0' ? prog :
		    index == 0 ? "server" : "client", why);
	return argv;
}
