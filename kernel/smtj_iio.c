// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj: the IIO backend, a junction array read through an ADC channel.
 *
 * The platform driver "smtj" binds to a device-tree node compatible with
 * "smtj,junction-array" (io-channels / io-channel-names = "junctions"), or
 * to a platform device named "smtj" whose channel comes from an IIO map
 * (machines without a device tree; the properties then come from a
 * software node).  Properties are read through the fwnode API, so both
 * paths check them alike; Documentation/devicetree/bindings (here
 * dt-bindings/rng/smtj,junction-array.yaml) describes them.
 *
 * Streaming is by paced single reads: sample k is due at t0 + k / rate and
 * a kthread calls iio_read_channel_raw() for it, so the stream does not
 * drift, at up to SMTJ_IIO_RATE_MAX samples per second.  No kernel smtj is
 * built for has CONFIG_IIO_BUFFER_CB (Debian 6.1 and 6.12, x86_64 and
 * arm64), so there is no callback-buffer path.  A read that fails is
 * counted (sysfs read_errors) and its sample index stays unused; -ENODEV
 * (the ADC was unbound) ends the device: readers get -ENODEV.
 *
 * Several junctions on one channel (smtj,num-junctions) need their level
 * table (smtj,levels-microvolt): checked at probe (count, order, range
 * of the ADC, no two states on one code), turned into ADC codes with the
 * channel's scale and offset, and handed to the hwrng (get_levels), whose
 * extractor decodes every sample into one bit per junction.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/iio/consumer.h>
#include <linux/iio/iio.h>
#include <linux/iio/types.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "smtj_backends.h"
#include "smtj_core.h"
#include "smtj_hwrng.h"
#include "smtj_extract.h"

#define SMTJ_IIO_RATE_MAX	20000U	/* paced reads: samples per second */
#define SMTJ_IIO_RATE_DEF	1000U
#define SMTJ_IIO_JUNCTIONS_MAX	8U
#define SMTJ_IIO_LEVEL_MAX_UV	10000000U
#define SMTJ_IIO_QUALITY_MAX	1024U
#define SMTJ_IIO_BITS_MAX	16U
#define SMTJ_IIO_BATCH		SMTJ_CHUNK
#define SMTJ_FV_PER_MV		1000000000000ULL

/**
 * struct smtj_iio - one junction array on an ADC channel
 * @dev: the platform device
 * @chan: the ADC channel
 * @sdev: the core device
 * @thread: the paced reader
 * @kicked: wake the reader now
 * @rate_hz: samples per second
 * @period_ns: 1 / rate, for the timer slack
 * @sample_bits: resolution of the channel
 * @sample_signed: the channel's codes are two's complement
 * @num_junctions: junctions in series
 * @levels_uv: expected level of each of the 2^num_junctions states, or NULL
 * @levels: the same in ADC codes, as the samples carry them, or NULL
 * @hwrng_quality: entropy credited per 1024 bits (smtj,hwrng-quality)
 * @lock: protects the fields below
 * @running: a consumer is attached
 * @gone: the ADC went away (-ENODEV): never read again
 * @index: index of the next sample
 * @t0_ns: CLOCK_MONOTONIC time at which sample 0 was due
 * @n: samples in @buf, indices @index - @n .. @index - 1
 * @t_first_ns: time of @buf[0]
 * @t_last_ns: time of @buf[@n - 1]
 * @buf: samples not yet pushed
 */
struct smtj_iio {
	struct device *dev;
	struct iio_channel *chan;
	struct smtj_device *sdev;
	struct task_struct *thread;
	atomic_t kicked;
	u32 rate_hz;
	u32 period_ns;
	u32 sample_bits;
	bool sample_signed;
	u32 num_junctions;
	u32 *levels_uv;
	u16 *levels;
	u32 hwrng_quality;

	struct mutex lock;	/* see above */
	bool running;
	bool gone;
	u64 index;
	u64 t0_ns;
	unsigned int n;
	u64 t_first_ns;
	u64 t_last_ns;
	u16 buf[SMTJ_IIO_BATCH];
};

