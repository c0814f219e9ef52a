/* server.c: see server.h. */
#include "server.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "entity.h"
#include "http.h"
#include "log.h"
#include "router.h"

enum {
    SERVER_BACKLOG = 1024,
    SERVER_MAX_WORKERS = 256,
    SERVER_SYSTEMD_FD = 3,    /* SD_LISTEN_FDS_START */
    SERVER_IDLE_SECONDS = 2,  /* an idle kept-alive connection is closed after this */
    SERVER_TRIM_BYTES = 256 * 1024   /* a request this large returns its memory when done */
};

/* A worker's: SIGTERM came (finish the request in hand, then leave). */
static volatile sig_atomic_t server_stopping;

static void server_on_stop(int sig)
{
    (void)sig;
    server_stopping = 1;
    FCGX_ShutdownPending();
}

/* Installs handler for sig without SA_RESTART, so that a worker blocked in
 * accept() returns EINTR and sees the flag. */
static void server_signal(int sig, void (*handler)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* The signals the master takes with sigtimedwait(), blocked in it all the
 * time, so that none can come between a test of state and the wait. */
static void server_master_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGCHLD);
}

static double server_ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Reads the body into req (at most HTTP_MAX_BODY_BYTES; a larger declared
 * length is left unread and answered 413 by the router).  Returns 0, or the
 * status to answer: 400 for a body cut short, 500 out of memory. */
static int server_read_body(FCGX_Request *request, struct http_request *req)
{
    size_t want;
    int got;

    if (req->content_length <= 0 || req->content_length > HTTP_MAX_BODY_BYTES)
        return 0;
    want = (size_t)req->content_length;
    req->body = malloc(want + 1);
    if (!req->body)
        return 500;
    /* FCGX_GetStr returns what arrived before the stream ended, never an
     * error: a body shorter than its Content-Length (a client or web server
     * that stopped sending) must not pass for the whole of it. */
    got = FCGX_GetStr(req->body, (int)want, request->in);
    if (got != (int)want || FCGX_GetError(request->in))
        return 400;
    req->body_len = (size_t)got;
    req->body[req->body_len] = '\0';
    return 0;
}

/* Writes the CGI response's head: with Content-Length, or (streamed) with
 * its Content-Type alone.  Formatting is done here with snprintf: libfcgi's
 * own FCGX_FPrintF knows fewer conversions (no %zu) and fails silently.
 * Returns 0, or -1 when it could not be written. */
static int server_write_head(FCGX_Request *request, const struct http_request *req,
                             const struct http_response *resp, bool streamed)
{
    char head[512];
    int n, more = 0;

    n = snprintf(head, sizeof(head), "Status: %d %s\r\nX-Request-Id: %s\r\nCache-Control: no-store\r\n",
                 resp->status, http_status_text(resp->status), req->request_id);
    if (n > 0 && (size_t)n < sizeof(head) && streamed)
        more = snprintf(head + n, sizeof(head) - (size_t)n, "Content-Type: %s\r\n", resp->content_type);
    else if (n > 0 && (size_t)n < sizeof(head) && resp->body_len)
        more = snprintf(head + n, sizeof(head) - (size_t)n, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                        resp->content_type, resp->body_len);
    if (more > 0)
        n += more;
    if (n < 0 || (size_t)n >= sizeof(head))
        return -1;
    if (FCGX_PutStr(head, n, request->out) != n ||
        FCGX_PutStr(resp->headers, (int)resp->headers_len, request->out) != (int)resp->headers_len ||
        FCGX_PutStr("\r\n", 2, request->out) != 2)
        return -1;
    return 0;
}

static void server_write(FCGX_Request *request, const struct http_request *req, struct http_response *resp)
{
    if (server_write_head(request, req, resp, false) == 0 && resp->body_len && req->method != HTTP_HEAD)
        FCGX_PutStr(resp->body, (int)resp->body_len, request->out);
}

/* ctx->stream (api.h): the head at the first call, then data as it comes;
 * libfcgi sends it on whenever its buffer fills. */
static int server_stream(struct request_ctx *ctx, const char *data, size_t len)
{
    FCGX_Request *request = ctx->stream_arg;

    if (!ctx->streamed) {
        ctx->streamed = true;
        if (server_write_head(request, ctx->req, ctx->resp, true))
            return -1;
    }
    if (len && ctx->req->method != HTTP_HEAD && FCGX_PutStr(data, (int)len, request->out) != (int)len)
        return -1;
    return 0;
}

/* Serves one request.  Returns whether its body, if any, was read whole
 * (not one over the limit, nor one cut short). */
