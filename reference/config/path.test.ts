import t from 'tap';
import { joinPath } from './path.ts';

t.test(
  'joinPath: dots for identifiers, brackets for indexes and for keys that are not identifiers',
  async (t) => {
    t.equal(joinPath('spec.addresses', 1), 'spec.addresses[1]');
    t.equal(joinPath('', 'spec'), 'spec', 'no leading dot at the root');
    t.equal(joinPath('spec', 'myASN'), 'spec.myASN');
    t.equal(joinPath('spec', 'ebgp-multihop'), 'spec.ebgp-multihop', 'a dash inside is fine');
    t.equal(joinPath('spec', '_x$1'), 'spec._x$1');
    t.equal(
      joinPath('metadata.annotations', 'metallb.io/address-pool'),
      'metadata.annotations["metallb.io/address-pool"]',
    );
    t.equal(joinPath('spec', '1abc'), 'spec["1abc"]', 'an identifier cannot start with a digit');
    t.equal(joinPath('spec', '-x'), 'spec["-x"]', 'nor with a dash');
    t.equal(joinPath('spec', ''), 'spec[""]');
  },
);
