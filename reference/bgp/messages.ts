import { BgpDecodeError, ErrorCode, HeaderSubcode, OpenSubcode } from './errors.ts';
import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST } from './nlri.ts';

export const MARKER = Buffer.alloc(16, 0xff);
export const HEADER_SIZE = 19;
export const MAX_MESSAGE_SIZE = 4096;
export const AS_TRANS = 23456;

export const MessageType = { Open: 1, Update: 2, Notification: 3, Keepalive: 4, RouteRefresh: 5 } as const;

export type Capability =
  | { code: 1; afi: number; safi: number }
  | { code: 2 }
  | { code: 65; asn: number }
  | { code: number; raw: Buffer };

export interface OpenMessage {
  type: 'open';
  version: number;
  /** The real ASN: from the 4-octet capability when present, else the 2-octet field. */
  asn: number;
  holdTime: number;
  routerId: string;
  capabilities: Capability[];
}
export interface NotificationMessage {
  type: 'notification';
  code: number;
  subcode: number;
  data: Buffer;
}
export interface KeepaliveMessage {
  type: 'keepalive';
}
export interface RouteRefreshMessage {
  type: 'route-refresh';
  afi: number;
  safi: number;
}
export interface UpdateFrame {
  type: 'update';
  body: Buffer;
}
export type Message =
  | OpenMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage
  | UpdateFrame;

export function frame(type: number, body: Buffer): Buffer {
  const out = Buffer.alloc(HEADER_SIZE + body.length);
  MARKER.copy(out, 0);
  out.writeUInt16BE(out.length, 16);
  out[18] = type;
  body.copy(out, HEADER_SIZE);
  return out;
}

/** Multiprotocol for each family offered (both by default), route refresh, 4-octet ASN. */
export function ourCapabilities(
  myAsn: number,
  families: readonly ('ipv4' | 'ipv6')[] = ['ipv4', 'ipv6'],
): Capability[] {
  return [
    ...(families.includes('ipv4') ? [{ code: 1 as const, afi: AFI_IPV4, safi: SAFI_UNICAST }] : []),
    ...(families.includes('ipv6') ? [{ code: 1 as const, afi: AFI_IPV6, safi: SAFI_UNICAST }] : []),
    { code: 2 },
    { code: 65, asn: myAsn },
  ];
}

function encodeCapability(c: Capability): Buffer {
  let value: Buffer;
  if ('raw' in c) value = c.raw;
  else if (c.code === 1) {
    value = Buffer.alloc(4);
    value.writeUInt16BE((c as { afi: number }).afi, 0);
    value[3] = (c as { safi: number }).safi;
  } else if (c.code === 65) {
    value = Buffer.alloc(4);
    value.writeUInt32BE((c as { asn: number }).asn, 0);
  } else value = Buffer.alloc(0);
  return Buffer.concat([Buffer.from([c.code, value.length]), value]);
}

export function encodeOpen(o: Omit<OpenMessage, 'type'>): Buffer {
  const caps = Buffer.concat(o.capabilities.map(encodeCapability));
  const params = caps.length ? Buffer.concat([Buffer.from([2, caps.length]), caps]) : Buffer.alloc(0);
  const body = Buffer.alloc(10 + params.length);
  body[0] = o.version;
  body.writeUInt16BE(o.asn > 0xffff ? AS_TRANS : o.asn, 1);
  body.writeUInt16BE(o.holdTime, 3);
  Buffer.from(o.routerId.split('.').map(Number)).copy(body, 5);
  body[9] = params.length;
  params.copy(body, 10);
  return frame(MessageType.Open, body);
}

export function encodeKeepalive(): Buffer {
  return frame(MessageType.Keepalive, Buffer.alloc(0));
}

export function encodeNotification(code: number, subcode: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return frame(MessageType.Notification, Buffer.concat([Buffer.from([code, subcode]), data]));
}

export function encodeRouteRefresh(afi: number, safi: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt16BE(afi, 0);
  body[3] = safi;
  return frame(MessageType.RouteRefresh, body);
}

