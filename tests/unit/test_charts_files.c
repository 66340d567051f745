/* test_charts_files.c — tests of stages/charts, the files: the A4-width print variant; two
 * runs give identical bytes; edge cases (no data, one period, zero counts, undefined rates,
 * no target, long names, everything withheld) still give files and say so; SVG text is
 * escaped; another size; charts_draw() paints on a caller's surface; PNGs read back; a
 * folder that does not exist gives an error instead of a crash.
 *
 * Cairo draws SVG text as glyph outlines, so text is checked in the <title>/<desc> the stage
 * adds and in chart_info, not in the drawing. The figures are in figures_fixture.h, the
 * checks in charts_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "charts_fixture.h"

/* ---- files and bytes ---- */

static void test_print_variant(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_FR);
    opt.print_width = 1000; /* another size and shape than the social one */
    opt.print_height = 1000;
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, &opt);
    outdir_remove(&d);
    d = outdir_new();
    opt = options_for(&d, NUMFMT_LANG_FR);
    opt.print_width = opt.print_height = 0; /* none asked */
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, &opt);
    char path[128];
    file_path(&d, CHART_NAMES[0], "_print.png", path, sizeof path);
    assert_int_equal(access(path, F_OK), -1);
    outdir_remove(&d);
}

static void test_reproducible(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    edge_withheld(&fx);
    struct outdir d1 = outdir_new(), d2 = outdir_new();
    struct charts_options o1 = options_for(&d1, NUMFMT_LANG_FR),
                          o2 = options_for(&d2, NUMFMT_LANG_FR);
    struct chart_list l1, l2;
    render_ok(&fx.fig, &o1, &l1);
    render_ok(&fx.fig, &o2, &l2);
    for (size_t c = 0; c < N_CHARTS; c++)
        for (size_t v = 0; v < 4; v++) {
            char a[128], b[128];
            file_path(&d1, CHART_NAMES[c], VARIANTS[v], a, sizeof a);
            file_path(&d2, CHART_NAMES[c], VARIANTS[v], b, sizeof b);
            expect_same_file(a, b);
        }
    outdir_remove(&d1);
    outdir_remove(&d2);
}

/* ---- edge cases: each mutates the reference figures; all must render ---- */

static void edge_no_periods(struct fixture *fx)
{
    fx->fig.n_periods = 0;
    fx->fig.overall.n_quarters = 0;
    fx->fig.overall.reached = 0;
    fx->fig.overall.projection.defined = false;
    for (size_t s = 0; s < N_SITES; s++)
        fx->sites[s].n_quarters = 0;
}

static void edge_one_period(struct fixture *fx)
{
    fx->fig.n_periods = 1;
    fx->fig.overall.n_quarters = 1;
    fx->fig.overall.reached = fx->overall_q[0].cumulative;
    fx->fig.overall.last_quarter_end = fx->overall_q[0].end;
    fx->fig.overall.projection.defined = false;
    fx->fig.n_sites = 1;
}

static void edge_all_zero(struct fixture *fx)
{
    for (size_t i = 0; i < N_PERIODS; i++) {
        memset(fx->periods[i].by_role, 0, sizeof fx->periods[i].by_role);
        memset(fx->periods[i].by_sex, 0, sizeof fx->periods[i].by_sex);
        memset(fx->periods[i].counts, 0, sizeof fx->periods[i].counts);
        memset(fx->periods[i].count_changes, 0, sizeof fx->periods[i].count_changes);
        for (int r = 0; r < RATE_KINDS; r++)
            fx->periods[i].rates[r] = (struct rate){0};
        for (int b = 0; b < FIGURES_MAX_BANDS; b++)
            fx->periods[i].employment_by_band[b] = (struct rate){0};
    }
    for (size_t q = 0; q < N_QUARTERS; q++)
        fx->overall_q[q].cumulative = 0;
    fx->fig.overall.reached = 0;
    fx->fig.overall.progress = 0;
    fx->fig.overall.projection.defined = false;
}

static void edge_no_target(struct fixture *fx)
{
    fx->fig.overall.target = 0;
    fx->fig.overall.progress = 0;
    fx->fig.overall.projection.defined = false;
    fx->fig.deadline = DAY_NONE;
    fx->fig.n_bands = 0;
}

