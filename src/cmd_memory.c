#include "cmd.h"

int cmd_memory(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return err_usage("memory: not implemented yet");
}
