#ifndef LAMBDA_PERF_H
#define LAMBDA_PERF_H
#endif
