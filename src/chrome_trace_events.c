// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Chrome trace: one kernel event -> its trace event. See chrome_trace_rec.h. */
#include "chrome_trace_rec.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include "breakdown.h"

#define RSS_SERIES "peak (sampled once, at exit)"

size_t ctrace_sanitize(const unsigned char *in, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = in[i];
		size_t need = 0;
		unsigned char lo = 0x80, hi = 0xbf;	/* range of the 2nd byte */

		if (c < 0x80) {
			bool ok = c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');

			out[o++] = ok ? (char)c : '?';
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* no overlong forms */
			else if (c == 0xed)
				hi = 0x9f;	/* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;	/* <= U+10FFFF */
		}
		if (need && i + need < n) {	/* the whole sequence was captured */
			bool ok = in[i + 1] >= lo && in[i + 1] <= hi;

			for (size_t k = 2; ok && k <= need; k++)
				ok = in[i + k] >= 0x80 && in[i + k] <= 0xbf;
			if (ok) {
				memcpy(out + o, in + i, need + 1);
				o += need + 1;
				i += need + 1;
				continue;
			}
		}
		out[o++] = '?';
		i++;
	}
	out[o] = '\0';
	return o;
}

const char *ctrace_api_syscall(uint32_t type)
{
	switch (type) {
	case PROF_EV_CONNECT:
		return "connect";
	case PROF_EV_WRITE:
		return "write";
	case PROF_EV_READ:
		return "read";
	case PROF_EV_CLOSE:
		return "close";
	default:
		return NULL;
	}
}

int ctrace_add_api_syscall(struct ctrace *w, struct httpclass_conn *hc,
			   const struct prof_event *e)
{
	const char *name = ctrace_api_syscall(e->type);
	struct jw jw = { 0 };
	cJSON *a = jw_root(&jw);
	char buf[PROF_CAPTURE_LEN + 1];
	char iname[64];
	char *txt;

	jw_int(&jw, a, "fd", e->fd);
	jw_uint(&jw, a, "conn_id", e->conn_id);
	jw_int(&jw, a, "ret", e->ret);
	if (e->type == PROF_EV_WRITE || e->type == PROF_EV_READ)
		jw_uint(&jw, a, "bytes", e->arg);
	if (e->type == PROF_EV_CONNECT)
		jw_str(&jw, a, "family", e->flags & PROF_F_IPV6 ? "ipv6" : "ipv4");
	if (e->type == PROF_EV_WRITE) {
		size_t cap = e->cap_len < PROF_CAPTURE_LEN ? e->cap_len : PROF_CAPTURE_LEN;

		if (e->ret > 0 && hc) {
			enum rapi_req req;
			bool starts = false;

			req = httpclass_feed(hc, e->data, cap, (size_t)e->ret, &starts);
			if (req != RAPI_REQ_NONE)
				jw_str(&jw, a, "request", rapi_req_name(req));
			jw_bool(&jw, a, "starts_request", starts);
		}
		ctrace_sanitize(e->data, cap, buf);
		jw_str(&jw, a, "data", buf);
		jw_bool(&jw, a, "capture_truncated", (uint64_t)cap < e->arg);
		if (e->flags & PROF_F_CAPTURE_FAULT)
			jw_bool(&jw, a, "capture_fault", true);
	}
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	if (e->end_ns && e->end_ns >= e->ts_ns)
		return ctrace_push(w, 'X', "syscall", name, e->tgid, e->pid, e->ts_ns,
				   e->end_ns - e->ts_ns, txt);
	snprintf(iname, sizeof(iname), "%s (no return seen)", name);
	return ctrace_push(w, 'i', "syscall", iname, e->tgid, e->pid, e->ts_ns, 0, txt);
}

