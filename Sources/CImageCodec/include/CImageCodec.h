#ifndef CIMAGECODEC_H
#define CIMAGECODEC_H

#include <stddef.h>
#include <stdint.h>

/* libpng and libjpeg report errors with longjmp, which Swift cannot survive, so
 * every call into them happens here behind setjmp and comes back as a status.
 * Decoding is split into open (header only) and decode so that the caller can
 * refuse oversized images before anything image-sized is allocated. */

enum { ICC_OK = 0, ICC_ERROR = 1 };

typedef struct icc_status {
    int code;
    char message[256];
} icc_status;

typedef struct icc_header {
    uint32_t width;
    uint32_t height;
    int has_alpha;
} icc_header;

typedef struct icc_png_decoder icc_png_decoder;
typedef struct icc_jpeg_decoder icc_jpeg_decoder;

/* `data` must stay valid until the decoder is closed. Returns NULL on failure. */
icc_png_decoder *icc_png_open(const uint8_t *data, size_t size, uint32_t max_dimension,
                              icc_header *header, icc_status *status);
/* `rgb` holds 3 * width * height floats, `alpha` width * height or is NULL. */
int icc_png_decode(icc_png_decoder *decoder, float *rgb, float *alpha, icc_status *status);
void icc_png_close(icc_png_decoder *decoder);

icc_jpeg_decoder *icc_jpeg_open(const uint8_t *data, size_t size,
                                icc_header *header, icc_status *status);
/* The first APP1 segment that starts with "Exif\0\0"; returns its length, 0 if none. */
size_t icc_jpeg_exif(const icc_jpeg_decoder *decoder, const uint8_t **payload);
/* `orientation` is the EXIF value 1-8; `rgb` is sized for the rotated image. */
int icc_jpeg_decode(icc_jpeg_decoder *decoder, int orientation, float *rgb, icc_status *status);
void icc_jpeg_close(icc_jpeg_decoder *decoder);

/* Writes an 8-bit RGB (or RGBA when `alpha` is not NULL) PNG into a malloc'd
 * buffer that the caller releases with icc_free. */
int icc_png_encode(const float *rgb, const float *alpha, uint32_t width, uint32_t height,
                   int compression_level, uint8_t **out, size_t *out_size, icc_status *status);
void icc_free(void *pointer);

#endif
