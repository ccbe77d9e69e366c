// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj.Device and smtj.Batch: a device's stream, its samples copied
 * (read) or borrowed (iteration).  A borrowed batch is the stream's own
 * memory (the ring's pages with the mmap transport): it is exported
 * read-only, and it is given back to the library only when no view of it
 * is alive, so no view ever shows samples of a later batch.
 */
#include <errno.h>
#include <stdio.h>
#include "smtjmodule.h"

typedef struct {
	PyObject_HEAD
	struct smtj_dev *dev;
	struct smtj_stream *stream;
	struct smtj_batch cur;	/* borrowed from the stream */
	PyObject *batch;	/* the Batch lending cur (not a reference) */
	int busy;		/* a call runs without the GIL */
	unsigned long long lost;
} DeviceObject;

typedef struct {
	PyObject_HEAD
	DeviceObject *dev;	/* a reference: the stream outlives us */
	const uint16_t *data;
	Py_ssize_t n;
	unsigned long long lost;
	Py_ssize_t exports;	/* views alive over data */
	int released;
} BatchObject;

/* ---- Batch ------------------------------------------------------------ */

/* Give the samples back (next batch, explicit release, close).  Refused
 * while views are alive: they would show the next batch's samples. */
static int batch_release(BatchObject *b)
{
	DeviceObject *d = b->dev;

	if (b->released)
		return 0;
	if (b->exports) {
		PyErr_Format(PyExc_BufferError,
			     "smtj batch: %zd view(s) of its samples still alive "
			     "(memoryview or NumPy array); delete them, or copy "
			     "what you keep, before the next batch", b->exports);
		return -1;
	}
	smtj_stream_release(d->stream, &d->cur);
	d->batch = NULL;
	b->released = 1;
	b->data = NULL;
	b->n = 0;
	return 0;
}

static void batch_dealloc(BatchObject *b)
{
	/* no view can be alive: each holds a reference to us */
	if (!b->released)
		batch_release(b);
	Py_XDECREF(b->dev);
	Py_TYPE(b)->tp_free((PyObject *)b);
}

static int batch_getbuffer(BatchObject *b, Py_buffer *view, int flags)
{
	if (b->released) {
		PyErr_SetString(PyExc_ValueError,
				"smtj batch released: its samples belong to the device again");
		view->obj = NULL;
		return -1;
	}
	if (PyBuffer_FillInfo(view, (PyObject *)b, (void *)b->data,
			      b->n * (Py_ssize_t)sizeof(uint16_t), 1, flags))
		return -1;
	if (flags & PyBUF_FORMAT)
		view->format = "H";
	view->itemsize = sizeof(uint16_t);
	view->ndim = 1;
	if (flags & PyBUF_ND) {
		view->shape = &b->n;
		if (flags & PyBUF_STRIDES)
			view->strides = &view->itemsize;
	}
	b->exports++;
	return 0;
}

static void batch_releasebuffer(BatchObject *b, Py_buffer *view)
{
	(void)view;
	b->exports--;
}

static PyBufferProcs batch_as_buffer = {
	.bf_getbuffer = (getbufferproc)batch_getbuffer,
	.bf_releasebuffer = (releasebufferproc)batch_releasebuffer,
};

static Py_ssize_t batch_len(BatchObject *b)
{
	return b->n;
}

static PySequenceMethods batch_as_sequence = {
	.sq_length = (lenfunc)batch_len,
};

static PyObject *batch_release_m(BatchObject *b, PyObject *unused)
{
	(void)unused;
	if (batch_release(b))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *batch_array(BatchObject *b, PyObject *unused)
{
	PyObject *np, *a;

	(void)unused;
	np = smtjpy_numpy();
	if (!np)
		return NULL;
	a = PyObject_CallMethod(np, "frombuffer", "Os", (PyObject *)b, "uint16");
	Py_DECREF(np);
	return a;
}

static PyObject *batch_copy(BatchObject *b, PyObject *unused)
{
	PyObject *view = batch_array(b, unused), *c;

	if (!view)
		return NULL;
	c = PyObject_CallMethod(view, "copy", NULL);
	Py_DECREF(view);
	return c;
}

static PyObject *batch_enter(PyObject *b, PyObject *unused)
{
	(void)unused;
	return Py_NewRef(b);
}

static PyObject *batch_exit(BatchObject *b, PyObject *args)
{
	(void)args;
	if (batch_release(b))
		return NULL;
	Py_RETURN_FALSE;
}

static PyObject *batch_get_lost(BatchObject *b, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(b->lost);
}

static PyObject *batch_get_released(BatchObject *b, void *closure)
{
	(void)closure;
	return PyBool_FromLong(b->released);
}

static PyMethodDef batch_methods[] = {
	{ "release", (PyCFunction)batch_release_m, METH_NOARGS,
	  "release()\n\nGive the samples back to the device now.  BufferError while\n"
	  "a memoryview or NumPy array of them is alive." },
	{ "array", (PyCFunction)batch_array, METH_NOARGS,
	  "array() -> numpy.ndarray\n\nA read-only uint16 array over the batch's own "
	  "memory (no copy).\nIt must be deleted before the batch is released." },
	{ "copy", (PyCFunction)batch_copy, METH_NOARGS,
	  "copy() -> numpy.ndarray\n\nThe samples copied into a new uint16 array, "
	  "valid for ever." },
	{ "__enter__", batch_enter, METH_NOARGS,
	  "__enter__() -> Batch\n\nThe batch itself." },
	{ "__exit__", (PyCFunction)batch_exit, METH_VARARGS,
	  "__exit__(*exc) -> False\n\nRelease the batch." },
	{ NULL, NULL, 0, NULL }
};

static PyGetSetDef batch_getset[] = {
	{ "lost", (getter)batch_get_lost, NULL,
	  "Samples the device lost (this file's ring was full) since the previous batch.",
	  NULL },
	{ "released", (getter)batch_get_released, NULL,
	  "True once the samples were given back; the batch is unusable then.",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

PyTypeObject SmtjBatch_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "smtj.Batch",
	.tp_basicsize = sizeof(BatchObject),
	.tp_dealloc = (destructor)batch_dealloc,
	.tp_as_sequence = &batch_as_sequence,
	.tp_as_buffer = &batch_as_buffer,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Samples borrowed from a Device (uint16 codes), made by iterating\n"
		  "over the device or by Device.next_batch().\n\n"
		  "The batch supports the buffer protocol (read-only, format 'H'):\n"
		  "memoryview(batch) and numpy.asarray(batch) see the samples where\n"
		  "the device left them (the ring's own pages with the mmap transport).\n"
		  "It is valid until released: by release(), the end of a with block,\n"
		  "or the next batch or read() of its device.  Releasing a batch while\n"
		  "a view of it is alive raises BufferError, so a view never shows\n"
		  "samples of a later batch; a released batch refuses new views.",
	.tp_methods = batch_methods,
	.tp_getset = batch_getset,
};

/* ---- Device ----------------------------------------------------------- */

static int device_check(DeviceObject *d)
{
	return smtjpy_check_usable("device", d->stream != NULL, d->busy);
}

/* The batch lent out, if any, given back (before the stream moves on). */
static int device_release_batch(DeviceObject *d)
{
	return d->batch ? batch_release((BatchObject *)d->batch) : 0;
}

static int device_init(DeviceObject *d, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "path_or_index", "transport", "batch", "depth",
				  "nonblock", "fd", NULL };
	PyObject *where = Py_None, *path = NULL;
	const char *transport = "auto";
	Py_ssize_t batch = 65536;
	unsigned int depth = 4;
	int nonblock = 0, fd = -1, ret;
	struct smtj_stream_opts opts = { 0 };
	struct smtj_err err = { 0 };
	char name[64];

	if (d->dev) {
		PyErr_SetString(PyExc_RuntimeError, "smtj device: already open");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|OsnIpi:Device", kwlist, &where,
					 &transport, &batch, &depth, &nonblock, &fd))
		return -1;
	if (smtj_transport_parse(transport, &opts.transport)) {
		PyErr_Format(PyExc_ValueError,
			     "smtj device: transport '%s' (auto, mmap, uring or read)",
			     transport);
		return -1;
	}
	if (batch <= 0) {
		PyErr_SetString(PyExc_ValueError, "smtj device: batch must be positive");
		return -1;
	}
	opts.batch = (size_t)batch;
	opts.depth = depth;
	if (fd >= 0) {
		if (where != Py_None) {
			PyErr_SetString(PyExc_TypeError,
					"smtj device: a path or index, or fd, not both");
			return -1;
		}
		snprintf(name, sizeof(name), "fd %d", fd);
		ret = smtj_dev_from_fd(&d->dev, fd, 0, name, &err);
	} else {
		if (where == Py_None) {
			where = PyLong_FromLong(0);
		} else if (PyLong_Check(where)) {
			long idx = PyLong_AsLong(where);

			if (idx < 0) {
				if (!PyErr_Occurred())
					PyErr_SetString(PyExc_ValueError,
							"smtj device: negative index");
				return -1;
			}
			where = PyObject_Str(where);
		} else {
			Py_INCREF(where);
		}
		if (!where)
			return -1;
		ret = PyUnicode_FSConverter(where, &path);
		Py_DECREF(where);
		if (!ret)
			return -1;
		Py_BEGIN_ALLOW_THREADS
		ret = smtj_dev_open(&d->dev, PyBytes_AS_STRING(path), nonblock, &err);
		Py_END_ALLOW_THREADS
		Py_DECREF(path);
	}
	if (ret) {
		smtjpy_raise(ret, &err);
		return -1;
	}
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_stream_open(&d->stream, d->dev, &opts, &err);
	Py_END_ALLOW_THREADS
	if (ret) {
		smtj_dev_close(d->dev);
		d->dev = NULL;
		smtjpy_raise(ret, &err);
		return -1;
	}
	return 0;
}

static int device_close(DeviceObject *d)
{
	if (smtjpy_check_idle("device", d->busy) || device_release_batch(d))
		return -1;
	smtj_stream_close(d->stream);
	d->stream = NULL;
	smtj_dev_close(d->dev);
	d->dev = NULL;
	return 0;
}

static void device_dealloc(DeviceObject *d)
{
	/* no batch is alive: each holds a reference to us */
	smtj_stream_close(d->stream);
	smtj_dev_close(d->dev);
	Py_TYPE(d)->tp_free((PyObject *)d);
}

static PyObject *device_next_batch(DeviceObject *d, PyObject *unused)
{
	struct smtj_err err = { 0 };
	BatchObject *b;
	int ret;

	(void)unused;
	if (device_check(d) || device_release_batch(d))
		return NULL;
	b = PyObject_New(BatchObject, &SmtjBatch_Type);
	if (!b)
		return NULL;
	b->dev = NULL;
	b->released = 1;
	d->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_stream_next(d->stream, &d->cur, &err);
	Py_END_ALLOW_THREADS
	d->busy = 0;
	if (ret) {
		Py_DECREF(b);
		return smtjpy_raise(ret, &err);
	}
	b->dev = (DeviceObject *)Py_NewRef(d);
	b->data = d->cur.data;
	b->n = (Py_ssize_t)d->cur.n;
	b->lost = d->cur.lost;
	b->exports = 0;
	b->released = 0;
	d->lost += d->cur.lost;
	d->batch = (PyObject *)b;
	return (PyObject *)b;
}

static PyObject *device_read(DeviceObject *d, PyObject *args)
{
	struct smtj_err err = { 0 };
	struct smtjpy_buffer out;
	PyObject *a, *shape;
	Py_ssize_t n;
	uint64_t lost = 0;
	int ret;

	if (!PyArg_ParseTuple(args, "n:read", &n))
		return NULL;
	if (n < 0) {
		PyErr_SetString(PyExc_ValueError, "smtj device: negative count");
		return NULL;
	}
	if (device_check(d) || device_release_batch(d))
		return NULL;
	shape = PyLong_FromSsize_t(n);
	a = shape ? smtjpy_empty(shape, "uint16") : NULL;
	Py_XDECREF(shape);
	if (!a)
		return NULL;
	if (smtjpy_buffer_get(&out, a, "H", 1)) {
		Py_DECREF(a);
		return NULL;
	}
	d->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_stream_read(d->stream, out.view.buf, (size_t)n, &lost, &err);
	Py_END_ALLOW_THREADS
	d->busy = 0;
	smtjpy_buffer_release(&out);
	d->lost += lost;
	if (ret) {
		Py_DECREF(a);
		return smtjpy_raise(ret, &err);
	}
	return a;
}

static PyObject *device_iter(PyObject *d)
{
	return Py_NewRef(d);
}

static PyObject *device_iternext(DeviceObject *d)
{
	return device_next_batch(d, NULL);
}

static PyObject *device_enter(PyObject *d, PyObject *unused)
{
	(void)unused;
	return Py_NewRef(d);
}

static PyObject *device_close_m(DeviceObject *d, PyObject *unused)
{
	(void)unused;
	if (d->stream && device_close(d))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *device_exit(DeviceObject *d, PyObject *args)
{
	return device_close_m(d, args);
}

static PyObject *device_fileno(DeviceObject *d, PyObject *unused)
{
	(void)unused;
	if (!d->dev) {
		PyErr_SetString(PyExc_ValueError, "smtj device: closed");
		return NULL;
	}
	return PyLong_FromLong(smtj_dev_fd(d->dev));
}

#define INFO_U(field) { #field, offsetof(struct smtj_info, field), \
			sizeof(((struct smtj_info *)0)->field) }

static PyObject *device_get_info(DeviceObject *d, void *closure)
{
	static const struct {
		const char *name;
		size_t off, size;
	} fields[] = {
		INFO_U(abi_version), INFO_U(backend), INFO_U(flags),
		INFO_U(sample_bits), INFO_U(sample_storage_bits),
		INFO_U(sample_signed), INFO_U(scale_fv), INFO_U(rate_hz),
		INFO_U(ring_samples), INFO_U(ring_data_offset),
		INFO_U(ring_data_size), INFO_U(produced), INFO_U(delivered),
		INFO_U(lost),
	};
	struct smtj_err err = { 0 };
	struct smtj_info info;
	PyObject *dict, *v;
	int ret;

	(void)closure;
	if (!d->dev) {
		PyErr_SetString(PyExc_ValueError, "smtj device: closed");
		return NULL;
	}
	ret = smtj_dev_info(d->dev, &info, &err);
	if (ret)
		return smtjpy_raise(ret, &err);
	dict = PyDict_New();
	if (!dict)
		return NULL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *p = (const char *)&info + fields[i].off;
		unsigned long long x;

		if (fields[i].size == sizeof(uint64_t))
			x = *(const uint64_t *)p;
		else
			x = *(const uint32_t *)p;
		v = PyLong_FromUnsignedLongLong(x);
		if (!v || PyDict_SetItemString(dict, fields[i].name, v))
			goto fail;
		Py_DECREF(v);
	}
	v = Py_BuildValue("{sisd}", "offset", (int)info.offset, "volts_per_code",
			  (double)info.scale_fv * 1e-15);
	if (!v || PyDict_Update(dict, v))
		goto fail;
	Py_DECREF(v);
	return dict;
fail:
	Py_XDECREF(v);
	Py_DECREF(dict);
	return NULL;
}

