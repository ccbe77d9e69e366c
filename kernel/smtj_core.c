// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj core: the smtj class, /dev/smtjN, fan-out of samples to sinks and
 * the sysfs attributes.
 *
 * A backend registers a device and pushes samples; the core hands every
 * sample to exactly one sink, round-robin in chunks of SMTJ_CHUNK
 * consecutive indices.  A sink without room loses the whole piece and the
 * loss is counted; the producer never waits.
 *
 * Round-robin stays fair while sinks come and go: the sinks form a circle
 * read from the current one (rr) on; a new sink joins just behind rr, so
 * it is served after every sink that was there before it, and a leaving rr
 * hands its place to its predecessor, so the next chunk goes to the sink
 * that would have been next anyway.  Between two chunks of one sink every
 * other sink gets at most one.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "smtj_compat.h"
#include "smtj_core.h"

static struct class *smtj_class;
/* /sys/kernel/debug/smtj/: test-only and debugging files */
struct dentry *smtj_debugfs_root;
static dev_t smtj_devt;
static DEFINE_IDA(smtj_ida);

void smtj_core_get(struct smtj_device *sdev)
{
	get_device(&sdev->dev);
}

void smtj_core_put(struct smtj_device *sdev)
{
	put_device(&sdev->dev);
}

static void smtj_dev_release(struct device *dev)
{
	struct smtj_device *sdev = container_of(dev, struct smtj_device, dev);

	ida_free(&smtj_ida, sdev->minor);
	mutex_destroy(&sdev->ops_lock);
	kfree(sdev);
}

/* The sink after @sink in the circle of sinks. */
static struct smtj_sink *smtj_sink_next(struct smtj_device *sdev,
					struct smtj_sink *sink)
{
	if (list_is_last(&sink->node, &sdev->sinks))
		return list_first_entry(&sdev->sinks, struct smtj_sink, node);
	return list_next_entry(sink, node);
}

/* The sink before @sink in the circle of sinks. */
static struct smtj_sink *smtj_sink_prev(struct smtj_device *sdev,
					struct smtj_sink *sink)
{
	if (list_is_first(&sink->node, &sdev->sinks))
		return list_last_entry(&sdev->sinks, struct smtj_sink, node);
	return list_prev_entry(sink, node);
}

/* Pieces never straddle a chunk: [index, index + n) lies in one chunk. */
static void smtj_core_deliver(struct smtj_device *sdev, const u16 *samples,
			      unsigned int n, u64 index, u64 time_ns)
{
	u64 chunk = div_u64(index, SMTJ_CHUNK);
	struct smtj_sink *sink;

	lockdep_assert_held(&sdev->lock);
	if (!sdev->rr) {
		sdev->rr = list_first_entry(&sdev->sinks, struct smtj_sink, node);
		sdev->rr_chunk = chunk;
	} else if (chunk != sdev->rr_chunk) {
		sdev->rr = smtj_sink_next(sdev, sdev->rr);
		sdev->rr_chunk = chunk;
	}
	sink = sdev->rr;
	if (sink->ops->deliver(sink, samples, n, index, time_ns)) {
		sink->delivered += n;
		sdev->delivered += n;
	} else {
		sink->lost += n;
		sdev->lost += n;
	}
}

/*
 * How many samples from @idx on go to the same sink in one piece: the rest
 * of the chunk; with a single sink, every chunk that fits at once, or all
 * that is left when not even the rest of this chunk fits (it is lost).
 */
static unsigned int smtj_core_run(struct smtj_device *sdev, u64 idx,
				  unsigned int left)
{
	unsigned int len = SMTJ_CHUNK - (unsigned int)(idx % SMTJ_CHUNK);
	struct smtj_sink *only;
	unsigned int room;

	if (sdev->nr_sinks != 1 || left <= len)
		return min(len, left);
	only = list_first_entry(&sdev->sinks, struct smtj_sink, node);
	room = only->ops->room(only);
	if (room >= left || room < len)
		return left;
	return len + round_down(room - len, SMTJ_CHUNK);
}

/**
 * smtj_core_push() - hand samples to the consumers of a device
 * @sdev: the device
 * @samples: the samples
 * @n: how many
 * @index: device sample index of @samples[0]
 * @t_first_ns: CLOCK_MONOTONIC time of @samples[0]
 * @t_last_ns: CLOCK_MONOTONIC time of @samples[@n - 1]
 *
 * Callable from any context, including hard interrupts.  Never waits.
 */
