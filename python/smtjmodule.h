/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The smtj Python module (private): one C file per concern, the types and
 * helpers they share.  Documentation/userspace-api/python.rst describes the
 * module as Python users see it.
 */
#ifndef SMTJMODULE_H
#define SMTJMODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <libsmtj.h>

/* Methods with keywords, cast the way CPython's own modules do. */
#define SMTJPY_KW(fn) ((PyCFunction)(void (*)(void))(fn))

extern PyTypeObject SmtjDevice_Type;
extern PyTypeObject SmtjBatch_Type;
extern PyTypeObject SmtjNoise_Type;

/* The library's error as a Python exception: -EINVAL is ValueError,
 * -ENOMEM MemoryError, every other code OSError(errno, message) (so
 * -ENODEV is an OSError with errno ENODEV).  Returns NULL. */
PyObject *smtjpy_raise(int code, const struct smtj_err *err);

/*
 * Before a call on a Device or Noise (@what: "device", "noise"): 0, or -1
 * with RuntimeError while another thread runs a call without the GIL
 * (@busy), or ValueError once the object is closed (!@open).
 */
int smtjpy_check_idle(const char *what, int busy);
int smtjpy_check_usable(const char *what, int open, int busy);

/* numpy, imported when first needed (a new reference, or NULL). */
PyObject *smtjpy_numpy(void);
/* numpy.empty(shape, dtype) (a new reference, or NULL). */
PyObject *smtjpy_empty(PyObject *shape, const char *dtype);

/*
 * A C-contiguous buffer of @obj with items of struct format @fmt ("f",
 * "B", "H"): the object's own memory when it already is one, else a
 * converted copy (numpy.ascontiguousarray).  @writable: the object's own
 * memory only, never a copy.  Release with smtjpy_buffer_release.
 */
struct smtjpy_buffer {
	Py_buffer view;
	PyObject *owner;	/* the converted copy, or NULL */
};
int smtjpy_buffer_get(struct smtjpy_buffer *b, PyObject *obj, const char *fmt,
		      int writable);
void smtjpy_buffer_release(struct smtjpy_buffer *b);

/* The smtj.stats submodule. */
PyObject *smtjpy_stats_module(void);

#endif /* SMTJMODULE_H */