static bool server_handle(FCGX_Request *request, struct db *db)
{
    struct timespec start;
    struct http_request req;
    struct http_response resp;
    struct request_ctx ctx;
    const char *message = NULL;
    int status;
    bool large, read_whole;

    clock_gettime(CLOCK_MONOTONIC, &start);
    http_response_init(&resp);
    memset(&ctx, 0, sizeof(ctx));
    status = http_request_init(&req, request->envp, &message);
    if (status) {
        http_error(&resp, status, message);
    } else if ((status = server_read_body(request, &req)) != 0) {
        http_error(&resp, status, status == 400 ? "the request body is shorter than its Content-Length" : "out of memory");
    } else {
        ctx.req = &req;
        ctx.resp = &resp;
        ctx.db = db;
        ctx.stream = server_stream;
        ctx.stream_arg = request;
        ctx.deadline = start;
        ctx.deadline.tv_sec += config.request_deadline_seconds;
        router_dispatch(&ctx);
    }
    if (ctx.stream_failed) {
        /* Cut short after its head: no end of request, so that nginx
         * breaks the client's connection instead of ending the answer as
         * if it were whole. */
        FCGX_FFlush(request->out);
        shutdown(request->ipcFd, SHUT_RDWR);
    } else if (!ctx.streamed) {
        server_write(request, &req, &resp);
    }
    log_request(req.request_id, req.method_name, req.path, resp.status, server_ms_since(&start),
                ctx.user.id[0] ? ctx.user.id : NULL);
    large = req.body_len + resp.body_len > SERVER_TRIM_BYTES;
    read_whole = req.content_length <= 0 || req.body_len == (size_t)req.content_length;
    http_request_free(&req);
    http_response_free(&resp);
    /* What a large body or answer took (a parsed import, an export) goes
     * back to the system, not kept by the worker until it ends. */
    if (large)
        malloc_trim(0);
    return read_whole;
}

/* A kept-alive connection (fastcgi_keep_conn) holds its worker while it
 * waits for the next request: libfcgi serves one connection at a time.  Idle
 * for SERVER_IDLE_SECONDS, the read fails, libfcgi closes it (nginx retries a
 * request on a closed cached connection) and the worker accepts again, so
 * more kept connections than workers (several nginx in front of one program,
 * a keepalive set too high) slow new connections down but never stall them. */
static void server_idle_timeout(int fd)
{
    struct timeval idle = {SERVER_IDLE_SECONDS, 0};

    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
}

/* Ends the request.  Closing a connection, libfcgi shuts its side and reads
 * until the web server closes the other (up to 2 s), so that input still
 * unread cannot make a TCP stack reset the connection and lose the answer;
 * the worker meanwhile waits on the web server, one turn of the scheduler
 * per request, with the next request queued behind it.  When the body was
 * read whole and the input is at its end (the empty record that ends it
 * follows the body at once) nothing is left to cause a reset, and the
 * connection is closed at once ("detached": libfcgi then closes without
 * waiting): a partner by id at 64 connections, 6,600 -> 10,000 req/s.  A
 * body left unread (over the limit) still gets the wait, which drains it. */
static void server_finish(FCGX_Request *request, bool read_whole)
{
    char more;

    if (read_whole && (FCGX_HasSeenEOF(request->in) == EOF ||
                       (FCGX_GetStr(&more, 1, request->in) == 0 && FCGX_HasSeenEOF(request->in) == EOF)))
        FCGX_Detach(request);
    else
        FCGX_Attach(request);
    FCGX_Finish_r(request);
}

static void server_worker(int listen_fd)
{
    FCGX_Request request;
    struct db *db;
    sigset_t all, term;

    server_signal(SIGTERM, server_on_stop);
    server_signal(SIGINT, SIG_IGN);   /* the master handles Ctrl-C */
    server_signal(SIGHUP, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    server_master_signals(&all);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    srandom((unsigned)getpid() ^ (unsigned)time(NULL));
    db = db_open(config.database_url);
    if (db) {
        db_set_statement_timeout(db, config.statement_timeout_seconds);
        db_set_protection_days(db, config.referral_protection_days);
    }
    if (!db || FCGX_InitRequest(&request, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR)) {
        log_error("worker setup failed");
        _exit(1);
    }
    if (db_ensure(db) || entity_load(db))
        log_error("worker started without the database; it will answer 503 until it is back");
    while (!server_stopping && FCGX_Accept_r(&request) >= 0) {
        bool read_whole;

        /* A stop or a reload lets the request in hand finish: SIGTERM waits
         * until its answer is written, since libfcgi gives up a read or a
         * write that a signal interrupts (a body or an answer cut short). */
        sigprocmask(SIG_BLOCK, &term, NULL);
        read_whole = server_handle(&request, db);
        server_idle_timeout(request.ipcFd);
        server_finish(&request, read_whole);
        sigprocmask(SIG_UNBLOCK, &term, NULL);
    }
    FCGX_Free(&request, 1);
    db_close(db);
    exit(0);
}

/* The listening socket: our own, fd 0 as spawn-fcgi leaves it, or systemd's. */
static int server_listen(void)
{
    const char *listen_fds = getenv("LISTEN_FDS");
    const char *listen_pid = getenv("LISTEN_PID");
    int fd;

    if (config.socket_path) {
        mode_t old = umask(0007);   /* the web server's group may connect */

        unlink(config.socket_path);
        fd = FCGX_OpenSocket(config.socket_path, SERVER_BACKLOG);
        umask(old);
        if (fd < 0)
            log_error("cannot listen on %s: %s", config.socket_path, strerror(errno));
        return fd;
    }
    if (listen_fds && listen_pid && atoi(listen_fds) >= 1 && atoi(listen_pid) == (int)getpid())
        return SERVER_SYSTEMD_FD;
    if (!FCGX_IsCGI())
        return 0;
    log_error("no socket: set PARTNERSHIPS_SOCKET, or start under systemd or spawn-fcgi");
    return -1;
}

static pid_t server_spawn(int listen_fd)
{
    pid_t pid = fork();

    if (pid == 0)
        server_worker(listen_fd);
    if (pid < 0)
        log_error("fork failed: %s", strerror(errno));
    return pid;
}

static void server_signal_all(const pid_t *pids, int n, int sig)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], sig);
}