void smtj_core_push(struct smtj_device *sdev, const u16 *samples,
		    unsigned int n, u64 index, u64 t_first_ns, u64 t_last_ns)
{
	u64 span = t_last_ns > t_first_ns ? t_last_ns - t_first_ns : 0;
	unsigned long flags;
	unsigned int off = 0;

	if (!n)
		return;
	spin_lock_irqsave(&sdev->lock, flags);
	if (sdev->dead)
		goto out;
	sdev->produced += n;
	if (list_empty(&sdev->sinks))
		goto out;	/* nobody to give them to: dropped */
	while (off < n) {
		u64 idx = index + off;
		unsigned int len = smtj_core_run(sdev, idx, n - off);
		u64 t = t_last_ns;

		if (off + len < n)
			t = t_first_ns +
			    mul_u64_u32_div(span, off + len - 1, n - 1);
		smtj_core_deliver(sdev, samples + off, len, idx, t);
		off += len;
	}
out:
	spin_unlock_irqrestore(&sdev->lock, flags);
}

/**
 * smtj_core_room() - the most samples any sink can take now
 * @sdev: the device
 *
 * Unthrottled producers produce only while this is nonzero.
 */
unsigned int smtj_core_room(struct smtj_device *sdev)
{
	struct smtj_sink *sink;
	unsigned int room = 0;
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	if (!sdev->dead)
		list_for_each_entry(sink, &sdev->sinks, node)
			room = max(room, sink->ops->room(sink));
	spin_unlock_irqrestore(&sdev->lock, flags);
	return room;
}

/**
 * smtj_core_producer_loop() - the body of a backend's producer kthread
 * @step: one step of the producer: returns true to run again at once,
 *	else sets *@next to the absolute CLOCK_MONOTONIC time to wake up at,
 *	or to 0 to sleep until kicked
 * @data: @step's argument
 * @kicked: nonzero: wake now (set it, then wake_up_process() the thread)
 * @slack_ns: how late the timer may wake the thread
 *
 * Return: 0, when kthread_stop() was called.
 */
int smtj_core_producer_loop(bool (*step)(void *data, u64 *next), void *data,
			    atomic_t *kicked, u64 slack_ns)
{
	ktime_t expires;
	u64 next;

	while (!kthread_should_stop()) {
		if (step(data, &next)) {
			cond_resched();
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop() || atomic_xchg(kicked, 0)) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		if (!next) {
			schedule();
			continue;
		}
		expires = ns_to_ktime(next);
		schedule_hrtimeout_range(&expires, slack_ns, HRTIMER_MODE_ABS);
	}
	return 0;
}

/**
 * smtj_core_read_error() - the backend failed to read one sample
 * @sdev: the device
 *
 * Counted in sysfs read_errors; no sample stands in for it.  Any context.
 */
void smtj_core_read_error(struct smtj_device *sdev)
{
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	sdev->read_errors++;
	spin_unlock_irqrestore(&sdev->lock, flags);
}

/**
 * smtj_core_kill() - the backend's hardware is gone for good
 * @sdev: the device
 *
 * Ends the device as smtj_core_unregister() does for its consumers (they
 * get -ENODEV, EPOLLERR | EPOLLHUP; opening it fails), without removing
 * it: the backend still unregisters when it unbinds.  Any context; the
 * backend must not push afterwards.
 */
void smtj_core_kill(struct smtj_device *sdev)
{
	struct smtj_sink *sink;
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	if (!sdev->dead) {
		sdev->dead = true;
		list_for_each_entry(sink, &sdev->sinks, node)
			sink->ops->dead(sink);
	}
	spin_unlock_irqrestore(&sdev->lock, flags);
}

/**
 * smtj_core_restart() - the stream restarts at index 0: empty every sink
 * @sdev: the device
 *
 * Called by a backend's set_config while it cannot push.
 */
void smtj_core_restart(struct smtj_device *sdev)
{
	struct smtj_sink *sink;
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	list_for_each_entry(sink, &sdev->sinks, node) {
		/* a sink's losses count from the start of its ring */
		sink->lost = 0;
		sink->ops->reset(sink);
	}
	sdev->rr = NULL;
	spin_unlock_irqrestore(&sdev->lock, flags);
}

void smtj_core_set_format(struct smtj_device *sdev,
			  const struct smtj_format *fmt)
{
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	sdev->fmt = *fmt;
	spin_unlock_irqrestore(&sdev->lock, flags);
}

