// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj: one hw_random source per device, fed by the extraction pipeline of
 * smtj_extract.c (digitise, decimate, SP 800-90B health tests, Peres).
 *
 * The hwrng is an in-kernel sink of its device: the core's fan-out gives it
 * its own samples, never seen by a file (contract 1).  It is attached only
 * while /dev/hwrng (or the hw_random core's fill thread) is reading: the
 * first waiting read attaches it, and it detaches again after
 * SMTJ_HWRNG_IDLE_MS without reads and when the hw_random core cleans the
 * source up.  While detached, the simulator pauses and files see their
 * stream without gaps; the extractor keeps its state (a permanent failure
 * survives idling).
 *
 * The extractor runs in the sink's deliver callback, under the device lock
 * that also serialises every other access to it.  Quality: the device
 * tree's "smtj,hwrng-quality", else the module parameter hwrng_quality
 * (default 0), changeable in sysfs; always 0 for a simulated device.  With
 * quality 0 the hw_random core's fill thread (the path that credits
 * entropy) gets no bytes at all, because kernels from 6.2 on replace a
 * quality of 0 with their default of 1024.
 * Documentation/driver-api/smtj-hwrng.rst has the details.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hw_random.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "smtj_core.h"
#include "smtj_extract.h"

#define SMTJ_HWRNG_IDLE_MS	200U	/* detach after this long unread */
#define SMTJ_HWRNG_WAIT_MS	100U	/* longest wait inside one ->read */
#define SMTJ_HWRNG_QUALITY_MAX	1024U
#define SMTJ_HWRNG_NO_INDEX	U64_MAX

static int smtj_hwrng_quality_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int q;
	int ret;

	ret = kstrtouint(val, 0, &q);
	if (ret)
		return ret;
	if (q > SMTJ_HWRNG_QUALITY_MAX)
		return -ERANGE;
	*(unsigned int *)kp->arg = q;
	return 0;
}

static const struct kernel_param_ops smtj_hwrng_quality_ops = {
	.set = smtj_hwrng_quality_set,
	.get = param_get_uint,
};

static unsigned int hwrng_quality;
module_param_cb(hwrng_quality, &smtj_hwrng_quality_ops, &hwrng_quality, 0444);
MODULE_PARM_DESC(hwrng_quality,
		 "hwrng entropy per 1024 bits of physical devices without smtj,hwrng-quality in DT (0..1024, default 0: credit nothing)");

/**
 * struct smtj_hwrng - the hw_random source of one device
 * @rng: registered with the hw_random core while @registered
 * @name: "smtjN"
 * @sdev: the device (the hwrng lives as long as it)
 * @sink: attached to the device while @attached
 * @sim: the device is simulated: quality 0, always
 * @registered: @rng is registered
 * @lock: serialises attach, detach, reconfiguration and unregistration
 * @attached: @sink is attached (@lock)
 * @gone: unregistering: reads fail, waiters wake up
 * @wq: readers waiting for conditioned bytes
 * @idle: detaches @sink when unread for SMTJ_HWRNG_IDLE_MS
 * @last_read: jiffies of the last read that wanted bytes
 * @quality: bits of entropy per 1024 output bits
 * @sim_cfg: the simulator configuration the extractor was set up for
 * @cfg: the extractor's configuration (device lock)
 * @sign: the sign bit of a signed channel's codes, else 0: the extractor
 *	sees codes as offset binary, code ^ sign (device lock)
 * @x: the extractor (device lock)
 * @state: last device state seen, enum smtj_health_state (device lock)
 * @transitions: state changes (device lock)
 * @first_index: device index of the first sample fed since the extractor
 *	was set up (device lock)
 * @trip_index: device index just past the chunk in which the output last
 *	stopped (device lock)
 * @bytes: conditioned bytes handed to the hw_random core (device lock)
 */
struct smtj_hwrng {
	struct hwrng rng;
	char name[16];
	struct smtj_device *sdev;
	struct smtj_sink sink;
	bool sim;
	bool registered;
	struct mutex lock;	/* see above */
	bool attached;
	bool gone;
	wait_queue_head_t wq;
	struct delayed_work idle;
	unsigned long last_read;
	unsigned int quality;
	struct smtj_sim_config sim_cfg;
	struct smtj_extract_config cfg;
	u16 sign;
	struct smtj_extract *x;
	u32 state;
	u64 transitions;
	u64 first_index;
	u64 trip_index;
	u64 bytes;
};

