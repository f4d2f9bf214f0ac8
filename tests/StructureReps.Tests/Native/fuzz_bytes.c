/*
 * fuzz_bytes ENCODER PROBE CHECKPOINT SEED COUNT: the byte entry points under random damage, from a C host
 * (NativeLibraryTests builds and runs it with a fixed seed and count). Each case damages a copy of a valid
 * checkpoint, encoder or probe (bit flips, overwritten bytes, NaN or huge floats, truncation, a repeated or cut
 * range) and calls the library with it. A case passes when the call fails with a status and a message, or succeeds
 * with finite values only. A crash is a failure; so is memory that keeps growing (measured on the second half).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "structurereps.h"

static uint64_t state;

static uint64_t next(void)
{
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

static uint8_t *read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(100); }
    fseek(f, 0, SEEK_END);
    *length = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(*length + 1);
    if (fread(data, 1, *length, f) != *length) exit(101);
    fclose(f);
    data[*length] = 0;
    return data;
}

/* A damaged copy of data (length n) into out; returns its length. */
static size_t damage(const uint8_t *data, size_t n, uint8_t *out)
{
    memcpy(out, data, n);
    size_t at = (size_t)(next() % n), len = n;
    float special[] = {NAN, INFINITY, -INFINITY, 3e38f, -3e38f, 1e-45f};
    switch (next() % 6) {
    case 0: for (int k = 0, flips = 1 + (int)(next() % 8); k < flips; k++) out[next() % n] ^= (uint8_t)(1u << (next() % 8)); break;
    case 1: out[at] = (uint8_t)next(); break;
    case 2: { /* a float in the data, aligned to 4 from the end: tensors sit there */
        size_t f = n - 4 * (1 + (size_t)(next() % (n / 4 - 3)));
        memcpy(out + f, &special[next() % 6], 4);
        break;
    }
    case 3: len = (size_t)(next() % n); break;
    case 4: { size_t cut = 1 + (size_t)(next() % 64); if (at + cut > n) cut = n - at; memmove(out + at, out + at + cut, n - at - cut); len = n - cut; break; }
    default: for (size_t k = at; k < n && k < at + 1 + next() % 16; k++) out[k] = (uint8_t)"{}[]\":,0123456789e-"[next() % 19]; break;
    }
    return len;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) { if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0; fclose(f); }
    return resident * 4;
}

int main(int argc, char **argv)
{
    if (argc != 6) { fprintf(stderr, "usage: fuzz_bytes ENCODER PROBE CHECKPOINT SEED COUNT\n"); return 100; }
    size_t encoder_n, probe_n, checkpoint_n;
    uint8_t *encoder_bytes = read_file(argv[1], &encoder_n), *probe_bytes = read_file(argv[2], &probe_n);
    uint8_t *checkpoint_bytes = read_file(argv[3], &checkpoint_n);
    state = strtoull(argv[4], NULL, 10) * 2654435761u + 1;
    long count = strtol(argv[5], NULL, 10);
    size_t most = encoder_n > checkpoint_n ? encoder_n : checkpoint_n;
    if (probe_n > most) most = probe_n;
    uint8_t *buffer = malloc(most + 1);
    sr_encoder encoder;
    sr_probe probe;
    if (sr_encoder_open_bytes(encoder_bytes, encoder_n, &encoder) != SR_OK) { fprintf(stderr, "the undamaged encoder does not open\n"); return 102; }
    if (sr_probe_open_bytes(encoder, probe_bytes, probe_n, &probe) != SR_OK) { fprintf(stderr, "the undamaged probe does not open\n"); return 103; }
    int32_t dimensions = 0;
    sr_encoder_dimensions(encoder, &dimensions);
    float z[256];
    long ok = 0, refused = 0, bad = 0, rss_half = 0;
    char message[1024];
    for (long i = 0; i < count; i++) {
        if (i == count / 2) rss_half = rss_kb();
        int target = (int)(next() % 4); /* checkpoint twice as often: it is what hosts send most */
        int status;
        double train = 0, test = 0;
        int32_t written = 0, flags = 0;
        if (target <= 1) {
            size_t n = damage(checkpoint_bytes, checkpoint_n, buffer);
            status = sr_embed_bytes(encoder, buffer, n, z, 256, &written);
            if (status == SR_OK) {
                for (int k = 0; k < written; k++)
                    if (!isfinite(z[k])) { printf("FAIL case %ld: SR_OK with embedding[%d] = %g\n", i, k, z[k]); bad++; break; }
                status = sr_predict_flags(probe, z, written, &train, &test, &flags);
                if (status == SR_OK && (!isfinite(train) || !isfinite(test))) { printf("FAIL case %ld: SR_OK with %g / %g\n", i, train, test); bad++; }
            }
        } else if (target == 2) {
            size_t n = damage(encoder_bytes, encoder_n, buffer);
            sr_encoder other;
            status = sr_encoder_open_bytes(buffer, n, &other);
            if (status == SR_OK) sr_encoder_close(other);
        } else {
            size_t n = damage(probe_bytes, probe_n, buffer);
            sr_probe other;
            status = sr_probe_open_bytes(encoder, buffer, n, &other);
            if (status == SR_OK) {
                for (int k = 0; k < dimensions; k++) z[k] = 0.01f * (float)k;
                int p = sr_predict(other, z, dimensions, &train, &test);
                if (p == SR_OK && (!isfinite(train) || !isfinite(test))) { printf("FAIL case %ld: a damaged probe predicts %g / %g\n", i, train, test); bad++; }
                sr_probe_close(other);
            }
        }
        if (status == SR_OK) ok++;
        else {
            refused++;
            if (sr_last_error(message, sizeof message) == 0) { printf("FAIL case %ld: status %d without a message\n", i, status); bad++; }
        }
    }
    long grown = rss_kb() - rss_half;
    printf("%ld cases: %ld ok, %ld refused with a message, %ld failures; memory over the second half %+ld kB\n", count, ok, refused, bad, grown);
    if (grown > 64 * 1024) { printf("FAIL memory grew by %ld kB over the second half\n", grown); bad++; }
    sr_probe_close(probe);
    sr_encoder_close(encoder);
    free(buffer); free(encoder_bytes); free(probe_bytes); free(checkpoint_bytes);
    return bad > 0;
}
