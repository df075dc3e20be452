#include "CImageCodec.h"
#include "planes.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

typedef struct encoder {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr error_manager;
    jmp_buf jump;
    icc_status *status;
    /* Owned here rather than on the stack so that a longjmp cannot leak them. */
    unsigned char *out;
    unsigned long size;
    uint8_t *row;
} encoder;

_Noreturn static void on_jpeg_error(j_common_ptr cinfo) {
    encoder *e = cinfo->client_data;
    char message[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, message);
    icc_set_status(e->status, ICC_ERROR, message);
    longjmp(e->jump, 1);
}

/* Warnings while writing (none that matter for an image made here) are dropped. */
static void on_jpeg_message(j_common_ptr cinfo, int level) {
    (void)cinfo;
    (void)level;
}

static void release(encoder *e) {
    jpeg_destroy_compress(&e->cinfo);
    free(e->out);
    free(e->row);
    free(e);
}

int icc_jpeg_encode(const float *rgb, uint32_t width, uint32_t height, int quality,
                    uint8_t **out, size_t *out_size, icc_status *status) {
    encoder *e = calloc(1, sizeof *e);
    if (!e) {
        icc_set_status(status, ICC_ERROR, "out of memory");
        return ICC_ERROR;
    }
    e->status = status;
    e->cinfo.err = jpeg_std_error(&e->error_manager);
    e->error_manager.error_exit = on_jpeg_error;
    e->error_manager.emit_message = on_jpeg_message;
    e->cinfo.client_data = e;
    if (setjmp(e->jump)) {
        release(e);
        return ICC_ERROR;
    }
    jpeg_create_compress(&e->cinfo);

    size_t plane, row_bytes;
    if (width == 0 || height == 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION
        || __builtin_mul_overflow((size_t)width, (size_t)height, &plane)
        || __builtin_mul_overflow((size_t)width, (size_t)3, &row_bytes)) {
        icc_set_status(status, ICC_ERROR, "image dimensions are out of range for JPEG (at most 65500 pixels a side)");
        longjmp(e->jump, 1);
    }
    e->row = malloc(row_bytes);
    if (!e->row) {
        icc_set_status(status, ICC_ERROR, "out of memory");
        longjmp(e->jump, 1);
    }

    jpeg_mem_dest(&e->cinfo, &e->out, &e->size);
    e->cinfo.image_width = width;
    e->cinfo.image_height = height;
    e->cinfo.input_components = 3;
    e->cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&e->cinfo);
    jpeg_set_quality(&e->cinfo, quality, TRUE);
    /* Optimised Huffman tables: a few percent smaller for one more pass over the coefficients. */
    e->cinfo.optimize_coding = TRUE;
    jpeg_start_compress(&e->cinfo, TRUE);
    for (size_t y = 0; y < height; y++) {
        icc_planes_to_row8(rgb, NULL, plane, y * width, width, e->row);
        JSAMPROW row = e->row;
        jpeg_write_scanlines(&e->cinfo, &row, 1);
    }
    jpeg_finish_compress(&e->cinfo);

    /* jpeg_mem_dest's buffer is malloc'd, so icc_free releases it like the others. */
    *out = e->out;
    *out_size = e->size;
    e->out = NULL;
    release(e);
    icc_set_status(status, ICC_OK, NULL);
    return ICC_OK;
}
