/* numfmt.h — numbers, percentages and dates written the way a French (or English) reader
 * expects them, for the charts and the console summary.
 *
 *   French:  "3 000"  "45,2 %"  "31 déc. 2019"  "1er janv. 2019"  "T4 2019"
 *   English: "3,000"  "45.2%"   "31 Dec 2019"   "1 Jan 2019"      "Q4 2019"
 *
 * The French thousands separator and the space before "%" are U+202F NARROW NO-BREAK SPACE
 * (NUMFMT_NNBSP), so a number never breaks across lines. Negative numbers use an ASCII
 * hyphen-minus, so the console shows them everywhere; a value that rounds to zero loses its
 * sign ("0,0 %", never "-0,0 %"). NaN and infinities print as "n.d." / "n/a".
 *
 * Every function writes a NUL-terminated UTF-8 string into the caller's buf (truncated, on
 * a character boundary, when size is too small; nothing is written when size is 0) and
 * returns the length the full text needs, as snprintf does. NUMFMT_BUF bytes suffice for
 * every date and for any number below 10^15 in magnitude.
 */
#ifndef IMPACT_NUMFMT_H
#define IMPACT_NUMFMT_H

#include "stages/common/dates.h"

#include <stddef.h>

enum numfmt_lang { NUMFMT_LANG_FR, NUMFMT_LANG_EN };

#define NUMFMT_NNBSP "\xE2\x80\xAF" /* U+202F, UTF-8 */
#define NUMFMT_BUF   64             /* enough for dates and numbers below 10^15 */

/* A whole number with thousands grouping: 1234567 → "1 234 567" / "1,234,567". */
size_t numfmt_count(long value, enum numfmt_lang lang, char *buf, size_t size);

/* A decimal number with `decimals` digits (0–9) and grouping: 1234.5 → "1 234,5". */
size_t numfmt_decimal(double value, int decimals, enum numfmt_lang lang, char *buf, size_t size);

/* A ratio shown as a percentage: 0.452 with 1 decimal → "45,2 %" / "45.2%". */
size_t numfmt_percent(double ratio, int decimals, enum numfmt_lang lang, char *buf, size_t size);

/* A day: "31 déc. 2019", "1er janv. 2019" / "31 Dec 2019", "1 Jan 2019". */
size_t numfmt_date(day_t day, enum numfmt_lang lang, char *buf, size_t size);

/* The calendar quarter holding a day: "T4 2019" (trimestre) / "Q4 2019". */
size_t numfmt_quarter(day_t day, enum numfmt_lang lang, char *buf, size_t size);

/* Abbreviated month name (1–12): "déc." / "Dec"; "?" outside 1–12. Static storage. */
const char *numfmt_month_abbrev(int month, enum numfmt_lang lang);

#endif
