/*
 * model.h - the model layer: the watched calls and their decoding
 * (syscall-*), the tracer (trace-*), the kernel view (sock-*), source
 * lines (srcmap), and the lab (lab*): sides, their states, one
 * transition function, jobs a loop advances.  Never prints, never
 * exits, never calls curses: errors go up as -1 and a message, events
 * through observers.
 */
#ifndef MODEL_H
#define MODEL_H

#include "base.h"

/* syscall-table.c: the watched system calls (strace syscallent habit) */
enum sc_arg {
	SA_NONE = 0,
	SA_INT,		/* plain int */
	SA_FD,		/* a file descriptor */
	SA_DOMAIN,	/* AF_INET ... */
	SA_SOCKTYPE,	/* SOCK_STREAM|SOCK_CLOEXEC ... */
	SA_PROTOCOL,	/* IPPROTO_TCP ... */
	SA_SOCKADDR_IN,	/* const struct sockaddr *, its length is the next arg */
	SA_SOCKADDR_OUT,/* struct sockaddr * the kernel fills; next arg is socklen_t * */
	SA_SOCKLEN,	/* socklen_t by value */
	SA_SOCKLEN_PTR,	/* socklen_t *, shown as [in] at entry, [in->out] at exit */
	SA_BUF_IN,	/* buffer the call reads (write, send); length is the next arg */
	SA_BUF_OUT,	/* buffer the call fills (read, recv); shown at exit, ret bytes */
	SA_SIZE,	/* size_t */
	SA_ACCEPT_FLAGS,/* SOCK_NONBLOCK|SOCK_CLOEXEC */
	SA_MSG_FLAGS,	/* MSG_DONTWAIT|MSG_PEEK ... */
	SA_SHUT_HOW,	/* SHUT_RD/WR/RDWR */
	SA_SOCKOPT_LEVEL,/* SOL_SOCKET, IPPROTO_TCP ... */
	SA_SOCKOPT_NAME,/* SO_REUSEADDR ... (depends on the level argument) */
	SA_SOCKOPT_VAL_IN,  /* optval the call reads, length is the next arg */
	SA_SOCKOPT_VAL_OUT, /* optval the kernel fills, next arg is socklen_t * */
	SA_MSGHDR_IN,	/* struct msghdr * for sendmsg */
	SA_MSGHDR_OUT,	/* struct msghdr * for recvmsg, shown at exit */
	SA_PTR,		/* any other pointer, shown in hex or NULL */
	SA_IOV_IN,	/* const struct iovec * of writev; count is the next arg */
	SA_IOV_OUT,	/* struct iovec * of readv; ret bytes shown at exit */
	SA_MMSGHDR_IN,	/* struct mmsghdr * of sendmmsg; vlen is the next arg */
	SA_MMSGHDR_OUT,	/* struct mmsghdr * of recvmmsg, ret of them at exit */
	SA_FDPAIR,	/* int[2] of socketpair, "[3, 4]" at exit */
	SA_LOFF_PTR,	/* loff_t * of sendfile/splice: [in] at entry, [in->out] at exit */
	SA_SPLICE_FLAGS,/* SPLICE_F_MOVE ... */
	SA_UINT,	/* unsigned int by value (sendmmsg's vlen) */
	/* syscall-poll.c */
	SA_POLLFDS,	/* struct pollfd *; count is the SA_NFDS arg; revents at exit */
	SA_NFDS,	/* the pollfd count */
	SA_FDSET,	/* fd_set * of select; arg 0 is nfds; "[in]->[ready]" at exit */
	SA_TIMESPEC,	/* const struct timespec * */
	SA_TIMEVAL,	/* struct timeval * */
	SA_EPOLL_EVENTS,/* struct epoll_event * the kernel fills, ret of them */
	SA_EPOLL_EVENT_IN, /* const struct epoll_event * of epoll_ctl */
	SA_EPOLL_OP,	/* EPOLL_CTL_ADD ... */
	SA_DUP_FLAGS,	/* O_CLOEXEC of dup3 */
	SA_FCNTL_CMD,	/* F_SETFL ... */
	SA_FCNTL_ARG,	/* O_NONBLOCK ... depending on the command */
};

/* Which stage of the chapter's flowcharts a call belongs to. */
enum sc_stage {
	STAGE_NONE = 0,
	STAGE_SOCKET,
	STAGE_BIND,
	STAGE_LISTEN,
	STAGE_ACCEPT,
	STAGE_CONNECT,
	STAGE_RW,
	STAGE_CLOSE,
};

/* SCF_FD0, SCF_FD1, SCF_FD2 together (splice): pause if any is a socket. */
#define SCF_FD0		0x01	/* arg 0 is an fd: pause only if it is a socket */
#define SCF_RET_FD	0x02	/* a non-negative return is a new fd */
#define SCF_FDLIST	0x04	/* fds in memory (poll, select): pause if one is a socket */
#define SCF_EPOLL	0x08	/* arg 0 an epoll fd: pause if it watches a socket */
#define SCF_FD2		0x10	/* arg 2 is an fd (epoll_ctl): pause if a socket */
#define SCF_DATA	0x20	/* moves data or asks: adds or ends no socket (sendto only without an address) */
#define SCF_FD1		0x40	/* arg 1 is an fd (sendfile's in_fd): pause if a socket */
#define SCF_RET_FDPAIR	0x80	/* on success the SA_FDPAIR argument holds two new fds */
#define SCF_MAXARGS	6

struct sc_desc {
	long		 nr;
	const char	*name;
	unsigned	 nargs;
	enum sc_arg	 arg[SCF_MAXARGS];
	unsigned	 flags;
	enum sc_stage	 stage;
	const char	*explain_en;	/* one line: what it does, what to watch */
	const char	*explain_zh;
};
const struct sc_desc	*sc_lookup(long);
const struct sc_desc	*sc_lookup_name(const char *);
size_t			 sc_count(void);
const struct sc_desc	*sc_at(size_t);
const char		*sc_stage_name(enum sc_stage);
/* Is a call of this name what a step naming `want` means?  The name
 * itself, or one of its family (accept4 for accept; recv, recvfrom,
 * recvmsg, readv for read; send, sendto, sendmsg, writev for write). */
