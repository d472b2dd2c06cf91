import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `body`. Node does not hand a worker the loader the main thread runs under,
 * so when the code runs from TypeScript sources the thread registers tsx itself before loading its body.
 */
export function startWorker(body: URL): Worker {
  if (!body.pathname.endsWith('.ts')) return new Worker(body);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(body.href)}); })`;
  return new Worker(boot, { eval: true });
}
