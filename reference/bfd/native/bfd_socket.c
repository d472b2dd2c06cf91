/*
 * bfd_socket: UDP sockets for single-hop BFD (RFC 5881) on Linux, for Node.js (N-API, C).
 *
 *   open(family: 4|6, localAddress: string, port: number, onPacket(buf, fromAddr, fromPort, ttl)) -> handle
 *       port 0 picks a free source port in 49152-65535 (RFC 5881 section 4)
 *   send(handle, buf: Buffer, address: string, port: number) -> bytes sent
 *   localPort(handle) -> number
 *   setRef(handle, ref: boolean)
 *   close(handle)
 *
 * Why an addon: RFC 5881 section 5 (GTSM) wants every packet sent with TTL / hop limit 255 and every
 * received packet whose TTL is not 255 discarded. Node's dgram can set the TTL but never reports the TTL
 * a datagram arrived with; here IP_RECVTTL / IPV6_RECVHOPLIMIT deliver it with each packet (recvmsg
 * control data) and the caller decides. The socket is non-blocking and watched with a libuv poll handle
 * on the Node event loop, as reference/l2/native/af_packet.c does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <node_api.h>
#include <uv.h>

typedef struct {
  int fd;
  int family;
  int port;
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  napi_async_context actx;
  int open;
  int handle_live;
  int finalized;
} bsock;

#define CHECK(call)                                                         \
  do {                                                                      \
    if ((call) != napi_ok) {                                                \
      napi_throw_error(env, "BFD_SOCKET_NAPI", "N-API call failed: " #call); \
      return NULL;                                                          \
    }                                                                       \
  } while (0)

static napi_value throw_errno(napi_env env, const char *code, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value error, codev, errnov, msgv;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &msgv);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &codev);
  napi_create_error(env, codev, msgv, &error);
  napi_create_int32(env, err, &errnov);
  napi_set_named_property(env, error, "errno", errnov);
  napi_throw(env, error);
  return NULL;
}

static void maybe_free(bsock *s) {
  if (!s->handle_live && s->finalized) free(s);
}

static void on_handle_closed(uv_handle_t *h) {
  bsock *s = (bsock *)h->data;
  s->handle_live = 0;
  maybe_free(s);
}

static void do_close(bsock *s) {
  if (!s->open) return;
  s->open = 0;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
  close(s->fd);
  s->fd = -1;
  if (s->cb) {
    napi_delete_reference(s->env, s->cb);
    s->cb = NULL;
  }
  if (s->actx) {
    napi_async_destroy(s->env, s->actx);
    s->actx = NULL;
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  bsock *s = (bsock *)data;
  do_close(s);
  s->finalized = 1;
  maybe_free(s);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  bsock *s = (bsock *)handle->data;
  (void)events;
  if (!s->open || status < 0) return;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int i = 0; i < 64 && s->open; i++) {
    unsigned char buf[512];
    unsigned char control[256];
    struct sockaddr_storage from;
    struct iovec iov = { buf, sizeof buf };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(s->fd, &msg, MSG_DONTWAIT);
    if (n < 0) break; /* EAGAIN: drained */
    int ttl = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
          (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
        int v;
        memcpy(&v, CMSG_DATA(c), sizeof v);
        ttl = v;
      }
    }
    char addr[INET6_ADDRSTRLEN] = "";
    int port = 0;
    if (from.ss_family == AF_INET) {
      struct sockaddr_in *a = (struct sockaddr_in *)&from;
      inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
      port = ntohs(a->sin_port);
    } else if (from.ss_family == AF_INET6) {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *)&from;
      inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
      port = ntohs(a->sin6_port);
    }
    napi_value cb, recv, argv[4], result;
    if (napi_get_reference_value(env, s->cb, &cb) != napi_ok || cb == NULL) break;
    void *copy;
    napi_create_buffer_copy(env, (size_t)n, buf, &copy, &argv[0]);
    napi_create_string_utf8(env, addr, NAPI_AUTO_LENGTH, &argv[1]);
    napi_create_int32(env, port, &argv[2]);
    napi_create_int32(env, ttl, &argv[3]);
    napi_get_global(env, &recv);
    napi_status st = napi_make_callback(env, s->actx, recv, cb, 4, argv, &result);
    if (st == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
      break;
    }
  }
  napi_close_handle_scope(env, scope);
}

static bsock *get_sock(napi_env env, napi_value v) {
  bsock *s = NULL;
  if (napi_get_value_external(env, v, (void **)&s) != napi_ok || s == NULL) {
    napi_throw_type_error(env, "BFD_SOCKET_BAD_HANDLE", "not a bfd_socket handle");
    return NULL;
  }
  return s;
}

