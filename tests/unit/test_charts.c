/* test_charts.c — tests of stages/charts: the seven charts are written as PNG and SVG, at the
 * social size and as the A4-width print variant; the PNGs have the asked sizes; every SVG is
 * well-formed XML and carries the title and text alternative; French and English numbers
 * appear in the texts; withheld values are never quoted (titles pick a finding that is
 * shown) and the footnote names the threshold; two runs give identical bytes; edge cases (no
 * data, one period, zero counts, undefined rates, no target, long names, everything
 * withheld) still give files; charts_draw() paints on a caller's surface; a folder that does
 * not exist gives an error instead of a crash.
 *
 * Cairo draws SVG text as glyph outlines, so text is checked in the <title>/<desc> the stage
 * adds and in chart_info, not in the drawing. The figures are in figures_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

static void file_path(const struct outdir *d, const char *name, const char *variant, char *out,
                      size_t cap)
{
    snprintf(out, cap, "%s/%s%s", d->path, name, variant);
}

static void outdir_remove(const struct outdir *d)
{
    for (size_t c = 0; c < N_CHARTS; c++)
        for (size_t v = 0; v < 4; v++) {
            char path[128];
            file_path(d, CHART_NAMES[c], VARIANTS[v], path, sizeof path);
            unlink(path);
        }
    assert_int_equal(rmdir(d->path), 0);
}

static struct charts_options options_for(const struct outdir *d, enum numfmt_lang lang)
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

/* ---- a small XML well-formedness check: tags nest, attributes are quoted, entities are
 * whole; enough to catch a broken <title>/<desc> insertion or an unescaped name ---- */

struct xml {
    const char *p;
    char stack[64][32];
    int depth, roots;
};

static void xml_entity(const char *p)
{
    size_t n = 1;
    while (isalnum((unsigned char)p[n]) || p[n] == '#')
        n++;
    if (n == 1 || p[n] != ';')
        fail_msg("bad entity at \"%.20s\"", p);
}

static void xml_text_until(struct xml *x, char stop)
{
    for (; *x->p && *x->p != stop; x->p++) {
        if (*x->p == '&')
            xml_entity(x->p);
        if (stop != '<' && *x->p == '<')
            fail_msg("'<' inside an attribute");
    }
}

static size_t xml_name(struct xml *x, char *out, size_t cap)
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

static void xml_attributes(struct xml *x)
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

static void xml_tag(struct xml *x)
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

static void check_well_formed(const char *doc)
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
static void check_svg(const char *path, const struct chart_info *info, int width)
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

static void check_files(const struct outdir *d, const struct chart_list *list,
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
static void render_checked(void (*edit)(struct fixture *), enum numfmt_lang lang, bool print,
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

/* ---- texts ---- */

static void test_french_charts(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(NULL, NUMFMT_LANG_FR, true, &list);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[CUMULATIVE].title,
                        "2" NN "412 personnes accompagnées fin 2019, 80" NN "% de l'objectif");
    expect_in("cumulative alt", c[0].alt_text, "l'objectif de 3" NN "000 fixé au 31 déc. 2019");
    expect_in("cumulative alt", c[0].alt_text, "atteint le 17 juin 2020, après l'échéance");
    expect_in("cumulative alt", c[0].alt_text, "Tarascon 640");
    assert_string_equal(c[BY_ROLE].title, "1" NN "204 personnes accompagnées en 2019, en hausse "
                                          "de 45" NN "% par rapport à 2018");
    expect_in("by role alt", c[BY_ROLE].alt_text, "2017" NB ": 610 (jeunes 480, parents 120");
    expect_in("outcome title", c[OUTCOMES].title,
              "45,2" NN "% des personnes suivies sont en emploi");
    expect_in("outcome alt", c[OUTCOMES].alt_text, "2017" NB ": emploi n.d., sortie positive n.d.");
    expect_in("outcome alt", c[OUTCOMES].alt_text, "emploi 45,2" NN "% (61 sur 135)");
    expect_in("qpv title", c[QPV].title, "En 2019, 92,3" NN "% des séances");
    assert_string_equal(c[BY_SEX].title, "En 2019, 47,1" NN "% des personnes accompagnées dont le "
                                         "sexe est connu sont des femmes");
    expect_in("by sex alt", c[BY_SEX].alt_text, "2019" NB ": 1" NN "204 (femmes 560, hommes 630");
    assert_string_equal(c[DOSAGE].title,
                        "En 2019, 66,7" NN "% des personnes ayant suivi 5 séances "
                        "ou plus sont en emploi, contre 30,0" NN "% pour 1 séance");
    expect_in("dosage alt", c[DOSAGE].alt_text, "2 à 4 séances" NB ": 47,3" NN "% (n = 55)");
    expect_in("dosage alt", c[DOSAGE].alt_text, "Association observée, pas un effet causal.");
    assert_string_equal(c[SITES].title, "1 site sur 3 a atteint son objectif fin 2019");
    expect_in("sites alt", c[SITES].alt_text,
              "Parc Bellevue \xE2\x80\x93 F\xC3\xA9lix Pyat" NB ": 1" NN "020 sur 1" NN "200 (85" NN
              "%)" NN "; ");
    expect_in("sites alt", c[SITES].alt_text, "Tarascon" NB ": 640 sur 600 (107" NN "%).");
}

static void test_english_charts(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(NULL, NUMFMT_LANG_EN, true, &list);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[CUMULATIVE].title,
                        "2,412 people reached by the end of 2019, 80% of the target");
    expect_in("cumulative alt", c[0].alt_text, "the 3,000 target set for 31 Dec 2019");
    assert_string_equal(c[BY_ROLE].title, "1,204 people reached in 2019, up 45% on 2018");
    expect_in("outcome title", c[OUTCOMES].title, "45.2% of the people followed up");
    expect_in("outcome alt", c[OUTCOMES].alt_text, "2017: employment no data");
    expect_in("qpv alt", c[QPV].alt_text, "2019: 92.3% (120 of 130 sessions)");
    assert_string_equal(c[BY_SEX].title,
                        "In 2019, 47.1% of the people reached whose sex is recorded were female");
    assert_string_equal(c[DOSAGE].title,
                        "In 2019, 66.7% of the people who attended 5 or more "
                        "sessions were in employment, against 30.0% for 1 session");
    expect_in("dosage alt", c[DOSAGE].alt_text,
              "2\xE2\x80\x93"
              "4 sessions: 47.3% (n = 55)");
    assert_string_equal(c[SITES].title, "1 of 3 sites had met its target by the end of 2019");
    expect_in("sites alt", c[SITES].alt_text, "Les Lauriers \xE2\x80\x93 Olivier A: 820 of 1,200");
}

