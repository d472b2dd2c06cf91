import t from 'tap';
import { capabilityNames } from '../../common/capabilities.ts';
import { eventCatalogue, parseEvents } from './events.ts';

t.test('JSON lines become events; other lines and half-written ones are skipped', async (t) => {
  const text = [
    '{"ts":"2026-12-04T21:00:00.000Z","level":"info","event":"config.applied"}',
    'plain text from a daemon',
    '{"event":"bgp.route-refresh","peer":"tor"}',
    '{"level":"info"}',
    '{"event":"config.rej',
  ].join('\n');
  const events = parseEvents(text);
  t.same(
    events.map((e) => e.event),
    ['config.applied', 'bgp.route-refresh'],
  );
  t.equal(events[0]!.at, Date.parse('2026-12-04T21:00:00.000Z'));
  t.equal(events[1]!.at, undefined);
});

t.test('every event belongs to a capability of the catalogue', async (t) => {
  for (const e of eventCatalogue) t.ok(capabilityNames.includes(e.capability), `${e.name}: ${e.capability}`);
});