static void edge_long_names(struct fixture *fx)
{
    static const char *const names[N_SITES] = {
        "Quartier prioritaire de la politique de la ville Les Hauts de Sainte-Marthe "
        "\xE2\x80\x93 Saint-Joseph \xE2\x80\x93 La Renaude (Marseille 14e arrondissement)",
        "R&D <atelier> \"code\" pour les filles du quartier Fr\xC3\xA9ret "
        "\xE2\x80\x93 Bassens \xE2\x80\x93 Saint-Barth\xC3\xA9lemy",
        "Tarascon"};
    for (size_t s = 0; s < N_SITES; s++)
        fx->site_names[s] = names[s];
    snprintf(fx->periods[2].label, sizeof fx->periods[2].label, "2019-2020");
}

/* Target reached, projection far beyond the data, an interval reaching 100 %. */
static void edge_odd_values(struct fixture *fx)
{
    fx->fig.overall.target = 2000;
    fx->fig.overall.progress = 1.206;
    fx->fig.overall.projection.date = ymd(2031, 3, 1);
    fx->periods[2].rates[RATE_QPV_SHARE] = rate_of(130, 130, 0.9713, 1.0);
}

static void edge_late_projection(struct fixture *fx)
{
    fx->fig.overall.projection.date = ymd(2031, 3, 1);
    fx->fig.confidence = 0;
}

/* Every count and rate withheld: nothing to quote, nothing drawn as zero. */
static void edge_everything_withheld(struct fixture *fx)
{
    for (size_t i = 0; i < N_PERIODS; i++) {
        struct period_figures *p = &fx->periods[i];
        memset(&p->withheld.counts, WITHHELD_SMALL_CELL, sizeof p->withheld.counts);
        memset(&p->withheld.by_role, WITHHELD_SMALL_CELL, sizeof p->withheld.by_role);
        memset(&p->withheld.by_sex, WITHHELD_SMALL_CELL, sizeof p->withheld.by_sex);
        memset(&p->withheld.rates, WITHHELD_SMALL_CELL, sizeof p->withheld.rates);
        memset(&p->withheld.employment_by_band, WITHHELD_SMALL_CELL,
               sizeof p->withheld.employment_by_band);
        memset(&p->withheld.count_changes, WITHHELD_SMALL_CELL, sizeof p->withheld.count_changes);
    }
    for (size_t q = 0; q < N_QUARTERS; q++) {
        fx->overall_q[q].withheld = WITHHELD_SMALL_CELL;
        for (size_t s = 0; s < N_SITES; s++)
            fx->site_q[s][q].withheld = WITHHELD_SMALL_CELL;
    }
    fx->fig.overall.withheld = WITHHELD_SMALL_CELL;
    fx->fig.overall.projection.defined = false;
    for (size_t s = 0; s < N_SITES; s++)
        fx->sites[s].withheld = WITHHELD_SMALL_CELL;
}

static void test_edge_cases(void **state)
{
    (void)state;
    void (*const edits[])(struct fixture *) = {
        edge_no_periods,      edge_one_period,          edge_all_zero,
        edge_no_target,       edge_long_names,          edge_odd_values,
        edge_late_projection, edge_everything_withheld, edge_no_site_target};
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++)
        for (int lang = NUMFMT_LANG_FR; lang <= NUMFMT_LANG_EN; lang++) {
            struct chart_list list;
            render_checked(edits[e], (enum numfmt_lang)lang, false, &list);
        }
}

static void test_everything_withheld_texts(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(edge_everything_withheld, NUMFMT_LANG_FR, false, &list);
    for (int c = 0; c < N_CHARTS; c++)
        for (const char *p = list.charts[c].title; *p;) {
            size_t digits = strspn(p, "0123456789");
            if (digits > 0 && !(digits == 4 && p[0] == '2' && p[1] == '0'))
                fail_msg("%s: title quotes a number: %s", list.charts[c].name,
                         list.charts[c].title);
            p += digits ? digits : 1;
        }
    assert_string_equal(list.charts[CUMULATIVE].title, "Effectifs trop petits pour être publiés");
    expect_in("outcomes", list.charts[OUTCOMES].title, "masqués");
}

static void test_no_data_texts(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(edge_no_periods, NUMFMT_LANG_FR, false, &list);
    assert_string_equal(list.charts[CUMULATIVE].title, "Aucune présence enregistrée");
    assert_string_equal(list.charts[OUTCOMES].title,
                        "Pas encore de situation connue pour les personnes suivies");
    expect_in("dosage", list.charts[DOSAGE].title, "aucune donnée publiable");
}

/* Site names reach the <desc> escaped. */
static void test_svg_escaping(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    edge_long_names(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_EN);
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    char path[128];
    size_t len;
    file_path(&d, "cumulative_target", ".svg", path, sizeof path);
    char *svg = read_all(path, &len);
    expect_in("svg", svg, "R&amp;D &lt;atelier&gt; &quot;code&quot;");
    assert_null(strstr(svg, "R&D"));
    free(svg);
    outdir_remove(&d);
}

