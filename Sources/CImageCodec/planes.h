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

/* The other way, for the encoders: the row starting at sample `offset` of planes of `plane`
 * values (red, green, blue, then alpha when it is not NULL), interleaved into 8-bit RGB or RGBA
 * with the arithmetic of torchvision's save_image (mul 255, add 0.5, clamp, truncate). */
void icc_planes_to_row8(const float *rgb, const float *alpha, size_t plane, size_t offset, uint32_t width, uint8_t *row);

void icc_set_status(icc_status *status, int code, const char *message);

#endif