/* The overall target of 2 000 met on 2019-06-12 (the fixture's 2 412 at the end of 2019),
 * and Tarascon's 600 on 2019-09-03 (640 at the end): the day it was met instead of a
 * projection (issue 14, defect 11). */
static void edit_target_met(struct fixture *fx)
{
    struct target_progress *o = &fx->fig.overall;
    o->target = 2000;
    o->progress = 2412.0 / 2000.0;
    o->projection = (struct projection){.reason = "target already reached",
                                        .on_track_known = true,
                                        .on_track = true,
                                        .reached_on = ymd(2019, 6, 12)};
    fx->sites[2].projection.reached_on = ymd(2019, 9, 3);
}

static void test_target_met(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(edit_target_met, NUMFMT_LANG_FR, false, &list);
    const struct chart_info *c = list.charts;
    expect_in("cumulative title", c[CUMULATIVE].title, "objectif de 2" NN "000 atteint");
    expect_in("cumulative alt", c[CUMULATIVE].alt_text,
              "fixé au 31 déc. 2019. Objectif atteint le 12 juin 2019, avant l'échéance. Par site");
    expect_not_in("cumulative alt", c[CUMULATIVE].alt_text, "Au rythme");
    expect_in("sites alt", c[SITES].alt_text,
              "Tarascon" NB ": 640 sur 600 (107" NN "%), objectif atteint le 3 sept. 2019.");
    render_checked(edit_target_met, NUMFMT_LANG_EN, false, &list);
    expect_in("cumulative alt", c[CUMULATIVE].alt_text, "Target met on 12 Jun 2019, on time.");
    expect_in("sites alt", c[SITES].alt_text, "target met on 3 Sep 2019.");
}

/* A partial last period (issue 14, defect 6): every text names it with its last data day,
 * and no title states a change from a whole year. */
static void test_partial_period(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(make_partial, NUMFMT_LANG_FR, false, &list);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[BY_ROLE].title,
                        "1" NN "204 personnes accompagnées en 2019 (jusqu'au 16/10)");
    expect_in("by role alt", c[BY_ROLE].alt_text, "; 2019 (jusqu'au 16/10)" NB ": 1" NN "204");
    expect_in("outcome title", c[OUTCOMES].title, "En 2019 (jusqu'au 16/10), 45,2" NN "%");
    expect_in("qpv alt", c[QPV].alt_text, "2019 (jusqu'au 16/10)" NB ": 92,3" NN "%");
    expect_in("by sex title", c[BY_SEX].title, "En 2019 (jusqu'au 16/10), ");
    expect_in("dosage title", c[DOSAGE].title, "En 2019 (jusqu'au 16/10), ");
    assert_string_equal(c[CUMULATIVE].title,
                        "2" NN "412 personnes accompagnées au 16 oct. 2019, 80" NN
                        "% de l'objectif");
    expect_in("cumulative alt", c[CUMULATIVE].alt_text, ": 2" NN "412 au 16 oct. 2019");
    expect_in("sites title", c[SITES].title, "au 16 oct. 2019");
    render_checked(make_partial, NUMFMT_LANG_EN, false, &list);
    assert_string_equal(c[BY_ROLE].title, "1,204 people reached in 2019 (to 16 Oct)");
    expect_in("cumulative title", c[CUMULATIVE].title, "by 16 Oct 2019");
}

