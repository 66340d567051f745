/* test_charts_texts.c — tests of stages/charts, the texts: the charts are written as PNG and
 * SVG (every file checked); every SVG carries the title and text alternative; French and
 * English numbers appear in the texts; a met target, a partial period and no data yet are
 * said; withheld values are never quoted (titles pick a finding that is shown) and the
 * footnote names the threshold; site targets, with and without targets, and many sites.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_charts), cmocka_unit_test(test_english_charts),
        cmocka_unit_test(test_withheld),      cmocka_unit_test(test_withheld_english),
        cmocka_unit_test(test_site_targets),  cmocka_unit_test(test_many_sites),
        cmocka_unit_test(test_target_met),    cmocka_unit_test(test_partial_period),
        cmocka_unit_test(test_no_data_yet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
