/*
 * srcmap.c - where in the program a stopped tracee is: unwind its stack
 * with elfutils libdwfl and take the first frame in the main executable
 * that has a source line (so libc, static or shared, is skipped).
 *
 * A Dwfl per process is kept between pauses: building one reads the
 * maps, opens every ELF and parses the line table, while unwinding an
 * attached one is cheap.  It is rebuilt when the process is a different
 * one (pid reuse), has exec'd, or the stack runs through code mapped
 * since (dlopen).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdwfl.h>

#include "model.h"

#define SRCMAP_MAX_PROCS	16	/* server, clients, forked children */
#define SRCMAP_MAX_FRAMES	256	/* a corrupt stack must not loop */
#define SRCMAP_MAX_SOURCE	(16 * 1024 * 1024)
#define SRCMAP_DELETED		" (deleted)"

/* What identifies one program image in one process. */
struct proc_key {
	pid_t			 pid;
	unsigned long long	 starttime;	/* differs after pid reuse */
	unsigned long long	 startcode;	/* differs after exec (ASLR) */
	unsigned long long	 startstack;
	dev_t			 exe_dev;	/* differs after exec of another file */
	ino_t			 exe_ino;
};

struct srcmap_proc {
	TAILQ_ENTRY(srcmap_proc) entry;
	struct proc_key		 key;
	uint64_t		 used;		/* LRU clock */
	Dwfl			*dwfl;		/* NULL: why says what is missing */
	Dwfl_Module		*exe_mod;
	char			 exe[PATH_MAX];
	char			 why[160];
};

struct srcfile {
	TAILQ_ENTRY(srcfile)	 entry;
	char			*path;
	char			*text;		/* the bytes, each '\n' now '\0' */
	char			**lines;	/* into text, NULL-terminated */
	size_t			 nlines;
	char			 why[160];	/* when lines is NULL */
};

struct srcmap {
	TAILQ_HEAD(srcmap_procs, srcmap_proc) procs;
	size_t			 nprocs;
	uint64_t		 clock;
	TAILQ_HEAD(srcfiles, srcfile) files;
	char			 error[160];
};

/*
 * Separate debug info only from the local build-id tree: the standard
 * callback would ask a debuginfod server when DEBUGINFOD_URLS is set
 * (Debian's profile.d offers that), a network wait at every pause.
 */
static int
srcmap_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, const char *file_name, const char *debuglink_file,
    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const unsigned char *id;
	GElf_Addr vaddr;
	char path[PATH_MAX];
	int len, off, i, fd;

	(void)userdata;
	(void)modname;
	(void)base;
	(void)file_name;
	(void)debuglink_file;
	(void)debuglink_crc;
	if ((len = dwfl_module_build_id(mod, &id, &vaddr)) < 2)
		return -1;
	off = snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%02x/",
	    id[0]);
	for (i = 1; i < len; i++)
		off += snprintf(path + off, sizeof(path) - off, "%02x", id[i]);
	strlcat(path, ".debug", sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	*debuginfo_file_name = xstrdup(path);
	return fd;
}

static char *srcmap_debuginfo_path;

static const Dwfl_Callbacks srcmap_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = srcmap_find_debuginfo,
	.debuginfo_path = &srcmap_debuginfo_path,
};

struct srcmap *
srcmap_create(void)
{
	struct srcmap *sm;

	sm = xcalloc(1, sizeof(*sm));
	TAILQ_INIT(&sm->procs);
	TAILQ_INIT(&sm->files);
	return sm;
}

static void
srcmap_proc_free(struct srcmap_proc *p)
{
	/* Attached with assume_ptrace_stopped: dwfl_end never detaches. */
	if (p->dwfl != NULL)
		dwfl_end(p->dwfl);
	free(p);
}

static void
srcfile_free(struct srcfile *f)
{
	free(f->path);
	free(f->text);
	free(f->lines);
	free(f);
}