bool			 sc_name_matches(const char *name, const char *want);
int			 sc_data_direction(const struct sc_desc *);	/* 1 out, -1 in */

/* syscall-xlat.c: constants to names, from tables of struct xlat */
struct xlat {
	unsigned	 val;
	const char	*name;
};
/* The name is the macro's own spelling: no table entry can drift. */
#define XLAT(v)		{ (unsigned)(v), #v }
/* "O_NONBLOCK|O_CLOEXEC", unclaimed bits as hex, "0" for none */
void		 sc_xlat_flags(struct sbuf *, const struct xlat *, size_t,
		    unsigned);
/* the entry's name, or the number in decimal */
void		 sc_xlat_value(struct sbuf *, const struct xlat *, size_t, int);
const char	*sc_errno_name(int);		/* "ECONNREFUSED"; NULL if unknown */
/* "Connection refused", in English whatever the locale; NULL if unknown */
const char	*sc_errno_desc(int);
const char	*sc_domain_name(int);		/* "AF_INET"; NULL if unknown */
void		 sc_format_socktype(struct sbuf *, int);
void		 sc_format_protocol(struct sbuf *, int);
void		 sc_format_msg_flags(struct sbuf *, unsigned);
void		 sc_format_accept_flags(struct sbuf *, unsigned);
void		 sc_format_shut_how(struct sbuf *, int);
void		 sc_format_sockopt_level(struct sbuf *, int);
void		 sc_format_sockopt_name(struct sbuf *, int level, int name);
void		 sc_format_splice_flags(struct sbuf *, unsigned);
/*
 * "{AF_INET, 127.0.0.1:9190}", "{AF_INET6, [::1]:9190}",
 * "{AF_UNIX, \"/tmp/s\"}"; a truncated or unknown address says so.
 */
void		 sc_format_sockaddr(struct sbuf *, const void *, size_t);
/* "127.0.0.1:9190" or "[::1]:9190"; "?" for other families. */
void		 sc_format_addr_port(struct sbuf *, const struct sockaddr_storage *);
/* Quoted, escaped with strvis, at most 64 bytes then "..." when total > len. */
#define SC_BUF_SHOW	64
void		 sc_format_buf(struct sbuf *, const void *, size_t len, size_t total);

