/*
 * structurereps.h: the C ABI of libstructurereps.so, the StructureReps engine as a NativeAOT shared library.
 *
 * Embeds a trained network (a safetensors state_dict: one of our zoo checkpoints or a PyTorch network with
 * Linear/Conv2d/BatchNorm layers) with a trained encoder (encoder.safetensors from `structurereps encode train`)
 * and, with a saved probe (probe.json from `structurereps decode --save-probe`), predicts its train and test
 * performance. The numbers equal those of `structurereps predict --embedding` on the same files.
 *
 * Errors: every call returns an sr_status. On anything but SR_OK, sr_last_error() gives this thread's message,
 * naming the file or argument and what was expected. No call aborts or throws into the host: bad files, bad
 * handles (unknown, closed, closed twice), null pointers and small buffers are error codes.
 *
 * Ownership: the library allocates only the objects behind handles; sr_encoder_close and sr_probe_close free
 * them. Every buffer is the caller's: the library reads input bytes during the call only (it copies what it
 * keeps) and writes output into the caller's arrays.
 *
 * Threads: any call may be made from any thread. Calls on one encoder handle are serialized by the library (one
 * embedding at a time per encoder; open one encoder per thread for parallel embedding); probes are read-only.
 * sr_last_error is per thread. The engine itself uses the machine's cores within one embedding.
 *
 * CPU level: NativeAOT fixes the instruction set at publish time. scripts/publish-native.sh builds one library
 * per level (x86-64-v3: AVX2 + FMA; x86-64-v4: AVX-512); load the one the CPU supports: a library built for a
 * level above the CPU stops the process at load. sr_engine_info tells which vector widths run in hardware.
 */
#ifndef STRUCTUREREPS_H
#define STRUCTUREREPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sr_status {
    SR_OK = 0,
    SR_INVALID_ARGUMENT = 1, /* a null pointer, an unknown or closed handle, a buffer too small */
    SR_NOT_FOUND = 2,        /* a file that does not exist or cannot be read */
    SR_BAD_INPUT = 3,        /* damaged or unsupported data: the message names the file and field */
    SR_MISMATCH = 4,         /* a probe fitted for another encoder, an embedding of the wrong length */
    SR_INTERNAL = 5          /* a defect of the library, or memory exhausted */
} sr_status;

/* Opaque handles; 0 is never a valid handle. */
typedef intptr_t sr_encoder;
typedef intptr_t sr_probe;

/* Opens a trained encoder from a file (UTF-8 path) or from its bytes in memory. An encoder file written before
 * encoders recorded their featurizer is refused (SR_BAD_INPUT): an unseen network cannot be featurized to match. */
int sr_encoder_open(const char *path, sr_encoder *encoder);
int sr_encoder_open_bytes(const uint8_t *data, size_t length, sr_encoder *encoder);

/* The length of this encoder's embeddings (the latent width, doubled for mean-max pooling). */
int sr_encoder_dimensions(sr_encoder encoder, int32_t *dimensions);

/* Frees the encoder. Probes opened with it stay valid. */
int sr_encoder_close(sr_encoder encoder);

/* Opens a saved probe (probe.json) from a file or from its bytes. Refused with SR_MISMATCH unless it was fitted
 * on embeddings of exactly this encoder file (its SHA-256 is recorded in the probe). */
int sr_probe_open(sr_encoder encoder, const char *path, sr_probe *probe);
int sr_probe_open_bytes(sr_encoder encoder, const uint8_t *json, size_t length, sr_probe *probe);
int sr_probe_close(sr_probe probe);

/* Embeds one network, given as a safetensors file or its bytes in memory, into embedding[0 .. capacity).
 * capacity must be at least sr_encoder_dimensions; *written receives the number of floats written. */
int sr_embed(sr_encoder encoder, const char *checkpoint_path, float *embedding, int32_t capacity, int32_t *written);
int sr_embed_bytes(sr_encoder encoder, const uint8_t *data, size_t length, float *embedding, int32_t capacity,
                   int32_t *written);

/* The probe's predicted train and test performance for one embedding of `length` floats, held to what the
 * performance can be (an accuracy in [0, 1], an R² at most 1). */
int sr_predict(sr_probe probe, const float *embedding, int32_t length, double *train, double *test);

/* Bits of sr_predict_flags' `flags`: a prediction was clipped to its bounds, or the probe's output lies outside the
 * targets it was fitted on (an extrapolation, to be read with care). */
#define SR_TRAIN_CLIPPED 1
#define SR_TEST_CLIPPED 2
#define SR_TRAIN_OUTSIDE_FITTED 4
#define SR_TEST_OUTSIDE_FITTED 8

/* sr_predict, and which of the SR_*_CLIPPED / SR_*_OUTSIDE_FITTED bits hold for this prediction. */
int sr_predict_flags(sr_probe probe, const float *embedding, int32_t length, double *train, double *test, int32_t *flags);

/* Copies this thread's last error message (UTF-8, NUL-terminated, truncated to fit `capacity` bytes) and returns
 * its full length in bytes without the NUL; "" after a call that succeeded. buffer may be NULL to ask the length. */
size_t sr_last_error(char *buffer, size_t capacity);

/* A line describing this build: version, instruction set, vector widths in hardware, GEMM and LAPACK providers.
 * Same contract as sr_last_error. */
size_t sr_engine_info(char *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* STRUCTUREREPS_H */