/**
 * smtj_core_check_config() - may the device take a new configuration?
 * @sdev: the device
 * @fmt: the sample format it would have
 * @cfg: the simulator configuration it would have
 *
 * Asks the in-kernel consumer that relies on the configuration (the
 * hwrng's extractor, through its config hook) before the backend changes
 * anything.  ops_lock held.
 *
 * Return: 0, or the consumer's negative errno.
 */
int smtj_core_check_config(struct smtj_device *sdev,
			   const struct smtj_format *fmt,
			   const struct smtj_sim_config *cfg)
{
	lockdep_assert_held(&sdev->ops_lock);
	return sdev->config_hook ? sdev->config_hook->check(sdev->config_hook,
							    fmt, cfg) : 0;
}

/**
 * smtj_core_set_config_hook() - have a consumer vet new configurations
 * @sdev: the device
 * @hook: asked by smtj_core_check_config() until cleared
 *
 * Return: 0, or -EBUSY when the device has a hook already.
 */
int smtj_core_set_config_hook(struct smtj_device *sdev,
			      struct smtj_config_hook *hook)
{
	int ret = 0;

	mutex_lock(&sdev->ops_lock);
	if (sdev->config_hook)
		ret = -EBUSY;
	else
		sdev->config_hook = hook;
	mutex_unlock(&sdev->ops_lock);
	return ret;
}

/**
 * smtj_core_clear_config_hook() - undo smtj_core_set_config_hook()
 * @sdev: the device
 * @hook: the hook that was set; nothing happens if it is not the device's
 */
void smtj_core_clear_config_hook(struct smtj_device *sdev,
				 struct smtj_config_hook *hook)
{
	mutex_lock(&sdev->ops_lock);
	if (sdev->config_hook == hook)
		sdev->config_hook = NULL;
	mutex_unlock(&sdev->ops_lock);
}

/* A consumer made room: unthrottled producers may go on. */
void smtj_core_kick(struct smtj_device *sdev)
{
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	if (!sdev->dead && sdev->ops->kick)
		sdev->ops->kick(sdev);
	spin_unlock_irqrestore(&sdev->lock, flags);
}

/**
 * smtj_sink_attach() - start receiving samples of a device
 * @sdev: the device
 * @sink: the sink, with @sink->ops set
 *
 * The first sink starts the backend.  May sleep.
 * Return: 0, -ENODEV if the device is gone, or the backend's start error.
 */
int smtj_sink_attach(struct smtj_device *sdev, struct smtj_sink *sink)
{
	unsigned long flags;
	int ret = 0;

	sink->delivered = 0;
	sink->lost = 0;
	mutex_lock(&sdev->ops_lock);
	if (!sdev->ops || READ_ONCE(sdev->dead)) {
		ret = -ENODEV;
		goto out;
	}
	spin_lock_irqsave(&sdev->lock, flags);
	/* behind the current sink: last in this round (see the top) */
	list_add_tail(&sink->node, sdev->rr ? &sdev->rr->node : &sdev->sinks);
	sdev->nr_sinks++;
	spin_unlock_irqrestore(&sdev->lock, flags);
	if (sdev->nr_sinks == 1) {
		ret = sdev->ops->start(sdev);
		if (ret) {
			spin_lock_irqsave(&sdev->lock, flags);
			sdev->rr = NULL;
			list_del(&sink->node);
			sdev->nr_sinks--;
			spin_unlock_irqrestore(&sdev->lock, flags);
		}
	}
out:
	mutex_unlock(&sdev->ops_lock);
	return ret;
}

/**
 * smtj_sink_detach() - stop receiving samples
 * @sdev: the device
 * @sink: an attached sink
 *
 * Also valid after the device was unregistered.  The last sink stops the
 * backend.  May sleep.
 */
void smtj_sink_detach(struct smtj_device *sdev, struct smtj_sink *sink)
{
	unsigned long flags;

	mutex_lock(&sdev->ops_lock);
	spin_lock_irqsave(&sdev->lock, flags);
	/* its predecessor takes its place: the next chunk goes to its next */
	if (sdev->rr == sink)
		sdev->rr = list_is_singular(&sdev->sinks) ? NULL :
			   smtj_sink_prev(sdev, sink);
	list_del(&sink->node);
	sdev->nr_sinks--;
	spin_unlock_irqrestore(&sdev->lock, flags);
	if (!sdev->nr_sinks && sdev->ops)
		sdev->ops->stop(sdev);
	mutex_unlock(&sdev->ops_lock);
}

/* sysfs */

static const char *const smtj_backend_names[] = {
	[SMTJ_BACKEND_SIM] = "sim",
	[SMTJ_BACKEND_IIO] = "iio",
};

