/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * smtj: stochastic magnetic tunnel junction noise devices.
 *
 * The only contract between smtj.ko and userspace.  Documented in
 * Documentation/userspace-api/smtj.rst; the sysfs attributes in
 * Documentation/ABI/testing/sysfs-class-smtj.
 *
 * ABI version 1 (SMTJ_ABI_VERSION) is frozen: the ioctl numbers, the
 * layouts below, the flag values and the ring protocol do not change.  A
 * later version only appends fields to the ioctl structures, defines
 * reserved bits or fields, or adds ioctls; a program built against version
 * 1 keeps working unchanged.
 *
 * Every ioctl argument starts with a __u32 size that the caller sets to
 * sizeof() of the structure it was compiled against (at least the version-1
 * size; at most 4096, else -E2BIG):
 *  - input (SET_*): a smaller structure reads as if its missing tail were
 *    zero; a larger one is accepted if every byte beyond the kernel's
 *    structure is zero, else -E2BIG (copy_struct_from_user() semantics);
 *  - output (GET_*): the kernel writes min(size, its own size) bytes and
 *    sets size to that number; bytes beyond it are not touched.
 * Reserved fields, flags and padding must be zero on input.
 *
 * Every structure has the same layout on 32- and 64-bit ABIs (all __u64
 * fields are 8-byte aligned): a 32-bit process uses the same ioctls.
 */
#ifndef _UAPI_LINUX_SMTJ_H
#define _UAPI_LINUX_SMTJ_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SMTJ_ABI_VERSION	1

/* Backends (struct smtj_info.backend, sysfs "backend"). */
#define SMTJ_BACKEND_SIM	1	/* simulated junction array */
#define SMTJ_BACKEND_IIO	2	/* an ADC read through IIO */

/* Simulator limits. */
#define SMTJ_SIM_MAX_JUNCTIONS	8
#define SMTJ_SIM_MAX_LEVELS	256	/* 2^SMTJ_SIM_MAX_JUNCTIONS */
#define SMTJ_SIM_PROB_ONE	1000000000U	/* probabilities are in 1e-9 */
#define SMTJ_SIM_RATE_MIN	1U		/* samples per second */
#define SMTJ_SIM_RATE_MAX	10000000U
#define SMTJ_SIM_SIGMA_MAX	4096000U	/* 4096 codes, in 1/1000 code */

/*
 * struct smtj_sim_config.flags; struct smtj_info.flags reports the same
 * modes with the same bit values (SMTJ_INFO_F_PATTERN == SMTJ_SIM_F_PATTERN).
 */
#define SMTJ_SIM_F_PATTERN	0x1U	/* sample k is (k & 0xffff) */
#define SMTJ_SIM_F_UNTHROTTLED	0x2U	/* produce as fast as consumed */
#define SMTJ_SIM_F_ALL		(SMTJ_SIM_F_PATTERN | SMTJ_SIM_F_UNTHROTTLED)

/*
 * Samples are stored in read() buffers and ring data pages as __u16 in host
 * byte order (sample_storage_bits = 16); the low sample_bits bits are valid.
 * volts = (sample + offset) * scale_fv * 1e-15.
 */
struct smtj_info {
	__u32 size;		/* in: sizeof(struct smtj_info) */
	__u32 abi_version;	/* out: SMTJ_ABI_VERSION */
	__u32 backend;		/* SMTJ_BACKEND_* */
	__u32 flags;		/* SMTJ_INFO_F_* */
	__u32 sample_bits;	/* valid bits per sample */
	__u32 sample_storage_bits;	/* 16 */
	__u32 sample_signed;	/* 1 if samples are two's complement */
	__s32 offset;		/* added to a sample before scaling */
	__u64 scale_fv;		/* volts per LSB, in femtovolts (1e-15 V) */
	__u32 rate_hz;		/* configured sample rate */
	__u32 ring_samples;	/* this file's ring capacity (power of two) */
	__u32 ring_data_offset;	/* mmap offset of the data pages */
	__u32 ring_data_size;	/* bytes of the data mapping */
	__u64 produced;		/* samples the device produced since probe */
	__u64 delivered;	/* samples this file has been given */
	__u64 lost;		/* samples lost since the ring started */
	__u64 consumed;		/* the ring's consumer index */
	__u64 reserved[3];
};

/*
 * A file's ring starts empty, at producer = consumer = lost = 0, when the
 * file is opened, when SET_CONSUMER gives it a new ring and when SET_SIM
 * restarts the stream.  From then on producer + lost counts every sample
 * offered to this file.  While nothing has been consumed (consumed == 0),
 * every loss counted lies in the data not yet read: a consumer that starts
 * there takes 0 as its loss baseline, not lost, and so reports a gap that
 * opened before it started.  On a ring already read from, the current
 * lost is the baseline (which losses lie ahead is not recorded).
 */

#define SMTJ_INFO_F_PATTERN	SMTJ_SIM_F_PATTERN	/* 0x1 */
#define SMTJ_INFO_F_UNTHROTTLED	SMTJ_SIM_F_UNTHROTTLED	/* 0x2 */
#define SMTJ_INFO_F_MAPPED	0x4U	/* this file's ring is mapped */

/*
 * Simulated junction array (SMTJ_BACKEND_SIM only; -ENODEV otherwise).
 * Junction j has two states; p_leave[j][s] is the probability per sample of
 * leaving state s, in units of 1e-9 (0 .. SMTJ_SIM_PROB_ONE).  The array's
 * state is the bit vector of junction states (bit j = junction j), and
 * level[state] is the ADC code observed for it before noise.  Entries of
 * p_leave and level beyond nr_junctions / 2^nr_junctions must be zero.
 */
