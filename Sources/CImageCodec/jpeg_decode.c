#include "CImageCodec.h"
#include "planes.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

struct icc_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr error_manager;
    jmp_buf jump;
    icc_status *status;
    /* Owned here rather than on the stack so that a longjmp cannot leak it. */
    uint8_t *row;
};

_Noreturn static void on_jpeg_error(j_common_ptr cinfo) {
    icc_jpeg_decoder *decoder = cinfo->client_data;
    char message[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, message);
    icc_set_status(decoder->status, ICC_ERROR, message);
    longjmp(decoder->jump, 1);
}

/* libjpeg only warns when the data runs out and pads the rest of the image with
 * grey; a half-uploaded file must be rejected instead. */
static void on_jpeg_message(j_common_ptr cinfo, int level) {
    if (level < 0) {
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
            on_jpeg_error(cinfo);
        }
        cinfo->err->num_warnings++;
    }
}

_Noreturn static void fail(icc_jpeg_decoder *decoder, const char *message) {
    icc_set_status(decoder->status, ICC_ERROR, message);
    longjmp(decoder->jump, 1);
}

static int read_header(icc_jpeg_decoder *decoder, const uint8_t *data, size_t size,
                       icc_header *header) {
    if (setjmp(decoder->jump)) {
        return 0;
    }
    jpeg_create_decompress(&decoder->cinfo);
    if (size > (unsigned long)-1) {
        fail(decoder, "file too large");
    }
    jpeg_mem_src(&decoder->cinfo, data, (unsigned long)size);
    jpeg_save_markers(&decoder->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&decoder->cinfo, TRUE);

    switch (decoder->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        decoder->cinfo.out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        decoder->cinfo.out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        decoder->cinfo.out_color_space = JCS_CMYK;
        break;
    default:
        fail(decoder, "unsupported color space (only grayscale, RGB/YCbCr and CMYK/YCCK are accepted)");
    }
    header->width = decoder->cinfo.image_width;
    header->height = decoder->cinfo.image_height;
    header->has_alpha = 0;
    return 1;
}

icc_jpeg_decoder *icc_jpeg_open(const uint8_t *data, size_t size,
                                icc_header *header, icc_status *status) {
    icc_jpeg_decoder *decoder = calloc(1, sizeof *decoder);
    if (!decoder) {
        icc_set_status(status, ICC_ERROR, "out of memory");
        return NULL;
    }
    decoder->status = status;
    decoder->cinfo.err = jpeg_std_error(&decoder->error_manager);
    decoder->error_manager.error_exit = on_jpeg_error;
    decoder->error_manager.emit_message = on_jpeg_message;
    decoder->cinfo.client_data = decoder;
    if (!read_header(decoder, data, size, header)) {
        icc_jpeg_close(decoder);
        return NULL;
    }
    icc_set_status(status, ICC_OK, NULL);
    return decoder;
}

size_t icc_jpeg_exif(const icc_jpeg_decoder *decoder, const uint8_t **payload) {
    static const char identifier[6] = {'E', 'x', 'i', 'f', 0, 0};
    for (jpeg_saved_marker_ptr marker = decoder->cinfo.marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length >= sizeof identifier
            && memcmp(marker->data, identifier, sizeof identifier) == 0) {
            *payload = marker->data;
            return marker->data_length;
        }
    }
    *payload = NULL;
    return 0;
}

int icc_jpeg_decode(icc_jpeg_decoder *decoder, int orientation, float *rgb, icc_status *status) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    decoder->status = status;
    if (setjmp(decoder->jump)) {
        return status->code;
    }
    jpeg_start_decompress(cinfo);

    uint32_t width = cinfo->output_width, height = cinfo->output_height;
    int components = cinfo->output_components;
    if (width != cinfo->image_width || height != cinfo->image_height
        || (components != 1 && components != 3 && components != 4)) {
        fail(decoder, "unexpected output layout");
    }
    icc_planes planes;
    size_t row_bytes;
    if (!icc_planes_init(&planes, rgb, NULL, width, height, orientation)
        || __builtin_mul_overflow((size_t)width, (size_t)components, &row_bytes)) {
        fail(decoder, "image dimensions overflow");
    }
    decoder->row = malloc(row_bytes);
    if (!decoder->row) {
        fail(decoder, "out of memory");
    }
    /* Photoshop, the usual source of CMYK JPEGs, stores the channels inverted and
     * marks such files with an Adobe segment. */
    int inverted = cinfo->saw_Adobe_marker;
    while (cinfo->output_scanline < height) {
        uint32_t y = cinfo->output_scanline;
        JSAMPROW row = decoder->row;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            fail(decoder, "no scanline decoded");
        }
        if (components == 4) {
            icc_store_row_cmyk(&planes, decoder->row, y, width, inverted);
        } else {
            icc_store_row8(&planes, decoder->row, y, width, components);
        }
    }
    icc_set_status(status, ICC_OK, NULL);
    return ICC_OK;
}

void icc_jpeg_close(icc_jpeg_decoder *decoder) {
    if (!decoder) {
        return;
    }
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder->row);
    free(decoder);
}
