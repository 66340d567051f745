/* test_charts.c — tests of stages/charts: the four charts are written as PNG and SVG, the
 * PNG has the asked size, the SVG carries the title and text alternative, French and English
 * numbers appear in the texts, two runs give identical bytes, edge cases (no data, one
 * period, zero counts, undefined rates, no target, long names) still give files, and a
 * folder that does not exist gives an error instead of a crash.
 *
 * The figures are built by hand after the reference programme (target 3 000 by 2019-12-31,
 * three sites); the Wilson intervals were computed with the score formula in Python
 * (z = 1.959964): 61/135 → [0.3704, 0.5360], 120/130 → [0.8642, 0.9577].
 * Cairo draws SVG text as glyph outlines, so text is checked in the <title>/<desc> the stage
 * adds and in chart_info, not in the drawing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/charts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NN         NUMFMT_NNBSP
#define N_QUARTERS 12
#define N_SITES    3
#define N_PERIODS  3

static const char *const CHART_NAMES[] = {"cumulative_target", "beneficiaries_by_role",
                                          "outcome_rates", "qpv_share"};
#define N_CHARTS 4

/* Everything a `struct figures` points to, so a test owns it on its stack. */
struct fixture {
    struct figures fig;
    struct period_figures periods[N_PERIODS];
    long by_site[N_PERIODS][N_SITES];
    const char *site_names[N_SITES];
    struct quarter_point overall_q[N_QUARTERS];
    struct quarter_point site_q[N_SITES][N_QUARTERS];
    struct target_progress sites[N_SITES];
};

static day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

static struct rate rate_of(long x, long n, double low, double high)
{
    return (struct rate){x, n, true, (double)x / (double)n, low, high};
}

static void fill_quarters(struct quarter_point *q, const long *cumulative, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int year = 2017 + (int)(i / 4), quarter = (int)(i % 4) + 1;
        snprintf(q[i].label, sizeof q[i].label, "%04u-Q%u", (unsigned)year % 10000u,
                 (unsigned)quarter % 10u);
        q[i].end = date_quarter_end(ymd(year, quarter * 3, 1));
        q[i].cumulative = cumulative[i];
    }
}

static void fill_trajectory(struct target_progress *tp, const char *name, struct quarter_point *q,
                            const long *cumulative, long target)
{
    fill_quarters(q, cumulative, N_QUARTERS);
    *tp = (struct target_progress){
        .name = name, .target = target, .n_quarters = N_QUARTERS, .quarters = q};
    tp->reached = cumulative[N_QUARTERS - 1];
    tp->progress = target ? (double)tp->reached / (double)target : 0;
    tp->last_quarter_end = q[N_QUARTERS - 1].end;
}

static void fill_period(struct period_figures *p, int year, long youth, long parent, long unknown)
{
    snprintf(p->label, sizeof p->label, "%d", year);
    p->start = ymd(year, 1, 1);
    p->end = ymd(year, 12, 31);
    p->by_role[ROLE_YOUTH] = youth;
    p->by_role[ROLE_PARENT] = parent;
    p->by_role[ROLE_UNKNOWN] = unknown;
    p->counts[COUNT_BENEFICIARIES] = youth + parent + unknown;
}

/* Relative change of beneficiaries against the previous period, as the indicators give it. */
static void link_previous(struct period_figures *p, const struct period_figures *prev)
{
    long now = p->counts[COUNT_BENEFICIARIES], before = prev->counts[COUNT_BENEFICIARIES];
    p->has_previous = true;
    p->count_changes[COUNT_BENEFICIARIES] = (struct count_change){
        now - before, before != 0, before ? (double)(now - before) / (double)before : 0};
}

