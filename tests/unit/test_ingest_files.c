/* test_ingest_files.c — the ingest stage (stages/ingest.h) on whole files: the SHA-256
 * fingerprint computed while ingest reads, against digests computed independently, and a
 * file larger than ingest's read block, each row's origin checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/ingest_fixture.h"

#include <openssl/sha.h>

/* ---- SHA-256 (the fingerprint) ---- */

/* Hex SHA-256 of a file read through ingest_file with the fingerprint attached, so that the
 * ingest threads take steps of it while they wait, and finished afterwards. */
static void fingerprint_through_ingest(const char *path, size_t block_size, char hex[65])
{
    struct fingerprint *fp = fingerprint_open(path);
    struct ingest_source src = {.path = path, .block_size = block_size, .fingerprint = fp};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    if (fingerprint_finish(fp, hex, &err) != IMPACT_OK)
        fail_msg("fingerprint_finish: %s", err.message);
    fingerprint_free(fp);
    collector_free(&c);
}

/* Digests computed independently with the sha256sum command, e.g.
 *   printf 'date,site,id\n2019-03-12,Tarascon,P1\n' | sha256sum
 * The BOM is part of the file's bytes; the third file makes ingest re-read a part of the
 * file after the unterminated quote, which must not be hashed twice. */
static void test_sha256(void **state)
{
    static const struct {
        const char *content, *sha256;
    } cases[] = {
        {"date,site,id\n2019-03-12,Tarascon,P1\n",
         "69c2072d6a65a46071e8037014f6a43c7caf26fa72335511247c5050ed15ca19"},
        {"\xEF\xBB\xBF"
         "date,site,id\n2019-03-12,Tarascon,P1\n",
         "aceba3e62f72a8d96aba1c9cd7498d03e2a87fc5924a718ea6e8c0c212b74d43"},
        {"date,site,id\n2019-03-12,a,P1\n2019-03-12,\"b,P2\n2019-03-13,c,P3\n2019-03-14,d,P4\n",
         "cf4ed858b83c7fc287ba5a1b6f2a0909328b0c8d4cb3e7cb78a00f1c64dbe440"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        write_file(*state, "hash.csv", cases[i].content, strlen(cases[i].content), path,
                   sizeof path);
        char hex[65];
        fingerprint_through_ingest(path, 0, hex);
        assert_string_equal(hex, cases[i].sha256);
        fingerprint_through_ingest(path, 5, hex); /* many small blocks: many waits */
        assert_string_equal(hex, cases[i].sha256);
    }
}

/* A file of many fingerprint steps (64 KiB each), hashed while ingest reads it, then by
 * steps alone, against OpenSSL's one-shot SHA256 of the same bytes (no steps at all). */
static void test_sha256_in_steps(void **state)
{
    enum { ROWS = 60000 };
    size_t cap = 64 + (size_t)ROWS * 40, len = 0;
    char *content = malloc(cap);
    assert_non_null(content);
    len += (size_t)snprintf(content, cap, "date,site,id\n");
    for (int i = 0; i < ROWS; i++)
        len += (size_t)snprintf(content + len, cap - len, "2019-03-%02d,Site %d,P%d\n", i % 28 + 1,
                                i % 97, i);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)content, len, digest);
    char want[65];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(want + 2 * i, 3, "%02x", digest[i]);
    char path[256], hex[65];
    write_file(*state, "big.csv", content, len, path, sizeof path);
    assert_true(len > 20 * 65536);
    fingerprint_through_ingest(path, 0, hex);
    assert_string_equal(hex, want);
    struct fingerprint *fp = fingerprint_open(path);
    size_t steps = 0;
    while (fingerprint_step(fp))
        steps++;
    assert_int_equal(steps, (len + 65535) / 65536);
    struct impact_error err;
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_OK);
    assert_string_equal(hex, want);
    assert_false(fingerprint_step(fp)); /* final: nothing more is hashed */
    fingerprint_free(fp);
    free(content);
}

/* An unreadable file fails when the fingerprint is finished, with the file named; a
 * cancelled fingerprint fails too (its run has failed already) and leaves no digest. */
