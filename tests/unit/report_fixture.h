/* Shared by the unit tests of the SVG and HTML report modules: a strict
 * well-formedness checker (no libxml2 here) and a results fixture. */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

/* ------------------------------------------------------------------------ */
/* a strict well-formedness checker (a subset of XML 1.0 that our output uses) */

struct xcheck {
	char err[200];
	size_t n_elements, roots;
};

static __attribute__((unused)) bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.';
}

/* "&...;" at s: a known entity or a character reference. Returns its length, 0 if invalid. */
static __attribute__((unused)) size_t entity_len(const char *s)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strncmp(s, named[i], strlen(named[i])))
			return strlen(named[i]);
	if (s[1] == '#') {
		i = 2;
		if (s[2] == 'x')
			i++;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i > 2 && s[i] == ';')
			return i + 1;
	}
	return 0;
}

static __attribute__((unused)) bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0)
			return false;
		p++;
		while (n--)
			if ((*p++ & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* 0 when doc is well-formed: balanced tags, one root, quoted attributes, no raw
 * '<' or bare '&' in text or attribute values, no control characters. */
static __attribute__((unused)) int xml_check(const char *doc, struct xcheck *x)
{
	char stack[64][32];
	size_t depth = 0;
	const char *p = doc;

	memset(x, 0, sizeof(*x));
	if (!valid_utf8(doc)) {
		snprintf(x->err, sizeof(x->err), "invalid UTF-8");
		return -1;
	}
#define XFAIL(...) do { snprintf(x->err, sizeof(x->err), __VA_ARGS__); \
			snprintf(x->err + strlen(x->err), sizeof(x->err) - strlen(x->err), \
				 " at offset %zu", (size_t)(p - doc)); return -1; } while (0)
	while (*p) {
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			XFAIL("control character");
		if (*p == '&') {
			size_t n = entity_len(p);

			if (!n)
				XFAIL("bare '&'");
			p += n;
			continue;
		}
		if (*p == '>')
			XFAIL("raw '>' in text");
		if (*p != '<') {
			if (!depth && *p != ' ' && *p != '\n' && *p != '\t')
				XFAIL("text outside the root element");
			p++;
			continue;
		}
		if (!strncmp(p, "<?", 2)) {
			const char *e = strstr(p, "?>");

			if (!e || p != doc)
				XFAIL("processing instruction not at the start");
			p = e + 2;
			continue;
		}
		if (!strncmp(p, "<!--", 4)) {
			const char *e = strstr(p, "-->");

			if (!e)
				XFAIL("unterminated comment");
			p = e + 3;
			continue;
		}
		if (!strncmp(p, "<!DOCTYPE", 9)) {
			const char *e = strchr(p, '>');

			if (!e || depth || x->roots)
				XFAIL("misplaced DOCTYPE");
			p = e + 1;
			continue;
		}
		if (p[1] == '/') {
			char name[32];
			size_t n = 0;

			p += 2;
			while (name_char(*p) && n < sizeof(name) - 1)
				name[n++] = *p++;
			name[n] = '\0';
			if (*p != '>')
				XFAIL("bad end tag </%s", name);
			if (!depth || strcmp(stack[depth - 1], name))
				XFAIL("end tag </%s> does not match <%s>", name,
				      depth ? stack[depth - 1] : "(none)");
			depth--;
			p++;
			continue;
		}
		{
			char name[32];
			size_t n = 0;

			p++;
			while (name_char(*p) && n < sizeof(name) - 1)
				name[n++] = *p++;
			name[n] = '\0';
			if (!n)
				XFAIL("raw '<' or empty tag name");
			if (!depth) {
				if (x->roots)
					XFAIL("second root element <%s>", name);
				x->roots++;
			}
			x->n_elements++;
			for (;;) {
				while (*p == ' ' || *p == '\n' || *p == '\t')
					p++;
				if (*p == '>') {
					if (depth == sizeof(stack) / sizeof(stack[0]))
						XFAIL("too deep");
					strcpy(stack[depth++], name);
					p++;
					break;
				}
				if (p[0] == '/' && p[1] == '>') {
					p += 2;
					break;
				}
				if (!name_char(*p))
					XFAIL("bad attribute in <%s>", name);
				while (name_char(*p))
					p++;
				if (p[0] != '=' || p[1] != '"')
					XFAIL("unquoted attribute in <%s>", name);
				p += 2;
				while (*p && *p != '"') {
					if (*p == '<')
						XFAIL("'<' in an attribute of <%s>", name);
					if (*p == '&') {
						size_t e = entity_len(p);

						if (!e)
							XFAIL("bare '&' in an attribute of <%s>", name);
						p += e;
						continue;
					}
					p++;
				}
				if (!*p)
					XFAIL("unterminated attribute in <%s>", name);
				p++;
			}
		}
	}
	if (depth)
		XFAIL("<%s> not closed", stack[depth - 1]);
	if (x->roots != 1)
		XFAIL("no root element");
#undef XFAIL
	return 0;
}

static __attribute__((unused)) void assert_well_formed(const char *doc)
{
	struct xcheck x;

	if (xml_check(doc, &x)) {
		print_error("not well-formed: %s\n", x.err);
		fail();
	}
}

static __attribute__((unused)) size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

#define assert_contains(hay, needle)						\
	do {									\
		if (!strstr((hay), (needle))) {					\
			print_error("missing: %s\n", (needle));			\
			fail();							\
		}								\
	} while (0)

/* ------------------------------------------------------------------------ */
/* fixtures                                                                   */

/* Five successes with known phases and one failure. Phases of cold start i (0..4):
 * total 10+i*2.5, init 6+i, handler 1+i*0.25, exec 0.5+i*0.1, connect 0.2,
 * wait 0.5; connect starts 1.5+i ms after exec_enter (kernel marks). */
static __attribute__((unused)) void make_results(struct results *r, const char *runtime, bool ebpf)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	snprintf(r->runtime, sizeof(r->runtime), "%s", runtime);
	r->memory_mb = 128;
	snprintf(r->arch, sizeof(r->arch), "x86_64");
	snprintf(r->timing_source, sizeof(r->timing_source), "%s", ebpf ? "ebpf" : "userspace");
	r->n_inv = 6;
	r->inv = calloc(r->n_inv, sizeof(*r->inv));
	assert_non_null(r->inv);
	for (i = 0; i < 5; i++) {
		struct invocation *v = &r->inv[i];

		v->index = (int)i + 1;
		v->outcome = INV_OK;
		v->total_ms = 10 + (double)i * 2.5;
		v->init_ms = 6 + (double)i;
		v->handler_ms = 1 + (double)i * 0.25;
		v->exec_ms = ebpf ? 0.5 + (double)i * 0.1 : -1;
		v->connect_ms = ebpf ? 0.2 : -1;
		v->wait_ms = ebpf ? 0.5 : -1;
		v->memory_kb = 1000 + i * 100;
		if (ebpf) {
			v->k.exec_enter = 1000000000ull;
			v->k.connect_start = v->k.exec_enter + 1500000ull + i * 1000000ull;
		}
	}
	r->inv[5].index = 6;
	r->inv[5].outcome = INV_EXITED;
	r->inv[5].total_ms = 99;	/* must not count */
	snprintf(r->inv[5].reason, sizeof(r->inv[5].reason), "exited with code 3");
	results_compute_stats(r);
}

#endif
