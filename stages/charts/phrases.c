/* phrases.c — words several charts share: "personnes accompagnées", "fin 2019", the
 * footnote on withheld values. */
#include "stages/charts/internal.h"

const char *charts_people(const struct kit_ctx *ctx, long n)
{
    if (ctx->lang == NUMFMT_LANG_EN)
        return n == 1 ? "person reached" : "people reached";
    return n <= 1 ? "personne accompagnée" : "personnes accompagnées";
}

/* "fin 2019" when the day is 31 December, otherwise "au 30 sept. 2019". */
void charts_as_of(const struct kit_ctx *ctx, day_t day, char *out, size_t cap)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (m == 12 && d == 31)
        kit_format_text(out, cap, "%s %d", kit_tr(ctx, "fin", "by the end of"), y);
    else
        kit_format_text(out, cap, "%s %s", kit_tr(ctx, "au", "by"), kit_fmt_date(ctx, day).s);
}

/* The same at the start of a sentence: "Fin 2019", "Au 30 sept. 2019", "By the end of 2019". */
void charts_as_of_capital(const struct kit_ctx *ctx, day_t day, char *out, size_t cap)
{
    charts_as_of(ctx, day, out, cap);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

/* Appends the withheld note when `any`, led by what the reader sees. */
void charts_gap_note(const struct kit_ctx *ctx, bool any, bool complementary,
                     enum charts_gap_style style, struct kit_sbuf *note)
{
    static const char *const fr[] = {"Masqué", "Ligne interrompue"};
    static const char *const en[] = {"Withheld", "Breaks in a line"};
    if (!any)
        return;
    kit_sb_add(note, "%s%s%s", note->len ? " " : "", kit_tr(ctx, fr[style], en[style]),
               kit_colon(ctx));
    kit_withheld_note(ctx, complementary, note);
}
