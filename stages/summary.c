/* summary.c — the summary sheet (see summary.h): one A4 page drawn top to bottom on a cairo
 * PDF surface — header, headline table, target, two charts, source line.
 *
 * The charts are drawn by options->draw_chart (the charts' own code, lent by the pipeline), so
 * the sheet shows exactly what the PNGs show; the
 * rest is text laid out here, with the charts' language, palette, font and text helpers
 * (stages/common/chart_kit.h). Sizes are in PDF points (1/72 in).
 */
#include "stages/summary.h"

#include "stages/common/chart_kit.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAGE        "summary"
#define PAGE_W       595.0 /* A4 portrait in points */
#define PAGE_H       842.0
#define MARGIN       40.0
#define CONTENT_W    (PAGE_W - 2 * MARGIN)
#define MINUS        "\xE2\x88\x92" /* U+2212, a real minus sign in print */
#define CHART_MARGIN 0.03           /* the charts' side margin, as a share of their width */

/* The sheet's own colours; the rest are the charts' (stages/common/chart_kit.h). */
enum {
    TRACK = 0xE8E8E8,
    GREEN = 0x007A5A, /* Okabe–Ito green darkened for text on white */
    VERMILLION = 0xB34F00,
};

struct page {
    cairo_t *cr;
    const struct figures *fig;
    const struct summary_options *opt;
    enum numfmt_lang lang;
    double y; /* top of the free space */
};

/* Appends to a NUL-terminated buffer, cut at its end (the texts are short; a cut is
 * harmless and better than a compiler's guess that it may happen). */
static void add(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *out, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(out);
    if (len + 1 >= cap)
        return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(out + len, cap - len, fmt, args);
    va_end(args);
}

/* The same into an emptied buffer. */
static void put(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *out, size_t cap, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(out, cap, fmt, args);
    va_end(args);
}

/* ------------------------------------------------------------------------------------------
 * The words: headline rows and the target's sentences.
 */

/* A count, or "masqué". */
static void count_text(long value, uint8_t flag, enum numfmt_lang lang, char *out, size_t cap)
{
    if (kit_withheld(flag))
        put(out, cap, "%s", kit_withheld_word(lang));
    else
        numfmt_count(value, lang, out, cap);
}

/* "+15 %" and "(+140)"; a minus sign for falls. */
static void count_change_text(const struct count_change *c, enum numfmt_lang lang, char *out,
                              size_t cap)
{
    char rel[NUMFMT_BUF], abs_text[NUMFMT_BUF];
    numfmt_count(labs(c->absolute), lang, abs_text, sizeof abs_text);
    const char *sign = c->absolute > 0 ? "+" : c->absolute < 0 ? MINUS : "";
    out[0] = '\0';
    if (c->relative_defined) {
        numfmt_percent(fabs(c->relative), 0, lang, rel, sizeof rel);
        add(out, cap, "%s%s ", round(fabs(c->relative) * 100) > 0 ? sign : "", rel);
    }
    add(out, cap, c->relative_defined ? "(%s%s)" : "%s%s", sign, abs_text);
}

/* "+3,7 pts": the difference of two rates in percentage points. */
static void points_text(double difference, enum numfmt_lang lang, char *out, size_t cap)
{
    char value[NUMFMT_BUF];
    numfmt_decimal(fabs(difference) * 100, 1, lang, value, sizeof value);
    bool zero = round(fabs(difference) * 1000) == 0;
    put(out, cap, "%s%s%spt%s",
        zero             ? ""
        : difference > 0 ? "+"
                         : MINUS,
        value, kit_tr_lang(lang, KIT_NBSP, " "), zero || fabs(difference) * 100 < 2 ? "" : "s");
}

static void rate_text(const struct rate *r, uint8_t flag, enum numfmt_lang lang, char *out,
                      size_t cap)
{
    if (kit_withheld(flag))
        put(out, cap, "%s", kit_withheld_word(lang));
    else if (!r->defined)
        put(out, cap, "%s", kit_tr_lang(lang, "n.d.", "n/a"));
    else
        numfmt_percent(r->rate, 1, lang, out, cap);
}

