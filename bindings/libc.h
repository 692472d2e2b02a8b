/*
 * Input header for jextract: the Linux/glibc surface used by jipc.
 * Regenerate the Java bindings with bindings/regenerate (see libc.options
 * for the exact list of symbols that are kept).
 */
#define _GNU_SOURCE 1

/*
 * <sys/eventfd.h> needs uint64_t. With jextract running on a distro libclang
 * (seen with Debian libclang 16), <stdint.h> resolves to clang's builtin copy,
 * which does not reach glibc's <stdint.h>, so uint64_t stays undefined
 * (probably because the builtin header is on the include path twice: jextract's
 * bundled copy and libclang's own resource dir). Pull in glibc's definition
 * directly; this is harmless when <stdint.h> works.
 */
#include <bits/stdint-uintn.h>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <spawn.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <errno.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <stddef.h>
#include <sys/epoll.h>

/*
 * jipc_siginfo: a flat, SIGCHLD-oriented view of glibc's siginfo_t, for
 * waitid(2).
 *
 * Why: siginfo_t is a typedef of an anonymous struct holding an anonymous
 * union of anonymous structs. jextract running on libclang >= 16 names such
 * nested records "struct (unnamed at file:line:col)" and emits Java that does
 * not compile (openjdk CODETOOLS-7903480; jextract recommends libclang 13).
 * So siginfo_t itself is not generated; use this struct's layout instead
 * (same size and alignment, same offsets for the fields below). waitid()'s
 * siginfo_t* parameter is a plain MemorySegment either way.
 *
 * The member names deliberately differ from si_pid/si_status/...: glibc
 * defines those as macros (si_pid -> _sifields._kill.si_pid).
 * The static assertions below are checked by clang while jextract parses this
 * header, so a mismatch makes bindings/regenerate fail.
 */
struct jipc_siginfo {
    int signo;      /* si_signo */
    int errnum;     /* si_errno */
    int code;       /* si_code: CLD_EXITED, CLD_KILLED, CLD_DUMPED, ... */
    int __pad0;
    pid_t pid;      /* si_pid */
    uid_t uid;      /* si_uid */
    int status;     /* si_status: exit status or signal number */
    int __pad1;
    long __rest[(sizeof(siginfo_t) - 32) / sizeof(long)];
};

_Static_assert(sizeof(struct jipc_siginfo) == sizeof(siginfo_t), "jipc_siginfo size");
_Static_assert(_Alignof(struct jipc_siginfo) == _Alignof(siginfo_t), "jipc_siginfo alignment");
_Static_assert(offsetof(struct jipc_siginfo, signo) == offsetof(siginfo_t, si_signo), "si_signo");
_Static_assert(offsetof(struct jipc_siginfo, errnum) == offsetof(siginfo_t, si_errno), "si_errno");
_Static_assert(offsetof(struct jipc_siginfo, code) == offsetof(siginfo_t, si_code), "si_code");
_Static_assert(offsetof(struct jipc_siginfo, pid) == offsetof(siginfo_t, si_pid), "si_pid");
_Static_assert(offsetof(struct jipc_siginfo, uid) == offsetof(siginfo_t, si_uid), "si_uid");
_Static_assert(offsetof(struct jipc_siginfo, status) == offsetof(siginfo_t, si_status), "si_status");

/*
 * struct epoll_event is packed on x86_64 (__EPOLL_PACKED): 12 bytes, the data at offset 4, which
 * the generated layout must say too.
 */
#if defined(__x86_64__)
_Static_assert(sizeof(struct epoll_event) == 12, "epoll_event size");
_Static_assert(offsetof(struct epoll_event, data) == 4, "epoll_event data");
#endif
