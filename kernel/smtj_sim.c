// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj: the simulated junction array backend.
 *
 * The module parameter sim_devices creates that many platform devices
 * "smtj-sim"; the platform driver of the same name binds each to a
 * simulator whose samples come from smtj_model_fill().  Sample k belongs to
 * time t0 + k / rate: a kthread wakes every max(1 ms, 1 / rate) on an
 * hrtimer, computes from the clock how many samples are due and produces
 * them in batches, so the stream does not drift.  In unthrottled mode it
 * produces whenever a consumer has room.  While no consumer is attached the
 * simulator pauses; t0 moves on, so the stream resumes without a burst.
 *
 * Pattern mode (sample k is k & 0xffff) without a fault pushes straight
 * from a table of the counter, one period and one batch long, so that any
 * batch from any phase is contiguous in it: one copy per batch, into the
 * consumers' rings, instead of filling a batch and copying it.  The model's
 * index advances as smtj_model_fill() would advance it.
 *
 * Fault injection (debugfs smtj/smtjN/fault, for tests of the hwrng's
 * health tests; no stable ABI): after smtj_model_fill() has produced a batch, a fault
 * replaces its samples, either by a constant code or by the output of a
 * second model whose configuration is the faulty one.  The shared model is
 * never changed.  Documentation/driver-api/smtj-hwrng.rst lists the faults.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "smtj_backends.h"
#include "smtj_core.h"
#include "smtj_hwrng.h"
#include "smtj_model.h"

#define SMTJ_SIM_MAX_DEVICES	16U
#define SMTJ_SIM_BATCH		4096U
/* pattern mode: one period of the 16-bit counter and one batch more */
#define SMTJ_SIM_PATTERN_LEN	(65536U + SMTJ_SIM_BATCH)
#define SMTJ_SIM_SLACK_NS	(50 * NSEC_PER_USEC)
#define SMTJ_SIM_FLOAT_CODE	2000U	/* a floating input: one broad hump */
#define SMTJ_SIM_FLOAT_SIGMA	300000U	/* 300 codes */

enum smtj_sim_fault {
	SMTJ_FAULT_NONE,
	SMTJ_FAULT_STUCK,	/* one output code, [code] (default level[1]) */
	SMTJ_FAULT_FREEZE,	/* junction [j] (default 0) stops switching */
	SMTJ_FAULT_BIAS,	/* every junction in state 1 99 % of the time */
	SMTJ_FAULT_SLOW,	/* every junction switches 100x slower */
	SMTJ_FAULT_SATURATE,	/* the ADC sits at its top code */
	SMTJ_FAULT_FLOAT,	/* disconnected, floating: noise, no levels */
	SMTJ_FAULT_GROUND,	/* disconnected, pulled to 0 */
	SMTJ_FAULT_CREEP,	/* state 1 from 50 % to 90 % over [n] samples */
};

static const char *const smtj_sim_fault_names[] = {
	[SMTJ_FAULT_NONE] = "none",
	[SMTJ_FAULT_STUCK] = "stuck",
	[SMTJ_FAULT_FREEZE] = "freeze",
	[SMTJ_FAULT_BIAS] = "bias",
	[SMTJ_FAULT_SLOW] = "slow",
	[SMTJ_FAULT_SATURATE] = "saturate",
	[SMTJ_FAULT_FLOAT] = "float",
	[SMTJ_FAULT_GROUND] = "ground",
	[SMTJ_FAULT_CREEP] = "creep",
};

/* creep: the bias from 50 % to 90 %, by default over 100 s at 200 kHz */
#define SMTJ_SIM_CREEP_DEFAULT	20000000U
#define SMTJ_SIM_CREEP_FROM	(SMTJ_SIM_PROB_ONE / 2)
#define SMTJ_SIM_CREEP_TO	(SMTJ_SIM_PROB_ONE / 10 * 9)

static unsigned int sim_devices;
module_param(sim_devices, uint, 0444);
MODULE_PARM_DESC(sim_devices,
		 "Number of simulated devices smtj-sim.N to create (0..16, default 0)");

/*
 * Simulation is never entropy: a simulated device registers no hwrng.  For
 * tests only, this runs the hwrng's pipeline on it without hw_random.
 */
