// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj: the hwrng of a device with a physical noise source, fed by the
 * extraction pipeline of smtj_extract.c (digitise, decimate, SP 800-90B
 * health tests, then SHA-256 or Peres).
 *
 * A backend adds it to a device it registered (devm_smtj_hwrng_add());
 * the core knows nothing of it beyond a pointer and the hook that lets it
 * refuse a configuration its extractor cannot decode.  Simulated devices
 * get none: simulation is never entropy.  For tests only (module
 * parameter test_only_sim_hwrng of smtj_sim.c) a simulated device runs the
 * same pipeline with its output in debugfs, never registered with
 * hw_random, so it can credit nothing.
 *
 * The hwrng is an in-kernel sink of its device: the core's fan-out gives it
 * its own samples, never seen by a file.  It is attached only while read:
 * the first waiting read attaches it, and it detaches again after
 * SMTJ_HWRNG_IDLE_MS without reads and when the hw_random core cleans the
 * source up.  While detached, files see their stream without gaps; the
 * extractor keeps its state (a permanent failure survives idling).
 *
 * Interrupts stay on while the extractor runs: the sink's deliver callback
 * (device lock, interrupts off) only copies the samples into a FIFO and
 * queues the hwrng's work; the work takes them out one chunk at a time
 * and feeds the extractor under a mutex.
 *
 * Conditioner and quality: with an assessed min-entropy per sample (the
 * device tree's "smtj,min-entropy-per-sample", or root through sysfs) the
 * conditioner is SHA-256 and the output is full entropy: quality 1024.
 * Without one it is Peres, whose output nothing assessed backs: quality 0.
 * A quality stated outright ("smtj,hwrng-quality", the module parameter
 * hwrng_quality, sysfs) overrides that.  A source of quality 0 has its
 * pipeline and sysfs but is not registered with hw_random (from 6.2 on
 * hw_random would read 0 as its default of 1024); it is once a quality
 * above 0 exists.  A simulated device never credits.
 * The pipeline's running min-entropy estimate (hwrng/entropy_*) holds the
 * source to its assessment: below it, the state becomes intermittent.
 * Documentation/driver-api/smtj-hwrng.rst has the details.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/hw_random.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "smtj_core.h"
#include "smtj_hwrng.h"
#include "smtj_extract.h"

#define SMTJ_HWRNG_IDLE_MS	200U	/* detach after this long unread */
#define SMTJ_HWRNG_WAIT_MS	100U	/* longest wait inside one ->read */
#define SMTJ_HWRNG_QUALITY_MAX	1024U
#define SMTJ_HWRNG_MIN_ENTROPY_MAX	(1000U * SMTJ_EXTRACT_MAX_JUNCTIONS)
#define SMTJ_HWRNG_NO_INDEX	U64_MAX
/*
 * Samples between deliver and the work: eight of the simulator's batches,
 * so that the producer and the work hand over rarely (each hand-over is a
 * wake-up on another CPU).
 */
#define SMTJ_HWRNG_FIFO		32768U
#define SMTJ_HWRNG_RUNS		256U	/* runs of consecutive indices in it */

/* A quality as the parameter and sysfs take it: 0..1024, else ERANGE. */
static int smtj_hwrng_parse_quality(const char *val, unsigned int *q)
{
	int ret = kstrtouint(val, 0, q);

	if (ret)
		return ret;
	return *q > SMTJ_HWRNG_QUALITY_MAX ? -ERANGE : 0;
}

static int smtj_hwrng_quality_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int q;
	int ret = smtj_hwrng_parse_quality(val, &q);

	if (!ret)
		*(unsigned int *)kp->arg = q;
	return ret;
}

static const struct kernel_param_ops smtj_hwrng_quality_ops = {
	.set = smtj_hwrng_quality_set,
	.get = param_get_uint,
};

static unsigned int hwrng_quality;
module_param_cb(hwrng_quality, &smtj_hwrng_quality_ops, &hwrng_quality, 0444);
MODULE_PARM_DESC(hwrng_quality,
		 "hwrng entropy per 1024 bits of physical devices without smtj,hwrng-quality in DT (0..1024, default 0: no hwrng)");

/* A run of consecutive device indices in the FIFO. */
struct smtj_hwrng_run {
	u64 index;
	u32 n;
};

/**
 * struct smtj_hwrng - the hwrng pipeline of one device
 * @rng: registered with the hw_random core while @registered
 * @name: "smtjN"
 * @sdev: the device
 * @sink: attached to the device while @attached
 * @hook: the device's config hook: vets new configurations; also how the
 *	sysfs attributes find @h from the device
 * @test_only: a simulated device: never registered, quality 0, output in
 *	debugfs
 * @registered: @rng is registered
 * @debugfs: the test-only output file, or NULL
 * @lock: serialises attach, detach, reconfiguration and removal
 * @attached: @sink is attached (@lock)
 * @gone: being removed: reads fail, waiters wake up
 * @wq: readers waiting for conditioned bytes
 * @idle: detaches @sink when unread for SMTJ_HWRNG_IDLE_MS
 * @work: feeds the FIFO's samples to the extractor
 * @last_read: jiffies of the last read that wanted bytes
 * @reading: reads in progress: the sink stays attached while there are any
 * @quality: bits of entropy per 1024 output bits
 * @reg_lock: serialises registration with hw_random and @quality's
 *	inputs below (never held with @lock: hwrng_register() reads)
 * @quality_set: a quality stated outright (DT, parameter, sysfs), or 0
 * @min_entropy: assessed min-entropy per sample in milli-bits, or 0
 * @min_entropy_src: where @min_entropy came from, enum smtj_hwrng_src
 * @conditioner: enum smtj_conditioner the extractor is set up with
 * @fifo: SMTJ_HWRNG_FIFO samples: those delivered, not yet fed (device
 *	lock)
 * @fifo_head: index in @fifo of the oldest (device lock)
 * @fifo_len: how many (device lock)
 * @run: their runs of consecutive indices, oldest at @run_head (device lock)
 * @run_head: see @run
 * @nr_runs: see @run
 * @gen: counts the times the FIFO was emptied (device lock)
 * @xlock: protects everything below
 * @usable: the extractor is set up for the device's configuration
 * @sim_cfg: the simulator configuration the extractor was set up for
 * @cfg: the extractor's configuration
 * @sign: the sign bit of a signed channel's codes, else 0: the extractor
 *	sees codes as offset binary, code ^ sign
 * @x: the extractor
 * @state: last device state seen, enum smtj_health_state; also read
 *	without @xlock by waiting readers
 * @avail: conditioned bytes ready; also read without @xlock
 * @transitions: state changes
 * @first_index: device index of the first sample fed since the extractor
 *	was set up
 * @trip_index: device index just past the chunk in which the output last
 *	stopped
 * @bytes: conditioned bytes handed out
 */
