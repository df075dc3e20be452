#ifndef ICC_PLANES_H
#define ICC_PLANES_H

#include <stddef.h>
#include <stdint.h>
#include "CImageCodec.h"

/* A decoded row, converted to what the row sink receives: planar floats in [0, 1], the red,
 * green and blue rows of `width` values one after another at `rgb`, and the alpha row at
 * `alpha` (NULL when the image has none). */

/* `channels`: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
void icc_row8_to_planes(const uint8_t *row, uint32_t width, int channels, float *rgb, float *alpha);
/* Samples are big-endian, as libpng delivers them. */
void icc_row16_to_planes(const uint8_t *row, uint32_t width, int channels, float *rgb, float *alpha);
/* `inverted` is Adobe's convention, where 0 means full ink. */
void icc_row_cmyk_to_planes(const uint8_t *row, uint32_t width, int inverted, float *rgb);

void icc_set_status(icc_status *status, int code, const char *message);

#endif
