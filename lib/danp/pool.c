// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A fixed team of worker threads that run one function together: the
 * caller is part 0, worker i is part i.  A step dispatches a few dozen
 * short jobs (a split product, a fused loop), so waking by futex each time
 * would cost more than the jobs save: workers spin for a while on the job
 * generation before they sleep on a condition variable.  Spinning is
 * bounded by measured progress: the caller waits for its partners about
 * as long as its own part took, workers for the next job about twice the
 * usual gap between jobs; a partner later than that has been descheduled
 * and the spinner sleeps instead of holding the CPU it needs.  When waits
 * like that make the split cost more than one thread would, the pool runs
 * on the caller's thread alone for a while (contention.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "danp-internal.h"

/* 200 us of polling: longer than the serial gaps inside a step (noise,
 * loss), far shorter than the gap between epochs.  Measured in time, not
 * polls: a pause takes 1 cycle on some cores and 140 on others.  With
 * more threads than CPUs a polling thread holds a CPU that the thread it
 * waits for needs, so there they poll only briefly (as libgomp does). */
#define POOL_SPIN_NS 200000
#define POOL_POLLS_PER_CLOCK 256u
/* Least spin: covers the skew between equal parts and a wake-up. */
#define POOL_SPIN_FLOOR_NS 20000

struct danp_pool {
	unsigned int parts;		/* threads, the caller included */
	long spin_ns;			/* most polling before sleeping */
	atomic_long worker_spin_ns;	/* workers' bound, set by the caller */
	/* Caller-only state. */
	struct danp_contention ct;
	long gap_ns;			/* recent gap between jobs */
	long last_end;			/* when the last split job ended */
	pthread_t *tid;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* a new job (or stop) */
	pthread_cond_t done;		/* pending reached 0 */
	atomic_ulong gen;		/* bumped per job (release) */
	atomic_uint pending;		/* workers still in the job */
	danp_pool_fn fn;
	void *arg;
	atomic_int stop;		/* published by the gen bump */
};

struct worker_arg {
	struct danp_pool *pool;
	unsigned int part;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Poll @ready for up to @spin_ns (at least POOL_POLLS_PER_CLOCK polls);
 * 1 when it became true. */
static int poll_until(const struct danp_pool *p,
		      int (*ready)(const struct danp_pool *p, unsigned long v),
		      unsigned long v, long spin_ns)
{
	long deadline = 0;

	for (unsigned int i = 1;; i++) {
		if (ready(p, v))
			return 1;
		cpu_relax();
		if (i % POOL_POLLS_PER_CLOCK == 0) {
			long t = mono_ns();

			if (!deadline)
				deadline = t + spin_ns;
			else if (t >= deadline)
				return 0;
		}
	}
}

static int job_after(const struct danp_pool *p, unsigned long seen)
{
	return atomic_load_explicit(&p->gen, memory_order_acquire) != seen;
}

static int all_done(const struct danp_pool *p, unsigned long unused)
{
	(void)unused;
	return !atomic_load_explicit(&p->pending, memory_order_acquire);
}

/* Wait for a generation other than @seen; returns it. */
static unsigned long wait_job(struct danp_pool *p, unsigned long seen)
{
	unsigned long g;

	long spin = atomic_load_explicit(&p->worker_spin_ns,
					 memory_order_relaxed);

	if (poll_until(p, job_after, seen, spin))
		return atomic_load_explicit(&p->gen, memory_order_acquire);
	pthread_mutex_lock(&p->lock);
	while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen)
		pthread_cond_wait(&p->wake, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return g;
}

static void *worker(void *v)
{
	struct worker_arg wa = *(struct worker_arg *)v;
	struct danp_pool *p = wa.pool;
	unsigned long seen = 0;

	free(v);
	for (;;) {
		seen = wait_job(p, seen);
		if (atomic_load_explicit(&p->stop, memory_order_relaxed))
			return NULL;
		p->fn(p->arg, wa.part, p->parts);
		if (atomic_fetch_sub_explicit(&p->pending, 1,
					      memory_order_acq_rel) == 1) {
			/* The caller may have stopped spinning and slept. */
			pthread_mutex_lock(&p->lock);
			pthread_cond_signal(&p->done);
			pthread_mutex_unlock(&p->lock);
		}
	}
}

static void stop_workers(struct danp_pool *p, unsigned int started)
{
	pthread_mutex_lock(&p->lock);
	atomic_store_explicit(&p->stop, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(p->tid[i], NULL);
}

static void pool_free(struct danp_pool *p)
{
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->tid);
	free(p);
}

int danp_pool_create(struct danp_pool **out, unsigned int threads)
{
	struct danp_pool *p;
	unsigned int i;
	long cpus;
	int ret = 0;

	*out = NULL;
	if (threads < 2)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->parts = threads;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	p->spin_ns = cpus > 0 && threads > cpus ? 0 : POOL_SPIN_NS;
	p->tid = calloc(threads - 1, sizeof(*p->tid));
	if (!p->tid) {
		free(p);
		return -ENOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->done, NULL);
	atomic_init(&p->gen, 0);
	atomic_init(&p->pending, 0);
	atomic_init(&p->stop, 0);
	atomic_init(&p->worker_spin_ns, p->spin_ns);
	danp_contention_init(&p->ct, threads);
	for (i = 0; i + 1 < threads; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));