struct smtj_hwrng {
	struct hwrng rng;
	char name[16];
	struct smtj_device *sdev;
	struct smtj_sink sink;
	struct smtj_config_hook hook;
	bool test_only;
	bool registered;
	struct dentry *debugfs;
	struct mutex lock;	/* see above */
	bool attached;
	bool gone;
	wait_queue_head_t wq;
	struct delayed_work idle;
	struct work_struct work;
	unsigned long last_read;
	atomic_t reading;
	unsigned int quality;
	struct mutex reg_lock;	/* see above */
	unsigned int quality_set;
	u32 min_entropy;
	u32 min_entropy_src;
	u32 conditioner;

	u16 *fifo;
	u32 fifo_head;
	u32 fifo_len;
	struct smtj_hwrng_run run[SMTJ_HWRNG_RUNS];
	u32 run_head;
	u32 nr_runs;
	u32 gen;

	struct mutex xlock;	/* see above */
	bool usable;
	struct smtj_sim_config sim_cfg;
	struct smtj_extract_config cfg;
	u16 sign;
	struct smtj_extract *x;
	u32 state;
	u32 avail;
	u64 transitions;
	u64 first_index;
	u64 trip_index;
	u64 bytes;
};

enum smtj_hwrng_src { SMTJ_HWRNG_SRC_NONE, SMTJ_HWRNG_SRC_DT,
	SMTJ_HWRNG_SRC_SYSFS };

static const char *const smtj_hwrng_src_name[] = {
	[SMTJ_HWRNG_SRC_NONE] = "none",
	[SMTJ_HWRNG_SRC_DT] = "dt",
	[SMTJ_HWRNG_SRC_SYSFS] = "sysfs",
};

static const char *const smtj_hwrng_cond_name[] = {
	[SMTJ_COND_PERES] = "peres",
	[SMTJ_COND_SHA256] = "sha256",
};

static inline struct smtj_hwrng *to_smtj_hwrng(struct hwrng *rng)
{
	return container_of(rng, struct smtj_hwrng, rng);
}

/* @xlock held: log and count a change of the device's state. */
static void smtj_hwrng_check_state(struct smtj_hwrng *h, u64 index)
{
	u32 state = smtj_extract_state(h->x);

	lockdep_assert_held(&h->xlock);
	WRITE_ONCE(h->avail, (u32)smtj_extract_avail(h->x));
	if (state == h->state)
		return;
	if (h->state == SMTJ_HEALTH_OK)
		h->trip_index = index;
	if (state == SMTJ_HEALTH_OK || state == SMTJ_HEALTH_STARTUP)
		dev_info(&h->sdev->dev, "hwrng health %s -> %s\n",
			 smtj_health_state_name(h->state),
			 smtj_health_state_name(state));
	else
		dev_warn(&h->sdev->dev, "hwrng health %s -> %s at sample %llu\n",
			 smtj_health_state_name(h->state),
			 smtj_health_state_name(state), index);
	WRITE_ONCE(h->state, state);
	h->transitions++;
	wake_up_all(&h->wq);	/* a permanent failure ends the waits */
}

/*
 * Device lock held (sink ops): what the FIFO can take.  Only deliver
 * makes it smaller, so a producer that asked may push that much.
 */
static unsigned int smtj_hwrng_room_locked(struct smtj_hwrng *h)
{
	if (h->nr_runs == SMTJ_HWRNG_RUNS)
		return 0;
	return SMTJ_HWRNG_FIFO - h->fifo_len;
}

/* Interrupts off: copy into the FIFO, nothing else. */
static bool smtj_hwrng_deliver(struct smtj_sink *sink, const u16 *samples,
			       unsigned int n, u64 index, u64 time_ns)
{
	struct smtj_hwrng *h = container_of(sink, struct smtj_hwrng, sink);
	struct smtj_hwrng_run *last = NULL;
	u32 tail, first;

	if (n > smtj_hwrng_room_locked(h))
		return false;
	tail = (h->fifo_head + h->fifo_len) % SMTJ_HWRNG_FIFO;
	first = min(n, SMTJ_HWRNG_FIFO - tail);
	memcpy(h->fifo + tail, samples, first * sizeof(u16));
	memcpy(h->fifo, samples + first, (n - first) * sizeof(u16));
	h->fifo_len += n;
	if (h->nr_runs)
		last = &h->run[(h->run_head + h->nr_runs - 1) % SMTJ_HWRNG_RUNS];
	if (last && last->index + last->n == index) {
		last->n += n;
	} else {
		last = &h->run[(h->run_head + h->nr_runs) % SMTJ_HWRNG_RUNS];
		last->index = index;
		last->n = n;
		h->nr_runs++;
	}
	queue_work(system_unbound_wq, &h->work);
	return true;
}

static unsigned int smtj_hwrng_room(struct smtj_sink *sink)
{
	return smtj_hwrng_room_locked(container_of(sink, struct smtj_hwrng,
						   sink));
}

/* Device lock held: drop @n samples from the FIFO's head. */
static void smtj_hwrng_fifo_drop(struct smtj_hwrng *h, u32 n)
{
	struct smtj_hwrng_run *r = &h->run[h->run_head];

	h->fifo_head = (h->fifo_head + n) % SMTJ_HWRNG_FIFO;
	h->fifo_len -= n;
	r->index += n;
	r->n -= n;
	if (!r->n) {
		h->run_head = (h->run_head + 1) % SMTJ_HWRNG_RUNS;
		h->nr_runs--;
	}
}

/* Device lock held: forget every queued sample. */
static void smtj_hwrng_fifo_clear(struct smtj_hwrng *h)
{
	WRITE_ONCE(h->gen, h->gen + 1);
	h->fifo_head = 0;
	h->fifo_len = 0;
	h->run_head = 0;
	h->nr_runs = 0;
}

/* SET_SIM restarted the stream: its old samples are not fed. */
static void smtj_hwrng_reset(struct smtj_sink *sink)
{
	smtj_hwrng_fifo_clear(container_of(sink, struct smtj_hwrng, sink));
}

static void smtj_hwrng_dead(struct smtj_sink *sink)
{
	struct smtj_hwrng *h = container_of(sink, struct smtj_hwrng, sink);

	WRITE_ONCE(h->gone, true);
	wake_up_all(&h->wq);
}

static const struct smtj_sink_ops smtj_hwrng_sink_ops = {
	.deliver = smtj_hwrng_deliver,
	.room = smtj_hwrng_room,
	.reset = smtj_hwrng_reset,
	.dead = smtj_hwrng_dead,
};

