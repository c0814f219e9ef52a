/* log.h: one line per event on stderr (the journal under systemd). */
#ifndef PARTNERSHIPS_LOG_H
#define PARTNERSHIPS_LOG_H

/* An event outside any request: startup, worker exits, database state. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The one line of a finished request (key=value, values with spaces are
 * quoted).  user_id may be NULL. */
void log_request(const char *request_id, const char *method, const char *path,
                 int status, double milliseconds, const char *user_id);

#endif
