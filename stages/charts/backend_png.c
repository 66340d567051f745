/* backend_png.c — the PNG backend: an RGB image surface, saved through libpng. */
#include "stages/charts/backend.h"

#include "stages/common/arena.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cairo_surface_write_to_png lets libpng try every row filter on every row, with zlib's
 * default level 6. On charts (flat colours, anti-aliased edges) no filter at all gives files
 * as small in a fraction of the time, and level 3 (zlib's fast matcher) halves it again:
 * 70 → 15 ms and 82 → 78 KB for the sample cumulative_target.png (level 6: 30 ms, 68 KB).
 * The charts were a third of all instructions of a 200 000-row run. */
enum { PNG_ZLIB_LEVEL = 3 };
static const char STAGE[] = "charts";

struct png_failure {
    char message[256];
};

/* libpng's default handler prints to stderr; stages leave printing to the driver. */
static void on_png_error(png_structp png, png_const_charp message)
{
    struct png_failure *failure = png_get_error_ptr(png);
    snprintf(failure->message, sizeof failure->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
    (void)png, (void)message; /* nothing a warning could change in our own images */
}

/* Cairo's RGB24 pixel is a native uint32 0x00RRGGBB. */
static void pack_rgb_row(const uint32_t *pixels, int width, unsigned char *rgb)
{
    for (int x = 0; x < width; x++) {
        rgb[3 * x] = (unsigned char)(pixels[x] >> 16);
        rgb[3 * x + 1] = (unsigned char)(pixels[x] >> 8);
        rgb[3 * x + 2] = (unsigned char)pixels[x];
    }
}

/* False when libpng failed (its message in the png's error pointer). Nothing here changes
 * a local after setjmp, so none needs to be volatile. */
static bool encode_png(png_structp png, png_infop info, FILE *out, cairo_surface_t *surface,
                       unsigned char *row)
{
    int width = cairo_image_surface_get_width(surface);
    int height = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_init_io(png, out);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, PNG_ZLIB_LEVEL);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        pack_rgb_row((const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride), width,
                     row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    return true;
}

int charts_write_png(cairo_surface_t *surface, const char *path, struct impact_error *err)
{
    struct png_failure failure = {"cannot allocate the PNG writer"};
    cairo_surface_flush(surface);
    if (cairo_image_surface_get_format(surface) != CAIRO_FORMAT_RGB24 ||
        !cairo_image_surface_get_data(surface))
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: not an RGB image");
    FILE *out = fopen(path, "wb");
    if (!out)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: %s", strerror(errno));
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = xmalloc((size_t)cairo_image_surface_get_width(surface) * 3 + 1);
    bool written = info && encode_png(png, info, out, surface, row);
    png_destroy_write_struct(&png, &info);
    free(row);
    bool closed = fclose(out) == 0;
    if (written && !closed)
        snprintf(failure.message, sizeof failure.message, "%s", strerror(errno));
    if (written && closed)
        return IMPACT_OK;
    return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: %s", failure.message);
}

static cairo_surface_t *png_create(const char *path, int width, int height)
{
    (void)path;
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
}

static int png_finish(cairo_surface_t *surface, const char *path, const struct chart_info *info,
                      struct impact_error *err)
{
    (void)info;
    int status = charts_write_png(surface, path, err);
    cairo_surface_destroy(surface);
    return status;
}

const struct charts_backend charts_png_backend = {"png", png_create, png_finish};