static void test_other_size(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_FR);
    opt.width = 800;
    opt.height = 800;
    opt.print_width = opt.print_height = 0;
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, &opt);
    outdir_remove(&d);
}

/* charts_draw paints each chart on the caller's surface, at the caller's size. */
static void test_charts_draw(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct charts_options opt = {
        .width = 515, .height = 290, .programme = "P", .run_date = "2020-01-01"};
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 400);
    cairo_t *cr = cairo_create(surface);
    struct impact_error err = {0};
    for (size_t c = 0; c < N_CHARTS; c++) {
        opt.no_source_line = c % 2 == 0;
        assert_int_equal(charts_draw(cr, CHART_NAMES[c], &fx.fig, &opt, &err), IMPACT_OK);
    }
    assert_int_equal(charts_draw(cr, "pie_chart", &fx.fig, &opt, &err), IMPACT_FAIL);
    expect_in("unknown chart", err.message, "pie_chart");
    opt.width = 10;
    assert_int_equal(charts_draw(cr, CHART_NAMES[0], &fx.fig, &opt, &err), IMPACT_FAIL);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
}

/* charts_write_png must keep every pixel: an image where neighbouring pixels differ in all three
 * channels (so a swapped channel, a wrong stride or a lost row shows) is read back through
 * cairo's own PNG reader, an independent decoder of the file. */
static uint32_t pattern_pixel(int x, int y)
{
    return (uint32_t)((x * 37 + y) & 0xFF) << 16 | (uint32_t)((y * 53 + x * 3) & 0xFF) << 8 |
           (uint32_t)((x ^ y) & 0xFF);
}

static void test_png_round_trip(void **state)
{
    (void)state;
    enum { W = 301, H = 97 }; /* an odd width: the stride is wider than the pixels */
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    unsigned char *data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            ((uint32_t *)(void *)(data + y * stride))[x] = pattern_pixel(x, y) | 0xFF000000u;
    cairo_surface_mark_dirty(surface);
    char path[] = "/tmp/impact_test_png_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct impact_error err = {0};
    assert_int_equal(charts_write_png(surface, path, &err), IMPACT_OK);
    check_png(path, W, H);
    cairo_surface_t *back = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(back), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_format(back), CAIRO_FORMAT_RGB24); /* no alpha */
    const unsigned char *got = cairo_image_surface_get_data(back);
    int got_stride = cairo_image_surface_get_stride(back);
    size_t differ = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            differ += (((const uint32_t *)(const void *)(got + y * got_stride))[x] & 0xFFFFFF) !=
                      pattern_pixel(x, y);
    assert_int_equal(differ, 0);
    cairo_surface_destroy(back);
    unlink(path);

    assert_int_equal(charts_write_png(surface, "/nonexistent/dir/chart.png", &err), IMPACT_FAIL);
    assert_string_equal(err.stage, "charts");
    assert_string_equal(err.file, "/nonexistent/dir/chart.png");
    expect_in("error message", err.message, "cannot write the chart");
    cairo_surface_destroy(surface);
    cairo_surface_t *with_alpha = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    assert_int_equal(charts_write_png(with_alpha, "/tmp/never_written.png", &err), IMPACT_FAIL);
    expect_in("error message", err.message, "not an RGB image");
    cairo_surface_destroy(with_alpha);
}

static void test_errors(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct charts_options opt = {.out_dir = "/nonexistent/charts",
                                 .width = 1200,
                                 .height = 675,
                                 .programme = "P",
                                 .run_date = "2020-01-01"};
    struct chart_list list;
    struct impact_error err = {0};
    assert_int_equal(charts_render(&fx.fig, &opt, &list, &err), IMPACT_FAIL);
    assert_string_equal(err.stage, "charts");
    expect_in("error file", err.file, "/nonexistent/charts/cumulative_target.");
    opt.out_dir = "/tmp";
    opt.width = 0;
    assert_int_equal(charts_render(&fx.fig, &opt, &list, &err), IMPACT_FAIL);
    expect_in("error message", err.message, "chart size");
    opt.width = 1200;
    opt.print_width = 100;
    opt.print_height = 698;
    assert_int_equal(charts_render(&fx.fig, &opt, &list, &err), IMPACT_FAIL);
    expect_in("error message", err.message, "chart size 100 x 698");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_variant), cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_edge_cases),    cmocka_unit_test(test_everything_withheld_texts),
        cmocka_unit_test(test_no_data_texts), cmocka_unit_test(test_svg_escaping),
        cmocka_unit_test(test_other_size),    cmocka_unit_test(test_charts_draw),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_png_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
