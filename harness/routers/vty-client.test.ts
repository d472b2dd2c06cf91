import t, { type Test } from 'tap';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VtyClient, terminatorAt } from './vty-client.ts';

/** A fake daemon socket: answers each NUL-terminated command through `answer` (split into pieces). */
async function fakeDaemon(t: Test, answer: (cmd: string, sock: Socket) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'vty-'));
  const path = join(dir, 'bgpd.vty');
  const connections: Socket[] = [];
  const server = createServer((sock) => {
    connections.push(sock);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\0')) >= 0) {
        const cmd = buf.slice(0, i);
        buf = buf.slice(i + 1);
        answer(cmd, sock);
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, r));
  t.teardown(() => {
    for (const c of connections) c.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, connections };
}

t.test('terminatorAt waits for the status byte after three NULs', async (t) => {
  t.equal(terminatorAt(Buffer.from('abc\0\0\0')), -1);
  t.equal(terminatorAt(Buffer.from('abc\0\0\0\x01')), 3);
  t.equal(terminatorAt(Buffer.from('a\0b\0\0\0\0')), 3);
});

t.test('answers split across writes, in call order, on one connection', async (t) => {
  const d = await fakeDaemon(t, (cmd, sock) => {
    const out = Buffer.from(`{"cmd":${JSON.stringify(cmd)}}\0\0\0\0`);
    sock.write(out.subarray(0, 5));
    setTimeout(() => sock.write(out.subarray(5)), 5);
  });
  const c = new VtyClient(d.path, 'fake');
  t.teardown(() => c.close());
  const [a, b] = await Promise.all([c.run('show bgp summary json'), c.run('show bgp ipv4 unicast json')]);
  t.same(JSON.parse(a), { cmd: 'show bgp summary json' });
  t.same(JSON.parse(b), { cmd: 'show bgp ipv4 unicast json' });
  t.equal(d.connections.length, 1);
  t.equal(c.commands, 2);
});

t.test('a non-zero status is an error naming the command and the output', async (t) => {
  const d = await fakeDaemon(t, (_cmd, sock) => sock.write('% Unknown command\n\0\0\0\x02'));
  const c = new VtyClient(d.path, 'fake');
  t.teardown(() => c.close());
  await t.rejects(c.run('show nonsense'), {
    code: 'VTY_COMMAND_FAILED',
    message: /show nonsense.*Unknown command/,
  });
});

t.test('a dropped connection fails the command in flight; the next one reconnects', async (t) => {
  let first = true;
  const d = await fakeDaemon(t, (_cmd, sock) => {
    if (first) {
      first = false;
      sock.destroy();
    } else sock.write('ok\0\0\0\0');
  });
  const c = new VtyClient(d.path, 'fake');
  t.teardown(() => c.close());
  await t.rejects(c.run('show bgp summary json'), { code: 'VTY_CONNECTION_LOST' });
  t.equal(await c.run('show bgp summary json'), 'ok');
  t.equal(d.connections.length, 2);
});

t.test('no socket: VTY_CONNECT_FAILED; a silent daemon: VTY_TIMEOUT', async (t) => {
  const c = new VtyClient('/nonexistent/bgpd.vty', 'fake');
  await t.rejects(c.run('show bgp summary json'), { code: 'VTY_CONNECT_FAILED' });
  const d = await fakeDaemon(t, () => {});
  const s = new VtyClient(d.path, 'fake');
  t.teardown(() => s.close());
  await t.rejects(s.run('show bgp summary json', 100), { code: 'VTY_TIMEOUT' });
});

t.test('a command with a NUL or newline is refused before it is sent', async (t) => {
  const c = new VtyClient('/nonexistent', 'fake');
  t.throws(() => c.run('show bgp\0x'), { code: 'VTY_BAD_COMMAND' });
  t.throws(() => c.run('show bgp\nconfigure terminal'), { code: 'VTY_BAD_COMMAND' });
});
