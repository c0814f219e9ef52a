# Shared by the deploy tests (sourced).

# check DESCRIPTION COMMAND...: prints "ok DESCRIPTION" when the command
# succeeds, "not ok DESCRIPTION" otherwise.
check() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "ok $what"; else echo "not ok $what"; fi
}

# nginx_conf DIR SERVERS: writes DIR/nginx.conf, an unprivileged nginx whose
# files live in DIR, with the project's http-level snippet (already in
# DIR/partnerships-http.conf) and the server blocks given.
nginx_conf() {
    local dir=$1 servers=$2
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $dir/tmp/body;
    fastcgi_temp_path $dir/tmp/fastcgi;
    proxy_temp_path $dir/tmp/proxy;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/partnerships-http.conf;
$servers
}
CONF
}
