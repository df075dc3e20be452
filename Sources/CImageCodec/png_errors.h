#ifndef ICC_PNG_ERRORS_H
#define ICC_PNG_ERRORS_H

#include <png.h>

/* libpng error callbacks shared by the decoder and the encoder: an error records its
 * message in the icc_status passed as libpng's error pointer and longjmps back to the
 * setjmp of the call in progress; warnings are dropped. */
void icc_on_png_error(png_structp png, png_const_charp message);
void icc_on_png_warning(png_structp png, png_const_charp message);

#endif