/* "IC 95 % : 46,1–53,6 %" / "95% CI: 46.1–53.6%". */
static void interval_text(const struct figures *f, const struct rate *r, uint8_t flag,
                          enum numfmt_lang lang, char *out, size_t cap)
{
    out[0] = '\0';
    if (kit_withheld(flag) || !r->defined)
        return;
    char level[NUMFMT_BUF], low[NUMFMT_BUF], high[NUMFMT_BUF];
    double c = f->confidence > 0 && f->confidence < 1 ? f->confidence : 0.95;
    numfmt_percent(c, 0, lang, level, sizeof level);
    numfmt_decimal(r->ci_low * 100, 1, lang, low, sizeof low);
    numfmt_percent(r->ci_high, 1, lang, high, sizeof high);
    put(out, cap,
        kit_tr_lang(lang, "IC %s" KIT_NBSP ": %s" KIT_EN_DASH "%s", "%s CI: %s" KIT_EN_DASH "%s"),
        level, low, high);
}

/* "p = 0,021", "p < 0,001". */
static void p_value_text(double p, enum numfmt_lang lang, char *out, size_t cap)
{
    char value[NUMFMT_BUF];
    numfmt_decimal(p < 0.001 ? 0.001 : p, p < 0.01 ? 3 : 2, lang, value, sizeof value);
    put(out, cap, "p %s %s", p < 0.001 ? "<" : "=", value);
}

static const enum count_kind ROW_COUNTS[3] = {COUNT_BENEFICIARIES, COUNT_NEW_BENEFICIARIES,
                                              COUNT_CUMULATIVE_BENEFICIARIES};
static const enum rate_kind ROW_RATES[3] = {RATE_EMPLOYMENT, RATE_POSITIVE_OUTCOME, RATE_QPV_SHARE};
static const char *const ROW_FR[SUMMARY_ROWS] = {"Personnes accompagnées",  "Nouvelles personnes",
                                                 "Cumul depuis le début",   "Taux d'emploi",
                                                 "Taux de sortie positive", "Séances en QPV"};
static const char *const ROW_EN[SUMMARY_ROWS] = {
    "People reached",        "New people",       "Cumulative since the start", "Employment rate",
    "Positive outcome rate", "Sessions in a QPV"};

static void count_row(const struct figures *f, enum count_kind k, enum numfmt_lang lang,
                      struct summary_row *row)
{
    const struct period_figures *cur = &f->periods[f->n_periods - 1];
    count_text(cur->counts[k], cur->withheld.counts[k], lang, row->current, sizeof row->current);
    if (!cur->has_previous || f->n_periods < 2)
        return;
    const struct period_figures *prev = &f->periods[f->n_periods - 2];
    count_text(prev->counts[k], prev->withheld.counts[k], lang, row->previous,
               sizeof row->previous);
    if (kit_withheld(cur->withheld.count_changes[k]) || kit_withheld(cur->withheld.counts[k]) ||
        kit_withheld(prev->withheld.counts[k]))
        put(row->change, sizeof row->change, "%s", kit_withheld_word(lang));
    else
        count_change_text(&cur->count_changes[k], lang, row->change, sizeof row->change);
}

