/** Every method's bench entry, keyed by method name: a method without one does not compile. Engine-only. */
import type { MethodBench } from './benchKit.ts';
import { COORDNET_BENCH } from './coordnet/bench.ts';
import { FBP_BENCH } from './fbp/bench.ts';
import { DECONV_BENCH } from './deconv/bench.ts';
import { GAUSSIAN_BENCH } from './gaussian/bench.ts';
import { LATENTBP_BENCH } from './latentbp/bench.ts';
import { LOCALNET_BENCH } from './localnet/bench.ts';
import type { MethodName } from './registry.ts';
import { REPROJECT_BENCH } from './reproject/bench.ts';
import { CRYOGEN_BENCH, ISONET_BENCH } from './unetrefine/bench.ts';
import { SIRT_BENCH } from './sirt/bench.ts';

export const BENCHES: { [N in MethodName]: MethodBench<object> } = {
  fbp: FBP_BENCH,
  sirt: SIRT_BENCH,
  coordnet: COORDNET_BENCH,
  localnet: LOCALNET_BENCH,
  gaussian: GAUSSIAN_BENCH,
  deconv: DECONV_BENCH,
  cryogen: CRYOGEN_BENCH,
  isonet: ISONET_BENCH,
  reproject: REPROJECT_BENCH,
  latentbp: LATENTBP_BENCH,
};
