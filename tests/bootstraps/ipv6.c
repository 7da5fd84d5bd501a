/* ipv6: per_request.c connecting to [::1] on the port of AWS_LAMBDA_RUNTIME_API. */
#define USE_IPV6 1
#include "per_request.c"
