/* server.h: the FastCGI server: a master keeping N prefork workers alive. */
#ifndef PARTNERSHIPS_SERVER_H
#define PARTNERSHIPS_SERVER_H

/* Binds PARTNERSHIPS_SOCKET (or takes the listening socket on fd 0, or from
 * systemd's LISTEN_FDS on fd 3), forks the workers and restarts any that
 * dies.  SIGTERM/SIGINT: workers finish the request in hand, then all exit.
 * SIGHUP: new workers are started and the old ones finish and leave, so no
 * request is dropped.  Returns the process exit code. */
int server_run(void);

#endif
