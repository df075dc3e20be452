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
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    icc_status *status;
    icc_row_sink sink;
    void *context;
    /* Owned here rather than on the stack so that a longjmp cannot leak them. */
    uint8_t *row;
    float *planes;
};

_Noreturn static void on_jpeg_error(j_common_ptr cinfo) {
    icc_jpeg_decoder *decoder = cinfo->client_data;
    char message[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, message);
    icc_set_status(decoder->status, ICC_ERROR, message);
    longjmp(decoder->jump, 1);
}

/* libjpeg only warns when the entropy-coded data runs out or is damaged, and fills the rest of
 * the image with grey (a file cut after its header "decodes" into millions of grey pixels); such
 * a file is refused instead. Other warnings (stray bytes between markers) keep the image. */
static void on_jpeg_message(j_common_ptr cinfo, int level) {
    if (level < 0) {
        switch (cinfo->err->msg_code) {
        case JWRN_JPEG_EOF:
        case JWRN_HIT_MARKER:
        case JWRN_MUST_RESYNC:
        case JWRN_HUFF_BAD_CODE:
        case JWRN_BOGUS_PROGRESSION:
            on_jpeg_error(cinfo);
        default:
            break;
        }
        cinfo->err->num_warnings++;
    }
}

_Noreturn static void fail(icc_jpeg_decoder *decoder, int code, const char *message) {
    icc_set_status(decoder->status, code, message);
    longjmp(decoder->jump, 1);
}

/* Called by libjpeg as it works through the input: refuses scans beyond the limit, and gives
 * the sink its checkpoints while a multi-scan image is read into its coefficient buffer. */
static void on_progress(j_common_ptr cinfo) {
    icc_jpeg_decoder *decoder = cinfo->client_data;
    if (decoder->cinfo.input_scan_number > ICC_JPEG_MAX_SCANS) {
        char message[96];
        snprintf(message, sizeof message, "more than %d progressive scans", ICC_JPEG_MAX_SCANS);
        fail(decoder, ICC_ERROR, message);
    }
    if (decoder->sink && decoder->sink(decoder->context, NULL, NULL)) {
        fail(decoder, ICC_STOPPED, "stopped");
    }
}

/* The coefficient buffer libjpeg keeps for an image read in several scans: 64 16-bit
 * coefficients per block of every component. */
static size_t coefficient_bytes(const struct jpeg_decompress_struct *cinfo) {
    if (!jpeg_has_multiple_scans((j_decompress_ptr)cinfo)) {
        return 0;
    }
    size_t total = 0;
    for (int c = 0; c < cinfo->num_components; c++) {
        const jpeg_component_info *component = &cinfo->comp_info[c];
        size_t blocks;
        if (__builtin_mul_overflow((size_t)component->width_in_blocks + component->h_samp_factor,
                                   (size_t)component->height_in_blocks + component->v_samp_factor, &blocks)
            || __builtin_add_overflow(total, blocks * sizeof(JBLOCK), &total)) {
            return SIZE_MAX;
        }
    }
    return total;
}

static int read_header(icc_jpeg_decoder *decoder, const uint8_t *data, size_t size,
                       icc_header *header) {
    if (setjmp(decoder->jump)) {
        return 0;
    }
    jpeg_create_decompress(&decoder->cinfo);
    if (size > (unsigned long)-1) {
        fail(decoder, ICC_ERROR, "file too large");
    }
    decoder->progress.progress_monitor = on_progress;
    decoder->cinfo.progress = &decoder->progress;
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
        fail(decoder, ICC_ERROR, "unsupported color space (only grayscale, RGB/YCbCr and CMYK/YCCK are accepted)");
    }
    header->width = decoder->cinfo.image_width;
    header->height = decoder->cinfo.image_height;
    header->has_alpha = 0;
    header->working_bytes = coefficient_bytes(&decoder->cinfo);
    /* The APP1 segments kept for the EXIF orientation stay in memory until the decoder closes. */
    for (jpeg_saved_marker_ptr marker = decoder->cinfo.marker_list; marker; marker = marker->next) {
        if (__builtin_add_overflow(header->working_bytes, (size_t)marker->data_length, &header->working_bytes)) {
            header->working_bytes = SIZE_MAX;
        }
    }
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

int icc_jpeg_decode(icc_jpeg_decoder *decoder, icc_row_sink sink, void *context, icc_status *status) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    decoder->status = status;
    decoder->sink = sink;
    decoder->context = context;
    if (setjmp(decoder->jump)) {
        return status->code;
    }
    jpeg_start_decompress(cinfo);

    uint32_t width = cinfo->output_width, height = cinfo->output_height;
    int components = cinfo->output_components;
    if (width != cinfo->image_width || height != cinfo->image_height
        || (components != 1 && components != 3 && components != 4)) {
        fail(decoder, ICC_ERROR, "unexpected output layout");
    }
    size_t row_bytes, plane_bytes;
    if (__builtin_mul_overflow((size_t)width, (size_t)components, &row_bytes)
        || __builtin_mul_overflow((size_t)width, 3 * sizeof(float), &plane_bytes)) {
        fail(decoder, ICC_ERROR, "image dimensions overflow");
    }
    decoder->row = malloc(row_bytes);
    decoder->planes = malloc(plane_bytes);
    if (!decoder->row || !decoder->planes) {
        fail(decoder, ICC_ERROR, "out of memory");
    }
    /* Photoshop, the usual source of CMYK JPEGs, stores the channels inverted and
     * marks such files with an Adobe segment. */
    int inverted = cinfo->saw_Adobe_marker;
    while (cinfo->output_scanline < height) {
        JSAMPROW row = decoder->row;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            fail(decoder, ICC_ERROR, "no scanline decoded");
        }
        if (components == 4) {
            icc_row_cmyk_to_planes(decoder->row, width, inverted, decoder->planes);
        } else {
            icc_row8_to_planes(decoder->row, width, components, decoder->planes, NULL);
        }
        if (sink(context, decoder->planes, NULL)) {
            fail(decoder, ICC_STOPPED, "stopped");
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
    free(decoder->planes);
    free(decoder);
}