/* Nanoseconds from t0 to sample @k. */
static u64 smtj_iio_offset_ns(const struct smtj_iio *st, u64 k)
{
	return mul_u64_u32_div(k, NSEC_PER_SEC, st->rate_hz);
}

/* st->lock held: hand the buffered samples to the core. */
static void smtj_iio_flush(struct smtj_iio *st)
{
	if (!st->n)
		return;
	smtj_core_push(st->sdev, st->buf, st->n, st->index - st->n,
		       st->t_first_ns, st->t_last_ns);
	st->n = 0;
}

/*
 * st->lock held: one read for sample st->index.  A code outside the
 * channel's range counts as a failed read (a driver bug, not a sample).
 */
static int smtj_iio_read_one(struct smtj_iio *st, u64 now)
{
	int val, ret;
	s32 lo = 0, hi = (s32)BIT(st->sample_bits) - 1;

	if (st->sample_signed) {
		lo = -(s32)BIT(st->sample_bits - 1);
		hi = (s32)BIT(st->sample_bits - 1) - 1;
	}
	ret = iio_read_channel_raw(st->chan, &val);
	if (ret >= 0 && (val < lo || val > hi))
		ret = -ERANGE;
	if (ret < 0)
		return ret;
	if (!st->n)
		st->t_first_ns = now;
	st->t_last_ns = now;
	st->buf[st->n++] = (u16)val;
	st->index++;
	return 0;
}

/*
 * One step of the reader: read every sample that is due, up to one batch,
 * and push them.  Returns true if it should run again at once; otherwise
 * *next is the absolute time of the next due sample, or 0 to sleep until
 * kicked.
 */
static bool smtj_iio_step(struct smtj_iio *st, u64 *next)
{
	bool again = false;
	u64 now, due;
	int ret;

	*next = 0;
	mutex_lock(&st->lock);
	if (!st->running || st->gone)
		goto out;
	now = ktime_get_ns();
	/* More than 100 ms behind (the ADC is slower than the rate): slip. */
	due = st->t0_ns + smtj_iio_offset_ns(st, st->index);
	if (now > due && now - due > 100 * NSEC_PER_MSEC)
		st->t0_ns = now - smtj_iio_offset_ns(st, st->index);
	while (st->t0_ns + smtj_iio_offset_ns(st, st->index) <= now) {
		if (st->n == SMTJ_IIO_BATCH) {
			again = true;
			break;
		}
		ret = smtj_iio_read_one(st, now);
		if (ret == -ENODEV) {
			smtj_iio_flush(st);
			st->gone = true;
			dev_err(st->dev, "ADC channel gone: %s ends\n",
				dev_name(&st->sdev->dev));
			smtj_core_kill(st->sdev);
			goto out;
		}
		if (ret) {
			/* No sample for this index: push the run before it. */
			smtj_iio_flush(st);
			st->index++;
			smtj_core_read_error(st->sdev);
			dev_warn_ratelimited(st->dev, "ADC read failed: %d\n",
					     ret);
		}
		now = ktime_get_ns();
	}
	smtj_iio_flush(st);
	*next = st->t0_ns + smtj_iio_offset_ns(st, st->index);
out:
	mutex_unlock(&st->lock);
	return again;
}

static bool smtj_iio_thread_step(void *data, u64 *next)
{
	return smtj_iio_step(data, next);
}

static int smtj_iio_thread(void *data)
{
	struct smtj_iio *st = data;

	return smtj_core_producer_loop(smtj_iio_thread_step, st, &st->kicked,
				       min_t(u64, st->period_ns / 4,
					     50 * NSEC_PER_USEC));
}

