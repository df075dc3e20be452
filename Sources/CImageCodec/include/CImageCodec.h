#ifndef CIMAGECODEC_H
#define CIMAGECODEC_H
#include <stddef.h>
#endif
