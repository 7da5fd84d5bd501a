#include "httpclass.h"
