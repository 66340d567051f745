/* backend.h — the charts' backends, as cmark's renderers share src/render.h: each gives the
 * drawing a surface of its format and saves it, and charts.c runs every chart through every
 * backend in one loop. Internal to the charts stage.
 *
 * Ownership: `create` returns a surface the loop draws on; `finish` finishes, saves and
 * destroys it, whether it succeeds or not.
 */
#ifndef IMPACT_CHARTS_BACKEND_H
#define IMPACT_CHARTS_BACKEND_H

#include "stages/common/error.h"
#include "stages/common/figures.h"

#include <cairo.h>

/* A backend gives the drawing a surface and saves it; `finish` also destroys the surface. */
struct charts_backend {
    const char *extension;
    cairo_surface_t *(*create)(const char *path, int width, int height);
    int (*finish)(cairo_surface_t *surface, const char *path, const struct chart_info *info,
                  struct impact_error *err);
};

extern const struct charts_backend charts_png_backend; /* backend_png.c */
extern const struct charts_backend charts_svg_backend; /* backend_svg.c */

/* A cairo failure while writing the chart at `path`. */
static inline int charts_surface_fail(cairo_status_t status, const char *path,
                                      struct impact_error *err)
{
    return impact_fail(err, "charts", path, 0, 0, "cannot write the chart: %s",
                       cairo_status_to_string(status));
}

/* Saves an RGB24 image surface as an 8-bit RGB PNG (lossless: the surface's pixels exactly).
 * Returns IMPACT_OK, or IMPACT_FAIL with err filled (the file may be left half written). */
int charts_write_png(cairo_surface_t *surface, const char *path, struct impact_error *err);

#endif
