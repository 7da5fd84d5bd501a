#include "svg.h"
