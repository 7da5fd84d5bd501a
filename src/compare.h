/*
 * Statistics for comparisons: sample summaries, the ratio of two means with
 * its propagated error, Welch's t-test (Student t distribution through the
 * regularized incomplete beta function), the regression gate, and the
 * built-in lambda-perf baselines. Pure.
 */
#ifndef COMPARE_H
#define COMPARE_H
#include <stdbool.h>
#include <stddef.h>

#include "results.h"
#include "results_query.h"

/* p below this is "significant" */
#define COMPARE_ALPHA 0.05

struct sample_summary {
	size_t n;
	double mean;
	double sd;		/* sample standard deviation (n-1); 0 when n < 2 */
};

/* Summary of v[0..n-1]; n == 0 gives {0, NAN, NAN}. */
void summary_of(const double *v, size_t n, struct sample_summary *out);

/* Regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1];
 * NAN for arguments outside that. Continued fraction (modified Lentz),
 * relative accuracy about 1e-14. */
double reg_inc_beta(double a, double b, double x);

/* Two-sided p-value of Student's t: P(|T| >= |t|) with df > 0 degrees of
 * freedom (df need not be an integer) = I_{df/(df+t^2)}(df/2, 1/2).
 * NAN for df <= 0 or NAN arguments; |t| = inf gives 0. */
double student_t_p2(double t, double df);

struct welch {
	bool valid;	/* false: fewer than 2 samples on a side (no test) */
	double t;	/* (mean_b - mean_a) / sqrt(sd_a^2/n_a + sd_b^2/n_b); +-INF with no variance */
	double df;	/* Welch-Satterthwaite; NAN when both variances are 0 */
	double p;	/* two-sided */
};

/* Welch's unequal-variances t-test of B against A. With both standard
 * deviations 0 the test degenerates: p = 1 if the means are equal, else 0
 * (every sample differs by the same amount). Returns 0, or -1 (out->valid
 * false) when a side has fewer than 2 samples. */
int welch_test(const struct sample_summary *a, const struct sample_summary *b, struct welch *out);

/* r = mean_b / mean_a with its 1-sigma error propagated from the standard
 * errors of the two means (first order, independent samples):
 *   sigma_r = |r| * sqrt((se_a/mean_a)^2 + (se_b/mean_b)^2),  se = sd/sqrt(n).
 * Returns -1 (r and sigma NAN) when a side is empty or a mean is 0. */
int ratio_with_error(const struct sample_summary *a, const struct sample_summary *b,
		     double *r, double *sigma);

/* One of the per-cold-start figures (results_query.h) compared A vs B. */
struct ab_metric {
	enum results_metric id;
	struct sample_summary a, b;
	bool has_ratio;
	double ratio, ratio_err;	/* B/A +- 1 sigma */
	double change_pct;		/* (B/A - 1) * 100 */
	struct welch w;
	bool significant;		/* w.valid && w.p < COMPARE_ALPHA */
};

/* Compare one metric of two results. Returns 0, or -1 on allocation failure. */
int ab_compare(const struct results *a, const struct results *b, enum results_metric id,
	       struct ab_metric *out);

/* The regression gate: true when B's mean is larger than A's by more than
 * max_pct percent AND the difference is significant (p < COMPARE_ALPHA). */
bool ab_regressed(const struct ab_metric *m, double max_pct);

/* Built-in baselines: published lambda-perf figures (acd, the mean Init
 * Duration of 10 cold starts), 128 MB, x86_64, from the 2024-12-31 data set.
 * Each entry names its function and package type as in that file. */
struct builtin_baseline {
	const char *name;	/* short name, as the user's guide lists it */
	const char *display;	/* lambda-perf's "d" */
	const char *function;	/* lambda-perf's "r" */
	const char *package;	/* lambda-perf's "p" */
	double acd;		/* ms, as published */
	unsigned n;		/* cold starts behind acd (the entry's i[]) */
};

#define BUILTIN_BASELINE_SOURCE "lambda-perf 2024-12-31"
#define BUILTIN_BASELINE_DATE "2024-12-31T14:00:11.181Z"
#define BUILTIN_BASELINE_MEMORY_MB 128
#define BUILTIN_BASELINE_ARCH "x86_64"

extern const struct builtin_baseline builtin_baselines[];
extern const size_t n_builtin_baselines;

/* results_read_file() for the commands: messages name the file
 * ("PATH: invalid JSON at line 3, column 5"), and a results file without a
 * successful cold start is an error ("PATH: No measurements found in results
 * file (all 3 cold starts failed)"). Returns 0, or -1 with r freed. */
int compare_read_results(const char *path, struct results *r, char *err, size_t errlen);
/* The same, also giving what the file recorded of itself (results_query.h) in *rec. */
int compare_read_results_recorded(const char *path, struct results *r,
				  struct results_recorded *rec, char *err, size_t errlen);

/* compare --target: the figure the target is on and whether it is met. It is the file's own
 * stats.avg_ms when the file has one (rec), which must be the mean of its measurements'
 * total_ms within the file's rounding (results_recorded_check); for a file without stats
 * (made from trace's records, say), the mean of the measurements, named so. */
struct target_check {
	const char *metric;	/* what avg_ms is: "stats.avg_ms" or "mean of measurements[].total_ms" */
	double avg_ms;		/* NAN when no total was measured */
	bool met;		/* avg_ms < target_ms */
};

/* Returns 0, or -1 with the reason in err when the file's stats.avg_ms is not its mean. */
int target_check(const struct results *r, const struct results_recorded *rec, double target_ms,
		 struct target_check *out, char *err, size_t errlen);

/* How our figure relates to a baseline's: factor >= 1 and whether ours is
 * lower. Returns -1 when either is not a positive finite number. */
int speed_factor(double ours, double theirs, double *factor, bool *ours_lower);
#endif
