// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj: one consumer per open file of /dev/smtjN.
 *
 * Each file owns a ring (vmalloc memory: one header page, then the data
 * pages) that the core's fan-out writes into.  Userspace takes samples
 * either with read()/io_uring, which copy out and advance the consumer
 * index for it, or by mapping the ring and advancing the consumer index
 * itself; never both at once.
 *
 * Ring memory is charged to the memory cgroup of the process that makes
 * the ring (open() or SET_CONSUMER) and to the device's ring budget
 * (ring_budget_kib), so that no caller can pin unbounded kernel memory.
 *
 * Index discipline (Documentation/userspace-api/smtj.rst):
 *  - producer side (device lock held): the effective consumer index is
 *    min(head, max(hdr->consumer, seen)), loaded with smp_load_acquire();
 *    samples are written, then hdr->producer is published with
 *    smp_store_release(), inside a write section of hdr->seq;
 *  - read() side: takes the device lock to learn head and the effective
 *    consumer index, copies, then publishes hdr->consumer with
 *    smp_store_release().
 */

#include <linux/atomic.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "smtj_compat.h"
#include "smtj_core.h"
#include "smtj_model.h"

#define SMTJ_DATA_PGOFF		1UL
#define SMTJ_DATA_OFFSET	(SMTJ_DATA_PGOFF << PAGE_SHIFT)

/* Version-1 sizes of the ioctl structures: the smallest a caller may pass. */
#define SMTJ_INFO_SIZE_V1	sizeof(struct smtj_info)
#define SMTJ_SIM_SIZE_V1	sizeof(struct smtj_sim_config)
#define SMTJ_CONSUMER_SIZE_V1	sizeof(struct smtj_consumer)
/* The largest size a caller may claim (a larger one is garbage: -E2BIG). */
#define SMTJ_ARG_SIZE_MAX	4096U

static_assert(sizeof(struct smtj_ring_header) <= PAGE_SIZE);
/* One layout for 32- and 64-bit callers: compat_ptr_ioctl() suffices. */
static_assert(sizeof(struct smtj_info) == 112);
static_assert(sizeof(struct smtj_sim_config) == 648);
static_assert(sizeof(struct smtj_consumer) == 32);
static_assert(offsetof(struct smtj_info, scale_fv) % 8 == 0);
static_assert(offsetof(struct smtj_info, produced) % 8 == 0);
static_assert(offsetof(struct smtj_sim_config, seed) % 8 == 0);
static_assert(offsetof(struct smtj_sim_config, scale_fv) % 8 == 0);
static_assert(offsetof(struct smtj_consumer, reserved) % 8 == 0);

/* 128 MiB: two rings of the largest size (SMTJ_RING_MAX) or ~1000 default. */
static unsigned int ring_budget_kib = 131072;
module_param(ring_budget_kib, uint, 0644);
MODULE_PARM_DESC(ring_budget_kib,
		 "Ring memory all open files of one device may hold, in KiB (default 131072); beyond it open() and SET_CONSUMER fail with ENOSPC");

/**
 * struct smtj_file - the consumer behind one open file
 * @sink: attached to the device while the file is open
 * @sdev: the device (a reference is held)
 * @lock: serialises read() and the ioctls that change the ring or stream
 * @map_lock: protects @nr_maps and @busy
 * @nr_maps: VMAs that map the ring
 * @busy: a read() or a ring change is in progress; mmap() is refused
 * @wq: readers and pollers
 * @ring: header page followed by the data pages
 * @hdr: the header page
 * @data: the data pages
 * @ring_samples: capacity, a power of two
 * @watermark: poll() reports EPOLLIN at this many samples
 * @wake_level: the producer wakes @wq at this many samples
 * @head: producer index (device lock)
 * @seen: last effective consumer index (device lock)
 * @seq: the header's sequence count; the kernel never reads it back from
 *	the header, which userspace may write (device lock)
 *
 * @ring, @hdr, @data and @ring_samples change only under @lock, with @busy
 * set and @nr_maps zero, and the device lock.  @watermark changes under
 * the device lock.
 */