/*
 * @xlock held: feed @n <= SMTJ_CHUNK codes from device index @index, as
 * far as the extractor's output buffer lets it; returns how many it took.
 */
static u32 smtj_hwrng_feed(struct smtj_hwrng *h, const u16 *in, u32 n,
			   u64 index)
{
	u16 code[SMTJ_CHUNK];
	u32 i, used;

	/* the extractor's work never runs with interrupts off */
	lockdep_assert_held(&h->xlock);
	lockdep_assert_irqs_enabled();
	if (h->sign) {
		/* two's complement to offset binary: rails 0, max */
		for (i = 0; i < n; i++)
			code[i] = (in[i] ^ h->sign) & h->cfg.code_max;
		in = code;
	}
	if (h->first_index == SMTJ_HWRNG_NO_INDEX)
		h->first_index = index;
	used = smtj_extract_feed(h->x, in, n, index);
	/* per chunk, so that trip_index is exact to SMTJ_CHUNK samples */
	smtj_hwrng_check_state(h, index + used);
	return used;
}

/*
 * The work: the FIFO's samples through the extractor, one chunk at a time
 * (the device lock, interrupts off, only while copying that chunk out;
 * @xlock per chunk, so that sysfs and readers get their turn).  Stops
 * when the extractor's output buffer is full (a read that takes bytes
 * queues the work again), and after a FIFO's worth of samples, queueing
 * itself again, so that a producer as fast as the extractor cannot keep
 * it here.
 */
static void smtj_hwrng_work(struct work_struct *work)
{
	struct smtj_hwrng *h = container_of(work, struct smtj_hwrng, work);
	struct smtj_device *sdev = h->sdev;
	u32 n, used, pos, first, budget = SMTJ_HWRNG_FIFO;
	bool fed = false, kick, more = false, stale;
	u16 code[SMTJ_CHUNK];
	unsigned long flags;
	u64 index;
	u32 gen;

	for (;;) {
		spin_lock_irqsave(&sdev->lock, flags);
		if (!h->nr_runs) {
			spin_unlock_irqrestore(&sdev->lock, flags);
			break;
		}
		if (!budget) {
			spin_unlock_irqrestore(&sdev->lock, flags);
			more = true;
			break;
		}
		gen = h->gen;
		index = h->run[h->run_head].index;
		n = min(h->run[h->run_head].n, SMTJ_CHUNK);
		pos = h->fifo_head;
		first = min(n, SMTJ_HWRNG_FIFO - pos);
		memcpy(code, h->fifo + pos, first * sizeof(u16));
		memcpy(code + first, h->fifo, (n - first) * sizeof(u16));
		spin_unlock_irqrestore(&sdev->lock, flags);

		mutex_lock(&h->xlock);
		/*
		 * Not set up for this configuration: the samples are dropped;
		 * emptied meanwhile (a reset under @xlock): not fed.
		 */
		if (READ_ONCE(h->gen) != gen)
			used = 0;
		else
			used = h->usable ? smtj_hwrng_feed(h, code, n, index) : n;
		mutex_unlock(&h->xlock);

		kick = false;
		spin_lock_irqsave(&sdev->lock, flags);
		/* unless the FIFO was emptied meanwhile */
		stale = h->gen != gen;
		if (!stale) {
			/* half empty again: a waiting producer may go on */
			kick = h->fifo_len > SMTJ_HWRNG_FIFO / 2 &&
			       h->fifo_len - used <= SMTJ_HWRNG_FIFO / 2;
			smtj_hwrng_fifo_drop(h, used);
		}
		spin_unlock_irqrestore(&sdev->lock, flags);
		fed |= used > 0;
		budget -= min(budget, used);
		if (kick)
			smtj_core_kick(sdev);
		if (used < n && !stale)
			break;
		cond_resched();
	}
	if (READ_ONCE(h->avail) && READ_ONCE(h->state) == SMTJ_HEALTH_OK)
		wake_up(&h->wq);
	if (fed)
		smtj_core_kick(sdev);	/* unthrottled producers wait for room */
	if (more)
		queue_work(system_unbound_wq, &h->work);
}

/*
 * The extractor's configuration for samples of width @bits (@is_signed)
 * from @nj junctions with the level table @level (codes as the samples
 * carry them; @nj > 1 only) and @h's conditioner; *sign as in struct
 * smtj_hwrng.
 */
static void smtj_hwrng_make_config(struct smtj_extract_config *c, u16 *sign,
				   u32 bits, bool is_signed, u32 nj,
				   const u16 *level, const struct smtj_hwrng *h)
{
	u32 i;

	smtj_extract_default_config(c);
	c->conditioner = READ_ONCE(h->conditioner);
	c->min_entropy = READ_ONCE(h->min_entropy);
	c->code_max = bits >= 16 ? 0xffff : (1U << bits) - 1;
	*sign = is_signed ? (u16)(1U << (min(bits, 16U) - 1)) : 0;
	if (nj <= 1)
		return;		/* one junction: no table */
	/* more than the extractor decodes: smtj_extract_check() says so */
	c->nr_junctions = nj;
	for (i = 0; i < (1U << min_t(u32, nj, SMTJ_EXTRACT_MAX_JUNCTIONS)); i++)
		c->level[i] = (level[i] ^ *sign) & c->code_max;
}

/*
 * The extractor's configuration for the device as it is now: the sample
 * format, and the junctions and level table of a simulator's
 * configuration or of a physical array (get_levels).  ops_lock held.
 */
static void smtj_hwrng_config(struct smtj_hwrng *h,
			      struct smtj_extract_config *c,
			      struct smtj_sim_config *sc, u16 *sign)
{
	struct smtj_device *sdev = h->sdev;
	const struct smtj_backend_ops *ops = sdev->ops;
	u16 level[SMTJ_EXTRACT_MAX_LEVELS] = { 0 };
	struct smtj_format fmt;
	unsigned long flags;
	u32 nj = 1;

	BUILD_BUG_ON(sizeof(level) != sizeof(sc->level));
	lockdep_assert_held(&sdev->ops_lock);
	spin_lock_irqsave(&sdev->lock, flags);
	fmt = sdev->fmt;
	spin_unlock_irqrestore(&sdev->lock, flags);
	memset(sc, 0, sizeof(*sc));
	if (ops && h->test_only && ops->get_config) {
		ops->get_config(sdev, sc);
		nj = sc->nr_junctions;
		memcpy(level, sc->level, sizeof(level));
	} else if (ops && !h->test_only && ops->get_levels) {
		ops->get_levels(sdev, &nj, level);
	}
	smtj_hwrng_make_config(c, sign, fmt.sample_bits, fmt.sample_signed,
			       nj, level, h);
}

