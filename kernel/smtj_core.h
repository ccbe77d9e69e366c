/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smtj core: the interface between the device core, its backends (producers
 * of samples) and its sinks (consumers of samples).
 * Documentation/driver-api/smtj.rst describes the architecture.
 */
#ifndef SMTJ_CORE_H
#define SMTJ_CORE_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/smtj.h>

/* Samples go to one sink per chunk of this many consecutive indices. */
#define SMTJ_CHUNK		64U
#define SMTJ_MAX_DEVICES	256U
#define SMTJ_DEF_RING_SAMPLES	65536U

struct smtj_device;
struct smtj_sink;

/* What a device's samples look like; reported by GET_INFO and sysfs. */
struct smtj_format {
	u32 backend;		/* SMTJ_BACKEND_* */
	u32 flags;		/* SMTJ_INFO_F_PATTERN, SMTJ_INFO_F_UNTHROTTLED */
	u32 sample_bits;
	u32 sample_signed;
	s32 offset;
	u32 rate_hz;
	u64 scale_fv;
};

/**
 * struct smtj_backend_ops - what the core asks of a backend
 * @start: begin producing (the first sink attached); may sleep.
 * @stop: stop producing (the last sink detached, or the device is being
 *	unregistered); may sleep.  Once it returns, the backend must not call
 *	smtj_core_push() again until the next @start.
 * @get_config: optional; fill the simulator configuration (SMTJ_IOC_GET_SIM).
 * @get_levels: optional, for a physical array: set @nr_junctions to the
 *	number of junctions that the samples encode and, when it is more than
 *	one, fill @level (room for SMTJ_SIM_MAX_LEVELS) with the code of each
 *	of their 2^n states in state order (bit j set: junction j in its
 *	high-resistance state), as the samples carry it.  The hwrng decodes
 *	the samples with this table; without the op a physical device is one
 *	junction.
 * @set_config: optional; apply a configuration already checked with
 *	smtj_model_validate() and restart the stream at index 0, calling
 *	smtj_core_restart() while no push can run (SMTJ_IOC_SET_SIM).  Before
 *	it changes anything it asks smtj_core_check_config() whether every
 *	in-kernel consumer accepts the new configuration, and returns that
 *	error if not.
 * @kick: optional, atomic context: a consumer made room (unthrottled
 *	producers wait for this).
 *
 * All but @kick are called with the device's ops mutex held, never after
 * smtj_core_unregister() has returned.
 */
struct smtj_backend_ops {
	int (*start)(struct smtj_device *sdev);
	void (*stop)(struct smtj_device *sdev);
	int (*get_config)(struct smtj_device *sdev, struct smtj_sim_config *cfg);
	int (*set_config)(struct smtj_device *sdev,
			  const struct smtj_sim_config *cfg);
	void (*get_levels)(struct smtj_device *sdev, u32 *nr_junctions,
			   u16 *level);
	void (*kick)(struct smtj_device *sdev);
};

/**
 * struct smtj_sink_ops - a consumer of samples (file ring, hwrng, ...)
 * @deliver: take @n consecutive samples starting at device index @index,
 *	the newest of them sampled at CLOCK_MONOTONIC @time_ns; return false
 *	if there is no room for all of them (the core then adds @n to
 *	sink->lost; nothing may be partially taken).  Atomic context, device
 *	lock held.  The sink must not wait.
 * @room: how many samples @deliver would take now.  Atomic context.
 * @reset: the stream restarted at index 0 (SET_SIM): forget queued samples
 *	(the core has zeroed @lost).
 *	Atomic context.
 * @dead: the device is gone; wake whoever waits.  Atomic context.
 */
struct smtj_sink_ops {
	bool (*deliver)(struct smtj_sink *sink, const u16 *samples,
			unsigned int n, u64 index, u64 time_ns);
	unsigned int (*room)(struct smtj_sink *sink);
	void (*reset)(struct smtj_sink *sink);
	void (*dead)(struct smtj_sink *sink);
};

/**
 * struct smtj_config_hook - an in-kernel consumer's say on configurations
 * @check: whether the consumer can work with the device at sample format
 *	@fmt and simulator configuration @cfg: 0 or a negative errno.  Called
 *	with the device's ops mutex held.
 *
 * A consumer that decodes the samples (the hwrng's extractor) sets one
 * with smtj_core_set_config_hook() and embeds it in its own state; the
 * core only calls it.
 */
struct smtj_config_hook {
	int (*check)(struct smtj_config_hook *hook,
		     const struct smtj_format *fmt,
		     const struct smtj_sim_config *cfg);
};