static inline struct smtj_hwrng *to_smtj_hwrng(struct hwrng *rng)
{
	return container_of(rng, struct smtj_hwrng, rng);
}

/* Device lock held: log and count a change of the device's state. */
static void smtj_hwrng_check_state(struct smtj_hwrng *h, u64 index)
{
	u32 state = smtj_extract_state(h->x);

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
	h->state = state;
	h->transitions++;
	wake_up_all(&h->wq);	/* a permanent failure ends the waits */
}

/*
 * Samples the extractor will certainly consume: every block of conditioned
 * output takes at least block_bits * decim_min samples of a junction, and
 * at most block_bits / 8 bytes of the output buffer.
 */
static unsigned int smtj_hwrng_room_locked(struct smtj_hwrng *h)
{
	const struct smtj_extract_config *c = &h->cfg;
	u32 limit = SMTJ_EXTRACT_OUT_BYTES - c->block_bits / 8 - 1;
	u32 len = (u32)smtj_extract_avail(h->x);
	u32 blocks;

	if (len > limit)
		return 0;
	blocks = (limit - len) / (c->nr_junctions * (c->block_bits / 8) + 1);
	if (blocks < 2)
		return 0;
	return min_t(u64, (u64)(blocks - 1) * c->block_bits * c->decim_min,
		     1U << 20);
}

static bool smtj_hwrng_deliver(struct smtj_sink *sink, const u16 *samples,
			       unsigned int n, u64 index, u64 time_ns)
{
	struct smtj_hwrng *h = container_of(sink, struct smtj_hwrng, sink);
	u16 code[SMTJ_CHUNK];
	unsigned int off, len, i;

	if (n > smtj_hwrng_room_locked(h))
		return false;
	if (h->first_index == SMTJ_HWRNG_NO_INDEX)
		h->first_index = index;
	/* in chunks, so that trip_index is exact to SMTJ_CHUNK samples */
	for (off = 0; off < n; off += len) {
		const u16 *in = samples + off;

		len = min(n - off, SMTJ_CHUNK);
		if (h->sign) {
			/* two's complement to offset binary: rails 0, max */
			for (i = 0; i < len; i++)
				code[i] = (in[i] ^ h->sign) & h->cfg.code_max;
			in = code;
		}
		smtj_extract_feed(h->x, in, len, index + off);
		smtj_hwrng_check_state(h, index + off + len);
	}
	if (smtj_extract_avail(h->x) && h->state == SMTJ_HEALTH_OK)
		wake_up(&h->wq);
	return true;
}

static unsigned int smtj_hwrng_room(struct smtj_sink *sink)
{
	return smtj_hwrng_room_locked(container_of(sink, struct smtj_hwrng,
						   sink));
}

