#ifndef TRACE_EVENT_H
#define TRACE_EVENT_H
#endif
