// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj-test-adc: a test-only IIO ADC whose voltage channels follow random
 * telegraph waveforms, so that smtj's IIO backend can be exercised end to
 * end without hardware.
 *
 * The channels are 14-bit unsigned codes of a 3.3 V reference, the ADC of
 * the smtj simulator's defaults.  Channel 0 ("telegraph", one junction)
 * toggles between two codes:
 *
 *  - per-read mode (dwell_us=0, the default): before every read the state
 *    flips with probability flip_ppm / 1e6, so successive reads form a
 *    symmetric two-state Markov chain whose lag-k autocorrelation is
 *    (1 - 2p)^k whatever the read rate;
 *  - continuous mode (dwell_us>0): the state flips at exponentially
 *    distributed times of mean dwell_us, like a junction in real time, and
 *    a read returns the state at the moment of the read.
 *
 * Channel 1 ("array") is an array of junctions in series, always in
 * per-read mode: before every read junction j flips with probability
 * array_flip_ppm[j] / 1e6, independently of the others, and the code is
 * array_levels[state] (bit j of the state: junction j).  Its defaults are
 * two junctions of mean dwell 4 and 8 reads at 100, 150, 250 and 300 mV
 * (codes 496, 745, 1241, 1489), which the array consumers below describe.
 * The array channel has its own state and random stream, so reading it
 * leaves channel 0's Markov chain alone.
 *
 * Uniform noise of +-noise codes may be added.  In per-read mode the stream
 * is a function of the seed and of the number of reads before (one stream
 * per channel of a device, shared by its readers).  Defaults are the
 * paper's two-state fit: 48.0 mV and 36.2 mV, p = 0.0809.  Faults can be
 * injected at run time through the writable parameters (see below).
 *
 * The device comes from the device tree (compatible "smtj,test-adc",
 * #io-channel-cells = <1>), or, where there is no device tree, from
 * instantiate=1: then the module creates a platform device itself and
 * registers an IIO map so that the consumer device named by consumer=
 * (default "smtj") finds the channel under the name "junctions".  With
 * consumer_dev=1 it also creates that consumer platform device, with the
 * properties the smtj binding defines, for smtj.ko to bind to; with
 * consumer_array=1 also "<consumer>.1", a two-junction array on channel 1
 * with its level table, and with consumer_malformed=1 the devices
 * "<consumer>.2" to "<consumer>.7", each with one property value that
 * smtj.ko must refuse (tests/kmod/virt-smtj-malformed.dtsi describes the
 * same cases for the device tree).
 *
 * A triggered buffer is offered too: the device registers its own hrtimer
 * trigger ("smtj-test-adc-dev<N>", rate in its sampling_frequency
 * attribute), since Debian's 6.1 kernel has no software trigger.
 */

#include <linux/bits.h>
#include <linux/hrtimer.h>
#include <linux/iio/buffer.h>
#include <linux/iio/driver.h>
#include <linux/iio/iio.h>
#include <linux/iio/machine.h>
#include <linux/iio/sysfs.h>
#include <linux/iio/trigger.h>
#include <linux/iio/trigger_consumer.h>
#include <linux/iio/triggered_buffer.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/property.h>
#include <linux/spinlock.h>

#define STA_NAME	"smtj-test-adc"
#define STA_BITS	14
#define STA_VREF_MV	3300
#define STA_CODE_MAX	(BIT(STA_BITS) - 1)
#define STA_PPM		1000000U
#define STA_TRIG_HZ_MAX	100000U
#define STA_ARRAY_JMAX	4	/* junctions of the array channel */
#define STA_ARRAY_RATE_HZ 20000	/* smtj,sample-rate-hz of the array consumers */
#define STA_ARRAY_QUALITY 256	/* smtj,hwrng-quality of the array consumer */

/*
 * level0, level1, flip_ppm, noise and fail_reads may change at any time
 * (writable under /sys/module/smtj_test_adc/parameters/, for fault
 * injection: flip_ppm=0 sticks the junction, level0=level1 flattens the
 * signal, fail_reads=N fails the next N reads with -EIO); they apply to
 * every device at its next read.  Out-of-range values are refused.
 */
static int sta_set_bounded(const char *val, const struct kernel_param *kp,
			   unsigned int max)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (v > max)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int sta_set_code(const char *val, const struct kernel_param *kp)
{
	return sta_set_bounded(val, kp, STA_CODE_MAX);
}

static int sta_set_ppm(const char *val, const struct kernel_param *kp)
{
	return sta_set_bounded(val, kp, STA_PPM);
}

static int sta_set_count(const char *val, const struct kernel_param *kp)
{
	return sta_set_bounded(val, kp, INT_MAX);
}

static const struct kernel_param_ops sta_code_ops = {
	.set = sta_set_code,
	.get = param_get_uint,
};

static const struct kernel_param_ops sta_ppm_ops = {
	.set = sta_set_ppm,
	.get = param_get_uint,
};

static const struct kernel_param_ops sta_count_ops = {
	.set = sta_set_count,
	.get = param_get_uint,
};

static unsigned int level0 = 238;
module_param_cb(level0, &sta_code_ops, &level0, 0644);
MODULE_PARM_DESC(level0, "ADC code of state 0 (default 238 = 48.0 mV)");

static unsigned int level1 = 180;
module_param_cb(level1, &sta_code_ops, &level1, 0644);
MODULE_PARM_DESC(level1, "ADC code of state 1 (default 180 = 36.2 mV)");

static unsigned int flip_ppm = 80900;
module_param_cb(flip_ppm, &sta_ppm_ops, &flip_ppm, 0644);
MODULE_PARM_DESC(flip_ppm, "per-read mode: flip probability per read, ppm");

static unsigned int fail_reads;
module_param_cb(fail_reads, &sta_count_ops, &fail_reads, 0644);
MODULE_PARM_DESC(fail_reads, "fail this many of the next reads with -EIO");

static unsigned int dwell_us;
module_param(dwell_us, uint, 0444);
MODULE_PARM_DESC(dwell_us, "continuous mode: mean dwell time in us (0: per-read mode)");

static unsigned int noise;
module_param_cb(noise, &sta_code_ops, &noise, 0644);
MODULE_PARM_DESC(noise, "uniform noise amplitude, +- codes");

static unsigned int array_levels[BIT(STA_ARRAY_JMAX)] = { 496, 745, 1241, 1489 };
static unsigned int array_nlevels = 4;
module_param_array(array_levels, uint, &array_nlevels, 0444);
MODULE_PARM_DESC(array_levels, "array channel: code of each state, 2^n entries (default 496,745,1241,1489)");

static unsigned int array_flip_ppm[STA_ARRAY_JMAX] = { 250000, 125000 };
static unsigned int array_njunctions = 2;
module_param_array(array_flip_ppm, uint, &array_njunctions, 0444);
MODULE_PARM_DESC(array_flip_ppm, "array channel: flip probability per read of each junction, ppm (default 250000,125000)");

static unsigned long long seed = 1;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the waveform");

static bool instantiate;
module_param(instantiate, bool, 0444);
MODULE_PARM_DESC(instantiate, "create a device and an IIO map (no device tree)");

static char *consumer = "smtj";
module_param(consumer, charp, 0444);
MODULE_PARM_DESC(consumer, "device name of the IIO map's consumer");

static bool consumer_dev;
module_param(consumer_dev, bool, 0444);
MODULE_PARM_DESC(consumer_dev, "with instantiate: also create the consumer platform device");

static unsigned int consumer_rate_hz = 1000;
module_param(consumer_rate_hz, uint, 0444);
MODULE_PARM_DESC(consumer_rate_hz, "smtj,sample-rate-hz of the consumer device");

static bool consumer_array;
module_param(consumer_array, bool, 0444);
MODULE_PARM_DESC(consumer_array, "with instantiate: also create <consumer>.1, a two-junction array on channel 1");

static bool consumer_malformed;
module_param(consumer_malformed, bool, 0444);
MODULE_PARM_DESC(consumer_malformed, "with instantiate: also create <consumer>.2 to .7, with properties smtj must refuse");

/* One scan of the triggered buffer: the code, then the timestamp. */
struct sta_scan {
	u16 code;
	u16 pad[3];
	s64 ts;
};

struct sta_state {
	spinlock_t lock;	/* protects everything below */
	struct rnd_state rnd;
	u64 dwell_ns;		/* continuous mode mean dwell, 0: per-read */
	ktime_t next_flip;	/* continuous mode */
	unsigned int state;
	u64 reads;
	u64 flips;
	/* array channel */
	struct rnd_state arnd;
	unsigned int astate;
	/* triggered buffer */
	struct iio_trigger *trig;
	struct hrtimer timer;
	ktime_t period;
	u32 trig_hz;
	struct sta_scan scan;
};

/* In the order of the channels' index in device-tree io-channels. */
enum { STA_CH_TELEGRAPH, STA_CH_ARRAY, STA_CH_TIMESTAMP };

static const struct iio_chan_spec sta_channels[] = {
	[STA_CH_TELEGRAPH] = {
		.type = IIO_VOLTAGE,
		.indexed = 1,
		.channel = 0,
		.datasheet_name = "telegraph",
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
		.info_mask_shared_by_type = BIT(IIO_CHAN_INFO_SCALE),
		.info_mask_shared_by_all = BIT(IIO_CHAN_INFO_SAMP_FREQ),
		.scan_index = 0,
		.scan_type = {
			.sign = 'u',
			.realbits = STA_BITS,
			.storagebits = 16,
			.endianness = IIO_CPU,
		},
	},
	/* read directly only: not in the triggered buffer's scan */
	[STA_CH_ARRAY] = {
		.type = IIO_VOLTAGE,
		.indexed = 1,
		.channel = 1,
		.datasheet_name = "array",
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
		.info_mask_shared_by_type = BIT(IIO_CHAN_INFO_SCALE),
		.scan_index = -1,
		.scan_type = {
			.sign = 'u',
			.realbits = STA_BITS,
			.storagebits = 16,
			.endianness = IIO_CPU,
		},
	},
	[STA_CH_TIMESTAMP] = IIO_CHAN_SOFT_TIMESTAMP(1),
};

/*
 * The consumers that instantiate=1 creates, with the properties of the
 * smtj binding (Documentation/devicetree/bindings, here
 * dt-bindings/rng/smtj,junction-array.yaml): id -1 is <consumer> itself,
 * on channel 0; the others are <consumer>.<id>, on channel 1.  The levels
 * of the array (id 1) are those of the channel's default codes, 100, 150,
 * 250 and 300 mV; ids 2 to 7 are the malformed cases of
 * tests/kmod/virt-smtj-malformed.dtsi, in the same order.
 */
struct sta_consumer {
	int id;
	u32 junctions;
	u32 nr_uv;
	u32 uv[4];
};

static const struct sta_consumer sta_consumers[] = {
	{ .id = -1, .junctions = 1 },
	{ 1, 2, 4, { 100000, 150000, 250000, 300000 } },
	{ 2, 2, 3, { 100000, 150000, 250000 } },		/* count */
	{ 3, 2, 4, { 100000, 150000, 90000, 300000 } },	/* order */
	{ 4, 2, 4, { 100000, 200000, 200000, 300000 } },	/* same code */
	{ 5, 2, 4, { 100000, 150000, 3400000, 3500000 } },	/* range */
	{ 6, 1, 2, { 0, 150000 } },				/* rail */
	{ 7, 2, 0 },						/* missing */
};

/* -ln(x / 2^32) for x in 1..2^32-1, in 16.16 fixed point. */
static u32 sta_neg_ln_q16(u32 x)
{
	/* ln(2) in 0.32 fixed point */
	const u64 ln2_q32 = 2977044472ULL;
	unsigned int i, msb = fls(x) - 1;
	u64 m = (u64)x << (31 - msb);	/* mantissa in [2^31, 2^32) */
	u32 frac = 0, log2_q16;

	/* log2(m / 2^31) in 0.16, one bit per squaring */
	for (i = 0; i < 16; i++) {
		m = (m * m) >> 31;
		frac <<= 1;
		if (m >= (1ULL << 32)) {
			m >>= 1;
			frac |= 1;
		}
	}
	/* log2(x / 2^32) = msb - 32 + frac; negate it */
	log2_q16 = ((32 - msb) << 16) - frac;
	return (u32)(((u64)log2_q16 * ln2_q32) >> 32);
}

static u64 sta_exp_dwell(struct sta_state *st)
{
	u32 u = prandom_u32_state(&st->rnd) | 1;

	return mul_u64_u32_shr(st->dwell_ns, sta_neg_ln_q16(u), 16) + 1;
}

/* The next code of the waveform; caller holds st->lock. */
static u16 sta_sample_locked(struct sta_state *st)
{
	unsigned int ppm = READ_ONCE(flip_ppm), amp = READ_ONCE(noise);
	/* flip if a uniform 32-bit number is below ppm / 1e6 of 2^32 */
	u64 thresh = div_u64((u64)ppm << 32, STA_PPM);
	int code;

	if (st->dwell_ns) {
		ktime_t now = ktime_get();

		/*
		 * Long after the last flip the state is uncorrelated with it
		 * (correlation exp(-2t/dwell)) and the process is memoryless:
		 * start afresh instead of replaying every flip since.
		 */
		if (ktime_after(now, ktime_add_ns(st->next_flip,
						  32 * st->dwell_ns))) {
			st->state = prandom_u32_state(&st->rnd) & 1;
			st->next_flip = ktime_add_ns(now, sta_exp_dwell(st));
		}
		while (ktime_compare(now, st->next_flip) >= 0) {
			st->state ^= 1;
			st->flips++;
			st->next_flip = ktime_add_ns(st->next_flip,
						     sta_exp_dwell(st));
		}
	} else if (prandom_u32_state(&st->rnd) < thresh) {
		st->state ^= 1;
		st->flips++;
	}
	st->reads++;

	code = st->state ? READ_ONCE(level1) : READ_ONCE(level0);
	if (amp)
		code += (int)(prandom_u32_state(&st->rnd) % (2U * amp + 1)) -
			(int)amp;
	return clamp(code, 0, (int)STA_CODE_MAX);
}

/* The next code of the array channel; caller holds st->lock. */
static u16 sta_array_sample_locked(struct sta_state *st)
{
	unsigned int amp = READ_ONCE(noise), j;
	int code;

	for (j = 0; j < array_njunctions; j++) {
		u64 thresh = div_u64((u64)array_flip_ppm[j] << 32, STA_PPM);

		if (prandom_u32_state(&st->arnd) < thresh)
			st->astate ^= BIT(j);
	}
	code = array_levels[st->astate];
	if (amp)
		code += (int)(prandom_u32_state(&st->arnd) % (2U * amp + 1)) -
			(int)amp;
	return clamp(code, 0, (int)STA_CODE_MAX);
}

static u16 sta_sample(struct sta_state *st, int channel)
{
	unsigned long flags;
	u16 code;

	spin_lock_irqsave(&st->lock, flags);
	code = channel ? sta_array_sample_locked(st) : sta_sample_locked(st);
	spin_unlock_irqrestore(&st->lock, flags);
	return code;
}

/* Consume one injected read failure, if any is pending. */
static bool sta_take_failure(void)
{
	unsigned int n = READ_ONCE(fail_reads);

	while (n) {
		unsigned int old = cmpxchg(&fail_reads, n, n - 1);

		if (old == n)
			return true;
		n = old;
	}
	return false;
}

static int sta_read_raw(struct iio_dev *indio_dev,
			struct iio_chan_spec const *chan,
			int *val, int *val2, long mask)
{
	struct sta_state *st = iio_priv(indio_dev);
	int ret;

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		ret = iio_device_claim_direct_mode(indio_dev);
		if (ret)
			return ret;
		ret = sta_take_failure() ? -EIO : IIO_VAL_INT;
		if (ret == IIO_VAL_INT)
			*val = sta_sample(st, chan->channel);
		iio_device_release_direct_mode(indio_dev);
		return ret;
	case IIO_CHAN_INFO_SCALE:
		/* millivolts per code: 3300 / 2^14 */
		*val = STA_VREF_MV;
		*val2 = STA_BITS;
		return IIO_VAL_FRACTIONAL_LOG2;
	case IIO_CHAN_INFO_SAMP_FREQ:
		*val = READ_ONCE(st->trig_hz);
		return IIO_VAL_INT;
	default:
		return -EINVAL;
	}
}

