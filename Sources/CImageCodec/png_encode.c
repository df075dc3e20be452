#include "CImageCodec.h"
#include "planes.h"
#include "png_errors.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct encoder {
    png_structp png;
    png_infop info;
    uint8_t *out;
    size_t size;
    size_t capacity;
    uint8_t *row;
} encoder;

static void write_to_memory(png_structp png, png_bytep data, size_t length) {
    encoder *e = png_get_io_ptr(png);
    if (length > e->capacity - e->size) {
        size_t needed, capacity = e->capacity ? e->capacity : 4096;
        if (__builtin_add_overflow(e->size, length, &needed)) {
            png_error(png, "output too large");
        }
        while (capacity < needed) {
            if (__builtin_mul_overflow(capacity, (size_t)2, &capacity)) {
                png_error(png, "output too large");
            }
        }
        uint8_t *grown = realloc(e->out, capacity);
        if (!grown) {
            png_error(png, "out of memory");
        }
        e->out = grown;
        e->capacity = capacity;
    }
    memcpy(e->out + e->size, data, length);
    e->size += length;
}

static void flush_memory(png_structp png) {
    (void)png;
}

static void release(encoder *e) {
    if (e->png) {
        png_destroy_write_struct(&e->png, e->info ? &e->info : NULL);
    }
    free(e->out);
    free(e->row);
    free(e);
}

int icc_png_encode(const float *rgb, const float *alpha, uint32_t width, uint32_t height,
                   int compression_level, uint8_t **out, size_t *out_size, icc_status *status) {
    encoder *e = calloc(1, sizeof *e);
    if (!e) {
        icc_set_status(status, ICC_ERROR, "out of memory");
        return ICC_ERROR;
    }
    e->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, status, icc_on_png_error, icc_on_png_warning);
    if (e->png) {
        e->info = png_create_info_struct(e->png);
    }
    if (!e->info) {
        release(e);
        icc_set_status(status, ICC_ERROR, "out of memory");
        return ICC_ERROR;
    }
    if (setjmp(png_jmpbuf(e->png))) {
        release(e);
        return ICC_ERROR;
    }

    int channels = alpha ? 4 : 3;
    size_t plane, row_bytes;
    if (width == 0 || height == 0 || width > PNG_UINT_31_MAX || height > PNG_UINT_31_MAX
        || __builtin_mul_overflow((size_t)width, (size_t)height, &plane)
        || __builtin_mul_overflow((size_t)width, (size_t)channels, &row_bytes)) {
        png_error(e->png, "image dimensions are out of range for PNG");
    }
    e->row = malloc(row_bytes);
    if (!e->row) {
        png_error(e->png, "out of memory");
    }

    /* The default user limits (1,000,000 per side) are meant for reading. */
    png_set_user_limits(e->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_write_fn(e->png, e, write_to_memory, flush_memory);
    png_set_compression_level(e->png, compression_level);
    png_set_IHDR(e->png, e->info, width, height, 8,
                 alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(e->png, e->info);

    for (size_t y = 0; y < height; y++) {
        icc_planes_to_row8(rgb, alpha, plane, y * width, width, e->row);
        png_write_row(e->png, e->row);
    }
    png_write_end(e->png, NULL);

    *out = e->out;
    *out_size = e->size;
    e->out = NULL;
    release(e);
    icc_set_status(status, ICC_OK, NULL);
    return ICC_OK;
}

void icc_free(void *pointer) {
    free(pointer);
}
