"""WASI preview1 system calls, served from the VFS."""

from .preview1 import MODULE, Preview1, WasiProcess

__all__ = ["MODULE", "Preview1", "WasiProcess"]
