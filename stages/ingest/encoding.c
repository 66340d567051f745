/* encoding.c — the bytes of an export: its encoding (UTF-8 with or without BOM, or
 * Windows-1252), delimiter and line ends, decided on its first MiB, and the conversion of
 * Windows-1252 to UTF-8. */
#include "stages/ingest/ingest_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ingest_encoding_name(enum ingest_encoding encoding)
{
    static const char *const names[] = {"auto", "utf-8", "windows-1252"};
    return names[encoding];
}

/* Valid multi-byte UTF-8 sequences against invalid bytes in the first block. */
static enum ingest_encoding sniff_encoding(const unsigned char *s, size_t len)
{
    size_t valid_multi = 0, invalid = 0, i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t need = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
        if (i + need > len)
            break; /* a sequence cut by the block end says nothing */
        size_t bad;
        if (utf8_valid((const char *)s + i, need, &bad)) {
            valid_multi++;
            i += need;
        } else {
            invalid++;
            i++;
        }
    }
    return invalid > valid_multi ? INGEST_ENCODING_CP1252 : INGEST_ENCODING_UTF8;
}

/* The most frequent of `;` `,` tab on one line, outside quotes, over the first `lines`
 * non-blank lines: the header is among them, and a title above it has fewer delimiters
 * (or, saved by a spreadsheet, as many). */
static char sniff_delimiter(const unsigned char *s, size_t len, int lines)
{
    size_t count[3] = {0}, most[3] = {0}; /* ; , tab */
    bool quoted = false, content = false;
    for (size_t i = 0; i <= len && lines > 0; i++) {
        bool eol = i == len || (!quoted && (s[i] == '\n' || s[i] == '\r'));
        if (eol) {
            for (int d = 0; d < 3; d++) {
                most[d] = count[d] > most[d] ? count[d] : most[d];
                count[d] = 0;
            }
            lines -= content;
            content = false;
            continue;
        }
        bool field_start = !content || strchr(";,\t", s[i - 1]);
        content = true;
        if (quoted && s[i] == '"' && i + 1 < len && s[i + 1] == '"')
            i++; /* a doubled quote inside quotes */
        else if (s[i] == '"' && (quoted || field_start))
            quoted = !quoted; /* a quote opens a field only at its start, as libcsv reads */
        else if (!quoted)
            count[0] += s[i] == ';', count[1] += s[i] == ',', count[2] += s[i] == '\t';
    }
    if (most[0] >= most[1] && most[0] >= most[2] && most[0] > 0)
        return ';';
    return most[2] > most[1] ? '\t' : ',';
}

/* Where the line after the first `n` lines starts. */
static size_t skip_head_lines(const unsigned char *s, size_t len, unsigned long n,
                              unsigned char eol)
{
    size_t at = 0;
    for (; n > 0 && at < len; n--) {
        const unsigned char *next = memchr(s + at, eol, len - at);
        at = next ? (size_t)(next - s) + 1 : len;
    }
    return at;
}

/* A UTF-16 export (Excel's "Unicode text", some reporting tools): a byte-order mark, or a
 * zero byte every other byte in the first characters. */
static bool is_utf16(const unsigned char *s, size_t n)
{
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return true;
    return n >= 4 && ((s[0] && !s[1] && s[2] && !s[3]) || (!s[0] && s[1] && !s[2] && s[3]));
}

/* Encoding, delimiter and line ends are decided on the file's first MiB, read apart from
 * the read blocks, so that the decision does not depend on the block size. */
void ingest_start_encoding(struct reader *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    unsigned char *head = xmalloc(BLOCK_SIZE);
    ssize_t got = pread(r->fd, head, BLOCK_SIZE, 0);
    size_t n = got > 0 ? (size_t)got : 0;
    bool has_bom = n >= 3 && memcmp(head, bom, 3) == 0;
    enum ingest_encoding enc = r->src->encoding;
    if (enc == INGEST_ENCODING_AUTO)
        enc = has_bom ? INGEST_ENCODING_UTF8 : sniff_encoding(head, n);
    if (has_bom && enc == INGEST_ENCODING_UTF8)
        r->pos = 3;
    r->result->encoding = enc;
    r->to_utf8 = (iconv_t)-1;
    if (is_utf16(head, n))
        ingest_reader_fail(r, 0, 0,
                           "the file is in UTF-16 (as Excel saves \"Unicode text\"): save it "
                           "as \"CSV UTF-8\" or \"CSV\" and run again");
    if (enc == INGEST_ENCODING_CP1252)
        r->to_utf8 = iconv_open("UTF-8", "WINDOWS-1252");
    if (enc == INGEST_ENCODING_CP1252 && r->to_utf8 == (iconv_t)-1)
        ingest_reader_fail(
            r, 0, 0,
            "the export is in Windows-1252 and this system cannot convert it to "
            "UTF-8 (iconv: %s): save the export as UTF-8, or install the C library's "
            "character set modules (Debian: libc6)",
            strerror(errno));
    /* Old Mac exports end lines with CR alone: split physical lines there instead, or every
     * row would be on "line 1" and a bad row would cost the rest of the file. */
    bool has_lf = memchr(head, '\n', n) != NULL;
    r->line_end = !has_lf && memchr(head, '\r', n) ? '\r' : '\n';
    size_t skip = has_bom ? 3 : 0;
    skip += skip_head_lines(head + skip, n - skip, skipped_lines(r), r->line_end);
    char delim = r->src->delimiter;
    if (!delim)
        delim =
            sniff_delimiter(head + skip, n - skip, r->src->fixed_header ? 1 : HEADER_SEARCH_ROWS);
    r->result->delimiter = delim;
    free(head);
}

/* Windows-1252 → UTF-8. The five bytes the code page leaves undefined become U+FFFD. */
const char *ingest_convert(struct reader *r, const char *in, size_t *len)
{
    if (r->to_utf8 == (iconv_t)-1)
        return in;
    xgrow((void **)&r->conv, &r->conv_cap, *len * 3 + 4, 1);
    char *src = (char *)in, *dst = r->conv;
    size_t left = *len, room = r->conv_cap;
    while (left > 0) {
        if (iconv(r->to_utf8, &src, &left, &dst, &room) != (size_t)-1)
            break;
        memcpy(dst, "\xEF\xBF\xBD", 3);
        dst += 3, room -= 3, src++, left--;
    }
    *len = (size_t)(dst - r->conv);
    return r->conv;
}
