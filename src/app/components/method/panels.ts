/**
 * The page's half of each method: the panel that edits its own settings. Keyed by every reconstruction
 * method's name, so a method without a panel does not compile (the registry holds the rest of it).
 */
import type { ComponentType } from 'react';
import type { ReconstructionName } from '../../state/methodForm.ts';
import { CoordnetFields } from './CoordnetFields.tsx';
import { FbpFields } from './FbpFields.tsx';
import { LocalnetFields } from './LocalnetFields.tsx';
import { SirtFields } from './SirtFields.tsx';

export const METHOD_PANELS: { [N in ReconstructionName]: ComponentType<{ disabled: boolean }> } = {
  fbp: FbpFields,
  sirt: SirtFields,
  coordnet: CoordnetFields,
  localnet: LocalnetFields,
};
