"""The one errno table of the sandbox.

WASI preview1 numbers its errors differently from Linux; the VFS, the WASI
layer and the shell all use these WASI numbers, and print Linux's wording
(glibc's ``strerror``) because that is what users and agents recognise.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Errno", "VfsError", "strerror"]


class Errno(IntEnum):
    """WASI preview1 ``errno`` values."""

    SUCCESS = 0
    E2BIG = 1
    EACCES = 2
    EADDRINUSE = 3
    EADDRNOTAVAIL = 4
    EAFNOSUPPORT = 5
    EAGAIN = 6
    EALREADY = 7
    EBADF = 8
    EBADMSG = 9
    EBUSY = 10
    ECANCELED = 11
    ECHILD = 12
    ECONNABORTED = 13
    ECONNREFUSED = 14
    ECONNRESET = 15
    EDEADLK = 16
    EDESTADDRREQ = 17
    EDOM = 18
    EDQUOT = 19
    EEXIST = 20
    EFAULT = 21
    EFBIG = 22
    EHOSTUNREACH = 23
    EIDRM = 24
    EILSEQ = 25
    EINPROGRESS = 26
    EINTR = 27
    EINVAL = 28
    EIO = 29
    EISCONN = 30
    EISDIR = 31
    ELOOP = 32
    EMFILE = 33
    EMLINK = 34
    EMSGSIZE = 35
    EMULTIHOP = 36
    ENAMETOOLONG = 37
    ENETDOWN = 38
    ENETRESET = 39
    ENETUNREACH = 40
    ENFILE = 41
    ENOBUFS = 42
    ENODEV = 43
    ENOENT = 44
    ENOEXEC = 45
    ENOLCK = 46
    ENOLINK = 47
    ENOMEM = 48
    ENOMSG = 49
    ENOPROTOOPT = 50
    ENOSPC = 51
    ENOSYS = 52
    ENOTCONN = 53
    ENOTDIR = 54
    ENOTEMPTY = 55
    ENOTRECOVERABLE = 56
    ENOTSOCK = 57
    ENOTSUP = 58
    ENOTTY = 59
    ENXIO = 60
    EOVERFLOW = 61
    EOWNERDEAD = 62
    EPERM = 63
    EPIPE = 64
    EPROTO = 65
    EPROTONOSUPPORT = 66
    EPROTOTYPE = 67
    ERANGE = 68
    EROFS = 69
    ESPIPE = 70
    ESRCH = 71
    ESTALE = 72
    ETIMEDOUT = 73
    ETXTBSY = 74
    EXDEV = 75
    ENOTCAPABLE = 76


_TEXTS = {
    Errno.SUCCESS: "Success",
    Errno.E2BIG: "Argument list too long",
    Errno.EACCES: "Permission denied",
    Errno.EADDRINUSE: "Address already in use",
    Errno.EADDRNOTAVAIL: "Cannot assign requested address",
    Errno.EAFNOSUPPORT: "Address family not supported by protocol",
    Errno.EAGAIN: "Resource temporarily unavailable",
    Errno.EALREADY: "Operation already in progress",
    Errno.EBADF: "Bad file descriptor",
    Errno.EBADMSG: "Bad message",
    Errno.EBUSY: "Device or resource busy",
    Errno.ECANCELED: "Operation canceled",
    Errno.ECHILD: "No child processes",
    Errno.ECONNABORTED: "Software caused connection abort",
    Errno.ECONNREFUSED: "Connection refused",
    Errno.ECONNRESET: "Connection reset by peer",
    Errno.EDEADLK: "Resource deadlock avoided",
    Errno.EDESTADDRREQ: "Destination address required",
    Errno.EDOM: "Numerical argument out of domain",
    Errno.EDQUOT: "Disk quota exceeded",
    Errno.EEXIST: "File exists",
    Errno.EFAULT: "Bad address",
    Errno.EFBIG: "File too large",
    Errno.EHOSTUNREACH: "No route to host",
    Errno.EIDRM: "Identifier removed",
    Errno.EILSEQ: "Invalid or incomplete multibyte or wide character",
    Errno.EINPROGRESS: "Operation now in progress",
    Errno.EINTR: "Interrupted system call",
    Errno.EINVAL: "Invalid argument",
    Errno.EIO: "Input/output error",
    Errno.EISCONN: "Transport endpoint is already connected",
    Errno.EISDIR: "Is a directory",
    Errno.ELOOP: "Too many levels of symbolic links",
    Errno.EMFILE: "Too many open files",
    Errno.EMLINK: "Too many links",
    Errno.EMSGSIZE: "Message too long",
    Errno.EMULTIHOP: "Multihop attempted",
    Errno.ENAMETOOLONG: "File name too long",
    Errno.ENETDOWN: "Network is down",
    Errno.ENETRESET: "Network dropped connection on reset",
    Errno.ENETUNREACH: "Network is unreachable",
    Errno.ENFILE: "Too many open files in system",
    Errno.ENOBUFS: "No buffer space available",
    Errno.ENODEV: "No such device",
    Errno.ENOENT: "No such file or directory",
    Errno.ENOEXEC: "Exec format error",
    Errno.ENOLCK: "No locks available",
    Errno.ENOLINK: "Link has been severed",
    Errno.ENOMEM: "Cannot allocate memory",
    Errno.ENOMSG: "No message of desired type",
    Errno.ENOPROTOOPT: "Protocol not available",
    Errno.ENOSPC: "No space left on device",
    Errno.ENOSYS: "Function not implemented",
    Errno.ENOTCONN: "Transport endpoint is not connected",
    Errno.ENOTDIR: "Not a directory",
    Errno.ENOTEMPTY: "Directory not empty",
    Errno.ENOTRECOVERABLE: "State not recoverable",
    Errno.ENOTSOCK: "Socket operation on non-socket",
    Errno.ENOTSUP: "Operation not supported",
    Errno.ENOTTY: "Inappropriate ioctl for device",
    Errno.ENXIO: "No such device or address",
    Errno.EOVERFLOW: "Value too large for defined data type",
    Errno.EOWNERDEAD: "Owner died",
    Errno.EPERM: "Operation not permitted",
    Errno.EPIPE: "Broken pipe",
    Errno.EPROTO: "Protocol error",
    Errno.EPROTONOSUPPORT: "Protocol not supported",
    Errno.EPROTOTYPE: "Protocol wrong type for socket",
    Errno.ERANGE: "Numerical result out of range",
    Errno.EROFS: "Read-only file system",
    Errno.ESPIPE: "Illegal seek",
    Errno.ESRCH: "No such process",
    Errno.ESTALE: "Stale file handle",
    Errno.ETIMEDOUT: "Connection timed out",
    Errno.ETXTBSY: "Text file busy",
    Errno.EXDEV: "Invalid cross-device link",
    Errno.ENOTCAPABLE: "Capabilities insufficient",
}


def strerror(errno: int) -> str:
    """glibc's message for a WASI errno number."""
    try:
        return _TEXTS[Errno(errno)]
    except ValueError:
        return f"Unknown error {errno}"


class VfsError(Exception):
    """A failed filesystem operation: an errno and, when known, the path.

    It is what every VFS call raises; the WASI layer returns ``errno`` to the
    guest and the shell prints ``path: strerror``.
    """

    def __init__(self, errno: Errno, path: str | None = None) -> None:
        self.errno = errno
        self.path = path
        super().__init__(errno, path)

    def __str__(self) -> str:
        text = strerror(self.errno)
        return f"{self.path}: {text}" if self.path is not None else text
