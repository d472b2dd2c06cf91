/** What a command writes to; the CLI passes process streams, tests pass buffers. */
export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}