static void rate_row(const struct figures *f, enum rate_kind k, enum numfmt_lang lang,
                     struct summary_row *row)
{
    const struct period_figures *cur = &f->periods[f->n_periods - 1];
    rate_text(&cur->rates[k], cur->withheld.rates[k], lang, row->current, sizeof row->current);
    interval_text(f, &cur->rates[k], cur->withheld.rates[k], lang, row->interval,
                  sizeof row->interval);
    if (!cur->has_previous || f->n_periods < 2)
        return;
    const struct period_figures *prev = &f->periods[f->n_periods - 2];
    const struct rate_change *c = &cur->rate_changes[k];
    rate_text(&prev->rates[k], prev->withheld.rates[k], lang, row->previous, sizeof row->previous);
    if (kit_withheld(cur->withheld.rate_changes[k]) || kit_withheld(cur->withheld.rates[k]) ||
        kit_withheld(prev->withheld.rates[k])) {
        put(row->change, sizeof row->change, "%s", kit_withheld_word(lang));
        return;
    }
    if (!c->defined)
        return;
    points_text(c->difference, lang, row->change, sizeof row->change);
    if (c->test == RATE_TEST_NONE)
        return;
    put(row->test, sizeof row->test, "%s",
        c->p_value < 0.05 ? kit_tr_lang(lang, "significatif", "significant")
                          : kit_tr_lang(lang, "non significatif", "not significant"));
    p_value_text(c->p_value, lang, row->p_value, sizeof row->p_value);
}

/* The last period when it is partial, else NULL. */
static const struct period_figures *partial_last(const struct figures *f)
{
    const struct period_figures *p = f->n_periods ? &f->periods[f->n_periods - 1] : NULL;
    return p && p->partial && p->data_until != DAY_NONE ? p : NULL;
}

/* The day the last count describes: the last quarter's end, or the data stop when the last
 * period is partial and the quarter goes beyond it. */
static day_t as_of_day(const struct figures *f)
{
    const struct target_progress *o = &f->overall;
    if (partial_last(f) && o->last_quarter_end != DAY_NONE && o->last_quarter_end > f->data_last)
        return f->data_last;
    return o->last_quarter_end;
}

int summary_rows(const struct figures *figures, enum numfmt_lang lang,
                 struct summary_row rows[SUMMARY_ROWS])
{
    memset(rows, 0, SUMMARY_ROWS * sizeof *rows);
    if (figures->n_periods == 0)
        return 0;
    bool partial = figures->periods[figures->n_periods - 1].changes_partial;
    for (int i = 0; i < SUMMARY_ROWS; i++) {
        put(rows[i].label, sizeof rows[i].label, "%s", kit_tr_lang(lang, ROW_FR[i], ROW_EN[i]));
        if (i < 3)
            count_row(figures, ROW_COUNTS[i], lang, &rows[i]);
        else
            rate_row(figures, ROW_RATES[i - 3], lang, &rows[i]);
        /* a change with a partial period: the footnote under the table says what "*" means */
        if (partial && rows[i].change[0] && strcmp(rows[i].change, kit_withheld_word(lang)) != 0)
            add(rows[i].change, sizeof rows[i].change, "*");
    }
    return SUMMARY_ROWS;
}

/* "2 396 personnes accompagnées au 31 déc. 2019 sur un objectif de 3 000 (80 %)." */
static void reached_sentence(const struct figures *f, enum numfmt_lang lang, char *out, size_t cap)
{
    const struct target_progress *o = &f->overall;
    char n[NUMFMT_BUF], target[NUMFMT_BUF], when[NUMFMT_BUF], pct[NUMFMT_BUF];
    numfmt_count(o->target, lang, target, sizeof target);
    numfmt_date(as_of_day(f), lang, when, sizeof when);
    long q = kit_last_shown_quarter(o);
    if (kit_reached_shown(o)) {
        numfmt_count(o->reached, lang, n, sizeof n);
        numfmt_percent(o->progress, 0, lang, pct, sizeof pct);
        add(out, cap,
            kit_tr_lang(lang, "%s personnes accompagnées au %s sur un objectif de %s (%s).",
                        "%s people reached by %s against a target of %s (%s)."),
            n, when, target, pct);
        return;
    }
    add(out, cap, kit_tr_lang(lang, "Cumul au %s" KIT_NBSP ": %s", "Cumulative count on %s: %s"),
        when, kit_withheld_word(lang));
    if (q >= 0) {
        numfmt_count(o->quarters[q].cumulative, lang, n, sizeof n);
        numfmt_date(o->quarters[q].end, lang, when, sizeof when);
        add(out, cap, kit_tr_lang(lang, " (%s au %s)", " (%s on %s)"), n, when);
    }
    add(out, cap, kit_tr_lang(lang, ", pour un objectif de %s.", ", against a target of %s."),
        target);
}