struct smtj_file {
	struct smtj_sink sink;
	struct smtj_device *sdev;
	struct mutex lock;	/* see above */
	spinlock_t map_lock;	/* see above */
	unsigned int nr_maps;
	bool busy;
	wait_queue_head_t wq;
	void *ring;
	struct smtj_ring_header *hdr;
	u16 *data;
	u32 ring_samples;
	u32 watermark;
	u32 wake_level;
	u64 head;
	u64 seen;
	u32 seq;
};

static inline struct smtj_file *to_smtj_file(struct smtj_sink *sink)
{
	return container_of(sink, struct smtj_file, sink);
}

static size_t smtj_data_size(u32 nr_samples)
{
	return PAGE_ALIGN((size_t)nr_samples * sizeof(u16));
}

static size_t smtj_ring_size(u32 nr_samples)
{
	return SMTJ_DATA_OFFSET + smtj_data_size(nr_samples);
}

/* Reserve @bytes of the device's ring budget: 0 or -ENOSPC. */
static int smtj_ring_charge(struct smtj_device *sdev, size_t bytes)
{
	u64 budget = (u64)READ_ONCE(ring_budget_kib) << 10;
	s64 used = atomic64_read(&sdev->ring_bytes);

	do {
		if (bytes > budget || used > budget - bytes)
			return -ENOSPC;
	} while (!atomic64_try_cmpxchg(&sdev->ring_bytes, &used, used + bytes));
	return 0;
}

static void smtj_ring_uncharge(struct smtj_device *sdev, size_t bytes)
{
	atomic64_sub(bytes, &sdev->ring_bytes);
}

/*
 * Zeroed, charged to the caller's memory cgroup; a cgroup at its limit
 * gets NULL (-ENOMEM), not its OOM killer, and the log stays quiet: any
 * caller may ask for a ring.  vmalloc_user() cannot be charged on 6.1, so
 * smtj_mmap() maps the pages itself.
 */
static void *smtj_ring_alloc(u32 nr_samples)
{
	struct smtj_ring_header *hdr;

	hdr = __vmalloc(smtj_ring_size(nr_samples),
			GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_RETRY_MAYFAIL |
			__GFP_NOWARN);
	if (!hdr)
		return NULL;
	hdr->magic = SMTJ_RING_MAGIC;
	hdr->version = SMTJ_RING_VERSION;
	hdr->nr_samples = nr_samples;
	hdr->sample_size = sizeof(u16);
	hdr->data_offset = SMTJ_DATA_OFFSET;
	hdr->header_size = sizeof(*hdr);
	return hdr;
}

/*
 * Device lock held: open and close a write section of the header's
 * snapshot (producer, lost, newest_index, newest_time_ns).  Readers retry
 * while seq is odd or changed; see linux/smtj.h.
 */
static void smtj_hdr_write_begin(struct smtj_file *f)
{
	f->seq++;
	WRITE_ONCE(f->hdr->seq, f->seq);
	/* seq is odd before any field changes */
	smp_wmb();
}

static void smtj_hdr_write_end(struct smtj_file *f)
{
	f->seq++;
	/* every field is written before seq is even again */
	smp_store_release(&f->hdr->seq, f->seq);
}

/* Device lock held: clamp and remember the consumer index. */
static u64 smtj_ring_tail(struct smtj_file *f)
{
	/*
	 * Pairs with the consumer's store-release of consumer (userspace, or
	 * smtj_copy_out()): its reads of the samples come before our writes.
	 */
	u64 tail = smp_load_acquire(&f->hdr->consumer);

	tail = min(max(tail, f->seen), f->head);
	f->seen = tail;
	return tail;
}

static bool smtj_file_deliver(struct smtj_sink *sink, const u16 *samples,
			      unsigned int n, u64 index, u64 time_ns)
{
	struct smtj_file *f = to_smtj_file(sink);
	struct smtj_ring_header *hdr = f->hdr;
	u32 mask = f->ring_samples - 1;
	u64 tail = smtj_ring_tail(f);
	u32 pos, first;

	if (f->ring_samples - (f->head - tail) < n) {
		/* The core adds n to sink->lost when we return false. */
		smtj_hdr_write_begin(f);
		WRITE_ONCE(hdr->lost, sink->lost + n);
		smtj_hdr_write_end(f);
		return false;
	}
	pos = f->head & mask;
	first = min(n, f->ring_samples - pos);
	memcpy(f->data + pos, samples, first * sizeof(u16));
	memcpy(f->data, samples + first, (n - first) * sizeof(u16));
	WRITE_ONCE(f->head, f->head + n);
	smtj_hdr_write_begin(f);
	WRITE_ONCE(hdr->newest_index, index + n - 1);
	WRITE_ONCE(hdr->newest_time_ns, time_ns);
	/* Pairs with userspace's load-acquire of producer. */
	smp_store_release(&hdr->producer, f->head);
	smtj_hdr_write_end(f);

	if (f->head - tail >= READ_ONCE(f->wake_level) && wq_has_sleeper(&f->wq))
		wake_up_interruptible_poll(&f->wq, EPOLLIN | EPOLLRDNORM);
	return true;
}

