// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj.Noise: a libsmtj noise source (smtj_noise_from_spec) filling
 * float32 arrays, the GIL released while it works or waits (device).
 */
#include "smtjmodule.h"

typedef struct {
	PyObject_HEAD
	struct smtj_noise *src;
	int busy;		/* a fill runs without the GIL */
} NoiseObject;

static int noise_init(NoiseObject *nz, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "spec", "seed", NULL };
	struct smtj_err err = { 0 };
	unsigned long long seed = 0;
	const char *spec;
	int ret;

	if (nz->src) {
		PyErr_SetString(PyExc_RuntimeError, "smtj noise: already made");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|K:Noise", kwlist, &spec, &seed))
		return -1;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_noise_from_spec(&nz->src, spec, seed, &err);
	Py_END_ALLOW_THREADS
	if (ret) {
		smtjpy_raise(ret, &err);
		return -1;
	}
	return 0;
}

static void noise_dealloc(NoiseObject *nz)
{
	smtj_noise_destroy(nz->src);
	Py_TYPE(nz)->tp_free((PyObject *)nz);
}

static int noise_check(NoiseObject *nz)
{
	return smtjpy_check_usable("noise", nz->src != NULL, nz->busy);
}

/* rows x cols of an array: the last axis is the nodes (columns), the
 * others the time steps; a scalar is one value. */
static void shape_rows_cols(const Py_buffer *v, size_t *rows, size_t *cols)
{
	*rows = 1;
	*cols = v->ndim ? 1 : (size_t)(v->len / v->itemsize);
	for (int i = 0; i < v->ndim; i++) {
		if (i == v->ndim - 1)
			*cols = (size_t)v->shape[i];
		else
			*rows *= (size_t)v->shape[i];
	}
}

static int noise_fill_buffer(NoiseObject *nz, PyObject *array, unsigned int stream)
{
	struct smtj_err err = { 0 };
	struct smtjpy_buffer b;
	size_t rows, cols;
	int ret;

	if (noise_check(nz) || smtjpy_buffer_get(&b, array, "f", 1))
		return -1;
	shape_rows_cols(&b.view, &rows, &cols);
	nz->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	ret = rows && cols ? smtj_noise_fill(nz->src, stream, b.view.buf, rows,
					     cols, &err) : 0;
	Py_END_ALLOW_THREADS
	nz->busy = 0;
	smtjpy_buffer_release(&b);
	if (ret) {
		smtjpy_raise(ret, &err);
		return -1;
	}
	return 0;
}

static PyObject *noise_fill(NoiseObject *nz, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "array", "stream", NULL };
	unsigned int stream = 0;
	PyObject *array;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|I:fill", kwlist, &array, &stream))
		return NULL;
	if (noise_fill_buffer(nz, array, stream))
		return NULL;
	return Py_NewRef(array);
}

static PyObject *noise_sample(NoiseObject *nz, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "shape", "stream", NULL };
	unsigned int stream = 0;
	PyObject *shape, *a;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|I:sample", kwlist, &shape, &stream))
		return NULL;
	if (noise_check(nz))
		return NULL;
	a = smtjpy_empty(shape, "float32");
	if (!a)
		return NULL;
	if (noise_fill_buffer(nz, a, stream)) {
		Py_DECREF(a);
		return NULL;
	}
	return a;
}

static PyObject *noise_moments(NoiseObject *nz, PyObject *unused)
{
	double mean, sd;

	(void)unused;
	if (noise_check(nz))
		return NULL;
	if (smtj_noise_moments(nz->src, &mean, &sd))
		Py_RETURN_NONE;
	return Py_BuildValue("(dd)", mean, sd);
}

static PyObject *noise_reseed(NoiseObject *nz, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "seed", NULL };
	struct smtj_err err = { 0 };
	unsigned long long seed;
	int ret;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "K:reseed", kwlist, &seed))
		return NULL;
	if (noise_check(nz))
		return NULL;
	ret = smtj_noise_reseed(nz->src, seed, &err);
	if (ret)
		return smtjpy_raise(ret, &err);
	Py_RETURN_NONE;
}