/* syscall-decode.c: a call's arguments from tracee memory */
struct sc_mem {
	/* Returns bytes read, or -1.  A fuzzer passes its own reader. */
	ssize_t	(*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void	*ctx;
};
ssize_t	 sc_mem_tracee_read(void *ctx, uint64_t, void *, size_t); /* ctx: pid_t * */

struct sc_call {
	const struct sc_desc	*desc;
	long			 nr;
	uint64_t		 args[SCF_MAXARGS];
	char			*argstr[SCF_MAXARGS];	/* decoded; owned */
	bool			 returned;
	int64_t			 ret;
	int			 err;	/* errno when ret is -1..-4095, else 0 */
	/* For accept/getsockname/getpeername/recvfrom: the address the
	 * kernel wrote, valid when addr_len > 0. */
	struct sockaddr_storage	 addr;
	socklen_t		 addr_len;
	/* The *socklen_t read at entry, for "[in->out]" at exit and to
	 * know how much of an address the kernel may have written. */
	bool			 socklen_in_ok;
	socklen_t		 socklen_in;
};
void	sc_call_init(struct sc_call *, const struct sc_desc *, const uint64_t *);
void	sc_decode_entry(struct sc_call *, const struct sc_mem *);
void	sc_decode_exit(struct sc_call *, const struct sc_mem *, int64_t ret);
void	sc_call_clear(struct sc_call *);
void	sc_call_copy(struct sc_call *dst, const struct sc_call *src);
void	sc_format_args(struct sbuf *, const struct sc_call *);	/* "3, {...}, 16" */
/* "= 0", "= -1 ECONNREFUSED (Connection refused)" */
void	sc_format_ret(struct sbuf *, const struct sc_call *);
/* name(args) = ret, or name(args) when not returned */
void	sc_format_call(struct sbuf *, const struct sc_call *);

/* Tracee memory, all of it or nothing (half an address would be
 * decoded wrongly); and a pointer as strace prints it. */
bool	sc_mem_read(const struct sc_mem *, uint64_t addr, void *, size_t);
void	sc_add_ptr(struct sbuf *, uint64_t addr);

/* syscall-poll.c: poll, select, epoll, dup, fcntl arguments */
bool	sc_decode_poll_arg(struct sbuf *, const struct sc_call *,
	    const struct sc_mem *, unsigned i, bool at_exit);
/* The fds a poll/select names (SCF_FDLIST), at most max. */
size_t	sc_call_fds(const struct sc_call *, const struct sc_mem *, int *fds,
	    size_t max);

/* trace-spawn.c, trace-seccomp.c, trace-event.c: the tracer */
enum trace_ev {
	TEV_NONE = 0,
	TEV_SYSCALL_ENTRY,	/* seccomp stop: a watched call is about to run */
	TEV_SYSCALL_ENTRY_PLAIN,/* a plain syscall-entry stop (not expected) */
	TEV_SYSCALL_EXIT,	/* the call returned */
	TEV_EXEC,
	TEV_FORK,		/* child holds the new pid */
	TEV_SIGNAL,		/* signal-delivery stop; sig to pass on */
	TEV_EXITED,		/* status holds the wait status */
	TEV_KILLED,		/* killed by sig */
	TEV_GROUP_STOP,		/* the task stopped (SIGSTOP ...); sig says which */
	TEV_OTHER,
};
struct trace_event {
	enum trace_ev	 type;
	pid_t		 pid;
	int		 status;
	int		 sig;
	pid_t		 child;
	long		 nr;
	uint64_t	 args[SCF_MAXARGS];
	int64_t		 rval;
};
int	 trace_resolve(const char *, char *, size_t, char *, size_t);
/* A program started in two halves (both sides' sessions set up at
 * once): the program's pid, and the session leader's that holds its
 * pty, once finished. */
struct trace_spawning {
	pid_t	 leader;
	int	 master, info, go;
};
/* netns: the network namespace the program runs in (setns before it
 * execs, while it still holds sockstep's capabilities); -1 sockstep's */
int	 trace_spawn_start(const char *path, char *const argv[], int netns,
	    struct trace_spawning *, char *err, size_t);
int	 trace_spawn_finish(struct trace_spawning *, pid_t *pid,
	    pid_t *leader, int *pty, char *err, size_t);
void	 trace_spawn_abort(struct trace_spawning *);
int	 trace_seccomp_install(void);
void	 trace_setup_failure(int status, char *, size_t);
int	 trace_next_event(struct trace_event *);
int	 trace_resume(pid_t, bool to_exit, int sig);
int	 trace_listen(pid_t);
void	 trace_kill(pid_t);
bool	 trace_fd_is_socket(pid_t, int);
/* trace-fds.c: does this call involve a socket of pid?  (The rule that
 * calls on other fds run through, for every kind of fd argument.)  The
 * answers are cached per (pid, fd) in a struct trace_fds (NULL: none);
 * it must hear of every call and new task. */
struct trace_fds;
struct trace_fds *trace_fds_create(void);
void	 trace_fds_destroy(struct trace_fds *);
bool	 trace_call_on_socket(struct trace_fds *, pid_t,
	    const struct sc_desc *, const uint64_t *);
bool	 trace_fds_saw_call(struct trace_fds *, long nr, const uint64_t *args);
void	 trace_fds_changed(struct trace_fds *);
void	 trace_fds_new_task(struct trace_fds *, pid_t parent, pid_t child);
void	 trace_fds_forget(struct trace_fds *);
bool	 trace_fds_table_call(long nr);
uint64_t trace_fds_table_gen(const struct trace_fds *);

/* sock-diag.c, sock-proc.c, sock-name.c: the kernel view */
struct ksock {
	int			 state;		/* TCP_ESTABLISHED ... */
	int			 family;
	struct sockaddr_storage	 local;
	struct sockaddr_storage	 peer;
	uint32_t		 rqueue;	/* listener: accept queue length */
	uint32_t		 wqueue;	/* listener: backlog */
	uint64_t		 inode;
	bool			 in_diag;	/* seen by sock_diag (else only in /proc) */
	int			 side;		/* lab side index, -1 if no lab process holds it */
	pid_t			 pid;
	int			 fd;
	bool			 in_accept_queue; /* ESTABLISHED on the port, held by no one */
	int			 nholders;	/* lab fds on it: >1 after fork or dup */
#define KSOCK_HOLDERS	4
	struct kholder {		/* the first of them, each (pid, fd) */
		pid_t		 pid;
		int		 fd;
		int		 side;
	}			 holders[KSOCK_HOLDERS];
	uint32_t		 cookie[2];	/* the kernel's id of this socket (sock_diag) */
	uint32_t		 ifindex;	/* bound device, as sock_diag gave it */
	/* Issue 16 §3, what `ss -tmi` shows.  synq: a listener's SYN queue,
	 * the request socks (SYN-RECV, no inode) on its port, counted in
	 * sock-view.c as ss lists them.  The rest is tcp_info
	 * (INET_DIAG_INFO), which TIME-WAIT and request socks lack. */
	uint32_t		 synq;
	bool			 has_info;
	uint8_t			 retransmits;	/* tcpi_retransmits: the head segment's, now */
	uint32_t		 total_retrans;	/* tcpi_total_retrans: all so far */
	uint32_t		 rtt_us;	/* tcpi_rtt, tcpi_rttvar */
	uint32_t		 rttvar_us;
	uint32_t		 notsent;	/* tcpi_notsent_bytes: written, not sent */
	int			 host;		/* 0 the server's host, 1 the client's */
};
struct kproc {			/* what the lab asks about */
	pid_t	 pid;
	int	 side;
	bool	 thread;	/* a thread: asked if blocked, its fds are its process's */
	/* The lab's word that its socket fds are as they were when this
	 * number was last given (trace_fds_table_gen); 0: no word. */
	uint64_t fdgen;
	/* Its one task is held by the tracer at a stop not yet resumed:
	 * in state 't', the same process, one thread (no stat needed). */
	bool	 held;
};
struct kblocked {
	int	 side;
	pid_t	 pid;
	long	 nr;		/* the call it sleeps in, from /proc/PID/syscall */
	char	 wchan[64];	/* "" when unreadable */
	bool	 input;		/* a read() of its terminal: waiting for input */
};
struct kview {
	struct ksock	*socks;
	size_t		 nsocks;
	struct kblocked	*blocked;
	size_t		 nblocked;
	bool		 diag_ok;
	char		 diag_err[128];
	struct kfdcache	*fdcache;	/* sock-view.c; kept across snapshots */
	struct kdiagcache *diagcache;	/* sock-view.c: the last full dump */
	struct proc_files *procf;	/* kept /proc files, kept too */
	/* Set by the caller before kview_snapshot: a number that changes
	 * whenever a socket on the port may have come or gone through the
	 * caller's programs (0: no such promise, always a full dump). */
	uint64_t	 set_gen;
	bool		 dumped;	/* this snapshot was a full dump */
	/* Lab sockets named with another port, past the few looked up
	 * (sock-view.c): open, but where they are is not known. */
	uint64_t	*unseen;	/* their inodes */
	size_t		 nunseen;
	/* TcpExt ListenOverflows and ListenDrops of sockstep's network
	 * namespace (the lab's, where the listener is), /proc/net/netstat */
	bool		 netstat_ok;
	uint64_t	 listen_overflows;
	uint64_t	 listen_drops;
	/* Set by the caller, kept across snapshots: two hosts (issue 16
	 * §1), each asked through its own sock_diag socket (hostfd[0] the
	 * server's, [1] the client's) and each row marked with its host.
	 * nhosts 0 or 1: the current namespace, through a socket the view
	 * opens at its first snapshot and keeps. */
	int		 nhosts;
	int		 hostfd[2];
};
#define TCP_LISTEN_STATE 10	/* TCP_LISTEN in the kernel's numbering */
const char	*tcp_state_name(int);	/* "LISTEN", "SYN-SENT", ... */
/* sockets whose local or peer port is port, both families, TCP */
int		 sock_diag_dump(uint16_t port, struct ksock **, size_t *, char *err, size_t errlen);
/* Each socket of a dump asked about again by address and cookie: 0 when
 * every one is still there in the same state (queues updated in place),
 * 1 when anything differs (the set may have changed: dump), -1 error. */
int		 sock_diag_refresh(struct ksock *, size_t, char *err, size_t errlen);
/* sock-netstat.c: TcpExt ListenOverflows, ListenDrops; -1 if unreadable */
int		 sock_netstat_listen(uint64_t *overflows, uint64_t *drops);
/* Both, through a sock_diag socket kept open (one made in another
 * network namespace asks there); fd -1: one made here for the call. */
int		 sock_diag_dump_on(int fd, uint16_t port, struct ksock **,
		    size_t *, char *err, size_t errlen);
int		 sock_diag_refresh_on(int fd, struct ksock *, size_t, char *err,
		    size_t errlen);
/* /proc files of the lab's processes kept open between reads (issue 8);
 * every sock_proc_* below takes one, or NULL to open and close. */
struct proc_files;
struct proc_files *proc_files_create(void);
void		 proc_files_destroy(struct proc_files *);
/* calls fn for each socket fd of pid */
int		 sock_proc_fds(pid_t, void (*fn)(void *, int fd, uint64_t inode), void *);
/* state letter from /proc/PID/stat; when it is S or D, the syscall from
 * /proc/PID/syscall (-1 if running) and wchan, else -1 and "";
 * returns -1 when the process is gone */
pid_t		 sock_proc_tgid(pid_t tid);	/* 0: gone */
int		 sock_proc_sleep(struct proc_files *, pid_t, char *state, long *nr,
		    char *wchan, size_t);
/* the call a sleeping task is in, with its arguments; -1 if none */
int		 sock_proc_syscall(struct proc_files *, pid_t, long *nr,
		    uint64_t args[6]);
struct kproc_stat {		/* from /proc/PID/stat */
	char			 state;
	long			 threads;
	unsigned long long	 start;		/* clock ticks after boot */
};
int		 sock_proc_stat(struct proc_files *, pid_t, struct kproc_stat *);
/* /proc/PID/schedstat: ns on a CPU, times put on one; -1 if not kept */
int		 sock_proc_sched(struct proc_files *, pid_t, uint64_t *runtime,
		    uint64_t *pcount);
int		 kview_snapshot(struct kview *, uint16_t port, const struct kproc *, size_t);
void		 kview_finish(struct kview *);
enum addr_source {
	ADDR_NONE = 0,
	ADDR_GETSOCKNAME,	/* sockstep called getsockname/getpeername on a copy of the fd */
	ADDR_SOCK_DIAG,		/* pidfd_getfd failed; taken from the sock_diag entry */
};
/* getsockname (peer=false) or getpeername (peer=true) on fd of pid,
 * through pidfd_open + pidfd_getfd. */
int		 sock_name_of(pid_t, int fd, bool peer, struct sockaddr_storage *, char *err, size_t);
/* An address's port in host order; 0 for a family without ports. */
uint16_t	 sock_port(const struct sockaddr_storage *);

/* net-capture.c: the TCP segments on the lab network (libpcap) */
enum seg_again {		/* what a segment repeats, told from itself */
	SEG_NEW = 0,	/* sends what was not sent before */
	SEG_RESENT,	/* data or a FIN sent before: a retransmission */
	SEG_SYN_AGAIN,	/* a SYN (or SYN-ACK) sent before */
	SEG_ACK,	/* a bare ACK of something new */
	SEG_DUP_ACK,	/* a bare ACK of nothing new */
	SEG_WINDOW,	/* ... but a new window: a window update */
	SEG_REPLY,	/* lab-wire.c: the answer to a timer's segment */
};
enum seg_cause {
	SEG_BY_STEP = 0,/* captured while a step let a call run */
	SEG_BY_TIMER,	/* while nothing ran: the kernel's timers (why) */
	SEG_BY_END,	/* while sockstep ended the programs */
};
struct tcp_segment {
	struct sockaddr_storage	 src, dst;
	uint8_t			 flags;		/* TH_SYN ... as in the header */
	/* Relative to each direction's first SYN (as tcpdump without -S);
	 * as sent when no SYN of that direction was seen. */
	uint32_t		 seq, ack;
	bool			 seq_rel, ack_rel;
	uint32_t		 len;		/* payload bytes */
	uint16_t		 win;		/* the header's raw field, not scaled */
	uint16_t		 mss;		/* SYN options: 0 none */
	int			 wscale;	/* -1 none */
	bool			 sack_ok;
	enum seg_again		 again;
	/* It acknowledges just what the other end sent last, and that
	 * was the connection's last segment: an answer to it. */
	bool			 answers;
	/* lab-wire.c: which step it belongs to */
	enum seg_cause		 cause;
	uint64_t		 cause_seq;	/* BY_STEP: the seq of the call's CALL event */
};
struct net_capture;
/* Every interface of the current network namespace; NULL + err. */
struct net_capture *net_capture_open(char *err, size_t);
void		 net_capture_close(struct net_capture *);	/* accepts NULL */
int		 net_capture_fd(const struct net_capture *);
/* fn for each segment captured so far, in order; never waits.  -1 on a
 * capture error, else how many. */
int		 net_capture_drain(struct net_capture *,
		    void (*fn)(void *, const struct tcp_segment *), void *);
uint64_t	 net_capture_lost(struct net_capture *);	/* ring overflows */
/* net-segment.c: a segment in words, for every view */
void		 seg_flags(struct sbuf *, const struct tcp_segment *);	/* "S." */
/* "127.0.0.1:47506 > 127.0.0.1:9190: Flags [S], seq 0, win 65495,
 * options [mss 65495,sackOK,wscale 7], length 0" (tcpdump's words) */
void		 seg_format(struct sbuf *, const struct tcp_segment *);
/* the same without the addresses: "[S], seq 0, win 65495, ..." */
void		 seg_format_tcp(struct sbuf *, const struct tcp_segment *);
void		 seg_label(struct sbuf *, const struct tcp_segment *);	/* "SYN,ACK", "12 B" */
/* "timer" causes: "retransmission", "syn-resent", "delayed-ack", ...;
 * NULL for a step's segment */
const char	*seg_why(const struct tcp_segment *);
const char	*seg_why_words(const struct tcp_segment *);	/* translated */

/* lab.c, lab-step.c, lab-output.c: the session model (never calls curses) */
enum side_state {
	SIDE_NOT_STARTED = 0,
	SIDE_BEFORE_CALL,	/* paused before a watched call, decoded in call */
	SIDE_RUNNING,		/* between calls, or inside one not (yet) asleep */
	SIDE_BLOCKED,		/* inside a call the kernel has put to sleep */
	SIDE_EXITED,
	SIDE_KILLED,
};
enum lab_ev {
	LEV_CALL,	/* a side paused before a call */
	LEV_RETURN,	/* a call returned */
	LEV_BLOCKED,	/* a call went to sleep in the kernel */
	LEV_OUTPUT,	/* a line the program printed */
	LEV_EXIT,	/* the program ended */
	LEV_NOTE,	/* something sockstep did (ended a process, ...) */
	LEV_INPUT,	/* a line typed into its terminal (text), or end-of-file */
	LEV_INPUT_WAIT,	/* asleep in read() of its terminal: waiting for input */
	LEV_SEGMENT,	/* a TCP segment on the lab network (seg) */
};
struct side;
struct lab;
struct task;
struct lab_event {
	uint64_t		 seq;
	enum lab_ev		 type;
	struct side		*side;
	struct task		*task;		/* the task it is of; NULL: the side's */
	pid_t			 pid;
	const struct sc_call	*call;		/* CALL, RETURN, BLOCKED */
	const char		*text;		/* OUTPUT line, NOTE, BLOCKED wchan */
	enum side_state		 state;		/* the side's state after the event */
	/* RETURN of bind/connect/listen/accept: the address sockstep read */
	struct sockaddr_storage	 local;
	enum addr_source	 local_source;
	const char		*local_origin;	/* "bind", "chosen by the kernel" */
	struct sockaddr_storage	 peer;		/* accept: getpeername of the new fd */
	enum addr_source	 peer_source;
	bool			 eof;		/* INPUT: end-of-file (Ctrl-D), no text */
	/* RETURN of close: another process of the lab still holds the
	 * socket, so the close sent no FIN (lab-close.c); NULL else. */
	const struct task	*still_held_by;
	const struct tcp_segment *seg;		/* SEGMENT */
};
struct side_feed;
typedef void (*lab_observer_fn)(struct lab *, const struct lab_event *, void *);

/*
 * A task: one thread or process of a side, traced.  It pauses before
 * each watched call with its own state and pending call.  Numbered in
 * order of appearance; the first keeps the side's bare name ("server"),
 * the next are "server.2", "server.3" ...  An ended task stays listed
 * (its number is never reused), with its call's words freed.
 */
struct task {
	pid_t			 tid;		/* the kernel's thread id */
	pid_t			 tgid;		/* its process */
	struct side		*side;		/* NULL: not told yet */
	unsigned		 num;		/* 1 the first */
	char			 name[24];	/* "server", "server.2" */
	enum side_state		 state;
	bool			 in_call;	/* resumed into call, no exit yet */
	struct sc_call		 call;		/* pending, running or last call */
	uint64_t		 call_gen;	/* bumped when call changes */
	uint64_t		 paused_seq;	/* lab seq when it paused */
	uint64_t		 sleep_since;	/* ms: first seen asleep */
	uint64_t		 activity;	/* its stops, counted */
	uint64_t		 idle_activity;
	int			 wait_status;	/* EXITED/KILLED */
	int			 stop_sig;	/* a stop signal passed on, pending */
	bool			 stopped;	/* held stopped by one */
	bool			 seen_stop;	/* its first stop was swallowed */
	bool			 refused;	/* over LAB_MAX_TASKS: killed */
	bool			 fd_change;	/* in a close the fd cache follows */
	bool			 table_call;	/* at or in a trace_fds_table_call */
	uint64_t		 close_ino;	/* the socket a pending close ends */
	unsigned		 ncalls;	/* watched calls it made */
	enum sc_stage		 stage;
	char			 wchan[64];	/* when BLOCKED */
	TAILQ_ENTRY(task)	 entry;		/* the lab's, in order of appearance */
};

/*
 * A side: a program's whole tree (its first process, threads, every
 * descendant).  Its state, call and wait status are those of the task
 * a step would take (cur: paused longest, else the first while it
 * lives, else one that lives), kept in step by lab-task.c.
 */
struct side {
	int			 index;		/* 0 server, 1.. clients */
	char			 name[16];	/* "server", "client", "client2" */
	bool			 is_server;
	char			**argv;		/* owned, NULL-terminated */
	char			 path[4096];
	pid_t			 pid;
	pid_t			 leader;	/* its session leader; 0 once gone */
	int			 pty;		/* -1 once closed */
	/* The pty master after the program closed its end: kept open, as
	 * closing it would hang up the program's terminal (SIGHUP). */
	int			 pty_held;
	bool			 wrote_other;	/* a non-socket call since the pty was read */
	size_t			 out_shown;	/* output bytes reported as events */
	size_t			 out_hidden;	/* lines kept but not reported */
	enum side_state		 state;
	bool			 in_call;	/* resumed into call, no exit yet */
	bool			 execed;	/* its program is running (exec done) */
	struct sc_call		 call;		/* pending, running or last call */
	uint64_t		 sleep_since;	/* ms: first seen asleep in call */
	uint64_t		 activity;	/* stops and output reads, counted:
						 * a side that prints or calls lives */
	uint64_t		 idle_activity;	/* activity when it fell asleep */
	int			 wait_status;	/* EXITED/KILLED */
	bool			 reaped;	/* lab_kill_all: its death collected */
	int			 stop_sig;	/* a stop signal passed on, pending */
	bool			 stopped;	/* held stopped by one (SIGSTOP ...) */
	unsigned		 stages_done;	/* bit per enum sc_stage */
	enum sc_stage		 stage;		/* stage of the pending/last call */
	char			 wchan[64];	/* when BLOCKED */
	struct sbuf		 partial;	/* output not yet ended by \n */
	char			**lines;	/* output lines, owned */
	bool			*typed;		/* lines[i] was typed in, not printed */
	size_t			 nlines;
	uint16_t		 bound_port[64];/* fd -> port given to bind(), 0 none */
	struct task		*first;		/* its first process */
	struct task		*cur;		/* the one its state is of */
	unsigned		 ntasks;	/* tasks ever, numbered 1.. */
	unsigned		 nlive;		/* not yet ended */
	uint64_t		 synced_gen;	/* cur's call_gen copied to call */
	/* lab-input.c: its terminal's keyboard */
	bool			 awaiting_input;/* asleep in read() of its terminal */
	int			 input_fd;	/* that read's fd */
	pid_t			 input_tid;	/* ... and the task making it */
	uint64_t		 input_look;	/* activity + 1 when last looked at */
	long			 input_nr;	/* ... and the call it slept in */
	/* Typed while it waited: until its read() returns (the task's
	 * read count moves on), the line is on its way, not awaited. */
	bool			 input_sent;
	uint64_t		 input_syscr;	/* /proc/PID/task/PID/io syscr then */
	uint64_t		 input_sent_ms;
	struct side_feed	*feed;		/* --stdin lines not yet typed */
};

struct lab_config {
	uint16_t	 port;
	int		 nclients;
	char		**server_argv;	/* NULL: no server side */
	char		**client_argv;	/* NULL: no client side */
	/* lab-wire.c: NULL captures the segments; else why it does not
	 * ("no lab network ..."), said once at the start. */
	const char	*wire_off;
	/* Two hosts (issue 16 §1): the clients' network namespace, and a
	 * sock_diag socket of each host for the kernel view (borrowed: the
	 * caller closes them after lab_destroy).  One host: -1, -1, -1. */
	int		 client_ns;
	int		 diag[2];
};
struct lab	*lab_create(const struct lab_config *, char *err, size_t);
void		 lab_destroy(struct lab *);
void		 lab_add_observer(struct lab *, lab_observer_fn, void *);
void		 lab_remove_observer(struct lab *, lab_observer_fn, void *);
int		 lab_start(struct lab *, char *err, size_t);
int		 lab_resolve(struct lab *, char *err, size_t);	/* programs found? */
size_t		 lab_nsides(const struct lab *);
struct side	*lab_side(const struct lab *, size_t);
struct side	*lab_side_by_name(const struct lab *, const char *);
uint16_t	 lab_port(const struct lab *);
const char	*side_state_name(enum side_state);
bool		 lab_all_done(const struct lab *);
/*
 * lab-run.c: what the lab does is a job, moved on by the caller's loop:
 * lab_begin() starts it (or refuses at once, with err), lab_advance()
 * polls the lab's descriptors for at most timeout_ms and moves it on:
 * 1 while it runs, 0 when it ended, -1 when it ended with an error
 * (lab_job_error).  Never a nested wait: a screen stays live.
 *   STEP  the side's pending call runs, then it pauses before its next;
 *         a running side is first waited for until it reaches a call.
 *   RUN   steps until the side blocks, waits or exits (s+).
 *   ALL   every side at once, nothing held, until all are still (all+).
 *   SETTLE until no side is about to change by itself.
 *   START  a side just started (lab_restart_side): until it pauses
 *         before its first call, blocks, waits or exits, as at the start.
 */
/* WAIT: no side is let run; the kernel's own timers act (a SYN sent
 * again) until a blocked call returns. */
enum lab_op { LAB_OP_NONE = 0, LAB_OP_SETTLE, LAB_OP_STEP, LAB_OP_RUN,
	LAB_OP_ALL, LAB_OP_WAIT, LAB_OP_START };
int		 lab_begin(struct lab *, enum lab_op, struct side *, char *err,
		    size_t);
/* STEP with a call: the side's calls before it run through (a program
 * may make an extra one, setsockopt say), then that call is taken. */
int		 lab_begin_to(struct lab *, struct side *, const char *call,
		    char *err, size_t);
/* Either, on one task of the side (its number, 1..; 0: the side as
 * above: STEP the task paused longest, RUN every task of it). */
int		 lab_begin_on(struct lab *, enum lab_op, struct side *,
		    unsigned task, const char *call, char *err, size_t);
/* lab-restart.c: the side's program started again (s!): argv NULL for
 * its own command, else another (s!NAME), on the lab's port as it is.
 * Only once it has exited; then a START job, ended by lab_advance(). */
int		 lab_restart_side(struct lab *, struct side *, char **argv,
		    char *err, size_t);
/* The last call the job let run ("" none), for the drive to match. */
const char	*lab_job_took(const struct lab *);
int		 lab_advance(struct lab *, int timeout_ms);
bool		 lab_busy(const struct lab *);
int		 lab_tick_ms(const struct lab *);	/* -1 when idle */
const char	*lab_job_error(const struct lab *);
enum lab_wait {
	LAB_WAIT_NONE = 0,
	LAB_WAIT_REACH,		/* a running side, to reach its next call */
	LAB_WAIT_SETTLE,	/* every side, to settle after a call */
	LAB_WAIT_ALL,		/* all+: every side, to be still */
	LAB_WAIT_RETURN,	/* w: a blocked call, to return */
};
enum lab_wait	 lab_job_waiting(const struct lab *, const struct side **,
		    unsigned *secs);
void		 lab_cancel(struct lab *);
/* A flag a signal handler sets: lab_finish and lab_start stop waiting. */
void		 lab_set_stop(struct lab *, volatile sig_atomic_t *);
int		 lab_finish(struct lab *, char *err, size_t);	/* waits */
/* The same jobs, begun and waited for (batch). */
int		 lab_step(struct lab *, struct side *, char *err, size_t);
int		 lab_run(struct lab *, struct side *, char *err, size_t);
int		 lab_run_all(struct lab *, char *err, size_t);
void		 lab_settle(struct lab *);
/* Handle whatever happened (stops, output, calls going to sleep) without
 * blocking longer than timeout_ms. */
void		 lab_pump(struct lab *, int timeout_ms);
void		 lab_note(struct lab *, struct side *, const char *, ...) PRINTFLIKE(3, 4);
/* lab-spin.c: a note for each side busy outside any call */
void		 lab_note_spinners(struct lab *);
void		 lab_note_sleepers(struct lab *);	/* past LAB_SLEEP_MS */
/* End every process of the lab and reap it; says so in a NOTE per side. */
void		 lab_kill_all(struct lab *, const char *why);
int		 lab_kill_side(struct lab *, struct side *, char *err, size_t);
const char	*lab_side_name(struct lab *, int index);
/* lab-task.c: a side's tasks, in order of appearance (prev NULL: the
 * first); a task by number; the name of a live task by tid or process
 * ("server.2"; NULL if not the lab's). */
struct task	*lab_task_next(const struct lab *, const struct side *,
		    const struct task *prev);
struct task	*lab_task_by_num(const struct lab *, const struct side *,
		    unsigned num);
const char	*lab_task_name(const struct lab *, pid_t);
/* The task paused longest (NULL: none paused). */
struct task	*lab_task_paused(const struct lab *, const struct side *);
const struct kview *lab_kernel(struct lab *);	/* snapshot of now */
void		 lab_kernel_invalidate(struct lab *);	/* next lab_kernel() reads anew */
int		 lab_pollfds(struct lab *, struct pollfd *, size_t);
uint64_t	 lab_now_ms(void);
uint64_t	 lab_event_count(const struct lab *);
/*
 * lab-input.c: typing into a side's terminal (its pty, in canonical
 * mode without echo: the lab shows what was typed as an INPUT event, so
 * a line is never shown twice).  A line is text without '\n'; the lab
 * sends it with one.  End-of-file is the terminal's VEOF character
 * (Ctrl-D) on a fresh line.  A side that has exited is refused.
 */
#define LAB_INPUT_MAX	1024	/* bytes of a typed line */
int		 lab_type(struct lab *, struct side *, const char *line,
		    char *err, size_t);
int		 lab_type_eof(struct lab *, struct side *, char *err, size_t);
/* Lines for a side's terminal (--stdin, a lesson's [input]): one is
 * typed each time the side is found waiting for input, end-of-file
 * after the last.  -1 with err for a line longer than LAB_INPUT_MAX. */
int		 lab_feed(struct lab *, struct side *, const char *data,
		    size_t len, char *err, size_t);
bool		 lab_fed(const struct side *);	/* has lines or EOF to give */
/* Is the side asleep in read() of its terminal?  Looks at /proc (the
 * call, its fd, the fd's file) and sets side->awaiting_input; the
 * first time, an INPUT_WAIT event; with fed lines, types the next. */
bool		 lab_input_wait(struct lab *, struct side *, struct task *);
/* A note for each side waiting for input that no fed line will give. */
void		 lab_note_input_waiters(struct lab *);
/* "waiting-for-input" for a side that is, else side_state_name() */
const char	*side_state_word(const struct side *, enum side_state);
/* lab-output.c */
void		 lab_drain_output(struct lab *, struct side *);
void		 lab_drain_written(struct lab *, struct side *);
void		 lab_flush_output(struct lab *, struct side *);
void		 lab_keep_line(struct side *, const char *, bool typed);
/* Length of the valid UTF-8 sequence of one printable character at s
 * (n bytes left); 0 for an invalid byte or a control character. */
size_t		 utf8_char_len(const unsigned char *s, size_t n);

/* srcmap.c: where in the program a stopped tracee is (libdw) */
struct srcloc {
	bool	 ok;
	char	 file[4096];	/* absolute path of the source file */
	int	 line;
	char	 func[128];	/* "main" */
	char	 why[160];	/* when !ok: "no debug info in /path/prog", ... */
};
struct srcmap;			/* caches per-process unwind state, sources */
struct srcmap	*srcmap_create(void);
void		 srcmap_destroy(struct srcmap *);	/* accepts NULL */
/* pid must be ptrace-stopped by us (it is, at a syscall stop).  The
 * first frame in the main executable that has a source line, func the
 * innermost (inlined) function there; 0, or -1 with loc->why.  Never
 * detaches or resumes pid. */
int		 srcmap_call_site(struct srcmap *, pid_t, struct srcloc *);
/* source file lines for display: reads once and caches; NULL + why if
 * unreadable.  lines[0] is line 1; the array is NULL-terminated too. */
const char *const *srcmap_source_lines(struct srcmap *, const char *file, size_t *nlines);
/* why the last srcmap_source_lines returned NULL */
const char	*srcmap_error(const struct srcmap *);

/* sock-sysctl.c: kernel settings, read from /proc/sys when asked */
int	 sock_sysctl(const char *name, long *);	/* "net/core/somaxconn" */
/* when an unanswered SYN is sent again (s after the first), at most max;
 * *timeout: when connect() fails with ETIMEDOUT */
size_t	 tcp_syn_schedule(long *at, size_t max, long *timeout);

/* lab-wire.c: the lab's segments.  NULL while they are captured, else
 * why the wire shows none (one line); and the segments lost so far. */
const char	*lab_wire_off(const struct lab *);
uint64_t	 lab_wire_lost(const struct lab *);
long long	 lab_wire_count(const struct lab *, const char *letters);

/* lab-words.c: the model in words, for every view */
/* Bytes queued for the next read(), not counting a FIN (*fin: one is in) */
uint32_t ksock_unread(const struct ksock *, bool *fin);
/* ", 10 bytes unread": what is queued for the next read(); "" if none */
void	 unread_words(struct sbuf *, const struct ksock *);
/* "accept queue 1/5" for a listener; label NULL: "accept queue" */
void	 listener_queue_words(struct sbuf *, const struct ksock *,
	    const char *label);
/* ", SYN queue 1" for a listener with requests half-open; "" if none */
void	 syn_queue_words(struct sbuf *, const struct ksock *);
/* Bytes written, not yet acknowledged, not counting a SYN or FIN
 * (*notsent: how many of them are not even sent) */
uint32_t ksock_unacked(const struct ksock *, uint32_t *notsent);
/* ", 5 bytes unacked, 2 SYNs resent"; "" if none */
void	 sent_words(struct sbuf *, const struct ksock *);
/* "ListenOverflows 2, ListenDrops 2" when either is not 0 */
void	 listen_drops_words(struct sbuf *, const struct kview *);
/* " (held by server, server.2)" when more than one lab process holds it */
void	 ksock_holders_words(struct sbuf *, struct lab *, const struct ksock *,
	    const char *label);
/* "exited (0)", "killed by SIGSEGV" */
void	 wait_status_format(struct sbuf *, int);
/* "queue 1/5 | client 127.0.0.1:37936 ESTABLISHED | server blocked in accept" */
void	 kview_summary(struct sbuf *, struct lab *, const struct kview *);

/* net-lab.c: the lab network, a network namespace of sockstep's own */
enum net_mode {
	NET_AUTO = 0,	/* the lab where namespaces are allowed, else the host */
	NET_LAB,	/* the lab or an error */
	NET_HOST,	/* the host's loopback, as before the lab network */
};
struct net_lab {
	bool	 lab;		/* sockstep is in a network namespace of its own */
	bool	 userns;	/* inside a user namespace it made (not root) */
	int	 hosts;		/* 2: a client host beside the server's */
	/* Two hosts: the client host's namespace, and a sock_diag socket
	 * made in each host (0 the server's, 1 the client's), kept open
	 * for the kernel view; -1 where there is none. */
	int	 client_ns;
	int	 diag[2];
	char	 ip[48];	/* the server's address, for {ip} */
	char	 note[320];	/* why it is the host's network (NET_AUTO) */
};
/* The lab network's addresses with two hosts (10.X.0.0/24, X fixed:
 * every lab has namespaces of its own, so no two labs collide). */
#define NET_SERVER_IP	"10.1.0.1"
#define NET_CLIENT_IP	"10.1.0.2"
#define NET_VETH	"veth0"		/* each host's end of the pair */
#define NET_LINK_WAIT_MS 2000	/* for the link watcher to raise the veth */
/* Enter a fresh lab network (each call a new one) with hosts (1 or 2)
 * hosts, sockstep on the server's, or stay on the host's with n->note
 * saying why.  Before anything is spawned, single-threaded.  -1 + err:
 * --net lab refused, or a namespace half made. */
int		 net_lab_enter(enum net_mode, int hosts, struct net_lab *,
		    char *err, size_t);
/* Let the client host go (its namespace ends with its last process). */
void		 net_lab_leave(struct net_lab *);
/* net-link.c: links and addresses through libnl-route-3, on a route
 * netlink socket made in the namespace it configures. */
struct nl_sock;
struct nl_sock	*net_rt_open(char *err, size_t);
void		 net_rt_close(struct nl_sock *);
/* A veth pair: name here, peer_name made in the namespace peer_ns. */
int		 net_rt_veth(struct nl_sock *, const char *name,
		    const char *peer_name, int peer_ns, char *err, size_t);
/* ifname up, with the address cidr ("10.1.0.1/24"). */
int		 net_rt_addr_up(struct nl_sock *, const char *ifname,
		    const char *cidr, char *err, size_t);
/* Wait (at most ms) until the link is operationally up: until then a
 * new veth may drop what it sends. */
int		 net_rt_wait_up(struct nl_sock *, const char *ifname, int ms);
int		 net_mode_parse(const char *, enum net_mode *);
const char	*net_mode_name(enum net_mode);

/* net-jail.c: a graded submission's jail (sockstep grade's worker) */
/* Root gives way to nobody (65534) for the rest of the process; any
 * other user stays.  *uid: the user the programs will run as. */
int		 jail_drop_root(uid_t *uid, char *err, size_t);
uid_t		 jail_uid(void);	/* who jail_drop_root makes us */
gid_t		 jail_gid(void);
/* A mount namespace: everything read-only, a private /tmp, own (an
 * absolute directory) writable and the cwd.  Needs CAP_SYS_ADMIN over
 * the user namespace (root, or inside the lab's). */
int		 jail_enter(const char *own, char *err, size_t);
/* Tasks (threads included) of uid now: what RLIMIT_NPROC counts
 * outside a user namespace of one's own. */
unsigned	 jail_tasks_of(uid_t);
/* RLIMIT_CPU (soft cpu_s, hard 5 s more), RLIMIT_NPROC, RLIMIT_FSIZE,
 * no core files: inherited by every program of the run. */
int		 jail_limits(unsigned cpu_s, unsigned procs, unsigned long fsize,
		    char *err, size_t);

/* net-join.c: the running labs, and entering one (sockstep join) */
struct net_labinfo {
	pid_t	 pid;		/* a sockstep that made a lab network */
	char	 cmd[160];	/* its command line, for a list */
};
/* Our user's running labs (root: everyone's).  Never fails: none is 0. */
size_t		 net_labs(struct net_labinfo **);
/* Move this process into pid's lab network (its user namespace first
 * when not root), keeping CAP_NET_RAW and CAP_NET_ADMIN there for what
 * it execs next (tcpdump, ip): the server host, or with client the
 * client host of a lab with two.  -1 + err. */
int		 net_join(pid_t, bool client, char *err, size_t);

#endif
