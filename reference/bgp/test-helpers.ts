import { BgpDecodeError } from './errors.ts';

/** Asserts that `fn` throws a BgpDecodeError mapping to NOTIFICATION code/subcode (tests only). */
export function throwsDecode(
  t: {
    ok: (ok: boolean, msg: string) => unknown;
    same: (found: unknown, wanted: unknown, msg: string) => unknown;
  },
  fn: () => unknown,
  code: number,
  subcode: number,
  msg = `NOTIFICATION ${code}/${subcode}`,
): void {
  try {
    fn();
    t.ok(false, `${msg}: did not throw`);
  } catch (err) {
    t.ok(err instanceof BgpDecodeError, `${msg}: a BgpDecodeError`);
    t.same([(err as BgpDecodeError).errorCode, (err as BgpDecodeError).errorSubcode], [code, subcode], msg);
  }
}
