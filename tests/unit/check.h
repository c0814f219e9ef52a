/* check.h: the smallest test harness: one "ok"/"not ok" line per check
 * (TAP-like), counted by tests/run.sh. */
#ifndef PARTNERSHIPS_CHECK_H
#define PARTNERSHIPS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond, what)                                                         \
    do {                                                                          \
        if (cond) {                                                               \
            printf("ok %s\n", what);                                              \
        } else {                                                                  \
            printf("not ok %s (%s:%d: %s)\n", what, __FILE__, __LINE__, #cond);   \
            check_failures++;                                                     \
        }                                                                         \
    } while (0)

static inline int check_str_eq(const char *got, const char *want)
{
    return got && strcmp(got, want) == 0;
}

#define CHECK_STR(got, want, what) CHECK(check_str_eq((got), (want)), what)

static inline int check_exit(void)
{
    return check_failures ? 1 : 0;
}

#endif
