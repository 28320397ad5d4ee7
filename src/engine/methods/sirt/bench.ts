/** SIRT's bench: voxel-tilt updates per second against scikit-image's iradon, one FBP per projector pass. */
import { throughputRows, throughputTable, type MethodBench, type ThroughputRow } from '../benchKit.ts';

export const SIRT_BENCH: MethodBench<ThroughputRow> = {
  title: 'SIRT against scikit-image iradon (one FBP per projector pass)',
  run(gpu, context) {
    const iterations = context.quick ? 3 : 2;
    // K iterations run K + 2 forward and K + 1 back-projections (weights, updates, final residual).
    const passes = 2 * iterations + 3;
    return throughputRows(gpu, context, { name: `SIRT ${iterations} it`, passes, request: (thickness) => ({ method: 'sirt', params: { thickness, iterations } }) });
  },
  table: throughputTable,
};
