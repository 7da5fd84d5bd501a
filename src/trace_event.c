#include "trace_event.h"
