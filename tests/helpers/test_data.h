/* \summary: test helpers: read fixtures, rewrite golden files on request */
#ifndef VMTP_TEST_DATA_H
#define VMTP_TEST_DATA_H

/*
 * Read the file at `rel` (relative to $VMTP_SOURCE_ROOT) into a
 * NUL-terminated buffer; a cmocka assertion fails the test when it cannot.
 * Free with free().
 */
char *vt_slurp(const char *rel);

/*
 * With VMTP_UPDATE_GOLDEN=1 in the environment, (re)write the golden file
 * `rel` with `text` and return 1 (review the diff before committing);
 * otherwise return 0 and touch nothing.
 */
int vt_update_golden(const char *rel, const char *text);

#endif
