import { BgpDecodeError, ErrorCode, HeaderSubcode } from './errors.ts';
import { HEADER_SIZE, MARKER, MAX_MESSAGE_SIZE } from './messages.ts';

/**
 * Cuts a TCP byte stream into whole BGP messages, whatever the chunking. A bad marker or length is
 * fatal for the connection (RFC 4271 6.1), so it throws and keeps nothing.
 */
export class MessageStream {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length >= HEADER_SIZE) {
      if (!this.buf.subarray(0, 16).equals(MARKER)) {
        throw new BgpDecodeError(
          'marker is not all ones',
          ErrorCode.MessageHeader,
          HeaderSubcode.ConnectionNotSynchronized,
        );
      }
      const length = this.buf.readUInt16BE(16);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new BgpDecodeError(
          `bad message length ${length}`,
          ErrorCode.MessageHeader,
          HeaderSubcode.BadMessageLength,
          Buffer.from(this.buf.subarray(16, 18)),
        );
      }
      if (this.buf.length < length) break;
      out.push(Buffer.from(this.buf.subarray(0, length)));
      this.buf = this.buf.subarray(length);
    }
    return out;
  }
}