static int sta_write_raw(struct iio_dev *indio_dev,
			 struct iio_chan_spec const *chan,
			 int val, int val2, long mask)
{
	struct sta_state *st = iio_priv(indio_dev);

	if (mask != IIO_CHAN_INFO_SAMP_FREQ)
		return -EINVAL;
	if (val < 1 || val > STA_TRIG_HZ_MAX || val2)
		return -EINVAL;
	if (iio_buffer_enabled(indio_dev))
		return -EBUSY;
	WRITE_ONCE(st->trig_hz, val);
	return 0;
}

static const struct iio_info sta_info = {
	.read_raw = sta_read_raw,
	.write_raw = sta_write_raw,
};

static irqreturn_t sta_trigger_handler(int irq, void *p)
{
	struct iio_poll_func *pf = p;
	struct iio_dev *indio_dev = pf->indio_dev;
	struct sta_state *st = iio_priv(indio_dev);

	st->scan.code = sta_sample(st, 0);
	iio_push_to_buffers_with_timestamp(indio_dev, &st->scan,
					   iio_get_time_ns(indio_dev));
	iio_trigger_notify_done(indio_dev->trig);
	return IRQ_HANDLED;
}

static enum hrtimer_restart sta_timer_fn(struct hrtimer *timer)
{
	struct sta_state *st = container_of(timer, struct sta_state, timer);

