import { BgpDecodeError } from './errors.ts';

/** Asserts that `fn` throws a BgpDecodeError mapping to NOTIFICATION code/subcode (tests only). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function throwsDecode(
  t: { ok: Function; same: Function },
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