/*
 * The hook of smtj_core_check_config(): whether the extractor can decode
 * a device with format @fmt and configuration @cfg.  The very check that
 * smtj_extract_init() makes, so that a configuration the device takes is
 * one the extractor takes.
 */
static int smtj_hwrng_check_config(struct smtj_config_hook *hook,
				   const struct smtj_format *fmt,
				   const struct smtj_sim_config *cfg)
{
	struct smtj_extract_config c;
	u16 sign;

	smtj_hwrng_make_config(&c, &sign, fmt->sample_bits,
			       fmt->sample_signed, cfg->nr_junctions,
			       cfg->level,
			       container_of(hook, struct smtj_hwrng, hook));
	return smtj_extract_check(&c);
}

/*
 * @lock held, detached: set the extractor up afresh when the device's
 * configuration changed since it was (SET_SIM cannot happen while the
 * hwrng is attached: it needs the device to itself).  On failure the
 * extractor is not usable until a configuration it accepts: reads get
 * nothing and samples are dropped.
 */
static int smtj_hwrng_refresh(struct smtj_hwrng *h, bool force)
{
	struct smtj_device *sdev = h->sdev;
	struct smtj_extract_config c;
	struct smtj_sim_config sc;
	u16 sign;
	int ret = 0;

	mutex_lock(&sdev->ops_lock);
	smtj_hwrng_config(h, &c, &sc, &sign);
	mutex_unlock(&sdev->ops_lock);
	mutex_lock(&h->xlock);
	if (!force && h->usable && !memcmp(&c, &h->cfg, sizeof(c)) &&
	    !memcmp(&sc, &h->sim_cfg, sizeof(sc)) && sign == h->sign)
		goto out;
	ret = smtj_extract_init(h->x, &c);
	if (ret) {
		/* x is as it was; never fed again until a good refresh */
		h->usable = false;
		dev_err(&sdev->dev,
			"hwrng: the extractor cannot handle this configuration (%d)\n",
			ret);
		goto out;
	}
	h->usable = true;
	h->cfg = c;
	h->sign = sign;
	h->sim_cfg = sc;
	h->first_index = SMTJ_HWRNG_NO_INDEX;
	smtj_hwrng_check_state(h, 0);
out:
	mutex_unlock(&h->xlock);
	return ret;
}

/* @lock held: detach, and forget what the work has not fed. */
static void smtj_hwrng_detach(struct smtj_hwrng *h)
{
	unsigned long flags;

	lockdep_assert_held(&h->lock);
	if (!h->attached)
		return;
	smtj_sink_detach(h->sdev, &h->sink);
	WRITE_ONCE(h->attached, false);
	cancel_work_sync(&h->work);
	spin_lock_irqsave(&h->sdev->lock, flags);
	smtj_hwrng_fifo_clear(h);
	spin_unlock_irqrestore(&h->sdev->lock, flags);
}

static void smtj_hwrng_idle(struct work_struct *work)
{
	struct smtj_hwrng *h = container_of(to_delayed_work(work),
					    struct smtj_hwrng, idle);
	unsigned long idle = msecs_to_jiffies(SMTJ_HWRNG_IDLE_MS);
	unsigned long last = READ_ONCE(h->last_read);

	mutex_lock(&h->lock);
	/*
	 * A reader waiting inside ->read keeps it attached however long it
	 * waits (a loaded machine may not run it for 200 ms): a detach would
	 * drop the samples in between.
	 */
	if (atomic_read(&h->reading))
		schedule_delayed_work(&h->idle, idle);
	else if (time_before(jiffies, last + idle))
		schedule_delayed_work(&h->idle, last + idle - jiffies);
	else
		smtj_hwrng_detach(h);
	mutex_unlock(&h->lock);
}

static int smtj_hwrng_attach(struct smtj_hwrng *h)
{
	int ret = 0;

	WRITE_ONCE(h->last_read, jiffies);
	if (READ_ONCE(h->attached))
		return 0;
	mutex_lock(&h->lock);
	if (h->gone) {
		ret = -ENODEV;
	} else if (!h->attached) {
		ret = smtj_hwrng_refresh(h, false);
		if (!ret)
			ret = smtj_sink_attach(h->sdev, &h->sink);
		if (!ret) {
			WRITE_ONCE(h->attached, true);
			schedule_delayed_work(&h->idle,
					      msecs_to_jiffies(SMTJ_HWRNG_IDLE_MS));
		}
	}
	mutex_unlock(&h->lock);
	return ret;
}

/*
 * How many bytes a waiting read waits for: all it asks for (the hw_random
 * core hands a reader the tail of a short read first, so partial reads
 * would reorder the stream), up to half the extractor's buffer.
 */
static size_t smtj_hwrng_want(size_t max)
{
	return clamp_t(size_t, max, 1, SMTJ_EXTRACT_OUT_BYTES / 2);
}

/*
 * Conditioned bytes, only while healthy and at least @min of them;
 * -EIO after a permanent failure or while the extractor cannot decode the
 * device's configuration.
 */
static int smtj_hwrng_take(struct smtj_hwrng *h, void *data, size_t max,
			   size_t min)
{
	size_t n = 0;
	bool usable;
	u32 state;

	mutex_lock(&h->xlock);
	usable = h->usable;
	if (usable && smtj_extract_avail(h->x) >= min)
		n = smtj_extract_read(h->x, data, max);
	h->bytes += n;
	WRITE_ONCE(h->avail, (u32)smtj_extract_avail(h->x));
	state = h->state;
	mutex_unlock(&h->xlock);
	if (n) {
		/* the extractor may have stopped for room: go on */
		queue_work(system_unbound_wq, &h->work);
		return (int)n;
	}
	return state == SMTJ_HEALTH_PERMANENT || !usable ? -EIO : 0;
}

static bool smtj_hwrng_ready(struct smtj_hwrng *h, size_t want)
{
	u32 state = READ_ONCE(h->state);

	return READ_ONCE(h->gone) || state == SMTJ_HEALTH_PERMANENT ||
	       (state == SMTJ_HEALTH_OK && READ_ONCE(h->avail) >= want);
}

static int smtj_hwrng_read_wait(struct smtj_hwrng *h, void *data, size_t max,
				bool wait)
{
	long left;
	int ret;

	if (wait)	/* keeps the sink attached while reads go on */
		WRITE_ONCE(h->last_read, jiffies);
	if (!READ_ONCE(h->attached)) {
		/* bytes of a stream that SET_SIM replaced are not handed out */
		mutex_lock(&h->lock);
		if (!h->attached && !h->gone)
			smtj_hwrng_refresh(h, false);
		mutex_unlock(&h->lock);
	}
	ret = smtj_hwrng_take(h, data, max, wait ? smtj_hwrng_want(max) : 1);
	if (ret || !wait)
		return ret;
	ret = smtj_hwrng_attach(h);
	if (ret)
		return ret;
	left = wait_event_interruptible_timeout(h->wq,
						smtj_hwrng_ready(h, smtj_hwrng_want(max)),
						msecs_to_jiffies(SMTJ_HWRNG_WAIT_MS));
	if (left < 0)
		return left;
	if (READ_ONCE(h->gone))
		return -ENODEV;
	/* 0 bytes: the hw_random core calls again, checking for signals */
	return smtj_hwrng_take(h, data, max, smtj_hwrng_want(max));
}

