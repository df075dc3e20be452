#include "CImageCodec.h"
#include "planes.h"
#include "png_errors.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

/* A longer chunk (IDAT aside) is an error. Without a limit a chunk's length field alone decides
 * what libpng allocates for it; the chunks that are read (PLTE, tRNS) need under 1 KB, and
 * skipped ones are never held, so this only has to admit real files' large metadata. */
#define MAX_CHUNK_BYTES (8 * 1024 * 1024)
/* Ancillary chunks libpng knows; none matters for the pixels but tRNS, so all are skipped unread
 * (text and ICC profiles can be decompression bombs). Unknown chunks are skipped too. */
static const png_byte skipped_chunks[] =
    "bKGD\0" "cHRM\0" "cICP\0" "eXIf\0" "gAMA\0" "hIST\0" "iCCP\0" "iTXt\0" "oFFs\0" "pCAL\0"
    "pHYs\0" "sBIT\0" "sCAL\0" "sPLT\0" "sRGB\0" "sTER\0" "tEXt\0" "tIME\0" "zTXt\0";

struct icc_png_decoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t position;
    /* Owned here rather than on the stack so that a longjmp cannot leak them. */
    uint8_t *pixels;
    png_bytep *rows;
    float *planes;
};

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    icc_png_decoder *decoder = png_get_io_ptr(png);
    if (length > decoder->size - decoder->position) {
        png_error(png, "unexpected end of file (the PNG is truncated)");
    }
    memcpy(out, decoder->data + decoder->position, length);
    decoder->position += length;
}

/* Samples per pixel and bytes per sample once the decode's expansions are applied. */
static void expanded_layout(png_structp png, png_infop info, int *channels, int *bytes) {
    int color_type = png_get_color_type(png, info);
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    *channels = (color_type & PNG_COLOR_MASK_COLOR) || color_type == PNG_COLOR_TYPE_PALETTE ? 3 : 1;
    if ((color_type & PNG_COLOR_MASK_ALPHA) || has_trns) {
        *channels += 1;
    }
    *bytes = png_get_bit_depth(png, info) == 16 ? 2 : 1;
}

static int read_header(icc_png_decoder *decoder, uint32_t max_dimension, icc_header *header) {
    png_structp png = decoder->png;
    if (setjmp(png_jmpbuf(png))) {
        return 0;
    }
    png_set_user_limits(png, max_dimension, max_dimension);
    png_set_chunk_malloc_max(png, MAX_CHUNK_BYTES);
    png_set_chunk_cache_max(png, 16);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks, (int)(sizeof skipped_chunks / 5));
    png_set_read_fn(png, decoder, read_from_memory);
    png_read_info(png, decoder->info);

    int color_type = png_get_color_type(png, decoder->info);
    header->width = png_get_image_width(png, decoder->info);
    header->height = png_get_image_height(png, decoder->info);
    header->has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0
        || png_get_valid(png, decoder->info, PNG_INFO_tRNS) != 0;
    int channels, bytes;
    expanded_layout(png, decoder->info, &channels, &bytes);
    size_t row_bytes = (size_t)header->width * (size_t)(channels * bytes);
    header->working_bytes = png_get_interlace_type(png, decoder->info) == PNG_INTERLACE_NONE
        ? 0 : row_bytes * header->height;
    return 1;
}

icc_png_decoder *icc_png_open(const uint8_t *data, size_t size, uint32_t max_dimension,
                              icc_header *header, icc_status *status) {
    icc_png_decoder *decoder = calloc(1, sizeof *decoder);
    if (!decoder) {
        icc_set_status(status, ICC_ERROR, "out of memory");
        return NULL;
    }
    decoder->data = data;
    decoder->size = size;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, status, icc_on_png_error, icc_on_png_warning);
    if (decoder->png) {
        decoder->info = png_create_info_struct(decoder->png);
    }
    if (!decoder->info) {
        icc_png_close(decoder);
        icc_set_status(status, ICC_ERROR, "out of memory");
        return NULL;
    }
    if (!read_header(decoder, max_dimension, header)) {
        icc_png_close(decoder);
        return NULL;
    }
    icc_set_status(status, ICC_OK, NULL);
    return decoder;
}

int icc_png_decode(icc_png_decoder *decoder, icc_row_sink sink, void *context, icc_status *status) {
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    png_set_error_fn(png, status, icc_on_png_error, icc_on_png_warning);
    if (setjmp(png_jmpbuf(png))) {
        return status->code;
    }

    int color_type = png_get_color_type(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
    }
    if (color_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    if (png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(png);
    }
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    int channels = png_get_channels(png, info);
    int depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    size_t expected_row_bytes, plane_floats;
    if (channels < 1 || channels > 4 || (depth != 8 && depth != 16)
        || __builtin_mul_overflow((size_t)width, (size_t)(channels * depth / 8), &expected_row_bytes)
        || row_bytes != expected_row_bytes
        || __builtin_mul_overflow((size_t)width, (size_t)4, &plane_floats)) {
        png_error(png, "unexpected pixel layout after expansion");
    }

    /* Interlaced images arrive in passes, so they need the whole image buffered;
     * sequential ones are converted one row at a time. */
    size_t buffered_rows = passes > 1 ? height : 1;
    size_t buffer_size, pointers_size;
    if (__builtin_mul_overflow(row_bytes, buffered_rows, &buffer_size)
        || __builtin_mul_overflow(sizeof(png_bytep), buffered_rows, &pointers_size)) {
        png_error(png, "image dimensions overflow");
    }
    decoder->pixels = malloc(buffer_size);
    decoder->rows = malloc(pointers_size);
    decoder->planes = malloc(plane_floats * sizeof(float));
    if (!decoder->pixels || !decoder->rows || !decoder->planes) {
        png_error(png, "out of memory");
    }
    for (size_t y = 0; y < buffered_rows; y++) {
        decoder->rows[y] = decoder->pixels + y * row_bytes;
    }
    float *alpha = channels == 2 || channels == 4 ? decoder->planes + 3 * (size_t)width : NULL;

    for (uint32_t y = 0; y < height; y++) {
        png_bytep row = decoder->rows[0];
        if (passes > 1) {
            if (y == 0) {
                png_read_image(png, decoder->rows);
            }
            row = decoder->rows[y];
        } else {
            png_read_row(png, row, NULL);
        }
        if (depth == 16) {
            icc_row16_to_planes(row, width, channels, decoder->planes, alpha);
        } else {
            icc_row8_to_planes(row, width, channels, decoder->planes, alpha);
        }
        if (sink(context, decoder->planes, alpha)) {
            icc_set_status(status, ICC_STOPPED, "stopped");
            return ICC_STOPPED;
        }
    }
    icc_set_status(status, ICC_OK, NULL);
    return ICC_OK;
}

void icc_png_close(icc_png_decoder *decoder) {
    if (!decoder) {
        return;
    }
    if (decoder->png) {
        png_destroy_read_struct(&decoder->png, decoder->info ? &decoder->info : NULL, NULL);
    }
    free(decoder->pixels);
    free(decoder->rows);
    free(decoder->planes);
    free(decoder);
}