static void fill_rates(struct fixture *fx)
{
    struct period_figures *p = fx->periods;
    /* 2017: nobody followed up yet, both outcome rates undefined. */
    p[0].rates[RATE_QPV_SHARE] = rate_of(68, 80, 0.7559, 0.9121);
    p[1].rates[RATE_EMPLOYMENT] = rate_of(38, 95, 0.3072, 0.5005);
    p[1].rates[RATE_POSITIVE_OUTCOME] = rate_of(52, 95, 0.4474, 0.6437);
    p[1].rates[RATE_QPV_SHARE] = rate_of(81, 90, 0.8208, 0.9465);
    p[2].rates[RATE_EMPLOYMENT] = rate_of(61, 135, 0.3704, 0.5360);
    p[2].rates[RATE_POSITIVE_OUTCOME] = rate_of(84, 135, 0.5381, 0.6996);
    p[2].rates[RATE_QPV_SHARE] = rate_of(120, 130, 0.8642, 0.9577);
}

static void fill_sites(struct fixture *fx)
{
    static const long cumul[N_SITES][N_QUARTERS] = {
        {60, 130, 200, 260, 330, 400, 470, 540, 650, 760, 880, 1020},
        {50, 110, 160, 200, 260, 320, 380, 430, 520, 610, 710, 820},
        {40, 80, 120, 150, 210, 260, 300, 330, 410, 480, 560, 640}};
    static const char *const names[N_SITES] = {"Parc Bellevue \xE2\x80\x93 F\xC3\xA9lix Pyat",
                                               "Les Lauriers \xE2\x80\x93 Olivier A", "Tarascon"};
    for (size_t s = 0; s < N_SITES; s++) {
        fx->site_names[s] = names[s];
        fill_trajectory(&fx->sites[s], names[s], fx->site_q[s], cumul[s], 0);
    }
}

static void fixture_init(struct fixture *fx)
{
    static const long cumul[N_QUARTERS] = {150,  320,  480,  610,  800,  980,
                                           1150, 1300, 1580, 1850, 2120, 2412};
    memset(fx, 0, sizeof *fx);
    fill_period(&fx->periods[0], 2017, 480, 120, 10);
    fill_period(&fx->periods[1], 2018, 640, 175, 15);
    fill_period(&fx->periods[2], 2019, 930, 274, 0);
    link_previous(&fx->periods[1], &fx->periods[0]);
    link_previous(&fx->periods[2], &fx->periods[1]);
    for (size_t i = 0; i < N_PERIODS; i++)
        fx->periods[i].by_site = fx->by_site[i];
    fill_rates(fx);
    fill_sites(fx);
    fill_trajectory(&fx->fig.overall, "overall", fx->overall_q, cumul, 3000);
    fx->fig.overall.projection = (struct projection){.defined = true,
                                                     .quarters_used = 4,
                                                     .slope_per_quarter = 270.6,
                                                     .date = ymd(2020, 6, 17),
                                                     .on_track = false};
    fx->fig.n_periods = N_PERIODS;
    fx->fig.periods = fx->periods;
    fx->fig.n_sites = N_SITES;
    fx->fig.site_names = fx->site_names;
    fx->fig.confidence = 0.95;
    fx->fig.deadline = ymd(2019, 12, 31);
    fx->fig.sites = fx->sites;
}

/* ---- files ---- */

struct outdir {
    char path[64];
};

static struct outdir outdir_new(void)
{
    struct outdir d;
    snprintf(d.path, sizeof d.path, "/tmp/test_charts_XXXXXX");
    assert_non_null(mkdtemp(d.path));
    return d;
}

static void file_path(const struct outdir *d, const char *name, const char *ext, char *out,
                      size_t cap)
{
    snprintf(out, cap, "%s/%s.%s", d->path, name, ext);
}

static void outdir_remove(const struct outdir *d)
{
    for (size_t c = 0; c < N_CHARTS; c++) {
        char path[128];
        file_path(d, CHART_NAMES[c], "png", path, sizeof path);
        unlink(path);
        file_path(d, CHART_NAMES[c], "svg", path, sizeof path);
        unlink(path);
    }
    assert_int_equal(rmdir(d->path), 0);
}

/* Whole file into a NUL-terminated malloc'd buffer. */
static char *read_all(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        fail_msg("cannot open %s", path);
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, in), (size_t)size);
    fclose(in);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

