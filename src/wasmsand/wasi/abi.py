"""WASI preview1 constants and struct layouts (little-endian, wasm32)."""

from __future__ import annotations

# fdflags
FDFLAG_APPEND = 1
FDFLAG_DSYNC = 2
FDFLAG_NONBLOCK = 4
FDFLAG_RSYNC = 8
FDFLAG_SYNC = 16

# oflags
OFLAG_CREAT = 1
OFLAG_DIRECTORY = 2
OFLAG_EXCL = 4
OFLAG_TRUNC = 8

# lookupflags
LOOKUP_SYMLINK_FOLLOW = 1

# fstflags
FST_ATIM = 1
FST_ATIM_NOW = 2
FST_MTIM = 4
FST_MTIM_NOW = 8

# clockid
CLOCK_REALTIME = 0
CLOCK_MONOTONIC = 1
CLOCK_PROCESS_CPUTIME = 2
CLOCK_THREAD_CPUTIME = 3

# eventtype
EVENT_CLOCK = 0
EVENT_FD_READ = 1
EVENT_FD_WRITE = 2

# subclockflags
SUBCLOCK_ABSTIME = 1

# eventrwflags
EVENT_FD_READWRITE_HANGUP = 1

# preopentype
PREOPEN_DIR = 0
PREOPEN_NOT_DIR = 0xFF  # not in WASI: marks inherited non-preopen descriptors

# rights
RIGHT_FD_DATASYNC = 1 << 0
RIGHT_FD_READ = 1 << 1
RIGHT_FD_SEEK = 1 << 2
RIGHT_FD_FDSTAT_SET_FLAGS = 1 << 3
RIGHT_FD_SYNC = 1 << 4
RIGHT_FD_TELL = 1 << 5
RIGHT_FD_WRITE = 1 << 6
RIGHT_FD_ADVISE = 1 << 7
RIGHT_FD_ALLOCATE = 1 << 8
RIGHT_PATH_CREATE_DIRECTORY = 1 << 9
RIGHT_PATH_CREATE_FILE = 1 << 10
RIGHT_PATH_LINK_SOURCE = 1 << 11
RIGHT_PATH_LINK_TARGET = 1 << 12
RIGHT_PATH_OPEN = 1 << 13
RIGHT_FD_READDIR = 1 << 14
RIGHT_PATH_READLINK = 1 << 15
RIGHT_PATH_RENAME_SOURCE = 1 << 16
RIGHT_PATH_RENAME_TARGET = 1 << 17
RIGHT_PATH_FILESTAT_GET = 1 << 18
RIGHT_PATH_FILESTAT_SET_SIZE = 1 << 19
RIGHT_PATH_FILESTAT_SET_TIMES = 1 << 20
RIGHT_FD_FILESTAT_GET = 1 << 21
RIGHT_FD_FILESTAT_SET_SIZE = 1 << 22
RIGHT_FD_FILESTAT_SET_TIMES = 1 << 23
RIGHT_PATH_SYMLINK = 1 << 24
RIGHT_PATH_REMOVE_DIRECTORY = 1 << 25
RIGHT_PATH_UNLINK_FILE = 1 << 26
RIGHT_POLL_FD_READWRITE = 1 << 27
RIGHT_SOCK_SHUTDOWN = 1 << 28
RIGHT_SOCK_ACCEPT = 1 << 29
RIGHTS_ALL = (1 << 30) - 1

RIGHTS_READ = (
    RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_ADVISE | RIGHT_FD_FILESTAT_GET
    | RIGHT_POLL_FD_READWRITE | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC | RIGHT_FD_DATASYNC
)  # fmt: skip
RIGHTS_WRITE = (
    RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE
    | RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE
    | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC | RIGHT_FD_DATASYNC
)  # fmt: skip
RIGHTS_DIRECTORY = RIGHTS_ALL & ~(RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_ALLOCATE)

# struct layouts for struct.pack/unpack
IOVEC = "<II"  # buf, buf_len
FDSTAT = "<BxHxxxxQQ"  # filetype, flags, rights_base, rights_inheriting (24 bytes)
FILESTAT = "<QQBxxxxxxxQQQQQ"  # dev, ino, filetype, nlink, size, atim, mtim, ctim (64 bytes)
PRESTAT = "<BxxxI"  # tag, dir name length (8 bytes)
DIRENT = "<QQIBxxx"  # d_next, d_ino, d_namlen, d_type (24 bytes)
SUBSCRIPTION_HEAD = "<QB"  # userdata, tag (payload at +16)
SUBSCRIPTION_CLOCK = "<IxxxxQQH"  # id, timeout, precision, flags (at +16)
SUBSCRIPTION_FD = "<I"  # fd (at +16)
SUBSCRIPTION_SIZE = 48
EVENT = "<QHBxxxxxQHxxxxxx"  # userdata, error, type, nbytes, flags (32 bytes)
EVENT_SIZE = 32

# WASI signal numbers -> Linux signal numbers (for 128+N exit statuses)
WASI_TO_LINUX_SIGNAL = {
    1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 10: 10, 11: 11, 12: 12,
    13: 13, 14: 14, 15: 15, 16: 17, 17: 18, 18: 19, 19: 20, 20: 21, 21: 22, 22: 23,
    23: 24, 24: 25, 25: 26, 26: 27, 27: 28, 28: 29, 29: 30, 30: 31,
}  # fmt: skip
# Signals whose default action is to do nothing (or stop, which we do not).
IGNORED_SIGNALS = {16, 17, 18, 19, 20, 21, 22, 27}
