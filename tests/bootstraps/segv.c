/* segv: crashes during init (a NULL dereference), as a faulty runtime would. */
int main(void)
{
	volatile int *p = (int *)0;

	return *p;
}
