#ifndef CIMAGECODEC_H
#define CIMAGECODEC_H

#include <stddef.h>
#include <stdint.h>

/* libpng and libjpeg report errors with longjmp, which Swift cannot survive, so
 * every call into them happens here behind setjmp and comes back as a status.
 * Decoding is split into open (header only) and decode so that the caller can
 * refuse oversized images before anything image-sized is allocated. */

enum { ICC_OK = 0, ICC_ERROR = 1, ICC_STOPPED = 2 };

typedef struct icc_status {
    int code;
    char message[256];
} icc_status;

typedef struct icc_header {
    /* As stored, before any EXIF orientation. */
    uint32_t width;
    uint32_t height;
    int has_alpha;
    /* Bytes the decoder holds at once beyond a row while it decodes: an interlaced PNG's whole
     * image, a multi-scan (progressive) JPEG's coefficients. What a decode costs is known from
     * the header, before it starts. */
    size_t working_bytes;
} icc_header;

typedef struct icc_png_decoder icc_png_decoder;
typedef struct icc_jpeg_decoder icc_jpeg_decoder;

/* Receives the decoded rows in order, top to bottom, as planar floats in [0, 1]: `rgb` holds the
 * red, green and blue rows of `width` values one after another, `alpha` one row or is NULL.
 * During long work without rows (a progressive JPEG's scans) it is also called with `rgb` NULL,
 * as a checkpoint. Returning nonzero stops the decode, which then returns ICC_STOPPED. */
typedef int (*icc_row_sink)(void *context, const float *rgb, const float *alpha);

/* A progressive JPEG with more scans than this is refused: each scan passes over every
 * coefficient of the image, so scans are what a small hostile file multiplies. */
enum { ICC_JPEG_MAX_SCANS = 64 };

/* `data` must stay valid until the decoder is closed. Returns NULL on failure. Only the chunks
 * needed for pixels are read (IHDR, PLTE, tRNS, IDAT); text, ICC profiles and unknown chunks
 * are skipped unread, and no chunk may make libpng allocate more than a few kilobytes. */
icc_png_decoder *icc_png_open(const uint8_t *data, size_t size, uint32_t max_dimension,
                              icc_header *header, icc_status *status);
int icc_png_decode(icc_png_decoder *decoder, icc_row_sink sink, void *context, icc_status *status);
void icc_png_close(icc_png_decoder *decoder);

icc_jpeg_decoder *icc_jpeg_open(const uint8_t *data, size_t size,
                                icc_header *header, icc_status *status);
/* The first APP1 segment that starts with "Exif\0\0"; returns its length, 0 if none. */
size_t icc_jpeg_exif(const icc_jpeg_decoder *decoder, const uint8_t **payload);
/* Truncated or corrupt entropy-coded data is an error, not a grey area in the image. */
int icc_jpeg_decode(icc_jpeg_decoder *decoder, icc_row_sink sink, void *context, icc_status *status);
void icc_jpeg_close(icc_jpeg_decoder *decoder);

/* The encoders take planar floats as the decoders give them, quantised like torchvision's
 * save_image, and write into a malloc'd buffer that the caller releases with icc_free. */

/* An 8-bit RGB PNG, or RGBA when `alpha` is not NULL. */
int icc_png_encode(const float *rgb, const float *alpha, uint32_t width, uint32_t height,
                   int compression_level, uint8_t **out, size_t *out_size, icc_status *status);
/* A baseline JPEG (4:2:0, optimised Huffman tables) at libjpeg's `quality` from 1 to 100;
 * JPEG has no alpha. */
int icc_jpeg_encode(const float *rgb, uint32_t width, uint32_t height, int quality,
                    uint8_t **out, size_t *out_size, icc_status *status);
/* A lossy WebP at libwebp's `quality` from 0 to 100, with a losslessly coded alpha plane when
 * `alpha` is not NULL. */
int icc_webp_encode(const float *rgb, const float *alpha, uint32_t width, uint32_t height, int quality,
                    uint8_t **out, size_t *out_size, icc_status *status);
void icc_free(void *pointer);

#endif
