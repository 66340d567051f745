/* write.c — writes the two exports: attendance in Windows-1252 with ';' and CRLF, outcomes
 * in UTF-8 with a BOM, ',' and LF, each cell quoted as Excel would. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

/* ---------------------------------------------------------------- writing files */

static void out_open(struct out *o, const char *dir, const char *name)
{
    int n = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof o->path)
        die("output path too long: %s/%s", dir, name);
    o->f = fopen(o->path, "wb");
    if (!o->f)
        die("cannot create %s: %s", o->path, strerror(errno));
    o->line = 1;
}

static void out_bytes(struct out *o, const void *p, size_t n)
{
    if (n > 0 && fwrite(p, 1, n, o->f) != n)
        die("cannot write %s: %s", o->path, strerror(errno));
}

static void out_text(struct out *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

static void out_close(struct out *o)
{
    if (fflush(o->f) != 0 || ferror(o->f))
        die("cannot write %s: %s", o->path, strerror(errno));
    if (fclose(o->f) != 0)
        die("cannot close %s: %s", o->path, strerror(errno));
    o->f = NULL;
}

/* One attendance cell: UTF-8 converted to Windows-1252, quoted when Excel would quote it. */
static void put_cp1252_field(struct out *o, const char *utf8)
{
    char buf[FIELD_CAP * 2 + 2];
    size_t n = 0;
    bool quote = strpbrk(utf8, ";\"\r\n") != NULL;
    if (quote)
        buf[n++] = '"';
    for (const char *p = utf8; *p;) {
        uint32_t cp = utf8_next(&p);
        int b = cp1252_byte(cp);
        if (b < 0)
            die("U+%04X has no Windows-1252 byte", (unsigned)cp);
        if (b == '"')
            buf[n++] = '"';
        if (b == '\n')
            o->line++;
        buf[n++] = (char)b;
    }
    if (quote)
        buf[n++] = '"';
    out_bytes(o, buf, n);
}

static void put_cp1252_record(struct out *o, const char *const *fields, int n, bool trailing)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            out_text(o, ";");
        put_cp1252_field(o, fields[i]);
    }
    out_text(o, trailing ? ";\r\n" : "\r\n");
    o->line++;
}

void write_attendance(struct gen *g)
{
    static const char *const header[N_AFIELDS] = {
        "Date de la séance", "Quartier", "Activité", "QPV",     "Identifiant", "Nom", "Prénom",
        "Date de naissance", "Sexe",     "Rôle",     "Présence"};
    struct out o;
    out_open(&o, g->dir, "attendance.csv");
    put_cp1252_record(&o, header, N_AFIELDS, false);
    for (size_t i = 0; i < g->nrows; i++) {
        struct arow *r = &g->rows[i];
        const char *fields[N_AFIELDS];
        for (int k = 0; k < N_AFIELDS; k++)
            fields[k] = r->f[k];
        r->line = o.line;
        for (int c = 0; c < r->copies; c++)
            put_cp1252_record(&o, fields, N_AFIELDS, r->trailing);
    }
    g->attendance_lines = o.line - 1;
    out_close(&o);
}

static void put_utf8_field(struct out *o, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        out_text(o, s);
        return;
    }
    out_text(o, "\"");
    for (; *s; s++) {
        if (*s == '"')
            out_text(o, "\"");
        out_bytes(o, s, 1);
    }
    out_text(o, "\"");
}

static void put_utf8_record(struct out *o, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            out_text(o, ",");
        put_utf8_field(o, fields[i]);
    }
    out_text(o, "\n");
    o->line++;
}

void write_outcomes(struct gen *g)
{
    static const char *const header[N_OFIELDS] = {
        "Identifiant", "Nom", "Prénom", "Date de naissance", "Date d'observation", "Situation"};
    struct out o;
    out_open(&o, g->dir, "outcomes.csv");
    out_text(&o, "\xEF\xBB\xBF"); /* the BOM the follow-up tool writes */
    put_utf8_record(&o, header, N_OFIELDS);
    for (size_t i = 0; i < g->nobs; i++) {
        struct obs *ob = &g->obs[i];
        const char *fields[N_OFIELDS];
        for (int k = 0; k < N_OFIELDS; k++)
            fields[k] = ob->f[k];
        ob->line = o.line;
        put_utf8_record(&o, fields, N_OFIELDS);
    }
    out_close(&o);
}
