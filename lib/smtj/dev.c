// SPDX-License-Identifier: LGPL-2.1-or-later
/* Device handles: open by path or index, the ioctls of linux/smtj.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "smtj-internal.h"
#include "stream.h"
#include "smtj-test.h"

int smtj_dev_wrap_fd(struct smtj_dev **out, int fd, int own, const char *name,
		     struct smtj_err *err)
{
	struct smtj_dev *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", name);
	d->fd = fd;
	d->own = own;
	d->nonblock = (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
	snprintf(d->name, sizeof(d->name), "%s", name ? name : "(fd)");
	*out = d;
	return 0;
}

int smtj_dev_from_fd(struct smtj_dev **out, int fd, int own, const char *name,
		     struct smtj_err *err)
{
	struct smtj_dev *d;
	struct smtj_info info;
	int ret;

	ret = smtj_dev_wrap_fd(&d, fd, own, name, err);
	if (ret)
		return ret;
	ret = smtj_dev_info(d, &info, err);
	if (ret) {
		/* qemu-user answers an ioctl it cannot translate (any
		 * driver's own) with ENOSYS, not ENOTTY */
		if (ret == -ENOTTY || ret == -EINVAL || ret == -ENOSYS)
			smtj_seterr(err, ret, "%s: not an smtj device (SMTJ_IOC_GET_INFO: %s)",
				    d->name, strerror(-ret));
		d->own = 0;
		smtj_dev_close(d);
		return ret;
	}
	*out = d;
	return 0;
}

int smtj_dev_open(struct smtj_dev **out, const char *name, int nonblock,
		  struct smtj_err *err)
{
	char path[256];
	const char *p = name;
	int fd, ret, fl = O_CLOEXEC | (nonblock ? O_NONBLOCK : 0);

	*out = NULL;
	if (!name || !*name)
		return smtj_seterr(err, -EINVAL, "device: no name given");
	if (strspn(name, "0123456789") == strlen(name)) {
		snprintf(path, sizeof(path), "/dev/smtj%s", name);
		p = path;
	}
	/* read-write for the mmap ring's header; read-only is enough
	 * for read() and io_uring */
	fd = open(p, O_RDWR | fl);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
		fd = open(p, O_RDONLY | fl);
	if (fd < 0) {
		ret = -errno;
		return smtj_seterr(err, ret, "%s: %s", p, strerror(-ret));
	}
	ret = smtj_dev_from_fd(out, fd, 1, p, err);
	if (ret)
		close(fd);
	return ret;
}

void smtj_dev_close(struct smtj_dev *dev)
{
	if (!dev)
		return;
	if (dev->own)
		close(dev->fd);
	free(dev);
}

int smtj_dev_fd(const struct smtj_dev *dev)
{
	return dev->fd;
}

const char *smtj_dev_name(const struct smtj_dev *dev)
{
	return dev->name;
}

/* One place that turns an ioctl failure into a message. */
static int ioc(struct smtj_dev *dev, unsigned long req, void *arg,
	       const char *what, struct smtj_err *err)
{
	int ret;

	do
		ret = ioctl(dev->fd, req, arg);
	while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		ret = -errno;
		return smtj_seterr(err, ret, "%s: %s: %s", dev->name, what,
				   ret == -ENODEV ? "device removed" : strerror(-ret));
	}
	return 0;
}

int smtj_dev_info(struct smtj_dev *dev, struct smtj_info *info,
		  struct smtj_err *err)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioc(dev, SMTJ_IOC_GET_INFO, info, "SMTJ_IOC_GET_INFO", err);
}

int smtj_dev_get_sim(struct smtj_dev *dev, struct smtj_sim_config *cfg,
		     struct smtj_err *err)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	return ioc(dev, SMTJ_IOC_GET_SIM, cfg, "SMTJ_IOC_GET_SIM", err);
}

int smtj_dev_set_sim(struct smtj_dev *dev, const struct smtj_sim_config *cfg,
		     struct smtj_err *err)
{
	struct smtj_sim_config c = *cfg;
	int ret = smtj_sim_validate(&c, err);

	if (ret)
		return ret;
	ret = ioc(dev, SMTJ_IOC_SET_SIM, &c, "SMTJ_IOC_SET_SIM", err);
	if (ret == -EBUSY)
		smtj_seterr(err, ret,
			    "%s: SMTJ_IOC_SET_SIM: device busy (needs exclusive use: no other open file)",
			    dev->name);
	return ret;
}

int smtj_dev_get_consumer(struct smtj_dev *dev, struct smtj_consumer *c,
			  struct smtj_err *err)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return ioc(dev, SMTJ_IOC_GET_CONSUMER, c, "SMTJ_IOC_GET_CONSUMER", err);
}

int smtj_dev_set_consumer(struct smtj_dev *dev, uint32_t ring_samples,
			  uint32_t watermark, struct smtj_err *err)
{
	struct smtj_consumer c;
	int ret = smtj_dev_get_consumer(dev, &c, err);

	if (ret)
		return ret;
	if (ring_samples)
		c.ring_samples = ring_samples;
	if (watermark)
		c.watermark = watermark;
	return ioc(dev, SMTJ_IOC_SET_CONSUMER, &c, "SMTJ_IOC_SET_CONSUMER", err);
}

double smtj_code_volts(const struct smtj_info *info, uint16_t code)
{
	double v = info->sample_signed ? (double)(int16_t)code : (double)code;

	return (v + info->offset) * (double)info->scale_fv * 1e-15;
}
