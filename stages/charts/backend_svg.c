/* backend_svg.c — the SVG backend: cairo's SVG surface, then the file rewritten with stable
 * ids and with the chart's title and text alternative. */
#include "stages/charts/backend.h"

#include "stages/common/arena.h"

#include <cairo-svg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAGE "charts"

static cairo_surface_t *svg_create(const char *path, int width, int height)
{
    cairo_surface_t *surface = cairo_svg_surface_create(path, width, height);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    return surface;
}

static void xml_escaped(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*text, out);
        }
    }
}

/* Reads a whole file into a NUL-terminated buffer (xmalloc); NULL when it cannot. */
static char *slurp(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *data = xmalloc(cap);
    size_t got;
    while ((got = fread(data + n, 1, cap - n - 1, in)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            data = xrealloc(data, cap *= 2);
    }
    bool failed = ferror(in);
    fclose(in);
    if (failed) {
        free(data);
        return NULL;
    }
    data[n] = '\0';
    *len = n;
    return data;
}

/* Cairo names the page group "surface<N>" after a process-wide counter, so the second chart
 * drawn in a run would differ from the same chart drawn alone. Each such id is rewritten as
 * its rank of first appearance in the file: the same drawing always gives the same bytes. */
struct id_map {
    long *ids;
    size_t n, cap;
};

static long renumbered(struct id_map *map, long id)
{
    for (size_t i = 0; i < map->n; i++)
        if (map->ids[i] == id)
            return (long)i + 1;
    xgrow((void **)&map->ids, &map->cap, map->n, sizeof *map->ids);
    map->ids[map->n++] = id;
    return (long)map->n;
}

static void write_renumbered(FILE *out, const char *text, size_t len, struct id_map *map)
{
    static const char word[] = "surface";
    const size_t wlen = sizeof word - 1;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        while (at + wlen <= len && memcmp(text + at, word, wlen) != 0)
            at++;
        bool hit = at + wlen <= len;
        at = hit ? at + wlen : len;
        fwrite(text + i, 1, at - i, out);
        i = at;
        if (!hit || i >= len || text[i] < '0' || text[i] > '9')
            continue;
        long id = 0;
        while (i < len && text[i] >= '0' && text[i] <= '9')
            id = id * 10 + (text[i++] - '0');
        fprintf(out, "%ld", renumbered(map, id));
    }
}

/* Rewrites the SVG cairo wrote with stable ids and with <title> and <desc> right after the
 * root element's opening tag, so that screen readers and search engines get the text. */
static int svg_insert_text(const char *path, const struct chart_info *info,
                           struct impact_error *err)
{
    size_t len = 0;
    char *doc = slurp(path, &len);
    if (!doc)
        return impact_fail(err, STAGE, path, 0, 0, "cannot read back the SVG cairo wrote");
    char *root = strstr(doc, "<svg"), *end = root ? strchr(root, '>') : NULL;
    FILE *out = end ? fopen(path, "wb") : NULL;
    if (!out) {
        free(doc);
        return impact_fail(err, STAGE, path, 0, 0, "cannot rewrite the SVG with its title");
    }
    struct id_map map = {0};
    size_t head = (size_t)(end + 1 - doc);
    write_renumbered(out, doc, head, &map);
    fputs("\n<title>", out);
    xml_escaped(out, info->title);
    fputs("</title>\n<desc>", out);
    xml_escaped(out, info->alt_text);
    fputs("</desc>", out);
    write_renumbered(out, doc + head, len - head, &map);
    free(map.ids);
    free(doc);
    bool failed = ferror(out);
    if (fclose(out) != 0 || failed)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the SVG");
    return IMPACT_OK;
}

static int svg_finish(cairo_surface_t *surface, const char *path, const struct chart_info *info,
                      struct impact_error *err)
{
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return charts_surface_fail(status, path, err);
    return svg_insert_text(path, info, err);
}

const struct charts_backend charts_svg_backend = {"svg", svg_create, svg_finish};
