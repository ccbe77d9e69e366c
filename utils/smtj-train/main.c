// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj-train: train a dense network with DANP (or BP, NP, ANP) on noise
 * from a libsmtj source.  See smtj-train(1).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libsmtj.h"
#include "train.h"
#include "../common/tool.h"

#define CKPT_TAG 0x314e5254544a4d53ULL	/* "SMTJTRN1" */
#define TRAIN_EVAL_MAX 10000		/* training-set accuracy subset */

/* Checkpoint user words.  U_NOISE: values drawn before the saved epoch;
 * U_LSUM (double bits) and U_SAMPLES: the saved epoch's loss so far. */
enum { U_TAG, U_EPOCH, U_BATCH, U_RNG, U_SEED = U_RNG + 4, U_NOISE, U_LSUM,
       U_SAMPLES };

struct opts {
	const char *dataset, *data_dir, *train_csv, *test_csv, *arch, *noise;
	const char *output, *checkpoint;
	enum danp_rule rule;
	enum danp_loss loss;
	enum danp_optim optim;
	enum danp_reduce reduce;
	float lr, decor_lr;
	unsigned int epochs, threads, decor_every, decor_rank;
	size_t batch, train_limit, ckpt_every, downsample;
	double progress_every;
	uint64_t seed;
	long targets;		/* CSV target columns; -1 class labels */
	int json, resume, center, cosine, quiet, progress, loss_set;
	int decor_input_only;
};

/* --preset fast: see "Cheaper decorrelation" in results.rst. */
#define FAST_DECOR_EVERY 4
#define FAST_DECOR_INPUT_ONLY 1

static volatile sig_atomic_t stop_flag;

static void on_sigint(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: smtj-train [options]\n"
"  -r, --rule RULE        bp, dbp (BP with decorrelation), np, anp, danp [danp]\n"
"  -d, --dataset NAME     mnist, fashion, cifar10, cifar100, csv,\n"
"                         teacher:SIZES[,n=N,test=N,seed=S] [mnist]\n"
"  -D, --data DIR         dataset directory [data/mnist, ...]\n"
"      --train FILE, --test FILE   CSV files for --dataset csv\n"
"      --targets N        CSV: first N columns are real targets (--loss mse)\n"
"  -a, --arch SIZES       e.g. 784-500-500-500-10 [in-500-500-500-classes]\n"
"  -n, --noise SPEC       libsmtj noise spec [bernoulli:sigma=0.0125,h=1]\n"
"  -e, --epochs N         [5; teacher 100]  -b, --batch N  [64; teacher 10]\n"
"  -l, --lr X             optimiser learning rate [per dataset, see man page]\n"
"  -E, --decor-lr X       decorrelation rate eps_R [per dataset]\n"
"      --optim adam|sgd   --loss ce|mse   --reduce sum|mean\n"
"      --no-decor-center  leave out the reference's decorrelation centring\n"
"                         bias (learnt by default; --decor-center accepted)\n"
"  -s, --seed N           [42]     -t, --threads N  [1]\n"
"      --train-limit N    train on the first N samples only [all]\n"
"      --downsample K     K x K average pooling of images (MNIST 28 -> 14)\n"
"      --progress-every S a progress line on stderr every S seconds\n"
"  -o, --output FILE      per-epoch results; --format csv|json [csv]\n"
"  -c, --checkpoint FILE  written atomically every epoch and on Ctrl-C\n"
"      --checkpoint-every N  also every N batches within an epoch\n"
"      --decor-every K    update R every K-th step at K eps_R [1]\n"
"      --decor-input-only decorrelate the input layer only\n"
"      --decor-rank K     R = D + U V^T of rank K (1..256) [0: full R]\n"
"      --preset fast|reference  fast: cheaper decorrelation (see docs)\n"
"      --resume           continue from --checkpoint\n"
"      --cosine           report cosine(update, true gradient) per epoch\n"
"  -q, --quiet            no summary lines;  --no-progress\n"
"  -h, --help             -V, --version\n");
}