static int smtj_hwrng_read(struct hwrng *rng, void *data, size_t max,
			   bool wait)
{
	struct smtj_hwrng *h = to_smtj_hwrng(rng);
	int ret;

	if (READ_ONCE(h->gone))
		return -ENODEV;
	atomic_inc(&h->reading);
	ret = smtj_hwrng_read_wait(h, data, max, wait);
	WRITE_ONCE(h->last_read, jiffies);
	atomic_dec(&h->reading);
	return ret;
}

static void smtj_hwrng_cleanup(struct hwrng *rng)
{
	struct smtj_hwrng *h = to_smtj_hwrng(rng);

	mutex_lock(&h->lock);
	smtj_hwrng_detach(h);
	mutex_unlock(&h->lock);
}

/*
 * The test-only output of a simulated device: the same reads as
 * /dev/hwrng would make, at most 64 bytes each.
 */
static ssize_t smtj_hwrng_test_read(struct file *file, char __user *buf,
				    size_t len, loff_t *ppos)
{
	struct smtj_hwrng *h = file->private_data;
	bool wait = !(file->f_flags & O_NONBLOCK);
	u8 tmp[64];
	int n;

	len = min(len, sizeof(tmp));
	if (!len)
		return 0;
	for (;;) {
		n = smtj_hwrng_read(&h->rng, tmp, len, wait);
		if (n)
			break;
		if (!wait)
			return -EAGAIN;
		if (signal_pending(current))
			return -ERESTARTSYS;
	}
	if (n < 0)
		return n;
	if (copy_to_user(buf, tmp, n))
		return -EFAULT;
	return n;
}

static const struct file_operations smtj_hwrng_test_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = smtj_hwrng_test_read,
	.llseek = noop_llseek,
};

/* A quality stated outright: DT "smtj,hwrng-quality", else the parameter. */
static unsigned int smtj_hwrng_stated_quality(struct smtj_hwrng *h)
{
	struct device *parent = h->sdev->dev.parent;
	u32 q;

	if (h->test_only)
		return 0;
	if (parent && !device_property_read_u32(parent, "smtj,hwrng-quality",
						&q)) {
		if (q <= SMTJ_HWRNG_QUALITY_MAX)
			return q;
		dev_warn(&h->sdev->dev,
			 "smtj,hwrng-quality %u is above %u: using %u\n", q,
			 SMTJ_HWRNG_QUALITY_MAX, READ_ONCE(hwrng_quality));
	}
	return READ_ONCE(hwrng_quality);
}

/*
 * The board's assessment: DT "smtj,min-entropy-per-sample" (milli-bits per
 * digitised sample), with the conditioner it implies unless DT
 * "smtj,conditioner" names one.  A value out of range is ignored, loudly.
 */
static void smtj_hwrng_dt_assessment(struct smtj_hwrng *h)
{
	struct device *parent = h->sdev->dev.parent;
	const char *name;
	u32 me;

	if (!parent)
		return;
	if (!device_property_read_u32(parent, "smtj,min-entropy-per-sample",
				      &me)) {
		if (me && me <= SMTJ_HWRNG_MIN_ENTROPY_MAX) {
			h->min_entropy = me;
			h->min_entropy_src = SMTJ_HWRNG_SRC_DT;
			h->conditioner = SMTJ_COND_SHA256;
		} else {
			dev_warn(&h->sdev->dev,
				 "smtj,min-entropy-per-sample %u is not in 1..%u: no assessment\n",
				 me, SMTJ_HWRNG_MIN_ENTROPY_MAX);
		}
	}
	if (!device_property_read_string(parent, "smtj,conditioner", &name)) {
		if (!strcmp(name, "peres"))
			h->conditioner = SMTJ_COND_PERES;
		else if (strcmp(name, "sha256") || !h->min_entropy)
			dev_warn(&h->sdev->dev,
				 "smtj,conditioner \"%s\": not usable here, using %s\n",
				 name, smtj_hwrng_cond_name[h->conditioner]);
	}
}

/*
 * @reg_lock held, not @lock: the quality the inputs give, and registered
 * with hw_random exactly while it is above 0.
 */
static void smtj_hwrng_update_quality(struct smtj_hwrng *h)
{
	unsigned int q = h->quality_set;
	int ret;

	lockdep_assert_held(&h->reg_lock);
	if (!q && h->conditioner == SMTJ_COND_SHA256)
		q = SMTJ_HWRNG_QUALITY_MAX;	/* full entropy, 90B 3.1.5.1.1 */
	if (h->test_only)
		q = 0;		/* simulation is never entropy */
	WRITE_ONCE(h->quality, q);
	WRITE_ONCE(h->rng.quality, q);
	if (h->test_only || READ_ONCE(h->gone))
		return;
	if (q && !h->registered) {
		ret = hwrng_register(&h->rng);
		if (ret)
			dev_warn(&h->sdev->dev, "hwrng not registered (%d)\n",
				 ret);
		else
			h->registered = true;
	} else if (!q && h->registered) {
		hwrng_unregister(&h->rng);
		h->registered = false;
	}
}

static const struct attribute_group smtj_hwrng_group;

/* Unhook from the device and free; nothing may use @h any more. */
static void smtj_hwrng_free(struct smtj_hwrng *h)
{
	smtj_core_clear_config_hook(h->sdev, &h->hook);
	mutex_destroy(&h->xlock);
	mutex_destroy(&h->reg_lock);
	mutex_destroy(&h->lock);
	kvfree(h->fifo);
	kvfree(h->x);
	kfree(h);
}

/* Undo devm_smtj_hwrng_add(): end every read, then free. */
static void smtj_hwrng_remove(void *data)
{
	struct smtj_hwrng *h = data;
	struct smtj_device *sdev = h->sdev;

	/* no sysfs write registers it again after this */
	sysfs_remove_group(&sdev->dev.kobj, &smtj_hwrng_group);
	WRITE_ONCE(h->gone, true);
	wake_up_all(&h->wq);
	/* waits until no read is in progress and the source is cleaned up */
	mutex_lock(&h->reg_lock);
	if (h->registered)
		hwrng_unregister(&h->rng);
	h->registered = false;
	mutex_unlock(&h->reg_lock);
	debugfs_remove(h->debugfs);
	cancel_delayed_work_sync(&h->idle);
	mutex_lock(&h->lock);
	smtj_hwrng_detach(h);
	mutex_unlock(&h->lock);
	cancel_work_sync(&h->work);	/* a last read may have queued it */
	smtj_hwrng_free(h);
}

