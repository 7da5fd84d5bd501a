#include "lambda_perf.h"
