/*
 * attach: load a BPF object, attach every program in it, print "attached", and keep
 * them attached until a signal ends the process (the kernel detaches them then).
 *
 *   attach FILE.bpf.o &  ...  kill $!
 */
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_program *p;
	struct bpf_object *o;

	if (argc != 2) {
		fprintf(stderr, "usage: attach FILE.bpf.o\n");
		return 2;
	}
	o = bpf_object__open_file(argv[1], NULL);
	if (!o || bpf_object__load(o)) {
		fprintf(stderr, "attach: cannot load %s\n", argv[1]);
		return 1;
	}
	bpf_object__for_each_program(p, o) {
		if (!bpf_program__attach(p)) {
			fprintf(stderr, "attach: cannot attach %s\n", bpf_program__name(p));
			return 1;
		}
	}
	printf("attached\n");
	fflush(stdout);
	for (;;)
		pause();
}
