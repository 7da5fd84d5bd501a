// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* SIGINT/SIGTERM -> a stop request that the run loops read. */
#include "interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

void interrupt_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int interrupt_signal(void)
{
	return stop_sig;
}
