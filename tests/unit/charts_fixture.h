/* charts_fixture.h — what test_charts_texts.c and test_charts_files.c share (include after
 * <cmocka.h>; everything is static inline, so a test uses what it needs): the chart names,
 * an output folder per render, PNG and SVG checks (a small XML well-formedness check
 * included), a render of the reference figures checked file by file, and the two edits of
 * the figures both files use. The figures are in figures_fixture.h.
 */
#ifndef TEST_CHARTS_FIXTURE_H
#define TEST_CHARTS_FIXTURE_H

#include "stages/charts/charts.h"
#include "stages/charts/backend.h"

#include "figures_fixture.h"

#include <cairo.h>
#include <ctype.h>

static const char *const CHART_NAMES[] = {
    "cumulative_target",    "beneficiaries_by_role", "outcome_rates", "qpv_share",
    "beneficiaries_by_sex", "employment_by_dosage",  "site_targets"};
#define N_CHARTS 7
enum { CUMULATIVE, BY_ROLE, OUTCOMES, QPV, BY_SEX, DOSAGE, SITES };

static const char *const VARIANTS[] = {".png", ".svg", "_print.png", "_print.svg"};

static inline void file_path(const struct outdir *d, const char *name, const char *variant,
                             char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s%s", d->path, name, variant);
}

static inline void outdir_remove(const struct outdir *d)
{
    for (size_t c = 0; c < N_CHARTS; c++)
        for (size_t v = 0; v < 4; v++) {
            char path[128];
            file_path(d, CHART_NAMES[c], VARIANTS[v], path, sizeof path);
            unlink(path);
        }
    assert_int_equal(rmdir(d->path), 0);
}

static inline struct charts_options options_for(const struct outdir *d, enum numfmt_lang lang)
{
    return (struct charts_options){.out_dir = d->path,
                                   .language = lang,
                                   .width = 1200,
                                   .height = 675,
                                   .print_width = 1240,
                                   .print_height = 698,
                                   .programme = "Programme pilote QPV",
                                   .run_date = "2020-03-02"};
}

static inline void render_ok(const struct figures *fig, const struct charts_options *opt,
                             struct chart_list *list)
{
    struct impact_error err = {0};
    if (charts_render(fig, opt, list, &err) != IMPACT_OK)
        fail_msg("charts_render failed: %s: %s", err.file, err.message);
    assert_int_equal(list->count, N_CHARTS);
}