static PyObject *device_get_transport(DeviceObject *d, void *closure)
{
	(void)closure;
	if (!d->stream)
		Py_RETURN_NONE;
	return PyUnicode_FromString(smtj_transport_name(smtj_stream_transport(d->stream)));
}

static PyObject *device_get_note(DeviceObject *d, void *closure)
{
	(void)closure;
	return PyUnicode_FromString(d->stream ? smtj_stream_note(d->stream) : "");
}

static PyObject *device_get_name(DeviceObject *d, void *closure)
{
	(void)closure;
	if (!d->dev)
		Py_RETURN_NONE;
	return PyUnicode_DecodeFSDefault(smtj_dev_name(d->dev));
}

static PyObject *device_get_lost(DeviceObject *d, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(d->lost);
}

static PyObject *device_get_closed(DeviceObject *d, void *closure)
{
	(void)closure;
	return PyBool_FromLong(!d->stream);
}

static PyMethodDef device_methods[] = {
	{ "read", (PyCFunction)device_read, METH_VARARGS,
	  "read(n) -> numpy.ndarray\n\nExactly n samples (uint16 codes), copied; "
	  "waits for them without\nholding the GIL.  Releases a borrowed batch first." },
	{ "next_batch", (PyCFunction)device_next_batch, METH_NOARGS,
	  "next_batch() -> Batch\n\nThe next samples as they arrive, borrowed (see Batch); "
	  "the previous\nbatch is released first.  Waits without holding the GIL; "
	  "a nonblocking\ndevice with nothing to read raises BlockingIOError." },
	{ "close", (PyCFunction)device_close_m, METH_NOARGS,
	  "close()\n\nRelease the batch, stop the stream and close the device." },
	{ "fileno", (PyCFunction)device_fileno, METH_NOARGS,
	  "fileno() -> int\n\nThe device's file descriptor (for select/poll)." },
	{ "__enter__", device_enter, METH_NOARGS,
	  "__enter__() -> Device\n\nThe device itself." },
	{ "__exit__", (PyCFunction)device_exit, METH_VARARGS,
	  "__exit__(*exc) -> None\n\nClose the device." },
	{ NULL, NULL, 0, NULL }
};

