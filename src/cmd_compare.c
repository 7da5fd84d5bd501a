#include "cmd.h"

int cmd_compare(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return err_usage("compare: not implemented yet");
}
