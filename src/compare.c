#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Published lambda-perf figures, from its data file of 2024-12-31
 * (metadata.generatedAt 2024-12-31T14:00:11.181Z), 128 MB, x86_64. The
 * user's guide rounds them to 13.54, 16.98, 45.77 and 86.33 ms; these are the
 * file's own values. The Go and Swift figures the guide lists are the
 * container-image deployments ("p":"image") of that file: its zip ones are
 * 47.869 ms (go, prov.al2) and 123.329 ms (swift 5.8, prov.al2). Each entry
 * says which one it is. tests/unit/test_compare.c checks them against the file.
 */
const struct builtin_baseline builtin_baselines[] = {
	{ "C++ 11", "c++ 11 (prov.al2)",
	  "lambda-perf-cpp11_on_provided_al2-zip-128-x86_64", "zip", 13.539, 10 },
	{ "Rust", "rust (prov.al2023)",
	  "lambda-perf-rust_on_provided_al2023-zip-128-x86_64", "zip", 16.983, 10 },
	{ "Go", "go (prov.al2)",
	  "lambda-perf-go_on_provided_al2-image-128-x86_64", "image", 45.769, 10 },
	{ "Swift 5.8", "apple swift 5.8 (prov.al2)",
	  "lambda-perf-swift58_on_provided_al2-image-128-x86_64", "image", 86.333, 10 },
};

const size_t n_builtin_baselines = sizeof(builtin_baselines) / sizeof(builtin_baselines[0]);

void summary_of(const double *v, size_t n, struct sample_summary *out)
{
	double sum = 0, ss = 0, mean;
	size_t i;

	out->n = n;
	if (!n || !v) {
		out->n = 0;
		out->mean = out->sd = NAN;
		return;
	}
	for (i = 0; i < n; i++)
		sum += v[i];
	mean = sum / (double)n;
	/* two passes: no cancellation */
	for (i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	out->mean = mean;
	out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

/*
 * Continued fraction of I_x(a,b) (the classical expansion, convergent for
 * x < (a+1)/(a+b+2)), evaluated forward with the modified Lentz method:
 *   I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * 1/(1+ d1/(1+ d2/(1+ ...)))
 *   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))
 *   d_{2m}   =  m(b-m) x / ((a+2m-1)(a+2m))
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1.0, d, f;
	int m;

	d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	f = d;
	for (m = 1; m <= 1000; m++) {
		double num, delta;

		/* even step d_{2m} */
		num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
		d = 1.0 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		f *= d * c;
		/* odd step d_{2m+1} */
		num = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
		d = 1.0 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		delta = d * c;
		f *= delta;
		if (fabs(delta - 1.0) < eps)
			break;
	}
	return f;
}

double reg_inc_beta(double a, double b, double x)
{
	double ln_front;

	if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1) || !isfinite(a) || !isfinite(b))
		return NAN;
	if (x == 0)
		return 0;
	if (x == 1)
		return 1;
	/* log of x^a (1-x)^b / B(a,b) */
	ln_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(ln_front) * beta_cf(a, b, x) / a;
	/* symmetry I_x(a,b) = 1 - I_{1-x}(b,a), where the fraction converges fast */
	return 1.0 - exp(ln_front) * beta_cf(b, a, 1.0 - x) / b;
}