/* Fills a sockaddr for family/address/port; returns its length or 0 when the address does not parse. */
static socklen_t make_addr(int family, const char *text, int port, struct sockaddr_storage *out) {
  memset(out, 0, sizeof *out);
  if (family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, text, &a->sin_addr) != 1) return 0;
    return sizeof *a;
  }
  struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons((uint16_t)port);
  if (inet_pton(AF_INET6, text, &a->sin6_addr) != 1) return 0;
  return sizeof *a;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, "BFD_SOCKET_ARGS", "open(family, localAddress, port, onPacket)");
    return NULL;
  }
  int32_t family = 0, port = 0;
  char local[INET6_ADDRSTRLEN + 1];
  size_t len = 0;
  napi_get_value_int32(env, argv[0], &family);
  napi_get_value_int32(env, argv[2], &port);
  if ((family != 4 && family != 6) || port < 0 || port > 65535 ||
      napi_get_value_string_utf8(env, argv[1], local, sizeof local, &len) != napi_ok) {
    napi_throw_type_error(env, "BFD_SOCKET_ARGS", "family must be 4 or 6, localAddress a string, port 0-65535");
    return NULL;
  }
  struct sockaddr_storage sa;
  socklen_t salen = make_addr(family, local, port, &sa);
  if (!salen) {
    napi_throw_type_error(env, "BFD_SOCKET_ARGS", "localAddress does not parse for this family");
    return NULL;
  }
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "BFD_SOCKET_SOCKET", "socket", errno);
  int one = 1, ttl = 255;
  int ok = family == 4
               ? setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0 &&
                     setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one) == 0
               : setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) == 0 &&
                     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) == 0 &&
                     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == 0;
  if (!ok) {
    int e = errno;
    close(fd);
    return throw_errno(env, "BFD_SOCKET_SOCKOPT", "setsockopt", e);
  }
  int bound = -1;
  if (port != 0) {
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bound = bind(fd, (struct sockaddr *)&sa, salen);
  } else {
    /* RFC 5881 section 4: source port 49152-65535, the same for the whole session */
    int start = 49152 + (int)(((unsigned)getpid() * 7919u + (unsigned)rand()) % 16384u);
    for (int i = 0; i < 16384 && bound != 0; i++) {
      int p = 49152 + ((start - 49152 + i) % 16384);
      make_addr(family, local, p, &sa);
      bound = bind(fd, (struct sockaddr *)&sa, salen);
      if (bound == 0) port = p;
      else if (errno != EADDRINUSE) break;
    }
  }
  if (bound != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "BFD_SOCKET_BIND", "bind", e);
  }
  bsock *s = calloc(1, sizeof *s);
  if (!s) {
    close(fd);
    return throw_errno(env, "BFD_SOCKET_NOMEM", "calloc", ENOMEM);
  }
  s->fd = fd;
  s->family = family;
  s->port = port;
  s->env = env;
  s->poll.data = s;
  napi_value name;
  napi_create_string_utf8(env, "bfd_socket", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[3], 1, &s->cb) != napi_ok ||
      napi_async_init(env, NULL, name, &s->actx) != napi_ok) {
    close(fd);
    free(s);
    napi_throw_error(env, "BFD_SOCKET_NAPI", "callback setup failed");
    return NULL;
  }
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->poll, fd) != 0) {
    napi_delete_reference(env, s->cb);
    napi_async_destroy(env, s->actx);
    close(fd);
    free(s);
    napi_throw_error(env, "BFD_SOCKET_POLL", "uv_poll_init failed");
    return NULL;
  }
  s->open = 1;
  s->handle_live = 1;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  napi_value out;
  CHECK(napi_create_external(env, s, finalize, NULL, &out));
  return out;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bsock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  if (!s->open) {
    napi_throw_error(env, "BFD_SOCKET_CLOSED", "socket is closed");
    return NULL;
  }
  void *data;
  size_t dlen;
  char addr[INET6_ADDRSTRLEN + 1];
  size_t alen = 0;
  int32_t port = 0;
  if (napi_get_buffer_info(env, argv[1], &data, &dlen) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], addr, sizeof addr, &alen) != napi_ok ||
      napi_get_value_int32(env, argv[3], &port) != napi_ok) {
    napi_throw_type_error(env, "BFD_SOCKET_ARGS", "send(handle, buffer, address, port)");
    return NULL;
  }
  struct sockaddr_storage sa;
  socklen_t salen = make_addr(s->family, addr, port, &sa);
  if (!salen) {
    napi_throw_type_error(env, "BFD_SOCKET_ARGS", "address does not parse for this socket's family");
    return NULL;
  }
  ssize_t n = sendto(s->fd, data, dlen, MSG_DONTWAIT, (struct sockaddr *)&sa, salen);
  napi_value out;
  /* a full queue or an unreachable neighbour loses this packet only: BFD's timers deal with loss */
  napi_create_int32(env, n < 0 ? -errno : (int32_t)n, &out);
  return out;
}

static napi_value js_local_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bsock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  napi_value out;
  napi_create_int32(env, s->port, &out);
  return out;
}

static napi_value js_set_ref(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bsock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  bool ref = true;
  napi_get_value_bool(env, argv[1], &ref);
  if (s->open) {
    if (ref) uv_ref((uv_handle_t *)&s->poll);
    else uv_unref((uv_handle_t *)&s->poll);
  }
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bsock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  do_close(s);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL },
    { "send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL },
    { "localPort", NULL, js_local_port, NULL, NULL, NULL, napi_default, NULL },
    { "setRef", NULL, js_set_ref, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
