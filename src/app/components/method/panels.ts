/**
 * The page's half of each method: the panel that edits its own settings. Keyed by every method's name, so a
 * method without a panel does not compile (the registry holds the rest of it).
 */
import type { ComponentType } from 'react';
import type { MethodName } from '../../../../workers/api.ts';
import { CoordnetFields } from './CoordnetFields.tsx';
import { FbpFields } from './FbpFields.tsx';
import { DeconvFields } from './DeconvFields.tsx';
import { GaussianFields } from './GaussianFields.tsx';
import { LatentbpFields } from './LatentbpFields.tsx';
import { LocalnetFields } from './LocalnetFields.tsx';
import { ReprojectFields } from './ReprojectFields.tsx';
import { SirtFields } from './SirtFields.tsx';
import { CryogenFields, IsonetFields } from './UnetRefineFields.tsx';

export const METHOD_PANELS: { [N in MethodName]: ComponentType<{ disabled: boolean }> } = {
  fbp: FbpFields,
  sirt: SirtFields,
  coordnet: CoordnetFields,
  localnet: LocalnetFields,
  gaussian: GaussianFields,
  deconv: DeconvFields,
  cryogen: CryogenFields,
  isonet: IsonetFields,
  reproject: ReprojectFields,
  latentbp: LatentbpFields,
};