/**
 * struct smtj_sink - one consumer attached to a device
 * @ops: its callbacks
 * @node: in smtj_device.sinks (device lock)
 * @delivered: samples it was given (device lock)
 * @lost: samples it lost because it had no room, since its ring started
 *	(attach, a new ring, a restart; device lock)
 */
struct smtj_sink {
	const struct smtj_sink_ops *ops;
	struct list_head node;
	u64 delivered;
	u64 lost;
};

/**
 * struct smtj_device - one /dev/smtjN
 * @dev: the class device; its reference count is the object's lifetime
 *	(backend registration and every open file hold one)
 * @cdev: the character device
 * @minor: from the core's IDA
 * @ops_lock: serialises backend ops, sink attach/detach and removal
 * @ops: backend callbacks; NULL once unregistered (ops_lock and lock)
 * @priv: backend data
 * @lock: protects everything below; taken with interrupts off, so that
 *	backends may push from any context
 * @dead: the backend is gone
 * @sinks: attached sinks
 * @nr_sinks: their number
 * @rr: sink of the current chunk, or NULL; the list is a circle read from
 *	@rr on, and a new sink joins just behind @rr (served last in the
 *	round), so that a sink waits less than one chunk per other sink
 * @rr_chunk: index / SMTJ_CHUNK of the current chunk
 * @fmt: current sample format
 * @produced: samples pushed since registration
 * @delivered: samples delivered to sinks since registration
 * @lost: samples sinks lost since registration
 * @read_errors: samples the backend failed to read from its hardware
 * @default_ring_samples: ring size of newly opened files
 * @ring_bytes: ring memory its open files hold (smtj_file.c's budget)
 * @config_hook: the consumer asked by smtj_core_check_config(), or NULL
 *	(ops_lock)
 */
struct smtj_device {
	struct device dev;
	struct cdev cdev;
	int minor;

	struct mutex ops_lock;	/* see above */
	const struct smtj_backend_ops *ops;
	void *priv;

	spinlock_t lock;	/* see above */
	bool dead;
	struct list_head sinks;
	unsigned int nr_sinks;
	struct smtj_sink *rr;
	u64 rr_chunk;
	struct smtj_format fmt;
	u64 produced;
	u64 delivered;
	u64 lost;
	u64 read_errors;
	u32 default_ring_samples;
	atomic64_t ring_bytes;
	struct smtj_config_hook *config_hook;
};

extern struct dentry *smtj_debugfs_root;

/* For smtj_main.c (smtj_backends.h has the backends' init and exit). */
int smtj_core_init(void);
void smtj_core_exit(void);

/* For backends. */
struct smtj_device *smtj_core_register(struct device *parent,
				       const struct smtj_backend_ops *ops,
				       void *priv,
				       const struct smtj_format *fmt);
void smtj_core_unregister(struct smtj_device *sdev);
int devm_smtj_core_register(struct device *parent,
			    const struct smtj_backend_ops *ops, void *priv,
			    const struct smtj_format *fmt,
			    struct smtj_device **out);
void smtj_core_push(struct smtj_device *sdev, const u16 *samples,
		    unsigned int n, u64 index, u64 t_first_ns, u64 t_last_ns);
unsigned int smtj_core_room(struct smtj_device *sdev);
void smtj_core_read_error(struct smtj_device *sdev);
int smtj_core_producer_loop(bool (*step)(void *data, u64 *next), void *data,
			    atomic_t *kicked, u64 slack_ns);
void smtj_core_kill(struct smtj_device *sdev);
void smtj_core_restart(struct smtj_device *sdev);
void smtj_core_set_format(struct smtj_device *sdev,
			  const struct smtj_format *fmt);
int smtj_core_check_config(struct smtj_device *sdev,
			   const struct smtj_format *fmt,
			   const struct smtj_sim_config *cfg);

static inline void *smtj_core_priv(struct smtj_device *sdev)
{
	return sdev->priv;
}

/* For consumers. */
int smtj_sink_attach(struct smtj_device *sdev, struct smtj_sink *sink);
void smtj_sink_detach(struct smtj_device *sdev, struct smtj_sink *sink);
void smtj_core_kick(struct smtj_device *sdev);
void smtj_core_get(struct smtj_device *sdev);
void smtj_core_put(struct smtj_device *sdev);
int smtj_core_set_config_hook(struct smtj_device *sdev,
			      struct smtj_config_hook *hook);
void smtj_core_clear_config_hook(struct smtj_device *sdev,
				 struct smtj_config_hook *hook);

/* smtj_file.c */
extern const struct file_operations smtj_fops;

static inline bool smtj_ring_samples_valid(u32 n)
{
	return n >= SMTJ_RING_MIN && n <= SMTJ_RING_MAX && !(n & (n - 1));
}

#endif /* SMTJ_CORE_H */
