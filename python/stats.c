// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj.stats: libsmtj's statistics on any float32-convertible array
 * (histogram, levels, dwell times, autocorrelation) and the SP 800-90B
 * min-entropy estimates on symbols.  The GIL is released while they run.
 */
#include <errno.h>
#include <string.h>
#include "smtjmodule.h"

#define NVALUES(b) ((size_t)((b)->view.len / (b)->view.itemsize))

/* A new 1-D numpy array of @n items of @dtype copied from @src. */
static PyObject *array_from(const void *src, size_t n, const char *dtype)
{
	PyObject *shape = PyLong_FromSize_t(n), *a;
	Py_buffer v;

	a = shape ? smtjpy_empty(shape, dtype) : NULL;
	Py_XDECREF(shape);
	if (!a)
		return NULL;
	if (PyObject_GetBuffer(a, &v, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE)) {
		Py_DECREF(a);
		return NULL;
	}
	memcpy(v.buf, src, (size_t)v.len);
	PyBuffer_Release(&v);
	return a;
}

static PyObject *stats_hist(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "x", "bins", "lo", "hi", NULL };
	struct smtj_err err = { 0 };
	struct smtj_hist h = { 0 };
	struct smtjpy_buffer x;
	Py_ssize_t bins = 64;
	double lo = 0, hi = 0;
	PyObject *obj, *counts, *r;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ndd:hist", kwlist, &obj,
					 &bins, &lo, &hi))
		return NULL;
	if (bins <= 0) {
		PyErr_SetString(PyExc_ValueError, "hist: bins must be positive");
		return NULL;
	}
	if (smtjpy_buffer_get(&x, obj, "f", 0))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_hist(&h, x.view.buf, NVALUES(&x), (size_t)bins, lo, hi, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&x);
	if (ret)
		return smtjpy_raise(ret, &err);
	counts = array_from(h.count, h.nbins, "uint64");
	r = counts ? Py_BuildValue("{sdsdsNsKsK}", "lo", h.lo, "hi", h.hi,
				   "counts", counts, "below",
				   (unsigned long long)h.below, "above",
				   (unsigned long long)h.above) : NULL;
	smtj_hist_free(&h);
	return r;
}

static PyObject *list_of(const double *v, unsigned int n)
{
	PyObject *l = PyList_New(n);

	for (unsigned int i = 0; l && i < n; i++) {
		PyObject *f = PyFloat_FromDouble(v[i]);

		if (!f) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, i, f);
	}
	return l;
}

static PyObject *stats_levels(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "x", "max", NULL };
	struct smtj_err err = { 0 };
	struct smtj_levels lv;
	struct smtjpy_buffer x;
	unsigned int max = 2;
	PyObject *obj;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|I:levels", kwlist, &obj, &max))
		return NULL;
	if (smtjpy_buffer_get(&x, obj, "f", 0))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_levels_detect(&lv, x.view.buf, NVALUES(&x), max, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&x);
	if (ret)
		return smtjpy_raise(ret, &err);
	return Py_BuildValue("{sNsNsN}", "level", list_of(lv.level, lv.n),
			     "weight", list_of(lv.weight, lv.n),
			     "sd", list_of(lv.sd, lv.n));
}

static PyObject *stats_dwell(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "x", "thresh", NULL };
	struct smtj_err err = { 0 };
	struct smtj_dwell d = { 0 };
	struct smtjpy_buffer x;
	PyObject *obj, *r = NULL, *l0, *l1;
	double thresh;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "Od:dwell", kwlist, &obj, &thresh))
		return NULL;
	if (smtjpy_buffer_get(&x, obj, "f", 0))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_dwell(&d, x.view.buf, NVALUES(&x), thresh, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&x);
	if (ret)
		return smtjpy_raise(ret, &err);
	l0 = array_from(d.len[0], d.count[0], "uint64");
	l1 = l0 ? array_from(d.len[1], d.count[1], "uint64") : NULL;
	if (l1)
		r = Py_BuildValue("{s(dd)s(dd)s(nn)s(NN)sK}",
				  "mean", d.mean[0], d.mean[1],
				  "sem", d.sem[0], d.sem[1],
				  "count", (Py_ssize_t)d.count[0], (Py_ssize_t)d.count[1],
				  "lengths", l0, l1,
				  "max_len", (unsigned long long)d.max_len);
	else
		Py_XDECREF(l0);
	smtj_dwell_free(&d);
	return r;
}

