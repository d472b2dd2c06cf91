import t from 'tap';
import { slug } from './paths.ts';

t.test('slug keeps readable names and drops path syntax', async (t) => {
  t.equal(slug('S1 · Basic BGP advertisement (doc 27.2.2)'), 'S1-Basic-BGP-advertisement-doc-27.2.2');
  t.equal(slug('../../etc/passwd'), '..-..-etc-passwd');
  t.equal(slug('///'), 'unnamed');
});
