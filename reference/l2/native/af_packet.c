/*
 * af_packet: raw Ethernet frames on Linux through AF_PACKET sockets, for Node.js (N-API, C).
 *
 *   open(ifname, ethertype, onFrame(frame: Buffer, pkttype: number), filter?: Buffer) -> handle
 *   send(handle, frame: Buffer) -> bytes sent
 *   membership(handle, mac: Buffer(6), add: boolean)   PACKET_ADD/DROP_MEMBERSHIP (PACKET_MR_MULTICAST)
 *   setRef(handle, ref: boolean)                       whether the socket keeps the event loop alive
 *   close(handle)
 *   ifindex(handle) -> number
 *
 * The socket is non-blocking and watched with a libuv poll handle on the Node event loop: when it is
 * readable, every queued frame is read and passed to onFrame (on the JS thread). `filter` is a classic
 * BPF program (struct sock_filter[] in host byte order), attached before bind so no frame slips past it.
 * Frames this host sends are not delivered back (PACKET_IGNORE_OUTGOING, and pkttype 4 is reported
 * otherwise so the caller can drop it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <node_api.h>
#include <uv.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

typedef struct {
  int fd;
  int ifindex;
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  napi_async_context actx;
  int open;          /* fd open and poll active */
  int handle_live;   /* uv handle initialised and not yet closed-callback'd */
  int finalized;     /* JS external collected */
} psock;

#define CHECK(call)                                                       \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error(env, "AF_PACKET_NAPI", "N-API call failed: " #call); \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  char code[64];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  snprintf(code, sizeof code, "AF_PACKET_%s", what);
  for (char *p = code; *p; p++) {
    if (*p >= 'a' && *p <= 'z') *p -= 32;
    else if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) *p = '_';
  }
  napi_value error, codev, errnov, msgv;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &msgv);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &codev);
  napi_create_error(env, codev, msgv, &error);
  napi_create_int32(env, err, &errnov);
  napi_set_named_property(env, error, "errno", errnov);
  napi_throw(env, error);
  return NULL;
}

static void maybe_free(psock *s) {
  if (!s->handle_live && s->finalized) free(s);
}

static void on_handle_closed(uv_handle_t *h) {
  psock *s = (psock *)h->data;
  s->handle_live = 0;
  maybe_free(s);
}

static void do_close(psock *s) {
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
  psock *s = (psock *)data;
  do_close(s);
  s->finalized = 1;
  maybe_free(s);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  psock *s = (psock *)handle->data;
  (void)events;
  if (!s->open || status < 0) return;
  napi_env env = s->env;
  unsigned char rxbuf[65536]; /* per call: safe with several Node environments (worker threads) */
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int i = 0; i < 256 && s->open; i++) {
    struct sockaddr_ll from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(s->fd, rxbuf, sizeof rxbuf, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
    if (n < 0) break; /* EAGAIN: drained (other errors: try again on the next wake-up) */
    napi_value cb, recv, argv[2], result;
    if (napi_get_reference_value(env, s->cb, &cb) != napi_ok || cb == NULL) break;
    void *copy;
    napi_create_buffer_copy(env, (size_t)n, rxbuf, &copy, &argv[0]);
    napi_create_int32(env, from.sll_pkttype, &argv[1]);
    napi_get_global(env, &recv);
    napi_status st = napi_make_callback(env, s->actx, recv, cb, 2, argv, &result);
    if (st == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
      break;
    }
  }
  napi_close_handle_scope(env, scope);
}

