/** FBP's bench: voxel-tilt updates per second against scikit-image's iradon, timed in the same run. */
import { throughputRows, throughputTable, type MethodBench, type ThroughputRow } from '../benchKit.ts';

export const FBP_BENCH: MethodBench<ThroughputRow> = {
  title: 'FBP (Ram-Lak) against scikit-image iradon',
  run: (gpu, context) =>
    throughputRows(gpu, context, { name: 'FBP ram-lak', passes: 1, request: (thickness) => ({ method: 'fbp', params: { thickness, filter: { name: 'ram-lak' } } }) }),
  table: throughputTable,
};