void
srcmap_destroy(struct srcmap *sm)
{
	struct srcmap_proc *p;
	struct srcfile *f;

	if (sm == NULL)
		return;
	while ((p = TAILQ_FIRST(&sm->procs)) != NULL) {
		TAILQ_REMOVE(&sm->procs, p, entry);
		srcmap_proc_free(p);
	}
	while ((f = TAILQ_FIRST(&sm->files)) != NULL) {
		TAILQ_REMOVE(&sm->files, f, entry);
		srcfile_free(f);
	}
	free(sm);
}

/* The key of what pid runs now, and the path of its executable. */
static int
proc_key_read(pid_t pid, struct proc_key *k, char *exe, size_t exelen,
    char *why, size_t whylen)
{
	char path[64], buf[1024], *s, *tok, *last;
	unsigned long long v[26];
	struct stat st;
	ssize_t n;
	int fd, i;

	memset(k, 0, sizeof(*k));
	k->pid = pid;
	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
	if ((n = readlink(path, exe, exelen - 1)) == -1 ||
	    stat(path, &st) == -1) {
		snprintf(why, whylen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	k->exe_dev = st.st_dev;
	k->exe_ino = st.st_ino;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	/* Fields after "(comm)", which may itself hold spaces and ')'. */
	if (n <= 0 || (buf[n] = '\0', s = strrchr(buf, ')')) == NULL) {
		snprintf(why, whylen, "cannot parse %s", path);
		return -1;
	}
	memset(v, 0, sizeof(v));
	i = 0;
	for (tok = strtok_r(s + 1, " ", &last); tok != NULL && i < 26;
	    tok = strtok_r(NULL, " ", &last))
		v[i++] = strtoull(tok, NULL, 10);
	if (i < 26) {
		snprintf(why, whylen, "cannot parse %s", path);
		return -1;
	}
	/* v[0] is field 3 (state): starttime 22, startcode 26, startstack 28 */
	k->starttime = v[19];
	k->startcode = v[23];
	k->startstack = v[25];
	return 0;
}

static bool
proc_key_equal(const struct proc_key *a, const struct proc_key *b)
{
	return a->pid == b->pid && a->starttime == b->starttime &&
	    a->startcode == b->startcode && a->startstack == b->startstack &&
	    a->exe_dev == b->exe_dev && a->exe_ino == b->exe_ino;
}

/* A path short enough for a why[] that still says more after it. */
#define SHORT_PATH	80
static const char *
short_path(const char *path, char *buf)
{
	size_t len = strlen(path);

	if (len <= SHORT_PATH)
		return path;
	snprintf(buf, SHORT_PATH + 1, "...%s", path + len - (SHORT_PATH - 3));
	return buf;
}

struct find_exe_arg {
	const char	*exe;
	Dwfl_Module	*mod;
};

static int
find_exe_module(Dwfl_Module *mod, void **userdata, const char *name,
    Dwarf_Addr start, void *arg)
{
	struct find_exe_arg *fa = arg;

	(void)userdata;
	(void)start;
	if (strcmp(name, fa->exe) != 0)
		return DWARF_CB_OK;
	fa->mod = mod;
	return DWARF_CB_ABORT;
}

/* Reports the modules of p's process and attaches to it; p->why if not. */
static int
srcmap_proc_build(struct srcmap_proc *p)
{
	char sp[SHORT_PATH + 1];
	struct find_exe_arg fa;
	pid_t pid = p->key.pid;
	Dwarf_Addr bias;
	size_t len;
	int r;

	if (p->dwfl != NULL)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->exe_mod = NULL;
	p->why[0] = '\0';

	len = strlen(p->exe);
	if (len > strlen(SRCMAP_DELETED) && strcmp(p->exe + len -
	    strlen(SRCMAP_DELETED), SRCMAP_DELETED) == 0) {
		char was[PATH_MAX];

		strlcpy(was, p->exe, len - strlen(SRCMAP_DELETED) + 1);
		snprintf(p->why, sizeof(p->why), "%s was replaced on disk "
		    "since it started (rebuilt?)", short_path(was, sp));
		return -1;
	}

	if ((p->dwfl = dwfl_begin(&srcmap_callbacks)) == NULL) {
		snprintf(p->why, sizeof(p->why), "libdw: %s", dwfl_errmsg(-1));
		return -1;
	}
	dwfl_report_begin(p->dwfl);
	r = dwfl_linux_proc_report(p->dwfl, pid);
	if (dwfl_report_end(p->dwfl, NULL, NULL) != 0 || r != 0) {
		snprintf(p->why, sizeof(p->why), "cannot read the maps of "
		    "%ld: %s", (long)pid, r > 0 ? strerror(r) :
		    dwfl_errmsg(-1));
		goto fail;
	}

	fa.exe = p->exe;
	fa.mod = NULL;
	dwfl_getmodules(p->dwfl, find_exe_module, &fa, 0);
	if ((p->exe_mod = fa.mod) == NULL) {
		snprintf(p->why, sizeof(p->why), "%s is not mapped in %ld",
		    short_path(p->exe, sp), (long)pid);
		goto fail;
	}
	if (dwfl_module_getdwarf(p->exe_mod, &bias) == NULL) {
		snprintf(p->why, sizeof(p->why), "no debug info for %s "
		    "(build it with -g)", short_path(p->exe, sp));
		goto fail;
	}

	/* true: we hold it ptrace-stopped; libdwfl must not attach,
	 * detach or resume it, only read registers and memory. */
	if ((r = dwfl_linux_proc_attach(p->dwfl, pid, true)) != 0) {
		snprintf(p->why, sizeof(p->why), "cannot unwind %ld: %s",
		    (long)pid, r > 0 ? strerror(r) : dwfl_errmsg(-1));
		goto fail;
	}
	return 0;

fail:
	dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->exe_mod = NULL;
	return -1;
}

/* The cached state for what pid runs now, built if needed. */
static struct srcmap_proc *
srcmap_proc_get(struct srcmap *sm, pid_t pid, char *why, size_t whylen)
{
	struct srcmap_proc *p, *oldest;
	struct proc_key key;
	char exe[PATH_MAX];

	if (proc_key_read(pid, &key, exe, sizeof(exe), why, whylen) != 0)
		return NULL;

	TAILQ_FOREACH(p, &sm->procs, entry) {
		if (p->key.pid == pid)
			break;
	}
	if (p != NULL && proc_key_equal(&p->key, &key)) {
		p->used = ++sm->clock;
		return p;
	}
	if (p == NULL && sm->nprocs >= SRCMAP_MAX_PROCS) {
		oldest = TAILQ_FIRST(&sm->procs);
		TAILQ_FOREACH(p, &sm->procs, entry) {
			if (p->used < oldest->used)
				oldest = p;
		}
		p = oldest;
		if (p->dwfl != NULL)
			dwfl_end(p->dwfl);
		p->dwfl = NULL;
	}
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		TAILQ_INSERT_TAIL(&sm->procs, p, entry);
		sm->nprocs++;
	}
	p->key = key;
	p->used = ++sm->clock;
	strlcpy(p->exe, exe, sizeof(p->exe));
	srcmap_proc_build(p);	/* a failure is cached in p->why */
	return p;
}

struct unwind_arg {
	struct srcmap_proc	*p;
	struct srcloc		*loc;
	int			 nframes;
	bool			 stop_at_unknown;
	bool			 unknown_pc;	/* in no reported module */
	bool			 found;
};

static void
srcloc_set_file(struct srcloc *loc, Dwfl_Line *line, const char *file)
{
	char real[PATH_MAX];
	const char *dir;

	if (file[0] != '/' && (dir = dwfl_line_comp_dir(line)) != NULL)
		snprintf(loc->file, sizeof(loc->file), "%s/%s", dir, file);
	else
		strlcpy(loc->file, file, sizeof(loc->file));
	/* "/src/build/../prog.c" -> "/src/prog.c" when it exists */
	if (realpath(loc->file, real) != NULL)
		strlcpy(loc->file, real, sizeof(loc->file));
}

/*
 * The innermost function around pc, inlined ones included: at -O2 a
 * helper inlined into main is still named.  The symbol table is the
 * fallback, and only knows the outer function.
 */
static void
srcloc_set_func(struct srcloc *loc, Dwfl_Module *mod, Dwarf_Addr pc)
{
	Dwarf_Die *cu, *scopes;
	Dwarf_Addr bias;
	const char *name = NULL;
	int i, n, tag;

	if ((cu = dwfl_module_addrdie(mod, pc, &bias)) != NULL &&
	    (n = dwarf_getscopes(cu, pc - bias, &scopes)) > 0) {
		for (i = 0; i < n; i++) {
			tag = dwarf_tag(&scopes[i]);
			if (tag == DW_TAG_subprogram ||
			    tag == DW_TAG_inlined_subroutine) {
				name = dwarf_diename(&scopes[i]);
				break;
			}
		}
		if (name != NULL)
			strlcpy(loc->func, name, sizeof(loc->func));
		free(scopes);
	}
	if (name == NULL && (name = dwfl_module_addrname(mod, pc)) != NULL)
		strlcpy(loc->func, name, sizeof(loc->func));
	if (name == NULL)
		strlcpy(loc->func, "?", sizeof(loc->func));
}

static int
unwind_frame(Dwfl_Frame *frame, void *arg)
{
	struct unwind_arg *ua = arg;
	struct srcloc *loc = ua->loc;
	const char *file;
	Dwfl_Module *mod;
	Dwfl_Line *line;
	Dwarf_Addr pc;
	bool activation;
	int lineno;

	if (++ua->nframes > SRCMAP_MAX_FRAMES)
		return DWARF_CB_ABORT;
	if (!dwfl_frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	/*
	 * A return address points after the call instruction; at a syscall
	 * stop the first pc points after the syscall instruction.  Either
	 * way the instruction that brought us here ends just before pc.
	 */
	if (!activation || ua->nframes == 1)
		pc--;
	/*
	 * Past code in no reported module the unwinder guesses from the
	 * frame pointer and may skip the frame we want: stop, so that the
	 * caller reads the maps again.  The second time, take the guess.
	 */
	if ((mod = dwfl_addrmodule(ua->p->dwfl, pc)) == NULL) {
		ua->unknown_pc = true;
		return ua->stop_at_unknown ? DWARF_CB_ABORT : DWARF_CB_OK;
	}
	if (mod != ua->p->exe_mod)
		return DWARF_CB_OK;
	if ((line = dwfl_module_getsrc(mod, pc)) == NULL)
		return DWARF_CB_OK;
	file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	if (file == NULL || lineno <= 0)
		return DWARF_CB_OK;

	srcloc_set_file(loc, line, file);
	loc->line = lineno;
	srcloc_set_func(loc, mod, pc);
	ua->found = true;
	return DWARF_CB_ABORT;
}

static int
srcmap_unwind(struct srcmap_proc *p, pid_t pid, struct srcloc *loc,
    bool stop_at_unknown, bool *unknown_pc)
{
	char sp[SHORT_PATH + 1];
	struct unwind_arg ua;
	int r;

	memset(&ua, 0, sizeof(ua));
	ua.p = p;
	ua.loc = loc;
	ua.stop_at_unknown = stop_at_unknown;
	r = dwfl_getthread_frames(p->dwfl, pid, unwind_frame, &ua);
	*unknown_pc = ua.unknown_pc;
	if (ua.found)
		return 0;
	if (ua.unknown_pc && stop_at_unknown)
		snprintf(loc->why, sizeof(loc->why), "the stack runs through "
		    "code not mapped from a file");
	else if (r == -1)
		snprintf(loc->why, sizeof(loc->why), "no caller in %s has a "
		    "source line (unwinding stopped: %s)", short_path(p->exe, sp),
		    dwfl_errmsg(-1));
	else
		snprintf(loc->why, sizeof(loc->why), "no caller in %s has a "
		    "source line on the stack", short_path(p->exe, sp));
	return -1;
}

int
srcmap_call_site(struct srcmap *sm, pid_t pid, struct srcloc *loc)
{
	struct srcmap_proc *p;
	bool unknown_pc;

	memset(loc, 0, sizeof(*loc));
	if ((p = srcmap_proc_get(sm, pid, loc->why, sizeof(loc->why))) == NULL)
		return -1;
	if (p->dwfl == NULL) {
		strlcpy(loc->why, p->why, sizeof(loc->why));
		return -1;
	}
	if (srcmap_unwind(p, pid, loc, true, &unknown_pc) == 0) {
		loc->ok = true;
		return 0;
	}
	/* Code mapped since the maps were read (dlopen): read them again. */
	if (unknown_pc) {
		if (srcmap_proc_build(p) != 0) {
			strlcpy(loc->why, p->why, sizeof(loc->why));
			return -1;
		}
		memset(loc, 0, sizeof(*loc));
		if (srcmap_unwind(p, pid, loc, false, &unknown_pc) == 0) {
			loc->ok = true;
			return 0;
		}
	}
	return -1;
}

static int
srcfile_read(struct srcfile *f)
{
	struct stat st;
	size_t n, cap, len;
	char *s;
	int fd;

	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(f->why, sizeof(f->why), "cannot open %s: %s",
		    f->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(f->why, sizeof(f->why), "%s is not a file", f->path);
		close(fd);
		return -1;
	}
	if (st.st_size > SRCMAP_MAX_SOURCE) {
		snprintf(f->why, sizeof(f->why), "%s is too large to show",
		    f->path);
		close(fd);
		return -1;
	}
	len = (size_t)st.st_size;
	f->text = xmalloc(len + 1);
	n = 0;
	while (n < len) {
		ssize_t r = read(fd, f->text + n, len - n);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	f->text[n] = '\0';

	cap = 64;
	f->lines = xreallocarray(NULL, cap, sizeof(*f->lines));
	for (s = f->text; s < f->text + n; ) {
		char *nl = memchr(s, '\n', (size_t)(f->text + n - s));

		if (f->nlines + 1 >= cap) {
			cap *= 2;
			f->lines = xreallocarray(f->lines, cap,
			    sizeof(*f->lines));
		}
		f->lines[f->nlines++] = s;
		if (nl == NULL)
			break;
		*nl = '\0';
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		s = nl + 1;
	}
	f->lines[f->nlines] = NULL;
	return 0;
}

const char *const *
srcmap_source_lines(struct srcmap *sm, const char *file, size_t *nlines)
{
	struct srcfile *f;

	*nlines = 0;
	sm->error[0] = '\0';
	TAILQ_FOREACH(f, &sm->files, entry) {
		if (strcmp(f->path, file) == 0)
			break;
	}
	if (f == NULL) {
		struct stat st;

		f = xcalloc(1, sizeof(*f));
		f->path = xstrdup(file);
		/*
		 * The path comes from the program's debug information: a
		 * FIFO there would hang open() and the screen with it.
		 * Nothing but a regular file is opened (stat follows the
		 * link, as open does).
		 */
		if (stat(file, &st) == 0 && !S_ISREG(st.st_mode))
			snprintf(f->why, sizeof(f->why), "%s is not a "
			    "regular file", f->path);
		else if (srcfile_read(f) != 0) {
			free(f->text);
			free(f->lines);
			f->text = NULL;
			f->lines = NULL;
		}
		TAILQ_INSERT_TAIL(&sm->files, f, entry);
	}
	if (f->lines == NULL) {
		strlcpy(sm->error, f->why, sizeof(sm->error));
		return NULL;
	}
	*nlines = f->nlines;
	return (const char *const *)f->lines;
}

const char *
srcmap_error(const struct srcmap *sm)
{
	return sm->error;
}
