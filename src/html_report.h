#ifndef HTML_REPORT_H
#define HTML_REPORT_H
#endif
