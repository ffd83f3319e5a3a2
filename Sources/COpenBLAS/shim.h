// Debian's libopenblas-dev installs cblas.h through update-alternatives.
#include <cblas.h>
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
