#include "CImageCodec.h"
#include "planes.h"

#include <stdlib.h>
#include <string.h>

#include <webp/encode.h>

static const char *error_text(WebPEncodingError error) {
    switch (error) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
        return "out of memory";
    case VP8_ENC_ERROR_BAD_DIMENSION:
        return "image dimensions are out of range for WebP (at most 16383 pixels a side)";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
    case VP8_ENC_ERROR_FILE_TOO_BIG:
        return "the image is too large for WebP";
    default:
        return "the WebP encoder failed";
    }
}

int icc_webp_encode(const float *rgb, const float *alpha, uint32_t width, uint32_t height, int quality,
                    uint8_t **out, size_t *out_size, icc_status *status) {
    int channels = alpha ? 4 : 3;
    size_t plane, row_bytes, bytes;
    if (width == 0 || height == 0 || width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION
        || __builtin_mul_overflow((size_t)width, (size_t)height, &plane)
        || __builtin_mul_overflow((size_t)width, (size_t)channels, &row_bytes)
        || __builtin_mul_overflow(row_bytes, (size_t)height, &bytes)) {
        icc_set_status(status, ICC_ERROR, error_text(VP8_ENC_ERROR_BAD_DIMENSION));
        return ICC_ERROR;
    }
    WebPConfig config;
    WebPPicture picture;
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, (float)quality) || !WebPPictureInit(&picture)) {
        icc_set_status(status, ICC_ERROR, "the WebP library does not match its headers");
        return ICC_ERROR;
    }
    /* libwebp takes the whole image at once, interleaved. */
    uint8_t *pixels = malloc(bytes);
    if (!pixels) {
        icc_set_status(status, ICC_ERROR, "out of memory");
        return ICC_ERROR;
    }
    for (size_t y = 0; y < height; y++) {
        icc_planes_to_row8(rgb, alpha, plane, y * width, width, pixels + y * row_bytes);
    }
    picture.width = (int)width;
    picture.height = (int)height;
    picture.use_argb = 1;
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    int imported = alpha ? WebPPictureImportRGBA(&picture, pixels, (int)row_bytes)
                         : WebPPictureImportRGB(&picture, pixels, (int)row_bytes);
    free(pixels);
    int encoded = imported && WebPEncode(&config, &picture);
    WebPEncodingError error = imported ? picture.error_code : VP8_ENC_ERROR_OUT_OF_MEMORY;
    WebPPictureFree(&picture);
    /* Copied so that icc_free releases every encoder's output the same way. */
    size_t size = writer.size;
    uint8_t *copy = encoded ? malloc(size) : NULL;
    if (copy) {
        memcpy(copy, writer.mem, size);
    }
    WebPMemoryWriterClear(&writer);
    if (!copy) {
        icc_set_status(status, ICC_ERROR, encoded ? "out of memory" : error_text(error));
        return ICC_ERROR;
    }
    *out = copy;
    *out_size = size;
    icc_set_status(status, ICC_OK, NULL);
    return ICC_OK;
}