/* The projection, or why there is none. */
static void projection_sentence(const struct figures *f, enum numfmt_lang lang, char *out,
                                size_t cap)
{
    const struct target_progress *o = &f->overall;
    const struct projection *p = &o->projection;
    char when[NUMFMT_BUF];
    if (p->reached_on != DAY_NONE) {
        /* the day, not a count: shown even when `reached` is withheld */
        numfmt_date(p->reached_on, lang, when, sizeof when);
        add(out, cap, kit_tr_lang(lang, " Objectif atteint le %s", " Target met on %s"), when);
        add(out, cap, "%s",
            f->deadline == DAY_NONE ? "."
            : p->reached_on <= f->deadline
                ? kit_tr_lang(lang, ", avant l'échéance.", ", on time.")
                : kit_tr_lang(lang, ", après l'échéance.", ", after the deadline."));
    } else if (kit_reached_shown(o) && o->reached >= o->target) {
        add(out, cap, " %s", kit_tr_lang(lang, "Objectif atteint.", "Target met."));
    } else if (p->defined) {
        numfmt_date(p->date, lang, when, sizeof when);
        add(out, cap,
            kit_tr_lang(lang, " Au rythme des %d derniers trimestres, il serait atteint le %s",
                        " At the pace of the last %d quarters, it would be reached on %s"),
            p->quarters_used, when);
        add(out, cap, "%s",
            f->deadline == DAY_NONE ? "."
            : p->on_track           ? kit_tr_lang(lang, ", dans les délais.", ", on time.")
                          : kit_tr_lang(lang, ", après l'échéance.", ", after the deadline."));
    } else if (p->withheld) {
        add(out, cap, " %s",
            kit_tr_lang(lang,
                        "Projection masquée" KIT_NBSP ": elle reposerait sur des valeurs masquées.",
                        "Projection withheld: it would rest on withheld values."));
    } else {
        add(out, cap, " %s",
            kit_tr_lang(lang, "Pas de projection possible avec les données disponibles.",
                        "No projection can be made from the data available."));
    }
}

void summary_target_text(const struct figures *figures, enum numfmt_lang lang, char *out,
                         size_t cap)
{
    out[0] = '\0';
    if (figures->overall.target <= 0 || figures->overall.n_quarters == 0)
        return;
    reached_sentence(figures, lang, out, cap);
    if (figures->deadline != DAY_NONE) {
        char when[NUMFMT_BUF];
        numfmt_date(figures->deadline, lang, when, sizeof when);
        add(out, cap, kit_tr_lang(lang, " Échéance" KIT_NBSP ": %s.", " Deadline: %s."), when);
    }
    projection_sentence(figures, lang, out, cap);
}

/* ------------------------------------------------------------------------------------------
 * Drawing.
 */

/* Word wrap on ASCII spaces from baseline y; returns the baseline after the last line. */
static double paragraph(cairo_t *cr, const char *s, double x, double y, double max_w,
                        double leading)
{
    char line[512];
    while (*s) {
        size_t best = 0;
        for (size_t i = 0;; i++) {
            if (s[i] != ' ' && s[i] != '\0')
                continue;
            snprintf(line, sizeof line, "%.*s", (int)i, s);
            if (best > 0 && kit_text_width(cr, line) > max_w)
                break;
            best = i;
            if (s[i] == '\0')
                break;
        }
        snprintf(line, sizeof line, "%.*s", (int)best, s);
        kit_text_at(cr, x, y, KIT_ALIGN_LEFT, line);
        s += best;
        while (*s == ' ')
            s++;
        y += leading;
    }
    return y;
}

