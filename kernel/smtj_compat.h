/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smtj: the differences between the kernels smtj.ko builds for (6.1 .. 6.12).
 * Every version test of the module lives in this file.
 */
#ifndef SMTJ_COMPAT_H
#define SMTJ_COMPAT_H

#include <linux/device.h>
#include <linux/mm.h>
#include <linux/version.h>

/* 6.4 dropped the owner argument of class_create(). */
#if KERNEL_VERSION(6, 4, 0) > LINUX_VERSION_CODE
#define smtj_class_create(name)	class_create(THIS_MODULE, name)
#else
#define smtj_class_create(name)	class_create(name)
#endif

/* 6.3 made vm_flags read-only outside the vm_flags_*() helpers. */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void smtj_vm_flags_clear(struct vm_area_struct *vma,
				       unsigned long flags)
{
	vma->vm_flags &= ~flags;
}

static inline void smtj_vm_flags_set(struct vm_area_struct *vma,
				     unsigned long flags)
{
	vma->vm_flags |= flags;
}
#else
static inline void smtj_vm_flags_clear(struct vm_area_struct *vma,
				       unsigned long flags)
{
	vm_flags_clear(vma, flags);
}

static inline void smtj_vm_flags_set(struct vm_area_struct *vma,
				     unsigned long flags)
{
	vm_flags_set(vma, flags);
}
#endif

#endif /* SMTJ_COMPAT_H */