static bool test_only_sim_hwrng;
module_param(test_only_sim_hwrng, bool, 0444);
MODULE_PARM_DESC(test_only_sim_hwrng,
		 "TEST ONLY: run the hwrng pipeline on simulated devices, output in debugfs smtj/smtjN-hwrng, never in hw_random (default off)");

/**
 * struct smtj_sim - one simulated junction array
 * @sdev: the core device, set by the first start
 * @thread: the producer
 * @kicked: wake the producer now
 * @unthrottled: SMTJ_SIM_F_UNTHROTTLED is set
 * @lock: protects the fields below
 * @running: a consumer is attached
 * @cfg: the configuration (GET_SIM)
 * @model: the generator; model.index is the next sample's index
 * @t0_ns: CLOCK_MONOTONIC time of sample 0 (throttled mode)
 * @fault: enum smtj_sim_fault in effect
 * @fault_arg: its argument (stuck: the code; freeze: the junction; creep:
 *	the samples it takes)
 * @fault_index: index of the first sample the fault changed
 * @fault_model: the faulty junctions (freeze, bias, slow, float, creep)
 * @fault_cfg: @fault_model's configuration
 * @pattern: SMTJ_SIM_PATTERN_LEN samples, pattern[i] = i & 0xffff (set at
 *	probe, never written again)
 * @buf: one batch of samples
 */
struct smtj_sim {
	struct smtj_device *sdev;
	struct task_struct *thread;
	atomic_t kicked;
	bool unthrottled;

	struct mutex lock;	/* see above */
	bool running;
	struct smtj_sim_config cfg;
	struct smtj_model model;
	u64 t0_ns;
	u32 fault;
	u32 fault_arg;
	u64 fault_index;
	struct smtj_model fault_model;
	struct smtj_sim_config fault_cfg;
	const u16 *pattern;
	u16 buf[SMTJ_SIM_BATCH];
};

static void smtj_sim_format(const struct smtj_sim_config *cfg,
			    struct smtj_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->backend = SMTJ_BACKEND_SIM;
	fmt->sample_bits = cfg->adc_bits;
	if (cfg->flags & SMTJ_SIM_F_PATTERN) {
		fmt->flags |= SMTJ_INFO_F_PATTERN;
		fmt->sample_bits = 16;
	}
	if (cfg->flags & SMTJ_SIM_F_UNTHROTTLED)
		fmt->flags |= SMTJ_INFO_F_UNTHROTTLED;
	fmt->rate_hz = cfg->rate_hz;
	fmt->scale_fv = cfg->scale_fv;
}

/* Nanoseconds from t0 to sample @k, rounded up. */
static u64 smtj_sim_offset_ns(const struct smtj_sim *sim, u64 k)
{
	return mul_u64_u32_div(k, NSEC_PER_SEC, sim->cfg.rate_hz) + 1;
}

/*
 * sim->lock held: the creeping bias of the batch from device index @first:
 * linear in the samples since the onset, 90 % from fault_arg samples on.
 */
static void smtj_sim_creep(struct smtj_sim *sim, u64 first)
{
	u64 t = first - sim->fault_index;
	u32 q = SMTJ_SIM_CREEP_TO;

	if (t < sim->fault_arg)
		q = SMTJ_SIM_CREEP_FROM +
		    (u32)div_u64(t * (SMTJ_SIM_CREEP_TO - SMTJ_SIM_CREEP_FROM),
				 sim->fault_arg);
	smtj_model_bias(&sim->fault_model, &sim->fault_cfg, q);
}

/* sim->lock held: the fault in effect replaces the batch's samples. */
static void smtj_sim_fault_apply(struct smtj_sim *sim, unsigned int n)
{
	u16 code;
	unsigned int i;

	switch (sim->fault) {
	case SMTJ_FAULT_NONE:
		return;
	case SMTJ_FAULT_STUCK:
	case SMTJ_FAULT_SATURATE:
	case SMTJ_FAULT_GROUND:
		code = (u16)sim->fault_arg;
		for (i = 0; i < n; i++)
			sim->buf[i] = code;
		return;
	case SMTJ_FAULT_CREEP:
		smtj_sim_creep(sim, sim->model.index - n);
		fallthrough;
	default:
		smtj_model_fill(&sim->fault_model, sim->buf, n);
	}
}

