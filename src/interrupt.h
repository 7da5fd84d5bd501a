/*
 * Ctrl-C and SIGTERM as a request to stop: the handler records the signal and
 * the loops of benchmark and trace read it between two steps, so that what was
 * measured is still written. The process's one signal-handler flag.
 */
#ifndef INTERRUPT_H
#define INTERRUPT_H

/* From now on SIGINT and SIGTERM ask to stop instead of ending the process. */
void interrupt_catch(void);

/* The signal that asked to stop (SIGINT or SIGTERM), 0 while none has. */
int interrupt_signal(void);
#endif