/**
 * devm_smtj_hwrng_add() - give a registered device its hwrng
 * @parent: the backend's device (the hwrng goes when it unbinds, before
 *	the smtj device)
 * @sdev: the device, registered with devm_smtj_core_register(@parent, ...)
 * @kind: SMTJ_HWRNG_PHYSICAL: registered with hw_random, named after the
 *	device, while its quality is above 0; SMTJ_HWRNG_TEST_ONLY: never
 *	registered, output in debugfs smtj/smtjN-hwrng
 *
 * Also creates /sys/class/smtj/smtjN/hwrng/.
 *
 * Return: 0 or a negative errno.
 */
int devm_smtj_hwrng_add(struct device *parent, struct smtj_device *sdev,
			int kind)
{
	struct smtj_hwrng *h;
	char fname[32];
	int ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	/* 16 KiB with the online estimate's window: no need to be contiguous */
	h->x = kvzalloc(sizeof(*h->x), GFP_KERNEL);
	h->fifo = kvcalloc(SMTJ_HWRNG_FIFO, sizeof(*h->fifo), GFP_KERNEL);
	if (!h->x || !h->fifo) {
		kvfree(h->fifo);
		kvfree(h->x);
		kfree(h);
		return -ENOMEM;
	}
	h->sdev = sdev;
	h->test_only = kind == SMTJ_HWRNG_TEST_ONLY;
	h->sink.ops = &smtj_hwrng_sink_ops;
	h->hook.check = smtj_hwrng_check_config;
	mutex_init(&h->lock);
	mutex_init(&h->reg_lock);
	mutex_init(&h->xlock);
	init_waitqueue_head(&h->wq);
	INIT_DELAYED_WORK(&h->idle, smtj_hwrng_idle);
	INIT_WORK(&h->work, smtj_hwrng_work);
	h->state = SMTJ_HEALTH_STARTUP;
	h->first_index = SMTJ_HWRNG_NO_INDEX;
	h->trip_index = SMTJ_HWRNG_NO_INDEX;
	strscpy(h->name, dev_name(&sdev->dev), sizeof(h->name));
	h->quality_set = smtj_hwrng_stated_quality(h);
	if (!h->test_only)
		smtj_hwrng_dt_assessment(h);

	ret = smtj_core_set_config_hook(sdev, &h->hook);
	if (!ret) {
		/* the extractor must take the device as its backend has it */
		mutex_lock(&h->lock);
		ret = smtj_hwrng_refresh(h, true);
		if (ret && h->min_entropy) {
			/* e.g. more min-entropy than the junctions can have */
			dev_warn(&sdev->dev,
				 "smtj,min-entropy-per-sample %u does not fit the device: no assessment\n",
				 h->min_entropy);
			h->min_entropy = 0;
			h->min_entropy_src = SMTJ_HWRNG_SRC_NONE;
			h->conditioner = SMTJ_COND_PERES;
			ret = smtj_hwrng_refresh(h, true);
		}
		mutex_unlock(&h->lock);
	}
	if (!ret)
		ret = sysfs_create_group(&sdev->dev.kobj, &smtj_hwrng_group);
	if (ret) {
		smtj_hwrng_free(h);
		return ret;
	}
	ret = devm_add_action_or_reset(parent, smtj_hwrng_remove, h);
	if (ret)
		return ret;

	if (h->test_only) {
		snprintf(fname, sizeof(fname), "%s-hwrng", h->name);
		h->debugfs = debugfs_create_file(fname, 0400, smtj_debugfs_root,
						 h, &smtj_hwrng_test_fops);
		dev_info(&sdev->dev, "test-only hwrng pipeline, output in debugfs smtj/%s\n",
			 fname);
		return 0;
	}
	h->rng.name = h->name;
	h->rng.read = smtj_hwrng_read;
	h->rng.cleanup = smtj_hwrng_cleanup;
	mutex_lock(&h->reg_lock);
	smtj_hwrng_update_quality(h);	/* the device works without it */
	mutex_unlock(&h->reg_lock);
	if (!h->registered)
		dev_info(&sdev->dev,
			 "hwrng not registered: quality %u (no assessed min-entropy, no smtj,hwrng-quality)\n",
			 h->quality);
	return 0;
}

/* sysfs: /sys/class/smtj/smtjN/hwrng/ */

/* The group exists only while the hook is set (devm_smtj_hwrng_add()). */
static struct smtj_hwrng *dev_to_hwrng(struct device *dev)
{
	struct smtj_device *sdev = container_of(dev, struct smtj_device, dev);

	return container_of(sdev->config_hook, struct smtj_hwrng, hook);
}

enum smtj_hwrng_stat {
	SMTJ_HS_SAMPLES, SMTJ_HS_GAPS, SMTJ_HS_RAIL, SMTJ_HS_UNRESOLVED,
	SMTJ_HS_SLOW, SMTJ_HS_DECIMATED, SMTJ_HS_OUT_BITS, SMTJ_HS_DISCARDED,
	SMTJ_HS_RCT, SMTJ_HS_APT, SMTJ_HS_INTERMITTENT, SMTJ_HS_PERMANENT,
	SMTJ_HS_TRANSITIONS, SMTJ_HS_BYTES, SMTJ_HS_FIRST, SMTJ_HS_TRIP,
	SMTJ_HS_ONLINE_FAILURES, SMTJ_HS_ONLINE_TRIP,
};

/* @xlock held. */
static u64 smtj_hwrng_stat(struct smtj_hwrng *h, int which)
{
	const struct smtj_extract *x = h->x;
	u64 v = 0;
	u32 j;

	switch (which) {
	case SMTJ_HS_SAMPLES:
		return x->stats.samples;
	case SMTJ_HS_GAPS:
		return x->stats.gaps;
	case SMTJ_HS_RAIL:
		return x->stats.rail;
	case SMTJ_HS_UNRESOLVED:
		return x->stats.unresolved;
	case SMTJ_HS_SLOW:
		return x->stats.slow_blocks;
	case SMTJ_HS_DECIMATED:
		return x->stats.decimated;
	case SMTJ_HS_OUT_BITS:
		return x->stats.out_bits;
	case SMTJ_HS_DISCARDED:
		return x->stats.discarded_bits;
	case SMTJ_HS_TRANSITIONS:
		return h->transitions;
	case SMTJ_HS_BYTES:
		return h->bytes;
	case SMTJ_HS_FIRST:
		return h->first_index;
	case SMTJ_HS_TRIP:
		return h->trip_index;
	case SMTJ_HS_ONLINE_FAILURES:
		return x->stats.online_failures;
	case SMTJ_HS_ONLINE_TRIP:
		return x->stats.online_trip_index;
	}
	for (j = 0; j < x->cfg.nr_junctions; j++) {
		const struct smtj_health_stats *s = &x->j[j].health.stats;

		switch (which) {
		case SMTJ_HS_RCT:
			v += s->rct_failures;
			break;
		case SMTJ_HS_APT:
			v += s->apt_failures;
			break;
		case SMTJ_HS_INTERMITTENT:
			v += s->intermittent;
			break;
		case SMTJ_HS_PERMANENT:
			v += s->permanent;
			break;
		}
	}
	return v;
}

