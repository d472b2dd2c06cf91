import t from 'tap';
import { ServiceStatusBook } from './status-book.ts';

const bgp = (ns: string, name: string, peers: string[]) => ({
  node: 'n',
  serviceName: name,
  serviceNamespace: ns,
  peers,
});

t.test(
  'a patch replaces the statuses of the Services it names, in key order; toJSON matches all()',
  async (t) => {
    const book = new ServiceStatusBook({
      bgp: [bgp('a', 'one', ['p']), bgp('a', 'two', ['p', 'q'])],
      l2: [{ node: 'n', serviceName: 'two', serviceNamespace: 'a', interfaces: [] }],
    });
    t.equal(book.toJSON(), JSON.stringify(book.all()));
    book.patch({ keys: ['a/two', 'a/zero'], statuses: { bgp: [bgp('a', 'zero', ['q'])], l2: [] } });
    t.same(
      book.all().bgp.map((s) => s.serviceName),
      ['one', 'zero'],
      'two gone with its L2 status, zero added after one',
    );
    t.same(book.all().l2, []);
    t.equal(book.toJSON(), JSON.stringify(book.all()), 'the cached pieces follow the patch');
    book.patch({ keys: ['a/one'], statuses: { bgp: [bgp('a', 'one', ['r'])], l2: [] } });
    t.same(JSON.parse(book.toJSON()).bgp[0].peers, ['r'], 'a changed Service is serialised again');
    book.patch({ keys: [], statuses: { bgp: [], l2: [] } });
    t.equal(book.toJSON(), JSON.stringify(book.all()));
  },
);
