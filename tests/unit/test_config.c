/* test_config.c: settings (fcgi/config.c) from the environment and the
 * settings file: defaults, precedence, quoting, and every kind of bad file
 * refused with the running settings kept. */
#include "check.h"
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static char path[] = "/tmp/partnerships-config-XXXXXX";

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
}

static void test_defaults(void)
{
    unsetenv("PARTNERSHIPS_CONFIG");
    unsetenv("PARTNERSHIPS_SESSION_HOURS");
    CHECK(config_load() == 0, "defaults: no file, no environment");
    CHECK(config.session_hours == 12, "defaults: session hours");
    CHECK(config.cookie_secure, "defaults: cookies are Secure");
    CHECK(!config.trust_remote_user, "defaults: password mode");
    CHECK(config.socket_path == NULL, "defaults: inherited socket");
    CHECK_STR(config.owner_database_url, config.database_url, "defaults: owner URL is the application URL");
}

static void test_file(void)
{
    write_file("# the settings\n"
               "\n"
               "PARTNERSHIPS_SESSION_HOURS=3\n"
               "  PARTNERSHIPS_AUTH_MODE = remote-user  \n"
               "PARTNERSHIPS_DATABASE_URL=\"host=/run/pg dbname=p user=a\"\n"
               "PARTNERSHIPS_REMOTE_USER_DOMAIN='example.com'\n"
               "PARTNERSHIPS_COOKIE_SECURE=0\n");
    setenv("PARTNERSHIPS_CONFIG", path, 1);
    CHECK(config_load() == 0, "file: read");
    CHECK(config.session_hours == 3, "file: a number");
    CHECK(config.trust_remote_user, "file: spaces around name and value are trimmed");
    CHECK_STR(config.database_url, "host=/run/pg dbname=p user=a", "file: double quotes removed, spaces kept");
    CHECK_STR(config.remote_user_domain, "example.com", "file: single quotes removed");
    CHECK(!config.cookie_secure, "file: a flag");
    CHECK_STR(config.owner_database_url, "host=/run/pg dbname=p user=a", "file: owner URL defaults to the file's URL");

    setenv("PARTNERSHIPS_SESSION_HOURS", "5", 1);
    CHECK(config_load() == 0 && config.session_hours == 5, "precedence: the environment overrides the file");
    setenv("PARTNERSHIPS_SESSION_HOURS", "", 1);
    CHECK(config_load() == 0 && config.session_hours == 3, "precedence: an empty variable is unset");
    unsetenv("PARTNERSHIPS_SESSION_HOURS");
}

static void test_bad(void)
{
    static const struct {
        const char *text, *what;
    } bad[] = {
        {"PARTNERSHIPS_SESSION_HOURS=3\nPARTNERSHIPS_SESION_HOURS=4\n", "bad: a misspelt setting is refused"},
        {"PARTNERSHIPS_CONFIG=/etc/other\n", "bad: a file cannot name another file"},
        {"PARTNERSHIPS_SESSION_HOURS\n", "bad: a line without ="},
        {"PARTNERSHIPS_SESSION_HOURS=three\n", "bad: a number that is not one"},
        {"PARTNERSHIPS_SESSION_HOURS=0\n", "bad: a number out of range"},
        {"PARTNERSHIPS_WORKERS=99999999999999999999\n", "bad: a number that overflows"},
        {"PARTNERSHIPS_AUTH_MODE=ldap\n", "bad: an unknown auth mode"},
    };
    char longline[6000];

    /* Running settings: from the good file of test_file. */
    CHECK(config.session_hours == 3, "bad: the running settings before");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file(bad[i].text);
        CHECK(config_load() == -1 && config.session_hours == 3 && config.trust_remote_user, bad[i].what);
    }
    memset(longline, 'x', sizeof(longline) - 2);
    longline[sizeof(longline) - 2] = '\n';
    longline[sizeof(longline) - 1] = '\0';
    write_file(longline);
    CHECK(config_load() == -1 && config.session_hours == 3, "bad: an overlong line");
    setenv("PARTNERSHIPS_CONFIG", "/nonexistent/partnerships.conf", 1);
    CHECK(config_load() == -1 && config.session_hours == 3, "bad: a file that cannot be read");
}

int main(void)
{
    int fd = mkstemp(path);

    if (fd < 0)
        return 1;
    close(fd);
    /* The errors config_load logs are expected here; the checks say which. */
    fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    test_defaults();
    test_file();
    test_bad();
    unlink(path);
    return check_exit();
}
