/* Misbehaving on purpose, to test the host's limits:
 *   probe spin            loop forever without a system call
 *   probe alloc MIB       allocate and touch MIB mebibytes
 *   probe unreachable     trap (abort)
 *   probe oob             read far outside linear memory
 *   probe recurse         unbounded recursion (stack overflow)
 *   probe exit N          exit with status N
 *   probe sleep MS        sleep MS milliseconds (poll_oneoff)
 *   probe echo-stdin      copy stdin to stdout one byte per write
 *   probe writes N        N two-byte writes to stdout (a call-heavy program) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char asyncify_buffer[65536];
__attribute__((export_name("wasmsand_asyncify_buffer"))) void *wasmsand_asyncify_buffer(void) {
    return asyncify_buffer;
}

static volatile uint64_t sink;

static int recurse(int n) {
    volatile char pad[256];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "spin")) {
        for (uint64_t i = 0;; i++) sink += i;
    } else if (!strcmp(cmd, "alloc")) {
        long mib = argc > 2 ? atol(argv[2]) : 1;
        for (long i = 0; i < mib; i++) {
            char *volatile p = malloc(1 << 20);
            if (!p) {
                fprintf(stderr, "probe: out of memory after %ld MiB\n", i);
                return 3;
            }
            memset(p, 1, 1 << 20);
            sink += p[i % (1 << 20)];
        }
        printf("allocated %ld MiB\n", mib);
    } else if (!strcmp(cmd, "unreachable")) {
        __builtin_trap();
    } else if (!strcmp(cmd, "oob")) {
        sink = *(volatile uint64_t *)(uintptr_t)0xfffffff0u;
    } else if (!strcmp(cmd, "recurse")) {
        return recurse(0);
    } else if (!strcmp(cmd, "exit")) {
        return atoi(argv[2]);
    } else if (!strcmp(cmd, "sleep")) {
        struct timespec ts = {atol(argv[2]) / 1000, (atol(argv[2]) % 1000) * 1000000};
        nanosleep(&ts, NULL);
        puts("slept");
    } else if (!strcmp(cmd, "writes")) {
        long n = atol(argv[2]);
        for (long i = 0; i < n; i++) write(1, "x\n", 2);
    } else if (!strcmp(cmd, "echo-stdin")) {
        char c;
        while (read(0, &c, 1) == 1) write(1, &c, 1);
    }
    return 0;
}