static PyGetSetDef device_getset[] = {
	{ "info", (getter)device_get_info, NULL,
	  "The device's SMTJ_IOC_GET_INFO as a dict (sample format, rate, ring,\n"
	  "produced/delivered/lost counters), plus volts_per_code.", NULL },
	{ "transport", (getter)device_get_transport, NULL,
	  "The transport in use: 'read', 'mmap' or 'uring'.", NULL },
	{ "note", (getter)device_get_note, NULL,
	  "Why the transport differs from the one asked for, else ''.", NULL },
	{ "name", (getter)device_get_name, NULL, "The device's path.", NULL },
	{ "lost", (getter)device_get_lost, NULL,
	  "Samples lost before reaching this object, in total.", NULL },
	{ "closed", (getter)device_get_closed, NULL, "True after close().", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

PyTypeObject SmtjDevice_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "smtj.Device",
	.tp_basicsize = sizeof(DeviceObject),
	.tp_dealloc = (destructor)device_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Device(path_or_index=0, transport='auto', batch=65536, depth=4,\n"
		  "       nonblock=False, fd=-1)\n\n"
		  "A /dev/smtjN device (a path, or N) streaming samples.  transport:\n"
		  "'mmap' (zero copy: batches are the ring's own pages), 'uring',\n"
		  "'read', or 'auto' (io_uring, else read()).  batch: samples per\n"
		  "read with 'read' and 'uring'; with 'mmap' a batch is what the ring\n"
		  "holds (up to its end).  fd: adopt an open descriptor instead (not\n"
		  "closed by the device).  Iterating yields Batch objects; read(n)\n"
		  "copies.  A removed device raises OSError(ENODEV).",
	.tp_iter = device_iter,
	.tp_iternext = (iternextfunc)device_iternext,
	.tp_methods = device_methods,
	.tp_getset = device_getset,
	.tp_init = (initproc)device_init,
	.tp_new = PyType_GenericNew,
};
