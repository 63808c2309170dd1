#define _GNU_SOURCE
/* Exercises every wasi_snapshot_preview1 function (and the wasmsand
 * imports) through the raw ABI, success and error paths alike.
 *
 * Prints one TAP-like line per check: "ok - name" or
 * "not ok - name: got X, want Y"; exits 1 if any check failed.
 * Run inside wasmsand with a writable /tmp. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static char asyncify_buffer[65536];
__attribute__((export_name("wasmsand_asyncify_buffer"))) void *wasmsand_asyncify_buffer(void) {
    return asyncify_buffer;
}

/* The wasmsand import module (docs/abi.md). */
#define WASMSAND(name) __attribute__((import_module("wasmsand"), import_name(#name)))
WASMSAND(cwd_get) uint32_t ws_cwd_get(uint8_t *buf, uint32_t len, uint32_t *len_out);
WASMSAND(spawn) uint32_t ws_spawn(const uint8_t *req, uint32_t len, uint32_t *pid_out);
WASMSAND(wait) uint32_t ws_wait(uint32_t pid, uint64_t timeout_ns, uint32_t *status_out);
WASMSAND(pipe) uint32_t ws_pipe(uint32_t *fds_out);
WASMSAND(kill) uint32_t ws_kill(uint32_t pid, uint32_t signal);
WASMSAND(path_stat_ext) uint32_t ws_path_stat_ext(uint32_t fd, uint32_t flags, const char *path, uint32_t len, uint32_t *out);
WASMSAND(fd_stat_ext) uint32_t ws_fd_stat_ext(uint32_t fd, uint32_t *out);
WASMSAND(path_chmod) uint32_t ws_path_chmod(uint32_t fd, uint32_t flags, const char *path, uint32_t len, uint32_t mode);
WASMSAND(umask) uint32_t ws_umask(uint32_t new_mask, uint32_t *old_out);

