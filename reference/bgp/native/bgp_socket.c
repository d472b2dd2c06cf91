// The BGP speaker's TCP sockets, set up where Node's net module gives no hook: before the SYN.
//   connectTcp(peer, port, local|null, key|null, ttl) -> fd   TCP_MD5SIG (RFC 2385) and IP_TTL /
//       IPV6_UNICAST_HOPS set, then a non-blocking connect() started; Node adopts the fd.
//   listenTcp(address, port) -> fd                             a listening socket (IPv6 one is V6ONLY)
//   setMd5(fd, peer, key)                                      add (key "" removes) a peer's key on fd
//   setTtl(fd, ttl) / getTtl(fd) -> ttl                        unicast TTL / hop limit of a socket
//   isConnected(fd) -> bool                                    whether the handshake has completed
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static napi_value fail(napi_env env, const char *code, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, code, msg);
  return NULL;
}

static int parse(const char *text, int port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof *v4;
    return AF_INET;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof *v6;
    return AF_INET6;
  }
  return -1;
}

static int socket_family(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
  return ss.ss_family;
}

// IPv4 TTL or IPv6 hop limit for unicast, per the socket's family. 0 = errno.
static int set_ttl(int fd, int family, int ttl) {
  if (family == AF_INET6) return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
  return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
}

// Key for `peer` on fd; keylen 0 deletes it. 0 on success, else -1 with errno.
static int set_md5(int fd, const struct sockaddr_storage *peer, socklen_t plen, const char *key, size_t keylen) {
  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  memcpy(&sig.tcpm_addr, peer, plen);
  sig.tcpm_keylen = (uint16_t)keylen;
  memcpy(sig.tcpm_key, key, keylen);
  return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig);
}

static int get_string(napi_env env, napi_value v, char *buf, size_t size, size_t *len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_string) return 0;
  return napi_get_value_string_utf8(env, v, buf, size, len) == napi_ok;
}

static int get_ttl_arg(napi_env env, napi_value v, int32_t *ttl) {
  return napi_get_value_int32(env, v, ttl) == napi_ok && *ttl >= 1 && *ttl <= 255;
}

