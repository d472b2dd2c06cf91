import { connect, type Socket } from 'node:net';
import { CodedError } from '../../common/errors.ts';

/**
 * A long-lived connection to one FRR daemon's vty socket (`<runDir>/bgpd.vty`), speaking what vtysh
 * speaks there: the command line and a NUL out, the output back up to three NULs and one status byte
 * (0 = success). Polls then cost a write and a read instead of a new vtysh process each (about 28 ms
 * of CPU per vtysh on the 2-core machine). Commands are sent one at a time, in call order; a broken
 * connection fails the command in flight and the next command reconnects.
 */
export class VtyClient {
  private socket: Socket | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Commands answered since start (for the suite's CPU accounting). */
  commands = 0;

  constructor(
    private readonly path: string,
    private readonly label: string,
  ) {}

  /** Output of one command; VTY_COMMAND_FAILED when the daemon answers with a non-zero status. */
  run(command: string, timeoutMs = 10_000): Promise<string> {
    if (command.includes('\0') || command.includes('\n'))
      throw new CodedError('VTY_BAD_COMMAND', `${this.label}: one command line, no NUL or newline`);
    const next = this.queue.then(() => this.exchange(command, timeoutMs));
    this.queue = next.catch(() => {});
    return next;
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private async open(): Promise<Socket> {
    if (this.closed) throw new CodedError('VTY_CLOSED', `${this.label}: vty client closed`);
    if (this.socket && !this.socket.destroyed) return this.socket;
    const s = connect(this.path);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    }).catch((err: Error) => {
      s.destroy();
      throw new CodedError('VTY_CONNECT_FAILED', `${this.label}: ${this.path}: ${err.message}`, {
        cause: err,
      });
    });
    s.on('error', () => s.destroy());
    this.socket = s;
    return s;
  }

  private async exchange(command: string, timeoutMs: number): Promise<string> {
    const s = await this.open();
    return new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (err: Error | undefined, out?: string): void => {
        clearTimeout(timer);
        s.off('data', onData);
        s.off('close', onClose);
        if (err) {
          // The stream may hold part of this answer: never reuse it for the next command.
          s.destroy();
          reject(err);
        } else resolve(out!);
      };
      const onData = (b: Buffer): void => {
        chunks.push(b);
        size += b.length;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        const end = terminatorAt(all);
        if (end < 0) return;
        const status = all[end + 3]!;
        const out = all.subarray(0, end).toString('utf8');
        this.commands++;
        if (status !== 0)
          done(
            new CodedError(
              'VTY_COMMAND_FAILED',
              `${this.label}: "${command}" status ${status}: ${out.trim()}`,
            ),
          );
        else done(undefined, out);
      };
      const onClose = (): void =>
        done(new CodedError('VTY_CONNECTION_LOST', `${this.label}: connection closed during "${command}"`));
      const timer = setTimeout(
        () =>
          done(new CodedError('VTY_TIMEOUT', `${this.label}: no answer to "${command}" in ${timeoutMs} ms`)),
        timeoutMs,
      );
      s.on('data', onData);
      s.once('close', onClose);
      s.write(`${command}\0`);
    });
  }
}

/** Index of the `\0\0\0` that ends an answer once its status byte has arrived too, else -1. */
export function terminatorAt(buf: Buffer): number {
  for (let i = buf.indexOf(0); i >= 0 && i + 3 < buf.length; i = buf.indexOf(0, i + 1)) {
    if (buf[i + 1] === 0 && buf[i + 2] === 0) return i;
  }
  return -1;
}