static int parse_enum(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/*
 * Regression (teacher task, CSV targets) uses MSE; the teacher task runs
 * the paper's demonstration settings unless told otherwise.
 */
static int task_defaults(struct opts *o)
{
	int teacher = teacher_dataset(o->dataset);

	if ((teacher || o->targets > 0) && o->loss_set &&
	    o->loss != DANP_LOSS_MSE) {
		fprintf(stderr, "smtj-train: %s has real targets: use --loss mse\n",
			teacher ? o->dataset : "--targets");
		return -1;
	}
	if (o->targets > 0 && strcmp(o->dataset, "csv")) {
		fprintf(stderr, "smtj-train: --targets is for --dataset csv\n");
		return -1;
	}
	if (teacher || o->targets > 0)
		o->loss = DANP_LOSS_MSE;
	/* CSV with --loss mse: real targets accepted, labels recognised. */
	if (o->targets < 0 && o->loss == DANP_LOSS_MSE)
		o->targets = 0;
	if (!o->epochs)
		o->epochs = teacher ? 100 : 5;
	if (!o->batch && teacher)
		o->batch = 10;
	return 0;
}

/* One option into @o: 0, -1 for a bad value, 1 after --version. */
static int set_option(struct opts *o, int c, const char *arg)
{
	static const char *const optims[] = { "adam", "sgd" };
	static const char *const losses[] = { "ce", "mse" };
	static const char *const reduces[] = { "sum", "mean" };
	static const char *const formats[] = { "csv", "json" };
	int v;
	char *end;

	switch (c) {
	case 'r':
		if (danp_rule_parse(arg, &o->rule))
			return -1;
		break;
	case 'd': o->dataset = arg; break;
	case 'D': o->data_dir = arg; break;
	case 1: o->train_csv = arg; break;
	case 2: o->test_csv = arg; break;
	case 'a': o->arch = arg; break;
	case 'n': o->noise = arg; break;
	case 'e':
		o->epochs = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !o->epochs)
			return -1;
		break;
	case 'b':
		o->batch = strtoul(arg, &end, 10);
		if (*end || !o->batch)
			return -1;
		break;
	case 'l':
		o->lr = strtof(arg, &end);
		if (*end || !(o->lr > 0))
			return -1;
		break;
	case 'E':
		o->decor_lr = strtof(arg, &end);
		if (*end || !(o->decor_lr >= 0))
			return -1;
		break;
	case 3:
		if ((v = parse_enum(arg, optims, 2)) < 0)
			return -1;
		o->optim = (enum danp_optim)v;
		break;
	case 4:
		if ((v = parse_enum(arg, losses, 2)) < 0)
			return -1;
		o->loss = (enum danp_loss)v;
		o->loss_set = 1;
		break;
	case 5:
		if ((v = parse_enum(arg, reduces, 2)) < 0)
			return -1;
		o->reduce = (enum danp_reduce)v;
		break;
	case 6: o->center = 1; break;
	case 12: o->center = 0; break;
	case 's':
		o->seed = strtoull(arg, &end, 0);
		if (*end)
			return -1;
		break;
	case 't':
		o->threads = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !o->threads || o->threads > DANP_MAX_THREADS)
			return -1;
		break;
	case 'o': o->output = arg; break;
	case 7:
		if ((v = parse_enum(arg, formats, 2)) < 0)
			return -1;
		o->json = v;
		break;
	case 'c': o->checkpoint = arg; break;
	case 8: o->resume = 1; break;
	case 9: o->cosine = 1; break;
	case 'q': o->quiet = 1; break;
	case 10: o->progress = 0; break;
	case 11:
		o->train_limit = strtoul(arg, &end, 10);
		if (*end || !o->train_limit)
			return -1;
		break;
	case 13:
		o->ckpt_every = strtoul(arg, &end, 10);
		if (*end || !o->ckpt_every)
			return -1;
		break;
	case 15:
		o->downsample = strtoul(arg, &end, 10);
		if (*end || !o->downsample || o->downsample > 16)
			return -1;
		break;
	case 16:
		o->progress_every = strtod(arg, &end);
		if (*end || !(o->progress_every > 0))
			return -1;
		break;
	case 14:
		o->targets = strtol(arg, &end, 10);
		if (*end || o->targets < 1 || o->targets > 4096)
			return -1;
		break;
	case 17:
		o->decor_every = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !o->decor_every || o->decor_every > 1000)
			return -1;
		break;
	case 18: o->decor_input_only = 1; break;
	case 20:
		o->decor_rank = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !*arg || o->decor_rank > DANP_MAX_DECOR_RANK)
			return -1;
		break;
	case 19:
		/* Cheaper decorrelation, measured in results.rst. */
		if (!strcmp(arg, "fast")) {
			o->decor_every = FAST_DECOR_EVERY;
			o->decor_input_only = FAST_DECOR_INPUT_ONLY;
		} else if (strcmp(arg, "reference")) {
			return -1;
		}
		break;
	case 'V':
		printf("smtj-train (libdanp %d.%d, libsmtj %s)\n",
		       LIBDANP_VERSION_MAJOR, LIBDANP_VERSION_MINOR,
		       smtj_version());
		return 1;
	}
	return 0;
}

