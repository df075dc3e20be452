#ifndef ICC_PLANES_H
#define ICC_PLANES_H

#include <stddef.h>
#include <stdint.h>
#include "CImageCodec.h"

/* Destination for decoded rows: planar float, written in the final (EXIF-rotated)
 * layout so that no full-size intermediate copy is needed. Source pixel (x, y)
 * lands at index base + x * step_x + y * step_y of each plane. */
typedef struct icc_planes {
    float *rgb;
    float *alpha;
    size_t plane;
    ptrdiff_t base;
    ptrdiff_t step_x;
    ptrdiff_t step_y;
    float scale8[256];
} icc_planes;

/* Returns 0 when width * height overflows. */
int icc_planes_init(icc_planes *planes, float *rgb, float *alpha,
                    uint32_t width, uint32_t height, int orientation);
/* `channels`: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
void icc_store_row8(const icc_planes *planes, const uint8_t *row, uint32_t y,
                    uint32_t width, int channels);
/* Samples are big-endian, as libpng delivers them. */
void icc_store_row16(const icc_planes *planes, const uint8_t *row, uint32_t y,
                     uint32_t width, int channels);
/* `inverted` is Adobe's convention, where 0 means full ink. */
void icc_store_row_cmyk(const icc_planes *planes, const uint8_t *row, uint32_t y,
                        uint32_t width, int inverted);

void icc_set_status(icc_status *status, int code, const char *message);

#endif
