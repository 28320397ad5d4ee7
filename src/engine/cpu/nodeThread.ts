/** One thread of the Node CPU pool (nodePool.ts): runs the parts it is sent, answers each. */
import { parentPort } from 'node:worker_threads';
import { runPart, type PartMessage } from './pool.ts';

parentPort?.on('message', (message: PartMessage) => parentPort?.postMessage(runPart(message)));