struct smtj_sim_config {
	__u32 size;		/* in: sizeof(struct smtj_sim_config) */
	__u32 flags;		/* SMTJ_SIM_F_* */
	__u64 seed;		/* setting the config restarts the stream */
	__u32 rate_hz;		/* SMTJ_SIM_RATE_MIN .. SMTJ_SIM_RATE_MAX */
	__u32 nr_junctions;	/* 1 .. SMTJ_SIM_MAX_JUNCTIONS */
	__u32 adc_bits;		/* 8 .. 16 */
	__u32 noise_sigma;	/* Gaussian noise std, 1/1000 ADC code */
	__u32 p_leave[SMTJ_SIM_MAX_JUNCTIONS][2];
	__u16 level[SMTJ_SIM_MAX_LEVELS];	/* < 2^adc_bits */
	__u64 scale_fv;		/* volts per LSB reported by smtj_info */
	__u64 reserved[4];
};

/*
 * Per-file consumer settings.  ring_samples may only change while the ring
 * is not mapped (-EBUSY otherwise); watermark alone may change at any time.
 * A new ring is charged to the caller's memory cgroup (-ENOMEM beyond its
 * limit) and to the device's ring budget (module parameter ring_budget_kib,
 * -ENOSPC beyond it); both also apply to the default ring of open().
 * GET_CONSUMER returns ring_samples and watermark as one SET_CONSUMER left
 * them.
 */
struct smtj_consumer {
	__u32 size;		/* in: sizeof(struct smtj_consumer) */
	__u32 flags;		/* none defined; must be 0 */
	__u32 ring_samples;	/* power of two, SMTJ_RING_MIN .. SMTJ_RING_MAX */
	__u32 watermark;	/* poll() reports EPOLLIN at >= this many */
	__u64 reserved[2];
};

#define SMTJ_RING_MIN		1024U
#define SMTJ_RING_MAX		0x1000000U	/* 2^24 */

#define SMTJ_IOC_MAGIC		0xB9
#define SMTJ_IOC_GET_INFO	_IOWR(SMTJ_IOC_MAGIC, 0x00, struct smtj_info)
#define SMTJ_IOC_GET_SIM	_IOWR(SMTJ_IOC_MAGIC, 0x01, struct smtj_sim_config)
#define SMTJ_IOC_SET_SIM	_IOW(SMTJ_IOC_MAGIC, 0x02, struct smtj_sim_config)
#define SMTJ_IOC_GET_CONSUMER	_IOWR(SMTJ_IOC_MAGIC, 0x03, struct smtj_consumer)
#define SMTJ_IOC_SET_CONSUMER	_IOW(SMTJ_IOC_MAGIC, 0x04, struct smtj_consumer)

/*
 * The mmap ring, in two mappings (as io_uring maps its rings):
 *  - offset 0, one page, PROT_READ | PROT_WRITE: struct smtj_ring_header
 *    (the consumer index is userspace's to write);
 *  - offset ring_data_offset, ring_samples * 2 bytes rounded up to pages,
 *    PROT_READ only: the samples.  A writable mapping of the data pages
 *    fails with -EACCES, any other offset or length with -EINVAL.
 *
 * One writer per index: userspace reads producer with smp_load_acquire
 * (the samples before it are then visible), reads the samples, then
 * publishes consumption with smp_store_release(&consumer).  Indices are
 * free-running sample counts; sample i is at data[i & (nr_samples - 1)].
 * The kernel never trusts consumer: it uses min(producer, max(consumer, its
 * last view)).
 *
 * producer, lost, newest_index and newest_time_ns together are one
 * snapshot, guarded by seq (a sequence count): the kernel makes seq odd,
 * updates them, then makes seq even again.  To read them consistently:
 *
 *	do {
 *		s = smp_load_acquire(&hdr->seq);   (retry while s is odd)
 *		copy producer, lost, newest_index, newest_time_ns;
 *		smp_rmb();
 *	} while (s & 1 || READ_ONCE(hdr->seq) != s);
 *
 * Then newest_index is the device index of sample producer - 1 and lost
 * counts the samples this file lost since the ring started (see struct
 * smtj_info) up to that moment; lost drops to 0 with producer when the
 * ring restarts.  A reader that needs
 * producer alone may keep loading it with acquire.
 */
#define SMTJ_RING_MAGIC		0x6a746d73	/* "smtj" little-endian */
#define SMTJ_RING_VERSION	1

struct smtj_ring_header {
	__u32 magic;
	__u32 version;
	__u32 nr_samples;	/* power of two */
	__u32 sample_size;	/* bytes: 2 */
	__u32 data_offset;	/* mmap offset of the data: ring_data_offset */
	__u32 header_size;	/* sizeof(struct smtj_ring_header) */
	__u64 pad0[5];
	/* written by the kernel; its own cache line */
	__u64 producer;
	__u64 lost;		/* samples dropped since the ring started */
	__u64 newest_index;	/* device sample index of sample producer-1 */
	__u64 newest_time_ns;	/* CLOCK_MONOTONIC time of that sample */
	__u32 seq;		/* odd while the four above change */
	__u32 pad1;
	__u64 pad2[3];
	/* written by userspace; its own cache line */
	__u64 consumer;
	__u64 pad3[7];
};

#endif /* _UAPI_LINUX_SMTJ_H */
