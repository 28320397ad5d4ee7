/** Public API of the simulator (phantoms, tilt schemes, noise, demo tilt series). */
export { Rng, deriveSeed } from './random.ts';
export { makePhantom, PHANTOM_NAMES, MIN_PHANTOM_SIZE, type PhantomName } from './phantoms.ts';
export { tiltRange, doseSymmetric, parseAngleSpec } from './tiltScheme.ts';
export { addGaussianNoise, measureSnrDb, noiseSigma, variance } from './noise.ts';
export { simulateTiltSeries, DEMO_DEFAULTS, DEMO_DEFAULTS_SOFTWARE_GPU, NOISE_STREAM, type SimulationOptions, type Projector } from './simulate.ts';