static inline uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void check_png(const char *path, int width, int height)
{
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    size_t len;
    unsigned char *png = (unsigned char *)read_all(path, &len);
    assert_true(len > 33);
    assert_memory_equal(png, signature, 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    assert_int_equal(be32(png + 16), (uint32_t)width);
    assert_int_equal(be32(png + 20), (uint32_t)height);
    free(png);
}

/* ---- a small XML well-formedness check: tags nest, attributes are quoted, entities are
 * whole; enough to catch a broken <title>/<desc> insertion or an unescaped name ---- */

struct xml {
    const char *p;
    char stack[64][32];
    int depth, roots;
};

static inline void xml_entity(const char *p)
{
    size_t n = 1;
    while (isalnum((unsigned char)p[n]) || p[n] == '#')
        n++;
    if (n == 1 || p[n] != ';')
        fail_msg("bad entity at \"%.20s\"", p);
}

static inline void xml_text_until(struct xml *x, char stop)
{
    for (; *x->p && *x->p != stop; x->p++) {
        if (*x->p == '&')
            xml_entity(x->p);
        if (stop != '<' && *x->p == '<')
            fail_msg("'<' inside an attribute");
    }
}

static inline size_t xml_name(struct xml *x, char *out, size_t cap)
{
    size_t n = 0;
    while (x->p[n] && !isspace((unsigned char)x->p[n]) && !strchr("/>=", x->p[n]))
        n++;
    if (n == 0 || n >= cap)
        fail_msg("bad name at \"%.20s\"", x->p);
    memcpy(out, x->p, n);
    out[n] = '\0';
    x->p += n;
    return n;
}

static inline void xml_attributes(struct xml *x)
{
    char name[64];
    for (;;) {
        while (isspace((unsigned char)*x->p))
            x->p++;
        if (*x->p == '>' || (x->p[0] == '/' && x->p[1] == '>'))
            return;
        xml_name(x, name, sizeof name);
        if (x->p[0] != '=' || (x->p[1] != '"' && x->p[1] != '\''))
            fail_msg("attribute %s not quoted", name);
        char quote = x->p[1];
        x->p += 2;
        xml_text_until(x, quote);
        assert_int_equal(*x->p, quote);
        x->p++;
    }
}

static inline void xml_tag(struct xml *x)
{
    char name[32];
    if (strncmp(x->p, "<!--", 4) == 0 || strncmp(x->p, "<?", 2) == 0) {
        const char *end = strstr(x->p, x->p[1] == '!' ? "-->" : "?>");
        assert_non_null(end);
        x->p = end + 2;
        return;
    }
    bool closing = x->p[1] == '/';
    x->p += closing ? 2 : 1;
    xml_name(x, name, sizeof name);
    if (closing) {
        if (x->depth == 0 || strcmp(x->stack[x->depth - 1], name) != 0)
            fail_msg("</%s> does not close the open element", name);
        x->depth--;
        assert_int_equal(*x->p, '>');
        return;
    }
    xml_attributes(x);
    x->roots += x->depth == 0;
    if (*x->p == '/') {
        x->p++;
        return;
    }
    assert_true(x->depth < 64);
    snprintf(x->stack[x->depth++], sizeof x->stack[0], "%s", name);
}

static inline void check_well_formed(const char *doc)
{
    struct xml x = {.p = doc};
    while (*x.p) {
        xml_text_until(&x, '<');
        if (!*x.p)
            break;
        xml_tag(&x);
        x.p++;
    }
    assert_int_equal(x.depth, 0);
    assert_int_equal(x.roots, 1);
}

/* The SVG is well-formed, its <title> (right after <svg ...>) is the chart's title, and its
 * width is the asked one. */
static inline void check_svg(const char *path, const struct chart_info *info, int width)
{
    size_t len;
    char *svg = read_all(path, &len);
    assert_memory_equal(svg, "<?xml", 5);
    check_well_formed(svg);
    char *root = strstr(svg, "<svg");
    assert_non_null(root);
    char *title = strchr(root, '>') + 1;
    char expected[512], size[32];
    snprintf(expected, sizeof expected, "\n<title>%s</title>\n<desc>", info->title);
    if (strchr(info->title, '&') == NULL && strchr(info->title, '<') == NULL)
        assert_memory_equal(title, expected, strlen(expected));
    assert_non_null(strstr(svg, "</desc>"));
    snprintf(size, sizeof size, "width=\"%dpx\"", width);
    assert_non_null(strstr(svg, size));
    free(svg);
}

static inline void check_files(const struct outdir *d, const struct chart_list *list,
                               const struct charts_options *opt)
{
    for (int c = 0; c < list->count; c++) {
        const struct chart_info *info = &list->charts[c];
        char path[128];
        assert_string_equal(info->name, CHART_NAMES[c]);
        file_path(d, info->name, ".png", path, sizeof path);
        assert_string_equal(strrchr(path, '/') + 1, info->png_file);
        check_png(path, opt->width, opt->height);
        file_path(d, info->name, ".svg", path, sizeof path);
        assert_string_equal(strrchr(path, '/') + 1, info->svg_file);
        check_svg(path, info, opt->width);
        assert_true(strlen(info->title) > 0);
        assert_true(strlen(info->alt_text) > 0);
        if (opt->print_width == 0) {
            assert_string_equal(info->print_png_file, "");
            continue;
        }
        file_path(d, info->name, "_print.png", path, sizeof path);
        assert_string_equal(strrchr(path, '/') + 1, info->print_png_file);
        check_png(path, opt->print_width, opt->print_height);
        file_path(d, info->name, "_print.svg", path, sizeof path);
        assert_string_equal(strrchr(path, '/') + 1, info->print_svg_file);
        check_svg(path, info, opt->print_width);
    }
}

/* Renders the fixture after `edit` into a fresh folder and checks every file; the list is
 * the caller's to read. Without `print`, no print variant: it doubles the time, and
 * test_print_variant covers it. */
static inline void render_checked(void (*edit)(struct fixture *), enum numfmt_lang lang, bool print,
                                  struct chart_list *list)
{
    struct fixture fx;
    fixture_init(&fx);
    if (edit)
        edit(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, lang);
    if (!print)
        opt.print_width = opt.print_height = 0;
    if (!print && lang == NUMFMT_LANG_EN) { /* small, to save time: the layout scales */
        opt.width = 640;
        opt.height = 360;
    }
    render_ok(&fx.fig, &opt, list);
    check_files(&d, list, &opt);
    outdir_remove(&d);
}

/* ---- edits of the reference figures used by both files ---- */

/* What stages/disclose would do with small cells here: the last quarter overall (and so the
 * reached count), Tarascon's count, the 2018 parents and unknown role, employment in 2019,
 * the 5+ band, men and the share of women in 2019. */
static inline void edge_withheld(struct fixture *fx)
{
    struct period_figures *p = fx->periods;
    withhold_count(&fx->overall_q[N_QUARTERS - 1].cumulative,
                   &fx->overall_q[N_QUARTERS - 1].withheld, WITHHELD_COMPLEMENTARY);
    withhold_count(&fx->fig.overall.reached, &fx->fig.overall.withheld, WITHHELD_COMPLEMENTARY);
    fx->fig.overall.projection.defined = false;
    withhold_count(&fx->sites[2].reached, &fx->sites[2].withheld, WITHHELD_SMALL_CELL);
    withhold_count(&fx->site_q[2][N_QUARTERS - 1].cumulative,
                   &fx->site_q[2][N_QUARTERS - 1].withheld, WITHHELD_SMALL_CELL);
    withhold_count(&p[1].by_role[ROLE_UNKNOWN], &p[1].withheld.by_role[ROLE_UNKNOWN],
                   WITHHELD_SMALL_CELL);
    withhold_count(&p[1].by_role[ROLE_PARENT], &p[1].withheld.by_role[ROLE_PARENT],
                   WITHHELD_COMPLEMENTARY);
    withhold_rate(&p[2].rates[RATE_EMPLOYMENT], &p[2].withheld.rates[RATE_EMPLOYMENT],
                  WITHHELD_COMPLEMENTARY);
    p[2].withheld.rate_changes[RATE_EMPLOYMENT] = WITHHELD_COMPLEMENTARY;
    withhold_rate(&p[2].employment_by_band[2], &p[2].withheld.employment_by_band[2],
                  WITHHELD_SMALL_CELL);
    withhold_count(&p[2].by_sex[SEX_M], &p[2].withheld.by_sex[SEX_M], WITHHELD_COMPLEMENTARY);
    withhold_rate(&p[2].rates[RATE_SHARE_GIRLS], &p[2].withheld.rates[RATE_SHARE_GIRLS],
                  WITHHELD_COMPLEMENTARY);
}

static inline void edge_no_site_target(struct fixture *fx)
{
    for (size_t s = 0; s < N_SITES; s++)
        fx->sites[s].target = 0;
}
#endif /* TEST_CHARTS_FIXTURE_H */