	hrtimer_forward_now(timer, st->period);
	iio_trigger_poll(st->trig);
	return HRTIMER_RESTART;
}

static int sta_trig_set_state(struct iio_trigger *trig, bool on)
{
	struct sta_state *st = iio_trigger_get_drvdata(trig);

	if (on) {
		st->period = ns_to_ktime(div_u64(NSEC_PER_SEC,
						 READ_ONCE(st->trig_hz)));
		hrtimer_start(&st->timer, st->period, HRTIMER_MODE_REL);
	} else {
		hrtimer_cancel(&st->timer);
	}
	return 0;
}

static const struct iio_trigger_ops sta_trigger_ops = {
	.set_trigger_state = sta_trig_set_state,
};

static int sta_setup_trigger(struct device *dev, struct iio_dev *indio_dev)
{
	struct sta_state *st = iio_priv(indio_dev);
	int ret;

	st->trig_hz = 1000;
	hrtimer_init(&st->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	st->timer.function = sta_timer_fn;

	st->trig = devm_iio_trigger_alloc(dev, "%s-dev%d", indio_dev->name,
					  iio_device_id(indio_dev));
	if (!st->trig)
		return -ENOMEM;
	st->trig->ops = &sta_trigger_ops;
	iio_trigger_set_drvdata(st->trig, st);
	ret = devm_iio_trigger_register(dev, st->trig);
	if (ret)
		return ret;

	return devm_iio_triggered_buffer_setup(dev, indio_dev, NULL,
					       sta_trigger_handler, NULL);
}

/*
 * The IIO map of a device without firmware description: channel 0 to
 * <consumer>, channel 1 to <consumer>.<id> of every other consumer.
 */
static int sta_register_maps(struct device *dev, struct iio_dev *indio_dev)
{
	struct iio_map *maps;
	unsigned int i;

	maps = devm_kcalloc(dev, ARRAY_SIZE(sta_consumers) + 1, sizeof(*maps),
			    GFP_KERNEL);
	if (!maps)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(sta_consumers); i++) {
		int id = sta_consumers[i].id;

		maps[i].consumer_channel = "junctions";
		maps[i].adc_channel_label = id < 0 ? "telegraph" : "array";
		maps[i].consumer_dev_name = id < 0 ? consumer :
			devm_kasprintf(dev, GFP_KERNEL, "%s.%d", consumer, id);
		if (!maps[i].consumer_dev_name)
			return -ENOMEM;
	}
	return devm_iio_map_array_register(dev, indio_dev, maps);
}

