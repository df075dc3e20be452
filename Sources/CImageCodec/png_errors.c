#include "png_errors.h"
#include "planes.h"

void icc_on_png_error(png_structp png, png_const_charp message) {
    icc_set_status((icc_status *)png_get_error_ptr(png), ICC_ERROR, message);
    png_longjmp(png, 1);
}

void icc_on_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}