static unsigned int smtj_file_room(struct smtj_sink *sink)
{
	struct smtj_file *f = to_smtj_file(sink);

	return f->ring_samples - (u32)(f->head - smtj_ring_tail(f));
}

static void smtj_file_reset(struct smtj_sink *sink)
{
	struct smtj_file *f = to_smtj_file(sink);
	struct smtj_ring_header *hdr = f->hdr;

	f->head = 0;
	f->seen = 0;
	WRITE_ONCE(hdr->consumer, 0);
	smtj_hdr_write_begin(f);
	WRITE_ONCE(hdr->lost, sink->lost);
	WRITE_ONCE(hdr->newest_index, 0);
	WRITE_ONCE(hdr->newest_time_ns, 0);
	/* Pairs with userspace's load-acquire of producer. */
	smp_store_release(&hdr->producer, 0);
	smtj_hdr_write_end(f);
}

static void smtj_file_dead(struct smtj_sink *sink)
{
	struct smtj_file *f = to_smtj_file(sink);

	wake_up_interruptible_poll(&f->wq, EPOLLERR | EPOLLHUP);
}

static const struct smtj_sink_ops smtj_file_sink_ops = {
	.deliver = smtj_file_deliver,
	.room = smtj_file_room,
	.reset = smtj_file_reset,
	.dead = smtj_file_dead,
};

/*
 * Samples available to this file, or -ENODEV.  With @tailp (read(), ring
 * not mapped) also store the clamped consumer index in the header, so that
 * the producer and this reader agree on it, and return it in *@tailp.
 */
static long smtj_file_avail(struct smtj_file *f, u64 *tailp)
{
	struct smtj_device *sdev = f->sdev;
	unsigned long flags;
	long ret = -ENODEV;
	u64 tail;

	spin_lock_irqsave(&sdev->lock, flags);
	if (!sdev->dead) {
		tail = smtj_ring_tail(f);
		ret = f->head - tail;
		if (tailp) {
			WRITE_ONCE(f->hdr->consumer, tail);
			*tailp = tail;
		}
	}
	spin_unlock_irqrestore(&sdev->lock, flags);
	return ret;
}

static bool smtj_file_ready(struct smtj_file *f, u32 need)
{
	long avail = smtj_file_avail(f, NULL);

	return avail < 0 || avail >= need;
}

static int smtj_open(struct inode *inode, struct file *file)
{
	struct smtj_device *sdev = container_of(inode->i_cdev,
						struct smtj_device, cdev);
	struct smtj_file *f;
	int ret;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->ring_samples = READ_ONCE(sdev->default_ring_samples);
	ret = smtj_ring_charge(sdev, smtj_ring_size(f->ring_samples));
	if (ret) {
		kfree(f);
		return ret;
	}
	f->ring = smtj_ring_alloc(f->ring_samples);
	if (!f->ring) {
		smtj_ring_uncharge(sdev, smtj_ring_size(f->ring_samples));
		kfree(f);
		return -ENOMEM;
	}
	f->hdr = f->ring;
	f->data = f->ring + SMTJ_DATA_OFFSET;
	f->watermark = 1;
	f->wake_level = 1;
	f->sdev = sdev;
	f->sink.ops = &smtj_file_sink_ops;
	mutex_init(&f->lock);
	spin_lock_init(&f->map_lock);
	init_waitqueue_head(&f->wq);

	smtj_core_get(sdev);
	ret = smtj_sink_attach(sdev, &f->sink);
	if (ret) {
		smtj_core_put(sdev);
		vfree(f->ring);
		smtj_ring_uncharge(sdev, smtj_ring_size(f->ring_samples));
		kfree(f);
		return ret;
	}
	file->private_data = f;
	stream_open(inode, file);
	file->f_mode |= FMODE_NOWAIT;
	return 0;
}

