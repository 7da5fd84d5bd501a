/* Facts about a bootstrap file: ELF class/machine, static or dynamic, stripped; or a script. */
#ifndef ELF_INFO_H
#define ELF_INFO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_facts {
	uint64_t size_bytes;
	bool is_elf;
	bool is_script;		/* starts with #! */
	char interpreter[256];	/* PT_INTERP, or the shebang's program */
	int elf_class;		/* 32 or 64 */
	unsigned machine;	/* e_machine */
	char arch[16];		/* "x86_64", "arm64", or "" for others */
	bool is_static;		/* ELF without PT_INTERP */
	bool stripped;		/* ELF without .symtab */
	bool has_debug;		/* .debug_* sections */
};

/* Inspect path. Returns 0, or -1 with one line in err (unreadable, truncated ELF, ...). */
int elf_inspect(const char *path, struct elf_facts *f, char *err, size_t errlen);

/* Lambda's name of the host architecture: "x86_64", "arm64", or uname's. */
const char *host_arch(void);
#endif
