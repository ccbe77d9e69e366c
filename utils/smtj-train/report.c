// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-epoch results as CSV or JSON.  The whole file is rewritten after
 * every epoch with danp_write_atomic, so a reader or a crash never sees
 * half a file.  On --resume the rows of the earlier run
 * (up to the checkpoint's epoch) are read back and kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "train.h"

struct report {
	char *path;
	int json;
	char *header;		/* JSON: run description object members */
	char **rows;
	size_t n, cap;
};

static int push(struct report *r, const char *line)
{
	if (r->n == r->cap) {
		size_t nc = r->cap ? 2 * r->cap : 16;
		char **p = realloc(r->rows, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->rows = p;
		r->cap = nc;
	}
	r->rows[r->n] = strdup(line);
	return r->rows[r->n++] ? 0 : -ENOMEM;
}

/* Keep rows of epochs 1..keep from an existing file. */
static void reload(struct report *r, unsigned int keep)
{
	FILE *f = fopen(r->path, "r");
	char line[2048];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned int e;
		char *s = line;

		line[strcspn(line, "\n")] = '\0';
		if (r->json) {
			s = strstr(line, "{ \"epoch\": ");
			if (!s || sscanf(s, "{ \"epoch\": %u", &e) != 1)
				continue;
			s[strcspn(s, "}") + 1] = '\0';
		} else if (sscanf(line, "%u,", &e) != 1) {
			continue;
		}
		if (e >= 1 && e <= keep && push(r, s))
			break;
	}
	fclose(f);
}

static int rewrite(struct report *r, char *msg, size_t msglen)
{
	struct danp_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	if (r->json) {
		fprintf(f, "{\n%s,\n  \"epochs\": [\n", r->header);
		for (size_t i = 0; i < r->n; i++)
			fprintf(f, "    %s%s\n", r->rows[i], i + 1 < r->n ? "," : "");
		fprintf(f, "  ]\n}\n");
	} else {
		fprintf(f, "epoch,train_loss,train_acc,train_acc_noisy,test_loss,"
			"test_acc,test_acc_noisy,seconds,samples_per_s,"
			"noise_values,cosine\n");
		for (size_t i = 0; i < r->n; i++)
			fprintf(f, "%s\n", r->rows[i]);
	}
	if (fclose(f)) {
		free(buf);
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	ret = danp_write_atomic(r->path, buf, len, &err);
	if (ret)
		snprintf(msg, msglen, "%s", err.msg);
	free(buf);
	return ret;
}

int report_open(struct report **out, const char *path, int json,
		const char *header_json, unsigned int keep_epochs,
		char *msg, size_t msglen)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r || !(r->path = strdup(path)) ||
	    !(r->header = strdup(header_json ? header_json : ""))) {
		if (r)
			free(r->path);
		free(r);
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	r->json = json;
	if (keep_epochs)
		reload(r, keep_epochs);
	*out = r;
	return rewrite(r, msg, msglen);
}

int report_add(struct report *r, const struct epoch_row *e, int cosine,
	       char *msg, size_t msglen)
{
	char line[1024], cos[32] = "";

	if (cosine)
		snprintf(cos, sizeof(cos), "%.5f", e->cosine);
	if (r->json)
		snprintf(line, sizeof(line),
			 "{ \"epoch\": %u, \"train_loss\": %.6f, \"train_acc\": %.5f, "
			 "\"train_acc_noisy\": %.5f, \"test_loss\": %.6f, "
			 "\"test_acc\": %.5f, \"test_acc_noisy\": %.5f, "
			 "\"seconds\": %.3f, \"samples_per_s\": %.1f, "
			 "\"noise_values\": %llu, \"cosine\": %s, "
			 "\"serial_fraction\": %.3f, \"split_fallbacks\": %llu }",
			 e->epoch, e->train_loss, e->train_acc, e->train_acc_noisy,
			 e->test_loss, e->test_acc, e->test_acc_noisy, e->seconds,
			 e->samples_per_s, (unsigned long long)e->noise_values,
			 cosine ? cos : "null", e->serial_fraction,
			 (unsigned long long)e->split_fallbacks);
	else
		snprintf(line, sizeof(line), "%u,%.6f,%.5f,%.5f,%.6f,%.5f,%.5f,"
			 "%.3f,%.1f,%llu,%s", e->epoch, e->train_loss, e->train_acc,
			 e->train_acc_noisy, e->test_loss, e->test_acc,
			 e->test_acc_noisy, e->seconds, e->samples_per_s,
			 (unsigned long long)e->noise_values, cos);
	if (push(r, line)) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	return rewrite(r, msg, msglen);
}

void json_escape(char *out, size_t len, const char *s)
{
	size_t k = 0;

	for (; *s && k + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[k++] = '\\';
			out[k++] = (char)c;
		} else if (c < 0x20) {
			k += (size_t)snprintf(out + k, len - k, "\\u%04x", c);
		} else {
			out[k++] = (char)c;
		}
	}
	out[k] = '\0';
}

void report_close(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->rows[i]);
	free(r->rows);
	free(r->header);
	free(r->path);
	free(r);
}