/* A counter of enum smtj_hwrng_stat: its number is the attribute's var. */
static ssize_t smtj_hwrng_stat_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	int which = (int)(uintptr_t)container_of(attr, struct dev_ext_attribute,
						 attr)->var;
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	u64 v;

	mutex_lock(&h->xlock);
	v = smtj_hwrng_stat(h, which);
	mutex_unlock(&h->xlock);
	if ((which == SMTJ_HS_FIRST || which == SMTJ_HS_TRIP ||
	     which == SMTJ_HS_ONLINE_TRIP) && v == SMTJ_HWRNG_NO_INDEX)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%llu\n", v);
}

#define SMTJ_HWRNG_STAT(_name, _which)					\
	static struct dev_ext_attribute smtj_hwrng_attr_##_name = {	\
		__ATTR(_name, 0444, smtj_hwrng_stat_show, NULL),	\
		(void *)(uintptr_t)(_which)				\
	}

SMTJ_HWRNG_STAT(samples, SMTJ_HS_SAMPLES);
SMTJ_HWRNG_STAT(gaps, SMTJ_HS_GAPS);
SMTJ_HWRNG_STAT(rail_samples, SMTJ_HS_RAIL);
SMTJ_HWRNG_STAT(unresolved_samples, SMTJ_HS_UNRESOLVED);
SMTJ_HWRNG_STAT(slow_blocks, SMTJ_HS_SLOW);
SMTJ_HWRNG_STAT(decimated_bits, SMTJ_HS_DECIMATED);
SMTJ_HWRNG_STAT(output_bits, SMTJ_HS_OUT_BITS);
SMTJ_HWRNG_STAT(discarded_bits, SMTJ_HS_DISCARDED);
SMTJ_HWRNG_STAT(rct_failures, SMTJ_HS_RCT);
SMTJ_HWRNG_STAT(apt_failures, SMTJ_HS_APT);
SMTJ_HWRNG_STAT(intermittent, SMTJ_HS_INTERMITTENT);
SMTJ_HWRNG_STAT(permanent, SMTJ_HS_PERMANENT);
SMTJ_HWRNG_STAT(transitions, SMTJ_HS_TRANSITIONS);
SMTJ_HWRNG_STAT(bytes, SMTJ_HS_BYTES);
SMTJ_HWRNG_STAT(first_index, SMTJ_HS_FIRST);
SMTJ_HWRNG_STAT(trip_index, SMTJ_HS_TRIP);
SMTJ_HWRNG_STAT(entropy_failures, SMTJ_HS_ONLINE_FAILURES);
SMTJ_HWRNG_STAT(entropy_trip_index, SMTJ_HS_ONLINE_TRIP);

/* Q16 bits to milli-bits, rounded. */
static u32 smtj_hwrng_q16_mb(u32 q16)
{
	return (u32)(((u64)q16 * 1000 + SMTJ_ONLINE_H_ONE / 2) >>
		     16);	/* Q16 */
}

/*
 * The online estimate of the last full window (milli-bits per sample),
 * or its upper bound; "none" until a window is full.
 */
static ssize_t smtj_hwrng_online_show(struct device *dev, char *buf,
				      bool bound)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	bool valid;
	u32 v;

	mutex_lock(&h->xlock);
	valid = h->x->online.valid;
	v = bound ? h->x->online.res.h_hi : h->x->online.res.h;
	mutex_unlock(&h->xlock);
	if (!valid)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%u\n", smtj_hwrng_q16_mb(v));
}

static ssize_t entropy_estimate_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return smtj_hwrng_online_show(dev, buf, false);
}
static DEVICE_ATTR_RO(entropy_estimate);

static ssize_t entropy_bound_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return smtj_hwrng_online_show(dev, buf, true);
}
static DEVICE_ATTR_RO(entropy_bound);

static ssize_t entropy_window_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", SMTJ_ONLINE_WINDOW);
}
static DEVICE_ATTR_RO(entropy_window);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);

	return sysfs_emit(buf, "%s\n",
			  smtj_health_state_name(READ_ONCE(h->state)));
}
static DEVICE_ATTR_RO(state);

/* Per junction: mean dwell in samples (two decimals) and decimation. */
static ssize_t dwell_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	u32 dwell[SMTJ_EXTRACT_MAX_JUNCTIONS], decim[SMTJ_EXTRACT_MAX_JUNCTIONS];
	u32 j, nj;
	int len = 0;

	mutex_lock(&h->xlock);
	nj = h->x->cfg.nr_junctions;
	for (j = 0; j < nj; j++) {
		dwell[j] = h->x->j[j].dwell_q8;
		decim[j] = h->x->j[j].decim;
	}
	mutex_unlock(&h->xlock);
	for (j = 0; j < nj; j++)
		len += sysfs_emit_at(buf, len, "%s%u.%02u/%u", j ? " " : "",
				     dwell[j] >> 8,
				     ((dwell[j] & 0xff) * 100) >> 8,
				     decim[j]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(dwell);

static ssize_t junctions_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	u32 nj;

	mutex_lock(&h->xlock);
	nj = h->x->cfg.nr_junctions;
	mutex_unlock(&h->xlock);
	return sysfs_emit(buf, "%u\n", nj);
}
static DEVICE_ATTR_RO(junctions);

/*
 * The level table the extractor decodes with: the code of each array state
 * in state order, as the samples carry it; an empty line for one junction,
 * whose two levels the extractor follows by itself.
 */
static ssize_t levels_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	const struct smtj_extract_config *c = &h->x->cfg;
	int len = 0;
	u32 i;

	mutex_lock(&h->xlock);
	for (i = 0; c->nr_junctions > 1 && i < (1U << c->nr_junctions); i++)
		len += sysfs_emit_at(buf, len, "%s%d", i ? " " : "",
				     (int)c->level[i] - (int)h->sign);
	mutex_unlock(&h->xlock);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(levels);

static ssize_t quality_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_hwrng(dev)->quality));
}