static void rule(cairo_t *cr, double y, uint32_t rgb)
{
    kit_set_colour(cr, rgb);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, MARGIN, y);
    cairo_line_to(cr, PAGE_W - MARGIN, y);
    cairo_stroke(cr);
}

static void heading(struct page *pg, const char *s)
{
    kit_set_colour(pg->cr, KIT_INK);
    kit_set_font_size(pg->cr, 11, true);
    kit_text_at(pg->cr, MARGIN, pg->y + 11, KIT_ALIGN_LEFT, s);
    pg->y += 18;
}

/* "* 2020 incomplet : données jusqu'au 16 oct. 2020 ; …" under the table, for the "*". */
static void partial_footnote(const struct figures *f, enum numfmt_lang lang, char *out, size_t cap)
{
    const struct period_figures *p = partial_last(f);
    char when[NUMFMT_BUF];
    out[0] = '\0';
    if (!p || !p->has_previous)
        return;
    numfmt_date(p->data_until, lang, when, sizeof when);
    if (figures_period_before_data(p))
        add(out, cap,
            kit_tr_lang(lang,
                        "* %s" KIT_NBSP ": pas encore de données (les dernières datent du %s).",
                        "* %s: no data yet (the last are of %s)."),
            p->label, when);
    else
        add(out, cap,
            kit_tr_lang(
                lang,
                "* %s incomplet (données jusqu'au %s)" KIT_NBSP ": évolution d'une année partielle "
                "par rapport à une année complète.",
                "* %s is partial (data up to %s): change of a partial year from a full one."),
            p->label, when);
}

/* Programme name, the periods compared, a rule. */
static void draw_top(struct page *pg)
{
    const struct figures *f = pg->fig;
    kit_set_colour(pg->cr, KIT_INK);
    kit_set_font_size(pg->cr, 17, true);
    pg->y = paragraph(pg->cr, pg->opt->programme ? pg->opt->programme : "", MARGIN, pg->y + 17,
                      CONTENT_W, 21) -
            21;
    char line[256] = "", last[128] = "", when[NUMFMT_BUF];
    const struct period_figures *partial = partial_last(f);
    if (f->n_periods)
        put(last, sizeof last, "%s", f->periods[f->n_periods - 1].label);
    if (partial) { /* said where the page starts, in colour, before anyone reads a figure */
        numfmt_date(partial->data_until, pg->lang, when, sizeof when);
        if (figures_period_before_data(partial))
            add(last, sizeof last,
                kit_tr_lang(pg->lang, " (sans données" KIT_NBSP "; dernières le %s)",
                            " (no data; the last on %s)"),
                when);
        else
            add(last, sizeof last,
                kit_tr_lang(pg->lang, " (incomplet" KIT_NBSP ": données jusqu'au %s)",
                            " (partial: data up to %s)"),
                when);
    }
    if (f->n_periods >= 2)
        add(line, sizeof line,
            kit_tr_lang(pg->lang, "Synthèse %s, comparée à %s", "%s summary, compared with %s"),
            last, f->periods[f->n_periods - 2].label);
    else
        add(line, sizeof line, kit_tr_lang(pg->lang, "Synthèse %s", "%s summary"), last);
    kit_set_colour(pg->cr, partial ? VERMILLION : KIT_MUTED);
    kit_set_font_size(pg->cr, 11, partial != NULL);
    kit_text_at(pg->cr, MARGIN, pg->y + 20, KIT_ALIGN_LEFT, line);
    pg->y += 30;
    rule(pg->cr, pg->y, KIT_GRID);
    pg->y += 12;
}

/* Column x positions of the headline table (right edges for the numbers). */
static const double COL_CURRENT = MARGIN + 262, COL_PREVIOUS = MARGIN + 340,
                    COL_CHANGE = MARGIN + 424, COL_TEST = MARGIN + 436;