/* sim->lock held, running: generate and push @n <= SMTJ_SIM_BATCH samples. */
static void smtj_sim_produce(struct smtj_sim *sim, unsigned int n, u64 now)
{
	u64 index = sim->model.index;
	u64 t_first = now, t_last = now;
	const u16 *samples = sim->buf;

	if (sim->model.pattern && sim->fault == SMTJ_FAULT_NONE) {
		/* what smtj_model_fill() would write, and its index step */
		samples = sim->pattern + (index & 0xffff);
		sim->model.index += n;
	} else {
		smtj_model_fill(&sim->model, sim->buf, n);
		smtj_sim_fault_apply(sim, n);
	}
	if (!sim->unthrottled) {
		t_first = sim->t0_ns + smtj_sim_offset_ns(sim, index) - 1;
		t_last = sim->t0_ns + smtj_sim_offset_ns(sim, index + n - 1) - 1;
	}
	smtj_core_push(sim->sdev, samples, n, index, t_first, t_last);
}

/*
 * sim->lock held, running, throttled: produce up to one batch of the due
 * samples.  Returns true if it produced; otherwise *next is when the next
 * sample is due, but not before 1 ms from now.
 */
static bool smtj_sim_due(struct smtj_sim *sim, u64 now, u64 *next)
{
	u64 index = sim->model.index, due, backlog;

	/* Samples 0 .. due - 1 are due: t0 + k / rate <= now. */
	due = mul_u64_u32_div(now - sim->t0_ns, sim->cfg.rate_hz,
			      NSEC_PER_SEC) + 1;
	backlog = max_t(u64, sim->cfg.rate_hz / 10, SMTJ_SIM_BATCH);
	if (due > index + backlog) {
		/* More than 100 ms behind (overloaded): let the time base slip. */
		sim->t0_ns = now - smtj_sim_offset_ns(sim, index) + 1;
		due = index + 1;
	}
	if (due > index) {
		smtj_sim_produce(sim, min_t(u64, due - index, SMTJ_SIM_BATCH),
				 now);
		return true;
	}
	*next = max(sim->t0_ns + smtj_sim_offset_ns(sim, index),
		    now + NSEC_PER_MSEC);
	return false;
}

/*
 * One step of the producer.  Returns true if it should run again at once;
 * otherwise *next is the absolute time to wake up at, or 0 to sleep until
 * kicked.
 */
static bool smtj_sim_step(struct smtj_sim *sim, u64 *next)
{
	unsigned int room;
	bool again = false;
	u64 now;

	*next = 0;
	mutex_lock(&sim->lock);
	if (!sim->running)
		goto out;
	now = ktime_get_ns();
	if (!sim->unthrottled) {
		again = smtj_sim_due(sim, now, next);
		goto out;
	}
	room = smtj_core_room(sim->sdev);
	if (room < SMTJ_CHUNK) {
		*next = now + NSEC_PER_MSEC;
		goto out;
	}
	smtj_sim_produce(sim, min(room, SMTJ_SIM_BATCH), now);
	again = true;
out:
	mutex_unlock(&sim->lock);
	return again;
}

static bool smtj_sim_thread_step(void *data, u64 *next)
{
	return smtj_sim_step(data, next);
}

static int smtj_sim_thread(void *data)
{
	struct smtj_sim *sim = data;

	return smtj_core_producer_loop(smtj_sim_thread_step, sim, &sim->kicked,
				       SMTJ_SIM_SLACK_NS);
}

static void smtj_sim_wake(struct smtj_sim *sim)
{
	atomic_set(&sim->kicked, 1);
	wake_up_process(sim->thread);
}

static int smtj_sim_start(struct smtj_device *sdev)
{
	struct smtj_sim *sim = smtj_core_priv(sdev);

	mutex_lock(&sim->lock);
	sim->sdev = sdev;
	sim->running = true;
	/* Resume where the stream paused: sample index is due now. */
	sim->t0_ns = ktime_get_ns() -
		     smtj_sim_offset_ns(sim, sim->model.index) + 1;
	mutex_unlock(&sim->lock);
	smtj_sim_wake(sim);
	return 0;
}

static void smtj_sim_stop(struct smtj_device *sdev)
{
	struct smtj_sim *sim = smtj_core_priv(sdev);

	mutex_lock(&sim->lock);
	sim->running = false;
	mutex_unlock(&sim->lock);
}