static ssize_t quality_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	unsigned int q;
	int ret;

	ret = smtj_hwrng_parse_quality(buf, &q);
	if (ret)
		return ret;
	if (h->test_only)	/* simulation is never entropy */
		return q ? -EPERM : (ssize_t)count;
	if (!q)		/* hw_random would read 0 as its default, 1024 */
		return -EINVAL;
	mutex_lock(&h->reg_lock);
	h->quality_set = q;
	smtj_hwrng_update_quality(h);
	mutex_unlock(&h->reg_lock);
	return count;
}
static DEVICE_ATTR_RW(quality);

/*
 * @reg_lock held: set the extractor up with @conditioner and @min_entropy
 * and, if it takes them, keep them; else nothing changes.
 */
static int smtj_hwrng_set_conditioner(struct smtj_hwrng *h, u32 conditioner,
				      u32 min_entropy, u32 src)
{
	u32 old_cond = h->conditioner, old_me = h->min_entropy;
	int ret;

	lockdep_assert_held(&h->reg_lock);
	mutex_lock(&h->lock);
	WRITE_ONCE(h->conditioner, conditioner);
	WRITE_ONCE(h->min_entropy, min_entropy);
	ret = smtj_hwrng_refresh(h, true);
	if (ret) {
		WRITE_ONCE(h->conditioner, old_cond);
		WRITE_ONCE(h->min_entropy, old_me);
		smtj_hwrng_refresh(h, true);
	} else {
		h->min_entropy_src = src;
	}
	mutex_unlock(&h->lock);
	if (!ret)
		smtj_hwrng_update_quality(h);
	return ret;
}

static ssize_t min_entropy_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_hwrng(dev)->min_entropy));
}

/*
 * Root sets the assessed min-entropy per sample (milli-bits): the
 * conditioner becomes SHA-256 and the quality what it claims; 0 withdraws
 * the assessment (Peres, quality 0 unless stated outright).
 */
static ssize_t min_entropy_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	u32 me, nj;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtou32(buf, 0, &me);
	if (ret)
		return ret;
	if (me > SMTJ_HWRNG_MIN_ENTROPY_MAX)
		return -ERANGE;
	/* more than the junctions can have: refused before anything restarts */
	mutex_lock(&h->xlock);
	nj = h->x->cfg.nr_junctions;
	mutex_unlock(&h->xlock);
	if (me > 1000 * nj)
		return -EINVAL;
	mutex_lock(&h->reg_lock);
	ret = smtj_hwrng_set_conditioner(h, me ? SMTJ_COND_SHA256 :
					 SMTJ_COND_PERES, me,
					 me ? SMTJ_HWRNG_SRC_SYSFS :
					 SMTJ_HWRNG_SRC_NONE);
	mutex_unlock(&h->reg_lock);
	return ret ? ret : (ssize_t)count;
}
static DEVICE_ATTR_RW(min_entropy);

static ssize_t min_entropy_source_show(struct device *dev,
				       struct device_attribute *attr,
				       char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	u32 src;

	mutex_lock(&h->reg_lock);
	src = h->min_entropy_src;
	mutex_unlock(&h->reg_lock);
	return sysfs_emit(buf, "%s\n", smtj_hwrng_src_name[src]);
}
static DEVICE_ATTR_RO(min_entropy_source);

static ssize_t conditioner_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  smtj_hwrng_cond_name[READ_ONCE(dev_to_hwrng(dev)->conditioner)]);
}

/* Root selects "sha256" (needs an assessment) or "peres". */
static ssize_t conditioner_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	int cond, ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	cond = sysfs_match_string(smtj_hwrng_cond_name, buf);
	if (cond < 0)
		return cond;
	if (cond == SMTJ_COND_SHA256 && !READ_ONCE(h->min_entropy))
		return -EINVAL;		/* nothing to count */
	mutex_lock(&h->reg_lock);
	ret = smtj_hwrng_set_conditioner(h, cond, h->min_entropy,
					 h->min_entropy_src);
	mutex_unlock(&h->reg_lock);
	return ret ? ret : (ssize_t)count;
}
static DEVICE_ATTR_RW(conditioner);

/*
 * Writing 1 leaves a permanent failure: start-up again, dwell afresh, from
 * the samples produced after the write.
 */
static ssize_t reset_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	unsigned long flags;
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	if (!val)
		return -EINVAL;
	mutex_lock(&h->xlock);
	/* samples queued before the reset belong to what is being left */
	spin_lock_irqsave(&h->sdev->lock, flags);
	smtj_hwrng_fifo_clear(h);
	spin_unlock_irqrestore(&h->sdev->lock, flags);
	smtj_extract_reset(h->x);
	smtj_hwrng_check_state(h, h->x->next_index);
	mutex_unlock(&h->xlock);
	smtj_core_kick(h->sdev);	/* room again */
	return count;
}
static DEVICE_ATTR_WO(reset);

static struct attribute *smtj_hwrng_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_quality.attr,
	&dev_attr_min_entropy.attr,
	&dev_attr_min_entropy_source.attr,
	&dev_attr_conditioner.attr,
	&dev_attr_reset.attr,
	&dev_attr_dwell.attr,
	&dev_attr_junctions.attr,
	&dev_attr_levels.attr,
	&dev_attr_entropy_estimate.attr,
	&dev_attr_entropy_bound.attr,
	&dev_attr_entropy_window.attr,
	&smtj_hwrng_attr_entropy_failures.attr.attr,
	&smtj_hwrng_attr_entropy_trip_index.attr.attr,
	&smtj_hwrng_attr_samples.attr.attr,
	&smtj_hwrng_attr_gaps.attr.attr,
	&smtj_hwrng_attr_rail_samples.attr.attr,
	&smtj_hwrng_attr_unresolved_samples.attr.attr,
	&smtj_hwrng_attr_slow_blocks.attr.attr,
	&smtj_hwrng_attr_decimated_bits.attr.attr,
	&smtj_hwrng_attr_output_bits.attr.attr,
	&smtj_hwrng_attr_discarded_bits.attr.attr,
	&smtj_hwrng_attr_rct_failures.attr.attr,
	&smtj_hwrng_attr_apt_failures.attr.attr,
	&smtj_hwrng_attr_intermittent.attr.attr,
	&smtj_hwrng_attr_permanent.attr.attr,
	&smtj_hwrng_attr_transitions.attr.attr,
	&smtj_hwrng_attr_bytes.attr.attr,
	&smtj_hwrng_attr_first_index.attr.attr,
	&smtj_hwrng_attr_trip_index.attr.attr,
	NULL
};

static const struct attribute_group smtj_hwrng_group = {
	.name = "hwrng",
	.attrs = smtj_hwrng_attrs,
};
