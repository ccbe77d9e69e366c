// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The smtj module: its types and submodule registered, library errors
 * turned into Python exceptions, the checks before a call on an object,
 * buffers of a given item type.
 */
#include <errno.h>
#include <string.h>
#include "smtjmodule.h"

PyObject *smtjpy_raise(int code, const struct smtj_err *err)
{
	const char *msg = err && err->msg[0] ? err->msg : strerror(-code);
	/* the message may quote a caller's bytes that are not UTF-8 */
	PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg),
					      "backslashreplace"), *args;

	if (!text)
		return NULL;
	if (code == -EINVAL || code == -ENOMEM) {
		PyErr_SetObject(code == -EINVAL ? PyExc_ValueError :
			       PyExc_MemoryError, text);
		Py_DECREF(text);
		return NULL;
	}
	/* OSError(errno, msg) picks the subclass (BlockingIOError, ...) */
	args = Py_BuildValue("(iN)", -code, text);
	if (args) {
		PyErr_SetObject(PyExc_OSError, args);
		Py_DECREF(args);
	}
	return NULL;
}

int smtjpy_check_idle(const char *what, int busy)
{
	if (busy) {
		PyErr_Format(PyExc_RuntimeError,
			     "smtj %s: in use by another thread", what);
		return -1;
	}
	return 0;
}

int smtjpy_check_usable(const char *what, int open, int busy)
{
	if (!open) {
		PyErr_Format(PyExc_ValueError, "smtj %s: closed", what);
		return -1;
	}
	return smtjpy_check_idle(what, busy);
}

PyObject *smtjpy_numpy(void)
{
	return PyImport_ImportModule("numpy");
}

PyObject *smtjpy_empty(PyObject *shape, const char *dtype)
{
	PyObject *np = smtjpy_numpy(), *a;

	if (!np)
		return NULL;
	a = PyObject_CallMethod(np, "empty", "Os", shape, dtype);
	Py_DECREF(np);
	return a;
}

/* "f", "=f", "<f" (little-endian hosts) and "@f" all name a native item. */
static int format_is(const char *have, const char *want)
{
	if (!have)
		have = "B";
	if (*have == '@' || *have == '=')
		have++;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	else if (*have == '<')
		have++;
#endif
	return !strcmp(have, want);
}

static const char *dtype_of(const char *fmt)
{
	switch (*fmt) {
	case 'f':
		return "float32";
	case 'H':
		return "uint16";
	default:
		return "uint8";
	}
}

int smtjpy_buffer_get(struct smtjpy_buffer *b, PyObject *obj, const char *fmt,
		      int writable)
{
	int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT |
		    (writable ? PyBUF_WRITABLE : 0);
	PyObject *np, *conv;

	b->owner = NULL;
	if (PyObject_GetBuffer(obj, &b->view, flags) == 0) {
		if (format_is(b->view.format, fmt))
			return 0;
		PyBuffer_Release(&b->view);
		if (writable) {
			PyErr_Format(PyExc_TypeError,
				     "expected a writable C-contiguous buffer of %s",
				     dtype_of(fmt));
			return -1;
		}
	} else if (writable) {
		return -1;
	}
	PyErr_Clear();
	np = smtjpy_numpy();
	if (!np)
		return -1;
	conv = PyObject_CallMethod(np, "ascontiguousarray", "Os", obj,
				   dtype_of(fmt));
	Py_DECREF(np);
	if (!conv)
		return -1;
	if (PyObject_GetBuffer(conv, &b->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT)) {
		Py_DECREF(conv);
		return -1;
	}
	b->owner = conv;
	return 0;
}

void smtjpy_buffer_release(struct smtjpy_buffer *b)
{
	PyBuffer_Release(&b->view);
	Py_CLEAR(b->owner);
}

static PyObject *smtjpy_version(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return PyUnicode_FromString(smtj_version());
}

static PyMethodDef smtj_methods[] = {
	{ "library_version", smtjpy_version, METH_NOARGS,
	  "library_version() -> str\n\n"
	  "The \"MAJOR.MINOR\" version of the libsmtj this module runs on." },
	{ NULL, NULL, 0, NULL }
};

static struct PyModuleDef smtj_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "smtj",
	.m_doc = "Samples of stochastic magnetic tunnel junctions (/dev/smtjN) and\n"
		 "the noise sources and statistics of libsmtj.\n\n"
		 "Device     a /dev/smtjN device: read(n), iteration by batches\n"
		 "Batch      samples borrowed from the device (zero copy with mmap)\n"
		 "Noise      a libsmtj noise source from a spec, fill() and sample()\n"
		 "stats      histogram, levels, dwell times, autocorrelation and the\n"
		 "           SP 800-90B min-entropy estimates\n",
	.m_size = -1,
	.m_methods = smtj_methods,
};

PyMODINIT_FUNC PyInit_smtj(void);

PyMODINIT_FUNC PyInit_smtj(void)
{
	PyTypeObject *types[] = { &SmtjDevice_Type, &SmtjBatch_Type,
				  &SmtjNoise_Type };
	PyObject *m, *stats;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (PyType_Ready(types[i]) < 0)
			return NULL;
	m = PyModule_Create(&smtj_module);
	if (!m)
		return NULL;
	if (PyModule_AddObjectRef(m, "Device", (PyObject *)&SmtjDevice_Type) ||
	    PyModule_AddObjectRef(m, "Batch", (PyObject *)&SmtjBatch_Type) ||
	    PyModule_AddObjectRef(m, "Noise", (PyObject *)&SmtjNoise_Type) ||
	    PyModule_AddStringConstant(m, "__version__", smtj_version()))
		goto fail;
	stats = smtjpy_stats_module();
	if (!stats)
		goto fail;
	/* "import smtj.stats" and "from smtj.stats import acf" work too */
	if (PyDict_SetItemString(PyImport_GetModuleDict(), "smtj.stats", stats) ||
	    PyModule_AddObject(m, "stats", stats)) {
		Py_DECREF(stats);
		goto fail;
	}
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
