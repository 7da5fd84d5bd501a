#include "results.h"