static psock *get_sock(napi_env env, napi_value v) {
  psock *s = NULL;
  if (napi_get_value_external(env, v, (void **)&s) != napi_ok || s == NULL) {
    napi_throw_type_error(env, "AF_PACKET_BAD_HANDLE", "not an af_packet handle");
    return NULL;
  }
  return s;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "open(ifname, ethertype, onFrame, filter?)");
    return NULL;
  }
  char ifname[IF_NAMESIZE + 1];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &len) != napi_ok) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "ifname must be a string");
    return NULL;
  }
  uint32_t proto;
  if (napi_get_value_uint32(env, argv[1], &proto) != napi_ok) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "ethertype must be a number");
    return NULL;
  }
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "onFrame must be a function");
    return NULL;
  }
  int ifindex = (int)if_nametoindex(ifname);
  if (ifindex == 0) return throw_errno(env, "if_nametoindex", errno);

  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);

  if (argc >= 4) {
    bool isbuf = false;
    napi_is_buffer(env, argv[3], &isbuf);
    if (isbuf) {
      void *data;
      size_t blen;
      napi_get_buffer_info(env, argv[3], &data, &blen);
      if (blen % sizeof(struct sock_filter) != 0 || blen == 0) {
        close(fd);
        napi_throw_type_error(env, "AF_PACKET_ARGS", "filter must be a non-empty array of 8-byte BPF instructions");
        return NULL;
      }
      struct sock_fprog prog = { .len = (unsigned short)(blen / sizeof(struct sock_filter)), .filter = (struct sock_filter *)data };
      if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
        int e = errno;
        close(fd);
        return throw_errno(env, "setsockopt_filter", e);
      }
    }
  }
  int one = 1;
  (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one); /* Linux >= 4.20 */

  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons((uint16_t)proto);
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }

  psock *s = calloc(1, sizeof *s);
  if (!s) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  s->fd = fd;
  s->ifindex = ifindex;
  s->env = env;
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->poll, fd) != 0) {
    close(fd);
    free(s);
    napi_throw_error(env, "AF_PACKET_POLL", "uv_poll_init failed");
    return NULL;
  }
  s->poll.data = s;
  s->handle_live = 1;
  s->open = 1;
  napi_create_reference(env, argv[2], 1, &s->cb);
  napi_value resname;
  napi_create_string_utf8(env, "af_packet", NAPI_AUTO_LENGTH, &resname);
  napi_async_init(env, NULL, resname, &s->actx);
  uv_poll_start(&s->poll, UV_READABLE, on_readable);

  napi_value ext;
  CHECK(napi_create_external(env, s, finalize, NULL, &ext));
  return ext;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  psock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  if (!s->open) {
    napi_throw_error(env, "AF_PACKET_CLOSED", "socket is closed");
    return NULL;
  }
  void *data;
  size_t len;
  bool isbuf = false;
  napi_is_buffer(env, argv[1], &isbuf);
  if (!isbuf) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "frame must be a Buffer");
    return NULL;
  }
  napi_get_buffer_info(env, argv[1], &data, &len);
  ssize_t n = send(s->fd, data, len, MSG_DONTWAIT);
  if (n < 0) return throw_errno(env, "send", errno);
  napi_value out;
  napi_create_int64(env, n, &out);
  return out;
}

static napi_value js_membership(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  psock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  if (!s->open) {
    napi_throw_error(env, "AF_PACKET_CLOSED", "socket is closed");
    return NULL;
  }
  void *mac;
  size_t len;
  bool isbuf = false;
  napi_is_buffer(env, argv[1], &isbuf);
  if (!isbuf) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "mac must be a 6-byte Buffer");
    return NULL;
  }
  napi_get_buffer_info(env, argv[1], &mac, &len);
  if (len != 6) {
    napi_throw_type_error(env, "AF_PACKET_ARGS", "mac must be a 6-byte Buffer");
    return NULL;
  }
  bool add = true;
  napi_get_value_bool(env, argv[2], &add);
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = s->ifindex;
  mr.mr_type = PACKET_MR_MULTICAST;
  mr.mr_alen = 6;
  memcpy(mr.mr_address, mac, 6);
  if (setsockopt(s->fd, SOL_PACKET, add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, &mr, sizeof mr) < 0)
    return throw_errno(env, add ? "add_membership" : "drop_membership", errno);
  return NULL;
}

static napi_value js_set_ref(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  psock *s = get_sock(env, argv[0]);
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
  psock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  do_close(s);
  return NULL;
}

static napi_value js_ifindex(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  psock *s = get_sock(env, argv[0]);
  if (!s) return NULL;
  napi_value out;
  napi_create_int32(env, s->ifindex, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL },
    { "send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL },
    { "membership", NULL, js_membership, NULL, NULL, NULL, napi_default, NULL },
    { "setRef", NULL, js_set_ref, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL },
    { "ifindex", NULL, js_ifindex, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