/* "2020 (au 16/10)" for a partial period: the column's figures stop there. */
static void period_header(const struct period_figures *p, enum numfmt_lang lang, char *out,
                          size_t cap)
{
    int y, m, d;
    put(out, cap, "%s", p->label);
    if (!p->partial || p->data_until == DAY_NONE || figures_period_before_data(p))
        return;
    date_to_ymd(p->data_until, &y, &m, &d);
    add(out, cap, kit_tr_lang(lang, " (au %02d/%02d)", " (to %02d/%02d)"), d % 100, m % 100);
}

static void table_header(struct page *pg)
{
    const struct figures *f = pg->fig;
    cairo_t *cr = pg->cr;
    kit_set_colour(cr, KIT_MUTED);
    kit_set_font_size(cr, 8.5, true);
    double y = pg->y + 9;
    char current[64];
    period_header(&f->periods[f->n_periods - 1], pg->lang, current, sizeof current);
    kit_text_at(cr, COL_CURRENT, y, KIT_ALIGN_RIGHT, current);
    if (f->n_periods >= 2)
        kit_text_at(cr, COL_PREVIOUS, y, KIT_ALIGN_RIGHT, f->periods[f->n_periods - 2].label);
    kit_text_at(cr, COL_CHANGE, y, KIT_ALIGN_RIGHT, kit_tr_lang(pg->lang, "Évolution", "Change"));
    kit_text_at(cr, COL_TEST, y, KIT_ALIGN_LEFT,
                kit_tr_lang(pg->lang, "Test à 5" KIT_NBSP "%", "Test at 5%"));
    pg->y += 14;
    rule(cr, pg->y, KIT_GRID);
}

/* A value with its small second line (interval, p-value) under it; a withheld value in
 * grey, so that it does not read as a figure. */
static void cell(cairo_t *cr, double x, double y, enum kit_align a, const char *main_text,
                 const char *small, bool bold, enum numfmt_lang lang)
{
    bool grey = strcmp(main_text, kit_withheld_word(lang)) == 0;
    kit_set_colour(cr, grey ? KIT_MUTED : KIT_INK);
    bold = bold && !grey;
    kit_set_font_size(cr, 9.5, bold);
    kit_text_at(cr, x, y, a, main_text);
    if (!small[0])
        return;
    kit_set_colour(cr, KIT_MUTED);
    kit_set_font_size(cr, 7, false);
    kit_text_at(cr, x, y + 10, a, small);
}

static void table_row(struct page *pg, const struct summary_row *row)
{
    cairo_t *cr = pg->cr;
    double y = pg->y + 13;
    kit_set_colour(cr, KIT_INK);
    kit_set_font_size(cr, 9.5, false);
    kit_text_at(cr, MARGIN, y, KIT_ALIGN_LEFT, row->label);
    cell(cr, COL_CURRENT, y, KIT_ALIGN_RIGHT, row->current, row->interval, true, pg->lang);
    cell(cr, COL_PREVIOUS, y, KIT_ALIGN_RIGHT, row->previous, "", false, pg->lang);
    cell(cr, COL_CHANGE, y, KIT_ALIGN_RIGHT, row->change, "", false, pg->lang);
    cell(cr, COL_TEST, y, KIT_ALIGN_LEFT, row->test, row->p_value, false, pg->lang);
    pg->y += row->interval[0] || row->p_value[0] ? 27 : 19;
    rule(cr, pg->y, KIT_GRID);
}

static void draw_table(struct page *pg)
{
    struct summary_row rows[SUMMARY_ROWS];
    if (summary_rows(pg->fig, pg->lang, rows) == 0)
        return;
    heading(pg, kit_tr_lang(pg->lang, "Chiffres clés", "Key figures"));
    table_header(pg);
    for (int i = 0; i < SUMMARY_ROWS; i++)
        table_row(pg, &rows[i]);
    char note[512];
    partial_footnote(pg->fig, pg->lang, note, sizeof note);
    if (note[0]) {
        kit_set_colour(pg->cr, KIT_MUTED);
        kit_set_font_size(pg->cr, 7.5, false);
        kit_text_at(pg->cr, MARGIN, pg->y + 10, KIT_ALIGN_LEFT, note);
    }
    pg->y += 14;
}

