"""The virtual filesystem: inodes, directories, pipes, /dev and /proc."""

from .errno import Errno, VfsError, strerror
from .fdtable import FdTable
from .filesystem import FileSystem, FsLimits, ProcessView, Stat
from .inode import Directory, FileType, Inode, PipeInode, RegularFile, Symlink
from .openfile import OpenFile
from .pipe import Pipe

__all__ = [
    "Directory",
    "Errno",
    "FdTable",
    "FileSystem",
    "FileType",
    "FsLimits",
    "Inode",
    "OpenFile",
    "Pipe",
    "PipeInode",
    "ProcessView",
    "RegularFile",
    "Stat",
    "Symlink",
    "VfsError",
    "strerror",
]
