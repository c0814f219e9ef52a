/* log.c: key=value lines on stderr, one write(2) each so that lines from
 * several workers never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { LOG_LINE_MAX = 2048 };

static size_t log_timestamp(char *out, size_t size)
{
    struct timespec now;
    struct tm utc;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    return strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

static void log_emit(const char *level, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    size_t len = 0;
    int n;

    len += log_timestamp(line, sizeof(line));
    n = snprintf(line + len, sizeof(line) - len, " level=%s pid=%d msg=\"", level, (int)getpid());
    if (n > 0)
        len += (size_t)n;
    if (len < sizeof(line)) {
        n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
        if (n > 0)
            len += (size_t)n;
    }
    if (len > sizeof(line) - 3)
        len = sizeof(line) - 3;
    line[len++] = '"';
    line[len++] = '\n';
    if (write(STDERR_FILENO, line, len) < 0) {
        /* Nowhere left to report it. */
    }
}

void log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit("error", fmt, ap);
    va_end(ap);
}

void log_request(const char *request_id, const char *method, const char *path,
                 int status, double milliseconds, const char *user_id)
{
    char line[LOG_LINE_MAX];
    size_t len;
    int n;

    len = log_timestamp(line, sizeof(line));
    n = snprintf(line + len, sizeof(line) - len,
                 " level=info request_id=%s method=%s path=\"%.512s\" status=%d ms=%.2f user=%s\n",
                 request_id ? request_id : "-", method ? method : "-", path ? path : "-",
                 status, milliseconds, user_id ? user_id : "-");
    if (n < 0)
        return;
    len += (size_t)n;
    if (len >= sizeof(line)) {
        len = sizeof(line) - 1;
        line[len - 1] = '\n';
    }
    if (write(STDERR_FILENO, line, len) < 0) {
        /* Nowhere left to report it. */
    }
}