/* A bar from 0 to the target, filled to the last shown count, its share written at the end
 * of the fill (inside when it fits). */
static void progress_bar(struct page *pg)
{
    const struct target_progress *o = &pg->fig->overall;
    long q = kit_last_shown_quarter(o);
    double share = q >= 0 ? fmin(1, (double)o->quarters[q].cumulative / (double)o->target) : 0;
    cairo_t *cr = pg->cr;
    double y = pg->y, h = 11, fill = CONTENT_W * share;
    kit_set_colour(cr, TRACK);
    cairo_rectangle(cr, MARGIN, y, CONTENT_W, h);
    cairo_fill(cr);
    kit_set_colour(cr, KIT_OI_BLUE);
    cairo_rectangle(cr, MARGIN, y, fill, h);
    cairo_fill(cr);
    char pct[NUMFMT_BUF * 2], when[NUMFMT_BUF];
    numfmt_percent(share, 0, pg->lang, pct, sizeof pct);
    if (q >= 0 && !kit_reached_shown(o)) { /* the bar stops at an earlier quarter: say which */
        numfmt_date(o->quarters[q].end, pg->lang, when, sizeof when);
        add(pct, sizeof pct, kit_tr_lang(pg->lang, " au %s", " on %s"), when);
    }
    kit_set_font_size(cr, 7.5, true);
    bool inside = kit_text_width(cr, pct) + 8 < fill;
    if (inside)
        cairo_set_source_rgb(cr, 1, 1, 1);
    else
        kit_set_colour(cr, KIT_INK);
    if (q >= 0)
        kit_text_at(cr, inside ? MARGIN + fill - 4 : MARGIN + fill + 4, y + 8.2,
                    inside ? KIT_ALIGN_RIGHT : KIT_ALIGN_LEFT, pct);
    pg->y += h + 6;
}

/* "En retard" / "Dans les temps" / "Objectif atteint" in colour, with its words. */
static void status_tag(struct page *pg, double y)
{
    const struct target_progress *o = &pg->fig->overall;
    const char *label = NULL;
    uint32_t tone = GREEN;
    if (kit_reached_shown(o) && o->reached >= o->target)
        label = kit_tr_lang(pg->lang, "Objectif atteint", "Target met");
    else if (o->projection.defined && pg->fig->deadline != DAY_NONE) {
        label = o->projection.on_track ? kit_tr_lang(pg->lang, "Dans les temps", "On track")
                                       : kit_tr_lang(pg->lang, "En retard", "Behind schedule");
        tone = o->projection.on_track ? GREEN : VERMILLION;
    }
    if (!label)
        return;
    kit_set_font_size(pg->cr, 9.5, true);
    double w = kit_text_width(pg->cr, label) + 12;
    kit_set_colour(pg->cr, tone);
    cairo_rectangle(pg->cr, PAGE_W - MARGIN - w, y - 10, w, 14);
    cairo_fill(pg->cr);
    cairo_set_source_rgb(pg->cr, 1, 1, 1);
    kit_text_at(pg->cr, PAGE_W - MARGIN - 6, y, KIT_ALIGN_RIGHT, label);
}

static void draw_target(struct page *pg)
{
    char words[1024];
    summary_target_text(pg->fig, pg->lang, words, sizeof words);
    if (!words[0])
        return;
    heading(pg, kit_tr_lang(pg->lang, "Objectif", "Target"));
    status_tag(pg, pg->y - 7);
    progress_bar(pg);
    kit_set_colour(pg->cr, KIT_INK);
    kit_set_font_size(pg->cr, 9.5, false);
    pg->y = paragraph(pg->cr, words, MARGIN, pg->y + 9.5, CONTENT_W, 13) + 2;
}