static napi_value ConnectTcp(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) return fail(env, "TCP_SOCKET_FAILED", "connectTcp(peer, port, local, key, ttl)", EINVAL);
  char peer[64] = {0}, local[64] = {0}, key[128] = {0};
  size_t n, keylen = 0;
  int32_t port, ttl;
  if (!get_string(env, argv[0], peer, sizeof peer, &n)) return fail(env, "TCP_SOCKET_FAILED", "peer address", EINVAL);
  if (napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 1 || port > 65535) return fail(env, "TCP_SOCKET_FAILED", "peer port", EINVAL);
  get_string(env, argv[2], local, sizeof local, &n);
  if (get_string(env, argv[3], key, sizeof key, &keylen) && (keylen == 0 || keylen > TCP_MD5SIG_MAXKEYLEN)) {
    return fail(env, "TCP_MD5_FAILED", "key (1-80 bytes)", EINVAL);
  }
  if (!get_ttl_arg(env, argv[4], &ttl)) return fail(env, "TCP_TTL_FAILED", "ttl (1-255)", EINVAL);
  struct sockaddr_storage dst;
  socklen_t dlen;
  int family = parse(peer, port, &dst, &dlen);
  if (family < 0) return fail(env, "TCP_SOCKET_FAILED", "peer address", EINVAL);
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, "TCP_SOCKET_FAILED", "socket", errno);
  if (keylen && set_md5(fd, &dst, dlen, key, keylen) < 0) {
    int e = errno;
    close(fd);
    return fail(env, "TCP_MD5_FAILED", "setsockopt TCP_MD5SIG", e);
  }
  if (set_ttl(fd, family, ttl) < 0) {
    int e = errno;
    close(fd);
    return fail(env, "TCP_TTL_FAILED", family == AF_INET6 ? "setsockopt IPV6_UNICAST_HOPS" : "setsockopt IP_TTL", e);
  }
  if (local[0]) {
    struct sockaddr_storage src;
    socklen_t slen;
    if (parse(local, 0, &src, &slen) != family || bind(fd, (struct sockaddr *)&src, slen) < 0) {
      int e = errno ? errno : EINVAL;
      close(fd);
      return fail(env, "TCP_SOCKET_FAILED", "bind local address", e);
    }
  }
  if (connect(fd, (struct sockaddr *)&dst, dlen) < 0 && errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    return fail(env, "TCP_SOCKET_FAILED", "connect", e);
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

static napi_value ListenTcp(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char address[64] = {0};
  size_t n;
  int32_t port;
  if (argc < 2 || !get_string(env, argv[0], address, sizeof address, &n)) return fail(env, "TCP_SOCKET_FAILED", "listen address", EINVAL);
  if (napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 0 || port > 65535) return fail(env, "TCP_SOCKET_FAILED", "listen port", EINVAL);
  struct sockaddr_storage ss;
  socklen_t len;
  int family = parse(address, port, &ss, &len);
  if (family < 0) return fail(env, "TCP_SOCKET_FAILED", "listen address", EINVAL);
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, "TCP_SOCKET_FAILED", "socket", errno);
  int one = 1;
  // one socket per family: IPv4 peers' MD5 keys go on the IPv4 socket, not as v4-mapped addresses
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
      bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
    int e = errno;
    close(fd);
    return fail(env, "TCP_SOCKET_FAILED", "bind/listen", e);
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

static napi_value SetMd5(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  char peer[64] = {0}, key[128] = {0};
  size_t n, keylen = 0;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, "TCP_MD5_FAILED", "fd", EBADF);
  if (!get_string(env, argv[1], peer, sizeof peer, &n)) return fail(env, "TCP_MD5_FAILED", "peer address", EINVAL);
  if (!get_string(env, argv[2], key, sizeof key, &keylen) || keylen > TCP_MD5SIG_MAXKEYLEN) return fail(env, "TCP_MD5_FAILED", "key (0-80 bytes)", EINVAL);
  struct sockaddr_storage ss;
  socklen_t len;
  if (parse(peer, 0, &ss, &len) < 0) return fail(env, "TCP_MD5_FAILED", "peer address", EINVAL);
  if (set_md5(fd, &ss, len, key, keylen) < 0) return fail(env, "TCP_MD5_FAILED", "setsockopt TCP_MD5SIG", errno);
  return NULL;
}

static napi_value SetTtl(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, ttl;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, "TCP_TTL_FAILED", "fd", EBADF);
  if (!get_ttl_arg(env, argv[1], &ttl)) return fail(env, "TCP_TTL_FAILED", "ttl (1-255)", EINVAL);
  int family = socket_family(fd);
  if (family < 0) return fail(env, "TCP_TTL_FAILED", "getsockname", errno);
  if (set_ttl(fd, family, ttl) < 0) return fail(env, "TCP_TTL_FAILED", "setsockopt", errno);
  return NULL;
}

static napi_value GetTtl(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, "TCP_TTL_FAILED", "fd", EBADF);
  int family = socket_family(fd);
  if (family < 0) return fail(env, "TCP_TTL_FAILED", "getsockname", errno);
  int ttl = 0;
  socklen_t len = sizeof ttl;
  int r = family == AF_INET6 ? getsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, &len) : getsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, &len);
  if (r < 0) return fail(env, "TCP_TTL_FAILED", "getsockopt", errno);
  napi_value out;
  napi_create_int32(env, ttl, &out);
  return out;
}

static napi_value IsConnected(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, "TCP_SOCKET_FAILED", "fd", EBADF);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  napi_value out;
  napi_get_boolean(env, getpeername(fd, (struct sockaddr *)&ss, &len) == 0, &out);
  return out;
}

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value Init(napi_env env, napi_value exports) {
  export_fn(env, exports, "connectTcp", ConnectTcp);
  export_fn(env, exports, "listenTcp", ListenTcp);
  export_fn(env, exports, "setMd5", SetMd5);
  export_fn(env, exports, "setTtl", SetTtl);
  export_fn(env, exports, "getTtl", GetTtl);
  export_fn(env, exports, "isConnected", IsConnected);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