static int on_option(void *ctx, int c, const char *arg);

static const struct option long_opts[] = {
	{ "rule", 1, 0, 'r' }, { "dataset", 1, 0, 'd' },
	{ "data", 1, 0, 'D' }, { "train", 1, 0, 1 }, { "test", 1, 0, 2 },
	{ "arch", 1, 0, 'a' }, { "noise", 1, 0, 'n' },
	{ "epochs", 1, 0, 'e' }, { "batch", 1, 0, 'b' },
	{ "lr", 1, 0, 'l' }, { "decor-lr", 1, 0, 'E' },
	{ "optim", 1, 0, 3 }, { "loss", 1, 0, 4 }, { "reduce", 1, 0, 5 },
	{ "decor-center", 0, 0, 6 }, { "no-decor-center", 0, 0, 12 },
	{ "seed", 1, 0, 's' },
	{ "threads", 1, 0, 't' }, { "output", 1, 0, 'o' },
	{ "format", 1, 0, 7 }, { "checkpoint", 1, 0, 'c' },
	{ "resume", 0, 0, 8 }, { "cosine", 0, 0, 9 },
	{ "quiet", 0, 0, 'q' }, { "no-progress", 0, 0, 10 },
	{ "train-limit", 1, 0, 11 }, { "checkpoint-every", 1, 0, 13 },
	{ "targets", 1, 0, 14 }, { "downsample", 1, 0, 15 },
	{ "progress-every", 1, 0, 16 },
	{ "decor-every", 1, 0, 17 }, { "decor-input-only", 0, 0, 18 },
	{ "preset", 1, 0, 19 }, { "decor-rank", 1, 0, 20 },
	{ "help", 0, 0, 'h' }, { "version", 0, 0, 'V' }, { 0, 0, 0, 0 },
};

static const struct tool smtj_train = {
	.name = "smtj-train", .usage = usage,
	.shortopts = "r:d:D:a:n:e:b:l:E:s:t:o:c:qhV", .longopts = long_opts,
	.option = on_option, .max_args = 0,
};

static int on_option(void *ctx, int c, const char *arg)
{
	int ret = set_option(ctx, c, arg);

	if (ret > 0)
		return TOOL_OK;
	if (ret < 0) {
		tool_err(&smtj_train, "bad value '%s' for -%c", arg, c > 32 ? c : '-');
		return TOOL_USAGE;
	}
	return TOOL_GO_ON;
}

/* The options, checked together: TOOL_GO_ON or the exit status. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int ret = tool_parse(&smtj_train, argc, argv, o);

	if (ret != TOOL_GO_ON)
		return ret;
	if ((o->resume || o->ckpt_every) && !o->checkpoint) {
		fprintf(stderr, "smtj-train: --%s needs --checkpoint\n",
			o->resume ? "resume" : "checkpoint-every");
		return TOOL_USAGE;
	}
	/* The checkpoint format holds a full R only. */
	if (o->decor_rank && o->checkpoint) {
		fprintf(stderr, "smtj-train: --decor-rank cannot be combined "
			"with --checkpoint or --resume: checkpoints hold a full "
			"R only\n");
		return TOOL_USAGE;
	}
	return task_defaults(o) ? TOOL_USAGE : TOOL_GO_ON;
}

/* Per-epoch noise seed: resuming at epoch e recreates the same stream. */
static uint64_t epoch_seed(uint64_t seed, unsigned int epoch)
{
	return seed * 0x9e3779b97f4a7c15ULL + epoch + 1;
}

/*
 * @epoch and @batch: where training continues; @rng: the shuffling state
 * at that epoch's start; @consumed: noise values drawn before it; @lsum,
 * @samples: the loss so far within it.
 */