static int smtj_iio_start(struct smtj_device *sdev)
{
	struct smtj_iio *st = smtj_core_priv(sdev);
	int ret = 0;

	mutex_lock(&st->lock);
	if (st->gone) {
		ret = -ENODEV;
	} else {
		st->sdev = sdev;
		st->running = true;
		/* Resume where the stream paused: sample index is due now. */
		st->t0_ns = ktime_get_ns() - smtj_iio_offset_ns(st, st->index);
	}
	mutex_unlock(&st->lock);
	if (!ret) {
		atomic_set(&st->kicked, 1);
		wake_up_process(st->thread);
	}
	return ret;
}

static void smtj_iio_stop(struct smtj_device *sdev)
{
	struct smtj_iio *st = smtj_core_priv(sdev);

	mutex_lock(&st->lock);
	st->running = false;
	mutex_unlock(&st->lock);
}

/* The level table, fixed at probe: several junctions always have one. */
static void smtj_iio_get_levels(struct smtj_device *sdev, u32 *nr_junctions,
				u16 *level)
{
	struct smtj_iio *st = smtj_core_priv(sdev);

	*nr_junctions = st->num_junctions;
	if (st->num_junctions > 1 && st->levels)
		memcpy(level, st->levels,
		       sizeof(*level) << st->num_junctions);
}

static const struct smtj_backend_ops smtj_iio_ops = {
	.start = smtj_iio_start,
	.stop = smtj_iio_stop,
	.get_levels = smtj_iio_get_levels,
};

/*
 * An optional u32 property in [min, max], else @def.  Errors name the
 * property: the device tree is input like any other.
 */
static int smtj_iio_prop_u32(struct device *dev, const char *name, u32 def,
			     u32 min, u32 max, u32 *out)
{
	int ret;

	*out = def;
	if (!device_property_present(dev, name))
		return 0;
	ret = device_property_read_u32(dev, name, out);
	if (ret)
		return dev_err_probe(dev, -EINVAL, "%s: not a u32 (%d)\n",
				     name, ret);
	if (*out < min || *out > max)
		return dev_err_probe(dev, -EINVAL, "%s = %u: not in %u..%u\n",
				     name, *out, min, max);
	return 0;
}

static const char smtj_iio_levels_name[] = "smtj,levels-microvolt";

/*
 * smtj,levels-microvolt: 2^num-junctions entries (required for several
 * junctions), each at most SMTJ_IIO_LEVEL_MAX_UV, in the order of
 * smtj_extract_levels_order().  The ADC's range is checked once the
 * channel is known (smtj_iio_level_codes()).
 */
static int smtj_iio_levels(struct smtj_iio *st)
{
	const char *name = smtj_iio_levels_name;
	struct device *dev = st->dev;
	unsigned int want = 1U << st->num_junctions, i;
	struct smtj_levels_error err;
	int n, ret;

	if (!device_property_present(dev, name)) {
		if (st->num_junctions == 1)
			return 0;
		return dev_err_probe(dev, -EINVAL,
				     "smtj,num-junctions = %u needs %s, the voltage of each of the %u states\n",
				     st->num_junctions, name, want);
	}
	n = device_property_count_u32(dev, name);
	if (n < 0)
		return dev_err_probe(dev, -EINVAL, "%s: not u32 values (%d)\n",
				     name, n);
	if (n != want)
		return dev_err_probe(dev, -EINVAL,
				     "%s: %d entries, need 2^%u = %u\n",
				     name, n, st->num_junctions, want);
	st->levels_uv = devm_kcalloc(dev, want, sizeof(u32), GFP_KERNEL);
	if (!st->levels_uv)
		return -ENOMEM;
	ret = device_property_read_u32_array(dev, name, st->levels_uv, want);
	if (ret)
		return dev_err_probe(dev, -EINVAL, "%s: unreadable (%d)\n",
				     name, ret);
	for (i = 0; i < want; i++)
		if (st->levels_uv[i] > SMTJ_IIO_LEVEL_MAX_UV)
			return dev_err_probe(dev, -EINVAL,
					     "%s[%u] = %u: above %u\n", name, i,
					     st->levels_uv[i],
					     SMTJ_IIO_LEVEL_MAX_UV);
	if (!smtj_extract_levels_order(st->levels_uv, st->num_junctions, &err))
		return 0;
	if (err.a == 0 && err.b == 1)
		return dev_err_probe(dev, -EINVAL,
				     "%s: states 0 and 1 are both %u uV: junction 0 does not move the voltage\n",
				     name, st->levels_uv[0]);
	return dev_err_probe(dev, -EINVAL,
			     "%s: out of order: state %u -> %u goes %u -> %u uV, but every junction must move the voltage %s, as state 0 -> 1 does\n",
			     name, err.a, err.b, st->levels_uv[err.a],
			     st->levels_uv[err.b],
			     st->levels_uv[1] > st->levels_uv[0] ? "up" : "down");
}

