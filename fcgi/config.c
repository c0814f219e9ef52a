/* config.c: settings from the environment, with defaults for a local run. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#ifndef PARTNERSHIPS_SQL_DIR
#define PARTNERSHIPS_SQL_DIR "sql"
#endif

struct config config;

static const char *config_string(const char *name, const char *fallback)
{
    const char *value = getenv(name);

    return value && *value ? value : fallback;
}

/* An integer setting within [min, max]; -1 and a log line when it is not. */
static int config_int(const char *name, int fallback, int min, int max, int *out)
{
    const char *value = getenv(name);
    char *end;
    long n;

    if (!value || !*value) {
        *out = fallback;
        return 0;
    }
    errno = 0;
    n = strtol(value, &end, 10);
    if (errno || *end || n < min || n > max) {
        log_error("%s must be a whole number from %d to %d", name, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

int config_load(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *mode;
    int secure;

    config.database_url = config_string("PARTNERSHIPS_DATABASE_URL", "dbname=partnerships user=partnerships_app");
    config.owner_database_url = config_string("PARTNERSHIPS_OWNER_DATABASE_URL", config.database_url);
    config.socket_path = config_string("PARTNERSHIPS_SOCKET", NULL);
    config.sql_dir = config_string("PARTNERSHIPS_SQL_DIR", PARTNERSHIPS_SQL_DIR);
    if (config_int("PARTNERSHIPS_WORKERS", cpus > 0 ? (int)cpus * 2 : 2, 1, 256, &config.workers) ||
        config_int("PARTNERSHIPS_COOKIE_SECURE", 1, 0, 1, &secure) ||
        config_int("PARTNERSHIPS_SESSION_HOURS", 12, 1, 24 * 90, &config.session_hours) ||
        config_int("PARTNERSHIPS_LOGIN_MAX_FAILURES", 10, 1, 1000000, &config.login_max_failures) ||
        config_int("PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS", 100, 1, 1000000, &config.login_max_failures_address) ||
        config_int("PARTNERSHIPS_LOGIN_WINDOW_MINUTES", 15, 1, 24 * 60, &config.login_window_minutes))
        return -1;
    config.cookie_secure = secure != 0;
    mode = config_string("PARTNERSHIPS_AUTH_MODE", "password");
    if (strcmp(mode, "password") != 0 && strcmp(mode, "remote-user") != 0) {
        log_error("PARTNERSHIPS_AUTH_MODE must be password or remote-user");
        return -1;
    }
    config.trust_remote_user = strcmp(mode, "remote-user") == 0;
    config.remote_user_domain = config_string("PARTNERSHIPS_REMOTE_USER_DOMAIN", NULL);
    return 0;
}