double student_t_p2(double t, double df)
{
	double x, p;

	if (isnan(t) || isnan(df) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	if (t == 0)
		return 1;
	/* df/(df+t^2) without overflow for large t */
	x = df / (df + t * t);
	if (isinf(df))	/* the normal limit */
		return erfc(fabs(t) / sqrt(2.0));
	p = reg_inc_beta(df / 2.0, 0.5, x);
	if (p < 0)
		p = 0;
	if (p > 1)
		p = 1;
	return p;
}

int welch_test(const struct sample_summary *a, const struct sample_summary *b, struct welch *out)
{
	double va, vb, se;

	out->valid = false;
	out->t = out->df = out->p = NAN;
	if (!a || !b || a->n < 2 || b->n < 2)
		return -1;
	out->valid = true;
	va = a->sd * a->sd / (double)a->n;	/* squared standard errors */
	vb = b->sd * b->sd / (double)b->n;
	se = sqrt(va + vb);
	if (se == 0) {
		if (b->mean == a->mean) {
			out->t = 0;
			out->p = 1;
		} else {
			out->t = b->mean > a->mean ? INFINITY : -INFINITY;
			out->p = 0;
		}
		return 0;
	}
	out->t = (b->mean - a->mean) / se;
	out->df = (va + vb) * (va + vb) /
		  (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	out->p = student_t_p2(out->t, out->df);
	return 0;
}

int ratio_with_error(const struct sample_summary *a, const struct sample_summary *b,
		     double *r, double *sigma)
{
	double ra, rb;

	*r = *sigma = NAN;
	if (!a || !b || !a->n || !b->n || !isfinite(a->mean) || !isfinite(b->mean) ||
	    a->mean == 0 || b->mean == 0)
		return -1;
	*r = b->mean / a->mean;
	ra = a->sd / sqrt((double)a->n) / a->mean;	/* relative standard errors */
	rb = b->sd / sqrt((double)b->n) / b->mean;
	*sigma = fabs(*r) * sqrt(ra * ra + rb * rb);
	return 0;
}

int ab_compare(const struct results *a, const struct results *b, enum results_metric id,
	       struct ab_metric *out)
{
	double *va = NULL, *vb = NULL;
	long na, nb;

	memset(out, 0, sizeof(*out));
	out->id = id;
	na = results_samples(a, id, &va);
	nb = results_samples(b, id, &vb);
	if (na < 0 || nb < 0) {
		free(va);
		free(vb);
		return -1;
	}
	summary_of(va, (size_t)na, &out->a);
	summary_of(vb, (size_t)nb, &out->b);
	free(va);
	free(vb);
	out->has_ratio = ratio_with_error(&out->a, &out->b, &out->ratio, &out->ratio_err) == 0;
	out->change_pct = out->has_ratio ? (out->ratio - 1.0) * 100.0 : NAN;
	welch_test(&out->a, &out->b, &out->w);
	out->significant = out->w.valid && out->w.p < COMPARE_ALPHA;
	return 0;
}

bool ab_regressed(const struct ab_metric *m, double max_pct)
{
	if (!m || !m->has_ratio || !m->significant)
		return false;
	return m->b.mean > m->a.mean && m->change_pct > max_pct;
}

int target_check(const struct results *r, const struct results_recorded *rec, double target_ms,
		 struct target_check *out, char *err, size_t errlen)
{
	out->metric = "stats.avg_ms";
	out->avg_ms = NAN;
	out->met = false;
	/* a gate on a figure nobody measured would pass anything */
	if (results_recorded_check(r, rec, err, errlen))
		return -1;
	if (rec && isfinite(rec->avg_ms)) {
		out->avg_ms = rec->avg_ms;
	} else {
		out->metric = "mean of measurements[].total_ms";
		out->avg_ms = r && r->total.n ? r->total.avg : NAN;
	}
	out->met = isfinite(out->avg_ms) && out->avg_ms < target_ms;
	return 0;
}

int speed_factor(double ours, double theirs, double *factor, bool *ours_lower)
{
	if (!isfinite(ours) || !isfinite(theirs) || !(ours > 0) || !(theirs > 0))
		return -1;
	*ours_lower = ours < theirs;
	*factor = ours < theirs ? theirs / ours : ours / theirs;
	return 0;
}

int compare_read_results(const char *path, struct results *r, char *err, size_t errlen)
{
	return compare_read_results_recorded(path, r, NULL, err, errlen);
}

int compare_read_results_recorded(const char *path, struct results *r,
				  struct results_recorded *rec, char *err, size_t errlen)
{
	char msg[512];

	if (results_read_file_recorded(path, r, rec, msg, sizeof(msg))) {
		if (err && errlen) {
			if (path && strstr(msg, path))
				snprintf(err, errlen, "%s", msg);
			else
				snprintf(err, errlen, "%s: %s", path ? path : "(none)", msg);
		}
		return -1;
	}
	if (!r->n_ok) {
		if (err && errlen)
			snprintf(err, errlen, "%s: No measurements found in results file "
				 "(all %zu cold starts failed)", path, r->n_inv);
		results_free(r);
		return -1;
	}
	return 0;
}