static int sta_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct iio_dev *indio_dev;
	struct sta_state *st;
	int ret;

	indio_dev = devm_iio_device_alloc(dev, sizeof(*st));
	if (!indio_dev)
		return -ENOMEM;
	st = iio_priv(indio_dev);
	spin_lock_init(&st->lock);
	prandom_seed_state(&st->rnd, seed);
	st->state = prandom_u32_state(&st->rnd) & 1;
	prandom_seed_state(&st->arnd, seed ^ 0x5eed5eed5eed5eedULL);
	st->astate = prandom_u32_state(&st->arnd) & (BIT(array_njunctions) - 1);
	st->dwell_ns = (u64)dwell_us * NSEC_PER_USEC;
	if (st->dwell_ns)
		st->next_flip = ktime_add_ns(ktime_get(), sta_exp_dwell(st));

	indio_dev->name = STA_NAME;
	indio_dev->info = &sta_info;
	indio_dev->modes = INDIO_DIRECT_MODE;
	indio_dev->channels = sta_channels;
	indio_dev->num_channels = ARRAY_SIZE(sta_channels);

	ret = sta_setup_trigger(dev, indio_dev);
	if (ret)
		return dev_err_probe(dev, ret, "triggered buffer setup failed\n");

	ret = devm_iio_device_register(dev, indio_dev);
	if (ret)
		return dev_err_probe(dev, ret, "IIO registration failed\n");

	/* Without firmware description, consumers find us through a map. */
	if (!dev_fwnode(dev)) {
		ret = sta_register_maps(dev, indio_dev);
		if (ret)
			return dev_err_probe(dev, ret, "IIO map failed\n");
	}

	dev_info(dev, "telegraph %u/%u of %lu codes, %s %u, %s\n",
		 READ_ONCE(level0), READ_ONCE(level1), STA_CODE_MAX,
		 dwell_us ? "dwell_us" : "flip_ppm",
		 dwell_us ? dwell_us : READ_ONCE(flip_ppm),
		 dev_fwnode(dev) ? "firmware node" : "IIO map");
	return 0;
}

