#include "rapi.h"
