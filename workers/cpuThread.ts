/** One thread of the page's CPU pool (cpuPool.ts), a module worker spawned by the engine worker: runs the parts it is sent. */
import { runPart, type PartMessage } from '../src/engine/cpu/pool.ts';

self.onmessage = (event: MessageEvent<PartMessage>) => self.postMessage(runPart(event.data));