/* A chart by the charts' own code, translated to its place on the page. The charts keep a
 * margin of 3 % of their width (36 px at 1200), so the chart is widened by that much on
 * each side for its text to line up with the page's. */
static int draw_chart(struct page *pg, const char *name, double height, struct impact_error *err)
{
    double width = CONTENT_W / (1 - 2 * CHART_MARGIN);
    int w = (int)round(width);
    cairo_save(pg->cr);
    cairo_translate(pg->cr, MARGIN - CHART_MARGIN * w, pg->y);
    int status =
        pg->opt->draw_chart(pg->cr, name, pg->fig, w, (int)height, pg->opt->chart_options, err);
    cairo_restore(pg->cr);
    pg->y += height;
    return status;
}

static void draw_source(struct page *pg)
{
    char source[512];
    kit_source_line(pg->opt->language, pg->opt->programme, pg->opt->run_date, source,
                    sizeof source);
    rule(pg->cr, PAGE_H - MARGIN - 14, KIT_GRID);
    kit_set_colour(pg->cr, KIT_MUTED);
    kit_set_font_size(pg->cr, 8, false);
    kit_text_at(pg->cr, MARGIN, PAGE_H - MARGIN, KIT_ALIGN_LEFT, source);
}

static int draw_page(struct page *pg, struct impact_error *err)
{
    draw_top(pg);
    draw_table(pg);
    draw_target(pg);
    pg->y += 6;
    double room = PAGE_H - MARGIN - 22 - pg->y, each = floor(room / 2);
    int status = draw_chart(pg, "cumulative_target", each, err);
    if (status == IMPACT_OK)
        status = draw_chart(pg, "outcome_rates", each, err);
    draw_source(pg);
    return status;
}

/* "2026-11-26T00:00:00Z" from the run date, so that the PDF's bytes do not depend on the
 * clock (cairo writes the current time when no date is set). */
static void pdf_date(const struct summary_options *opt, char *out, size_t cap)
{
    const char *run_date = opt->run_date ? opt->run_date : "";
    day_t day;
    int y = 1970, m = 1, d = 1;
    if (date_parse(run_date, strlen(run_date), &day, NULL) == DATE_OK)
        date_to_ymd(day, &y, &m, &d);
    snprintf(out, cap, "%04d-%02d-%02dT00:00:00Z", y % 10000, m % 100, d % 100);
}

static void set_metadata(cairo_surface_t *surface, const struct summary_options *opt,
                         enum numfmt_lang lang)
{
    char date[32], title[512];
    pdf_date(opt, date, sizeof date);
    snprintf(title, sizeof title, "%s %s %s", opt->programme ? opt->programme : "", KIT_EN_DASH,
             kit_tr_lang(lang, "synthèse", "summary"));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "impact");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

int summary_render_pdf(const struct figures *public_figures, const struct summary_options *options,
                       const char *path, struct impact_error *err)
{
    enum numfmt_lang lang = options->language == NUMFMT_LANG_EN ? NUMFMT_LANG_EN : NUMFMT_LANG_FR;
    cairo_surface_t *surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    cairo_status_t cs = cairo_surface_status(surface);
    if (cs != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the summary sheet: %s",
                           cairo_status_to_string(cs));
    }
    set_metadata(surface, options, lang);
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    struct page pg = {cr, public_figures, options, lang, MARGIN};
    int status = draw_page(&pg, err);
    cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != IMPACT_OK) { /* a chart failed: say which file it was for */
        char why[IMPACT_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        return impact_fail(err, STAGE, path, 0, 0, "%s", why);
    }
    if (cs != CAIRO_STATUS_SUCCESS)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the summary sheet: %s",
                           cairo_status_to_string(cs));
    return IMPACT_OK;
}
