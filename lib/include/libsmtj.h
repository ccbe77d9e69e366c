/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsmtj: samples from sMTJ devices and the noise sources of the paper.
 *
 * Conventions: every function that can fail returns 0 or a negative errno
 * and, when the caller passes a struct smtj_err, a message naming the cause
 * (file and offset for parsers).  Handles are opaque; the library keeps no
 * global mutable state, so independent handles may be used from different
 * threads.
 *
 * (Skeleton written first so libdanp/smtj-train and libsmtj agree on the
 * noise interface; the rest of the API is added by the libsmtj work.)
 */
#ifndef LIBSMTJ_H
#define LIBSMTJ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBSMTJ_VERSION_MAJOR 0
#define LIBSMTJ_VERSION_MINOR 1

struct smtj_err {
	int code;		/* negative errno, 0 when no error */
	char msg[256];		/* human-readable cause, NUL-terminated */
};

/* ---- noise sources ---------------------------------------------------- */

struct smtj_noise;

/*
 * Create a noise source from a textual spec, e.g.
 *   "gauss:sigma=1"  "bernoulli:sigma=0.0125,h=1"  "hmm"  "hmm:serial"
 *   "junction:tau0=1e-9,eb=10,..."  "replay:path=noise.f32"
 *   "device:path=/dev/smtj0,transport=uring"
 * The grammar and every key are documented in Documentation/userspace-api/
 * libsmtj.rst.  @seed makes the source deterministic.
 */
int smtj_noise_from_spec(struct smtj_noise **out, const char *spec,
			 uint64_t seed, struct smtj_err *err);

/*
 * Fill out[rows][cols] (row-major) with noise for stream @stream (a layer).
 * Streams are independent; within a stream column c is one node, and rows
 * are consecutive time steps of that node's source (per-node sources), or,
 * for serial sources (replay, serial HMM, device), values are taken
 * sample-major, node-minor, in call order.  Time carries on across calls.
 */
int smtj_noise_fill(struct smtj_noise *src, unsigned int stream, float *out,
		    size_t rows, size_t cols, struct smtj_err *err);

/* Total number of values produced so far. */
uint64_t smtj_noise_consumed(const struct smtj_noise *src);

void smtj_noise_destroy(struct smtj_noise *src);

#ifdef __cplusplus
}
#endif

#endif /* LIBSMTJ_H */