/* The window runs a year past the data: the data stop on 2018-10-16, so 2018 is partial and
 * 2019 has no data yet (data_until before its start). The title speaks of 2018, the last
 * period with data; 2019 is named "(sans données)". */
static void edit_no_data_yet(struct fixture *fx)
{
    struct period_figures *p = fx->periods;
    fx->fig.data_last = ymd(2018, 10, 16);
    p[1].partial = p[2].partial = true;
    p[1].data_until = p[2].data_until = fx->fig.data_last;
    p[1].changes_partial = p[2].changes_partial = true;
}

static void test_no_data_yet(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(edit_no_data_yet, NUMFMT_LANG_FR, false, &list);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[BY_ROLE].title, "830 personnes accompagnées en 2018 (jusqu'au 16/10)");
    expect_in("by role alt", c[BY_ROLE].alt_text, "2019 (sans données)" NB ": ");
}

/* ---- withheld values ---- */

/* What stages/disclose would do with small cells here: the last quarter overall (and so the
 * reached count), Tarascon's count, the 2018 parents and unknown role, employment in 2019,
 * the 5+ band, men and the share of women in 2019. */
static void edge_withheld(struct fixture *fx)
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

static void expect_withheld_texts(const struct chart_info *c)
{
    static const char *const hidden[] = {"2" NN "412", "Tarascon 640", "640 sur", "175",
                                         "45,2",       "66,7",         "630",     "47,1"};
    for (int i = 0; i < N_CHARTS; i++)
        for (size_t h = 0; h < sizeof hidden / sizeof hidden[0]; h++) {
            expect_not_in(c[i].name, c[i].title, hidden[h]);
            expect_not_in(c[i].name, c[i].alt_text, hidden[h]);
        }
    assert_string_equal(c[CUMULATIVE].title, "2" NN "120 personnes accompagnées au 30 sept. 2019");
    expect_in("cumulative alt", c[CUMULATIVE].alt_text,
              "masqué au 31 déc. 2019 (2" NN "120 au 30 sept. 2019)");
    expect_in("cumulative alt", c[CUMULATIVE].alt_text, "Tarascon masqué");
    expect_in("role alt", c[BY_ROLE].alt_text,
              "2018" NB ": 830 (jeunes 640, parents masqué, rôle non renseigné masqué)");
    expect_not_in("role alt", c[BY_ROLE].alt_text, "parents 0");
    assert_string_equal(c[OUTCOMES].title,
                        "En 2019, 62,2" NN "% des personnes suivies sont en sortie positive");
    expect_in("outcome alt", c[OUTCOMES].alt_text, "emploi masqué, sortie positive 62,2");
    assert_string_equal(c[BY_SEX].title, "En 2019, 560 des 1" NN "204 personnes accompagnées "
                                         "sont des femmes");
    expect_in("dosage title", c[DOSAGE].title,
              "47,3" NN "% des personnes ayant suivi 2 à 4 séances");
    expect_in("dosage alt", c[DOSAGE].alt_text, "5 séances ou plus" NB ": masqué.");
    expect_in("sites alt", c[SITES].alt_text, "Tarascon" NB ": masqué (objectif 600)");
    assert_string_equal(c[SITES].title, "Fin 2019, les sites ont atteint entre 68" NN "% et 85" NN
                                        "% de leur objectif");
}

static void test_withheld(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    edge_withheld(&fx);
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_FR);
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, &opt);
    expect_withheld_texts(list.charts);
    char path[128];
    size_t len;
    file_path(&d, "beneficiaries_by_role", ".svg", path, sizeof path);
    char *svg = read_all(path, &len);
    expect_in("role svg", svg, "parents masqué");
    expect_not_in("role svg", svg, "parents 175");
    free(svg);
    outdir_remove(&d);
}

