import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIfInet6, scanInterfaces, selectInterfaces } from './interfaces.ts';

t.test('parseIfInet6 keeps the first link-local per interface', async (t) => {
  const m = parseIfInet6(
    [
      '20010db8000000000000000000000001 02 40 00 80  eth0',
      'fe800000000000000011223344556677 02 40 20 80  eth0',
      'fe800000000000000000000000000009 02 40 20 80  eth0',
      '00000000000000000000000000000001 01 80 10 80  lo',
    ].join('\n'),
  );
  t.same([...m], [['eth0', 'fe80::11:2233:4455:6677']]);
});

t.test('scanInterfaces reads sysfs flags, master bridge, type', async (t) => {
  const dir = t.testdir({});
  const mk = (name: string, flags: string, type = '1', brport = false, mac = '02:00:00:00:00:01') => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'flags'), flags + '\n');
    writeFileSync(join(dir, name, 'ifindex'), '7\n');
    writeFileSync(join(dir, name, 'address'), mac + '\n');
    writeFileSync(join(dir, name, 'type'), type + '\n');
    if (brport) mkdirSync(join(dir, name, 'brport'));
  };
  mk('lo', '0x9', '772', false, '00:00:00:00:00:00');
  mk('eth0', '0x1003');
  mk('eth1', '0x1002');
  mk('noarp0', '0x1083');
  mk('port0', '0x1003', '1', true);
  mkdirSync(join(dir, 'half')); // vanished mid-scan
  const inet6 = join(dir, 'if_inet6');
  writeFileSync(inet6, 'fe800000000000000000000000000001 07 40 20 80 eth0\n');
  const all = scanInterfaces(dir, inet6);
  t.same(
    all.map((i) => i.name),
    ['eth0', 'eth1', 'lo', 'noarp0', 'port0'],
  );
  t.equal(all.find((i) => i.name === 'eth0')!.linkLocal, 'fe80::1');
  t.same(
    selectInterfaces(all).map((i) => i.name),
    ['eth0'],
  );
  t.same(
    selectInterfaces(all, ['eth1']).map((i) => i.name),
    [],
    'down interfaces never answer',
  );
  t.same(
    selectInterfaces(all, []).map((i) => i.name),
    ['eth0'],
    'empty list = all',
  );
  t.same(scanInterfaces(join(dir, 'missing')), []);
});
