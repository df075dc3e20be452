#include "planes.h"

#include <stdio.h>

void icc_set_status(icc_status *status, int code, const char *message) {
    status->code = code;
    snprintf(status->message, sizeof status->message, "%s", message ? message : "");
}

static inline float sample8(uint8_t v) {
    return (float)v / 255.0f;
}

static inline float sample16(const uint8_t *p) {
    return (float)(((unsigned)p[0] << 8) | p[1]) / 65535.0f;
}

void icc_row8_to_planes(const uint8_t *row, uint32_t width, int channels, float *rgb, float *alpha) {
    float *r = rgb, *g = r + width, *b = g + width;
    for (uint32_t x = 0; x < width; x++, row += channels) {
        if (channels <= 2) {
            r[x] = g[x] = b[x] = sample8(row[0]);
            if (channels == 2 && alpha) alpha[x] = sample8(row[1]);
        } else {
            r[x] = sample8(row[0]);
            g[x] = sample8(row[1]);
            b[x] = sample8(row[2]);
            if (channels == 4 && alpha) alpha[x] = sample8(row[3]);
        }
    }
}

void icc_row16_to_planes(const uint8_t *row, uint32_t width, int channels, float *rgb, float *alpha) {
    float *r = rgb, *g = r + width, *b = g + width;
    for (uint32_t x = 0; x < width; x++, row += 2 * channels) {
        if (channels <= 2) {
            r[x] = g[x] = b[x] = sample16(row);
            if (channels == 2 && alpha) alpha[x] = sample16(row + 2);
        } else {
            r[x] = sample16(row);
            g[x] = sample16(row + 2);
            b[x] = sample16(row + 4);
            if (channels == 4 && alpha) alpha[x] = sample16(row + 6);
        }
    }
}

void icc_row_cmyk_to_planes(const uint8_t *row, uint32_t width, int inverted, float *rgb) {
    float *r = rgb, *g = r + width, *b = g + width;
    const float unit = 1.0f / (255.0f * 255.0f);
    for (uint32_t x = 0; x < width; x++, row += 4) {
        unsigned c = row[0], m = row[1], ye = row[2], k = row[3];
        if (!inverted) {
            c = 255 - c; m = 255 - m; ye = 255 - ye; k = 255 - k;
        }
        r[x] = (float)(c * k) * unit;
        g[x] = (float)(m * k) * unit;
        b[x] = (float)(ye * k) * unit;
    }
}

/* In two float steps so the compiler cannot fuse them into one rounding. */
static inline uint8_t quantize(float value) {
    float scaled = value * 255.0f;
    float shifted = scaled + 0.5f;
    if (!(shifted >= 0.0f)) {
        return 0;
    }
    if (shifted >= 255.0f) {
        return 255;
    }
    return (uint8_t)shifted;
}

void icc_planes_to_row8(const float *rgb, const float *alpha, size_t plane, size_t offset, uint32_t width, uint8_t *row) {
    const float *r = rgb + offset, *g = r + plane, *b = g + plane;
    const float *a = alpha ? alpha + offset : NULL;
    int channels = alpha ? 4 : 3;
    for (uint32_t x = 0; x < width; x++, row += channels) {
        row[0] = quantize(r[x]);
        row[1] = quantize(g[x]);
        row[2] = quantize(b[x]);
        if (a) {
            row[3] = quantize(a[x]);
        }
    }
}