static PyObject *noise_close(NoiseObject *nz, PyObject *unused)
{
	(void)unused;
	if (smtjpy_check_idle("noise", nz->busy))
		return NULL;
	smtj_noise_destroy(nz->src);
	nz->src = NULL;
	Py_RETURN_NONE;
}

static PyObject *noise_enter(PyObject *nz, PyObject *unused)
{
	(void)unused;
	return Py_NewRef(nz);
}

static PyObject *noise_exit(NoiseObject *nz, PyObject *args)
{
	(void)args;
	return noise_close(nz, NULL);
}

static PyObject *noise_get_consumed(NoiseObject *nz, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(nz->src ? smtj_noise_consumed(nz->src) : 0);
}

static PyObject *noise_get_lost(NoiseObject *nz, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(nz->src ? smtj_noise_lost(nz->src) : 0);
}

static PyObject *noise_get_description(NoiseObject *nz, void *closure)
{
	(void)closure;
	if (!nz->src)
		Py_RETURN_NONE;
	return PyUnicode_FromString(smtj_noise_describe(nz->src));
}

static PyMethodDef noise_methods[] = {
	{ "fill", SMTJPY_KW(noise_fill), METH_VARARGS | METH_KEYWORDS,
	  "fill(array, stream=0) -> array\n\n"
	  "Fill a writable C-contiguous float32 array in place and return it.\n"
	  "The last axis is the nodes, the others are consecutive time steps\n"
	  "(smtj_noise_fill's rows x cols); stream selects an independent\n"
	  "stream (a layer).  A device source waits without holding the GIL." },
	{ "sample", SMTJPY_KW(noise_sample), METH_VARARGS | METH_KEYWORDS,
	  "sample(shape, stream=0) -> numpy.ndarray\n\n"
	  "A new float32 array of the given shape, filled as fill() does." },
	{ "moments", (PyCFunction)noise_moments, METH_NOARGS,
	  "moments() -> (mean, sd) or None\n\n"
	  "The conditioned output's mean and standard deviation as the source\n"
	  "knows them (theory for models, the data for replay); None if unknown." },
	{ "reseed", SMTJPY_KW(noise_reseed), METH_VARARGS | METH_KEYWORDS,
	  "reseed(seed) -> None\n\n"
	  "Start over as Noise(spec, seed) would: the same numbers from here on,\n"
	  "consumed back to 0, without reopening files or devices\n"
	  "(smtj_noise_reseed).  A replay goes back to its start=; a device\n"
	  "carries on with its next samples." },
	{ "close", (PyCFunction)noise_close, METH_NOARGS,
	  "close()\n\nFree the source (closes a device source's device)." },
	{ "__enter__", noise_enter, METH_NOARGS, "__enter__() -> Noise\n\nThe source itself." },
	{ "__exit__", (PyCFunction)noise_exit, METH_VARARGS,
	  "__exit__(*exc) -> None\n\nClose the source." },
	{ NULL, NULL, 0, NULL }
};

static PyGetSetDef noise_getset[] = {
	{ "consumed", (getter)noise_get_consumed, NULL,
	  "Values produced since made or last reseeded.", NULL },
	{ "lost", (getter)noise_get_lost, NULL,
	  "Samples a device source lost before reaching us (0 for models).", NULL },
	{ "description", (getter)noise_get_description, NULL,
	  "The canonical spec with every default filled in.", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

PyTypeObject SmtjNoise_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "smtj.Noise",
	.tp_basicsize = sizeof(NoiseObject),
	.tp_dealloc = (destructor)noise_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Noise(spec, seed=0)\n\n"
		  "A libsmtj noise source: 'gauss', 'bernoulli', 'hmm', 'junction',\n"
		  "'replay' or 'device', with keys, e.g. 'gauss:sigma=1',\n"
		  "'junction:n=2,delta=10/12', 'device:path=/dev/smtj0,transport=mmap'\n"
		  "(the grammar is libsmtj's, Documentation/userspace-api/libsmtj.rst).\n"
		  "The same spec and seed give the same numbers as libsmtj.\n"
		  "A bad spec raises ValueError with the parser's message.",
	.tp_methods = noise_methods,
	.tp_getset = noise_getset,
	.tp_init = (initproc)noise_init,
	.tp_new = PyType_GenericNew,
};