/* Only SET_SIM restarts a stream, and it needs the device to itself. */
static void smtj_hwrng_reset(struct smtj_sink *sink)
{
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
 * The extractor's configuration for the device as it is now: the sample
 * format, and the junctions and level table of a simulator's
 * configuration or of a physical array (get_levels); *sign as in struct
 * smtj_hwrng.
 */
static void smtj_hwrng_config(struct smtj_hwrng *h,
			      struct smtj_extract_config *c,
			      struct smtj_sim_config *sc, u16 *sign)
{
	struct smtj_device *sdev = h->sdev;
	const struct smtj_backend_ops *ops;
	unsigned long flags;
	u32 bits, nj = 1, i;
	bool is_signed;

	BUILD_BUG_ON(sizeof(c->level) != sizeof(sc->level));
	spin_lock_irqsave(&sdev->lock, flags);
	bits = sdev->fmt.sample_bits;
	is_signed = sdev->fmt.sample_signed;
	spin_unlock_irqrestore(&sdev->lock, flags);
	smtj_extract_default_config(c);
	c->code_max = bits >= 16 ? 0xffff : (1U << bits) - 1;
	*sign = is_signed ? (u16)(1U << (min(bits, 16U) - 1)) : 0;
	memset(sc, 0, sizeof(*sc));
	mutex_lock(&sdev->ops_lock);
	ops = sdev->ops;
	if (ops && h->sim && ops->get_config) {
		ops->get_config(sdev, sc);
		nj = sc->nr_junctions;
		memcpy(c->level, sc->level, sizeof(c->level));
	} else if (ops && !h->sim && ops->get_levels) {
		ops->get_levels(sdev, &nj, c->level);
	}
	mutex_unlock(&sdev->ops_lock);
	if (nj <= 1 || nj > SMTJ_EXTRACT_MAX_JUNCTIONS) {
		memset(c->level, 0, sizeof(c->level));	/* one junction */
		return;
	}
	c->nr_junctions = nj;
	if (*sign)
		for (i = 0; i < (1U << nj); i++)
			c->level[i] = (c->level[i] ^ *sign) & c->code_max;
}

/*
 * @lock held, detached: set the extractor up afresh when the device's
 * configuration changed since it was (SET_SIM, which needs the device to
 * itself, cannot have happened while the hwrng was attached).
 */
static int smtj_hwrng_refresh(struct smtj_hwrng *h, bool force)
{
	struct smtj_extract_config c;
	struct smtj_sim_config sc;
	unsigned long flags;
	u16 sign;
	int ret;

	smtj_hwrng_config(h, &c, &sc, &sign);
	if (!force && !memcmp(&c, &h->cfg, sizeof(c)) &&
	    !memcmp(&sc, &h->sim_cfg, sizeof(sc)) && sign == h->sign)
		return 0;
	spin_lock_irqsave(&h->sdev->lock, flags);
	ret = smtj_extract_init(h->x, &c);
	if (!ret) {
		h->cfg = c;
		h->sign = sign;
		h->first_index = SMTJ_HWRNG_NO_INDEX;
		smtj_hwrng_check_state(h, 0);
	}
	spin_unlock_irqrestore(&h->sdev->lock, flags);
	if (ret) {
		dev_err(&h->sdev->dev,
			"hwrng: the extractor cannot handle this configuration (%d)\n",
			ret);
		return ret;
	}
	h->sim_cfg = sc;
	return 0;
}

static void smtj_hwrng_detach(struct smtj_hwrng *h)
{
	lockdep_assert_held(&h->lock);
	if (!h->attached)
		return;
	smtj_sink_detach(h->sdev, &h->sink);
	h->attached = false;
}

static void smtj_hwrng_idle(struct work_struct *work)
{
	struct smtj_hwrng *h = container_of(to_delayed_work(work),
					    struct smtj_hwrng, idle);
	unsigned long idle = msecs_to_jiffies(SMTJ_HWRNG_IDLE_MS);
	unsigned long last = READ_ONCE(h->last_read);

	mutex_lock(&h->lock);
	if (time_before(jiffies, last + idle))
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
 * -EIO after a permanent failure.
 */
static int smtj_hwrng_take(struct smtj_hwrng *h, void *data, size_t max,
			   size_t min)
{
	struct smtj_device *sdev = h->sdev;
	unsigned long flags;
	size_t n = 0;
	u32 state;

	spin_lock_irqsave(&sdev->lock, flags);
	if (smtj_extract_avail(h->x) >= min)
		n = smtj_extract_read(h->x, data, max);
	h->bytes += n;
	state = h->state;
	spin_unlock_irqrestore(&sdev->lock, flags);
	if (n) {
		smtj_core_kick(sdev);	/* unthrottled producers wait for room */
		return (int)n;
	}
	return state == SMTJ_HEALTH_PERMANENT ? -EIO : 0;
}

static bool smtj_hwrng_ready(struct smtj_hwrng *h, size_t want)
{
	unsigned long flags;
	bool ready;

	if (READ_ONCE(h->gone))
		return true;
	spin_lock_irqsave(&h->sdev->lock, flags);
	ready = h->state == SMTJ_HEALTH_PERMANENT ||
		(h->state == SMTJ_HEALTH_OK && smtj_extract_avail(h->x) >= want);
	spin_unlock_irqrestore(&h->sdev->lock, flags);
	return ready;
}

static int smtj_hwrng_read(struct hwrng *rng, void *data, size_t max,
			   bool wait)
{
	struct smtj_hwrng *h = to_smtj_hwrng(rng);
	long left;
	int ret;

	if (READ_ONCE(h->gone))
		return -ENODEV;
	/*
	 * Quality 0 credits nothing.  The fill thread is the path that
	 * credits, with the core's idea of the quality (from 6.2 on, 1024
	 * for a source registered with 0): it gets nothing from us.
	 */
	if ((current->flags & PF_KTHREAD) &&
	    (h->sim || !READ_ONCE(h->quality)))
		return 0;
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

static void smtj_hwrng_cleanup(struct hwrng *rng)
{
	struct smtj_hwrng *h = to_smtj_hwrng(rng);

	mutex_lock(&h->lock);
	smtj_hwrng_detach(h);
	mutex_unlock(&h->lock);
}

/* Quality: DT "smtj,hwrng-quality" (0 = not stated), else the parameter. */
static unsigned int smtj_hwrng_default_quality(struct smtj_hwrng *h)
{
	struct device *parent = h->sdev->dev.parent;
	u32 q;

	if (h->sim)
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

/**
 * smtj_hwrng_create() - the hwrng of a new device (not yet registered)
 * @sdev: the device, not yet added
 *
 * Return: 0 or -ENOMEM.
 */
int smtj_hwrng_create(struct smtj_device *sdev)
{
	struct smtj_hwrng *h;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->x = kzalloc(sizeof(*h->x), GFP_KERNEL);
	if (!h->x) {
		kfree(h);
		return -ENOMEM;
	}
	h->sdev = sdev;
	h->sim = sdev->fmt.backend == SMTJ_BACKEND_SIM;
	h->sink.ops = &smtj_hwrng_sink_ops;
	mutex_init(&h->lock);
	init_waitqueue_head(&h->wq);
	INIT_DELAYED_WORK(&h->idle, smtj_hwrng_idle);
	h->state = SMTJ_HEALTH_STARTUP;
	h->first_index = SMTJ_HWRNG_NO_INDEX;
	h->trip_index = SMTJ_HWRNG_NO_INDEX;
	smtj_extract_default_config(&h->cfg);
	smtj_extract_init(h->x, &h->cfg);
	sdev->hwrng = h;
	return 0;
}

/**
 * smtj_hwrng_register() - register the device's hwrng, named after it
 * @sdev: an added device
 *
 * A failure is logged; the device works without an hwrng.
 */
void smtj_hwrng_register(struct smtj_device *sdev)
{
	struct smtj_hwrng *h = sdev->hwrng;
	int ret;

	if (!h)
		return;
	strscpy(h->name, dev_name(&sdev->dev), sizeof(h->name));
	h->quality = smtj_hwrng_default_quality(h);
	mutex_lock(&h->lock);
	smtj_hwrng_refresh(h, true);
	mutex_unlock(&h->lock);
	h->rng.name = h->name;
	h->rng.read = smtj_hwrng_read;
	h->rng.cleanup = smtj_hwrng_cleanup;
	h->rng.quality = h->quality;
	ret = hwrng_register(&h->rng);
	if (ret) {
		dev_warn(&sdev->dev, "hwrng not registered (%d)\n", ret);
		return;
	}
	h->registered = true;
}

/**
 * smtj_hwrng_unregister() - the device goes away: end every read
 * @sdev: the device
 *
 * Wakes waiting readers (they get -ENODEV), then unregisters from the
 * hw_random core, which waits until no read is in progress and the source
 * has been cleaned up.  Detaches the sink.  May sleep.
 */
void smtj_hwrng_unregister(struct smtj_device *sdev)
{
	struct smtj_hwrng *h = sdev->hwrng;

	if (!h)
		return;
	WRITE_ONCE(h->gone, true);
	wake_up_all(&h->wq);
	if (h->registered)
		hwrng_unregister(&h->rng);
	h->registered = false;
	cancel_delayed_work_sync(&h->idle);
	mutex_lock(&h->lock);
	smtj_hwrng_detach(h);
	mutex_unlock(&h->lock);
}

/**
 * smtj_hwrng_free() - free the hwrng of a released device
 * @sdev: the device
 */
void smtj_hwrng_free(struct smtj_device *sdev)
{
	struct smtj_hwrng *h = sdev->hwrng;

	if (!h)
		return;
	sdev->hwrng = NULL;
	mutex_destroy(&h->lock);
	kfree(h->x);
	kfree(h);
}

/* sysfs: /sys/class/smtj/smtjN/hwrng/ */

static struct smtj_hwrng *dev_to_hwrng(struct device *dev)
{
	return container_of(dev, struct smtj_device, dev)->hwrng;
}

enum smtj_hwrng_stat {
	SMTJ_HS_SAMPLES, SMTJ_HS_GAPS, SMTJ_HS_RAIL, SMTJ_HS_UNRESOLVED,
	SMTJ_HS_SLOW, SMTJ_HS_DECIMATED, SMTJ_HS_OUT_BITS, SMTJ_HS_DISCARDED,
	SMTJ_HS_RCT, SMTJ_HS_APT, SMTJ_HS_INTERMITTENT, SMTJ_HS_PERMANENT,
	SMTJ_HS_TRANSITIONS, SMTJ_HS_BYTES, SMTJ_HS_FIRST, SMTJ_HS_TRIP,
};

/* Device lock held. */
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

struct smtj_hwrng_attr {
	struct device_attribute attr;
	int which;
};

static ssize_t smtj_hwrng_stat_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct smtj_hwrng_attr *ha =
		container_of(attr, struct smtj_hwrng_attr, attr);
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	struct smtj_device *sdev = h->sdev;
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&sdev->lock, flags);
	v = smtj_hwrng_stat(h, ha->which);
	spin_unlock_irqrestore(&sdev->lock, flags);
	if ((ha->which == SMTJ_HS_FIRST || ha->which == SMTJ_HS_TRIP) &&
	    v == SMTJ_HWRNG_NO_INDEX)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%llu\n", v);
}

#define SMTJ_HWRNG_STAT(_name, _which)					\
	static struct smtj_hwrng_attr smtj_hwrng_attr_##_name = {	\
		__ATTR(_name, 0444, smtj_hwrng_stat_show, NULL), _which	\
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

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	unsigned long flags;
	u32 state;

	spin_lock_irqsave(&h->sdev->lock, flags);
	state = h->state;
	spin_unlock_irqrestore(&h->sdev->lock, flags);
	return sysfs_emit(buf, "%s\n", smtj_health_state_name(state));
}
static DEVICE_ATTR_RO(state);

/* Per junction: mean dwell in samples (two decimals) and decimation. */
static ssize_t dwell_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct smtj_hwrng *h = dev_to_hwrng(dev);
	u32 dwell[SMTJ_EXTRACT_MAX_JUNCTIONS], decim[SMTJ_EXTRACT_MAX_JUNCTIONS];
	unsigned long flags;
	u32 j, nj;
	int len = 0;

	spin_lock_irqsave(&h->sdev->lock, flags);
	nj = h->x->cfg.nr_junctions;
	for (j = 0; j < nj; j++) {
		dwell[j] = h->x->j[j].dwell_q8;
		decim[j] = h->x->j[j].decim;
	}
	spin_unlock_irqrestore(&h->sdev->lock, flags);
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
	unsigned long flags;
	u32 nj;

	spin_lock_irqsave(&h->sdev->lock, flags);
	nj = h->x->cfg.nr_junctions;
	spin_unlock_irqrestore(&h->sdev->lock, flags);
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
	unsigned long flags;
	int len = 0;
	u32 i;

	spin_lock_irqsave(&h->sdev->lock, flags);
	for (i = 0; c->nr_junctions > 1 && i < (1U << c->nr_junctions); i++)
		len += sysfs_emit_at(buf, len, "%s%d", i ? " " : "",
				     (int)c->level[i] - (int)h->sign);
	spin_unlock_irqrestore(&h->sdev->lock, flags);
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

	ret = kstrtouint(buf, 0, &q);
	if (ret)
		return ret;
	if (q > SMTJ_HWRNG_QUALITY_MAX)
		return -ERANGE;
	if (h->sim && q)
		return -EPERM;	/* contract 3: simulation is never entropy */
	WRITE_ONCE(h->quality, q);
	WRITE_ONCE(h->rng.quality, q);
	return count;
}
static DEVICE_ATTR_RW(quality);

/* Writing 1 leaves a permanent failure: start-up again, dwell afresh. */
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
	spin_lock_irqsave(&h->sdev->lock, flags);
	smtj_extract_reset(h->x);
	smtj_hwrng_check_state(h, h->x->next_index);
	spin_unlock_irqrestore(&h->sdev->lock, flags);
	return count;
}
static DEVICE_ATTR_WO(reset);

static struct attribute *smtj_hwrng_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_quality.attr,
	&dev_attr_reset.attr,
	&dev_attr_dwell.attr,
	&dev_attr_junctions.attr,
	&dev_attr_levels.attr,
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

static umode_t smtj_hwrng_visible(struct kobject *kobj, struct attribute *a,
				  int n)
{
	struct device *dev = kobj_to_dev(kobj);

	return dev_to_hwrng(dev) ? a->mode : 0;
}

const struct attribute_group smtj_hwrng_group = {
	.name = "hwrng",
	.attrs = smtj_hwrng_attrs,
	.is_visible = smtj_hwrng_visible,
};