static struct smtj_device *to_smtj(struct device *dev)
{
	return container_of(dev, struct smtj_device, dev);
}

static struct smtj_format smtj_read_fmt(struct device *dev)
{
	struct smtj_device *sdev = to_smtj(dev);
	struct smtj_format fmt;
	unsigned long flags;

	spin_lock_irqsave(&sdev->lock, flags);
	fmt = sdev->fmt;
	spin_unlock_irqrestore(&sdev->lock, flags);
	return fmt;
}

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	u32 backend = smtj_read_fmt(dev).backend;
	const char *name = "unknown";

	if (backend < ARRAY_SIZE(smtj_backend_names) &&
	    smtj_backend_names[backend])
		name = smtj_backend_names[backend];
	return sysfs_emit(buf, "%s\n", name);
}
static DEVICE_ATTR_RO(backend);

static ssize_t sample_rate_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", smtj_read_fmt(dev).rate_hz);
}
static DEVICE_ATTR_RO(sample_rate);

static ssize_t sample_bits_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", smtj_read_fmt(dev).sample_bits);
}
static DEVICE_ATTR_RO(sample_bits);

#define SMTJ_FV_PER_V	1000000000000000ULL

static ssize_t scale_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	u64 whole, frac;

	whole = div64_u64_rem(smtj_read_fmt(dev).scale_fv, SMTJ_FV_PER_V,
			      &frac);
	return sysfs_emit(buf, "%llu.%015llu\n", whole, frac);
}
static DEVICE_ATTR_RO(scale);

/*
 * produced, delivered, lost, read_errors: u64 counters of struct
 * smtj_device; the attribute's var is the counter's offset in it.
 */
static ssize_t smtj_counter_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	size_t offset = (uintptr_t)container_of(attr, struct dev_ext_attribute,
						attr)->var;
	struct smtj_device *sdev = to_smtj(dev);
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&sdev->lock, flags);
	v = *(u64 *)((char *)sdev + offset);
	spin_unlock_irqrestore(&sdev->lock, flags);
	return sysfs_emit(buf, "%llu\n", v);
}

#define SMTJ_COUNTER(_name, _field)					\
	static struct dev_ext_attribute smtj_attr_##_name = {		\
		__ATTR(_name, 0444, smtj_counter_show, NULL),		\
		(void *)offsetof(struct smtj_device, _field)		\
	}

SMTJ_COUNTER(produced, produced);
SMTJ_COUNTER(delivered, delivered);
SMTJ_COUNTER(lost, lost);
SMTJ_COUNTER(read_errors, read_errors);

static ssize_t consumers_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_smtj(dev)->nr_sinks));
}
static DEVICE_ATTR_RO(consumers);

static ssize_t default_ring_samples_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_smtj(dev)->default_ring_samples));
}

static ssize_t default_ring_samples_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t count)
{
	u32 n;
	int ret;

	ret = kstrtou32(buf, 0, &n);
	if (ret)
		return ret;
	if (!smtj_ring_samples_valid(n))
		return -EINVAL;
	WRITE_ONCE(to_smtj(dev)->default_ring_samples, n);
	return count;
}
static DEVICE_ATTR_RW(default_ring_samples);

static ssize_t ring_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&to_smtj(dev)->ring_bytes));
}
static DEVICE_ATTR_RO(ring_bytes);

static struct attribute *smtj_attrs[] = {
	&dev_attr_backend.attr,
	&dev_attr_sample_rate.attr,
	&dev_attr_sample_bits.attr,
	&dev_attr_scale.attr,
	&smtj_attr_produced.attr.attr,
	&smtj_attr_delivered.attr.attr,
	&smtj_attr_lost.attr.attr,
	&smtj_attr_read_errors.attr.attr,
	&dev_attr_consumers.attr,
	&dev_attr_default_ring_samples.attr,
	&dev_attr_ring_bytes.attr,
	NULL
};

static const struct attribute_group smtj_group = {
	.attrs = smtj_attrs,
};

static const struct attribute_group *smtj_groups[] = {
	&smtj_group,
	NULL
};

/**
 * smtj_core_register() - create /dev/smtjN for a backend
 * @parent: the backend's device
 * @ops: backend callbacks (start and stop are required)
 * @priv: backend data, see smtj_core_priv()
 * @fmt: initial sample format
 *
 * Return: the device or an ERR_PTR().
 */
