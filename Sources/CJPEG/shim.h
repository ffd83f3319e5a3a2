// jpeglib.h expects stdio.h and stddef.h to be included first.
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>
