import t from 'tap';
import { CodedError, isCodedError } from './errors.ts';

t.test('CodedError carries a stable code and its cause', async (t) => {
  const cause = new Error('inner');
  const err = new CodedError('SOME_CODE', 'outer', { cause });
  t.equal(err.code, 'SOME_CODE');
  t.equal(err.name, 'CodedError');
  t.equal(err.cause, cause);
  t.ok(isCodedError(err));
  t.ok(isCodedError(err, 'SOME_CODE'));
  t.notOk(isCodedError(err, 'OTHER'));
  t.notOk(isCodedError(new Error('plain')));
});