static int smtj_sim_get_config(struct smtj_device *sdev,
			       struct smtj_sim_config *cfg)
{
	struct smtj_sim *sim = smtj_core_priv(sdev);

	mutex_lock(&sim->lock);
	*cfg = sim->cfg;
	mutex_unlock(&sim->lock);
	return 0;
}

static int smtj_sim_set_config(struct smtj_device *sdev,
			       const struct smtj_sim_config *cfg)
{
	struct smtj_sim *sim = smtj_core_priv(sdev);
	struct smtj_format fmt;
	u64 next;
	int ret;

	smtj_sim_format(cfg, &fmt);
	/* every consumer accepts it, or nothing changes */
	ret = smtj_core_check_config(sdev, &fmt, cfg);
	if (ret)
		return ret;
	mutex_lock(&sim->lock);
	sim->cfg = *cfg;
	sim->cfg.size = sizeof(sim->cfg);
	smtj_model_init(&sim->model, &sim->cfg);
	sim->fault = SMTJ_FAULT_NONE;	/* a new stream starts healthy */
	sim->t0_ns = ktime_get_ns();
	WRITE_ONCE(sim->unthrottled, cfg->flags & SMTJ_SIM_F_UNTHROTTLED);
	smtj_core_set_format(sdev, &fmt);
	smtj_core_restart(sdev);
	/* Sample 0 is due now: queue it before returning (throttled). */
	if (sim->running && !sim->unthrottled)
		smtj_sim_due(sim, sim->t0_ns, &next);
	mutex_unlock(&sim->lock);
	smtj_sim_wake(sim);
	return 0;
}

static void smtj_sim_kick(struct smtj_device *sdev)
{
	struct smtj_sim *sim = smtj_core_priv(sdev);

	if (READ_ONCE(sim->unthrottled))
		smtj_sim_wake(sim);
}

static const struct smtj_backend_ops smtj_sim_ops = {
	.start = smtj_sim_start,
	.stop = smtj_sim_stop,
	.get_config = smtj_sim_get_config,
	.set_config = smtj_sim_set_config,
	.kick = smtj_sim_kick,
};

static void smtj_sim_stop_thread(void *data)
{
	struct smtj_sim *sim = data;

	kthread_stop(sim->thread);
}

static void smtj_sim_free_pattern(void *data)
{
	vfree(data);
}

/* The pattern table, freed after the thread has stopped. */
static int smtj_sim_alloc_pattern(struct device *dev, struct smtj_sim *sim)
{
	u16 *table;
	unsigned int i;
	int ret;

	/* 136 KiB: vmalloc, not an order-6 kmalloc */
	table = vmalloc(SMTJ_SIM_PATTERN_LEN * sizeof(*table));
	if (!table)
		return -ENOMEM;
	for (i = 0; i < SMTJ_SIM_PATTERN_LEN; i++)
		table[i] = (u16)i;
	ret = devm_add_action_or_reset(dev, smtj_sim_free_pattern, table);
	if (ret)
		return ret;
	sim->pattern = table;
	return 0;
}

static int smtj_sim_debugfs_add(struct device *dev, struct smtj_sim *sim,
				struct smtj_device *sdev);

static int smtj_sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smtj_device *sdev;
	struct smtj_format fmt;
	struct smtj_sim *sim;
	int id = pdev->id < 0 ? 0 : pdev->id;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	mutex_init(&sim->lock);
	smtj_model_default_config(&sim->cfg);
	sim->cfg.seed = id;	/* smtj-sim.N starts with seed N */
	smtj_model_init(&sim->model, &sim->cfg);
	smtj_sim_format(&sim->cfg, &fmt);
	ret = smtj_sim_alloc_pattern(dev, sim);
	if (ret)
		return ret;

	/* The thread is stopped after the core device is unregistered. */
	sim->thread = kthread_create(smtj_sim_thread, sim, "smtj-sim/%d", id);
	if (IS_ERR(sim->thread))
		return PTR_ERR(sim->thread);
	ret = devm_add_action_or_reset(dev, smtj_sim_stop_thread, sim);
	if (ret)
		return ret;
	wake_up_process(sim->thread);

	ret = devm_smtj_core_register(dev, &smtj_sim_ops, sim, &fmt, &sdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register\n");
	if (test_only_sim_hwrng) {
		ret = devm_smtj_hwrng_add(dev, sdev, SMTJ_HWRNG_TEST_ONLY);
		if (ret)
			return ret;
	}
	platform_set_drvdata(pdev, sim);
	ret = smtj_sim_debugfs_add(dev, sim, sdev);
	if (ret)
		return ret;
	dev_info(dev, "simulated junction array %s, seed %d\n",
		 dev_name(&sdev->dev), id);
	return 0;
}

