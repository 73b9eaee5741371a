import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

// Workers are TypeScript, run through tsx as the server itself is: a worker does not inherit the
// main thread's module hooks, so it registers them before importing its module.
const tsxApi = pathToFileURL(
  path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs'),
).href;

/** A worker thread running the TypeScript module at `moduleUrl` with `workerData`. */
export function tsWorker(moduleUrl: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => {
  api.register();
  return import(${JSON.stringify(moduleUrl.href)});
});`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** The worker's next message; rejects if the worker fails first. */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      worker.off('error', onError);
      resolve(message);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}
