// SPDX-License-Identifier: LGPL-2.1-or-later
/* Restart data from a simulated device: re-seed, read the first samples. */
#include <errno.h>
#include "smtj-internal.h"

int smtj_dev_restart_read(struct smtj_dev *dev,
			  const struct smtj_stream_opts *opts, uint64_t seed,
			  uint16_t *out, size_t n, struct smtj_err *err)
{
	struct smtj_sim_config cfg;
	struct smtj_stream *st;
	uint64_t lost = 0;
	int ret;

	ret = smtj_dev_get_sim(dev, &cfg, err);
	if (ret)
		return ret;
	cfg.seed = seed;
	if ((ret = smtj_dev_set_sim(dev, &cfg, err)) ||
	    (ret = smtj_stream_open(&st, dev, opts, err)))
		return ret;
	/* SET_SIM restarted the ring with lost 0 and nothing read: the
	 * stream reports every gap from sample 0 on, also one that opened
	 * before it did (linux/smtj.h) */
	ret = smtj_stream_read(st, out, n, &lost, err);
	smtj_stream_close(st);
	if (!ret && lost)
		ret = smtj_seterr(err, -EIO,
				  "%s: %llu samples lost after the restart: not the first %zu (a larger ring?)",
				  smtj_dev_name(dev), (unsigned long long)lost, n);
	return ret;
}