static struct charts_options options_for(const struct outdir *d, enum numfmt_lang lang)
{
    return (struct charts_options){.out_dir = d->path,
                                   .language = lang,
                                   .width = 1200,
                                   .height = 675,
                                   .programme = "Programme pilote QPV",
                                   .run_date = "2020-03-02"};
}

static void render_ok(const struct figures *fig, const struct charts_options *opt,
                      struct chart_list *list)
{
    struct impact_error err = {0};
    if (charts_render(fig, opt, list, &err) != IMPACT_OK)
        fail_msg("charts_render failed: %s: %s", err.file, err.message);
    assert_int_equal(list->count, N_CHARTS);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_png(const char *path, int width, int height)
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

/* The SVG starts as XML, and its <title> (right after <svg ...>) is the chart's title. */
static void check_svg(const char *path, const struct chart_info *info)
{
    size_t len;
    char *svg = read_all(path, &len);
    assert_memory_equal(svg, "<?xml", 5);
    char *root = strstr(svg, "<svg");
    assert_non_null(root);
    char *title = strchr(root, '>') + 1;
    char expected[512];
    snprintf(expected, sizeof expected, "\n<title>%s</title>\n<desc>", info->title);
    if (strchr(info->title, '&') == NULL && strchr(info->title, '<') == NULL)
        assert_memory_equal(title, expected, strlen(expected));
    assert_non_null(strstr(svg, "</desc>"));
    assert_non_null(strstr(svg, "width=\"1200px\""));
    free(svg);
}

static void check_files(const struct outdir *d, const struct chart_list *list, int w, int h)
{
    for (int c = 0; c < list->count; c++) {
        const struct chart_info *info = &list->charts[c];
        char path[128];
        assert_string_equal(info->name, CHART_NAMES[c]);
        file_path(d, info->name, "png", path, sizeof path);
        assert_string_equal(strrchr(path, '/') + 1, info->png_file);
        check_png(path, w, h);
        file_path(d, info->name, "svg", path, sizeof path);
        assert_string_equal(strrchr(path, '/') + 1, info->svg_file);
        if (w == 1200)
            check_svg(path, info);
        assert_true(strlen(info->title) > 0);
        assert_true(strlen(info->alt_text) > 0);
    }
}

static void expect_in(const char *what, const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("%s: \"%s\" does not contain \"%s\"", what, text, needle);
}

/* ---- tests ---- */

static void test_french_charts(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_FR);
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, 1200, 675);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[0].title,
                        "2" NN "412 personnes accompagnées fin 2019, 80" NN "% de l'objectif");
    expect_in("cumulative alt", c[0].alt_text, "l'objectif de 3" NN "000 fixé au 31 déc. 2019");
    expect_in("cumulative alt", c[0].alt_text, "atteint le 17 juin 2020, après l'échéance");
    expect_in("cumulative alt", c[0].alt_text, "Tarascon 640");
    assert_string_equal(c[1].title, "1" NN "204 personnes accompagnées en 2019, en hausse de "
                                    "45" NN "% par rapport à 2018");
    expect_in("by role alt", c[1].alt_text, "2017\xC2\xA0: 610 (jeunes 480, parents 120");
    expect_in("outcome title", c[2].title, "45,2" NN "% des personnes suivies sont en emploi");
    expect_in("outcome alt", c[2].alt_text, "2017\xC2\xA0: emploi n.d., sortie positive n.d.");
    expect_in("outcome alt", c[2].alt_text, "emploi 45,2" NN "% (61 sur 135)");
    expect_in("qpv title", c[3].title, "En 2019, 92,3" NN "% des séances");
    char path[128];
    size_t len;
    file_path(&d, "outcome_rates", "svg", path, sizeof path);
    char *svg = read_all(path, &len);
    expect_in("outcome svg", svg, "<desc>Taux par année");
    expect_in("outcome svg", svg, "emploi 45,2" NN "% (61 sur 135)");
    free(svg);
    outdir_remove(&d);
}

