/*
 * embed: a network's StructureReps embedding (and, with a probe, its predicted performance) through the C ABI.
 *
 *   embed [--bytes] [--probe probe.json] [--repeat N] [--info] ENCODER CHECKPOINT...
 *
 * Prints one line per checkpoint: its path, then the embedding's floats (%.9g, so they read back exactly), then
 * with --probe "train=<p> test=<p>". --bytes reads each file into memory and uses the _bytes calls (what a host
 * without a file system does). --repeat N embeds each checkpoint N times and prints the mean latency to stderr.
 * Exit 1 on an error, with the library's message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "structurereps.h"

/* The library's message names the file or argument already. */
static int fail(void)
{
    char message[1024];
    sr_last_error(message, sizeof message);
    fprintf(stderr, "embed: %s\n", message);
    return 1;
}

static uint8_t *read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    fclose(f);
    *length = (size_t)n;
    return data;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int bytes = 0, repeat = 1, info = 0, first = 1;
    const char *probe_path = NULL;
    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        if (strcmp(argv[first], "--bytes") == 0) bytes = 1;
        else if (strcmp(argv[first], "--info") == 0) info = 1;
        else if (strcmp(argv[first], "--probe") == 0 && first + 1 < argc) probe_path = argv[++first];
        else if (strcmp(argv[first], "--repeat") == 0 && first + 1 < argc) repeat = atoi(argv[++first]);
        else { fprintf(stderr, "embed: unknown option %s\n", argv[first]); return 2; }
    }
    if (info) {
        char line[512];
        sr_engine_info(line, sizeof line);
        printf("%s\n", line);
        if (first >= argc) return 0;
    }
    if (argc - first < 2 || repeat < 1) {
        fprintf(stderr, "usage: embed [--bytes] [--probe probe.json] [--repeat N] [--info] ENCODER CHECKPOINT...\n");
        return 2;
    }

    sr_encoder encoder = 0;
    sr_probe probe = 0;
    if (bytes) {
        size_t n;
        uint8_t *data = read_file(argv[first], &n);
        if (!data) { fprintf(stderr, "embed: cannot read %s\n", argv[first]); return 1; }
        int status = sr_encoder_open_bytes(data, n, &encoder);
        free(data);
        if (status != SR_OK) return fail();
    } else if (sr_encoder_open(argv[first], &encoder) != SR_OK) {
        return fail();
    }
    if (probe_path && sr_probe_open(encoder, probe_path, &probe) != SR_OK) return fail();

    int32_t dimensions;
    if (sr_encoder_dimensions(encoder, &dimensions) != SR_OK) return fail();
    float *z = malloc(sizeof(float) * (size_t)dimensions);
    int rc = 0;
    for (int i = first + 1; i < argc && rc == 0; i++) {
        size_t n = 0;
        uint8_t *data = bytes ? read_file(argv[i], &n) : NULL;
        if (bytes && !data) { fprintf(stderr, "embed: cannot read %s\n", argv[i]); rc = 1; break; }
        int32_t written = 0;
        double start = seconds();
        for (int r = 0; r < repeat; r++) {
            int status = bytes ? sr_embed_bytes(encoder, data, n, z, dimensions, &written)
                               : sr_embed(encoder, argv[i], z, dimensions, &written);
            if (status != SR_OK) { rc = fail(); break; }
        }
        if (repeat > 1 && rc == 0) fprintf(stderr, "%s: %.3f ms per embedding (%d)\n", argv[i], (seconds() - start) * 1e3 / repeat, repeat);
        free(data);
        if (rc) break;
        printf("%s", argv[i]);
        for (int d = 0; d < written; d++) printf(" %.9g", z[d]);
        if (probe) {
            double train, test;
            if (sr_predict(probe, z, written, &train, &test) != SR_OK) { rc = fail(); break; }
            printf(" train=%.9g test=%.9g", train, test);
        }
        printf("\n");
    }
    free(z);
    if (probe) sr_probe_close(probe);
    sr_encoder_close(encoder);
    return rc;
}