static void test_sha256_failures(void **state)
{
    const struct tmpdir *d = *state;
    char missing[128], hex[65], path[256];
    struct impact_error err;
    snprintf(missing, sizeof missing, "%s/missing.csv", d->path);
    struct fingerprint *fp = fingerprint_open(missing);
    assert_false(fingerprint_step(fp));
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_FAIL);
    assert_string_equal(err.file, missing);
    assert_non_null(strstr(err.message, "cannot read: No such file"));
    assert_string_equal(hex, "");
    fingerprint_free(fp);
    fp = fingerprint_open(d->path); /* a directory opens, but cannot be read */
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_FAIL);
    assert_non_null(strstr(err.message, "cannot read: Is a directory"));
    fingerprint_free(fp);
    /* A file replaced (renamed over) between the fingerprint's open and ingest's: the digest
     * would not be of the rows read, so ingest refuses the file. */
    char other[256];
    write_file(d, "small.csv", "date,site,id\n", 13, path, sizeof path);
    fp = fingerprint_open(path);
    write_file(d, "other.csv", "date,site,id\n2019-03-12,Tarascon,P1\n", 36, other, sizeof other);
    assert_int_equal(rename(other, path), 0);
    struct ingest_source src = {.path = path, .fingerprint = fp};
    struct collector c = {0};
    struct ingest_result res;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_FAIL);
    assert_non_null(strstr(err.message, "replaced"));
    collector_free(&c);
    fingerprint_free(fp);
    fp = fingerprint_open(path);
    fingerprint_cancel(fp);
    assert_false(fingerprint_step(fp));
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_FAIL);
    assert_non_null(strstr(err.message, "not finished"));
    assert_string_equal(hex, "");
    fingerprint_free(fp);
}

/* ---- a file larger than ingest's 1 MiB read block ---- */

/* Every data row's id is "L<its line>", so each row's origin can be checked against its own
 * text. The row with a quoted embedded newline straddles the 1 MiB block boundary; the
 * unterminated quote on line `bad` lies in the second block and costs that row only. */
static char *big_file_text(unsigned long n_lines, unsigned long bad, unsigned long *multi)
{
    const size_t block = 1u << 20;
    size_t cap = 64 * n_lines, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "date,site,id\n");
    *multi = 0;
    for (unsigned long line = 2; line <= n_lines; line++) {
        bool straddle = *multi == 0 && len + 40 > block;
        const char *site = straddle ? "\"Parc\nBellevue\"" : line == bad ? "\"Tar" : "T";
        len += (size_t)snprintf(text + len, cap - len, "2019-03-12,%s,L%lu\n", site, line);
        if (straddle) {
            assert_true(len > block);
            *multi = line++; /* the embedded newline took a line */
        }
    }
    return text;
}

static void test_large_file(void **state)
{
    const unsigned long n_lines = 60000, bad = 59000;
    unsigned long multi;
    char *text = big_file_text(n_lines, bad, &multi);
    char path[256];
    write_file(*state, "big.csv", text, strlen(text), path, sizeof path);
    struct ingest_source src = {.path = path};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    assert_true(multi > 2 && multi < bad);
    /* lines 2..60000 less the continuation line of the multi-line row: 59998 rows, of
     * which one is rejected */
    assert_int_equal(res.rows_read, 59998);
    assert_int_equal(c.n_rejects, 1);
    assert_int_equal(c.rejects[0].origin.line, bad);
    for (size_t i = 0; i < c.n_rows; i++) {
        char want[32];
        snprintf(want, sizeof want, "L%u", c.rows[i].origin.line);
        if (strcmp(c.rows[i].cells[FIELD_PARTICIPANT_ID], want) != 0)
            fail_msg("row %zu: id %s on line %u", i, c.rows[i].cells[FIELD_PARTICIPANT_ID],
                     c.rows[i].origin.line);
    }
    collector_free(&c);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sha256, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sha256_in_steps, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sha256_failures, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_large_file, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests_name("ingest_files", tests, NULL, NULL);
}
