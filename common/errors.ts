/**
 * Every error the project throws on purpose carries a stable, machine-readable `code`
 * (scripts and tests match on it, never on the message) and optionally a `cause`.
 */
export class CodedError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export function isCodedError(err: unknown, code?: string): err is CodedError {
  return err instanceof CodedError && (code === undefined || err.code === code);
}
