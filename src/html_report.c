#include "html_report.h"