/* A code as the samples carry it, as a number. */
static int smtj_iio_code_val(const struct smtj_iio *st, u16 code)
{
	return st->sample_signed ? (s16)code : code;
}

/*
 * The level table in ADC codes of the channel (scale and offset in @fmt):
 * every state strictly between the rails, no two on one code.
 */
static int smtj_iio_level_codes(struct smtj_iio *st,
				const struct smtj_format *fmt)
{
	const char *name = smtj_iio_levels_name;
	const struct smtj_levels_adc adc = {
		.scale_fv = fmt->scale_fv,
		.offset = fmt->offset,
		.bits = st->sample_bits,
		.is_signed = st->sample_signed,
	};
	struct smtj_levels_error err;
	struct device *dev = st->dev;
	const u32 *uv = st->levels_uv;

	if (!uv)
		return 0;
	st->levels = devm_kcalloc(dev, 1U << st->num_junctions,
				  sizeof(*st->levels), GFP_KERNEL);
	if (!st->levels)
		return -ENOMEM;
	if (!smtj_extract_levels_codes(uv, st->num_junctions, &adc,
				       st->levels, &err))
		return 0;
	switch (err.fault) {
	case SMTJ_LEVELS_RANGE:
		return dev_err_probe(dev, -EINVAL,
				     "%s: state %u (%u uV) is ADC code %lld, not strictly between the ADC's rails %d and %d\n",
				     name, err.a, uv[err.a], err.code, err.lo,
				     err.hi);
	case SMTJ_LEVELS_SAME:
		return dev_err_probe(dev, -EINVAL,
				     "%s: states %u and %u (%u and %u uV) are both ADC code %lld: the junctions cannot be told apart\n",
				     name, err.a, err.b, uv[err.a], uv[err.b],
				     err.code);
	default:
		return dev_err_probe(dev, -EINVAL, "%s: not usable\n", name);
	}
}

static int smtj_iio_properties(struct smtj_iio *st)
{
	struct device *dev = st->dev;
	int ret;

	ret = smtj_iio_prop_u32(dev, "smtj,sample-rate-hz", SMTJ_IIO_RATE_DEF,
				1, SMTJ_IIO_RATE_MAX, &st->rate_hz);
	if (ret)
		return ret;
	ret = smtj_iio_prop_u32(dev, "smtj,num-junctions", 1, 1,
				SMTJ_IIO_JUNCTIONS_MAX, &st->num_junctions);
	if (ret)
		return ret;
	ret = smtj_iio_prop_u32(dev, "smtj,hwrng-quality", 0, 0,
				SMTJ_IIO_QUALITY_MAX, &st->hwrng_quality);
	if (ret)
		return ret;
	st->period_ns = NSEC_PER_SEC / st->rate_hz;
	return smtj_iio_levels(st);
}

