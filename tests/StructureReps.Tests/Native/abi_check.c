/*
 * abi_check ENCODER OTHER_ENCODER PROBE CHECKPOINT: the C ABI's contract under misuse, from a C host
 * (NativeLibraryTests builds and runs it). Each check prints "ok <name>" or "FAIL <name>: ..." and the exit
 * status is the number of failures; a crash or an abort of this process is a failure of the library.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "structurereps.h"

static int failures = 0;

static void expect(const char *name, int status, int wanted, const char *message_part)
{
    char message[1024];
    sr_last_error(message, sizeof message);
    if (status != wanted) {
        printf("FAIL %s: status %d, expected %d (%s)\n", name, status, wanted, message);
        failures++;
    } else if (message_part && !strstr(message, message_part)) {
        printf("FAIL %s: message \"%s\" lacks \"%s\"\n", name, message, message_part);
        failures++;
    } else {
        printf("ok %s\n", name);
    }
}

static uint8_t *read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(100); }
    fseek(f, 0, SEEK_END);
    *length = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(*length);
    if (fread(data, 1, *length, f) != *length) exit(101);
    fclose(f);
    return data;
}

struct job { sr_encoder encoder; const char *checkpoint; float z[64]; int status; };

static void *embed_job(void *arg)
{
    struct job *j = arg;
    int32_t written;
    for (int i = 0; i < 5 && j->status == SR_OK; i++)
        j->status = sr_embed(j->encoder, j->checkpoint, j->z, 64, &written);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5) { fprintf(stderr, "usage: abi_check ENCODER OTHER_ENCODER PROBE CHECKPOINT\n"); return 100; }
    const char *encoder_path = argv[1], *other_path = argv[2], *probe_path = argv[3], *checkpoint = argv[4];
    sr_encoder encoder = 0, other = 0, bogus = 0;
    sr_probe probe = 0;
    float z[64];
    int32_t written = 0, dimensions = 0;
    double train, test;

    expect("open", sr_encoder_open(encoder_path, &encoder), SR_OK, NULL);
    expect("dimensions", sr_encoder_dimensions(encoder, &dimensions), SR_OK, NULL);
    expect("last error is empty after success", (int)sr_last_error(NULL, 0), 0, NULL);
    expect("open a missing file", sr_encoder_open("/nonexistent/encoder.safetensors", &bogus), SR_NOT_FOUND, "/nonexistent/encoder.safetensors");
    expect("open with a null path", sr_encoder_open(NULL, &bogus), SR_INVALID_ARGUMENT, "path");
    expect("open with a null result", sr_encoder_open(encoder_path, NULL), SR_INVALID_ARGUMENT, "encoder");
    expect("open a checkpoint as an encoder", sr_encoder_open(checkpoint, &bogus), SR_BAD_INPUT, "__metadata__");

    size_t n;
    uint8_t *bytes = read_file(encoder_path, &n);
    expect("open truncated bytes", sr_encoder_open_bytes(bytes, n / 2, &bogus), SR_BAD_INPUT, "<encoder bytes>");
    expect("open no bytes", sr_encoder_open_bytes(bytes, 0, &bogus), SR_BAD_INPUT, "header length");
    bytes[n / 3] ^= 0x55;
    int damaged = sr_encoder_open_bytes(bytes, n, &bogus);
    printf("%s damaged bytes (status %d)\n", damaged == SR_OK || damaged == SR_BAD_INPUT ? "ok" : "FAIL", damaged);
    if (damaged != SR_OK && damaged != SR_BAD_INPUT) failures++;
    if (damaged == SR_OK) sr_encoder_close(bogus);
    free(bytes);

    expect("embed", sr_embed(encoder, checkpoint, z, 64, &written), SR_OK, NULL);
    expect("embed with a small buffer", sr_embed(encoder, checkpoint, z, dimensions - 1, &written), SR_INVALID_ARGUMENT, "capacity");
    expect("embed with a null buffer", sr_embed(encoder, checkpoint, NULL, 64, &written), SR_INVALID_ARGUMENT, "embedding");
    expect("embed with an unknown handle", sr_embed(12345, checkpoint, z, 64, &written), SR_INVALID_ARGUMENT, "not an open handle");
    expect("embed an encoder file", sr_embed(encoder, encoder_path, z, 64, &written), SR_BAD_INPUT, "not a weight");
    uint8_t garbage[16] = {1, 2, 3};
    expect("embed garbage bytes", sr_embed_bytes(encoder, garbage, sizeof garbage, z, 64, &written), SR_BAD_INPUT, "<checkpoint bytes>");

    expect("open another encoder", sr_encoder_open(other_path, &other), SR_OK, NULL);
    expect("probe of another encoder", sr_probe_open(other, probe_path, &probe), SR_MISMATCH, "another encoder");
    expect("probe", sr_probe_open(encoder, probe_path, &probe), SR_OK, NULL);
    expect("predict", sr_predict(probe, z, dimensions, &train, &test), SR_OK, NULL);
    expect("predict a short embedding", sr_predict(probe, z, dimensions - 1, &train, &test), SR_MISMATCH, "takes");
    expect("predict with an encoder handle", sr_predict(encoder, z, dimensions, &train, &test), SR_INVALID_ARGUMENT, "probe");
    double train2 = -1, test2 = -1;
    int32_t flags = -1;
    expect("predict with flags", sr_predict_flags(probe, z, dimensions, &train2, &test2, &flags), SR_OK, NULL);
    if (train2 != train || test2 != test || flags < 0 || flags > 15) {
        printf("FAIL predict with flags: %g %g flags %d, sr_predict gave %g %g\n", train2, test2, flags, train, test);
        failures++;
    }
    if (train < 0 || train > 1 || test < 0 || test > 1) {
        printf("FAIL predict: an accuracy of %g / %g, outside [0, 1]\n", train, test);
        failures++;
    }
    expect("predict with null flags", sr_predict_flags(probe, z, dimensions, &train2, &test2, NULL), SR_INVALID_ARGUMENT, "flags");

    /* One encoder from four threads: calls are serialized, results identical. */
    pthread_t threads[4];
    struct job jobs[4];
    for (int t = 0; t < 4; t++) {
        jobs[t] = (struct job){.encoder = encoder, .checkpoint = checkpoint, .status = SR_OK};
        pthread_create(&threads[t], NULL, embed_job, &jobs[t]);
    }
    int same = 1;
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        same &= jobs[t].status == SR_OK && memcmp(jobs[t].z, z, sizeof(float) * (size_t)dimensions) == 0;
    }
    printf("%s four threads, one encoder\n", same ? "ok" : "FAIL");
    failures += !same;

    char small[8];
    size_t full = sr_engine_info(small, sizeof small);
    printf("%s engine info truncates (%zu bytes, \"%s\")\n", full > 7 && strlen(small) == 7 ? "ok" : "FAIL", full, small);
    failures += !(full > 7 && strlen(small) == 7);

    expect("close the probe", sr_probe_close(probe), SR_OK, NULL);
    expect("close the probe twice", sr_probe_close(probe), SR_INVALID_ARGUMENT, "closed twice");
    expect("close", sr_encoder_close(encoder), SR_OK, NULL);
    expect("close twice", sr_encoder_close(encoder), SR_INVALID_ARGUMENT, "closed twice");
    expect("embed after close", sr_embed(encoder, checkpoint, z, 64, &written), SR_INVALID_ARGUMENT, "not an open handle");
    expect("close the other", sr_encoder_close(other), SR_OK, NULL);
    printf("%d failures\n", failures);
    return failures;
}
