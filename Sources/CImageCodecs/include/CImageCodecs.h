#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
// C glue over libjpeg-turbo, libpng and libwebp, whose error handling uses setjmp/longjmp.
#endif