/*
 * sim->lock held: make @fault with argument @arg (U32_MAX: its default) the
 * fault in effect from the next sample on.
 */
static int smtj_sim_fault_set(struct smtj_sim *sim, u32 fault, u32 arg)
{
	struct smtj_sim_config fc = sim->cfg;
	u32 code_max = (1U << sim->cfg.adc_bits) - 1, j;

	fc.flags &= ~SMTJ_SIM_F_PATTERN;
	fc.seed = ~sim->cfg.seed;
	switch (fault) {
	case SMTJ_FAULT_NONE:
		break;
	case SMTJ_FAULT_STUCK:
		if (arg == U32_MAX)
			arg = sim->cfg.level[1];
		if (arg > code_max)
			return -ERANGE;
		break;
	case SMTJ_FAULT_SATURATE:
		arg = code_max;
		break;
	case SMTJ_FAULT_GROUND:
		arg = 0;
		break;
	case SMTJ_FAULT_FREEZE:
		if (arg == U32_MAX)
			arg = 0;
		if (arg >= sim->cfg.nr_junctions)
			return -EINVAL;
		fc.p_leave[arg][0] = 0;
		fc.p_leave[arg][1] = 0;
		break;
	case SMTJ_FAULT_BIAS:
		for (j = 0; j < fc.nr_junctions; j++) {
			fc.p_leave[j][0] = SMTJ_SIM_PROB_ONE / 100 * 99;
			fc.p_leave[j][1] = SMTJ_SIM_PROB_ONE / 100;
		}
		break;
	case SMTJ_FAULT_SLOW:
		for (j = 0; j < fc.nr_junctions; j++) {
			fc.p_leave[j][0] /= 100;
			fc.p_leave[j][1] /= 100;
		}
		break;
	case SMTJ_FAULT_CREEP:
		if (arg == U32_MAX)
			arg = SMTJ_SIM_CREEP_DEFAULT;
		if (!arg)
			return -EINVAL;
		break;
	case SMTJ_FAULT_FLOAT:
		memset(fc.p_leave, 0, sizeof(fc.p_leave));
		memset(fc.level, 0, sizeof(fc.level));
		fc.nr_junctions = 1;
		fc.level[0] = min(SMTJ_SIM_FLOAT_CODE, code_max / 2);
		fc.level[1] = fc.level[0];
		fc.noise_sigma = min(SMTJ_SIM_FLOAT_SIGMA, code_max * 1000 / 8);
		break;
	default:
		return -EINVAL;
	}
	if (smtj_model_validate(&fc))
		return -EINVAL;
	smtj_model_init(&sim->fault_model, &fc);
	sim->fault_cfg = fc;
	/* the faulty junctions start where the real ones are */
	sim->fault_model.state = sim->model.state & ((1U << fc.nr_junctions) - 1);
	sim->fault = fault;
	sim->fault_arg = arg == U32_MAX ? 0 : arg;
	sim->fault_index = sim->model.index;
	return 0;
}

/* debugfs "fault": "name" or "name arg" (stuck, freeze). */
static ssize_t smtj_sim_fault_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct smtj_sim *sim = file->private_data;
	char buf[32];
	u32 fault, arg;
	int len;

	mutex_lock(&sim->lock);
	fault = sim->fault;
	arg = sim->fault_arg;
	mutex_unlock(&sim->lock);
	if (fault == SMTJ_FAULT_STUCK || fault == SMTJ_FAULT_FREEZE ||
	    fault == SMTJ_FAULT_CREEP)
		len = scnprintf(buf, sizeof(buf), "%s %u\n",
				smtj_sim_fault_names[fault], arg);
	else
		len = scnprintf(buf, sizeof(buf), "%s\n",
				smtj_sim_fault_names[fault]);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/*
 * "name" or "name arg": stuck [code], freeze [junction], creep [samples],
 * bias, ..., none
 */