struct smtj_device *smtj_core_register(struct device *parent,
				       const struct smtj_backend_ops *ops,
				       void *priv,
				       const struct smtj_format *fmt)
{
	struct smtj_device *sdev;
	int minor, ret;

	if (!ops || !ops->start || !ops->stop)
		return ERR_PTR(-EINVAL);
	minor = ida_alloc_max(&smtj_ida, SMTJ_MAX_DEVICES - 1, GFP_KERNEL);
	if (minor < 0)
		return ERR_PTR(minor);
	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev) {
		ida_free(&smtj_ida, minor);
		return ERR_PTR(-ENOMEM);
	}
	sdev->minor = minor;
	sdev->ops = ops;
	sdev->priv = priv;
	sdev->fmt = *fmt;
	sdev->default_ring_samples = SMTJ_DEF_RING_SAMPLES;
	atomic64_set(&sdev->ring_bytes, 0);
	mutex_init(&sdev->ops_lock);
	spin_lock_init(&sdev->lock);
	INIT_LIST_HEAD(&sdev->sinks);

	/* From here on, put_device() frees sdev and the minor. */
	device_initialize(&sdev->dev);
	sdev->dev.class = smtj_class;
	sdev->dev.parent = parent;
	sdev->dev.devt = MKDEV(MAJOR(smtj_devt), minor);
	sdev->dev.groups = smtj_groups;
	sdev->dev.release = smtj_dev_release;
	ret = dev_set_name(&sdev->dev, "smtj%d", minor);
	if (ret)
		goto err_put;

	cdev_init(&sdev->cdev, &smtj_fops);
	sdev->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&sdev->cdev, &sdev->dev);
	if (ret)
		goto err_put;
	return sdev;

err_put:
	put_device(&sdev->dev);
	return ERR_PTR(ret);
}

/**
 * smtj_core_unregister() - the backend goes away
 * @sdev: a registered device
 *
 * Stops the backend, marks the device dead, wakes every waiting consumer
 * (they get -ENODEV, EPOLLERR | EPOLLHUP) and removes /dev/smtjN.  Open
 * files keep the object (and their mapped rings) alive until closed.
 * After this returns the core never calls the backend again.
 */
void smtj_core_unregister(struct smtj_device *sdev)
{
	struct smtj_sink *sink;
	unsigned long flags;

	mutex_lock(&sdev->ops_lock);
	if (sdev->nr_sinks)
		sdev->ops->stop(sdev);
	spin_lock_irqsave(&sdev->lock, flags);
	sdev->dead = true;
	sdev->ops = NULL;
	list_for_each_entry(sink, &sdev->sinks, node)
		sink->ops->dead(sink);
	spin_unlock_irqrestore(&sdev->lock, flags);
	mutex_unlock(&sdev->ops_lock);

	cdev_device_del(&sdev->cdev, &sdev->dev);
	put_device(&sdev->dev);
}

static void smtj_core_unregister_action(void *data)
{
	smtj_core_unregister(data);
}

/**
 * devm_smtj_core_register() - smtj_core_register() undone when @parent unbinds
 * @parent: the backend's device
 * @ops: backend callbacks
 * @priv: backend data
 * @fmt: initial sample format
 * @out: the new device
 *
 * Return: 0 or a negative errno.
 */
int devm_smtj_core_register(struct device *parent,
			    const struct smtj_backend_ops *ops, void *priv,
			    const struct smtj_format *fmt,
			    struct smtj_device **out)
{
	struct smtj_device *sdev;

	sdev = smtj_core_register(parent, ops, priv, fmt);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);
	*out = sdev;
	return devm_add_action_or_reset(parent, smtj_core_unregister_action,
					sdev);
}

/**
 * smtj_core_init() - the smtj class and the character device region
 *
 * Return: 0 or a negative errno.
 */
int smtj_core_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&smtj_devt, 0, SMTJ_MAX_DEVICES, "smtj");
	if (ret)
		return ret;
	smtj_class = smtj_class_create("smtj");
	if (IS_ERR(smtj_class)) {
		unregister_chrdev_region(smtj_devt, SMTJ_MAX_DEVICES);
		return PTR_ERR(smtj_class);
	}
	smtj_debugfs_root = debugfs_create_dir("smtj", NULL);
	return 0;
}

/* After every backend has unregistered its devices. */
void smtj_core_exit(void)
{
	debugfs_remove(smtj_debugfs_root);
	class_destroy(smtj_class);
	unregister_chrdev_region(smtj_devt, SMTJ_MAX_DEVICES);
	ida_destroy(&smtj_ida);
}