static int smtj_release(struct inode *inode, struct file *file)
{
	struct smtj_file *f = file->private_data;
	struct smtj_device *sdev = f->sdev;

	smtj_sink_detach(sdev, &f->sink);
	vfree(f->ring);
	smtj_ring_uncharge(sdev, smtj_ring_size(f->ring_samples));
	mutex_destroy(&f->lock);
	kfree(f);
	smtj_core_put(sdev);
	return 0;
}

/* Take f->lock and mark the file busy (no mmap); -EBUSY if mapped. */
static int smtj_file_begin(struct smtj_file *f, bool nowait)
{
	int ret = 0;

	if (nowait) {
		if (!mutex_trylock(&f->lock))
			return -EAGAIN;
	} else if (mutex_lock_interruptible(&f->lock)) {
		return -ERESTARTSYS;
	}
	spin_lock(&f->map_lock);
	if (f->nr_maps)
		ret = -EBUSY;
	else
		f->busy = true;
	spin_unlock(&f->map_lock);
	if (ret)
		mutex_unlock(&f->lock);
	return ret;
}

static void smtj_file_end(struct smtj_file *f)
{
	spin_lock(&f->map_lock);
	f->busy = false;
	spin_unlock(&f->map_lock);
	mutex_unlock(&f->lock);
}

/* f->lock held, not mapped: copy n samples from tail, publish consumer. */
static ssize_t smtj_copy_out(struct smtj_file *f, u64 tail, u32 n,
			     struct iov_iter *to)
{
	u32 pos = tail & (f->ring_samples - 1);
	u32 first = min(n, f->ring_samples - pos);
	size_t bytes, done;

	bytes = (size_t)first * sizeof(u16);
	done = copy_to_iter(f->data + pos, bytes, to);
	if (done == bytes && n > first)
		done += copy_to_iter(f->data, (size_t)(n - first) * sizeof(u16),
				     to);
	n = done / sizeof(u16);
	if (!n)
		return -EFAULT;
	/* Pairs with the producer's load-acquire in smtj_ring_tail(). */
	smp_store_release(&f->hdr->consumer, tail + n);
	return (ssize_t)n * sizeof(u16);
}

static ssize_t smtj_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct smtj_file *f = iocb->ki_filp->private_data;
	bool nowait = (iocb->ki_flags & IOCB_NOWAIT) ||
		      (iocb->ki_filp->f_flags & O_NONBLOCK);
	size_t want = iov_iter_count(to) / sizeof(u16);
	u32 need;
	ssize_t ret;
	long avail;
	u64 tail;

	if (!want)
		return -EINVAL;
	ret = smtj_file_begin(f, nowait);
	if (ret)
		return ret;
	want = min_t(size_t, want, f->ring_samples);
	need = min_t(u32, want, f->watermark);
	for (;;) {
		avail = smtj_file_avail(f, &tail);
		if (avail < 0) {
			ret = avail;
			break;
		}
		if (avail >= need || (nowait && avail)) {
			ret = smtj_copy_out(f, tail, min_t(size_t, avail, want),
					    to);
			if (ret > 0)
				avail -= ret / sizeof(u16);
			break;
		}
		if (nowait) {
			ret = -EAGAIN;
			break;
		}
		WRITE_ONCE(f->wake_level, need);
		smtj_core_kick(f->sdev);
		ret = wait_event_interruptible(f->wq, smtj_file_ready(f, need));
		WRITE_ONCE(f->wake_level, f->watermark);
		if (ret)
			break;
	}
	/*
	 * An unthrottled producer waits for room: wake it when a quarter of
	 * the ring is free, not after every small read.
	 */
	if ((ret > 0 || ret == -EAGAIN) &&
	    avail <= f->ring_samples - f->ring_samples / 4)
		smtj_core_kick(f->sdev);
	smtj_file_end(f);
	return ret;
}