static const struct of_device_id sta_of_match[] = {
	{ .compatible = "smtj,test-adc" },
	{ }
};
MODULE_DEVICE_TABLE(of, sta_of_match);

static struct platform_driver sta_driver = {
	.driver = {
		.name = STA_NAME,
		.of_match_table = sta_of_match,
	},
	.probe = sta_probe,
};

static struct platform_device *sta_pdev;
static struct platform_device *sta_consumer_pdev[ARRAY_SIZE(sta_consumers)];

/* The consumer platform device sta_consumers[i], if asked for. */
static int sta_create_consumer(unsigned int i)
{
	const struct sta_consumer *c = &sta_consumers[i];
	struct property_entry props[5] = {
		PROPERTY_ENTRY_U32("smtj,sample-rate-hz",
				   c->id < 0 ? consumer_rate_hz : STA_ARRAY_RATE_HZ),
		PROPERTY_ENTRY_U32("smtj,num-junctions", c->junctions),
	};
	struct platform_device_info info = {
		.name = consumer,
		.id = c->id < 0 ? PLATFORM_DEVID_NONE : c->id,
		.properties = props,
	};
	struct platform_device *pdev;

	if (c->id < 0 ? !consumer_dev : c->id == 1 ? !consumer_array :
	    !consumer_malformed)
		return 0;
	if (c->nr_uv)
		props[2] = PROPERTY_ENTRY_U32_ARRAY_LEN("smtj,levels-microvolt",
							c->uv, c->nr_uv);
	/* the array states an entropy: smtj registers its hwrng */
	if (c->id == 1)
		props[3] = PROPERTY_ENTRY_U32("smtj,hwrng-quality",
					      STA_ARRAY_QUALITY);
	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	sta_consumer_pdev[i] = pdev;
	return 0;
}