static ssize_t smtj_sim_fault_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	struct smtj_sim *sim = file->private_data;
	char buf[32], word[16], *p;
	u32 arg = U32_MAX;
	size_t len;
	int fault, ret;

	if (*ppos || !count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	p = skip_spaces(buf);
	len = strcspn(p, " \t\n");
	if (!len || len >= sizeof(word))
		return -EINVAL;
	memcpy(word, p, len);
	word[len] = 0;
	fault = match_string(smtj_sim_fault_names,
			     ARRAY_SIZE(smtj_sim_fault_names), word);
	if (fault < 0)
		return fault;
	p = strim(skip_spaces(p + len));
	if (*p) {
		if (fault != SMTJ_FAULT_STUCK && fault != SMTJ_FAULT_FREEZE &&
		    fault != SMTJ_FAULT_CREEP)
			return -EINVAL;
		ret = kstrtou32(p, 0, &arg);
		if (ret)
			return ret;
		if (arg == U32_MAX)
			return -ERANGE;
	}
	mutex_lock(&sim->lock);
	ret = smtj_sim_fault_set(sim, fault, arg);
	mutex_unlock(&sim->lock);
	return ret ? ret : count;
}

static const struct file_operations smtj_sim_fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = smtj_sim_fault_read,
	.write = smtj_sim_fault_write,
};

/* debugfs "fault_index": the first sample the fault changed, or "none". */
static ssize_t smtj_sim_fault_index_read(struct file *file, char __user *ubuf,
					 size_t count, loff_t *ppos)
{
	struct smtj_sim *sim = file->private_data;
	char buf[32];
	u64 index;
	u32 fault;
	int len;

	mutex_lock(&sim->lock);
	fault = sim->fault;
	index = sim->fault_index;
	mutex_unlock(&sim->lock);
	if (fault == SMTJ_FAULT_NONE)
		len = scnprintf(buf, sizeof(buf), "none\n");
	else
		len = scnprintf(buf, sizeof(buf), "%llu\n", index);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations smtj_sim_fault_index_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = smtj_sim_fault_index_read,
};

static void smtj_sim_debugfs_remove(void *data)
{
	debugfs_remove(data);
}

/*
 * smtj/smtjN/{fault,fault_index} for the simulator behind /dev/smtjN.
 * debugfs_remove() waits for open files' handlers, so @sim outlives them.
 * Without debugfs there is no fault injection, and the device still works.
 */
static int smtj_sim_debugfs_add(struct device *dev, struct smtj_sim *sim,
				struct smtj_device *sdev)
{
	struct dentry *dir;

	dir = debugfs_create_dir(dev_name(&sdev->dev), smtj_debugfs_root);
	debugfs_create_file("fault", 0600, dir, sim, &smtj_sim_fault_fops);
	debugfs_create_file("fault_index", 0400, dir, sim,
			    &smtj_sim_fault_index_fops);
	return devm_add_action_or_reset(dev, smtj_sim_debugfs_remove, dir);
}

static struct platform_driver smtj_sim_driver = {
	.probe = smtj_sim_probe,
	.driver = {
		.name = "smtj-sim",
	},
};

static struct platform_device *smtj_sim_pdevs[SMTJ_SIM_MAX_DEVICES];

void smtj_sim_exit(void)
{
	unsigned int i;

	for (i = SMTJ_SIM_MAX_DEVICES; i-- > 0;) {
		if (smtj_sim_pdevs[i])
			platform_device_unregister(smtj_sim_pdevs[i]);
		smtj_sim_pdevs[i] = NULL;
	}
	platform_driver_unregister(&smtj_sim_driver);
}

int smtj_sim_init(void)
{
	struct platform_device *pdev;
	unsigned int i;
	int ret;

	if (sim_devices > SMTJ_SIM_MAX_DEVICES) {
		pr_err("sim_devices=%u: at most %u\n", sim_devices,
		       SMTJ_SIM_MAX_DEVICES);
		return -EINVAL;
	}
	ret = platform_driver_register(&smtj_sim_driver);
	if (ret)
		return ret;
	for (i = 0; i < sim_devices; i++) {
		pdev = platform_device_register_simple("smtj-sim", i, NULL, 0);
		if (IS_ERR(pdev)) {
			smtj_sim_exit();
			return PTR_ERR(pdev);
		}
		smtj_sim_pdevs[i] = pdev;
	}
	return 0;
}