static __poll_t smtj_poll(struct file *file, poll_table *wait)
{
	struct smtj_file *f = file->private_data;
	long avail;

	poll_wait(file, &f->wq, wait);
	avail = smtj_file_avail(f, NULL);
	if (avail < 0)
		return EPOLLERR | EPOLLHUP;
	if (avail >= READ_ONCE(f->watermark))
		return EPOLLIN | EPOLLRDNORM;
	smtj_core_kick(f->sdev);
	return 0;
}

static void smtj_vm_open(struct vm_area_struct *vma)
{
	struct smtj_file *f = vma->vm_private_data;

	spin_lock(&f->map_lock);
	f->nr_maps++;
	spin_unlock(&f->map_lock);
}

static void smtj_vm_close(struct vm_area_struct *vma)
{
	struct smtj_file *f = vma->vm_private_data;

	spin_lock(&f->map_lock);
	f->nr_maps--;
	spin_unlock(&f->map_lock);
}

static const struct vm_operations_struct smtj_vm_ops = {
	.open = smtj_vm_open,
	.close = smtj_vm_close,
};

/*
 * Map @size bytes of the ring from @kaddr (what remap_vmalloc_range()
 * does, which needs vmalloc_user() memory): the pages stay in the ring's
 * accounting and in it, mapped, until the last mapping goes away.
 */
static int smtj_ring_map(struct vm_area_struct *vma, void *kaddr,
			 unsigned long size)
{
	unsigned long off;
	int ret;

	for (off = 0; off < size; off += PAGE_SIZE) {
		ret = vm_insert_page(vma, vma->vm_start + off,
				     vmalloc_to_page(kaddr + off));
		if (ret)
			return ret;
	}
	smtj_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

static int smtj_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct smtj_file *f = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;
	int ret = 0;

	spin_lock(&f->map_lock);
	if (READ_ONCE(f->sdev->dead))
		ret = -ENODEV;
	else if (f->busy)
		ret = -EBUSY;
	else
		f->nr_maps++;	/* the ring cannot change from here on */
	spin_unlock(&f->map_lock);
	if (ret)
		return ret;

	if (vma->vm_pgoff == 0) {
		if (size != PAGE_SIZE)
			ret = -EINVAL;
	} else if (vma->vm_pgoff == SMTJ_DATA_PGOFF) {
		if (size != smtj_data_size(f->ring_samples))
			ret = -EINVAL;
		else if (vma->vm_flags & VM_WRITE)
			ret = -EACCES;
		else
			smtj_vm_flags_clear(vma, VM_MAYWRITE);
	} else {
		ret = -EINVAL;
	}
	if (!ret)
		ret = smtj_ring_map(vma, f->ring + (vma->vm_pgoff << PAGE_SHIFT),
				    size);
	if (ret) {
		spin_lock(&f->map_lock);
		f->nr_maps--;
		spin_unlock(&f->map_lock);
		return ret;
	}
	vma->vm_private_data = f;
	vma->vm_ops = &smtj_vm_ops;
	return 0;
}

/* ioctls */

/*
 * The size a caller claims for a versioned structure: at least the
 * version-1 size (-EINVAL), at most SMTJ_ARG_SIZE_MAX (-E2BIG).
 */
static int smtj_arg_size(const void __user *argp, size_t v1, u32 *size)
{
	if (get_user(*size, (const u32 __user *)argp))
		return -EFAULT;
	if (*size < v1)
		return -EINVAL;
	if (*size > SMTJ_ARG_SIZE_MAX)
		return -E2BIG;
	return 0;
}

/*
 * Copy in a versioned structure with copy_struct_from_user() semantics:
 * a shorter one reads as zero-extended, a longer one must be zero beyond
 * @ksize (-E2BIG otherwise).
 */
static int smtj_arg_in(void *karg, size_t ksize, const void __user *argp,
		       size_t v1)
{
	u32 size;
	int ret;

	ret = smtj_arg_size(argp, v1, &size);
	if (ret)
		return ret;
	return copy_struct_from_user(karg, ksize, argp, size);
}

/*
 * Copy out min(caller's size, @ksize) bytes of a versioned structure and
 * set its size field to that number.
 */
static int smtj_arg_out(void __user *argp, void *karg, size_t ksize,
			size_t v1)
{
	u32 size;
	int ret;

	ret = smtj_arg_size(argp, v1, &size);
	if (ret)
		return ret;
	size = min_t(u32, size, ksize);
	*(u32 *)karg = size;
	return copy_to_user(argp, karg, size) ? -EFAULT : 0;
}

