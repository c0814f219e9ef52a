/* config.h: the program's settings, read once from the environment. */
#ifndef PARTNERSHIPS_CONFIG_H
#define PARTNERSHIPS_CONFIG_H

#include <stdbool.h>

struct config {
    const char *database_url;       /* PARTNERSHIPS_DATABASE_URL: the application role */
    const char *owner_database_url; /* PARTNERSHIPS_OWNER_DATABASE_URL: migrations, user commands */
    const char *socket_path;        /* PARTNERSHIPS_SOCKET: NULL = inherited socket */
    const char *sql_dir;            /* PARTNERSHIPS_SQL_DIR */
    int workers;                    /* PARTNERSHIPS_WORKERS */
    bool cookie_secure;             /* PARTNERSHIPS_COOKIE_SECURE */
    int session_hours;              /* PARTNERSHIPS_SESSION_HOURS */
    int login_max_failures;         /* PARTNERSHIPS_LOGIN_MAX_FAILURES: per account */
    int login_max_failures_address; /* PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS: per client address */
    int login_window_minutes;       /* PARTNERSHIPS_LOGIN_WINDOW_MINUTES */
    bool trust_remote_user;         /* PARTNERSHIPS_AUTH_MODE=remote-user: nginx authenticates */
    const char *remote_user_domain; /* PARTNERSHIPS_REMOTE_USER_DOMAIN: appended to names without @ */
};

/* The process-wide settings; valid after config_load(). */
extern struct config config;

/* Reads the environment; returns -1 (after logging which variable) when a
 * value is malformed. */
int config_load(void);

#endif