int ctrace_add_instant(struct ctrace *w, const struct prof_event *e)
{
	struct jw jw = { 0 };
	cJSON *a = jw_root(&jw);
	const char *name;
	char buf[PROF_CAPTURE_LEN + 1];
	char *txt;

	switch (e->type) {
	case PROF_EV_EXEC_ENTER: {
		size_t cap = e->cap_len < PROF_CAPTURE_LEN ? e->cap_len : PROF_CAPTURE_LEN;

		name = "exec_enter";
		ctrace_sanitize(e->data, strnlen((const char *)e->data, cap), buf);
		jw_str(&jw, a, "filename", buf);
		if (e->flags & PROF_F_CAPTURE_FAULT)
			jw_bool(&jw, a, "capture_fault", true);
		break;
	}
	case PROF_EV_EXEC_DONE:
		name = "exec_done";
		ctrace_sanitize((const unsigned char *)e->comm, strnlen(e->comm, PROF_COMM_LEN),
				buf);
		jw_str(&jw, a, "comm", buf);
		break;
	case PROF_EV_EXEC_FAIL:
		name = "exec_fail";
		jw_int(&jw, a, "ret", e->ret);
		break;
	case PROF_EV_FORK:
		name = "fork";
		jw_uint(&jw, a, "child", e->arg);
		jw_str(&jw, a, "kind", e->flags & PROF_F_THREAD ? "thread" : "process");
		break;
	case PROF_EV_EXIT: {
		int st = (int)e->arg;

		name = "exit";
		jw_int(&jw, a, "status", st);
		if (WIFEXITED(st))
			jw_int(&jw, a, "exit_code", WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			jw_int(&jw, a, "signal", WTERMSIG(st));
		jw_uint(&jw, a, "threads", e->threads);
		if (e->rss_peak_kb)
			jw_uint(&jw, a, "rss_peak_kb", e->rss_peak_kb);
		else
			jw_null(&jw, a, "rss_peak_kb");
		jw_uint(&jw, a, "min_flt", e->min_flt);
		jw_uint(&jw, a, "maj_flt", e->maj_flt);
		jw_uint(&jw, a, "read_bytes", e->read_bytes);
		break;
	}
	case PROF_EV_IO_URING:
		name = "io_uring";
		jw_str(&jw, a, "note", "io_uring traffic bypasses the syscall tracepoints");
		break;
	default:
		cJSON_Delete(a);
		return 0;	/* unknown type: nothing to show */
	}
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	return ctrace_push(w, 'i', "process", name, e->tgid, e->pid, e->ts_ns, 0, txt);
}

int ctrace_add_rss(struct ctrace *w, const char *name, const char *series, uint32_t tgid,
		   uint64_t ts, uint64_t kb)
{
	struct jw jw = { 0 };
	cJSON *a = jw_root(&jw);
	char *txt;

	jw_uint(&jw, a, series, kb);
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	return ctrace_push(w, 'C', "memory", name, tgid, tgid, ts, 0, txt);
}

int ctrace_add_exit_rss(struct ctrace *w, const struct prof_event *e)
{
	if (!e->rss_peak_kb)
		return 0;
	return ctrace_add_rss(w, "rss_kb", RSS_SERIES, e->tgid, e->ts_ns, e->rss_peak_kb);
}

int ctrace_add_bd_syscall(struct ctrace *w, const struct prof_event *e)
{
	const char *nm = bd_syscall_name((int)e->arg);
	struct jw jw = { 0 };
	cJSON *a = jw_root(&jw);
	char name[32], *txt;

	jw_uint(&jw, a, "nr", e->arg);
	jw_int(&jw, a, "ret", e->ret);
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	if (nm)
		snprintf(name, sizeof(name), "%s", nm);
	else
		snprintf(name, sizeof(name), "syscall_%llu", (unsigned long long)e->arg);
	return ctrace_push(w, 'X', "syscall", name, e->tgid, e->pid, e->ts_ns,
			   e->end_ns >= e->ts_ns ? e->end_ns - e->ts_ns : 0, txt);
}