static long smtj_ioc_get_info(struct smtj_file *f, void __user *argp)
{
	struct smtj_device *sdev = f->sdev;
	struct smtj_info info = { .size = sizeof(info) };
	unsigned long flags;
	bool dead;

	spin_lock_irqsave(&sdev->lock, flags);
	dead = sdev->dead;
	info.backend = sdev->fmt.backend;
	info.flags = sdev->fmt.flags;
	info.sample_bits = sdev->fmt.sample_bits;
	info.sample_signed = sdev->fmt.sample_signed;
	info.offset = sdev->fmt.offset;
	info.scale_fv = sdev->fmt.scale_fv;
	info.rate_hz = sdev->fmt.rate_hz;
	info.ring_samples = f->ring_samples;
	info.produced = sdev->produced;
	info.delivered = f->sink.delivered;
	info.lost = f->sink.lost;
	info.consumed = smtj_ring_tail(f);
	spin_unlock_irqrestore(&sdev->lock, flags);
	if (dead)
		return -ENODEV;
	info.abi_version = SMTJ_ABI_VERSION;
	info.sample_storage_bits = 16;
	info.ring_data_offset = SMTJ_DATA_OFFSET;
	info.ring_data_size = smtj_data_size(info.ring_samples);
	spin_lock(&f->map_lock);
	if (f->nr_maps)
		info.flags |= SMTJ_INFO_F_MAPPED;
	spin_unlock(&f->map_lock);
	return smtj_arg_out(argp, &info, sizeof(info), SMTJ_INFO_SIZE_V1);
}

static long smtj_ioc_get_sim(struct smtj_file *f, void __user *argp)
{
	struct smtj_device *sdev = f->sdev;
	struct smtj_sim_config cfg;
	int ret = -ENODEV;

	memset(&cfg, 0, sizeof(cfg));
	mutex_lock(&sdev->ops_lock);
	if (sdev->ops && sdev->ops->get_config)
		ret = sdev->ops->get_config(sdev, &cfg);
	mutex_unlock(&sdev->ops_lock);
	if (ret)
		return ret;
	cfg.size = sizeof(cfg);
	return smtj_arg_out(argp, &cfg, sizeof(cfg), SMTJ_SIM_SIZE_V1);
}

static long smtj_ioc_set_sim(struct smtj_file *f, void __user *argp)
{
	struct smtj_device *sdev = f->sdev;
	struct smtj_sim_config cfg;
	int ret;

	ret = smtj_arg_in(&cfg, sizeof(cfg), argp, SMTJ_SIM_SIZE_V1);
	if (ret)
		return ret;
	ret = smtj_file_begin(f, false);
	if (ret)
		return ret;
	mutex_lock(&sdev->ops_lock);
	if (!sdev->ops || !sdev->ops->set_config)
		ret = -ENODEV;
	else if (smtj_model_validate(&cfg))
		ret = -EINVAL;
	else if (sdev->nr_sinks > 1)
		ret = -EBUSY;
	else
		ret = sdev->ops->set_config(sdev, &cfg);
	mutex_unlock(&sdev->ops_lock);
	smtj_file_end(f);
	return ret;
}

static long smtj_ioc_get_consumer(struct smtj_file *f, void __user *argp)
{
	struct smtj_consumer c = { .size = sizeof(c) };
	struct smtj_device *sdev = f->sdev;
	unsigned long flags;
	bool dead;

	/* ring_samples and watermark change together under this lock. */
	spin_lock_irqsave(&sdev->lock, flags);
	dead = sdev->dead;
	c.ring_samples = f->ring_samples;
	c.watermark = f->watermark;
	spin_unlock_irqrestore(&sdev->lock, flags);
	if (dead)
		return -ENODEV;
	return smtj_arg_out(argp, &c, sizeof(c), SMTJ_CONSUMER_SIZE_V1);
}

/*
 * Device lock held: set the watermark if the ring already has
 * @nr_samples; returns false if it does not (the ring must change).
 */
static bool smtj_file_set_watermark(struct smtj_file *f, u32 nr_samples,
				    u32 watermark)
{
	lockdep_assert_held(&f->sdev->lock);
	if (f->ring_samples != nr_samples)
		return false;
	WRITE_ONCE(f->watermark, watermark);
	WRITE_ONCE(f->wake_level, watermark);
	return true;
}

