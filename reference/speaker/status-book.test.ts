import t from 'tap';
import { ServiceStatusBook } from './status-book.ts';

const bgp = (ns: string, name: string, peers: string[]) => ({
  node: 'n',
  serviceName: name,
  serviceNamespace: ns,
  peers,
});

t.test(
  'a patch replaces the statuses of the Services it names, in key order; patches are handed out once',
  async (t) => {
    const book = new ServiceStatusBook({
      bgp: [bgp('a', 'one', ['p']), bgp('a', 'two', ['p', 'q'])],
      l2: [{ node: 'n', serviceName: 'two', serviceNamespace: 'a', interfaces: [] }],
    });
    t.same(book.takePatches(), [], 'the initial state is no patch');
    book.patch({ keys: ['a/two', 'a/zero'], statuses: { bgp: [bgp('a', 'zero', ['q'])], l2: [] } });
    t.same(
      book.all().bgp.map((s) => s.serviceName),
      ['one', 'zero'],
      'two gone with its L2 status, zero added after one',
    );
    t.same(book.all().l2, []);
    book.patch({ keys: ['a/one'], statuses: { bgp: [bgp('a', 'one', ['r'])], l2: [] } });
    t.same(book.all().bgp[0]!.peers, ['r'], 'a changed Service is read again, not the cached list');
    book.patch({ keys: [], statuses: { bgp: [], l2: [] } });
    t.same(
      book.takePatches().map((p) => p.keys),
      [['a/two', 'a/zero'], ['a/one']],
      'the patches since the last take, an empty one left out',
    );
    t.same(book.takePatches(), [], 'taken once');
  },
);
