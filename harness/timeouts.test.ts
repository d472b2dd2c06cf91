import t from 'tap';
import { defaultTimeouts, resolveTimeouts } from './timeouts.ts';

t.test('defaults, scale and overrides', async (t) => {
  const base = resolveTimeouts();
  t.equal(base.sessionEstablished, defaultTimeouts.sessionEstablished.ms);
  const scaled = resolveTimeouts([], 2);
  t.equal(scaled.routeAnnounced, defaultTimeouts.routeAnnounced.ms * 2);
  const over = resolveTimeouts(['routeWithdrawn=1234'], 3);
  t.equal(over.routeWithdrawn, 1234);
  t.equal(over.routeAnnounced, defaultTimeouts.routeAnnounced.ms * 3);
});

t.test('bad overrides are coded errors', async (t) => {
  for (const bad of [['nope=1'], ['routeAnnounced'], ['routeAnnounced=-1']]) {
    t.throws(() => resolveTimeouts(bad), { code: 'TIMEOUT_INVALID' });
  }
  t.throws(() => resolveTimeouts([], 0), { code: 'TIMEOUT_INVALID' });
});