/* SIGHUP: the settings are read again; fresh workers start first, then the
 * old ones finish their request and leave, so the socket always has someone
 * accepting.  Returns the new worker count. */
static int server_reload(pid_t *workers, int nworkers, int listen_fd)
{
    pid_t old[SERVER_MAX_WORKERS];
    char *socket_path = config.socket_path ? strdup(config.socket_path) : NULL;
    int n;

    if (config.socket_path && !socket_path) {
        log_error("reload: out of memory; kept the running settings and workers");
        return nworkers;
    }
    if (config_load()) {
        log_error("reload: the settings have an error (above); kept the running settings");
    } else if ((socket_path == NULL) != (config.socket_path == NULL) ||
               (socket_path && strcmp(socket_path, config.socket_path) != 0)) {
        log_error("reload: PARTNERSHIPS_SOCKET changes at restart only; still on the same socket");
        free(config.socket_path);
        config.socket_path = socket_path;
        socket_path = NULL;
    }
    free(socket_path);
    n = config.workers > SERVER_MAX_WORKERS ? SERVER_MAX_WORKERS : config.workers;
    memcpy(old, workers, sizeof(old));
    memset(workers, 0, sizeof(old));
    for (int i = 0; i < n; i++)
        workers[i] = server_spawn(listen_fd);
    server_signal_all(old, nworkers, SIGTERM);
    log_info("reload: workers replaced (%d)", n);
    return n;
}

/* Collects the workers that ended and empties their slots.  Returns how
 * many of them ended on their own (not asked to by a stop or a reload). */
static int server_reap(pid_t *workers, int nworkers)
{
    int wstatus, crashed = 0;
    pid_t pid;

    while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        for (int i = 0; i < nworkers; i++) {
            if (workers[i] != pid)
                continue;
            log_error("worker %d ended (%s %d); starting another", (int)pid,
                      WIFSIGNALED(wstatus) ? "signal" : "status",
                      WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus));
            workers[i] = 0;
            crashed++;
        }
    }
    return crashed;
}

/* Starts a worker in every empty slot.  A fork that fails (out of processes
 * or memory) leaves its slot empty for the next round, a second later. */
static void server_fill(pid_t *workers, int nworkers, int listen_fd)
{
    for (int i = 0; i < nworkers; i++)
        if (workers[i] <= 0)
            workers[i] = server_spawn(listen_fd);
}

int server_run(void)
{
    pid_t workers[SERVER_MAX_WORKERS] = {0};
    int nworkers = config.workers > SERVER_MAX_WORKERS ? SERVER_MAX_WORKERS : config.workers;
    int listen_fd;
    sigset_t signals;

    if (FCGX_Init()) {
        log_error("FastCGI library initialisation failed");
        return 1;
    }
    listen_fd = server_listen();
    if (listen_fd < 0)
        return 1;
    server_master_signals(&signals);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    server_fill(workers, nworkers, listen_fd);
    log_info("serving with %d workers", nworkers);

    for (;;) {
        struct timespec tick = {1, 0};
        int sig;

        if (server_reap(workers, nworkers)) {
            struct timespec pause = {0, 100 * 1000 * 1000};   /* no fork storm */

            nanosleep(&pause, NULL);
        }
        server_fill(workers, nworkers, listen_fd);
        sig = sigtimedwait(&signals, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        if (sig == SIGHUP)
            nworkers = server_reload(workers, nworkers, listen_fd);
        /* SIGCHLD, or a second gone by: the next round reaps and refills. */
    }
    log_info("stopping: workers finish the requests in hand");
    server_signal_all(workers, nworkers, SIGTERM);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    if (config.socket_path)
        unlink(config.socket_path);
    log_info("stopped");
    return 0;
}