/* f->lock held, busy, not mapped: a new ring of @nr_samples, empty. */
static int smtj_file_resize(struct smtj_file *f, u32 nr_samples,
			    u32 watermark)
{
	struct smtj_device *sdev = f->sdev;
	size_t new_size = smtj_ring_size(nr_samples);
	size_t old_size = smtj_ring_size(f->ring_samples);
	unsigned long flags;
	void *ring, *old;
	int ret;

	/* The budget holds the larger of the two only while both exist. */
	if (new_size > old_size) {
		ret = smtj_ring_charge(sdev, new_size - old_size);
		if (ret)
			return ret;
	}
	ring = smtj_ring_alloc(nr_samples);
	if (!ring) {
		if (new_size > old_size)
			smtj_ring_uncharge(sdev, new_size - old_size);
		return -ENOMEM;
	}
	spin_lock_irqsave(&sdev->lock, flags);
	old = f->ring;
	f->ring = ring;
	f->hdr = ring;
	f->data = ring + SMTJ_DATA_OFFSET;
	f->ring_samples = nr_samples;
	f->head = 0;
	f->seen = 0;
	f->seq = 0;
	/* producer and lost count from the new ring's start together */
	f->sink.lost = 0;
	smtj_file_set_watermark(f, nr_samples, watermark);
	spin_unlock_irqrestore(&sdev->lock, flags);
	vfree(old);
	if (new_size < old_size)
		smtj_ring_uncharge(sdev, old_size - new_size);
	return 0;
}

/*
 * The watermark alone changes at once, mapped or not: the ring stays.  A
 * new ring size needs the ring unmapped (-EBUSY).
 */
static long smtj_ioc_set_consumer(struct smtj_file *f, void __user *argp)
{
	struct smtj_device *sdev = f->sdev;
	struct smtj_consumer c;
	unsigned long flags;
	bool done = false;
	int ret;

	ret = smtj_arg_in(&c, sizeof(c), argp, SMTJ_CONSUMER_SIZE_V1);
	if (ret)
		return ret;
	if (c.flags || c.reserved[0] || c.reserved[1] ||
	    !smtj_ring_samples_valid(c.ring_samples) ||
	    c.watermark < 1 || c.watermark > c.ring_samples)
		return -EINVAL;
	spin_lock_irqsave(&sdev->lock, flags);
	if (sdev->dead)
		ret = -ENODEV;
	else
		done = smtj_file_set_watermark(f, c.ring_samples, c.watermark);
	spin_unlock_irqrestore(&sdev->lock, flags);
	if (ret || done)
		return ret;

	ret = smtj_file_begin(f, false);
	if (ret)
		return ret;
	if (READ_ONCE(sdev->dead))
		ret = -ENODEV;
	else
		ret = smtj_file_resize(f, c.ring_samples, c.watermark);
	smtj_file_end(f);
	return ret;
}

/* Match on type and number only: the size lives in the structure. */
#define SMTJ_IOC_BASE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long smtj_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct smtj_file *f = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (SMTJ_IOC_BASE(cmd)) {
	case SMTJ_IOC_BASE(SMTJ_IOC_GET_INFO):
		return smtj_ioc_get_info(f, argp);
	case SMTJ_IOC_BASE(SMTJ_IOC_GET_SIM):
		return smtj_ioc_get_sim(f, argp);
	case SMTJ_IOC_BASE(SMTJ_IOC_SET_SIM):
		return smtj_ioc_set_sim(f, argp);
	case SMTJ_IOC_BASE(SMTJ_IOC_GET_CONSUMER):
		return smtj_ioc_get_consumer(f, argp);
	case SMTJ_IOC_BASE(SMTJ_IOC_SET_CONSUMER):
		return smtj_ioc_set_consumer(f, argp);
	default:
		return -ENOTTY;
	}
}

const struct file_operations smtj_fops = {
	.owner = THIS_MODULE,
	.open = smtj_open,
	.release = smtj_release,
	.read_iter = smtj_read_iter,
	.poll = smtj_poll,
	.mmap = smtj_mmap,
	.unlocked_ioctl = smtj_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