static void test_english_charts(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_EN);
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, 1200, 675);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[0].title, "2,412 people reached by the end of 2019, 80% of the target");
    expect_in("cumulative alt", c[0].alt_text, "the 3,000 target set for 31 Dec 2019");
    assert_string_equal(c[1].title, "1,204 people reached in 2019, up 45% on 2018");
    expect_in("outcome title", c[2].title, "45.2% of the people followed up");
    expect_in("outcome alt", c[2].alt_text, "2017: employment no data");
    expect_in("qpv alt", c[3].alt_text, "2019: 92.3% (120 of 130 sessions)");
    outdir_remove(&d);
}

static void expect_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *da = read_all(a, &la), *db = read_all(b, &lb);
    if (la != lb || memcmp(da, db, la) != 0)
        fail_msg("%s and %s differ", a, b);
    free(da);
    free(db);
}

static void test_reproducible(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct outdir d1 = outdir_new(), d2 = outdir_new();
    struct charts_options o1 = options_for(&d1, NUMFMT_LANG_FR),
                          o2 = options_for(&d2, NUMFMT_LANG_FR);
    struct chart_list l1, l2;
    render_ok(&fx.fig, &o1, &l1);
    render_ok(&fx.fig, &o2, &l2);
    for (size_t c = 0; c < N_CHARTS; c++) {
        char a[128], b[128];
        file_path(&d1, CHART_NAMES[c], "png", a, sizeof a);
        file_path(&d2, CHART_NAMES[c], "png", b, sizeof b);
        expect_same_file(a, b);
        file_path(&d1, CHART_NAMES[c], "svg", a, sizeof a);
        file_path(&d2, CHART_NAMES[c], "svg", b, sizeof b);
        expect_same_file(a, b);
    }
    outdir_remove(&d1);
    outdir_remove(&d2);
}

/* Each edge case mutates the reference figures; all must render without failing. */
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
        memset(fx->periods[i].counts, 0, sizeof fx->periods[i].counts);
        memset(fx->periods[i].count_changes, 0, sizeof fx->periods[i].count_changes);
        for (int r = 0; r < RATE_KINDS; r++)
            fx->periods[i].rates[r] = (struct rate){0};
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

/* Target reached, projection far beyond the data, a withheld (negative) count. */
static void edge_odd_values(struct fixture *fx)
{
    fx->fig.overall.target = 2000;
    fx->fig.overall.progress = 1.206;
    fx->fig.overall.projection.date = ymd(2031, 3, 1);
    fx->periods[1].by_role[ROLE_PARENT] = -1;
    fx->periods[2].rates[RATE_QPV_SHARE] = rate_of(130, 130, 0.9713, 1.0);
}

static void edge_late_projection(struct fixture *fx)
{
    fx->fig.overall.projection.date = ymd(2031, 3, 1);
    fx->fig.confidence = 0;
}

static void test_edge_cases(void **state)
{
    (void)state;
    void (*const edits[])(struct fixture *) = {
        edge_no_periods, edge_one_period, edge_all_zero,       edge_no_target,
        edge_long_names, edge_odd_values, edge_late_projection};
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        for (int lang = NUMFMT_LANG_FR; lang <= NUMFMT_LANG_EN; lang++) {
            struct fixture fx;
            fixture_init(&fx);
            edits[e](&fx);
            struct outdir d = outdir_new();
            struct charts_options opt = options_for(&d, (enum numfmt_lang)lang);
            struct chart_list list;
            render_ok(&fx.fig, &opt, &list);
            check_files(&d, &list, 1200, 675);
            outdir_remove(&d);
        }
    }
}

static void test_no_data_texts(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    edge_no_periods(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_FR);
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    assert_string_equal(list.charts[0].title, "Aucune présence enregistrée");
    assert_string_equal(list.charts[2].title,
                        "Pas encore de situation connue pour les personnes suivies");
    outdir_remove(&d);
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
    file_path(&d, "cumulative_target", "svg", path, sizeof path);
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
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, 800, 800);
    outdir_remove(&d);
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_charts), cmocka_unit_test(test_english_charts),
        cmocka_unit_test(test_reproducible),  cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_no_data_texts), cmocka_unit_test(test_svg_escaping),
        cmocka_unit_test(test_other_size),    cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