/** Checks the header of one complete message (the framer guarantees the length fits). */
export function decodeMessage(msg: Buffer): Message {
  if (msg.length < HEADER_SIZE || !msg.subarray(0, 16).equals(MARKER)) {
    throw new BgpDecodeError(
      'marker is not all ones',
      ErrorCode.MessageHeader,
      HeaderSubcode.ConnectionNotSynchronized,
    );
  }
  const length = msg.readUInt16BE(16);
  const type = msg[18]!;
  const lengthData = msg.subarray(16, 18);
  if (length !== msg.length || length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
    throw new BgpDecodeError(
      `bad message length ${length}`,
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      lengthData,
    );
  }
  const body = msg.subarray(HEADER_SIZE);
  const badLength = (): never => {
    throw new BgpDecodeError(
      `bad length ${length} for message type ${type}`,
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      lengthData,
    );
  };
  switch (type) {
    case MessageType.Open:
      if (body.length < 10) badLength();
      return decodeOpen(body);
    case MessageType.Update:
      if (body.length < 4) badLength();
      return { type: 'update', body };
    case MessageType.Notification:
      if (body.length < 2) badLength();
      return { type: 'notification', code: body[0]!, subcode: body[1]!, data: Buffer.from(body.subarray(2)) };
    case MessageType.Keepalive:
      if (body.length !== 0) badLength();
      return { type: 'keepalive' };
    case MessageType.RouteRefresh:
      if (body.length !== 4) badLength();
      return { type: 'route-refresh', afi: body.readUInt16BE(0), safi: body[3]! };
    default:
      throw new BgpDecodeError(
        `unknown message type ${type}`,
        ErrorCode.MessageHeader,
        HeaderSubcode.BadMessageType,
        Buffer.from([type]),
      );
  }
}

function decodeOpen(body: Buffer): OpenMessage {
  const version = body[0]!;
  if (version !== 4) {
    throw new BgpDecodeError(
      `unsupported BGP version ${version}`,
      ErrorCode.OpenMessage,
      OpenSubcode.UnsupportedVersion,
      Buffer.from([0, 4]),
    );
  }
  const asn2 = body.readUInt16BE(1);
  const holdTime = body.readUInt16BE(3);
  const routerId = [...body.subarray(5, 9)].join('.');
  const paramLen = body[9]!;
  if (10 + paramLen !== body.length) {
    throw new BgpDecodeError(
      'optional parameters length does not match the message',
      ErrorCode.OpenMessage,
      0,
    );
  }
  const capabilities: Capability[] = [];
  let i = 10;
  while (i < body.length) {
    if (i + 2 > body.length)
      throw new BgpDecodeError('truncated optional parameter', ErrorCode.OpenMessage, 0);
    const ptype = body[i]!;
    const plen = body[i + 1]!;
    const pval = body.subarray(i + 2, i + 2 + plen);
    if (pval.length !== plen)
      throw new BgpDecodeError('truncated optional parameter', ErrorCode.OpenMessage, 0);
    if (ptype !== 2) {
      throw new BgpDecodeError(
        `unsupported optional parameter ${ptype}`,
        ErrorCode.OpenMessage,
        OpenSubcode.UnsupportedOptionalParameter,
      );
    }
    let j = 0;
    while (j < pval.length) {
      if (j + 2 > pval.length) throw new BgpDecodeError('truncated capability', ErrorCode.OpenMessage, 0);
      const code = pval[j]!;
      const clen = pval[j + 1]!;
      const cval = pval.subarray(j + 2, j + 2 + clen);
      if (cval.length !== clen) throw new BgpDecodeError('truncated capability', ErrorCode.OpenMessage, 0);
      if (code === 1 && clen === 4) capabilities.push({ code: 1, afi: cval.readUInt16BE(0), safi: cval[3]! });
      else if (code === 2 && clen === 0) capabilities.push({ code: 2 });
      else if (code === 65 && clen === 4) capabilities.push({ code: 65, asn: cval.readUInt32BE(0) });
      else capabilities.push({ code, raw: Buffer.from(cval) });
      j += 2 + clen;
    }
    i += 2 + plen;
  }
  const four = capabilities.find((c): c is { code: 65; asn: number } => c.code === 65 && 'asn' in c);
  return { type: 'open', version, asn: four ? four.asn : asn2, holdTime, routerId, capabilities };
}