static void sta_remove_consumers(void)
{
	unsigned int i = ARRAY_SIZE(sta_consumers);

	while (i--) {
		if (sta_consumer_pdev[i])
			platform_device_unregister(sta_consumer_pdev[i]);
		sta_consumer_pdev[i] = NULL;
	}
}

/* The array channel's parameters: 2^n levels, n flip probabilities. */
static int sta_check_array(void)
{
	unsigned int i;

	if (array_nlevels < 2 || !is_power_of_2(array_nlevels) ||
	    array_nlevels != BIT(array_njunctions)) {
		pr_err(STA_NAME ": array_levels needs 2^n entries for the n of array_flip_ppm (%u, %u)\n",
		       array_nlevels, array_njunctions);
		return -EINVAL;
	}
	for (i = 0; i < array_nlevels; i++)
		if (array_levels[i] > STA_CODE_MAX)
			return -ERANGE;
	for (i = 0; i < array_njunctions; i++)
		if (array_flip_ppm[i] > STA_PPM)
			return -ERANGE;
	return 0;
}

static int __init sta_init(void)
{
	struct device_node *np;
	unsigned int i;
	int ret;

	ret = sta_check_array();
	if (ret)
		return ret;
	ret = platform_driver_register(&sta_driver);
	if (ret || !instantiate)
		return ret;
	/*
	 * Where the device tree describes the ADC, it describes its consumer
	 * too: instantiate=1 then does nothing, so that one list of module
	 * parameters serves machines with and without a device tree.
	 */
	np = of_find_compatible_node(NULL, NULL, "smtj,test-adc");
	if (np) {
		of_node_put(np);
		pr_info(STA_NAME ": the device tree describes the ADC: instantiate=1 ignored\n");
		return 0;
	}

	sta_pdev = platform_device_register_simple(STA_NAME, PLATFORM_DEVID_NONE,
						   NULL, 0);
	if (IS_ERR(sta_pdev)) {
		ret = PTR_ERR(sta_pdev);
		goto err_driver;
	}
	for (i = 0; i < ARRAY_SIZE(sta_consumers); i++) {
		ret = sta_create_consumer(i);
		if (ret)
			goto err_device;
	}
	return 0;

err_device:
	sta_remove_consumers();
	platform_device_unregister(sta_pdev);
err_driver:
	platform_driver_unregister(&sta_driver);
	return ret;
}
module_init(sta_init);

static void __exit sta_exit(void)
{
	sta_remove_consumers();
	if (!IS_ERR_OR_NULL(sta_pdev))
		platform_device_unregister(sta_pdev);
	platform_driver_unregister(&sta_driver);
}
module_exit(sta_exit);

MODULE_DESCRIPTION("smtj test ADC: IIO channel with a random telegraph waveform");
MODULE_AUTHOR("smtj project");
MODULE_LICENSE("GPL");