/* IIO reports a voltage channel's scale in millivolts per code. */
static int smtj_iio_scale_fv(struct device *dev, int type, int val, int val2,
			     u64 *fv)
{
	s64 mv_part, frac_part, sum;
	u64 num;

	switch (type) {
	case IIO_VAL_INT:
	case IIO_VAL_INT_PLUS_MICRO:
	case IIO_VAL_INT_PLUS_NANO:
		if (check_mul_overflow((s64)val, (s64)SMTJ_FV_PER_MV, &mv_part))
			goto range;
		frac_part = type == IIO_VAL_INT ? 0 :
			    (s64)val2 * (type == IIO_VAL_INT_PLUS_MICRO ?
					 1000000 : 1000);
		if (check_add_overflow(mv_part, frac_part, &sum))
			goto range;
		if (sum <= 0)
			goto range;
		*fv = sum;
		return 0;
	case IIO_VAL_FRACTIONAL:
		if (val <= 0 || val2 <= 0)
			goto range;
		if (check_mul_overflow((u64)val, SMTJ_FV_PER_MV, &num))
			goto range;
		*fv = DIV_ROUND_CLOSEST_ULL(num, (u32)val2);
		break;
	case IIO_VAL_FRACTIONAL_LOG2:
		if (val <= 0 || val2 < 0 || val2 > 62)
			goto range;
		if (check_mul_overflow((u64)val, SMTJ_FV_PER_MV, &num))
			goto range;
		*fv = (num + (val2 ? 1ULL << (val2 - 1) : 0)) >> val2;
		break;
	default:
		return dev_err_probe(dev, -EINVAL,
				     "ADC scale: IIO value type %d not supported\n",
				     type);
	}
	if (!*fv)
		goto range;
	return 0;
range:
	return dev_err_probe(dev, -ERANGE,
			     "ADC scale %d/%d (type %d): not a positive scale below 9 kV per code\n",
			     val, val2, type);
}

/* The channel: a voltage, at most 16 bits; its scale and offset. */
static int smtj_iio_channel(struct smtj_iio *st, struct smtj_format *fmt)
{
	const struct iio_chan_spec *spec = st->chan->channel;
	struct device *dev = st->dev;
	enum iio_chan_type type;
	int ret, val, val2;

	ret = iio_get_channel_type(st->chan, &type);
	if (ret)
		return dev_err_probe(dev, ret, "ADC channel type unknown\n");
	if (type != IIO_VOLTAGE)
		return dev_err_probe(dev, -EINVAL,
				     "ADC channel is of IIO type %d, not a voltage\n",
				     type);
	st->sample_bits = spec->scan_type.realbits;
	st->sample_signed = spec->scan_type.sign == 's';
	if (!st->sample_bits || st->sample_bits > SMTJ_IIO_BITS_MAX)
		return dev_err_probe(dev, -EINVAL,
				     "ADC channel has %u bits: need 1..%u\n",
				     st->sample_bits, SMTJ_IIO_BITS_MAX);

	memset(fmt, 0, sizeof(*fmt));
	fmt->backend = SMTJ_BACKEND_IIO;
	fmt->sample_bits = st->sample_bits;
	fmt->sample_signed = st->sample_signed;
	fmt->rate_hz = st->rate_hz;

	ret = iio_read_channel_scale(st->chan, &val, &val2);
	if (ret < 0)
		return dev_err_probe(dev, ret, "ADC scale unreadable\n");
	ret = smtj_iio_scale_fv(dev, ret, val, val2, &fmt->scale_fv);
	if (ret)
		return ret;

	/* An offset only where the channel offers one (integer codes). */
	if (spec->info_mask_separate & BIT(IIO_CHAN_INFO_OFFSET) ||
	    spec->info_mask_shared_by_type & BIT(IIO_CHAN_INFO_OFFSET) ||
	    spec->info_mask_shared_by_dir & BIT(IIO_CHAN_INFO_OFFSET) ||
	    spec->info_mask_shared_by_all & BIT(IIO_CHAN_INFO_OFFSET)) {
		ret = iio_read_channel_offset(st->chan, &val, &val2);
		if (ret < 0)
			return dev_err_probe(dev, ret, "ADC offset unreadable\n");
		if (ret != IIO_VAL_INT)
			return dev_err_probe(dev, -EINVAL,
					     "ADC offset is not an integer (IIO type %d)\n",
					     ret);
		fmt->offset = val;
	}
	return 0;
}