static PyObject *stats_acf(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "x", "maxlag", "method", NULL };
	int (*fn)(const float *, size_t, double *, size_t, struct smtj_err *);
	struct smtj_err err = { 0 };
	struct smtjpy_buffer x;
	const char *method = "auto";
	Py_ssize_t maxlag;
	PyObject *obj, *r;
	double *out;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "On|s:acf", kwlist, &obj,
					 &maxlag, &method))
		return NULL;
	if (!strcmp(method, "auto"))
		fn = smtj_acf;
	else if (!strcmp(method, "direct"))
		fn = smtj_acf_direct;
	else if (!strcmp(method, "fft"))
		fn = smtj_acf_fft;
	else
		return PyErr_Format(PyExc_ValueError,
				    "acf: method '%s' (auto, direct or fft)", method);
	if (maxlag < 0)
		return PyErr_Format(PyExc_ValueError, "acf: negative maxlag");
	out = PyMem_RawMalloc(((size_t)maxlag + 1) * sizeof(*out));
	if (!out)
		return PyErr_NoMemory();
	if (smtjpy_buffer_get(&x, obj, "f", 0)) {
		PyMem_RawFree(out);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	ret = fn(x.view.buf, NVALUES(&x), out, (size_t)maxlag, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&x);
	r = ret ? smtjpy_raise(ret, &err) :
		  array_from(out, (size_t)maxlag + 1, "float64");
	PyMem_RawFree(out);
	return r;
}

static int estimator_parse(const char *name, enum smtj_entropy_estimator *e)
{
	for (int i = 0; i < SMTJ_ENT_COUNT; i++) {
		if (!strcmp(name, smtj_entropy_name((enum smtj_entropy_estimator)i))) {
			*e = (enum smtj_entropy_estimator)i;
			return 0;
		}
	}
	PyErr_Format(PyExc_ValueError,
		     "entropy: unknown estimator '%s' (see smtj.stats.ESTIMATORS)", name);
	return -1;
}

static PyObject *est_dict(const struct smtj_entropy_est *e)
{
	return Py_BuildValue("{sdsdsdsdsdsdsdsKsKsKsKsKsK}", "h", e->h, "p", e->p,
			     "mean", e->mean, "sd", e->sd, "p_global", e->p_global,
			     "p_global_upper", e->p_global_upper,
			     "p_local", e->p_local,
			     "correct", (unsigned long long)e->correct,
			     "trials", (unsigned long long)e->trials,
			     "run", (unsigned long long)e->run,
			     "t", (unsigned long long)e->t,
			     "u", (unsigned long long)e->u,
			     "v", (unsigned long long)e->v);
}

static PyObject *stats_estimate(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "symbols", "estimator", NULL };
	struct smtj_entropy_est est = { 0 };
	struct smtj_err err = { 0 };
	enum smtj_entropy_estimator which;
	struct smtjpy_buffer s;
	const char *name;
	PyObject *obj;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "Os:entropy_estimate", kwlist,
					 &obj, &name))
		return NULL;
	if (estimator_parse(name, &which) || smtjpy_buffer_get(&s, obj, "B", 0))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_entropy_estimate(which, s.view.buf, (size_t)s.view.len, NULL,
				    &est, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&s);
	if (ret)
		return smtjpy_raise(ret, &err);
	return est_dict(&est);
}

/* {name: h} of the estimators that ran. */
static PyObject *est_table(const struct smtj_entropy_est *e)
{
	PyObject *d = PyDict_New();

	for (int i = 0; d && i < SMTJ_ENT_COUNT; i++) {
		PyObject *h;

		if (!e[i].done)
			continue;
		h = PyFloat_FromDouble(e[i].h);
		if (!h || PyDict_SetItemString(d, smtj_entropy_name((enum smtj_entropy_estimator)i), h))
			Py_CLEAR(d);
		Py_XDECREF(h);
	}
	return d;
}

static PyObject *stats_assess(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "symbols", "bits", NULL };
	struct smtj_err err = { 0 };
	struct smtj_entropy *a;
	struct smtjpy_buffer s;
	unsigned int bits = 8;
	PyObject *obj, *r;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|I:entropy_assess", kwlist,
					 &obj, &bits))
		return NULL;
	if (smtjpy_buffer_get(&s, obj, "B", 0))
		return NULL;
	a = PyMem_RawCalloc(1, sizeof(*a));
	if (!a) {
		smtjpy_buffer_release(&s);
		return PyErr_NoMemory();
	}
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_entropy_assess(a, s.view.buf, (size_t)s.view.len, bits, NULL, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&s);
	r = ret ? smtjpy_raise(ret, &err) :
		  Py_BuildValue("{snsIsIsOsdsdsdsNsN}", "n", (Py_ssize_t)a->n,
				"k", a->k, "width", a->width, "binary",
				a->binary ? Py_True : Py_False,
				"h_original", a->h_original,
				"h_bitstring", a->h_bitstring, "h", a->h,
				"original", est_table(a->original),
				"bitstring", est_table(a->bitstring));
	PyMem_RawFree(a);
	return r;
}

