#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Moves `from` to `to` unless `to` exists (renameat2 with RENAME_NOREPLACE), atomically.
/// glibc declares renameat2 only under _GNU_SOURCE, which Swift's Glibc module is not
/// built with; the system call is the same. -1 with errno EEXIST when `to` exists, EINVAL
/// or ENOSYS where the file system or kernel cannot do it.
static inline int clinux_rename_noreplace(const char *from, const char *to) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1u /* RENAME_NOREPLACE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}