/*
 * Device tree: io-channels names the channel, and the IIO core defers while
 * the ADC is not there.  Without a device tree the channel comes from an
 * IIO map that the ADC's driver registers; until it has, there is none
 * (-ENODEV): the "smtj" device exists only to read that channel, so wait
 * for it too.
 */
static int smtj_iio_get_channel(struct smtj_iio *st)
{
	struct device *dev = st->dev;
	bool described = device_property_present(dev, "io-channels");

	if (is_of_node(dev_fwnode(dev)) && !described)
		return dev_err_probe(dev, -EINVAL, "no io-channels property\n");
	st->chan = devm_iio_channel_get(dev, "junctions");
	if (IS_ERR(st->chan) && PTR_ERR(st->chan) == -ENODEV && !described)
		return dev_err_probe(dev, -EPROBE_DEFER,
				     "no IIO map for channel \"junctions\" yet\n");
	if (IS_ERR(st->chan))
		return dev_err_probe(dev, PTR_ERR(st->chan),
				     "ADC channel \"junctions\"\n");
	return 0;
}

static void smtj_iio_stop_thread(void *data)
{
	struct smtj_iio *st = data;

	kthread_stop(st->thread);
}

static int smtj_iio_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smtj_format fmt;
	struct smtj_iio *st;
	u32 last;
	int ret;

	st = devm_kzalloc(dev, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->dev = dev;
	mutex_init(&st->lock);

	ret = smtj_iio_properties(st);
	if (ret)
		return ret;
	ret = smtj_iio_get_channel(st);
	if (ret)
		return ret;
	ret = smtj_iio_channel(st, &fmt);
	if (ret)
		return ret;
	ret = smtj_iio_level_codes(st, &fmt);
	if (ret)
		return ret;

	/* The thread is stopped after the core device is unregistered. */
	st->thread = kthread_create(smtj_iio_thread, st, "smtj-iio/%s",
				    dev_name(dev));
	if (IS_ERR(st->thread))
		return dev_err_probe(dev, PTR_ERR(st->thread),
				     "cannot create the reader thread\n");
	ret = devm_add_action_or_reset(dev, smtj_iio_stop_thread, st);
	if (ret)
		return ret;
	wake_up_process(st->thread);

	ret = devm_smtj_core_register(dev, &smtj_iio_ops, st, &fmt, &st->sdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register\n");
	/* a physical noise source: it may feed hw_random */
	ret = devm_smtj_hwrng_add(dev, st->sdev, SMTJ_HWRNG_PHYSICAL);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, st);
	dev_info(dev, "%s: %u junction(s) on %s, %u-bit %s, %llu fV per code, %u Hz\n",
		 dev_name(&st->sdev->dev), st->num_junctions,
		 dev_name(&st->chan->indio_dev->dev), st->sample_bits,
		 st->sample_signed ? "signed" : "unsigned", fmt.scale_fv,
		 st->rate_hz);
	last = (1U << st->num_junctions) - 1;
	if (st->levels)
		dev_info(dev, "%s: levels from code %d (state 0) to %d (state %u)\n",
			 dev_name(&st->sdev->dev),
			 smtj_iio_code_val(st, st->levels[0]),
			 smtj_iio_code_val(st, st->levels[last]), last);
	return 0;
}

static const struct of_device_id smtj_iio_of_match[] = {
	{ .compatible = "smtj,junction-array" },
	{ }
};
MODULE_DEVICE_TABLE(of, smtj_iio_of_match);

static const struct platform_device_id smtj_iio_ids[] = {
	{ .name = "smtj" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smtj_iio_ids);

static struct platform_driver smtj_iio_driver = {
	.probe = smtj_iio_probe,
	.id_table = smtj_iio_ids,
	.driver = {
		.name = "smtj",
		.of_match_table = smtj_iio_of_match,
	},
};

int smtj_iio_init(void)
{
	return platform_driver_register(&smtj_iio_driver);
}

void smtj_iio_exit(void)
{
	platform_driver_unregister(&smtj_iio_driver);
}
