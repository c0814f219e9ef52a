/* cli.c: see cli.h. */
#include "cli.h"

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "log.h"

enum { CLI_MIGRATION_LOCK = 727274 };   /* pg_advisory_lock key: one migrator at a time */

static struct db *cli_connect(void)
{
    struct db *db = db_open(config.owner_database_url);

    if (db && db_ensure(db) == 0)
        return db;
    fprintf(stderr, "partnerships: cannot connect to the database (PARTNERSHIPS_OWNER_DATABASE_URL)\n");
    db_close(db);
    return NULL;
}

/* Runs sql expecting success; prints the server's message otherwise. */
static int cli_exec(struct db *db, const char *sql, int n, const char *const *values, struct pg_result **out)
{
    struct pg_result *res = db_query(db, sql, n, values);

    if (res && db_ok(res)) {
        if (out)
            *out = res;
        else
            db_clear(res);
        return 0;
    }
    fprintf(stderr, "partnerships: %s", res ? db_error_detail(res) : "database connection lost\n");
    if (res)
        db_clear(res);
    return -1;
}

/* Runs a migration script; prints the server's message on failure. */
static int cli_script(struct db *db, const char *sql)
{
    struct pg_result *res = db_script(db, sql);
    int rc = res && db_ok(res) ? 0 : -1;

    if (rc)
        fprintf(stderr, "partnerships: %s", res ? db_error_detail(res) : "database connection lost\n");
    if (res)
        db_clear(res);
    return rc;
}

static char *cli_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1))) {
        if (fread(text, 1, (size_t)size, f) != (size_t)size) {
            free(text);
            text = NULL;
        } else {
            text[size] = '\0';
        }
    }
    fclose(f);
    return text;
}

static int cli_is_migration(const struct dirent *entry)
{
    regex_t re;
    int match;

    if (regcomp(&re, "^[0-9]{3}_[a-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB))
        return 0;
    match = regexec(&re, entry->d_name, 0, NULL, 0) == 0;
    regfree(&re);
    return match;
}

int cli_migrate(void)
{
    struct dirent **files = NULL;
    struct db *db = cli_connect();
    int n, rc = 1, applied = 0;

    if (!db)
        return 1;
    n = scandir(config.sql_dir, &files, cli_is_migration, alphasort);
    if (n < 0) {
        fprintf(stderr, "partnerships: cannot read migrations in %s (PARTNERSHIPS_SQL_DIR)\n", config.sql_dir);
        goto out;
    }
    if (cli_exec(db, "select pg_advisory_lock(727274)", 0, NULL, NULL) ||
        cli_exec(db, "create table if not exists public.schema_migrations ("
                     " version text primary key, applied_at timestamptz not null default now())",
                 0, NULL, NULL))
        goto out;
    for (int i = 0; i < n; i++) {
        char version[256], path[4096];
        const char *values[1] = {version};
        struct pg_result *res;
        char *text;
        bool done;

        snprintf(version, sizeof(version), "%.*s", (int)(strlen(files[i]->d_name) - 4), files[i]->d_name);
        if (cli_exec(db, "select 1 from public.schema_migrations where version = $1", 1, values, &res))
            goto out;
        done = db_rows(res) == 1;
        db_clear(res);
        if (done)
            continue;
        snprintf(path, sizeof(path), "%s/%s", config.sql_dir, files[i]->d_name);
        if (!(text = cli_read_file(path))) {
            fprintf(stderr, "partnerships: cannot read %s\n", path);
            goto out;
        }
        /* One transaction per migration: it applies whole or not at all. */
        if (db_command(db, "begin") || cli_script(db, text) ||
            cli_exec(db, "insert into public.schema_migrations (version) values ($1)", 1, values, NULL) ||
            db_command(db, "commit")) {
            fprintf(stderr, "partnerships: migration %s failed; nothing of it was applied\n", version);
            db_command(db, "rollback");
            free(text);
            goto out;
        }
        free(text);
        printf("applied %s\n", version);
        applied++;
    }
    if (!applied)
        printf("the database is up to date\n");
    rc = 0;
out:
    for (int i = 0; i < n; i++)
        free(files[i]);
    free(files);
    db_close(db);
    return rc;
}

/* The first line of standard input, without its newline, into out. */
static int cli_read_password(char *out, size_t size)
{
    size_t len;

    if (!fgets(out, (int)size, stdin))
        return -1;
    len = strcspn(out, "\r\n");
    out[len] = '\0';
    if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX) {
        fprintf(stderr, "partnerships: the password must be 8 to 1024 characters\n");
        return -1;
    }
    return 0;
}

static int cli_usage(void)
{
    fprintf(stderr, "usage: partnerships user add [--admin] [--if-no-users] EMAIL NAME   (password on stdin)\n"
                    "       partnerships user passwd EMAIL                             (password on stdin)\n");
    return 2;
}

int cli_user(int argc, char **argv)
{
    char password[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_TEXT_BYTES];
    bool admin = false, if_no_users = false;
    const char *positional[2] = {NULL, NULL};
    int npositional = 0, rc = 1;
    struct pg_result *res;
    struct db *db;

    if (argc < 1)
        return cli_usage();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--admin") == 0)
            admin = true;
        else if (strcmp(argv[i], "--if-no-users") == 0)
            if_no_users = true;
        else if (npositional < 2)
            positional[npositional++] = argv[i];
        else
            return cli_usage();
    }
    if (strcmp(argv[0], "add") == 0 ? npositional != 2 : strcmp(argv[0], "passwd") != 0 || npositional != 1)
        return cli_usage();
    if (auth_init() || !(db = cli_connect()))
        return 1;
    if (if_no_users) {
        bool any;

        if (cli_exec(db, "select 1 from public.users limit 1", 0, NULL, &res))
            goto out;
        any = db_rows(res) > 0;
        db_clear(res);
        if (any) {
            printf("users exist; none added\n");
            rc = 0;
            goto out;
        }
    }
    if (cli_read_password(password, sizeof(password)) || auth_password_hash(password, hash))
        goto out;
    if (strcmp(argv[0], "add") == 0) {
        const char *values[] = {positional[0], positional[1], admin ? "admin" : "member", hash};

        if (cli_exec(db, "with u as (insert into public.users (email, name, role)"
                         "           values (btrim($1), btrim($2), $3::public.user_role) returning id)"
                         " insert into public.user_credentials (user_id, password_hash)"
                         " select id, $4 from u returning user_id",
                     4, values, &res))
            goto out;
        printf("added %s (%s)\n", positional[0], db_value(res, 0, 0));
        db_clear(res);
    } else {
        const char *values[] = {positional[0], hash};
        int rows;

        /* A new password ends the user's sessions (a reset is often because
         * the old one leaked); API tokens are separate and stay. */
        if (cli_exec(db, "with c as (insert into public.user_credentials (user_id, password_hash)"
                         "           select id, $2 from public.users where lower(email) = lower(btrim($1))"
                         "           on conflict (user_id) do update set password_hash = excluded.password_hash"
                         "           returning user_id),"
                         " s as (delete from public.sessions where user_id in (select user_id from c))"
                         " select user_id from c",
                     2, values, &res))
            goto out;
        rows = db_rows(res);
        db_clear(res);
        if (rows != 1) {
            fprintf(stderr, "partnerships: no user with the email %s\n", positional[0]);
            goto out;
        }
        printf("password set for %s\n", positional[0]);
    }
    rc = 0;
out:
    db_close(db);
    return rc;
}