static void test_withheld_english(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(edge_withheld, NUMFMT_LANG_EN, false, &list);
    const struct chart_info *c = list.charts;
    assert_string_equal(c[CUMULATIVE].title, "2,120 people reached by 30 Sep 2019");
    expect_in("role alt", c[BY_ROLE].alt_text, "parents withheld");
    expect_in("outcome alt", c[OUTCOMES].alt_text, "employment withheld");
}

/* ---- site targets ---- */

static void edge_no_site_target(struct fixture *fx)
{
    for (size_t s = 0; s < N_SITES; s++)
        fx->sites[s].target = 0;
}

static void edge_one_site_without_target(struct fixture *fx)
{
    fx->sites[1].target = 0;
}

static void edge_all_sites_met(struct fixture *fx)
{
    for (size_t s = 0; s < N_SITES; s++) {
        fx->sites[s].target = 500;
        fx->sites[s].progress = (double)fx->sites[s].reached / 500.0;
    }
}

static void test_site_targets(void **state)
{
    (void)state;
    struct chart_list list;
    render_checked(edge_no_site_target, NUMFMT_LANG_FR, false, &list);
    assert_string_equal(list.charts[SITES].title,
                        "Parc Bellevue \xE2\x80\x93 F\xC3\xA9lix Pyat compte le plus de personnes "
                        "accompagnées" NB ": 1" NN "020 fin 2019");
    expect_in("no target alt", list.charts[SITES].alt_text, "sans objectif fixé");
    render_checked(edge_one_site_without_target, NUMFMT_LANG_FR, false, &list);
    expect_not_in("two sites alt", list.charts[SITES].alt_text, "Les Lauriers");
    render_checked(edge_all_sites_met, NUMFMT_LANG_EN, false, &list);
    assert_string_equal(list.charts[SITES].title, "All 3 sites had met their target by the end "
                                                  "of 2019");
}

/* Six sites, one more than the cumulative chart draws lines for: the fixture's three
 * sites twice over, with each period's counts by site. The sites leave the cumulative
 * chart's texts (which name each site with few sites) for a pointer to the chart by site. */
enum { MANY_SITES = 6 };

static void test_many_sites(void **state)
{
    (void)state;
    static const char *const names[MANY_SITES] = {"Site A", "Site B", "Site C",
                                                  "Site D", "Site E", "Site F"};
    struct target_progress sites[MANY_SITES];
    long by_site[N_PERIODS][MANY_SITES];
    uint8_t withheld[N_PERIODS][MANY_SITES];
    struct fixture fx;
    fixture_init(&fx);
    for (size_t s = 0; s < MANY_SITES; s++) {
        sites[s] = fx.sites[s % N_SITES];
        for (size_t p = 0; p < N_PERIODS; p++) {
            by_site[p][s] = fx.by_site[p][s % N_SITES];
            withheld[p][s] = fx.by_site_withheld[p][s % N_SITES];
        }
    }
    for (size_t p = 0; p < N_PERIODS; p++) {
        fx.periods[p].by_site = by_site[p];
        fx.periods[p].withheld.by_site = withheld[p];
    }
    fx.fig.n_sites = MANY_SITES;
    fx.fig.sites = sites;
    fx.fig.site_names = names;
    struct outdir d = outdir_new();
    struct charts_options opt = options_for(&d, NUMFMT_LANG_FR);
    struct chart_list list;
    render_ok(&fx.fig, &opt, &list);
    check_files(&d, &list, &opt);
    outdir_remove(&d);
    expect_in("many sites alt", list.charts[CUMULATIVE].alt_text,
              "6 sites" NB ": voir le graphique par site.");
    expect_not_in("many sites alt", list.charts[CUMULATIVE].alt_text, "Site A");
    render_checked(NULL, NUMFMT_LANG_FR, false, &list); /* three sites: each one named */
    expect_in("few sites alt", list.charts[CUMULATIVE].alt_text, "Par site" NB ": ");
    expect_not_in("few sites alt", list.charts[CUMULATIVE].alt_text, "voir le graphique");
}

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
        cmocka_unit_test(test_french_charts), cmocka_unit_test(test_english_charts),
        cmocka_unit_test(test_withheld),      cmocka_unit_test(test_withheld_english),
        cmocka_unit_test(test_site_targets),  cmocka_unit_test(test_many_sites),
        cmocka_unit_test(test_print_variant), cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_edge_cases),    cmocka_unit_test(test_everything_withheld_texts),
        cmocka_unit_test(test_no_data_texts), cmocka_unit_test(test_svg_escaping),
        cmocka_unit_test(test_other_size),    cmocka_unit_test(test_charts_draw),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_png_round_trip),
        cmocka_unit_test(test_target_met),    cmocka_unit_test(test_partial_period),
        cmocka_unit_test(test_no_data_yet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
