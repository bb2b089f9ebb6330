/*
 * lab-close.c - does a close() end the connection?  Only the last
 * reference to a socket does: after a fork the parent's close() of the
 * connected socket sends no FIN while the child still holds it (the
 * book's fork server, chapter 10).  The views drew a FIN at every close
 * of a connected fd; with several processes in the lab they ask here,
 * and the answer is the kernel's: /proc/PID/fd of every other lab
 * process, read when the close has returned.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "lab-private.h"

/* "socket:[1234]" -> 1234; 0 when fd is no socket. */
static uint64_t
lab_fd_inode(pid_t pid, int fd)
{
	char path[64], link[64];
	unsigned long long ino;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	if ((n = readlink(path, link, sizeof link - 1)) <= 0)
		return 0;
	link[n] = '\0';
	return sscanf(link, "socket:[%llu]", &ino) == 1 ? ino : 0;
}

static bool
lab_pid_holds(pid_t pid, uint64_t ino)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	bool found = false;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			found = lab_fd_inode(pid, atoi(de->d_name)) == ino;
	closedir(d);
	return found;
}

/* Is there a live lab process other than t's?  Only then can another
 * hold what t closes (threads share t's fd table). */
static bool
lab_other_process(const struct lab *lab, const struct task *t)
{
	const struct task *o;

	TAILQ_FOREACH(o, &lab->tasks, entry)
		if (lab_task_alive(o) && o->tgid != t->tgid)
			return true;
	return false;
}

/* At close()'s stop, before it runs: which socket it ends, if any. */
void
lab_close_enter(struct lab *lab, struct task *t)
{
	t->close_ino = 0;
	if (strcmp(t->call.desc->name, "close") == 0 &&
	    lab_other_process(lab, t))
		t->close_ino = lab_fd_inode(t->tgid, (int)t->call.args[0]);
}

/* After it returned: a lab task of another process that still holds
 * the socket (so no FIN was sent), or NULL. */
struct task *
lab_close_holder(struct lab *lab, struct task *t)
{
	struct task *o;
	uint64_t ino = t->close_ino;

	t->close_ino = 0;
	if (ino == 0 || t->call.err != 0)
		return NULL;
	TAILQ_FOREACH(o, &lab->tasks, entry)
		if (lab_task_alive(o) && o->tgid != t->tgid &&
		    o->tid == o->tgid && lab_pid_holds(o->tgid, ino))
			return o;
	return NULL;
}
