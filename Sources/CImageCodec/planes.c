#include "planes.h"

#include <stdio.h>

void icc_set_status(icc_status *status, int code, const char *message) {
    status->code = code;
    snprintf(status->message, sizeof status->message, "%s", message ? message : "");
}

int icc_planes_init(icc_planes *planes, float *rgb, float *alpha,
                    uint32_t width, uint32_t height, int orientation) {
    size_t plane;
    if (width == 0 || height == 0 || __builtin_mul_overflow((size_t)width, (size_t)height, &plane)
        || plane > PTRDIFF_MAX / 3) {
        return 0;
    }
    ptrdiff_t w = width, h = height;
    planes->rgb = rgb;
    planes->alpha = alpha;
    planes->plane = plane;
    switch (orientation) {
    case 2: planes->base = w - 1;               planes->step_x = -1; planes->step_y = w;  break;
    case 3: planes->base = (h - 1) * w + w - 1; planes->step_x = -1; planes->step_y = -w; break;
    case 4: planes->base = (h - 1) * w;         planes->step_x = 1;  planes->step_y = -w; break;
    case 5: planes->base = 0;                   planes->step_x = h;  planes->step_y = 1;  break;
    case 6: planes->base = h - 1;               planes->step_x = h;  planes->step_y = -1; break;
    case 7: planes->base = (w - 1) * h + h - 1; planes->step_x = -h; planes->step_y = -1; break;
    case 8: planes->base = (w - 1) * h;         planes->step_x = -h; planes->step_y = 1;  break;
    default: planes->base = 0;                  planes->step_x = 1;  planes->step_y = w;  break;
    }
    for (int v = 0; v < 256; v++) {
        planes->scale8[v] = (float)v / 255.0f;
    }
    return 1;
}

void icc_store_row8(const icc_planes *planes, const uint8_t *row, uint32_t y,
                    uint32_t width, int channels) {
    float *r = planes->rgb, *g = r + planes->plane, *b = g + planes->plane;
    float *a = planes->alpha;
    const float *scale = planes->scale8;
    ptrdiff_t i = planes->base + (ptrdiff_t)y * planes->step_y, step = planes->step_x;
    for (uint32_t x = 0; x < width; x++, i += step, row += channels) {
        if (channels <= 2) {
            r[i] = g[i] = b[i] = scale[row[0]];
            if (channels == 2 && a) a[i] = scale[row[1]];
        } else {
            r[i] = scale[row[0]];
            g[i] = scale[row[1]];
            b[i] = scale[row[2]];
            if (channels == 4 && a) a[i] = scale[row[3]];
        }
    }
}

static inline float sample16(const uint8_t *p) {
    return (float)(((unsigned)p[0] << 8) | p[1]) / 65535.0f;
}

void icc_store_row16(const icc_planes *planes, const uint8_t *row, uint32_t y,
                     uint32_t width, int channels) {
    float *r = planes->rgb, *g = r + planes->plane, *b = g + planes->plane;
    float *a = planes->alpha;
    ptrdiff_t i = planes->base + (ptrdiff_t)y * planes->step_y, step = planes->step_x;
    for (uint32_t x = 0; x < width; x++, i += step, row += 2 * channels) {
        if (channels <= 2) {
            r[i] = g[i] = b[i] = sample16(row);
            if (channels == 2 && a) a[i] = sample16(row + 2);
        } else {
            r[i] = sample16(row);
            g[i] = sample16(row + 2);
            b[i] = sample16(row + 4);
            if (channels == 4 && a) a[i] = sample16(row + 6);
        }
    }
}

void icc_store_row_cmyk(const icc_planes *planes, const uint8_t *row, uint32_t y,
                        uint32_t width, int inverted) {
    float *r = planes->rgb, *g = r + planes->plane, *b = g + planes->plane;
    ptrdiff_t i = planes->base + (ptrdiff_t)y * planes->step_y, step = planes->step_x;
    const float unit = 1.0f / (255.0f * 255.0f);
    for (uint32_t x = 0; x < width; x++, i += step, row += 4) {
        unsigned c = row[0], m = row[1], ye = row[2], k = row[3];
        if (!inverted) {
            c = 255 - c; m = 255 - m; ye = 255 - ye; k = 255 - k;
        }
        r[i] = (float)(c * k) * unit;
        g[i] = (float)(m * k) * unit;
        b[i] = (float)(ye * k) * unit;
    }
}
