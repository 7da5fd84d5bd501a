/* hog300: touches 300 MiB during init: more than a 128 MB function may use. */
#define BIGMEM_BYTES (300u << 20)
#include "bigmem.c"