		if (!wa) {
			ret = -ENOMEM;
			break;
		}
		wa->pool = p;
		wa->part = i + 1;
		ret = -pthread_create(&p->tid[i], NULL, worker, wa);
		if (ret) {
			free(wa);
			break;
		}
	}
	if (ret) {
		stop_workers(p, i);
		pool_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void danp_pool_destroy(struct danp_pool *p)
{
	if (!p)
		return;
	stop_workers(p, p->parts - 1);
	pool_free(p);
}

unsigned int danp_pool_parts(const struct danp_pool *p)
{
	return p ? p->parts : 1;
}

static long clamp_spin(const struct danp_pool *p, long ns)
{
	ns += POOL_SPIN_FLOOR_NS;
	return ns < p->spin_ns ? ns : p->spin_ns;
}

void danp_pool_run(struct danp_pool *p, danp_pool_fn fn, void *arg)
{
	long t0, t1, t2;

	if (!p) {
		fn(arg, 0, 1);
		return;
	}
	if (danp_contention_serial(&p->ct)) {
		fn(arg, 0, 1);
		return;
	}
	p->fn = fn;
	p->arg = arg;
	atomic_store_explicit(&p->pending, p->parts - 1, memory_order_relaxed);
	t0 = mono_ns();
	/* Workers poll for the next job about twice the usual gap. */
	if (p->last_end) {
		p->gap_ns += (t0 - p->last_end - p->gap_ns) / 8;
		atomic_store_explicit(&p->worker_spin_ns,
				      clamp_spin(p, 2 * p->gap_ns),
				      memory_order_relaxed);
	}
	pthread_mutex_lock(&p->lock);
	atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	fn(arg, 0, p->parts);
	t1 = mono_ns();
	/* The partners' parts are as long as ours: wait about that long. */
	if (!poll_until(p, all_done, 0, clamp_spin(p, (t1 - t0) / 2))) {
		/* A worker is late (descheduled on a busy machine): sleep
		 * rather than take the CPU it may need. */
		pthread_mutex_lock(&p->lock);
		while (atomic_load_explicit(&p->pending, memory_order_acquire))
			pthread_cond_wait(&p->done, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	t2 = mono_ns();
	p->last_end = t2;
	danp_contention_record(&p->ct, (uint64_t)(t1 - t0), (uint64_t)(t2 - t1));
}

void danp_pool_stats(const struct danp_pool *p, struct danp_thread_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->threads = danp_pool_parts(p);
	if (!p)
		return;
	st->split_active = !p->ct.serial_left;
	st->split_jobs = p->ct.split_jobs;
	st->serial_jobs = p->ct.serial_jobs;
	st->fallbacks = p->ct.fallbacks;
	st->last_ratio_pct = p->ct.last_ratio_pct;
}

void danp_part_range(size_t n, size_t align, unsigned int part,
		     unsigned int parts, size_t *lo, size_t *hi)
{
	size_t blocks = (n + align - 1) / align;
	size_t b0 = blocks * part / parts, b1 = blocks * (part + 1) / parts;

	*lo = b0 * align < n ? b0 * align : n;
	*hi = b1 * align < n ? b1 * align : n;
}
