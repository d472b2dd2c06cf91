// connectMd5(peerAddress, peerPort, localAddress|null, key) -> fd
// Creates a non-blocking TCP socket with the RFC 2385 MD5 signature key for the peer set BEFORE the
// SYN (Node's net module gives no hook there), starts connect() and returns the fd for net.Socket({fd}).
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

static napi_value fail(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, "TCP_MD5_FAILED", msg);
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

static napi_value ConnectMd5(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char peer[64] = {0}, local[64] = {0}, key[81] = {0};
  size_t n;
  int32_t port;
  napi_valuetype t;
  if (napi_get_value_string_utf8(env, argv[0], peer, sizeof peer, &n) != napi_ok) return fail(env, "peer address", EINVAL);
  if (napi_get_value_int32(env, argv[1], &port) != napi_ok) return fail(env, "peer port", EINVAL);
  napi_typeof(env, argv[2], &t);
  if (t == napi_string) napi_get_value_string_utf8(env, argv[2], local, sizeof local, &n);
  size_t keylen = 0;
  if (napi_get_value_string_utf8(env, argv[3], key, sizeof key, &keylen) != napi_ok || keylen == 0 || keylen > TCP_MD5SIG_MAXKEYLEN) {
    return fail(env, "key (1-80 bytes)", EINVAL);
  }
  struct sockaddr_storage dst;
  socklen_t dlen;
  int family = parse(peer, port, &dst, &dlen);
  if (family < 0) return fail(env, "peer address", EINVAL);
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, "socket", errno);
  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  memcpy(&sig.tcpm_addr, &dst, dlen);
  sig.tcpm_keylen = (uint16_t)keylen;
  memcpy(sig.tcpm_key, key, keylen);
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) < 0) {
    int e = errno;
    close(fd);
    return fail(env, "setsockopt TCP_MD5SIG", e);
  }
  if (local[0]) {
    struct sockaddr_storage src;
    socklen_t slen;
    if (parse(local, 0, &src, &slen) != family || bind(fd, (struct sockaddr *)&src, slen) < 0) {
      int e = errno ? errno : EINVAL;
      close(fd);
      return fail(env, "bind local address", e);
    }
  }
  if (connect(fd, (struct sockaddr *)&dst, dlen) < 0 && errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    return fail(env, "connect", e);
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "connectMd5", NAPI_AUTO_LENGTH, ConnectMd5, NULL, &fn);
  napi_set_named_property(env, exports, "connectMd5", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