/* proc_raise is gone from recent headers but still in preview1. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) uint32_t raw_proc_raise(uint32_t sig);
#define WASI_SIGNAL_CHLD 16

static int failures = 0;

static void check(const char *name, long long got, long long want) {
    if (got == want) {
        printf("ok - %s\n", name);
    } else {
        printf("not ok - %s: got %lld, want %lld\n", name, got, want);
        failures++;
    }
}

static const __wasi_fd_t ROOT = 3;

static __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                              __wasi_fdflags_t fdflags, __wasi_fd_t *fd) {
    return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, 0, fdflags, fd);
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    return __wasi_fd_write(fd, &iov, 1, n);
}

static __wasi_errno_t read_buf(__wasi_fd_t fd, char *buf, size_t len, __wasi_size_t *n) {
    __wasi_iovec_t iov = {(uint8_t *)buf, len};
    return __wasi_fd_read(fd, &iov, 1, n);
}

#define R (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR)
#define W (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ALLOCATE)

static void test_args_env(void) {
    __wasi_size_t argc, argv_size, envc, env_size;
    check("args_sizes_get", __wasi_args_sizes_get(&argc, &argv_size), 0);
    check("args_sizes_get argc", argc, 3);
    char **argv = malloc(argc * sizeof(char *));
    char *buf = malloc(argv_size);
    check("args_get", __wasi_args_get((uint8_t **)argv, (uint8_t *)buf), 0);
    check("args_get argv[1]", strcmp(argv[1], "all"), 0);
    check("args_get argv[2] utf-8", strcmp(argv[2], "h\xc3\xa9"), 0);
    check("environ_sizes_get", __wasi_environ_sizes_get(&envc, &env_size), 0);
    char **env = malloc(envc * sizeof(char *));
    char *ebuf = malloc(env_size);
    check("environ_get", __wasi_environ_get((uint8_t **)env, (uint8_t *)ebuf), 0);
    int found = 0;
    for (size_t i = 0; i < envc; i++)
        if (strcmp(env[i], "WASI_TEST=yes") == 0) found = 1;
    check("environ_get has WASI_TEST", found, 1);
    check("args_get bad pointer", __wasi_args_get((uint8_t **)0xfffffff0u, (uint8_t *)buf), __WASI_ERRNO_FAULT);
}

static void test_clocks_random(void) {
    __wasi_timestamp_t t1, t2, res;
    check("clock_time_get realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t1), 0);
    check("clock_time_get realtime after 2020", t1 > 1577836800000000000ull, 1);
    check("clock_time_get monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1), 0);
    check("clock_time_get monotonic again", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2), 0);
    check("clock monotonic does not go back", t2 >= t1, 1);
    check("clock_time_get process cputime", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t1), 0);
    check("clock_time_get bad id", __wasi_clock_time_get(99, 1, &t1), __WASI_ERRNO_INVAL);
    check("clock_res_get", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res), 0);
    check("clock_res_get positive", res > 0, 1);
    check("clock_res_get bad id", __wasi_clock_res_get(42, &res), __WASI_ERRNO_INVAL);
    uint8_t r1[32] = {0}, r2[32] = {0};
    check("random_get", __wasi_random_get(r1, sizeof r1), 0);
    __wasi_random_get(r2, sizeof r2);
    check("random_get differs", memcmp(r1, r2, sizeof r1) != 0, 1);
}

static void test_prestat(void) {
    __wasi_prestat_t ps;
    check("fd_prestat_get root", __wasi_fd_prestat_get(ROOT, &ps), 0);
    check("fd_prestat_get is dir", ps.tag, __WASI_PREOPENTYPE_DIR);
    check("fd_prestat_get name len", ps.u.dir.pr_name_len, 1);
    char name[4] = {0};
    check("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(ROOT, (uint8_t *)name, 1), 0);
    check("fd_prestat_dir_name is /", name[0], '/');
    check("fd_prestat_dir_name short buffer", __wasi_fd_prestat_dir_name(ROOT, (uint8_t *)name, 0), __WASI_ERRNO_NAMETOOLONG);
    check("fd_prestat_get closed fd", __wasi_fd_prestat_get(99, &ps), __WASI_ERRNO_BADF);
}

static void test_files(void) {
    __wasi_fd_t fd, fd2;
    __wasi_size_t n;
    __wasi_filesize_t off;
    char buf[64];
    __wasi_path_remove_directory(ROOT, "tmp/wt");
    check("path_create_directory", __wasi_path_create_directory(ROOT, "tmp/wt"), 0);
    check("path_create_directory exists", __wasi_path_create_directory(ROOT, "tmp/wt"), __WASI_ERRNO_EXIST);
    check("path_create_directory missing parent", __wasi_path_create_directory(ROOT, "tmp/nope/x"), __WASI_ERRNO_NOENT);
    check("path_open create", open_at(ROOT, "tmp/wt/a", __WASI_OFLAGS_CREAT, R | W, 0, &fd), 0);
    check("fd_write", write_str(fd, "hello world", &n), 0);
    check("fd_write count", n, 11);
    check("fd_tell", __wasi_fd_tell(fd, &off), 0);
    check("fd_tell value", off, 11);
    check("fd_seek set", __wasi_fd_seek(fd, 6, __WASI_WHENCE_SET, &off), 0);
    check("fd_read", read_buf(fd, buf, sizeof buf, &n), 0);
    check("fd_read count", n, 5);
    check("fd_read data", memcmp(buf, "world", 5), 0);
    check("fd_read at eof", read_buf(fd, buf, sizeof buf, &n), 0);
    check("fd_read eof count", n, 0);
    check("fd_seek end", __wasi_fd_seek(fd, -5, __WASI_WHENCE_END, &off), 0);
    check("fd_seek end value", off, 6);
    check("fd_seek cur", __wasi_fd_seek(fd, -1, __WASI_WHENCE_CUR, &off), 0);
    check("fd_seek cur value", off, 5);
    check("fd_seek negative", __wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &off), __WASI_ERRNO_INVAL);
    check("fd_seek bad whence", __wasi_fd_seek(fd, 0, 7, &off), __WASI_ERRNO_INVAL);
    __wasi_ciovec_t iov = {(const uint8_t *)"HELLO", 5};
    check("fd_pwrite", __wasi_fd_pwrite(fd, &iov, 1, 0, &n), 0);
    __wasi_iovec_t riov[2] = {{(uint8_t *)buf, 3}, {(uint8_t *)buf + 3, 3}};
    check("fd_pread scatter", __wasi_fd_pread(fd, riov, 2, 2, &n), 0);
    check("fd_pread count", n, 6);
    check("fd_pread data", memcmp(buf, "LLO wo", 6), 0);
    check("fd_tell unchanged by pread", (__wasi_fd_tell(fd, &off), off), 5);
    __wasi_filestat_t st;
    check("fd_filestat_get", __wasi_fd_filestat_get(fd, &st), 0);
    check("fd_filestat_get size", st.size, 11);
    check("fd_filestat_get type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    check("fd_filestat_get nlink", st.nlink, 1);
    check("fd_filestat_set_size grow", __wasi_fd_filestat_set_size(fd, 20), 0);
    check("fd_filestat_set_size shrink", __wasi_fd_filestat_set_size(fd, 4), 0);
    __wasi_fd_filestat_get(fd, &st);
    check("fd_filestat_set_size result", st.size, 4);
    check("fd_allocate", __wasi_fd_allocate(fd, 0, 100), 0);
    __wasi_fd_filestat_get(fd, &st);
    check("fd_allocate grows", st.size, 100);
    check("fd_allocate zero length", __wasi_fd_allocate(fd, 0, 0), __WASI_ERRNO_INVAL);
    check("fd_advise", __wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL), 0);
    check("fd_advise bad advice", __wasi_fd_advise(fd, 0, 10, 9), __WASI_ERRNO_INVAL);
    check("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
    __wasi_fd_filestat_get(fd, &st);
    check("fd_filestat_set_times mtim", st.mtim, 2000000000ull);
    check("fd_filestat_set_times atim", st.atim, 1000000000ull);
    check("fd_filestat_set_times both flags", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
    check("fd_sync", __wasi_fd_sync(fd), 0);
    check("fd_datasync", __wasi_fd_datasync(fd), 0);
    __wasi_fdstat_t fs;
    check("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs), 0);
    check("fd_fdstat_get type", fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
    check("fd_fdstat_get read right", (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0, 1);
    check("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0);
    __wasi_fd_fdstat_get(fd, &fs);
    check("fd_fdstat_get append flag", fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
    check("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(fd, R | W, 0), 0);
    /* As in wasmtime, the target of fd_renumber must be open. */
    check("fd_renumber to closed fd", __wasi_fd_renumber(fd, 20), __WASI_ERRNO_BADF);
    check("fd_renumber helper open", open_at(ROOT, "tmp", __WASI_OFLAGS_DIRECTORY, R, 0, &fd2), 0);
    check("fd_renumber", __wasi_fd_renumber(fd, fd2), 0);
    check("fd_renumber old closed", __wasi_fd_tell(fd, &off), __WASI_ERRNO_BADF);
    check("fd_renumber new is the file", (__wasi_fd_tell(fd2, &off), off), 5);
    check("fd_renumber bad source", __wasi_fd_renumber(77, fd2), __WASI_ERRNO_BADF);
    check("fd_close", __wasi_fd_close(fd2), 0);
    check("fd_close again", __wasi_fd_close(fd2), __WASI_ERRNO_BADF);
    check("fd_write bad fd", write_str(55, "x", &n), __WASI_ERRNO_BADF);

    /* Open-flag semantics. */
    check("path_open excl existing", open_at(ROOT, "tmp/wt/a", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R, 0, &fd), __WASI_ERRNO_EXIST);
    check("path_open missing", open_at(ROOT, "tmp/wt/missing", 0, R, 0, &fd), __WASI_ERRNO_NOENT);
    check("path_open directory flag on file", open_at(ROOT, "tmp/wt/a", __WASI_OFLAGS_DIRECTORY, R, 0, &fd), __WASI_ERRNO_NOTDIR);
    check("path_open file as dir component", open_at(ROOT, "tmp/wt/a/b", 0, R, 0, &fd), __WASI_ERRNO_NOTDIR);
    check("path_open dir for write", open_at(ROOT, "tmp/wt", 0, W, 0, &fd), __WASI_ERRNO_ISDIR);
    check("path_open trunc", open_at(ROOT, "tmp/wt/a", __WASI_OFLAGS_TRUNC, R | W, 0, &fd), 0);
    __wasi_fd_filestat_get(fd, &st);
    check("path_open trunc size", st.size, 0);
    write_str(fd, "abc", &n);
    __wasi_fd_close(fd);
    check("path_open append", open_at(ROOT, "tmp/wt/a", 0, R | W, __WASI_FDFLAGS_APPEND, &fd), 0);
    write_str(fd, "def", &n);
    __wasi_fd_filestat_get(fd, &st);
    check("append writes at end", st.size, 6);
    check("path_open second description", open_at(ROOT, "tmp/wt/a", 0, R, 0, &fd2), 0);
    check("read-only fd refuses write", write_str(fd2, "x", &n), __WASI_ERRNO_BADF);
    __wasi_fd_close(fd2);
    __wasi_fd_close(fd);
    check("path_open dotdot at root", open_at(ROOT, "../../tmp/wt/a", 0, R, 0, &fd), 0);
    __wasi_fd_close(fd);

    /* Links, symlinks, renames, stat. */
    check("path_link", __wasi_path_link(ROOT, 0, "tmp/wt/a", ROOT, "tmp/wt/hard"), 0);
    check("path_filestat_get nlink 2", (__wasi_path_filestat_get(ROOT, 0, "tmp/wt/a", &st), st.nlink), 2);
    check("path_link exists", __wasi_path_link(ROOT, 0, "tmp/wt/a", ROOT, "tmp/wt/hard"), __WASI_ERRNO_EXIST);
    check("path_link directory", __wasi_path_link(ROOT, 0, "tmp/wt", ROOT, "tmp/wt2"), __WASI_ERRNO_PERM);
    check("path_symlink", __wasi_path_symlink("a", ROOT, "tmp/wt/sym"), 0);
    check("path_symlink exists", __wasi_path_symlink("a", ROOT, "tmp/wt/sym"), __WASI_ERRNO_EXIST);
    check("path_readlink", __wasi_path_readlink(ROOT, "tmp/wt/sym", (uint8_t *)buf, sizeof buf, &n), 0);
    check("path_readlink value", n == 1 && buf[0] == 'a', 1);
    check("path_readlink truncates", (__wasi_path_readlink(ROOT, "tmp/wt/sym", (uint8_t *)buf, 0, &n), n), 0);
    check("path_readlink not a link", __wasi_path_readlink(ROOT, "tmp/wt/a", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
    check("path_filestat_get nofollow", (__wasi_path_filestat_get(ROOT, 0, "tmp/wt/sym", &st), st.filetype), __WASI_FILETYPE_SYMBOLIC_LINK);
    check("path_filestat_get follow", (__wasi_path_filestat_get(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "tmp/wt/sym", &st), st.filetype), __WASI_FILETYPE_REGULAR_FILE);
    check("path_filestat_get missing", __wasi_path_filestat_get(ROOT, 0, "tmp/wt/zz", &st), __WASI_ERRNO_NOENT);
    check("path_open nofollow on symlink", __wasi_path_open(ROOT, 0, "tmp/wt/sym", 0, R, 0, 0, &fd), __WASI_ERRNO_LOOP);
    __wasi_path_symlink("loop2", ROOT, "tmp/wt/loop1");
    __wasi_path_symlink("loop1", ROOT, "tmp/wt/loop2");
    check("symlink loop", open_at(ROOT, "tmp/wt/loop1", 0, R, 0, &fd), __WASI_ERRNO_LOOP);
    check("path_filestat_set_times", __wasi_path_filestat_set_times(ROOT, 0, "tmp/wt/a", 0, 5000000000ull, __WASI_FSTFLAGS_MTIM), 0);
    check("path_filestat_set_times value", (__wasi_path_filestat_get(ROOT, 0, "tmp/wt/a", &st), st.mtim), 5000000000ull);
    check("path_filestat_set_times missing", __wasi_path_filestat_set_times(ROOT, 0, "tmp/wt/zz", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOENT);
    check("path_rename", __wasi_path_rename(ROOT, "tmp/wt/hard", ROOT, "tmp/wt/moved"), 0);
    check("path_rename missing", __wasi_path_rename(ROOT, "tmp/wt/hard", ROOT, "tmp/wt/x"), __WASI_ERRNO_NOENT);
    __wasi_path_create_directory(ROOT, "tmp/wt/d");
    __wasi_path_create_directory(ROOT, "tmp/wt/d/sub");
    check("path_rename file over dir", __wasi_path_rename(ROOT, "tmp/wt/moved", ROOT, "tmp/wt/d"), __WASI_ERRNO_ISDIR);
    check("path_rename dir into itself", __wasi_path_rename(ROOT, "tmp/wt/d", ROOT, "tmp/wt/d/sub/x"), __WASI_ERRNO_INVAL);
    check("path_remove_directory not empty", __wasi_path_remove_directory(ROOT, "tmp/wt/d"), __WASI_ERRNO_NOTEMPTY);
    check("path_remove_directory on file", __wasi_path_remove_directory(ROOT, "tmp/wt/moved"), __WASI_ERRNO_NOTDIR);
    check("path_remove_directory", __wasi_path_remove_directory(ROOT, "tmp/wt/d/sub"), 0);
    check("path_unlink_file on dir", __wasi_path_unlink_file(ROOT, "tmp/wt/d"), __WASI_ERRNO_ISDIR);
    check("path_unlink_file", __wasi_path_unlink_file(ROOT, "tmp/wt/moved"), 0);
    check("path_unlink_file missing", __wasi_path_unlink_file(ROOT, "tmp/wt/moved"), __WASI_ERRNO_NOENT);

    /* Directory reading with cookies. */
    check("path_open dir", open_at(ROOT, "tmp/wt", __WASI_OFLAGS_DIRECTORY, R, 0, &fd), 0);
    uint8_t dbuf[512];
    check("fd_readdir", __wasi_fd_readdir(fd, dbuf, sizeof dbuf, 0, &n), 0);
    int entries = 0, saw_a = 0;
    __wasi_dircookie_t second_cookie = 0;
    for (size_t pos = 0; pos + sizeof(__wasi_dirent_t) <= n;) {
        __wasi_dirent_t *d = (__wasi_dirent_t *)(dbuf + pos);
        if (pos + sizeof *d + d->d_namlen > n) break;
        if (d->d_namlen == 1 && dbuf[pos + sizeof *d] == 'a') saw_a = 1;
        if (entries == 0) second_cookie = d->d_next;
        entries++;
        pos += sizeof *d + d->d_namlen;
    }
    check("fd_readdir entries (., .., a, sym, loop1, loop2, d)", entries, 7);
    check("fd_readdir has a", saw_a, 1);
    __wasi_size_t n2;
    check("fd_readdir from cookie", __wasi_fd_readdir(fd, dbuf, sizeof dbuf, second_cookie, &n2), 0);
    check("fd_readdir cookie skips one", n2 < n, 1);
    check("fd_readdir small buffer fills it", (__wasi_fd_readdir(fd, dbuf, 10, 0, &n2), n2), 10);
    check("fd_readdir on file", (open_at(ROOT, "tmp/wt/a", 0, R, 0, &fd2), __wasi_fd_readdir(fd2, dbuf, sizeof dbuf, 0, &n2)), __WASI_ERRNO_NOTDIR);
    __wasi_fd_close(fd2);
    check("fd_read on dir", read_buf(fd, buf, sizeof buf, &n), __WASI_ERRNO_ISDIR);
    __wasi_fd_close(fd);
}

static void test_libc_relative_paths(void) {
    /* Through libc, after entering the sandbox's working directory the way
     * bundled programs do (cwd_get, then chdir): relative paths are found
     * from it, absolute ones from the root. */
    char cwd[256];
    uint32_t len;
    check("cwd_get for chdir", ws_cwd_get((uint8_t *)cwd, sizeof cwd - 1, &len), 0);
    cwd[len] = 0;
    check("libc chdir", chdir(cwd), 0);
    FILE *f = fopen("wt/a", "r");
    check("libc fopen relative to cwd", f != NULL, 1);
    if (f) fclose(f);
    f = fopen("/tmp/wt/a", "r");
    check("libc fopen absolute", f != NULL, 1);
    if (f) fclose(f);
    f = fopen("wt/nope", "r");
    check("libc fopen missing", f == NULL, 1);
}

static void test_devices_and_proc(void) {
    __wasi_fd_t fd;
    __wasi_size_t n;
    char buf[128];
    check("open /dev/null", open_at(ROOT, "dev/null", 0, R | W, 0, &fd), 0);
    check("write /dev/null", write_str(fd, "gone", &n), 0);
    check("read /dev/null is eof", (read_buf(fd, buf, sizeof buf, &n), n), 0);
    __wasi_fd_close(fd);
    open_at(ROOT, "dev/zero", 0, R, 0, &fd);
    read_buf(fd, buf, 16, &n);
    check("read /dev/zero", n == 16 && buf[0] == 0 && buf[15] == 0, 1);
    __wasi_fd_close(fd);
    open_at(ROOT, "dev/full", 0, W, 0, &fd);
    check("write /dev/full", write_str(fd, "x", &n), __WASI_ERRNO_NOSPC);
    __wasi_fd_close(fd);
    open_at(ROOT, "proc/self/cmdline", 0, R, 0, &fd);
    read_buf(fd, buf, sizeof buf, &n);
    check("/proc/self/cmdline has argv[1]", n > 4 && memmem(buf, n, "all", 4) != NULL, 1);
    __wasi_fd_close(fd);
    check("readlink /proc/self/cwd", __wasi_path_readlink(ROOT, "proc/self/cwd", (uint8_t *)buf, sizeof buf, &n), 0);
    check("/proc/self/cwd is /tmp", n == 4 && memcmp(buf, "/tmp", 4) == 0, 1);
    check("open /proc/uptime", open_at(ROOT, "proc/uptime", 0, R, 0, &fd), 0);
    check("read /proc/uptime", (read_buf(fd, buf, sizeof buf, &n), n > 4), 1);
    check("write /proc/uptime refused", open_at(ROOT, "proc/uptime", 0, W, 0, &fd), __WASI_ERRNO_ACCES);
}

static void test_poll_and_sched(void) {
    __wasi_subscription_t sub;
    __wasi_event_t ev;
    __wasi_size_t n;
    __wasi_timestamp_t t1, t2;
    memset(&sub, 0, sizeof sub);
    sub.userdata = 42;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 20000000; /* 20 ms */
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
    check("poll_oneoff clock", __wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2);
    check("poll_oneoff clock slept", t2 - t1 >= 19000000, 1);
    check("poll_oneoff event userdata", ev.userdata, 42);
    check("poll_oneoff no subscriptions", __wasi_poll_oneoff(&sub, &ev, 0, &n), __WASI_ERRNO_INVAL);
    __wasi_fd_t fd;
    open_at(ROOT, "tmp/wt/a", 0, R, 0, &fd);
    memset(&sub, 0, sizeof sub);
    sub.u.tag = __WASI_EVENTTYPE_FD_READ;
    sub.u.u.fd_read.file_descriptor = fd;
    check("poll_oneoff fd_read file", __wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
    check("poll_oneoff fd_read event", n == 1 && ev.type == __WASI_EVENTTYPE_FD_READ && ev.error == 0, 1);
    __wasi_fd_close(fd);
    sub.u.u.fd_read.file_descriptor = 99;
    check("poll_oneoff bad fd", (__wasi_poll_oneoff(&sub, &ev, 1, &n), ev.error), __WASI_ERRNO_BADF);
    check("sched_yield", __wasi_sched_yield(), 0);
    check("proc_raise ignored signal", raw_proc_raise(WASI_SIGNAL_CHLD), 0);
}

static void test_sockets(void) {
    __wasi_fd_t fd;
    __wasi_size_t n;
    __wasi_roflags_t rof;
    check("sock_accept", __wasi_sock_accept(3, 0, &fd), __WASI_ERRNO_NOTSUP);
    check("sock_recv", __wasi_sock_recv(3, NULL, 0, 0, &n, &rof), __WASI_ERRNO_NOTSUP);
    check("sock_send", __wasi_sock_send(3, NULL, 0, 0, &n), __WASI_ERRNO_NOTSUP);
    check("sock_shutdown", __wasi_sock_shutdown(3, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSUP);
}

static size_t put_u32(uint8_t *p, uint32_t v) {
    memcpy(p, &v, 4);
    return 4;
}

static size_t put_str(uint8_t *p, const char *s) {
    size_t n = strlen(s);
    put_u32(p, n);
    memcpy(p + 4, s, n);
    return 4 + n;
}

static void test_wasmsand_abi(void) {
    uint8_t cwd[64];
    uint32_t len;
    check("wasmsand cwd_get", ws_cwd_get(cwd, sizeof cwd, &len), 0);
    check("wasmsand cwd_get is /tmp", len == 4 && memcmp(cwd, "/tmp", 4) == 0, 1);
    check("wasmsand cwd_get short buffer", ws_cwd_get(cwd, 2, &len), __WASI_ERRNO_RANGE);
    uint32_t fds[2];
    check("wasmsand pipe", ws_pipe(fds), 0);
    /* Child: `head -c 5` reading our pipe, writing our stdout. */
    uint8_t req[256];
    size_t p = 0;
    p += put_u32(req + p, 3);
    p += put_str(req + p, "head");
    p += put_str(req + p, "-c");
    p += put_str(req + p, "5");
    p += put_u32(req + p, 0xffffffffu); /* inherit environment */
    p += put_u32(req + p, 0);           /* inherit cwd */
    p += put_u32(req + p, 3);
    p += put_u32(req + p, 0);
    p += put_u32(req + p, fds[0]);
    p += put_u32(req + p, 1);
    p += put_u32(req + p, 1);
    p += put_u32(req + p, 2);
    p += put_u32(req + p, 2);
    uint32_t pid, status;
    fflush(stdout);
    check("wasmsand spawn", ws_spawn(req, p, &pid), 0);
    __wasi_fd_close(fds[0]);
    __wasi_size_t n;
    write_str(fds[1], "child says hi\n", &n);
    __wasi_fd_close(fds[1]);
    check("wasmsand wait", ws_wait(pid, UINT64_MAX, &status), 0);
    printf("\n");
    check("wasmsand wait status", status, 0);
    check("wasmsand wait reaped", ws_wait(pid, UINT64_MAX, &status), __WASI_ERRNO_CHILD);
    /* A command that does not exist. */
    p = 0;
    p += put_u32(req + p, 1);
    p += put_str(req + p, "no-such-command");
    p += put_u32(req + p, 0xffffffffu);
    p += put_u32(req + p, 0);
    p += put_u32(req + p, 0);
    check("wasmsand spawn missing command", ws_spawn(req, p, &pid), __WASI_ERRNO_NOENT);
    /* A child that never ends: timeout, then kill. */
    p = 0;
    p += put_u32(req + p, 1);
    p += put_str(req + p, "yes");
    p += put_u32(req + p, 0xffffffffu);
    p += put_u32(req + p, 0);
    p += put_u32(req + p, 1);
    p += put_u32(req + p, 1);
    __wasi_fd_t devnull;
    open_at(ROOT, "dev/null", 0, W, 0, &devnull);
    p += put_u32(req + p, devnull);
    check("wasmsand spawn yes", ws_spawn(req, p, &pid), 0);
    check("wasmsand wait timeout", ws_wait(pid, 10000000ull, &status), __WASI_ERRNO_TIMEDOUT);
    check("wasmsand kill", ws_kill(pid, 15), 0);
    check("wasmsand wait killed", (ws_wait(pid, UINT64_MAX, &status), status), 128 + 15);
    check("wasmsand kill gone", ws_kill(pid, 15), __WASI_ERRNO_SRCH);
    /* Mode bits. */
    uint32_t ext[3];
    check("wasmsand path_chmod", ws_path_chmod(ROOT, 0, "tmp/wt/a", 8, 0600), 0);
    check("wasmsand path_stat_ext", ws_path_stat_ext(ROOT, 0, "tmp/wt/a", 8, ext), 0);
    check("wasmsand path_stat_ext mode", ext[0], 0100600);
    check("wasmsand path_stat_ext uid", ext[1], 1000);
    check("wasmsand fd_stat_ext", ws_fd_stat_ext(ROOT, ext), 0);
    check("wasmsand fd_stat_ext dir", ext[0] & 0170000, 0040000);
    uint32_t old;
    check("wasmsand umask", ws_umask(077, &old), 0);
    check("wasmsand umask old", old, 022);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    test_args_env();
    test_clocks_random();
    test_prestat();
    test_files();
    test_libc_relative_paths();
    test_devices_and_proc();
    test_poll_and_sched();
    test_sockets();
    test_wasmsand_abi();
    fflush(stdout);
    if (failures) {
        printf("%d checks failed\n", failures);
        __wasi_proc_exit(1);
    }
    /* proc_exit with a code, checked by the caller. */
    __wasi_proc_exit(7);
}