static PyObject *stats_symbolize(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "x", "mode", NULL };
	struct smtj_err err = { 0 };
	struct smtj_symbolizer sz;
	struct smtjpy_buffer x, out;
	const char *mode = "states";
	PyObject *obj, *a = NULL, *shape;
	int ret;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|s:symbolize", kwlist, &obj, &mode))
		return NULL;
	ret = smtj_symbolizer_parse(&sz, mode, &err);
	if (ret)
		return smtjpy_raise(ret, &err);
	if (smtjpy_buffer_get(&x, obj, "f", 0))
		return NULL;
	shape = PyLong_FromSize_t(NVALUES(&x));
	a = shape ? smtjpy_empty(shape, "uint8") : NULL;
	Py_XDECREF(shape);
	if (!a || smtjpy_buffer_get(&out, a, "B", 1)) {
		smtjpy_buffer_release(&x);
		Py_XDECREF(a);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	ret = smtj_symbolizer_fit(&sz, x.view.buf, NVALUES(&x), &err);
	if (!ret)
		ret = smtj_symbolize(&sz, x.view.buf, NVALUES(&x), out.view.buf, &err);
	Py_END_ALLOW_THREADS
	smtjpy_buffer_release(&out);
	smtjpy_buffer_release(&x);
	if (ret) {
		Py_DECREF(a);
		return smtjpy_raise(ret, &err);
	}
	return Py_BuildValue("(NI)", a, sz.width);
}

static PyMethodDef stats_methods[] = {
	{ "hist", SMTJPY_KW(stats_hist), METH_VARARGS | METH_KEYWORDS,
	  "hist(x, bins=64, lo=0.0, hi=0.0) -> dict\n\n"
	  "Histogram of x over [lo, hi) (lo == hi: the data's range): lo, hi,\n"
	  "counts (uint64 array), below, above." },
	{ "levels", SMTJPY_KW(stats_levels), METH_VARARGS | METH_KEYWORDS,
	  "levels(x, max=2) -> dict\n\n"
	  "Up to max levels of x, ascending (histogram peaks refined by 1-D\n"
	  "k-means): lists level, weight (fraction of samples) and sd." },
	{ "dwell", SMTJPY_KW(stats_dwell), METH_VARARGS | METH_KEYWORDS,
	  "dwell(x, thresh) -> dict\n\n"
	  "Dwell times of the two-state series x thresholded at thresh (state 1\n"
	  "above), the censored first and last runs dropped: per state (0, 1)\n"
	  "mean and sem in samples, count, lengths (uint64 arrays); max_len." },
	{ "acf", SMTJPY_KW(stats_acf), METH_VARARGS | METH_KEYWORDS,
	  "acf(x, maxlag, method='auto') -> numpy.ndarray\n\n"
	  "Normalised autocorrelation r[0..maxlag] (r[0] = 1) as float64;\n"
	  "method 'direct' (sums), 'fft' (FFTW) or 'auto' (the faster)." },
	{ "entropy_estimate", SMTJPY_KW(stats_estimate), METH_VARARGS | METH_KEYWORDS,
	  "entropy_estimate(symbols, estimator) -> dict\n\n"
	  "One SP 800-90B section 6.3 estimator (a name of ESTIMATORS) on byte\n"
	  "symbols: h (bits per symbol), p and the intermediate values." },
	{ "entropy_assess", SMTJPY_KW(stats_assess), METH_VARARGS | METH_KEYWORDS,
	  "entropy_assess(symbols, bits=8) -> dict\n\n"
	  "The SP 800-90B section 3.1.3 assessment of byte symbols of declared\n"
	  "width bits: n, k, width, binary, h_original, h_bitstring, h and the\n"
	  "estimates of each estimator that ran ({name: h})." },
	{ "symbolize", SMTJPY_KW(stats_symbolize), METH_VARARGS | METH_KEYWORDS,
	  "symbolize(x, mode='states') -> (numpy.ndarray, bits)\n\n"
	  "Symbols (uint8) of samples for the entropy estimates, and their width:\n"
	  "'states' / 'states=K' (nearest level), 'bit=K' (bit K of a code),\n"
	  "'low=M' (the low M bits of a code)." },
	{ NULL, NULL, 0, NULL }
};

static struct PyModuleDef stats_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "smtj.stats",
	.m_doc = "libsmtj's statistics of sample series and the SP 800-90B\n"
		 "min-entropy estimates.  Series are anything numpy turns into\n"
		 "float32 (a Batch, a read() array, a list); symbols anything it\n"
		 "turns into uint8.",
	.m_size = -1,
	.m_methods = stats_methods,
};

PyObject *smtjpy_stats_module(void)
{
	PyObject *m = PyModule_Create(&stats_module), *names;

	if (!m)
		return NULL;
	names = PyTuple_New(SMTJ_ENT_COUNT);
	for (int i = 0; names && i < SMTJ_ENT_COUNT; i++) {
		PyObject *s = PyUnicode_FromString(
			smtj_entropy_name((enum smtj_entropy_estimator)i));

		if (!s) {
			Py_CLEAR(names);
			break;
		}
		PyTuple_SET_ITEM(names, i, s);
	}
	if (!names || PyModule_AddObject(m, "ESTIMATORS", names)) {
		Py_XDECREF(names);
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