static int save(struct danp_net *net, const struct opts *o, unsigned int epoch,
		size_t batch, const struct danp_rng *rng, uint64_t consumed,
		double lsum, size_t samples)
{
	uint64_t u[DANP_CKPT_USER] = { 0 };
	struct danp_err err;

	if (!o->checkpoint)
		return 0;
	u[U_TAG] = CKPT_TAG;
	u[U_EPOCH] = epoch;
	u[U_BATCH] = batch;
	memcpy(&u[U_RNG], rng->s, sizeof(rng->s));
	u[U_SEED] = o->seed;
	u[U_NOISE] = consumed;
	memcpy(&u[U_LSUM], &lsum, sizeof(lsum));
	u[U_SAMPLES] = samples;
	if (danp_ckpt_save(net, o->checkpoint, u, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* The noise of the first @batches batches of an epoch over @n samples
 * (the last one may be short), drawn and discarded. */
static int skip_noise(struct danp_net *net, size_t n, size_t bs,
		      size_t batches, struct danp_err *err)
{
	size_t full = n / bs < batches ? n / bs : batches;
	int ret = danp_skip_noise(net, bs, full, err);

	if (!ret && batches > full && n % bs)
		ret = danp_skip_noise(net, n % bs, 1, err);
	return ret;
}

static int evaluate(struct danp_net *net, const struct danp_dataset *ds,
		    size_t max, int noisy, struct danp_eval *ev)
{
	struct danp_err err;

	if (danp_evaluate_dataset(net, ds, max, noisy, ev, &err)) {
		fprintf(stderr, "smtj-train: evaluation: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int cosine_batch(struct danp_net *net, const struct danp_dataset *ds,
			size_t batch, double *cos)
{
	size_t n = ds->n < batch ? ds->n : batch;
	float *x = malloc(n * ds->dim * sizeof(float));
	int32_t *y = malloc(n * sizeof(int32_t));
	struct danp_batch b = { .x = x, .labels = y, .n = n };
	struct danp_err err;
	int ret = 0;

	/* The first batch of the training set, without augmentation. */
	if (!x || !y) {
		fprintf(stderr, "smtj-train: out of memory\n");
		ret = -1;
	} else {
		danp_gather(ds, NULL, n, 0, NULL, x, y);
		if (danp_grad_cosine(net, &b, cos, &err)) {
			fprintf(stderr, "smtj-train: cosine: %s\n", err.msg);
			ret = -1;
		}
	}
	free(x);
	free(y);
	return ret;
}

/* What a run carries from epoch to epoch. */
struct run {
	struct opts o;
	struct train_data d;
	struct danp_net *net;
	struct train_noise *noise;	/* opened once, reseeded per epoch */
	struct report *rep;
	struct danp_rng rng;		/* shuffling, at the next epoch's start */
	uint64_t user[DANP_CKPT_USER];
	uint64_t consumed;		/* noise values of the epochs before */
	unsigned int e0;		/* first epoch of this run */
	size_t start_batch, start_samples;	/* within the current epoch */
	double start_lsum;
	int live;			/* a device: its noise is not replayed */
	char arch[64], desc[512], hdr[2048];
};

/* The network saved in --checkpoint, with this run's overrides. */
static int resume_net(struct run *r)
{
	struct opts *o = &r->o;
	const struct danp_params *p;
	struct danp_err err;

	if (danp_ckpt_load(&r->net, o->checkpoint, r->user, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	if (r->user[U_TAG] != CKPT_TAG) {
		fprintf(stderr, "smtj-train: %s: not written by smtj-train\n",
			o->checkpoint);
		return -1;
	}
	p = danp_net_params(r->net);
	o->seed = r->user[U_SEED];
	o->rule = p->rule;
	o->batch = o->batch ? o->batch : p->max_batch;
	if (o->lr > 0 || o->decor_lr >= 0)
		danp_net_set_lr(r->net, o->lr > 0 ? o->lr : p->lr,
				o->decor_lr >= 0 ? o->decor_lr : p->decor_lr);
	/* Not in the checkpoint: as given now. */
	danp_net_set_decor_every(r->net, o->decor_every, &err);
	if (o->decor_input_only)
		fprintf(stderr, "smtj-train: --decor-input-only ignored on "
			"--resume: the checkpoint's layers decide\n");
	r->e0 = (unsigned int)r->user[U_EPOCH];
	return 0;
}

/* NP needs the noise's mean and variance: the source knows them. */
static int np_moments(const struct run *r, struct danp_params *p)
{
	double mean, sd;

	if (noise_moments(r->noise, &mean, &sd) || !(sd > 0)) {
		fprintf(stderr, "smtj-train: NP needs a noise source with "
			"known moments; '%s' has none\n", r->o.noise);
		return -1;
	}
	p->np_mean = (float)mean;
	p->np_sigma2 = (float)(sd * sd);
	return 0;
}

/* A new network: --arch or the dataset's shape, the options' settings. */
static int create_net(struct run *r)
{
	struct opts *o = &r->o;
	const struct train_data *d = &r->d;
	struct danp_spec spec;
	struct danp_params p;
	struct danp_err err;
	float lr, dlr;

	if (!o->arch && d->arch[0])
		snprintf(r->arch, sizeof(r->arch), "%s", d->arch);
	else if (!o->arch)
		snprintf(r->arch, sizeof(r->arch), "%zu-500-500-500-%zu",
			 d->train.dim,
			 d->train.t ? d->train.t_dim : d->train.n_classes);
	if (danp_spec_parse(&spec, o->arch ? o->arch : r->arch, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	data_defaults(o->dataset, o->rule, o->noise, &lr, &dlr);
	danp_params_default(&p);
	p.rule = o->rule;
	p.loss = o->loss;
	p.optim = o->optim;
	p.reduce = o->reduce;
	p.lr = o->lr > 0 ? o->lr : lr;
	p.decor_lr = o->decor_lr >= 0 ? o->decor_lr : dlr;
	p.decor_center = o->center;
	p.decor_every = o->decor_every;
	p.decor_rank = o->decor_rank;
	if (o->decor_input_only) {
		spec.decor_default = 0;
		memset(spec.decor, 0, sizeof(spec.decor));
		spec.decor[0] = 1;
	}
	p.max_batch = o->batch ? o->batch : 64;
	if (p.rule == DANP_RULE_NP && np_moments(r, &p))
		return -1;
	o->batch = p.max_batch;
	if (danp_net_create(&r->net, &spec, &p, o->seed, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void header_json(char *buf, size_t len, const struct opts *o,
			struct danp_net *net, const char *noise_desc)
{
	const struct danp_params *p = danp_net_params(net);
	const struct danp_spec *s = danp_net_spec(net);
	char arch[256] = "", ds[128], noise[512], src[512];
	size_t k = 0;

	json_escape(ds, sizeof(ds), o->dataset);
	json_escape(noise, sizeof(noise), o->noise);
	json_escape(src, sizeof(src), noise_desc);
	for (unsigned int i = 0; i <= s->n_layers && k < sizeof(arch) - 16; i++)
		k += (size_t)snprintf(arch + k, sizeof(arch) - k, "%s%zu",
				      i ? "-" : "", s->sizes[i]);
	snprintf(buf, len,
		 "  \"tool\": \"smtj-train\", \"libdanp\": \"%d.%d\", \"libsmtj\": \"%s\",\n"
		 "  \"dataset\": \"%s\", \"arch\": \"%s\", \"rule\": \"%s\",\n"
		 "  \"noise\": \"%s\", \"noise_source\": \"%s\", \"seed\": %llu, \"threads\": %u, \"batch\": %zu,\n"
		 "  \"optim\": \"%s\", \"loss\": \"%s\", \"reduce\": \"%s\",\n"
		 "  \"lr\": %g, \"decor_lr\": %g, \"decor_center\": %d,\n"
		 "  \"decor_every\": %u, \"decor_input_only\": %d, \"decor_rank\": %u,\n"
		 "  \"train_eval_samples\": %d, \"blas_core\": \"%s\", \"train_limit\": %zu",
		 LIBDANP_VERSION_MAJOR, LIBDANP_VERSION_MINOR, smtj_version(),
		 ds, arch, danp_rule_name(p->rule), noise, src,
		 (unsigned long long)o->seed, o->threads, o->batch,
		 p->optim == DANP_OPT_ADAM ? "adam" : "sgd",
		 p->loss == DANP_LOSS_CE ? "ce" : "mse",
		 p->reduce == DANP_REDUCE_SUM ? "sum" : "mean", p->lr,
		 p->decor_lr, p->decor_center,
		 p->decor_every > 1 ? p->decor_every : 1,
		 s->n_layers > 1 && s->decor[0] && !s->decor_default &&
		 !s->decor[1], p->decor_rank, TRAIN_EVAL_MAX, danp_blas_core(), o->train_limit);
}

/*
 * The clean test and training losses before any step, appended to the
 * results header: what the teacher task's loss ratio is measured against.
 */
static int initial_loss(struct danp_net *net, const struct train_data *d,
			char *hdr, size_t len, int quiet)
{
	struct danp_eval te, tr;
	size_t k = strlen(hdr);

	if (evaluate(net, &d->test, d->test.n, 0, &te) ||
	    evaluate(net, &d->train, TRAIN_EVAL_MAX, 0, &tr))
		return -1;
	snprintf(hdr + k, len - k, ",\n  \"initial_test_loss\": %.6f, "
		 "\"initial_train_loss\": %.6f", te.loss, tr.loss);
	if (!quiet)
		printf("epoch 0: test loss %.6f train loss %.6f\n", te.loss,
		       tr.loss);
	return 0;
}


/* Ctrl-C and SIGTERM stop after the current batch; a second one kills. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int load_data(struct run *r)
{
	const struct opts *o = &r->o;
	struct danp_err err;

	if (teacher_dataset(o->dataset) ?
	    teacher_load(&r->d, o->dataset, o->seed, &err) :
	    data_load(&r->d, o->dataset, o->data_dir, o->train_csv, o->test_csv,
		      o->targets, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	if (data_downsample(&r->d, o->downsample, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	/* The first N training samples only: quick runs (make demo, TCG). */
	if (o->train_limit && o->train_limit < r->d.train.n)
		r->d.train.n = o->train_limit;
	return 0;
}

/*
 * The one place the noise spec is opened, seeded for epoch @e (the first
 * of this run).  The source also answers the questions asked before
 * training (the spec's validity, its canonical form, its moments for NP).
 */
static int open_noise(struct run *r, unsigned int e)
{
	char msg[512];

	if (noise_open(&r->noise, r->o.noise, epoch_seed(r->o.seed, e), msg,
		       sizeof(msg))) {
		r->noise = NULL;
		fprintf(stderr, "smtj-train: %s\n", msg);
		return -1;
	}
	return 0;
}

/* Epoch @e's noise: the source as opened with that epoch's seed, so that
 * a resumed run draws the same noise (a device just carries on). */
static int reseed_noise(struct run *r, unsigned int e)
{
	char msg[512];

	if (noise_reseed(r->noise, epoch_seed(r->o.seed, e), msg, sizeof(msg))) {
		fprintf(stderr, "smtj-train: epoch %u: %s\n", e + 1, msg);
		return -1;
	}
	return 0;
}

static void close_noise(struct run *r)
{
	noise_close(r->noise);
	r->noise = NULL;
}

/* Threads, the input size, and where a resumed run continues. */
static int check_net(struct run *r)
{
	const struct danp_params *p = danp_net_params(r->net);
	struct danp_err err;

	if (danp_net_set_threads(r->net, r->o.threads, &err)) {
		fprintf(stderr, "smtj-train: %s\n", err.msg);
		return -1;
	}
	if (danp_net_spec(r->net)->sizes[0] != r->d.train.dim) {
		fprintf(stderr, "smtj-train: network input %zu, dataset %zu features\n",
			danp_net_spec(r->net)->sizes[0], r->d.train.dim);
		return -1;
	}
	danp_rng_seed(&r->rng, r->o.seed ^ 0x73687566666c65ULL);
	if (!r->o.resume)
		return 0;
	r->start_batch = (size_t)r->user[U_BATCH];
	memcpy(r->rng.s, &r->user[U_RNG], sizeof(r->rng.s));
	r->consumed = r->user[U_NOISE];
	memcpy(&r->start_lsum, &r->user[U_LSUM], sizeof(r->start_lsum));
	r->start_samples = (size_t)r->user[U_SAMPLES];
	if (r->start_batch && r->o.batch != p->max_batch) {
		/* Its batch index and noise position count those batches. */
		fprintf(stderr, "smtj-train: %s was saved within an epoch of "
			"batches of %zu; resume it with that batch size\n",
			r->o.checkpoint, p->max_batch);
		return -1;
	}
	return 0;
}

/* Temporary files of a run killed while it wrote them. */
static int remove_stale(const struct opts *o)
{
	const char *const files[] = { o->checkpoint, o->output };
	struct danp_err err;

	for (int i = 0; o->checkpoint && i < 2; i++) {
		unsigned int n;

		if (!files[i])
			continue;
		if (danp_remove_stale_tmp(files[i], &n, &err)) {
			fprintf(stderr, "smtj-train: %s\n", err.msg);
			return -1;
		}
		if (n && !o->quiet)
			fprintf(stderr, "smtj-train: removed %u stale temporary "
				"file%s of %s\n", n, n > 1 ? "s" : "", files[i]);
	}
	return 0;
}

/* The results file with its header (the initial losses when fresh). */
static int open_report(struct run *r)
{
	const struct opts *o = &r->o;
	char msg[512];

	if (o->resume && r->start_batch && !o->quiet)
		fprintf(stderr, "smtj-train: resuming epoch %u at batch %zu%s\n",
			r->e0 + 1, r->start_batch,
			r->live ? " (fresh device noise)" : "");
	header_json(r->hdr, sizeof(r->hdr), o, r->net, r->desc);
	if (!o->resume && r->d.train.t &&
	    initial_loss(r->net, &r->d, r->hdr, sizeof(r->hdr), o->quiet))
		return -1;
	if (o->output && report_open(&r->rep, o->output, o->json, r->hdr,
				     o->resume ? r->e0 : 0, msg, sizeof(msg))) {
		fprintf(stderr, "smtj-train: %s\n", msg);
		return -1;
	}
	return 0;
}

/* Everything before the first epoch. */
static int setup(struct run *r)
{
	if (load_data(r) || (r->o.resume && resume_net(r)) ||
	    open_noise(r, r->e0))
		return -1;
	snprintf(r->desc, sizeof(r->desc), "%s", noise_describe(r->noise));
	/* A device's noise cannot be replayed on a resume. */
	r->live = !strncmp(r->desc, "device", 6);
	if ((!r->o.resume && create_net(r)) || check_net(r) ||
	    remove_stale(&r->o))
		return -1;
	return open_report(r);
}

/*
 * Epoch @e up to its end, or to a stop (Ctrl-C) with its checkpoint
 * saved.  It runs in segments ended by a checkpoint within it; each
 * reshuffles from the epoch's starting state and continues at its batch
 * with the same noise source.  0, 130 (stopped) or 1.
 */
static int run_epoch(struct run *r, unsigned int e, struct epoch_row *row,
		     struct danp_epoch *ep)
{
	struct progress *pr = ep->progress_ctx;
	struct danp_rng at_start = r->rng;
	int need_noise = danp_net_params(r->net)->rule >= DANP_RULE_NP;
	struct danp_err err;
	double t0;

	/* Resumed mid-epoch: the seeded noise continues where it was. */
	if (r->start_batch && need_noise && !r->live &&
	    skip_noise(r->net, r->d.train.n, r->o.batch, r->start_batch, &err)) {
		fprintf(stderr, "smtj-train: epoch %u: %s: %s\n", e + 1,
			err.msg, noise_error(r->noise));
		return 1;
	}
	for (;;) {
		r->rng = at_start;
		ep->start_batch = r->start_batch;
		ep->start_loss_sum = r->start_lsum;
		ep->start_samples = r->start_samples;
		t0 = now_seconds();
		if (danp_train_epoch(r->net, &r->d.train, &r->rng, ep, &err)) {
			progress_end(pr);
			fprintf(stderr, "smtj-train: epoch %u: %s%s%s\n", e + 1,
				err.msg, need_noise ? ": " : "",
				need_noise ? noise_error(r->noise) : "");
			return 1;
		}
		row->seconds += now_seconds() - t0;
		row->samples_per_s += (double)ep->samples;
		if (!ep->stopped)
			break;
		r->start_batch = ep->batches_done;
		r->start_lsum = ep->loss_sum;
		r->start_samples += ep->samples;
		if (save(r->net, &r->o, e, r->start_batch, &at_start, r->consumed,
			 r->start_lsum, r->start_samples)) {
			progress_end(pr);
			return 1;
		}
		if (stop_flag) {
			progress_end(pr);
			if (!r->o.quiet)
				fprintf(stderr, "smtj-train: interrupted in epoch %u "
					"after batch %zu%s\n", e + 1, r->start_batch,
					r->o.checkpoint ? "; checkpoint saved" : "");
			return 130;
		}
	}
	progress_end(pr);
	return 0;
}

/* Accuracies and losses after an epoch, clean and (for noise rules)
 * noisy, and the cosine when asked. */
static int measure(struct run *r, struct epoch_row *row)
{
	const struct train_data *d = &r->d;
	struct danp_eval ev;

	if (evaluate(r->net, &d->test, d->test.n, 0, &ev))
		return -1;
	row->test_loss = ev.loss;
	row->test_acc = ev.accuracy;
	if (evaluate(r->net, &d->train, TRAIN_EVAL_MAX, 0, &ev))
		return -1;
	row->train_acc = ev.accuracy;
	if (danp_net_params(r->net)->rule >= DANP_RULE_NP) {
		if (evaluate(r->net, &d->test, d->test.n, 1, &ev))
			return -1;
		row->test_acc_noisy = ev.accuracy;
		if (evaluate(r->net, &d->train, TRAIN_EVAL_MAX, 1, &ev))
			return -1;
		row->train_acc_noisy = ev.accuracy;
	} else {
		row->test_acc_noisy = row->test_acc;
		row->train_acc_noisy = row->train_acc;
	}
	if (r->o.cosine && cosine_batch(r->net, &d->train, r->o.batch, &row->cosine))
		return -1;
	return 0;
}

/* The thread split's record over the epoch (@ts0: before, @ts1: after). */
static void split_stats(struct epoch_row *row, const struct danp_thread_stats *ts0,
			const struct danp_thread_stats *ts1)
{
	if (ts1->serial_jobs + ts1->split_jobs > ts0->serial_jobs + ts0->split_jobs)
		row->serial_fraction = (double)(ts1->serial_jobs - ts0->serial_jobs) /
			(double)(ts1->serial_jobs + ts1->split_jobs -
				 ts0->serial_jobs - ts0->split_jobs);
	row->split_fallbacks = ts1->fallbacks - ts0->fallbacks;
}

/* The summary line of an epoch (noisy first: the reference's test
 * accuracy is the noisy one). */
static void print_epoch(const struct run *r, const struct epoch_row *row,
			unsigned int threads)
{
	int need_noise = danp_net_params(r->net)->rule >= DANP_RULE_NP;

	if (r->o.quiet)
		return;
	if (r->d.train.t)
		printf("epoch %u: loss %.6f test loss %.6f %.1f s "
		       "%.0f samples/s\n", row->epoch, row->train_loss,
		       row->test_loss, row->seconds, row->samples_per_s);
	else if (need_noise)
		printf("epoch %u: loss %.4f test %.2f %% noisy, %.2f %% clean; "
		       "train %.2f %% noisy; %.1f s %.0f samples/s\n", row->epoch,
		       row->train_loss, 100 * row->test_acc_noisy,
		       100 * row->test_acc, 100 * row->train_acc_noisy,
		       row->seconds, row->samples_per_s);
	else
		printf("epoch %u: loss %.4f test %.2f %% train %.2f %% "
		       "%.1f s %.0f samples/s\n", row->epoch, row->train_loss,
		       100 * row->test_acc, 100 * row->train_acc,
		       row->seconds, row->samples_per_s);
	if (row->split_fallbacks)
		printf("epoch %u: machine busy: %.0f %% of the work ran on "
		       "1 thread instead of %u (split dropped %llu times)\n",
		       row->epoch, 100 * row->serial_fraction, threads,
		       (unsigned long long)row->split_fallbacks);
}

/* One epoch: train, measure, record, save.  0, 130 (stopped) or 1. */
static int train_epoch(struct run *r, unsigned int e)
{
	const struct opts *o = &r->o;
	struct progress pr = {
		.enabled = o->progress && isatty(2), .epoch = e + 1,
		.epochs = o->epochs, .batch_size = o->batch, .stop = &stop_flag,
		.ckpt_every = o->checkpoint ? o->ckpt_every : 0,
		.every = o->progress_every,
	};
	struct danp_epoch ep = {
		.batch_size = o->batch, .augment = r->d.augment,
		.progress = progress_cb, .progress_ctx = &pr,
	};
	struct epoch_row row = { .epoch = e + 1 };
	struct danp_thread_stats ts0, ts1;
	char msg[512];
	int rc;

	if (e != r->e0 && reseed_noise(r, e))
		return 1;
	danp_net_set_noise(r->net, noise_fill, r->noise);
	pr.t0 = now_seconds();
	danp_net_thread_stats(r->net, &ts0);
	rc = run_epoch(r, e, &row, &ep);
	if (rc)
		return rc;
	danp_net_thread_stats(r->net, &ts1);
	split_stats(&row, &ts0, &ts1);
	row.train_loss = ep.loss;
	row.samples_per_s /= row.seconds;	/* samples of this run */
	if (measure(r, &row))
		return 1;
	r->consumed += noise_consumed(r->noise);
	row.noise_values = r->consumed;
	if (r->rep && report_add(r->rep, &row, o->cosine, msg, sizeof(msg))) {
		fprintf(stderr, "smtj-train: %s\n", msg);
		return 1;
	}
	if (save(r->net, o, e + 1, 0, &r->rng, r->consumed, 0, 0))
		return 1;
	r->start_batch = 0;
	r->start_lsum = 0;
	r->start_samples = 0;
	print_epoch(r, &row, ts1.threads);
	fflush(stdout);
	return stop_flag ? 130 : 0;
}

int main(int argc, char **argv)
{
	struct run r = {
		.o = {
			.dataset = "mnist", .noise = "bernoulli:sigma=0.0125,h=1",
			.rule = DANP_RULE_DANP, .seed = 42, .threads = 1,
			.decor_lr = -1, .progress = 1, .center = 1, .targets = -1,
		},
	};
	int rc;

	rc = parse_opts(argc, argv, &r.o);
	if (rc != TOOL_GO_ON)
		return rc;
	/* Faster BLAS kernels than OpenBLAS detected, unless the user chose. */
	danp_blas_apply_hint();
	catch_signals();
	rc = TOOL_FAIL;
	if (!setup(&r)) {
		rc = 0;
		for (unsigned int e = r.e0; e < r.o.epochs && !rc; e++)
			rc = train_epoch(&r, e);
	}
	close_noise(&r);
	report_close(r.rep);
	danp_net_destroy(r.net);
	data_free(&r.d);
	return rc;
}
